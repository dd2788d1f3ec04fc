//! The whole setup checked at once: every certificate input of the procedure, each chain
//! against the CA that will verify it, each key against its certificate. The page, the CLI and
//! the plan call this; names (which depend on the settings) are checked by [`host_findings`].

use super::cert::{self, Cert};
use super::chain::{ChainView, LinkRole, pick_leaf};
use super::crypto::Crypto;
use super::gateway_root::gateway_root;
use super::key::{self, PrivateKey};
use super::names;
use super::pem;
use super::public_ca;
use super::verify::{self, Usage, Verifier, VerifyOptions};
use crate::finding::{Code, Finding, Severity, Subject};
use crate::inputs::{CertInput, CertInputs, InputKind};
use std::collections::HashSet;

pub use super::gateway_root::GatewayRoot;
/// Kept here too, where the CLI and the tests have always found it.
pub use crate::finding::MAX_FINDINGS_OF_A_KIND;

/// Everything the plan, the page and the CLI need from one check of the certificates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    /// Gateway certificate chain picture.
    pub nlb_chain: ChainView,
    /// ALB client certificate chain picture.
    pub alb_chain: ChainView,
    /// `proxy-ssl-verify-depth` the ALB needs to verify the gateway chain (at least 1).
    pub verify_depth: u32,
    /// Normalised PEM per input, for the secrets: a leaf first, then intermediates in issuing
    /// order; keys re-encoded; LF line endings, no text around the blocks. Empty when the input
    /// was empty or unusable.
    pub pems: CertInputs,
    /// The gateway leaf, for name checks against the settings.
    pub nlb_leaf: Option<Cert>,
    /// The inputs that held anything but white space.
    pub given: Vec<CertInput>,
    /// What Go's crypto/x509 refuses in a gateway chain OpenSSL's rules accepted: the plan adds
    /// these where the ALB is Traefik (issue 24), so the certificates are verified once for
    /// both ALBs.
    pub nlb_go_findings: Vec<Finding>,
    /// The certificates of each certificate input, decoded once for every check above and for
    /// the page's cards (an input not given holds none). Each certificate once: a block pasted
    /// twice is kept once (`cert-repeated`).
    pub certs: Vec<(CertInput, Vec<Cert>)>,
    /// The root the gateway chain ends at ([`gateway_root`]), which "CA the ALB trusts" asks
    /// for; `None` before a gateway certificate is pasted.
    pub gateway_root: Option<GatewayRoot>,
}

impl CheckReport {
    /// The certificates read from one input, in the order pasted.
    pub fn certs_of(&self, input: CertInput) -> &[Cert] {
        self.certs
            .iter()
            .find(|(i, _)| *i == input)
            .map_or(&[], |(_, c)| c.as_slice())
    }
}

