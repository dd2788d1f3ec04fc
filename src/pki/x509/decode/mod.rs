//! The reading of a certificate's DER into a [`ParsedCert`]: what the checks keep of it, read
//! once per PEM block (issue 26, part 4).
//!
//! The certificate structure of RFC 5280 §4.1, walked over DER's tag-length-value encoding:
//! single-byte tags, definite and minimal lengths, nothing after the last field of a SEQUENCE.
//! It replaces x509-parser and its ASN.1 stack (`der-parser`, `asn1-rs`'s decoders, `nom`),
//! about 76 KB of code in the page's first wasm module for the handful of fields read here.
//!
//! `tests/pki_decode.rs` compares every field with x509-parser's reading: they are equal for
//! every certificate of x509-limbo, of the tests and of the demo. On damaged copies this reader
//! is at times the stricter one (a tag of the wrong class, which x509-parser took by its number
//! alone; a length not in its shortest form; a name or a list cut short, which x509-parser read
//! up to the damage), and then only where RustCrypto's strict decoders of the same structures
//! (`x509-cert`, `pkcs1`) refuse that part too. x509-parser's leniencies kept here: any version
//! number, a serial of any length and sign, a `critical` BOOLEAN of any non-zero byte, an empty
//! extension list, a name attribute value of any type, an extension list or name constraint
//! read as x509-parser read it (`extensions`).

mod extensions;

use super::{Attribute, Extension, Name, ParsedCert, Spki, Version};
use crate::pki::facts::KeyKind;
use oid_registry::{OID_KEY_TYPE_DSA, OID_PKCS1_RSAENCRYPTION, Oid};
use std::borrow::Cow;

/// Why a certificate could not be read: short, for a finding's detail.
type Res<T> = Result<T, &'static str>;

const BOOLEAN: u8 = 0x01;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;

/// One TLV: its tag byte, its contents and the whole encoding.
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    whole: &'a [u8],
}

/// The TLV at the start of `d`, and what follows it.
fn tlv(d: &[u8]) -> Res<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = d.split_first().ok_or("truncated")?;
    if tag & 0x1f == 0x1f {
        return Err("a multi-byte tag");
    }
    let (&l0, rest) = rest.split_first().ok_or("truncated")?;
    let (len, rest) = match l0 {
        0..=0x7f => (usize::from(l0), rest),
        0x80 => return Err("an indefinite length"),
        _ => {
            let n = usize::from(l0 & 0x7f);
            let bytes = rest.get(..n).ok_or("truncated")?;
            if n > 4 || bytes[0] == 0 {
                return Err("a length that is not in its shortest form");
            }
            let len = bytes.iter().fold(0usize, |a, &b| (a << 8) | usize::from(b));
            if len < 0x80 {
                return Err("a length that is not in its shortest form");
            }
            (len, &rest[n..])
        }
    };
    let content = rest.get(..len).ok_or("truncated")?;
    let whole_len = d.len() - rest.len() + len;
    Ok((
        Tlv {
            tag,
            content,
            whole: &d[..whole_len],
        },
        &rest[len..],
    ))
}

/// The fields of a constructed value, read in order.
#[derive(Clone, Copy)]
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn next(&mut self) -> Res<Tlv<'a>> {
        let (t, rest) = tlv(self.0)?;
        self.0 = rest;
        Ok(t)
    }

    fn expect(&mut self, tag: u8, what: &'static str) -> Res<Tlv<'a>> {
        let t = self.next()?;
        if t.tag == tag { Ok(t) } else { Err(what) }
    }

    /// The next field when it has this tag (an OPTIONAL or DEFAULT field), else nothing read.
    fn optional(&mut self, tag: u8) -> Res<Option<Tlv<'a>>> {
        match self.0.first() {
            Some(&t) if t == tag => self.next().map(Some),
            _ => Ok(None),
        }
    }

    fn end(&self, what: &'static str) -> Res<()> {
        if self.0.is_empty() { Ok(()) } else { Err(what) }
    }
}

