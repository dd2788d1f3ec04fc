//! `07-ingress.yaml`: the ALB Ingress in the gateway namespace, forwarding to the gateway
//! service on 443 over mutual TLS (STRICT mTLS breaks direct ALB → pod traffic).

use super::apis::{Apis, IngressApi};
use super::types::*;
use super::yaml::doc;
use super::{Doc, Manifest, alb_host, names, verify_depth};
use crate::pki::CheckReport;
use crate::settings::Settings;

/// 07: the ALB Ingress.
pub(super) fn ingress(s: &Settings, apis: &Apis, report: &CheckReport) -> Manifest {
    let host = alb_host(s);
    let tls = vec![IngressTls {
        hosts: vec![host.clone()],
        secret_name: s.alb_secret.clone(),
    }];
    let gw_ns = s.gateway_namespace.as_str();
    let docs = match apis.ingress {
        IngressApi::ExtensionsV1beta1Ibm => {
            let meta = ObjectMeta::new(names::INGRESS, Some(gw_ns)).annotate(
                "ingress.bluemix.net/ssl-services",
                &format!(
                    "ssl-service={} ssl-secret={}",
                    names::GATEWAY_SERVICE,
                    names::CLASSIC_ALB_CERTS
                ),
            );
            let ing = Resource {
                api_version: "extensions/v1beta1",
                kind: "Ingress",
                metadata: meta,
                spec: IngressSpec {
                    ingress_class_name: None,
                    tls,
                    rules: vec![IngressRule {
                        host,
                        http: HttpIngressRuleValue {
                            paths: vec![V1beta1Path {
                                path: s.path.clone(),
                                backend: V1beta1Backend {
                                    service_name: names::GATEWAY_SERVICE.into(),
                                    service_port: 443,
                                },
                            }],
                        },
                    }],
                },
            };
            doc(s, ing)
        }
        IngressApi::NetworkingV1Nginx => {
            let p = "nginx.ingress.kubernetes.io/";
            let depth = verify_depth(report).to_string();
            let secret_ref = format!("{gw_ns}/{}", names::CURRENT_ALB_PROXY_SSL);
            let meta = ObjectMeta::new(names::INGRESS, Some(gw_ns))
                .annotate(&format!("{p}backend-protocol"), "HTTPS")
                .annotate(&format!("{p}proxy-ssl-secret"), &secret_ref)
                .annotate(&format!("{p}proxy-ssl-verify"), "on")
                .annotate(&format!("{p}proxy-ssl-verify-depth"), &depth)
                .annotate(&format!("{p}proxy-ssl-name"), &s.nlb_domain)
                .annotate(&format!("{p}proxy-ssl-server-name"), "on");
            v1_ingress(s, meta, "public-iks-k8s-nginx", names::GATEWAY_SERVICE, tls)
        }
        // Backend TLS lives on the Service's transport, so the Ingress carries no annotation.
        IngressApi::NetworkingV1Traefik => v1_ingress(
            s,
            ObjectMeta::new(names::INGRESS, Some(gw_ns)),
            "public-iks-traefik",
            names::TRAEFIK_SERVICE,
            tls,
        ),
    };
    // Last in apply order: after the transport and its Service on Traefik.
    let path = match apis.ingress {
        IngressApi::NetworkingV1Traefik => "manifests/09-ingress.yaml",
        IngressApi::ExtensionsV1beta1Ibm | IngressApi::NetworkingV1Nginx => {
            "manifests/07-ingress.yaml"
        }
    };
    Manifest::new(Doc::Ingress, path, false, vec![docs])
}

/// A `networking.k8s.io/v1` Ingress of `class` sending `path` on the ALB host to `service`:443.
fn v1_ingress(
    s: &Settings,
    meta: ObjectMeta,
    class: &str,
    service: &str,
    tls: Vec<IngressTls>,
) -> (super::ObjectRef, String) {
    let ing = Resource {
        api_version: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: meta,
        spec: IngressSpec {
            ingress_class_name: Some(class.into()),
            tls,
            rules: vec![IngressRule {
                host: alb_host(s),
                http: HttpIngressRuleValue {
                    paths: vec![V1Path {
                        path: s.path.clone(),
                        path_type: "Prefix",
                        backend: V1Backend {
                            service: V1ServiceBackend {
                                name: service.into(),
                                port: PortNumber { number: 443 },
                            },
                        },
                    }],
                },
            }],
        },
    };
    doc(s, ing)
}
