//! Certificate summaries: what a person needs to see to recognise a certificate and spot what is
//! wrong with it, read from the certificate's one decoding (`x509::ParsedCert`; signatures are
//! checked in `verify`, by the `Crypto` the caller passes).

use super::facts::{self, Eku, KeyKind, KeyUsage};
use super::pem::{self, PemError};
use super::x509::{Ext, GeneralName, ParsedCert};
use crate::finding::{Code, Finding, Subject};
use crate::rfc3339;
use crate::text::escape_controls;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::sync::Arc;

const DAY: i64 = 86_400;

/// Everything the page and `istio-alb inspect` show about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertSummary {
    /// 1-based position of the PEM block in its input.
    pub block: usize,
    /// What a person calls it: [`display_name`] (its CN, else its first subjectAltName).
    #[serde(default)]
    pub name: String,
    pub subject: String,
    pub issuer: String,
    /// Serial number, lowercase hex without separators.
    pub serial: String,
    pub dns_sans: Vec<String>,
    pub ip_sans: Vec<String>,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// RFC 3339 (UTC).
    pub not_before_rfc3339: String,
    pub not_after_rfc3339: String,
    /// Whole days from the check time to `not_after` (negative when expired).
    pub days_left: i64,
    /// E.g. "RSA 2048", "ECDSA P-256", "Ed25519" in JSON.
    #[serde(with = "facts::as_string")]
    pub key_type: KeyKind,
    /// Key size in bits (RSA modulus, EC field size; 256 for Ed25519), 0 when unknown.
    pub key_bits: u32,
    /// E.g. "sha256WithRSAEncryption", "ecdsa-with-SHA384", "RSASSA-PSS", "Ed25519".
    pub signature_algorithm: String,
    /// Key usage bits (RFC 5280 names in JSON); empty when the extension is absent.
    #[serde(with = "facts::as_strings")]
    pub key_usage: Vec<KeyUsage>,
    /// Extended key usages ("serverAuth", "clientAuth", other OIDs dotted in JSON); empty when
    /// absent.
    #[serde(with = "facts::as_strings")]
    pub extended_key_usage: Vec<Eku>,
    pub is_ca: bool,
    pub path_len: Option<u32>,
    /// Subject / authority key identifiers, lowercase hex.
    pub subject_key_id: Option<String>,
    pub authority_key_id: Option<String>,
    /// SHA-256 of the DER, uppercase colon-separated hex (as `openssl x509 -fingerprint`).
    pub sha256_fingerprint: String,
    /// Subject equals issuer (and the key identifiers, when both present, agree).
    pub is_self_signed: bool,
}

impl CertSummary {
    /// Expired at `at`. The validity window is OpenSSL's, `notBefore <= t < notAfter`: its
    /// `X509_cmp_time` counts the notAfter second itself as past (RFC 5280 includes it, and so
    /// does webpki; the ALB's verdict is the one that counts).
    pub fn expired_at(&self, at: i64) -> bool {
        at >= self.not_after
    }

    /// Not valid yet at `at`.
    pub fn not_yet_valid_at(&self, at: i64) -> bool {
        at < self.not_before
    }

    /// Whole days from notBefore to notAfter.
    pub fn lifetime_days(&self) -> i64 {
        days_between(self.not_before, self.not_after)
    }

    /// In the last third of its lifetime at `at`: the time to renew. Let's Encrypt advises
    /// renewing at about two thirds of the lifetime (field notes), and lifetimes are shrinking
    /// (90 days, then 64 and 45), so a fixed number of days (the procedure's 37) stops being
    /// right; a third scales with them.
    pub fn in_renewal_window(&self, at: i64) -> bool {
        let lifetime = self.not_after.saturating_sub(self.not_before);
        at >= self.not_after.saturating_sub(lifetime / 3)
    }

    /// Inside its validity window at `at`.
    pub fn valid_at(&self, at: i64) -> bool {
        !self.expired_at(at) && !self.not_yet_valid_at(at)
    }
}

