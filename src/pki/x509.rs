//! The one decoding of a certificate: x509-parser reads the DER once per PEM block
//! ([`ParsedCert::from_der`]), and everything the checks need is kept, owned, in a
//! [`ParsedCert`]: names (raw and decoded), the key, the usages, validity, the constraints, the
//! signature parts and every extension in order. The summary, the key match, the chain walk, the
//! OpenSSL, BoringSSL and Go rules and the page cards all read it, as webpki's checks read its
//! `Cert` (`cert.rs`). Only webpki itself (the verdict, `verify::decide`, and host names,
//! `names`) decodes the DER again, inside its own API.

use super::facts::{Eku, KeyKind};
use x509_parser::der_parser::oid;
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::*;

/// A decoded name: its DER (what decisions compare), its display text (what people read) and
/// its attributes in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub raw: Vec<u8>,
    /// x509-parser's rendering (`CN=…, O=…`), not yet escaped for display.
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
    /// The value as a string, when x509-parser reads it as one.
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

/// One extension: its OID, criticality and value, and what x509-parser made of it.
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
    KeyUsage(KeyUsage),
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
    /// x509-parser knows the extension and could not decode it.
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
    pub version: X509Version,
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
        #[cfg(test)]
        PARSES.with(|n| n.set(n.get() + 1));
        let (_, c) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
        let raw = raw_parts(der);
        Ok(ParsedCert {
            version: c.version(),
            serial: c.raw_serial().to_vec(),
            subject: name(c.subject()),
            issuer: name(c.issuer()),
            not_before: c.validity().not_before.timestamp(),
            not_after: c.validity().not_after.timestamp(),
            tbs: raw.map(|(tbs, _, _)| tbs.to_vec()),
            signature_algorithm_der: raw.map(|(_, sig, _)| alg_contents(sig)),
            signature_algorithm: c.signature_algorithm.algorithm.to_owned(),
            signature: c.signature_value.data.to_vec(),
            key: spki(c.public_key(), raw.map(|(_, _, alg)| alg_contents(alg))),
            extensions: c.extensions().iter().map(extension).collect(),
        })
    }

    /// The extension of this OID when the certificate has exactly one (x509-parser's
    /// `get_extension_unique`: none when absent or repeated).
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
    pub fn key_usage(&self) -> Option<KeyUsage> {
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

fn name(n: &X509Name<'_>) -> Name {
    Name {
        raw: n.as_raw().to_vec(),
        display: n
            .to_string_with_registry(super::oid_names::registry())
            .unwrap_or_else(|_| "<X509Error: Invalid X.509 name>".to_owned()),
        attributes: n
            .iter_attributes()
            .map(|a| Attribute {
                oid: a.attr_type().to_owned(),
                tag: a.attr_value().tag().0,
                data: a.attr_value().data.to_vec(),
                text: a.as_str().ok().map(str::to_owned),
            })
            .collect(),
    }
}

fn general_name(n: &x509_parser::extensions::GeneralName<'_>) -> GeneralName {
    use x509_parser::extensions::GeneralName as G;
    match n {
        G::DNSName(d) => GeneralName::Dns((*d).to_owned()),
        G::RFC822Name(e) => GeneralName::Rfc822((*e).to_owned()),
        G::URI(u) => GeneralName::Uri((*u).to_owned()),
        G::IPAddress(ip) => GeneralName::Ip(ip.to_vec()),
        G::DirectoryName(dn) => GeneralName::Directory(dn.as_raw().to_vec()),
        G::OtherName(..)
        | G::X400Address(_)
        | G::EDIPartyName(_)
        | G::RegisteredID(_)
        | G::Invalid(..) => GeneralName::Other,
    }
}

fn extension(e: &X509Extension<'_>) -> Extension {
    let bases = |subtrees: &Option<Vec<GeneralSubtree<'_>>>| {
        subtrees
            .iter()
            .flatten()
            .map(|s| general_name(&s.base))
            .collect()
    };
    let parsed = match e.parsed_extension() {
        ParsedExtension::SubjectKeyIdentifier(k) => Ext::SubjectKeyId(k.0.to_vec()),
        ParsedExtension::AuthorityKeyIdentifier(a) => Ext::AuthorityKeyId {
            key_id: a.key_identifier.as_ref().map(|k| k.0.to_vec()),
            serial: a.authority_cert_serial.map(<[u8]>::to_vec),
            issuer: a
                .authority_cert_issuer
                .iter()
                .flatten()
                .find_map(|n| match n {
                    x509_parser::extensions::GeneralName::DirectoryName(dn) => {
                        Some(dn.as_raw().to_vec())
                    }
                    _ => None,
                }),
        },
        ParsedExtension::KeyUsage(ku) => Ext::KeyUsage(*ku),
        ParsedExtension::ExtendedKeyUsage(eku) => Ext::ExtendedKeyUsage {
            usages: Eku::of(eku),
            server_auth: eku.server_auth,
            client_auth: eku.client_auth,
        },
        ParsedExtension::BasicConstraints(bc) => Ext::BasicConstraints {
            ca: bc.ca,
            path_len: bc.path_len_constraint,
        },
        ParsedExtension::SubjectAlternativeName(san) => {
            Ext::SubjectAltName(san.general_names.iter().map(general_name).collect())
        }
        ParsedExtension::NameConstraints(nc) => Ext::NameConstraints {
            permitted: bases(&nc.permitted_subtrees),
            excluded: bases(&nc.excluded_subtrees),
        },
        ParsedExtension::ParseError { .. } => Ext::ParseError,
        _ => Ext::Other,
    };
    Extension {
        oid: e.oid.to_owned(),
        critical: e.critical,
        value: e.value.to_vec(),
        parsed,
    }
}

