//! The shape of the crate, as the conventions ask for it: no source file over 600 lines, no two
//! modules that import each other (directly or around a loop), and the pure core free of web
//! imports. Reads `src/` as text.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("src is readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out.sort();
    out
}

/// `src/pki/verify/mod.rs` → `["pki", "verify"]`.
fn module_of(path: &Path) -> Vec<String> {
    let rel = path
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .expect("under src");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Every path of every `use` item, braces expanded, as written.
fn use_paths(text: &str) -> Vec<String> {
    fn expand(u: &str, out: &mut Vec<String>) {
        let u = u.trim();
        match (u.find('{'), u.rfind('}')) {
            (Some(open), Some(close)) if close > open => {
                let prefix = u[..open].trim_end_matches("::");
                let inner = &u[open + 1..close];
                let (mut depth, mut start) = (0, 0);
                for (i, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            expand(&format!("{prefix}::{}", inner[start..i].trim()), out);
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                expand(&format!("{prefix}::{}", inner[start..].trim()), out);
            }
            _ => out.push(u.split(" as ").next().unwrap_or(u).trim().to_owned()),
        }
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("use ") {
        let line_start = rest[..i].rfind('\n').map_or(0, |n| n + 1);
        let before = rest[line_start..i].trim();
        let is_item = before.is_empty() || before.starts_with("pub");
        let after = &rest[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if is_item {
            expand(&after[..end].replace('\n', " "), &mut out);
        }
        rest = &after[end..];
    }
    out
}

/// Every `crate::` or `super::` path written in code outside a `use` item (`crate::a::b::f(…)`, a
/// type in a signature): a module reached this way is imported as surely as by `use`. Comments
/// (doc links included) are not code, so they are left out.
fn inline_paths(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let text = code.as_str();
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut out = Vec::new();
    for root in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(root).map(|i| i + from) {
            from = i + root.len();
            // `$crate::` in a macro, or the middle of a longer path (`super::super::`).
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| is_path_char(c) || c == '$') {
                continue;
            }
            let len = text[i..]
                .find(|c: char| !is_path_char(c))
                .unwrap_or(text.len() - i);
            let path = text[i..i + len].trim_end_matches(':');
            // A path that opens braces is a `use` item's, which `use_paths` reads.
            if !text[i + len..].starts_with('{') {
                out.push(path.to_owned());
            }
        }
    }
    out
}

/// The paths a module imports: its `use` items and its inline paths.
fn imported_paths(text: &str) -> Vec<String> {
    let mut paths = use_paths(text);
    paths.extend(inline_paths(text));
    paths
}

#[test]
fn no_source_file_is_over_600_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).ok()?.lines().count();
            (n > 600).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these along their seams: {long:?}");
}

