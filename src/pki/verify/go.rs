//! Go's crypto/x509 rules that OpenSSL's do not imply, so that a gateway chain `check` calls
//! valid for a Traefik ALB is one Go accepts (Traefik verifies upstream certificates with
//! crypto/tls, which calls `x509.Certificate.Verify`). `tests/openssl_diff.rs` holds every case
//! against Go 1.26's `x509verify` (`tools/go-verify`). Go 1.26, `src/crypto/x509`:
//!
//! - `parser.go` refuses to parse a certificate with a negative serial number (since Go 1.23,
//!   without `GODEBUG=x509negativeserial=1`), a name constraints extension with no subtree, a
//!   critical subjectKeyIdentifier or authorityInfoAccess, or an extension it reads that does
//!   not decode; crypto/tls fails the handshake on a peer certificate that does not parse, and a
//!   trusted CA that does not parse is skipped (`AppendCertsFromPEM`);
//! - `processExtensions` handles fewer critical extensions than OpenSSL (no nsCertType, no RFC
//!   3779 blocks, no proxyCertInfo, no OCSP no-check; name constraints only of DNS, IP, email
//!   and URI; a subjectAltName only when it holds one of those), and `isValid` refuses every
//!   certificate of the chain, the root included, with one it does not handle;
//! - `CheckSignatureFrom` lets a version 3 certificate sign only with basicConstraints CA:TRUE,
//!   the trust anchor included (OpenSSL also takes a root CA by its key usage or nsCertType).
//!
//! What Go shares with the rules already applied (a DNS SAN for the name, no SHA-1, the
//! intermediates' extended key usage, name constraints on the SANs) needs nothing here; where Go
//! accepts what OpenSSL refuses, the bundle still follows OpenSSL, whose `openssl verify` is
//! what the bundle's `preflight.sh` runs (`tests/go-differences.json` lists those classes).

use super::Verifier;
use crate::finding::{Code, Finding};
use crate::pki::cert::Cert;
use crate::pki::x509::Version;
use crate::pki::x509::{Ext, GeneralName};
use asn1_rs::oid;
use oid_registry::Oid;

/// Why Go refuses a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    NegativeSerial,
    EmptyNameConstraints,
    CriticalNotAllowed(&'static str),
    Undecodable(String),
    UnhandledCritical(String),
    NotACa,
}

impl Refusal {
    fn words(&self) -> String {
        match self {
            Refusal::NegativeSerial => {
                "has a negative serial number, which Go does not parse (\"x509: negative serial \
                 number\")"
                    .to_owned()
            }
            Refusal::EmptyNameConstraints => {
                "has a name constraints extension with no subtree, which Go does not parse"
                    .to_owned()
            }
            Refusal::CriticalNotAllowed(what) => {
                format!("marks its {what} extension critical, which Go does not parse")
            }
            Refusal::Undecodable(what) => {
                format!("has a {what} extension Go cannot decode")
            }
            Refusal::UnhandledCritical(oid) => format!(
                "has a critical extension ({oid}) Go does not handle (\"x509: unhandled \
                 critical extension\")"
            ),
            Refusal::NotACa => "signs a certificate of the chain without basicConstraints \
                 CA:TRUE, which Go does not allow (\"parent certificate cannot sign this kind \
                 of certificate\")"
                .to_owned(),
        }
    }
}

/// Extensions whose critical flag Go honours (`processExtensions`); name constraints and the
/// subjectAltName are judged by their content.
fn go_handles(oid: &Oid<'_>) -> bool {
    const HANDLED: [Oid<'static>; 10] = [
        oid!(2.5.29.15), // keyUsage
        oid!(2.5.29.19), // basicConstraints
        oid!(2.5.29.31), // cRLDistributionPoints
        oid!(2.5.29.35), // authorityKeyIdentifier
        oid!(2.5.29.36), // policyConstraints
        oid!(2.5.29.37), // extendedKeyUsage
        oid!(2.5.29.32), // certificatePolicies
        oid!(2.5.29.33), // policyMappings
        oid!(2.5.29.54), // inhibitAnyPolicy
        oid!(2.5.29.14), // subjectKeyIdentifier (a critical one fails to parse instead)
    ];
    HANDLED.iter().any(|h| h == oid)
}

