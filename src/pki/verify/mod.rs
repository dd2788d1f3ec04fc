//! Chain building and verification. rustls-webpki decides ([`decide`]); a walk of the issuer
//! names explains *why* a chain failed, link by link ([`explain`]); the ALB's own rules on top of
//! RFC 5280 add their verdicts ([`policy`]). The result carries findings and a chain picture.

mod boringssl;
mod constraints;
mod decide;
mod explain;
mod go;
mod openssl;
mod policy;
mod rules;

pub(crate) use policy::is_dst_root_x3;
use rules::{
    Effect, accepted_chain_rules, anchor_rules, built_chain_rule, name_rule, per_certificate_rules,
    refusing,
};

use super::cert::{self, Cert, CertSummary};
use super::chain::{ChainView, UnusedCa, pick_leaf};
use super::crypto::Crypto;
use crate::finding::{Code, Finding, Severity, Subject};
use crate::inputs::CertInput;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The role the leaf certificate plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// TLS server (EKU serverAuth): the gateway certificate the ALB connects to.
    Server,
    /// TLS client (EKU clientAuth): the certificate the ALB presents to the gateway.
    Client,
}

/// The verifier a chain meets in production, whose refusals `check` must not call valid.
/// OpenSSL's rules apply to every chain (the NGINX ALB verifies with it, and every bundle's
/// `preflight.sh` checks both chains with `openssl verify`); the other two add their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verifier {
    /// OpenSSL only: the gateway chain as an NGINX ALB verifies it.
    #[default]
    OpenSsl,
    /// Go's crypto/x509 as well: the gateway chain as a Traefik ALB verifies it
    /// (`x509.Certificate.Verify` through crypto/tls).
    Go,
    /// BoringSSL as well: the ALB's client chain as the Istio gateway (Envoy) verifies it
    /// (`X509_verify_cert` with the `ssl_client` purpose).
    BoringSsl,
}

impl Verifier {
    /// The verifier in words, for findings.
    pub fn name(self) -> &'static str {
        match self {
            Verifier::OpenSsl => "OpenSSL",
            Verifier::Go => "Go's crypto/x509 (Traefik)",
            Verifier::BoringSsl => "BoringSSL (Envoy, the gateway)",
        }
    }
}

/// What to verify besides the certificates.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Host name or IP the leaf must cover (as typed: IDNA and `[v6]` are handled).
    pub name: Option<String>,
    /// The EKU the leaf needs; `None` means [`Usage::Server`].
    pub usage: Option<Usage>,
    /// Unix seconds.
    pub at: i64,
    /// Maximum number of intermediates between leaf and anchor (x509-limbo's max chain depth).
    pub max_intermediates: Option<usize>,
    /// Require the digitalSignature key usage bit on the leaf when it has a key usage extension.
    pub require_digital_signature: bool,
    /// Whose rules apply besides OpenSSL's.
    pub verifier: Verifier,
}

/// The outcome of one chain verification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainResult {
    /// The path verdict: webpki found a path to a supplied anchor, valid at `at`, with the right
    /// EKU; the name (if any) is covered; and the anchor is not expired and the leaf key is not
    /// weak or obsolete (the ALB's OpenSSL rejects both). Warnings (expiring soon) do not
    /// change it; x509-limbo compares against this.
    pub path_valid: bool,
    pub findings: Vec<Finding>,
    /// Leaf first, then issuers; the anchor last when one was reached.
    pub chain: Vec<Cert>,
    pub view: ChainView,
}

/// Findings without repeats (same code and message), in the order first seen.
#[derive(Default)]
struct Unique {
    seen: HashSet<(Code, String)>,
    list: Vec<Finding>,
}

impl Unique {
    fn push(&mut self, f: Finding) {
        if self.seen.insert((f.code, f.message.clone())) {
            self.list.push(f);
        }
    }
}

/// Verify `leaf` against `roots`, using any of `pool` as intermediates. Never panics.
pub fn verify_chain(
    leaf: &Cert,
    pool: &[Cert],
    roots: &[Cert],
    opts: &VerifyOptions,
    crypto: &dyn Crypto,
) -> ChainResult {
    let trust = roots.first().map(|r| r.input.clone());
    verify_chain_trusting(leaf, pool, roots, opts, trust.as_ref(), crypto)
}

