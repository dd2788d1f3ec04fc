//! Host names and IP addresses against a certificate's subjectAltName, per RFC 6125 §6.4:
//! a wildcard is the whole leftmost label and covers exactly one label; IP addresses match only
//! IP SANs; the subject CN is never used (RFC 6125 §6.4.4 for clients that see SANs, and every
//! current TLS stack). The decision is rustls-webpki's; this module reads what a person typed
//! (case, `[v6]` brackets) the way the ALB's OpenSSL takes it (no trailing dot, no Unicode
//! form: both are refused with the form that works) and explains a miss.

use super::cert::Cert;
use rustls_pki_types::{CertificateDer, ServerName};
use std::fmt;
use std::net::IpAddr;

/// A name as typed, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostName {
    /// ASCII (A-label) DNS name, lowercase, without trailing dot.
    Dns(String),
    /// A wildcard host like an Istio Gateway's `*.apps.example.com`: the certificate must carry
    /// the same wildcard (or the host is not covered for every name it stands for).
    Wildcard(String),
    Ip(IpAddr),
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostName::Dns(s) | HostName::Wildcard(s) => f.write_str(s),
            HostName::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// Why a typed name is not a host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    Empty,
    Invalid { name: String, reason: String },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => f.write_str("the host name is empty"),
            NameError::Invalid { name, reason } => {
                write!(
                    f,
                    "\"{name}\" is not a valid host name or IP address ({reason})"
                )
            }
        }
    }
}

impl std::error::Error for NameError {}

/// Normalise a typed host name or IP address.
pub fn parse_host(typed: &str) -> Result<HostName, NameError> {
    let t = typed.trim();
    if t.is_empty() {
        return Err(NameError::Empty);
    }
    let unbracketed = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    if let Ok(ip) = unbracketed.parse::<IpAddr>() {
        return Ok(HostName::Ip(ip));
    }
    let invalid = |reason: &str| NameError::Invalid {
        name: crate::text::excerpt(typed.trim(), 64),
        reason: reason.to_owned(),
    };
    let (wild, rest) = match t.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    // The ALB's OpenSSL compares the name it is given byte for byte (`X509_check_host`): a
    // trailing dot is not ignored and a Unicode name never matches its xn-- form. So such names
    // are refused with the form that works, rather than normalised into a match the ALB would
    // not make.
    if rest.ends_with('.') {
        return Err(invalid(
            "a trailing dot is not ignored by OpenSSL, so the ALB would not match it: write the \
             name without it",
        ));
    }
    if !rest.is_ascii() {
        return Err(invalid(
            "OpenSSL compares names byte for byte, so the ALB would not match this Unicode form: \
             write the name as its A-label (xn--...)",
        ));
    }
    let ascii = rest.to_ascii_lowercase();
    if ascii.is_empty() {
        return Err(invalid("no labels"));
    }
    if rustls_pki_types::DnsName::try_from(ascii.as_str()).is_err() || ascii.contains('*') {
        return Err(invalid("labels may hold letters, digits and hyphens"));
    }
    if wild {
        if !ascii.contains('.') {
            return Err(invalid("a wildcard must stand above at least two labels"));
        }
        Ok(HostName::Wildcard(format!("*.{ascii}")))
    } else {
        Ok(HostName::Dns(ascii))
    }
}

/// RFC 6125 §6.4.3 match of one DNS SAN `pattern` against an ASCII `host`: exact
/// (case-insensitive), or `*.rest` matching exactly one non-empty leftmost label. Partial-label
/// wildcards (`f*.example.com`) match nothing, as in webpki and the CA/B Forum rules.
pub fn dns_pattern_matches(pattern: &str, host: &str) -> bool {
    let p = pattern.trim_end_matches('.').to_ascii_lowercase();
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if p.is_empty() || h.is_empty() {
        return false;
    }
    if let Some(rest) = p.strip_prefix("*.") {
        if rest.contains('*') || !rest.contains('.') {
            return false;
        }
        return match h.split_once('.') {
            Some((first, hrest)) => !first.is_empty() && first != "*" && hrest == rest,
            None => false,
        };
    }
    !p.contains('*') && p == h
}

/// Does the certificate cover `host`? `Err` explains the miss in plain words.
pub fn check_host(cert: &Cert, host: &HostName) -> Result<(), String> {
    let covered = match host {
        HostName::Wildcard(w) => cert
            .summary
            .dns_sans
            .iter()
            .any(|s| s.eq_ignore_ascii_case(w)),
        HostName::Dns(_) | HostName::Ip(_) => {
            let der = CertificateDer::from(cert.der.as_slice());
            // pki-types parses IP literals itself (its From<std::net::IpAddr> needs `std`).
            let text = host.to_string();
            let server_name = match ServerName::try_from(text.as_str()) {
                Ok(n) => n,
                Err(_) => return Err(format!("\"{text}\" is not a valid DNS name")),
            };
            match webpki::EndEntityCert::try_from(&der) {
                Ok(ee) => ee.verify_is_valid_for_subject_name(&server_name).is_ok(),
                Err(e) => {
                    return Err(format!(
                        "the certificate cannot be read for name checks ({e})"
                    ));
                }
            }
        }
    };
    if covered {
        return Ok(());
    }
    Err(explain_miss(cert, host))
}

