//! `install.sh` against stub `kubectl`, `ibmcloud` and `curl` that record their argv: the recorded
//! sequence is the procedure's, in order, with the user's values as single arguments.
//!
//! `install.sh` runs `preflight.sh` first, with the real `openssl` (not stubbed: it touches no
//! cluster). The call-sequence tests pass `--skip-preflight`, so they need no openssl; the
//! preflight tests below run it for real, passing and failing.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use istio_alb::bundle::{self, Bundle};
use istio_alb::demo;
use istio_alb::settings::{Profile, Settings};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AT: i64 = 1_764_151_200;

/// Each stub appends `name NUL argc NUL arg1 NUL ...` to $STUB_LOG; values never need escaping.
/// A stub reading stdin (`apply -f -`) records after its input ended, so the two sides of a pipe
/// are recorded in pipe order.
const STUB: &str = r#"#!/usr/bin/env bash
set -euo pipefail
case "$(basename "$0") $*" in
  *" -f -") cat >/dev/null ;;
esac
printf '%s\0' "$(basename "$0")" "$#" "$@" >>"$STUB_LOG"
case "$(basename "$0") $*" in
  "ibmcloud ks nlb-dns"*) printf '%s\n' "${STUB_NLB_LISTING:-}" ;;
  *"jsonpath={.data."*) printf '%s' "${STUB_SECRET_B64:-LS0tLS1CRUdJTiBTVFVCLS0tLS0K}" ;;
  *"--dry-run=client -o yaml"*) printf 'apiVersion: v1\nkind: Secret\n' ;;
esac
"#;

/// Non-default values, so that each one is seen to arrive where it belongs.
fn settings(profile: Profile) -> Settings {
    Settings {
        cluster_name: "prod_eu.cluster-7".into(),
        ingress_ip: "2001:db8::10".into(),
        app_namespace: "shop-apps".into(),
        app: "storefront".into(),
        app_port: 9443,
        path: "/api/v1".into(),
        gateway_namespace: "edge-gw".into(),
        ..demo::settings_for(profile)
    }
}

fn write_bundle(bundle: &Bundle, dir: &Path) -> PathBuf {
    let root = dir.join(&bundle.root);
    for f in &bundle.files {
        let p = root.join(&f.path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, &f.contents).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(f.mode)).unwrap();
    }
    root
}

struct Run {
    calls: Vec<Vec<String>>,
    output: Output,
    /// Removed when the run is dropped.
    _tmp: tempfile::TempDir,
}

fn run_install(profile: Profile, nlb_listing: &str, args: &[&str]) -> (Run, PathBuf, PathBuf) {
    run_script("install.sh", profile, nlb_listing, args)
}

fn run_script(
    script: &str,
    profile: Profile,
    nlb_listing: &str,
    args: &[&str],
) -> (Run, PathBuf, PathBuf) {
    run_script_with(script, profile, nlb_listing, args, "")
}

/// `secret_b64`: what the stub kubectl returns for every secret value (empty: a stub text).
fn run_script_with(
    script: &str,
    profile: Profile,
    nlb_listing: &str,
    args: &[&str],
    secret_b64: &str,
) -> (Run, PathBuf, PathBuf) {
    run_edited(script, profile, nlb_listing, args, secret_b64, &|_| {})
}