/// A certificate from a PEM input: decoded once ([`ParsedCert`]), with its summary. Every
/// check reads `parsed` (decisions about names read its decoded attributes and DER, never the
/// displayed `summary.subject` and `summary.issuer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cert {
    pub input: Subject,
    pub block: usize,
    pub line: usize,
    pub der: Vec<u8>,
    pub summary: CertSummary,
    /// Shared: chains clone certificates freely.
    pub parsed: Arc<ParsedCert>,
}

impl Cert {
    /// Issued by Let's Encrypt: an issuer organization (O) of exactly "Let's Encrypt".
    pub fn from_lets_encrypt(&self) -> bool {
        self.parsed
            .issuer_organizations()
            .iter()
            .any(|o| o == "Let's Encrypt")
    }

    /// Subject and issuer are the same name (compared as DER).
    pub fn self_issued(&self) -> bool {
        self.parsed.self_issued()
    }

    /// Short human name: `"example.com" (Gateway (NLB) certificate, block 2)`: its name
    /// ([`display_name`]), then the input by its label and the block, so a person finds it.
    pub fn label(&self) -> String {
        format!(
            "\"{}\" ({}, block {})",
            self.summary.name,
            self.input.label(),
            self.block
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn colon_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02X}");
    }
    s
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    &b[b.iter().position(|&x| x != 0).unwrap_or(b.len())..]
}

/// Whole days from `at` to `until`, rounded towards minus infinity.
pub fn days_between(at: i64, until: i64) -> i64 {
    until.saturating_sub(at).div_euclid(DAY)
}

fn ip_string(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::from([bytes[0], bytes[1], bytes[2], bytes[3]]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => format!("invalid IP ({} bytes)", bytes.len()),
    }
}

/// The one name a certificate goes by on the cards, the chain pictures and in messages: its
/// subject's CN, else its first subjectAltName (DNS, then IP: Let's Encrypt leaves have had no
/// CN since 2025), else the whole subject, else `(no name)`. Escaped for display.
pub fn display_name(c: &ParsedCert, dns_sans: &[String], ip_sans: &[String]) -> String {
    let cn = c
        .subject_common_names()
        .into_iter()
        .map(|cn| escape_controls(cn.trim()))
        .find(|cn| !cn.is_empty());
    cn.or_else(|| dns_sans.first().cloned())
        .or_else(|| ip_sans.first().cloned())
        .or_else(|| {
            let subject = escape_controls(&c.subject.display);
            (!subject.trim().is_empty()).then_some(subject)
        })
        .unwrap_or_else(|| "(no name)".to_owned())
}

/// Summarise one DER certificate at `at`. `Err` carries a short reason (no certificate bytes).
pub fn summarize_der(der: &[u8], block: usize, at: i64) -> Result<CertSummary, String> {
    Ok(summarize(&ParsedCert::from_der(der)?, der, block, at))
}

