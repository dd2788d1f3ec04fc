//! The verifiers beside OpenSSL (issue 24): Go's crypto/x509, which a Traefik ALB verifies the
//! gateway chain with, on every case; BoringSSL, which the gateway (Envoy) verifies the ALB's
//! client chain with, on every client case. Each is compared with our verdict under that
//! verifier's rules (`Verifier::Go`, `Verifier::BoringSsl`: OpenSSL's rules and its own).
//!
//! The same product rule as for OpenSSL: we never accept what the verifier refuses (a defect,
//! never listable); we may refuse what it accepts when the class of the difference is written
//! down, with its reason, in `tests/go-differences.json` / `tests/boringssl-differences.json`
//! (`classes`: class → reason; `cases`: case id → class). An unlisted stricter case fails, and
//! so does a listed case that no longer differs or no longer runs.

use super::run::{Outcome, Verdict};
use super::{Case, usage_label, verdict};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// One verifier beside OpenSSL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Other {
    Go,
    BoringSsl,
}

impl Other {
    pub const ALL: [Other; 2] = [Other::Go, Other::BoringSsl];
    pub fn label(self) -> &'static str {
        match self {
            Other::Go => "Go",
            Other::BoringSsl => "BoringSSL",
        }
    }
    fn file(self) -> &'static str {
        match self {
            Other::Go => "tests/go-differences.json",
            Other::BoringSsl => "tests/boringssl-differences.json",
        }
    }
    fn of(self, o: &Outcome) -> Option<&Verdict> {
        match self {
            Other::Go => o.go.as_ref(),
            Other::BoringSsl => o.boring.as_ref(),
        }
    }
}

/// Counts of one verifier for one source of cases.
#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub ran: usize,
    pub agree: usize,
    /// Stricter, listed.
    pub stricter: usize,
    /// Stricter, not listed (a failure).
    pub unlisted: usize,
    pub defects: usize,
}

/// What the comparison found for one verifier.
pub struct Report {
    pub rows: BTreeMap<String, Counts>,
    /// Listed stricter cases per class (the README's table).
    pub by_class: BTreeMap<String, usize>,
    pub problems: Vec<String>,
    pub details: Vec<String>,
}

fn detail(kind: &str, other: Other, case: &Case, v: &Verdict) -> String {
    let mut s = format!(
        "{kind} {}\n    chain:   {}\n    usage {}, at {}, name {}\n    {:<9} {}",
        case.id,
        case.what,
        usage_label(case.usage),
        case.at,
        case.name
            .as_ref()
            .map_or("-".to_owned(), |n| format!("{n:?}")),
        format!("{}:", other.label()),
        verdict(v.theirs)
    );
    if !v.said.is_empty() {
        s.push_str(&format!("\n              {}", v.said));
    }
    s.push_str(&format!("\n    ours:     {}", verdict(v.ours)));
    for f in &v.findings {
        s.push_str(&format!("\n              {f}"));
    }
    s.push('\n');
    s
}

/// The class of a case we refuse and OpenSSL accepts: it must be listed in
/// `tests/openssl-differences.json`, whose reason holds here too. Every other class claims that
/// OpenSSL refuses the case (the bundle keeps OpenSSL's refusals whatever the ALB: its
/// `preflight.sh` runs `openssl verify` on both chains); the test checks both claims.
const OPENSSL_LISTED: &str = "stricter-than-openssl";

/// Compare `other` with our verdicts over `cases`. `complete`: every case that could be listed
/// ran (no filter, limbo present), so a listed case that did not run is stale. `openssl_listed`:
/// the ids of `tests/openssl-differences.json`.
pub fn compare(
    other: Other,
    cases: &[Case],
    outcomes: &[Outcome],
    complete: bool,
    openssl_listed: &HashSet<String>,
) -> Report {
    let path = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), other.file());
    let listed: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
    .unwrap_or_else(|e| panic!("{path}: {e}"));
    let classes = listed["classes"].as_object().cloned().unwrap_or_default();
    let listed_cases = listed["cases"].as_object().cloned().unwrap_or_default();
    let mut r = Report {
        rows: BTreeMap::new(),
        by_class: BTreeMap::new(),
        problems: Vec::new(),
        details: Vec::new(),
    };
    for (class, reason) in &classes {
        if reason.as_str().is_none_or(|t| t.trim().len() <= 20) {
            r.problems.push(format!(
                "{}: class {class} needs a written reason",
                other.file()
            ));
        }
    }
    for (id, class) in &listed_cases {
        if !class.as_str().is_some_and(|c| classes.contains_key(c)) {
            r.problems.push(format!(
                "{}: {id} names class {class}, which is not among its classes",
                other.file()
            ));
        }
    }
    let mut ran = HashSet::new();
    for (case, o) in cases.iter().zip(outcomes) {
        let Some(v) = other.of(o) else { continue };
        ran.insert(case.id.as_str());
        let row = r.rows.entry(case.source()).or_default();
        row.ran += 1;
        let class = listed_cases.get(&case.id).and_then(Value::as_str);
        match (v.theirs, v.ours, class) {
            (a, b, listed) if a == b => {
                row.agree += 1;
                if listed.is_some() {
                    r.problems.push(format!(
                        "{}: listed in {} but both now {}; remove it",
                        case.id,
                        other.file(),
                        verdict(a)
                    ));
                }
            }
            (false, true, _) => {
                row.defects += 1;
                r.problems.push(format!(
                    "{}: DEFECT: we accept what {} refuses",
                    case.id,
                    other.label()
                ));
                r.details.push(detail(
                    &format!("DEFECT (we accept, {} refuses)", other.label()),
                    other,
                    case,
                    v,
                ));
            }
            (true, false, Some(c)) => {
                row.stricter += 1;
                *r.by_class.entry(c.to_owned()).or_default() += 1;
                if c != OPENSSL_LISTED && o.openssl {
                    r.problems.push(format!(
                        "{}: listed as {c} in {}, which says OpenSSL refuses it, but OpenSSL \
                         accepts it",
                        case.id,
                        other.file()
                    ));
                }
                if c == OPENSSL_LISTED && !openssl_listed.contains(&case.id) {
                    r.problems.push(format!(
                        "{}: listed as {OPENSSL_LISTED} in {}, but not in \
                         tests/openssl-differences.json",
                        case.id,
                        other.file()
                    ));
                }
            }
            (true, false, None) => {
                row.unlisted += 1;
                r.problems.push(format!(
                    "{}: we refuse what {} accepts, and {} does not list it (OpenSSL {}{})",
                    case.id,
                    other.label(),
                    other.file(),
                    verdict(o.openssl),
                    if openssl_listed.contains(&case.id) {
                        ", listed in tests/openssl-differences.json"
                    } else {
                        ""
                    }
                ));
                r.details.push(detail(
                    &format!(
                        "STRICTER, NOT LISTED (we refuse, {} accepts)",
                        other.label()
                    ),
                    other,
                    case,
                    v,
                ));
            }
            _ => unreachable!("the first arm takes equal verdicts"),
        }
    }
    if complete {
        for id in listed_cases.keys() {
            if !ran.contains(id.as_str()) {
                r.problems.push(format!(
                    "{id}: listed in {} but no such case ran",
                    other.file()
                ));
            }
        }
    }
    r
}
