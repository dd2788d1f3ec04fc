//! The two sides of the mutual TLS handshake, as facts about the cluster a bundle configures:
//! where each side's certificate, key and trusted CA live (which secret, which key, in the bundle
//! or only in the cluster), and how deep the ALB verifies the gateway chain. The preflight, the
//! scripts that check the cluster, the plan's findings and the README read them from here.

use super::{Apis, Content, GatewayCerts, IngressApi, SecretId, SecretSpec};
use crate::inputs::CertInput;
use crate::settings::Settings;

/// The verify depth of IBM's original ALB when `ssl-services` sets no `proxy-ssl-verify-depth`
/// (IBM's annotation reference: "By default, the depth is set to 5"), as the documented
/// (classic) Ingress sets none.
pub const CLASSIC_VERIFY_DEPTH: u32 = 5;

/// NGINX's `proxy_ssl_verify_depth` default, used by the community controller when the Ingress
/// sets no `proxy-ssl-verify-depth`.
pub const NGINX_DEFAULT_VERIFY_DEPTH: u32 = 1;

/// Where one file the handshake needs lives: a secret's manifest and a data key in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub secret: String,
    pub key: &'static str,
    /// What the data key holds: which file of `certs/` (or the procedure's `trusted.crt`) the
    /// bundle makes it of; for IBM's own secret, which file of the bundle it stands for.
    pub content: Content,
    /// Read from the cluster (`$GATEWAY_NAMESPACE`), not from the bundle: IBM's own secret,
    /// which the bundle holds no copy of.
    pub in_cluster: bool,
}

impl Source {
    /// The secret's manifest in the bundle.
    pub fn path(&self) -> String {
        format!("secrets/{}.yaml", self.secret)
    }
}

/// The files of each side, found in the one declaration of the secrets ([`super::secrets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    /// The gateway's certificate chain (leaf first) and key, and the CA it trusts for clients.
    pub gateway_chain: Source,
    pub gateway_key: Source,
    pub client_ca: Source,
    /// The ALB's client certificate and key, and the CA it trusts for the gateway.
    pub alb_cert: Source,
    pub alb_key: Source,
    pub alb_ca: Source,
}

fn find(specs: &[SecretSpec], want: impl Fn(&SecretSpec, Content) -> bool) -> Source {
    specs
        .iter()
        .flat_map(|s| s.data.iter().map(move |(k, c)| (s, *k, *c)))
        .find(|(s, _, c)| want(s, *c))
        .map(|(s, key, content)| Source {
            secret: s.name.clone(),
            key,
            content,
            in_cluster: false,
        })
        // Every profile declares all six (a unit test checks); an impossible miss names nothing,
        // and the script then fails on the missing file.
        .unwrap_or_else(|| Source {
            secret: "missing".into(),
            key: "missing",
            content: Content::TrustedBundle,
            in_cluster: false,
        })
}

fn holds(spec: &SecretSpec, input: CertInput) -> bool {
    spec.data.iter().any(|(_, c)| *c == Content::Input(input))
}

impl Sides {
    pub fn of(apis: &Apis, s: &Settings) -> Sides {
        use CertInput::{AlbClientCert, AlbClientKey, ClientCa, GatewayCa, NlbCert, NlbKey};
        let specs = super::secrets(apis, s);
        let input = |i: CertInput| move |_: &SecretSpec, c: Content| c == Content::Input(i);
        // IBM's own secret, which IBM renews in the gateway namespace: only in the cluster.
        let ibm = |key, input| Source {
            secret: s.nlb_secret.clone(),
            key,
            content: Content::Input(input),
            in_cluster: true,
        };
        let ibm_managed = apis.gateway_certs == GatewayCerts::SdsIbmManaged;
        Sides {
            // The chain the gateway serves: beside its key (classic: the trusted.crt bundle).
            gateway_chain: if ibm_managed {
                ibm("tls.crt", NlbCert)
            } else {
                find(&specs, |s, c| {
                    holds(s, NlbKey)
                        && matches!(c, Content::Input(NlbCert) | Content::TrustedBundle)
                })
            },
            gateway_key: if ibm_managed {
                ibm("tls.key", NlbKey)
            } else {
                find(&specs, input(NlbKey))
            },
            client_ca: find(&specs, input(ClientCa)),
            alb_cert: find(&specs, input(AlbClientCert)),
            alb_key: find(&specs, input(AlbClientKey)),
            // The CA the ALB trusts: beside its client certificate (classic: trusted.crt), or
            // Traefik's own rootCAs secret.
            alb_ca: find(&specs, |s, c| {
                (holds(s, AlbClientCert) || s.id == SecretId::AlbGatewayCa)
                    && matches!(c, Content::Input(GatewayCa) | Content::TrustedBundle)
            }),
        }
    }
}

/// The verify depth the ALB uses for the bundle's Ingress: the generated annotation (current) or
/// IBM's default (classic, whose documented annotation sets none). `None`: no limit (Traefik:
/// Go's crypto/tls verifies the whole chain).
pub fn alb_verify_depth(apis: &Apis, report: &crate::pki::CheckReport) -> Option<u32> {
    match apis.ingress {
        IngressApi::ExtensionsV1beta1Ibm => Some(CLASSIC_VERIFY_DEPTH),
        IngressApi::NetworkingV1Nginx => Some(super::verify_depth(report)),
        IngressApi::NetworkingV1Traefik => None,
    }
}

/// OpenSSL's own verify depth limit, which stands in for "no limit".
pub const OPENSSL_MAX_VERIFY_DEPTH: u32 = 100;
