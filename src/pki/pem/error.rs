//! Why (part of) a PEM input could not be used, and what to do about it.

use super::sniff::Unarmored;
use super::{MAX_BLOCKS, MAX_INPUT_BYTES, is_valid_label};
use crate::finding::{Code, Finding, Subject};
use std::fmt;

/// A label as a message may show it: the reader keeps only valid labels, and anything else is
/// described, never echoed (it may be key material that lost its dashes).
fn shown(label: &str) -> &str {
    if is_valid_label(label) {
        label
    } else {
        "(unreadable label)"
    }
}

/// Why (part of) a PEM input could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemError {
    /// No PEM block found in a non-empty input.
    NotPem { input: Subject, what: Unarmored },
    /// A Kubernetes Secret (kubectl output) without the entry this input takes.
    SecretWithout {
        input: Subject,
        /// `metadata.name`, when it may be shown.
        name: Option<String>,
        /// The entry wanted, e.g. `tls.crt`.
        wanted: &'static str,
        /// The data keys it has (names only, never values).
        has: Vec<String>,
    },
    /// More text than an input may hold ([`MAX_INPUT_BYTES`]); nothing of it was read.
    TooLarge { input: Subject, bytes: usize },
    /// More blocks than an input may hold ([`MAX_BLOCKS`]); the first ones were read.
    TooManyBlocks { input: Subject, blocks: usize },
    /// A block whose body is not valid base64.
    BadBase64 {
        input: Subject,
        block: usize,
        line: usize,
    },
    /// A BEGIN line without its END line, or (`only_end`) an END line without its BEGIN.
    MissingEnd {
        input: Subject,
        block: usize,
        line: usize,
        label: String,
        only_end: bool,
    },
    /// `-----END X-----` does not match `-----BEGIN Y-----`.
    MismatchedEnd {
        input: Subject,
        block: usize,
        line: usize,
        begin: String,
        end: String,
    },
    /// A private key where certificates were expected.
    KeyInsteadOfCertificate {
        input: Subject,
        block: usize,
        line: usize,
    },
    /// A certificate where a private key was expected.
    CertificateInsteadOfKey {
        input: Subject,
        block: usize,
        line: usize,
    },
    /// Some other block (`CERTIFICATE REQUEST`, `PUBLIC KEY`, ...) where it does not belong.
    UnexpectedBlock {
        input: Subject,
        block: usize,
        line: usize,
        label: String,
        expected: &'static str,
    },
    /// An encrypted private key (PKCS#8 `ENCRYPTED PRIVATE KEY` or `Proc-Type: 4,ENCRYPTED`).
    EncryptedKey {
        input: Subject,
        block: usize,
        line: usize,
    },
    /// More than one private key in a key input.
    SeveralKeys {
        input: Subject,
        block: usize,
        line: usize,
    },
    /// The block decoded but its content is not a valid certificate / key.
    BadContent {
        input: Subject,
        block: usize,
        line: usize,
        what: &'static str,
        detail: String,
    },
}

impl PemError {
    /// The stable finding code for this error.
    pub fn code(&self) -> Code {
        match self {
            PemError::NotPem { .. }
            | PemError::BadBase64 { .. }
            | PemError::MissingEnd { .. }
            | PemError::MismatchedEnd { .. }
            | PemError::SeveralKeys { .. }
            | PemError::BadContent { .. } => Code::PemMalformed,
            PemError::TooLarge { .. } | PemError::TooManyBlocks { .. } => Code::InputTooLarge,
            PemError::KeyInsteadOfCertificate { .. }
            | PemError::CertificateInsteadOfKey { .. }
            | PemError::UnexpectedBlock { .. }
            | PemError::SecretWithout { .. } => Code::PemWrongType,
            PemError::EncryptedKey { .. } => Code::KeyEncrypted,
        }
    }

    pub fn input(&self) -> &Subject {
        match self {
            PemError::NotPem { input, .. }
            | PemError::SecretWithout { input, .. }
            | PemError::TooLarge { input, .. }
            | PemError::TooManyBlocks { input, .. }
            | PemError::BadBase64 { input, .. }
            | PemError::MissingEnd { input, .. }
            | PemError::MismatchedEnd { input, .. }
            | PemError::KeyInsteadOfCertificate { input, .. }
            | PemError::CertificateInsteadOfKey { input, .. }
            | PemError::UnexpectedBlock { input, .. }
            | PemError::EncryptedKey { input, .. }
            | PemError::SeveralKeys { input, .. }
            | PemError::BadContent { input, .. } => input,
        }
    }

    /// As an error finding about its input.
    pub fn to_finding(&self) -> Finding {
        Finding::error(self.code(), self.to_string(), Some(self.input().clone()))
    }
}

