//! Typed facts about a certificate: its key, its key usages, its extended key usages and its
//! signature algorithm, read from OIDs (the `oid_registry` constants, plus the few it lacks).
//! Policy code matches on these types exhaustively; their `Display` is for people only and is
//! what the JSON output carries (`"RSA 2048"`, `"serverAuth"`).

use asn1_rs::oid;
use oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_DSA, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_MD5WITHRSAENC, OID_PKCS1_RSAENCRYPTION, OID_PKCS1_RSASSAPSS, OID_PKCS1_SHA1WITHRSA,
    OID_PKCS1_SHA256WITHRSA, OID_PKCS1_SHA384WITHRSA, OID_PKCS1_SHA512WITHRSA,
    OID_SIG_DSA_WITH_SHA1, OID_SIG_ECDSA_WITH_SHA256, OID_SIG_ECDSA_WITH_SHA384,
    OID_SIG_ECDSA_WITH_SHA512, OID_SIG_ED448, OID_SIG_ED25519, Oid,
};
use serde::{Deserialize, Deserializer, Serializer};
use std::fmt;
use std::str::FromStr;

/// Curves and algorithms the registry does not name.
pub const OID_EC_P192: Oid<'static> = oid!(1.2.840.10045.3.1.1);
pub const OID_EC_P224: Oid<'static> = oid!(1.3.132.0.33);
pub const OID_EC_SECP256K1: Oid<'static> = oid!(1.3.132.0.10);
pub const OID_SIG_ECDSA_WITH_SHA1: Oid<'static> = oid!(1.2.840.10045.4.1);
pub const OID_SIG_DSA_WITH_SHA256: Oid<'static> = oid!(2.16.840.1.101.3.4.3.2);
pub const OID_X25519: Oid<'static> = oid!(1.3.101.110);
pub const OID_X448: Oid<'static> = oid!(1.3.101.111);

/// A named elliptic curve.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Curve {
    P192,
    P224,
    P256,
    P384,
    P521,
    Secp256k1,
    /// Another named curve, by dotted OID.
    Other(String),
    /// No named-curve parameter (explicit parameters, or none).
    Unnamed,
}

impl Curve {
    /// The curve of a named-curve OID (DER content bytes, as both asn1-rs's `Oid` and the
    /// RustCrypto `ObjectIdentifier` expose them).
    pub fn from_oid_bytes(bytes: &[u8]) -> Curve {
        let is = |oid: &Oid<'_>| oid.as_bytes() == bytes;
        if is(&OID_EC_P256) {
            Curve::P256
        } else if is(&OID_NIST_EC_P384) {
            Curve::P384
        } else if is(&OID_NIST_EC_P521) {
            Curve::P521
        } else if is(&OID_EC_P192) {
            Curve::P192
        } else if is(&OID_EC_P224) {
            Curve::P224
        } else if is(&OID_EC_SECP256K1) {
            Curve::Secp256k1
        } else {
            Curve::Other(
                Oid::new(std::borrow::Cow::Borrowed(bytes))
                    .to_id_string()
                    .chars()
                    .take(64)
                    .collect(),
            )
        }
    }

    pub fn bits(&self) -> u32 {
        match self {
            Curve::P192 => 192,
            Curve::P224 => 224,
            Curve::P256 | Curve::Secp256k1 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
            Curve::Other(_) | Curve::Unnamed => 0,
        }
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Curve::P192 => f.write_str("P-192"),
            Curve::P224 => f.write_str("P-224"),
            Curve::P256 => f.write_str("P-256"),
            Curve::P384 => f.write_str("P-384"),
            Curve::P521 => f.write_str("P-521"),
            Curve::Secp256k1 => f.write_str("secp256k1"),
            Curve::Other(oid) => write!(f, "curve {oid}"),
            Curve::Unnamed => f.write_str("unknown curve"),
        }
    }
}

/// The kind and size of a public key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Rsa {
        bits: u32,
    },
    Ec(Curve),
    Ed25519,
    Ed448,
    Dsa {
        bits: u32,
    },
    /// Any other algorithm, by dotted OID.
    Unknown(String),
}

