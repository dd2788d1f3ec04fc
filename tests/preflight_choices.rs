//! The bundle's `scripts/preflight.sh` for the Traefik ALB and for IBM's renewed gateway secret,
//! run for real with `openssl` on 127.0.0.1: the good bundles shake hands, and what breaks the
//! setup in the cluster is named before anything is applied (the transport's serverName, the
//! Service that does not name the transport, IBM's secret missing or with the wrong key).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use base64::Engine as _;
use istio_alb::bundle::Bundle;
use istio_alb::demo;
use istio_alb::plan;
use istio_alb::settings::{Alb, Infrastructure, Profile, Settings};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// 2025-11-26T10:00:00Z: inside the demo certificates' validity.
const AT: i64 = 1_764_151_200;

fn openssl_present() -> bool {
    if support::has_program("openssl", "version") {
        return true;
    }
    support::missing(support::Need::Tool, "openssl is not installed");
    false
}

fn bundle_of(s: &Settings) -> Bundle {
    let p = plan::plan(s, &demo::cert_inputs(), AT);
    assert!(!p.has_errors(), "{:#?}", p.findings);
    Bundle::of(&p)
}

/// Replace `from` by `to` in the bundle file at `path` (which must hold it).
fn edit(bundle: &mut Bundle, path: &str, from: &str, to: &str) {
    let f = bundle
        .files
        .iter_mut()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    let text = String::from_utf8(f.contents.clone()).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}:\n{text}");
    f.contents = text.replace(from, to).into_bytes();
}

/// Run the bundle's preflight.sh in a TMPDIR that must be empty afterwards; `stub`: a folder put
/// first on PATH (a stub kubectl) and the folder its secrets come from.
fn preflight(bundle: &Bundle, stub: Option<(&Path, &Path)>) -> Output {
    preflight_with(bundle, stub, &[])
}

/// [`preflight`] with these environment variables besides.
fn preflight_with(
    bundle: &Bundle,
    stub: Option<(&Path, &Path)>,
    envs: &[(String, std::path::PathBuf)],
) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    let root = support::write_bundle(bundle, tmp.path());
    let work = tmp.path().join("tmp");
    fs::create_dir(&work).unwrap();
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(root.join("scripts/preflight.sh"))
        .env("TMPDIR", &work)
        .envs(envs.iter().map(|(k, v)| (k, v)));
    if let Some((bin, secrets)) = stub {
        let path = std::env::var("PATH").unwrap_or_default();
        cmd.env("PATH", format!("{}:{path}", bin.display()))
            .env("STUB_SECRETS", secrets);
    }
    let out = support::run_bounded(&mut cmd, Duration::from_secs(45));
    let left: Vec<_> = fs::read_dir(&work).unwrap().flatten().collect();
    assert!(left.is_empty(), "preflight.sh left files behind: {left:?}");
    out
}

fn output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_fails(out: &Output, code: i32, words: &[&str]) {
    let text = output(out);
    assert_eq!(out.status.code(), Some(code), "{text}");
    for w in words {
        assert!(text.contains(w), "no {w:?} in:\n{text}");
    }
}

#[test]
fn traefik_preflight_reads_the_transport_and_its_service() {
    if !openssl_present() {
        return;
    }
    let s = demo::settings_with(
        Profile::Current,
        Alb::Traefik,
        Infrastructure::Classic,
        false,
    );
    let good = bundle_of(&s);
    let out = preflight(&good, None);
    let text = output(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("preflight: OK"), "{text}");
    assert!(
        text.contains("the ServersTransport's serverName demo-cluster-0001."),
        "{text}"
    );
    assert!(text.contains("CA from secret alb-gateway-ca"), "{text}");

    let transport = "manifests/07-servers-transport.yaml";
    let service = "manifests/08-alb-service.yaml";
    // A serverName the gateway certificate does not cover.
    let mut b = good.clone();
    edit(
        &mut b,
        transport,
        "serverName: demo-cluster-0001.",
        "serverName: other-0001.",
    );
    assert_fails(
        &preflight(&b, None),
        1,
        &[
            "FAILED on the ALB side",
            "the ServersTransport's serverName",
            "62",
        ],
    );
    // A CA secret other than the one the bundle makes of the gateway's CA (the client's own):
    // the preflight cannot check what the ALB would be given, and says which secret it expected.
    let mut b = good.clone();
    edit(
        &mut b,
        transport,
        "- secret: alb-gateway-ca",
        "- secret: alb-client-tls",
    );
    let out = preflight(&b, None);
    assert_fails(
        &out,
        2,
        &["the ALB is given the secret 'alb-client-tls', and the bundle makes alb-gateway-ca"],
    );
    // A Service that names another transport, or speaks plain HTTP.
    let mut b = good.clone();
    edit(
        &mut b,
        service,
        "-alb-to-gateway@kubernetescrd",
        "-other@kubernetescrd",
    );
    assert_fails(
        &preflight(&b, None),
        1,
        &["does not name the ServersTransport istio-system-alb-to-gateway@kubernetescrd"],
    );
    let mut b = good;
    edit(
        &mut b,
        service,
        "serversscheme: https",
        "serversscheme: http",
    );
    assert_fails(&preflight(&b, None), 1, &["plain HTTP"]);
}

