//! The verdict: rustls-webpki builds a path from the leaf through any of the pool to a supplied
//! anchor, checking signatures (our RustCrypto algorithms), validity, CA constraints and path
//! length, EKU for the role and name constraints.

use super::{Usage, VerifyOptions};
use crate::finding::{Code, Finding};
use crate::pki::algorithms;
use crate::pki::cert::Cert;
use crate::pki::crypto::Crypto;
use rustls_pki_types::SignatureVerificationAlgorithm;
use rustls_pki_types::{CertificateDer, UnixTime};
use std::time::Duration;

/// What webpki decided.
pub(super) struct Decision {
    /// The path (intermediates, then the anchor, as the supplied certificates), or why not.
    pub path: Result<Vec<Cert>, webpki::Error>,
    /// The leaf could not even be read as an end-entity certificate.
    pub leaf_unreadable: Option<webpki::Error>,
    /// Roots webpki cannot use as anchors.
    pub findings: Vec<Finding>,
}

fn unix_time(at: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(at).unwrap_or(0)))
}

pub(super) fn decide(
    leaf: &Cert,
    pool: &[Cert],
    roots: &[Cert],
    opts: &VerifyOptions,
    crypto: &dyn Crypto,
) -> Decision {
    let mut findings = Vec::new();
    let leaf_der = CertificateDer::from(leaf.der.as_slice());
    let root_ders: Vec<CertificateDer<'_>> = roots
        .iter()
        .map(|r| CertificateDer::from(r.der.as_slice()))
        .collect();
    let mut anchors = Vec::new();
    let mut anchor_certs = Vec::new();
    for (r, der) in roots.iter().zip(&root_ders) {
        match webpki::anchor_from_trusted_cert(der) {
            Ok(a) => {
                anchors.push(a);
                anchor_certs.push(r);
            }
            Err(e) => findings.push(Finding::error(
                Code::ChainUntrusted,
                format!(
                    "The certificate {} cannot be used as a trusted CA ({e})",
                    r.label()
                ),
                Some(r.input.clone()),
            )),
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
    let kp = match opts.usage.unwrap_or(Usage::Server) {
        Usage::Server => webpki::KeyUsage::server_auth(),
        Usage::Client => webpki::KeyUsage::client_auth(),
    };
    let ee = match webpki::EndEntityCert::try_from(&leaf_der) {
        Ok(ee) => ee,
        Err(e) => {
            return Decision {
                path: Err(e.clone()),
                leaf_unreadable: Some(e),
                findings,
            };
        }
    };
    let algorithms = algorithms::all(crypto);
    let algorithms: Vec<&dyn SignatureVerificationAlgorithm> =
        algorithms.iter().map(|a| a as _).collect();
    let path = ee
        .verify_for_usage(
            &algorithms,
            &anchors,
            &inter,
            unix_time(opts.at),
            kp,
            None,
            Some(&depth_check),
        )
        .map(|path| {
            let mut chain: Vec<Cert> = path
                .intermediate_certificates()
                .filter_map(|c| pool.iter().find(|p| p.der == c.der().as_ref()).cloned())
                .collect();
            // The anchor as supplied: of several with this name and key (an expired root and
            // its renewed twin), the one valid at `at`, as OpenSSL picks it.
            let a = path.anchor();
            let same = |i: &usize| {
                anchors[*i].subject.as_ref() == a.subject.as_ref()
                    && anchors[*i].subject_public_key_info.as_ref()
                        == a.subject_public_key_info.as_ref()
            };
            let valid = |i: &usize| anchor_certs[*i].summary.valid_at(opts.at);
            let candidates: Vec<usize> = (0..anchors.len()).filter(same).collect();
            if let Some(&i) = candidates.iter().find(|i| valid(i)).or(candidates.first()) {
                chain.push(anchor_certs[i].clone());
            }
            chain
        });
    Decision {
        path,
        leaf_unreadable: None,
        findings,
    }
}
