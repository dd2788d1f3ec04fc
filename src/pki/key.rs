//! Private keys (PKCS#1 RSA, PKCS#8 RSA / EC P-256 / EC P-384 / Ed25519, SEC1 EC) and the
//! key ↔ certificate match, done by comparing public keys (the public half computed by the
//! caller's [`Crypto`]: RustCrypto natively, WebCrypto in the page; no signing needed).
//!
//! Only the public half and the original DER (to re-emit a normalised PEM) are kept; `Debug`
//! never prints the DER and no message contains key bytes.

use super::cert::Cert;
pub use super::crypto::PublicKey;
use super::crypto::{Crypto, EcCurve, KeyDer};
use super::facts::{Curve, KeyKind, OID_X448, OID_X25519};
use super::pem::{self, BlockKind, PemError};
use crate::finding::{Code, Finding, Subject};
use oid_registry::{OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519, Oid};
use std::fmt;

/// How the key was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    Pkcs1,
    Pkcs8,
    Sec1,
}

/// A readable private key.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    pub input: Subject,
    pub block: usize,
    pub line: usize,
    pub format: KeyFormat,
    /// PEM label of the original block, to re-emit it unchanged.
    pub label: String,
    pub public: PublicKey,
    der: Vec<u8>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("input", &self.input)
            .field("block", &self.block)
            .field("format", &self.format)
            .field("public", &self.public.describe())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// The key as a normalised PEM block (same encoding as pasted, LF line endings).
    pub fn to_pem(&self) -> String {
        pem::encode(&self.label, &self.der)
    }
}

/// Why a private key could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    Pem(PemError),
    /// A key type we cannot check (DSA, P-192, P-521, Ed448, OpenSSH format, ...).
    Unsupported {
        input: Subject,
        block: usize,
        line: usize,
        what: String,
    },
    /// An RSA key outside 2048–8192 bits: refused before any big-number work (a 32,768-bit
    /// key would freeze the page), as too weak below, as unsupported above.
    RsaSize {
        input: Subject,
        block: usize,
        line: usize,
        bits: u32,
    },
    /// The block has a key label but its content does not decode as that format.
    Invalid {
        input: Subject,
        block: usize,
        line: usize,
        format: &'static str,
    },
}

impl KeyError {
    pub fn code(&self) -> Code {
        match self {
            KeyError::Pem(e) => e.code(),
            KeyError::Unsupported { .. } => Code::KeyUnsupported,
            KeyError::RsaSize { bits, .. } if *bits < RSA_MIN_BITS => Code::WeakKey,
            KeyError::RsaSize { .. } => Code::KeyUnsupported,
            KeyError::Invalid { .. } => Code::PemMalformed,
        }
    }

