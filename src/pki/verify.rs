//! Chain building and verification. rustls-webpki decides (path building from an unordered
//! pool, signatures with our RustCrypto algorithms, validity, CA constraints and path length, key
//! usage, EKU for the role, name constraints, names); x509-parser and a simple walk of the
//! issuer names then explain *why* a chain failed, link by link, in plain words.

use super::algorithms::{self, LinkSignatureError};
use super::cert::{self, Cert, CertSummary};
use super::finding::{Finding, Severity};
use super::names;
use super::setup::{ChainLink, ChainView, LinkRole};
use rustls_pki_types::{CertificateDer, UnixTime};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use x509_parser::prelude::*;

/// The role the leaf certificate plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// TLS server (EKU serverAuth): the gateway certificate the ALB connects to.
    Server,
    /// TLS client (EKU clientAuth): the certificate the ALB presents to the gateway.
    Client,
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

/// Index of the leaf among certificates pasted into one input: the first that issued none of
/// the others and is not a CA; failing that, the first that issued none of the others.
pub fn pick_leaf(certs: &[Cert]) -> Option<usize> {
    let issued_other = |i: usize| {
        certs.iter().enumerate().any(|(j, c)| {
            j != i
                && c.summary.issuer == certs[i].summary.subject
                && c.summary.subject != c.summary.issuer
        })
    };
    (0..certs.len())
        .find(|&i| !issued_other(i) && !certs[i].summary.is_ca)
        .or_else(|| (0..certs.len()).find(|&i| !issued_other(i)))
        .or(if certs.is_empty() { None } else { Some(0) })
}

fn unix_time(at: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(at).unwrap_or(0)))
}

/// The parts of a certificate a link check needs (owned: x509-parser's borrow ends here).
struct Parsed {
    tbs: Vec<u8>,
    sig_alg: Vec<u8>,
    sig_alg_oid: String,
    signature: Vec<u8>,
    spki_alg: Vec<u8>,
    public_key: Vec<u8>,
    subject: Vec<u8>,
    issuer: Vec<u8>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    key_cert_sign: Option<bool>,
}

/// The DER of an AlgorithmIdentifier's contents (OID + parameters), as webpki compares them.
fn alg_contents(raw: &[u8]) -> Vec<u8> {
    // raw is the whole SEQUENCE; strip tag and length.
    match raw.get(1) {
        Some(&l) if l < 0x80 => raw.get(2..).unwrap_or_default().to_vec(),
        Some(&l) => raw
            .get(2 + usize::from(l & 0x7f)..)
            .unwrap_or_default()
            .to_vec(),
        None => Vec::new(),
    }
}

fn parse(der: &[u8]) -> Option<Parsed> {
    let (_, c) = X509Certificate::from_der(der).ok()?;
    let mut ski = None;
    let mut aki = None;
    for ext in c.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = a.key_identifier.as_ref().map(|k| k.0.to_vec());
            }
            _ => {}
        }
    }
    let key_cert_sign = match c.key_usage() {
        Ok(Some(ku)) => Some(ku.value.key_cert_sign()),
        _ => None,
    };
    // Raw encodings of the two AlgorithmIdentifiers, found by re-reading the outer structure.
    let (tbs, sig_alg_raw, spki_alg_raw) = raw_algs(der)?;
    Some(Parsed {
        tbs: tbs.to_vec(),
        sig_alg: alg_contents(sig_alg_raw),
        sig_alg_oid: c.signature_algorithm.algorithm.to_id_string(),
        signature: c.signature_value.data.to_vec(),
        spki_alg: alg_contents(spki_alg_raw),
        public_key: c.public_key().subject_public_key.data.to_vec(),
        subject: c.subject().as_raw().to_vec(),
        issuer: c.issuer().as_raw().to_vec(),
        ski,
        aki,
        key_cert_sign,
    })
}

/// A DER TLV split as (tag, contents, whole TLV, what follows).
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

