//! What a settings file may not be, checked before the YAML parser sees it: larger than an input
//! may be, or nested deeper than a settings file is (issue 22). Both bounds are upper bounds
//! that no quoting or comment can hide anything from, so the parse that follows takes time
//! linear in the input.

use crate::pki::pem::MAX_INPUT_BYTES;

/// The most flow collections (`[`, `{`) a settings file may hold. YAML's scanner (libyaml, under
/// serde_yaml) does work in proportion to the flow nesting depth for every token, so deeply
/// nested brackets take time quadratic in the input's size, before serde's recursion limit is
/// reached (issue 22). A settings file has no lists, and as JSON two objects.
pub const MAX_FLOW_COLLECTIONS: usize = 32;

/// How many flow collections `text` opens at most: every `[` and `{`, wherever it stands. A
/// bracket in a comment or a quoted value is counted too, so this is an upper bound of the
/// nesting depth that quoting cannot hide anything from; no value of a valid settings file
/// holds a bracket.
fn flow_collections(text: &str) -> usize {
    text.bytes().filter(|b| matches!(b, b'[' | b'{')).count()
}

/// The most a line of a settings file may be indented and nested: its leading spaces plus its
/// block indicators (`- `, `? `, `: `). A block collection nests inside another only further
/// right, or on the same line behind an indicator, so this bounds the depth of block nesting
/// too. A settings file uses 2 to 6.
pub const MAX_BLOCK_NESTING: usize = 64;

/// For each line (numbered from 1), its leading spaces plus its block indicators: a character
/// `-`, `?` or `:` followed by a space, a tab or the end of the line.
fn block_nesting(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.split('\n').enumerate().map(|(i, line)| {
        let line = line.as_bytes();
        let indent = line.iter().take_while(|b| **b == b' ').count();
        let indicators = (0..line.len())
            .filter(|&j| {
                matches!(line[j], b'-' | b'?' | b':')
                    && line
                        .get(j + 1)
                        .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r'))
            })
            .count();
        (i + 1, indent + indicators)
    })
}

/// Why `text` is refused before parsing, if it is.
pub(super) fn before_parsing(text: &str) -> Option<String> {
    if text.len() > MAX_INPUT_BYTES {
        return Some(format!(
            "{} KiB is far more than a settings file holds; this is not a settings file",
            text.len() / 1024
        ));
    }
    let flow = flow_collections(text);
    if flow > MAX_FLOW_COLLECTIONS {
        return Some(format!(
            "it holds {flow} flow collections ('[' or '{{'), more than the \
             {MAX_FLOW_COLLECTIONS} a settings file may hold (one as JSON holds two); this is \
             not a settings file"
        ));
    }
    if let Some((line, depth)) = block_nesting(text).find(|(_, d)| *d > MAX_BLOCK_NESTING) {
        return Some(format!(
            "line {line} is indented or nested {depth} levels deep (its indentation plus its \
             '- ', '? ' and ': ' indicators), more than the {MAX_BLOCK_NESTING} a settings file \
             may use; this is not a settings file"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;

    /// Nesting is bounded before the YAML parser sees the text: deep flow or block nesting is
    /// refused with the limit it broke, whatever hides it (quotes, comments), and what a
    /// settings file really holds passes.
    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let n = 2000;
        let cases: &[(String, Option<&str>)] = &[
            (format!("{}{}", "[".repeat(n), "]".repeat(n)), Some("flow collections")),
            (format!("cluster_name: {}", "{a: ".repeat(n)), Some("flow collections")),
            (format!("# {}\n", "[".repeat(40)), Some("flow collections")),
            (format!("app: \"{}\"\n", "]".repeat(n) + &"[".repeat(40)), Some("flow collections")),
            (format!("{}x\n", "- ".repeat(n)), Some("line 1 is indented or nested")),
            (format!("a:\n{}b: c\n", " ".repeat(100)), Some("line 2 is indented or nested")),
            (
                (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect(),
                Some("line 65 is indented or nested 65 levels"),
            ),
            (Settings::default().to_yaml(), None),
            (crate::demo::settings().to_yaml(), None),
            (
                r#"{"cluster_name": "c", "certificates": {"nlb_cert": "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"}}"#.to_owned(),
                None,
            ),
        ];
        for (text, refused) in cases {
            let got = Settings::from_yaml(text);
            match refused {
                Some(why) => {
                    let e = got.expect_err("refused").to_string();
                    assert!(e.contains(why), "{:?}…: {e}", &text[..text.len().min(40)]);
                }
                None => assert!(got.is_ok(), "{text}: {got:?}"),
            }
        }
        let inline = Settings {
            certificates: crate::demo::cert_inputs(),
            ..crate::demo::settings()
        };
        assert!(Settings::from_yaml(&inline.to_yaml()).is_ok());
    }
}
