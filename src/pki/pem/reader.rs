//! The line reader: BEGIN/END markers and base64 bodies, however they were pasted.

use super::sniff::{classify_unarmored, is_b64};
use super::{BlockKind, MAX_BLOCKS, PemBlock, PemError};
use crate::finding::Subject;
use base64::Engine as _;

/// A PEM marker or data found on a line.
enum Token<'a> {
    Begin(&'a str),
    End(&'a str),
    Data(&'a str),
}

/// Split one line into BEGIN/END markers and the text between them, so that a block flattened
/// onto a single line (spaces instead of newlines) still reads. Linear in the line's length:
/// every search starts where the previous one stopped.
fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut data_start = 0;
    let mut pos = 0;
    while let Some(found) = line[pos..].find("-----") {
        let dashes = pos + found;
        let after_dashes = &line[dashes + 5..];
        let (is_begin, keyword) = if after_dashes.starts_with("BEGIN ") {
            (true, 6)
        } else if after_dashes.starts_with("END ") {
            (false, 4)
        } else {
            pos = dashes + 5;
            continue;
        };
        if !line[data_start..dashes].trim().is_empty() {
            out.push(Token::Data(&line[data_start..dashes]));
        }
        let label_start = dashes + 5 + keyword;
        let (raw, close) = match line[label_start..].find("-----") {
            Some(c) => (&line[label_start..label_start + c], Some(label_start + c)),
            None => (&line[label_start..], None),
        };
        let (label, rest_of_label) = split_label(raw.trim_end_matches('-'));
        out.push(if is_begin {
            Token::Begin(label)
        } else {
            Token::End(label)
        });
        match (rest_of_label, close) {
            // A valid label closed by its dashes: go on after them.
            (None, Some(c)) => {
                pos = c + 5;
                data_start = pos;
            }
            // A marker whose dashes are missing (`-----BEGIN PRIVATE KEY MIIE...`): what follows
            // the label is data, and the dashes found belong to the next marker.
            (Some(rest), close) => {
                // `rest` is a part of `line`: its offset is where the data starts.
                data_start = rest.as_ptr() as usize - line.as_ptr() as usize;
                match close {
                    Some(c) => pos = c,
                    None => break,
                }
            }
            (None, None) => return out,
        }
    }
    if !line[data_start..].trim().is_empty() {
        out.push(Token::Data(&line[data_start..]));
    }
    out
}

/// The labels people paste (RFC 7468 plus OpenSSL's legacy ones), longest first, for splitting a
/// marker whose closing dashes are missing.
const KNOWN_LABELS: &[&str] = &[
    "ENCRYPTED PRIVATE KEY",
    "NEW CERTIFICATE REQUEST",
    "OPENSSH PRIVATE KEY",
    "CERTIFICATE REQUEST",
    "TRUSTED CERTIFICATE",
    "X509 CERTIFICATE",
    "DSA PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "EC PARAMETERS",
    "RSA PUBLIC KEY",
    "CERTIFICATE",
    "PRIVATE KEY",
    "PUBLIC KEY",
    "X509 CRL",
    "PKCS7",
];

/// A marker's label, and the rest when the label runs into data (its closing dashes missing).
/// A label that is neither valid nor starts with a known one becomes empty: it is never kept,
/// so it can never be echoed (it may be key material).
fn split_label(raw: &str) -> (&str, Option<&str>) {
    let t = raw.trim();
    if super::is_valid_label(t) {
        return (t, None);
    }
    for known in KNOWN_LABELS {
        if let Some(rest) = t.strip_prefix(known)
            && rest.starts_with(char::is_whitespace)
        {
            return (known, Some(rest.trim_start()));
        }
    }
    ("", Some(t))
}

struct Open<'a> {
    label: &'a str,
    line: usize,
    index: usize,
    body: String,
    bad_line: Option<usize>,
    encrypted_header: bool,
}

pub(super) fn parse_text(input: &Subject, text: &str) -> (Vec<PemBlock>, Vec<PemError>) {
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<Open<'_>> = None;
    let mut count = 0usize;
    // Inside a block past the limit: its END closes it without being read.
    let mut skipping = false;

    for (i, raw) in text.split('\n').enumerate() {
        let lineno = i + 1;
        let line = raw.trim_end_matches('\r');
        for tok in tokens(line) {
            match tok {
                Token::Begin(label) => {
                    if let Some(o) = open.take() {
                        errors.push(PemError::MissingEnd {
                            input: input.clone(),
                            block: o.index,
                            line: o.line,
                            label: o.label.to_owned(),
                            only_end: false,
                        });
                    }
                    count += 1;
                    skipping = count > MAX_BLOCKS;
                    if skipping {
                        // Counted for the message, not read.
                        continue;
                    }
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
                        if std::mem::take(&mut skipping) {
                            continue;
                        }
                        // A stray END without BEGIN: the start of the block was not pasted.
                        count += 1;
                        if count > MAX_BLOCKS {
                            continue;
                        }
                        errors.push(PemError::MissingEnd {
                            input: input.clone(),
                            block: count,
                            line: lineno,
                            label: label.to_owned(),
                            only_end: true,
                        });
                        continue;
                    };
                    if label != o.label {
                        errors.push(PemError::MismatchedEnd {
                            input: input.clone(),
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
            input: input.clone(),
            block: o.index,
            line: o.line,
            label: o.label.to_owned(),
            only_end: false,
        });
    }
    if count > MAX_BLOCKS {
        errors.push(PemError::TooManyBlocks {
            input: input.clone(),
            blocks: count,
        });
    }
    if count == 0 {
        errors.push(PemError::NotPem {
            input: input.clone(),
            what: classify_unarmored(text),
        });
    }
    (blocks, errors)
}

fn finish(input: &Subject, o: Open<'_>, blocks: &mut Vec<PemBlock>, errors: &mut Vec<PemError>) {
    let kind = BlockKind::from_label(o.label);
    if let Some(line) = o.bad_line {
        errors.push(PemError::BadBase64 {
            input: input.clone(),
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
            input: input.clone(),
            block: o.index,
            line: o.line,
        }),
    }
}
