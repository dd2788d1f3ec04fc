//! The one decoding of a certificate: [`decode`] reads the DER once per PEM block
//! ([`ParsedCert::from_der`]), and everything the checks need is kept, owned, in a
//! [`ParsedCert`]: names (raw and decoded), the key, the usages, validity, the constraints, the
//! signature parts and every extension in order. The summary, the key match, the chain walk, the
//! OpenSSL, BoringSSL and Go rules and the page cards all read it, as webpki's checks read its
//! `Cert` (`cert.rs`). Only webpki itself (the verdict, `verify::decide`, and host names,
//! `names`) decodes the DER again, inside its own API.

mod decode;

use super::facts::{Eku, KeyKind, KeyUsageBits};
use asn1_rs::oid;
use oid_registry::Oid;

/// The certificate's version field (v1 = 0, v3 = 2), as encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub u32);

impl Version {
    pub const V1: Version = Version(0);
    pub const V2: Version = Version(1);
    pub const V3: Version = Version(2);
}

/// A decoded name: its DER (what decisions compare), its display text (what people read) and
/// its attributes in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub raw: Vec<u8>,
    /// The rendering `CN=…, O=…` (x509-parser's, which earlier versions used), not yet escaped
    /// for display.
    pub display: String,
    pub attributes: Vec<Attribute>,
}

impl Name {
    /// The values of one attribute type that decode as strings.
    pub fn texts(&self, oid: &Oid<'_>) -> Vec<String> {
        self.attributes
            .iter()
            .filter(|a| a.oid == *oid)
            .filter_map(|a| a.text.clone())
            .collect()
    }
}

/// One attribute of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub oid: Oid<'static>,
    /// The ASN.1 tag of the value's string type and its content octets.
    pub tag: u32,
    pub data: Vec<u8>,
    /// The value as a string: a UTF8String, PrintableString, IA5String or NumericString that is
    /// UTF-8.
    pub text: Option<String>,
}

/// A name of a subjectAltName, a name constraint or an authority key identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneralName {
    Dns(String),
    Rfc822(String),
    Uri(String),
    Ip(Vec<u8>),
    /// A directory name, as its DER.
    Directory(Vec<u8>),
    Other,
}

/// One extension: its OID, criticality and value, and what the checks read of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub oid: Oid<'static>,
    pub critical: bool,
    pub value: Vec<u8>,
    pub parsed: Ext,
}

/// The extensions the checks read, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ext {
    SubjectKeyId(Vec<u8>),
    AuthorityKeyId {
        key_id: Option<Vec<u8>>,
        serial: Option<Vec<u8>>,
        /// The first directory name of authorityCertIssuer, as DER.
        issuer: Option<Vec<u8>>,
    },
    KeyUsage(KeyUsageBits),
    ExtendedKeyUsage {
        usages: Vec<Eku>,
        server_auth: bool,
        client_auth: bool,
    },
    BasicConstraints {
        ca: bool,
        path_len: Option<u32>,
    },
    SubjectAltName(Vec<GeneralName>),
    /// The permitted and the excluded subtrees' bases.
    NameConstraints {
        permitted: Vec<GeneralName>,
        excluded: Vec<GeneralName>,
    },
    /// An extension the checks read (or Go parses) whose value does not have its structure.
    ParseError,
    /// Any other extension.
    Other,
}

/// The subjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spki {
    pub algorithm: Oid<'static>,
    /// The DER of the AlgorithmIdentifier's contents (OID and parameters), as webpki compares
    /// them.
    pub algorithm_der: Vec<u8>,
    /// The named curve of an EC key (OID content bytes).
    pub curve: Option<Vec<u8>>,
    /// The subjectPublicKey bits.
    pub key: Vec<u8>,
    /// An RSA key's modulus and exponent, as encoded.
    pub rsa: Option<(Vec<u8>, Vec<u8>)>,
    pub kind: KeyKind,
}