/// Check every certificate input together at `at` (Unix seconds). Never panics.
///
/// Empty inputs give one `input-missing` info finding each and skip the checks that need them;
/// everything else is checked and every problem reported (no stop at the first).
pub fn check(inputs: &CertInputs, at: i64, crypto: &dyn Crypto) -> CheckReport {
    let mut findings: Vec<Finding> = Vec::new();

    for input in CertInput::ALL.into_iter().filter(|i| i.required()) {
        if !inputs.given(input) {
            findings.push(Finding::info(
                Code::InputMissing,
                format!("Not given yet: paste {}", input.what()),
                Some(input.into()),
            ));
        }
    }

    let certs_of = |input: CertInput, findings: &mut Vec<Finding>| {
        let (certs, errors) = cert::parse_certs(input, &inputs[input], at);
        findings.extend(errors.iter().map(|e| e.to_finding()));
        drop_repeats(certs, findings)
    };
    let key_of = |input: CertInput, findings: &mut Vec<Finding>| {
        let (k, errors) = key::read_private_key(input, &inputs[input], crypto);
        findings.extend(errors.iter().map(|e| e.to_finding()));
        k
    };
    let nlb_certs = certs_of(CertInput::NlbCert, &mut findings);
    let nlb_key = key_of(CertInput::NlbKey, &mut findings);
    let alb_certs = certs_of(CertInput::AlbClientCert, &mut findings);
    let alb_key = key_of(CertInput::AlbClientKey, &mut findings);
    let client_ca = certs_of(CertInput::ClientCa, &mut findings);
    let client_ca_key = key_of(CertInput::ClientCaKey, &mut findings);
    // The CA's own key, when given, must be the key of the client CA (the first certificate of
    // that input: the one renew.sh issues from).
    if let (Some(k), Some(ca)) = (&client_ca_key, client_ca.first()) {
        findings.extend(key::key_pair_findings(k, ca));
    }
    // The gateway lets in every client certificate issued under the client CA: a public root
    // there lets in anyone (issue 27).
    findings.extend(public_ca::client_ca_findings(&client_ca, crypto));
    // The ALB trusts its own CA for the gateway certificate: the client CA is a private CA
    // of the user's, which does not issue the gateway's certificate, so nothing stands in for
    // an empty "CA the ALB trusts" (issue 27). Its note names the root the chain needs.
    let gateway_ca = if inputs.given(CertInput::GatewayCa) {
        certs_of(CertInput::GatewayCa, &mut findings)
    } else {
        Vec::new()
    };
    let needed_root = gateway_root(&nlb_certs);
    if let Some(root) = &needed_root
        && let Some(f) = findings
            .iter_mut()
            .find(|f| f.code == Code::InputMissing && f.is_about(CertInput::GatewayCa))
    {
        f.message = crate::finding::sentence(format!(
            "Not given yet: paste {}, the root the gateway certificate's chain ends at",
            root.name
        ));
    }

    for ca in client_ca.iter().chain(&gateway_ca) {
        if !ca.summary.is_ca {
            findings.push(Finding::warning(
                Code::NotACa,
                format!(
                    "The certificate {} is not a CA certificate (no basicConstraints CA:TRUE). \
                     Paste the CA that issued the certificates, not a server or client \
                     certificate",
                    ca.label()
                ),
                Some(ca.input.clone()),
            ));
        }
    }

    // Each chain's findings about a missing CA go on the input its verifier's trust comes
    // from: the gateway chain's on "CA the ALB trusts" (a root pasted into the client CA would
    // let clients in; issue 27).
    let nlb = check_role(
        &nlb_certs,
        nlb_key.as_ref(),
        (&gateway_ca, CertInput::GatewayCa),
        Usage::Server,
        at,
        &mut findings,
        crypto,
    );
    let alb = check_role(
        &alb_certs,
        alb_key.as_ref(),
        (&client_ca, CertInput::ClientCa),
        Usage::Client,
        at,
        &mut findings,
        crypto,
    );

    findings.extend(empty_inputs(
        inputs,
        &findings,
        [
            (CertInput::NlbCert, !nlb_certs.is_empty()),
            (CertInput::NlbKey, nlb_key.is_some()),
            (CertInput::AlbClientCert, !alb_certs.is_empty()),
            (CertInput::AlbClientKey, alb_key.is_some()),
            (CertInput::ClientCa, !client_ca.is_empty()),
            (CertInput::ClientCaKey, client_ca_key.is_some()),
            (CertInput::GatewayCa, !gateway_ca.is_empty()),
        ],
    ));
    let in_chains: Vec<&Cert> = nlb.chain.iter().chain(&alb.chain).collect();
    findings.extend(ca_validity_findings(
        client_ca.iter().chain(&gateway_ca),
        &in_chains,
        nlb.view.trusted && alb.view.trusted,
        at,
    ));
    dedupe(&mut findings);
    let findings = crate::finding::cap_repeats(findings, MAX_FINDINGS_OF_A_KIND);

    let ca_pem = |certs: &[Cert]| {
        certs
            .iter()
            .map(|c| pem::encode("CERTIFICATE", &c.der))
            .collect::<String>()
    };
    let key_pem = |k: Option<PrivateKey>| k.map(|k| k.to_pem()).unwrap_or_default();
    let mut pems = CertInputs::default();
    let (nlb_key_pem, alb_key_pem, ca_key_pem) =
        (key_pem(nlb_key), key_pem(alb_key), key_pem(client_ca_key));
    for input in CertInput::ALL {
        pems[input] = match input {
            CertInput::NlbCert => nlb.chain_pem.clone(),
            CertInput::NlbKey => nlb_key_pem.clone(),
            CertInput::AlbClientCert => alb.chain_pem.clone(),
            CertInput::AlbClientKey => alb_key_pem.clone(),
            CertInput::ClientCa => ca_pem(&client_ca),
            CertInput::ClientCaKey => ca_key_pem.clone(),
            CertInput::GatewayCa => ca_pem(&gateway_ca),
        };
    }
    let certs = vec![
        (CertInput::NlbCert, nlb_certs),
        (CertInput::AlbClientCert, alb_certs),
        (CertInput::ClientCa, client_ca),
        (CertInput::GatewayCa, gateway_ca),
    ];
    CheckReport {
        findings,
        certs,
        gateway_root: needed_root,
        verify_depth: nlb.depth,
        nlb_chain: nlb.view,
        alb_chain: alb.view,
        pems,
        nlb_leaf: nlb.leaf,
        nlb_go_findings: nlb.go_findings,
        given: CertInput::ALL
            .into_iter()
            .filter(|&i| inputs.given(i))
            .collect(),
    }
}

