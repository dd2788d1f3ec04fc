//! Generated cases of issue 22's classes 2 and 3: OpenSSL's purpose check through the Netscape
//! certificate type (`crypto/x509/v3_purp.c`), and a CA's name constraints applied to the
//! subject (`NAME_CONSTRAINTS_check`: emailAddress in any string type;
//! `NAME_CONSTRAINTS_check_CN`: the CN read as a host name when there is no DNS SAN, in
//! UTF8String, BMPString or UniversalString, with OpenSSL's wider host-name rule).

use super::certs::{Bc, Gen, K, Spec, dns, ip};
use super::{Case, usage_label};
use istio_alb::pki::verify::Usage;
use rcgen::string::{BmpString, Ia5String, UniversalString};
use rcgen::{CustomExtension, DnType, DnValue, GeneralSubtree, NameConstraints};

/// nsCertType (2.16.840.1.113730.1.1) with `bits` as the first octet of its bit string (0x80
/// SSL client, 0x40 SSL server, 0x20 S/MIME, 0x04 SSL CA, 0x02 S/MIME CA), DER-minimal.
pub fn ns_cert_type(bits: u8) -> CustomExtension {
    let content = if bits == 0 {
        vec![0x03, 0x01, 0x00]
    } else {
        vec![0x03, 0x02, bits.trailing_zeros() as u8, bits]
    };
    CustomExtension::from_oid_content(&[2, 16, 840, 1, 113730, 1, 1], content)
}

const EMAIL: [u64; 7] = [1, 2, 840, 113549, 1, 9, 1];

fn email_attr() -> DnType {
    DnType::CustomDnType(EMAIL.to_vec())
}

/// Netscape certificate types on the leaf (both roles), on an intermediate, and on a root that
/// is a CA only through it.
pub fn fam_ns(g: &mut Gen) {
    for (label, bits) in [
        ("server", 0x40),
        ("client", 0x80),
        ("server-client", 0xc0),
        ("smime", 0x20),
        ("empty", 0x00),
    ] {
        let root = g.root(Spec::ca("NS Root"), K::P256);
        let int = g.issue(Spec::ca("NS Intermediate"), K::P256, &root);
        let leaf = g.issue(Spec::leaf().ext(ns_cert_type(bits)), K::P256, &int);
        for u in [Usage::Server, Usage::Client] {
            g.push(
                Case::new(
                    format!("gen::nscerttype::leaf-{label}::{}", usage_label(u)),
                    format!("root -> int -> leaf with nsCertType 0x{bits:02x}"),
                    &leaf.pem,
                    &[&int.pem],
                    &[&root.pem],
                )
                .usage(u),
            );
        }
    }
    // On a CA with basicConstraints CA:TRUE OpenSSL reads no nsCertType (`check_ca` returns 1).
    let root = g.root(Spec::ca("NS Root"), K::P256);
    let int = g.issue(
        Spec::ca("NS Intermediate").ext(ns_cert_type(0x02)),
        K::P256,
        &root,
    );
    let leaf = g.issue(Spec::leaf(), K::P256, &int);
    for u in [Usage::Server, Usage::Client] {
        g.push(
            Case::new(
                format!("gen::nscerttype::int-smime-ca::{}", usage_label(u)),
                "root -> int (CA:TRUE, nsCertType S/MIME CA only) -> leaf",
                &leaf.pem,
                &[&int.pem],
                &[&root.pem],
            )
            .usage(u),
        );
    }
    // A root without basicConstraints or key usage is a CA for OpenSSL through an nsCertType
    // naming a CA type (`check_ca` 5), and then `check_ssl_ca` wants "SSL CA".
    for (label, bits) in [("ssl-ca", 0x04), ("smime-ca", 0x02)] {
        let root = g.root(
            Spec::ca("NS Legacy Root")
                .bc(Bc::Absent)
                .ku(vec![])
                .ext(ns_cert_type(bits)),
            K::P256,
        );
        let leaf = g.issue(Spec::leaf(), K::P256, &root);
        for u in [Usage::Server, Usage::Client] {
            g.push(
                Case::new(
                    format!("gen::nscerttype::root-only-{label}::{}", usage_label(u)),
                    format!(
                        "root (no basicConstraints, no keyUsage, nsCertType 0x{bits:02x}) -> leaf"
                    ),
                    &leaf.pem,
                    &[],
                    &[&root.pem],
                )
                .usage(u),
            );
        }
    }
}

