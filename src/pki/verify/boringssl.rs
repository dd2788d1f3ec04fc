//! BoringSSL's rules that OpenSSL's do not imply, so that a client chain `check` calls valid is
//! one the Istio gateway accepts: Envoy verifies the ALB's client certificate with BoringSSL's
//! `X509_verify_cert` and the `ssl_client` purpose. `tests/openssl_diff.rs` holds every client
//! case against the BoringSSL that the `boring` crate (5.4) vendors.
//!
//! `crypto/x509/x509_vfy.cc`, `check_name_constraints`: where any CA of the chain has name
//! constraints and the leaf has no subjectAltName extension at all, BoringSSL refuses a leaf
//! whose common name looks like a DNS name (`reject_dns_name_in_common_name`,
//! `X509_V_ERR_NAME_CONSTRAINTS_WITHOUT_SANS`), where OpenSSL matches that name against the
//! constraints. "Looks like a DNS name" is `x509v3_looks_like_dns_name` (`v3_utl.cc`): after an
//! optional trailing dot and `*.` prefix, non-empty labels of letters, digits, `_`, `:` and
//! inner `-` (one label is enough).

use super::Verifier;
use crate::finding::{Code, Finding};
use crate::pki::cert::Cert;
use crate::pki::x509::Ext;
use asn1_rs::oid;

/// `x509v3_looks_like_dns_name` on the UTF-8 bytes of a common name.
fn looks_like_dns_name(name: &[u8]) -> bool {
    let mut s = name.strip_suffix(b".").unwrap_or(name);
    if let Some(rest) = s.strip_prefix(b"*.") {
        s = rest;
    }
    if s.is_empty() {
        return false;
    }
    let mut label_start = 0;
    for (i, &c) in s.iter().enumerate() {
        if c.is_ascii_alphanumeric() || (c == b'-' && i > label_start) || c == b'_' || c == b':' {
            continue;
        }
        if c == b'.' && i > label_start && i + 1 < s.len() {
            label_start = i + 1;
            continue;
        }
        return false;
    }
    true
}

/// The leaf's common names as UTF-8 (`ASN1_STRING_to_UTF8`); `None` for one that does not
/// convert (BoringSSL then fails the verification).
fn common_names(c: &Cert) -> Vec<Option<Vec<u8>>> {
    c.parsed
        .subject
        .attributes
        .iter()
        .filter(|a| a.oid == oid!(2.5.4.3))
        .map(|a| super::constraints::utf8_of(a.tag, &a.data).map(String::into_bytes))
        .collect()
}

/// BoringSSL's refusals of a client chain webpki and OpenSSL's rules accepted (`chain`: leaf
/// first, anchor last).
pub(super) fn findings(chain: &[Cert]) -> Vec<Finding> {
    let Some((leaf, above)) = chain.split_first() else {
        return Vec::new();
    };
    if above.iter().all(|c| c.der == leaf.der) {
        return Vec::new();
    }
    let constrained = above.iter().any(|ca| {
        ca.parsed
            .extensions
            .iter()
            .any(|e| matches!(e.parsed, Ext::NameConstraints { .. }))
    });
    let has_san = leaf
        .parsed
        .extensions
        .iter()
        .any(|e| e.oid == oid!(2.5.29.17));
    if !constrained || has_san {
        return Vec::new();
    }
    let refused = common_names(leaf)
        .iter()
        .any(|cn| cn.as_deref().is_none_or(looks_like_dns_name));
    if !refused {
        return Vec::new();
    }
    vec![Finding::error(
        Code::ChainUntrusted,
        format!(
            "The certificate {} has no subjectAltName and a common name that reads as a host \
             name, under a CA with name constraints: {} refuses such a client certificate \
             (\"Issuer has name constraints but leaf has no SANs\"). Reissue it with a \
             subjectAltName, or with a common name that is not a host name",
            leaf.label(),
            Verifier::BoringSsl.name()
        ),
        Some(leaf.input.clone()),
    )]
}

#[cfg(test)]
mod tests {
    use super::looks_like_dns_name;

    #[test]
    fn dns_like_common_names_as_boringssl_sees_them() {
        const CASES: &[(&str, bool)] = &[
            ("gateway", true),
            ("gw.example.com", true),
            ("gw.example.com.", true),
            ("*.example.com", true),
            ("my_gw:8443", true),
            ("-gw.example.com", false),
            ("gw..example.com", false),
            ("Gateway of example.org", false),
            ("", false),
            ("gw.example.com\0.org", false),
        ];
        for (cn, want) in CASES {
            assert_eq!(looks_like_dns_name(cn.as_bytes()), *want, "{cn:?}");
        }
    }
}
