//! Chain verification: every finding code `verify` produces, on generated chains.

// Native only: fixtures come from rcgen (ring), and the tests read files and run tools.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::pki::verify::{PemInput, Usage, VerifyOptions, VerifyReport, verify_pem};
use pki_fixtures::*;
use rcgen::ExtendedKeyUsagePurpose as Eku;

fn run(
    leaf: &str,
    inter: &str,
    roots: &str,
    name: Option<&str>,
    usage: Usage,
    at: i64,
) -> VerifyReport {
    verify_pem(
        PemInput {
            name: "leaf.pem",
            text: leaf,
        },
        Some(PemInput {
            name: "inter.pem",
            text: inter,
        }),
        PemInput {
            name: "roots.pem",
            text: roots,
        },
        &VerifyOptions {
            name: name.map(str::to_owned),
            usage: Some(usage),
            at,
            ..VerifyOptions::default()
        },
        &istio_alb::pki::rustcrypto::RustCrypto,
    )
}

fn codes(r: &VerifyReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn valid_chains_of_every_algorithm() {
    let combos = [
        (Alg::Rsa4096, Alg::Rsa2048, Alg::Rsa2048b),
        (Alg::Rsa2048, Alg::P256, Alg::P384),
        (Alg::P384, Alg::P256, Alg::Ed25519),
        (Alg::Ed25519, Alg::Ed25519, Alg::P256),
        (Alg::P256, Alg::P384, Alg::Rsa2048),
    ];
    for (r, i, l) in combos {
        let ch = chain(r, i, l, "gw.example.com");
        for (usage, pasted) in [
            (
                Usage::Server,
                format!("{}{}", ch.leaf.pem, ch.intermediate.pem),
            ),
            (
                Usage::Client,
                format!("{}{}", ch.intermediate.pem, ch.leaf.pem),
            ),
        ] {
            let rep = run(
                &pasted,
                "",
                &ch.root.pem,
                Some("gw.example.com"),
                usage,
                at(),
            );
            assert!(rep.valid, "{r:?}/{i:?}/{l:?} {usage:?}: {:?}", rep.findings);
            assert!(rep.findings.is_empty(), "{:?}", rep.findings);
            let subjects: Vec<_> = rep.chain.iter().map(|s| s.subject.as_str()).collect();
            assert_eq!(
                subjects,
                [
                    "CN=gw.example.com",
                    "CN=Test Intermediate CA",
                    "CN=Test Root CA"
                ]
            );
        }
    }
}

#[test]
fn each_problem_is_named() {
    let ch = chain(Alg::P256, Alg::P256, Alg::P256, "gw.example.com");
    let other_root = self_signed(&Spec::ca("Other Root CA"), Alg::P256);
    let impostor_root = self_signed(&Spec::ca("Test Root CA"), Alg::P256);
    let not_ca = issue(
        &Spec::leaf("plain.example.com", &["plain.example.com"]),
        Alg::P256,
        &ch.intermediate,
    );
    let under_not_ca = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &not_ca,
    );
    let leaf_with = |spec: Spec| issue(&spec, Alg::P256, &ch.intermediate).pem;
    let base = || {
        Spec::leaf(
            "gw.example.com",
            &["gw.example.com", "*.apps.example.com", "10.0.0.7"],
        )
    };
    let weak = issue_for_public_key(&base(), &rsa1024_public(), &ch.intermediate);
    let sha1_root = fixture("sha1-root.pem");
    let sha1_leaf = fixture("sha1-leaf.pem");
    let in_2030 = ts(2030, 1, 1);

    // (case, leaf input, intermediates, roots, name, usage, at, valid, codes)
    type Case<'a> = (
        &'a str,
        String,
        String,
        String,
        Option<&'a str>,
        Usage,
        i64,
        bool,
        Vec<&'a str>,
    );
    let cases: Vec<Case<'_>> = vec![
        (
            "missing intermediate",
            ch.leaf.pem.clone(),
            String::new(),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["chain-incomplete"],
        ),
        (
            "intermediates in their own input",
            ch.leaf.pem.clone(),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            true,
            vec![],
        ),
        (
            "other root",
            format!("{}{}{}", ch.leaf.pem, ch.intermediate.pem, ch.root.pem),
            String::new(),
            other_root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["chain-untrusted"],
        ),
        (
            "same-name impostor root",
            format!("{}{}", ch.leaf.pem, ch.intermediate.pem),
            String::new(),
            impostor_root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["signature-invalid"],
        ),
        (
            "issuer not a CA",
            under_not_ca.pem.clone(),
            format!("{}{}", not_ca.pem, ch.intermediate.pem),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["not-a-ca"],
        ),
        (
            "expired",
            leaf_with(base().valid((2024, 1, 1), (2025, 6, 1))),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["cert-expired"],
        ),
        (
            "not yet valid",
            leaf_with(base().valid((2026, 6, 1), (2027, 6, 1))),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["cert-not-yet-valid"],
        ),
        (
            "expiring soon",
            leaf_with(base().valid((2025, 1, 1), (2026, 1, 20))),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            true,
            vec!["cert-expiring-soon"],
        ),
        (
            "name",
            ch.leaf.pem.clone(),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            Some("other.example.com"),
            Usage::Server,
            at(),
            false,
            vec!["name-mismatch"],
        ),
        (
            "wildcard one label",
            leaf_with(base()),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            Some("shop.apps.example.com"),
            Usage::Server,
            at(),
            true,
            vec![],
        ),
        (
            "wildcard two labels",
            leaf_with(base()),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            Some("a.shop.apps.example.com"),
            Usage::Server,
            at(),
            false,
            vec!["name-mismatch"],
        ),
        (
            "ip san",
            leaf_with(base()),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            Some("10.0.0.7"),
            Usage::Server,
            at(),
            true,
            vec![],
        ),
        (
            "ip not in dns",
            leaf_with(base()),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            Some("10.0.0.8"),
            Usage::Server,
            at(),
            false,
            vec!["name-mismatch"],
        ),
        (
            "server eku",
            leaf_with(base().eku(vec![Eku::ClientAuth])),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["eku-server-auth-missing"],
        ),
        (
            "client eku",
            leaf_with(base().eku(vec![Eku::ServerAuth])),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Client,
            at(),
            false,
            vec!["eku-client-auth-missing"],
        ),
        (
            "no eku is any",
            leaf_with(base().eku(vec![])),
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Client,
            at(),
            true,
            vec![],
        ),
        (
            "weak key",
            weak,
            ch.intermediate.pem.clone(),
            ch.root.pem.clone(),
            None,
            Usage::Server,
            at(),
            false,
            vec!["weak-key"],
        ),
        (
            "sha1",
            sha1_leaf,
            String::new(),
            sha1_root,
            Some("sha1.example.com"),
            Usage::Server,
            in_2030,
            false,
            vec!["weak-signature"],
        ),
    ];
    for (name, leaf, inter, roots, host, usage, t, valid, want) in cases {
        let rep = run(&leaf, &inter, &roots, host, usage, t);
        assert_eq!(rep.valid, valid, "{name}: {:?}", rep.findings);
        assert_eq!(codes(&rep), want, "{name}: {:?}", rep.findings);
        assert!(rep.usable, "{name}");
        for f in &rep.findings {
            assert!(f.input.is_some(), "{name}: {f}");
            assert!(
                !f.message.contains("Some(") && !f.message.contains("Err("),
                "{name}: {f}"
            );
        }
    }
}