/// Everything the checks read of one certificate, decoded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCert {
    pub version: Version,
    /// The serial number as encoded.
    pub serial: Vec<u8>,
    pub subject: Name,
    pub issuer: Name,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// The TBSCertificate (what is signed), whole, and the signatureAlgorithm's contents; `None`
    /// when the outer structure cannot be re-read (then no signature is checked).
    pub tbs: Option<Vec<u8>>,
    pub signature_algorithm_der: Option<Vec<u8>>,
    pub signature_algorithm: Oid<'static>,
    pub signature: Vec<u8>,
    pub key: Spki,
    pub extensions: Vec<Extension>,
}

#[cfg(test)]
thread_local! {
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many certificates this thread decoded so far (tests count the parses of one check).
#[cfg(test)]
pub(crate) fn parses() -> usize {
    PARSES.with(std::cell::Cell::get)
}

impl ParsedCert {
    /// Decode one DER certificate. `Err` carries a short reason (no certificate bytes).
    pub fn from_der(der: &[u8]) -> Result<ParsedCert, String> {
        Self::from_der_with_rest(der).map(|(c, _)| c)
    }

    /// Decode the DER certificate at the start of `der`; also what follows it.
    pub fn from_der_with_rest(der: &[u8]) -> Result<(ParsedCert, &[u8]), String> {
        #[cfg(test)]
        PARSES.with(|n| n.set(n.get() + 1));
        decode::certificate(der).map_err(|e| format!("a certificate with {e}"))
    }

    /// The extension of this OID when the certificate has exactly one (none when absent or
    /// repeated, as x509-parser's `get_extension_unique`).
    fn unique(&self, oid: &Oid<'_>) -> Option<&Ext> {
        let mut found = self.extensions.iter().filter(|e| e.oid == *oid);
        let first = found.next()?;
        match found.next() {
            Some(_) => None,
            None => Some(&first.parsed),
        }
    }

    /// basicConstraints (CA, pathLenConstraint), when present once and readable.
    pub fn basic_constraints(&self) -> Option<(bool, Option<u32>)> {
        match self.unique(&oid!(2.5.29.19))? {
            Ext::BasicConstraints { ca, path_len } => Some((*ca, *path_len)),
            _ => None,
        }
    }

    /// keyUsage, when present once and readable.
    pub fn key_usage(&self) -> Option<KeyUsageBits> {
        match self.unique(&oid!(2.5.29.15))? {
            Ext::KeyUsage(ku) => Some(*ku),
            _ => None,
        }
    }

    /// The extended key usages, when the extension is present once and readable.
    pub fn extended_key_usage(&self) -> Option<&[Eku]> {
        match self.unique(&oid!(2.5.29.37))? {
            Ext::ExtendedKeyUsage { usages, .. } => Some(usages),
            _ => None,
        }
    }

    /// The subjectAltNames, when the extension is present once and readable.
    pub fn subject_alt_names(&self) -> Option<&[GeneralName]> {
        match self.unique(&oid!(2.5.29.17))? {
            Ext::SubjectAltName(names) => Some(names),
            _ => None,
        }
    }

    /// The subject's common names that decode as strings.
    pub fn subject_common_names(&self) -> Vec<String> {
        self.subject.texts(&oid!(2.5.4.3))
    }

    /// The issuer's common names that decode as strings.
    pub fn issuer_common_names(&self) -> Vec<String> {
        self.issuer.texts(&oid!(2.5.4.3))
    }

    /// The issuer's organizations that decode as strings.
    pub fn issuer_organizations(&self) -> Vec<String> {
        self.issuer.texts(&oid!(2.5.4.10))
    }

    /// Subject and issuer are the same name (compared as DER).
    pub fn self_issued(&self) -> bool {
        self.subject.raw == self.issuer.raw
    }
}

/// Bits of a big-endian unsigned integer (leading zero bytes and bits not counted).
pub(crate) fn bit_len(be: &[u8]) -> u32 {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    match be.get(start) {
        Some(&b) => u32::try_from((be.len() - start) * 8).unwrap_or(u32::MAX) - b.leading_zeros(),
        None => 0,
    }
}
