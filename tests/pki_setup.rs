//! The whole setup checked at once (`check_setup`), as the page and the bundle call it.

// Native only: fixtures come from rcgen (ring), and the tests read files and run tools.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::field::Field;
use istio_alb::finding::{Finding, Severity, Subject};
use istio_alb::inputs::{CertInput, CertInputs};
use istio_alb::pki::cert::parse_certs;
use istio_alb::pki::chain::LinkRole;
use istio_alb::pki::check::{CheckReport, check, host_findings};
use pki_fixtures::*;
use rcgen::ExtendedKeyUsagePurpose as Eku;

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

/// The check and the host names, as the plan runs them.
fn check_setup(inputs: &CertInputs, hosts: &[&str], at: i64) -> CheckReport {
    let mut r = check(inputs, at, &istio_alb::pki::rustcrypto::RustCrypto);
    let hosts: Vec<(Subject, &str)> = hosts
        .iter()
        .map(|h| (Subject::from(Field::NlbDomain), *h))
        .collect();
    let names = host_findings(&r, &hosts, "");
    r.findings.extend(names);
    r
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
    let mut inputs = w.good_inputs();
    inputs[CertInput::NlbCert] = format!(
        "chain:\r\n{}\r\n  {}",
        w.int.pem.replace('\n', "\r\n"),
        w.nlb.pem.replace('\n', "\n  ")
    );
    let r = check_setup(&inputs, &["gw.example.com", "shop.apps.example.com"], at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.verify_depth, 2, "intermediate + root above the leaf");
    let (chain, errs) = parse_certs("x", &r.pems[CertInput::NlbCert], at());
    assert!(errs.is_empty());
    let subjects: Vec<_> = chain.iter().map(|c| c.summary.subject.as_str()).collect();
    assert_eq!(subjects, ["CN=gw.example.com", "CN=Setup Intermediate CA"]);
    assert!(
        !r.pems[CertInput::NlbCert].contains('\r')
            && r.pems[CertInput::NlbCert].starts_with("-----BEGIN CERTIFICATE-----\n")
    );
    assert!(r.nlb_chain.trusted && r.alb_chain.trusted);
    let roles: Vec<_> = r.nlb_chain.links.iter().map(|l| l.role).collect();
    assert_eq!(
        roles,
        [LinkRole::Leaf, LinkRole::Intermediate, LinkRole::Anchor]
    );
    assert!(r.nlb_chain.links.iter().all(|l| l.ok));
    assert!(
        r.pems[CertInput::NlbKey].contains("PRIVATE KEY")
            && r.pems[CertInput::AlbClientKey].contains("PRIVATE KEY")
    );
    assert_eq!(
        r.pems[CertInput::GatewayCa],
        r.pems[CertInput::ClientCa],
        "the same root pasted into both"
    );
    assert!(r.pems[CertInput::ClientCa].contains("BEGIN CERTIFICATE"));
}

