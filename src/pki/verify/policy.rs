//! The ALB's rules on top of RFC 5280 path validation: what the role needs (EKU, key usage), and
//! what OpenSSL (the ALB's NGINX) and BoringSSL (Envoy) refuse although webpki's path building
//! does not look at it: expired trust anchors, weak or obsolete keys, an end entity claiming
//! keyCertSign. Every rule matches the typed certificate facts exhaustively.

use super::Usage;
use crate::finding::{Code, Finding};
use crate::pki::cert::Cert;
use crate::pki::facts::{Curve, Eku, KeyKind, KeyUsage};

/// The extended key usage a role needs, its finding code, and the role in words.
pub(super) fn eku_requirement(usage: Usage) -> (Eku, Code, &'static str) {
    match usage {
        Usage::Server => (Eku::ServerAuth, Code::EkuServerAuthMissing, "a TLS server"),
        Usage::Client => (Eku::ClientAuth, Code::EkuClientAuthMissing, "a TLS client"),
    }
}

/// The leaf's own EKU lacks the role's purpose. No EKU extension means "any purpose" (RFC 5280
/// §4.2.1.12), and so does anyExtendedKeyUsage.
pub(super) fn eku_finding(leaf: &Cert, usage: Usage) -> Option<Finding> {
    let eku = &leaf.summary.extended_key_usage;
    let (needed, code, role) = eku_requirement(usage);
    if eku.is_empty() || eku.iter().any(|e| *e == Eku::Any || *e == needed) {
        return None;
    }
    let listed: Vec<String> = eku.iter().map(Eku::to_string).collect();
    let mut message = format!(
        "The certificate {} is used as {role} but its extended key usage ({}) lacks {needed}. \
         Reissue it with extendedKeyUsage = {needed}",
        leaf.label(),
        listed.join(", ")
    );
    if usage == Usage::Client && leaf.from_lets_encrypt() {
        message.push_str(LETS_ENCRYPT_CLIENT_AUTH);
    }
    Some(Finding::error(code, message, Some(leaf.input.clone())))
}

/// The procedure uses IBM's ALB certificate, issued by Let's Encrypt, as the ALB's client
/// certificate. Let's Encrypt stopped including clientAuth (field notes: classic profile from
/// 2026-02-11, the last client profile closed mid-2026), so such a certificate can no longer do
/// that job whatever the user does with it: the finding says so, and names the way out.
const LETS_ENCRYPT_CLIENT_AUTH: &str = ". It comes from Let's Encrypt, which no longer issues \
     certificates with clientAuth (since 2026), so IBM's ALB certificate cannot be the ALB's client \
     certificate any more. Issue the ALB client certificate from a private CA of your own and give \
     that CA as the CA for ALB client certificates (the gateway trusts only it for this leg): \
     `istio-alb ca init` makes one, and so does the page's \"Create a private client CA\"";

/// Key usage rules on the leaf: digitalSignature when asked for (TLS signs with the key; an
/// absent extension allows every usage), and no keyCertSign without cA (RFC 5280 §4.2.1.3;
/// webpki leaves the end entity's key usage alone).
pub(super) fn leaf_key_usage_findings(
    leaf: &Cert,
    require_digital_signature: bool,
) -> Vec<Finding> {
    let ku = &leaf.summary.key_usage;
    let mut out = Vec::new();
    if require_digital_signature && !ku.is_empty() && !ku.contains(&KeyUsage::DigitalSignature) {
        out.push(Finding::error(
            Code::ChainUntrusted,
            format!(
                "The certificate {} lacks the digitalSignature key usage TLS needs",
                leaf.label()
            ),
            Some(leaf.input.clone()),
        ));
    }
    if !leaf.summary.is_ca && ku.contains(&KeyUsage::KeyCertSign) {
        out.push(Finding::error(
            Code::ChainUntrusted,
            format!(
                "The certificate {} claims the keyCertSign key usage without being a CA (RFC 5280 \
                 4.2.1.3). Reissue it as a plain server/client certificate",
                leaf.label()
            ),
            Some(leaf.input.clone()),
        ));
    }
    out
}

/// Every issuer on the path (intermediates and the anchor) that has a key usage extension must
/// allow keyCertSign (RFC 5280 §4.2.1.3). OpenSSL refuses such a link (`key usage does not
/// include certificate signing`); webpki does not look at the issuer's key usage.
pub(super) fn issuer_key_usage_findings(chain: &[Cert]) -> Vec<Finding> {
    chain
        .windows(2)
        .filter_map(|pair| {
            let (child, issuer) = (&pair[0], &pair[1]);
            let ku = &issuer.summary.key_usage;
            // A self-signed end entity trusted as itself issues nothing (RFC 6818 §2).
            let itself = child.der == issuer.der;
            (!itself && !ku.is_empty() && !ku.contains(&KeyUsage::KeyCertSign)).then(|| {
                Finding::error(
                    Code::NotACa,
                    format!(
                        "The certificate {} has a key usage without keyCertSign, so it may not issue {}",
                        issuer.label(),
                        child.label()
                    ),
                    Some(issuer.input.clone()),
                )
            })
        })
        .collect()
}

