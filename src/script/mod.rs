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
pub mod preflight;
mod renew;
mod secrets;

pub use renew::{CA_CERT, CA_KEY};
mod verify;

use crate::manifest::{self, Apis, Manifest, names};
#[cfg(doc)]
use crate::procedure::Step;
use crate::settings::Settings;
use std::fmt::Write as _;

/// One generated script (written with mode 0755).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// Path inside the bundle folder, e.g. `scripts/install.sh`.
    pub path: String,
    pub text: String,
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

/// `true` when `body` expands `$NAME` or `${NAME...}` (not merely a longer name that starts so).
fn uses_variable(body: &str, name: &str) -> bool {
    let braced = format!("${{{name}");
    let plain = format!("${name}");
    let ends_name = |rest: &str| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    body.match_indices(&braced)
        .any(|(i, m)| ends_name(&body[i + m.len()..]))
        || body
            .match_indices(&plain)
            .any(|(i, m)| ends_name(&body[i + m.len()..]))
}

/// Quote for bash. Validated values never contain NUL; should one ever, it becomes empty (and the
/// script's checks then fail loudly) rather than unquoted.
pub fn quote(value: &str) -> String {
    match shlex::try_quote(value) {
        Ok(q) => q.into_owned(),
        Err(_) => "''".to_owned(),
    }
}

/// Text builder shared by the scripts.
pub(crate) struct Sh {
    pub out: String,
}

impl Sh {
    pub fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    pub fn lines(&mut self, text: &[&str]) {
        for t in text {
            self.line(t);
        }
    }

    /// `step "..."` announcing the next step (preflight.sh).
    pub fn step(&mut self, what: &str) {
        self.out.push('\n');
        let _ = writeln!(self.out, "step {}", dq(what));
    }