/// One copy of each certificate of an input, in the order pasted: a block that repeats an
/// earlier one (same DER) gets a `cert-repeated` warning and is left out, so the chain, the
/// bundle and the page's cards all hold the same single copy.
fn drop_repeats(certs: Vec<Cert>, findings: &mut Vec<Finding>) -> Vec<Cert> {
    let mut kept: Vec<Cert> = Vec::with_capacity(certs.len());
    for c in certs {
        match kept.iter().find(|k| k.der == c.der) {
            Some(first) => findings.push(Finding::warning(
                Code::CertRepeated,
                format!(
                    "Block {} of {} repeats block {} (\"{}\"): the bundle keeps one copy",
                    c.block,
                    c.input.label(),
                    first.block,
                    first.summary.name
                ),
                Some(c.input.clone()),
            )),
            None => kept.push(c),
        }
    }
    kept
}

/// A given input that yielded nothing usable and no error saying why (e.g. only an `EC
/// PARAMETERS` block): without this the check of its chain would silently be skipped.
fn empty_inputs<const N: usize>(
    inputs: &CertInputs,
    findings: &[Finding],
    read: [(CertInput, bool); N],
) -> Vec<Finding> {
    read.into_iter()
        .filter(|&(input, found)| {
            !found
                && inputs.given(input)
                && !findings
                    .iter()
                    .any(|f| f.severity == Severity::Error && f.is_about(input))
        })
        .map(|(input, _)| {
            let wanted = match input.kind() {
                InputKind::PrivateKey => "private key",
                InputKind::Chain | InputKind::TrustedCas => "certificate",
            };
            Finding::error(
                Code::PemWrongType,
                format!(
                    "{} holds no {wanted}: nothing in it is a {} block. Paste {}",
                    input.label(),
                    wanted.to_ascii_uppercase(),
                    input.what()
                ),
                Some(input.into()),
            )
        })
        .collect()
}