/// [`run_script_with`] on a bundle that `edit` changed after it was written (its folder given).
fn run_edited(
    script: &str,
    profile: Profile,
    nlb_listing: &str,
    args: &[&str],
    secret_b64: &str,
    edit: &dyn Fn(&Path),
) -> (Run, PathBuf, PathBuf) {
    let tmp_dir = tempfile::tempdir().unwrap();
    let tmp = tmp_dir.path().to_path_buf();
    let s = settings(profile);
    let bundle = bundle::Bundle::of(&istio_alb::plan::plan(&s, &demo::cert_inputs(), AT));
    let root = write_bundle(&bundle, &tmp);
    edit(&root);
    let stubs = tmp.join("stubs");
    fs::create_dir_all(&stubs).unwrap();
    for name in ["kubectl", "ibmcloud", "curl"] {
        let p = stubs.join(name);
        fs::write(&p, STUB).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let work_tmp = tmp.join("work");
    fs::create_dir_all(&work_tmp).unwrap();
    let log = tmp.join("calls.log");
    fs::write(&log, b"").unwrap();
    let path = format!(
        "{}:{}",
        stubs.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .arg(root.join("scripts").join(script))
        .args(args)
        .env("PATH", path)
        .env("STUB_LOG", &log)
        .env("STUB_NLB_LISTING", nlb_listing)
        .env("TMPDIR", &work_tmp)
        .env("STUB_SECRET_B64", secret_b64)
        .output()
        .unwrap();
    let raw = fs::read(&log).unwrap();
    let mut tokens = raw
        .split(|b| *b == 0)
        .map(|t| String::from_utf8(t.to_vec()).unwrap());
    let mut calls = Vec::new();
    while let Some(name) = tokens.next() {
        if name.is_empty() {
            break;
        }
        let argc: usize = tokens.next().unwrap().parse().unwrap();
        let mut call = vec![name];
        call.extend(tokens.by_ref().take(argc));
        calls.push(call);
    }
    (
        Run {
            calls,
            output,
            _tmp: tmp_dir,
        },
        root,
        work_tmp,
    )
}

/// Replace the bundle folder and the script's mktemp folder by placeholders.
fn normalise(calls: &[Vec<String>], root: &Path, work_tmp: &Path) -> Vec<String> {
    let root = root.display().to_string();
    let work = work_tmp.display().to_string();
    calls
        .iter()
        .map(|c| {
            c.iter()
                .map(|a| {
                    let a = a.replace(&root, "<BUNDLE>");
                    match a.find(&work) {
                        Some(i) => {
                            let rest = &a[i + work.len() + 1..];
                            let file = rest.split_once('/').map(|(_, f)| f).unwrap_or(rest);
                            format!("{}<WORK>/{file}", &a[..i])
                        }
                        None => a,
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

fn listing() -> String {
    format!(
        "{}   2001:db8::10   enabled   demo-cluster-0001   default",
        demo::NLB_DOMAIN
    )
}

#[test]
fn current_install_runs_the_procedure_in_order() {
    let (run, root, work) = run_install(Profile::Current, &listing(), &["--skip-preflight"]);
    assert!(
        run.output.status.success(),
        "install.sh failed: {}",
        String::from_utf8_lossy(&run.output.stderr)
    );
    assert!(String::from_utf8_lossy(&run.output.stdout).contains("skipped (--skip-preflight)"));
    assert_eq!(normalise(&run.calls, &root, &work), current_calls());
}

/// The calls of a current install with the test's settings.
fn current_calls() -> Vec<String> {
    let ssa = "kubectl | apply | --server-side | --force-conflicts | --field-manager=istio-alb";
    vec![
        "kubectl | get | namespace | edge-gw".to_owned(),
        "ibmcloud | ks | nlb-dns | ls | --cluster | prod_eu.cluster-7".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/01-namespace.yaml".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/02-sample-app.yaml".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/03-peer-authentication.yaml".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/04-destination-rule.yaml".into(),
        format!("{ssa} | -f | <BUNDLE>/secrets/nlb-gateway-mtls.yaml"),
        format!("{ssa} | -f | <BUNDLE>/secrets/alb-proxy-ssl.yaml"),
        "kubectl | get | secret | demo-cluster-0000 | --namespace=default | -o | jsonpath={.data.tls\\.crt}".into(),
        "kubectl | get | secret | demo-cluster-0000 | --namespace=default | -o | jsonpath={.data.tls\\.key}".into(),
        "kubectl | create | secret | generic | demo-cluster-0000 | --namespace=edge-gw | --type=kubernetes.io/tls | --from-file=tls.crt=<WORK>/alb-tls.crt | --from-file=tls.key=<WORK>/alb-tls.key | --dry-run=client | -o | yaml".into(),
        format!("{ssa} | -f | -"),
        "kubectl | apply | -f | <BUNDLE>/manifests/05-gateway.yaml".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/06-virtual-service.yaml".into(),
        "kubectl | delete | ingress | alb-ingress | -n | shop-apps | --ignore-not-found=true".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/07-ingress.yaml".into(),
    ]
}

#[test]
fn classic_install_runs_the_documented_procedure_in_order() {
    let (run, root, work) = run_install(Profile::Classic, &listing(), &["--skip-preflight"]);
    assert!(
        run.output.status.success(),
        "install.sh failed: {}",
        String::from_utf8_lossy(&run.output.stderr)
    );
    let ssa = "kubectl | apply | --server-side | --force-conflicts | --field-manager=istio-alb";
    let want = vec![
        "kubectl | get | namespace | edge-gw".to_owned(),
        "ibmcloud | ks | nlb-dnss | --cluster | prod_eu.cluster-7".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/01-namespace.yaml".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/02-sample-app.yaml".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/03-mtls-policy.yaml".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/04-destination-rule.yaml".into(),
        format!("{ssa} | -f | <BUNDLE>/secrets/istio-ingressgateway-certs.yaml"),
        format!("{ssa} | -f | <BUNDLE>/secrets/istio-ingressgateway-ca-certs.yaml"),
        format!("{ssa} | -f | <BUNDLE>/secrets/alb-certs.yaml"),
        "kubectl | apply | -f | <BUNDLE>/manifests/05-gateway.yaml".into(),
        "kubectl | delete | pod | -l | istio=ingressgateway | -n | edge-gw".into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/06-virtual-service.yaml".into(),
        "kubectl | delete | ingress | alb-ingress | -n | shop-apps | --ignore-not-found=true"
            .into(),
        "kubectl | apply | -f | <BUNDLE>/manifests/07-ingress.yaml".into(),
    ];
    assert_eq!(normalise(&run.calls, &root, &work), want);
}

#[test]
fn install_stops_before_changing_anything_when_the_nlb_host_is_not_registered() {
    let (run, root, work) = run_install(
        Profile::Current,
        "other.example.com 10.0.0.1",
        &["--skip-preflight"],
    );
    assert_eq!(run.output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.output.stderr).contains("is not registered"));
    assert_eq!(
        normalise(&run.calls, &root, &work),
        [
            "kubectl | get | namespace | edge-gw",
            "ibmcloud | ks | nlb-dns | ls | --cluster | prod_eu.cluster-7"
        ]
    );
}

#[test]
fn dry_run_calls_nothing_and_prints_the_commands() {
    let (run, _, _) = run_install(Profile::Current, "", &["--dry-run"]);
    assert!(run.output.status.success());
    assert!(run.calls.is_empty(), "dry run called {:?}", run.calls);
    let out = String::from_utf8_lossy(&run.output.stdout);
    assert!(out.contains("+ kubectl apply -f "), "{out}");
    assert!(out.contains("==> Configuring the ALB Ingress"), "{out}");
    // The preflight is shown, not run, and comes first.
    let preflight = out.find("+ bash ").expect("the preflight command");
    assert!(out[preflight..].starts_with("+ bash /"), "{out}");
    assert!(
        out[preflight..].contains("/scripts/preflight.sh\n"),
        "{out}"
    );
    assert!(preflight < out.find("+ kubectl").unwrap(), "{out}");
}

fn need_openssl() -> bool {
    if support::has_program("openssl", "version") {
        return true;
    }
    support::missing(support::Need::Tool, "openssl is not installed");
    false
}

#[test]
fn install_runs_the_preflight_first_and_then_the_procedure() {
    if !need_openssl() {
        return;
    }
    for profile in Profile::ALL {
        let (run, root, work) = run_install(profile, &listing(), &[]);
        let out = String::from_utf8_lossy(&run.output.stdout);
        assert!(
            run.output.status.success(),
            "{profile}: {out}\n{}",
            String::from_utf8_lossy(&run.output.stderr)
        );
        let first = out.find("==> ").unwrap();
        assert!(out[first..].starts_with("==> Preflight: "), "{out}");
        let ok = out.find("preflight: OK").expect("the preflight's verdict");
        assert!(out[ok..].contains("==> Checking prerequisites"), "{out}");
        let (skipped, skipped_root, skipped_work) =
            run_install(profile, &listing(), &["--skip-preflight"]);
        assert_eq!(
            normalise(&run.calls, &root, &work),
            normalise(&skipped.calls, &skipped_root, &skipped_work),
            "{profile}: the preflight changed the cluster calls"
        );
        if profile == Profile::Current {
            assert_eq!(normalise(&run.calls, &root, &work), current_calls());
        }
    }
}

/// A bundle whose Ingress names a host the gateway certificate does not cover.
fn break_proxy_ssl_name(root: &Path) {
    let p = root.join("manifests/07-ingress.yaml");
    let text = fs::read_to_string(&p).unwrap();
    let edited: String = text
        .lines()
        .map(|l| {
            if l.contains("/proxy-ssl-name: ") {
                "    nginx.ingress.kubernetes.io/proxy-ssl-name: elsewhere.example.com".to_owned()
            } else if l.contains("ssl-services: ") {
                format!("{l} proxy-ssl-name=elsewhere.example.com")
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(edited, text);
    fs::write(&p, edited).unwrap();
}

#[test]
fn install_changes_nothing_when_the_preflight_fails() {
    if !need_openssl() {
        return;
    }
    for profile in Profile::ALL {
        let (run, _, _) = run_edited(
            "install.sh",
            profile,
            &listing(),
            &[],
            "",
            &break_proxy_ssl_name,
        );
        let err = String::from_utf8_lossy(&run.output.stderr);
        assert_eq!(run.output.status.code(), Some(1), "{profile}: {err}");
        assert!(
            err.contains("preflight: FAILED on the ALB side: the gateway certificate")
                && err.contains("does not cover elsewhere.example.com")
                && err.contains("hostname mismatch")
                && err.contains("nothing was changed in the cluster"),
            "{profile}: {err}"
        );
        assert!(run.calls.is_empty(), "{profile}: {:?}", run.calls);
        // With the flag, the same bundle installs (the stubs accept everything).
        let (forced, _, _) = run_edited(
            "install.sh",
            profile,
            &listing(),
            &["--skip-preflight"],
            "",
            &break_proxy_ssl_name,
        );
        assert!(forced.output.status.success(), "{profile}");
        assert!(!forced.calls.is_empty());
    }
}

#[test]
fn preflight_dry_run_shows_the_handshake_and_starts_nothing() {
    if !need_openssl() {
        return;
    }
    for profile in Profile::ALL {
        let (run, _, work) = run_script("preflight.sh", profile, "", &["--dry-run"]);
        let out = String::from_utf8_lossy(&run.output.stdout);
        assert!(run.output.status.success(), "{profile}: {out}");
        assert!(
            out.contains("+ openssl s_server -accept 127.0.0.1:<free port>"),
            "{out}"
        );
        assert!(out.contains("-verify_hostname demo-cluster-0001."), "{out}");
        assert!(out.contains("Dry run: no handshake was made"), "{out}");
        assert!(run.calls.is_empty());
        // Its temporary folder (decoded keys) is gone.
        assert_eq!(fs::read_dir(&work).unwrap().count(), 0, "{profile}");
    }
}

#[test]
fn every_script_dry_runs_without_calling_anything() {
    for profile in Profile::ALL {
        for script in ["install.sh", "verify.sh", "renew.sh", "cleanup.sh"] {
            let (run, _, _) = run_script(script, profile, "", &["--dry-run"]);
            assert!(
                run.output.status.success(),
                "{profile} {script} --dry-run: {}",
                String::from_utf8_lossy(&run.output.stderr)
            );
            assert!(run.calls.is_empty(), "{profile} {script}: {:?}", run.calls);
            assert!(String::from_utf8_lossy(&run.output.stdout).contains("+ kubectl"));
        }
    }
}

#[test]
fn renew_extracts_ibms_renewed_certificate_and_recreates_the_gateway_credential() {
    if !support::has_program("openssl", "version") {
        support::missing(support::Need::Tool, "openssl is not installed");
        return;
    }
    let ibm = b64(demo::NLB_CERT);
    let (run, root, work) = run_script_with("renew.sh", Profile::Current, "", &[], &ibm);
    assert!(
        run.output.status.success(),
        "renew.sh failed: {}",
        String::from_utf8_lossy(&run.output.stderr)
    );
    let ssa =
        "kubectl | apply | --server-side | --force-conflicts | --field-manager=istio-alb | -f | -";
    let want = vec![
        "kubectl | get | secret | demo-cluster-0001 | --namespace=default | -o | jsonpath={.data.tls\\.crt}".to_owned(),
        "kubectl | get | secret | demo-cluster-0001 | --namespace=default | -o | jsonpath={.data.tls\\.key}".into(),
        "kubectl | create | secret | generic | nlb-gateway-mtls | --namespace=edge-gw | --type=kubernetes.io/tls | --from-file=tls.crt=<WORK>/tls.crt | --from-file=tls.key=<WORK>/tls.key | --from-file=ca.crt=<BUNDLE>/certs/client-ca.pem | --dry-run=client | -o | yaml".into(),
        ssa.into(),
        "kubectl | get | secret | demo-cluster-0000 | --namespace=default | -o | jsonpath={.data.tls\\.crt}".into(),
        "kubectl | get | secret | demo-cluster-0000 | --namespace=default | -o | jsonpath={.data.tls\\.key}".into(),
        "kubectl | create | secret | generic | demo-cluster-0000 | --namespace=edge-gw | --type=kubernetes.io/tls | --from-file=tls.crt=<WORK>/alb-tls.crt | --from-file=tls.key=<WORK>/alb-tls.key | --dry-run=client | -o | yaml".into(),
        ssa.into(),
    ];
    assert_eq!(normalise(&run.calls, &root, &work), want);
}

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn renew_refuses_a_certificate_outside_the_trusted_ca_and_changes_nothing() {
    if !support::has_program("openssl", "version") {
        support::missing(support::Need::Tool, "openssl is not installed");
        return;
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let stranger = rcgen::CertificateParams::new(vec![demo::NLB_DOMAIN.to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap()
        .pem();
    for profile in Profile::ALL {
        let (run, _, _) = run_script_with("renew.sh", profile, "", &[], &b64(&stranger));
        assert_eq!(run.output.status.code(), Some(1), "{profile}");
        let stderr = String::from_utf8_lossy(&run.output.stderr);
        assert!(stderr.contains("does not verify against"), "{stderr}");
        assert!(
            run.calls.iter().all(|c| c[1] == "get"),
            "{profile}: changed something: {:?}",
            run.calls
        );
    }
}

#[test]
fn cleanup_deletes_what_install_created_and_never_ibms_own_secret() {
    let (run, root, work) = run_script("cleanup.sh", Profile::Current, "", &["--yes"]);
    assert!(run.output.status.success());
    let calls = normalise(&run.calls, &root, &work);
    assert_eq!(
        calls,
        [
            "kubectl | delete | ingress | alb-ingress | -n | edge-gw | --ignore-not-found=true",
            "kubectl | delete | virtualservice | default-ingress | -n | edge-gw | --ignore-not-found=true",
            "kubectl | delete | gateway | default-ingress-gateway | -n | edge-gw | --ignore-not-found=true",
            "kubectl | delete | ingress | alb-ingress | -n | shop-apps | --ignore-not-found=true",
            "kubectl | delete | peerauthentication | default | -n | shop-apps | --ignore-not-found=true",
            "kubectl | delete | destinationrule | default | -n | shop-apps | --ignore-not-found=true",
            "kubectl | delete | secret | nlb-gateway-mtls | alb-proxy-ssl | -n | edge-gw | --ignore-not-found=true",
            "kubectl | delete | secret | demo-cluster-0000 | -n | edge-gw | --ignore-not-found=true",
            "kubectl | delete | -f | <BUNDLE>/manifests/02-sample-app.yaml | --ignore-not-found=true",
            "kubectl | delete | namespace | shop-apps | --ignore-not-found=true",
        ]
    );
    assert!(
        !calls
            .iter()
            .any(|c| c.contains("--namespace=default") || c.contains("-n | default"))
    );
}
