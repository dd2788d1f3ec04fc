//! The Kubernetes and Istio resources of the procedure as typed structs serialised with
//! `serde_yaml`, one function per file, for the API choices of a profile ([`Apis`]).
//!
//! *classic* is the documented procedure verbatim (Istio ~1.4, `extensions/v1beta1`, IBM's
//! `ssl-services` annotation, file-mounted gateway certificates). *current* is the same topology
//! with today's APIs (see `field-notes.md`): `PeerAuthentication`, `networking.istio.io/v1`,
//! SDS `credentialName`, `networking.k8s.io/v1` Ingress with NGINX backend-TLS annotations.

mod apis;
mod app;
mod gateway_api;
mod ingress;
mod mesh;
pub mod owner;
mod secrets;
pub mod sides;
mod traefik;
pub mod types;
mod yaml;

pub use apis::{Apis, GatewayCerts, IngressApi, MtlsPolicy, NlbDnsCli};
pub use gateway_api::{GATEWAY_API_GROUP, GATEWAY_API_VERSION, Reference, references};
pub use mesh::credential_name;
pub use owner::{Owner, Takeover, takeover};
pub use secrets::{
    Content, Placement, Role, SecretId, SecretOwner, SecretSpec, placements, secrets,
};
pub use traefik::{TRANSPORT_API_VERSION, TRANSPORT_GROUP, transport_ref};
pub use yaml::concat_pem;

use crate::pki::CheckReport;
use crate::settings::{GatewayConfig, Settings};

/// Fixed resource names (the procedure's, where it names them).
pub mod names {
    pub const GATEWAY: &str = "default-ingress-gateway";
    pub const VIRTUAL_SERVICE: &str = "default-ingress";
    // gateway-api: the Gateway API's Gateway, its route and the client CA it validates with.
    pub const GATEWAY_API_GATEWAY: &str = "alb-mtls-gateway";
    pub const HTTP_ROUTE: &str = "alb-route";
    pub const GATEWAY_CLIENT_CA: &str = "nlb-gateway-client-ca";
    /// The listener of that Gateway the route attaches to.
    pub const GATEWAY_API_LISTENER: &str = "https";
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
    // Traefik: the client certificate it presents, the CA it verifies the gateway with, the
    // transport holding both, and the Service of ours it is attached to.
    pub const TRAEFIK_CLIENT_TLS: &str = "alb-client-tls";
    pub const TRAEFIK_GATEWAY_CA: &str = "alb-gateway-ca";
    pub const TRAEFIK_TRANSPORT: &str = "alb-to-gateway";
    pub const TRAEFIK_SERVICE: &str = "istio-ingressgateway-alb";
    /// The port the default Istio ingress gateway listens on for the Service's 443 (the gateway
    /// chart maps 443 to 8443: the pods run without privileges).
    pub const GATEWAY_HTTPS_TARGET_PORT: u16 = 8443;

    /// The companion secret Istio reads the client CA from, beside the credential `secret`.
    pub fn ibm_ca_cert(secret: &str) -> String {
        format!("{secret}-cacert")
    }
}

/// Which file of the procedure a manifest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Namespace,
    SampleApp,
    MtlsPolicy,
    DestinationRule,
    /// A secret.
    Secret(SecretId),
    /// Traefik's `ServersTransport`.
    ServersTransport,
    /// The Service of ours Traefik forwards to (with the transport annotation).
    AlbService,
    /// The gateway's configuration: Istio's `Gateway`, or the Gateway API's.
    Gateway,
    /// The route from the gateway to the app: Istio's `VirtualService`, or an `HTTPRoute`.
    Route,
    /// The ConfigMap holding the client CA as `ca.crt`, which the Gateway API `Gateway`'s
    /// client-certificate validation names (gateway-api only).
    ClientCaBundle,
    Ingress,
}

/// One object a manifest declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    /// The resource name kubectl takes, e.g. `gateways.networking.istio.io`.
    pub fn resource(&self) -> String {
        owner::resource(self.kind, self.api_version)
    }
}

