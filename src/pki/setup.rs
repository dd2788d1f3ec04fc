//! The setup as a whole: every certificate input of the procedure checked together.
//!
//! INTERFACE CONTRACT (shared by the page, the CLI and the bundle). The body is filled in by the
//! certificate-checks work; the types are what the other parts rely on.

use super::cert::{self, Cert};
use super::finding::Finding;
use super::key::{self, PrivateKey};
use super::names;
use super::pem;
use super::verify::{self, Usage, VerifyOptions};
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

impl CertInputs {
    /// The text of the input called `name` (one of [`input::ALL`]); `None` for any other name.
    pub fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            input::NLB_CERT => &self.nlb_cert,
            input::NLB_KEY => &self.nlb_key,
            input::ALB_CLIENT_CERT => &self.alb_client_cert,
            input::ALB_CLIENT_KEY => &self.alb_client_key,
            input::CLIENT_CA => &self.client_ca,
            input::GATEWAY_CA => &self.gateway_ca,
            _ => return None,
        })
    }

    /// Mutable access to the input called `name`; `None` for any other name.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            input::NLB_CERT => &mut self.nlb_cert,
            input::NLB_KEY => &mut self.nlb_key,
            input::ALB_CLIENT_CERT => &mut self.alb_client_cert,
            input::ALB_CLIENT_KEY => &mut self.alb_client_key,
            input::CLIENT_CA => &mut self.client_ca,
            input::GATEWAY_CA => &mut self.gateway_ca,
            _ => return None,
        })
    }
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
///
/// Empty inputs give one `input-missing` info finding each and skip the checks that need them;
/// everything else is checked and every problem reported (no stop at the first).
pub fn check_setup(inputs: &CertInputs, ctx: &SetupContext, at: i64) -> SetupReport {
    let mut findings: Vec<Finding> = Vec::new();
    let given = |text: &str| !text.trim().is_empty();

    for (name, text, what) in [
        (
            input::NLB_CERT,
            &inputs.nlb_cert,
            "the gateway (NLB) certificate, leaf first, with its intermediates",
        ),
        (
            input::NLB_KEY,
            &inputs.nlb_key,
            "the gateway certificate's private key",
        ),
        (
            input::ALB_CLIENT_CERT,
            &inputs.alb_client_cert,
            "the ALB's client certificate, with its intermediates",
        ),
        (
            input::ALB_CLIENT_KEY,
            &inputs.alb_client_key,
            "the ALB client certificate's private key",
        ),
        (
            input::CLIENT_CA,
            &inputs.client_ca,
            "the CA the gateway trusts for the ALB's client certificate",
        ),
    ] {
        if !given(text) {
            findings.push(Finding::info(
                "input-missing",
                format!("{name}: not given yet. Paste {what}"),
                Some(name),
            ));
        }
    }

    let certs_of = |name: &str, text: &str, findings: &mut Vec<Finding>| {
        let (certs, errors) = cert::parse_certs(name, text, at);
        findings.extend(errors.iter().map(|e| e.to_finding()));
        certs
    };
    let key_of = |name: &str, text: &str, findings: &mut Vec<Finding>| {
        let (k, errors) = key::read_private_key(name, text);
        findings.extend(errors.iter().map(|e| e.to_finding()));
        k
    };
    let nlb_certs = certs_of(input::NLB_CERT, &inputs.nlb_cert, &mut findings);
    let nlb_key = key_of(input::NLB_KEY, &inputs.nlb_key, &mut findings);
    let alb_certs = certs_of(
        input::ALB_CLIENT_CERT,
        &inputs.alb_client_cert,
        &mut findings,
    );
    let alb_key = key_of(input::ALB_CLIENT_KEY, &inputs.alb_client_key, &mut findings);
    let client_ca = certs_of(input::CLIENT_CA, &inputs.client_ca, &mut findings);
    let gateway_ca = if given(&inputs.gateway_ca) {
        certs_of(input::GATEWAY_CA, &inputs.gateway_ca, &mut findings)
    } else {
        client_ca.clone()
    };

    for ca in client_ca.iter().chain(if given(&inputs.gateway_ca) {
        &gateway_ca[..]
    } else {
        &[]
    }) {
        if !ca.summary.is_ca {
            findings.push(Finding::warning(
                "not-a-ca",
                format!(
                    "{} is not a CA certificate (no basicConstraints CA:TRUE). Paste the CA \
                     that issued the certificates, not a server or client certificate",
                    ca.label()
                ),
                Some(&ca.input),
            ));
        }
    }

    let hosts: Vec<&str> = ctx
        .gateway_hosts
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    let nlb = check_role(
        &nlb_certs,
        nlb_key.as_ref(),
        &gateway_ca,
        Usage::Server,
        &hosts,
        at,
        &mut findings,
    );
    let alb = check_role(
        &alb_certs,
        alb_key.as_ref(),
        &client_ca,
        Usage::Client,
        &[],
        at,
        &mut findings,
    );

    explain_lets_encrypt_client_auth(&alb_certs, &mut findings);

    let mut seen: Vec<(String, String)> = Vec::new();
    findings.retain(|f| {
        let k = (f.code.clone(), f.message.clone());
        if seen.contains(&k) {
            false
        } else {
            seen.push(k);
            true
        }
    });

    let ca_pem = |certs: &[Cert]| {
        certs
            .iter()
            .map(|c| pem::encode("CERTIFICATE", &c.der))
            .collect::<String>()
    };
    SetupReport {
        findings,
        verify_depth: nlb.depth,
        nlb_chain: nlb.view,
        alb_chain: alb.view,
        nlb_chain_pem: nlb.chain_pem,
        nlb_key_pem: nlb_key.map(|k| k.to_pem()).unwrap_or_default(),
        alb_client_chain_pem: alb.chain_pem,
        alb_client_key_pem: alb_key.map(|k| k.to_pem()).unwrap_or_default(),
        client_ca_pem: ca_pem(&client_ca),
        gateway_ca_pem: ca_pem(&gateway_ca),
    }
}

