//! A CA's name constraints on the *subject* of the certificates below it, as OpenSSL applies
//! them and webpki does not (webpki checks the subjectAltNames and the subject as a directory
//! name only). OpenSSL 3.0, `crypto/x509/x509_vfy.c` `check_name_constraints` and
//! `crypto/x509/v3_ncons.c` `NAME_CONSTRAINTS_check`, `NAME_CONSTRAINTS_check_CN`, `cn2dnsid`,
//! `nc_match`, `nc_dns`, `nc_email`:
//!
//! - every certificate below a CA with name constraints (the trust anchor's included; a
//!   self-issued intermediate skipped) has each subject `emailAddress` matched as an rfc822Name:
//!   one that is not an IA5String fails at once ("unsupported name syntax", error 53), whatever
//!   the constraints hold; one without `@` fails the same way when an rfc822Name subtree exists;
//! - the leaf, when it has no DNS subjectAltName, has each subject CN that reads as a host name
//!   (after conversion to UTF-8 from any string type, BMPString and UniversalString included)
//!   matched as a dNSName (error 47 when not permitted, 48 when excluded).

use crate::finding::{Code, Finding};
use crate::pki::cert::Cert;
use crate::pki::x509::{Ext, GeneralName};
use asn1_rs::oid;
use oid_registry::Oid;

/// ASN.1 universal tags of the string types a name attribute may have.
const TAG_UTF8: u32 = 12;
const TAG_NUMERIC: u32 = 18;
const TAG_IA5: u32 = 22;
const TAG_GENERAL: u32 = 27;
const TAG_UNIVERSAL: u32 = 28;
const TAG_BMP: u32 = 30;

/// One attribute value of a subject: its string tag and its content octets.
#[derive(Debug, Clone)]
struct Value {
    tag: u32,
    bytes: Vec<u8>,
}

/// The dNSName and rfc822Name subtrees of one CA's name constraints.
#[derive(Debug, Clone, Default)]
struct Subtrees {
    permitted_dns: Vec<String>,
    excluded_dns: Vec<String>,
    permitted_email: Vec<String>,
    excluded_email: Vec<String>,
}

/// What the rules need of one certificate.
struct Subject {
    emails: Vec<Value>,
    common_names: Vec<Value>,
    has_dns_san: bool,
    self_issued: bool,
    /// `Some` when the certificate has a name constraints extension.
    constraints: Option<Subtrees>,
}

fn subject_of(c: &Cert) -> Subject {
    let p = &c.parsed;
    let values = |wanted: &Oid<'_>| -> Vec<Value> {
        p.subject
            .attributes
            .iter()
            .filter(|a| a.oid == *wanted)
            .map(|a| Value {
                tag: a.tag,
                bytes: a.data.clone(),
            })
            .collect()
    };
    let mut s = Subject {
        emails: values(&oid!(1.2.840.113549.1.9.1)),
        common_names: values(&oid!(2.5.4.3)),
        has_dns_san: false,
        self_issued: p.self_issued(),
        constraints: None,
    };
    for ext in &p.extensions {
        match &ext.parsed {
            Ext::SubjectAltName(names) => {
                s.has_dns_san |= names.iter().any(|n| matches!(n, GeneralName::Dns(_)));
            }
            Ext::NameConstraints {
                permitted,
                excluded,
            } => {
                let pick = |subtrees: &[GeneralName], email: bool| {
                    subtrees
                        .iter()
                        .filter_map(|t| match (t, email) {
                            (GeneralName::Dns(d), false) => Some(d.clone()),
                            (GeneralName::Rfc822(e), true) => Some(e.clone()),
                            _ => None,
                        })
                        .collect::<Vec<String>>()
                };
                s.constraints = Some(Subtrees {
                    permitted_dns: pick(permitted, false),
                    excluded_dns: pick(excluded, false),
                    permitted_email: pick(permitted, true),
                    excluded_email: pick(excluded, true),
                });
            }
            _ => {}
        }
    }
    s
}