/// A certificate is decoded in one place, `pki::x509` (counted there: one parse per certificate
/// of a check, `pki::check`'s test); every check reads that decoding. `file_import` only asks
/// whether a dropped file is a DER certificate.
#[test]
fn certificates_are_decoded_in_one_place() {
    let allowed = [vec!["pki", "x509"], vec!["file_import"]];
    for p in sources() {
        let module = module_of(&p);
        if allowed.iter().any(|a| *a == module) {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("readable");
        for decode in ["X509Certificate", "parse_x509_certificate"] {
            assert!(
                !text.contains(decode),
                "{} decodes certificates itself ({decode}): read pki::x509::ParsedCert",
                p.display()
            );
        }
    }
}

/// Issue 25: components take the narrow handles of `ui::handles`, never the whole page state.
/// Only `ui::state` (which defines it), `ui::handles` (which makes the handles of it) and
/// `ui::app` (which creates and provides it) name `AppState`, in code or comment.
#[test]
fn no_component_takes_the_whole_page_state() {
    let allowed = [
        vec!["ui", "state"],
        vec!["ui", "handles"],
        vec!["ui", "app"],
    ];
    let mut components = 0;
    for p in sources() {
        let module = module_of(&p);
        if module.first().map(String::as_str) != Some("ui") {
            continue;
        }
        components += 1;
        if allowed.iter().any(|a| *a == module) {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("readable");
        assert!(
            !text.contains("AppState"),
            "{} names AppState: take the handles of ui::handles it uses instead",
            p.display()
        );
    }
    assert!(
        components > 20,
        "the page's sources were read ({components})"
    );
}

/// Loops of imports between modules that are not ancestor and descendant of each other.
fn cycles(files: &BTreeMap<Vec<String>, String>) -> Vec<String> {
    // Edges between modules that are not ancestor and descendant of each other.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, text) in files {
        for path in imported_paths(text) {
            let mut parts: Vec<String> = module.clone();
            let segments: Vec<&str> = path.split("::").map(str::trim).collect();
            let rest: &[&str] = match segments.first() {
                Some(&"crate") => {
                    parts.clear();
                    &segments[1..]
                }
                Some(&"super") => {
                    let ups = segments.iter().take_while(|s| **s == "super").count();
                    for _ in 0..ups {
                        parts.pop();
                    }
                    &segments[ups..]
                }
                _ => continue,
            };
            parts.extend(rest.iter().map(|s| (*s).to_owned()));
            // The longest prefix that is a module of ours.
            let target = (1..=parts.len())
                .rev()
                .map(|n| parts[..n].to_vec())
                .find(|p| files.contains_key(p));
            if let Some(target) = target {
                let related = target.starts_with(module) || module.starts_with(&target);
                if !related {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    // Any module that reaches itself?
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let names: Vec<String> = path.iter().map(|m| m.join("::")).collect();
                    cycles.push(format!("{} -> {}", names.join(" -> "), start.join("::")));
                } else if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    cycles
}

#[test]
fn no_two_modules_import_each_other() {
    let files: BTreeMap<Vec<String>, String> = sources()
        .iter()
        .map(|p| (module_of(p), std::fs::read_to_string(p).expect("readable")))
        .collect();
    let cycles = cycles(&files);
    assert!(
        cycles.is_empty(),
        "modules that import each other: {cycles:#?}"
    );
}

#[test]
fn the_core_has_no_web_imports() {
    for p in sources() {
        let module = module_of(&p);
        // The shells: the page, the command line, and the entry points (`main.rs`, and
        // `bin/istio-alb-make.rs`, the page's second wasm module, issue 26).
        if matches!(
            module.first().map(String::as_str),
            Some("ui" | "cli" | "main" | "bin")
        ) {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("readable");
        for web in ["leptos", "web_sys", "js_sys", "gloo", "wasm_bindgen"] {
            assert!(
                !use_paths(&text).iter().any(|u| u.starts_with(web)),
                "{} imports {web}",
                p.display()
            );
        }
    }
}

#[test]
fn the_cycle_finder_sees_a_cycle() {
    let paths = use_paths("use super::{a::{b, c}, d};\npub(crate) use crate::x::y as z;\n");
    assert_eq!(
        paths,
        ["super::a::b", "super::a::c", "super::d", "crate::x::y"]
    );
    let module = |name: &str, text: &str| (vec!["m".to_owned(), name.to_owned()], text.to_owned());
    let files: BTreeMap<Vec<String>, String> = [
        (vec!["m".to_owned()], "mod a;\nmod b;\nmod c;\n".to_owned()),
        module("a", "use super::b::Thing;\n"),
        module("b", "use crate::m::{c::Other};\n"),
        module("c", "use super::a::First;\n"),
    ]
    .into_iter()
    .collect();
    assert_eq!(cycles(&files).len(), 3, "{:?}", cycles(&files));
    let mut acyclic = files.clone();
    acyclic.insert(
        vec!["m".into(), "c".into()],
        "use super::super::m;\n".into(),
    );
    assert!(cycles(&acyclic).is_empty(), "{:?}", cycles(&acyclic));
}

/// The cycle issue 25 found: `pki::check` imported `pki::verify` with `use`, and `pki::verify`
/// reached back with an inline `crate::pki::check::MAX_FINDINGS_OF_A_KIND`.
#[test]
fn the_cycle_finder_sees_inline_paths() {
    let text = "fn f() { let n = crate::pki::check::MAX; super::super::x::y(n); $crate::z::w }\n\
                /// See [`crate::b::Thing`].\n";
    assert_eq!(
        inline_paths(text),
        ["crate::pki::check::MAX", "super::super::x::y"]
    );
    let module = |path: &[&str], text: &str| {
        let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
        (path, text.to_owned())
    };
    let files: BTreeMap<Vec<String>, String> = [
        module(&["pki"], "mod check;\nmod verify;\n"),
        module(&["pki", "check"], "use super::verify::{self, Usage};\n"),
        module(
            &["pki", "verify"],
            "fn cap() -> usize { crate::pki::check::MAX_FINDINGS_OF_A_KIND }\n",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(cycles(&files).len(), 2, "{:?}", cycles(&files));
    let mut acyclic = files.clone();
    acyclic.insert(
        vec!["pki".into(), "verify".into()],
        "fn cap() -> usize { crate::finding::MAX_FINDINGS_OF_A_KIND }\n".into(),
    );
    assert!(cycles(&acyclic).is_empty(), "{:?}", cycles(&acyclic));
}
