//! The Kubernetes and Istio resources of the procedure, for one [`Profile`], as typed structs
//! serialised with `serde_yaml`.
//!
//! *classic* is the documented procedure verbatim (Istio ~1.4, `extensions/v1beta1`, IBM's
//! `ssl-services` annotation, file-mounted gateway certificates). *current* is the same topology
//! with today's APIs (see `field-notes.md`): `PeerAuthentication`, `networking.istio.io/v1`,
//! SDS `credentialName`, `networking.k8s.io/v1` Ingress with NGINX backend-TLS annotations.

pub mod types;

use crate::pki::setup::SetupReport;
use crate::setup::{Profile, Settings};
use base64::Engine as _;
use serde::Serialize;
use std::collections::BTreeMap;
use types::*;

/// Fixed resource names (the procedure's, where it names them).
pub mod names {
    pub const GATEWAY: &str = "default-ingress-gateway";
    pub const VIRTUAL_SERVICE: &str = "default-ingress";
    pub const INGRESS: &str = "alb-ingress";
    pub const MTLS_POLICY: &str = "default";
    pub const DESTINATION_RULE: &str = "default";
    /// The gateway service the ALB forwards to (Ingress backend) and its pods' label.
    pub const GATEWAY_SERVICE: &str = "istio-ingressgateway";
    pub const GATEWAY_SELECTOR: (&str, &str) = ("istio", "ingressgateway");
    // classic: exactly as documented (the gateway mounts these two by name).
    pub const CLASSIC_GATEWAY_CERTS: &str = "istio-ingressgateway-certs";
    pub const CLASSIC_GATEWAY_CA_CERTS: &str = "istio-ingressgateway-ca-certs";
    pub const CLASSIC_ALB_CERTS: &str = "alb-certs";
    /// File name of the client CA inside `istio-ingressgateway-ca-certs`, as documented (the
    /// content is the configured `client_ca`, whatever its real name).
    pub const CLASSIC_CA_FILE: &str = "trustid-x3-root.pem";
    // current: names not starting with `istio` (reserved by Istio).
    pub const CURRENT_GATEWAY_CREDENTIAL: &str = "nlb-gateway-mtls";
    pub const CURRENT_ALB_PROXY_SSL: &str = "alb-proxy-ssl";
}

/// One generated YAML file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Path inside the bundle folder, e.g. `manifests/01-namespace.yaml`.
    pub path: String,
    pub yaml: String,
    /// `true` for secrets holding a private key (written with mode 0600).
    pub holds_key: bool,
    /// Resources in the file as `(kind, namespace, name)`, for scripts and docs.
    pub objects: Vec<(String, String, String)>,
}

/// The sample app's image and container port per profile (Istio's `samples/httpbin`).
fn sample_image(profile: Profile) -> (&'static str, u16) {
    match profile {
        Profile::Classic => ("docker.io/kennethreitz/httpbin", 80),
        Profile::Current => ("docker.io/mccutchen/go-httpbin:v2.15.0", 8080),
    }
}

/// Host the ALB serves the app under: `<app>.<alb_domain>` as in the procedure.
pub fn alb_host(s: &Settings) -> String {
    format!("{}.{}", s.app, s.alb_domain)
}

/// The `proxy-ssl-verify-depth` written into the current Ingress (at least 1).
pub fn verify_depth(report: &SetupReport) -> u32 {
    report.verify_depth.max(1)
}

struct Builder {
    files: Vec<Manifest>,
}

impl Builder {
    fn file(&mut self, path: &str, holds_key: bool, docs: Vec<(Meta, String)>) {
        let mut yaml = String::new();
        let mut objects = Vec::new();
        for (i, (meta, doc)) in docs.into_iter().enumerate() {
            if i > 0 {
                yaml.push_str("---\n");
            }
            yaml.push_str(&doc);
            objects.push(meta);
        }
        self.files.push(Manifest {
            path: path.to_owned(),
            yaml,
            holds_key,
            objects,
        });
    }
}

type Meta = (String, String, String);