/// Why OpenSSL refuses a name (its `X509_V_ERR_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Violation {
    /// 47: a subtree of the name's type exists and none permits it.
    NotPermitted,
    /// 48: an excluded subtree matches it.
    Excluded,
    /// 53: the name cannot be compared (wrong string type, no `@`, an embedded NUL).
    UnsupportedSyntax,
}

impl Violation {
    fn words(self) -> &'static str {
        match self {
            Violation::NotPermitted => "is not among the names it permits",
            Violation::Excluded => "is among the names it excludes",
            Violation::UnsupportedSyntax => {
                "cannot be compared with them (OpenSSL: \"unsupported name syntax\")"
            }
        }
    }
}

/// `nc_match` for one name of one type: permitted subtrees of that type, if any, must hold one
/// that matches; no excluded one may match. `single` is `nc_dns` or `nc_email`.
fn nc_match(
    name: &str,
    permitted: &[String],
    excluded: &[String],
    single: fn(&str, &str) -> Result<bool, Violation>,
) -> Result<(), Violation> {
    if !permitted.is_empty() {
        let mut matched = false;
        for base in permitted {
            if single(name, base)? {
                matched = true;
                break;
            }
        }
        if !matched {
            return Err(Violation::NotPermitted);
        }
    }
    for base in excluded {
        if single(name, base)? {
            return Err(Violation::Excluded);
        }
    }
    Ok(())
}

/// OpenSSL's `nc_dns`: an empty base matches all; otherwise the name equals the base, or ends
/// with it after a dot (a base starting with `.` matches subdomains only). ASCII
/// case-insensitive.
fn nc_dns(name: &str, base: &str) -> Result<bool, Violation> {
    if base.is_empty() {
        return Ok(true);
    }
    let (name, base) = (name.as_bytes(), base.as_bytes());
    if name.len() < base.len() {
        return Ok(false);
    }
    let (head, tail) = name.split_at(name.len() - base.len());
    if !head.is_empty() && base[0] != b'.' && head.last() != Some(&b'.') {
        return Ok(false);
    }
    Ok(tail.eq_ignore_ascii_case(base))
}

/// OpenSSL's `nc_email`: a base `.domain` matches any address whose host ends with it; a base
/// `local@host` needs the same local part (case-sensitive) and host; a base `host` needs the
/// same host (case-insensitive). An address without `@` cannot be compared.
fn nc_email(email: &str, base: &str) -> Result<bool, Violation> {
    let Some(at) = email.rfind('@') else {
        return Err(Violation::UnsupportedSyntax);
    };
    let base_at = base.rfind('@');
    if base_at.is_none() && base.starts_with('.') {
        return Ok(email.len() > base.len()
            && email.as_bytes()[email.len() - base.len()..].eq_ignore_ascii_case(base.as_bytes()));
    }
    let mut base_host = base;
    if let Some(bat) = base_at {
        if bat != 0 {
            let (base_local, local) = (&base[..bat], &email[..at]);
            if base_local.len() != local.len() {
                return Ok(false);
            }
            if base_local.contains('\0') || local.contains('\0') {
                return Err(Violation::UnsupportedSyntax);
            }
            if base_local != local {
                return Ok(false);
            }
        }
        base_host = &base[bat + 1..];
    }
    Ok(base_host.eq_ignore_ascii_case(&email[at + 1..]))
}