/// A `kubectl` that answers `get secret NAME -n NS -o jsonpath={.data.KEY}` from `dir/NS/NAME/KEY`
/// (base64), and fails as kubectl does for a secret that is not there.
fn stub_kubectl(dir: &Path) {
    let script = r#"#!/usr/bin/env bash
set -eu
[ "$1 $2" = "get secret" ] || { echo "stub kubectl: unexpected $*" >&2; exit 3; }
name=$3 ns='' key=''
shift 3
while [ $# -gt 0 ]; do
  case $1 in
    -n) ns=$2; shift 2 ;;
    -o) key=${2#jsonpath=\{.data.}; key=${key%\}}; key=${key//\\/}; shift 2 ;;
    *) shift ;;
  esac
done
f="$STUB_SECRETS/$ns/$name/$key"
if [ ! -d "$STUB_SECRETS/$ns/$name" ]; then
  echo "Error from server (NotFound): secrets \"$name\" not found" >&2
  exit 1
fi
[ -f "$f" ] && cat "$f"
exit 0
"#;
    let p = dir.join("kubectl");
    fs::write(&p, script).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
}

fn put_secret(root: &Path, ns: &str, name: &str, data: &[(&str, &str)]) {
    let d = root.join(ns).join(name);
    fs::create_dir_all(&d).unwrap();
    for (k, v) in data {
        fs::write(
            d.join(k),
            base64::engine::general_purpose::STANDARD.encode(v),
        )
        .unwrap();
    }
}

#[test]
fn ibm_renewed_preflight_uses_ibms_secret_from_the_cluster() {
    if !openssl_present() {
        return;
    }
    let s = demo::settings_with(Profile::Current, Alb::Nginx, Infrastructure::Classic, true);
    let bundle = bundle_of(&s);
    let bin = tempfile::tempdir().unwrap();
    stub_kubectl(bin.path());
    let secrets = tempfile::tempdir().unwrap();
    let run = |b: &Bundle| preflight(b, Some((bin.path(), secrets.path())));

    // Not registered with --secret-namespace yet: IBM's secret is not in the gateway namespace.
    assert_fails(
        &run(&bundle),
        2,
        &[
            "IBM's secret demo-cluster-0001 in istio-system",
            "--secret-namespace istio-system",
        ],
    );
    // IBM's secret with a key that is not the certificate's.
    put_secret(
        secrets.path(),
        "istio-system",
        "demo-cluster-0001",
        &[
            ("tls.crt", demo::NLB_CERT),
            ("tls.key", demo::ALB_CLIENT_KEY),
        ],
    );
    assert_fails(
        &run(&bundle),
        1,
        &["FAILED on the gateway side", "demo-cluster-0001/tls.key"],
    );
    // IBM's secret as IBM makes it: the handshake succeeds with the bundle's -cacert secret.
    put_secret(
        secrets.path(),
        "istio-system",
        "demo-cluster-0001",
        &[("tls.crt", demo::NLB_CERT), ("tls.key", demo::NLB_KEY)],
    );
    let out = run(&bundle);
    let text = output(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("client CA demo-cluster-0001-cacert/ca.crt"),
        "{text}"
    );
}

/// The gateway and the ALB trust only the CA the bundle gives each of them, as Envoy and NGINX
/// do, even on a machine whose own CA certificates include the CA that issued the other side's
/// certificate (every machine trusts the public CAs). openssl s_client and s_server load none of
/// the machine's CAs once given -CAfile; `openssl verify` does (tests/scripts_verify.rs).
#[test]
fn preflight_trusts_only_the_bundles_cas_not_the_machines() {
    if !openssl_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let good = bundle_of(&demo::settings());
    let root = |b: &Bundle| {
        let f = b.files.iter().find(|f| f.path == "certs/gateway-ca.pem");
        String::from_utf8(f.unwrap().contents.clone()).unwrap()
    };
    let machine = support::machine_trusting(tmp.path(), &root(&good));
    let other = support::other_ca(tmp.path());
    let run = |b: &Bundle| preflight_with(b, None, &machine);
    let out = run(&good);
    assert!(out.status.success(), "{}", output(&out));
    for (file, side, words) in [
        (
            "certs/gateway-ca.pem",
            "ALB",
            "the CA the ALB trusts (alb-proxy-ssl/ca.crt) did not issue the gateway certificate",
        ),
        (
            "certs/client-ca.pem",
            "gateway",
            "is not the gateway's client CA (nlb-gateway-mtls/ca.crt)",
        ),
    ] {
        let mut b = good.clone();
        let f = b.files.iter_mut().find(|f| f.path == file).unwrap();
        f.contents = other.clone().into_bytes();
        let out = run(&b);
        assert_fails(&out, 1, &[&format!("FAILED on the {side} side"), words]);
    }
}