impl KeyKind {
    /// The algorithm of a SubjectPublicKeyInfo (`bits` is the RSA/DSA size, `curve` the EC
    /// named-curve parameter's OID bytes).
    pub fn from_spki_oid(alg: &Oid<'_>, bits: u32, curve: Option<&[u8]>) -> KeyKind {
        if *alg == OID_PKCS1_RSAENCRYPTION || *alg == OID_PKCS1_RSASSAPSS {
            KeyKind::Rsa { bits }
        } else if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
            KeyKind::Ec(curve.map_or(Curve::Unnamed, Curve::from_oid_bytes))
        } else if *alg == OID_SIG_ED25519 {
            KeyKind::Ed25519
        } else if *alg == OID_SIG_ED448 {
            KeyKind::Ed448
        } else if *alg == OID_KEY_TYPE_DSA {
            KeyKind::Dsa { bits }
        } else {
            KeyKind::Unknown(alg.to_id_string().chars().take(64).collect())
        }
    }

    /// Key size in bits (RSA modulus, EC field size; 256 for Ed25519), 0 when unknown.
    pub fn bits(&self) -> u32 {
        match self {
            KeyKind::Rsa { bits } | KeyKind::Dsa { bits } => *bits,
            KeyKind::Ec(c) => c.bits(),
            KeyKind::Ed25519 => 256,
            KeyKind::Ed448 => 456,
            KeyKind::Unknown(_) => 0,
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyKind::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyKind::Ec(c) => write!(f, "ECDSA {c}"),
            KeyKind::Ed25519 => f.write_str("Ed25519"),
            KeyKind::Ed448 => f.write_str("Ed448"),
            KeyKind::Dsa { bits } => write!(f, "DSA {bits}"),
            KeyKind::Unknown(oid) => write!(f, "unknown key type {oid}"),
        }
    }
}

impl FromStr for KeyKind {
    type Err = String;
    /// The inverse of `Display` (for reading back JSON output).
    fn from_str(s: &str) -> Result<Self, String> {
        let number = |t: &str| {
            t.parse::<u32>()
                .map_err(|_| format!("bad key size in {s:?}"))
        };
        Ok(if let Some(bits) = s.strip_prefix("RSA ") {
            KeyKind::Rsa {
                bits: number(bits)?,
            }
        } else if let Some(bits) = s.strip_prefix("DSA ") {
            KeyKind::Dsa {
                bits: number(bits)?,
            }
        } else if let Some(oid) = s.strip_prefix("unknown key type ") {
            KeyKind::Unknown(oid.to_owned())
        } else if let Some(c) = s.strip_prefix("ECDSA ") {
            KeyKind::Ec(match c {
                "P-192" => Curve::P192,
                "P-224" => Curve::P224,
                "P-256" => Curve::P256,
                "P-384" => Curve::P384,
                "P-521" => Curve::P521,
                "secp256k1" => Curve::Secp256k1,
                "unknown curve" => Curve::Unnamed,
                other => Curve::Other(other.strip_prefix("curve ").unwrap_or(other).to_owned()),
            })
        } else {
            match s {
                "Ed25519" => KeyKind::Ed25519,
                "Ed448" => KeyKind::Ed448,
                other => return Err(format!("unknown key kind {other:?}")),
            }
        })
    }
}

/// One bit of the keyUsage extension (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyUsage {
    DigitalSignature,
    NonRepudiation,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    CrlSign,
    EncipherOnly,
    DecipherOnly,
}

impl KeyUsage {
    pub const ALL: [KeyUsage; 9] = [
        KeyUsage::DigitalSignature,
        KeyUsage::NonRepudiation,
        KeyUsage::KeyEncipherment,
        KeyUsage::DataEncipherment,
        KeyUsage::KeyAgreement,
        KeyUsage::KeyCertSign,
        KeyUsage::CrlSign,
        KeyUsage::EncipherOnly,
        KeyUsage::DecipherOnly,
    ];

    /// The RFC 5280 name.
    pub const fn name(self) -> &'static str {
        match self {
            KeyUsage::DigitalSignature => "digitalSignature",
            KeyUsage::NonRepudiation => "nonRepudiation",
            KeyUsage::KeyEncipherment => "keyEncipherment",
            KeyUsage::DataEncipherment => "dataEncipherment",
            KeyUsage::KeyAgreement => "keyAgreement",
            KeyUsage::KeyCertSign => "keyCertSign",
            KeyUsage::CrlSign => "cRLSign",
            KeyUsage::EncipherOnly => "encipherOnly",
            KeyUsage::DecipherOnly => "decipherOnly",
        }
    }

    /// The bits set in the extension, in RFC order.
    pub fn of(ku: &KeyUsageBits) -> Vec<KeyUsage> {
        KeyUsage::ALL
            .into_iter()
            .filter(|k| match k {
                KeyUsage::DigitalSignature => ku.digital_signature(),
                KeyUsage::NonRepudiation => ku.non_repudiation(),
                KeyUsage::KeyEncipherment => ku.key_encipherment(),
                KeyUsage::DataEncipherment => ku.data_encipherment(),
                KeyUsage::KeyAgreement => ku.key_agreement(),
                KeyUsage::KeyCertSign => ku.key_cert_sign(),
                KeyUsage::CrlSign => ku.crl_sign(),
                KeyUsage::EncipherOnly => ku.encipher_only(),
                KeyUsage::DecipherOnly => ku.decipher_only(),
            })
            .collect()
    }
}

