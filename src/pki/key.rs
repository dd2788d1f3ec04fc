//! Private keys (PKCS#1 RSA, PKCS#8 RSA / EC P-256 / EC P-384 / Ed25519, SEC1 EC) and the
//! key ↔ certificate match, done by comparing public keys (RustCrypto; no signing needed).
//!
//! Only the public half and the original DER (to re-emit a normalised PEM) are kept; `Debug`
//! never prints the DER and no message contains key bytes.

use super::cert::Cert;
use super::finding::Finding;
use super::pem::{self, BlockKind, PemError};
use std::fmt;
use x509_parser::prelude::*;

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

/// The public half of a key, comparable across encodings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// Big-endian modulus and exponent without leading zeros.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    Ed25519([u8; 32]),
}

impl PublicKey {
    pub fn describe(&self) -> String {
        match self {
            PublicKey::Rsa { n, .. } => format!("RSA {}", bit_len(n)),
            PublicKey::P256(_) => "ECDSA P-256".to_owned(),
            PublicKey::P384(_) => "ECDSA P-384".to_owned(),
            PublicKey::Ed25519(_) => "Ed25519".to_owned(),
        }
    }
}

fn bit_len(be: &[u8]) -> usize {
    match be.first() {
        Some(&b) => be.len() * 8 - b.leading_zeros() as usize,
        None => 0,
    }
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[start..].to_vec()
}

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
    pub input: String,
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
        input: String,
        block: usize,
        line: usize,
        what: String,
    },
    /// The block has a key label but its content does not decode as that format.
    Invalid {
        input: String,
        block: usize,
        line: usize,
        format: &'static str,
    },
}

impl KeyError {
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Pem(e) => e.code(),
            KeyError::Unsupported { .. } => "key-unsupported",
            KeyError::Invalid { .. } => "pem-malformed",
        }
    }

    pub fn to_finding(&self) -> Finding {
        let input = match self {
            KeyError::Pem(e) => e.input(),
            KeyError::Unsupported { input, .. } | KeyError::Invalid { input, .. } => input,
        };
        Finding::error(self.code(), self.to_string(), Some(input))
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
                 RSA (2048 bits or more), ECDSA P-256/P-384 or Ed25519 key"
            ),
            KeyError::Invalid {
                input,
                block,
                line,
                format,
            } => write!(
                f,
                "{input}, block {block} (line {line}): the block is labelled as a {format} key \
                 but its content is not a valid {format} key. Copy it again from the original file"
            ),
        }
    }
}

impl std::error::Error for KeyError {}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.1" => "ECDSA P-192".to_owned(),
        "1.3.132.0.33" => "ECDSA P-224".to_owned(),
        "1.3.132.0.35" => "ECDSA P-521".to_owned(),
        "1.3.132.0.10" => "ECDSA secp256k1".to_owned(),
        other => format!("EC (curve {other})"),
    }
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.10040.4.1" => "DSA".to_owned(),
        "1.3.101.113" => "Ed448".to_owned(),
        "1.3.101.110" => "X25519".to_owned(),
        "1.3.101.111" => "X448".to_owned(),
        "1.2.840.113549.1.1.10" => "RSA-PSS (restricted)".to_owned(),
        other => format!("algorithm {other}"),
    }
}

fn rsa_public(k: &rsa::PrivateKey) -> PublicKey {
    use rsa::traits::PublicKeyParts;
    PublicKey::Rsa {
        n: strip_zeros(&k.n_bytes()),
        e: strip_zeros(&k.e_bytes()),
    }
}