impl fmt::Display for PemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PemError::NotPem { input, what } => match what {
                Unarmored::Binary => write!(
                    f,
                    "{input}: this is binary data (DER or PKCS#12), not PEM text. Convert it: \
                     `openssl x509 -inform der -in cert.der -out cert.pem` for a DER certificate, \
                     `openssl pkcs12 -in bundle.p12 -nodes -out bundle.pem` for a .p12/.pfx bundle",
                    input = input.label()
                ),
                Unarmored::Pkcs12Base64 => write!(
                    f,
                    "{input}: this is a base64-encoded PKCS#12 (.p12/.pfx) bundle, not PEM. \
                     Extract the PEM with `openssl pkcs12 -in bundle.p12 -nodes -out bundle.pem` \
                     and paste the certificate and key blocks where they belong",
                    input = input.label()
                ),
                Unarmored::DerBase64 => write!(
                    f,
                    "{input}: this is base64 DER without the -----BEGIN ...----- and -----END \
                     ...----- lines. Paste the whole PEM file, including those lines",
                    input = input.label()
                ),
                Unarmored::NoBlock => write!(
                    f,
                    "{input}: no PEM block found. Paste the text from -----BEGIN ...----- to \
                     -----END ...-----, or the whole output of `kubectl get secret NAME -o yaml`",
                    input = input.label()
                ),
            },
            PemError::SecretWithout {
                input,
                name,
                wanted,
                has,
            } => write!(
                f,
                "{input}: this is a Kubernetes Secret{} without {wanted}; its data holds {}. \
                 Paste the secret that holds {wanted}, or only that entry decoded with \
                 `base64 -d`",
                name.as_ref()
                    .map(|n| format!(" (\"{n}\")"))
                    .unwrap_or_default(),
                if has.is_empty() {
                    "no PEM entry".to_owned()
                } else {
                    has.join(", ")
                },
                input = input.label()
            ),
            PemError::TooLarge { input, bytes } => write!(
                f,
                "{input}: {} KiB is more than this field reads ({} KiB); nothing of it was \
                 read. A certificate chain or a key is a few KiB: paste only the PEM blocks this \
                 field asks for",
                bytes.div_ceil(1024),
                MAX_INPUT_BYTES / 1024,
                input = input.label()
            ),
            PemError::TooManyBlocks { input, blocks } => write!(
                f,
                "{input}: {blocks} PEM blocks, more than this field reads ({MAX_BLOCKS}); only \
                 the first {MAX_BLOCKS} were read. Paste only the certificates this field asks \
                 for (a leaf and its intermediates, or the CA)",
                input = input.label()
            ),
            PemError::BadBase64 { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): the base64 inside the block is damaged. \
                 Copy the block again from the original file",
                input = input.label()
            ),
            PemError::MissingEnd {
                input,
                block,
                line,
                label,
                only_end: false,
            } => write!(
                f,
                "{input}, block {block} (line {line}): \"-----BEGIN {label}-----\" has no \
                 \"-----END {label}-----\" line. The paste was probably cut off; copy the whole block",
                label = shown(label),
                input = input.label()
            ),
            PemError::MissingEnd {
                input,
                block,
                line,
                label,
                only_end: true,
            } => write!(
                f,
                "{input}, block {block} (line {line}): \"-----END {label}-----\" without its \
                 \"-----BEGIN {label}-----\" line (only its END line was pasted). Copy the whole \
                 block",
                label = shown(label),
                input = input.label()
            ),
            PemError::MismatchedEnd {
                input,
                block,
                line,
                begin,
                end,
            } => write!(
                f,
                "{input}, block {block} (line {line}): the block begins as {} but ends as \
                 {}. Copy the block again from the original file",
                shown(begin),
                shown(end),
                input = input.label()
            ),
            PemError::KeyInsteadOfCertificate { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): this is a private key, but a certificate \
                 was expected here. Paste the key into the key field and the certificate here",
                input = input.label()
            ),
            PemError::CertificateInsteadOfKey { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): this is a certificate, but a private key \
                 was expected here. Paste the certificate into the certificate field and its key here",
                input = input.label()
            ),
            PemError::UnexpectedBlock {
                input,
                block,
                line,
                label,
                expected,
            } => match label.as_str() {
                "PKCS7" => write!(
                    f,
                    "{input}, block {block} (line {line}): a PKCS#7 bundle (.p7b), but \
                     {expected} was expected here. Extract the certificates with \
                     `openssl pkcs7 -print_certs -in bundle.p7b -out chain.pem` and paste those",
                    input = input.label()
                ),
                "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => write!(
                    f,
                    "{input}, block {block} (line {line}): a certificate signing request, not a \
                     certificate. Send it to the CA and paste the certificate it returns",
                    input = input.label()
                ),
                _ => write!(
                    f,
                    "{input}, block {block} (line {line}): a {} block, but {expected} was \
                     expected here. Remove it or paste the right file",
                    shown(label),
                    input = input.label()
                ),
            },
            PemError::EncryptedKey { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): the private key is encrypted with a \
                 passphrase; the ALB and Istio need it unencrypted. Decrypt it with \
                 `openssl pkey -in key.pem -out key-decrypted.pem` and paste key-decrypted.pem \
                 (keep it secret)",
                input = input.label()
            ),
            PemError::SeveralKeys { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): a second private key. Paste exactly one \
                 key: the one that belongs to the certificate",
                input = input.label()
            ),
            PemError::BadContent {
                input,
                block,
                line,
                what,
                detail,
            } => write!(
                f,
                "{input}, block {block} (line {line}): not a valid {what} ({}). Copy the \
                 block again from the original file",
                crate::text::excerpt(detail, 80),
                input = input.label()
            ),
        }
    }
}

impl std::error::Error for PemError {}