impl fmt::Display for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KeyUsage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        KeyUsage::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("unknown key usage {s:?}"))
    }
}

/// The keyUsage bits, bit 0 (digitalSignature) first: the first two octets of the BIT STRING,
/// each read from its most significant bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsageBits {
    pub flags: u16,
}

impl KeyUsageBits {
    fn bit(self, n: u16) -> bool {
        (self.flags >> n) & 1 == 1
    }
    pub fn digital_signature(self) -> bool {
        self.bit(0)
    }
    pub fn non_repudiation(self) -> bool {
        self.bit(1)
    }
    pub fn key_encipherment(self) -> bool {
        self.bit(2)
    }
    pub fn data_encipherment(self) -> bool {
        self.bit(3)
    }
    pub fn key_agreement(self) -> bool {
        self.bit(4)
    }
    pub fn key_cert_sign(self) -> bool {
        self.bit(5)
    }
    pub fn crl_sign(self) -> bool {
        self.bit(6)
    }
    pub fn encipher_only(self) -> bool {
        self.bit(7)
    }
    pub fn decipher_only(self) -> bool {
        self.bit(8)
    }
}

/// One extended key usage (RFC 5280 §4.2.1.12).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Eku {
    Any,
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
    TimeStamping,
    OcspSigning,
    /// Any other purpose, by dotted OID.
    Other(String),
}

impl Eku {
    /// The purposes of the extension (each OID once), named ones first in this order, then the
    /// others as listed.
    pub fn of_oids(oids: &[Oid<'_>]) -> Vec<Eku> {
        let named = [
            (oid!(2.5.29.37.0), Eku::Any),
            (oid!(1.3.6.1.5.5.7.3.1), Eku::ServerAuth),
            (oid!(1.3.6.1.5.5.7.3.2), Eku::ClientAuth),
            (oid!(1.3.6.1.5.5.7.3.3), Eku::CodeSigning),
            (oid!(1.3.6.1.5.5.7.3.4), Eku::EmailProtection),
            (oid!(1.3.6.1.5.5.7.3.8), Eku::TimeStamping),
            (oid!(1.3.6.1.5.5.7.3.9), Eku::OcspSigning),
        ];
        let mut v: Vec<Eku> = named
            .iter()
            .filter(|(o, _)| oids.contains(o))
            .map(|(_, e)| e.clone())
            .collect();
        v.extend(
            oids.iter()
                .filter(|o| named.iter().all(|(n, _)| n != *o))
                .map(|o| Eku::Other(o.to_id_string().chars().take(64).collect())),
        );
        v
    }
}

impl fmt::Display for Eku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Eku::Any => "anyExtendedKeyUsage",
            Eku::ServerAuth => "serverAuth",
            Eku::ClientAuth => "clientAuth",
            Eku::CodeSigning => "codeSigning",
            Eku::EmailProtection => "emailProtection",
            Eku::TimeStamping => "timeStamping",
            Eku::OcspSigning => "OCSPSigning",
            Eku::Other(oid) => oid,
        })
    }
}

impl FromStr for Eku {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "anyExtendedKeyUsage" => Eku::Any,
            "serverAuth" => Eku::ServerAuth,
            "clientAuth" => Eku::ClientAuth,
            "codeSigning" => Eku::CodeSigning,
            "emailProtection" => Eku::EmailProtection,
            "timeStamping" => Eku::TimeStamping,
            "OCSPSigning" => Eku::OcspSigning,
            other => Eku::Other(other.to_owned()),
        })
    }
}

/// How strong a signature algorithm is, for the policy checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStrength {
    /// SHA-256 or better, Ed25519/Ed448.
    Acceptable,
    /// SHA-1 or MD5 based: no current TLS client accepts it.
    Weak,
    /// Not one we know.
    Unknown,
}

