//! The private client CA: what `ca::init`/`ca::issue` make passes our own check with no
//! finding and `openssl verify -purpose sslclient`, has the stated profile (read back with
//! x509-parser, independent of the code that wrote it), and the CLI keeps keys 0600 and never
//! overwrites a CA.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use istio_alb::ca;
use istio_alb::demo;
use istio_alb::inputs::CertInput;
use istio_alb::plan;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use x509_parser::prelude::*;

/// 2026-11-27T00:00:00Z.
const AT: i64 = 1_795_737_600;

/// A deterministic stand-in for the OS's randomness (xorshift), so a failure repeats.
fn seeded(mut state: u64) -> impl FnMut(&mut [u8]) {
    move |buf: &mut [u8]| {
        for b in buf {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
    }
}

fn der(pem: &str) -> Vec<u8> {
    let (blocks, errs) = istio_alb::pki::pem::read_certificates("x", pem);
    assert!(errs.is_empty(), "{errs:?}");
    blocks[0].der.clone()
}

#[test]
fn the_generated_set_checks_clean_with_the_demo_gateway() {
    let made = ca::init("prod-eu", AT, &mut seeded(7)).expect("a CA");
    let mut certs = demo::cert_inputs();
    certs[CertInput::AlbClientCert] = made.client.cert_pem.clone();
    certs[CertInput::AlbClientKey] = made.client.key_pem.clone();
    certs[CertInput::ClientCa] = made.ca_pem.clone();
    certs[CertInput::ClientCaKey] = made.ca_key_pem.clone();
    // The ALB still trusts the demo CA for the gateway certificate.
    certs[CertInput::GatewayCa] = demo::CA.into();
    let p = plan::plan(&demo::settings(), &certs, AT);
    assert!(p.findings.is_empty(), "{:#?}", p.findings);
    assert!(p.report.alb_chain.trusted);
    // A CA key that is not the CA's is named.
    let other = ca::init("prod-eu", AT, &mut seeded(8)).expect("another CA");
    certs[CertInput::ClientCaKey] = other.ca_key_pem;
    let p = plan::plan(&demo::settings(), &certs, AT);
    assert!(
        p.findings
            .iter()
            .any(|f| f.code == "key-mismatch" && f.is_about(CertInput::ClientCaKey)),
        "{:?}",
        p.findings
    );
}

#[test]
fn the_profile_is_the_stated_one() {
    let made = ca::init("prod-eu", AT, &mut seeded(9)).expect("a CA");
    let ca_der = der(&made.ca_pem);
    let (_, ca) = X509Certificate::from_der(&ca_der).expect("CA parses");
    let bc = ca.basic_constraints().unwrap().unwrap();
    assert!(bc.critical && bc.value.ca && bc.value.path_len_constraint == Some(0));
    let ku = ca.key_usage().unwrap().unwrap();
    assert!(ku.critical && ku.value.key_cert_sign() && ku.value.crl_sign());
    assert!(!ku.value.digital_signature());
    assert!(ca.extended_key_usage().unwrap().is_none());
    let ski = ca
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        })
        .expect("SKI");
    let years = (ca.validity().not_after.timestamp() - AT) / 86_400;
    assert!((3649..=3650).contains(&years), "{years} days");
    assert_eq!(
        ca.public_key().algorithm.algorithm,
        x509_parser::oid_registry::OID_KEY_TYPE_EC_PUBLIC_KEY
    );

    let leaf_der = der(&made.client.cert_pem);
    let (_, leaf) = X509Certificate::from_der(&leaf_der).expect("client parses");
    assert!(!leaf.basic_constraints().unwrap().unwrap().value.ca);
    let ku = leaf.key_usage().unwrap().unwrap();
    assert!(ku.critical && ku.value.digital_signature());
    assert!(!ku.value.key_cert_sign() && !ku.value.key_encipherment());
    let eku = leaf.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.client_auth && !eku.server_auth && !eku.any && eku.other.is_empty());
    let aki = leaf
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                a.key_identifier.as_ref().map(|k| k.0.to_vec())
            }
            _ => None,
        })
        .expect("AKI");
    assert_eq!(aki, ski);
    assert_eq!(leaf.issuer().as_raw(), ca.subject().as_raw());
    let serial = leaf.raw_serial();
    let significant = serial.iter().skip_while(|b| **b == 0).count();
    assert!(significant == 16, "a 128-bit serial: {serial:02x?}");
    let days = (leaf.validity().not_after.timestamp() - AT) / 86_400;
    assert_eq!(days, i64::from(ca::CLIENT_DAYS));
}