#[test]
fn dst_root_ca_x3_is_named_with_its_replacement() {
    // Same subject and expiry as the real DST Root CA X3 (2021-09-30 14:01:15 UTC).
    let dst = ca_with_validity(
        "DST Root CA X3",
        Some("Digital Signature Trust Co."),
        970_348_339,
        1_633_010_475,
        Alg::Rsa2048,
    );
    let int = issue(&Spec::ca("R3"), Alg::Rsa2048b, &dst);
    let leaf = issue(
        &Spec::leaf("le.example.com", &["le.example.com"]),
        Alg::P256,
        &int,
    );
    let rep = run(
        &format!("{}{}", leaf.pem, int.pem),
        "",
        &dst.pem,
        None,
        Usage::Server,
        at(),
    );
    assert!(!rep.valid);
    assert!(
        codes(&rep).contains(&"trust-anchor-expired"),
        "{:?}",
        rep.findings
    );
    let f = rep
        .findings
        .iter()
        .find(|f| f.code == "trust-anchor-expired")
        .expect("finding");
    assert!(
        f.message.contains("DST Root CA X3") && f.message.contains("ISRG Root X1"),
        "{}",
        f.message
    );
    assert_eq!(f.input.as_deref(), Some("roots.pem"));
}

#[test]
fn unusable_inputs() {
    let ch = chain(Alg::P256, Alg::P256, Alg::P256, "u.example.com");
    let cases = [
        ("no leaf", String::new(), ch.root.pem.clone()),
        ("garbage leaf", "garbage".to_owned(), ch.root.pem.clone()),
        ("no roots", ch.leaf.pem.clone(), String::new()),
        ("key as root", ch.leaf.pem.clone(), ch.root.key_pem()),
    ];
    for (name, leaf, roots) in cases {
        let rep = run(&leaf, "", &roots, None, Usage::Server, at());
        assert!(!rep.usable && !rep.valid, "{name}");
        assert!(!rep.findings.is_empty(), "{name}");
    }
}

#[test]
fn verify_cli_exit_codes_and_json() {
    let ch = chain(Alg::P256, Alg::Rsa2048, Alg::P256, "cli.example.com");
    let dir = std::env::temp_dir().join(format!("istio-alb-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let w = |n: &str, s: &str| {
        let p = dir.join(n);
        std::fs::write(&p, s).expect("write");
        p
    };
    let leaf = w("leaf.pem", &ch.leaf.pem);
    let inter = w("inter.pem", &ch.intermediate.pem);
    let root = w("root.pem", &ch.root.pem);
    let empty = w("empty.pem", "");
    let bin = env!("CARGO_BIN_EXE_istio-alb");
    let runv = |extra: &[&str], leaf: &std::path::Path, roots: &std::path::Path| {
        std::process::Command::new(bin)
            .arg("verify")
            .arg("--leaf")
            .arg(leaf)
            .arg("--intermediates")
            .arg(&inter)
            .arg("--roots")
            .arg(roots)
            .args(["--at", "2026-01-01T00:00:00Z", "--format", "json"])
            .args(extra)
            .output()
            .expect("run")
    };
    let ok = runv(&["--name", "cli.example.com"], &leaf, &root);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("json");
    assert_eq!(v["valid"], true);
    assert_eq!(v["chain"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["chain"][0]["dns_sans"][0], "cli.example.com");
    let bad = runv(
        &["--name", "nope.example.com", "--usage", "client"],
        &leaf,
        &root,
    );
    assert_eq!(bad.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).expect("json");
    assert_eq!(v["valid"], false);
    assert_eq!(v["findings"][0]["code"], "name-mismatch");
    assert_eq!(v["findings"][0]["severity"], "error");
    let unusable = runv(&[], &empty, &root);
    assert_eq!(unusable.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