#[test]
fn empty_inputs_give_one_quiet_finding_each() {
    let r = check_setup(&CertInputs::default(), &["gw.example.com"], at());
    let got = codes(&r.findings);
    let want: Vec<_> = [
        CertInput::NlbCert.name(),
        CertInput::NlbKey.name(),
        CertInput::AlbClientCert.name(),
        CertInput::AlbClientKey.name(),
        CertInput::ClientCa.name(),
        CertInput::GatewayCa.name(),
    ]
    .iter()
    .map(|i| ("input-missing", Some(*i)))
    .collect();
    assert_eq!(got, want);
    assert!(r.findings.iter().all(|f| f.severity == Severity::Info));
    assert_eq!(r.verify_depth, 1);
    assert!(r.pems[CertInput::NlbCert].is_empty());
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
    let inputs = inputs(&[
        (CertInput::NlbCert, format!("{}{}", w.nlb.pem, w.int.pem)),
        (CertInput::NlbKey, stranger.key_pem()),
        (
            CertInput::AlbClientCert,
            format!("{}{}", soon.pem, w.int.pem),
        ),
        (CertInput::AlbClientKey, soon.key_pem()),
        (CertInput::ClientCa, w.root.pem.clone()),
        (CertInput::GatewayCa, w.root.pem.clone()),
    ]);
    let r = check_setup(&inputs, &["nlb.example.org"], at());
    let got = codes(&r.findings);
    for want in [
        ("key-mismatch", Some(CertInput::NlbKey.name())),
        // The domain typed into the settings is what the user corrects: the finding is there.
        ("name-mismatch", Some(Field::NlbDomain.name())),
        (
            "eku-client-auth-missing",
            Some(CertInput::AlbClientCert.name()),
        ),
        ("cert-expiring-soon", Some(CertInput::AlbClientCert.name())),
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
    let mut inputs = w.good_inputs();
    inputs[CertInput::NlbCert] = format!("{}{}", nlb_other.pem, other_int.pem);
    inputs[CertInput::NlbKey] = nlb_other.key_pem();
    inputs[CertInput::GatewayCa] = other.pem.clone();
    let r = check_setup(&inputs, &["gw.example.com"], at());
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(
        r.pems[CertInput::GatewayCa]
            .matches("BEGIN CERTIFICATE")
            .count(),
        1
    );
    // The client's root pasted as the ALB's CA too: the gateway chain came complete (leaf and
    // intermediate) and needs another root. The finding is on the ALB's CA, where the root it
    // needs belongs (in the client CA it would let clients in: issue 27), and names that root;
    // nothing blames the certificate or the client CA.
    inputs[CertInput::GatewayCa] = w.root.pem.clone();
    let r = check_setup(&inputs, &["gw.example.com"], at());
    let got = codes(&r.findings);
    assert!(
        got.contains(&("chain-incomplete", Some(CertInput::GatewayCa.name()))),
        "{got:?}"
    );
    assert!(
        !got.iter()
            .any(|(_, input)| *input == Some(CertInput::NlbCert.name())
                || *input == Some(CertInput::ClientCa.name())),
        "{got:?}"
    );
    let on_ca = r
        .findings
        .iter()
        .find(|f| f.is_about(CertInput::GatewayCa))
        .expect("a finding on the ALB's CA");
    assert!(
        on_ca.message.contains("CN=Other Root CA"),
        "{}",
        on_ca.message
    );
    // The chain picture shows the CA that was given and why it was not used.
    assert_eq!(r.nlb_chain.unused.len(), 1, "{:?}", r.nlb_chain);
    assert!(
        r.nlb_chain.unused[0].why.contains("CN=Other Root CA"),
        "{:?}",
        r.nlb_chain.unused
    );
    assert!(!r.nlb_chain.trusted);
    assert!(
        r.nlb_chain
            .links
            .iter()
            .any(|l| !l.ok && l.problem.is_some())
    );
}

/// The client CA never stands in for an empty "CA the ALB trusts" (issue 27): the gateway
/// chain is not checked against it, nothing about the gateway lands on the client CA, and the
/// empty input asks for the root the gateway chain ends at, by name.
#[test]
fn an_empty_gateway_ca_asks_for_the_root_the_gateway_chain_needs() {
    let w = world();
    let gateway_root = self_signed(&Spec::ca("Gateway Root CA"), Alg::P256);
    let gateway_int = issue(&Spec::ca("Gateway Intermediate"), Alg::P256, &gateway_root);
    let under_int = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &gateway_int,
    );
    let under_root = issue(
        &Spec::leaf("gw.example.com", &["gw.example.com"]),
        Alg::P256,
        &gateway_root,
    );
    let cases = [
        (
            "leaf and intermediate",
            format!("{}{}", under_int.pem, gateway_int.pem),
            under_int.key_pem(),
            "Gateway Root CA",
        ),
        (
            "leaf alone, issued by the root",
            under_root.pem.clone(),
            under_root.key_pem(),
            "Gateway Root CA",
        ),
        (
            "the demo's own private root issued the gateway certificate too",
            w.good_inputs()[CertInput::NlbCert].clone(),
            w.nlb.key_pem(),
            "Setup Root CA",
        ),
    ];
    for (name, chain, key, root) in cases {
        let mut inputs = w.good_inputs();
        inputs[CertInput::NlbCert] = chain;
        inputs[CertInput::NlbKey] = key;
        inputs[CertInput::GatewayCa] = String::new();
        let r = check(&inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
        assert_eq!(
            r.gateway_root.as_ref().map(|g| g.name.as_str()),
            Some(root),
            "{name}"
        );
        let asks: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.is_about(CertInput::GatewayCa))
            .collect();
        assert_eq!(asks.len(), 1, "{name}: {asks:#?}");
        assert_eq!(asks[0].code.as_str(), "input-missing", "{name}");
        assert!(asks[0].message.contains(root), "{name}: {}", asks[0]);
        assert!(r.pems[CertInput::GatewayCa].is_empty(), "{name}");
        assert!(
            !r.nlb_chain.trusted,
            "{name}: trusted through the client CA"
        );
        let on_client_ca: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.is_about(CertInput::ClientCa))
            .collect();
        assert!(on_client_ca.is_empty(), "{name}: {on_client_ca:#?}");
        // The plan cannot make a bundle without it.
        let s = istio_alb::settings::Settings {
            cluster_name: "mycluster".into(),
            ingress_ip: "169.45.1.10".into(),
            nlb_domain: "gw.example.com".into(),
            nlb_secret: "mycluster-abc-0001".into(),
            alb_domain: "mycluster-abc-0000.us-south.containers.appdomain.cloud".into(),
            alb_secret: "mycluster-abc-0000".into(),
            ..Default::default()
        };
        let p = istio_alb::plan::plan(&s, &inputs, at());
        assert!(p.has_errors(), "{name}");
        assert!(
            p.pending().contains(&CertInput::GatewayCa.into()),
            "{name}: {:?}",
            p.pending()
        );
    }
}