fn tlv(d: &[u8]) -> Option<Tlv<'_>> {
    let tag = *d.first()?;
    let l0 = *d.get(1)?;
    let (len, hdr) = if l0 < 0x80 {
        (usize::from(l0), 2)
    } else {
        let n = usize::from(l0 & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*d.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    let whole = d.get(..end)?;
    Some((tag, d.get(hdr..end)?, whole, d.get(end..)?))
}

/// The raw TBSCertificate (what is signed), signatureAlgorithm and
/// subjectPublicKeyInfo.algorithm of a certificate.
fn raw_algs(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (_, cert, _, _) = tlv(der)?;
    let (_, tbs, tbs_whole, rest) = tlv(cert)?;
    let (_, _, sig_alg, _) = tlv(rest)?;
    // TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, ...
    let mut fields = tbs;
    let (tag, _, _, r) = tlv(fields)?;
    if tag == 0xa0 {
        fields = r;
    }
    for _ in 0..5 {
        let (_, _, _, r) = tlv(fields)?;
        fields = r;
    }
    let (_, spki, _, _) = tlv(fields)?;
    let (_, _, spki_alg, _) = tlv(spki)?;
    Some((tbs_whole, sig_alg, spki_alg))
}

/// What is wrong with one link (a certificate and the one that should have issued it).
fn link_problem(
    child: &Cert,
    child_p: &Parsed,
    issuer: &Cert,
    issuer_p: &Parsed,
    issuer_is_anchor: bool,
    below: usize,
) -> Option<(&'static str, String)> {
    let sig = algorithms::verify_with(
        &issuer_p.spki_alg,
        &issuer_p.public_key,
        &child_p.sig_alg,
        &child_p.tbs,
        &child_p.signature,
    );
    match sig {
        Ok(()) => {}
        Err(LinkSignatureError::UnsupportedAlgorithm) => {
            if cert::is_weak_signature(&child_p.sig_alg_oid) {
                return Some((
                    "weak-signature",
                    format!(
                        "{} is signed with {}, which TLS clients no longer accept. Have it \
                         reissued with a SHA-256 (or stronger) signature",
                        child.label(),
                        child.summary.signature_algorithm
                    ),
                ));
            }
            return Some((
                "signature-invalid",
                format!(
                    "{} is signed with {}, which is not supported. Use RSA (PKCS#1 v1.5 or \
                     PSS) with SHA-256/384/512, ECDSA P-256/P-384 or Ed25519",
                    child.label(),
                    child.summary.signature_algorithm
                ),
            ));
        }
        Err(LinkSignatureError::KeyDoesNotFitAlgorithm) | Err(LinkSignatureError::Invalid) => {
            if issuer.summary.key_type.starts_with("RSA ") && issuer.summary.key_bits < 2048 {
                return Some((
                    "weak-key",
                    format!(
                        "{} is signed by {} whose {} key is too weak to be trusted (RSA keys \
                         need at least 2048 bits). Replace that CA",
                        child.label(),
                        issuer.label(),
                        issuer.summary.key_type
                    ),
                ));
            }
            return Some((
                "signature-invalid",
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
                "not-a-ca",
                format!(
                    "{} is not a CA certificate (no basicConstraints CA:TRUE), so it cannot \
                     issue {}. Use the real intermediate/CA certificate",
                    issuer.label(),
                    child.label()
                ),
            ));
        }
        if issuer_p.key_cert_sign == Some(false) {
            return Some((
                "not-a-ca",
                format!(
                    "{} has a key usage without keyCertSign, so it may not issue {}",
                    issuer.label(),
                    child.label()
                ),
            ));
        }
        if let Some(n) = issuer.summary.path_len
            && below > n as usize
        {
            return Some((
                "not-a-ca",
                format!(
                    "{} allows at most {n} intermediate CA(s) below it (pathLenConstraint), \
                     but the chain has {below}",
                    issuer.label()
                ),
            ));
        }
    }
    None
}

/// The issuer of `child` among `candidates`: same name, preferring a matching key identifier,
/// then a verifying signature, then current validity.
fn find_issuer<'c>(
    child_p: &Parsed,
    candidates: &'c [(Cert, bool)],
    at: i64,
    exclude: &[Vec<u8>],
) -> Option<&'c (Cert, bool)> {
    let mut best: Option<(i32, &'c (Cert, bool))> = None;
    for cand in candidates {
        if exclude.contains(&cand.0.der) {
            continue;
        }
        let Some(p) = parse(&cand.0.der) else {
            continue;
        };
        if p.subject != child_p.issuer {
            continue;
        }
        let mut score = 0;
        if let (Some(a), Some(s)) = (&child_p.aki, &p.ski) {
            score += if a == s { 4 } else { -4 };
        }
        if algorithms::verify_with(
            &p.spki_alg,
            &p.public_key,
            &child_p.sig_alg,
            &child_p.tbs,
            &child_p.signature,
        )
        .is_ok()
        {
            score += 8;
        }
        if at >= cand.0.summary.not_before && at <= cand.0.summary.not_after {
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

struct Walk {
    chain: Vec<Cert>,
    /// Problem of each link (index i: chain[i] signed by chain[i+1]).
    problems: Vec<Option<(&'static str, String)>>,
    /// `Some(code, message)` when the walk stopped before an anchor.
    end: Option<(&'static str, String)>,
    anchored: bool,
}

/// Follow issuer names from the leaf to a supplied root, recording what is wrong on the way.
fn walk(leaf: &Cert, pool: &[Cert], roots: &[Cert], at: i64) -> Walk {
    let mut candidates: Vec<(Cert, bool)> = roots.iter().map(|c| (c.clone(), true)).collect();
    candidates.extend(pool.iter().map(|c| (c.clone(), false)));
    let mut w = Walk {
        chain: vec![leaf.clone()],
        problems: Vec::new(),
        end: None,
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
        let Some(cur_p) = parse(&cur.der) else { break };
        match find_issuer(&cur_p, &candidates, at, &seen) {
            Some((issuer, is_root)) => {
                let Some(issuer_p) = parse(&issuer.der) else {
                    break;
                };
                let problem = link_problem(&cur, &cur_p, issuer, &issuer_p, *is_root, depth);
                w.problems.push(problem);
                seen.push(issuer.der.clone());
                w.chain.push(issuer.clone());
                if *is_root {
                    w.anchored = true;
                    return w;
                }
            }
            None => {
                let self_issued = cur_p.subject == cur_p.issuer;
                w.end = Some(if self_issued {
                    (
                        "chain-untrusted",
                        format!(
                            "the chain ends at the root {}, which is not among the trusted CA \
                             certificates you supplied. Add that root to the CA input, or get \
                             the certificate issued by the CA that is trusted",
                            cur.label()
                        ),
                    )
                } else if depth == 0 && roots.is_empty() {
                    (
                        "chain-untrusted",
                        "no trusted CA certificate was supplied to check the chain against"
                            .to_owned(),
                    )
                } else {
                    (
                        "chain-incomplete",
                        format!(
                            "the issuer of {} (\"{}\") is missing: neither the intermediates nor \
                             the trusted CAs contain it. Paste the intermediate certificate(s) \
                             after the leaf, or add the right CA",
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

/// The extended key usage a role needs, its finding code, and the role in words.
fn eku_requirement(usage: Usage) -> (&'static str, &'static str, &'static str) {
    match usage {
        Usage::Server => ("serverAuth", "eku-server-auth-missing", "a TLS server"),
        Usage::Client => ("clientAuth", "eku-client-auth-missing", "a TLS client"),
    }
}

fn eku_finding(leaf: &Cert, usage: Usage) -> Option<Finding> {
    let eku = &leaf.summary.extended_key_usage;
    // No EKU extension means "any purpose" (RFC 5280 §4.2.1.12).
    if eku.is_empty() || eku.iter().any(|e| e == "anyExtendedKeyUsage") {
        return None;
    }
    let (needed, code, role) = eku_requirement(usage);
    if eku.iter().any(|e| e == needed) {
        return None;
    }
    Some(Finding::error(
        code,
        format!(
            "{} is used as {role} but its extended key usage ({}) lacks {needed}. Reissue it \
             with extendedKeyUsage = {needed}",
            leaf.label(),
            eku.join(", ")
        ),
        Some(&leaf.input),
    ))
}

/// DST Root CA X3 expired on 2021-09-30; Let's Encrypt chains moved to ISRG Root X1.
fn is_dst_root_x3(c: &Cert) -> bool {
    c.summary.subject.contains("CN=DST Root CA X3")
}

fn anchor_findings(anchor: &Cert, at: i64) -> Vec<Finding> {
    let s = &anchor.summary;
    if at <= s.not_after {
        return Vec::new();
    }
    let msg = if is_dst_root_x3(anchor) {
        format!(
            "the trusted CA {} is DST Root CA X3, which expired on 2021-09-30. Let's Encrypt \
             chains now end at ISRG Root X1: replace DST Root CA X3 with ISRG Root X1 and drop \
             the cross-signed \"ISRG Root X1\" intermediate issued by DST from the chain",
            anchor.label()
        )
    } else {
        format!(
            "the trusted CA {} expired on {}. Clients that check the root's validity (OpenSSL, \
             so the ALB) will reject the chain: use the CA's renewed root",
            anchor.label(),
            s.not_after_rfc3339
        )
    };
    vec![Finding::error(
        "trust-anchor-expired",
        msg,
        Some(&anchor.input),
    )]
}

fn weak_key_finding(c: &Cert) -> Option<Finding> {
    let s = &c.summary;
    if s.key_type.starts_with("RSA ") && s.key_bits < 2048 {
        Some(Finding::error(
            "weak-key",
            format!(
                "{} has an {} key; RSA keys need at least 2048 bits to be accepted. Generate a \
                 new key (RSA 2048+ or ECDSA P-256) and reissue the certificate",
                c.label(),
                s.key_type
            ),
            Some(&c.input),
        ))
    } else {
        None
    }
}

/// A leaf key no current TLS stack should accept: RSA under 2048 bits (`weak-key`), DSA or
/// curves below P-256 (`key-unsupported`).
fn leaf_key_finding(leaf: &Cert) -> Option<Finding> {
    let kt = leaf.summary.key_type.as_str();
    if kt.starts_with("DSA") || kt == "ECDSA P-192" || kt == "ECDSA P-224" {
        return Some(Finding::error(
            "key-unsupported",
            format!(
                "{} has a {kt} key, which TLS clients no longer accept. Generate an RSA 2048+ \
                 or ECDSA P-256 key and reissue the certificate",
                leaf.label()
            ),
            Some(&leaf.input),
        ));
    }
    None
}

fn webpki_error_finding(e: &webpki::Error, leaf: &Cert, usage: Usage) -> Finding {
    use webpki::Error as E;
    let input = Some(leaf.input.as_str());
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
            "chain-untrusted",
            format!(
                "{} is a CA certificate (basicConstraints CA:TRUE) used as a server/client \
                 certificate. Use a certificate issued for the host, not the CA",
                leaf.label()
            ),
            input,
        ),
        E::NameConstraintViolation => Finding::error(
            "chain-untrusted",
            format!(
                "a CA in the chain of {} has name constraints that do not allow its names",
                leaf.label()
            ),
            input,
        ),
        E::PathLenConstraintViolated => Finding::error(
            "not-a-ca",
            format!(
                "a CA in the chain of {} allows fewer intermediates below it (pathLenConstraint) \
                 than the chain has",
                leaf.label()
            ),
            input,
        ),
        E::UnknownIssuer => Finding::error(
            "chain-untrusted",
            format!(
                "no valid path from {} to a trusted CA was found",
                leaf.label()
            ),
            input,
        ),
        other => Finding::error(
            "chain-untrusted",
            format!(
                "the chain of {} is not valid: {other}. Check the certificates were issued \
                 for this use by a standard CA",
                leaf.label()
            ),
            input,
        ),
    }
}

fn push_unique(findings: &mut Vec<Finding>, f: Finding) {
    if !findings
        .iter()
        .any(|g| g.code == f.code && g.message == f.message)
    {
        findings.push(f);
    }
}

/// Verify `leaf` against `roots`, using any of `pool` as intermediates. Never panics.
pub fn verify_chain(
    leaf: &Cert,
    pool: &[Cert],
    roots: &[Cert],
    opts: &VerifyOptions,
) -> ChainResult {
    let usage = opts.usage.unwrap_or(Usage::Server);
    let mut findings = Vec::new();

    // 1. The decision: webpki.
    let leaf_der = CertificateDer::from(leaf.der.as_slice());
    let root_ders: Vec<CertificateDer<'_>> = roots
        .iter()
        .map(|r| CertificateDer::from(r.der.as_slice()))
        .collect();
    let mut anchors = Vec::new();
    for (r, der) in roots.iter().zip(&root_ders) {
        match webpki::anchor_from_trusted_cert(der) {
            Ok(a) => anchors.push(a),
            Err(e) => push_unique(
                &mut findings,
                Finding::error(
                    "chain-untrusted",
                    format!("{} cannot be used as a trusted CA ({e})", r.label()),
                    Some(&r.input),
                ),
            ),
        }
    }
    let inter: Vec<CertificateDer<'_>> = pool
        .iter()
        .map(|c| CertificateDer::from(c.der.as_slice()))
        .collect();
    let max = opts.max_intermediates;
    let depth_check = move |p: &webpki::VerifiedPath<'_>| -> Result<(), webpki::Error> {
        match max {
            Some(m) if p.intermediate_certificates().count() > m => {
                Err(webpki::Error::MaximumPathDepthExceeded)
            }
            Some(_) | None => Ok(()),
        }
    };
    let kp = match usage {
        Usage::Server => webpki::KeyUsage::server_auth(),
        Usage::Client => webpki::KeyUsage::client_auth(),
    };
    let ee = webpki::EndEntityCert::try_from(&leaf_der);
    let verdict: Result<Vec<Vec<u8>>, webpki::Error> = match &ee {
        Ok(ee) => ee
            .verify_for_usage(
                algorithms::ALL,
                &anchors,
                &inter,
                unix_time(opts.at),
                kp,
                None,
                Some(&depth_check),
            )
            .map(|path| {
                let mut ders: Vec<Vec<u8>> = path
                    .intermediate_certificates()
                    .map(|c| c.der().as_ref().to_vec())
                    .collect();
                let a = path.anchor();
                if let Some(i) = anchors.iter().position(|b| {
                    b.subject.as_ref() == a.subject.as_ref()
                        && b.subject_public_key_info.as_ref() == a.subject_public_key_info.as_ref()
                }) {
                    ders.push(roots[i].der.clone());
                }
                ders
            }),
        Err(e) => Err(e.clone()),
    };

    let mut path_valid = verdict.is_ok();
    // The explaining walk re-checks signatures, so it only runs when there is something to explain.
    let walked = match &verdict {
        Ok(_) => None,
        Err(_) => Some(walk(leaf, pool, roots, opts.at)),
    };
    let (chain, problems, anchored) = match (&verdict, &walked) {
        (Ok(ders), _) => {
            let mut chain = vec![leaf.clone()];
            for d in ders {
                if let Some(c) = pool.iter().chain(roots).find(|c| &c.der == d) {
                    chain.push(c.clone());
                }
            }
            let n = chain.len().saturating_sub(1);
            (chain, vec![None; n], true)
        }
        (Err(_), Some(walked)) => (
            walked.chain.clone(),
            walked.problems.clone(),
            walked.anchored,
        ),
        (Err(_), None) => (vec![leaf.clone()], Vec::new(), false),
    };

    // 2. Explanations.
    if let Err(e) = &verdict {
        let before = findings.len();
        for (i, p) in problems.iter().enumerate() {
            if let Some((code, msg)) = p {
                let input = chain.get(i).map(|c| c.input.as_str());
                push_unique(&mut findings, Finding::error(*code, msg.clone(), input));
            }
        }
        if let Some(walked) = &walked
            && let Some((code, msg)) = &walked.end
        {
            let input = walked.chain.last().map(|c| c.input.as_str());
            push_unique(&mut findings, Finding::error(*code, msg.clone(), input));
        }
        for (i, c) in chain.iter().enumerate() {
            let is_anchor = anchored && chain.len() > 1 && i + 1 == chain.len();
            if !is_anchor {
                for f in cert::validity_findings(c, opts.at) {
                    if f.severity == Severity::Error {
                        push_unique(&mut findings, f);
                    }
                }
            }
        }
        if let Some(f) = eku_finding(leaf, usage) {
            push_unique(&mut findings, f);
        }
        if findings.len() == before {
            match &ee {
                Err(pe) => push_unique(
                    &mut findings,
                    Finding::error(
                        "pem-malformed",
                        format!(
                            "{} cannot be parsed as an end-entity certificate ({pe})",
                            leaf.label()
                        ),
                        Some(&leaf.input),
                    ),
                ),
                Ok(_) => push_unique(&mut findings, webpki_error_finding(e, leaf, usage)),
            }
        }
    }

    // 3. The name.
    if let Some(typed) = opts.name.as_deref() {
        match names::parse_host(typed) {
            Ok(host) => {
                if let Err(why) = names::check_host(leaf, &host) {
                    path_valid = false;
                    push_unique(
                        &mut findings,
                        Finding::error("name-mismatch", why, Some(&leaf.input)),
                    );
                }
            }
            Err(e) => {
                path_valid = false;
                push_unique(
                    &mut findings,
                    Finding::error(
                        "name-mismatch",
                        format!("{e}. Type the host name the clients use"),
                        Some(&leaf.input),
                    ),
                );
            }
        }
    }
    // The summary lists no usage when the extension is absent, which allows every usage.
    let ku = &leaf.summary.key_usage;
    if opts.require_digital_signature
        && !ku.is_empty()
        && !ku.iter().any(|k| k == "digitalSignature")
    {
        path_valid = false;
        push_unique(
            &mut findings,
            Finding::error(
                "chain-untrusted",
                format!(
                    "{} lacks the digitalSignature key usage TLS needs",
                    leaf.label()
                ),
                Some(&leaf.input),
            ),
        );
    }

    // RFC 5280 §4.2.1.3: keyCertSign only with cA (webpki leaves the end entity's KU alone).
    if !leaf.summary.is_ca && leaf.summary.key_usage.iter().any(|k| k == "keyCertSign") {
        path_valid = false;
        push_unique(
            &mut findings,
            Finding::error(
                "chain-untrusted",
                format!(
                    "{} claims the keyCertSign key usage without being a CA (RFC 5280 \
                     4.2.1.3). Reissue it as a plain server/client certificate",
                    leaf.label()
                ),
                Some(&leaf.input),
            ),
        );
    }

    // 4. Policy: an expired trust anchor and a weak or obsolete leaf key fail the chain (the
    // ALB's OpenSSL rejects both although RFC 5280 path validation does not look at them).
    let anchor = if anchored && chain.len() > 1 {
        chain.last()
    } else {
        None
    };
    if let Some(a) = anchor {
        for f in anchor_findings(a, opts.at) {
            path_valid = false;
            push_unique(&mut findings, f);
        }
    }
    if let Some(f) = leaf_key_finding(leaf) {
        path_valid = false;
        push_unique(&mut findings, f);
    }
    for (i, c) in chain.iter().enumerate() {
        let is_anchor = anchor.is_some() && i + 1 == chain.len();
        if !is_anchor {
            for f in cert::validity_findings(c, opts.at) {
                if f.severity == Severity::Warning {
                    push_unique(&mut findings, f);
                }
            }
        }
        if let Some(f) = weak_key_finding(c) {
            if i == 0 {
                path_valid = false;
            }
            push_unique(&mut findings, f);
        }
    }

    let view = chain_view(&chain, &problems, anchored, path_valid, opts.at);
    ChainResult {
        path_valid,
        findings,
        chain,
        view,
    }
}

fn chain_view(
    chain: &[Cert],
    problems: &[Option<(&'static str, String)>],
    anchored: bool,
    trusted: bool,
    at: i64,
) -> ChainView {
    let n = chain.len();
    let links = chain
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let role = if i == 0 {
                LinkRole::Leaf
            } else if anchored && i + 1 == n {
                LinkRole::Anchor
            } else {
                LinkRole::Intermediate
            };
            let validity = if at > c.summary.not_after {
                Some(format!("expired on {}", c.summary.not_after_rfc3339))
            } else if at < c.summary.not_before {
                Some(format!("not valid before {}", c.summary.not_before_rfc3339))
            } else {
                None
            };
            let link = problems
                .get(i)
                .and_then(|p| p.as_ref())
                .map(|(_, m)| m.clone());
            let missing_issuer =
                if i + 1 == n && !(anchored && role == LinkRole::Anchor) && !(anchored && n == 1) {
                    Some("issuer not found among the supplied certificates".to_owned())
                } else {
                    None
                };
            let problem = validity.or(link).or(missing_issuer);
            ChainLink {
                role,
                subject: c.summary.subject.clone(),
                days_left: c.summary.days_left,
                ok: problem.is_none(),
                problem,
            }
        })
        .collect();
    ChainView { links, trusted }
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
                "pem-malformed",
                format!("{}: no certificate given", leaf.name),
                Some(leaf.name),
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
            "chain-untrusted",
            format!("{}: no trusted CA certificate could be read", roots.name),
            Some(roots.name),
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
    let r = verify_chain(&leaf_certs[li], &pool, &root_certs, opts);
    findings.extend(r.findings);
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    VerifyReport {
        valid: r.path_valid && !has_error,
        findings,
        chain: r.chain.into_iter().map(|c| c.summary).collect(),
        path_valid: r.path_valid,
        usable: true,
    }
}
