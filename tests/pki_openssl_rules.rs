//! OpenSSL's rules on a chain that webpki's path building accepts, as issue 22 (classes 2 and
//! 3) found them missing: the purpose check through the Netscape certificate type
//! (`crypto/x509/v3_purp.c`), and a CA's name constraints on the subject
//! (`crypto/x509/v3_ncons.c`). `tests/openssl_diff.rs` holds the same shapes against `openssl
//! verify`; these run without it.

// Native only: the certificates come from rcgen (ring).
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::pki::verify::{Usage, VerifyOptions, VerifyReport};
use pki_fixtures::*;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyUsagePurpose, NameConstraints,
};

fn verify(leaf: &str, roots: &str, opts: VerifyOptions) -> VerifyReport {
    verify_leaf(leaf, None, roots, &opts)
}

fn params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = rcgen::date_time_ymd(2024, 1, 1);
    p.not_after = rcgen::date_time_ymd(2040, 1, 1);
    p.use_authority_key_identifier_extension = true;
    p
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = params(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

fn leaf_params() -> CertificateParams {
    let mut p = params("gw.example.com");
    p.subject_alt_names = vec![rcgen::SanType::DnsName(
        "gw.example.com".try_into().expect("IA5"),
    )];
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p
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

/// Issue 22, class 2: OpenSSL's purpose check reads the Netscape certificate type when it is
/// there (`crypto/x509/v3_purp.c`, `ns_reject`): a leaf whose nsCertType lacks "SSL Server"
/// (0x40) is no server certificate, one without "SSL Client" (0x80) no client certificate.
#[test]
fn a_netscape_certificate_type_without_the_role_is_refused() {
    let root = make(ca_params("Policy Root"), None);
    let ns = |bits: u8| {
        let mut p = leaf_params();
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
        let r = verify(&leaf.pem, &root.pem, o);
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
    let mut ca = ca_params("Constrained CA");
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
        let mut p = leaf_params();
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
        let r = verify(&leaf.pem, &root.pem, client.clone());
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
