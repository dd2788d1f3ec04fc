//! Typed Kubernetes and Istio resources: just the fields the procedure uses, named as the APIs
//! name them (serde renames to camelCase). Serialised with `serde_yaml`, never templated, so a
//! value can never break out of its YAML scalar.

use serde::Serialize;
use std::collections::BTreeMap;

/// Any resource with a `spec`: `apiVersion`, `kind`, `metadata`, `spec` in that order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource<S> {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    pub spec: S,
}

/// A resource without `spec` (Namespace, ServiceAccount).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bare {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ObjectMeta {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl ObjectMeta {
    pub fn new(name: &str, namespace: Option<&str>) -> Self {
        ObjectMeta {
            name: name.to_owned(),
            namespace: namespace.map(str::to_owned),
            ..ObjectMeta::default()
        }
    }

    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn annotate(mut self, key: &str, value: &str) -> Self {
        self.annotations.insert(key.to_owned(), value.to_owned());
        self
    }
}

/// A top-level object: what the one ownership stamp (`yaml::doc`) needs to reach.
pub trait Object {
    fn api_version(&self) -> &'static str;
    fn kind(&self) -> &'static str;
    fn meta(&self) -> &ObjectMeta;
    fn meta_mut(&mut self) -> &mut ObjectMeta;
}

macro_rules! object {
    ($t:ty $(, $g:ident)?) => {
        impl$(<$g>)? Object for $t {
            fn api_version(&self) -> &'static str {
                self.api_version
            }
            fn kind(&self) -> &'static str {
                self.kind
            }
            fn meta(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn meta_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }
    };
}
object!(Resource<S>, S);
object!(Bare);
object!(Secret);
object!(ConfigMap);

// ---- core/v1 -------------------------------------------------------------------------------

/// `v1` Secret. `data` values are base64 (as `kubectl get -o yaml` shows them).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub data: BTreeMap<String, String>,
}

/// `v1` ConfigMap.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMap {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    pub data: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceSpec {
    pub ports: Vec<ServicePort>,
    pub selector: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    pub name: String,
    pub port: u16,
    pub target_port: u16,
}

// ---- apps/v1 -------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct DeploymentSpec {
    pub replicas: u32,
    pub selector: LabelSelector,
    pub template: PodTemplate,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PodTemplate {
    pub metadata: PodMeta,
    pub spec: PodSpec,
}

#[derive(Debug, Clone, Serialize)]
pub struct PodMeta {
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    pub service_account_name: String,
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub image: String,
    pub image_pull_policy: &'static str,
    pub name: String,
    pub ports: Vec<ContainerPort>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    pub container_port: u16,
}