/// A signature algorithm's name and strength, from its OID.
pub fn signature_algorithm(oid: &Oid<'_>) -> (String, SignatureStrength) {
    use SignatureStrength::{Acceptable, Weak};
    let known: [(&Oid<'_>, &str, SignatureStrength); 14] = [
        (&OID_PKCS1_MD5WITHRSAENC, "md5WithRSAEncryption", Weak),
        (&OID_PKCS1_SHA1WITHRSA, "sha1WithRSAEncryption", Weak),
        (
            &OID_PKCS1_SHA256WITHRSA,
            "sha256WithRSAEncryption",
            Acceptable,
        ),
        (
            &OID_PKCS1_SHA384WITHRSA,
            "sha384WithRSAEncryption",
            Acceptable,
        ),
        (
            &OID_PKCS1_SHA512WITHRSA,
            "sha512WithRSAEncryption",
            Acceptable,
        ),
        (&OID_PKCS1_RSASSAPSS, "RSASSA-PSS", Acceptable),
        (&OID_SIG_ECDSA_WITH_SHA1, "ecdsa-with-SHA1", Weak),
        (&OID_SIG_ECDSA_WITH_SHA256, "ecdsa-with-SHA256", Acceptable),
        (&OID_SIG_ECDSA_WITH_SHA384, "ecdsa-with-SHA384", Acceptable),
        (&OID_SIG_ECDSA_WITH_SHA512, "ecdsa-with-SHA512", Acceptable),
        (&OID_SIG_ED25519, "Ed25519", Acceptable),
        (&OID_SIG_ED448, "Ed448", Acceptable),
        (&OID_SIG_DSA_WITH_SHA1, "dsa-with-SHA1", Weak),
        (&OID_SIG_DSA_WITH_SHA256, "dsa-with-SHA256", Acceptable),
    ];
    match known.iter().find(|(o, _, _)| *o == oid) {
        Some((_, name, strength)) => ((*name).to_owned(), *strength),
        None => (
            oid.to_id_string().chars().take(64).collect(),
            SignatureStrength::Unknown,
        ),
    }
}

/// Serde through `Display`/`FromStr`, so the JSON keeps the readable strings.
pub(crate) mod as_string {
    use super::*;

    pub fn serialize<T: fmt::Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr<Err = String>,
        D: Deserializer<'de>,
    {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// As [`as_string`], for lists.
pub(crate) mod as_strings {
    use super::*;

    pub fn serialize<T: fmt::Display, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(ToString::to_string))
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Vec<T>, D::Error>
    where
        T: FromStr<Err = String>,
        D: Deserializer<'de>,
    {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_kinds_round_trip_through_their_names() {
        let kinds = [
            KeyKind::Rsa { bits: 2048 },
            KeyKind::Ec(Curve::P256),
            KeyKind::Ec(Curve::P224),
            KeyKind::Ec(Curve::Other("1.2.3".into())),
            KeyKind::Ec(Curve::Unnamed),
            KeyKind::Ed25519,
            KeyKind::Ed448,
            KeyKind::Dsa { bits: 1024 },
            KeyKind::Unknown("1.2.3.4".into()),
        ];
        for k in kinds {
            assert_eq!(k.to_string().parse::<KeyKind>(), Ok(k.clone()), "{k}");
        }
    }

    #[test]
    fn usages_round_trip_through_their_names() {
        for k in KeyUsage::ALL {
            assert_eq!(k.to_string().parse::<KeyUsage>(), Ok(k));
        }
        for e in [Eku::Any, Eku::ServerAuth, Eku::ClientAuth, Eku::OcspSigning] {
            assert_eq!(e.to_string().parse::<Eku>(), Ok(e.clone()));
        }
    }

    #[test]
    fn curves_are_read_from_oid_bytes() {
        assert_eq!(Curve::from_oid_bytes(OID_EC_P256.as_bytes()), Curve::P256);
        assert_eq!(Curve::from_oid_bytes(OID_EC_P224.as_bytes()), Curve::P224);
        assert_eq!(
            Curve::from_oid_bytes(OID_SIG_ED25519.as_bytes()),
            Curve::Other("1.3.101.112".into())
        );
    }

    #[test]
    fn weak_signatures_are_named() {
        for (oid, weak) in [
            (OID_PKCS1_SHA1WITHRSA, true),
            (OID_SIG_ECDSA_WITH_SHA1, true),
            (OID_PKCS1_MD5WITHRSAENC, true),
            (OID_PKCS1_SHA256WITHRSA, false),
        ] {
            let (_, s) = signature_algorithm(&oid);
            assert_eq!(s == SignatureStrength::Weak, weak, "{oid}");
        }
    }
}
