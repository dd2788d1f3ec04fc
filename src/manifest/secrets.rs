//! The secrets of the procedure, declared once: name, type and which data key holds what. The
//! manifests fill them from the checked certificates; `verify.sh` checks the same keys.

use super::apis::{Apis, GatewayCerts, IngressApi};
use super::names;
use super::yaml::{concat_pem, secret};
use super::{Doc, Manifest};
use crate::inputs::CertInput;
use crate::pki::CheckReport;
use crate::settings::{Field, Settings};

/// What a secret data key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// One certificate input, normalised.
    Input(CertInput),
    /// The gateway chain followed by the CA the ALB trusts: the procedure's `trusted.crt`
    /// (`cat nlb_certs/tls.crt trustid-x3-root.pem > trusted.crt`).
    TrustedBundle,
}

/// Which secret of the procedure a [`SecretSpec`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretId {
    /// classic: the gateway's file-mounted certificate and key.
    ClassicGatewayCerts,
    /// classic: the gateway's file-mounted client CA.
    ClassicGatewayCaCerts,
    /// classic: IBM's `ssl-services` secret for the ALB.
    ClassicAlbCerts,
    /// current: the gateway credential (certificate, key, client CA).
    GatewayCredential,
    /// current, IBM-renewed mode: the client CA beside IBM's own secret, `<secret>-cacert`.
    IbmSecretCaCert,
    /// current, NGINX: the ALB's `proxy-ssl-secret` (client certificate, key, gateway CA).
    AlbProxySsl,
    /// current, Traefik: the client certificate Traefik presents (`certificatesSecrets`).
    AlbClientTls,
    /// current, Traefik: the CA Traefik verifies the gateway with (`rootCAs`).
    AlbGatewayCa,
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
    pub id: SecretId,
    pub name: String,
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

/// Every secret of these settings, in apply order.
pub fn secrets(apis: &Apis, s: &Settings) -> Vec<SecretSpec> {
    use CertInput::{AlbClientCert, AlbClientKey, ClientCa, GatewayCa, NlbCert, NlbKey};
    let spec = |id, name: &str, type_, data: Vec<(&'static str, Content)>| SecretSpec {
        id,
        name: name.to_owned(),
        type_,
        data,
    };
    let mut out = Vec::new();
    match apis.gateway_certs {
        GatewayCerts::FileMounted => {
            out.push(spec(
                SecretId::ClassicGatewayCerts,
                names::CLASSIC_GATEWAY_CERTS,
                "kubernetes.io/tls",
                vec![
                    ("tls.crt", Content::TrustedBundle),
                    ("tls.key", Content::Input(NlbKey)),
                ],
            ));
            out.push(spec(
                SecretId::ClassicGatewayCaCerts,
                names::CLASSIC_GATEWAY_CA_CERTS,
                "Opaque",
                vec![(names::CLASSIC_CA_FILE, Content::Input(ClientCa))],
            ));
        }
        GatewayCerts::Sds => out.push(spec(
            SecretId::GatewayCredential,
            names::CURRENT_GATEWAY_CREDENTIAL,
            "kubernetes.io/tls",
            vec![
                ("tls.crt", Content::Input(NlbCert)),
                ("tls.key", Content::Input(NlbKey)),
                ("ca.crt", Content::Input(ClientCa)),
            ],
        )),
        // IBM's own secret holds the certificate and key; Istio reads the client CA for
        // MUTUAL mode from `<credentialName>-cacert`.
        GatewayCerts::SdsIbmManaged => out.push(spec(
            SecretId::IbmSecretCaCert,
            &names::ibm_ca_cert(&s.nlb_secret),
            "Opaque",
            vec![("ca.crt", Content::Input(ClientCa))],
        )),
    }
    match apis.ingress {
        IngressApi::ExtensionsV1beta1Ibm => out.push(spec(
            SecretId::ClassicAlbCerts,
            names::CLASSIC_ALB_CERTS,
            "Opaque",
            vec![
                ("trusted.crt", Content::TrustedBundle),
                ("client.crt", Content::Input(AlbClientCert)),
                ("client.key", Content::Input(AlbClientKey)),
            ],
        )),
        IngressApi::NetworkingV1Nginx => out.push(spec(
            SecretId::AlbProxySsl,
            names::CURRENT_ALB_PROXY_SSL,
            "kubernetes.io/tls",
            vec![
                ("tls.crt", Content::Input(AlbClientCert)),
                ("tls.key", Content::Input(AlbClientKey)),
                ("ca.crt", Content::Input(GatewayCa)),
            ],
        )),
        IngressApi::NetworkingV1Traefik => {
            out.push(spec(
                SecretId::AlbClientTls,
                names::TRAEFIK_CLIENT_TLS,
                "kubernetes.io/tls",
                vec![
                    ("tls.crt", Content::Input(AlbClientCert)),
                    ("tls.key", Content::Input(AlbClientKey)),
                ],
            ));
            out.push(spec(
                SecretId::AlbGatewayCa,
                names::TRAEFIK_GATEWAY_CA,
                "Opaque",
                vec![("ca.crt", Content::Input(GatewayCa))],
            ));
        }
    }
    out
}

