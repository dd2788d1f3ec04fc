//! OpenSSL's rules that webpki does not apply, so that a chain we call valid is one the ALB's
//! NGINX accepts (`tests/openssl_diff.rs` holds every case against `openssl verify`). Each rule
//! names the OpenSSL check it mirrors (OpenSSL 3.0, `crypto/x509/x509_vfy.c` and `v3_purp.c`).

use super::Usage;
use crate::finding::{Code, Finding};
use crate::pki::cert::Cert;
use crate::pki::facts::KeyUsageBits as KeyUsage;
use crate::pki::x509::Ext;
use crate::pki::x509::Version;
use asn1_rs::oid;
use oid_registry::Oid;

/// The extensions OpenSSL's verification understands (`X509_supported_extension`): a critical
/// extension outside this list fails with "unhandled critical extension" (error 34), on any
/// certificate of the chain, the root included.
fn openssl_handles(oid: &Oid<'_>) -> bool {
    const HANDLED: [Oid<'static>; 15] = [
        oid!(2.16.840.1.113730.1.1), // nsCertType
        oid!(2.5.29.15),             // keyUsage
        oid!(2.5.29.17),             // subjectAltName
        oid!(2.5.29.19),             // basicConstraints
        oid!(2.5.29.32),             // certificatePolicies
        oid!(2.5.29.31),             // cRLDistributionPoints
        oid!(2.5.29.37),             // extendedKeyUsage
        oid!(1.3.6.1.5.5.7.1.7),     // sbgp-ipAddrBlock (RFC 3779)
        oid!(1.3.6.1.5.5.7.1.8),     // sbgp-autonomousSysNum (RFC 3779)
        oid!(1.3.6.1.5.5.7.48.1.5),  // id-pkix-ocsp-nocheck
        oid!(2.5.29.36),             // policyConstraints
        oid!(1.3.6.1.5.5.7.1.14),    // proxyCertInfo
        oid!(2.5.29.30),             // nameConstraints
        oid!(2.5.29.33),             // policyMappings
        oid!(2.5.29.54),             // inhibitAnyPolicy
    ];
    HANDLED.iter().any(|h| h == oid)
}

/// What the rules below need of one certificate, read from its DER.
struct Facts {
    version: Version,
    /// `Some(ca)` when basicConstraints is present.
    ca: Option<bool>,
    /// The keyUsage extension, when present (possibly with no bit set).
    key_usage: Option<KeyUsage>,
    /// The extendedKeyUsage extension, when present: (serverAuth, clientAuth).
    eku: Option<(bool, bool)>,
    /// The first critical extension OpenSSL does not handle, dotted.
    unhandled_critical: Option<String>,
    /// The Netscape certificate type (nsCertType), when present: the first octet of its bit
    /// string, as OpenSSL keeps it in `ex_nscert` (0x80 SSL client, 0x40 SSL server, 0x04 SSL
    /// CA, 0x02 S/MIME CA, 0x01 object-signing CA).
    ns_cert_type: Option<u8>,
}

/// nsCertType bits as OpenSSL names them (`include/openssl/x509v3.h`).
const NS_SSL_CLIENT: u8 = 0x80;
const NS_SSL_SERVER: u8 = 0x40;
const NS_SSL_CA: u8 = 0x04;
const NS_ANY_CA: u8 = 0x04 | 0x02 | 0x01;

/// The first octet of a DER BIT STRING (tag, one-byte length, unused-bits count, octets), as
/// OpenSSL's `c2i_ASN1_BIT_STRING` leaves it: the unused bits of the last octet cleared; 0 when
/// there is no octet. A value that is no bit string (or claims more than 7 unused bits) makes
/// OpenSSL mark the certificate invalid; it counts here as a type naming no purpose (the leaf is
/// refused for either role), never as an absent extension.
fn bit_string_first_octet(value: &[u8]) -> u8 {
    match value {
        [0x03, len, unused @ 0..=7, rest @ ..] if usize::from(*len) == rest.len() + 1 => match rest
        {
            [] => 0,
            [only] => only & (0xff << unused),
            [first, ..] => *first,
        },
        _ => 0,
    }
}