/// The name types Go reads in subjectAltName and name constraints.
fn go_reads(n: &GeneralName) -> bool {
    matches!(
        n,
        GeneralName::Dns(_) | GeneralName::Ip(_) | GeneralName::Rfc822(_) | GeneralName::Uri(_)
    )
}

/// What Go refuses to parse in `cert` (`parse`), and what `isValid` refuses in it as a
/// certificate of the chain (`critical`).
fn refusals(cert: &Cert) -> (Vec<Refusal>, Vec<Refusal>) {
    let (mut parse, mut critical) = (Vec::new(), Vec::new());
    let c = &cert.parsed;
    if c.serial.first().is_some_and(|b| b & 0x80 != 0) {
        parse.push(Refusal::NegativeSerial);
    }
    let aia = oid!(1.3.6.1.5.5.7.1.1);
    for ext in &c.extensions {
        let name = ext.oid.to_id_string();
        if let Ext::ParseError = ext.parsed
            && (go_handles(&ext.oid)
                || ext.oid == aia
                || ext.oid == oid!(2.5.29.17)
                || ext.oid == oid!(2.5.29.30))
        {
            parse.push(Refusal::Undecodable(name.clone()));
            continue;
        }
        if ext.critical && ext.oid == oid!(2.5.29.14) {
            parse.push(Refusal::CriticalNotAllowed("subjectKeyIdentifier"));
        }
        if ext.critical && ext.oid == aia {
            parse.push(Refusal::CriticalNotAllowed("authorityInfoAccess"));
        }
        let handled = match &ext.parsed {
            Ext::NameConstraints {
                permitted,
                excluded,
            } => {
                if permitted.is_empty() && excluded.is_empty() {
                    parse.push(Refusal::EmptyNameConstraints);
                }
                permitted.iter().chain(excluded).all(go_reads)
            }
            Ext::SubjectAltName(names) => names.iter().any(go_reads),
            _ => go_handles(&ext.oid) || ext.oid == aia,
        };
        if ext.critical && !handled {
            critical.push(Refusal::UnhandledCritical(name));
        }
    }
    (parse, critical)
}

/// Whether Go lets `issuer` sign: a version 1 certificate, or basicConstraints CA:TRUE.
fn may_sign(issuer: &Cert) -> bool {
    let c = &issuer.parsed;
    c.version == Version::V1 || c.basic_constraints().is_some_and(|(ca, _)| ca)
}

/// Go's refusals of a chain webpki and OpenSSL's rules accepted: `chain` is leaf first, anchor
/// last; `sent` the other certificates the peer sends (each must parse too).
pub(super) fn findings(chain: &[Cert], sent: &[Cert]) -> Vec<Finding> {
    let leaf_is_anchor = chain.len() == 2 && chain[0].der == chain[1].der;
    let chain = if leaf_is_anchor { &chain[..1] } else { chain };
    let mut out = Vec::new();
    let mut push = |c: &Cert, r: &Refusal| {
        out.push(Finding::error(
            match r {
                Refusal::NotACa => Code::NotACa,
                Refusal::NegativeSerial
                | Refusal::EmptyNameConstraints
                | Refusal::CriticalNotAllowed(_)
                | Refusal::Undecodable(_)
                | Refusal::UnhandledCritical(_) => Code::ChainUntrusted,
            },
            format!(
                "The certificate {} {}, so {} refuses the chain. Reissue it",
                c.label(),
                r.words(),
                Verifier::Go.name()
            ),
            Some(c.input.clone()),
        ));
    };
    let mut seen: Vec<&[u8]> = Vec::new();
    for c in chain.iter().chain(sent) {
        if seen.contains(&c.der.as_slice()) {
            continue;
        }
        seen.push(&c.der);
        let in_chain = chain.iter().any(|x| x.der == c.der);
        let (parse, critical) = refusals(c);
        for r in parse.iter().chain(critical.iter().filter(|_| in_chain)) {
            push(c, r);
        }
    }
    for issuer in chain.iter().skip(1) {
        if !may_sign(issuer) {
            push(issuer, &Refusal::NotACa);
        }
    }
    out
}
