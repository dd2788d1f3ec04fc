//! What a text without PEM blocks is: binary (DER, PKCS#12), base64 of DER or PKCS#12, or base64
//! of PEM (a Kubernetes secret's `data` value), so that the message can say what to do.

use super::PemError;
use crate::finding::Subject;
use base64::Engine as _;

/// What a pasted text without any PEM block looks like, to say what to do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unarmored {
    /// Bytes that are not text (a DER or PKCS#12 file read or pasted as text).
    Binary,
    /// Base64 without BEGIN/END lines that decodes to a PKCS#12 bundle.
    Pkcs12Base64,
    /// Base64 without BEGIN/END lines that decodes to DER.
    DerBase64,
    /// Text, but no PEM block in it.
    NoBlock,
}

/// The PEM text inside base64 (`LS0tLS1CRUdJTi...`), if that is what `text` is.
pub(super) fn base64_pem(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.starts_with("LS0tLS1") {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|s| s.contains("-----BEGIN"))
}

pub(super) fn classify_unarmored(text: &str) -> Unarmored {
    let binary = text
        .chars()
        .any(|c| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')));
    if binary {
        return Unarmored::Binary;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 16 && compact.chars().all(is_b64) {
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        if let Ok(der) = engine.decode(compact.as_bytes()) {
            if looks_like_pkcs12(&der) {
                return Unarmored::Pkcs12Base64;
            }
            if der.first() == Some(&0x30) {
                return Unarmored::DerBase64;
            }
        }
    }
    Unarmored::NoBlock
}

/// PKCS#12 (RFC 7292): `SEQUENCE { INTEGER 3, ContentInfo, ... }`.
fn looks_like_pkcs12(der: &[u8]) -> bool {
    if der.first() != Some(&0x30) {
        return false;
    }
    let header = match der.get(1) {
        Some(&l) if l < 0x80 => 2,
        Some(&l) => 2 + usize::from(l & 0x7f),
        None => return false,
    };
    der.get(header..header + 3) == Some(&[0x02, 0x01, 0x03][..])
}

/// Turn bytes read from a file into text for [`parse_blocks`], flagging binary content (DER,
/// PKCS#12) as such instead of failing on invalid UTF-8.
pub fn text_from_bytes(input: impl Into<Subject>, bytes: &[u8]) -> Result<String, PemError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(_) => Err(PemError::NotPem {
            input: input.into(),
            what: Unarmored::Binary,
        }),
    }
}

/// A base64 alphabet character (RFC 4648 standard alphabet, with padding).
pub(super) fn is_b64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}