/// The names a certificate covers, for a message: `only a.example.com, b.example.com`, or
/// `no subjectAltName at all`.
fn listed_names(cert: &Cert) -> String {
    let s = &cert.summary;
    let mut names: Vec<String> = s.dns_sans.clone();
    names.extend(s.ip_sans.iter().cloned());
    const LISTED: usize = 5;
    match names.len() {
        0 => "no subjectAltName at all".to_owned(),
        n if n <= LISTED => format!("only {}", names.join(", ")),
        n => format!(
            "only {} and {} more",
            names[..LISTED].join(", "),
            n - LISTED
        ),
    }
}

/// The sentences that explain a miss beyond the names: a name found only in the CN, an IP
/// against DNS names, a wildcard host. Each starts with a space; empty when none applies.
fn miss_hints(cert: &Cert, host: &HostName) -> (&'static str, &'static str) {
    let s = &cert.summary;
    let cn_hint = if s.dns_sans.is_empty()
        && s.subject
            .to_ascii_lowercase()
            .contains(&format!("cn={}", host.to_string().to_ascii_lowercase()))
    {
        " The name is only in the subject's Common Name, which TLS clients ignore (RFC 6125); \
         reissue the certificate with the name as a DNS subjectAltName."
    } else {
        ""
    };
    let kind_hint = match host {
        HostName::Ip(_) if !s.ip_sans.is_empty() || !s.dns_sans.is_empty() => {
            " An IP address matches only IP subjectAltNames."
        }
        HostName::Wildcard(_) => " A wildcard host needs the same wildcard in the certificate.",
        HostName::Ip(_) | HostName::Dns(_) => "",
    };
    (cn_hint, kind_hint)
}

fn explain_miss(cert: &Cert, host: &HostName) -> String {
    let listed = listed_names(cert);
    let (cn_hint, kind_hint) = miss_hints(cert, host);
    let advice = if cn_hint.is_empty() {
        format!(" Reissue it with \"{host}\" as a subjectAltName, or correct the host name.")
    } else {
        String::new()
    };
    format!(
        "The certificate {} does not cover \"{host}\": it names {listed}.{cn_hint}{kind_hint}{advice}",
        cert.label()
    )
}

/// Why a host typed into a settings field is not covered by the certificate, and the fix to
/// offer ([`miss_for_field`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMiss {
    /// The message for that field: short, naming what differs when it looks like a typo.
    pub message: String,
    /// The name the certificate covers nearest to the one typed, when it is near enough to be
    /// a typo ([`nearest_name`]): the one-click fix.
    pub suggestion: Option<String>,
}

/// Why a host typed into a settings field (`field`, by its label) is not covered by `cert`.
/// A typo (a name the certificate covers is a few edits away) is named by the part that
/// differs, with that name as the fix; otherwise the message lists the names the certificate
/// covers. `None` when it is covered.
pub fn miss_for_field(cert: &Cert, field: &str, host: &HostName) -> Option<FieldMiss> {
    check_host(cert, host).err()?;
    let (cn_hint, kind_hint) = miss_hints(cert, host);
    if let HostName::Dns(typed) = host
        && let Some(near) = nearest_name(cert, typed)
    {
        let (yours, theirs) = marked_difference(typed, &near);
        return Some(FieldMiss {
            message: format!(
                "{field} is not a name of the certificate: \"{yours}\" where it has \
                 \"{theirs}\". Use its name {near}, or have the certificate reissued for the \
                 name typed."
            ),
            suggestion: Some(near),
        });
    }
    let listed = listed_names(cert);
    Some(FieldMiss {
        message: format!(
            "{field} \"{host}\" is not a name of the certificate {}, which covers {listed}. \
             Correct the name, or have the certificate reissued for it.{cn_hint}{kind_hint}",
            cert.label()
        ),
        suggestion: None,
    })
}

/// Names compared at most, so that a certificate with thousands of names stays cheap to check.
const MAX_NAMES_COMPARED: usize = 100;

