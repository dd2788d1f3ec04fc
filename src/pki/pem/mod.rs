//! PEM reading that copes with how people paste: several blocks in any order, CRLF or LF,
//! indentation, text around the blocks, a whole block on one line, no trailing newline.
//!
//! Errors are typed and say which input, which block (1-based, in paste order) and which line
//! (1-based) they concern. They never contain base64 or key bytes: a message may end up in a
//! screenshot or a ticket.
//!
//! `unwrap` takes the PEM out of what Kubernetes wraps it in (a `kubectl get secret` output, a
//! base64 data value, literal `\n`), `reader` splits text into blocks, `sniff` recognises what a
//! text without blocks is (DER, PKCS#12, base64 of PEM), `error` says what went wrong.

mod error;
mod reader;
mod sniff;
mod unwrap;

pub use error::PemError;
pub use sniff::{Unarmored, text_from_bytes};
pub use unwrap::{Source, source};

use crate::finding::Subject;
use base64::Engine as _;

/// What a PEM block holds, from its `-----BEGIN <label>-----` line (RFC 7468 labels plus the
/// OpenSSL legacy ones people still have).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Certificate,
    /// `PRIVATE KEY`: PKCS#8.
    Pkcs8Key,
    /// `RSA PRIVATE KEY`: PKCS#1.
    RsaKey,
    /// `EC PRIVATE KEY`: SEC1.
    EcKey,
    /// `EC PARAMETERS`, which `openssl ecparam -genkey` writes before the key; harmless.
    EcParameters,
    EncryptedKey,
    /// A private key in a format we do not read (`DSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`).
    OtherKey(String),
    /// Anything else: `CERTIFICATE REQUEST`, `PUBLIC KEY`, `X509 CRL`, `PKCS7`, ...
    Other(String),
}

impl BlockKind {
    pub fn from_label(label: &str) -> BlockKind {
        match label {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => BlockKind::Certificate,
            "PRIVATE KEY" => BlockKind::Pkcs8Key,
            "RSA PRIVATE KEY" => BlockKind::RsaKey,
            "EC PRIVATE KEY" => BlockKind::EcKey,
            "EC PARAMETERS" => BlockKind::EcParameters,
            "ENCRYPTED PRIVATE KEY" => BlockKind::EncryptedKey,
            l if l.ends_with("PRIVATE KEY") => BlockKind::OtherKey(l.to_owned()),
            l => BlockKind::Other(l.to_owned()),
        }
    }

    pub fn is_private_key(&self) -> bool {
        matches!(
            self,
            BlockKind::Pkcs8Key
                | BlockKind::RsaKey
                | BlockKind::EcKey
                | BlockKind::EncryptedKey
                | BlockKind::OtherKey(_)
        )
    }
}

/// The most an input may hold: 1 MiB of text and 64 PEM blocks. Real inputs are a few KiB and a
/// handful of blocks; above that it is a wrong file, and refusing early keeps the page responsive.
pub const MAX_INPUT_BYTES: usize = 1 << 20;
pub const MAX_BLOCKS: usize = 64;

/// Whether `label` is a label we may show: RFC 7468 labels as people have them (capital letters,
/// digits, spaces, inner hyphens), at most 64 characters. Anything else may be key material that
/// lost its closing dashes, and is never echoed.
pub fn is_valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 64
        && !label.starts_with([' ', '-'])
        && !label.ends_with([' ', '-'])
        && label
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ' || b == b'-')
}

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label between `BEGIN ` and `-----`, e.g. `CERTIFICATE`.
    pub label: String,
    pub kind: BlockKind,
    /// 1-based position among the blocks of the input.
    pub index: usize,
    /// 1-based line of the BEGIN line.
    pub line: usize,
    /// `true` when RFC 1421 headers say `Proc-Type: 4,ENCRYPTED` (legacy OpenSSL encryption).
    pub encrypted_header: bool,
    pub der: Vec<u8>,
}

/// Read every PEM block of `text`. Blocks that cannot be decoded become errors; the others are
/// returned in paste order. An empty (whitespace-only) text gives neither blocks nor errors.
pub fn parse_blocks(input: impl Into<Subject>, text: &str) -> (Vec<PemBlock>, Vec<PemError>) {
    let input = &input.into();
    if text.len() > MAX_INPUT_BYTES {
        let error = PemError::TooLarge {
            input: input.clone(),
            bytes: text.len(),
        };
        return (Vec::new(), vec![error]);
    }
    if text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    match unwrap::unwrap(input, text) {
        Ok((pem, _)) => reader::parse_text(input, &pem),
        Err(e) => (Vec::new(), vec![e]),
    }
}

