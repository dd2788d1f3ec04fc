//! The gateway configured through the Kubernetes Gateway API (`gateway_config: gateway-api`):
//! `05` the ConfigMap holding the client CA, `05` a `gateway.networking.k8s.io/v1` `Gateway` bound
//! to the add-on's existing `istio-ingressgateway`, which requires the ALB's client certificate
//! (GEP-91, `spec.tls.frontend`, standard channel since v1.5, Istio 1.28+), and `06` the
//! `HTTPRoute` from it to the app. Field names are those of the v1.5 standard-channel CRDs
//! (`config/crd/standard/` of `sigs.k8s.io/gateway-api`, which the real-API-server tests register).
//!
//! Every reference stays in its own namespace: the certificate's secret and the CA's ConfigMap
//! are in the gateway namespace with the Gateway (IBM's own secret only when IBM keeps it there),
//! the route's backend in the app namespace with the route. A route's `parentRef` into the gateway
//! namespace is admitted by the listener's `allowedRoutes`, not by a `ReferenceGrant`. So the
//! bundle needs no `ReferenceGrant`; [`references`] lists them, and a test holds that none
//! crosses a namespace.

use super::apis::Apis;
use super::types::*;
use super::yaml::{doc, map};
use super::{Doc, Manifest, alb_host, credential_name, names};
use crate::inputs::CertInput;
use crate::pki::CheckReport;
use crate::settings::Settings;

/// The group of the Gateway API, and the version the bundle writes.
pub const GATEWAY_API_GROUP: &str = "gateway.networking.k8s.io";
pub const GATEWAY_API_VERSION: &str = "gateway.networking.k8s.io/v1";

/// The Istio controller's `GatewayClass`.
const GATEWAY_CLASS: &str = "istio";

/// The key the CA is held under: what GEP-91 requires of a ConfigMap `caCertificateRef`.
pub const CA_KEY: &str = "ca.crt";

/// The address binding the Gateway to the add-on's existing gateway Service (Istio's "manual
/// deployment": no new deployment, the existing pods take the configuration).
fn gateway_service_host(s: &Settings) -> String {
    format!(
        "{}.{}.svc.cluster.local",
        names::GATEWAY_SERVICE,
        s.gateway_namespace
    )
}

/// 05: the client CA as `ca.crt` in a ConfigMap beside the Gateway (a ConfigMap is the kind every
/// implementation supports, "Core" in GEP-91; a CA is not secret).
pub(super) fn client_ca(s: &Settings, report: &CheckReport) -> Manifest {
    let cm = ConfigMap {
        api_version: "v1",
        kind: "ConfigMap",
        metadata: ObjectMeta::new(names::GATEWAY_CLIENT_CA, Some(&s.gateway_namespace)),
        data: map(&[(CA_KEY, report.pems[CertInput::ClientCa].as_str())]),
    };
    Manifest::new(
        Doc::ClientCaBundle,
        "manifests/05-gateway-client-ca.yaml",
        false,
        vec![doc(s, cm)],
    )
}

/// 05: the Gateway. One HTTPS listener on 443 terminating TLS with the gateway's certificate,
/// admitting routes from the app namespace only; client certificates required for every HTTPS
/// listener (`AllowValidOnly`), verified with the client CA above.
///
/// The listener names no `hostname`: the ALB connects with SNI = `nlb_domain` but sends Host =
/// `<app>.<alb_domain>` (as the `istio` bundles' Gateway hosts say), and Istio matches the route's
/// host names only within the listener's. The route's `hostnames` hold both names instead.
pub(super) fn gateway(s: &Settings, apis: &Apis) -> Manifest {
    let meta = ObjectMeta::new(names::GATEWAY_API_GATEWAY, Some(&s.gateway_namespace));
    let gw = Resource {
        api_version: GATEWAY_API_VERSION,
        kind: "Gateway",
        metadata: meta,
        spec: KubeGatewaySpec {
            gateway_class_name: GATEWAY_CLASS,
            addresses: vec![GatewaySpecAddress {
                type_: "Hostname",
                value: gateway_service_host(s),
            }],
            listeners: vec![Listener {
                name: names::GATEWAY_API_LISTENER,
                port: 443,
                protocol: "HTTPS",
                tls: ListenerTls {
                    mode: "Terminate",
                    certificate_refs: vec![ObjectReference {
                        group: "",
                        kind: "Secret",
                        name: credential_name(s, apis),
                    }],
                },
                allowed_routes: AllowedRoutes {
                    namespaces: RouteNamespaces {
                        from: "Selector",
                        selector: LabelSelector {
                            match_labels: map(&[(
                                "kubernetes.io/metadata.name",
                                s.app_namespace.as_str(),
                            )]),
                        },
                    },
                    kinds: vec![RouteGroupKind {
                        group: GATEWAY_API_GROUP,
                        kind: "HTTPRoute",
                    }],
                },
            }],
            tls: GatewayTlsConfig {
                frontend: FrontendTls {
                    default: TlsConfig {
                        validation: FrontendTlsValidation {
                            ca_certificate_refs: vec![ObjectReference {
                                group: "",
                                kind: "ConfigMap",
                                name: names::GATEWAY_CLIENT_CA.into(),
                            }],
                            mode: "AllowValidOnly",
                        },
                    },
                },
            },
        },
    };
    Manifest::new(
        Doc::Gateway,
        "manifests/05-gateway.yaml",
        false,
        vec![doc(s, gw)],
    )
}

