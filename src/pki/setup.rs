//! The setup as a whole: every certificate input of the procedure checked together.
//!
//! INTERFACE CONTRACT (shared by the page, the CLI and the bundle). The body is filled in by the
//! certificate-checks work; the types are what the other parts rely on.

use super::finding::Finding;
use serde::{Deserialize, Serialize};

/// Stable names of the certificate inputs, used in `Finding::input` and as settings keys.
pub mod input {
    pub const NLB_CERT: &str = "nlb_cert";
    pub const NLB_KEY: &str = "nlb_key";
    pub const ALB_CLIENT_CERT: &str = "alb_client_cert";
    pub const ALB_CLIENT_KEY: &str = "alb_client_key";
    pub const CLIENT_CA: &str = "client_ca";
    pub const GATEWAY_CA: &str = "gateway_ca";
    pub const ALL: [&str; 6] = [
        NLB_CERT,
        NLB_KEY,
        ALB_CLIENT_CERT,
        ALB_CLIENT_KEY,
        CLIENT_CA,
        GATEWAY_CA,
    ];
}

/// The certificate inputs as the user pasted them (PEM text; empty = not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInputs {
    /// Gateway (NLB) certificate, optionally followed by intermediates, any order.
    pub nlb_cert: String,
    pub nlb_key: String,
    /// The ALB's client certificate towards the gateway (+ intermediates).
    pub alb_client_cert: String,
    pub alb_client_key: String,
    /// CA the gateway trusts for ALB client certificates.
    pub client_ca: String,
    /// CA the ALB trusts for the gateway certificate; empty means "same as `client_ca`".
    pub gateway_ca: String,
}

/// What the procedure needs to know besides the certificates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupContext {
    /// Host names (or IPs) the gateway certificate must cover; the first is the NLB domain,
    /// used as `proxy-ssl-name`.
    pub gateway_hosts: Vec<String>,
}

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
    /// Days of validity left at the check time (negative when expired).
    pub days_left: i64,
    /// `true` when this certificate is valid and its signature by the next link verifies.
    pub ok: bool,
    /// Why the link is broken, in plain words, when `ok` is false.
    pub problem: Option<String>,
}

/// A chain as built for one leaf (leaf first, trust anchor last when found).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainView {
    pub links: Vec<ChainLink>,
    /// `true` when a path to a supplied trust anchor was found and verified.
    pub trusted: bool,
}

/// Everything the page, the CLI and the bundle need from one check of the whole setup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupReport {
    pub findings: Vec<Finding>,
    /// Gateway certificate chain picture.
    pub nlb_chain: ChainView,
    /// ALB client certificate chain picture.
    pub alb_chain: ChainView,
    /// `proxy-ssl-verify-depth` the ALB needs to verify the gateway chain (at least 1).
    pub verify_depth: u32,
    /// Normalised PEMs for the secrets: leaf first, then intermediates in issuing order, LF line
    /// endings, no text around the blocks. Empty when the input was empty or unusable.
    pub nlb_chain_pem: String,
    pub nlb_key_pem: String,
    pub alb_client_chain_pem: String,
    pub alb_client_key_pem: String,
    pub client_ca_pem: String,
    /// The CA the ALB trusts (falls back to `client_ca_pem` when `gateway_ca` was empty).
    pub gateway_ca_pem: String,
}

/// Check every certificate input together at `at` (Unix seconds). Never panics.
pub fn check_setup(inputs: &CertInputs, ctx: &SetupContext, at: i64) -> SetupReport {
    // Placeholder until the certificate checks land: passes the inputs through untouched.
    let _ = (ctx, at);
    SetupReport {
        findings: Vec::new(),
        verify_depth: 1,
        nlb_chain_pem: inputs.nlb_cert.clone(),
        nlb_key_pem: inputs.nlb_key.clone(),
        alb_client_chain_pem: inputs.alb_client_cert.clone(),
        alb_client_key_pem: inputs.alb_client_key.clone(),
        client_ca_pem: inputs.client_ca.clone(),
        gateway_ca_pem: if inputs.gateway_ca.trim().is_empty() {
            inputs.client_ca.clone()
        } else {
            inputs.gateway_ca.clone()
        },
        ..SetupReport::default()
    }
}