/// The contents of `d`'s one TLV of this tag (anything after it is ignored, as x509-parser's
/// extension readers ignore it).
fn only(d: &[u8], tag: u8) -> Option<Tlv<'_>> {
    tlv(d).ok().map(|(t, _)| t).filter(|t| t.tag == tag)
}

fn oid(t: Tlv<'_>) -> Res<Oid<'static>> {
    if t.content.is_empty() || t.content.last().is_some_and(|b| b & 0x80 != 0) {
        return Err("a malformed object identifier");
    }
    Ok(Oid::new(Cow::Owned(t.content.to_vec())))
}

/// A non-negative INTEGER's value when it fits a u32.
fn small_uint(t: Tlv<'_>) -> Option<u32> {
    let c = t.content;
    if t.tag != INTEGER || c.is_empty() || c[0] & 0x80 != 0 {
        return None;
    }
    let digits = if c[0] == 0 { &c[1..] } else { c };
    (digits.len() <= 4).then(|| digits.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)))
}

/// A BIT STRING's bits (after the unused-bits octet, whose bits DER sets to zero).
fn bits(t: Tlv<'_>) -> Res<&[u8]> {
    match t.content.split_first() {
        Some((&0, data)) => Ok(data),
        Some((&unused, data))
            if unused < 8 && data.last().is_some_and(|b| b & ((1 << unused) - 1) == 0) =>
        {
            Ok(data)
        }
        _ => Err("a malformed BIT STRING"),
    }
}

/// A BOOLEAN's value: one octet, any non-zero one true (BER's rule, which x509-parser kept).
fn boolean(t: Tlv<'_>) -> Option<bool> {
    (t.tag == BOOLEAN && t.content.len() == 1).then(|| t.content[0] != 0)
}

/// An INTEGER's contents in DER: not empty, no needless leading octet.
fn der_integer(t: Tlv<'_>) -> Option<&[u8]> {
    let c = t.content;
    let needless = c.len() > 1 && matches!((c[0], c[1] & 0x80), (0, 0) | (0xff, 0x80));
    (t.tag == INTEGER && !c.is_empty() && !needless).then_some(c)
}

/// Decode one DER certificate; also what follows it.
pub(super) fn certificate(der: &[u8]) -> Res<(ParsedCert, &[u8])> {
    let (cert, after) = tlv(der)?;
    if cert.tag != SEQUENCE {
        return Err("not a SEQUENCE");
    }
    let mut c = Fields(cert.content);
    let tbs = c.expect(SEQUENCE, "no TBSCertificate")?;
    let sig_alg = c.expect(SEQUENCE, "no signatureAlgorithm")?;
    let signature = bits(c.expect(BIT_STRING, "no signatureValue")?)?;
    c.end("data after the signature")?;

    let mut t = Fields(tbs.content);
    let version = match t.optional(0xa0)? {
        Some(v) => {
            let mut f = Fields(v.content);
            let n = small_uint(f.next()?).ok_or("a version that is not a small INTEGER")?;
            f.end("data after the version")?;
            Version(n)
        }
        None => Version::V1,
    };
    let serial = t.expect(INTEGER, "no serial number")?;
    if serial.content.is_empty() {
        return Err("an empty serial number");
    }
    algorithm(t.expect(SEQUENCE, "no signature algorithm in the TBSCertificate")?)?;
    let issuer = name(t.expect(SEQUENCE, "no issuer")?)?;
    let mut validity = Fields(t.expect(SEQUENCE, "no validity")?.content);
    let not_before = time(validity.next()?)?;
    let not_after = time(validity.next()?)?;
    validity.end("data after the validity")?;
    let subject = name(t.expect(SEQUENCE, "no subject")?)?;
    let key = spki(t.expect(SEQUENCE, "no subjectPublicKeyInfo")?)?;
    for unique_id in [0x81, 0xa1, 0x82, 0xa2] {
        t.optional(unique_id)?;
    }
    let extensions = match t.optional(0xa3)? {
        Some(e) => {
            let mut f = Fields(e.content);
            let list = f.expect(SEQUENCE, "extensions that are not a SEQUENCE")?;
            f.end("data after the extensions")?;
            extensions(list.content)?
        }
        None => Vec::new(),
    };
    t.end("data after the extensions")?;

    let (signature_algorithm, _) = algorithm(sig_alg)?;
    Ok((
        ParsedCert {
            version,
            serial: serial.content.to_vec(),
            subject,
            issuer,
            not_before,
            not_after,
            tbs: Some(tbs.whole.to_vec()),
            signature_algorithm_der: Some(sig_alg.content.to_vec()),
            signature_algorithm,
            signature: signature.to_vec(),
            key,
            extensions,
        },
        after,
    ))
}