/// The name the certificate covers that is nearest to `typed` (an A-label), when it is close
/// enough to be a typo: at most a tenth of its length in single-character edits (at least 2,
/// at most 5). A wildcard name stands for `typed`'s first label.
pub fn nearest_name(cert: &Cert, typed: &str) -> Option<String> {
    cert.summary
        .dns_sans
        .iter()
        .take(MAX_NAMES_COMPARED)
        .filter_map(|san| {
            let san = san.to_ascii_lowercase();
            match san.strip_prefix("*.") {
                Some(rest) => {
                    let (first, _) = typed.split_once('.')?;
                    Some(format!("{first}.{rest}"))
                }
                None if san.contains('*') => None,
                None => Some(san),
            }
        })
        .filter(|name| name.len() <= 253)
        .map(|name| (edit_distance(typed, &name), name))
        .filter(|(d, name)| *d > 0 && *d <= (name.len() / 10).clamp(2, 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The two names with the part that differs in brackets and the common context around it cut
/// to a few characters: `…appdom[ia]n.cloud` and `…appdom[ai]n.cloud`.
pub fn marked_difference(typed: &str, near: &str) -> (String, String) {
    const CONTEXT: usize = 8;
    let a: Vec<char> = typed.chars().collect();
    let b: Vec<char> = near.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let mark = |name: &[char]| {
        let start = prefix.saturating_sub(CONTEXT);
        let end = (name.len() - suffix + CONTEXT).min(name.len());
        let text = |r: std::ops::Range<usize>| name[r].iter().collect::<String>();
        format!(
            "{}{}[{}]{}{}",
            if start > 0 { "…" } else { "" },
            text(start..prefix),
            text(prefix..name.len() - suffix),
            text(name.len() - suffix..end),
            if end < name.len() { "…" } else { "" }
        )
    };
    (mark(&a), mark(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6125_pattern_matching() {
        const CASES: &[(&str, &str, bool)] = &[
            ("example.com", "example.com", true),
            ("Example.COM", "example.com", true),
            ("example.com.", "example.com", true),
            ("*.example.com", "a.example.com", true),
            ("*.example.com", "A.Example.com", true),
            ("*.example.com", "example.com", false),
            ("*.example.com", "a.b.example.com", false),
            ("*.example.com", ".example.com", false),
            ("*.com", "example.com", false),
            ("a.*.example.com", "a.b.example.com", false),
            ("f*.example.com", "foo.example.com", false),
            ("*oo.example.com", "foo.example.com", false),
            ("**.example.com", "a.example.com", false),
            ("*", "example", false),
            ("", "", false),
            ("example.com", "www.example.com", false),
            ("www.example.com", "example.com", false),
            ("xn--bcher-kva.example", "xn--bcher-kva.example", true),
            ("*.xn--bcher-kva.example", "a.xn--bcher-kva.example", true),
        ];
        for (pattern, host, want) in CASES {
            assert_eq!(
                dns_pattern_matches(pattern, host),
                *want,
                "{pattern} vs {host}"
            );
        }
    }

    #[test]
    fn the_part_that_differs_is_marked() {
        const CASES: &[(&str, &str, &str, &str)] = &[
            (
                "prod-eu-abc-0001.eu-de.containers.appdomian.cloud",
                "prod-eu-abc-0001.eu-de.containers.appdomain.cloud",
                "…s.appdom[ia]n.cloud",
                "…s.appdom[ai]n.cloud",
            ),
            (
                "gw.exmple.com",
                "gw.example.com",
                "gw.ex[]mple.com",
                "gw.ex[a]mple.com",
            ),
            (
                "a.example.co",
                "a.example.com",
                "…ample.co[]",
                "…ample.co[m]",
            ),
        ];
        for (typed, near, want_typed, want_near) in CASES {
            assert_eq!(
                marked_difference(typed, near),
                ((*want_typed).to_owned(), (*want_near).to_owned()),
                "{typed} / {near}"
            );
        }
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn typed_names_are_normalised() {
        let ip = |s: &str| HostName::Ip(s.parse().expect("ip"));
        let dns = |s: &str| HostName::Dns(s.to_owned());
        let cases: &[(&str, Option<HostName>)] = &[
            ("gw.example.com", Some(dns("gw.example.com"))),
            ("  GW.Example.com ", Some(dns("gw.example.com"))),
            ("gw.example.com.", None),
            ("bücher.example", None),
            ("xn--bcher-kva.example", Some(dns("xn--bcher-kva.example"))),
            ("10.0.0.1", Some(ip("10.0.0.1"))),
            ("[2001:db8::1]", Some(ip("2001:db8::1"))),
            ("2001:db8::1", Some(ip("2001:db8::1"))),
            (
                "*.apps.example.com",
                Some(HostName::Wildcard("*.apps.example.com".into())),
            ),
            ("*.com", None),
            ("a.*.example.com", None),
            ("exa mple.com", None),
            ("", None),
            ("   ", None),
            ("-", None),
        ];
        for (typed, want) in cases {
            assert_eq!(parse_host(typed).ok(), *want, "{typed:?}");
        }
    }
}
