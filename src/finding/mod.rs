//! Findings as data: what a check found, how bad it is, a stable code and what it concerns.
//!
//! Codes are kebab-case and stable: the page, the CLI's JSON output and users' CI scripts key on
//! them, so they are an enum ([`Code`]) that serialises to those strings, never free text.
//! Messages say what is wrong and what to do about it, and never echo key material.

use crate::field::Field;
use crate::inputs::CertInput;
use serde::{Deserialize, Serialize};
use std::fmt;

mod code;
pub use code::Code;

/// How bad a finding is. Ordered: `Error` is the most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// What a finding is about: a certificate input, a settings field, or (for the command line's
/// `inspect`/`verify` and test harnesses) any other named input such as a file path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    Cert(CertInput),
    Field(Field),
    Named(String),
}

impl Subject {
    /// The stable name: the input's or field's serde name, or the name given.
    pub fn name(&self) -> &str {
        match self {
            Subject::Cert(c) => c.name(),
            Subject::Field(f) => f.name(),
            Subject::Named(n) => n,
        }
    }

    /// The words a person sees for it.
    pub fn label(&self) -> &str {
        match self {
            Subject::Cert(c) => c.label(),
            Subject::Field(f) => f.label(),
            Subject::Named(n) => n,
        }
    }

    /// A name as typed: a known input or field name becomes typed, anything else stays a name.
    pub fn parse(name: &str) -> Subject {
        if let Some(c) = CertInput::from_name(name) {
            Subject::Cert(c)
        } else if let Some(f) = Field::from_name(name) {
            Subject::Field(f)
        } else {
            Subject::Named(name.to_owned())
        }
    }

    pub fn cert_input(&self) -> Option<CertInput> {
        match self {
            Subject::Cert(c) => Some(*c),
            Subject::Field(_) | Subject::Named(_) => None,
        }
    }

    pub fn field(&self) -> Option<Field> {
        match self {
            Subject::Field(f) => Some(*f),
            Subject::Cert(_) | Subject::Named(_) => None,
        }
    }
}

impl std::ops::Deref for Subject {
    type Target = str;
    fn deref(&self) -> &str {
        self.name()
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<CertInput> for Subject {
    fn from(c: CertInput) -> Self {
        Subject::Cert(c)
    }
}

impl From<Field> for Subject {
    fn from(f: Field) -> Self {
        Subject::Field(f)
    }
}

impl From<&str> for Subject {
    fn from(name: &str) -> Self {
        Subject::parse(name)
    }
}

impl From<&String> for Subject {
    fn from(name: &String) -> Self {
        Subject::parse(name)
    }
}

impl From<String> for Subject {
    fn from(name: String) -> Self {
        Subject::parse(&name)
    }
}

impl From<&Subject> for Subject {
    fn from(s: &Subject) -> Self {
        s.clone()
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(Subject::parse(&name))
    }
}

/// One result of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable kebab-case code, e.g. `key-mismatch`.
    pub code: Code,
    /// What is wrong and what to do, in plain words.
    pub message: String,
    /// The input or settings field this concerns (`nlb_cert`, `app_namespace`, ...), if any.
    pub input: Option<Subject>,
    /// A value for that input or field which fixes the finding (the page offers it as a
    /// one-click fix): the nearest name the certificate covers for a mistyped host, a host
    /// name without the scheme pasted with it. Never set silently: the user picks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Finding {
    /// A finding; the message is made a sentence ([`sentence`]): one style everywhere.
    pub fn new(
        severity: Severity,
        code: Code,
        message: impl Into<String>,
        input: Option<Subject>,
    ) -> Self {
        Finding {
            severity,
            code,
            message: sentence(message.into()),
            input,
            suggestion: None,
        }
    }

    /// The same finding, offering `value` as the fix for its input or field.
    pub fn suggesting(mut self, value: impl Into<String>) -> Self {
        self.suggestion = Some(value.into());
        self
    }

    pub fn error(code: Code, message: impl Into<String>, input: Option<Subject>) -> Self {
        Self::new(Severity::Error, code, message, input)
    }

    pub fn warning(code: Code, message: impl Into<String>, input: Option<Subject>) -> Self {
        Self::new(Severity::Warning, code, message, input)
    }

    pub fn info(code: Code, message: impl Into<String>, input: Option<Subject>) -> Self {
        Self::new(Severity::Info, code, message, input)
    }

    /// Whether this finding concerns `subject`.
    pub fn is_about(&self, subject: impl Into<Subject>) -> bool {
        self.input.as_ref() == Some(&subject.into())
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.input {
            Some(input) => write!(
                f,
                "{} [{}] {}: {}",
                self.severity, self.code, input, self.message
            ),
            None => write!(f, "{} [{}] {}", self.severity, self.code, self.message),
        }
    }
}

/// Findings of one kind (code and input) listed before the rest is counted ([`cap_repeats`]).
pub const MAX_FINDINGS_OF_A_KIND: usize = 10;
/// At most `max` findings of each kind (same code, same input): the rest become one finding
/// that counts them ("… and 9,990 more like this"), so a hostile paste cannot flood the page
/// or the terminal. Order is kept; the count comes where the first dropped one was.
pub fn cap_repeats(findings: Vec<Finding>, max: usize) -> Vec<Finding> {
    use std::collections::HashMap;
    let mut seen: HashMap<(Code, Option<Subject>), usize> = HashMap::new();
    for f in &findings {
        *seen.entry((f.code, f.input.clone())).or_default() += 1;
    }
    let mut kept: HashMap<(Code, Option<Subject>), usize> = HashMap::new();
    let mut out = Vec::with_capacity(findings.len().min(256));
    for f in findings {
        let key = (f.code, f.input.clone());
        let n = kept.entry(key.clone()).or_default();
        *n += 1;
        if *n <= max {
            out.push(f);
        } else if *n == max + 1 {
            let more = seen[&key] - max;
            out.push(Finding::new(
                f.severity,
                f.code,
                format!(
                    "There are {} more like the ones above; only the first {max} are listed.",
                    thousands(more)
                ),
                f.input,
            ));
        }
    }
    out
}

/// The message style guide, applied to every finding (`Finding::new`).
///
/// A message is plain sentences a person can act on: it names inputs and fields by their labels
/// (never `snake_case` ids), says what is wrong and then what to do, starts with a capital
/// letter and ends with a full stop. Numbers and values appear as they were typed (values only
/// as short, sanitised excerpts: see [`crate::text::excerpt`]); commands go in backticks.
///
/// Messages are written that way; this makes sure of the two mechanical parts: a first word in
/// lower case is capitalised (a file name or a quoted value is left alone), and a full stop is
/// added when the text does not end a sentence.
pub fn sentence(mut text: String) -> String {
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    let first_word: &str = text.split(' ').next().unwrap_or_default();
    let is_word = first_word
        .trim_end_matches([',', ':', ';'])
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '-' || c == '\'');
    if is_word && let Some(first) = text.chars().next() {
        let upper = first.to_ascii_uppercase();
        text.replace_range(..first.len_utf8(), upper.encode_utf8(&mut [0; 4]));
    }
    if !text.is_empty() && !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// `9990` → `9,990`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Counts per severity, for summary lines like "2 errors, 1 warning".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut t = Tally::default();
        for f in findings {
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }
}