fn summarize(c: &ParsedCert, der: &[u8], block: usize, at: i64) -> CertSummary {
    let mut dns_sans = Vec::new();
    let mut ip_sans = Vec::new();
    for n in c.subject_alt_names().unwrap_or_default() {
        match n {
            GeneralName::Dns(d) => dns_sans.push(escape_controls(d)),
            GeneralName::Ip(ip) => ip_sans.push(ip_string(ip)),
            _ => {}
        }
    }
    let key_usage = c
        .key_usage()
        .map(|ku| KeyUsage::of(&ku))
        .unwrap_or_default();
    let extended_key_usage = c
        .extended_key_usage()
        .map(<[Eku]>::to_vec)
        .unwrap_or_default();
    let (is_ca, path_len) = c.basic_constraints().unwrap_or((false, None));
    let mut subject_key_id = None;
    let mut authority_key_id = None;
    // OpenSSL's `X509_check_akid` against the certificate itself: an authority key identifier
    // naming another serial number or issuer makes it not self-signed (so not a trust anchor).
    let mut akid_names_another = false;
    for ext in &c.extensions {
        match &ext.parsed {
            Ext::SubjectKeyId(k) => subject_key_id = Some(hex(k)),
            Ext::AuthorityKeyId {
                key_id,
                serial,
                issuer,
            } => {
                authority_key_id = key_id.as_deref().map(hex);
                let serial_differs = serial
                    .as_deref()
                    .is_some_and(|s| strip_leading_zeros(s) != strip_leading_zeros(&c.serial));
                let issuer_differs = issuer.as_ref().is_some_and(|dn| *dn != c.issuer.raw);
                akid_names_another = serial_differs || issuer_differs;
            }
            _ => {}
        }
    }
    let self_issued = c.self_issued();
    let ids_agree = !akid_names_another
        && match (&subject_key_id, &authority_key_id) {
            (Some(s), Some(a)) => s == a,
            _ => true,
        };
    let (not_before, not_after) = (c.not_before, c.not_after);
    let key_type = c.key.kind.clone();
    let (signature_algorithm, _) = facts::signature_algorithm(&c.signature_algorithm);
    CertSummary {
        block,
        name: display_name(c, &dns_sans, &ip_sans),
        // Names are the certificate's own text: shown everywhere, never able to drive a
        // terminal or reorder what is on screen.
        subject: escape_controls(&c.subject.display),
        issuer: escape_controls(&c.issuer.display),
        serial: hex(&c.serial),
        dns_sans,
        ip_sans,
        not_before,
        not_after,
        not_before_rfc3339: rfc3339::format(not_before),
        not_after_rfc3339: rfc3339::format(not_after),
        days_left: days_between(at, not_after),
        key_bits: key_type.bits(),
        key_type,
        signature_algorithm,
        key_usage,
        extended_key_usage,
        is_ca,
        path_len,
        subject_key_id,
        authority_key_id,
        sha256_fingerprint: colon_hex(&Sha256::digest(der)),
        is_self_signed: self_issued && ids_agree,
    }
}

/// Decode every certificate of a certificate input. Blocks that are not certificates or do not
/// parse become errors; parsing carries on with the next block.
pub fn parse_certs(input: impl Into<Subject>, text: &str, at: i64) -> (Vec<Cert>, Vec<PemError>) {
    let input: Subject = input.into();
    let (blocks, mut errors) = pem::read_certificates(&input, text);
    let mut certs = Vec::new();
    for b in blocks {
        match ParsedCert::from_der(&b.der) {
            Ok(parsed) => certs.push(Cert {
                input: input.clone(),
                block: b.index,
                line: b.line,
                summary: summarize(&parsed, &b.der, b.index, at),
                der: b.der,
                parsed: Arc::new(parsed),
            }),
            Err(detail) => errors.push(PemError::BadContent {
                input: input.clone(),
                block: b.index,
                line: b.line,
                what: "X.509 certificate",
                detail,
            }),
        }
    }
    (certs, errors)
}

/// Validity findings for one certificate at `at`: expired / not yet valid (errors), in its
/// renewal window (warning, [`CertSummary::in_renewal_window`]).
pub fn validity_findings(cert: &Cert, at: i64) -> Vec<Finding> {
    let s = &cert.summary;
    let input = Some(cert.input.clone());
    if s.expired_at(at) {
        vec![Finding::error(
            Code::CertExpired,
            format!(
                "The certificate {} expired on {} ({} days ago). Renew it and paste the new \
                 certificate",
                cert.label(),
                s.not_after_rfc3339,
                -s.days_left
            ),
            input,
        )]
    } else if s.not_yet_valid_at(at) {
        vec![Finding::error(
            Code::CertNotYetValid,
            format!(
                "The certificate {} is not valid before {}. Check the clock of the machine that \
                 issued it, or wait until then",
                cert.label(),
                s.not_before_rfc3339
            ),
            input,
        )]
    } else if s.in_renewal_window(at) {
        vec![Finding::warning(
            Code::CertExpiringSoon,
            format!(
                "The certificate {} expires on {} ({} days left, a third or less of its {}-day \
                 lifetime). Renew it now: certificates are renewed at about two thirds of their \
                 lifetime",
                cert.label(),
                s.not_after_rfc3339,
                s.days_left,
                s.lifetime_days()
            ),
            input,
        )]
    } else {
        Vec::new()
    }
}

