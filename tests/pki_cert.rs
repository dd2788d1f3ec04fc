//! Certificate summaries (the page's cards and `istio-alb inspect`) over generated certificates.

// Native only: fixtures come from rcgen (ring), and the tests read files and run tools.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::pki::facts::{Eku, KeyUsage};
use istio_alb::pki::{CertSummary, summarize_pem};
use pki_fixtures::*;

fn one(pem: &str) -> CertSummary {
    let (s, f) = summarize_pem("nlb_cert", pem, at());
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(s.len(), 1);
    s.into_iter().next().expect("one summary")
}

#[test]
fn key_types_are_named() {
    let cases: &[(Alg, &str, u32, &str)] = &[
        (Alg::Rsa2048, "RSA 2048", 2048, "sha256WithRSAEncryption"),
        (Alg::Rsa4096, "RSA 4096", 4096, "sha256WithRSAEncryption"),
        (Alg::P256, "ECDSA P-256", 256, "ecdsa-with-SHA256"),
        (Alg::P384, "ECDSA P-384", 384, "ecdsa-with-SHA384"),
        (Alg::Ed25519, "Ed25519", 256, "Ed25519"),
    ];
    for &(alg, key_type, bits, sig) in cases {
        let c = self_signed(&Spec::leaf("k.example", &["k.example"]), alg);
        let s = one(&c.pem);
        assert_eq!(s.key_type.to_string(), key_type, "{alg:?}");
        assert_eq!(s.key_bits, bits, "{alg:?}");
        assert_eq!(s.signature_algorithm, sig, "{alg:?}");
        assert!(s.is_self_signed, "{alg:?}");
    }
}

#[test]
fn summary_fields() {
    let ch = chain(Alg::P256, Alg::P256, Alg::P384, "gw.example.com");
    let leaf = issue(
        &Spec::leaf(
            "gw.example.com",
            &["gw.example.com", "*.apps.example.com", "10.1.2.3", "::1"],
        )
        .valid((2025, 12, 1), (2026, 3, 1)),
        Alg::P256,
        &ch.intermediate,
    );
    let s = one(&leaf.pem);
    assert_eq!(s.subject, "CN=gw.example.com");
    assert_eq!(s.issuer, "CN=Test Intermediate CA");
    assert_eq!(s.dns_sans, vec!["gw.example.com", "*.apps.example.com"]);
    assert_eq!(s.ip_sans, vec!["10.1.2.3", "::1"]);
    assert_eq!(s.not_before, ts(2025, 12, 1));
    assert_eq!(s.not_after_rfc3339, "2026-03-01T00:00:00Z");
    assert_eq!(s.days_left, 59);
    assert_eq!(s.extended_key_usage, vec![Eku::ServerAuth, Eku::ClientAuth]);
    assert_eq!(
        s.key_usage,
        vec![KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment]
    );
    assert!(!s.is_ca && !s.is_self_signed);
    let int = one(&ch.intermediate.pem);
    assert!(int.is_ca);
    assert_eq!(s.authority_key_id, int.subject_key_id);
    assert!(int.subject_key_id.is_some());
    // The fingerprint is the SHA-256 of the DER, as openssl prints it.
    assert_eq!(s.sha256_fingerprint.len(), 32 * 3 - 1);
    assert!(
        s.sha256_fingerprint
            .chars()
            .all(|c| c == ':' || c.is_ascii_hexdigit())
    );
    let json = serde_json::to_string(&s).expect("json");
    let back: CertSummary = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, s);
}

#[test]
fn pasted_variants_give_the_same_summaries() {
    let ch = chain(Alg::Rsa2048, Alg::P256, Alg::Ed25519, "a.example");
    let base = format!("{}{}{}", ch.leaf.pem, ch.intermediate.pem, ch.root.pem);
    let (want, f) = summarize_pem("x", &base, at());
    assert_eq!(want.len(), 3);
    assert!(f.is_empty());
    let variants = [
        ("crlf", base.replace('\n', "\r\n")),
        (
            "indented",
            base.lines().map(|l| format!("\t  {l}\n")).collect(),
        ),
        (
            "text around",
            format!(
                "leaf:\n{}\nand the CA:\n{}{}-- sent from my phone",
                ch.leaf.pem, ch.intermediate.pem, ch.root.pem
            ),
        ),
        ("no trailing newline", base.trim_end().to_owned()),
    ];
    for (name, text) in variants {
        let (got, f) = summarize_pem("x", &text, at());
        assert!(f.is_empty(), "{name}: {f:?}");
        assert_eq!(got, want, "{name}");
    }
    // Order is kept as pasted.
    let reversed = format!("{}{}{}", ch.root.pem, ch.intermediate.pem, ch.leaf.pem);
    let (got, _) = summarize_pem("x", &reversed, at());
    assert_eq!(got[0].subject, "CN=Test Root CA");
}