/// A CA's name constraints on the subject: emailAddress attributes and the CN without a DNS
/// SAN.
pub fn fam_subject_nc(g: &mut Gen) {
    let dns_permit = |d: &str| NameConstraints {
        permitted_subtrees: vec![GeneralSubtree::DnsName(d.to_owned())],
        excluded_subtrees: vec![],
    };
    let email_permit = |e: &str| NameConstraints {
        permitted_subtrees: vec![
            GeneralSubtree::Rfc822Name(e.to_owned()),
            GeneralSubtree::DnsName("example.com".to_owned()),
        ],
        excluded_subtrees: vec![],
    };
    let email_exclude = |e: &str| NameConstraints {
        permitted_subtrees: vec![],
        excluded_subtrees: vec![GeneralSubtree::Rfc822Name(e.to_owned())],
    };
    let ia5 = |s: &str| DnValue::Ia5String(Ia5String::try_from(s).expect("IA5"));
    let utf8 = |s: &str| DnValue::Utf8String(s.to_owned());
    let bmp = |s: &str| DnValue::BmpString(BmpString::try_from(s).expect("BMP"));
    let universal =
        |s: &str| DnValue::UniversalString(UniversalString::try_from(s).expect("Universal"));

    // emailAddress on the leaf (which has its DNS SAN), under the intermediate's constraints.
    let email_cases: Vec<(&str, NameConstraints, DnValue)> = vec![
        (
            "ia5-permitted",
            email_permit("example.com"),
            ia5("ops@example.com"),
        ),
        (
            "ia5-not-permitted",
            email_permit("example.com"),
            ia5("ops@example.org"),
        ),
        (
            "ia5-excluded",
            email_exclude("example.org"),
            ia5("ops@example.org"),
        ),
        ("ia5-no-at", email_permit("example.com"), ia5("ops")),
        (
            "ia5-dns-only-constraints",
            dns_permit("example.com"),
            ia5("ops@example.org"),
        ),
        (
            "utf8-dns-only-constraints",
            dns_permit("example.com"),
            utf8("ops@example.com"),
        ),
        (
            "utf8-permitted",
            email_permit("example.com"),
            utf8("ops@example.com"),
        ),
        (
            "bmp-dns-only-constraints",
            dns_permit("example.com"),
            bmp("ops@example.com"),
        ),
    ];
    for (label, nc, email) in email_cases {
        let root = g.root(Spec::ca("Subject NC Root"), K::P256);
        let int = g.issue(Spec::ca("Subject NC Intermediate").nc(nc), K::P256, &root);
        let leaf = g.issue(
            Spec::leaf().subject_attr(email_attr(), email),
            K::P256,
            &int,
        );
        for u in [Usage::Server, Usage::Client] {
            g.push(
                Case::new(
                    format!("gen::subjectnc::email-{label}::{}", usage_label(u)),
                    format!(
                        "root -> int (name constraints) -> leaf with subject emailAddress ({label})"
                    ),
                    &leaf.pem,
                    &[&int.pem],
                    &[&root.pem],
                )
                .usage(u),
            );
        }
    }
    // emailAddress on the intermediate, under the root's constraints.
    let root = g.root(
        Spec::ca("Subject NC Root").nc(dns_permit("example.com")),
        K::P256,
    );
    let int = g.issue(
        Spec::ca("Subject NC Intermediate").subject_attr(email_attr(), utf8("pki@example.com")),
        K::P256,
        &root,
    );
    let leaf = g.issue(Spec::leaf(), K::P256, &int);
    g.push(Case::new(
        "gen::subjectnc::email-utf8-on-intermediate".to_owned(),
        "root (DNS name constraints) -> int with a UTF8String emailAddress -> leaf",
        &leaf.pem,
        &[&int.pem],
        &[&root.pem],
    ));

    // The CN of a leaf without a DNS SAN (client role: no name to check), read as a host name.
    let cn_cases: Vec<(&str, NameConstraints, DnValue, Vec<rcgen::SanType>)> = vec![
        (
            "utf8-permitted",
            dns_permit("example.com"),
            utf8("gw.example.com"),
            vec![],
        ),
        (
            "utf8-not-permitted",
            dns_permit("example.com"),
            utf8("gw.example.org"),
            vec![],
        ),
        (
            "underscore-not-permitted",
            dns_permit("example.com"),
            utf8("my_gw.example.org"),
            vec![],
        ),
        (
            "digit-label-not-permitted",
            dns_permit("example.com"),
            utf8("1gw.example.org"),
            vec![],
        ),
        (
            "one-label",
            dns_permit("example.com"),
            utf8("gateway"),
            vec![],
        ),
        (
            "spaces",
            dns_permit("example.com"),
            utf8("Gateway of example.org"),
            vec![],
        ),
        (
            "bmp-permitted",
            dns_permit("example.com"),
            bmp("gw.example.com"),
            vec![],
        ),
        (
            "bmp-not-permitted",
            dns_permit("example.com"),
            bmp("gw.example.org"),
            vec![],
        ),
        (
            "universal-not-permitted",
            dns_permit("example.com"),
            universal("gw.example.org"),
            vec![],
        ),
        (
            "bmp-excluded",
            NameConstraints {
                permitted_subtrees: vec![],
                excluded_subtrees: vec![GeneralSubtree::DnsName("example.org".to_owned())],
            },
            bmp("gw.example.org"),
            vec![],
        ),
        (
            "embedded-nul",
            dns_permit("example.com"),
            utf8("gw.example.com\0.org"),
            vec![],
        ),
        (
            "trailing-nul",
            dns_permit("example.com"),
            utf8("gw.example.com\0"),
            vec![],
        ),
        (
            "ip-san-only-not-permitted",
            dns_permit("example.com"),
            bmp("gw.example.org"),
            vec![ip("10.0.0.1")],
        ),
        (
            "dns-san-present",
            dns_permit("example.com"),
            bmp("gw.example.org"),
            vec![dns("gw.example.com")],
        ),
    ];
    for (label, nc, cn, sans) in cn_cases {
        let root = g.root(Spec::ca("CN NC Root"), K::P256);
        let int = g.issue(Spec::ca("CN NC Intermediate").nc(nc), K::P256, &root);
        let leaf = g.issue(Spec::leaf().cn_value(cn).sans(sans), K::P256, &int);
        g.push(
            Case::new(
                format!("gen::subjectnc::cn-{label}"),
                format!("root -> int (DNS name constraints) -> client leaf, CN ({label})"),
                &leaf.pem,
                &[&int.pem],
                &[&root.pem],
            )
            .usage(Usage::Client),
        );
    }
}
