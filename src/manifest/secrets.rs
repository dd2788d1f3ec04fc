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
