//! The Traefik ALB's side of backend mutual TLS: a `ServersTransport` holding the client
//! certificate and the CA that verifies the gateway, and a Service of our own that selects the
//! gateway pods and names that transport. The add-on's `istio-ingressgateway` Service is left
//! alone, because the add-on may reconcile it and drop our annotations.

use super::types::*;
use super::yaml::{doc, map};
use super::{Doc, Manifest, names};
use crate::settings::Settings;

/// The group and the version written into the file. Traefik v3's CRD serves `v1alpha1`; IBM's
/// examples write `v1`, so `install.sh` asks the cluster and applies the version it serves.
pub const TRANSPORT_GROUP: &str = "traefik.io";
pub const TRANSPORT_API_VERSION: &str = "traefik.io/v1alpha1";

/// How the Ingress provider names a `ServersTransport` of the CRD provider.
pub fn transport_ref(s: &Settings) -> String {
    format!(
        "{}-{}@kubernetescrd",
        s.gateway_namespace,
        names::TRAEFIK_TRANSPORT
    )
}

/// 07: the transport, with `serverName` playing NGINX's `proxy-ssl-name`.
pub(super) fn servers_transport(s: &Settings) -> Manifest {
    let meta = ObjectMeta::new(names::TRAEFIK_TRANSPORT, Some(&s.gateway_namespace));
    let st = Resource {
        api_version: TRANSPORT_API_VERSION,
        kind: "ServersTransport",
        metadata: meta,
        spec: ServersTransportSpec {
            server_name: s.nlb_domain.clone(),
            root_cas: vec![RootCa {
                secret: names::TRAEFIK_GATEWAY_CA.into(),
            }],
            certificates_secrets: vec![names::TRAEFIK_CLIENT_TLS.into()],
        },
    };
    Manifest::new(
        Doc::ServersTransport,
        "manifests/07-servers-transport.yaml",
        false,
        vec![doc(s, st)],
    )
}

/// 08: the Service Traefik forwards to: the gateway pods' HTTPS port, over TLS, with the
/// transport above.
pub(super) fn alb_service(s: &Settings) -> Manifest {
    let meta = ObjectMeta::new(names::TRAEFIK_SERVICE, Some(&s.gateway_namespace))
        .annotate(
            "traefik.ingress.kubernetes.io/service.serverstransport",
            &transport_ref(s),
        )
        .annotate(
            "traefik.ingress.kubernetes.io/service.serversscheme",
            "https",
        );
    let svc = Resource {
        api_version: "v1",
        kind: "Service",
        metadata: meta,
        spec: ServiceSpec {
            ports: vec![ServicePort {
                name: "https".into(),
                port: 443,
                target_port: names::GATEWAY_HTTPS_TARGET_PORT,
            }],
            selector: map(&[names::GATEWAY_SELECTOR]),
        },
    };
    Manifest::new(
        Doc::AlbService,
        "manifests/08-alb-service.yaml",
        false,
        vec![doc(s, svc)],
    )
}