fn spki(spki: &SubjectPublicKeyInfo<'_>, algorithm_der: Option<Vec<u8>>) -> Spki {
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.as_bytes().to_vec());
    let parsed = spki.parsed();
    // x509-parser's `key_size` counts bytes (a leading zero makes a DSA key "2056 bits", and
    // an RSA modulus without one loses its top byte), so the sizes are counted here: the RSA
    // modulus, and the DSA prime p of the parameters (the size OpenSSL reports).
    let bits = match &parsed {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => bit_len(rsa.modulus),
        Ok(x509_parser::public_key::PublicKey::DSA(_)) => spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| dsa_prime_bits(p.as_bytes()))
            .unwrap_or(0),
        Ok(_) | Err(_) => 0,
    };
    let rsa = match &parsed {
        Ok(x509_parser::public_key::PublicKey::RSA(k)) => {
            Some((k.modulus.to_vec(), k.exponent.to_vec()))
        }
        _ => None,
    };
    Spki {
        algorithm: spki.algorithm.algorithm.to_owned(),
        algorithm_der: algorithm_der.unwrap_or_default(),
        kind: KeyKind::from_spki_oid(&spki.algorithm.algorithm, bits, curve.as_deref()),
        curve,
        key: spki.subject_public_key.data.to_vec(),
        rsa,
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

/// The size of p in DSA parameters (`Dss-Parms ::= SEQUENCE { p, q, g }`, RFC 3279), given
/// the contents of that SEQUENCE.
fn dsa_prime_bits(params: &[u8]) -> Option<u32> {
    use x509_parser::der_parser::der::parse_der_integer;
    let (_, p) = parse_der_integer(params).ok()?;
    Some(bit_len(p.as_slice().ok()?))
}

/// The DER of an AlgorithmIdentifier's contents (OID + parameters), as webpki compares them.
fn alg_contents(raw: &[u8]) -> Vec<u8> {
    // raw is the whole SEQUENCE; strip tag and length.
    match raw.get(1) {
        Some(&l) if l < 0x80 => raw.get(2..).unwrap_or_default().to_vec(),
        Some(&l) => raw
            .get(2 + usize::from(l & 0x7f)..)
            .unwrap_or_default()
            .to_vec(),
        None => Vec::new(),
    }
}

/// A DER TLV split as (tag, contents, whole TLV, what follows).
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

fn tlv(d: &[u8]) -> Option<Tlv<'_>> {
    let tag = *d.first()?;
    let l0 = *d.get(1)?;
    let (len, hdr) = if l0 < 0x80 {
        (usize::from(l0), 2)
    } else {
        let n = usize::from(l0 & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*d.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    let whole = d.get(..end)?;
    Some((tag, d.get(hdr..end)?, whole, d.get(end..)?))
}

/// The raw TBSCertificate (what is signed), signatureAlgorithm and
/// subjectPublicKeyInfo.algorithm of a certificate, found by re-reading the outer structure
/// (x509-parser does not keep the raw AlgorithmIdentifiers).
fn raw_parts(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (_, cert, _, _) = tlv(der)?;
    let (_, tbs, tbs_whole, rest) = tlv(cert)?;
    let (_, _, sig_alg, _) = tlv(rest)?;
    // TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, ...
    let mut fields = tbs;
    let (tag, _, _, r) = tlv(fields)?;
    if tag == 0xa0 {
        fields = r;
    }
    for _ in 0..5 {
        let (_, _, _, r) = tlv(fields)?;
        fields = r;
    }
    let (_, spki, _, _) = tlv(fields)?;
    let (_, _, spki_alg, _) = tlv(spki)?;
    Some((tbs_whole, sig_alg, spki_alg))
}