#[test]
fn validity_findings() {
    let root = self_signed(&Spec::ca("R"), Alg::P256);
    type Ymd = (i32, u8, u8);
    let cases: &[(Ymd, Ymd, Option<&str>)] = &[
        ((2024, 1, 1), (2025, 12, 31), Some("cert-expired")),
        ((2026, 1, 2), (2027, 1, 1), Some("cert-not-yet-valid")),
        // A 90-day certificate is renewed in its last third, 30 days.
        ((2025, 11, 1), (2026, 1, 30), Some("cert-expiring-soon")), // 29 of 90 days left
        ((2025, 11, 3), (2026, 2, 1), None),                        // 31 of 90 days left
        // A 2-year certificate: 37 days left is deep in its last third.
        ((2024, 2, 7), (2026, 2, 7), Some("cert-expiring-soon")),
    ];
    for (from, to, code) in cases {
        let c = issue(
            &Spec::leaf("v.example", &["v.example"]).valid(*from, *to),
            Alg::P256,
            &root,
        );
        let (_, f) = summarize_pem("nlb_cert", &c.pem, at());
        let codes: Vec<_> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            code.iter().copied().collect::<Vec<_>>(),
            "{from:?}..{to:?}"
        );
        assert!(f.iter().all(|f| f.input.as_deref() == Some("nlb_cert")));
    }
}

#[test]
fn garbage_and_keys_are_reported() {
    let c = self_signed(&Spec::leaf("g.example", &["g.example"]), Alg::P256);
    let cases: &[(&str, String, usize, &[&str])] = &[
        (
            "garbage",
            "not a certificate at all".into(),
            0,
            &["pem-malformed"],
        ),
        ("key", c.key_pem(), 0, &["pem-wrong-type"]),
        (
            "cert and key",
            format!("{}{}", c.pem, c.key_pem()),
            1,
            &["pem-wrong-type"],
        ),
        (
            "damaged",
            c.pem.replacen("MII", "MI!", 1).replacen("MIIB", "MI*B", 1),
            0,
            &["pem-malformed"],
        ),
        (
            "truncated",
            c.pem[..c.pem.len() / 2].to_owned(),
            0,
            &["pem-malformed"],
        ),
    ];
    for (name, text, n, codes) in cases {
        let (s, f) = summarize_pem("nlb_cert", text, at());
        assert_eq!(s.len(), *n, "{name}");
        let got: Vec<_> = f.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(&got, codes, "{name}: {f:?}");
    }
}

#[test]
fn inspect_cli_prints_text_and_json() {
    let ch = chain(Alg::P256, Alg::P256, Alg::P256, "cli.example");
    let dir = std::env::temp_dir().join(format!("istio-alb-inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("chain.pem");
    std::fs::write(&file, format!("{}{}", ch.leaf.pem, ch.intermediate.pem)).expect("write");
    let bin = env!("CARGO_BIN_EXE_istio-alb");
    let out = std::process::Command::new(bin)
        .args([
            "inspect",
            "--at",
            "2026-01-01T00:00:00Z",
            "--format",
            "json",
        ])
        .arg(&file)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<CertSummary> = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].dns_sans, vec!["cli.example"]);
    let out = std::process::Command::new(bin)
        .args(["inspect", "--at", "2026-01-01T00:00:00Z"])
        .arg(&file)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Subject:             CN=cli.example"),
        "{text}"
    );
    assert!(text.contains("Certificate (block 2)"), "{text}");
    std::fs::write(&file, [0x30u8, 0x82, 0x01, 0xff, 0xfe]).expect("write");
    let out = std::process::Command::new(bin)
        .arg("inspect")
        .arg(&file)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary data"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Decisions about a name read its decoded attributes, not the displayed DN (issue 25): an
