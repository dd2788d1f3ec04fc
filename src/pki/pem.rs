//! PEM reading that copes with how people paste: several blocks in any order, CRLF or LF,
//! indentation, text around the blocks, a whole block on one line, no trailing newline.
//!
//! Errors are typed and say which input, which block (1-based, in paste order) and which line
//! (1-based) they concern. They never contain base64 or key bytes: a message may end up in a
//! screenshot or a ticket.

use super::finding::Finding;
use base64::Engine as _;
use std::fmt;

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

/// Why (part of) a PEM input could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemError {
    /// No PEM block found in a non-empty input.
    NotPem { input: String, what: Unarmored },
    /// A block whose body is not valid base64.
    BadBase64 {
        input: String,
        block: usize,
        line: usize,
    },
    /// A BEGIN line without its END line.
    MissingEnd {
        input: String,
        block: usize,
        line: usize,
        label: String,
    },
    /// `-----END X-----` does not match `-----BEGIN Y-----`.
    MismatchedEnd {
        input: String,
        block: usize,
        line: usize,
        begin: String,
        end: String,
    },
    /// A private key where certificates were expected.
    KeyInsteadOfCertificate {
        input: String,
        block: usize,
        line: usize,
    },
    /// A certificate where a private key was expected.
    CertificateInsteadOfKey {
        input: String,
        block: usize,
        line: usize,
    },
    /// Some other block (`CERTIFICATE REQUEST`, `PUBLIC KEY`, ...) where it does not belong.
    UnexpectedBlock {
        input: String,
        block: usize,
        line: usize,
        label: String,
        expected: &'static str,
    },
    /// An encrypted private key (PKCS#8 `ENCRYPTED PRIVATE KEY` or `Proc-Type: 4,ENCRYPTED`).
    EncryptedKey {
        input: String,
        block: usize,
        line: usize,
    },
    /// More than one private key in a key input.
    SeveralKeys {
        input: String,
        block: usize,
        line: usize,
    },
    /// The block decoded but its content is not a valid certificate / key.
    BadContent {
        input: String,
        block: usize,
        line: usize,
        what: &'static str,
        detail: String,
    },
}

impl PemError {
    /// The stable finding code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            PemError::NotPem { .. }
            | PemError::BadBase64 { .. }
            | PemError::MissingEnd { .. }
            | PemError::MismatchedEnd { .. }
            | PemError::SeveralKeys { .. }
            | PemError::BadContent { .. } => "pem-malformed",
            PemError::KeyInsteadOfCertificate { .. }
            | PemError::CertificateInsteadOfKey { .. }
            | PemError::UnexpectedBlock { .. } => "pem-wrong-type",
            PemError::EncryptedKey { .. } => "key-encrypted",
        }
    }

    pub fn input(&self) -> &str {
        match self {
            PemError::NotPem { input, .. }
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
        Finding::error(self.code(), self.to_string(), Some(self.input()))
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
                     `openssl pkcs12 -in bundle.p12 -nodes -out bundle.pem` for a .p12/.pfx bundle"
                ),
                Unarmored::Pkcs12Base64 => write!(
                    f,
                    "{input}: this is a base64-encoded PKCS#12 (.p12/.pfx) bundle, not PEM. \
                     Extract the PEM with `openssl pkcs12 -in bundle.p12 -nodes -out bundle.pem` \
                     and paste the certificate and key blocks where they belong"
                ),
                Unarmored::DerBase64 => write!(
                    f,
                    "{input}: this is base64 DER without the -----BEGIN ...----- and -----END \
                     ...----- lines. Paste the whole PEM file, including those lines"
                ),
                Unarmored::NoBlock => write!(
                    f,
                    "{input}: no PEM block found. Paste the text from -----BEGIN ...----- to \
                     -----END ...-----"
                ),
            },
            PemError::BadBase64 { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): the base64 inside the block is damaged. \
                 Copy the block again from the original file"
            ),
            PemError::MissingEnd {
                input,
                block,
                line,
                label,
            } => write!(
                f,
                "{input}, block {block} (line {line}): \"-----BEGIN {label}-----\" has no \
                 \"-----END {label}-----\" line. The paste was probably cut off; copy the whole block"
            ),
            PemError::MismatchedEnd {
                input,
                block,
                line,
                begin,
                end,
            } => write!(
                f,
                "{input}, block {block} (line {line}): the block begins as {begin} but ends as \
                 {end}. Copy the block again from the original file"
            ),
            PemError::KeyInsteadOfCertificate { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): this is a private key, but a certificate \
                 was expected here. Paste the key into the key field and the certificate here"
            ),
            PemError::CertificateInsteadOfKey { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): this is a certificate, but a private key \
                 was expected here. Paste the certificate into the certificate field and its key here"
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
                     `openssl pkcs7 -print_certs -in bundle.p7b -out chain.pem` and paste those"
                ),
                "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => write!(
                    f,
                    "{input}, block {block} (line {line}): a certificate signing request, not a \
                     certificate. Send it to the CA and paste the certificate it returns"
                ),
                _ => write!(
                    f,
                    "{input}, block {block} (line {line}): a {label} block, but {expected} was \
                     expected here. Remove it or paste the right file"
                ),
            },
            PemError::EncryptedKey { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): the private key is encrypted with a \
                 passphrase; the ALB and Istio need it unencrypted. Decrypt it with \
                 `openssl pkey -in key.pem -out key-decrypted.pem` and paste key-decrypted.pem \
                 (keep it secret)"
            ),
            PemError::SeveralKeys { input, block, line } => write!(
                f,
                "{input}, block {block} (line {line}): a second private key. Paste exactly one \
                 key: the one that belongs to the certificate"
            ),
            PemError::BadContent {
                input,
                block,
                line,
                what,
                detail,
            } => write!(
                f,
                "{input}, block {block} (line {line}): not a valid {what} ({detail}). Copy the \
                 block again from the original file"
            ),
        }
    }
}

