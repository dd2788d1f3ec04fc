//! Signature verification for rustls-webpki, over whatever answers the checks' [`Crypto`]
//! (RustCrypto natively, WebCrypto in the page's first module).
//!
//! The set mirrors webpki's own `ALL_VERIFICATION_ALGS` for ring: RSA PKCS#1 v1.5 and PSS with
//! SHA-256/384/512 (2048–8192-bit moduli), ECDSA P-256/P-384 with SHA-256/384, Ed25519. SHA-1 and
//! RSA keys under 2048 bits are deliberately absent: a chain that needs them does not verify,
//! and `verify` explains it as `weak-signature` / `weak-key`.

use super::crypto::{Crypto, EcCurve, Hash, SigAlg};
use super::key::{RSA_MAX_BITS, RSA_MIN_BITS};
use rsa::pkcs1::der::Decode;
use rustls_pki_types::{
    AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id,
};

/// RSA keys are used only with a modulus of 2048–8192 bits (webpki's limits, the same as the
/// private keys'), checked on the PKCS#1 `RSAPublicKey` before any arithmetic is asked for.
fn rsa_size_ok(public_key: &[u8]) -> bool {
    let bits = |k: rsa::pkcs1::RsaPublicKeyRef<'_>| super::x509::bit_len(k.modulus.as_bytes());
    rsa::pkcs1::RsaPublicKeyRef::from_der(public_key)
        .is_ok_and(|k| (RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits(k)))
}

/// One of webpki's algorithms, answered by `crypto`.
pub struct Algorithm<'c> {
    scheme: SigAlg,
    key_id: AlgorithmIdentifier,
    sig_id: AlgorithmIdentifier,
    crypto: &'c dyn Crypto,
}

impl std::fmt::Debug for Algorithm<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.scheme)
    }
}

impl SignatureVerificationAlgorithm for Algorithm<'_> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let rsa = matches!(self.scheme, SigAlg::RsaPkcs1(_) | SigAlg::RsaPss(_));
        if rsa && !rsa_size_ok(public_key) {
            return Err(InvalidSignature);
        }
        if self
            .crypto
            .verify(self.scheme, public_key, message, signature)
        {
            Ok(())
        } else {
            Err(InvalidSignature)
        }
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.key_id
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_id
    }
}

/// Every algorithm `verify` accepts, for `EndEntityCert::verify_for_usage`, answered by `crypto`.
pub fn all(crypto: &dyn Crypto) -> [Algorithm<'_>; 11] {
    use EcCurve::{P256, P384};
    use Hash::{Sha256, Sha384, Sha512};
    let a = |scheme, key_id, sig_id| Algorithm {
        scheme,
        key_id,
        sig_id,
        crypto,
    };
    [
        a(
            SigAlg::Ecdsa(P256, Sha256),
            alg_id::ECDSA_P256,
            alg_id::ECDSA_SHA256,
        ),
        a(
            SigAlg::Ecdsa(P256, Sha384),
            alg_id::ECDSA_P256,
            alg_id::ECDSA_SHA384,
        ),
        a(
            SigAlg::Ecdsa(P384, Sha256),
            alg_id::ECDSA_P384,
            alg_id::ECDSA_SHA256,
        ),
        a(
            SigAlg::Ecdsa(P384, Sha384),
            alg_id::ECDSA_P384,
            alg_id::ECDSA_SHA384,
        ),
        a(SigAlg::Ed25519, alg_id::ED25519, alg_id::ED25519),
        a(
            SigAlg::RsaPkcs1(Sha256),
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PKCS1_SHA256,
        ),
        a(
            SigAlg::RsaPkcs1(Sha384),
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PKCS1_SHA384,
        ),
        a(
            SigAlg::RsaPkcs1(Sha512),
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PKCS1_SHA512,
        ),
        a(
            SigAlg::RsaPss(Sha256),
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PSS_SHA256,
        ),
        a(
            SigAlg::RsaPss(Sha384),
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PSS_SHA384,
        ),
        a(
            SigAlg::RsaPss(Sha512),
            alg_id::RSA_ENCRYPTION,
            alg_id::RSA_PSS_SHA512,
        ),
    ]
}

/// Verify `signature` over `message` with the `SubjectPublicKeyInfo` fields given, choosing the
/// algorithm like webpki does (both identifiers must match). For explaining a broken link.
pub fn verify_with(
    crypto: &dyn Crypto,
    spki_alg: &[u8],
    public_key: &[u8],
    sig_alg: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), LinkSignatureError> {
    let all = all(crypto);
    let mut candidates = all
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
    use crate::pki::rustcrypto::RustCrypto;

    #[test]
    fn garbage_keys_and_signatures_are_rejected_not_panics() {
        let blobs: &[&[u8]] = &[
            &[],
            &[0],
            &[0x30, 0x03, 0x02, 0x01, 0x01],
            &[0xff; 64],
            &[4; 65],
        ];
        for a in all(&RustCrypto) {
            for k in blobs {
                for s in blobs {
                    assert!(a.verify_signature(k, b"msg", s).is_err(), "{a:?}");
                }
            }
        }
    }
}