/// [`verify_chain`], where the verifier's trust comes from the input `trust` whatever input the
/// `roots` were pasted into: a chain that needs another CA says so on `trust`, naming that CA.
/// `check` names the input each chain's trust comes from ("CA the ALB trusts" for the gateway
/// chain, never the client CA: issue 27); a caller that verifies against CAs from another input
/// gets the finding on `trust` all the same.
pub fn verify_chain_trusting(
    leaf: &Cert,
    pool: &[Cert],
    roots: &[Cert],
    opts: &VerifyOptions,
    trust: Option<&Subject>,
    crypto: &dyn Crypto,
) -> ChainResult {
    let usage = opts.usage.unwrap_or(Usage::Server);
    let mut findings = Unique::default();
    let (given_pool, trusted) = (pool, roots);

    // OpenSSL, as NGINX and Envoy call it (no partial chains), trusts only self-signed roots:
    // an intermediate among the trusted CAs is just another intermediate.
    let (anchors, trusted_intermediates): (Vec<Cert>, Vec<Cert>) = roots
        .iter()
        .cloned()
        .partition(|c| c.summary.is_self_signed);
    let pool: Vec<Cert> = pool.iter().chain(&trusted_intermediates).cloned().collect();
    let (pool, roots) = (pool.as_slice(), anchors.as_slice());
    for f in policy::no_root_findings(roots, &trusted_intermediates) {
        findings.push(f);
    }

    let decision = decide::decide(leaf, pool, roots, opts, crypto);
    for f in &decision.findings {
        findings.push(f.clone());
    }
    let mut needs: Option<String> = None;
    let (chain, problems, anchored) = match &decision.path {
        Ok(path) => {
            let mut chain = vec![leaf.clone()];
            chain.extend(path.iter().cloned());
            let n = chain.len().saturating_sub(1);
            (chain, vec![None; n], true)
        }
        // The explaining walk re-checks signatures, so it only runs when there is something
        // to explain.
        Err(e) => {
            let walked = explain::walk(leaf, pool, roots, opts.at, crypto);
            let failure = Failure {
                walked: &walked,
                error: e,
                decision: &decision,
                trusted,
                trust,
                leaf_alone: given_pool.is_empty(),
            };
            explain_failure(&failure, leaf, usage, opts.at, &mut findings);
            needs = walked.needs.clone();
            (walked.chain, walked.problems, walked.anchored)
        }
    };

    let accepted = decision.path.is_ok();
    let anchor = (anchored && chain.len() > 1)
        .then(|| chain.last())
        .flatten();
    let ruled: Vec<(Finding, Effect)> = [
        refusing(name_rule(leaf, opts)),
        refusing(policy::leaf_key_usage_findings(
            leaf,
            opts.require_digital_signature,
        )),
        refusing(built_chain_rule(
            leaf, given_pool, trusted, &chain, opts, accepted, crypto,
        )),
        refusing(accepted_chain_rules(
            &chain, given_pool, usage, opts, accepted,
        )),
        refusing(anchor.map_or_else(Vec::new, |a| anchor_rules(a, &chain, opts.at))),
        refusing(policy::leaf_key_finding(leaf)),
        per_certificate_rules(&chain, anchor.is_some(), opts.at),
    ]
    .concat();
    // The path is valid when webpki found one and no rule refused it.
    let path_valid = accepted && ruled.iter().all(|(_, e)| *e == Effect::Advises);
    for (f, _) in ruled {
        findings.push(f);
    }

    let problems: Vec<Option<String>> = problems.into_iter().map(|p| p.map(|(_, m)| m)).collect();
    let mut view = ChainView::of(&chain, &problems, anchored, path_valid, opts.at);
    view.unused = unused_cas(trusted, &chain, anchored, needs.as_deref(), opts.at);
    ChainResult {
        path_valid,
        findings: findings.list,
        chain,
        view,
    }
}

/// What Go's crypto/x509 (a Traefik ALB) refuses in a gateway chain that OpenSSL's rules
/// accepted: `result` of [`verify_chain`] with [`Verifier::OpenSsl`], `sent` the certificates
/// given with the leaf. Empty when the chain was refused anyway. For `check`, which verifies the
/// gateway chain once and lets the plan add these where the ALB is Traefik.
pub fn go_findings(result: &ChainResult, sent: &[Cert]) -> Vec<Finding> {
    if !result.path_valid {
        return Vec::new();
    }
    go::findings(&result.chain, sent)
}

/// Why webpki refused a chain: the explaining walk, webpki's own reason, and the CAs given as
/// trusted (as the user gave them, before intermediates among them were moved to the pool).
struct Failure<'a> {
    walked: &'a explain::Walk,
    error: &'a webpki::Error,
    decision: &'a decide::Decision,
    trusted: &'a [Cert],
    /// The input the verifier's trust comes from ([`verify_chain_trusting`]).
    trust: Option<&'a Subject>,
    /// The leaf was given without any other certificate.
    leaf_alone: bool,
}

