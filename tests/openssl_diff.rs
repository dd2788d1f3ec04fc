//! Differential test against the verifiers the bundle's chains meet: OpenSSL, behind the ALB's
//! NGINX and the bundle's `preflight.sh`, on every case; Go's crypto/x509, behind a Traefik ALB,
//! on every case (`tools/go-verify/x509verify`, one process for all); BoringSSL, behind the
//! gateway (Envoy), on every client case (the `boring` crate, `openssl_diff/boring.rs`). Every
//! x509-limbo case and a generated corpus of chains go through `openssl verify` (as NGINX's
//! `proxy_ssl_verify` calls OpenSSL: no `-partial_chain`, no `-x509_strict`, only the trusted
//! file, no system store) and through `verify_pem` with the same time, name, usage and depth
//! limit; Go and BoringSSL are compared with `verify_pem` under their rules
//! (`Verifier::Go`, `Verifier::BoringSsl`: OpenSSL's and theirs), without a depth limit (neither
//! Traefik nor Istio sets one). One table shows a column group per verifier
//! (`openssl_diff/others.rs` for the two beside OpenSSL).
//!
//! Product rule: we never call valid what the verifier refuses. A case where we accept and it
//! refuses fails the test and may not be listed. We may be stricter when the reason is written
//! down: in `tests/openssl-differences.json` per case, in `tests/go-differences.json` and
//! `tests/boringssl-differences.json` by class; an unlisted stricter verdict fails too, and so
//! does a listed one that no longer happens.
//!
//! Mapping of the options:
//! - time: `-attime <unix>` = `VerifyOptions::at` (limbo's `validation_time`, else the start of
//!   the test; generated cases use 2026-01-01T00:00:00Z unless they say otherwise);
//! - name: `-verify_hostname` / `-verify_ip` = `VerifyOptions::name`. One generated case passes
//!   an IP literal with `-verify_hostname`, which is what NGINX does with an IP `proxy_ssl_name`
//!   (`ngx_ssl_check_host` calls `X509_check_host` only);
//! - usage: `-purpose sslserver|sslclient` = `Usage::Server|Client` (OpenSSL's SSL library sets
//!   these purposes when a client verifies a server and the other way round);
//! - depth: `-verify_depth N` = `max_intermediates: Some(N)`. OpenSSL's depth counts the
//!   certificates between the leaf and the trust anchor, neither of them counted (`verify(1)`:
//!   "a maximal depth chain can have up to num+2 certificates"), and it counts self-issued
//!   intermediates too. That is x509-limbo's `max_chain_depth` and NGINX's
//!   `proxy_ssl_verify_depth` (both set the same `X509_VERIFY_PARAM` depth).
//!
//! Run it alone: `cargo test --test openssl_diff -- --nocapture`. Environment:
//! - `OPENSSL_DIFF_ONLY=a,b`: only the cases whose id contains one of these substrings, with
//!   details for every one of them (agreeing too);
//! - `OPENSSL_DIFF_KEEP=/some/dir`: keep each case's `leaf.pem`, `int.pem`, `ca.pem` there (one
//!   folder per case) to re-run the printed openssl command by hand.

// Native only: rcgen (ring) makes the corpus and the test runs openssl.
#![cfg(not(target_arch = "wasm32"))]

#[path = "openssl_diff/boring.rs"]
mod boring;
#[path = "openssl_diff/certs.rs"]
mod certs;
#[path = "openssl_diff/corpus.rs"]
mod corpus;
#[path = "openssl_diff/go_cases.rs"]
mod go_cases;
#[path = "openssl_diff/limbo.rs"]
mod limbo;
#[path = "openssl_diff/names.rs"]
mod names;
#[path = "openssl_diff/others.rs"]
mod others;
#[path = "openssl_diff/paths.rs"]
mod paths;
mod pki_fixtures;
#[path = "openssl_diff/roles.rs"]
mod roles;
#[path = "openssl_diff/run.rs"]
mod run;
#[path = "openssl_diff/subject.rs"]
mod subject;
mod support;

use istio_alb::pki::verify::Usage;
use pki_fixtures::ts;
use run::{Outcome, folder_name, run_all};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// Cases

