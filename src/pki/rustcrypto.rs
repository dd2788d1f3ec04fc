//! [`Crypto`] answered at once by pure-Rust RustCrypto crates (no ring: it needs clang for
//! wasm32; see docs/toolchain.md). The CLI, the tests and the page's second module use it; the
//! page's first module never calls it, so none of this is linked into it (issue 26).

use super::crypto::{Crypto, EcCurve, Hash, KeyDer, PublicKey, SigAlg};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::signature::Verifier;
use rsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// RustCrypto's answers.
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCrypto;

fn digest(hash: Hash, msg: &[u8]) -> Vec<u8> {
    match hash {
        Hash::Sha256 => Sha256::digest(msg).to_vec(),
        Hash::Sha384 => Sha384::digest(msg).to_vec(),
        Hash::Sha512 => Sha512::digest(msg).to_vec(),
    }
}

fn rsa_public(k: &rsa::PrivateKey) -> PublicKey {
    use rsa::traits::PublicKeyParts;
    PublicKey::rsa(&k.n_bytes(), &k.e_bytes())
}

fn verify(alg: SigAlg, public_key: &[u8], message: &[u8], signature: &[u8]) -> Option<()> {
    match alg {
        SigAlg::RsaPkcs1(hash) => {
            let key = rsa::PublicKey::from_pkcs1_der(public_key).ok()?;
            let sig = rsa::pkcs1v15::Signature::try_from(signature).ok()?;
            match hash {
                Hash::Sha256 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(message, &sig)
                }
                Hash::Sha384 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha384>::new(key).verify(message, &sig)
                }
                Hash::Sha512 => {
                    rsa::pkcs1v15::VerifyingKey::<Sha512>::new(key).verify(message, &sig)
                }
            }
            .ok()
        }
        SigAlg::RsaPss(hash) => {
            let key = rsa::PublicKey::from_pkcs1_der(public_key).ok()?;
            let sig = rsa::pss::Signature::try_from(signature).ok()?;
            // Salt length = digest length: the only parameters webpki's PSS identifiers encode.
            match hash {
                Hash::Sha256 => rsa::pss::VerifyingKey::<Sha256>::new(key).verify(message, &sig),
                Hash::Sha384 => rsa::pss::VerifyingKey::<Sha384>::new(key).verify(message, &sig),
                Hash::Sha512 => rsa::pss::VerifyingKey::<Sha512>::new(key).verify(message, &sig),
            }
            .ok()
        }
        SigAlg::Ecdsa(curve, hash) => {
            // The hash is computed here and handed over as a prehash so that every curve/hash
            // pair (P-256 with SHA-384 included) goes through the same, standard truncation
            // (SEC 1 4.1.4), as WebCrypto does.
            let prehash = digest(hash, message);
            match curve {
                EcCurve::P256 => {
                    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).ok()?;
                    let sig = p256::ecdsa::Signature::from_der(signature).ok()?;
                    key.verify_prehash(&prehash, &sig).ok()
                }
                EcCurve::P384 => {
                    let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key).ok()?;
                    let sig = p384::ecdsa::Signature::from_der(signature).ok()?;
                    key.verify_prehash(&prehash, &sig).ok()
                }
            }
        }
        SigAlg::Ed25519 => {
            let key = <[u8; 32]>::try_from(public_key).ok()?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(&key).ok()?;
            let sig = <[u8; 64]>::try_from(signature).ok()?;
            let sig = ed25519_dalek::Signature::from_bytes(&sig);
            key.verify(message, &sig).ok()
        }
    }
}

impl Crypto for RustCrypto {
    fn verify(&self, alg: SigAlg, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        verify(alg, public_key, message, signature).is_some()
    }

    fn public_key(&self, der: KeyDer, key: &[u8]) -> Option<PublicKey> {
        use ed25519_dalek::pkcs8::DecodePrivateKey as _;
        use rsa::pkcs1::DecodeRsaPrivateKey as _;
        match der {
            KeyDer::Pkcs1Rsa => rsa::PrivateKey::from_pkcs1_der(key)
                .ok()
                .map(|k| rsa_public(&k)),
            KeyDer::Pkcs8Rsa => rsa::PrivateKey::from_pkcs8_der(key)
                .ok()
                .map(|k| rsa_public(&k)),
            KeyDer::Sec1(EcCurve::P256) => p256::SecretKey::from_sec1_der(key).ok().and_then(|k| {
                PublicKey::ec(EcCurve::P256, k.public_key().to_sec1_bytes().as_ref())
            }),
            KeyDer::Sec1(EcCurve::P384) => p384::SecretKey::from_sec1_der(key).ok().and_then(|k| {
                PublicKey::ec(EcCurve::P384, k.public_key().to_sec1_bytes().as_ref())
            }),
            KeyDer::Pkcs8Ec(EcCurve::P256) => {
                p256::SecretKey::from_pkcs8_der(key).ok().and_then(|k| {
                    PublicKey::ec(EcCurve::P256, k.public_key().to_sec1_bytes().as_ref())
                })
            }
            KeyDer::Pkcs8Ec(EcCurve::P384) => {
                p384::SecretKey::from_pkcs8_der(key).ok().and_then(|k| {
                    PublicKey::ec(EcCurve::P384, k.public_key().to_sec1_bytes().as_ref())
                })
            }
            KeyDer::Pkcs8Ed25519 => ed25519_dalek::SigningKey::from_pkcs8_der(key)
                .ok()
                .map(|k| PublicKey::Ed25519(k.verifying_key().to_bytes())),
        }
    }
}
