//! The whole setup checked at once (`check_setup`), as the page and the bundle call it.

// Native only: fixtures come from rcgen (ring), and the tests read files and run tools.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::pki::cert::parse_certs;
use istio_alb::pki::setup::{CertInputs, LinkRole, SetupContext, check_setup, input};
use istio_alb::pki::{Finding, Severity};
use pki_fixtures::*;
use rcgen::ExtendedKeyUsagePurpose as Eku;

struct World {
    root: Issued,
    int: Issued,
    nlb: Issued,
    alb: Issued,
}

fn world() -> World {
    let root = self_signed(&Spec::ca("Setup Root CA"), Alg::Rsa2048);
    let int = issue(&Spec::ca("Setup Intermediate CA"), Alg::P256, &root);
    let nlb = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com", "*.apps.example.com"])
            .eku(vec![Eku::ServerAuth]),
        Alg::P256,
        &int,
    );
    let alb = issue(
        &Spec::leaf("alb-client", &["alb-client"]).eku(vec![Eku::ClientAuth]),
        Alg::P384,
        &int,
    );
    World {
        root,
        int,
        nlb,
        alb,
    }
}

fn good_inputs(w: &World) -> CertInputs {
    CertInputs {
        nlb_cert: format!("{}{}", w.nlb.pem, w.int.pem),
        nlb_key: w.nlb.key_pem(),
        alb_client_cert: format!("{}{}", w.alb.pem, w.int.pem),
        alb_client_key: w.alb.key_pem(),
        client_ca: w.root.pem.clone(),
        gateway_ca: String::new(),
    }
}

fn ctx(hosts: &[&str]) -> SetupContext {
    SetupContext {
        gateway_hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
    }
}

fn codes(f: &[Finding]) -> Vec<(&str, Option<&str>)> {
    f.iter()
        .map(|f| (f.code.as_str(), f.input.as_deref()))
        .collect()
}

#[test]
fn a_correct_setup_has_no_findings_and_normalised_outputs() {
    let w = world();
    // Pasted the messy way: intermediate first, CRLF, indentation, text around.
    let mut inputs = good_inputs(&w);
    inputs.nlb_cert = format!(
        "chain:\r\n{}\r\n  {}",
        w.int.pem.replace('\n', "\r\n"),
        w.nlb.pem.replace('\n', "\n  ")
    );
    let r = check_setup(
        &inputs,
        &ctx(&["gw.example.com", "shop.apps.example.com"]),
        at(),
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.verify_depth, 2, "intermediate + root above the leaf");
    let (chain, errs) = parse_certs("x", &r.nlb_chain_pem, at());
    assert!(errs.is_empty());
    let subjects: Vec<_> = chain.iter().map(|c| c.summary.subject.as_str()).collect();
    assert_eq!(subjects, ["CN=gw.example.com", "CN=Setup Intermediate CA"]);
    assert!(
        !r.nlb_chain_pem.contains('\r')
            && r.nlb_chain_pem.starts_with("-----BEGIN CERTIFICATE-----\n")
    );
    assert!(r.nlb_chain.trusted && r.alb_chain.trusted);
    let roles: Vec<_> = r.nlb_chain.links.iter().map(|l| l.role).collect();
    assert_eq!(
        roles,
        [LinkRole::Leaf, LinkRole::Intermediate, LinkRole::Anchor]
    );
    assert!(r.nlb_chain.links.iter().all(|l| l.ok));
    assert!(r.nlb_key_pem.contains("PRIVATE KEY") && r.alb_client_key_pem.contains("PRIVATE KEY"));
    assert_eq!(
        r.gateway_ca_pem, r.client_ca_pem,
        "empty gateway_ca falls back to client_ca"
    );
    assert!(r.client_ca_pem.contains("BEGIN CERTIFICATE"));
}

#[test]
fn empty_inputs_give_one_quiet_finding_each() {
    let r = check_setup(&CertInputs::default(), &ctx(&["gw.example.com"]), at());
    let got = codes(&r.findings);
    let want: Vec<_> = [
        input::NLB_CERT,
        input::NLB_KEY,
        input::ALB_CLIENT_CERT,
        input::ALB_CLIENT_KEY,
        input::CLIENT_CA,
    ]
    .iter()
    .map(|i| ("input-missing", Some(*i)))
    .collect();
    assert_eq!(got, want);
    assert!(r.findings.iter().all(|f| f.severity == Severity::Info));
    assert_eq!(r.verify_depth, 1);
    assert!(r.nlb_chain_pem.is_empty());
}