/// Findings that say why webpki refused the chain: each broken link, where the walk stopped,
/// expired certificates on the way, the leaf's EKU; failing all that, webpki's own reason.
fn explain_failure(
    failure: &Failure<'_>,
    leaf: &Cert,
    usage: Usage,
    at: i64,
    findings: &mut Unique,
) {
    let Failure {
        walked,
        error,
        decision,
        trusted,
        trust,
        leaf_alone,
    } = failure;
    let before = findings.list.len();
    for (i, p) in walked.problems.iter().enumerate() {
        if let Some((code, msg)) = p {
            let input = walked.chain.get(i).map(|c| c.input.clone());
            findings.push(Finding::error(*code, msg.clone(), input));
        }
    }
    if let Some((code, msg)) = &walked.end {
        findings.push(
            wrong_ca_finding(walked, trusted, *trust, *leaf_alone).unwrap_or_else(|| {
                // A chain that stops at a CA of the trusted ones misses that CA's issuer where
                // the trust comes from.
                let input = walked.chain.last().map(|c| match trust {
                    Some(t) if trusted.iter().any(|r| r.der == c.der) => (*t).clone(),
                    Some(_) | None => c.input.clone(),
                });
                Finding::error(*code, msg.clone(), input)
            }),
        );
    }
    let n = walked.chain.len();
    for (i, c) in walked.chain.iter().enumerate() {
        let is_anchor = walked.anchored && n > 1 && i + 1 == n;
        if !is_anchor {
            for f in cert::validity_findings(c, at) {
                if f.severity == Severity::Error {
                    findings.push(f);
                }
            }
        }
    }
    if let Some(f) = policy::eku_finding(leaf, usage) {
        findings.push(f);
    }
    if findings.list.len() == before {
        findings.push(match &decision.leaf_unreadable {
            Some(pe) => Finding::error(
                Code::PemMalformed,
                format!(
                    "The certificate {} cannot be parsed as an end-entity certificate ({pe})",
                    leaf.label()
                ),
                Some(leaf.input.clone()),
            ),
            None => explain::webpki_error_finding(error, leaf, usage),
        });
    }
}

/// The walk stopped before a trusted CA, and the CA input is the likely cause: the finding goes
/// on that input and names the CA the chain needs. That is so when the walk stopped at a CA the
/// user gave with the leaf (an intermediate, or the root the chain ends at: the certificates are
/// complete), and when the leaf was given alone and was not issued by a public intermediate
/// (Let's Encrypt leaves come with theirs; a private CA usually issues the leaf directly). Its
/// message depends only on the input and that CA, so two chains needing the same CA from the
/// same input give one finding (one cause, one finding).
fn wrong_ca_finding(
    walked: &explain::Walk,
    trusted: &[Cert],
    trust: Option<&Subject>,
    leaf_alone: bool,
) -> Option<Finding> {
    let needs = walked.needs.as_deref()?;
    let top = walked.chain.last()?;
    let held_in = &trusted.first()?.input;
    let ca_input = trust.unwrap_or(held_in);
    // A CA that came from the CA input is that input's own problem (`policy::no_root_findings`).
    if trusted.iter().any(|t| t.der == top.der) {
        return None;
    }
    let complete = top.summary.is_ca || top.summary.is_self_signed;
    let private_leaf = leaf_alone && walked.chain.len() == 1 && !top.from_lets_encrypt();
    if !complete && !private_leaf {
        return None;
    }
    let held: Vec<String> = trusted
        .iter()
        .map(|c| format!("\"{}\"", c.summary.name))
        .collect();
    let code = if top.summary.is_self_signed && top.summary.is_ca {
        Code::ChainUntrusted
    } else {
        Code::ChainIncomplete
    };
    let or_intermediate = if private_leaf {
        format!(
            " If \"{needs}\" is an intermediate CA, paste it after the leaf in {} instead",
            top.input.label()
        )
    } else {
        String::new()
    };
    let held = if held.len() == 1 {
        format!("only {}", held[0])
    } else {
        held.join(", ")
    };
    let message = if ca_input == held_in {
        format!(
            "{} does not hold the CA that issued the certificates: they need \"{needs}\", and \
             this field holds {held}. Paste the certificate of \"{needs}\" here, or have the \
             certificates issued by a CA listed here.{or_intermediate}",
            ca_input.label(),
        )
    } else {
        // The trusted CAs stood in for an empty input: the fix is that input, not theirs.
        let why_not = if *held_in == Subject::Cert(CertInput::ClientCa) {
            ": the gateway would accept every client certificate issued under a CA there"
        } else {
            ""
        };
        format!(
            "{trust} is empty, so the check used {held_in}, which holds {held}: the \
             certificates need \"{needs}\". Paste the certificate of \"{needs}\" into {trust}, \
             not into {held_in}{why_not}.{or_intermediate}",
            trust = ca_input.label(),
            held_in = held_in.label(),
        )
    };
    Some(Finding::error(code, message, Some(ca_input.clone())))
}

