//! The bash scripts of the procedure: `preflight.sh`, `install.sh`, `verify.sh`, `renew.sh`,
//! `cleanup.sh`.
//!
//! The Rust side writes each script's steps with the bundle's names (from the procedure, the
//! manifests and the secret declarations); the helper functions the cluster scripts share are
//! bash text in `sh/*.sh`, included as they are, with the ownership vocabulary filled in. They
//! stay bash 3.2 and BSD compatible (`tests/scripts_portable.rs` greps for what is not).
//!
//! Every user value is assigned once, at the top, to a variable, quoted by `shlex` (POSIX
//! single-quote rules, which bash shares); the rest of each script only ever expands those
//! variables inside double quotes. The values were also validated (`setup::validate`) to a grammar
//! without shell metacharacters, so quoting is a second wall, not the only one.

mod cleanup;
mod install;
mod preflight;
mod renew;
mod secrets;

pub use renew::{CA_CERT, CA_KEY};
mod verify;

use crate::manifest::{self, Apis, Manifest};
#[cfg(doc)]
use crate::procedure::Step;
use crate::settings::Settings;
use std::fmt::Write as _;

/// One generated script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// Path inside the bundle folder, e.g. `scripts/install.sh`.
    pub path: String,
    pub text: String,
    /// A script to run (mode 0755), not one the others source.
    pub executable: bool,
}

/// Markers around the generated variable block (tests source exactly this block).
pub const VARS_BEGIN: &str = "# --- settings (generated; each value set once, quoted) ---";
pub const VARS_END: &str = "# --- end of settings ---";

/// Namespace where IBM Cloud keeps its certificates' secrets unless told otherwise (the
/// procedure's `default`). The scripts look there first, then in the gateway namespace (where
/// `nlb-dns create --secret-namespace` puts the NLB's); `--secret-namespace` names it.
pub const IBM_SECRET_NAMESPACE: &str = crate::settings::IBM_DEFAULT_NAMESPACE;

/// The shell variables every script may use, in order, with their values.
pub fn variables(s: &Settings) -> Vec<(&'static str, String)> {
    let (test_path, expect) = test_request(s);
    let owner = manifest::Owner::of(s);
    vec![
        ("CLUSTER_NAME", s.cluster_name.clone()),
        ("INGRESS_HOST", s.ingress_ip.clone()),
        ("LB_HOST", s.lb_host.clone()),
        ("NLB_INGRESS_DOMAIN", s.nlb_domain.clone()),
        ("NLB_SECRET", s.nlb_secret.clone()),
        ("ALB_INGRESS_DOMAIN", s.alb_domain.clone()),
        ("ALB_SECRET", s.alb_secret.clone()),
        ("ALB_HOST", manifest::alb_host(s)),
        ("APP_NAMESPACE", s.app_namespace.clone()),
        ("APP", s.app.clone()),
        ("APP_PORT", s.app_port.to_string()),
        ("APP_PATH", s.path.clone()),
        ("GATEWAY_NAMESPACE", s.gateway_namespace.clone()),
        ("IBM_DEFAULT_NAMESPACE", IBM_SECRET_NAMESPACE.to_owned()),
        ("TEST_PATH", test_path),
        ("EXPECT_STATUS", expect),
        ("BUNDLE_ID", owner.id),
        ("BUNDLE_DESCRIPTION", owner.description),
    ]
}

/// The request the verification sends: httpbin's teapot when the path is the procedure's
/// `/status`, else the path itself (any status but a 5xx or no answer counts as reachable).
/// Returns the path and the expected status ("" for any non-5xx).
pub fn test_request(s: &Settings) -> (String, String) {
    if s.path == "/status" {
        ("/status/418".into(), "418".into())
    } else {
        (s.path.clone(), String::new())
    }
}

/// Quote for bash. Validated values never contain NUL; should one ever, it becomes empty (and the
/// script's checks then fail loudly) rather than unquoted.
pub fn quote(value: &str) -> String {
    match shlex::try_quote(value) {
        Ok(q) => q.into_owned(),
        Err(_) => "''".to_owned(),
    }
}

/// Text builder shared by the scripts: a script's own functions, and the body of its `main`, with
/// the steps counted as they are written.
#[derive(Default)]
pub(crate) struct Sh {
    /// The body of `main` (unindented; [`render`] indents it).
    pub out: String,
    /// Functions only this script defines, written before `main`.
    pub funcs: String,
    /// `step` calls written so far.
    steps: usize,
    /// The script's file name and what a failure report says about running it again (see
    /// `start_run` in `sh/lib.sh`).
    run: Option<(&'static str, &'static str)>,
}

impl Sh {
    pub fn new() -> Sh {
        Sh::default()
    }

