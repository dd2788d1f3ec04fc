//! Signature verification for rustls-webpki, backed by pure-Rust RustCrypto crates, so the same
//! checks run natively and in wasm32 (ring needs clang for wasm; see docs/toolchain.md).
//!
//! The set mirrors webpki's own `ALL_VERIFICATION_ALGS` for ring: RSA PKCS#1 v1.5 and PSS with
//! SHA-256/384/512 (2048–8192-bit moduli), ECDSA P-256/P-384 with SHA-256/384, Ed25519. SHA-1 and
//! RSA keys under 2048 bits are deliberately absent: a chain that needs them does not verify,
//! and `verify` explains it as `weak-signature` / `weak-key`.

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1::der::Decode;
use rsa::signature::Verifier;
use rsa::signature::hazmat::PrehashVerifier;
use rustls_pki_types::{
    AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id,
};
use sha2::{Digest, Sha256, Sha384, Sha512};

#[derive(Debug, Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(msg).to_vec(),
            Hash::Sha384 => Sha384::digest(msg).to_vec(),
            Hash::Sha512 => Sha512::digest(msg).to_vec(),
        }
    }
}

/// RSA public key from a PKCS#1 `RSAPublicKey`, with webpki's size limits (2048–8192 bits).
fn rsa_key(public_key: &[u8]) -> Result<rsa::PublicKey, InvalidSignature> {
    let parsed = rsa::pkcs1::RsaPublicKeyRef::from_der(public_key).map_err(|_| InvalidSignature)?;
    let n = parsed.modulus.as_bytes();
    let n = &n[n.iter().position(|&b| b != 0).unwrap_or(n.len())..];
    let bits = match n.first() {
        Some(&b) => n.len() * 8 - b.leading_zeros() as usize,
        None => 0,
    };
    if !(2048..=8192).contains(&bits) {
        return Err(InvalidSignature);
    }
    rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)
}

#[derive(Debug)]
struct RsaPkcs1 {
    hash: Hash,
    sig_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for RsaPkcs1 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key = rsa_key(public_key)?;
        let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| InvalidSignature)?;
        let ok = match self.hash {
            Hash::Sha256 => rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(message, &sig),
            Hash::Sha384 => rsa::pkcs1v15::VerifyingKey::<Sha384>::new(key).verify(message, &sig),
            Hash::Sha512 => rsa::pkcs1v15::VerifyingKey::<Sha512>::new(key).verify(message, &sig),
        };
        ok.map_err(|_| InvalidSignature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_id
    }
}

#[derive(Debug)]
struct RsaPss {
    hash: Hash,
    sig_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for RsaPss {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key = rsa_key(public_key)?;
        let sig = rsa::pss::Signature::try_from(signature).map_err(|_| InvalidSignature)?;
        // Salt length = digest length: the only parameters webpki's PSS identifiers encode.
        let ok = match self.hash {
            Hash::Sha256 => rsa::pss::VerifyingKey::<Sha256>::new(key).verify(message, &sig),
            Hash::Sha384 => rsa::pss::VerifyingKey::<Sha384>::new(key).verify(message, &sig),
            Hash::Sha512 => rsa::pss::VerifyingKey::<Sha512>::new(key).verify(message, &sig),
        };
        ok.map_err(|_| InvalidSignature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_id
    }
}

#[derive(Debug, Clone, Copy)]
enum Curve {
    P256,
    P384,
}

#[derive(Debug)]
struct Ecdsa {
    curve: Curve,
    hash: Hash,
    sig_id: AlgorithmIdentifier,
}

impl SignatureVerificationAlgorithm for Ecdsa {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // The hash is computed here and handed over as a prehash so that every curve/hash pair
        // (P-256 with SHA-384 included) goes through the same, standard truncation (SEC 1 4.1.4).
        let prehash = self.hash.digest(message);
        let ok = match self.curve {
            Curve::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                    .map_err(|_| InvalidSignature)?;
                let sig =
                    p256::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
                key.verify_prehash(&prehash, &sig)
            }
            Curve::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                    .map_err(|_| InvalidSignature)?;
                let sig =
                    p384::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
                key.verify_prehash(&prehash, &sig)
            }
        };
        ok.map_err(|_| InvalidSignature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        match self.curve {
            Curve::P256 => alg_id::ECDSA_P256,
            Curve::P384 => alg_id::ECDSA_P384,
        }
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_id
    }
}

#[derive(Debug)]
struct Ed25519;

