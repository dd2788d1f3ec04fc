//! Public CAs in the client CA input (issue 27). The gateway trusts every client certificate
//! issued under the client CA: a public root there (or a CA issued by one) lets in anyone who
//! can get a certificate from a public CA, not only the ALB. Public means Mozilla's list, as the
//! `webpki-roots` crate carries it, reduced by `build.rs` to one hash per root.

use super::algorithms;
use super::cert::Cert;
use super::crypto::Crypto;
use super::x509::Ext;
use crate::finding::{Code, Finding};
use crate::inputs::CertInput;
use sha1::{Digest as _, Sha1};
use sha2::Sha256;

include!(concat!(env!("OUT_DIR"), "/mozilla_roots.rs"));

/// Signature checks one input may cost (an input holds at most 64 certificates; a real client
/// CA input holds one or two).
const SIGNATURE_BUDGET: usize = 64;

/// Why a certificate of the client CA input is public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Public {
    /// A root of Mozilla's list: its name and key are the root's.
    Root,
    /// Issued by a root of Mozilla's list: its issuer name and authority key identifier are
    /// that root's. `root` is the root's name.
    IssuedByRoot { root: String },
    /// Issued (name and verified signature) by `by`, another certificate of the same input that
    /// is public, so it chains to the public root `root`.
    Below { by: usize, root: String },
}

/// Whether `name` (DER) with the key identifier `key_id` is a root of Mozilla's list.
fn listed(name: &[u8], key_id: &[u8]) -> bool {
    let mut h = Sha256::new();
    h.update(name);
    h.update(key_id);
    let digest: [u8; 32] = h.finalize().into();
    MOZILLA_ROOTS.binary_search(&digest).is_ok()
}

/// The certificate is a root of Mozilla's list: same subject and key (a re-issued or
/// cross-signed copy of the root counts: it is the same key under the same name).
pub fn is_mozilla_root(c: &Cert) -> bool {
    listed(&c.parsed.subject.raw, &Sha1::digest(&c.parsed.key.key))
}

/// The certificate names a root of Mozilla's list as its issuer, name and authority key
/// identifier both. The list carries no signatures to check; a root whose own key identifier
/// is not the SHA-1 of its key (RFC 5280 §4.2.1.2 method 1; a few roots, 9 of the 145 of
/// Debian's ca-certificates in 2026) is recognised itself, but a CA it issued only with that
/// root beside it in the input.
pub fn issued_by_mozilla_root(c: &Cert) -> bool {
    c.parsed.extensions.iter().any(|e| match &e.parsed {
        Ext::AuthorityKeyId {
            key_id: Some(id), ..
        } => listed(&c.parsed.issuer.raw, id),
        _ => false,
    })
}

/// The public certificates among `certs` (one input, in the order pasted), each with why: a
/// Mozilla root, a CA issued by one, or one issued by another public certificate of the input.
pub fn public_certs(certs: &[Cert], crypto: &dyn Crypto) -> Vec<(usize, Public)> {
    let mut found: Vec<Option<Public>> = certs
        .iter()
        .map(|c| {
            if is_mozilla_root(c) {
                Some(Public::Root)
            } else if issued_by_mozilla_root(c) {
                Some(Public::IssuedByRoot {
                    root: c.summary.issuer.clone(),
                })
            } else {
                None
            }
        })
        .collect();
    let mut budget = SIGNATURE_BUDGET;
    // Down the input's own chains, one level per round, until nothing changes.
    loop {
        let mut changed = false;
        for i in 0..certs.len() {
            if found[i].is_some() {
                continue;
            }
            let child = &certs[i].parsed;
            let issuer = (0..certs.len()).find_map(|j| {
                let root = match found[j].as_ref()? {
                    Public::Root => certs[j].summary.subject.clone(),
                    Public::IssuedByRoot { root } | Public::Below { root, .. } => root.clone(),
                };
                let parent = &certs[j].parsed;
                if j == i || parent.subject.raw != child.issuer.raw || budget == 0 {
                    return None;
                }
                budget -= 1;
                let signed = algorithms::verify_with(
                    crypto,
                    &parent.key.algorithm_der,
                    &parent.key.key,
                    child.signature_algorithm_der.as_deref()?,
                    child.tbs.as_deref()?,
                    &child.signature,
                )
                .is_ok();
                signed.then_some(Public::Below { by: j, root })
            });
            if issuer.is_some() {
                found[i] = issuer;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    found
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .collect()
}

/// One `client-ca-public` error per public certificate of the client CA input, saying who could
/// then get through the gateway and what to use instead.
pub fn client_ca_findings(client_ca: &[Cert], crypto: &dyn Crypto) -> Vec<Finding> {
    public_certs(client_ca, crypto)
        .into_iter()
        .filter_map(|(i, why)| {
            let c = client_ca.get(i)?;
            let what = match &why {
                Public::Root => format!(
                    "The certificate {} is a public root of Mozilla's list (the roots browsers \
                     trust)",
                    c.label()
                ),
                Public::IssuedByRoot { root } => format!(
                    "The certificate {} was issued by \"{root}\", a public root of Mozilla's \
                     list (the roots browsers trust)",
                    c.label()
                ),
                Public::Below { by, root } => format!(
                    "The certificate {} was issued by {}, which chains to \"{root}\", a public \
                     root of Mozilla's list (the roots browsers trust)",
                    c.label(),
                    client_ca.get(*by)?.label()
                ),
            };
            Some(Finding::error(
                Code::ClientCaPublic,
                format!(
                    "{what}. With it in {client}, the gateway accepts a client certificate from \
                     anyone who can get one issued under that root, from a public CA, not only \
                     from your ALB. Remove it and give a private CA of your own as {client}: \
                     `istio-alb ca init` makes one, and so does the page's \"Create a private \
                     client CA\". A root the gateway certificate needs belongs in {gateway}",
                    client = CertInput::ClientCa.label(),
                    gateway = CertInput::GatewayCa.label(),
                ),
                Some(CertInput::ClientCa.into()),
            ))
        })
        .collect()
}