fn facts(c: &Cert) -> Facts {
    let p = &c.parsed;
    let mut f = Facts {
        version: p.version,
        ca: None,
        key_usage: None,
        eku: None,
        unhandled_critical: None,
        ns_cert_type: None,
    };
    for ext in &p.extensions {
        if ext.critical && f.unhandled_critical.is_none() && !openssl_handles(&ext.oid) {
            f.unhandled_critical = Some(ext.oid.to_id_string());
        }
        if ext.oid == oid!(2.16.840.1.113730.1.1) {
            f.ns_cert_type = Some(bit_string_first_octet(&ext.value));
        }
        match &ext.parsed {
            Ext::BasicConstraints { ca, .. } => f.ca = Some(*ca),
            Ext::KeyUsage(ku) => f.key_usage = Some(*ku),
            Ext::ExtendedKeyUsage {
                server_auth,
                client_auth,
                ..
            } => f.eku = Some((*server_auth, *client_auth)),
            _ => {}
        }
    }
    f
}

fn refuse(c: &Cert, code: Code, message: String) -> Finding {
    Finding::error(code, message, Some(c.input.clone()))
}

/// Every rule, on a chain webpki accepted: `chain` is leaf first, anchor last.
pub(super) fn findings(chain: &[Cert], usage: Usage) -> Vec<Finding> {
    let parsed: Vec<Facts> = chain.iter().map(facts).collect();
    let mut out = Vec::new();
    // A self-signed end entity trusted as itself: OpenSSL checks it as a leaf only.
    let leaf_is_anchor = chain.len() == 2 && chain[0].der == chain[1].der;
    for (i, (c, f)) in chain.iter().zip(&parsed).enumerate() {
        if let Some(oid) = &f.unhandled_critical
            && !(leaf_is_anchor && i == 1)
        {
            out.push(refuse(
                c,
                Code::ChainUntrusted,
                format!(
                    "The certificate {} has a critical extension ({oid}) that OpenSSL does not handle, so the ALB \
                     refuses it (\"unhandled critical extension\"). Reissue it without marking \
                     that extension critical",
                    c.label()
                ),
            ));
        }
        if i == 0 {
            out.extend(leaf_purpose(c, f, usage));
        } else if !leaf_is_anchor {
            out.extend(ca_rules(c, f, usage, i + 1 == chain.len()));
        }
    }
    if !leaf_is_anchor {
        out.extend(super::constraints::findings(chain));
    }
    out
}

/// OpenSSL's purpose check on the leaf (`crypto/x509/v3_purp.c`, `check_purpose_ssl_server`
/// and `check_purpose_ssl_client` with `require_ca` 0): an extension that is present must allow
/// the role. The extended key usage is webpki's (and [`super::policy::eku_finding`]'s); here the
/// key usage (`ku_reject`: a server key signs, encrypts or agrees: digitalSignature,
/// keyEncipherment or keyAgreement; a client key signs or agrees) and the Netscape certificate
/// type (`ns_reject`: "SSL Server" for a server, "SSL Client" for a client). Either refusal is
/// "unsuitable certificate purpose", error 26.
fn leaf_purpose(c: &Cert, f: &Facts, usage: Usage) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(ku) = f.key_usage {
        let ok = match usage {
            Usage::Server => ku.digital_signature() || ku.key_encipherment() || ku.key_agreement(),
            Usage::Client => ku.digital_signature() || ku.key_agreement(),
        };
        let (role, needs) = match usage {
            Usage::Server => (
                "server",
                "digitalSignature, keyEncipherment or keyAgreement",
            ),
            Usage::Client => ("client", "digitalSignature or keyAgreement"),
        };
        if !ok {
            out.push(refuse(
                c,
                Code::ChainUntrusted,
                format!(
                    "The certificate {} has a key usage that does not allow a TLS {role} key \
                     ({needs}), so OpenSSL (the ALB) refuses it as \"unsuitable certificate \
                     purpose\". Reissue it with keyUsage = digitalSignature",
                    c.label()
                ),
            ));
        }
    }
    if let Some(ns) = f.ns_cert_type {
        let (bit, code, kind) = match usage {
            Usage::Server => (NS_SSL_SERVER, Code::EkuServerAuthMissing, "SSL Server"),
            Usage::Client => (NS_SSL_CLIENT, Code::EkuClientAuthMissing, "SSL Client"),
        };
        if ns & bit == 0 {
            out.push(refuse(
                c,
                code,
                format!(
                    "The certificate {} has a Netscape certificate type (nsCertType) without \
                     \"{kind}\", so OpenSSL refuses it as \"unsuitable certificate purpose\" \
                     (it checks that old extension whenever it is present). Reissue it without \
                     nsCertType (extendedKeyUsage says the purpose)",
                    c.label()
                ),
            ));
        }
    }
    out
}