/// Every certificate of the CA inputs checked for validity, not only the ones a chain reached:
/// an expired root (DST Root CA X3 above all) is named even when the chain does not get to it.
/// Certificates on either chain were judged there already (`trust-anchor-expired`,
/// `cert-expired`).
fn ca_validity_findings<'a>(
    cas: impl Iterator<Item = &'a Cert>,
    in_chains: &[&Cert],
    chains_trusted: bool,
    at: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for ca in cas {
        if in_chains.iter().any(|a| a.der == ca.der) {
            continue;
        }
        let s = &ca.summary;
        if s.valid_at(at) {
            continue;
        }
        let dst = verify::is_dst_root_x3(ca);
        let message = if dst {
            format!(
                "The trusted CA {} is DST Root CA X3, which expired on 2021-09-30: the procedure's \
                 trustid-x3-root.pem cannot be trusted any more. Let's Encrypt chains end at ISRG \
                 Root X1: put ISRG Root X1 here instead",
                ca.label()
            )
        } else if s.expired_at(at) {
            format!(
                "The trusted CA {} expired on {}: remove it from the trusted CAs, or replace it \
                 with the CA's renewed root",
                ca.label(),
                s.not_after_rfc3339
            )
        } else {
            format!(
                "The trusted CA {} is not valid before {}: it cannot be trusted yet",
                ca.label(),
                s.not_before_rfc3339
            )
        };
        let code = if s.expired_at(at) {
            Code::TrustAnchorExpired
        } else {
            Code::TrustAnchorNotYetValid
        };
        // Unused and harmless while the chains are trusted through another root; the likely
        // cause when they are not (and DST Root CA X3 is always a mistake here).
        out.push(if dst || !chains_trusted {
            Finding::error(code, message, Some(ca.input.clone()))
        } else {
            Finding::warning(code, message, Some(ca.input.clone()))
        });
    }
    out
}

/// Drop repeated findings (same code and message), keeping the first of each.
pub(crate) fn dedupe(findings: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    findings.retain(|f| seen.insert((f.code, f.message.clone())));
}

/// Whether the gateway leaf covers each host the ALB and clients use, each typed into a
/// settings field: a `name-mismatch` finding on that field otherwise, listing the names the
/// certificate covers (the value is what the user can correct right away). A value that is not
/// a host name at all is the field's validation's to report, not this check's.
///
/// `verified_as` (empty: nothing) says which name the ALB verifies the gateway as, for a miss
/// that offers no near name (a typo's fix needs no more words than it has); it is part of the
/// message as the finding is made, never added to a finished one.
pub fn host_findings(
    report: &CheckReport,
    hosts: &[(Subject, &str)],
    verified_as: &str,
) -> Vec<Finding> {
    let Some(leaf) = &report.nlb_leaf else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (subject, typed) in hosts {
        let Ok(host) = names::parse_host(typed) else {
            continue;
        };
        if let Some(miss) = names::miss_for_field(leaf, subject.label(), &host) {
            out.push(match miss.suggestion {
                Some(name) => {
                    Finding::error(Code::NameMismatch, miss.message, Some(subject.clone()))
                        .suggesting(name)
                }
                None if verified_as.is_empty() => {
                    Finding::error(Code::NameMismatch, miss.message, Some(subject.clone()))
                }
                None => Finding::error(
                    Code::NameMismatch,
                    format!("{}. {verified_as}.", miss.message.trim_end_matches('.')),
                    Some(subject.clone()),
                ),
            });
        }
    }
    out
}

struct RoleResult {
    view: ChainView,
    /// The chain as verified or walked (leaf first, the anchor last when reached).
    chain: Vec<Cert>,
    chain_pem: String,
    depth: u32,
    leaf: Option<Cert>,
    /// [`verify::go_findings`] of a server chain (empty for a client chain).
    go_findings: Vec<Finding>,
}