/// organizational unit spelled "O=Let's Encrypt" is not Let's Encrypt, and a common name
/// spelled "CN=DST Root CA X3" inside another attribute is not that root.
#[test]
fn names_are_decided_on_attributes_not_display_text() {
    use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
    /// Subject (= issuer) attributes, from Let's Encrypt, common names.
    type Case<'a> = (&'a [(DnType, &'a str)], bool, &'a [&'a str]);
    let cases: &[Case] = &[
        (
            &[
                (DnType::OrganizationName, "Let's Encrypt"),
                (DnType::CommonName, "R3"),
            ],
            true,
            &["R3"],
        ),
        (
            &[
                (DnType::OrganizationalUnitName, "O=Let's Encrypt"),
                (DnType::CommonName, "x"),
            ],
            false,
            &["x"],
        ),
        (
            &[(DnType::CommonName, "DST Root CA X3")],
            false,
            &["DST Root CA X3"],
        ),
        (
            &[
                (DnType::OrganizationalUnitName, "CN=DST Root CA X3"),
                (DnType::CommonName, "y"),
            ],
            false,
            &["y"],
        ),
    ];
    for (attrs, lets_encrypt, cns) in cases {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        let mut dn = DistinguishedName::new();
        for (t, v) in attrs.iter() {
            dn.push(t.clone(), *v);
        }
        p.distinguished_name = dn;
        let pem = p
            .self_signed(&KeyPair::generate().expect("key"))
            .expect("cert")
            .pem();
        let (certs, errs) = istio_alb::pki::cert::parse_certs("nlb_cert", &pem, at());
        assert!(errs.is_empty(), "{attrs:?}: {errs:?}");
        let c = &certs[0];
        assert_eq!(
            c.from_lets_encrypt(),
            *lets_encrypt,
            "{}",
            c.summary.subject
        );
        assert_eq!(
            c.parsed.subject_common_names(),
            *cns,
            "{}",
            c.summary.subject
        );
    }
}

/// Which certificate of an input issued another is decided on the names' DER: a leaf whose
/// subject prints like another's issuer, in another string type, did not issue it.
#[test]
fn the_leaf_is_picked_on_names_as_der_not_as_displayed() {
    use istio_alb::pki::chain::pick_leaf;
    use rcgen::string::PrintableString;
    use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, Issuer, KeyPair};
    let params = |cn: DnValue| {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        p.distinguished_name = dn;
        p
    };
    let printable = DnValue::PrintableString(PrintableString::try_from("X").expect("printable"));
    // A leaf named "CN=X" (PrintableString), and one issued by a CA named "CN=X" (UTF8String).
    let first = params(printable)
        .self_signed(&KeyPair::generate().expect("key"))
        .expect("cert")
        .pem();
    let ca_key = KeyPair::generate().expect("key");
    let ca = params(DnValue::Utf8String("X".into()));
    let second = params(DnValue::Utf8String("other".into()))
        .signed_by(
            &KeyPair::generate().expect("key"),
            &Issuer::from_params(&ca, &ca_key),
        )
        .expect("cert")
        .pem();
    let (certs, errs) =
        istio_alb::pki::cert::parse_certs("nlb_cert", &format!("{first}{second}"), at());
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        certs[0].summary.subject, certs[1].summary.issuer,
        "they print alike"
    );
    assert_eq!(
        pick_leaf(&certs),
        Some(0),
        "the first did not issue the second"
    );
}

/// A certificate goes by its CN, else its first subjectAltName (issue 27: Let's Encrypt leaves
/// have no CN), on the cards (`name`), in the chain pictures and in every finding's label.
#[test]
fn a_certificate_is_named_by_its_cn_else_its_first_san() {
    const CASES: &[(&str, &[&str], &str)] = &[
        ("gw.example.com", &["other.example.com"], "gw.example.com"),
        ("", &["gw.example.com", "b.example.com"], "gw.example.com"),
        ("", &["10.0.0.1"], "10.0.0.1"),
    ];
    for &(cn, sans, want) in CASES {
        let c = self_signed(&Spec::leaf(cn, sans), Alg::P256);
        let s = one(&c.pem);
        assert_eq!(s.name, want, "CN {cn:?}, SANs {sans:?}");
        let root = self_signed(&Spec::ca("Name Root"), Alg::P256);
        let leaf = issue(&Spec::leaf(cn, sans), Alg::P256, &root);
        let report = istio_alb::pki::check::check(
            &inputs(&[
                (istio_alb::inputs::CertInput::NlbCert, leaf.pem.clone()),
                (istio_alb::inputs::CertInput::GatewayCa, root.pem.clone()),
            ]),
            at(),
            &istio_alb::pki::rustcrypto::RustCrypto,
        );
        let link = &report.nlb_chain.links[0];
        assert_eq!(link.name, want, "chain link of CN {cn:?}");
        let certs = report.certs_of(istio_alb::inputs::CertInput::NlbCert);
        assert!(
            certs[0].label().starts_with(&format!("\"{want}\" (")),
            "{}",
            certs[0].label()
        );
        assert!(!certs[0].label().contains("\"\""), "{}", certs[0].label());
    }
}