/// An AlgorithmIdentifier: its OID and its parameters, if any.
fn algorithm(t: Tlv<'_>) -> Res<(Oid<'static>, Option<Tlv<'_>>)> {
    let mut f = Fields(t.content);
    let oid = oid(f.expect(OID, "an algorithm without an OID")?)?;
    let params = if f.is_empty() { None } else { Some(f.next()?) };
    f.end("data after an algorithm's parameters")?;
    Ok((oid, params))
}

/// Name ::= SEQUENCE OF RelativeDistinguishedName (a non-empty SET OF AttributeTypeAndValue).
fn name(t: Tlv<'_>) -> Res<Name> {
    let mut rdns = Fields(t.content);
    let mut attributes = Vec::new();
    let mut display: Option<String> = Some(String::new());
    while !rdns.is_empty() {
        let mut set = Fields(rdns.expect(SET, "a name part that is not a SET")?.content);
        if set.is_empty() {
            return Err("an empty name part");
        }
        let mut part: Option<String> = Some(String::new());
        while !set.is_empty() {
            let mut atv = Fields(set.expect(SEQUENCE, "a malformed name attribute")?.content);
            let oid = oid(atv.expect(OID, "a name attribute without a type")?)?;
            let value = atv.next()?;
            atv.end("data after a name attribute")?;
            part = part.zip(display_value(value)).map(|(mut p, v)| {
                if !p.is_empty() {
                    p.push_str(" + ");
                }
                p.push_str(&crate::pki::oid_names::abbreviation(&oid));
                p.push('=');
                p.push_str(&v);
                p
            });
            attributes.push(Attribute {
                tag: u32::from(value.tag & 0x1f),
                data: value.content.to_vec(),
                text: matches!(value.tag, 0x12 | 0x13 | 0x0c | 0x16)
                    .then(|| std::str::from_utf8(value.content).ok().map(str::to_owned))
                    .flatten(),
                oid,
            });
        }
        display = display.zip(part).map(|(mut d, p)| {
            if !d.is_empty() {
                d.push_str(", ");
            }
            d.push_str(&p);
            d
        });
    }
    Ok(Name {
        raw: t.whole.to_vec(),
        display: display.unwrap_or_else(|| "<X509Error: Invalid X.509 name>".to_owned()),
        attributes,
    })
}