/// One certificate role (gateway server certificate or ALB client certificate): chain to the
/// CAs of `trust`, the input the verifier's trust comes from, and key match. Findings are
/// appended.
fn check_role(
    certs: &[Cert],
    key: Option<&PrivateKey>,
    (cas, trust): (&[Cert], CertInput),
    usage: Usage,
    at: i64,
    findings: &mut Vec<Finding>,
    crypto: &dyn Crypto,
) -> RoleResult {
    let Some(leaf) = pick_leaf(certs).and_then(|i| certs.get(i)) else {
        return RoleResult {
            view: ChainView::default(),
            chain: Vec::new(),
            chain_pem: String::new(),
            depth: 1,
            leaf: None,
            go_findings: Vec::new(),
        };
    };
    let pool: Vec<Cert> = certs
        .iter()
        .filter(|c| !std::ptr::eq(*c, leaf))
        .cloned()
        .collect();

    if let Some(k) = key {
        findings.extend(key::key_pair_findings(k, leaf));
    }

    let mut go_findings = Vec::new();
    let (chain, view) = if cas.is_empty() {
        // Without a CA only the certificates themselves can be checked.
        for c in certs {
            findings.extend(cert::validity_findings(c, at));
        }
        let mut chain = vec![leaf.clone()];
        chain.extend(pool.iter().cloned());
        (chain, ChainView::default())
    } else {
        let r = verify::verify_chain_trusting(
            leaf,
            &pool,
            cas,
            &VerifyOptions {
                name: None,
                usage: Some(usage),
                at,
                max_intermediates: None,
                require_digital_signature: false,
                verifier: match usage {
                    Usage::Server => Verifier::OpenSsl,
                    Usage::Client => Verifier::BoringSsl,
                },
            },
            Some(&trust.into()),
            crypto,
        );
        if usage == Usage::Server {
            go_findings = verify::go_findings(&r, &pool);
        }
        findings.extend(r.findings);
        (r.chain, r.view)
    };

    // The secret holds the leaf and the intermediates, not the trust anchor.
    let anchored = view
        .links
        .last()
        .is_some_and(|l| l.role == LinkRole::Anchor);
    let in_secret: Vec<&Cert> = chain
        .iter()
        .take(if anchored {
            chain.len().saturating_sub(1)
        } else {
            chain.len()
        })
        .filter(|c| !(c.summary.is_self_signed && c.summary.is_ca))
        .collect();
    let intermediates = in_secret.len().saturating_sub(1);
    // proxy-ssl-verify-depth: certificates the ALB verifies above the leaf: the intermediates
    // plus the trust anchor (RFC-style depth as nginx/OpenSSL count it).
    let depth = u32::try_from(intermediates + 1).unwrap_or(u32::MAX).max(1);
    let chain_pem = in_secret
        .iter()
        .map(|c| pem::encode("CERTIFICATE", &c.der))
        .collect();
    RoleResult {
        view,
        chain,
        chain_pem,
        depth,
        leaf: Some(leaf.clone()),
        go_findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One check decodes each certificate once, whatever the checks that read it (the chain
    /// walks, the OpenSSL, BoringSSL and Go rules, the key match, the cards).
    #[test]
    fn a_check_parses_each_certificate_once() {
        let demo = crate::demo::cert_inputs();
        let mut broken = demo.clone();
        // Chains that fail (explained link by link) and a CA input holding a leaf.
        broken[CertInput::ClientCa] = demo[CertInput::NlbCert].clone();
        broken[CertInput::NlbCert] = format!(
            "{}{}",
            demo[CertInput::AlbClientCert],
            demo[CertInput::NlbCert]
        );
        let mut no_gateway_ca = demo.clone();
        no_gateway_ca[CertInput::GatewayCa] = String::new();
        let cases = [
            ("demo", demo),
            ("broken", broken),
            ("no gateway CA", no_gateway_ca),
        ];
        for (name, inputs) in cases {
            let blocks: usize = CertInput::ALL
                .into_iter()
                .filter(|&i| i.kind() != InputKind::PrivateKey)
                .map(|i| inputs[i].matches("-----BEGIN CERTIFICATE-----").count())
                .sum();
            let before = crate::pki::x509::parses();
            let report = check(&inputs, 1_800_000_000, &crate::pki::rustcrypto::RustCrypto);
            let parsed = crate::pki::x509::parses() - before;
            let read: usize = report.certs.iter().map(|(_, c)| c.len()).sum();
            let repeated = report
                .findings
                .iter()
                .filter(|f| f.code == Code::CertRepeated)
                .count();
            assert_eq!(read + repeated, blocks, "{name}: certificates read");
            assert_eq!(parsed, blocks, "{name}: DER parses");
        }
    }
}
