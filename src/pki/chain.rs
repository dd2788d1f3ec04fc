//! A chain as the page and the reports draw it: leaf first, each certificate with the state of
//! its link to the one above. Built by `verify`, read by `check`, the bundle's report and the page.

use super::cert::Cert;
use serde::{Deserialize, Serialize};

/// Position of a certificate in a chain picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkRole {
    Leaf,
    Intermediate,
    Anchor,
}

/// One certificate of a chain picture, with the state of its link to the next (its issuer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainLink {
    pub role: LinkRole,
    pub subject: String,
    /// The certificate's name as the page shows it ([`super::cert::display_name`]); not in
    /// report.json, whose chain pictures keep the subject.
    #[serde(skip)]
    pub name: String,
    /// Days of validity left at the check time (negative when expired).
    pub days_left: i64,
    /// `true` when this certificate is valid and its signature by the next link verifies.
    pub ok: bool,
    /// Why the link is broken, in plain words, when `ok` is false.
    pub problem: Option<String>,
    /// The issuer's name, and when the certificate expires (RFC 3339), for the page's details
    /// (not in report.json, whose chain pictures stay as they were).
    #[serde(skip)]
    pub issuer: String,
    #[serde(skip)]
    pub not_after: String,
}

/// A CA given as trusted that the chain did not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedCa {
    pub subject: String,
    /// Its name as the page shows it (not in report.json).
    #[serde(skip)]
    pub name: String,
    /// The input it was pasted into (its stable name).
    pub input: String,
    /// Why it was not used, in plain words (lower case: it follows the subject).
    pub why: String,
}

/// A chain as built for one leaf (leaf first, trust anchor last when found).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainView {
    pub links: Vec<ChainLink>,
    /// `true` when a path to a supplied trust anchor was found and verified.
    pub trusted: bool,
    /// Every CA given as trusted that is not in the chain, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused: Vec<UnusedCa>,
}

impl ChainView {
    /// The picture of `chain` (leaf first), given the problem of each link (index i: `chain[i]`
    /// signed by `chain[i + 1]`), whether it ends at a trusted anchor, and the verdict.
    pub fn of(
        chain: &[Cert],
        problems: &[Option<String>],
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
                let validity = if c.summary.expired_at(at) {
                    Some(format!("expired on {}", c.summary.not_after_rfc3339))
                } else if c.summary.not_yet_valid_at(at) {
                    Some(format!("not valid before {}", c.summary.not_before_rfc3339))
                } else {
                    None
                };
                let link = problems.get(i).and_then(Clone::clone);
                let missing_issuer = if i + 1 == n
                    && !(anchored && role == LinkRole::Anchor)
                    && !(anchored && n == 1)
                {
                    Some("issuer not found among the supplied certificates".to_owned())
                } else {
                    None
                };
                let problem = validity.or(link).or(missing_issuer);
                ChainLink {
                    role,
                    subject: c.summary.subject.clone(),
                    name: c.summary.name.clone(),
                    days_left: c.summary.days_left,
                    ok: problem.is_none(),
                    problem,
                    issuer: c.summary.issuer.clone(),
                    not_after: c.summary.not_after_rfc3339.clone(),
                }
            })
            .collect();
        ChainView {
            links,
            trusted,
            unused: Vec::new(),
        }
    }
}

/// Index of the leaf among certificates pasted into one input: the first that issued none of
/// the others and is not a CA; failing that, the first that issued none of the others.
pub fn pick_leaf(certs: &[Cert]) -> Option<usize> {
    let issued_other = |i: usize| {
        certs.iter().enumerate().any(|(j, c)| {
            j != i && c.parsed.issuer.raw == certs[i].parsed.subject.raw && !c.self_issued()
        })
    };
    (0..certs.len())
        .find(|&i| !issued_other(i) && !certs[i].summary.is_ca)
        .or_else(|| (0..certs.len()).find(|&i| !issued_other(i)))
        .or(if certs.is_empty() { None } else { Some(0) })
}
