//! End to end with the real ALB software: NGINX is what IBM's ALB runs. On loopback only, this
//! renders an NGINX configuration for the ALB from a bundle's Ingress (the `proxy-ssl-*`
//! annotations, or IBM's `ssl-services` for classic) and its proxy-ssl secret, and proxies to a
//! gateway stand-in, a second NGINX that requires a client certificate from the gateway secret's
//! CA and serves the gateway secret's certificate and key. Every file comes out of the bundle's
//! manifests, as the cluster would read them.
//!
//! Good bundles answer 200 through the ALB stand-in. The bad ones fail as the real system fails
//! (502, and NGINX's reason in a log), and each is caught first by our own check: the plan's
//! findings, and the bundle's `scripts/preflight.sh`, which must name the failing side and the
//! reason.
//!
//! Envoy, the real gateway, aborts the handshake when it refuses a client certificate; NGINX
//! finishes it and answers 400 instead. The stand-in turns that 400 into a dropped connection
//! (`error_page 495 496` → `return 444`), so that the ALB sees what it sees in front of Envoy:
//! no answer, hence 502.
//!
//! Every Traefik bundle, good or bad, goes through a Go stand-in for Traefik's client side
//! (`tools/go-verify/traefikclient`, Go's crypto/tls as Traefik configures it from the bundle's
//! ServersTransport; `nginx_e2e/traefik.rs`) against the same gateway stand-in: 200 for a good
//! one, Go's own error where real Traefik would fail.
//!
//! Each NGINX runs in the foreground as one process (`daemon off; master_process off`), as a child
//! of the test, with every path in a temporary folder and `127.0.0.1` on free ports; a guard kills
//! it on every exit path, and every wait is bounded.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;
mod support;
#[path = "nginx_e2e/traefik.rs"]
mod traefik;

use base64::Engine as _;
use istio_alb::bundle::Bundle;
use istio_alb::finding::{Code, Severity};
use istio_alb::inputs::{CertInput, CertInputs};
use istio_alb::manifest::sides::CLASSIC_VERIFY_DEPTH;
use istio_alb::plan::{self, Plan};
use istio_alb::settings::{Profile, Settings};
use istio_alb::{demo, manifest};
use pki_fixtures::{Alg, Issued, Spec, issue, self_signed};
use rcgen::ExtendedKeyUsagePurpose as Eku;
use serde_yaml::Value;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// 2025-11-26T10:00:00Z: inside the demo certificates' validity.
const DEMO_AT: i64 = 1_764_151_200;

// --- tools ---------------------------------------------------------------------------------------

/// The nginx binary, when nginx, openssl and curl are all there (else a notice or, under
/// `./dev test` / CI, a failure).
fn tools() -> Option<PathBuf> {
    let nginx = ["nginx", "/usr/sbin/nginx"]
        .into_iter()
        .find(|n| support::has_program(n, "-v"))
        .map(PathBuf::from);
    let missing: Vec<&str> = [
        ("nginx (Debian's nginx-light)", nginx.is_some()),
        ("openssl", support::has_program("openssl", "version")),
        ("curl", support::has_program("curl", "--version")),
    ]
    .into_iter()
    .filter(|(_, there)| !there)
    .map(|(what, _)| what)
    .collect();
    if !missing.is_empty() {
        support::missing(
            support::Need::Tool,
            &format!(
                "{} not installed (./dev setup installs them)",
                missing.join(", ")
            ),
        );
        return None;
    }
    nginx
}

// --- the bundle's files ---------------------------------------------------------------------------