/// The name both verifiers check the leaf against.
#[derive(Debug, Clone)]
enum PeerName {
    /// `-verify_hostname`.
    Dns(String),
    /// `-verify_ip`.
    Ip(String),
    /// `-verify_hostname` with any text, IP literals included: NGINX's `proxy_ssl_name` check.
    NginxHost(String),
}

impl PeerName {
    fn text(&self) -> &str {
        match self {
            PeerName::Dns(s) | PeerName::Ip(s) | PeerName::NginxHost(s) => s,
        }
    }
}

struct Case {
    id: String,
    /// One line on what the chain is.
    what: String,
    leaf: String,
    untrusted: Vec<String>,
    trusted: Vec<String>,
    name: Option<PeerName>,
    usage: Usage,
    at: i64,
    depth: Option<usize>,
}

const HOST: &str = "gw.example.com";
const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

/// The validation time of the generated cases: 2026-01-01T00:00:00Z.
fn at() -> i64 {
    ts(2026, 1, 1)
}

impl Case {
    /// A server case for [`HOST`] at [`at`], without a depth limit.
    fn new(
        id: String,
        what: impl Into<String>,
        leaf: &str,
        untrusted: &[&str],
        trusted: &[&str],
    ) -> Case {
        Case {
            id,
            what: what.into(),
            leaf: leaf.to_owned(),
            untrusted: untrusted.iter().map(|s| (*s).to_owned()).collect(),
            trusted: trusted.iter().map(|s| (*s).to_owned()).collect(),
            name: Some(PeerName::Dns(HOST.to_owned())),
            usage: Usage::Server,
            at: at(),
            depth: None,
        }
    }
    /// The role; a client certificate is checked without a name (NGINX's `ssl_verify_client`
    /// checks none).
    fn usage(mut self, usage: Usage) -> Case {
        self.usage = usage;
        if usage == Usage::Client {
            self.name = None;
        }
        self
    }
    fn name(mut self, name: Option<PeerName>) -> Case {
        self.name = name;
        self
    }
    fn at(mut self, t: i64) -> Case {
        self.at = t;
        self
    }
    fn depth(mut self, d: usize) -> Case {
        self.depth = Some(d);
        self
    }
    /// The row of the agreement table: `gen::<family>` or `limbo::<prefix>`.
    fn source(&self) -> String {
        match self.id.strip_prefix("gen::") {
            Some(rest) => format!("gen::{}", rest.split("::").next().unwrap_or(rest)),
            None => format!("limbo::{}", self.id.split("::").next().unwrap_or(&self.id)),
        }
    }
}

fn usage_label(u: Usage) -> &'static str {
    match u {
        Usage::Server => "server",
        Usage::Client => "client",
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "accept" } else { "refuse" }
}

// ---------------------------------------------------------------------------------------------
// The test

