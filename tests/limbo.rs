//! x509-limbo conformance: every applicable case of `../shared/x509-limbo/limbo.json` goes through
//! `verify_pem`, the code path of `istio-alb verify`. Deliberate differences live in
//! `tests/limbo-exceptions.json`, each with its reason; any other difference fails the test, and
//! so does an exception that no longer happens. Also checks the key ↔ certificate match on every
//! `peer_certificate_key`.

// Native only: the test reads ../shared/x509-limbo.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use istio_alb::pki::cert::parse_certs;
use istio_alb::pki::facts::{Curve, KeyKind};
use istio_alb::pki::key::{key_pair_findings, read_private_key};
use istio_alb::pki::verify::{PemInput, Usage, Verifier, VerifyOptions, verify_pem};
use istio_alb::rfc3339::parse as parse_rfc3339;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ops::AddAssign;
use std::path::PathBuf;

fn shared(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/x509-limbo")
        .join(file)
}

fn load(file: &str) -> Option<Value> {
    let path = shared(file);
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(serde_json::from_str(&s).expect("valid JSON")),
        Err(_) => {
            support::missing(
                support::Need::Shared,
                &format!("{} is absent", path.display()),
            );
            None
        }
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn joined(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

enum Outcome {
    Skip(&'static str),
    Ran(bool),
}

fn run_case(c: &Value) -> Outcome {
    let features: Vec<&str> = c["features"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if features.contains(&"has-crl") || c["crls"].as_array().is_some_and(|a| !a.is_empty()) {
        return Outcome::Skip("CRLs are not checked (the ALB/Istio setup does not use them)");
    }
    let other_names = c["expected_peer_names"].as_array().is_some_and(|a| {
        a.iter()
            .any(|n| !matches!(n["kind"].as_str(), Some("DNS" | "IP")))
    });
    if other_names {
        return Outcome::Skip("only DNS and IP peer names are supported");
    }
    let name = match c["expected_peer_name"]["kind"].as_str() {
        Some("DNS") | Some("IP") => c["expected_peer_name"]["value"].as_str().map(str::to_owned),
        Some(_) => return Outcome::Skip("only DNS and IP peer names are supported"),
        None => None,
    };
    let usage = match c["validation_kind"].as_str() {
        Some("SERVER") => Usage::Server,
        Some("CLIENT") => Usage::Client,
        _ => return Outcome::Skip("unknown validation kind"),
    };
    let at = match c["validation_time"].as_str() {
        Some(t) => parse_rfc3339(t).expect("limbo validation_time"),
        None => now(),
    };
    let kus: Vec<&str> = c["key_usage"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if kus.iter().any(|k| *k != "digitalSignature") {
        return Outcome::Skip("only the digitalSignature key usage requirement is supported");
    }
    let opts = VerifyOptions {
        name,
        usage: Some(usage),
        at,
        max_intermediates: c["max_chain_depth"].as_u64().map(|d| d as usize),
        require_digital_signature: !kus.is_empty(),
        verifier: Verifier::OpenSsl,
    };
    let leaf = c["peer_certificate"].as_str().unwrap_or_default();
    let inter = joined(&c["untrusted_intermediates"]);
    let roots = joined(&c["trusted_certs"]);
    let report = verify_pem(
        PemInput {
            name: "peer",
            text: leaf,
        },
        Some(PemInput {
            name: "intermediates",
            text: &inter,
        }),
        PemInput {
            name: "trusted",
            text: &roots,
        },
        &opts,
        &istio_alb::pki::rustcrypto::RustCrypto,
    );
    Outcome::Ran(report.usable && report.path_valid)
}

#[test]
fn x509_limbo_conformance() {
    let Some(limbo) = load("limbo.json") else {
        return;
    };
    let exceptions: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/limbo-exceptions.json"
        ))
        .expect("exceptions file"),
    )
    .expect("exceptions JSON");
    for (id, e) in &exceptions {
        assert!(
            e["reason"].as_str().is_some_and(|r| r.len() > 10),
            "{id}: exception without reason"
        );
    }
    // prefix -> (match, mismatch, skip)
    let mut table: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut seen_exceptions = Vec::new();
    let mut skips: BTreeMap<&str, usize> = BTreeMap::new();
    for c in limbo["testcases"].as_array().expect("testcases") {
        let id = c["id"].as_str().expect("id");
        let prefix = id.split("::").next().unwrap_or(id).to_owned();
        let row = table.entry(prefix).or_default();
        let expected = c["expected_result"].as_str() == Some("SUCCESS");
        let outcome = std::panic::catch_unwind(|| run_case(c));
        let ok = match outcome {
            Ok(Outcome::Skip(why)) => {
                skips.entry(why).or_insert(0usize).add_assign(1);
                row.2 += 1;
                continue;
            }
            Ok(Outcome::Ran(ok)) => ok,
            Err(_) => {
                unexpected.push(format!("{id}: PANIC"));
                continue;
            }
        };
        let actual = if ok { "SUCCESS" } else { "FAILURE" };
        if ok == expected {
            row.0 += 1;
            if exceptions.contains_key(id) {
                unexpected.push(format!(
                    "{id}: listed as an exception but now matches ({actual})"
                ));
            }
        } else {
            row.1 += 1;
            match exceptions.get(id) {
                Some(e) if e["actual"].as_str() == Some(actual) => {
                    seen_exceptions.push(id.to_owned())
                }
                _ => unexpected.push(format!(
                    "{id}: expected {}, got {actual}",
                    c["expected_result"].as_str().unwrap_or("?")
                )),
            }
        }
    }
    let reference = load("reference-results-rustls-webpki.json");
    let mut ref_table: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    if let Some(r) = &reference {
        let expected: BTreeMap<&str, &str> = limbo["testcases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c["id"].as_str()?, c["expected_result"].as_str()?)))
            .collect();
        for res in r["results"].as_array().into_iter().flatten() {
            let id = res["id"].as_str().unwrap_or_default();
            let row = ref_table
                .entry(id.split("::").next().unwrap_or(id).to_owned())
                .or_default();
            match res["actual_result"].as_str() {
                Some("SKIPPED") => row.2 += 1,
                Some(a) if expected.get(id) == Some(&a) => row.0 += 1,
                Some(_) => row.1 += 1,
                None => {}
            }
        }
    }
    println!(
        "{:<14} {:>6} {:>9} {:>5}   reference (match/mismatch/skip)",
        "prefix", "match", "mismatch", "skip"
    );
    let mut totals = (0, 0, 0);
    let mut fewer = Vec::new();
    for (p, (m, mm, s)) in &table {
        let r = ref_table.get(p).copied().unwrap_or_default();
        println!("{p:<14} {m:>6} {mm:>9} {s:>5}   {}/{}/{}", r.0, r.1, r.2);
        totals = (totals.0 + m, totals.1 + mm, totals.2 + s);
        // Fewer matches than rustls-webpki alone only where a listed exception explains it
        // (where we follow OpenSSL, the ALB's verifier, rather than limbo's expectation).
        let listed = seen_exceptions
            .iter()
            .filter(|id| id.split("::").next() == Some(p.as_str()))
            .count();
        if reference.is_some() && m + listed < r.0 {
            fewer.push(format!(
                "{p}: {m} matches (+{listed} listed exceptions), fewer than the rustls-webpki \
                 reference's {}",
                r.0
            ));
        }
    }
    println!(
        "{:<14} {:>6} {:>9} {:>5}",
        "total", totals.0, totals.1, totals.2
    );
    println!("{} mismatches are listed exceptions", seen_exceptions.len());
    for (why, n) in &skips {
        println!("skipped {n}: {why}");
    }
    assert!(
        unexpected.is_empty(),
        "unexpected limbo results:\n{}",
        unexpected.join("\n")
    );
    assert!(fewer.is_empty(), "{}", fewer.join("\n"));
}

#[test]
fn x509_limbo_peer_keys_match_their_certificates() {
    let Some(limbo) = load("limbo.json") else {
        return;
    };
    let (mut matched, mut unsupported) = (0, 0);
    for c in limbo["testcases"].as_array().expect("testcases") {
        let Some(key_pem) = c["peer_certificate_key"].as_str() else {
            continue;
        };
        let id = c["id"].as_str().unwrap_or_default();
        let (certs, errs) = parse_certs(
            "peer",
            c["peer_certificate"].as_str().unwrap_or_default(),
            0,
        );
        assert!(errs.is_empty() && certs.len() == 1, "{id}: {errs:?}");
        // RSA keys are read within 2048-8192 bits only (`weak-key` below, before any
        // arithmetic): the reference's own count of 187 includes the weak-RSA case.
        let supported_type = match certs[0].summary.key_type {
            KeyKind::Ec(Curve::P256 | Curve::P384) | KeyKind::Ed25519 => true,
            KeyKind::Rsa { bits } => (2048..=8192).contains(&bits),
            _ => false,
        };
        let (key, key_errs) =
            read_private_key("peer_key", key_pem, &istio_alb::pki::rustcrypto::RustCrypto);
        match key {
            Some(k) => {
                assert!(
                    supported_type,
                    "{id}: read a key for a {} certificate",
                    certs[0].summary.key_type
                );
                let f = key_pair_findings(&k, &certs[0]);
                assert!(f.is_empty(), "{id}: {f:?}");
                matched += 1;
            }
            None => {
                assert!(
                    !supported_type,
                    "{id}: supported {} key not read: {key_errs:?}",
                    certs[0].summary.key_type
                );
                let codes: Vec<_> = key_errs.iter().map(|e| e.code()).collect();
                let want = match certs[0].summary.key_type {
                    KeyKind::Rsa { bits } if bits < 2048 => "weak-key",
                    _ => "key-unsupported",
                };
                assert_eq!(codes, vec![want], "{id}");
                unsupported += 1;
            }
        }
    }
    println!("peer_certificate_key: {matched} match their certificate, {unsupported} unsupported");
    assert!(matched > 0);
}