/// DST Root CA X3 expired on 2021-09-30; Let's Encrypt chains moved to ISRG Root X1.
pub(crate) fn is_dst_root_x3(c: &Cert) -> bool {
    c.parsed
        .subject_common_names()
        .iter()
        .any(|cn| cn == "DST Root CA X3")
}

/// The trusted CAs hold no root (self-signed) certificate, only intermediates: OpenSSL without
/// partial chains (NGINX, Envoy) then cannot finish a chain ("unable to get issuer
/// certificate"), so name each one and ask for the root above it.
pub(super) fn no_root_findings(roots: &[Cert], trusted_intermediates: &[Cert]) -> Vec<Finding> {
    if !roots.is_empty() {
        return Vec::new();
    }
    trusted_intermediates
        .iter()
        .map(|c| {
            Finding::error(
                Code::ChainUntrusted,
                format!(
                    "The certificate {} is an intermediate CA (issued by \"{}\"), not a root. The ALB's OpenSSL \
                     trusts only self-signed roots, so a chain cannot end here: add the root CA \
                     that issued it to this input",
                    c.label(),
                    c.summary.issuer
                ),
                Some(c.input.clone()),
            )
        })
        .collect()
}

/// A trust anchor whose pathLenConstraint the chain below it exceeds: OpenSSL enforces the
/// root's own constraint (webpki takes anchors as name and key only).
pub(super) fn anchor_path_len_finding(chain: &[Cert]) -> Option<Finding> {
    let (anchor, below) = chain.split_last()?;
    let limit = anchor.summary.path_len?;
    // Intermediates between the leaf and the anchor; self-issued ones do not count (RFC 5280
    // 6.1.4 (l)), as in OpenSSL.
    let intermediates = below.iter().skip(1).filter(|c| !c.self_issued()).count();
    (intermediates > limit as usize).then(|| {
        Finding::error(
            Code::NotACa,
            format!(
                "the trusted CA {} allows at most {limit} intermediate CA(s) below it \
                 (pathLenConstraint), but the chain has {intermediates}",
                anchor.label()
            ),
            Some(anchor.input.clone()),
        )
    })
}

/// A trust anchor outside its validity: OpenSSL checks the root's validity (RFC 5280 does not),
/// so the ALB rejects the chain.
pub(super) fn anchor_findings(anchor: &Cert, at: i64) -> Vec<Finding> {
    let s = &anchor.summary;
    if s.not_yet_valid_at(at) {
        return vec![Finding::error(
            Code::TrustAnchorNotYetValid,
            format!(
                "the trusted CA {} is not valid before {}. OpenSSL (so the ALB) rejects a \
                 chain to a root that is not valid yet: check the clock of the machine that \
                 made it, or use a root that is valid now",
                anchor.label(),
                s.not_before_rfc3339
            ),
            Some(anchor.input.clone()),
        )];
    }
    if !s.expired_at(at) {
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
        Code::TrustAnchorExpired,
        msg,
        Some(anchor.input.clone()),
    )]
}

/// An RSA key under 2048 bits anywhere in the chain.
pub(super) fn weak_key_finding(c: &Cert) -> Option<Finding> {
    let s = &c.summary;
    match s.key_type {
        KeyKind::Rsa { bits } if bits < 2048 => Some(Finding::error(
            Code::WeakKey,
            format!(
                "The certificate {} has an {} key; RSA keys need at least 2048 bits to be accepted. Generate a \
                 new key (RSA 2048+ or ECDSA P-256) and reissue the certificate",
                c.label(),
                s.key_type
            ),
            Some(c.input.clone()),
        )),
        KeyKind::Rsa { .. }
        | KeyKind::Ec(_)
        | KeyKind::Ed25519
        | KeyKind::Ed448
        | KeyKind::Dsa { .. }
        | KeyKind::Unknown(_) => None,
    }
}

/// A leaf key no current TLS stack should accept: DSA or curves below P-256.
pub(super) fn leaf_key_finding(leaf: &Cert) -> Option<Finding> {
    let kt = &leaf.summary.key_type;
    let obsolete = match kt {
        KeyKind::Dsa { .. } | KeyKind::Ec(Curve::P192 | Curve::P224) => true,
        KeyKind::Rsa { .. }
        | KeyKind::Ec(
            Curve::P256 | Curve::P384 | Curve::P521 | Curve::Secp256k1 | Curve::Other(_),
        )
        | KeyKind::Ec(Curve::Unnamed)
        | KeyKind::Ed25519
        | KeyKind::Ed448
        | KeyKind::Unknown(_) => false,
    };
    obsolete.then(|| {
        Finding::error(
            Code::KeyUnsupported,
            format!(
                "The certificate {} has a {kt} key, which TLS clients no longer accept. Generate an RSA 2048+ \
                 or ECDSA P-256 key and reissue the certificate",
                leaf.label()
            ),
            Some(leaf.input.clone()),
        )
    })
}