fn doc<T: Serialize>(kind: &str, meta: &ObjectMeta, value: &T) -> (Meta, String) {
    // Plain structs of strings, integers and maps always serialise.
    let text = quote_yaml11_booleans(&serde_yaml::to_string(value).unwrap_or_default());
    (
        (
            kind.to_owned(),
            meta.namespace.clone().unwrap_or_default(),
            meta.name.clone(),
        ),
        text,
    )
}

/// YAML 1.1 words that Go's and Python's YAML readers (kubectl, kubernetes-validate) read as
/// booleans, while `serde_yaml` (YAML 1.2) leaves them unquoted as strings.
const YAML11_BOOLEANS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// Single-quote plain scalars that a YAML 1.1 reader would turn into booleans (NGINX needs the
/// string `"on"`, not `true`). Works on `serde_yaml`'s block output line by line: a value is the
/// text after `key: ` or `- `; quoted and multi-line scalars never equal one of these words.
fn quote_yaml11_booleans(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 16);
    for line in yaml.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let split = body.rfind(": ").map(|i| i + 2).or_else(|| {
            body.trim_start()
                .starts_with("- ")
                .then(|| body.find("- ").unwrap_or(0) + 2)
        });
        match split {
            Some(i) if YAML11_BOOLEANS.contains(&&body[i..]) => {
                out.push_str(&body[..i]);
                out.push('\'');
                out.push_str(&body[i..]);
                out.push('\'');
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

/// Concatenate PEM texts, each ending in exactly one newline.
pub fn concat_pem(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        let t = p.trim_matches(|c| c == '\n' || c == '\r');
        if !t.is_empty() {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

fn secret(name: &str, ns: &str, type_: &'static str, data: &[(&str, &str)]) -> (Meta, String) {
    let meta = ObjectMeta::new(name, Some(ns));
    let s = Secret {
        api_version: "v1",
        kind: "Secret",
        metadata: meta.clone(),
        type_,
        data: data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), b64(v)))
            .collect(),
    };
    doc("Secret", &meta, &s)
}

/// Every manifest and secret of the procedure for `s.profile`, in apply order: the files under
/// `manifests/` are numbered; `secrets/` are applied between the destination rule and the gateway.
pub fn render(s: &Settings, report: &SetupReport) -> Vec<Manifest> {
    let mut b = Builder { files: Vec::new() };
    let ns = s.app_namespace.as_str();
    let gw_ns = s.gateway_namespace.as_str();
    let port = u16::try_from(s.app_port).unwrap_or(8000);

    // 01: the app namespace, marked for sidecar injection.
    let meta = ObjectMeta::new(ns, None).label("istio-injection", "enabled");
    let namespace = Bare {
        api_version: "v1",
        kind: "Namespace",
        metadata: meta.clone(),
    };
    b.file(
        "manifests/01-namespace.yaml",
        false,
        vec![doc("Namespace", &meta, &namespace)],
    );

    // 02: the sample app (Istio's samples/httpbin/httpbin.yaml).
    let (image, container_port) = sample_image(s.profile);
    let sa_meta = ObjectMeta::new(&s.app, Some(ns));
    let sa = Bare {
        api_version: "v1",
        kind: "ServiceAccount",
        metadata: sa_meta.clone(),
    };
    let svc_meta = ObjectMeta::new(&s.app, Some(ns)).label("app", &s.app);
    let svc = Resource {
        api_version: "v1",
        kind: "Service",
        metadata: svc_meta.clone(),
        spec: ServiceSpec {
            ports: vec![ServicePort {
                name: "http".into(),
                port,
                target_port: container_port,
            }],
            selector: map(&[("app", &s.app)]),
        },
    };
    let pod_labels = map(&[("app", &s.app), ("version", "v1")]);
    let dep_meta = ObjectMeta::new(&s.app, Some(ns));
    let dep = Resource {
        api_version: "apps/v1",
        kind: "Deployment",
        metadata: dep_meta.clone(),
        spec: DeploymentSpec {
            replicas: 1,
            selector: LabelSelector {
                match_labels: pod_labels.clone(),
            },
            template: PodTemplate {
                metadata: PodMeta { labels: pod_labels },
                spec: PodSpec {
                    service_account_name: s.app.clone(),
                    containers: vec![Container {
                        image: image.into(),
                        image_pull_policy: "IfNotPresent",
                        name: s.app.clone(),
                        ports: vec![ContainerPort { container_port }],
                    }],
                },
            },
        },
    };
    b.file(
        "manifests/02-sample-app.yaml",
        false,
        vec![
            doc("ServiceAccount", &sa_meta, &sa),
            doc("Service", &svc_meta, &svc),
            doc("Deployment", &dep_meta, &dep),
        ],
    );

    // 03: mutual TLS required for the app namespace.
    let meta = ObjectMeta::new(names::MTLS_POLICY, Some(ns));
    match s.profile {
        Profile::Classic => {
            let policy = Resource {
                api_version: "authentication.istio.io/v1alpha1",
                kind: "Policy",
                metadata: meta.clone(),
                spec: PolicySpec {
                    peers: vec![PeerMethod { mtls: Empty {} }],
                },
            };
            b.file(
                "manifests/03-mtls-policy.yaml",
                false,
                vec![doc("Policy", &meta, &policy)],
            );
        }
        Profile::Current => {
            let pa = Resource {
                api_version: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: meta.clone(),
                spec: PeerAuthenticationSpec {
                    mtls: PeerMtls { mode: "STRICT" },
                },
            };
            b.file(
                "manifests/03-peer-authentication.yaml",
                false,
                vec![doc("PeerAuthentication", &meta, &pa)],
            );
        }
    }

    let networking = match s.profile {
        Profile::Classic => "networking.istio.io/v1alpha3",
        Profile::Current => "networking.istio.io/v1",
    };

    // 04: sidecars use Istio mutual TLS towards the app namespace.
    let meta = ObjectMeta::new(names::DESTINATION_RULE, Some(ns));
    let dr = Resource {
        api_version: networking,
        kind: "DestinationRule",
        metadata: meta.clone(),
        spec: DestinationRuleSpec {
            host: format!("*.{ns}.svc.cluster.local"),
            traffic_policy: TrafficPolicy {
                tls: ClientTls {
                    mode: "ISTIO_MUTUAL",
                },
            },
        },
    };
    b.file(
        "manifests/04-destination-rule.yaml",
        false,
        vec![doc("DestinationRule", &meta, &dr)],
    );

    // Secrets (applied after 04, before the gateway).
    let nlb_chain = report.nlb_chain_pem.as_str();
    let nlb_key = report.nlb_key_pem.as_str();
    let alb_chain = report.alb_client_chain_pem.as_str();
    let alb_key = report.alb_client_key_pem.as_str();
    let client_ca = report.client_ca_pem.as_str();
    let gateway_ca = report.gateway_ca_pem.as_str();
    match s.profile {
        Profile::Classic => {
            // `cat nlb_certs/tls.crt trustid-x3-root.pem > trusted.crt`
            let trusted = concat_pem(&[nlb_chain, gateway_ca]);
            b.file(
                &format!("secrets/{}.yaml", names::CLASSIC_GATEWAY_CERTS),
                true,
                vec![secret(
                    names::CLASSIC_GATEWAY_CERTS,
                    gw_ns,
                    "kubernetes.io/tls",
                    &[("tls.crt", &trusted), ("tls.key", nlb_key)],
                )],
            );
            b.file(
                &format!("secrets/{}.yaml", names::CLASSIC_GATEWAY_CA_CERTS),
                false,
                vec![secret(
                    names::CLASSIC_GATEWAY_CA_CERTS,
                    gw_ns,
                    "Opaque",
                    &[(names::CLASSIC_CA_FILE, client_ca)],
                )],
            );
            b.file(
                &format!("secrets/{}.yaml", names::CLASSIC_ALB_CERTS),
                true,
                vec![secret(
                    names::CLASSIC_ALB_CERTS,
                    gw_ns,
                    "Opaque",
                    &[
                        ("trusted.crt", &trusted),
                        ("client.crt", alb_chain),
                        ("client.key", alb_key),
                    ],
                )],
            );
        }
        Profile::Current => {
            b.file(
                &format!("secrets/{}.yaml", names::CURRENT_GATEWAY_CREDENTIAL),
                true,
                vec![secret(
                    names::CURRENT_GATEWAY_CREDENTIAL,
                    gw_ns,
                    "kubernetes.io/tls",
                    &[
                        ("tls.crt", nlb_chain),
                        ("tls.key", nlb_key),
                        ("ca.crt", client_ca),
                    ],
                )],
            );
            b.file(
                &format!("secrets/{}.yaml", names::CURRENT_ALB_PROXY_SSL),
                true,
                vec![secret(
                    names::CURRENT_ALB_PROXY_SSL,
                    gw_ns,
                    "kubernetes.io/tls",
                    &[
                        ("tls.crt", alb_chain),
                        ("tls.key", alb_key),
                        ("ca.crt", gateway_ca),
                    ],
                )],
            );
        }
    }

    // 05: the gateway, mutual TLS on 443.
    let (tls, gateway_hosts) = match s.profile {
        Profile::Classic => (
            ServerTls {
                mode: "MUTUAL",
                server_certificate: Some("/etc/istio/ingressgateway-certs/tls.crt".into()),
                private_key: Some("/etc/istio/ingressgateway-certs/tls.key".into()),
                ca_certificates: Some(format!(
                    "/etc/istio/ingressgateway-ca-certs/{}",
                    names::CLASSIC_CA_FILE
                )),
                credential_name: None,
            },
            vec!["*".to_owned()],
        ),
        Profile::Current => (
            ServerTls {
                mode: "MUTUAL",
                server_certificate: None,
                private_key: None,
                ca_certificates: None,
                credential_name: Some(names::CURRENT_GATEWAY_CREDENTIAL.into()),
            },
            // The ALB sends SNI = nlb_domain (proxy-ssl-name) and Host = <app>.<alb_domain>;
            // curl to the NLB sends both as nlb_domain.
            vec![s.nlb_domain.clone(), alb_host(s)],
        ),
    };
    let meta = ObjectMeta::new(names::GATEWAY, Some(gw_ns));
    let gw = Resource {
        api_version: networking,
        kind: "Gateway",
        metadata: meta.clone(),
        spec: GatewaySpec {
            selector: map(&[names::GATEWAY_SELECTOR]),
            servers: vec![Server {
                port: GatewayPort {
                    number: 443,
                    name: "https",
                    protocol: "HTTPS",
                },
                tls,
                hosts: gateway_hosts.clone(),
            }],
        },
    };
    b.file(
        "manifests/05-gateway.yaml",
        false,
        vec![doc("Gateway", &meta, &gw)],
    );

    // 06: route `path` to the app through the gateway.
    let meta = ObjectMeta::new(names::VIRTUAL_SERVICE, Some(gw_ns));
    let vs = Resource {
        api_version: networking,
        kind: "VirtualService",
        metadata: meta.clone(),
        spec: VirtualServiceSpec {
            hosts: gateway_hosts,
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
    b.file(
        "manifests/06-virtual-service.yaml",
        false,
        vec![doc("VirtualService", &meta, &vs)],
    );

    // 07: the ALB Ingress in the gateway namespace, forwarding to the gateway over mutual TLS.
    let host = alb_host(s);
    let tls = vec![IngressTls {
        hosts: vec![host.clone()],
        secret_name: s.alb_secret.clone(),
    }];
    match s.profile {
        Profile::Classic => {
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
                metadata: meta.clone(),
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
            b.file(
                "manifests/07-ingress.yaml",
                false,
                vec![doc("Ingress", &meta, &ing)],
            );
        }
        Profile::Current => {
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
            let ing = Resource {
                api_version: "networking.k8s.io/v1",
                kind: "Ingress",
                metadata: meta.clone(),
                spec: IngressSpec {
                    ingress_class_name: Some("public-iks-k8s-nginx".into()),
                    tls,
                    rules: vec![IngressRule {
                        host,
                        http: HttpIngressRuleValue {
                            paths: vec![V1Path {
                                path: s.path.clone(),
                                path_type: "Prefix",
                                backend: V1Backend {
                                    service: V1ServiceBackend {
                                        name: names::GATEWAY_SERVICE.into(),
                                        port: PortNumber { number: 443 },
                                    },
                                },
                            }],
                        },
                    }],
                },
            };
            b.file(
                "manifests/07-ingress.yaml",
                false,
                vec![doc("Ingress", &meta, &ing)],
            );
        }
    }
    b.files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(profile: Profile) -> Settings {
        Settings {
            cluster_name: "c".into(),
            ingress_ip: "10.0.0.1".into(),
            nlb_domain: "c-0001.example.com".into(),
            nlb_secret: "c-0001".into(),
            alb_domain: "c-0000.example.com".into(),
            alb_secret: "c-0000".into(),
            profile,
            ..Settings::default()
        }
    }

    fn yaml_of(files: &[Manifest], path: &str) -> serde_yaml::Value {
        let f = files.iter().find(|f| f.path == path).unwrap();
        serde_yaml::from_str(&f.yaml).unwrap()
    }

    #[test]
    fn yaml11_booleans_are_quoted_and_nothing_else_changes() {
        const CASES: &[(&str, &str)] = &[
            ("a: on\n", "a: 'on'\n"),
            ("  b/c: off\n", "  b/c: 'off'\n"),
            ("- yes\n", "- 'yes'\n"),
            ("a: 'on'\n", "a: 'on'\n"),
            ("a: one\n", "a: one\n"),
            ("a: x: on\n", "a: x: 'on'\n"),
            ("a: 2\nb: on", "a: 2\nb: 'on'"),
        ];
        for (input, want) in CASES {
            assert_eq!(quote_yaml11_booleans(input), *want, "{input:?}");
        }
    }

    #[test]
    fn current_ingress_annotations_are_strings_nginx_accepts() {
        let report = SetupReport {
            verify_depth: 2,
            ..SetupReport::default()
        };
        let files = render(&settings(Profile::Current), &report);
        let ing = yaml_of(&files, "manifests/07-ingress.yaml");
        let a = &ing["metadata"]["annotations"];
        let p = "nginx.ingress.kubernetes.io/";
        // "on" must stay a string (YAML 1.1 readers such as Go's would turn a bare on into true).
        for (k, v) in [
            ("proxy-ssl-verify", "on"),
            ("proxy-ssl-server-name", "on"),
            ("proxy-ssl-verify-depth", "2"),
            ("proxy-ssl-secret", "istio-system/alb-proxy-ssl"),
            ("proxy-ssl-name", "c-0001.example.com"),
            ("backend-protocol", "HTTPS"),
        ] {
            assert_eq!(a[format!("{p}{k}").as_str()].as_str(), Some(v), "{k}");
        }
        let text = &files
            .iter()
            .find(|f| f.path == "manifests/07-ingress.yaml")
            .unwrap()
            .yaml;
        assert!(text.contains("proxy-ssl-verify: 'on'"), "{text}");
        assert!(text.contains("proxy-ssl-verify-depth: '2'"), "{text}");
    }

    #[test]
    fn classic_alb_secret_has_documented_keys_and_trusted_bundle() {
        let report = SetupReport {
            nlb_chain_pem: "LEAF\n".into(),
            gateway_ca_pem: "ROOT".into(),
            alb_client_chain_pem: "CLIENT\n".into(),
            alb_client_key_pem: "KEY\n".into(),
            ..SetupReport::default()
        };
        let files = render(&settings(Profile::Classic), &report);
        let s = yaml_of(&files, "secrets/alb-certs.yaml");
        let data = s["data"].as_mapping().unwrap();
        let keys: Vec<_> = data.keys().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(keys, ["client.crt", "client.key", "trusted.crt"]);
        let trusted = base64::engine::general_purpose::STANDARD
            .decode(s["data"]["trusted.crt"].as_str().unwrap())
            .unwrap();
        assert_eq!(trusted, b"LEAF\nROOT\n");
    }

    #[test]
    fn files_are_in_apply_order_and_keys_are_flagged() {
        for profile in Profile::ALL {
            let files = render(&settings(profile), &SetupReport::default());
            let numbered: Vec<_> = files
                .iter()
                .filter(|f| f.path.starts_with("manifests/"))
                .map(|f| f.path.as_str())
                .collect();
            let mut sorted = numbered.clone();
            sorted.sort();
            assert_eq!(numbered, sorted, "{profile}");
            for f in &files {
                assert_eq!(
                    f.holds_key,
                    f.yaml.contains("tls.key:") || f.yaml.contains("client.key:"),
                    "{}",
                    f.path
                );
            }
        }
    }
}