    pub fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    pub fn lines(&mut self, text: &[&str]) {
        for t in text {
            self.line(t);
        }
    }

    /// A function of this script alone (written before `main`).
    pub fn func(&mut self, text: &str) {
        self.funcs.push_str(text);
        if !text.ends_with('\n') {
            self.funcs.push('\n');
        }
    }

    /// `step "..."` announcing the next step (preflight.sh).
    pub fn step(&mut self, what: &str) {
        self.steps += 1;
        self.out.push('\n');
        let _ = writeln!(self.out, "step {}", dq(what));
    }

    /// `step "..." "..."`: the next step of a cluster script, and what to check when it fails.
    pub fn step_checking(&mut self, what: &str, check: &str) {
        self.steps += 1;
        self.out.push('\n');
        let _ = writeln!(self.out, "step {} {}", dq(what), dq(check));
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

/// The library every script sources: the same text for every bundle (`sh/lib.sh`).
pub const LIB: &str = include_str!("sh/lib.sh");

/// `scripts/settings.sh`: the bundle's values, each assigned once and quoted, between
/// [`VARS_BEGIN`] and [`VARS_END`].
fn settings_sh(s: &Settings, apis: &Apis) -> String {
    let sides = crate::manifest::sides::Sides::of(apis, s);
    let mut out = format!(
        "# The values of this bundle (generated by istio-alb for the {} profile), sourced by every\n\
         # script after lib.sh. To change one, change settings.yaml and generate the bundle again.\n\
         # shellcheck shell=bash disable=SC2034 # the scripts use them\n{VARS_BEGIN}\n",
        s.profile
    );
    let facts = [
        // Where IBM keeps the NLB's secret, when the settings say (--secret-namespace's default).
        ("NLB_SECRET_NS", s.nlb_secret_namespace.clone()),
        // The secret and key of the certificate the gateway serves (classic: mounted files).
        ("GATEWAY_CERT_SECRET", sides.gateway_chain.secret.clone()),
        ("GATEWAY_CERT_KEY", sides.gateway_chain.key.to_owned()),
    ];
    for (name, value) in variables(s).into_iter().chain(facts) {
        let _ = writeln!(out, "{name}={}", quote(&value));
    }
    out.push_str(VARS_END);
    out.push('\n');
    out
}

/// `text` indented by two spaces, except the lines that continue a quoted string (their leading
/// blanks are part of the string).
fn indent(text: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum Ctx {
        Double,
        Single,
        Command,
    }
    let mut stack: Vec<Ctx> = Vec::new();
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let in_string = matches!(stack.last(), Some(Ctx::Double | Ctx::Single));
        if !in_string && line != "\n" {
            out.push_str("  ");
        }
        out.push_str(line);
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let word_start = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == ';';
            match stack.last().copied() {
                Some(Ctx::Single) => {
                    if c == '\'' {
                        stack.pop();
                    }
                }
                Some(Ctx::Double) => match c {
                    '\\' => i += 1,
                    '"' => {
                        stack.pop();
                    }
                    '$' if chars.get(i + 1) == Some(&'(') => {
                        stack.push(Ctx::Command);
                        i += 1;
                    }
                    _ => {}
                },
                top => match c {
                    '\\' => i += 1,
                    '#' if word_start => break,
                    '\'' => stack.push(Ctx::Single),
                    '"' => stack.push(Ctx::Double),
                    '$' if chars.get(i + 1) == Some(&'(') => {
                        stack.push(Ctx::Command);
                        i += 1;
                    }
                    ')' if top == Some(Ctx::Command) => {
                        stack.pop();
                    }
                    _ => {}
                },
            }
            i += 1;
        }
    }
    out
}

/// One script: its header, the library and settings sourced, its own functions, then `main`
/// (the flags, the run, the steps) and `main "$@"`.
fn script(title: &str, usage: &str, s: &Settings, sh: Sh) -> String {
    let (name, rerun) = sh.run.unwrap_or(("", ""));
    let mut out = format!(
        "#!/usr/bin/env bash\n# {title}\n# Generated by istio-alb for the {} profile. Usage: {usage}\n\
         # shellcheck source-path=SCRIPTDIR\n\
         set -euo pipefail\n\n\
         BUNDLE_DIR=\"$(cd \"$(dirname \"${{BASH_SOURCE[0]}}\")/..\" && pwd)\"\n\
         # shellcheck source=lib.sh\n. \"$BUNDLE_DIR/scripts/lib.sh\"\n\
         # shellcheck source=settings.sh\n. \"$BUNDLE_DIR/scripts/settings.sh\"\n",
        s.profile
    );
    if !sh.funcs.is_empty() {
        out.push_str(&sh.funcs);
    }
    let _ = write!(
        out,
        "\nmain() {{\n  parse_args {} \"$@\"\n  start_run {} {} {}\n",
        quote(usage),
        quote(name),
        sh.steps,
        quote(rerun)
    );
    out.push_str(&indent(&sh.out));
    out.push_str("}\n\nmain \"$@\"\n");
    out
}