// ---- Ingress: extensions/v1beta1 (classic) and networking.k8s.io/v1 (current) ---------------

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressSpec<B> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_class_name: Option<String>,
    pub tls: Vec<IngressTls>,
    pub rules: Vec<IngressRule<B>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressTls {
    pub hosts: Vec<String>,
    pub secret_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngressRule<B> {
    pub host: String,
    pub http: HttpIngressRuleValue<B>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpIngressRuleValue<B> {
    pub paths: Vec<B>,
}

/// `extensions/v1beta1` path: no `pathType`, backend by `serviceName`/`servicePort`.
#[derive(Debug, Clone, Serialize)]
pub struct V1beta1Path {
    pub path: String,
    pub backend: V1beta1Backend,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V1beta1Backend {
    pub service_name: String,
    pub service_port: u16,
}

/// `networking.k8s.io/v1` path: `pathType` required, backend by `service.name`/`port.number`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct V1Path {
    pub path: String,
    pub path_type: &'static str,
    pub backend: V1Backend,
}

#[derive(Debug, Clone, Serialize)]
pub struct V1Backend {
    pub service: V1ServiceBackend,
}

#[derive(Debug, Clone, Serialize)]
pub struct V1ServiceBackend {
    pub name: String,
    pub port: PortNumber,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortNumber {
    pub number: u16,
}

// ---- Istio -----------------------------------------------------------------------------------

/// `authentication.istio.io/v1alpha1` Policy (classic): `peers: [ {mtls: {}} ]`.
#[derive(Debug, Clone, Serialize)]
pub struct PolicySpec {
    pub peers: Vec<PeerMethod>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeerMethod {
    pub mtls: Empty,
}

/// Serialises as `{}`.
#[derive(Debug, Clone, Serialize)]
pub struct Empty {}

/// `security.istio.io/v1` PeerAuthentication (current).
#[derive(Debug, Clone, Serialize)]
pub struct PeerAuthenticationSpec {
    pub mtls: PeerMtls,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeerMtls {
    pub mode: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationRuleSpec {
    pub host: String,
    pub traffic_policy: TrafficPolicy,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrafficPolicy {
    pub tls: ClientTls,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientTls {
    pub mode: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewaySpec {
    pub selector: BTreeMap<String, String>,
    pub servers: Vec<Server>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Server {
    pub port: GatewayPort,
    pub tls: ServerTls,
    pub hosts: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayPort {
    pub number: u16,
    pub name: &'static str,
    pub protocol: &'static str,
}

/// Gateway server TLS: file paths (classic) or an SDS `credentialName` (current).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerTls {
    pub mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_certificate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_certificates: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VirtualServiceSpec {
    pub hosts: Vec<String>,
    pub gateways: Vec<String>,
    pub http: Vec<HttpRoute>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRoute {
    #[serde(rename = "match")]
    pub match_: Vec<HttpMatch>,
    pub route: Vec<RouteDestination>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpMatch {
    pub uri: StringMatch,
}

#[derive(Debug, Clone, Serialize)]
pub struct StringMatch {
    pub prefix: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteDestination {
    pub destination: Destination,
}

#[derive(Debug, Clone, Serialize)]
pub struct Destination {
    pub host: String,
    pub port: PortNumber,
}

// ---- traefik.io ----------------------------------------------------------------------------

/// `ServersTransport` spec: how Traefik talks TLS to a backend.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServersTransportSpec {
    /// SNI sent and the name the backend's certificate must cover.
    pub server_name: String,
    /// CAs that verify the backend's certificate.
    #[serde(rename = "rootCAs")]
    pub root_cas: Vec<RootCa>,
    /// `kubernetes.io/tls` secrets with the client certificate Traefik presents.
    pub certificates_secrets: Vec<String>,
}

/// One `rootCAs` entry: a secret holding `ca.crt` (or `tls.ca`).
#[derive(Debug, Clone, Serialize)]
pub struct RootCa {
    pub secret: String,
}

// ---- gateway.networking.k8s.io/v1 (Gateway API standard channel, v1.5) ----------------------

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeGatewaySpec {
    pub gateway_class_name: &'static str,
    pub addresses: Vec<GatewaySpecAddress>,
    pub listeners: Vec<Listener>,
    pub tls: GatewayTlsConfig,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewaySpecAddress {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    pub name: &'static str,
    pub port: u16,
    pub protocol: &'static str,
    pub tls: ListenerTls,
    pub allowed_routes: AllowedRoutes,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerTls {
    pub mode: &'static str,
    pub certificate_refs: Vec<ObjectReference>,
}

/// A reference to an object of the same namespace (`group: ""` is the core group).
#[derive(Debug, Clone, Serialize)]
pub struct ObjectReference {
    pub group: &'static str,
    pub kind: &'static str,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AllowedRoutes {
    pub namespaces: RouteNamespaces,
    pub kinds: Vec<RouteGroupKind>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteNamespaces {
    pub from: &'static str,
    pub selector: LabelSelector,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteGroupKind {
    pub group: &'static str,
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayTlsConfig {
    pub frontend: FrontendTls,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrontendTls {
    pub default: TlsConfig,
}

#[derive(Debug, Clone, Serialize)]
pub struct TlsConfig {
    pub validation: FrontendTlsValidation,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrontendTlsValidation {
    pub ca_certificate_refs: Vec<ObjectReference>,
    pub mode: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteSpec {
    pub parent_refs: Vec<ParentReference>,
    pub hostnames: Vec<String>,
    pub rules: Vec<HttpRouteRule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentReference {
    pub group: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: &'static str,
    pub section_name: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteRule {
    pub matches: Vec<HttpRouteMatch>,
    pub backend_refs: Vec<HttpBackendRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRouteMatch {
    pub path: HttpPathMatch,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpPathMatch {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpBackendRef {
    pub group: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub port: u16,
}