/// The host names the route serves: the NLB host name (curl and the handshake checks) and the
/// ALB host the ALB forwards as Host.
fn route_hostnames(s: &Settings) -> Vec<String> {
    vec![s.nlb_domain.clone(), alb_host(s)]
}

/// 06: the route, in the app namespace: `path` (a prefix) on the route's host names to the app.
pub(super) fn http_route(s: &Settings) -> Manifest {
    let port = u16::try_from(s.app_port).unwrap_or(8000);
    let meta = ObjectMeta::new(names::HTTP_ROUTE, Some(&s.app_namespace));
    let route = Resource {
        api_version: GATEWAY_API_VERSION,
        kind: "HTTPRoute",
        metadata: meta,
        spec: HttpRouteSpec {
            parent_refs: vec![ParentReference {
                group: GATEWAY_API_GROUP,
                kind: "Gateway",
                namespace: s.gateway_namespace.clone(),
                name: names::GATEWAY_API_GATEWAY,
                section_name: names::GATEWAY_API_LISTENER,
            }],
            hostnames: route_hostnames(s),
            rules: vec![HttpRouteRule {
                matches: vec![HttpRouteMatch {
                    path: HttpPathMatch {
                        type_: "PathPrefix",
                        value: s.path.clone(),
                    },
                }],
                backend_refs: vec![HttpBackendRef {
                    group: "",
                    kind: "Service",
                    name: s.app.clone(),
                    port,
                }],
            }],
        },
    };
    Manifest::new(
        Doc::Route,
        "manifests/06-http-route.yaml",
        false,
        vec![doc(s, route)],
    )
}

/// One reference between objects of the Gateway API bundle: what a `ReferenceGrant` would have to
/// allow when `from_namespace` and `to_namespace` differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub from_kind: &'static str,
    pub from_namespace: String,
    pub to_kind: &'static str,
    pub to_namespace: String,
    pub to_name: String,
}

