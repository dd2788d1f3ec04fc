//! The text builder the script writers share: the body of a script's `main`, with its steps
//! counted as they are written, and the words it is written with (quoted values, bundle paths,
//! namespaces by their variables). Rendering a builder into a script is
//! `script::render`'s; nothing here knows a script.

use crate::manifest::sides::Sides;
use crate::manifest::{Apis, Manifest};
use crate::settings::Settings;
use std::fmt::Write as _;

/// Quote for bash. Validated values never contain NUL; should one ever, it becomes empty (and the
/// script's checks then fail loudly) rather than unquoted.
pub fn quote(value: &str) -> String {
    match shlex::try_quote(value) {
        Ok(q) => q.into_owned(),
        Err(_) => "''".to_owned(),
    }
}

/// What every script writer reads, worked out once per bundle: the settings, the APIs they
/// choose, where each side of the handshake finds its files, and the manifests.
pub(crate) struct Facts<'a> {
    pub s: &'a Settings,
    pub apis: Apis,
    pub sides: Sides,
    pub manifests: &'a [Manifest],
}

/// Text builder shared by the scripts: the body of a script's `main`, with
/// the steps counted as they are written.
#[derive(Default)]
pub(crate) struct Sh {
    /// The body of `main`, indented as written.
    out: String,
    /// `step` calls written so far.
    pub(super) steps: usize,
    /// The script's file name and what a failure report says about running it again (see
    /// `start_run` in `sh/lib.sh`).
    pub(super) run: Option<(&'static str, &'static str)>,
}

impl Sh {
    /// The body of `main` so far.
    pub fn text(&self) -> &str {
        &self.out
    }

    /// One line of `main`, indented. A text of several lines is one command whose later lines
    /// continue it and are written as they are: a word continued inside its double quotes (see
    /// [`dq_wrapped`]), or continuation lines the caller indented.
    pub fn line(&mut self, text: &str) {
        if !text.is_empty() {
            self.out.push_str(INDENT);
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Lines of `main`, each indented (a block such as `if ... fi`, written with its own inner
    /// indentation).
    pub fn lines(&mut self, text: &[&str]) {
        for t in text {
            self.line(t);
        }
    }

    /// `FIRST \` then each of `REST` on a line of its own, indented two more: a command with
    /// one group of arguments a line.
    pub fn continued(&mut self, first: &str, rest: &[String]) {
        let mut text = first.to_owned();
        for r in rest {
            let _ = write!(text, " \\\n{INDENT}  {r}");
        }
        self.line(&text);
    }

    /// One command of already quoted words, continued on lines of its own (indented by two)
    /// where it would be wider than [`WIDTH`].
    pub fn command(&mut self, words: &[String]) {
        let mut text = String::new();
        let mut col = MAIN_INDENT;
        for (i, word) in words.iter().enumerate() {
            let len = word.chars().count();
            if i > 0 && col + 1 + len + 2 > WIDTH {
                let _ = write!(text, " \\\n{INDENT}  ");
                col = MAIN_INDENT + 2;
            } else if i > 0 {
                text.push(' ');
                col += 1;
            }
            text.push_str(word);
            col += len;
        }
        self.line(&text);
    }

    /// `step "..."` announcing the next step (preflight.sh).
    pub fn step(&mut self, what: &str) {
        self.steps += 1;
        self.out.push('\n');
        self.line(&format!("step {}", dq_wrapped(what, MAIN_INDENT + 5, 0)));
    }

    /// `step "..." "..."`: the next step of a cluster script, and what to check when it fails;
    /// the check on a line of its own when both do not fit in [`WIDTH`].
    pub fn step_checking(&mut self, what: &str, check: &str) {
        self.steps += 1;
        self.out.push('\n');
        let one = format!("step {} {}", dq(what), dq(check));
        if MAIN_INDENT + one.chars().count() <= WIDTH {
            self.line(&one);
        } else {
            self.continued(
                &format!("step {}", dq_wrapped(what, MAIN_INDENT + 5, 2)),
                &[dq_wrapped(check, MAIN_INDENT + 2, 0)],
            );
        }
    }

    /// The script's name and its rerun note, for `start_run`.
    pub fn run(&mut self, script: &'static str, rerun: &'static str) {
        self.run = Some((script, rerun));
    }
}

/// A double-quoted bash word for a constant text that may expand `$VARS` (our own text only:
/// never call with user values, those live in variables).
pub(crate) fn dq(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}

/// The widest line of a script (the bundle's scripts are read before they are run).
pub(crate) const WIDTH: usize = 100;

/// How far `main`'s body is indented.
pub(crate) const MAIN_INDENT: usize = 2;
const INDENT: &str = "  ";

/// [`dq`], broken into lines of at most [`WIDTH`] columns at spaces, as `"text \` + newline +
/// `more text"`: inside double quotes bash drops a backslash-newline, so the word is the same.
/// The continued lines start at column 0, as in `lib.sh`. `col` is where the word starts, and
/// `tail` how many columns must stay free after it on its last line.
pub(crate) fn dq_wrapped(text: &str, col: usize, tail: usize) -> String {
    let quoted = dq(text);
    if col + quoted.chars().count() + tail <= WIDTH {
        return quoted;
    }
    let inner = &quoted[1..quoted.len() - 1];
    let mut out = String::from("\"");
    let mut at = col + 1;
    let words: Vec<&str> = inner.split(' ').collect();
    for (i, word) in words.iter().enumerate() {
        let last = i + 1 == words.len();
        let len = word.chars().count();
        // What this word needs on its line: itself, then " \" (or the closing quote and tail).
        let need = len + if last { 1 + tail } else { 2 };
        if i > 0 && at + 1 + need > WIDTH {
            out.push_str(" \\\n");
            at = 0;
        } else if i > 0 {
            out.push(' ');
            at += 1;
        }
        out.push_str(word);
        at += len;
    }
    out.push('"');
    out
}

/// The bundle-relative path as a word: `"$BUNDLE_DIR"/manifests/01-namespace.yaml`.
pub(crate) fn bundle_path(rel: &str) -> String {
    format!("\"$BUNDLE_DIR\"/{}", quote(rel))
}

/// `"$APP_NAMESPACE"` for the app namespace, `"$GATEWAY_NAMESPACE"` for the gateway's, else the
/// name quoted: the scripts expand user values from their variables only.
pub(crate) fn ns_word(s: &Settings, ns: &str) -> String {
    if ns == s.app_namespace {
        "\"$APP_NAMESPACE\"".into()
    } else if ns == s.gateway_namespace {
        "\"$GATEWAY_NAMESPACE\"".into()
    } else {
        quote(ns)
    }
}
