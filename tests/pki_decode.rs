//! `pki::decode`, the page's and the CLI's reading of certificates since issue 26, against
//! x509-parser's, which it replaced: every field of every certificate of x509-limbo, of the test
//! PEM files, of the demo set, of made ones, and of thousands of damaged copies of them (cut
//! short, or one byte changed). Where the two differ, the difference must be one this reader
//! makes on purpose (`expected`), each with its reason.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::pki::facts::{Eku, KeyKind, KeyUsageBits};
use istio_alb::pki::x509::{
    Attribute, Ext, Extension, GeneralName, Name, ParsedCert, Spki, Version,
};
use std::collections::BTreeMap;
use std::path::Path;
use x509_parser::der_parser::oid;
use x509_parser::prelude::*;

/// x509-parser's reading, mapped as `pki::x509` mapped it before issue 26.
fn theirs(der: &[u8]) -> Result<ParsedCert, String> {
    let (_, c) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let raw = raw_parts(der);
    Ok(ParsedCert {
        version: Version(c.version().0),
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

fn eku_of(eku: &x509_parser::extensions::ExtendedKeyUsage<'_>) -> Vec<Eku> {
    let flags = [
        (eku.any, Eku::Any),
        (eku.server_auth, Eku::ServerAuth),
        (eku.client_auth, Eku::ClientAuth),
        (eku.code_signing, Eku::CodeSigning),
        (eku.email_protection, Eku::EmailProtection),
        (eku.time_stamping, Eku::TimeStamping),
        (eku.ocsp_signing, Eku::OcspSigning),
    ];
    let mut v: Vec<Eku> = flags
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, e)| e)
        .collect();
    v.extend(
        eku.other
            .iter()
            .map(|o| Eku::Other(o.to_id_string().chars().take(64).collect())),
    );
    v
}

fn name(n: &X509Name<'_>) -> Name {
    Name {
        raw: n.as_raw().to_vec(),
        display: n
            .to_string_with_registry(x509_parser::objects::oid_registry())
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
        ParsedExtension::KeyUsage(ku) => Ext::KeyUsage(KeyUsageBits { flags: ku.flags }),
        ParsedExtension::ExtendedKeyUsage(eku) => Ext::ExtendedKeyUsage {
            usages: eku_of(eku),
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
    // (x509-parser's `as_oid` did not look at the tag: an RSA key's NULL parameters read as an
    // empty curve, explicit EC parameters as a curve of nonsense; pki::decode reads an OID only,
    // so a key with explicit parameters is an EC key on an unnamed curve.)
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .filter(|p| p.tag() == x509_parser::der_parser::asn1_rs::Tag::Oid)
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
fn bit_len(be: &[u8]) -> u32 {
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

// --- the corpus ----------------------------------------------------------------------------------

/// Every certificate of x509-limbo, of the PEM files under tests/, of the demo set and of the
/// made fixtures, by where it comes from.
fn corpus() -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut add_pem = |origin: &str, text: &str| {
        for (i, p) in ::pem::parse_many(text)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            if p.tag() == "CERTIFICATE" {
                all.insert(format!("{origin}#{i}"), p.contents().to_vec());
            }
        }
    };
    let limbo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/x509-limbo/limbo.json");
    let limbo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&limbo).expect("../shared/x509-limbo"))
            .expect("limbo.json");
    for c in limbo["testcases"].as_array().expect("testcases") {
        let id = c["id"].as_str().unwrap_or("?");
        for key in ["trusted_certs", "untrusted_intermediates"] {
            for (i, pem) in c[key].as_array().into_iter().flatten().enumerate() {
                add_pem(
                    &format!("limbo {id} {key}[{i}]"),
                    pem.as_str().unwrap_or(""),
                );
            }
        }
        add_pem(
            &format!("limbo {id} peer"),
            c["peer_certificate"].as_str().unwrap_or(""),
        );
    }
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("tests/").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "pem" || x == "crt") {
                files.push(p);
            }
        }
    }
    for f in files {
        if let Ok(text) = std::fs::read_to_string(&f) {
            add_pem(&f.display().to_string(), &text);
        }
    }
    for (input, text) in istio_alb::demo::cert_inputs().iter() {
        add_pem(&format!("demo {input:?}"), text);
    }
    all
}