/// A CA given as trusted that is not in the chain, and why it was not used: for the chain
/// picture, which draws every pasted CA.
fn unused_cas(
    trusted: &[Cert],
    chain: &[Cert],
    anchored: bool,
    needs: Option<&str>,
    at: i64,
) -> Vec<UnusedCa> {
    let anchor = if anchored && chain.len() > 1 {
        chain.last()
    } else {
        None
    };
    trusted
        .iter()
        .filter(|c| !chain.iter().any(|in_chain| in_chain.der == c.der))
        .map(|c| {
            let s = &c.summary;
            let mut why = match (anchor, needs) {
                (Some(a), _) => format!("not needed: the chain ends at \"{}\"", a.summary.name),
                (None, Some(needed)) if needed == s.subject => {
                    "has the name the chain needs, but its key did not sign it".to_owned()
                }
                (None, Some(needed)) => {
                    format!("did not issue this chain, which needs \"{needed}\"")
                }
                (None, None) => "did not issue any certificate of this chain".to_owned(),
            };
            if !s.is_self_signed {
                why.push_str("; it is an intermediate, and the ALB trusts only self-signed roots");
            }
            if s.expired_at(at) {
                why.push_str(&format!("; it expired on {}", s.not_after_rfc3339));
            } else if s.not_yet_valid_at(at) {
                why.push_str(&format!(
                    "; it is not valid before {}",
                    s.not_before_rfc3339
                ));
            }
            UnusedCa {
                subject: s.subject.clone(),
                name: s.name.clone(),
                input: c.input.name().to_owned(),
                why,
            }
        })
        .collect()
}

/// One PEM input by name, for [`verify_pem`].
#[derive(Debug, Clone, Copy)]
pub struct PemInput<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The `istio-alb verify` result; its JSON is the CLI's `--format json` output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// The chain verified, the name matched and no error-level finding (weak key, expired anchor).
    pub valid: bool,
    pub findings: Vec<Finding>,
    /// Leaf first, anchor last (when reached).
    pub chain: Vec<CertSummary>,
    /// The RFC 5280 verdict alone (see [`ChainResult::path_valid`]).
    #[serde(skip)]
    pub path_valid: bool,
    /// `false` when the leaf or the roots could not be read at all (CLI exit 2).
    #[serde(skip)]
    pub usable: bool,
}

/// Verify a leaf (optionally followed by intermediates in the same input), more intermediates
/// and trusted roots, all as PEM text. The code path of `istio-alb verify` and the limbo test.
pub fn verify_pem(
    leaf: PemInput<'_>,
    intermediates: Option<PemInput<'_>>,
    roots: PemInput<'_>,
    opts: &VerifyOptions,
    crypto: &dyn Crypto,
) -> VerifyReport {
    let mut findings = Vec::new();
    let (leaf_certs, errs) = cert::parse_certs(leaf.name, leaf.text, opts.at);
    findings.extend(errs.iter().map(|e| e.to_finding()));
    let mut pool = Vec::new();
    if let Some(i) = intermediates {
        let (certs, errs) = cert::parse_certs(i.name, i.text, opts.at);
        findings.extend(errs.iter().map(|e| e.to_finding()));
        pool.extend(certs);
    }
    let (root_certs, errs) = cert::parse_certs(roots.name, roots.text, opts.at);
    findings.extend(errs.iter().map(|e| e.to_finding()));

    let Some(li) = pick_leaf(&leaf_certs) else {
        if leaf.text.trim().is_empty() {
            findings.push(Finding::error(
                Code::PemMalformed,
                format!("{}: no certificate given", leaf.name),
                Some(Subject::from(leaf.name)),
            ));
        }
        return VerifyReport {
            valid: false,
            findings,
            chain: Vec::new(),
            path_valid: false,
            usable: false,
        };
    };
    if root_certs.is_empty() {
        findings.push(Finding::error(
            Code::ChainUntrusted,
            format!("{}: no trusted CA certificate could be read", roots.name),
            Some(Subject::from(roots.name)),
        ));
        return VerifyReport {
            valid: false,
            findings,
            chain: vec![leaf_certs[li].summary.clone()],
            path_valid: false,
            usable: false,
        };
    }
    for (j, c) in leaf_certs.iter().enumerate() {
        if j != li {
            pool.push(c.clone());
        }
    }
    let r = verify_chain(&leaf_certs[li], &pool, &root_certs, opts, crypto);
    findings.extend(r.findings);
    let findings = crate::finding::cap_repeats(findings, crate::finding::MAX_FINDINGS_OF_A_KIND);
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    VerifyReport {
        valid: r.path_valid && !has_error,
        findings,
        chain: r.chain.into_iter().map(|c| c.summary).collect(),
        path_valid: r.path_valid,
        usable: true,
    }
}
