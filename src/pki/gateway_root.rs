//! The root a gateway chain ends at: what "CA the ALB trusts" asks for, by name, once the
//! gateway certificate is pasted (issue 27: nothing stands in for that input any more).

use super::cert::Cert;

/// The root a gateway chain ends at, for "CA the ALB trusts": what its guide and its note ask
/// for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRoot {
    /// The root's name (its CN, else its whole name), e.g. `ISRG Root X1`.
    pub name: String,
    /// Where its issuer publishes it, when known (Let's Encrypt's roots).
    pub download: Option<&'static str>,
}

/// Let's Encrypt's roots, by CN, with the address Let's Encrypt publishes each at.
const ISRG_ROOTS: [(&str, &str); 2] = [
    (
        "ISRG Root X1",
        "https://letsencrypt.org/certs/isrgrootx1.pem",
    ),
    (
        "ISRG Root X2",
        "https://letsencrypt.org/certs/isrg-root-x2.pem",
    ),
];

impl GatewayRoot {
    fn named(name: String) -> GatewayRoot {
        let download = ISRG_ROOTS
            .iter()
            .find(|(cn, _)| *cn == name)
            .map(|(_, url)| *url);
        GatewayRoot { name, download }
    }
}

/// The root the pasted gateway certificates (`nlb_certs`, one input) need: a self-signed root
/// pasted among them, else the issuer of the topmost certificate (the one no other pasted
/// certificate issued). A Let's Encrypt leaf pasted without its intermediate needs ISRG Root X1
/// (ISRG Root X2 under an ECDSA `E…` intermediate). `None` before a certificate is pasted.
pub fn gateway_root(nlb_certs: &[Cert]) -> Option<GatewayRoot> {
    let cn_or_name = |cns: Vec<String>, name: &str| {
        cns.into_iter()
            .find(|cn| !cn.trim().is_empty())
            .unwrap_or_else(|| name.to_owned())
    };
    if let Some(root) = nlb_certs.iter().find(|c| c.summary.is_self_signed) {
        return Some(GatewayRoot::named(root.summary.name.clone()));
    }
    let top = nlb_certs.iter().find(|c| {
        !nlb_certs
            .iter()
            .any(|other| other.parsed.subject.raw == c.parsed.issuer.raw)
    })?;
    if top.from_lets_encrypt() {
        let ecdsa = top
            .parsed
            .issuer_common_names()
            .iter()
            .any(|cn| cn.starts_with('E'));
        let root = if ecdsa {
            "ISRG Root X2"
        } else {
            "ISRG Root X1"
        };
        return Some(GatewayRoot::named(root.to_owned()));
    }
    Some(GatewayRoot::named(cn_or_name(
        top.parsed.issuer_common_names(),
        &top.summary.issuer,
    )))
}
