//! The CLI: `example` writes demo settings that pass `check`; `check` exit codes and JSON shape;
//! `bundle` writes exactly the zip the library (and so the page) builds.
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::bundle;
use istio_alb::demo;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const AT: i64 = 1_764_151_200;
const AT_TEXT: &str = "2025-11-26T10:00:00Z";

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_istio-alb"))
        .args(args)
        .output()
        .unwrap()
}

fn example(dir: &Path) {
    let out = cli(&["example", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn example_writes_demo_files_with_private_keys_0600() {
    let tmp = tempfile::tempdir().unwrap();
    example(tmp.path());
    for (name, mode) in [
        ("settings.yaml", 0o644),
        ("nlb.crt", 0o644),
        ("nlb.key", 0o600),
        ("alb-client.key", 0o600),
        ("ca.pem", 0o644),
    ] {
        let m = fs::metadata(tmp.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(m, mode, "{name}");
    }
}

#[test]
fn check_exit_codes_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    example(tmp.path());
    let settings = tmp.path().join("settings.yaml");
    let s = settings.to_str().unwrap();

    let ok = cli(&["check", s, "--at", AT_TEXT, "--format", "json"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert!(v["findings"].as_array().unwrap().is_empty());

    // A field error: exit 1, the finding names the field.
    let text = fs::read_to_string(&settings).unwrap();
    fs::write(&settings, text.replace("app: httpbin", "app: http bin")).unwrap();
    let bad = cli(&["check", s, "--at", AT_TEXT, "--format", "json"]);
    assert_eq!(bad.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["findings"][0]["code"], "input-invalid");
    assert_eq!(v["findings"][0]["input"], "app");

    // A certificate file that cannot be read: exit 1, named by its input.
    fs::write(&settings, &text).unwrap();
    fs::remove_file(tmp.path().join("nlb.key")).unwrap();
    let missing = cli(&["check", s, "--at", AT_TEXT]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("[input-invalid] nlb_key"));

    // Unusable input: exit 2.
    for args in [
        vec!["check", "/nonexistent/settings.yaml"],
        vec!["check", s, "--at", "yesterday"],
    ] {
        assert_eq!(cli(&args).status.code(), Some(2), "{args:?}");
    }
    fs::write(&settings, "profile: modern\n").unwrap();
    assert_eq!(cli(&["check", s]).status.code(), Some(2));
}

/// For every valid combination of profile × ALB × infrastructure × secret mode × gateway
/// configuration, the CLI's zip
/// (settings file and certificate files) is the page's (`bundle::build` on the same values),
/// byte for byte; the invalid ones are refused with findings that name the fields.
#[test]
fn bundle_writes_the_librarys_zip_byte_for_byte_for_every_combination() {
    let tmp = tempfile::tempdir().unwrap();
    example(tmp.path());
    let settings = tmp.path().join("settings.yaml");
    let mut valid = 0;
    for s in demo::every_combination()
        .into_iter()
        .chain(demo::gateway_api_combinations())
    {
        let name = demo::combination_name(&s);
        fs::write(&settings, s.to_yaml()).unwrap();
        let out = tmp.path().join(format!("{name}.zip"));
        let run = cli(&[
            "bundle",
            settings.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--at",
            AT_TEXT,
        ]);
        let field_errors = istio_alb::settings::validate(&s);
        if field_errors.is_empty() {
            valid += 1;
            assert!(
                run.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            let page = bundle::build(&s, &demo::cert_inputs(), AT, false).unwrap();
            assert!(
                fs::read(&out).unwrap() == page,
                "{name}: the CLI zip differs from bundle::build"
            );
        } else {
            assert_eq!(run.status.code(), Some(1), "{name}");
            assert!(!out.exists(), "{name}");
            let stderr = String::from_utf8_lossy(&run.stderr);
            let stdout = String::from_utf8_lossy(&run.stdout);
            for f in &field_errors {
                let field = f.input.as_ref().unwrap().name().to_owned();
                assert!(
                    stdout.contains(&field) || stderr.contains(&field),
                    "{name}: {field} not named:\n{stdout}\n{stderr}"
                );
            }
        }
    }
    // 10 with Istio's Gateway, 8 with the Gateway API (the current profile's).
    assert_eq!(valid, 18);
}

#[test]
fn bundle_refuses_errors_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    example(tmp.path());
    fs::write(tmp.path().join("nlb.key"), "").unwrap();
    let settings = tmp.path().join("settings.yaml");
    let out = tmp.path().join("b.zip");
    let args = |force: bool| {
        let mut a = vec![
            "bundle".to_owned(),
            settings.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--at".into(),
            AT_TEXT.into(),
        ];
        if force {
            a.push("--force".into());
        }
        a
    };
    let blocked = Command::new(env!("CARGO_BIN_EXE_istio-alb"))
        .args(args(false))
        .output()
        .unwrap();
    assert_eq!(blocked.status.code(), Some(1));
    assert!(!out.exists());
    let forced = Command::new(env!("CARGO_BIN_EXE_istio-alb"))
        .args(args(true))
        .output()
        .unwrap();
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert!(out.exists());
}
