//! Every generated manifest and script passes real validators (tests/tools/validate-bundle.sh):
//! kubernetes-validate against Kubernetes 1.21 (classic) and 1.30 (current), Istio's CRD schemas,
//! Traefik's CRD schema (../shared/reference/schemas), yamllint, bash -n and shellcheck, for every
//! valid combination of profile, ALB, infrastructure and secret mode. Skipped with a printed notice when the tools are not
//! installed (./dev installs them into .tools/ and node_modules/).

// Native only: the test writes files and runs the validators.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use istio_alb::bundle;
use istio_alb::demo;
use istio_alb::settings::{Alb, Infrastructure, Profile, Settings, validate as validate_settings};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const AT: i64 = 1_764_151_200;

fn tools_present() -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = std::env::var("ISTIO_ALB_VENV").unwrap_or_else(|_| ".tools/venv".into());
    let venv124 =
        std::env::var("ISTIO_ALB_VENV_K8S124").unwrap_or_else(|_| ".tools/venv-k8s124".into());
    let nm = std::env::var("NODE_MODULES_DIR").unwrap_or_else(|_| "node_modules".into());
    [
        root.join(venv).join("bin/kubernetes-validate"),
        root.join(venv124).join("bin/kubernetes-validate"),
        root.join(nm).join("@kubernetes-models/istio/package.json"),
    ]
    .iter()
    .all(|p| p.exists())
}

/// Write the bundle of `s` into a temporary folder; `edit` may change its files first.
fn write_bundle(s: &Settings, edit: impl Fn(&str, &mut Vec<u8>)) -> (tempfile::TempDir, PathBuf) {
    let bundle = bundle::Bundle::of(&istio_alb::plan::plan(s, &demo::cert_inputs(), AT));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(&bundle.root);
    for f in &bundle.files {
        let p = root.join(&f.path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        let mut contents = f.contents.clone();
        edit(&f.path, &mut contents);
        fs::write(&p, &contents).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(f.mode)).unwrap();
    }
    (tmp, root)
}

fn run_validators(root: &Path) -> (bool, String) {
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/validate-bundle.sh"))
        .arg(root)
        .output()
        .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn validate(s: &Settings) {
    let (_tmp, root) = write_bundle(s, |_, _| {});
    let (ok, text) = run_validators(&root);
    let name = demo::combination_name(s);
    assert!(ok, "{name} bundle failed validation:\n{text}");
    assert!(text.contains("all validations passed"), "{text}");
    if s.alb == Alb::Traefik {
        assert!(
            text.contains("ok   07-servers-transport.yaml: traefik.io/v1alpha1 ServersTransport")
                || text.contains("NOTICE:"),
            "{name}: the ServersTransport was not checked against its CRD:\n{text}"
        );
    }
    eprintln!("{name}: {}", text.trim_end().lines().last().unwrap_or(""));
}

#[test]
fn generated_bundles_pass_the_real_validators() {
    if !tools_present() {
        support::missing(
            support::Need::Tool,
            "the validators are not installed (.tools/venv, .tools/venv-k8s124, node_modules): \
             run ./dev setup",
        );
        return;
    }
    let valid: Vec<Settings> = demo::every_combination()
        .into_iter()
        .filter(|s| validate_settings(s).is_empty())
        .collect();
    assert_eq!(valid.len(), 10, "valid combinations");
    for s in &valid {
        validate(s);
    }
    for profile in Profile::ALL {
        // Non-default values too (IPv6, other namespaces, a deeper path, no /status teapot).
        validate(&Settings {
            ingress_ip: "2001:db8::10".into(),
            app_namespace: "shop-apps".into(),
            app: "storefront".into(),
            app_port: 9443,
            path: "/api/v1".into(),
            gateway_namespace: "edge-gw".into(),
            ..demo::settings_for(profile)
        });
    }
}

/// The CRD check is real: a misspelt field and a wrong type in the ServersTransport fail it.
#[test]
fn a_servers_transport_off_its_crd_fails_validation() {
    if !tools_present() {
        support::missing(
            support::Need::Tool,
            "the validators are not installed: run ./dev setup",
        );
        return;
    }
    let crd = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/schemas/traefik.io_serverstransports.yaml");
    if !crd.exists() {
        support::missing(
            support::Need::Shared,
            "../shared/reference/schemas is absent",
        );
        return;
    }
    let s = demo::settings_with(
        Profile::Current,
        Alb::Traefik,
        Infrastructure::Classic,
        false,
    );
    for (from, to) in [
        ("  serverName:", "  serverNmae:"),
        ("  - secret: alb-gateway-ca", "  - alb-gateway-ca"),
    ] {
        let (_tmp, root) = write_bundle(&s, |path, contents| {
            if path == "manifests/07-servers-transport.yaml" {
                let text = String::from_utf8(contents.clone()).unwrap();
                assert!(text.contains(from), "{text}");
                *contents = text.replace(from, to).into_bytes();
            }
        });
        let (ok, text) = run_validators(&root);
        assert!(!ok, "{to}: passed validation:\n{text}");
        assert!(
            text.contains(
                "07-servers-transport.yaml does not match the ServersTransport CRD schema"
            ),
            "{to}:\n{text}"
        );
    }
}
