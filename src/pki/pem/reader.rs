//! The line reader: BEGIN/END markers and base64 bodies, however they were pasted.

use super::sniff::{classify_unarmored, is_b64};
use super::{BlockKind, PemBlock, PemError};
use crate::finding::Subject;
use base64::Engine as _;

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

pub(super) fn parse_text(input: &Subject, text: &str) -> (Vec<PemBlock>, Vec<PemError>) {
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
                            input: input.clone(),
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
                            input: input.clone(),
                            block: count,
                            line: lineno,
                            label: format!("{label} (only its END line was pasted)"),
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
