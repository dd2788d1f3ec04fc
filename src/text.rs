//! Text that came from outside, made safe to show: in a message, a terminal, Markdown or HTML.
//!
//! Two rules hold everywhere. Input text reaches a message only as a short, sanitised excerpt
//! ([`excerpt`]), never whole: what was typed may be a private key in the wrong field. And
//! text read from certificates (subjects, issuers, names) has its control and bidi characters
//! escaped ([`escape_controls`]), so an ANSI escape in a subject cannot drive a terminal.

/// Characters that can reorder or hide text on screen (Unicode bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character (C0, DEL, C1) and bidi control written as `\u{..}`, so
/// what a certificate says is shown, never executed by a terminal or reordered on screen.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() || is_bidi_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// Runs of base64 characters (the standard alphabet PEM uses), as (start, end) byte offsets.
fn base64_runs(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start: Option<usize> = None;
    let mut out = Vec::new();
    for (i, c) in s.char_indices() {
        match (is_base64_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out.into_iter()
}

/// Whether a run of characters looks like encoded key material: at least 44 characters (32
/// bytes in base64) without a separator, mixing upper case, lower case and digits as base64
/// does (host names, namespaces, cluster names and IDs do not).
fn is_key_like(run: &str) -> bool {
    run.len() >= 44
        && run.chars().any(|c| c.is_ascii_uppercase())
        && run.chars().any(|c| c.is_ascii_lowercase())
        && run.chars().any(|c| c.is_ascii_digit())
}

/// Whether a value that should be a name, a path or an address holds PEM or base64 key material
/// instead. Such a value is never stored, exported or echoed.
pub fn looks_like_key_material(s: &str) -> bool {
    s.contains("-----BEGIN")
        || s.contains("PRIVATE KEY")
        || base64_runs(s).any(|(a, b)| is_key_like(&s[a..b]))
}

/// A short excerpt of input text for a message: at most `max` characters, control characters
/// escaped, and any run that looks like key material replaced by a count of its characters.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut cleaned = String::new();
    let mut last = 0;
    for (a, b) in base64_runs(s) {
        if is_key_like(&s[a..b]) {
            cleaned.push_str(&s[last..a]);
            cleaned.push_str(&format!("<{} characters hidden>", b - a));
            last = b;
        }
    }
    cleaned.push_str(&s[last..]);
    let escaped = escape_controls(&cleaned);
    if escaped.chars().count() <= max {
        escaped
    } else {
        let mut t: String = escaped.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A user's value for a message: quoted as a short excerpt ([`excerpt`]), or, when it fails
/// the key-material test ([`looks_like_key_material`]), described by its length instead, so
/// that a key typed where a name or path belongs is never shown back.
pub fn quoted(s: &str, max: usize) -> String {
    if looks_like_key_material(s) {
        described(s)
    } else {
        format!("\"{}\"", excerpt(s, max))
    }
}

/// [`quoted`] without the quotes: the excerpt, or the description.
pub fn shown(s: &str, max: usize) -> String {
    if looks_like_key_material(s) {
        described(s)
    } else {
        excerpt(s, max)
    }
}

/// What is shown instead of a value that looks like a certificate or key.
pub fn described(s: &str) -> String {
    format!(
        "a value of {} characters that looks like a certificate or key (not shown)",
        s.chars().count()
    )
}

/// Text for a Markdown table cell (GitHub-flavoured): one line, no pipe that ends the cell, and
/// no character that starts a link, emphasis, code span or HTML.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let one_line = s.replace(['\n', '\r'], " ");
    for c in escape_controls(&one_line).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // `_` is left alone: GitHub-flavoured Markdown never emphasises inside a word
            // (`nlb_key`), and the messages are full of such names.
            '\\' | '|' | '`' | '*' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_LINE: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";

    #[test]
    fn key_material_is_recognised_and_names_are_not() {
        const CASES: &[(&str, bool)] = &[
            (KEY_LINE, true),
            ("-----BEGIN PRIVATE KEY-----", true),
            ("my RSA PRIVATE KEY file", true),
            (
                "mycluster-abc-0001.us-south.containers.appdomain.cloud",
                false,
            ),
            ("c0ab12cd0ef1gh2ij3kl", false),
            ("istio-system", false),
            ("2001:db8::1", false),
            ("/status", false),
            ("", false),
        ];
        for (s, want) in CASES {
            assert_eq!(looks_like_key_material(s), *want, "{s:?}");
        }
    }

    #[test]
    fn excerpts_are_short_and_hide_key_material() {
        let e = excerpt(&format!("path {KEY_LINE} tail"), 60);
        assert!(!e.contains("MIIEvQIB"), "{e}");
        assert!(e.contains("characters hidden"), "{e}");
        assert_eq!(excerpt("a\u{1b}[31mred", 40), "a\\u{1b}[31mred");
        let long = excerpt(&"x.".repeat(100), 20);
        assert_eq!(long.chars().count(), 20);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn values_are_quoted_unless_they_look_like_keys() {
        const CASES: &[(&str, &str)] = &[
            ("certs/nlb.key", "\"certs/nlb.key\""),
            (
                KEY_LINE,
                "a value of 64 characters that looks like a certificate or key (not shown)",
            ),
            (
                "kube-PRIVATE KEY",
                "a value of 16 characters that looks like a certificate or key (not shown)",
            ),
            ("a\u{1b}b", "\"a\\u{1b}b\""),
        ];
        for (value, want) in CASES {
            assert_eq!(quoted(value, 40), *want, "{value:?}");
        }
    }

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(
            escape_controls("CN=a\u{1b}]0;x\u{7}"),
            "CN=a\\u{1b}]0;x\\u{7}"
        );
        assert_eq!(escape_controls("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(escape_controls("CN=plain, O=Org"), "CN=plain, O=Org");
    }

    #[test]
    fn markdown_cells_cannot_break_out() {
        assert_eq!(
            markdown_cell("a|b<script>`x` *y* [l](u)\nz"),
            "a\\|b&lt;script&gt;\\`x\\` \\*y\\* \\[l\\](u) z"
        );
    }
}