/// `ASN1_STRING_to_UTF8` for the string types of a name: UTF8String as it is (it must be valid),
/// BMPString as UCS-2 and UniversalString as UCS-4 (big-endian; surrogates and values past
/// U+10FFFF fail, as in `UTF8_putc`), the one-byte types (PrintableString, T61String, IA5String
/// ...) as Latin-1, byte by byte. `None` where OpenSSL's conversion fails (which
/// fails the verification).
pub(super) fn utf8_of(tag: u32, bytes: &[u8]) -> Option<String> {
    let chars = |width: usize| -> Option<String> {
        if !bytes.len().is_multiple_of(width) {
            return None;
        }
        bytes
            .chunks(width)
            .map(|c| {
                let n = c.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                char::from_u32(n)
            })
            .collect()
    };
    match tag {
        TAG_UTF8 => String::from_utf8(bytes.to_vec()).ok(),
        TAG_BMP => chars(2),
        TAG_UNIVERSAL => chars(4),
        // NumericString .. GeneralString (18..=27): one byte per character.
        TAG_NUMERIC..=TAG_GENERAL => Some(bytes.iter().map(|b| char::from(*b)).collect()),
        // OpenSSL's `tag2nbyte` has no conversion for any other type.
        _ => None,
    }
}

/// OpenSSL's `cn2dnsid`: the CN as a DNS name when it reads as one, `Ok(None)` when it does not.
/// Trailing NULs are dropped, an embedded one cannot be compared. A host name here is letters,
/// digits and `_`, with `-` and `.` inside only, at least one `.`, no `.` next to another `.` or
/// a `-` (wider than RFC 1123: `_` and labels starting with a digit count).
fn cn2dnsid(cn: &Value) -> Result<Option<String>, Violation> {
    let Some(text) = utf8_of(cn.tag, &cn.bytes) else {
        return Err(Violation::UnsupportedSyntax);
    };
    let text = text.trim_end_matches('\0');
    if text.contains('\0') {
        return Err(Violation::UnsupportedSyntax);
    }
    let b = text.as_bytes();
    let mut is_dns = false;
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_alphanumeric() || c == b'_' {
            continue;
        }
        if i > 0 && i + 1 < b.len() {
            if c == b'-' {
                continue;
            }
            if c == b'.' && b[i + 1] != b'.' && b[i - 1] != b'-' && b[i + 1] != b'-' {
                is_dns = true;
                continue;
            }
        }
        is_dns = false;
        break;
    }
    Ok(is_dns.then(|| text.to_owned()))
}

/// Every subject name in `chain` (leaf first, anchor last) against the name constraints of the
/// CAs above it.
pub(super) fn findings(chain: &[Cert]) -> Vec<Finding> {
    let subjects: Vec<Subject> = chain.iter().map(subject_of).collect();
    let mut out = Vec::new();
    for (i, (cert, s)) in chain.iter().zip(&subjects).enumerate() {
        if i != 0 && s.self_issued {
            continue;
        }
        for (j, ca) in subjects.iter().enumerate().skip(i + 1) {
            let Some(nc) = ca.constraints.as_ref() else {
                continue;
            };
            let ca_cert = &chain[j];
            if let Some((what, v)) = subject_violation(s, nc, i == 0) {
                out.push(Finding::error(
                    Code::ChainUntrusted,
                    format!(
                        "The certificate {} has a subject {what} that the name constraints of \
                         {} apply to, and it {}. OpenSSL (the ALB's NGINX) checks a CA's name \
                         constraints against the subject's emailAddress and, when there is no \
                         DNS subjectAltName, the common name. Reissue it with the names in \
                         subjectAltName only (a permitted DNS name) and without emailAddress",
                        cert.label(),
                        ca_cert.label(),
                        v.words()
                    ),
                    Some(cert.input.clone()),
                ));
            }
        }
    }
    out
}