/// "1 error" / "2 errors".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_and_pluralises() {
        let fs = vec![
            Finding::error(Code::KeyMismatch, "m", None),
            Finding::error(Code::KeyMismatch, "m", Some(CertInput::NlbCert.into())),
            Finding::warning(Code::CertExpiringSoon, "m", None),
            Finding::info(Code::InputMissing, "m", None),
        ];
        let t = Tally::of(&fs);
        assert_eq!((t.errors, t.warnings, t.infos), (2, 1, 1));
        assert_eq!(t.to_string(), "2 errors, 1 warning");
        assert_eq!(Tally::default().to_string(), "0 errors, 0 warnings");
    }

    #[test]
    fn json_shape_is_stable() {
        let f = Finding::warning(
            Code::CertExpiringSoon,
            "renew",
            Some(CertInput::NlbCert.into()),
        );
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["code"], "cert-expiring-soon");
        assert_eq!(v["input"], CertInput::NlbCert.name());
        let back: Finding = serde_json::from_value(v).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn repeats_are_capped_with_a_count() {
        let mut fs: Vec<Finding> = (0..10_000)
            .map(|i| {
                Finding::error(
                    Code::PemMalformed,
                    format!("m{i}"),
                    Some(CertInput::NlbCert.into()),
                )
            })
            .collect();
        fs.push(Finding::warning(Code::CertExpiringSoon, "w", None));
        let capped = cap_repeats(fs, 10);
        assert_eq!(capped.len(), 12);
        assert_eq!(
            capped[10].message,
            "There are 9,990 more like the ones above; only the first 10 are listed."
        );
        assert_eq!(capped[10].code, Code::PemMalformed);
        assert_eq!(capped[11].code, Code::CertExpiringSoon);
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }

    #[test]
    fn messages_become_sentences() {
        const CASES: &[(&str, &str)] = &[
            ("the chain is broken", "The chain is broken."),
            ("Already a sentence.", "Already a sentence."),
            ("why not?", "Why not?"),
            ("ends with a command: `ls`", "Ends with a command: `ls`."),
            ("cert.pem, block 1: damaged", "cert.pem, block 1: damaged."),
            ("\"CN=x\" expired  ", "\"CN=x\" expired."),
            ("", ""),
        ];
        for (given, want) in CASES {
            assert_eq!(sentence((*given).to_owned()), *want, "{given:?}");
        }
    }

    #[test]
    fn subjects_parse_known_names_and_keep_others() {
        for c in CertInput::ALL {
            assert_eq!(Subject::parse(c.name()), Subject::Cert(c));
        }
        for f in Field::ALL {
            assert_eq!(Subject::parse(f.name()), Subject::Field(f));
        }
        assert_eq!(
            Subject::parse("certs/a.pem"),
            Subject::Named("certs/a.pem".into())
        );
    }
}
