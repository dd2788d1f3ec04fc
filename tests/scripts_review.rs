//! The shape a reviewer relies on when reading a bundle's scripts before running them (issue 21):
//! one library (`scripts/lib.sh`, the same for every bundle) and one file of values
//! (`scripts/settings.sh`), which each script sources once; no function defined in two files;
//! a `main` whose body is the script's steps (calls only: a branch or a loop belongs in the
//! library), then `main "$@"`.
//! Prints the line counts of every combination's scripts (the budget is 1,000).

use istio_alb::bundle::Bundle;
use istio_alb::demo;
use istio_alb::script::LIB;
use istio_alb::settings::validate;
use std::collections::BTreeMap;

const AT: i64 = 1_764_151_200;

const RUNNABLE: [&str; 5] = [
    "scripts/preflight.sh",
    "scripts/install.sh",
    "scripts/verify.sh",
    "scripts/renew.sh",
    "scripts/cleanup.sh",
];

/// Names of the functions a bash text defines (`name() {` at the start of a line, any indent).
fn functions(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let (name, rest) = t.split_once("()")?;
            let ok = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && rest.trim_start().starts_with('{');
            ok.then(|| name.to_owned())
        })
        .collect()
}

fn bundles() -> Vec<(String, Bundle)> {
    demo::every_combination()
        .into_iter()
        .filter(|s| validate(s).is_empty())
        .map(|s| {
            let plan = istio_alb::plan::plan(&s, &demo::cert_inputs(), AT);
            (demo::combination_name(&s), Bundle::of(&plan))
        })
        .collect()
}

#[test]
fn each_script_sources_the_library_and_reads_as_functions_then_main() {
    let bundles = bundles();
    assert!(bundles.len() >= 10, "every valid combination");
    for (name, bundle) in &bundles {
        let text = |path: &str| {
            bundle
                .files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{name}: no {path}"))
                .text()
                .to_owned()
        };
        assert_eq!(
            text("scripts/lib.sh"),
            LIB,
            "{name}: lib.sh is the same file everywhere"
        );
        let mut defined: BTreeMap<String, &str> = BTreeMap::new();
        for f in functions(LIB) {
            assert!(
                defined.insert(f.clone(), "lib.sh").is_none(),
                "{name}: lib.sh defines {f} twice"
            );
        }
        assert!(
            functions(&text("scripts/settings.sh")).is_empty(),
            "{name}: settings.sh holds values only"
        );
        for path in RUNNABLE {
            let script = text(path);
            let lines: Vec<&str> = script.lines().collect();
            assert_eq!(
                lines
                    .iter()
                    .filter(|l| l.starts_with(". \"$BUNDLE_DIR/scripts/lib.sh\""))
                    .count(),
                1,
                "{name} {path}: sources lib.sh once"
            );
            assert_eq!(
                lines.last(),
                Some(&"main \"$@\""),
                "{name} {path}: ends with main \"$@\""
            );
            let main_at = lines
                .iter()
                .position(|l| *l == "main() {")
                .unwrap_or_else(|| panic!("{name} {path}: no main"));
            let main_end = lines[main_at..].iter().position(|l| *l == "}").unwrap() + main_at;
            assert!(
                functions(&lines[main_at + 1..].join("\n")).is_empty(),
                "{name} {path}: a function defined inside or after main"
            );
            assert_eq!(
                main_end + 3,
                lines.len(),
                "{name} {path}: nothing between main and its call"
            );
            // main is the steps: calls, no branch or loop of its own (those live in lib.sh).
            let branching: Vec<&&str> = lines[main_at + 1..main_end]
                .iter()
                .filter(|l| {
                    let word = l.split_whitespace().next().unwrap_or("");
                    [
                        "if", "elif", "else", "fi", "for", "while", "until", "case", "esac",
                    ]
                    .contains(&word)
                })
                .collect();
            assert!(
                branching.is_empty(),
                "{name} {path}: main branches or loops: {branching:?}"
            );
            for f in functions(&script).into_iter().filter(|f| f != "main") {
                if let Some(other) = defined.insert(f.clone(), path) {
                    panic!("{name}: {f} is defined in {other} and in {path}");
                }
            }
        }
    }
}

/// The helper that finds function definitions finds them (and nothing else).
#[test]
fn the_function_finder_finds_definitions_only() {
    let text = "a() {\n  b_2() { :; }\n}\necho 'c() {'x\nd ()\n# e() {\n";
    assert_eq!(functions(text), ["a", "b_2"]);
}

#[test]
fn line_counts() {
    for (name, bundle) in bundles() {
        let mut total = 0;
        let mut wide = 0;
        let mut parts = Vec::new();
        for f in bundle
            .files
            .iter()
            .filter(|f| f.path.starts_with("scripts/"))
        {
            let n = f.text().lines().count();
            wide += f.text().lines().filter(|l| l.chars().count() > 100).count();
            total += n;
            parts.push(format!("{} {n}", f.path.trim_start_matches("scripts/")));
        }
        eprintln!(
            "{name}: {total} lines ({wide} over 100 columns): {}",
            parts.join(", ")
        );
        assert!(total > 0);
        assert_eq!(
            wide, 0,
            "{name}: every line of every script fits in 100 columns"
        );
    }
}

/// The library is written by hand to 100 columns, so that it reads in a terminal or a review
/// (`line_counts` holds the scripts written by Rust to the same width).
#[test]
fn the_library_has_no_line_wider_than_100_columns() {
    let wide: Vec<(usize, &str)> = LIB
        .lines()
        .enumerate()
        .filter(|(_, l)| l.chars().count() > 100)
        .map(|(n, l)| (n + 1, l))
        .collect();
    assert!(wide.is_empty(), "lib.sh lines over 100 columns: {wide:?}");
}

/// Lines that end in a backslash inside a single-quoted string. Long messages are wrapped with a
/// backslash-newline inside double quotes, where bash drops both; inside single quotes both stay
/// in the text, so the message would show a backslash and a line break.
fn single_quoted_continuations(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    for (n, line) in text.lines().enumerate() {
        if quote.is_none() && line.trim_start().starts_with('#') {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match quote {
                None if c == '\\' => i += 1,
                None if c == '#' && (i == 0 || " \t;".contains(chars[i - 1])) => break,
                None if c == '\'' || c == '"' => quote = Some(c),
                Some('\'') if c == '\'' => quote = None,
                Some('"') if c == '\\' => i += 1,
                Some('"') if c == '"' => quote = None,
                _ => {}
            }
            i += 1;
        }
        if quote == Some('\'') && line.ends_with('\\') {
            out.push(n + 1);
        }
    }
    out
}

#[test]
fn no_single_quoted_text_is_continued_with_a_backslash() {
    assert_eq!(
        single_quoted_continuations("a 'one \\\ntwo'\nb \"one \\\ntwo\"\n# it's \\\nc 'x' \\\n  y"),
        [1],
        "the finder itself"
    );
    assert!(
        single_quoted_continuations(LIB).is_empty(),
        "lib.sh: {:?}",
        single_quoted_continuations(LIB)
    );
    for (name, bundle) in bundles() {
        for f in bundle
            .files
            .iter()
            .filter(|f| f.path.starts_with("scripts/"))
        {
            let lines = single_quoted_continuations(f.text());
            assert!(lines.is_empty(), "{name} {}: lines {lines:?}", f.path);
        }
    }
}