/// An attribute value as x509-parser displays it: the text of a string type, a BMPString
/// decoded, anything else as upper-case hex; `None` (the whole name then has no display) for a
/// string that is not UTF-8.
fn display_value(v: Tlv<'_>) -> Option<String> {
    match v.tag {
        0x12 | 0x1a | 0x13 | 0x1b | 0x07 | 0x19 | 0x14 | 0x15 | 0x0c | 0x16 => {
            std::str::from_utf8(v.content).ok().map(str::to_owned)
        }
        0x1e => {
            if !v.content.len().is_multiple_of(2) {
                return None;
            }
            let units = v
                .content
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => Some(v.content.iter().map(|b| format!("{b:02X}")).collect()),
    }
}

/// UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5), in Unix
/// seconds.
fn time(t: Tlv<'_>) -> Res<i64> {
    let digits = |s: &[u8]| -> Option<i64> {
        s.iter().try_fold(0i64, |a, &b| {
            b.is_ascii_digit().then(|| a * 10 + i64::from(b - b'0'))
        })
    };
    let (year, rest) = match (t.tag, t.content.len()) {
        (UTC_TIME, 13) => {
            let yy = digits(&t.content[..2]).ok_or("a malformed time")?;
            (
                if yy >= 50 { 1900 + yy } else { 2000 + yy },
                &t.content[2..],
            )
        }
        (GENERALIZED_TIME, 15) => (
            digits(&t.content[..4]).ok_or("a malformed time")?,
            &t.content[4..],
        ),
        _ => return Err("a time that is not UTCTime or GeneralizedTime in UTC, to the second"),
    };
    let field = |i: usize| {
        digits(&rest[i..i + 2])
            .and_then(|v| u8::try_from(v).ok())
            .ok_or("a malformed time")
    };
    let (month, day, hour, minute, second) =
        (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if rest[10] != b'Z' {
        return Err("a malformed time");
    }
    // The calendar (days in each month, leap years) is the `time` crate's.
    let month = time::Month::try_from(month).map_err(|_| "a malformed time")?;
    let year = i32::try_from(year).map_err(|_| "a malformed time")?;
    let date = time::Date::from_calendar_date(year, month, day).map_err(|_| "a malformed time")?;
    let clock = time::Time::from_hms(hour, minute, second).map_err(|_| "a malformed time")?;
    Ok(date.with_time(clock).assume_utc().unix_timestamp())
}

/// SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }.
fn spki(t: Tlv<'_>) -> Res<Spki> {
    let mut f = Fields(t.content);
    let alg = f.expect(SEQUENCE, "a key without an algorithm")?;
    let (algorithm, params) = algorithm(alg)?;
    let key = bits(f.expect(BIT_STRING, "a key that is not a BIT STRING")?)?;
    f.end("data after the public key")?;
    let curve = params.filter(|p| p.tag == OID).map(|p| p.content.to_vec());
    let two_integers = |d: &[u8]| -> Option<(Vec<u8>, Vec<u8>)> {
        let s = only(d, SEQUENCE)?;
        let mut f = Fields(s.content);
        let a = der_integer(f.next().ok()?)?;
        let b = der_integer(f.next().ok()?)?;
        Some((a.to_vec(), b.to_vec()))
    };
    let rsa = (algorithm == OID_PKCS1_RSAENCRYPTION)
        .then(|| two_integers(key))
        .flatten();
    // The size OpenSSL reports: the RSA modulus, or the prime p of DSA parameters.
    let bits = match (&rsa, params) {
        (Some((n, _)), _) => super::bit_len(n),
        (None, Some(p)) if algorithm == OID_KEY_TYPE_DSA => {
            let mut f = Fields(if p.tag == SEQUENCE { p.content } else { &[] });
            f.expect(INTEGER, "")
                .map(|p| super::bit_len(p.content))
                .unwrap_or(0)
        }
        _ => 0,
    };
    Ok(Spki {
        kind: KeyKind::from_spki_oid(&algorithm, bits, curve.as_deref()),
        algorithm,
        algorithm_der: alg.content.to_vec(),
        curve,
        key: key.to_vec(),
        rsa,
    })
}

/// Extensions ::= SEQUENCE OF Extension (an empty one is read as none, as x509-parser did).
fn extensions(d: &[u8]) -> Res<Vec<Extension>> {
    let mut list = Fields(d);
    let mut out = Vec::new();
    while !list.is_empty() {
        let mut f = Fields(list.expect(SEQUENCE, "a malformed extension")?.content);
        let oid = oid(f.expect(OID, "an extension without an OID")?)?;
        let critical = match f.optional(BOOLEAN)? {
            Some(b) => boolean(b).ok_or("a malformed critical flag")?,
            None => false,
        };
        let value = f
            .expect(
                OCTET_STRING,
                "an extension value that is not an OCTET STRING",
            )?
            .content;
        f.end("data after an extension's value")?;
        out.push(Extension {
            parsed: extensions::read(&oid, value),
            oid,
            critical,
            value: value.to_vec(),
        });
    }
    Ok(out)
}