#[test]
fn every_problem_is_reported_at_once() {
    let w = world();
    let stranger = self_signed(&Spec::leaf("x", &["x"]), Alg::P256);
    let soon = issue(
        &Spec::leaf("alb-client", &["alb-client"])
            .eku(vec![Eku::ServerAuth])
            .valid((2025, 1, 1), (2026, 1, 30)),
        Alg::P256,
        &w.int,
    );
    let inputs = CertInputs {
        nlb_cert: format!("{}{}", w.nlb.pem, w.int.pem),
        nlb_key: stranger.key_pem(),
        alb_client_cert: format!("{}{}", soon.pem, w.int.pem),
        alb_client_key: soon.key_pem(),
        client_ca: w.root.pem.clone(),
        gateway_ca: String::new(),
    };
    let r = check_setup(&inputs, &ctx(&["nlb.example.org"]), at());
    let got = codes(&r.findings);
    for want in [
        ("key-mismatch", Some(input::NLB_KEY)),
        ("name-mismatch", Some(input::NLB_CERT)),
        ("eku-client-auth-missing", Some(input::ALB_CLIENT_CERT)),
        ("cert-expiring-soon", Some(input::ALB_CLIENT_CERT)),
    ] {
        assert!(got.contains(&want), "{want:?} missing from {got:?}");
    }
    assert!(!r.alb_chain.trusted);
    assert!(r.nlb_chain.trusted, "the gateway chain itself is fine");
}

#[test]
fn chains_go_to_the_right_ca() {
    let w = world();
    let other = self_signed(&Spec::ca("Other Root CA"), Alg::P256);
    let other_int = issue(&Spec::ca("Other Intermediate"), Alg::P256, &other);
    let nlb_other = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &other_int,
    );
    // Gateway cert from another CA, named as gateway_ca: fine; against client_ca only: not.
    let mut inputs = good_inputs(&w);
    inputs.nlb_cert = format!("{}{}", nlb_other.pem, other_int.pem);
    inputs.nlb_key = nlb_other.key_pem();
    inputs.gateway_ca = other.pem.clone();
    let r = check_setup(&inputs, &ctx(&["gw.example.com"]), at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.gateway_ca_pem.matches("BEGIN CERTIFICATE").count(), 1);
    inputs.gateway_ca = String::new();
    let r = check_setup(&inputs, &ctx(&["gw.example.com"]), at());
    let got = codes(&r.findings);
    assert!(
        got.contains(&("chain-incomplete", Some(input::NLB_CERT))),
        "{got:?}"
    );
    assert!(!r.nlb_chain.trusted);
    assert!(
        r.nlb_chain
            .links
            .iter()
            .any(|l| !l.ok && l.problem.is_some())
    );
}

#[test]
fn depth_follows_the_real_chain() {
    let root = self_signed(&Spec::ca("Flat Root"), Alg::P256);
    let leaf = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &root,
    );
    let i1 = issue(&Spec::ca("I1"), Alg::P256, &root);
    let i2 = issue(&Spec::ca("I2"), Alg::P256, &i1);
    let deep = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &i2,
    );
    let cases = [
        (leaf.pem.clone(), leaf.key_pem(), 1),
        (
            format!("{}{}{}", i1.pem, deep.pem, i2.pem),
            deep.key_pem(),
            3,
        ),
        // The root pasted along with the chain does not go into the secret or the depth.
        (
            format!("{}{}{}{}", deep.pem, i2.pem, i1.pem, root.pem),
            deep.key_pem(),
            3,
        ),
    ];
    for (cert, key, depth) in cases {
        let inputs = CertInputs {
            nlb_cert: cert,
            nlb_key: key,
            client_ca: root.pem.clone(),
            ..CertInputs::default()
        };
        let r = check_setup(&inputs, &ctx(&["gw.example.com"]), at());
        assert_eq!(r.verify_depth, depth, "{:#?}", r.findings);
        assert_eq!(
            r.nlb_chain_pem.matches("BEGIN CERTIFICATE").count() as u32,
            depth
        );
        assert!(
            r.findings.iter().all(|f| f.severity == Severity::Info),
            "{:#?}",
            r.findings
        );
    }
}