/// One generated YAML file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub doc: Doc,
    /// Path inside the bundle folder, e.g. `manifests/01-namespace.yaml`.
    pub path: String,
    pub yaml: String,
    /// `true` for secrets holding a private key (written with mode 0600).
    pub holds_key: bool,
    /// The objects in the file, for scripts and docs.
    pub objects: Vec<ObjectRef>,
}

impl Manifest {
    fn new(
        doc: Doc,
        path: impl Into<String>,
        holds_key: bool,
        docs: Vec<(ObjectRef, String)>,
    ) -> Manifest {
        let mut yaml = String::new();
        let mut objects = Vec::new();
        for (i, (object, text)) in docs.into_iter().enumerate() {
            if i > 0 {
                yaml.push_str("---\n");
            }
            yaml.push_str(&text);
            objects.push(object);
        }
        Manifest {
            doc,
            path: path.into(),
            yaml,
            holds_key,
            objects,
        }
    }
}

/// Host the ALB serves the app under: `<app>.<alb_domain>` as in the procedure.
pub fn alb_host(s: &Settings) -> String {
    format!("{}.{}", s.app, s.alb_domain)
}

/// The `proxy-ssl-verify-depth` written into the current Ingress (at least 1).
pub fn verify_depth(report: &CheckReport) -> u32 {
    report.verify_depth.max(1)
}

/// The manifest of `doc` among `manifests`.
pub fn find(manifests: &[Manifest], doc: Doc) -> Option<&Manifest> {
    manifests.iter().find(|m| m.doc == doc)
}

/// Where [`kustomization`] goes in the bundle.
pub const KUSTOMIZATION: &str = "manifests/kustomization.yaml";

/// `manifests/kustomization.yaml`: the bundle's manifests as a kustomize base, in install order,
/// for a GitOps tool or `kubectl apply -k`. The secrets (which hold keys) are not in it.
pub fn kustomization(manifests: &[Manifest]) -> String {
    let mut out = String::from(
        "# The manifests of this bundle as a kustomize base: kubectl kustomize manifests/ shows\n\
         # them, a GitOps tool can take this folder as it is. The secrets, which hold keys, are in\n\
         # secrets/: apply them first and separately, or seal them (see the README).\n\
         apiVersion: kustomize.config.k8s.io/v1beta1\n\
         kind: Kustomization\n\
         resources:\n",
    );
    for m in manifests {
        if let Some(file) = m.path.strip_prefix("manifests/") {
            out.push_str("  - ");
            out.push_str(file);
            out.push('\n');
        }
    }
    out
}

