//! The Istio side: `03` mutual TLS for the app namespace, `04` the destination rule, `05` the
//! gateway with mutual TLS on 443 and `06` the route from the gateway to the app.

use super::apis::{Apis, GatewayCerts, MtlsPolicy};
use super::types::*;
use super::yaml::{doc, map};
use super::{Doc, Manifest, alb_host, names};
use crate::settings::Settings;

/// 03: mutual TLS required for the app namespace.
pub(super) fn mtls_policy(s: &Settings, apis: &Apis) -> Manifest {
    let meta = ObjectMeta::new(names::MTLS_POLICY, Some(&s.app_namespace));
    match apis.mtls {
        MtlsPolicy::PolicyV1alpha1 => {
            let policy = Resource {
                api_version: "authentication.istio.io/v1alpha1",
                kind: "Policy",
                metadata: meta,
                spec: PolicySpec {
                    peers: vec![PeerMethod { mtls: Empty {} }],
                },
            };
            Manifest::new(
                Doc::MtlsPolicy,
                "manifests/03-mtls-policy.yaml",
                false,
                vec![doc(s, policy)],
            )
        }
        MtlsPolicy::PeerAuthenticationV1 => {
            let pa = Resource {
                api_version: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: meta,
                spec: PeerAuthenticationSpec {
                    mtls: PeerMtls { mode: "STRICT" },
                },
            };
            Manifest::new(
                Doc::MtlsPolicy,
                "manifests/03-peer-authentication.yaml",
                false,
                vec![doc(s, pa)],
            )
        }
    }
}

/// 04: sidecars use Istio mutual TLS towards the app namespace.
pub(super) fn destination_rule(s: &Settings, apis: &Apis) -> Manifest {
    let ns = &s.app_namespace;
    let meta = ObjectMeta::new(names::DESTINATION_RULE, Some(ns));
    let dr = Resource {
        api_version: apis.networking,
        kind: "DestinationRule",
        metadata: meta,
        spec: DestinationRuleSpec {
            host: format!("*.{ns}.svc.cluster.local"),
            traffic_policy: TrafficPolicy {
                tls: ClientTls {
                    mode: "ISTIO_MUTUAL",
                },
            },
        },
    };
    Manifest::new(
        Doc::DestinationRule,
        "manifests/04-destination-rule.yaml",
        false,
        vec![doc(s, dr)],
    )
}

/// The hosts the gateway server and the route accept. Classic: `*` as documented. Current: the
/// ALB sends SNI = `nlb_domain` (proxy-ssl-name) and Host = `<app>.<alb_domain>`; curl to the
/// NLB sends both as `nlb_domain`.
fn gateway_hosts(s: &Settings, apis: &Apis) -> Vec<String> {
    match apis.gateway_certs {
        GatewayCerts::FileMounted => vec!["*".to_owned()],
        GatewayCerts::Sds | GatewayCerts::SdsIbmManaged => {
            vec![s.nlb_domain.clone(), alb_host(s)]
        }
    }
}

/// The secret the gateway's `credentialName` names: our copy, or IBM's own NLB secret (whose
/// client CA Istio then reads from `<name>-cacert`).
pub fn credential_name(s: &Settings, apis: &Apis) -> String {
    match apis.gateway_certs {
        GatewayCerts::SdsIbmManaged => s.nlb_secret.clone(),
        GatewayCerts::FileMounted | GatewayCerts::Sds => names::CURRENT_GATEWAY_CREDENTIAL.into(),
    }
}

/// 05: the gateway, mutual TLS on 443.
pub(super) fn gateway(s: &Settings, apis: &Apis) -> Manifest {
    let tls = match apis.gateway_certs {
        GatewayCerts::FileMounted => ServerTls {
            mode: "MUTUAL",
            server_certificate: Some("/etc/istio/ingressgateway-certs/tls.crt".into()),
            private_key: Some("/etc/istio/ingressgateway-certs/tls.key".into()),
            ca_certificates: Some(format!(
                "/etc/istio/ingressgateway-ca-certs/{}",
                names::CLASSIC_CA_FILE
            )),
            credential_name: None,
        },
        GatewayCerts::Sds | GatewayCerts::SdsIbmManaged => ServerTls {
            mode: "MUTUAL",
            server_certificate: None,
            private_key: None,
            ca_certificates: None,
            credential_name: Some(credential_name(s, apis)),
        },
    };
    let meta = ObjectMeta::new(names::GATEWAY, Some(&s.gateway_namespace));
    let gw = Resource {
        api_version: apis.networking,
        kind: "Gateway",
        metadata: meta,
        spec: GatewaySpec {
            selector: map(&[names::GATEWAY_SELECTOR]),
            servers: vec![Server {
                port: GatewayPort {
                    number: 443,
                    name: "https",
                    protocol: "HTTPS",
                },
                tls,
                hosts: gateway_hosts(s, apis),
            }],
        },
    };
    Manifest::new(
        Doc::Gateway,
        "manifests/05-gateway.yaml",
        false,
        vec![doc(s, gw)],
    )
}

/// 06: route `path` to the app through the gateway.
pub(super) fn virtual_service(s: &Settings, apis: &Apis) -> Manifest {
    let ns = &s.app_namespace;
    let port = u16::try_from(s.app_port).unwrap_or(8000);
    let meta = ObjectMeta::new(names::VIRTUAL_SERVICE, Some(&s.gateway_namespace));
    let vs = Resource {
        api_version: apis.networking,
        kind: "VirtualService",
        metadata: meta,
        spec: VirtualServiceSpec {
            hosts: gateway_hosts(s, apis),
            gateways: vec![names::GATEWAY.into()],
            http: vec![HttpRoute {
                match_: vec![HttpMatch {
                    uri: StringMatch {
                        prefix: s.path.clone(),
                    },
                }],
                route: vec![RouteDestination {
                    destination: Destination {
                        host: format!("{}.{ns}.svc.cluster.local", s.app),
                        port: PortNumber { number: port },
                    },
                }],
            }],
        },
    };
    Manifest::new(
        Doc::Route,
        "manifests/06-virtual-service.yaml",
        false,
        vec![doc(s, vs)],
    )
}