    /// `step "..." "..."`: the next step of a cluster script, and what to check when it fails.
    pub fn step_checking(&mut self, what: &str, check: &str) {
        self.out.push('\n');
        let _ = writeln!(self.out, "step {} {}", dq(what), dq(check));
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

/// A command-line flag of a script: `--name` sets `VAR=1`, `--name VALUE` sets `VAR=VALUE`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flag {
    pub var: &'static str,
    pub flag: &'static str,
    /// Takes a value (`--context NAME` or `--context=NAME`).
    pub value: bool,
    /// The value must be a Kubernetes namespace name.
    pub namespace: bool,
}

const fn switch(var: &'static str, flag: &'static str) -> Flag {
    Flag {
        var,
        flag,
        value: false,
        namespace: false,
    }
}

pub(crate) const DRY_RUN: Flag = switch("DRY_RUN", "--dry-run");
pub(crate) const CONTEXT: Flag = Flag {
    var: "CONTEXT",
    flag: "--context",
    value: true,
    namespace: false,
};
/// Where IBM keeps the NLB's secret when it is not `default` (`nlb-dns create --secret-namespace`).
pub(crate) const SECRET_NAMESPACE: Flag = Flag {
    var: "NLB_SECRET_NS",
    flag: "--secret-namespace",
    value: true,
    namespace: true,
};
pub(crate) const ALB_SECRET_NAMESPACE: Flag = Flag {
    var: "ALB_SECRET_NS",
    flag: "--alb-secret-namespace",
    value: true,
    namespace: true,
};

/// The header, argument parsing and helper functions common to every script.
fn prelude(title: &str, usage: &str, s: &Settings, body: &str, flags: &[Flag]) -> String {
    let mut sh = Sh { out: String::new() };
    sh.line("#!/usr/bin/env bash");
    let _ = writeln!(
        sh.out,
        "# {title}\n# Generated by istio-alb for the {} profile. Usage: {usage}",
        s.profile
    );
    sh.line("set -euo pipefail");
    sh.line("");
    sh.line(VARS_BEGIN);
    for (name, value) in variables(s) {
        // Only what this script uses, so shellcheck has no unused variable to report.
        if uses_variable(body, name) {
            let _ = writeln!(sh.out, "{name}={}", quote(&value));
        }
    }
    sh.line(VARS_END);
    sh.line("");
    if uses_variable(body, "BUNDLE_DIR") {
        sh.line("BUNDLE_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")/..\" && pwd)\"");
    }
    let steps = body.lines().filter(|l| l.starts_with("step \"")).count();
    if uses_variable(body, "STEP_TOTAL") {
        let _ = writeln!(sh.out, "STEP_TOTAL={steps}");
    }
    for f in flags {
        // The settings' nlb_secret_namespace is where IBM keeps the NLB's secret: the default of
        // --secret-namespace.
        let default = if f.var == SECRET_NAMESPACE.var && !s.nlb_secret_namespace.is_empty() {
            quote(&s.nlb_secret_namespace)
        } else if f.value {
            "''".to_owned()
        } else {
            "0".to_owned()
        };
        let _ = writeln!(sh.out, "{}={default}", f.var);
    }
    let help = quote(&format!("Usage: {usage}"));
    sh.line("while [ \"$#\" -gt 0 ]; do");
    sh.line("  case \"$1\" in");
    for f in flags {
        if f.value {
            let _ = writeln!(
                sh.out,
                "    {flag})\n      if [ \"$#\" -lt 2 ]; then\n        echo '{flag} needs a value (see --help)' >&2\n        exit 2\n      fi\n      {var}=$2\n      shift\n      ;;\n    {flag}=*) {var}=${{1#*=}} ;;",
                flag = f.flag,
                var = f.var
            );
        } else {
            let _ = writeln!(sh.out, "    {}) {}=1 ;;", f.flag, f.var);
        }
    }
    let _ = writeln!(
        sh.out,
        "    -h | --help)\n      echo {help}\n      exit 0\n      ;;\n    *)\n      echo {} >&2\n      exit 2\n      ;;\n  esac\n  shift\ndone",
        dq("unknown argument: $1 (see --help)")
    );
    for f in flags.iter().filter(|f| f.namespace) {
        let _ = writeln!(
            sh.out,
            "case \"${var}\" in\n  *[!a-z0-9-]*)\n    echo \"{flag}: '${var}' is not a namespace name\" >&2\n    exit 2\n    ;;\nesac",
            var = f.var,
            flag = f.flag
        );
    }
    if body.contains("\nstep() {") {
        // The cluster scripts' shared helpers define their own `step`.
    } else {
        sh.lines(&["", "step() { printf '\\n==> %s\\n' \"$*\"; }"]);
        sh.lines(&[
            "",
            "# need TOOL...: fail early when a prerequisite is missing.",
            "need() {",
            "  local tool missing=0",
            "  for tool in \"$@\"; do",
            "    if ! command -v \"$tool\" >/dev/null 2>&1; then",
            "      echo \"error: '$tool' is required but not on PATH\" >&2",
            "      missing=1",
            "    fi",
            "  done",
            "  if [ \"$missing\" -ne 0 ]; then exit 1; fi",
            "}",
        ]);
    }
    sh.out.push_str(body);
    sh.out
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

/// A bash fragment of `sh/`, with the ownership vocabulary filled in.
fn fragment(text: &str) -> String {
    use crate::manifest::owner::{BUNDLE_LABEL, INJECTION_LABEL, MANAGED_BY, MANAGED_BY_LABEL};
    text.replace("{{MANAGED_BY_LABEL}}", MANAGED_BY_LABEL)
        .replace("{{INJECTION_LABEL}}", INJECTION_LABEL.0)
        .replace("{{MANAGED_BY}}", MANAGED_BY)
        .replace("{{BUNDLE_LABEL}}", BUNDLE_LABEL)
}

/// The helpers every cluster script shares: steps, failure reports, the temporary folder,
/// `k` (kubectl on the chosen context), `change` (a change, or its server-side dry run), the
/// cluster check. `script` is the script's file name; `rerun` what a failure report says about
/// running it again (empty: no report, as in `verify.sh`, which reports every check itself).
pub(crate) fn common(sh: &mut Sh, script: &str, rerun: &str) {
    let _ = writeln!(
        sh.out,
        "\nSCRIPT_NAME={}\nRERUN_NOTE={}",
        quote(script),
        quote(rerun)
    );
    sh.out.push_str(&fragment(include_str!("sh/common.sh")));
}

/// Certificates, secrets read and written (`read_secret`, `plan_secret`, `apply_secret`).
pub(crate) fn pem_helpers(sh: &mut Sh) {
    sh.out.push_str(&fragment(include_str!("sh/pem.sh")));
}

/// Writing secrets: `plan_secret`, `apply_secret` (`install.sh`, `renew.sh`).
pub(crate) fn write_helpers(sh: &mut Sh) {
    sh.out.push_str(&fragment(include_str!("sh/write.sh")));
}

/// Ownership: inventory, decisions, backups (`install.sh`).
pub(crate) fn ownership_helpers(sh: &mut Sh) {
    sh.out.push_str(&fragment(include_str!("sh/ownership.sh")));
}

/// `issue_client`: the next ALB client certificate from the private CA, with openssl.
pub(crate) fn issue_helper(sh: &mut Sh) {
    sh.out.push_str(&fragment(include_str!("sh/issue.sh")));
}

/// `restart_gateway`: a rolling restart of the gateway deployments, waited for; and
/// `restart_if_needed`, which restarts when the certificates the gateway mounts changed in this
/// run, or when a gateway pod serves another certificate than its secret holds (an earlier run
/// stopped between writing the secret and restarting).
pub(crate) fn restart_helper(sh: &mut Sh, apis: &Apis, s: &Settings) {
    let (k, v) = names::GATEWAY_SELECTOR;
    let sides = preflight::Sides::of(apis, s);
    let _ = writeln!(
        sh.out,
        "\n# restart_gateway: rolling restart of the gateway deployments, and wait for it (the classic\n# gateway reads file-mounted certificates at start only).\nrestart_gateway() {{\n  local deploys d\n  deploys=\"$(k get deployments.apps -n \"$GATEWAY_NAMESPACE\" -l {sel} -o name)\"\n  if [ -z \"$deploys\" ]; then die \"no deployment labelled {k}={v} in $GATEWAY_NAMESPACE\"; fi\n  while read -r d; do\n    change rollout restart \"$d\" -n \"$GATEWAY_NAMESPACE\"\n    if [ \"$DRY_RUN\" -eq 0 ]; then k rollout status \"$d\" -n \"$GATEWAY_NAMESPACE\" --timeout=300s | sed 's/^/  /'; fi\n  done <<<\"$deploys\"\n}}\n\n\
         # restart_if_needed: see above.\n\
         restart_if_needed() {{\n  \
         local pods pod want got stale=''\n  \
         if [ \"$GATEWAY_CHANGED\" -eq 1 ]; then\n    \
         restart_gateway\n    \
         return 0\n  \
         fi\n  \
         want=\"$(serial \"$WORK_DIR/new/{secret}/{key}\")\"\n  \
         pods=\"$(k get pods -n \"$GATEWAY_NAMESPACE\" -l {sel} -o 'jsonpath={{range .items[*]}}{{.metadata.name}}{{\"\\n\"}}{{end}}')\"\n  \
         for pod in $pods; do\n    \
         got=\"$(loaded_file_serial \"$pod\" {path})\"\n    \
         if [ \"$got\" != \"$want\" ]; then stale=\"$stale $pod (serial ${{got:-none}})\"; fi\n  \
         done\n  \
         if [ -n \"$stale\" ]; then\n    \
         note \"gateway pod(s) serve another certificate than the secret (serial $want):$stale\"\n    \
         restart_gateway\n  \
         else\n    \
         ok 'the gateway serves the certificate of its secret: no restart'\n  \
         fi\n\
         }}",
        sel = quote(&format!("{k}={v}")),
        secret = sides.gateway_chain.secret,
        key = sides.gateway_chain.key,
        path = quote(&format!(
            "/etc/istio/ingressgateway-certs/{}",
            sides.gateway_chain.key
        )),
    );
}

/// The scripts for `s.profile`, given the manifests they apply.
pub fn render(s: &Settings, manifests: &[Manifest]) -> Vec<Script> {
    let apis = Apis::of(s);
    let cluster = [DRY_RUN, CONTEXT, SECRET_NAMESPACE, ALB_SECRET_NAMESPACE];
    let scripts = [
        (
            "scripts/preflight.sh",
            "Preflight: a local mutual TLS handshake with the bundle's own secrets (openssl only, no cluster).",
            "scripts/preflight.sh [--dry-run]",
            preflight::body(s, manifests, &apis),
            vec![DRY_RUN],
        ),
        (
            "scripts/install.sh",
            "Install: every check first, then the procedure in an order that keeps the current path working (re-runnable).",
            "scripts/install.sh [--dry-run] [--context CONTEXT] [--secret-namespace NS] [--alb-secret-namespace NS] [--skip-preflight]",
            install::body(s, manifests),
            [
                &cluster[..],
                &[switch("SKIP_PREFLIGHT", "--skip-preflight")],
            ]
            .concat(),
        ),
        (
            "scripts/verify.sh",
            "Verify: the secrets in the cluster, what the gateway loaded, and mutual TLS end to end (reads only).",
            "scripts/verify.sh [--context CONTEXT] [--secret-namespace NS] [--alb-secret-namespace NS]",
            verify::body(s, manifests),
            cluster[1..].to_vec(),
        ),
        (
            "scripts/renew.sh",
            "Renew: IBM's renewed certificates into the copies, and the next ALB client certificate (re-runnable; a no-op when nothing changed).",
            "scripts/renew.sh [--dry-run] [--context CONTEXT] [--secret-namespace NS] [--alb-secret-namespace NS] [--force-client]",
            renew::body(s),
            [&cluster[..], &[switch("FORCE_CLIENT", "--force-client")]].concat(),
        ),
        (
            "scripts/cleanup.sh",
            "Cleanup: remove what install.sh created (by its label), put back what it replaced.",
            "scripts/cleanup.sh [--dry-run] [--context CONTEXT] [--yes]",
            cleanup::body(s, manifests),
            vec![DRY_RUN, CONTEXT, switch("ASSUME_YES", "--yes")],
        ),
    ];
    scripts
        .into_iter()
        .map(|(path, title, usage, body, flags)| Script {
            path: path.to_owned(),
            text: prelude(title, usage, s, &body, &flags),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_use_is_matched_by_whole_name() {
        const CASES: &[(&str, &str, bool)] = &[
            ("echo \"$APP\"", "APP", true),
            ("echo \"$APP_PATH\"", "APP", false),
            ("echo \"${APP}x\"", "APP", true),
            ("echo \"${APP_PATH}\"", "APP", false),
            ("echo \"${APP:-x}\"", "APP", true),
            ("echo \"$APP_PATH$APP\"", "APP", true),
        ];
        for (body, name, want) in CASES {
            assert_eq!(uses_variable(body, name), *want, "{body} / {name}");
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