/// A Let's Encrypt gateway certificate (no CN, as since 2025) asks for ISRG Root X1, with the
/// address Let's Encrypt publishes it at; the guide of "CA the ALB trusts" says the same.
#[test]
fn a_lets_encrypt_gateway_certificate_asks_for_isrg_root_x1() {
    let isrg = self_signed(&Spec::ca("ISRG Root X1"), Alg::P256);
    let r10 = issue_with_org(&Spec::ca("R10"), "Let's Encrypt", Alg::P256, &isrg);
    let leaf = issue(&Spec::leaf("", &["gw.example.com"]), Alg::P256, &r10);
    for (name, pasted) in [
        ("leaf alone", leaf.pem.clone()),
        ("leaf and R10", format!("{}{}", leaf.pem, r10.pem)),
    ] {
        let mut inputs = CertInputs::default();
        inputs[CertInput::NlbCert] = pasted;
        let r = check(&inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
        let root = r.gateway_root.clone().expect(name);
        assert_eq!(root.name, "ISRG Root X1", "{name}");
        assert_eq!(
            root.download,
            Some("https://letsencrypt.org/certs/isrgrootx1.pem"),
            "{name}"
        );
        let g = istio_alb::guide::for_input(
            CertInput::GatewayCa,
            &Default::default(),
            r.gateway_root.as_ref(),
        );
        assert!(g.steps[0].text.contains("ISRG Root X1"), "{name}: {g:?}");
    }
}

/// The same certificate pasted twice (issue 27): one `cert-repeated` warning per extra copy, and
/// the cards, the chain and the bundle hold one copy.
#[test]
fn a_certificate_pasted_twice_is_kept_once_and_said() {
    let w = world();
    let mut inputs = w.good_inputs();
    let chain = format!("{}{}", w.nlb.pem, w.int.pem);
    inputs[CertInput::NlbCert] = format!("{chain}{chain}");
    inputs[CertInput::ClientCa] = format!("{}{}", w.root.pem, w.root.pem);
    let r = check(&inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
    let repeated: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.code.as_str() == "cert-repeated")
        .collect();
    assert_eq!(repeated.len(), 3, "{repeated:#?}");
    assert!(repeated.iter().all(|f| f.severity == Severity::Warning));
    assert!(
        repeated[0].is_about(CertInput::NlbCert)
            && repeated[0].message.contains("Block 3")
            && repeated[0].message.contains("block 1")
            && repeated[0].message.contains("one copy"),
        "{}",
        repeated[0]
    );
    assert!(repeated[2].is_about(CertInput::ClientCa));
    assert_eq!(r.certs_of(CertInput::NlbCert).len(), 2);
    assert_eq!(r.certs_of(CertInput::ClientCa).len(), 1);
    let blocks = |pem: &str| pem.matches("-----BEGIN CERTIFICATE-----").count();
    assert_eq!(blocks(&r.pems[CertInput::NlbCert]), 2);
    assert_eq!(blocks(&r.pems[CertInput::ClientCa]), 1);
    assert_eq!(r.nlb_chain.links.len(), 3, "leaf, intermediate, root");
    assert!(r.nlb_chain.trusted);
    assert!(
        r.findings.iter().all(|f| f.severity != Severity::Error),
        "{:#?}",
        r.findings
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
        let inputs = inputs(&[
            (CertInput::NlbCert, cert),
            (CertInput::NlbKey, key),
            (CertInput::ClientCa, root.pem.clone()),
        ]);
        let r = check_setup(&inputs, &["gw.example.com"], at());
        assert_eq!(r.verify_depth, depth, "{:#?}", r.findings);
        assert_eq!(
            r.pems[CertInput::NlbCert]
                .matches("BEGIN CERTIFICATE")
                .count() as u32,
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
    let inputs = inputs(&[
        (CertInput::NlbCert, format!("{}{}", nlb.pem, int.pem)),
        (CertInput::NlbKey, fixture("rsa2048.encrypted.pem")),
        (CertInput::AlbClientCert, format!("{weak}{}", int.pem)),
        (CertInput::ClientCa, dst.pem.clone()),
    ]);
    let r = check_setup(&inputs, &["gw.example.com"], at());
    let got = codes(&r.findings);
    for want in [
        ("key-encrypted", Some(CertInput::NlbKey.name())),
        ("trust-anchor-expired", Some(CertInput::ClientCa.name())),
        ("weak-key", Some(CertInput::AlbClientCert.name())),
        ("input-missing", Some(CertInput::AlbClientKey.name())),
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
        r.pems[CertInput::NlbKey].is_empty(),
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
    let mut inputs = w.good_inputs();
    inputs[CertInput::AlbClientCert] = ibm_alb.pem.clone();
    inputs[CertInput::AlbClientKey] = ibm_alb.key_pem();
    inputs[CertInput::ClientCa] = le.pem.clone();
    inputs[CertInput::GatewayCa] = w.root.pem.clone();
    let r = check_setup(&inputs, &["gw.example.com"], at());
    let eku: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.code == "eku-client-auth-missing")
        .collect();
    assert_eq!(eku.len(), 1, "{:?}", r.findings);
    assert_eq!(
        eku[0].input.as_deref(),
        Some(CertInput::AlbClientCert.name())
    );
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
    inputs[CertInput::AlbClientCert] = corp_alb.pem.clone();
    inputs[CertInput::AlbClientKey] = corp_alb.key_pem();
    inputs[CertInput::ClientCa] = other.pem.clone();
    let r = check_setup(&inputs, &["gw.example.com"], at());
    let eku = r
        .findings
        .iter()
        .find(|f| f.code == "eku-client-auth-missing")
        .expect("eku finding");
    assert!(!eku.message.contains("Let's Encrypt"), "{}", eku.message);
}

#[test]
fn a_ca_input_without_a_certificate_is_an_error_not_a_skipped_check() {
    let w = world();
    let params_only =
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    for ca in [CertInput::ClientCa, CertInput::GatewayCa] {
        let mut inputs = w.good_inputs();
        inputs[ca] = params_only.to_owned();
        let r = check(&inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
        let about: Vec<_> = r.findings.iter().filter(|f| f.is_about(ca)).collect();
        assert!(
            about.iter().any(
                |f| f.severity == Severity::Error && f.message.contains("holds no certificate")
            ),
            "{ca}: {:?}",
            r.findings
        );
    }
    // The same for a key input holding no key.
    let mut inputs = w.good_inputs();
    inputs[CertInput::NlbKey] = params_only.to_owned();
    let r = check(&inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
    assert!(
        r.findings
            .iter()
            .any(|f| f.is_about(CertInput::NlbKey) && f.message.contains("holds no private key")),
        "{:?}",
        r.findings
    );
}

#[test]
fn an_expired_dst_root_is_named_even_when_the_chain_does_not_reach_it() {
    let w = world();
    let dst = ca_with_validity(
        "DST Root CA X3",
        Some("Digital Signature Trust Co."),
        ts(2000, 9, 30),
        ts(2021, 9, 30),
        Alg::P256,
    );
    let mut inputs = w.good_inputs();
    inputs[CertInput::GatewayCa] = dst.pem.clone();
    let r = check(&inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
    let named: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.code == "trust-anchor-expired" && f.is_about(CertInput::GatewayCa))
        .collect();
    assert_eq!(named.len(), 1, "{:?}", r.findings);
    assert_eq!(named[0].severity, Severity::Error);
    assert!(
        named[0].message.contains("ISRG Root X1"),
        "{}",
        named[0].message
    );
    // An expired, unrelated root beside a good one is a warning only.
    let old = ca_with_validity("Old Root", None, ts(2000, 1, 1), ts(2020, 1, 1), Alg::P256);
    let mut inputs = w.good_inputs();
    inputs[CertInput::ClientCa] = format!("{}{}", w.root.pem, old.pem);
    let r = check(&inputs, at(), &istio_alb::pki::rustcrypto::RustCrypto);
    let old_findings: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.message.contains("Old Root"))
        .collect();
    assert_eq!(old_findings.len(), 1, "{:?}", r.findings);
    assert_eq!(old_findings[0].severity, Severity::Warning);
}

/// A typo in a host name (issue 27, point 4): a short message that marks the part that differs
/// from the nearest name the certificate covers, and that name as the fix, as data. A name far
/// from every name of the certificate gets the list instead, and no fix.
#[test]
fn a_mistyped_host_names_the_difference_and_offers_the_nearest_name() {
    let long = "prod-eu-abc-0001.eu-de.containers.appdomain.cloud";
    let root = self_signed(&Spec::ca("Typo Root"), Alg::P256);
    let leaf = issue(
        &Spec::leaf("", &[long, "*.apps.example.com"]),
        Alg::P256,
        &root,
    );
    let mut inputs = CertInputs::default();
    inputs[CertInput::NlbCert] = leaf.pem.clone();
    inputs[CertInput::GatewayCa] = root.pem.clone();
    const CASES: &[(&str, Option<&str>, &str)] = &[
        (
            "prod-eu-abc-0001.eu-de.containers.appdomian.cloud",
            Some("prod-eu-abc-0001.eu-de.containers.appdomain.cloud"),
            "\"…s.appdom[ia]n.cloud\" where it has \"…s.appdom[ai]n.cloud\"",
        ),
        (
            "shop.apps.exmple.com",
            Some("shop.apps.example.com"),
            "[]mple.com",
        ),
        ("www.other.org", None, "which covers only"),
    ];
    for &(typed, want, shows) in CASES {
        let r = check_setup(&inputs, &[typed], at());
        let f: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.code.as_str() == "name-mismatch")
            .collect();
        assert_eq!(f.len(), 1, "{typed}: {:#?}", r.findings);
        assert!(f[0].is_about(Field::NlbDomain), "{typed}");
        assert_eq!(f[0].suggestion.as_deref(), want, "{typed}: {}", f[0]);
        assert!(f[0].message.contains(shows), "{typed}: {}", f[0].message);
        let words = f[0].message.split_whitespace().count();
        assert!(words <= 35, "{typed}: {words} words: {}", f[0].message);
        // The fix really is a name of the certificate.
        if let Some(fixed) = want {
            let again = check_setup(&inputs, &[fixed], at());
            assert!(
                again
                    .findings
                    .iter()
                    .all(|f| f.code.as_str() != "name-mismatch"),
                "{fixed}: {:#?}",
                again.findings
            );
        }
    }
}
