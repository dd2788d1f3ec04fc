//! The extensions the checks read, read as x509-parser read them (earlier versions used it):
//! keyUsage, extendedKeyUsage, basicConstraints, subjectAltName, nameConstraints and the key
//! identifiers; and the ones only Go's parser reads, whose structure is all that counts (a
//! broken one makes Go refuse the certificate).

use super::{BIT_STRING, Fields, INTEGER, OCTET_STRING, OID, SEQUENCE, Tlv};
use super::{bits, boolean, name, oid, only, small_uint, tlv};
use crate::pki::facts::{Eku, KeyUsageBits};
use crate::pki::x509::{Ext, GeneralName};
use oid_registry::Oid;

/// What the checks read of one extension's value (by its OID).
pub(super) fn read(oid: &Oid<'_>, value: &[u8]) -> Ext {
    let b = oid.as_bytes();
    let read = match b {
        [85, 29, 14] => only(value, OCTET_STRING).map(|k| Ext::SubjectKeyId(k.content.to_vec())),
        [85, 29, 35] => authority_key_id(value),
        [85, 29, 15] => only(value, BIT_STRING)
            .and_then(|t| bits(t).ok())
            .map(|data| {
                let flags = data
                    .iter()
                    .rev()
                    .fold(0u16, |acc, x| (acc << 8) | u16::from(x.reverse_bits()));
                Ext::KeyUsage(KeyUsageBits { flags })
            }),
        [85, 29, 37] => extended_key_usage(value),
        [85, 29, 19] => basic_constraints(value),
        [85, 29, 17] => only(value, SEQUENCE)
            .and_then(|s| general_names(s.content))
            .map(Ext::SubjectAltName),
        [85, 29, 30] => name_constraints(value),
        // Read by no check, but Go refuses a certificate where one of them cannot be parsed.
        [85, 29, 31]
        | [85, 29, 32]
        | [85, 29, 33]
        | [85, 29, 36]
        | [85, 29, 54]
        | [43, 6, 1, 5, 5, 7, 1, 1] => valid(b, value).then_some(Ext::Other),
        _ => Some(Ext::Other),
    };
    read.unwrap_or(Ext::ParseError)
}

/// GeneralNames: every GeneralName must be read (one of another class breaks them all).
fn general_names(d: &[u8]) -> Option<Vec<GeneralName>> {
    let mut f = Fields(d);
    let mut names = Vec::new();
    while !f.is_empty() {
        names.push(general_name(f.next().ok()?)?);
    }
    Some(names)
}

/// One GeneralName; `None` when it is not context-specific.
fn general_name(t: Tlv<'_>) -> Option<GeneralName> {
    if t.tag & 0xc0 != 0x80 {
        return None;
    }
    let text = |c: &[u8]| std::str::from_utf8(c).ok().map(str::to_owned);
    Some(match t.tag & 0x1f {
        1 => text(t.content).map_or(GeneralName::Other, GeneralName::Rfc822),
        2 => text(t.content).map_or(GeneralName::Other, GeneralName::Dns),
        6 => text(t.content).map_or(GeneralName::Other, GeneralName::Uri),
        7 => GeneralName::Ip(t.content.to_vec()),
        4 => tlv(t.content)
            .ok()
            .filter(|(n, rest)| n.tag == SEQUENCE && rest.is_empty() && name(*n).is_ok())
            .map_or(GeneralName::Other, |(n, _)| {
                GeneralName::Directory(n.whole.to_vec())
            }),
        _ => GeneralName::Other,
    })
}

/// AuthorityKeyIdentifier ::= SEQUENCE { [0] keyIdentifier, [1] authorityCertIssuer,
/// [2] authorityCertSerialNumber }, each optional.
fn authority_key_id(value: &[u8]) -> Option<Ext> {
    let mut f = Fields(only(value, SEQUENCE)?.content);
    let key_id = f.optional(0x80).ok()?.map(|k| k.content.to_vec());
    let issuer = match f.optional(0xa1).ok()? {
        Some(names) => {
            // x509-parser read the names up to the first it could not read.
            let mut g = Fields(names.content);
            let mut first_dir = None;
            while let Ok(t) = g.next() {
                match general_name(t) {
                    Some(GeneralName::Directory(d)) if first_dir.is_none() => first_dir = Some(d),
                    Some(_) => {}
                    None => break,
                }
            }
            first_dir
        }
        None => None,
    };
    let serial = f.optional(0x82).ok()?.map(|s| s.content.to_vec());
    Some(Ext::AuthorityKeyId {
        key_id,
        serial,
        issuer,
    })
}

