//! The security branches of the verifier that only x509-limbo covered before, each on a chain
//! generated here: so they are tested where `../shared` is absent too, and a change to one of
//! them names the rule it broke.

// Native only: fixtures come from rcgen (ring), and the tests run openssl.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;
mod support;

use istio_alb::pki::verify::{VerifyOptions, VerifyReport};
use pki_fixtures::*;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyUsagePurpose, NameConstraints,
};
use std::process::Command;

fn verify(leaf: &str, inter: &str, roots: &str, opts: VerifyOptions) -> VerifyReport {
    verify_leaf(leaf, Some(inter), roots, &opts)
}

/// Parameters for a certificate named `cn`, valid 2024..2040.
fn params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = rcgen::date_time_ymd(2024, 1, 1);
    p.not_after = rcgen::date_time_ymd(2040, 1, 1);
    p.use_authority_key_identifier_extension = true;
    p
}

fn ca_params(cn: &str, path_len: Option<u8>, usages: Vec<KeyUsagePurpose>) -> CertificateParams {
    let mut p = params(cn);
    p.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    p.key_usages = usages;
    p
}

fn leaf_params(usages: Vec<KeyUsagePurpose>) -> CertificateParams {
    let mut p = CertificateParams::new(vec!["gw.example.com".to_owned()]).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "gw.example.com");
    p.distinguished_name = dn;
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2027, 1, 1);
    p.use_authority_key_identifier_extension = true;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = usages;
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p
}

fn ca_usages() -> Vec<KeyUsagePurpose> {
    vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]
}

/// A certificate of `params` signed by `issuer` (or self-signed), with a fresh P-256 key.
fn make(params: CertificateParams, issuer: Option<&Issued>) -> Issued {
    let key = key(Alg::P256);
    let cert = match issuer {
        Some(i) => params
            .signed_by(&key, &Issuer::from_params(&i.params, &i.key))
            .expect("signed"),
        None => params.self_signed(&key).expect("self-signed"),
    };
    Issued {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key,
        params,
    }
}

fn root() -> Issued {
    make(ca_params("Policy Root", None, ca_usages()), None)
}

#[test]
fn a_leaf_claiming_key_cert_sign_is_refused() {
    let root = root();
    let good = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&root),
    );
    assert!(verify(&good.pem, "", &root.pem, opts()).valid);
    let leaf = make(
        leaf_params(vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
        ]),
        Some(&root),
    );
    let r = verify(&leaf.pem, "", &root.pem, opts());
    assert!(!r.valid && !r.path_valid);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "chain-untrusted" && f.message.contains("keyCertSign")),
        "{:?}",
        r.findings
    );
}

#[test]
fn an_issuer_without_key_cert_sign_cannot_issue() {
    let root = root();
    let int = make(
        ca_params("No-Sign Intermediate", None, vec![KeyUsagePurpose::CrlSign]),
        Some(&root),
    );
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&int),
    );
    let r = verify(&leaf.pem, &int.pem, &root.pem, opts());
    assert!(!r.valid);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "not-a-ca" && f.message.contains("keyCertSign")),
        "{:?}",
        r.findings
    );
}

#[test]
fn an_intermediate_path_length_of_zero_allows_no_intermediate_below() {
    let root = root();
    let i1 = make(
        ca_params("Pathlen-0 Intermediate", Some(0), ca_usages()),
        Some(&root),
    );
    let i2 = make(
        ca_params("Below Intermediate", None, ca_usages()),
        Some(&i1),
    );
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&i2),
    );
    let direct = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&i1),
    );
    assert!(verify(&direct.pem, &i1.pem, &root.pem, opts()).valid);
    let r = verify(
        &leaf.pem,
        &format!("{}{}", i1.pem, i2.pem),
        &root.pem,
        opts(),
    );
    assert!(!r.valid);
    assert!(codes(&r).contains(&"not-a-ca"), "{:?}", r.findings);
    assert!(
        r.findings.iter().any(|f| f.message.contains("pathLen")),
        "{:?}",
        r.findings
    );
}

#[test]
fn a_ca_certificate_is_not_a_server_certificate() {
    let root = root();
    let mut p = ca_params("gw.example.com", None, ca_usages());
    p.subject_alt_names = vec![rcgen::SanType::DnsName(
        "gw.example.com".try_into().expect("dns name"),
    )];
    let ca_leaf = make(p, Some(&root));
    let r = verify(&ca_leaf.pem, "", &root.pem, opts());
    assert!(!r.valid);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "chain-untrusted" && f.message.contains("CA certificate")),
        "{:?}",
        r.findings
    );
}

#[test]
fn name_constraints_of_a_ca_bind_the_leaf() {
    let mut p = ca_params("Constrained Root", None, ca_usages());
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![rcgen::GeneralSubtree::DnsName("example.org".into())],
        excluded_subtrees: vec![],
    });
    let root = make(p, None);
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&root),
    );
    let r = verify(&leaf.pem, "", &root.pem, opts());
    assert!(!r.valid);
    assert!(codes(&r).contains(&"chain-untrusted"), "{:?}", r.findings);
    assert!(
        r.findings
            .iter()
            .any(|f| f.message.contains("name constraints")),
        "{:?}",
        r.findings
    );
}