/// Every manifest and secret of the procedure for `s.profile`, in apply order: the numbered
/// files under `manifests/`, with the secrets between the destination rule and the gateway.
pub fn render(s: &Settings, report: &CheckReport) -> Vec<Manifest> {
    let apis = Apis::of(s);
    let mut files = vec![app::namespace(s)];
    if apis.sample {
        files.push(app::sample_app(s, &apis));
    }
    files.extend([
        mesh::mtls_policy(s, &apis),
        mesh::destination_rule(s, &apis),
    ]);
    files.extend(secrets::render(s, &apis, report));
    match apis.gateway_config {
        GatewayConfig::Istio => {
            files.push(mesh::gateway(s, &apis));
            files.push(mesh::virtual_service(s, &apis));
        }
        GatewayConfig::GatewayApi => {
            files.push(gateway_api::client_ca(s, report));
            files.push(gateway_api::gateway(s, &apis));
            files.push(gateway_api::http_route(s));
        }
    }
    if apis.ingress == IngressApi::NetworkingV1Traefik {
        files.push(traefik::servers_transport(s));
        files.push(traefik::alb_service(s));
    }
    files.push(ingress::ingress(s, &apis, report));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::CertInput;
    use crate::settings::Profile;
    use base64::Engine as _;
    use serde::Deserialize as _;

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
    fn current_ingress_annotations_are_strings_nginx_accepts() {
        let report = CheckReport {
            verify_depth: 2,
            ..CheckReport::default()
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
        let mut report = CheckReport::default();
        report.pems[CertInput::NlbCert] = "LEAF\n".into();
        report.pems[CertInput::GatewayCa] = "ROOT".into();
        report.pems[CertInput::AlbClientCert] = "CLIENT\n".into();
        report.pems[CertInput::AlbClientKey] = "KEY\n".into();
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
            let files = render(&settings(profile), &CheckReport::default());
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

    /// Each secret's manifest holds exactly the keys its spec declares (verify.sh checks those).
    #[test]
    fn secret_manifests_hold_the_declared_keys() {
        for profile in Profile::ALL {
            let files = render(&settings(profile), &CheckReport::default());
            for spec in secrets(&Apis::of_profile(profile), &settings(profile)) {
                let y = yaml_of(&files, &spec.path());
                let mut keys: Vec<&str> = y["data"]
                    .as_mapping()
                    .unwrap()
                    .keys()
                    .map(|k| k.as_str().unwrap())
                    .collect();
                keys.sort_unstable();
                let mut declared: Vec<&str> = spec.data.iter().map(|(k, _)| *k).collect();
                declared.sort_unstable();
                assert_eq!(keys, declared, "{profile} {}", spec.name);
                assert_eq!(y["type"].as_str(), Some(spec.type_));
            }
        }
    }

    /// Every object of every manifest carries the bundle's labels and annotation (stamped in
    /// `yaml::doc`), and the sample app's pods carry the labels too.
    #[test]
    fn every_object_carries_the_ownership_labels() {
        for profile in Profile::ALL {
            let s = settings(profile);
            let owner = Owner::of(&s);
            for f in render(&s, &CheckReport::default()) {
                for doc in serde_yaml::Deserializer::from_str(&f.yaml) {
                    let y = serde_yaml::Value::deserialize(doc).unwrap();
                    let meta = &y["metadata"];
                    for (k, v) in owner.labels() {
                        assert_eq!(
                            meta["labels"][k.as_str()].as_str(),
                            Some(v.as_str()),
                            "{}",
                            f.path
                        );
                    }
                    for (k, v) in owner.annotations() {
                        assert_eq!(
                            meta["annotations"][k.as_str()].as_str(),
                            Some(v.as_str()),
                            "{}",
                            f.path
                        );
                    }
                    if y["kind"] == "Deployment" {
                        let pod = &y["spec"]["template"]["metadata"]["labels"];
                        assert_eq!(pod[owner::BUNDLE_LABEL].as_str(), Some(owner.id.as_str()));
                        // The selector stays the sample's own.
                        assert!(
                            y["spec"]["selector"]["matchLabels"]
                                .get(owner::BUNDLE_LABEL)
                                .is_none()
                        );
                    }
                }
                // What install may share with another manager is one object a file.
                if takeover(f.doc) == Takeover::Share {
                    assert_eq!(f.objects.len(), 1, "{}", f.path);
                }
            }
        }
    }

    #[test]
    fn each_key_of_a_secret_has_its_role() {
        use secrets::Role::{Ca, KeyOf, Leaf};
        let roles = |profile| -> Vec<(String, Vec<(&str, secrets::Role)>)> {
            secrets(&Apis::of_profile(profile), &settings(profile))
                .iter()
                .map(|s| (s.name.clone(), s.roles()))
                .collect()
        };
        assert_eq!(
            roles(Profile::Current),
            [
                (
                    "nlb-gateway-mtls".to_owned(),
                    vec![
                        ("tls.crt", Leaf),
                        ("tls.key", KeyOf("tls.crt")),
                        ("ca.crt", Ca)
                    ]
                ),
                (
                    "alb-proxy-ssl".to_owned(),
                    vec![
                        ("tls.crt", Leaf),
                        ("tls.key", KeyOf("tls.crt")),
                        ("ca.crt", Ca)
                    ]
                ),
            ]
        );
        assert_eq!(
            roles(Profile::Classic),
            [
                (
                    "istio-ingressgateway-certs".to_owned(),
                    vec![("tls.crt", Leaf), ("tls.key", KeyOf("tls.crt"))]
                ),
                (
                    "istio-ingressgateway-ca-certs".to_owned(),
                    vec![("trustid-x3-root.pem", Ca)]
                ),
                (
                    "alb-certs".to_owned(),
                    vec![
                        ("trusted.crt", Leaf),
                        ("client.crt", Leaf),
                        ("client.key", KeyOf("client.crt"))
                    ]
                ),
            ]
        );
    }
}