/// What every CA above the leaf, the root included, must be for OpenSSL: a CA
/// (`X509_check_ca` as `check_chain_extensions` takes it without X509_STRICT: basicConstraints
/// CA:TRUE; for the root also no basicConstraints at all with a version 1 certificate or a key
/// usage allowing keyCertSign or an nsCertType naming a CA type, which then must name "SSL CA"),
/// allowed to sign certificates when it has a key usage (even one
/// with no bit set), and allowed the role when it has an extended key usage (OpenSSL applies
/// `-purpose` to CAs too, and anyExtendedKeyUsage does not satisfy it).
fn ca_rules(c: &Cert, f: &Facts, usage: Usage, is_root: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    // `check_ca`: without basicConstraints, a root is a CA as a version 1 certificate (3), with
    // a key usage allowing keyCertSign (4), or with an nsCertType naming any CA type (5); an
    // intermediate must have CA:TRUE (`check_chain_extensions` asks 1 of it).
    let ns_ca_only = f.ca.is_none()
        && f.version != Version::V1
        && f.key_usage.is_none()
        && f.ns_cert_type.is_some_and(|ns| ns & NS_ANY_CA != 0);
    let is_ca = match f.ca {
        Some(ca) => ca,
        None => {
            is_root
                && (f.version == Version::V1
                    || f.key_usage.is_some_and(|k| k.key_cert_sign())
                    || ns_ca_only)
        }
    };
    // `check_ssl_ca`: a CA only by its nsCertType must name the SSL CA type for either role.
    if is_ca && ns_ca_only && f.ns_cert_type.is_some_and(|ns| ns & NS_SSL_CA == 0) {
        out.push(refuse(
            c,
            Code::NotACa,
            format!(
                "The certificate {} is a CA only by its Netscape certificate type (no \
                 basicConstraints), and that type lacks \"SSL CA\", so OpenSSL refuses it as \
                 \"unsuitable certificate purpose\". Use a CA certificate with basicConstraints \
                 CA:TRUE",
                c.label()
            ),
        ));
    }
    if !is_ca {
        out.push(refuse(
            c,
            Code::NotACa,
            format!(
                "The certificate {} issues certificates in this chain but is not a CA (no basicConstraints \
                 CA:TRUE), so OpenSSL refuses it (\"invalid CA certificate\"). Use the CA's real \
                 certificate",
                c.label()
            ),
        ));
    }
    // A key usage with bits but no keyCertSign is `policy::issuer_key_usage_findings`.
    if let Some(ku) = f.key_usage
        && ku.flags == 0
    {
        out.push(refuse(
            c,
            Code::NotACa,
            format!(
                "The certificate {} has a key usage extension with no usage in it, so it may not sign \
                 certificates (OpenSSL: \"unable to get local issuer certificate\")",
                c.label()
            ),
        ));
    }
    if let Some((server, client)) = f.eku {
        let (allowed, needed) = match usage {
            Usage::Server => (server, "serverAuth"),
            Usage::Client => (client, "clientAuth"),
        };
        if !allowed {
            out.push(refuse(
                c,
                match usage {
                    Usage::Server => Code::EkuServerAuthMissing,
                    Usage::Client => Code::EkuClientAuthMissing,
                },
                format!(
                    "The certificate {} restricts its extended key usage without {needed}: OpenSSL (the ALB) \
                     checks the purpose on every CA of the chain, and anyExtendedKeyUsage does \
                     not count. Use a CA whose extended key usage includes {needed}, or none",
                    c.label()
                ),
            ));
        }
    }
    out
}

/// OpenSSL's `check_issued` without the signature: the issuer's subject is the child's issuer
/// name, the child's authority key identifier (key id, serial, issuer name) agrees with the
/// issuer, and the issuer's key usage, if any, allows certificate signing.
fn likely_issued(issuer: &Cert, child: &Cert) -> bool {
    let (i, c) = (&issuer.parsed, &child.parsed);
    if i.subject.raw != c.issuer.raw {
        return false;
    }
    // The first keyUsage and subjectKeyIdentifier, as OpenSSL's lookups find them.
    let ku = i.extensions.iter().find_map(|e| match &e.parsed {
        Ext::KeyUsage(ku) => Some(*ku),
        _ => None,
    });
    if let Some(ku) = ku
        && !ku.key_cert_sign()
    {
        return false;
    }
    let ski = i.extensions.iter().find_map(|e| match &e.parsed {
        Ext::SubjectKeyId(k) => Some(k.as_slice()),
        _ => None,
    });
    for e in &c.extensions {
        if let Ext::AuthorityKeyId {
            key_id,
            serial,
            issuer: dn,
        } = &e.parsed
        {
            if let (Some(keyid), Some(ski)) = (key_id, ski)
                && keyid.as_slice() != ski
            {
                return false;
            }
            if let Some(serial) = serial {
                let strip = |b: &[u8]| {
                    b.iter()
                        .skip_while(|x| **x == 0)
                        .copied()
                        .collect::<Vec<_>>()
                };
                if strip(serial) != strip(&i.serial) {
                    return false;
                }
            }
            if let Some(dn) = dn
                && *dn != i.issuer.raw
            {
                return false;
            }
        }
    }
    true
}

