//! The finding codes: kebab-case, stable, one enum, with a title and a usual fix each.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Every finding code. The serde name (kebab-case) is the stable code users key on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// A required input is still empty.
    InputMissing,
    /// A settings value, or a certificate entry of the settings file, cannot be used.
    InputInvalid,
    /// White space around a settings value was removed (a note: the value is used without it).
    ValueTrimmed,
    /// An input larger than this tool reads (bytes or PEM blocks).
    InputTooLarge,
    /// A PEM block is damaged, or a text holds no PEM block.
    PemMalformed,
    /// A PEM block of the wrong kind for its input (a key where a certificate belongs, ...).
    PemWrongType,
    /// A private key encrypted with a passphrase.
    KeyEncrypted,
    /// A key type the ALB, Istio or this tool cannot use.
    KeyUnsupported,
    /// A private key that does not belong to its certificate.
    KeyMismatch,
    /// An RSA key under 2048 bits.
    WeakKey,
    /// A SHA-1 or MD5 signature.
    WeakSignature,
    /// A signature that does not verify with its issuer's key.
    SignatureInvalid,
    CertExpired,
    CertNotYetValid,
    CertExpiringSoon,
    /// The issuer of a certificate is missing.
    ChainIncomplete,
    /// The chain does not lead to a trusted CA, or breaks a rule on the way.
    ChainUntrusted,
    /// A certificate used as a CA that may not act as one.
    NotACa,
    /// The same certificate twice in one input: the bundle keeps one copy.
    CertRepeated,
    /// A public root, or a CA that chains to one, among the CAs the gateway trusts for client
    /// certificates: anyone with a certificate under that root gets in.
    ClientCaPublic,
    /// The trusted CA itself is expired.
    TrustAnchorExpired,
    /// The trusted CA itself is not valid yet.
    TrustAnchorNotYetValid,
    /// The certificate does not cover a host name it must serve.
    NameMismatch,
    EkuServerAuthMissing,
    EkuClientAuthMissing,
    /// How deep the ALB verifies the gateway chain, and whether that is enough.
    VerifyDepth,
}

impl Code {
    pub const ALL: [Code; 26] = [
        Code::InputMissing,
        Code::InputInvalid,
        Code::ValueTrimmed,
        Code::InputTooLarge,
        Code::PemMalformed,
        Code::PemWrongType,
        Code::KeyEncrypted,
        Code::KeyUnsupported,
        Code::KeyMismatch,
        Code::WeakKey,
        Code::WeakSignature,
        Code::SignatureInvalid,
        Code::CertExpired,
        Code::CertNotYetValid,
        Code::CertExpiringSoon,
        Code::ChainIncomplete,
        Code::ChainUntrusted,
        Code::NotACa,
        Code::CertRepeated,
        Code::ClientCaPublic,
        Code::TrustAnchorExpired,
        Code::TrustAnchorNotYetValid,
        Code::NameMismatch,
        Code::EkuServerAuthMissing,
        Code::EkuClientAuthMissing,
        Code::VerifyDepth,
    ];