#[test]
fn expired_anchor_encrypted_key_and_weak_key() {
    let dst = ca_with_validity(
        "DST Root CA X3",
        Some("Digital Signature Trust Co."),
        970_348_339,
        1_633_010_475,
        Alg::Rsa2048,
    );
    let int = issue(&Spec::ca("R3"), Alg::P256, &dst);
    let nlb = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &int,
    );
    let weak = issue_for_public_key(
        &Spec::leaf("alb-client", &["alb-client"]).eku(vec![Eku::ClientAuth]),
        &rsa1024_public(),
        &int,
    );
    let inputs = CertInputs {
        nlb_cert: format!("{}{}", nlb.pem, int.pem),
        nlb_key: fixture("rsa2048.encrypted.pem"),
        alb_client_cert: format!("{weak}{}", int.pem),
        alb_client_key: String::new(),
        client_ca: dst.pem.clone(),
        gateway_ca: String::new(),
    };
    let r = check_setup(&inputs, &ctx(&["gw.example.com"]), at());
    let got = codes(&r.findings);
    for want in [
        ("key-encrypted", Some(input::NLB_KEY)),
        ("trust-anchor-expired", Some(input::CLIENT_CA)),
        ("weak-key", Some(input::ALB_CLIENT_CERT)),
        ("input-missing", Some(input::ALB_CLIENT_KEY)),
    ] {
        assert!(got.contains(&want), "{want:?} missing from {got:?}");
    }
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "trust-anchor-expired")
        .expect("anchor");
    assert!(f.message.contains("ISRG Root X1"));
    assert!(
        r.nlb_key_pem.is_empty(),
        "an unusable key is not normalised"
    );
}

#[test]
fn a_lets_encrypt_client_certificate_without_client_auth_is_explained() {
    let w = world();
    let le = ca_with_validity(
        "R11",
        Some("Let's Encrypt"),
        ts(2024, 3, 1),
        ts(2027, 3, 1),
        Alg::P256,
    );
    let ibm_alb = issue(
        &Spec::leaf("alb.example.com", &["alb.example.com"]).eku(vec![Eku::ServerAuth]),
        Alg::P256,
        &le,
    );
    let mut inputs = good_inputs(&w);
    inputs.alb_client_cert = ibm_alb.pem.clone();
    inputs.alb_client_key = ibm_alb.key_pem();
    inputs.client_ca = le.pem.clone();
    inputs.gateway_ca = w.root.pem.clone();
    let r = check_setup(&inputs, &ctx(&["gw.example.com"]), at());
    let eku: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.code == "eku-client-auth-missing")
        .collect();
    assert_eq!(eku.len(), 1, "{:?}", r.findings);
    assert_eq!(eku[0].input.as_deref(), Some(input::ALB_CLIENT_CERT));
    assert!(
        eku[0].message.contains("Let's Encrypt"),
        "{}",
        eku[0].message
    );
    assert!(eku[0].message.contains("private CA"), "{}", eku[0].message);

    // The same certificate from any other issuer gets the plain message.
    let other = ca_with_validity(
        "Corp CA",
        Some("Example Corp"),
        ts(2024, 3, 1),
        ts(2027, 3, 1),
        Alg::P256,
    );
    let corp_alb = issue(
        &Spec::leaf("alb.example.com", &["alb.example.com"]).eku(vec![Eku::ServerAuth]),
        Alg::P256,
        &other,
    );
    inputs.alb_client_cert = corp_alb.pem.clone();
    inputs.alb_client_key = corp_alb.key_pem();
    inputs.client_ca = other.pem.clone();
    let r = check_setup(&inputs, &ctx(&["gw.example.com"]), at());
    let eku = r
        .findings
        .iter()
        .find(|f| f.code == "eku-client-auth-missing")
        .expect("eku finding");
    assert!(!eku.message.contains("Let's Encrypt"), "{}", eku.message);
}