#[test]
fn openssl_accepts_the_client_certificate_for_the_client_purpose() {
    if !support::has_program("openssl", "version") {
        support::missing(support::Need::Tool, "openssl is not installed");
        return;
    }
    let made = ca::init("prod-eu", now(), &mut seeded(10)).expect("a CA");
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("ca.pem"), &made.ca_pem).expect("write");
    fs::write(dir.path().join("client.pem"), &made.client.cert_pem).expect("write");
    let verify = |purpose: &str| {
        Command::new("openssl")
            .args([
                "verify",
                "-purpose",
                purpose,
                "-CAfile",
                "ca.pem",
                "client.pem",
            ])
            .current_dir(dir.path())
            .output()
            .expect("openssl runs")
    };
    let ok = verify("sslclient");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // ... and only for it: a client certificate cannot serve.
    assert!(!verify("sslserver").status.success());
}

#[test]
fn issue_makes_a_new_certificate_from_the_same_ca() {
    let made = ca::init("c", AT, &mut seeded(11)).expect("a CA");
    let next = ca::issue(
        &made.ca_pem,
        &made.ca_key_pem,
        "c",
        30,
        AT + 86_400,
        &mut seeded(12),
    )
    .expect("issued");
    assert_ne!(next.cert_pem, made.client.cert_pem);
    let mut certs = demo::cert_inputs();
    certs[CertInput::AlbClientCert] = next.cert_pem;
    certs[CertInput::AlbClientKey] = next.key_pem;
    certs[CertInput::ClientCa] = made.ca_pem.clone();
    certs[CertInput::GatewayCa] = demo::CA.into();
    let p = plan::plan(&demo::settings(), &certs, AT + 86_400);
    assert!(p.report.alb_chain.trusted, "{:?}", p.findings);
    // A key that is not the CA's is refused before anything is signed.
    let other = ca::init("c", AT, &mut seeded(13)).expect("another CA");
    let e = ca::issue(
        &made.ca_pem,
        &other.ca_key_pem,
        "c",
        30,
        AT,
        &mut seeded(14),
    )
    .expect_err("a foreign key");
    assert!(e.to_string().contains("does not belong"), "{e}");
}