#[derive(Default, Clone, Copy)]
struct Row {
    ran: usize,
    agree: usize,
    stricter_listed: usize,
    stricter_unlisted: usize,
    defects: usize,
    skipped: usize,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn detail(kind: &str, case: &Case, o: &Outcome, folder: &Path) -> String {
    let mut s = format!("{kind} {}\n    chain:   {}\n", case.id, case.what);
    s.push_str(&format!(
        "    usage {}, at {}, name {}, depth {}\n",
        usage_label(case.usage),
        case.at,
        case.name
            .as_ref()
            .map_or("-".to_owned(), |n| format!("{n:?}")),
        case.depth.map_or("-".to_owned(), |d| d.to_string())
    ));
    s.push_str(&format!("    openssl: {}", verdict(o.openssl)));
    for l in &o.openssl_said {
        s.push_str(&format!("\n             {l}"));
    }
    s.push_str(&format!("\n    ours:    {}", verdict(o.ours)));
    for f in &o.findings {
        s.push_str(&format!("\n             {f}"));
    }
    s.push_str(&format!(
        "\n    re-run:  (cd {} && {})\n",
        folder.display(),
        o.command
    ));
    s
}

#[test]
fn openssl_and_our_verifier_agree() {
    if !support::has_program("openssl", "version") {
        support::missing(support::Need::Tool, "openssl is not installed");
        return;
    }
    let started = Instant::now();
    let version = Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let only: Vec<String> = std::env::var("OPENSSL_DIFF_ONLY")
        .ok()
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let selected = |id: &str| only.is_empty() || only.iter().any(|o| id.contains(o.as_str()));

    let differences: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/openssl-differences.json"
        ))
        .expect("tests/openssl-differences.json"),
    )
    .expect("differences JSON");
    let mut problems: Vec<String> = Vec::new();
    for (id, d) in &differences {
        let fields = (d["openssl"].as_str(), d["ours"].as_str());
        if fields != (Some("accept"), Some("refuse")) {
            problems.push(format!(
                "{id}: only differences where OpenSSL accepts and we refuse may be listed \
                 (listed: openssl {:?}, ours {:?}); accepting what OpenSSL refuses is a defect to fix",
                fields.0, fields.1
            ));
        }
        if d["reason"].as_str().is_none_or(|r| r.trim().len() <= 20) {
            problems.push(format!("{id}: a listed difference needs a written reason"));
        }
    }

    // Cases: x509-limbo, then the generated corpus.
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut notes: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped_by_source: BTreeMap<String, usize> = BTreeMap::new();
    let mut cases: Vec<Case> = Vec::new();
    let now = now();
    match std::fs::read_to_string(limbo::limbo_path()) {
        Ok(text) => {
            let limbo: Value = serde_json::from_str(&text).expect("limbo JSON");
            let (c, s) = limbo::limbo_cases(&limbo, now, &mut skipped, &mut notes);
            cases.extend(c);
            skipped_by_source = s;
        }
        Err(_) => support::missing(
            support::Need::Shared,
            &format!(
                "{} is absent (the generated corpus still runs)",
                limbo::limbo_path().display()
            ),
        ),
    }
    let limbo_ran = !cases.is_empty();
    let generated = corpus::corpus(now);
    let generated_count = generated.len();
    cases.extend(generated);
    let generated_in = started.elapsed();
    {
        let mut seen = std::collections::HashSet::new();
        for c in &cases {
            assert!(seen.insert(c.id.clone()), "duplicate case id {}", c.id);
        }
    }
    assert!(
        generated_count >= 500,
        "the generated corpus has {generated_count} cases, fewer than 500"
    );
    cases.retain(|c| selected(&c.id));

    let keep = std::env::var("OPENSSL_DIFF_KEEP").ok().map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("tempdir");
    let folder_root = keep.clone().unwrap_or_else(|| tmp.path().to_owned());
    let outcomes = run_all(&cases, &folder_root);

    let mut table: BTreeMap<String, Row> = BTreeMap::new();
    for (src, n) in &skipped_by_source {
        table.entry(src.clone()).or_default().skipped += n;
    }
    let (mut defects, mut unlisted, mut listed_seen, mut verbose) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut ran_ids = std::collections::HashSet::new();
    for (i, (case, o)) in cases.iter().zip(&outcomes).enumerate() {
        ran_ids.insert(case.id.as_str());
        let row = table.entry(case.source()).or_default();
        row.ran += 1;
        let folder = folder_root.join(format!("{i:04}-{}", folder_name(&case.id)));
        let listed = differences.get(&case.id);
        match (o.openssl, o.ours) {
            (a, b) if a == b => {
                row.agree += 1;
                if listed.is_some() {
                    problems.push(format!(
                        "{}: listed in openssl-differences.json but both now {}; remove it",
                        case.id,
                        verdict(a)
                    ));
                }
                if !only.is_empty() {
                    verbose.push(detail("AGREE", case, o, &folder));
                }
            }
            (false, true) => {
                row.defects += 1;
                defects.push(detail(
                    "DEFECT (we accept, OpenSSL refuses)",
                    case,
                    o,
                    &folder,
                ));
            }
            (true, false) => match listed {
                Some(_) => {
                    row.stricter_listed += 1;
                    listed_seen.push(case.id.clone());
                    if !only.is_empty() {
                        verbose.push(detail("STRICTER (listed)", case, o, &folder));
                    }
                }
                None => {
                    row.stricter_unlisted += 1;
                    unlisted.push(detail(
                        "STRICTER, NOT LISTED (we refuse, OpenSSL accepts)",
                        case,
                        o,
                        &folder,
                    ));
                }
            },
            _ => unreachable!("the first arm takes equal verdicts"),
        }
    }
    if only.is_empty() {
        for id in differences.keys() {
            // Without ../shared the limbo entries cannot run; that is not their fault.
            let could_run = limbo_ran || id.starts_with("gen::");
            if could_run && !ran_ids.contains(id.as_str()) {
                problems.push(format!(
                    "{id}: listed in openssl-differences.json but no such case ran"
                ));
            }
        }
    }

    // Go on every case, BoringSSL on the client cases.
    let listed: std::collections::HashSet<String> = differences.keys().cloned().collect();
    let reports: Vec<(others::Other, others::Report)> = others::Other::ALL
        .into_iter()
        .map(|other| {
            let r = others::compare(
                other,
                &cases,
                &outcomes,
                only.is_empty() && limbo_ran,
                &listed,
            );
            (other, r)
        })
        .collect();

    println!(
        "Verifier differential ({version}; Go as above; BoringSSL of the boring crate 5.4), {} \
         cases: per verifier, \
         cases where we agree, where we are stricter (listed), stricter and not listed, and \
         where we accept what it refuses (DEFECT)",
        cases.len()
    );
    let header = |name: &str| {
        format!(
            "{name:<9} {:>5} {:>9} {:>8} {:>6}",
            "agree", "stricter", "unlisted", "DEFECT"
        )
    };
    println!(
        "{:<20} {:>4} {:>5} | {} | {} | {:>4} {}",
        "source",
        "ran",
        "skip",
        header("OpenSSL"),
        header("Go"),
        "ran",
        header("BoringSSL")
    );
    let other_row = |other: others::Other, src: Option<&str>| -> others::Counts {
        let r = &reports.iter().find(|(o, _)| *o == other).expect("report").1;
        match src {
            Some(s) => r.rows.get(s).copied().unwrap_or_default(),
            None => r.rows.values().fold(others::Counts::default(), |mut t, c| {
                t.ran += c.ran;
                t.agree += c.agree;
                t.stricter += c.stricter;
                t.unlisted += c.unlisted;
                t.defects += c.defects;
                t
            }),
        }
    };
    let cols = |name: &str, agree: usize, stricter: usize, unlisted: usize, defects: usize| {
        format!("{name:<9} {agree:>5} {stricter:>9} {unlisted:>8} {defects:>6}")
    };
    let mut total = Row::default();
    let print_row = |src: &str, r: &Row, key: Option<&str>| {
        let (g, b) = (
            other_row(others::Other::Go, key),
            other_row(others::Other::BoringSsl, key),
        );
        println!(
            "{src:<20} {:>4} {:>5} | {} | {} | {:>4} {}",
            r.ran,
            r.skipped,
            cols(
                "",
                r.agree,
                r.stricter_listed,
                r.stricter_unlisted,
                r.defects
            ),
            cols("", g.agree, g.stricter, g.unlisted, g.defects),
            b.ran,
            cols("", b.agree, b.stricter, b.unlisted, b.defects),
        );
    };
    for (src, r) in &table {
        print_row(src, r, Some(src));
        total.ran += r.ran;
        total.agree += r.agree;
        total.stricter_listed += r.stricter_listed;
        total.stricter_unlisted += r.stricter_unlisted;
        total.defects += r.defects;
        total.skipped += r.skipped;
    }
    print_row("total", &total, None);
    for (why, n) in &skipped {
        println!("skipped {n}: {why}");
    }
    for (why, n) in &notes {
        println!("note {n}: {why}");
    }
    println!(
        "generated {generated_count} cases in {:.1} s; everything took {:.1} s",
        generated_in.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    if keep.is_none() {
        println!(
            "(set OPENSSL_DIFF_KEEP=/some/dir to keep the case folders for the re-run commands)"
        );
    }
    for d in verbose.iter().chain(&unlisted).chain(&defects) {
        println!("\n{d}");
    }
    for (other, r) in &reports {
        for (class, n) in &r.by_class {
            println!("{} listed stricter, class {class}: {n}", other.label());
        }
        for d in &r.details {
            println!("\n{d}");
        }
        problems.extend(r.problems.iter().cloned());
    }
    problems.extend(
        defects
            .iter()
            .map(|d| d.lines().next().unwrap_or_default().to_owned()),
    );
    problems.extend(
        unlisted
            .iter()
            .map(|d| d.lines().next().unwrap_or_default().to_owned()),
    );
    assert!(
        problems.is_empty(),
        "{} problem(s) (details above with --nocapture):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