/// The first subject name of `s` that `nc` refuses, described.
fn subject_violation(s: &Subject, nc: &Subtrees, is_leaf: bool) -> Option<(String, Violation)> {
    for e in &s.emails {
        if e.tag != TAG_IA5 {
            return Some((
                "emailAddress that is not an IA5String".to_owned(),
                Violation::UnsupportedSyntax,
            ));
        }
        let text: String = e.bytes.iter().map(|b| char::from(*b)).collect();
        if let Err(v) = nc_match(&text, &nc.permitted_email, &nc.excluded_email, nc_email) {
            return Some((
                format!("emailAddress \"{}\"", crate::text::excerpt(&text, 64)),
                v,
            ));
        }
    }
    if !is_leaf || s.has_dns_san {
        return None;
    }
    for cn in &s.common_names {
        match cn2dnsid(cn) {
            Err(v) => return Some(("common name".to_owned(), v)),
            Ok(None) => {}
            Ok(Some(host)) => {
                if let Err(v) = nc_match(&host, &nc.permitted_dns, &nc.excluded_dns, nc_dns) {
                    return Some((
                        format!(
                            "common name \"{}\", read as a host name",
                            crate::text::excerpt(&host, 64)
                        ),
                        v,
                    ));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_constraints_as_openssl_matches_them() {
        const CASES: &[(&str, &str, bool)] = &[
            ("a.example.com", "example.com", true),
            ("example.com", "example.com", true),
            ("aexample.com", "example.com", false),
            ("a.example.com", ".example.com", true),
            ("example.com", ".example.com", false),
            ("A.EXAMPLE.com", "example.COM", true),
            ("x.org", "", true),
        ];
        for (name, base, want) in CASES {
            assert_eq!(nc_dns(name, base), Ok(*want), "{name} / {base}");
        }
    }

    #[test]
    fn email_constraints_as_openssl_matches_them() {
        const CASES: &[(&str, &str, Result<bool, Violation>)] = &[
            ("ops@example.com", "example.com", Ok(true)),
            ("ops@EXAMPLE.com", "example.com", Ok(true)),
            ("ops@mail.example.com", "example.com", Ok(false)),
            ("ops@mail.example.com", ".example.com", Ok(true)),
            ("ops@example.com", ".example.com", Ok(false)),
            ("ops@example.com", "ops@example.com", Ok(true)),
            ("Ops@example.com", "ops@example.com", Ok(false)),
            ("ops@example.org", "example.com", Ok(false)),
            (
                "no-at-sign",
                "example.com",
                Err(Violation::UnsupportedSyntax),
            ),
        ];
        for (email, base, want) in CASES {
            assert_eq!(nc_email(email, base), *want, "{email} / {base}");
        }
    }

    #[test]
    fn common_names_read_as_host_names_as_openssl_reads_them() {
        let ascii = |s: &str| Value {
            tag: TAG_UTF8,
            bytes: s.as_bytes().to_vec(),
        };
        let bmp = |s: &str| Value {
            tag: TAG_BMP,
            bytes: s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        };
        let universal = |s: &str| Value {
            tag: TAG_UNIVERSAL,
            bytes: s.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect(),
        };
        let cases: Vec<(Value, Result<Option<&str>, Violation>)> = vec![
            (ascii("gw.example.org"), Ok(Some("gw.example.org"))),
            (ascii("gateway"), Ok(None)),
            (ascii("DEMO ONLY gateway"), Ok(None)),
            (ascii("-a.example.org"), Ok(None)),
            (ascii("a..b"), Ok(None)),
            (ascii("a-.b"), Ok(None)),
            (
                ascii("my_host.example.org"),
                Ok(Some("my_host.example.org")),
            ),
            (ascii("1.example.org"), Ok(Some("1.example.org"))),
            (ascii("gw.example.org\0"), Ok(Some("gw.example.org"))),
            (
                ascii("gw.example.org\0.evil"),
                Err(Violation::UnsupportedSyntax),
            ),
            (bmp("gw.example.org"), Ok(Some("gw.example.org"))),
            (universal("gw.example.org"), Ok(Some("gw.example.org"))),
            (
                Value {
                    tag: TAG_BMP,
                    bytes: vec![0, 0x67, 0],
                },
                Err(Violation::UnsupportedSyntax),
            ),
        ];
        for (v, want) in cases {
            assert_eq!(
                cn2dnsid(&v).as_ref().map(|o| o.as_deref()),
                want.as_ref().map(|o| *o),
                "{v:?}"
            );
        }
    }
}