impl std::error::Error for PemError {}

/// A PEM marker or data found on a line.
enum Token<'a> {
    Begin(&'a str),
    End(&'a str),
    Data(&'a str),
}

/// Split one line into BEGIN/END markers and the text between them, so that a block flattened
/// onto a single line (spaces instead of newlines) still reads.
fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        let begin = rest.find("-----BEGIN ");
        let end = rest.find("-----END ");
        let (pos, is_begin) = match (begin, end) {
            (Some(b), Some(e)) if b < e => (b, true),
            (Some(_), Some(e)) => (e, false),
            (Some(b), None) => (b, true),
            (None, Some(e)) => (e, false),
            (None, None) => {
                if !rest.trim().is_empty() {
                    out.push(Token::Data(rest));
                }
                return out;
            }
        };
        if !rest[..pos].trim().is_empty() {
            out.push(Token::Data(&rest[..pos]));
        }
        let after = &rest[pos + if is_begin { 11 } else { 9 }..];
        match after.find("-----") {
            Some(close) => {
                let label = after[..close].trim();
                out.push(if is_begin {
                    Token::Begin(label)
                } else {
                    Token::End(label)
                });
                rest = &after[close + 5..];
            }
            None => {
                // A marker without its closing dashes: treat as a marker anyway, so the error
                // names the right line; the label is what follows.
                let label = after.trim().trim_end_matches('-').trim();
                out.push(if is_begin {
                    Token::Begin(label)
                } else {
                    Token::End(label)
                });
                return out;
            }
        }
    }
}

struct Open<'a> {
    label: &'a str,
    line: usize,
    index: usize,
    body: String,
    bad_line: Option<usize>,
    encrypted_header: bool,
}

fn is_b64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// Read every PEM block of `text`. Blocks that cannot be decoded become errors; the others are
/// returned in paste order. An empty (whitespace-only) text gives neither blocks nor errors.
pub fn parse_blocks(input: &str, text: &str) -> (Vec<PemBlock>, Vec<PemError>) {
    if text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    // PEM copied out of a JSON or YAML string keeps its line breaks as literal "\n".
    if text.contains("-----BEGIN") && text.contains("\\n") {
        return parse_text(input, &text.replace("\\r\\n", "\n").replace("\\n", "\n"));
    }
    // A Kubernetes secret's `data` field holds the PEM base64-encoded once more.
    if !text.contains("-----BEGIN")
        && let Some(decoded) = base64_pem(text)
    {
        return parse_text(input, &decoded);
    }
    parse_text(input, text)
}

