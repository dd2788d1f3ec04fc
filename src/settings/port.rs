//! The app port as the page's form holds it: typed as text, judged as a number.

use super::Field;
use super::advice::advice;
use crate::finding::{Code, Finding};

/// The port as the page's form holds it, typed as text: blank is 0 (not given yet), a number is
/// that number, anything else is `u32::MAX` (out of range; [`port_text_finding`] says why).
pub fn port_from_text(typed: &str) -> u32 {
    let t = typed.trim();
    if t.is_empty() {
        0
    } else {
        t.parse().unwrap_or(u32::MAX)
    }
}

/// A port typed as text that is not a number, reported as typed (a short, sanitised excerpt;
/// key material is never echoed). `None` for blank text and numbers (the settings validation
/// judges their range).
pub fn port_text_finding(typed: &str) -> Option<Finding> {
    let t = typed.trim();
    if t.is_empty() || t.parse::<u32>().is_ok() {
        return None;
    }
    let label = Field::AppPort.label();
    let message = if crate::text::looks_like_key_material(t) {
        format!(
            "{label} holds what looks like a certificate or private key ({} characters). Paste \
             certificates and keys into the certificate fields, never here. {}",
            t.chars().count(),
            advice(Field::AppPort)
        )
    } else {
        format!(
            "{label} \"{}\" is not a number. {}",
            crate::text::excerpt(t, 24),
            advice(Field::AppPort)
        )
    };
    Some(Finding::error(
        Code::InputInvalid,
        message,
        Some(Field::AppPort.into()),
    ))
}
