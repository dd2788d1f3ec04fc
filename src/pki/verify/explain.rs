//! Why a chain failed, link by link: a simple walk of the issuer names from the leaf to a
//! supplied root that re-checks each signature and CA rule, so the message can say which
//! certificate is wrong and what to do. Runs only when webpki refused the chain.

use super::Usage;
use super::policy::eku_requirement;
use crate::finding::{Code, Finding};
use crate::pki::algorithms::{self, LinkSignatureError};
use crate::pki::cert::Cert;
use crate::pki::crypto::Crypto;
use crate::pki::facts::{self, KeyKind, SignatureStrength};
use crate::pki::x509::Ext;
use oid_registry::Oid;

/// A broken link or a dead end: the finding code and the message.
pub(super) type Problem = (Code, String);

/// The parts of a certificate a link check needs, read from its one decoding.
struct Parsed<'a> {
    tbs: &'a [u8],
    sig_alg: &'a [u8],
    sig_alg_oid: &'a Oid<'static>,
    signature: &'a [u8],
    spki_alg: &'a [u8],
    public_key: &'a [u8],
    subject: &'a [u8],
    issuer: &'a [u8],
    ski: Option<&'a [u8]>,
    aki: Option<&'a [u8]>,
    key_cert_sign: Option<bool>,
}

/// `None` when the signed part cannot be found (no signature can be checked).
fn parse(c: &Cert) -> Option<Parsed<'_>> {
    let p = &c.parsed;
    let mut ski = None;
    let mut aki = None;
    for ext in &p.extensions {
        match &ext.parsed {
            Ext::SubjectKeyId(k) => ski = Some(k.as_slice()),
            Ext::AuthorityKeyId { key_id, .. } => aki = key_id.as_deref(),
            _ => {}
        }
    }
    Some(Parsed {
        tbs: p.tbs.as_deref()?,
        sig_alg: p.signature_algorithm_der.as_deref()?,
        sig_alg_oid: &p.signature_algorithm,
        signature: &p.signature,
        spki_alg: &p.key.algorithm_der,
        public_key: &p.key.key,
        subject: &p.subject.raw,
        issuer: &p.issuer.raw,
        ski,
        aki,
        key_cert_sign: p.key_usage().map(|ku| ku.key_cert_sign()),
    })
}

/// What is wrong with one link (a certificate and the one that should have issued it).
fn link_problem(
    child: &Cert,
    child_p: &Parsed<'_>,
    issuer: &Cert,
    issuer_p: &Parsed<'_>,
    issuer_is_anchor: bool,
    below: usize,
    crypto: &dyn Crypto,
) -> Option<Problem> {
    let sig = algorithms::verify_with(
        crypto,
        issuer_p.spki_alg,
        issuer_p.public_key,
        child_p.sig_alg,
        child_p.tbs,
        child_p.signature,
    );
    match sig {
        Ok(()) => {}
        Err(LinkSignatureError::UnsupportedAlgorithm) => {
            if facts::signature_algorithm(child_p.sig_alg_oid).1 == SignatureStrength::Weak {
                return Some((
                    Code::WeakSignature,
                    format!(
                        "The certificate {} is signed with {}, which TLS clients no longer accept. Have it \
                         reissued with a SHA-256 (or stronger) signature",
                        child.label(),
                        child.summary.signature_algorithm
                    ),
                ));
            }
            return Some((
                Code::SignatureInvalid,
                format!(
                    "The certificate {} is signed with {}, which is not supported. Use RSA (PKCS#1 v1.5 or \
                     PSS) with SHA-256/384/512, ECDSA P-256/P-384 or Ed25519",
                    child.label(),
                    child.summary.signature_algorithm
                ),
            ));
        }
        Err(LinkSignatureError::KeyDoesNotFitAlgorithm) | Err(LinkSignatureError::Invalid) => {
            if matches!(issuer.summary.key_type, KeyKind::Rsa { bits } if bits < 2048) {
                return Some((
                    Code::WeakKey,
                    format!(
                        "The certificate {} is signed by {} whose {} key is too weak to be trusted (RSA keys \
                         need at least 2048 bits). Replace that CA",
                        child.label(),
                        issuer.label(),
                        issuer.summary.key_type
                    ),
                ));
            }
            return Some((
                Code::SignatureInvalid,
                format!(
                    "the signature on {} does not verify with the key of {}, although the \
                     issuer name matches: it was issued by a different CA with the same name \
                     (e.g. a re-created CA). Paste the CA that really issued it",
                    child.label(),
                    issuer.label()
                ),
            ));
        }
    }
    if !issuer_is_anchor {
        if !issuer.summary.is_ca {
            return Some((
                Code::NotACa,
                format!(
                    "The certificate {} is not a CA certificate (no basicConstraints CA:TRUE), so it cannot \
                     issue {}. Use the real intermediate/CA certificate",
                    issuer.label(),
                    child.label()
                ),
            ));
        }
        if issuer_p.key_cert_sign == Some(false) {
            return Some((
                Code::NotACa,
                format!(
                    "The certificate {} has a key usage without keyCertSign, so it may not issue {}",
                    issuer.label(),
                    child.label()
                ),
            ));
        }
        if let Some(n) = issuer.summary.path_len
            && below > n as usize
        {
            return Some((
                Code::NotACa,
                format!(
                    "The certificate {} allows at most {n} intermediate CA(s) below it (pathLenConstraint), \
                     but the chain has {below}",
                    issuer.label()
                ),
            ));
        }
    }
    None
}

