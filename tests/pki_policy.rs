//! The security branches of the verifier that only x509-limbo covered before, each on a chain
//! generated here: so they are tested where `../shared` is absent too, and a change to one of
//! them names the rule it broke.

// Native only: fixtures come from rcgen (ring), and the tests run openssl.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;
mod support;

use istio_alb::pki::verify::{PemInput, Usage, VerifyOptions, VerifyReport, verify_pem};
use pki_fixtures::*;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyUsagePurpose, NameConstraints,
};
use std::process::Command;

fn verify(leaf: &str, inter: &str, roots: &str, opts: VerifyOptions) -> VerifyReport {
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
        &opts,
    )
}

fn opts() -> VerifyOptions {
    VerifyOptions {
        name: Some("gw.example.com".into()),
        usage: Some(Usage::Server),
        at: at(),
        ..VerifyOptions::default()
    }
}

fn codes(r: &VerifyReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
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

/// Issue 22, class 2: OpenSSL's purpose check reads the Netscape certificate type when it is
/// there (`crypto/x509/v3_purp.c`, `ns_reject`): a leaf whose nsCertType lacks "SSL Server"
/// (0x40) is no server certificate, one without "SSL Client" (0x80) no client certificate.
#[test]
fn a_netscape_certificate_type_without_the_role_is_refused() {
    let root = root();
    let ns = |bits: u8| {
        let mut p = leaf_params(vec![KeyUsagePurpose::DigitalSignature]);
        p.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        p.custom_extensions = vec![rcgen::CustomExtension::from_oid_content(
            &[2, 16, 840, 1, 113730, 1, 1],
            vec![0x03, 0x02, bits.trailing_zeros() as u8, bits],
        )];
        make(p, Some(&root))
    };
    let client_opts = || VerifyOptions {
        name: None,
        usage: Some(Usage::Client),
        ..opts()
    };
    const CASES: &[(u8, Usage, Option<&str>)] = &[
        (0x80, Usage::Server, Some("eku-server-auth-missing")),
        (0x40, Usage::Client, Some("eku-client-auth-missing")),
        (0x20, Usage::Server, Some("eku-server-auth-missing")),
        (0x40, Usage::Server, None),
        (0xc0, Usage::Client, None),
    ];
    for (bits, usage, refused_with) in CASES {
        let leaf = ns(*bits);
        let o = match usage {
            Usage::Server => opts(),
            Usage::Client => client_opts(),
        };
        let r = verify(&leaf.pem, "", &root.pem, o);
        match refused_with {
            Some(code) => assert!(
                !r.valid && codes(&r).contains(code),
                "nsCertType 0x{bits:02x} as {usage:?}: {:?}",
                r.findings
            ),
            None => assert!(
                r.valid,
                "nsCertType 0x{bits:02x} as {usage:?}: {:?}",
                r.findings
            ),
        }
    }
}

/// Issue 22, class 3: a CA's name constraints hold the subject too, as OpenSSL applies them
/// (`NAME_CONSTRAINTS_check`, `NAME_CONSTRAINTS_check_CN`): an emailAddress that is not an
/// IA5String, and a CN read as a host name when there is no DNS SAN, in a BMPString or with an
/// underscore (OpenSSL's host-name rule), outside the permitted names.
#[test]
fn name_constraints_hold_the_subject_email_and_common_name() {
    use rcgen::string::BmpString;
    use rcgen::{DnValue, GeneralSubtree};
    let mut ca = ca_params("Constrained CA", None, ca_usages());
    ca.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName("example.com".to_owned())],
        excluded_subtrees: vec![],
    });
    let root = make(ca, None);
    let client = VerifyOptions {
        name: None,
        usage: Some(Usage::Client),
        ..opts()
    };
    let leaf_with = |cn: DnValue, sans: Vec<String>, email: Option<DnValue>| {
        let mut p = leaf_params(vec![KeyUsagePurpose::DigitalSignature]);
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        p.subject_alt_names = sans
            .iter()
            .map(|s| rcgen::SanType::DnsName(s.as_str().try_into().expect("IA5")))
            .collect();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn);
        if let Some(e) = email {
            dn.push(DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]), e);
        }
        p.distinguished_name = dn;
        make(p, Some(&root))
    };
    let bmp = |s: &str| DnValue::BmpString(BmpString::try_from(s).expect("BMP"));
    let cases: Vec<(&str, Issued, bool)> = vec![
        (
            "BMPString CN outside the constraints, no SAN",
            leaf_with(bmp("gw.example.org"), vec![], None),
            false,
        ),
        (
            "CN with an underscore outside the constraints, no SAN",
            leaf_with("my_gw.example.org".into(), vec![], None),
            false,
        ),
        (
            "UTF8String emailAddress under name constraints",
            leaf_with(
                "gw.example.com".into(),
                vec!["gw.example.com".into()],
                Some(DnValue::Utf8String("ops@example.com".into())),
            ),
            false,
        ),
        (
            "BMPString CN inside the constraints, no SAN",
            leaf_with(bmp("gw.example.com"), vec![], None),
            true,
        ),
        (
            "BMPString CN outside the constraints, with a DNS SAN",
            leaf_with(bmp("gw.example.org"), vec!["gw.example.com".into()], None),
            true,
        ),
    ];
    for (what, leaf, valid) in cases {
        let r = verify(&leaf.pem, "", &root.pem, client.clone());
        assert_eq!(r.valid, valid, "{what}: {:?}", r.findings);
        if !valid {
            assert!(
                codes(&r).contains(&"chain-untrusted"),
                "{what}: {:?}",
                r.findings
            );
        }
    }
}