/// Summaries of every certificate pasted into one input, plus findings: PEM problems and
/// validity at `at`. For the page's certificate cards and `istio-alb inspect`.
pub fn summarize_pem(
    input_name: impl Into<Subject>,
    text: &str,
    at: i64,
) -> (Vec<CertSummary>, Vec<Finding>) {
    let (certs, errors) = parse_certs(input_name, text, at);
    let mut findings: Vec<Finding> = errors.iter().map(PemError::to_finding).collect();
    for c in &certs {
        findings.extend(validity_findings(c, at));
    }
    (certs.into_iter().map(|c| c.summary).collect(), findings)
}

/// The readable text block `istio-alb inspect` prints for one certificate.
pub fn summary_text(s: &CertSummary) -> String {
    fn list<T: std::fmt::Display>(v: &[T]) -> String {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
        }
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_owned());
    let mut out = String::new();
    let _ = writeln!(out, "Certificate (block {}): {}", s.block, s.name);
    let _ = writeln!(out, "  Subject:             {}", s.subject);
    let _ = writeln!(out, "  Issuer:              {}", s.issuer);
    let _ = writeln!(out, "  Serial:              {}", s.serial);
    let _ = writeln!(out, "  DNS names:           {}", list(&s.dns_sans));
    let _ = writeln!(out, "  IP addresses:        {}", list(&s.ip_sans));
    let _ = writeln!(out, "  Not before:          {}", s.not_before_rfc3339);
    let _ = writeln!(
        out,
        "  Not after:           {} ({} days left)",
        s.not_after_rfc3339, s.days_left
    );
    let _ = writeln!(out, "  Key:                 {}", s.key_type);
    let _ = writeln!(out, "  Signature algorithm: {}", s.signature_algorithm);
    let _ = writeln!(out, "  Key usage:           {}", list(&s.key_usage));
    let _ = writeln!(
        out,
        "  Extended key usage:  {}",
        list(&s.extended_key_usage)
    );
    let bc = match (s.is_ca, s.path_len) {
        (true, Some(n)) => format!("CA, path length {n}"),
        (true, None) => "CA".to_owned(),
        (false, _) => "not a CA".to_owned(),
    };
    let _ = writeln!(out, "  Basic constraints:   {bc}");
    let _ = writeln!(out, "  Subject key ID:      {}", opt(&s.subject_key_id));
    let _ = writeln!(out, "  Authority key ID:    {}", opt(&s.authority_key_id));
    let _ = writeln!(out, "  SHA-256 fingerprint: {}", s.sha256_fingerprint);
    let _ = writeln!(
        out,
        "  Self-signed:         {}",
        if s.is_self_signed { "yes" } else { "no" }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_down() {
        let cases: &[(i64, i64, i64)] = &[
            (0, 0, 0),
            (0, DAY - 1, 0),
            (0, DAY, 1),
            (DAY, 0, -1),
            (1, 0, -1),
            (i64::MIN, i64::MAX, i64::MAX / DAY),
        ];
        for &(at, until, want) in cases {
            assert_eq!(days_between(at, until), want, "at={at} until={until}");
        }
    }

    #[test]
    fn garbage_der_is_an_error_not_a_panic() {
        let (certs, errs) = parse_certs(
            crate::inputs::CertInput::NlbCert,
            "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----",
            0,
        );
        assert!(certs.is_empty());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code(), "pem-malformed");
        assert!(
            errs[0]
                .to_string()
                .contains("not a valid X.509 certificate")
        );
    }
}