/// x509-parser's reading, with what this reader deliberately does not keep: an extension that
/// no check reads nor Go parses is `Other` even when x509-parser could not decode it.
fn normalised(mut c: ParsedCert) -> ParsedCert {
    let read = [
        oid!(2.5.29.14),
        oid!(2.5.29.35),
        oid!(2.5.29.15),
        oid!(2.5.29.37),
        oid!(2.5.29.19),
        oid!(2.5.29.17),
        oid!(2.5.29.30),
        oid!(2.5.29.31),
        oid!(2.5.29.32),
        oid!(2.5.29.33),
        oid!(2.5.29.36),
        oid!(2.5.29.54),
        oid!(1.3.6.1.5.5.7.1.1),
    ];
    for e in &mut c.extensions {
        if e.parsed == Ext::ParseError && !read.contains(&e.oid) {
            e.parsed = Ext::Other;
        }
    }
    c
}

/// How the two readings of one certificate compare.
#[derive(Debug)]
enum Outcome {
    Agree,
    OnlyOurs(String),
    OnlyTheirs(String),
    /// Both read it: the fields that differ (an extension by its OID).
    Differ(Vec<String>),
}

fn differences(a: &ParsedCert, b: &ParsedCert) -> Vec<String> {
    let mut d = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => {$(
            if a.$f != b.$f {
                d.push(stringify!($f).to_owned());
            }
        )*};
    }
    cmp!(
        version,
        serial,
        subject,
        issuer,
        not_before,
        not_after,
        tbs,
        signature_algorithm_der
    );
    cmp!(signature_algorithm, signature);
    if a.key.curve != b.key.curve || a.key.kind != b.key.kind && a.key.rsa == b.key.rsa {
        d.push("key.curve".to_owned());
    }
    if a.key.rsa != b.key.rsa {
        d.push("key.rsa".to_owned());
    }
    if (&a.key.algorithm, &a.key.algorithm_der, &a.key.key)
        != (&b.key.algorithm, &b.key.algorithm_der, &b.key.key)
    {
        d.push("key".to_owned());
    }
    if a.extensions.len() != b.extensions.len() {
        d.push("extensions".to_owned());
    } else {
        for (x, y) in a.extensions.iter().zip(&b.extensions) {
            if x.parsed != Ext::ParseError && y.parsed == Ext::ParseError {
                // Never explained: pki::decode may not read what x509-parser could not.
                d.push(format!("a readable extension {}", x.oid.to_id_string()));
            } else if x != y {
                d.push(format!("extension {}", x.oid.to_id_string()));
            }
        }
    }
    d
}

fn compare(der: &[u8]) -> Outcome {
    match (ParsedCert::from_der(der), theirs(der).map(normalised)) {
        (Ok(ours), Ok(theirs)) => {
            let d = differences(&ours, &theirs);
            if d.is_empty() {
                Outcome::Agree
            } else {
                Outcome::Differ(d)
            }
        }
        (Err(_), Err(_)) => Outcome::Agree,
        (Ok(_), Err(e)) => Outcome::OnlyOurs(e),
        (Err(e), Ok(_)) => Outcome::OnlyTheirs(e),
    }
}

// --- the referee for damaged certificates --------------------------------------------------------

/// Whether RustCrypto's strict DER decoders of RFC 5280 (x509-cert, pkcs1) also find `field` of
/// the certificate malformed: the whole certificate, one extension's value, or the RSA key.
fn strict_refuses(der: &[u8], field: &str) -> bool {
    use x509_cert::der::{Decode, Tagged};
    use x509_cert::ext::pkix::{self, name::GeneralNames};
    let Ok(cert) = x509_cert::Certificate::from_der(der) else {
        return true;
    };
    let tbs = cert.tbs_certificate();
    if let Some(oid) = field.strip_prefix("extension ") {
        let Some(ext) = tbs
            .extensions()
            .into_iter()
            .flatten()
            .find(|e| e.extn_id.to_string() == oid)
        else {
            return false;
        };
        let v = ext.extn_value.as_bytes();
        return match oid {
            "2.5.29.14" => pkix::SubjectKeyIdentifier::from_der(v).is_err(),
            "2.5.29.35" => pkix::AuthorityKeyIdentifier::from_der(v).is_err(),
            "2.5.29.15" => pkix::KeyUsage::from_der(v).is_err(),
            "2.5.29.37" => pkix::ExtendedKeyUsage::from_der(v).is_err(),
            "2.5.29.19" => pkix::BasicConstraints::from_der(v).is_err(),
            "2.5.29.17" => GeneralNames::from_der(v).is_err(),
            "2.5.29.30" => pkix::NameConstraints::from_der(v).is_err(),
            "2.5.29.31" => pkix::CrlDistributionPoints::from_der(v).is_err(),
            "2.5.29.32" => pkix::CertificatePolicies::from_der(v).is_err(),
            "2.5.29.33" => pkix::PolicyMappings::from_der(v).is_err(),
            "2.5.29.36" => pkix::PolicyConstraints::from_der(v).is_err(),
            "2.5.29.54" => pkix::InhibitAnyPolicy::from_der(v).is_err(),
            "1.3.6.1.5.5.7.1.1" => pkix::AuthorityInfoAccessSyntax::from_der(v).is_err(),
            _ => false,
        };
    }
    let spki = tbs.subject_public_key_info();
    match field {
        "key.rsa" => spki
            .subject_public_key
            .as_bytes()
            .is_none_or(|k| rsa::pkcs1::RsaPublicKeyRef::from_der(k).is_err()),
        // The key's parameters are not a named curve's OID.
        "key.curve" => spki
            .algorithm
            .parameters
            .as_ref()
            .is_some_and(|p| p.tag() != x509_cert::der::Tag::ObjectIdentifier),
        _ => false,
    }
}