/// Certificate blocks of a certificate input. Private keys and other blocks are errors
/// (`EC PARAMETERS` is ignored).
pub fn read_certificates(input: impl Into<Subject>, text: &str) -> (Vec<PemBlock>, Vec<PemError>) {
    let input = &input.into();
    let (blocks, mut errors) = parse_blocks(input, text);
    let mut certs = Vec::new();
    for b in blocks {
        match &b.kind {
            BlockKind::Certificate => certs.push(b),
            BlockKind::Pkcs8Key
            | BlockKind::RsaKey
            | BlockKind::EcKey
            | BlockKind::EncryptedKey
            | BlockKind::OtherKey(_) => errors.push(PemError::KeyInsteadOfCertificate {
                input: input.clone(),
                block: b.index,
                line: b.line,
            }),
            BlockKind::EcParameters => {}
            BlockKind::Other(label) => errors.push(PemError::UnexpectedBlock {
                input: input.clone(),
                block: b.index,
                line: b.line,
                label: label.clone(),
                expected: "a CERTIFICATE",
            }),
        }
    }
    (certs, errors)
}

/// The private key block of a key input: exactly one unencrypted key. Certificates and other
/// blocks are errors; an encrypted key is a `key-encrypted` error.
pub fn read_private_key(
    input: impl Into<Subject>,
    text: &str,
) -> (Option<PemBlock>, Vec<PemError>) {
    let input = &input.into();
    let (blocks, mut errors) = parse_blocks(input, text);
    let mut key: Option<PemBlock> = None;
    for b in blocks {
        match &b.kind {
            BlockKind::Pkcs8Key | BlockKind::RsaKey | BlockKind::EcKey | BlockKind::OtherKey(_) => {
                if b.encrypted_header {
                    errors.push(PemError::EncryptedKey {
                        input: input.clone(),
                        block: b.index,
                        line: b.line,
                    });
                } else if key.is_some() {
                    errors.push(PemError::SeveralKeys {
                        input: input.clone(),
                        block: b.index,
                        line: b.line,
                    });
                } else {
                    key = Some(b);
                }
            }
            BlockKind::EncryptedKey => errors.push(PemError::EncryptedKey {
                input: input.clone(),
                block: b.index,
                line: b.line,
            }),
            BlockKind::Certificate => errors.push(PemError::CertificateInsteadOfKey {
                input: input.clone(),
                block: b.index,
                line: b.line,
            }),
            BlockKind::EcParameters => {}
            BlockKind::Other(label) => errors.push(PemError::UnexpectedBlock {
                input: input.clone(),
                block: b.index,
                line: b.line,
                label: label.clone(),
                expected: "a PRIVATE KEY",
            }),
        }
    }
    (key, errors)
}

