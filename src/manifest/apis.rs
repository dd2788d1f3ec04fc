//! Which API, resource shape and command each profile uses: the one place that turns a
//! [`Profile`] into choices. Everything else matches on these dimensions, not on the profile.

use crate::settings::Profile;

/// How mutual TLS is required for the app namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MtlsPolicy {
    /// `authentication.istio.io/v1alpha1` `Policy` (removed in Istio 1.6).
    PolicyV1alpha1,
    /// `security.istio.io/v1` `PeerAuthentication` with `mtls.mode: STRICT`.
    PeerAuthenticationV1,
}

/// How the gateway gets its certificate, key and client CA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayCerts {
    /// Files mounted from `istio-ingressgateway-certs` / `-ca-certs`; read at pod start only.
    FileMounted,
    /// `credentialName`: one secret, loaded (and reloaded) by SDS.
    Sds,
}

/// Which Ingress API and ALB controller the Ingress is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngressApi {
    /// `extensions/v1beta1` with IBM's `ingress.bluemix.net/ssl-services` annotation.
    ExtensionsV1beta1Ibm,
    /// `networking.k8s.io/v1` for the community NGINX ALB (`public-iks-k8s-nginx`), with the
    /// `nginx.ingress.kubernetes.io/proxy-ssl-*` annotations.
    NetworkingV1Nginx,
}

/// The `ibmcloud` commands that list and create NLB host names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NlbDnsCli {
    /// `nlb-dnss` / `nlb-dns-create` (the documented, older CLI).
    Legacy,
    /// `nlb-dns ls` / `nlb-dns create classic`.
    Current,
}

impl NlbDnsCli {
    /// The listing command (without arguments).
    pub const fn list(self) -> &'static str {
        match self {
            NlbDnsCli::Legacy => "ibmcloud ks nlb-dnss",
            NlbDnsCli::Current => "ibmcloud ks nlb-dns ls",
        }
    }

    /// The creating command (without arguments).
    pub const fn create(self) -> &'static str {
        match self {
            NlbDnsCli::Legacy => "ibmcloud ks nlb-dns-create",
            NlbDnsCli::Current => "ibmcloud ks nlb-dns create classic",
        }
    }
}

/// Every choice a profile makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Apis {
    pub profile: Profile,
    pub mtls: MtlsPolicy,
    /// `apiVersion` of the Istio networking resources.
    pub networking: &'static str,
    pub gateway_certs: GatewayCerts,
    pub ingress: IngressApi,
    pub nlb_dns: NlbDnsCli,
    /// The sample app's image and container port (Istio's `samples/httpbin`).
    pub sample_image: &'static str,
    pub sample_port: u16,
}

impl Apis {
    pub const fn of(profile: Profile) -> Apis {
        match profile {
            Profile::Classic => Apis {
                profile,
                mtls: MtlsPolicy::PolicyV1alpha1,
                networking: "networking.istio.io/v1alpha3",
                gateway_certs: GatewayCerts::FileMounted,
                ingress: IngressApi::ExtensionsV1beta1Ibm,
                nlb_dns: NlbDnsCli::Legacy,
                sample_image: "docker.io/kennethreitz/httpbin",
                sample_port: 80,
            },
            Profile::Current => Apis {
                profile,
                mtls: MtlsPolicy::PeerAuthenticationV1,
                networking: "networking.istio.io/v1",
                gateway_certs: GatewayCerts::Sds,
                ingress: IngressApi::NetworkingV1Nginx,
                nlb_dns: NlbDnsCli::Current,
                sample_image: "docker.io/mccutchen/go-httpbin:v2.15.0",
                sample_port: 8080,
            },
        }
    }

    /// Whether the ALB's TLS secret must be copied next to the Ingress (the community NGINX
    /// controller reads TLS secrets only from the Ingress's own namespace).
    pub const fn copies_alb_secret(self) -> bool {
        match self.ingress {
            IngressApi::ExtensionsV1beta1Ibm => false,
            IngressApi::NetworkingV1Nginx => true,
        }
    }

    /// The ingress class the Ingress names, when its API has classes.
    pub const fn ingress_class(self) -> Option<&'static str> {
        match self.ingress {
            IngressApi::ExtensionsV1beta1Ibm => None,
            IngressApi::NetworkingV1Nginx => Some("public-iks-k8s-nginx"),
        }
    }

    /// Whether the gateway pods must be restarted to load new certificates.
    pub const fn restarts_gateway(self) -> bool {
        match self.gateway_certs {
            GatewayCerts::FileMounted => true,
            GatewayCerts::Sds => false,
        }
    }
}
