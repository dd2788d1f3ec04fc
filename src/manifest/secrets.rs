//! The secrets of the procedure, declared once: name, type and which data key holds what. The
//! manifests fill them from the checked certificates; `verify.sh` checks the same keys.

use super::apis::{Apis, GatewayCerts, IngressApi};
use super::names;
use super::yaml::{concat_pem, secret};
use super::{Doc, Manifest};
use crate::inputs::CertInput;
use crate::pki::CheckReport;
use crate::settings::Settings;

/// What a secret data key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// One certificate input, normalised (the gateway CA falls back to the client CA).
    Input(CertInput),
    /// The gateway chain followed by the CA the ALB trusts: the procedure's `trusted.crt`
    /// (`cat nlb_certs/tls.crt trustid-x3-root.pem > trusted.crt`).
    TrustedBundle,
}

/// How the scripts treat a data key when they write a secret again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A certificate chain, leaf first: never replaced by one that expires earlier.
    Leaf,
    /// The private key of the leaf in that data key: travels with it, and must match it.
    KeyOf(&'static str),
    /// CA certificates to trust.
    Ca,
}

impl Content {
    /// The inputs whose certificate a key input belongs to.
    fn leaf_of_key(self) -> &'static [Content] {
        use CertInput::{AlbClientCert, ClientCa, NlbCert};
        match self {
            Content::Input(CertInput::NlbKey) => &[Content::Input(NlbCert), Content::TrustedBundle],
            Content::Input(CertInput::AlbClientKey) => &[Content::Input(AlbClientCert)],
            Content::Input(CertInput::ClientCaKey) => &[Content::Input(ClientCa)],
            Content::Input(
                CertInput::NlbCert
                | CertInput::AlbClientCert
                | CertInput::ClientCa
                | CertInput::GatewayCa,
            )
            | Content::TrustedBundle => &[],
        }
    }
}

/// One secret the bundle creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSpec {
    pub name: &'static str,
    /// `kubernetes.io/tls` or `Opaque`.
    pub type_: &'static str,
    /// Data keys in the order `verify.sh` checks them, with what each holds.
    pub data: Vec<(&'static str, Content)>,
}

impl SecretSpec {
    /// Whether any key holds a private key (mode 0600 in the bundle).
    pub fn holds_key(&self) -> bool {
        self.data
            .iter()
            .any(|(_, c)| matches!(c, Content::Input(i) if i.is_key()))
    }

    /// The role of each data key, in order.
    pub fn roles(&self) -> Vec<(&'static str, Role)> {
        self.data
            .iter()
            .map(|(key, content)| {
                let role = match content {
                    Content::TrustedBundle
                    | Content::Input(CertInput::NlbCert | CertInput::AlbClientCert) => Role::Leaf,
                    Content::Input(CertInput::ClientCa | CertInput::GatewayCa) => Role::Ca,
                    Content::Input(
                        CertInput::NlbKey | CertInput::AlbClientKey | CertInput::ClientCaKey,
                    ) => self
                        .data
                        .iter()
                        .find(|(_, c)| content.leaf_of_key().contains(c))
                        .map_or(Role::Ca, |(leaf, _)| Role::KeyOf(leaf)),
                };
                (*key, role)
            })
            .collect()
    }

    /// The bundle path of its manifest.
    pub fn path(&self) -> String {
        format!("secrets/{}.yaml", self.name)
    }
}

/// Every secret of the profile, in apply order.
pub fn secrets(apis: &Apis) -> Vec<SecretSpec> {
    use CertInput::{AlbClientCert, AlbClientKey, ClientCa, GatewayCa, NlbCert, NlbKey};
    let mut out = Vec::new();
    match apis.gateway_certs {
        GatewayCerts::FileMounted => {
            out.push(SecretSpec {
                name: names::CLASSIC_GATEWAY_CERTS,
                type_: "kubernetes.io/tls",
                data: vec![
                    ("tls.crt", Content::TrustedBundle),
                    ("tls.key", Content::Input(NlbKey)),
                ],
            });
            out.push(SecretSpec {
                name: names::CLASSIC_GATEWAY_CA_CERTS,
                type_: "Opaque",
                data: vec![(names::CLASSIC_CA_FILE, Content::Input(ClientCa))],
            });
        }
        GatewayCerts::Sds => out.push(SecretSpec {
            name: names::CURRENT_GATEWAY_CREDENTIAL,
            type_: "kubernetes.io/tls",
            data: vec![
                ("tls.crt", Content::Input(NlbCert)),
                ("tls.key", Content::Input(NlbKey)),
                ("ca.crt", Content::Input(ClientCa)),
            ],
        }),
    }
    out.push(match apis.ingress {
        IngressApi::ExtensionsV1beta1Ibm => SecretSpec {
            name: names::CLASSIC_ALB_CERTS,
            type_: "Opaque",
            data: vec![
                ("trusted.crt", Content::TrustedBundle),
                ("client.crt", Content::Input(AlbClientCert)),
                ("client.key", Content::Input(AlbClientKey)),
            ],
        },
        IngressApi::NetworkingV1Nginx => SecretSpec {
            name: names::CURRENT_ALB_PROXY_SSL,
            type_: "kubernetes.io/tls",
            data: vec![
                ("tls.crt", Content::Input(AlbClientCert)),
                ("tls.key", Content::Input(AlbClientKey)),
                ("ca.crt", Content::Input(GatewayCa)),
            ],
        },
    });
    out
}

/// The secret manifests, filled from the checked certificates.
pub(super) fn render(s: &Settings, apis: &Apis, report: &CheckReport) -> Vec<Manifest> {
    let content = |c: Content| match c {
        Content::Input(i) => report.pems[i].clone(),
        Content::TrustedBundle => concat_pem(&[
            &report.pems[CertInput::NlbCert],
            &report.pems[CertInput::GatewayCa],
        ]),
    };
    secrets(apis)
        .into_iter()
        .map(|spec| {
            let data: Vec<(&str, String)> =
                spec.data.iter().map(|(k, c)| (*k, content(*c))).collect();
            Manifest::new(
                Doc::Secret(spec.name),
                spec.path(),
                spec.holds_key(),
                vec![secret(
                    s,
                    spec.name,
                    &s.gateway_namespace,
                    spec.type_,
                    &data,
                )],
            )
        })
        .collect()
}