/// The procedure uses IBM's ALB certificate, issued by Let's Encrypt, as the ALB's client
/// certificate. Let's Encrypt stopped including clientAuth (field notes: classic profile from
/// 2026-02-11, the last client profile closed mid-2026), so such a certificate can no longer do
/// that job whatever the user does with it: say so, and name the way out.
fn explain_lets_encrypt_client_auth(alb_certs: &[Cert], findings: &mut [Finding]) {
    let from_lets_encrypt = verify::pick_leaf(alb_certs)
        .and_then(|i| alb_certs.get(i))
        .is_some_and(|leaf| leaf.summary.issuer.contains("O=Let's Encrypt"));
    if !from_lets_encrypt {
        return;
    }
    for f in findings.iter_mut().filter(|f| {
        f.code == "eku-client-auth-missing" && f.input.as_deref() == Some(input::ALB_CLIENT_CERT)
    }) {
        f.message.push_str(
            ". It comes from Let's Encrypt, which no longer issues certificates with clientAuth \
             (since 2026), so IBM's ALB certificate cannot be the ALB's client certificate any \
             more: issue the ALB client certificate from a private CA and give that CA as the \
             client CA (the gateway trusts only it for this leg)",
        );
    }
}

struct RoleResult {
    view: ChainView,
    chain_pem: String,
    depth: u32,
}

/// One certificate role (gateway server certificate or ALB client certificate): chain to the
/// CA, names, key match. Findings are appended.
fn check_role(
    certs: &[Cert],
    key: Option<&PrivateKey>,
    cas: &[Cert],
    usage: Usage,
    hosts: &[&str],
    at: i64,
    findings: &mut Vec<Finding>,
) -> RoleResult {
    let Some(li) = verify::pick_leaf(certs) else {
        return RoleResult {
            view: ChainView::default(),
            chain_pem: String::new(),
            depth: 1,
        };
    };
    let Some(leaf) = certs.get(li) else {
        return RoleResult {
            view: ChainView::default(),
            chain_pem: String::new(),
            depth: 1,
        };
    };
    let pool: Vec<Cert> = certs
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != li)
        .map(|(_, c)| c.clone())
        .collect();

    if let Some(k) = key {
        findings.extend(key::key_pair_findings(k, leaf));
    }
    for h in hosts {
        match names::parse_host(h) {
            Ok(host) => {
                if let Err(why) = names::check_host(leaf, &host) {
                    findings.push(Finding::error("name-mismatch", why, Some(&leaf.input)));
                }
            }
            Err(e) => findings.push(Finding::error(
                "name-mismatch",
                format!("gateway host {e}; fix the host in the settings"),
                Some(&leaf.input),
            )),
        }
    }

    let (chain, view) = if cas.is_empty() {
        // Without a CA only the certificates themselves can be checked.
        for c in certs {
            findings.extend(cert::validity_findings(c, at));
        }
        let mut chain = vec![leaf.clone()];
        chain.extend(pool.iter().cloned());
        (chain, ChainView::default())
    } else {
        let r = verify::verify_chain(
            leaf,
            &pool,
            cas,
            &VerifyOptions {
                name: None,
                usage: Some(usage),
                at,
                max_intermediates: None,
                require_digital_signature: false,
            },
        );
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
    RoleResult {
        view,
        chain_pem: in_secret
            .iter()
            .map(|c| pem::encode("CERTIFICATE", &c.der))
            .collect(),
        depth,
    }
}

#[cfg(test)]
mod input_access_tests {
    use super::*;

    #[test]
    fn every_input_name_reaches_its_own_field_and_nothing_else() {
        let mut inputs = CertInputs::default();
        for name in input::ALL {
            *inputs.get_mut(name).expect(name) = format!("text of {name}");
        }
        for name in input::ALL {
            assert_eq!(
                inputs.get(name),
                Some(format!("text of {name}").as_str()),
                "{name}"
            );
        }
        assert_eq!(inputs.nlb_key, "text of nlb_key");
        assert_eq!(inputs.gateway_ca, "text of gateway_ca");
        assert_eq!(inputs.get("cluster_name"), None);
        assert!(inputs.get_mut("").is_none());
    }
}