/// The chain OpenSSL builds (`build_chain` with `X509_V_FLAG_TRUSTED_FIRST`, the default): from
/// the leaf, each issuer is looked up first among the trusted certificates, then among the
/// untrusted ones in the order given, taking the first that [`likely_issued`] accepts and is
/// valid at `at` (else the trusted one last found, or the untrusted one expiring last). It stops
/// at a self-signed trusted certificate. When it gets stuck, it looks for a trusted issuer of a
/// certificate already on the chain, from the top down, and goes on from there (the
/// "alternative chain"). It never goes back to pick another untrusted issuer, and never when a
/// signature or constraint of the chain it built fails. `Err` holds the chain where it got stuck.
pub(super) fn built_chain(
    leaf: &Cert,
    untrusted: &[Cert],
    trusted: &[Cert],
    at: i64,
) -> Result<Vec<Cert>, Vec<Cert>> {
    let trusted_issuer = |cur: &Cert| -> Option<Cert> {
        let mut found = None;
        for t in trusted.iter().filter(|t| likely_issued(t, cur)) {
            found = Some(t.clone());
            if t.summary.valid_at(at) {
                break;
            }
        }
        found
    };
    let mut chain = vec![leaf.clone()];
    let mut alternatives_tried = false;
    for _ in 0..32 {
        let Some(cur) = chain.last().cloned() else {
            break;
        };
        if cur.summary.is_self_signed && trusted.iter().any(|t| t.der == cur.der) {
            return Ok(chain);
        }
        let untrusted_issuer = || {
            let matching: Vec<&Cert> = untrusted
                .iter()
                .filter(|u| !chain.iter().any(|x| x.der == u.der) && likely_issued(u, &cur))
                .collect();
            matching
                .iter()
                .find(|u| u.summary.valid_at(at))
                .or_else(|| matching.iter().max_by_key(|u| u.summary.not_after))
                .map(|u| (*u).clone())
        };
        match trusted_issuer(&cur).or_else(untrusted_issuer) {
            Some(issuer) if issuer.der != cur.der => chain.push(issuer),
            _ if alternatives_tried => return Err(chain),
            _ => {
                // Stuck: the highest certificate with a trusted issuer, and on from there.
                alternatives_tried = true;
                let Some((k, issuer)) = (0..chain.len())
                    .rev()
                    .find_map(|k| trusted_issuer(&chain[k]).map(|t| (k, t)))
                else {
                    return Err(chain);
                };
                if issuer.der == chain[k].der {
                    return Err(chain);
                }
                chain.truncate(k + 1);
                chain.push(issuer);
            }
        }
    }
    Err(chain)
}

#[cfg(test)]
mod tests {
    use super::bit_string_first_octet;

    #[test]
    fn netscape_certificate_type_octet_as_openssl_keeps_it() {
        const CASES: &[(&[u8], u8)] = &[
            (&[0x03, 0x02, 0x06, 0x40], 0x40),       // SSL Server
            (&[0x03, 0x02, 0x07, 0x80], 0x80),       // SSL Client
            (&[0x03, 0x02, 0x00, 0xc0], 0xc0),       // unused bits need not be minimal
            (&[0x03, 0x02, 0x07, 0xc0], 0x80),       // unused bits are cleared
            (&[0x03, 0x03, 0x00, 0x04, 0xff], 0x04), // only the first octet counts
            (&[0x03, 0x01, 0x00], 0),                // no bit at all
            (&[0x03, 0x02, 0x08, 0x40], 0),          // more than 7 unused bits: invalid
            (&[0x04, 0x02, 0x00, 0x40], 0),          // not a bit string
            (&[0x03, 0x05, 0x00, 0x40], 0),          // length past the end
        ];
        for (der, want) in CASES {
            assert_eq!(bit_string_first_octet(der), *want, "{der:02x?}");
        }
    }
}
