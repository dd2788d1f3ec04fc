//! A Traefik ALB's side of the end-to-end test (issue 24): the bundle's ServersTransport and the
//! secrets it names go to `tools/go-verify/traefikclient`, a stand-in for Traefik's client side
//! made of Go's crypto/tls (Traefik's verifier; Traefik itself cannot be built here), which
//! makes one HTTPS request to the gateway stand-in (the same NGINX as for the NGINX ALB).
//!
//! The objects are handed over as JSON, as Traefik gets them from the API server: the YAML of the
//! bundle's files, converted. The request carries the ServersTransport's `serverName` as Host
//! (Traefik passes the client's Host on; NGINX, unlike Envoy, answers 421 to a Host other than
//! the SNI of a connection whose client certificate it verified, see `alb_conf`).

use super::{GatewayFiles, gateway_conf, gateway_files_with, start_on_free_port, yaml};
use istio_alb::bundle::Bundle;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What one request through the Traefik stand-in gave.
#[derive(Debug)]
pub struct TraefikOutcome {
    /// `Ok(status)` when a response came back; `Err(Go's error)` otherwise.
    pub result: Result<u16, String>,
    /// What the stand-in logged besides (a client certificate it left out, as Traefik does).
    pub log: String,
    pub gateway_start_error: Option<String>,
    /// The gateway stand-in's logs (why it refused a client certificate).
    pub gateway_log: String,
}

/// `manifest` (a path in the bundle) as JSON in `out`.
fn as_json(bundle: &Bundle, manifest: &str, out: &Path) {
    let v = yaml(bundle, manifest);
    fs::write(out, serde_json::to_vec(&v).expect("JSON")).expect("write");
}

/// The secrets the transport names, each as `dir/NAME.json`.
fn secrets(bundle: &Bundle, transport: &serde_yaml::Value, dir: &Path) {
    fs::create_dir_all(dir).expect("mkdir");
    let spec = &transport["spec"];
    let mut names: Vec<&str> = spec["rootCAs"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|r| r["secret"].as_str())
        .collect();
    names.extend(
        spec["certificatesSecrets"]
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str()),
    );
    assert!(!names.is_empty(), "the ServersTransport names no secret");
    for name in names {
        as_json(
            bundle,
            &format!("secrets/{name}.yaml"),
            &dir.join(format!("{name}.json")),
        );
    }
}

/// The gateway stand-in from the bundle's files, one request through the Traefik stand-in, the
/// gateway stopped again.
pub fn through_traefik(nginx: &Path, stand_in: &Path, bundle: &Bundle) -> TraefikOutcome {
    through_traefik_with(nginx, stand_in, bundle, None)
}

/// As [`through_traefik`], the gateway serving IBM's own NLB secret `ibm` (cert, key) when the
/// bundle is in IBM-renewed mode.
pub fn through_traefik_with(
    nginx: &Path,
    stand_in: &Path,
    bundle: &Bundle,
    ibm: Option<(&str, &str)>,
) -> TraefikOutcome {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).unwrap();
    let transport = yaml(bundle, "manifests/07-servers-transport.yaml");
    assert_eq!(transport["kind"].as_str(), Some("ServersTransport"));
    as_json(
        bundle,
        "manifests/07-servers-transport.yaml",
        &dir.join("transport.json"),
    );
    secrets(bundle, &transport, &dir.join("secrets"));
    let server_name = transport["spec"]["serverName"]
        .as_str()
        .expect("serverName")
        .to_owned();
    let ingress = yaml(bundle, "manifests/09-ingress.yaml");
    let path = ingress["spec"]["rules"][0]["http"]["paths"][0]["path"]
        .as_str()
        .expect("the Ingress's path")
        .to_owned();
    let gw: GatewayFiles = gateway_files_with(bundle, dir, ibm);
    let (gateway, port) = start_on_free_port(nginx, dir, "gateway", |port| {
        gateway_conf(dir, port, &gw, &path)
    });
    let out = support_run(
        Command::new(stand_in)
            .arg("-transport")
            .arg(dir.join("transport.json"))
            .arg("-secrets")
            .arg(dir.join("secrets"))
            .arg("-url")
            .arg(format!("https://127.0.0.1:{port}{path}"))
            .args(["-host", &server_name, "-timeout", "10s"]),
    );
    let gateway_start_error = gateway.as_ref().err().cloned();
    drop(gateway);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let result = match out.status.code() {
        Some(0) => Ok(stdout
            .trim()
            .strip_prefix("status ")
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("the stand-in printed {stdout:?}"))),
        Some(1) => Err(stderr
            .lines()
            .rfind(|l| l.starts_with("traefikclient: the request"))
            .unwrap_or(&stderr)
            .to_owned()),
        _ => panic!("the Traefik stand-in could not use the bundle: {stderr}"),
    };
    let gateway_log = ["error", "stderr", "out"]
        .iter()
        .map(|k| fs::read_to_string(dir.join(format!("gateway-{k}.log"))).unwrap_or_default())
        .collect();
    TraefikOutcome {
        result,
        log: stderr,
        gateway_start_error,
        gateway_log,
    }
}

fn support_run(cmd: &mut Command) -> std::process::Output {
    super::support::run_bounded(cmd, Duration::from_secs(30))
}