    /// The stable kebab-case code (its serde name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::InputMissing => "input-missing",
            Code::InputInvalid => "input-invalid",
            Code::ValueTrimmed => "value-trimmed",
            Code::InputTooLarge => "input-too-large",
            Code::PemMalformed => "pem-malformed",
            Code::PemWrongType => "pem-wrong-type",
            Code::KeyEncrypted => "key-encrypted",
            Code::KeyUnsupported => "key-unsupported",
            Code::KeyMismatch => "key-mismatch",
            Code::WeakKey => "weak-key",
            Code::WeakSignature => "weak-signature",
            Code::SignatureInvalid => "signature-invalid",
            Code::CertExpired => "cert-expired",
            Code::CertNotYetValid => "cert-not-yet-valid",
            Code::CertExpiringSoon => "cert-expiring-soon",
            Code::ChainIncomplete => "chain-incomplete",
            Code::ChainUntrusted => "chain-untrusted",
            Code::NotACa => "not-a-ca",
            Code::CertRepeated => "cert-repeated",
            Code::ClientCaPublic => "client-ca-public",
            Code::TrustAnchorExpired => "trust-anchor-expired",
            Code::TrustAnchorNotYetValid => "trust-anchor-not-yet-valid",
            Code::NameMismatch => "name-mismatch",
            Code::EkuServerAuthMissing => "eku-server-auth-missing",
            Code::EkuClientAuthMissing => "eku-client-auth-missing",
            Code::VerifyDepth => "verify-depth",
        }
    }

    /// A short title for the kind of problem, for lists and headings.
    pub const fn label(self) -> &'static str {
        match self {
            Code::InputMissing => "Input missing",
            Code::InputInvalid => "Invalid value",
            Code::ValueTrimmed => "White space removed",
            Code::InputTooLarge => "Input too large",
            Code::PemMalformed => "Damaged PEM",
            Code::PemWrongType => "Wrong kind of PEM block",
            Code::KeyEncrypted => "Encrypted private key",
            Code::KeyUnsupported => "Unsupported key type",
            Code::KeyMismatch => "Key does not match the certificate",
            Code::WeakKey => "Weak key",
            Code::WeakSignature => "Weak signature",
            Code::SignatureInvalid => "Invalid signature",
            Code::CertExpired => "Certificate expired",
            Code::CertNotYetValid => "Certificate not yet valid",
            Code::CertExpiringSoon => "Certificate expires soon",
            Code::ChainIncomplete => "Chain incomplete",
            Code::ChainUntrusted => "Chain not trusted",
            Code::NotACa => "Not a CA",
            Code::CertRepeated => "Certificate pasted twice",
            Code::ClientCaPublic => "Public CA trusted for client certificates",
            Code::TrustAnchorExpired => "Trusted CA expired",
            Code::TrustAnchorNotYetValid => "Trusted CA not valid yet",
            Code::NameMismatch => "Name not covered",
            Code::EkuServerAuthMissing => "No serverAuth usage",
            Code::EkuClientAuthMissing => "No clientAuth usage",
            Code::VerifyDepth => "Verify depth",
        }
    }

    /// What usually fixes this kind of problem, in one sentence.
    pub const fn hint(self) -> &'static str {
        match self {
            Code::InputMissing => "Fill in the field or paste the PEM.",
            Code::InputInvalid => "Correct the value as the message says.",
            Code::ValueTrimmed => "Nothing to do: the value is used without the white space.",
            Code::InputTooLarge => "Paste only the certificates or the key this field asks for.",
            Code::PemMalformed | Code::PemWrongType => {
                "Copy the whole block again from the original file, into the right field."
            }
            Code::KeyEncrypted => "Decrypt the key with openssl pkey and paste the result.",
            Code::KeyUnsupported | Code::WeakKey | Code::WeakSignature => {
                "Reissue the certificate with an RSA 2048+ or ECDSA P-256 key and SHA-256."
            }
            Code::KeyMismatch => "Paste the key that belongs to the certificate.",
            Code::SignatureInvalid | Code::ChainIncomplete | Code::ChainUntrusted => {
                "Paste the intermediates after the leaf and the CA that really issued them."
            }
            Code::CertExpired | Code::CertNotYetValid | Code::CertExpiringSoon => {
                "Renew the certificate and paste the new one."
            }
            Code::NotACa => "Use the real CA certificate, not a leaf.",
            Code::CertRepeated => "Remove the second copy (the bundle keeps one either way).",
            Code::ClientCaPublic => {
                "Use a private CA of your own for client certificates (the page's \"Create a \
                 private client CA\", or istio-alb ca init)."
            }
            Code::TrustAnchorExpired | Code::TrustAnchorNotYetValid => {
                "Replace the trusted CA with its current root."
            }
            Code::NameMismatch => "Correct the host name, or reissue the certificate for it.",
            Code::EkuServerAuthMissing | Code::EkuClientAuthMissing => {
                "Reissue the certificate with the extended key usage its role needs."
            }
            Code::VerifyDepth => "Set the ALB's verify depth to the chain's length.",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets callers and tests compare a code with its stable string.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_to_its_stable_string() {
        for code in Code::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str(), "{code:?}");
            let back: Code = serde_json::from_value(json).unwrap();
            assert_eq!(back, code);
            assert!(code.label().starts_with(char::is_uppercase), "{code:?}");
            assert!(code.hint().ends_with('.'), "{code:?}");
        }
    }
}
