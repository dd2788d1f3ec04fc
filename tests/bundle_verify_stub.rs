//! `verify.sh` against a stub cluster built from the bundle's own secrets: everything in place
//! passes; a missing key, a wrong client CA or a gateway that accepts clients without a
//! certificate each fail with a message naming the problem.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use istio_alb::bundle;
use istio_alb::demo;
use istio_alb::settings::Profile;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const AT: i64 = 1_764_151_200;

/// A kubectl that answers from $STUB_CLUSTER/<namespace>/<secret>/<key> (base64 values).
const KUBECTL: &str = r#"#!/usr/bin/env bash
set -euo pipefail
case "$*" in
  "get svc istio-ingressgateway -n "*"jsonpath={.status.loadBalancer.ingress[0].ip}") printf '%s' "$STUB_LB_IP" ;;
  "get svc "*) echo "istio-ingressgateway LoadBalancer $STUB_LB_IP" ;;
  "get pods -n kube-system") echo "public-crdemo-alb1-7f9c 1/1 Running" ;;
  "get pods -n "*"-l istio=ingressgateway -o"*) printf 'istio-ingressgateway-5d9f' ;;
  "get pods "*) echo "istio-ingressgateway-5d9f 1/1 Running" ;;
  "get secret "*)
    name=$3 ns=$5 key=${7#jsonpath=\{.data.}
    key=${key%\}}
    key=${key//\\./.}
    f="$STUB_CLUSTER/$ns/$name/$key"
    if [ -f "$f" ]; then cat "$f"; else exit 1; fi
    ;;
  *"pilot-agent request GET certs") echo '"name": "kubernetes://nlb-gateway-mtls"' ;;
  *"127.0.0.1:15000/certs") echo '"path": "/etc/istio/ingressgateway-certs/tls.crt"' ;;
  *"cat /etc/istio/ingressgateway-certs/tls.crt") base64 --decode <"$STUB_CLUSTER/$STUB_GW_NS/istio-ingressgateway-certs/tls.crt" ;;
  *"ls -al "*) echo "tls.crt tls.key" ;;
  *) echo "unexpected: kubectl $*" >&2; exit 3 ;;
esac
"#;

/// A curl whose gateway requires a client certificate (unless $STUB_NO_MTLS is set).
const CURL: &str = r#"#!/usr/bin/env bash
if [[ " $* " == *" --cert "* ]] || [[ " $* " != *" --cacert "* ]] || [ -n "${STUB_NO_MTLS:-}" ]; then
  printf '418'
else
  printf '000'
  exit 35
fi
"#;

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn run_verify(profile: Profile, tamper: impl Fn(&Path), env: &[(&str, &str)]) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    let s = demo::settings_for(profile);
    let bundle = bundle::Bundle::of(&istio_alb::plan::plan(&s, &demo::cert_inputs(), AT));
    let root = tmp.path().join(&bundle.root);
    let cluster = tmp.path().join("cluster");
    for f in &bundle.files {
        let p = root.join(&f.path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, &f.contents).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(f.mode)).unwrap();
        if f.path.starts_with("secrets/") {
            let y: serde_yaml::Value = serde_yaml::from_slice(&f.contents).unwrap();
            let dir = cluster
                .join(y["metadata"]["namespace"].as_str().unwrap())
                .join(y["metadata"]["name"].as_str().unwrap());
            fs::create_dir_all(&dir).unwrap();
            for (k, v) in y["data"].as_mapping().unwrap() {
                fs::write(dir.join(k.as_str().unwrap()), v.as_str().unwrap()).unwrap();
            }
        }
    }
    // IBM's own secrets in `default`, and the ALB TLS copy install.sh makes.
    for (ns, name) in [
        ("default", s.nlb_secret.as_str()),
        ("default", s.alb_secret.as_str()),
        (s.gateway_namespace.as_str(), s.alb_secret.as_str()),
    ] {
        let dir = cluster.join(ns).join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("tls.crt"), b64(demo::NLB_CERT.as_bytes())).unwrap();
        fs::write(dir.join("tls.key"), b64(demo::NLB_KEY.as_bytes())).unwrap();
    }
    tamper(&cluster);
    let stubs = tmp.path().join("stubs");
    fs::create_dir_all(&stubs).unwrap();
    for (name, text) in [("kubectl", KUBECTL), ("curl", CURL)] {
        fs::write(stubs.join(name), text).unwrap();
        fs::set_permissions(stubs.join(name), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("scripts/verify.sh"))
        .env(
            "PATH",
            format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap()),
        )
        .env("STUB_CLUSTER", &cluster)
        .env("STUB_LB_IP", &s.ingress_ip)
        .env("STUB_GW_NS", &s.gateway_namespace);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn openssl_present() -> bool {
    support::has_program("openssl", "version")
}

#[test]
fn a_complete_setup_passes_every_check() {
    if !openssl_present() {
        support::missing(support::Need::Tool, "openssl is not installed");
        return;
    }
    for profile in Profile::ALL {
        let out = run_verify(profile, |_| {}, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{profile}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("All checks passed."), "{stdout}");
        assert!(stdout.contains("is in the certificate's SANs"), "{stdout}");
        assert!(stdout.contains("ok: client CA"), "{stdout}");
        assert!(
            stdout.contains("refused without a client certificate"),
            "{stdout}"
        );
    }
}

#[test]
fn each_broken_piece_is_named() {
    if !openssl_present() {
        support::missing(support::Need::Tool, "openssl is not installed");
        return;
    }
    type Tamper = fn(&Path);
    type Env = &'static [(&'static str, &'static str)];
    let cases: [(Profile, Tamper, Env, &str); 4] = [
        (
            Profile::Current,
            |c| fs::remove_file(c.join("istio-system/nlb-gateway-mtls/ca.crt")).unwrap(),
            &[],
            "secret nlb-gateway-mtls in istio-system lacks ca.crt",
        ),
        (
            Profile::Classic,
            |c| fs::remove_dir_all(c.join("istio-system/alb-certs")).unwrap(),
            &[],
            "secret alb-certs in istio-system lacks client.key",
        ),
        (
            Profile::Current,
            |c| {
                let other = b64(demo::NLB_CERT.as_bytes()); // a leaf, not the client CA
                fs::write(c.join("istio-system/nlb-gateway-mtls/ca.crt"), other).unwrap()
            },
            &[],
            "is not the bundle's client CA",
        ),
        (
            Profile::Current,
            |_| {},
            &[("STUB_NO_MTLS", "1")],
            "mutual TLS is not enforced",
        ),
    ];
    for (profile, tamper, env, message) in cases {
        let out = run_verify(profile, tamper, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{profile} {message}: {stderr}");
        assert!(
            stderr.contains(message),
            "{profile}: want {message:?} in:\n{stderr}"
        );
    }
}
