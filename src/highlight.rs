//! Light syntax highlighting for the file previews: YAML keys, strings and comments; shell
//! keywords, strings and comments. Pure text in, spans out, so it is tested natively and the page
//! only maps spans to `<span class>`. It never drops or reorders characters: concatenating the
//! spans gives back the input exactly.

/// What a span of text is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Key,
    String,
    Comment,
    Keyword,
}

impl Kind {
    /// CSS class for the span (`None` for plain text).
    pub fn class(self) -> Option<&'static str> {
        match self {
            Kind::Plain => None,
            Kind::Key => Some("tok-key"),
            Kind::String => Some("tok-string"),
            Kind::Comment => Some("tok-comment"),
            Kind::Keyword => Some("tok-keyword"),
        }
    }
}

/// Which highlighter a file gets, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Yaml,
    Shell,
    Plain,
}

impl Language {
    pub fn for_path(path: &str) -> Self {
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            Language::Yaml
        } else if path.ends_with(".sh") {
            Language::Shell
        } else {
            Language::Plain
        }
    }
}

const SHELL_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case",
    "esac", "function", "return", "exit", "local", "export", "set", "readonly", "shift",
];

/// Split `text` into coloured spans.
pub fn highlight(text: &str, language: Language) -> Vec<(Kind, String)> {
    let mut out: Vec<(Kind, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        match language {
            Language::Yaml => yaml_line(line, &mut out),
            Language::Shell => shell_line(line, &mut out),
            Language::Plain => push(&mut out, Kind::Plain, line),
        }
    }
    out
}

fn push(out: &mut Vec<(Kind, String)>, kind: Kind, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some((k, s)) if *k == kind => s.push_str(text),
        _ => out.push((kind, text.to_owned())),
    }
}

/// Byte index where a quoted string starting at `start` (the quote) ends, inclusive of the quote;
/// the end of the line when unterminated.
fn string_end(line: &str, start: usize) -> usize {
    let bytes = line.as_bytes();
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        if quote == b'"' && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == quote {
            return i + 1;
        }
        i += 1;
    }
    bytes
        .len()
        .min(line.trim_end_matches('\n').len())
        .max(start + 1)
}

/// Strings and comments from byte `from` on; bare words listed in `keywords` (shell keywords)
/// become keywords (an empty list: no keywords, as for YAML).
fn scan(line: &str, from: usize, out: &mut Vec<(Kind, String)>, keywords: &[&str]) {
    let bytes = line.as_bytes();
    let mut i = from;
    let mut plain_start = from;
    while i < bytes.len() {
        let c = bytes[i];
        let at_word_start = i == 0 || bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b';';
        if c == b'#' && at_word_start {
            push(out, Kind::Plain, &line[plain_start..i]);
            let end = line.trim_end_matches('\n').len().max(i);
            push(out, Kind::Comment, &line[i..end]);
            push(out, Kind::Plain, &line[end..]);
            return;
        }
        if c == b'"' || c == b'\'' {
            push(out, Kind::Plain, &line[plain_start..i]);
            let end = string_end(line, i);
            push(out, Kind::String, &line[i..end]);
            i = end;
            plain_start = i;
            continue;
        }
        if at_word_start && c.is_ascii_alphabetic() && !keywords.is_empty() {
            let end = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
                .map_or(bytes.len(), |p| i + p);
            let word = &line[i..end];
            let ends_word = end == bytes.len() || matches!(bytes[end], b' ' | b'\t' | b'\n' | b';');
            if ends_word && keywords.contains(&word) {
                push(out, Kind::Plain, &line[plain_start..i]);
                push(out, Kind::Keyword, word);
                plain_start = end;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    push(out, Kind::Plain, &line[plain_start..]);
}

fn yaml_line(line: &str, out: &mut Vec<(Kind, String)>) {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let mut start = indent;
    if trimmed.starts_with("- ") {
        start += 2;
    }
    // `key:` followed by space or end of line.
    let rest = &line[start..];
    let key_len = rest.find(':').filter(|&p| {
        p > 0
            && rest[..p]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
            && matches!(
                rest.as_bytes().get(p + 1),
                None | Some(b' ' | b'\n' | b'\r')
            )
    });
    match key_len {
        Some(p) => {
            push(out, Kind::Plain, &line[..start]);
            push(out, Kind::Key, &line[start..start + p]);
            push(out, Kind::Plain, ":");
            scan(line, start + p + 1, out, &[]);
        }
        None => scan(line, 0, out, &[]),
    }
}

fn shell_line(line: &str, out: &mut Vec<(Kind, String)>) {
    scan(line, 0, out, SHELL_KEYWORDS);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, lang: Language) -> Vec<(Kind, String)> {
        highlight(text, lang)
    }

    fn owned(expected: &[(Kind, &str)]) -> Vec<(Kind, String)> {
        expected
            .iter()
            .map(|(k, s)| (*k, (*s).to_owned()))
            .collect()
    }

    const ROUND_TRIP: &[&str] = &[
        "apiVersion: v1\nkind: Secret # comment\n",
        "  - name: 'a#b'\n    value: \"x\\\"y\"\n",
        "if [ -n \"$X\" ]; then echo 'it''s'; fi # done\n",
        "unterminated: \"abc\n",
        "ünïcödé: wert # kommentar\n",
        "",
        "#!/usr/bin/env bash\nset -euo pipefail\n",
    ];

    #[test]
    fn spans_concatenate_to_the_input() {
        for text in ROUND_TRIP {
            for lang in [Language::Yaml, Language::Shell, Language::Plain] {
                let joined: String = highlight(text, lang).into_iter().map(|(_, s)| s).collect();
                assert_eq!(&joined, text, "{lang:?} lost text of {text:?}");
            }
        }
    }

    #[test]
    fn yaml_keys_strings_and_comments() {
        let spans = kinds("  name: \"a # b\" # note\n", Language::Yaml);
        assert_eq!(
            spans,
            owned(&[
                (Kind::Plain, "  "),
                (Kind::Key, "name"),
                (Kind::Plain, ": "),
                (Kind::String, "\"a # b\""),
                (Kind::Plain, " "),
                (Kind::Comment, "# note"),
                (Kind::Plain, "\n"),
            ])
        );
        // A colon inside a value is not a key; a URL is not a key either.
        assert_eq!(kinds("http://x\n", Language::Yaml)[0].0, Kind::Plain);
    }

    #[test]
    fn shell_keywords_only_as_whole_words() {
        let spans = kinds("if ifconfig; then done_x; fi\n", Language::Shell);
        let keywords: Vec<&str> = spans
            .iter()
            .filter(|(k, _)| *k == Kind::Keyword)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(keywords, vec!["if", "then", "fi"]);
        // `#` inside a word is not a comment: ${#array[@]}, a#b
        assert!(
            kinds("echo a#b\n", Language::Shell)
                .iter()
                .all(|(k, _)| *k != Kind::Comment)
        );
    }

    #[test]
    fn language_from_path() {
        assert_eq!(Language::for_path("manifests/01-ns.yaml"), Language::Yaml);
        assert_eq!(Language::for_path("scripts/install.sh"), Language::Shell);
        assert_eq!(Language::for_path("README.md"), Language::Plain);
    }
}