/// Signature checks one explaining walk may spend (webpki has its own budget for the
/// verdict). Every input holds at most 64 certificates, and a real chain needs a handful; the
/// budget only stops a paste made to stall the page.
const SIGNATURE_BUDGET: usize = 64;

/// A candidate issuer: the certificate, whether it is a trusted root, and its parsed parts.
type Candidate<'a> = (&'a Cert, bool, Parsed<'a>);

/// The issuer of `child` among `candidates`: same name, preferring a matching key identifier,
/// then a verifying signature, then current validity.
fn find_issuer<'c>(
    child_p: &Parsed<'_>,
    candidates: &'c [Candidate<'c>],
    at: i64,
    exclude: &[Vec<u8>],
    budget: &mut usize,
    crypto: &dyn Crypto,
) -> Option<&'c Candidate<'c>> {
    let mut best: Option<(i32, &'c Candidate<'c>)> = None;
    for cand in candidates {
        let p = &cand.2;
        if p.subject != child_p.issuer || exclude.contains(&cand.0.der) {
            continue;
        }
        let mut score = 0;
        if let (Some(a), Some(s)) = (&child_p.aki, &p.ski) {
            score += if a == s { 4 } else { -4 };
        }
        if *budget > 0 && {
            *budget -= 1;
            algorithms::verify_with(
                crypto,
                p.spki_alg,
                p.public_key,
                child_p.sig_alg,
                child_p.tbs,
                child_p.signature,
            )
            .is_ok()
        } {
            score += 8;
        }
        if cand.0.summary.valid_at(at) {
            score += 2;
        }
        if cand.1 {
            score += 1;
        }
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c)
}

pub(super) struct Walk {
    pub chain: Vec<Cert>,
    /// Problem of each link (index i: chain[i] signed by chain[i+1]).
    pub problems: Vec<Option<Problem>>,
    /// `Some(code, message)` when the walk stopped before an anchor.
    pub end: Option<Problem>,
    /// When the walk stopped before an anchor: the subject of the CA that would complete the
    /// chain (the missing issuer, or the root the chain ends at), for findings on the CA input.
    pub needs: Option<String>,
    pub anchored: bool,
}

