//! Findings as data: what a check found, how bad it is, a stable code and the input it concerns.
//!
//! Codes are kebab-case and stable: the page, the CLI's JSON output and users' CI scripts key on
//! them. Messages say what is wrong and what to do about it, and never echo key material.

use serde::{Deserialize, Serialize};
use std::fmt;

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

/// One result of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable kebab-case code, e.g. `key-mismatch`.
    pub code: String,
    /// What is wrong and what to do, in plain words.
    pub message: String,
    /// The input or settings field this concerns (`nlb_cert`, `app_namespace`, ...), if any.
    pub input: Option<String>,
}

impl Finding {
    pub fn new(
        severity: Severity,
        code: impl Into<String>,
        message: impl Into<String>,
        input: Option<&str>,
    ) -> Self {
        Finding {
            severity,
            code: code.into(),
            message: message.into(),
            input: input.map(str::to_owned),
        }
    }

    pub fn error(code: impl Into<String>, message: impl Into<String>, input: Option<&str>) -> Self {
        Self::new(Severity::Error, code, message, input)
    }

    pub fn warning(
        code: impl Into<String>,
        message: impl Into<String>,
        input: Option<&str>,
    ) -> Self {
        Self::new(Severity::Warning, code, message, input)
    }

    pub fn info(code: impl Into<String>, message: impl Into<String>, input: Option<&str>) -> Self {
        Self::new(Severity::Info, code, message, input)
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

/// Counts per severity, for summary lines like "2 errors, 1 warning".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Self {
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

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn plural(n: usize, word: &str) -> String {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        }
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
            Finding::error("a", "m", None),
            Finding::error("b", "m", Some("nlb_cert")),
            Finding::warning("c", "m", None),
            Finding::info("d", "m", None),
        ];
        let t = Tally::of(&fs);
        assert_eq!((t.errors, t.warnings, t.infos), (2, 1, 1));
        assert_eq!(t.to_string(), "2 errors, 1 warning");
        assert_eq!(Tally::default().to_string(), "0 errors, 0 warnings");
    }

    #[test]
    fn json_shape_is_stable() {
        let f = Finding::warning("cert-expiring-soon", "renew", Some("nlb_cert"));
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["code"], "cert-expiring-soon");
        assert_eq!(v["input"], "nlb_cert");
    }
}