impl SecretId {
    /// What the secret is for, in a sentence ("the bundle's {what}").
    pub const fn what(self) -> &'static str {
        match self {
            SecretId::ClassicGatewayCerts => "gateway certificate and key",
            SecretId::ClassicGatewayCaCerts => "gateway client CA",
            SecretId::ClassicAlbCerts => "ALB ssl-services secret",
            SecretId::GatewayCredential => "gateway credential",
            SecretId::IbmSecretCaCert => "client CA beside IBM's NLB secret",
            SecretId::AlbProxySsl => "ALB proxy-ssl secret",
            SecretId::AlbClientTls => "Traefik client certificate",
            SecretId::AlbGatewayCa => "Traefik gateway CA",
        }
    }

    /// The setting the secret's name is made from, if any (`<nlb_secret>-cacert`).
    pub const fn named_by(self) -> Option<Field> {
        match self {
            SecretId::IbmSecretCaCert => Some(Field::NlbSecret),
            SecretId::ClassicGatewayCerts
            | SecretId::ClassicGatewayCaCerts
            | SecretId::ClassicAlbCerts
            | SecretId::GatewayCredential
            | SecretId::AlbProxySsl
            | SecretId::AlbClientTls
            | SecretId::AlbGatewayCa => None,
        }
    }
}

/// Whose a secret in the cluster is, to tell two secrets of one name apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretOwner {
    /// One of the bundle's own secrets.
    Bundle(SecretId),
    /// IBM's secret that a setting names (`nlb_secret`, `alb_secret`), or install's copy of it
    /// under the same name: the same secret, wherever it is.
    Ibm(Field),
}

impl SecretOwner {
    /// The setting that names the secret, if a setting does.
    pub const fn field(self) -> Option<Field> {
        match self {
            SecretOwner::Bundle(id) => id.named_by(),
            SecretOwner::Ibm(field) => Some(field),
        }
    }
}

/// A secret the scripts write or read, and the namespace it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub namespace: String,
    pub name: String,
    pub owner: SecretOwner,
}

/// Every secret the scripts write or read, with its namespace: the bundle's own (all in the
/// gateway namespace), IBM's NLB secret where IBM keeps it, IBM's ALB secret in `default` and,
/// when install copies it next to the Ingress, in the gateway namespace. Two placements with one
/// namespace and name but different owners are one secret written over the other.
///
/// The sharing the README documents is not a collision: in IBM-renewed mode the Gateway's
/// `credentialName` is IBM's NLB secret itself, and the bundle then has no gateway credential
/// of its own (only `<nlb_secret>-cacert`).
pub fn placements(apis: &Apis, s: &Settings) -> Vec<Placement> {
    let at = |namespace: &str, name: &str, owner| Placement {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        owner,
    };
    let mut out: Vec<Placement> = secrets(apis, s)
        .into_iter()
        .map(|spec| {
            at(
                &s.gateway_namespace,
                &spec.name,
                SecretOwner::Bundle(spec.id),
            )
        })
        .collect();
    out.push(at(
        s.ibm_secret_namespace(),
        &s.nlb_secret,
        SecretOwner::Ibm(Field::NlbSecret),
    ));
    out.push(at(
        crate::settings::IBM_DEFAULT_NAMESPACE,
        &s.alb_secret,
        SecretOwner::Ibm(Field::AlbSecret),
    ));
    if apis.copies_alb_secret() {
        out.push(at(
            &s.gateway_namespace,
            &s.alb_secret,
            SecretOwner::Ibm(Field::AlbSecret),
        ));
    }
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
    secrets(apis, s)
        .into_iter()
        .map(|spec| {
            let data: Vec<(&str, String)> =
                spec.data.iter().map(|(k, c)| (*k, content(*c))).collect();
            Manifest::new(
                Doc::Secret(spec.id),
                spec.path(),
                spec.holds_key(),
                vec![secret(
                    s,
                    &spec.name,
                    &s.gateway_namespace,
                    spec.type_,
                    &data,
                )],
            )
        })
        .collect()
}
