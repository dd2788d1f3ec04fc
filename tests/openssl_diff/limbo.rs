//! x509-limbo cases as differential cases, and the ones skipped with their reasons.

use super::{Case, PeerName};
use istio_alb::pki::verify::Usage;
use istio_alb::rfc3339::parse as parse_rfc3339;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub fn limbo_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/x509-limbo/limbo.json")
}

fn joined_pems(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Limbo cases as [`Case`]s, and the skipped ones counted by reason and prefix.
pub fn limbo_cases(
    limbo: &Value,
    now: i64,
    skipped: &mut BTreeMap<String, usize>,
    notes: &mut BTreeMap<String, usize>,
) -> (Vec<Case>, BTreeMap<String, usize>) {
    let mut out = Vec::new();
    let mut skipped_by_source: BTreeMap<String, usize> = BTreeMap::new();
    for c in limbo["testcases"].as_array().expect("testcases") {
        let id = c["id"].as_str().expect("id").to_owned();
        let source = format!("limbo::{}", id.split("::").next().unwrap_or(&id));
        let mut skip = |why: &str| {
            *skipped.entry(why.to_owned()).or_default() += 1;
            *skipped_by_source.entry(source.clone()).or_default() += 1;
        };
        let features: Vec<&str> = c["features"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if features.contains(&"has-crl") || c["crls"].as_array().is_some_and(|a| !a.is_empty()) {
            skip(
                "limbo: needs CRLs (NGINX's proxy_ssl_verify here loads none; OpenSSL would need -crl_check)",
            );
            continue;
        }
        // A client certificate is verified without a name, by the gateway (Envoy, and NGINX's
        // ssl_verify_client) as by the product: limbo's client cases run without their peer
        // names (all e-mail addresses).
        let client = c["validation_kind"].as_str() == Some("CLIENT");
        let other_names = !client
            && c["expected_peer_names"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|n| !matches!(n["kind"].as_str(), Some("DNS" | "IP")))
            });
        let name = match c["expected_peer_name"]["kind"].as_str().filter(|_| !client) {
            Some("DNS") => c["expected_peer_name"]["value"]
                .as_str()
                .map(|s| PeerName::Dns(s.to_owned())),
            Some("IP") => c["expected_peer_name"]["value"]
                .as_str()
                .map(|s| PeerName::Ip(s.to_owned())),
            Some(_) => {
                skip("limbo: peer name other than DNS/IP (RFC822): we check DNS and IP names only");
                continue;
            }
            None => None,
        };
        if other_names {
            skip("limbo: peer name other than DNS/IP (RFC822): we check DNS and IP names only");
            continue;
        }
        let usage = match c["validation_kind"].as_str() {
            Some("SERVER") => Usage::Server,
            Some("CLIENT") => Usage::Client,
            _ => {
                skip("limbo: unknown validation kind");
                continue;
            }
        };
        let kus: Vec<&str> = c["key_usage"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !kus.is_empty() {
            // OpenSSL's -purpose cannot ask for digitalSignature alone (sslserver accepts any of
            // digitalSignature, keyEncipherment, keyAgreement); the product never asks for it
            // either (require_digital_signature: false). Both run without it.
            *notes
                .entry("limbo: ran without its key_usage requirement (digitalSignature), which neither OpenSSL's -purpose nor the product expresses".to_owned())
                .or_default() += 1;
        }
        let at = match c["validation_time"].as_str() {
            Some(t) => parse_rfc3339(t).expect("limbo validation_time"),
            None => now,
        };
        let what = c["description"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let what: String = what.chars().take(220).collect();
        out.push(Case {
            id,
            what,
            leaf: c["peer_certificate"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            untrusted: joined_pems(&c["untrusted_intermediates"]),
            trusted: joined_pems(&c["trusted_certs"]),
            name,
            usage,
            at,
            depth: c["max_chain_depth"].as_u64().map(|d| d as usize),
        });
    }
    (out, skipped_by_source)
}