/// Every reference the Gateway and the route make that a `ReferenceGrant` governs (Gateway API:
/// certificate and CA references of a Gateway, backend references of a route; a route's
/// `parentRef` is governed by the listener's `allowedRoutes` instead).
pub fn references(s: &Settings, apis: &Apis) -> Vec<Reference> {
    let gw = |to_kind, to_namespace: &str, to_name: String| Reference {
        from_kind: "Gateway",
        from_namespace: s.gateway_namespace.clone(),
        to_kind,
        to_namespace: to_namespace.to_owned(),
        to_name,
    };
    // IBM's own secret is used in place only when IBM keeps it in the gateway namespace
    // (`Settings::ibm_keeps_gateway_secret`); otherwise it is our copy, there too.
    vec![
        gw("Secret", &s.gateway_namespace, credential_name(s, apis)),
        gw(
            "ConfigMap",
            &s.gateway_namespace,
            names::GATEWAY_CLIENT_CA.into(),
        ),
        Reference {
            from_kind: "HTTPRoute",
            from_namespace: s.app_namespace.clone(),
            to_kind: "Service",
            to_namespace: s.app_namespace.clone(),
            to_name: s.app.clone(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{GatewayConfig, Profile};

    fn settings(ibm_renewed: bool) -> Settings {
        let mut s = crate::demo::settings();
        s.profile = Profile::Current;
        s.gateway_config = GatewayConfig::GatewayApi;
        if ibm_renewed {
            s.nlb_secret_namespace = s.gateway_namespace.clone();
        }
        s
    }

    fn yaml(m: &Manifest) -> serde_yaml::Value {
        serde_yaml::from_str(&m.yaml).unwrap()
    }

    /// No reference crosses a namespace in either secret mode, so no `ReferenceGrant` is needed.
    #[test]
    fn no_reference_crosses_a_namespace() {
        for renewed in [false, true] {
            let s = settings(renewed);
            let refs = references(&s, &Apis::of(&s));
            assert_eq!(refs.len(), 3);
            for r in refs {
                assert_eq!(r.from_namespace, r.to_namespace, "{r:?}");
            }
        }
    }

    #[test]
    fn the_gateway_is_the_issues() {
        for renewed in [false, true] {
            let s = settings(renewed);
            let apis = Apis::of(&s);
            let y = yaml(&gateway(&s, &apis));
            let spec = &y["spec"];
            assert_eq!(y["apiVersion"], "gateway.networking.k8s.io/v1");
            assert_eq!(y["metadata"]["namespace"], s.gateway_namespace.as_str());
            assert_eq!(spec["gatewayClassName"], "istio");
            assert_eq!(spec["addresses"][0]["type"], "Hostname");
            assert_eq!(
                spec["addresses"][0]["value"],
                "istio-ingressgateway.istio-system.svc.cluster.local"
            );
            let l = &spec["listeners"][0];
            assert_eq!(spec["listeners"].as_sequence().unwrap().len(), 1);
            assert_eq!(
                (l["port"].as_u64(), l["protocol"].as_str()),
                (Some(443), Some("HTTPS"))
            );
            assert_eq!(l["tls"]["mode"], "Terminate");
            let want_secret = if renewed {
                s.nlb_secret.as_str()
            } else {
                names::CURRENT_GATEWAY_CREDENTIAL
            };
            assert_eq!(l["tls"]["certificateRefs"][0]["name"], want_secret);
            assert_eq!(l["tls"]["certificateRefs"][0]["kind"], "Secret");
            let from = &l["allowedRoutes"]["namespaces"];
            assert_eq!(from["from"], "Selector");
            assert_eq!(
                from["selector"]["matchLabels"]["kubernetes.io/metadata.name"],
                s.app_namespace.as_str()
            );
            let v = &spec["tls"]["frontend"]["default"]["validation"];
            assert_eq!(v["mode"], "AllowValidOnly");
            let refs = v["caCertificateRefs"].as_sequence().unwrap();
            assert_eq!(refs.len(), 1);
            assert_eq!(refs[0]["kind"], "ConfigMap");
            assert_eq!(refs[0]["name"], names::GATEWAY_CLIENT_CA);
        }
    }

    #[test]
    fn the_route_sends_the_path_to_the_app() {
        let s = settings(false);
        let y = yaml(&http_route(&s));
        assert_eq!(y["metadata"]["namespace"], s.app_namespace.as_str());
        let p = &y["spec"]["parentRefs"][0];
        assert_eq!(p["name"], names::GATEWAY_API_GATEWAY);
        assert_eq!(p["namespace"], s.gateway_namespace.as_str());
        assert_eq!(p["sectionName"], names::GATEWAY_API_LISTENER);
        assert_eq!(y["spec"]["hostnames"][0], s.nlb_domain.as_str());
        assert_eq!(y["spec"]["hostnames"][1], alb_host(&s).as_str());
        let rule = &y["spec"]["rules"][0];
        assert_eq!(rule["matches"][0]["path"]["type"], "PathPrefix");
        assert_eq!(rule["matches"][0]["path"]["value"], s.path.as_str());
        assert_eq!(rule["backendRefs"][0]["name"], s.app.as_str());
        assert_eq!(
            rule["backendRefs"][0]["port"].as_u64(),
            Some(s.app_port.into())
        );
    }

    #[test]
    fn the_ca_bundle_holds_the_client_ca_as_ca_crt() {
        let s = settings(false);
        let mut report = CheckReport::default();
        report.pems[CertInput::ClientCa] =
            "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n".into();
        let y = yaml(&client_ca(&s, &report));
        assert_eq!(y["kind"], "ConfigMap");
        assert_eq!(y["metadata"]["namespace"], s.gateway_namespace.as_str());
        assert_eq!(
            y["data"]["ca.crt"],
            report.pems[CertInput::ClientCa].as_str()
        );
    }
}
