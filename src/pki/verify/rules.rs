//! The rules an accepted path still has to meet, each a small function returning its findings;
//! [`super::verify_chain`] marks which ones refuse the path and derives the verdict from them.

use super::{Usage, Verifier, VerifyOptions, boringssl, decide, go, openssl, policy};
use crate::finding::{Code, Finding, Severity};
use crate::pki::cert::{self, Cert};
use crate::pki::crypto::Crypto;
use crate::pki::names;

/// What a finding does to the path verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    /// The production verifier refuses the chain for it.
    Refuses,
    /// Said, but the chain stands (a warning, a weak key above the leaf).
    Advises,
}

pub(super) fn refusing(findings: impl IntoIterator<Item = Finding>) -> Vec<(Finding, Effect)> {
    findings.into_iter().map(|f| (f, Effect::Refuses)).collect()
}

/// The leaf covers the host name the clients use, when one was given.
pub(super) fn name_rule(leaf: &Cert, opts: &VerifyOptions) -> Option<Finding> {
    let typed = opts.name.as_deref()?;
    let why = match names::parse_host(typed) {
        Ok(host) => names::check_host(leaf, &host).err()?,
        Err(e) => format!("{e}. Type the host name the clients use"),
    };
    Some(Finding::error(
        Code::NameMismatch,
        why,
        Some(leaf.input.clone()),
    ))
}

/// webpki searches every path; OpenSSL takes the first issuer it finds and does not go back
/// when that chain then fails. So the chain OpenSSL builds must pass on its own.
pub(super) fn built_chain_rule(
    leaf: &Cert,
    given_pool: &[Cert],
    trusted: &[Cert],
    chain: &[Cert],
    opts: &VerifyOptions,
    accepted: bool,
    crypto: &dyn Crypto,
) -> Option<Finding> {
    if !accepted {
        return None;
    }
    match openssl::built_chain(leaf, given_pool, trusted, opts.at) {
        Ok(built) => check_built(leaf, &built, chain, opts, crypto),
        Err(stuck) => {
            let top = stuck.last().unwrap_or(leaf);
            Some(Finding::error(
                Code::ChainIncomplete,
                format!(
                    "the ALB's OpenSSL builds the chain of {} from the first certificate it \
                     finds under each issuer name, and gets stuck at {}, whose issuer is \
                     neither trusted nor given (it does not go back to try the other \
                     certificates of that name). Remove the certificates that did not \
                     issue this chain",
                    leaf.label(),
                    top.label()
                ),
                Some(leaf.input.clone()),
            ))
        }
    }
}

/// A refused chain was explained link by link (keyCertSign included) by the walk; an accepted
/// one still meets OpenSSL's rules that webpki does not apply, and the chosen verifier's.
pub(super) fn accepted_chain_rules(
    chain: &[Cert],
    given_pool: &[Cert],
    usage: Usage,
    opts: &VerifyOptions,
    accepted: bool,
) -> Vec<Finding> {
    if !accepted {
        return Vec::new();
    }
    let mut out = policy::issuer_key_usage_findings(chain);
    out.extend(openssl::findings(chain, usage));
    out.extend(match opts.verifier {
        Verifier::OpenSsl => Vec::new(),
        Verifier::Go => go::findings(chain, given_pool),
        Verifier::BoringSsl => boringssl::findings(chain),
    });
    out
}

/// An expired trust anchor fails the chain (the ALB's OpenSSL rejects it although RFC 5280 path
/// validation does not look at it), and so does a path length the anchor forbids.
pub(super) fn anchor_rules(anchor: &Cert, chain: &[Cert], at: i64) -> Vec<Finding> {
    let mut out = policy::anchor_findings(anchor, at);
    out.extend(policy::anchor_path_len_finding(chain));
    out
}

/// Each certificate's validity window (but the anchor's) and key strength. A weak or obsolete
/// key refuses the chain on the leaf only (the ALB's OpenSSL rejects it there).
pub(super) fn per_certificate_rules(
    chain: &[Cert],
    anchored: bool,
    at: i64,
) -> Vec<(Finding, Effect)> {
    let mut out = Vec::new();
    for (i, c) in chain.iter().enumerate() {
        let is_anchor = anchored && i + 1 == chain.len();
        if !is_anchor {
            // On a refused chain the explanation judged validity already; on an accepted one
            // webpki's window (notAfter included) is a second wider than OpenSSL's.
            for f in cert::validity_findings(c, at) {
                let effect = match f.severity {
                    Severity::Error => Effect::Refuses,
                    Severity::Warning | Severity::Info => Effect::Advises,
                };
                out.push((f, effect));
            }
        }
        if let Some(f) = policy::weak_key_finding(c) {
            out.push((
                f,
                if i == 0 {
                    Effect::Refuses
                } else {
                    Effect::Advises
                },
            ));
        }
    }
    out
}

/// The chain OpenSSL built, when it is not the one webpki found, must pass on its own: OpenSSL
/// does not try another when it fails.
fn check_built(
    leaf: &Cert,
    built: &[Cert],
    found: &[Cert],
    opts: &VerifyOptions,
    crypto: &dyn Crypto,
) -> Option<Finding> {
    if built
        .iter()
        .map(|c| &c.der)
        .eq(found.iter().map(|c| &c.der))
    {
        return None;
    }
    let (anchor, middle) = built.get(1..)?.split_last()?;
    let e = decide::decide(leaf, middle, std::slice::from_ref(anchor), opts, crypto)
        .path
        .err()?;
    let via: Vec<String> = middle.iter().map(Cert::label).collect();
    Some(Finding::error(
        Code::ChainUntrusted,
        format!(
            "the ALB's OpenSSL builds the chain of {} through {}, the first certificates it \
             finds under the issuer names, and that chain fails ({e}); OpenSSL does not try \
             another. Remove the certificates that did not issue this chain",
            leaf.label(),
            if via.is_empty() {
                anchor.label()
            } else {
                via.join(", ")
            }
        ),
        Some(leaf.input.clone()),
    ))
}