/// Re-encode DER as a PEM block with LF line endings and 64-column lines (RFC 7468).
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Code;
    use crate::inputs::CertInput;

    // "MIIBAAA=" style bodies: any valid base64 is fine for the reader; content is checked later.
    const BODY: &str = "MAMCAQE="; // SEQUENCE { INTEGER 1 }

    fn cert(body: &str) -> String {
        format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
    }

    #[test]
    fn edge_cases_of_pasting() {
        let two = format!("{}{}", cert(BODY), cert(BODY));
        // (name, text, blocks, error codes)
        let cases: &[(&str, String, usize, &[&str])] = &[
            ("plain", cert(BODY), 1, &[]),
            ("crlf", cert(BODY).replace('\n', "\r\n"), 1, &[]),
            (
                "no trailing newline",
                cert(BODY).trim_end().to_owned(),
                1,
                &[],
            ),
            (
                "indented",
                cert(BODY)
                    .lines()
                    .map(|l| format!("    {l}\n"))
                    .collect::<String>(),
                1,
                &[],
            ),
            (
                "text around",
                format!(
                    "Here is my cert:\n{}\nthanks!\n{}bye",
                    cert(BODY),
                    cert(BODY)
                ),
                2,
                &[],
            ),
            ("two blocks", two.clone(), 2, &[]),
            ("one line", cert(BODY).replace('\n', " "), 1, &[]),
            ("empty", String::new(), 0, &[]),
            ("whitespace", "  \n\t\n".into(), 0, &[]),
            ("garbage", "hello world".into(), 0, &["pem-malformed"]),
            ("bad base64", cert("MAMC*QE="), 0, &["pem-malformed"]),
            (
                "missing end",
                "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n".into(),
                0,
                &["pem-malformed"],
            ),
            (
                "missing end before next",
                format!("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n{}", cert(BODY)),
                1,
                &["pem-malformed"],
            ),
            (
                "mismatched end",
                "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n".into(),
                0,
                &["pem-malformed"],
            ),
            (
                "key instead of cert",
                "-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n".into(),
                0,
                &["pem-wrong-type"],
            ),
            (
                "csr",
                "-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQE=\n-----END CERTIFICATE REQUEST-----"
                    .into(),
                0,
                &["pem-wrong-type"],
            ),
            (
                "binary",
                "0\u{FFFD}\u{1}\u{2}".into(),
                0,
                &["pem-malformed"],
            ),
            ("json string", cert(BODY).replace('\n', "\\n"), 1, &[]),
            (
                "json string crlf",
                cert(BODY).replace('\n', "\\r\\n"),
                1,
                &[],
            ),
            (
                "base64 of pem (kubernetes secret data)",
                base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}{}",
                    cert(BODY),
                    cert(BODY)
                )),
                2,
                &[],
            ),
        ];
        for (name, text, n, codes) in cases {
            let (blocks, errs) = read_certificates(crate::inputs::CertInput::NlbCert, text);
            assert_eq!(blocks.len(), *n, "{name}: blocks");
            let got: Vec<_> = errs.iter().map(PemError::code).collect();
            assert_eq!(&got, codes, "{name}: errors {errs:?}");
            for b in &blocks {
                assert_eq!(b.der, vec![0x30, 0x03, 0x02, 0x01, 0x01], "{name}: der");
            }
        }
    }

    #[test]
    fn errors_name_block_and_line() {
        let text = format!(
            "intro\n{}\n-----BEGIN CERTIFICATE-----\nMA!CAQE=\n-----END CERTIFICATE-----\n\
             -----BEGIN CERTIFICATE-----\nMAMCAQE=",
            cert(BODY)
        );
        let (blocks, errs) = read_certificates("client_ca", &text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(
            errs,
            vec![
                PemError::BadBase64 {
                    input: "client_ca".into(),
                    block: 2,
                    line: 7
                },
                PemError::MissingEnd {
                    input: "client_ca".into(),
                    block: 3,
                    line: 9,
                    label: "CERTIFICATE".into(),
                    only_end: false,
                }
            ]
        );
        let msg = errs[0].to_string();
        assert!(
            msg.contains("CA for ALB client certificates, block 2 (line 7)"),
            "{msg}"
        );
    }

    #[test]
    fn keys_are_read_and_misplacements_named() {
        let key = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n\
                   -----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n";
        let (k, errs) = read_private_key("nlb_key", key);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(k.map(|b| b.kind), Some(BlockKind::EcKey));

        let (k, errs) = read_private_key("nlb_key", &cert(BODY));
        assert!(k.is_none());
        assert_eq!(errs[0].code(), "pem-wrong-type");

        let enc =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAMCAQE=\n-----END ENCRYPTED PRIVATE KEY-----";
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00AA\n\nMAMCAQE=\n-----END RSA PRIVATE KEY-----";
        for text in [enc, legacy] {
            let (k, errs) = read_private_key("nlb_key", text);
            assert!(k.is_none(), "{text}");
            assert_eq!(errs.len(), 1);
            assert_eq!(errs[0].code(), "key-encrypted");
            assert!(
                errs[0]
                    .to_string()
                    .contains("openssl pkey -in key.pem -out key-decrypted.pem")
            );
        }

        let two = format!("{key}{key}");
        let (k, errs) = read_private_key("nlb_key", &two);
        assert!(k.is_some());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code(), "pem-malformed");
    }

    #[test]
    fn unarmored_input_is_recognised() {
        // SEQUENCE { INTEGER 3, ... } is how a PKCS#12 file starts.
        let p12 = base64::engine::general_purpose::STANDARD.encode([
            0x30, 0x0c, 0x02, 0x01, 0x03, 0x30, 0x07, 0x06, 0x05, 0x2a, 0x86, 0x48, 0x86, 0xf7,
        ]);
        let der = base64::engine::general_purpose::STANDARD.encode([
            0x30, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x02, 0x30, 0x05, 0x06, 0x03, 0x2a, 0x86, 0x48,
        ]);
        let cases: &[(&str, Unarmored)] = &[
            (&p12, Unarmored::Pkcs12Base64),
            (&der, Unarmored::DerBase64),
            ("\u{0}\u{1}binary", Unarmored::Binary),
            ("just some words here", Unarmored::NoBlock),
        ];
        for (text, want) in cases {
            let (_, errs) = parse_blocks("x", text);
            assert_eq!(
                errs,
                vec![PemError::NotPem {
                    input: "x".into(),
                    what: *want
                }],
                "{text:?}"
            );
        }
        assert!(text_from_bytes("x", &[0x30, 0x82, 0xff, 0xfe]).is_err());
    }

    #[test]
    fn messages_never_contain_the_body() {
        let secret = "U2VjcmV0S2V5TWF0ZXJpYWw=";
        let texts = [
            format!("-----BEGIN PRIVATE KEY-----\n{secret}\n"),
            format!("-----BEGIN PRIVATE KEY-----\n{secret}!\n-----END PRIVATE KEY-----"),
            format!(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{secret}\n-----END ENCRYPTED PRIVATE KEY-----"
            ),
            format!("-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----"),
        ];
        for t in &texts {
            let (_, e1) = read_certificates(crate::inputs::CertInput::NlbCert, t);
            let (_, e2) = read_private_key("nlb_key", t);
            for e in e1.iter().chain(&e2) {
                assert!(!e.to_string().contains("U2VjcmV0"), "{e}");
            }
        }
    }

    /// A key flattened onto one line whose BEGIN marker lost its closing dashes: the "label" ran
    /// to the next dashes and was echoed in full. It is read as the key it is, and no message
    /// ever contains the key text.
    #[test]
    fn a_key_whose_marker_lost_its_dashes_is_read_and_never_echoed() {
        let body =
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgU2VjcmV0S2V5TWF0ZXJpYWxTZWNyZXQ";
        let cases = [
            format!("-----BEGIN PRIVATE KEY {body} -----END PRIVATE KEY-----"),
            format!("-----BEGIN PRIVATE KEY {body}"),
            format!("-----BEGIN {body} -----END PRIVATE KEY-----"),
            format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END {body}-----"),
            format!("-----BEGIN {body}-----\n{body}\n-----END {body}-----"),
        ];
        for text in &cases {
            let (blocks, errs) = read_private_key(CertInput::NlbKey, text);
            let (_, errs2) = read_certificates(CertInput::NlbCert, text);
            for e in errs.iter().chain(&errs2) {
                let m = e.to_string();
                assert!(!m.contains("U2VjcmV0"), "{text:?} echoed in {m}");
                assert!(!m.contains(&body[..20]), "{text:?} echoed in {m}");
            }
            if let Some(b) = blocks {
                assert!(is_valid_label(&b.label), "{:?}", b.label);
            }
        }
        // The first case is a well-formed key otherwise: the block is found, with its label.
        let (block, _) = read_private_key(CertInput::NlbKey, &cases[0]);
        assert_eq!(block.map(|b| b.kind), Some(BlockKind::Pkcs8Key));
    }

    #[test]
    fn labels_that_may_be_shown() {
        const CASES: &[(&str, bool)] = &[
            ("CERTIFICATE", true),
            ("RSA PRIVATE KEY", true),
            ("X509 CRL", true),
            ("", false),
            ("PRIVATE KEY MIIEv", false),
            ("private key", false),
            (" CERTIFICATE", false),
        ];
        for (l, want) in CASES {
            assert_eq!(is_valid_label(l), *want, "{l:?}");
        }
        assert!(!is_valid_label(&"A".repeat(65)));
    }

    #[test]
    fn inputs_over_the_limits_are_refused_or_cut() {
        let huge = "x".repeat(MAX_INPUT_BYTES + 1);
        let (blocks, errs) = parse_blocks("x", &huge);
        assert!(blocks.is_empty());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code(), "input-too-large");
        let many: String = (0..100).map(|_| cert(BODY)).collect();
        let (blocks, errs) = read_certificates("x", &many);
        assert_eq!(blocks.len(), MAX_BLOCKS);
        assert_eq!(
            errs.iter().map(PemError::code).collect::<Vec<_>>(),
            ["input-too-large"]
        );
        assert!(
            errs[0].to_string().contains("100 PEM blocks"),
            "{}",
            errs[0]
        );
        // Thousands of broken blocks give one finding, not thousands.
        let broken = "-----BEGIN CERTIFICATE-----\n".repeat(5000);
        let (_, errs) = read_certificates("x", &broken);
        assert!(errs.len() <= MAX_BLOCKS + 1, "{}", errs.len());
    }

    /// Marker searches never restart from the beginning of a long line: a line of a million
    /// END markers is read (into one-block errors up to the limit) rather than scanned again
    /// for each one. The time is measured by the benchmark; here the result is checked.
    #[test]
    fn a_long_line_of_markers_is_read_once() {
        let line = "-----END X----- ".repeat(20_000);
        let (blocks, errs) = parse_blocks("x", &line);
        assert!(blocks.is_empty());
        assert_eq!(errs.last().map(PemError::code), Some(Code::InputTooLarge));
    }

    #[test]
    fn encode_round_trips() {
        let der: Vec<u8> = (0..200u8).collect();
        let pem = encode("CERTIFICATE", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        let (blocks, errs) = parse_blocks("x", &pem);
        assert!(errs.is_empty());
        assert_eq!(blocks[0].der, der);
    }
}
