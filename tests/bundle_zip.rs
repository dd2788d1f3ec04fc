//! The zip: deterministic, the same whether certificates came from files (CLI) or inline PEMs
//! (page), sorted entries with explicit Unix modes, and no key material in settings.yaml.
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::bundle::{self, MODE_FILE, MODE_SCRIPT, MODE_SECRET};
use istio_alb::demo;
use istio_alb::inputs::CertInput;
use istio_alb::settings::{Profile, Settings};
use std::io::{Cursor, Read};

const AT: i64 = 1_764_151_200;

fn entries(zip: &[u8]) -> Vec<(String, u32, Vec<u8>, zip::DateTime)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a readable zip");
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.push((
            f.name().unwrap().into_owned(),
            f.unix_mode().unwrap_or(0) & 0o777,
            data,
            f.last_modified().unwrap(),
        ));
    }
    out
}

#[test]
fn same_inputs_give_the_same_bytes_and_time_changes_only_what_depends_on_it() {
    for profile in Profile::ALL {
        let s = demo::settings_for(profile);
        let a = bundle::build(&s, &demo::cert_inputs(), AT, false).unwrap();
        let b = bundle::build(&s, &demo::cert_inputs(), AT, false).unwrap();
        assert_eq!(a, b, "{profile}");
        let later = bundle::build(&s, &demo::cert_inputs(), AT + 86_400, false).unwrap();
        assert_ne!(a, later, "{profile}: the time is recorded");
    }
}

#[test]
fn certificates_from_files_or_inline_give_the_same_zip() {
    let from_files = demo::settings();
    let (certs_a, findings) = from_files.cert_inputs(demo::resolve);
    assert!(findings.is_empty());
    // The page's way: every entry is the PEM text itself.
    let mut inline = demo::settings();
    inline.certificates[CertInput::NlbCert] = demo::NLB_CERT.into();
    inline.certificates[CertInput::NlbKey] = demo::NLB_KEY.into();
    inline.certificates[CertInput::AlbClientCert] = demo::ALB_CLIENT_CERT.into();
    inline.certificates[CertInput::AlbClientKey] = demo::ALB_CLIENT_KEY.into();
    inline.certificates[CertInput::ClientCa] = demo::CA.into();
    inline.certificates[CertInput::GatewayCa] = demo::CA.into();
    let (certs_b, findings) = inline.cert_inputs(|p| Err(format!("no files on the page: {p}")));
    assert!(findings.is_empty());
    assert_eq!(
        bundle::build(&from_files, &certs_a, AT, false).unwrap(),
        bundle::build(&inline, &certs_b, AT, false).unwrap()
    );
}

#[test]
fn entries_are_sorted_dated_and_carry_their_modes() {
    let s = demo::settings();
    let zip = bundle::build(&s, &demo::cert_inputs(), AT, false).unwrap();
    let entries = entries(&zip);
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("demo-cluster-istio-alb/"))
    );
    for (name, mode, data, time) in &entries {
        assert_eq!(
            (time.year(), time.month(), time.day(), time.hour()),
            (2025, 11, 26, 10),
            "{name}"
        );
        let want = if name.ends_with('/') {
            0o755
        } else if name.ends_with("/scripts/lib.sh") || name.ends_with("/scripts/settings.sh") {
            // Sourced by the scripts, not run.
            MODE_FILE
        } else if name.contains("/scripts/") {
            MODE_SCRIPT
        } else if name.ends_with(".key")
            || String::from_utf8_lossy(data).contains("tls.key:")
            || String::from_utf8_lossy(data).contains("client.key:")
        {
            MODE_SECRET
        } else {
            MODE_FILE
        };
        assert_eq!(*mode, want, "{name}");
    }
    for dir in ["certs/", "manifests/", "scripts/", "secrets/"] {
        assert!(
            names.contains(&format!("demo-cluster-istio-alb/{dir}").as_str()),
            "{dir}"
        );
    }
}

#[test]
fn settings_yaml_holds_no_key_material_and_points_at_the_bundled_files() {
    let bundle = bundle::Bundle::of(&istio_alb::plan::plan(
        &demo::settings(),
        &demo::cert_inputs(),
        AT,
    ));
    let settings = bundle
        .files
        .iter()
        .find(|f| f.path == "settings.yaml")
        .unwrap();
    assert!(!settings.text().contains("-----BEGIN"));
    let parsed = Settings::from_yaml(settings.text()).unwrap();
    for (name, path) in parsed.certificates.iter().filter(|(_, p)| !p.is_empty()) {
        assert!(
            bundle.files.iter().any(|f| f.path == path),
            "{name} points at {path}, which is not in the bundle"
        );
    }
    // The bundle's settings, resolved against the bundle's own files, check clean and give the
    // same bundle again.
    let (certs, findings) = parsed.cert_inputs(|p| {
        bundle
            .files
            .iter()
            .find(|f| f.path == p)
            .map(|f| f.text().to_owned())
            .ok_or_else(|| "missing".to_owned())
    });
    assert!(findings.is_empty());
    assert_eq!(
        bundle::Bundle::of(&istio_alb::plan::plan(&parsed, &certs, AT)).files,
        bundle.files
    );
}

#[test]
fn report_json_is_valid_json_with_the_findings() {
    let bundle = bundle::Bundle::of(&istio_alb::plan::plan(
        &demo::settings(),
        &demo::cert_inputs(),
        AT,
    ));
    let report = bundle
        .files
        .iter()
        .find(|f| f.path == "report.json")
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(report.text()).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["profile"], "current");
    assert_eq!(v["at"], "2025-11-26T10:00:00Z");
    assert!(v["findings"].as_array().unwrap().is_empty());
    assert!(v["verify_depth"].as_u64().unwrap() >= 1);
}