impl SignatureVerificationAlgorithm for Ed25519 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key = <[u8; 32]>::try_from(public_key).map_err(|_| InvalidSignature)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| InvalidSignature)?;
        let sig = <[u8; 64]>::try_from(signature).map_err(|_| InvalidSignature)?;
        let sig = ed25519_dalek::Signature::from_bytes(&sig);
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }
}

static RSA_PKCS1_SHA256: RsaPkcs1 = RsaPkcs1 {
    hash: Hash::Sha256,
    sig_id: alg_id::RSA_PKCS1_SHA256,
};
static RSA_PKCS1_SHA384: RsaPkcs1 = RsaPkcs1 {
    hash: Hash::Sha384,
    sig_id: alg_id::RSA_PKCS1_SHA384,
};
static RSA_PKCS1_SHA512: RsaPkcs1 = RsaPkcs1 {
    hash: Hash::Sha512,
    sig_id: alg_id::RSA_PKCS1_SHA512,
};
static RSA_PSS_SHA256: RsaPss = RsaPss {
    hash: Hash::Sha256,
    sig_id: alg_id::RSA_PSS_SHA256,
};
static RSA_PSS_SHA384: RsaPss = RsaPss {
    hash: Hash::Sha384,
    sig_id: alg_id::RSA_PSS_SHA384,
};
static RSA_PSS_SHA512: RsaPss = RsaPss {
    hash: Hash::Sha512,
    sig_id: alg_id::RSA_PSS_SHA512,
};
static ECDSA_P256_SHA256: Ecdsa = Ecdsa {
    curve: Curve::P256,
    hash: Hash::Sha256,
    sig_id: alg_id::ECDSA_SHA256,
};
static ECDSA_P256_SHA384: Ecdsa = Ecdsa {
    curve: Curve::P256,
    hash: Hash::Sha384,
    sig_id: alg_id::ECDSA_SHA384,
};
static ECDSA_P384_SHA256: Ecdsa = Ecdsa {
    curve: Curve::P384,
    hash: Hash::Sha256,
    sig_id: alg_id::ECDSA_SHA256,
};
static ECDSA_P384_SHA384: Ecdsa = Ecdsa {
    curve: Curve::P384,
    hash: Hash::Sha384,
    sig_id: alg_id::ECDSA_SHA384,
};
static ED25519: Ed25519 = Ed25519;

/// Every algorithm `verify` accepts, for `EndEntityCert::verify_for_usage`.
pub static ALL: &[&dyn SignatureVerificationAlgorithm] = &[
    &ECDSA_P256_SHA256,
    &ECDSA_P256_SHA384,
    &ECDSA_P384_SHA256,
    &ECDSA_P384_SHA384,
    &ED25519,
    &RSA_PKCS1_SHA256,
    &RSA_PKCS1_SHA384,
    &RSA_PKCS1_SHA512,
    &RSA_PSS_SHA256,
    &RSA_PSS_SHA384,
    &RSA_PSS_SHA512,
];

/// Verify `signature` over `message` with the `SubjectPublicKeyInfo` fields given, choosing the
/// algorithm like webpki does (both identifiers must match). For explaining a broken link.
pub fn verify_with(
    spki_alg: &[u8],
    public_key: &[u8],
    sig_alg: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), LinkSignatureError> {
    let mut candidates = ALL
        .iter()
        .filter(|a| a.signature_alg_id().as_ref() == sig_alg)
        .peekable();
    if candidates.peek().is_none() {
        return Err(LinkSignatureError::UnsupportedAlgorithm);
    }
    let mut key_fits = false;
    for a in candidates {
        if a.public_key_alg_id().as_ref() != spki_alg {
            continue;
        }
        key_fits = true;
        if a.verify_signature(public_key, message, signature).is_ok() {
            return Ok(());
        }
    }
    if key_fits {
        Err(LinkSignatureError::Invalid)
    } else {
        Err(LinkSignatureError::KeyDoesNotFitAlgorithm)
    }
}

/// Why one signature in a chain does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSignatureError {
    /// The signature algorithm is not one we accept (SHA-1, MD5, DSA, P-521, ...).
    UnsupportedAlgorithm,
    /// The issuer's key type does not go with the signature algorithm.
    KeyDoesNotFitAlgorithm,
    /// The signature does not verify with the issuer's key (or the key is too weak to use).
    Invalid,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_keys_and_signatures_are_rejected_not_panics() {
        let blobs: &[&[u8]] = &[
            &[],
            &[0],
            &[0x30, 0x03, 0x02, 0x01, 0x01],
            &[0xff; 64],
            &[4; 65],
        ];
        for a in ALL {
            for k in blobs {
                for s in blobs {
                    assert!(a.verify_signature(k, b"msg", s).is_err(), "{a:?}");
                }
            }
        }
    }
}