/// Follow issuer names from the leaf to a supplied root, recording what is wrong on the way.
pub(super) fn walk(
    leaf: &Cert,
    pool: &[Cert],
    roots: &[Cert],
    at: i64,
    crypto: &dyn Crypto,
) -> Walk {
    // Each candidate parsed once, not once per step.
    let candidates: Vec<Candidate> = roots
        .iter()
        .map(|c| (c, true))
        .chain(pool.iter().map(|c| (c, false)))
        .filter_map(|(c, root)| parse(c).map(|p| (c, root, p)))
        .collect();
    let mut budget = SIGNATURE_BUDGET;
    let mut w = Walk {
        chain: vec![leaf.clone()],
        problems: Vec::new(),
        end: None,
        needs: None,
        anchored: false,
    };
    if roots.iter().any(|r| r.der == leaf.der) {
        w.anchored = true;
        return w;
    }
    let mut seen = vec![leaf.der.clone()];
    for depth in 0..16 {
        let Some(cur) = w.chain.last().cloned() else {
            break;
        };
        let Some(cur_p) = parse(&cur) else { break };
        match find_issuer(&cur_p, &candidates, at, &seen, &mut budget, crypto) {
            Some((issuer, is_root, issuer_p)) => {
                let problem = link_problem(&cur, &cur_p, issuer, issuer_p, *is_root, depth, crypto);
                w.problems.push(problem);
                seen.push(issuer.der.clone());
                w.chain.push((*issuer).clone());
                if *is_root {
                    w.anchored = true;
                    return w;
                }
            }
            None => {
                let self_issued = cur_p.subject == cur_p.issuer;
                w.needs = Some(if self_issued {
                    cur.summary.subject.clone()
                } else {
                    cur.summary.issuer.clone()
                });
                w.end = Some(if self_issued {
                    (
                        Code::ChainUntrusted,
                        format!(
                            "the chain ends at the root {}, which is not among the trusted CA \
                             certificates you supplied. Add that root to the CA input, or get \
                             the certificate issued by the CA that is trusted",
                            cur.label()
                        ),
                    )
                } else if depth == 0 && roots.is_empty() {
                    (
                        Code::ChainUntrusted,
                        "no trusted CA certificate was supplied to check the chain against"
                            .to_owned(),
                    )
                } else {
                    (
                        Code::ChainIncomplete,
                        format!(
                            "the issuer of {} (\"{}\") is missing: neither the certificates \
                             pasted with it nor the trusted CAs contain it. Paste the \
                             intermediate certificates after the leaf, or put the CA that issued \
                             it into the CA field",
                            cur.label(),
                            cur.summary.issuer
                        ),
                    )
                });
                return w;
            }
        }
    }
    w
}

pub(super) fn webpki_error_finding(e: &webpki::Error, leaf: &Cert, usage: Usage) -> Finding {
    use webpki::Error as E;
    let input = Some(leaf.input.clone());
    match e {
        #[allow(deprecated)]
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) => {
            let (needed, code, _) = eku_requirement(usage);
            Finding::error(
                code,
                format!(
                    "a certificate in the chain of {} restricts its extended key usage without \
                     {needed}. Reissue it with extendedKeyUsage = {needed}",
                    leaf.label()
                ),
                input,
            )
        }
        E::CaUsedAsEndEntity => Finding::error(
            Code::ChainUntrusted,
            format!(
                "The certificate {} is a CA certificate (basicConstraints CA:TRUE) used as a server/client \
                 certificate. Use a certificate issued for the host, not the CA",
                leaf.label()
            ),
            input,
        ),
        E::NameConstraintViolation => Finding::error(
            Code::ChainUntrusted,
            format!(
                "a CA in the chain of {} has name constraints that do not allow its names",
                leaf.label()
            ),
            input,
        ),
        E::PathLenConstraintViolated => Finding::error(
            Code::NotACa,
            format!(
                "a CA in the chain of {} allows fewer intermediates below it (pathLenConstraint) \
                 than the chain has",
                leaf.label()
            ),
            input,
        ),
        E::UnknownIssuer => Finding::error(
            Code::ChainUntrusted,
            format!(
                "no valid path from {} to a trusted CA was found",
                leaf.label()
            ),
            input,
        ),
        other => Finding::error(
            Code::ChainUntrusted,
            format!(
                "the chain of {} is not valid: {other}. Check the certificates were issued \
                 for this use by a standard CA",
                leaf.label()
            ),
            input,
        ),
    }
}
