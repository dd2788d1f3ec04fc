//! How the fuzz targets turn the fuzzer's bytes into the library's arguments, shared so that a
//! crash input means the same thing to every target and to the regression tests made from it.
//!
//! Multi-input targets (`check`, `plan`) read their bytes as UTF-8 text (invalid sequences become
//! U+FFFD, as text pasted or read on the page always is UTF-8) laid out as:
//!
//! ```text
//! <check time, Unix seconds, decimal>\n<part 1>\0<part 2>\0...
//! ```
//!
//! A first line that is not a number means [`AT`]. Parts are split at NUL bytes; the last part
//! keeps any further NULs. `fuzz/seed.sh` writes seeds in this layout.

use istio_alb::inputs::{CertInput, CertInputs};

/// 2025-11-26T10:00:00Z: inside the demo certificates' validity (2025..2045).
pub const AT: i64 = 1_764_151_200;

/// The times `--at` can express (RFC 3339 has four-digit years): 0000-01-01T00:00:00Z ..
/// 9999-12-31T23:59:59Z. The page uses the clock, well inside.
pub const AT_RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;

/// Separator of the parts of a multi-input.
pub const SEP: char = '\0';

/// The check time from the first line (clamped to what the CLI accepts) and the rest.
pub fn split_time(text: &str) -> (i64, &str) {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    match first.trim().parse::<i64>() {
        Ok(at) => (at.clamp(*AT_RANGE.start(), *AT_RANGE.end()), rest),
        Err(_) => (AT, rest),
    }
}

/// Up to `n` parts separated by [`SEP`]; missing parts are empty.
pub fn parts(text: &str, n: usize) -> Vec<&str> {
    let mut out: Vec<&str> = text.splitn(n, SEP).collect();
    out.resize(n, "");
    out
}

/// The six certificate inputs, in [`CertInput::ALL`] order, from six parts.
pub fn cert_inputs(parts: &[&str]) -> CertInputs {
    let mut inputs = CertInputs::default();
    for (input, text) in CertInput::ALL.into_iter().zip(parts) {
        inputs[input] = (*text).to_owned();
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let (at, rest) = split_time("42\na\0b\0c\0d\0e\0f\0g");
        assert_eq!(at, 42);
        let p = parts(rest, 6);
        assert_eq!(p, ["a", "b", "c", "d", "e", "f\0g"]);
        let inputs = cert_inputs(&p);
        assert_eq!(inputs[CertInput::NlbKey], "b");
        assert_eq!(split_time("x\ny").0, AT);
        assert_eq!(split_time("-99999999999999\n").0, *AT_RANGE.start());
        assert_eq!(parts("", 3), ["", "", ""]);
    }
}