#[test]
fn the_cli_writes_keys_0600_and_never_overwrites_a_ca() {
    let bin = env!("CARGO_BIN_EXE_istio-alb");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ca");
    let run = |args: &[&str]| Command::new(bin).args(args).output().expect("runs");
    let d = dir.to_str().expect("utf-8");
    let out = run(&["ca", "init", d, "--cluster", "prod-eu"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, mode) in [
        ("client-ca.pem", 0o644),
        ("client-ca.key", 0o600),
        ("alb-client.crt", 0o644),
        ("alb-client.key", 0o600),
    ] {
        let m = fs::metadata(dir.join(name))
            .expect(name)
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(m, mode, "{name}");
    }
    let ca_before = fs::read(dir.join("client-ca.key")).expect("key");
    let again = run(&["ca", "init", d]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    assert_eq!(fs::read(dir.join("client-ca.key")).expect("key"), ca_before);

    let old = fs::read(dir.join("alb-client.crt")).expect("crt");
    let out = run(&["ca", "issue", d, "--cluster", "prod-eu", "--days", "90"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fs::read(dir.join("alb-client.crt.previous")).expect("kept"),
        old
    );
    assert_ne!(fs::read(dir.join("alb-client.crt")).expect("new"), old);
    let m = fs::metadata(dir.join("alb-client.key"))
        .expect("key")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(m, 0o600);
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `istio-alb ca init` then `istio-alb check`: the client side comes from the new CA, the
/// gateway side from the demo set; no finding at all.
#[test]
fn ca_init_then_check_gives_no_finding() {
    let bin = env!("CARGO_BIN_EXE_istio-alb");
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| Command::new(bin).args(args).output().expect("runs");
    let d = tmp.path().to_str().expect("utf-8");
    assert!(run(&["example", d]).status.success());
    let ca_dir = tmp.path().join("ca");
    assert!(
        run(&[
            "ca",
            "init",
            ca_dir.to_str().expect("utf-8"),
            "--cluster",
            "demo-cluster"
        ])
        .status
        .success()
    );
    let settings_path = tmp.path().join("settings.yaml");
    let mut s = istio_alb::settings::Settings::from_yaml(
        &fs::read_to_string(&settings_path).expect("settings"),
    )
    .expect("parses");
    s.certificates[CertInput::AlbClientCert] = "ca/alb-client.crt".into();
    s.certificates[CertInput::AlbClientKey] = "ca/alb-client.key".into();
    s.certificates[CertInput::ClientCa] = "ca/client-ca.pem".into();
    s.certificates[CertInput::ClientCaKey] = "ca/client-ca.key".into();
    s.certificates[CertInput::GatewayCa] = demo::files::CA.into();
    fs::write(&settings_path, s.to_yaml()).expect("write settings");
    let out = run(&[
        "check",
        settings_path.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    assert_eq!(
        json["findings"].as_array().map(Vec::len),
        Some(0),
        "{json:#}"
    );
}

/// A CA that cannot vouch for the certificate asked for is refused before anything is signed,
/// with what to do: an expired or not-yet-valid CA (a new CA), zero days, or a validity that
/// outlives the CA (fewer days). (at, days, what the message says)
#[test]
fn issue_refuses_what_the_ca_cannot_vouch_for() {
    const DAY: i64 = 86_400;
    let made = ca::init("c", AT, &mut seeded(21)).expect("a CA");
    let cases: &[(i64, u32, Option<&[&str]>)] = &[
        (AT + 3651 * DAY, 30, Some(&["expired", "ca init"])),
        (AT - DAY, 30, Some(&["valid only from", "ca init"])),
        (AT + DAY, 0, Some(&["0 days", "--days"])),
        (
            AT + 3600 * DAY,
            365,
            Some(&["outlive", "--days 50", "ca init"]),
        ),
        (
            AT + 3650 * DAY - 3600,
            1,
            Some(&["less than a day", "ca init"]),
        ),
        // The largest validity the CA still covers, and an ordinary one.
        (AT + 3600 * DAY, 50, None),
        (AT + DAY, ca::CLIENT_DAYS, None),
    ];
    for &(at, days, want) in cases {
        let got = ca::issue(
            &made.ca_pem,
            &made.ca_key_pem,
            "c",
            days,
            at,
            &mut seeded(22),
        );
        match (want, got) {
            (None, Ok(_)) => {}
            (Some(words), Err(e)) => {
                let e = e.to_string();
                for w in words {
                    assert!(e.contains(w), "at {at}, {days} days: {e:?} lacks {w:?}");
                }
            }
            (None, Err(e)) => panic!("at {at}, {days} days refused: {e}"),
            (Some(_), Ok(_)) => panic!("at {at}, {days} days was issued"),
        }
    }
}

/// The CLI's `ca issue` with an expired CA, `--days 0` or a validity past the CA's: exit 2, a
/// message saying what to do, and every file as it was (nothing moved aside).
#[test]
fn the_cli_refuses_to_issue_and_leaves_the_files() {
    let bin = env!("CARGO_BIN_EXE_istio-alb");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ca");
    let d = dir.to_str().expect("utf-8");
    let run = |args: &[&str]| Command::new(bin).args(args).output().expect("runs");
    let init = run(&["ca", "init", d, "--at", "2026-01-01T00:00:00Z"]);
    assert!(init.status.success(), "{init:?}");
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
            .expect("dir")
            .map(|e| {
                let e = e.expect("entry");
                let name = e.file_name().to_string_lossy().into_owned();
                (name, fs::read(e.path()).expect("read"))
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    for (args, says) in [
        (&["--at", "2040-01-01T00:00:00Z"][..], "ca init"),
        (&["--at", "2025-06-01T00:00:00Z"][..], "valid only from"),
        (
            &["--days", "0", "--at", "2026-02-01T00:00:00Z"][..],
            "--days",
        ),
        (
            &["--days", "4000", "--at", "2026-02-01T00:00:00Z"][..],
            "--days 3619",
        ),
    ] {
        let mut all = vec!["ca", "issue", d];
        all.extend_from_slice(args);
        let out = run(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(snapshot(), before, "{args:?} changed the CA folder");
    }
}