fn yaml(bundle: &Bundle, path: &str) -> Value {
    let f = bundle
        .file(path)
        .unwrap_or_else(|| panic!("no {path} in the bundle"));
    serde_yaml::from_str(f.text()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One data key of a secret manifest of the bundle, decoded, written to `dir/out`.
fn secret_file(bundle: &Bundle, secret: &str, key: &str, dir: &Path, out: &str) -> PathBuf {
    let path = format!("secrets/{secret}.yaml");
    let y = yaml(bundle, &path);
    let b64 = y["data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("{path} has no data key {key}"));
    let pem = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap_or_else(|e| panic!("{path} {key}: {e}"));
    let file = dir.join(out);
    fs::write(&file, pem).unwrap();
    file
}

/// What the gateway reads: its certificate chain, key, client CA, and the hosts it serves.
struct GatewayFiles {
    cert: PathBuf,
    key: PathBuf,
    client_ca: PathBuf,
    /// The Gateway's `hosts` (SNI it answers); `*` for any.
    hosts: Vec<String>,
}

/// The files as Istio finds them: `credentialName` (SDS: keys `tls.crt`, `tls.key`, `ca.crt`), or
/// the file paths the classic ingress gateway mounts from its two secrets by name.
fn gateway_files(bundle: &Bundle, dir: &Path) -> GatewayFiles {
    gateway_files_with(bundle, dir, None)
}

/// As [`gateway_files`]; `ibm` is IBM's NLB secret (certificate, key) when the Gateway names it
/// in place (IBM-renewed mode: the bundle holds no copy, the client CA is in `<secret>-cacert`).
fn gateway_files_with(bundle: &Bundle, dir: &Path, ibm: Option<(&str, &str)>) -> GatewayFiles {
    let gw = yaml(bundle, "manifests/05-gateway.yaml");
    let server = &gw["spec"]["servers"][0];
    let tls = &server["tls"];
    assert_eq!(tls["mode"].as_str(), Some("MUTUAL"));
    let hosts = server["hosts"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    if let (Some(secret), Some((cert, key))) = (tls["credentialName"].as_str(), ibm) {
        let (crt_file, key_file) = (dir.join("gw.crt"), dir.join("gw.key"));
        fs::write(&crt_file, cert).unwrap();
        fs::write(&key_file, key).unwrap();
        let cacert = format!("{secret}-cacert");
        return GatewayFiles {
            cert: crt_file,
            key: key_file,
            client_ca: secret_file(bundle, &cacert, "ca.crt", dir, "gw-client-ca.pem"),
            hosts,
        };
    }
    if let Some(secret) = tls["credentialName"].as_str() {
        return GatewayFiles {
            cert: secret_file(bundle, secret, "tls.crt", dir, "gw.crt"),
            key: secret_file(bundle, secret, "tls.key", dir, "gw.key"),
            client_ca: secret_file(bundle, secret, "ca.crt", dir, "gw-client-ca.pem"),
            hosts,
        };
    }
    // Istio 1.4's ingress gateway mounts these two secrets at these folders.
    let mounted = |field: &str, out: &str| {
        let path = tls[field].as_str().unwrap();
        let (folder, key) = path.rsplit_once('/').unwrap();
        let secret = match folder {
            "/etc/istio/ingressgateway-certs" => "istio-ingressgateway-certs",
            "/etc/istio/ingressgateway-ca-certs" => "istio-ingressgateway-ca-certs",
            other => panic!("the gateway mounts no secret at {other}"),
        };
        secret_file(bundle, secret, key, dir, out)
    };
    GatewayFiles {
        cert: mounted("serverCertificate", "gw.crt"),
        key: mounted("privateKey", "gw.key"),
        client_ca: mounted("caCertificates", "gw-client-ca.pem"),
        hosts,
    }
}

/// What the ALB's NGINX gets from the Ingress and its proxy-ssl secret.
struct AlbSide {
    host: String,
    path: String,
    cert: PathBuf,
    key: PathBuf,
    trusted: PathBuf,
    verify: bool,
    depth: u32,
    name: String,
    server_name: bool,
}

/// The Ingress read as its controller reads it: the community controller's `proxy-ssl-*`
/// annotations (secret keys `tls.crt`, `tls.key`, `ca.crt`), or IBM's `ssl-services` (keys
/// `client.crt`, `client.key`, `trusted.crt`; defaults: depth 5, the gateway certificate's name).
fn alb_side(bundle: &Bundle, settings: &Settings, dir: &Path) -> AlbSide {
    let ing = yaml(bundle, "manifests/07-ingress.yaml");
    let a = &ing["metadata"]["annotations"];
    let rule = &ing["spec"]["rules"][0];
    let host = rule["host"].as_str().unwrap().to_owned();
    let p = &rule["http"]["paths"][0];
    let path = p["path"].as_str().unwrap().to_owned();
    // The backend is the gateway service on 443 (played by the gateway stand-in).
    let (service, port) = match p["backend"]["service"]["name"].as_str() {
        Some(name) => (name, p["backend"]["service"]["port"]["number"].as_u64()),
        None => (
            p["backend"]["serviceName"].as_str().unwrap(),
            p["backend"]["servicePort"].as_u64(),
        ),
    };
    assert_eq!((service, port), ("istio-ingressgateway", Some(443)));
    let nginx = |k: &str| a[format!("nginx.ingress.kubernetes.io/{k}").as_str()].as_str();
    if let Some(secret_ref) = nginx("proxy-ssl-secret") {
        assert_eq!(nginx("backend-protocol"), Some("HTTPS"));
        let secret = secret_ref.rsplit_once('/').map_or(secret_ref, |(_, n)| n);
        return AlbSide {
            host,
            path,
            cert: secret_file(bundle, secret, "tls.crt", dir, "alb.crt"),
            key: secret_file(bundle, secret, "tls.key", dir, "alb.key"),
            trusted: secret_file(bundle, secret, "ca.crt", dir, "alb-ca.pem"),
            verify: nginx("proxy-ssl-verify") == Some("on"),
            // NGINX's default when the annotation is absent.
            depth: nginx("proxy-ssl-verify-depth").map_or(1, |d| d.parse().unwrap()),
            name: nginx("proxy-ssl-name").unwrap_or("").to_owned(),
            server_name: nginx("proxy-ssl-server-name") == Some("on"),
        };
    }
    let services = a["ingress.bluemix.net/ssl-services"]
        .as_str()
        .expect("an ssl-services annotation");
    let entry = services
        .split(';')
        .find(|e| {
            e.split_whitespace()
                .any(|w| w == "ssl-service=istio-ingressgateway")
        })
        .expect("an ssl-services entry for the gateway");
    let opt = |k: &str| {
        entry
            .split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{k}=")))
    };
    let secret = opt("ssl-secret").expect("ssl-secret");
    AlbSide {
        host,
        path,
        cert: secret_file(bundle, secret, "client.crt", dir, "alb.crt"),
        key: secret_file(bundle, secret, "client.key", dir, "alb.key"),
        trusted: secret_file(bundle, secret, "trusted.crt", dir, "alb-ca.pem"),
        verify: true,
        depth: opt("proxy-ssl-verify-depth").map_or(CLASSIC_VERIFY_DEPTH, |d| d.parse().unwrap()),
        name: opt("proxy-ssl-name")
            .unwrap_or(&settings.nlb_domain)
            .to_owned(),
        server_name: true,
    }
}

// --- NGINX ----------------------------------------------------------------------------------------

/// The common head of both configurations: one foreground process, every path under `dir`.
fn conf_head(dir: &Path, role: &str) -> String {
    let d = dir.display();
    let temps: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|t| format!("    {t}_temp_path {d}/{role}-{t}-temp;\n"))
        .collect();
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/{role}.pid;\n\
         error_log {d}/{role}-error.log info;\nevents {{ worker_connections 64; }}\nhttp {{\n    \
         access_log {d}/{role}-access.log;\n    server_names_hash_bucket_size 128;\n{temps}"
    )
}

fn gateway_conf(dir: &Path, port: u16, gw: &GatewayFiles, app_path: &str) -> String {
    // Envoy picks the Gateway server by SNI and resets a handshake for any other name: a
    // default server refuses those handshakes, unless the Gateway serves any host ("*").
    let any = gw.hosts.iter().any(|h| h == "*");
    let mut conf = conf_head(dir, "gateway");
    if !any {
        conf.push_str(&format!(
            "    server {{\n        listen 127.0.0.1:{port} ssl default_server;\n        \
             ssl_reject_handshake on;\n    }}\n"
        ));
    }
    conf.push_str(&format!(
        "    server {{\n        listen 127.0.0.1:{port} ssl{};\n        server_name {};\n        \
         ssl_certificate {};\n        ssl_certificate_key {};\n        \
         ssl_client_certificate {};\n        ssl_verify_client on;\n        \
         ssl_verify_depth 10;\n        error_page 495 496 = @refuse;\n        \
         location @refuse {{ return 444; }}\n        \
         location {app_path} {{ return 200 \"gateway stand-in: ok\\n\"; }}\n    }}\n}}\n",
        if any { " default_server" } else { "" },
        if any {
            "_".to_owned()
        } else {
            gw.hosts.join(" ")
        },
        gw.cert.display(),
        gw.key.display(),
        gw.client_ca.display(),
    ));
    conf
}

/// The ALB's server for the Ingress rule, with the controller's `proxy_ssl_*` directives.
///
/// One difference from the real ALB: the community controller passes the request's Host on (the
/// ALB host, which the current Gateway lists among its hosts for that reason), but NGINX, unlike
/// Envoy, answers 421 when a request's Host differs from the SNI of a connection whose client
/// certificate it verifies. So the ALB stand-in sends the `proxy-ssl-name` as Host too.
fn alb_conf(dir: &Path, port: u16, gateway_port: u16, alb: &AlbSide) -> String {
    let mut conf = conf_head(dir, "alb");
    conf.push_str(&format!(
        "    server {{\n        listen 127.0.0.1:{port};\n        server_name {};\n        \
         location {} {{\n            proxy_pass https://127.0.0.1:{gateway_port};\n            \
         proxy_set_header Host {};\n            \
         proxy_ssl_certificate {};\n            proxy_ssl_certificate_key {};\n            \
         proxy_ssl_trusted_certificate {};\n            proxy_ssl_verify {};\n            \
         proxy_ssl_verify_depth {};\n            proxy_ssl_name {};\n            \
         proxy_ssl_server_name {};\n            proxy_connect_timeout 5s;\n            \
         proxy_read_timeout 5s;\n            proxy_send_timeout 5s;\n        }}\n    }}\n}}\n",
        alb.host,
        alb.path,
        alb.name,
        alb.cert.display(),
        alb.key.display(),
        alb.trusted.display(),
        if alb.verify { "on" } else { "off" },
        alb.depth,
        alb.name,
        if alb.server_name { "on" } else { "off" },
    ));
    conf
}

/// A running NGINX; killed (and reaped) when dropped, whatever happens in the test.
struct Nginx {
    child: Option<Child>,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A port free on 127.0.0.1 right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts NGINX with `conf` (written to `dir/role.conf`) and waits, at most 5 s, until it
/// listens on `port` (its pid file exists once it has bound its sockets). `Err(stderr)` when it
/// refused to start.
fn start(nginx: &Path, dir: &Path, role: &str, conf: &str, port: u16) -> Result<Nginx, String> {
    let conf_path = dir.join(format!("{role}.conf"));
    fs::write(&conf_path, conf).unwrap();
    let stderr = dir.join(format!("{role}-stderr.log"));
    let pid_file = dir.join(format!("{role}.pid"));
    let _ = fs::remove_file(&pid_file);
    let child = Command::new(nginx)
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(&stderr)
        .arg("-c")
        .arg(&conf_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(dir.join(format!("{role}-out.log"))).unwrap())
        .spawn()
        .expect("nginx");
    let mut guard = Nginx { child: Some(child) };
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let c = guard.child.as_mut().unwrap();
        if let Some(status) = c.try_wait().unwrap() {
            guard.child = None;
            let out = fs::read_to_string(dir.join(format!("{role}-out.log"))).unwrap_or_default();
            let err = fs::read_to_string(&stderr).unwrap_or_default();
            return Err(format!("{role} NGINX exited ({status}): {out}{err}"));
        }
        if pid_file.exists() && TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(guard);
        }
        assert!(
            Instant::now() < deadline,
            "{role} NGINX did not listen on {port} within 5 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// [`start`] on a free port, with another port when that one was taken meanwhile.
fn start_on_free_port(
    nginx: &Path,
    dir: &Path,
    role: &str,
    conf: impl Fn(u16) -> String,
) -> (Result<Nginx, String>, u16) {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let port = free_port();
        let started = start(nginx, dir, role, &conf(port), port);
        match &started {
            Err(e) if e.contains("Address already in use") && attempt < 5 => continue,
            _ => return (started, port),
        }
    }
}

/// What one request through the ALB stand-in gave.
#[derive(Debug)]
struct Outcome {
    /// The HTTP status curl got through the ALB; `None` when the ALB did not start.
    status: Option<u16>,
    /// Why the gateway stand-in or the ALB refused to start, if one did.
    gateway_start_error: Option<String>,
    alb_start_error: Option<String>,
    gateway_log: String,
    alb_log: String,
}

/// Both NGINX from the bundle's files, one request to the app's path through the ALB, both
/// stopped again.
fn through_the_alb(nginx: &Path, bundle: &Bundle, settings: &Settings) -> Outcome {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).unwrap();
    let gw = gateway_files(bundle, dir);
    let alb = alb_side(bundle, settings, dir);
    let (gateway, gateway_port) = start_on_free_port(nginx, dir, "gateway", |port| {
        gateway_conf(dir, port, &gw, &alb.path)
    });
    let (alb_nginx, alb_port) = start_on_free_port(nginx, dir, "alb", |port| {
        alb_conf(dir, port, gateway_port, &alb)
    });
    let status = alb_nginx.as_ref().ok().map(|_| {
        let out = support::run_bounded(
            Command::new("curl")
                .args(["-sS", "--noproxy", "*", "--max-time", "10", "-o"])
                .arg(dir.join("body"))
                .args(["-w", "%{http_code}", "-H"])
                .arg(format!("Host: {}", alb.host))
                .arg(format!("http://127.0.0.1:{alb_port}{}", alb.path)),
            Duration::from_secs(20),
        );
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(0)
    });
    let gateway_start_error = gateway.as_ref().err().cloned();
    let alb_start_error = alb_nginx.as_ref().err().cloned();
    drop(alb_nginx);
    drop(gateway);
    let log = |role: &str| {
        ["error", "stderr", "out"]
            .iter()
            .map(|k| fs::read_to_string(dir.join(format!("{role}-{k}.log"))).unwrap_or_default())
            .collect::<String>()
    };
    Outcome {
        status,
        gateway_start_error,
        alb_start_error,
        gateway_log: log("gateway"),
        alb_log: log("alb"),
    }
}

// --- preflight.sh ---------------------------------------------------------------------------------

/// The bundle's own `scripts/preflight.sh`, run from the bundle written to disk. Also checks
/// that it left no file in its TMPDIR and no process whose command line names it.
fn preflight(bundle: &Bundle) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    let root = support::write_bundle(bundle, tmp.path());
    let work = tmp.path().join("tmp");
    fs::create_dir(&work).unwrap();
    let out = support::run_bounded(
        Command::new("bash")
            .arg(root.join("scripts/preflight.sh"))
            .env("TMPDIR", &work),
        Duration::from_secs(45),
    );
    let left: Vec<_> = fs::read_dir(&work).unwrap().flatten().collect();
    assert!(left.is_empty(), "preflight.sh left files behind: {left:?}");
    let needle = work.display().to_string();
    for proc_dir in fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Ok(cmdline) = fs::read(proc_dir.path().join("cmdline")) {
            assert!(
                !String::from_utf8_lossy(&cmdline).contains(&needle),
                "preflight.sh left a process behind: {}",
                String::from_utf8_lossy(&cmdline).replace('\0', " ")
            );
        }
    }
    out
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

fn assert_preflight_passes(bundle: &Bundle, what: &str) {
    let out = preflight(bundle);
    assert!(
        out.status.success() && text(&out.stdout).contains("preflight: OK"),
        "{what}: preflight.sh failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// preflight.sh fails (exit 1), naming `side` and saying each of `words`.
fn assert_preflight_fails(bundle: &Bundle, what: &str, side: &str, words: &[&str]) -> String {
    let out = preflight(bundle);
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: preflight.sh should fail:\n{}{err}",
        text(&out.stdout)
    );
    let verdict = format!("preflight: FAILED on the {side} side: ");
    assert!(err.contains(&verdict), "{what}: {err}");
    for w in words {
        assert!(err.contains(w), "{what}: no '{w}' in:\n{err}");
    }
    err.lines()
        .skip_while(|l| !l.starts_with("preflight: FAILED"))
        .collect::<Vec<_>>()
        .join(" / ")
}

// --- certificates -------------------------------------------------------------------------------

/// A PKI like the product expects: the gateway certificate for the NLB host under two
/// intermediates (so the derived verify depth is 3, more than NGINX's default 1), and the ALB's
/// client certificate from a private client CA.
struct Pki {
    gateway_root: Issued,
    gateway_chain: String,
    gateway_key: String,
    client_ca: Issued,
    alb_cert: String,
    alb_key: String,
}

fn spec(s: Spec) -> Spec {
    // Valid around the real clock NGINX and OpenSSL use, and around the plan's `at`.
    s.valid((2024, 1, 1), (2045, 1, 1))
}

fn pki() -> Pki {
    let gateway_root = self_signed(&spec(Spec::ca("E2E gateway root CA")), Alg::P256);
    let int1 = issue(
        &spec(Spec::ca("E2E intermediate 1")),
        Alg::P256,
        &gateway_root,
    );
    let int2 = issue(&spec(Spec::ca("E2E intermediate 2")), Alg::P256, &int1);
    let leaf = issue(
        &spec(Spec::leaf(demo::NLB_DOMAIN, &[demo::NLB_DOMAIN])).eku(vec![Eku::ServerAuth]),
        Alg::P256,
        &int2,
    );
    let client_ca = self_signed(&spec(Spec::ca("E2E ALB client CA")), Alg::P256);
    let alb = issue(
        &spec(Spec::leaf("E2E ALB client", &[])).eku(vec![Eku::ClientAuth]),
        Alg::P256,
        &client_ca,
    );
    Pki {
        gateway_chain: format!("{}{}{}", leaf.pem, int2.pem, int1.pem),
        gateway_key: leaf.key_pem(),
        alb_key: alb.key_pem(),
        alb_cert: alb.pem,
        gateway_root,
        client_ca,
    }
}

impl Pki {
    fn inputs(&self) -> CertInputs {
        let mut c = CertInputs::default();
        c[CertInput::NlbCert] = self.gateway_chain.clone();
        c[CertInput::NlbKey] = self.gateway_key.clone();
        c[CertInput::GatewayCa] = self.gateway_root.pem.clone();
        c[CertInput::AlbClientCert] = self.alb_cert.clone();
        c[CertInput::AlbClientKey] = self.alb_key.clone();
        c[CertInput::ClientCa] = self.client_ca.pem.clone();
        c
    }
}

fn make_plan(profile: Profile, certs: &CertInputs, edit: impl FnOnce(&mut Settings)) -> Plan {
    let mut s = demo::settings_for(profile);
    edit(&mut s);
    plan::plan(&s, certs, pki_fixtures::at())
}

/// The plan reports `code` as an error: the check catches the case before any handshake.
fn assert_caught(plan: &Plan, code: Code, what: &str) {
    assert!(
        plan.findings
            .iter()
            .any(|f| f.code == code && f.severity == Severity::Error),
        "{what}: the check did not report {}: {:?}",
        code.as_str(),
        plan.findings
            .iter()
            .map(|f| (f.code.as_str(), f.message.as_str()))
            .collect::<Vec<_>>()
    );
}

fn assert_clean(plan: &Plan, what: &str) {
    assert!(
        !plan.has_errors(),
        "{what}: the good set has errors: {:?}",
        plan.findings
    );
}

/// The request failed as the real system fails: 502, with `reason` in the ALB's or the
/// gateway's log.
fn assert_502(o: &Outcome, what: &str, log_of: &str, reason: &str) {
    assert_eq!(o.status, Some(502), "{what}: {o:#?}");
    let log = if log_of == "gateway" {
        &o.gateway_log
    } else {
        &o.alb_log
    };
    assert!(
        log.contains(reason),
        "{what}: no '{reason}' in the {log_of} log:\n{log}"
    );
}

/// The first log line holding `needle` (for the test's output).
fn line_with<'a>(log: &'a str, needle: &str) -> &'a str {
    log.lines().find(|l| l.contains(needle)).unwrap_or("")
}

// --- the tests ----------------------------------------------------------------------------------

#[test]
fn good_bundles_answer_200_through_the_alb() {
    let Some(nginx) = tools() else { return };
    let started = Instant::now();
    // The demo set (one intermediate), and the test PKI (two).
    let test_pki = pki();
    for profile in Profile::ALL {
        let sets = [
            (
                "demo",
                plan::plan(&demo::settings_for(profile), &demo::cert_inputs(), DEMO_AT),
            ),
            (
                "two intermediates",
                make_plan(profile, &test_pki.inputs(), |_| {}),
            ),
        ];
        for (name, plan) in sets {
            let what = format!("{profile} {name}");
            assert_clean(&plan, &what);
            let bundle = Bundle::of(&plan);
            let o = through_the_alb(&nginx, &bundle, &plan.settings);
            assert_eq!(o.status, Some(200), "{what}: {o:#?}");
            assert_preflight_passes(&bundle, &what);
        }
    }
    println!("good bundles: {:?}", started.elapsed());
}

#[test]
fn a_client_certificate_without_client_auth_is_refused_by_the_gateway() {
    let Some(nginx) = tools() else { return };
    let p = pki();
    let server_only = issue(
        &spec(Spec::leaf("E2E ALB client", &[])).eku(vec![Eku::ServerAuth]),
        Alg::P256,
        &p.client_ca,
    );
    let mut certs = p.inputs();
    certs[CertInput::AlbClientCert] = server_only.pem.clone();
    certs[CertInput::AlbClientKey] = server_only.key_pem();
    for profile in Profile::ALL {
        let what = format!("{profile}: client certificate without clientAuth");
        let plan = make_plan(profile, &certs, |_| {});
        assert_caught(&plan, Code::EkuClientAuthMissing, &what);
        let bundle = Bundle::of(&plan);
        let verdict =
            assert_preflight_fails(&bundle, &what, "gateway", &["lacks clientAuth", "26"]);
        let o = through_the_alb(&nginx, &bundle, &plan.settings);
        assert_502(
            &o,
            &what,
            "gateway",
            "client SSL certificate verify error: (26:unsuitable certificate purpose)",
        );
        assert!(o.alb_log.contains("upstream prematurely closed connection"));
        println!(
            "{what}: 502\n  gateway: {}\n  alb: {}\n  preflight: {verdict}",
            line_with(&o.gateway_log, "verify error"),
            line_with(&o.alb_log, "upstream prematurely")
        );
    }
}

#[test]
fn a_gateway_ca_that_did_not_sign_the_client_is_refused_by_the_gateway() {
    let Some(nginx) = tools() else { return };
    let p = pki();
    let stranger = self_signed(&spec(Spec::ca("E2E some other CA")), Alg::P256);
    let mut certs = p.inputs();
    certs[CertInput::ClientCa] = stranger.pem.clone();
    for profile in Profile::ALL {
        let what = format!("{profile}: client CA that did not sign the ALB client certificate");
        let plan = make_plan(profile, &certs, |_| {});
        let caught: Vec<&str> = plan
            .findings
            .iter()
            .filter(|f| {
                f.severity == Severity::Error
                    && matches!(f.code, Code::ChainUntrusted | Code::ChainIncomplete)
                    // The CA that did not issue the certificate is the one the finding is on.
                    && f.is_about(CertInput::ClientCa)
            })
            .map(|f| f.code.as_str())
            .collect();
        assert!(!caught.is_empty(), "{what}: {:?}", plan.findings);
        println!("{what}: the check reports {caught:?}");
        let bundle = Bundle::of(&plan);
        let verdict = assert_preflight_fails(
            &bundle,
            &what,
            "gateway",
            &["did not issue the ALB client certificate"],
        );
        let o = through_the_alb(&nginx, &bundle, &plan.settings);
        // NGINX's verification goes on after the first error and reports the last one: 21
        // ("unable to verify the first certificate"); OpenSSL's s_server stops at 20.
        assert_502(
            &o,
            &what,
            "gateway",
            "client SSL certificate verify error: (21:unable to verify the first certificate)",
        );
        println!(
            "{what}: 502\n  gateway: {}\n  alb: {}\n  preflight: {verdict}",
            line_with(&o.gateway_log, "verify error"),
            line_with(&o.alb_log, "upstream prematurely")
        );
    }
}

#[test]
fn a_proxy_ssl_name_the_gateway_certificate_does_not_cover_is_refused_by_the_alb() {
    let Some(nginx) = tools() else { return };
    let p = pki();
    // The NLB host name is the Ingress's proxy-ssl-name (classic: the name IBM's ALB checks)
    // and one of the Gateway's hosts; the certificate is for another name.
    let other = "other-0002.us-south.containers.example.com";
    for profile in Profile::ALL {
        let what = format!("{profile}: proxy-ssl-name not covered by the gateway certificate");
        let plan = make_plan(profile, &p.inputs(), |s| s.nlb_domain = other.into());
        assert_caught(&plan, Code::NameMismatch, &what);
        let bundle = Bundle::of(&plan);
        let verdict = assert_preflight_fails(
            &bundle,
            &what,
            "ALB",
            &[&format!("does not cover {other}"), "hostname mismatch"],
        );
        let o = through_the_alb(&nginx, &bundle, &plan.settings);
        let reason = format!("upstream SSL certificate does not match \"{other}\"");
        assert_502(&o, &what, "ALB", &reason);
        println!(
            "{what}: 502\n  alb: {}\n  preflight: {verdict}",
            line_with(&o.alb_log, "does not match")
        );
    }
}

/// The bundle writes `proxy-ssl-verify-depth` from the gateway chain it checked: the
/// intermediates in `tls.crt` plus one for the trust anchor (`manifest::verify_depth`, at least
/// 1), which is never smaller than what NGINX/OpenSSL need (the intermediates). So a depth that
/// is too small can only come from editing the Ingress afterwards; here it is set to 1, NGINX's
/// default, which is also what a dropped annotation gives. The plan cannot see that edit; the
/// bundle's preflight reads the Ingress and catches it. (Classic has no depth annotation: IBM's
/// ALB verifies with depth 5.)
#[test]
fn a_verify_depth_too_small_for_the_gateway_chain_is_refused_by_the_alb() {
    let Some(nginx) = tools() else { return };
    let p = pki();
    let what = "current: Ingress edited to proxy-ssl-verify-depth 1 for a two-intermediate chain";
    let plan = make_plan(Profile::Current, &p.inputs(), |_| {});
    assert_clean(&plan, what);
    assert_eq!(manifest::verify_depth(&plan.report), 3, "{what}");
    let mut bundle = Bundle::of(&plan);
    let ingress = bundle
        .files
        .iter_mut()
        .find(|f| f.path == "manifests/07-ingress.yaml")
        .unwrap();
    let generated = ingress.text().to_owned();
    let edited = generated.replace("proxy-ssl-verify-depth: '3'", "proxy-ssl-verify-depth: '1'");
    assert_ne!(edited, generated);
    ingress.contents = edited.into_bytes();
    let verdict = assert_preflight_fails(
        &bundle,
        what,
        "ALB",
        &["verify depth 1 is too small", "certificate chain too long"],
    );
    let o = through_the_alb(&nginx, &bundle, &plan.settings);
    // NGINX keeps verifying after the depth is exceeded and reports the issuer it then lacks.
    assert_502(
        &o,
        what,
        "ALB",
        "upstream SSL certificate verify error: (20:unable to get local issuer certificate)",
    );
    println!(
        "{what}: 502\n  alb: {}\n  preflight: {verdict}",
        line_with(&o.alb_log, "verify error")
    );
}

#[test]
fn a_key_that_does_not_match_its_certificate_stops_nginx() {
    let Some(nginx) = tools() else { return };
    let p = pki();
    let other_key = pki_fixtures::key(Alg::P256).serialize_pem();
    for profile in Profile::ALL {
        // The gateway's key: the gateway cannot serve, so the ALB finds nobody there (Envoy
        // likewise rejects the secret and serves no listener for it).
        let what = format!("{profile}: gateway key of another certificate");
        let mut certs = p.inputs();
        certs[CertInput::NlbKey] = other_key.clone();
        let plan = make_plan(profile, &certs, |_| {});
        assert_caught(&plan, Code::KeyMismatch, &what);
        let bundle = Bundle::of(&plan);
        let verdict = assert_preflight_fails(
            &bundle,
            &what,
            "gateway",
            &["does not belong to its certificate", "key values mismatch"],
        );
        let o = through_the_alb(&nginx, &bundle, &plan.settings);
        let refused = o.gateway_start_error.as_deref().unwrap_or("");
        assert!(refused.contains("key values mismatch"), "{what}: {o:#?}");
        assert_502(
            &o,
            &what,
            "ALB",
            "connect() failed (111: Connection refused)",
        );
        println!(
            "{what}: 502\n  gateway: {}\n  alb: {}\n  preflight: {verdict}",
            line_with(refused, "key values mismatch"),
            line_with(&o.alb_log, "connect() failed")
        );

        // The ALB's key: NGINX refuses the configuration (the ALB keeps its old one).
        let what = format!("{profile}: ALB client key of another certificate");
        let mut certs = p.inputs();
        certs[CertInput::AlbClientKey] = other_key.clone();
        let plan = make_plan(profile, &certs, |_| {});
        assert_caught(&plan, Code::KeyMismatch, &what);
        let bundle = Bundle::of(&plan);
        let verdict = assert_preflight_fails(
            &bundle,
            &what,
            "ALB",
            &[
                "does not belong to its client certificate",
                "key values mismatch",
            ],
        );
        let o = through_the_alb(&nginx, &bundle, &plan.settings);
        let refused = o.alb_start_error.as_deref().unwrap_or("");
        assert!(
            o.status.is_none() && refused.contains("key values mismatch"),
            "{what}: {o:#?}"
        );
        println!(
            "{what}: NGINX does not start\n  alb: {}\n  preflight: {verdict}",
            line_with(refused, "key values mismatch")
        );
    }
}

/// A gateway chain whose root has keyCertSign but no basicConstraints: OpenSSL (an NGINX ALB)
/// takes the root as a CA, Go (Traefik) does not let it sign.
fn root_without_basic_constraints() -> (String, String, String) {
    use rcgen::{CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyUsagePurpose};
    let p = |cn: &str| {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        p.distinguished_name = dn;
        p.not_before = rcgen::date_time_ymd(2024, 1, 1);
        p.not_after = rcgen::date_time_ymd(2045, 1, 1);
        p
    };
    let root_key = pki_fixtures::key(Alg::P256);
    let mut root = p("E2E root without basicConstraints");
    root.is_ca = IsCa::NoCa;
    root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let root_pem = root.clone().self_signed(&root_key).expect("root").pem();
    let leaf_key = pki_fixtures::key(Alg::P256);
    let mut leaf = p(demo::NLB_DOMAIN);
    leaf.subject_alt_names = vec![rcgen::SanType::DnsName(
        demo::NLB_DOMAIN.try_into().expect("IA5"),
    )];
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![Eku::ServerAuth];
    let leaf_pem = leaf
        .signed_by(&leaf_key, &Issuer::from_params(&root, &root_key))
        .expect("leaf")
        .pem();
    (leaf_pem, leaf_key.serialize_pem(), root_pem)
}

#[test]
fn traefik_bundles_go_through_the_go_stand_in() {
    let Some(nginx) = tools() else { return };
    let Some(stand_in) = support::go_tool("go-verify/traefikclient") else {
        return;
    };
    let started = Instant::now();
    let traefik = |s: &mut Settings| s.alb = istio_alb::settings::Alb::Traefik;
    let p = pki();

    // Good: the demo set (classic and VPC infrastructure, copied and IBM-renewed gateway
    // secret) and the two-intermediate set answer 200. In IBM-renewed mode the gateway serves
    // IBM's own secret, which the bundle holds no copy of: the stand-in is given the demo NLB
    // pair, as IBM's secret holds it.
    let demo_plan = |infrastructure, ibm_renewed| {
        plan::plan(
            &demo::settings_with(
                Profile::Current,
                istio_alb::settings::Alb::Traefik,
                infrastructure,
                ibm_renewed,
            ),
            &demo::cert_inputs(),
            DEMO_AT,
        )
    };
    use istio_alb::settings::Infrastructure::{Classic, Vpc};
    let ibm = Some((demo::NLB_CERT, demo::NLB_KEY));
    for (name, plan, ibm) in [
        ("demo", demo_plan(Classic, false), None),
        ("demo VPC", demo_plan(Vpc, false), None),
        ("demo IBM-renewed", demo_plan(Classic, true), ibm),
        ("demo VPC IBM-renewed", demo_plan(Vpc, true), ibm),
        (
            "two intermediates",
            make_plan(Profile::Current, &p.inputs(), traefik),
            None,
        ),
    ] {
        let what = format!("Traefik {name}");
        assert_clean(&plan, &what);
        let o = traefik::through_traefik_with(&nginx, &stand_in, &Bundle::of(&plan), ibm);
        assert_eq!(o.result, Ok(200), "{what}: {o:#?}");
        println!("{what}: 200 through Go's crypto/tls");
    }

    // Bad: each caught by the check, then refused where Traefik or the gateway refuses it.
    let server_only = issue(
        &spec(Spec::leaf("E2E ALB client", &[])).eku(vec![Eku::ServerAuth]),
        Alg::P256,
        &p.client_ca,
    );
    let stranger = self_signed(&spec(Spec::ca("E2E some other CA")), Alg::P256);
    let other = issue(
        &spec(Spec::leaf("E2E other", &["other.example.com"])),
        Alg::P256,
        &p.client_ca,
    );
    let (go_leaf, go_key, go_root) = root_without_basic_constraints();
    type Edit = Box<dyn Fn(&mut CertInputs, &mut Settings)>;
    // (case, the check's code, the edit, Go's error, the gateway's log when it refused)
    let cases: Vec<(&str, Code, Edit, &str, Option<&str>)> = vec![
        (
            "client certificate without clientAuth",
            Code::EkuClientAuthMissing,
            Box::new(move |c, _| {
                c[CertInput::AlbClientCert] = server_only.pem.clone();
                c[CertInput::AlbClientKey] = server_only.key_pem();
            }),
            // The gateway drops the connection after refusing the certificate.
            "EOF",
            Some("(26:unsuitable certificate purpose)"),
        ),
        (
            "client CA that did not sign the ALB client certificate",
            Code::ChainIncomplete,
            Box::new(move |c, _| c[CertInput::ClientCa] = stranger.pem.clone()),
            "EOF",
            // Go's client sends a certificate only when its issuer is among the CAs the server
            // names (crypto/tls), so the gateway gets none, where NGINX's ALB sends it anyway.
            Some("client sent no required SSL certificate"),
        ),
        (
            "serverName the gateway certificate does not cover",
            Code::NameMismatch,
            Box::new(|_, s| s.nlb_domain = "other-0001.us-south.containers.example.com".into()),
            "x509: certificate is valid for",
            None,
        ),
        (
            "gateway key of another certificate",
            Code::KeyMismatch,
            Box::new({
                let k = other.key_pem();
                move |c, _| c[CertInput::NlbKey] = k.clone()
            }),
            "connection refused",
            None,
        ),
        (
            "ALB key of another certificate",
            Code::KeyMismatch,
            Box::new({
                let k = other.key_pem();
                move |c, _| c[CertInput::AlbClientKey] = k.clone()
            }),
            // Traefik leaves the pair out and connects without a client certificate.
            "EOF",
            Some("client sent no required SSL certificate"),
        ),
        (
            "gateway root without basicConstraints (OpenSSL accepts it, Go does not)",
            Code::NotACa,
            Box::new(move |c, _| {
                c[CertInput::NlbCert] = go_leaf.clone();
                c[CertInput::NlbKey] = go_key.clone();
                c[CertInput::GatewayCa] = go_root.clone();
            }),
            "parent certificate cannot sign this kind of certificate",
            None,
        ),
    ];
    for (what, code, edit, go_says, gateway_says) in cases {
        let (mut settings, mut certs) = (demo::settings_for(Profile::Current), p.inputs());
        traefik(&mut settings);
        edit(&mut certs, &mut settings);
        let plan = plan::plan(&settings, &certs, pki_fixtures::at());
        let what = format!("Traefik: {what}");
        assert_caught(&plan, code, &what);
        let o = traefik::through_traefik(&nginx, &stand_in, &Bundle::of(&plan));
        let err = o
            .result
            .as_ref()
            .err()
            .unwrap_or_else(|| panic!("{what}: {o:#?}"));
        assert!(err.contains(go_says), "{what}: Go said {err}\n{o:#?}");
        if let Some(needle) = gateway_says {
            assert!(o.gateway_log.contains(needle), "{what}: {}", o.gateway_log);
            println!("  gateway: {}", line_with(&o.gateway_log, needle));
        }
        println!("{what}: the check reports {}; Go: {err}", code.as_str());
        if let Some(e) = &o.gateway_start_error {
            println!("  gateway stand-in: {}", e.lines().next().unwrap_or(""));
        }
        if o.log.contains("left out") {
            println!("  {}", line_with(&o.log, "left out"));
        }
    }
    println!("Traefik bundles: {:?}", started.elapsed());
}