/// The scripts for `s.profile`, given the manifests they apply: `lib.sh` and `settings.sh`, which
/// the others source, then `preflight.sh`, `install.sh`, `verify.sh`, `renew.sh`, `cleanup.sh`.
pub fn render(s: &Settings, manifests: &[Manifest]) -> Vec<Script> {
    let apis = Apis::of(s);
    let cluster =
        "[--dry-run] [--context CONTEXT] [--secret-namespace NS] [--alb-secret-namespace NS]";
    let scripts = [
        (
            "scripts/preflight.sh",
            "Preflight: a local mutual TLS handshake with the bundle's own secrets (openssl only, no cluster).",
            "scripts/preflight.sh [--dry-run]".to_owned(),
            preflight::body(s, manifests, &apis),
        ),
        (
            "scripts/install.sh",
            "Install: every check first, then the procedure in an order that keeps the current path working (re-runnable).",
            format!(
                "scripts/install.sh {cluster} [--force-conflicts] [--delete-old-ingress] \
                 [--skip-preflight]"
            ),
            install::body(s, manifests),
        ),
        (
            "scripts/verify.sh",
            "Verify: the secrets in the cluster, what the gateway loaded, and mutual TLS end to end (reads only).",
            "scripts/verify.sh [--context CONTEXT] [--secret-namespace NS] [--alb-secret-namespace NS]"
                .to_owned(),
            verify::body(s, manifests),
        ),
        (
            "scripts/renew.sh",
            "Renew: IBM's renewed certificates into the copies, and the next ALB client certificate (re-runnable; a no-op when nothing changed).",
            format!("scripts/renew.sh {cluster} [--force-conflicts] [--force-client]"),
            renew::body(s),
        ),
        (
            "scripts/cleanup.sh",
            "Cleanup: remove what install.sh created (by its label), give back what it shared.",
            "scripts/cleanup.sh [--dry-run] [--context CONTEXT] [--yes]".to_owned(),
            cleanup::body(s, manifests),
        ),
    ];
    let mut out = vec![
        Script {
            path: "scripts/lib.sh".to_owned(),
            text: LIB.to_owned(),
            executable: false,
        },
        Script {
            path: "scripts/settings.sh".to_owned(),
            text: settings_sh(s, &apis),
            executable: false,
        },
    ];
    out.extend(scripts.into_iter().map(|(path, title, usage, sh)| Script {
        path: path.to_owned(),
        text: script(title, &usage, s, sh),
        executable: true,
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lib.sh writes the ownership vocabulary out (it is a fixed file): it must say what the
    /// manifests say.
    #[test]
    fn the_library_uses_the_manifests_ownership_labels() {
        use crate::manifest::owner::{BUNDLE_LABEL, INJECTION_LABEL, MANAGED_BY, MANAGED_BY_LABEL};
        for want in [
            format!("labels.{BUNDLE_LABEL}}}"),
            format!("\"{MANAGED_BY_LABEL}\":\"{MANAGED_BY}\""),
            format!("\"{BUNDLE_LABEL}\":\""),
            format!("{}={}", INJECTION_LABEL.0, INJECTION_LABEL.1),
            format!("--field-manager={MANAGED_BY}"),
        ] {
            assert!(LIB.contains(&want), "lib.sh lacks {want}");
        }
    }

    #[test]
    fn quoting_leaves_safe_values_bare() {
        const CASES: &[(&str, &str)] = &[
            ("httpbin", "httpbin"),
            ("/status", "/status"),
            ("2001:db8::1", "2001:db8::1"),
            ("", "''"),
        ];
        for (value, want) in CASES {
            assert_eq!(quote(value), *want, "{value:?}");
        }
    }

    /// Even values validation would refuse come back from bash as one unchanged word.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn quoted_values_round_trip_through_bash() {
        const VALUES: &[&str] = &[
            "a b", "$(id)", "`id`", "it's", "a'$b\"c", "x;y|z&w", "*", "~root", "\n\t", "#x", "!x",
        ];
        for value in VALUES {
            let out = std::process::Command::new("bash")
                .args([
                    "-c",
                    &format!("set -- {}; printf '%s\\0' \"$#\" \"$1\"", quote(value)),
                ])
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                format!("1\0{value}\0"),
                "{value:?} quoted as {}",
                quote(value)
            );
        }
    }
}