/// A name whose attribute values are not all of a universal string type, whose display then
/// differs: x509-parser read a value by its tag number alone, so `[19]` passed for a
/// PrintableString; pki::decode shows such a value in hex, as any non-string.
fn has_non_universal_value(der: &[u8]) -> bool {
    use x509_cert::der::{Decode, Tagged};
    x509_cert::Certificate::from_der(der).is_ok_and(|c| {
        let tbs = c.tbs_certificate();
        [tbs.subject(), tbs.issuer()].into_iter().any(|n| {
            n.iter()
                .any(|atv| atv.value.tag().class() != x509_cert::der::Class::Universal)
        })
    })
}

#[test]
fn every_certificate_reads_as_x509_parser_read_it() {
    let corpus = corpus();
    assert!(
        corpus.len() > 300,
        "the corpus: {} certificates",
        corpus.len()
    );
    let bad: Vec<String> = corpus
        .iter()
        .filter_map(|(origin, der)| match compare(der) {
            Outcome::Agree => None,
            other => Some(format!("{origin}: {other:?}")),
        })
        .collect();
    println!("{} certificates compared", corpus.len());
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Damaged copies (cut short, or one byte changed) of every certificate: where the readers
/// differ, pki::decode is the stricter one (it never reads a certificate or an extension that
/// x509-parser could not), and only where RustCrypto's strict decoders refuse that part too (the
/// certificate, the extension, the RSA key, a curve that is not an OID), or where a name has a
/// value that is not of a universal type.
#[test]
fn damaged_certificates_read_as_x509_parser_read_them_or_stricter() {
    let corpus = corpus();
    let (mut n, mut stricter) = (0, 0);
    let mut bad = Vec::new();
    for (origin, der) in corpus.iter().step_by(7) {
        let mut copies: Vec<(String, Vec<u8>)> = (0..der.len())
            .step_by(17)
            .map(|l| (format!("cut at {l}"), der[..l].to_vec()))
            .collect();
        for i in (0..der.len()).step_by(23) {
            for (how, f) in [("+1", 1u8), ("^0x80", 0x80), ("^0xff", 0xff)] {
                let mut d = der.clone();
                d[i] = if how == "+1" {
                    d[i].wrapping_add(f)
                } else {
                    d[i] ^ f
                };
                copies.push((format!("byte {i} {how}"), d));
            }
        }
        for (how, d) in copies {
            n += 1;
            let problem = match compare(&d) {
                Outcome::Agree => None,
                Outcome::OnlyOurs(e) => Some(format!("only ours reads it (x509-parser: {e})")),
                Outcome::OnlyTheirs(e) => {
                    stricter += 1;
                    (!strict_refuses(&d, "certificate"))
                        .then(|| format!("only x509-parser reads it, as x509-cert does ({e})"))
                }
                Outcome::Differ(fields) => {
                    stricter += 1;
                    let unexplained: Vec<&String> = fields
                        .iter()
                        .filter(|f| {
                            !(strict_refuses(&d, f)
                                || (f.as_str() == "subject" || f.as_str() == "issuer")
                                    && has_non_universal_value(&d))
                        })
                        .collect();
                    (!unexplained.is_empty())
                        .then(|| format!("both read it; {unexplained:?} differ"))
                }
            };
            if let Some(p) = problem {
                bad.push(format!("{origin} {how}: {p}"));
            }
        }
    }
    println!("{n} damaged copies compared; pki::decode stricter on {stricter}, each explained");
    assert!(n > 20_000, "{n} damaged copies");
    assert!(
        bad.is_empty(),
        "{} unexplained differences; the first 40:\n{}",
        bad.len(),
        bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