/// ExtKeyUsageSyntax ::= SEQUENCE OF KeyPurposeId (a repeated purpose counted once).
fn extended_key_usage(value: &[u8]) -> Option<Ext> {
    let mut f = Fields(only(value, SEQUENCE)?.content);
    let mut oids: Vec<Oid<'static>> = Vec::new();
    while !f.is_empty() {
        let o = oid(f.expect(OID, "").ok()?).ok()?;
        if !oids.contains(&o) {
            oids.push(o);
        }
    }
    let usages = Eku::of_oids(&oids);
    Some(Ext::ExtendedKeyUsage {
        server_auth: usages.contains(&Eku::ServerAuth),
        client_auth: usages.contains(&Eku::ClientAuth),
        usages,
    })
}

/// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }.
fn basic_constraints(value: &[u8]) -> Option<Ext> {
    let mut f = Fields(only(value, SEQUENCE)?.content);
    let mut items = Vec::new();
    while !f.is_empty() {
        items.push(f.next().ok()?);
    }
    let (ca, path_len) = match items.as_slice() {
        [] => (false, None),
        [one] => match boolean(*one) {
            Some(ca) => (ca, None),
            None => (false, Some(small_uint(*one)?)),
        },
        [ca, len] => (boolean(*ca)?, Some(small_uint(*len)?)),
        _ => return None,
    };
    Some(Ext::BasicConstraints { ca, path_len })
}

/// NameConstraints ::= SEQUENCE { permittedSubtrees [0], excludedSubtrees [1] }, each a
/// non-empty list of GeneralSubtree (whose base is all the checks read). As x509-parser read it:
/// a list that cannot be read counts as absent, and then so does everything after it.
fn name_constraints(value: &[u8]) -> Option<Ext> {
    let mut f = Fields(only(value, SEQUENCE)?.content);
    let mut subtrees = |tag: u8| -> Vec<GeneralName> {
        let mut ahead = f;
        let Ok(Some(t)) = ahead.optional(tag) else {
            return Vec::new();
        };
        let mut list = Fields(t.content);
        let mut bases = Vec::new();
        while !list.is_empty() {
            let Some(base) = list
                .expect(SEQUENCE, "")
                .ok()
                .and_then(|s| general_name(tlv(s.content).ok()?.0))
            else {
                return Vec::new();
            };
            bases.push(base);
        }
        if !bases.is_empty() {
            f = ahead;
        }
        bases
    };
    let permitted = subtrees(0xa0);
    let excluded = subtrees(0xa1);
    Some(Ext::NameConstraints {
        permitted,
        excluded,
    })
}

/// Whether an extension only Go reads has the structure x509-parser required of it.
fn valid(which: &[u8], value: &[u8]) -> bool {
    let seq_of = |check: &dyn Fn(Tlv<'_>) -> bool| {
        only(value, SEQUENCE).is_some_and(|s| {
            let mut f = Fields(s.content);
            std::iter::from_fn(|| (!f.is_empty()).then(|| f.next().ok()))
                .all(|t| t.is_some_and(check))
        })
    };
    let oid_first = |t: Tlv<'_>| {
        t.tag == SEQUENCE
            && Fields(t.content)
                .expect(OID, "")
                .is_ok_and(|o| oid(o).is_ok())
    };
    match which {
        // inhibitAnyPolicy: SkipCerts ::= INTEGER (0..MAX)
        [85, 29, 54] => tlv(value).is_ok_and(|(t, _)| small_uint(t).is_some()),
        // policyConstraints: SEQUENCE { [0] INTEGER OPTIONAL, [1] INTEGER OPTIONAL }
        [85, 29, 36] => only(value, SEQUENCE).is_some_and(|s| {
            let mut f = Fields(s.content);
            let int = |t: Option<Tlv<'_>>| {
                t.is_none_or(|t| small_uint(Tlv { tag: INTEGER, ..t }).is_some())
            };
            int(f.optional(0x80).ok().flatten())
                && int(f.optional(0x81).ok().flatten())
                && f.is_empty()
        }),
        // policyMappings: SEQUENCE OF SEQUENCE { OID, OID }
        [85, 29, 33] => seq_of(&|t| {
            let mut f = Fields(t.content);
            t.tag == SEQUENCE
                && f.expect(OID, "").is_ok_and(|o| oid(o).is_ok())
                && f.expect(OID, "").is_ok_and(|o| oid(o).is_ok())
        }),
        // certificatePolicies: SEQUENCE OF SEQUENCE { policyId, qualifiers OPTIONAL };
        // authorityInfoAccess: SEQUENCE OF SEQUENCE { accessMethod, accessLocation }.
        [85, 29, 32] => seq_of(&oid_first),
        [43, 6, 1, 5, 5, 7, 1, 1] => seq_of(&|t| {
            let mut f = Fields(t.content);
            t.tag == SEQUENCE
                && f.expect(OID, "").is_ok_and(|o| oid(o).is_ok())
                && f.next().is_ok_and(|g| general_name(g).is_some())
        }),
        // cRLDistributionPoints: SEQUENCE OF DistributionPoint (a SEQUENCE)
        _ => seq_of(&|t| t.tag == SEQUENCE),
    }
}