/// Decode the key of one PEM block. `Ok(None)` is impossible: every path decides.
fn decode(block: &pem::PemBlock, input: &str) -> Result<PublicKey, KeyError> {
    let unsupported = |what: String| KeyError::Unsupported {
        input: input.to_owned(),
        block: block.index,
        line: block.line,
        what,
    };
    let invalid = |format: &'static str| KeyError::Invalid {
        input: input.to_owned(),
        block: block.index,
        line: block.line,
        format,
    };
    match &block.kind {
        BlockKind::RsaKey => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            rsa::PrivateKey::from_pkcs1_der(&block.der)
                .map(|k| rsa_public(&k))
                .map_err(|_| invalid("PKCS#1 RSA"))
        }
        BlockKind::EcKey => {
            let curve = sec1::EcPrivateKey::try_from(block.der.as_slice())
                .map_err(|_| invalid("SEC1 EC"))?
                .parameters
                .and_then(|p| p.named_curve())
                .map(|o| o.to_string())
                .unwrap_or_default();
            match curve.as_str() {
                OID_P256 => p256::SecretKey::from_sec1_der(&block.der)
                    .map(|k| PublicKey::P256(k.public_key()))
                    .map_err(|_| invalid("SEC1 EC")),
                OID_P384 => p384::SecretKey::from_sec1_der(&block.der)
                    .map(|k| PublicKey::P384(k.public_key()))
                    .map_err(|_| invalid("SEC1 EC")),
                // SEC1 keys may omit the curve; the two we support are told apart by size.
                "" => p256::SecretKey::from_sec1_der(&block.der)
                    .map(|k| PublicKey::P256(k.public_key()))
                    .or_else(|_| {
                        p384::SecretKey::from_sec1_der(&block.der)
                            .map(|k| PublicKey::P384(k.public_key()))
                    })
                    .map_err(|_| unsupported("EC (unnamed curve)".to_owned())),
                other => Err(unsupported(curve_name(other))),
            }
        }
        BlockKind::Pkcs8Key => {
            let info = pkcs8::PrivateKeyInfoRef::try_from(block.der.as_slice())
                .map_err(|_| invalid("PKCS#8"))?;
            let alg = info.algorithm.oid.to_string();
            match alg.as_str() {
                OID_RSA => {
                    use rsa::pkcs8::DecodePrivateKey;
                    rsa::PrivateKey::from_pkcs8_der(&block.der)
                        .map(|k| rsa_public(&k))
                        .map_err(|_| invalid("PKCS#8 RSA"))
                }
                OID_EC => {
                    let curve = info
                        .algorithm
                        .parameters_oid()
                        .map(|o| o.to_string())
                        .unwrap_or_default();
                    match curve.as_str() {
                        OID_P256 => {
                            use p256::pkcs8::DecodePrivateKey;
                            p256::SecretKey::from_pkcs8_der(&block.der)
                                .map(|k| PublicKey::P256(k.public_key()))
                                .map_err(|_| invalid("PKCS#8 EC"))
                        }
                        OID_P384 => {
                            use p384::pkcs8::DecodePrivateKey;
                            p384::SecretKey::from_pkcs8_der(&block.der)
                                .map(|k| PublicKey::P384(k.public_key()))
                                .map_err(|_| invalid("PKCS#8 EC"))
                        }
                        other => Err(unsupported(curve_name(other))),
                    }
                }
                OID_ED25519 => {
                    use ed25519_dalek::pkcs8::DecodePrivateKey;
                    ed25519_dalek::SigningKey::from_pkcs8_der(&block.der)
                        .map(|k| PublicKey::Ed25519(k.verifying_key().to_bytes()))
                        .map_err(|_| invalid("PKCS#8 Ed25519"))
                }
                other => Err(unsupported(algorithm_name(other))),
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
pub fn read_private_key(input: &str, text: &str) -> (Option<PrivateKey>, Vec<KeyError>) {
    let (block, pem_errors) = pem::read_private_key(input, text);
    let mut errors: Vec<KeyError> = pem_errors.into_iter().map(KeyError::Pem).collect();
    let key = block.and_then(|b| match decode(&b, input) {
        Ok(public) => Some(PrivateKey {
            input: input.to_owned(),
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

/// The public key in a certificate, or a description of the unsupported key type.
pub fn certificate_public_key(der: &[u8]) -> Result<PublicKey, String> {
    let (_, c) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    spki_public_key(c.public_key())
}

fn spki_public_key(spki: &SubjectPublicKeyInfo<'_>) -> Result<PublicKey, String> {
    let alg = spki.algorithm.algorithm.to_id_string();
    let bits = spki.subject_public_key.data.as_ref();
    match alg.as_str() {
        OID_RSA => match spki.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(k)) => Ok(PublicKey::Rsa {
                n: strip_zeros(k.modulus),
                e: strip_zeros(k.exponent),
            }),
            _ => Err("RSA (unreadable)".to_owned()),
        },
        OID_EC => {
            let curve = super::cert::ec_curve_oid(spki);
            match curve.as_str() {
                OID_P256 => p256::PublicKey::from_sec1_bytes(bits)
                    .map(PublicKey::P256)
                    .map_err(|_| "ECDSA P-256 (invalid point)".to_owned()),
                OID_P384 => p384::PublicKey::from_sec1_bytes(bits)
                    .map(PublicKey::P384)
                    .map_err(|_| "ECDSA P-384 (invalid point)".to_owned()),
                other => Err(curve_name(other)),
            }
        }
        OID_ED25519 => <[u8; 32]>::try_from(bits)
            .map(PublicKey::Ed25519)
            .map_err(|_| "Ed25519 (wrong length)".to_owned()),
        other => Err(algorithm_name(other)),
    }
}

/// Does `key` belong to `cert`? `Err` names a certificate key type that cannot be compared.
pub fn key_matches(key: &PrivateKey, cert: &Cert) -> Result<bool, String> {
    certificate_public_key(&cert.der).map(|p| p == key.public)
}

/// Findings for a key ↔ certificate pair: `key-mismatch` (error) or `key-unsupported`.
pub fn key_pair_findings(key: &PrivateKey, cert: &Cert) -> Vec<Finding> {
    match key_matches(key, cert) {
        Ok(true) => Vec::new(),
        Ok(false) => vec![Finding::error(
            "key-mismatch",
            format!(
                "{}, block {}: this {} private key does not belong to the certificate {} \
                 ({}). Paste the key that was generated with that certificate's request, or the \
                 certificate issued for this key",
                key.input,
                key.block,
                key.public.describe(),
                cert.label(),
                cert.summary.key_type
            ),
            Some(&key.input),
        )],
        Err(what) => vec![Finding::error(
            "key-unsupported",
            format!(
                "{}: the certificate's {what} key cannot be compared with the private key in \
                 {}. Use an RSA, ECDSA P-256/P-384 or Ed25519 certificate",
                cert.label(),
                key.input
            ),
            Some(&key.input),
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
            let (k, e) = read_private_key("nlb_key", &text);
            assert!(k.is_none(), "{label}");
            assert_eq!(e.len(), 1, "{label}");
            assert_eq!(e[0].code(), "pem-malformed", "{label}");
        }
    }

    #[test]
    fn other_key_formats_are_unsupported() {
        for label in ["DSA PRIVATE KEY", "OPENSSH PRIVATE KEY"] {
            let text = format!("-----BEGIN {label}-----\nMAMCAQE=\n-----END {label}-----\n");
            let (k, e) = read_private_key("nlb_key", &text);
            assert!(k.is_none());
            assert_eq!(e[0].code(), "key-unsupported", "{label}");
        }
    }

    #[test]
    fn bit_length() {
        let cases: &[(&[u8], usize)] = &[(&[], 0), (&[1], 1), (&[0x80, 0], 16), (&[0x7f], 7)];
        for (b, n) in cases {
            assert_eq!(bit_len(b), *n, "{b:?}");
        }
    }
}