#[test]
fn the_maximum_number_of_intermediates_is_enforced() {
    let root = root();
    let i1 = make(
        ca_params("Depth Intermediate 1", None, ca_usages()),
        Some(&root),
    );
    let i2 = make(
        ca_params("Depth Intermediate 2", None, ca_usages()),
        Some(&i1),
    );
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&i2),
    );
    let inter = format!("{}{}", i1.pem, i2.pem);
    for (max, valid) in [(None, true), (Some(2), true), (Some(1), false)] {
        let r = verify(
            &leaf.pem,
            &inter,
            &root.pem,
            VerifyOptions {
                max_intermediates: max,
                ..opts()
            },
        );
        assert_eq!(r.valid, valid, "max {max:?}: {:?}", r.findings);
    }
}

/// P-224 and DSA leaves: rcgen cannot make them, so openssl does (a real CA key signs them).
#[test]
fn obsolete_leaf_keys_are_refused() {
    if !support::has_program("openssl", "version") {
        support::missing(support::Need::Tool, "openssl is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-out",
        "ca.key",
    ]);
    run(&[
        "req",
        "-x509",
        "-new",
        "-key",
        "ca.key",
        "-subj",
        "/CN=Obsolete Keys Root",
        "-days",
        "36500",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "ecparam",
        "-name",
        "secp224r1",
        "-genkey",
        "-noout",
        "-out",
        "p224.key",
    ]);
    run(&["dsaparam", "-genkey", "-out", "dsa.key", "2048"]);
    std::fs::write(
        dir.path().join("leaf.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:gw.example.com\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext file");
    for (key, kind) in [("p224.key", "ECDSA P-224"), ("dsa.key", "DSA 2048")] {
        run(&[
            "req",
            "-new",
            "-key",
            key,
            "-subj",
            "/CN=gw.example.com",
            "-out",
            "leaf.csr",
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "3650",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ]);
        let leaf = std::fs::read_to_string(dir.path().join("leaf.pem")).expect("leaf");
        let ca = std::fs::read_to_string(dir.path().join("ca.pem")).expect("ca");
        let r = verify(
            &leaf,
            "",
            &ca,
            VerifyOptions {
                at: now(),
                ..opts()
            },
        );
        assert!(!r.valid && !r.path_valid, "{kind}: {:?}", r.findings);
        assert!(
            r.findings
                .iter()
                .any(|f| f.code == "key-unsupported" && f.message.contains(kind)),
            "{kind}: {:?}",
            r.findings
        );
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

// ---- trust anchors as OpenSSL takes them (NGINX and Envoy: no partial chains) --------------

#[test]
fn an_intermediate_alone_is_no_trust_anchor() {
    let root = root();
    let int = make(
        ca_params("Only Intermediate", None, ca_usages()),
        Some(&root),
    );
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&int),
    );
    let r = verify(&leaf.pem, "", &int.pem, opts());
    assert!(!r.valid && !r.path_valid, "{:?}", r.findings);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "chain-untrusted" && f.message.contains("not a root")),
        "{:?}",
        r.findings
    );
    // With its root beside it, the same intermediate is fine.
    let both = format!("{}{}", int.pem, root.pem);
    assert!(verify(&leaf.pem, "", &both, opts()).valid);
}

#[test]
fn a_root_not_valid_yet_is_refused() {
    let mut p = ca_params("Future Root", None, ca_usages());
    p.not_before = rcgen::date_time_ymd(2030, 1, 1);
    let root = make(p, None);
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&root),
    );
    let r = verify(&leaf.pem, "", &root.pem, opts());
    assert!(!r.valid && !r.path_valid, "{:?}", r.findings);
    assert!(
        codes(&r).contains(&"trust-anchor-not-yet-valid"),
        "{:?}",
        r.findings
    );
}

#[test]
fn a_root_path_length_is_enforced() {
    let root = make(ca_params("Pathlen-0 Root", Some(0), ca_usages()), None);
    let int = make(ca_params("Under Pathlen-0", None, ca_usages()), Some(&root));
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&int),
    );
    let direct = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&root),
    );
    assert!(verify(&direct.pem, "", &root.pem, opts()).valid);
    let r = verify(&leaf.pem, &int.pem, &root.pem, opts());
    assert!(!r.valid && !r.path_valid, "{:?}", r.findings);
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "not-a-ca" && f.message.contains("pathLenConstraint")),
        "{:?}",
        r.findings
    );
}

#[test]
fn an_expired_root_with_a_renewed_twin_is_not_blamed() {
    // Same name and key, one expired, one renewed: OpenSSL takes the valid one.
    let key = key(Alg::P256);
    let mut old = ca_params("Twin Root", None, ca_usages());
    old.not_before = rcgen::date_time_ymd(2015, 1, 1);
    old.not_after = rcgen::date_time_ymd(2025, 1, 1);
    let mut new = ca_params("Twin Root", None, ca_usages());
    new.not_before = rcgen::date_time_ymd(2024, 6, 1);
    new.not_after = rcgen::date_time_ymd(2040, 1, 1);
    let old_cert = old.self_signed(&key).expect("old root");
    let new_cert = new.self_signed(&key).expect("new root");
    let issuer = Issued {
        pem: new_cert.pem(),
        der: new_cert.der().to_vec(),
        key,
        params: new,
    };
    let leaf = make(
        leaf_params(vec![KeyUsagePurpose::DigitalSignature]),
        Some(&issuer),
    );
    for roots in [
        format!("{}{}", old_cert.pem(), new_cert.pem()),
        format!("{}{}", new_cert.pem(), old_cert.pem()),
    ] {
        let r = verify(&leaf.pem, "", &roots, opts());
        assert!(r.valid, "{:?}", r.findings);
        assert!(
            !codes(&r).contains(&"trust-anchor-expired"),
            "{:?}",
            r.findings
        );
    }
}
