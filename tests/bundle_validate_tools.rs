//! Every generated manifest and script passes real validators (tests/tools/validate-bundle.sh):
//! kubernetes-validate against Kubernetes 1.21 (classic) and 1.30 (current), Istio's CRD schemas,
//! yamllint, bash -n and shellcheck. Skipped with a printed notice when the tools are not
//! installed (./dev installs them into .tools/ and node_modules/).

// Native only: the test writes files and runs the validators.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use istio_alb::bundle;
use istio_alb::demo;
use istio_alb::settings::{Profile, Settings};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
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

fn validate(s: &Settings) {
    let bundle = bundle::Bundle::of(&istio_alb::plan::plan(s, &demo::cert_inputs(), AT));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(&bundle.root);
    for f in &bundle.files {
        let p = root.join(&f.path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, &f.contents).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(f.mode)).unwrap();
    }
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/validate-bundle.sh"))
        .arg(&root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} bundle failed validation:\n{stdout}\n{stderr}",
        s.profile
    );
    assert!(stdout.contains("all validations passed"), "{stdout}");
    eprintln!("{}", stdout.lines().last().unwrap_or(""));
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
    for profile in Profile::ALL {
        validate(&demo::settings_for(profile));
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