    pub fn to_finding(&self) -> Finding {
        let input = match self {
            KeyError::Pem(e) => e.input(),
            KeyError::Unsupported { input, .. }
            | KeyError::RsaSize { input, .. }
            | KeyError::Invalid { input, .. } => input,
        };
        Finding::error(self.code(), self.to_string(), Some(input.clone()))
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Pem(e) => e.fmt(f),
            KeyError::Unsupported {
                input,
                block,
                line,
                what,
            } => write!(
                f,
                "{input}, block {block} (line {line}): {what} keys are not supported here. Use an \
                 RSA (2048 bits or more), ECDSA P-256/P-384 or Ed25519 key",
                input = input.label()
            ),
            KeyError::RsaSize {
                input,
                block,
                line,
                bits,
            } => write!(
                f,
                "{input}, block {block} (line {line}): an RSA key of {bits} bits; the ALB and \
                 Istio need RSA keys of {RSA_MIN_BITS} to {RSA_MAX_BITS} bits. Generate a new key \
                 (RSA 2048+ or ECDSA P-256) and have the certificate reissued",
                input = input.label()
            ),
            KeyError::Invalid {
                input,
                block,
                line,
                format,
            } => write!(
                f,
                "{input}, block {block} (line {line}): the block is labelled as a {format} key \
                 but its content is not a valid {format} key. Copy it again from the original file",
                input = input.label()
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// The name of an unsupported algorithm, from its OID (DER content bytes).
fn algorithm_name(oid_bytes: &[u8]) -> String {
    let oid = Oid::new(std::borrow::Cow::Borrowed(oid_bytes));
    match KeyKind::from_spki_oid(&oid, 0, None) {
        KeyKind::Dsa { .. } => "DSA".to_owned(),
        KeyKind::Unknown(_) if oid == OID_X25519 => "X25519".to_owned(),
        KeyKind::Unknown(_) if oid == OID_X448 => "X448".to_owned(),
        KeyKind::Unknown(dotted) => format!("algorithm {dotted}"),
        KeyKind::Rsa { .. } => "RSA-PSS (restricted)".to_owned(),
        kind => kind.to_string(),
    }
}

fn supported_curve(oid_bytes: &[u8]) -> Result<EcCurve, String> {
    match Curve::from_oid_bytes(oid_bytes) {
        Curve::P256 => Ok(EcCurve::P256),
        Curve::P384 => Ok(EcCurve::P384),
        other @ (Curve::P192
        | Curve::P224
        | Curve::P521
        | Curve::Secp256k1
        | Curve::Other(_)
        | Curve::Unnamed) => Err(match other {
            Curve::Other(dotted) => format!("EC (curve {dotted})"),
            named => format!("ECDSA {named}"),
        }),
    }
}

/// RSA keys this tool reads, in bits (webpki's and the ALB's range).
pub const RSA_MIN_BITS: u32 = 2048;
pub const RSA_MAX_BITS: u32 = 8192;

/// Read the modulus size from the PKCS#1 encoding alone, and refuse a key outside
/// [`RSA_MIN_BITS`]..=[`RSA_MAX_BITS`] before anything computes with it. `Err(None)`: not a
/// PKCS#1 RSAPrivateKey at all.
fn check_rsa_size(
    pkcs1: &[u8],
    block: &pem::PemBlock,
    input: &Subject,
) -> Result<(), Option<KeyError>> {
    use rsa::pkcs1::der::Decode;
    let key = rsa::pkcs1::RsaPrivateKeyRef::from_der(pkcs1).map_err(|_| None)?;
    let bits = super::x509::bit_len(key.modulus.as_bytes());
    if (RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(Some(KeyError::RsaSize {
            input: input.clone(),
            block: block.index,
            line: block.line,
            bits,
        }))
    }
}

/// Decode the key of one PEM block: its public half (computed by `crypto`), or why it cannot be
/// used.
fn decode(
    block: &pem::PemBlock,
    input: &Subject,
    crypto: &dyn Crypto,
) -> Result<PublicKey, KeyError> {
    let unsupported = |what: String| KeyError::Unsupported {
        input: input.clone(),
        block: block.index,
        line: block.line,
        what,
    };
    let invalid = |format: &'static str| KeyError::Invalid {
        input: input.clone(),
        block: block.index,
        line: block.line,
        format,
    };
    match &block.kind {
        BlockKind::RsaKey => {
            check_rsa_size(&block.der, block, input)
                .map_err(|e| e.unwrap_or(invalid("PKCS#1 RSA")))?;
            crypto
                .public_key(KeyDer::Pkcs1Rsa, &block.der)
                .ok_or_else(|| invalid("PKCS#1 RSA"))
        }
        BlockKind::EcKey => {
            let curve = sec1::EcPrivateKey::try_from(block.der.as_slice())
                .map_err(|_| invalid("SEC1 EC"))?
                .parameters
                .and_then(|p| p.named_curve());
            let sec1 = |c| crypto.public_key(KeyDer::Sec1(c), &block.der);
            match curve.map(|c| supported_curve(c.as_bytes())) {
                Some(Ok(c)) => sec1(c).ok_or_else(|| invalid("SEC1 EC")),
                // SEC1 keys may omit the curve; the two we support are told apart by size.
                None => sec1(EcCurve::P256)
                    .or_else(|| sec1(EcCurve::P384))
                    .ok_or_else(|| unsupported("EC (unnamed curve)".to_owned())),
                Some(Err(what)) => Err(unsupported(what)),
            }
        }
        BlockKind::Pkcs8Key => {
            let info = pkcs8::PrivateKeyInfoRef::try_from(block.der.as_slice())
                .map_err(|_| invalid("PKCS#8"))?;
            let alg = info.algorithm.oid.as_bytes();
            if alg == OID_PKCS1_RSAENCRYPTION.as_bytes() {
                check_rsa_size(info.private_key.as_bytes(), block, input)
                    .map_err(|e| e.unwrap_or(invalid("PKCS#8 RSA")))?;
                crypto
                    .public_key(KeyDer::Pkcs8Rsa, &block.der)
                    .ok_or_else(|| invalid("PKCS#8 RSA"))
            } else if alg == OID_KEY_TYPE_EC_PUBLIC_KEY.as_bytes() {
                let curve = info.algorithm.parameters_oid().ok();
                match curve.map(|c| supported_curve(c.as_bytes())) {
                    Some(Ok(c)) => crypto
                        .public_key(KeyDer::Pkcs8Ec(c), &block.der)
                        .ok_or_else(|| invalid("PKCS#8 EC")),
                    Some(Err(what)) => Err(unsupported(what)),
                    None => Err(unsupported("EC (unnamed curve)".to_owned())),
                }
            } else if alg == OID_SIG_ED25519.as_bytes() {
                crypto
                    .public_key(KeyDer::Pkcs8Ed25519, &block.der)
                    .ok_or_else(|| invalid("PKCS#8 Ed25519"))
            } else {
                Err(unsupported(algorithm_name(alg)))
            }
        }
        BlockKind::OtherKey(label) => Err(unsupported(match label.as_str() {
            "DSA PRIVATE KEY" => "DSA".to_owned(),
            "OPENSSH PRIVATE KEY" => {
                "OpenSSH-format (convert with `ssh-keygen -p -m PEM -f key`)".to_owned()
            }
            other => other.trim_end_matches(" PRIVATE KEY").to_owned(),
        })),
        // read_private_key only hands over key blocks.
        BlockKind::Certificate
        | BlockKind::EncryptedKey
        | BlockKind::EcParameters
        | BlockKind::Other(_) => Err(invalid("private")),
    }
}

/// Read the one private key of a key input. Every problem is returned; `None` when no usable
/// key was found (an empty input gives `None` and no errors).
pub fn read_private_key(
    input: impl Into<Subject>,
    text: &str,
    crypto: &dyn Crypto,
) -> (Option<PrivateKey>, Vec<KeyError>) {
    let input = &input.into();
    let (block, pem_errors) = pem::read_private_key(input, text);
    let mut errors: Vec<KeyError> = pem_errors.into_iter().map(KeyError::Pem).collect();
    let key = block.and_then(|b| match decode(&b, input, crypto) {
        Ok(public) => Some(PrivateKey {
            input: input.clone(),
            block: b.index,
            line: b.line,
            format: match b.kind {
                BlockKind::RsaKey => KeyFormat::Pkcs1,
                BlockKind::EcKey => KeyFormat::Sec1,
                _ => KeyFormat::Pkcs8,
            },
            label: b.label.clone(),
            public,
            der: b.der,
        }),
        Err(e) => {
            errors.push(e);
            None
        }
    });
    (key, errors)
}

/// The public key of a certificate, or a description of the unsupported key type.
pub fn certificate_public_key(cert: &Cert) -> Result<PublicKey, String> {
    let spki = &cert.parsed.key;
    let bits = spki.key.as_slice();
    let alg = &spki.algorithm;
    if *alg == OID_PKCS1_RSAENCRYPTION {
        match &spki.rsa {
            Some((n, e)) => Ok(PublicKey::rsa(n, e)),
            None => Err("RSA (unreadable)".to_owned()),
        }
    } else if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
        match spki.curve.as_deref().map(supported_curve) {
            Some(Ok(c)) => PublicKey::ec(c, bits)
                .ok_or_else(|| format!("ECDSA {} (unreadable point)", c.name())),
            Some(Err(what)) => Err(what),
            None => Err("EC (unnamed curve)".to_owned()),
        }
    } else if *alg == OID_SIG_ED25519 {
        <[u8; 32]>::try_from(bits)
            .map(PublicKey::Ed25519)
            .map_err(|_| "Ed25519 (wrong length)".to_owned())
    } else {
        Err(algorithm_name(alg.as_bytes()))
    }
}

/// Does `key` belong to `cert`? `Err` names a certificate key type that cannot be compared.
pub fn key_matches(key: &PrivateKey, cert: &Cert) -> Result<bool, String> {
    certificate_public_key(cert).map(|p| p == key.public)
}

/// Findings for a key ↔ certificate pair: `key-mismatch` (error) or `key-unsupported`.
pub fn key_pair_findings(key: &PrivateKey, cert: &Cert) -> Vec<Finding> {
    match key_matches(key, cert) {
        Ok(true) => Vec::new(),
        Ok(false) => vec![Finding::error(
            Code::KeyMismatch,
            format!(
                "{}, block {}: this {} private key does not belong to the certificate {}, \
                 whose key is {}. Paste the key that was generated with that certificate's \
                 request, or the certificate issued for this key",
                key.input.label(),
                key.block,
                key.public.describe(),
                cert.label(),
                cert.summary.key_type
            ),
            Some(key.input.clone()),
        )],
        Err(what) => vec![Finding::error(
            Code::KeyUnsupported,
            format!(
                "The certificate {}: its {what} key cannot be compared with the private key in \
                 {}. Use an RSA, ECDSA P-256/P-384 or Ed25519 certificate",
                cert.label(),
                key.input.label()
            ),
            Some(key.input.clone()),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_in_key_labels_is_malformed() {
        for label in ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"] {
            let text = format!("-----BEGIN {label}-----\nMAMCAQE=\n-----END {label}-----\n");
            let (k, e) = read_private_key("nlb_key", &text, &crate::pki::rustcrypto::RustCrypto);
            assert!(k.is_none(), "{label}");
            assert_eq!(e.len(), 1, "{label}");
            assert_eq!(e[0].code(), "pem-malformed", "{label}");
        }
    }

    #[test]
    fn other_key_formats_are_unsupported() {
        for label in ["DSA PRIVATE KEY", "OPENSSH PRIVATE KEY"] {
            let text = format!("-----BEGIN {label}-----\nMAMCAQE=\n-----END {label}-----\n");
            let (k, e) = read_private_key("nlb_key", &text, &crate::pki::rustcrypto::RustCrypto);
            assert!(k.is_none());
            assert_eq!(e[0].code(), "key-unsupported", "{label}");
        }
    }

    #[test]
    fn bit_length() {
        let cases: &[(&[u8], u32)] = &[
            (&[], 0),
            (&[1], 1),
            (&[0x80, 0], 16),
            (&[0x7f], 7),
            (&[0, 0, 0x80, 0], 16),
            (&[0, 0], 0),
        ];
        for (b, n) in cases {
            assert_eq!(super::super::x509::bit_len(b), *n, "{b:?}");
        }
    }
}