/// The PEM text inside base64 (`LS0tLS1CRUdJTi...`), if that is what `text` is.
fn base64_pem(text: &str) -> Option<String> {
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

fn parse_text(input: &str, text: &str) -> (Vec<PemBlock>, Vec<PemError>) {
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<Open<'_>> = None;
    let mut count = 0usize;

    for (i, raw) in text.split('\n').enumerate() {
        let lineno = i + 1;
        let line = raw.trim_end_matches('\r');
        for tok in tokens(line) {
            match tok {
                Token::Begin(label) => {
                    if let Some(o) = open.take() {
                        errors.push(PemError::MissingEnd {
                            input: input.to_owned(),
                            block: o.index,
                            line: o.line,
                            label: o.label.to_owned(),
                        });
                    }
                    count += 1;
                    open = Some(Open {
                        label,
                        line: lineno,
                        index: count,
                        body: String::new(),
                        bad_line: None,
                        encrypted_header: false,
                    });
                }
                Token::End(label) => {
                    let Some(o) = open.take() else {
                        // A stray END without BEGIN: the start of the block was not pasted.
                        count += 1;
                        errors.push(PemError::MissingEnd {
                            input: input.to_owned(),
                            block: count,
                            line: lineno,
                            label: format!("{label} (only its END line was pasted)"),
                        });
                        continue;
                    };
                    if label != o.label {
                        errors.push(PemError::MismatchedEnd {
                            input: input.to_owned(),
                            block: o.index,
                            line: lineno,
                            begin: o.label.to_owned(),
                            end: label.to_owned(),
                        });
                        continue;
                    }
                    finish(input, o, &mut blocks, &mut errors);
                }
                Token::Data(data) => {
                    let Some(o) = open.as_mut() else { continue };
                    let data = data.trim();
                    // RFC 1421 headers (legacy OpenSSL encryption): "Proc-Type: 4,ENCRYPTED".
                    if o.body.is_empty() && data.contains(':') {
                        let upper = data.to_ascii_uppercase();
                        if upper.starts_with("PROC-TYPE") && upper.contains("ENCRYPTED") {
                            o.encrypted_header = true;
                        }
                        continue;
                    }
                    for c in data.chars() {
                        if c.is_whitespace() {
                            continue;
                        }
                        if is_b64(c) {
                            o.body.push(c);
                        } else if o.bad_line.is_none() {
                            o.bad_line = Some(lineno);
                        }
                    }
                }
            }
        }
    }
    if let Some(o) = open.take() {
        errors.push(PemError::MissingEnd {
            input: input.to_owned(),
            block: o.index,
            line: o.line,
            label: o.label.to_owned(),
        });
    }
    if count == 0 {
        errors.push(PemError::NotPem {
            input: input.to_owned(),
            what: classify_unarmored(text),
        });
    }
    (blocks, errors)
}

fn finish(input: &str, o: Open<'_>, blocks: &mut Vec<PemBlock>, errors: &mut Vec<PemError>) {
    let kind = BlockKind::from_label(o.label);
    if let Some(line) = o.bad_line {
        errors.push(PemError::BadBase64 {
            input: input.to_owned(),
            block: o.index,
            line,
        });
        return;
    }
    // Lenient about missing padding (some tools strip it), strict about everything else.
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    match engine.decode(o.body.as_bytes()) {
        Ok(der) if !der.is_empty() || kind == BlockKind::EncryptedKey => blocks.push(PemBlock {
            label: o.label.to_owned(),
            kind,
            index: o.index,
            line: o.line,
            encrypted_header: o.encrypted_header,
            der,
        }),
        Ok(_) | Err(_) => errors.push(PemError::BadBase64 {
            input: input.to_owned(),
            block: o.index,
            line: o.line,
        }),
    }
}

fn classify_unarmored(text: &str) -> Unarmored {
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
pub fn text_from_bytes(input: &str, bytes: &[u8]) -> Result<String, PemError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(_) => Err(PemError::NotPem {
            input: input.to_owned(),
            what: Unarmored::Binary,
        }),
    }
}

/// Certificate blocks of a certificate input. Private keys and other blocks are errors
/// (`EC PARAMETERS` is ignored).
pub fn read_certificates(input: &str, text: &str) -> (Vec<PemBlock>, Vec<PemError>) {
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
                input: input.to_owned(),
                block: b.index,
                line: b.line,
            }),
            BlockKind::EcParameters => {}
            BlockKind::Other(label) => errors.push(PemError::UnexpectedBlock {
                input: input.to_owned(),
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
pub fn read_private_key(input: &str, text: &str) -> (Option<PemBlock>, Vec<PemError>) {
    let (blocks, mut errors) = parse_blocks(input, text);
    let mut key: Option<PemBlock> = None;
    for b in blocks {
        match &b.kind {
            BlockKind::Pkcs8Key | BlockKind::RsaKey | BlockKind::EcKey | BlockKind::OtherKey(_) => {
                if b.encrypted_header {
                    errors.push(PemError::EncryptedKey {
                        input: input.to_owned(),
                        block: b.index,
                        line: b.line,
                    });
                } else if key.is_some() {
                    errors.push(PemError::SeveralKeys {
                        input: input.to_owned(),
                        block: b.index,
                        line: b.line,
                    });
                } else {
                    key = Some(b);
                }
            }
            BlockKind::EncryptedKey => errors.push(PemError::EncryptedKey {
                input: input.to_owned(),
                block: b.index,
                line: b.line,
            }),
            BlockKind::Certificate => errors.push(PemError::CertificateInsteadOfKey {
                input: input.to_owned(),
                block: b.index,
                line: b.line,
            }),
            BlockKind::EcParameters => {}
            BlockKind::Other(label) => errors.push(PemError::UnexpectedBlock {
                input: input.to_owned(),
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
            let (blocks, errs) = read_certificates("nlb_cert", text);
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
                    label: "CERTIFICATE".into()
                }
            ]
        );
        let msg = errs[0].to_string();
        assert!(msg.contains("client_ca, block 2 (line 7)"), "{msg}");
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
            let (_, e1) = read_certificates("nlb_cert", t);
            let (_, e2) = read_private_key("nlb_key", t);
            for e in e1.iter().chain(&e2) {
                assert!(!e.to_string().contains("U2VjcmV0"), "{e}");
            }
        }
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
