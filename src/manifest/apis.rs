//! Which API, resource shape and command the settings call for: the one place that turns the
//! profile, the ALB, the infrastructure and the secret mode into choices. Everything else
//! matches on these dimensions, never on the settings' strings.

use crate::inputs::CertInput;
use crate::settings::{Alb, GatewayConfig, Infrastructure, Profile, Settings};

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
    /// `credentialName`: our copy of the NLB certificate and key in one secret, loaded (and
    /// reloaded) by SDS.
    Sds,
    /// `credentialName` = IBM's own NLB secret, which IBM creates and renews in the gateway
    /// namespace (`--secret-namespace`); the client CA in its companion `<name>-cacert`.
    SdsIbmManaged,
}

/// Which Ingress API and ALB controller the Ingress is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngressApi {
    /// `extensions/v1beta1` with IBM's `ingress.bluemix.net/ssl-services` annotation.
    ExtensionsV1beta1Ibm,
    /// `networking.k8s.io/v1` for the community NGINX ALB (`public-iks-k8s-nginx`), with the
    /// `nginx.ingress.kubernetes.io/proxy-ssl-*` annotations.
    NetworkingV1Nginx,
    /// `networking.k8s.io/v1` for the Traefik ALB (`public-iks-traefik`), to a Service of ours
    /// whose `ServersTransport` holds the client certificate and the CA.
    NetworkingV1Traefik,
}

/// The `ibmcloud` commands that list and create NLB host names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NlbDnsCli {
    /// `nlb-dnss` / `nlb-dns-create --ip` (the documented, older CLI, classic infrastructure).
    Legacy,
    /// `nlb-dns ls` / `nlb-dns create classic --ip`.
    Classic,
    /// `nlb-dns ls` / `nlb-dns create vpc-gen2 --lb-host` (the listing shows `Target(s)`).
    Vpc,
}

impl NlbDnsCli {
    /// The listing command (without arguments).
    pub const fn list(self) -> &'static str {
        match self {
            NlbDnsCli::Legacy => "ibmcloud ks nlb-dnss",
            NlbDnsCli::Classic | NlbDnsCli::Vpc => "ibmcloud ks nlb-dns ls",
        }
    }

    /// The creating command (without arguments).
    pub const fn create(self) -> &'static str {
        match self {
            NlbDnsCli::Legacy => "ibmcloud ks nlb-dns-create",
            NlbDnsCli::Classic => "ibmcloud ks nlb-dns create classic",
            NlbDnsCli::Vpc => "ibmcloud ks nlb-dns create vpc-gen2",
        }
    }

    /// The option naming the load balancer, and the script variable that holds it.
    pub const fn target(self) -> (&'static str, &'static str) {
        match self {
            NlbDnsCli::Legacy | NlbDnsCli::Classic => ("--ip", "INGRESS_HOST"),
            NlbDnsCli::Vpc => ("--lb-host", "LB_HOST"),
        }
    }
}

/// Every choice the settings make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Apis {
    pub profile: Profile,
    pub alb: Alb,
    pub infrastructure: Infrastructure,
    /// Which API configures the gateway (always Istio's with the classic profile).
    pub gateway_config: GatewayConfig,
    pub mtls: MtlsPolicy,
    /// `apiVersion` of the Istio networking resources.
    pub networking: &'static str,
    pub gateway_certs: GatewayCerts,
    pub ingress: IngressApi,
    pub nlb_dns: NlbDnsCli,
    /// The sample app's image and container port (Istio's `samples/httpbin`).
    pub sample_image: &'static str,
    pub sample_port: u16,
    /// Whether the bundle deploys that sample as the app (`deploy_sample`); without it the app's
    /// Deployment must exist before install.
    pub sample: bool,
}

impl Apis {
    /// The choices for these settings. Combinations the settings refuse (Traefik, IBM's
    /// in-place secret or the Gateway API with the classic profile) fall back to the classic procedure's choice, so
    /// a preview can still be drawn.
    pub fn of(s: &Settings) -> Apis {
        let ibm_managed = s.profile == Profile::Current && s.ibm_keeps_gateway_secret();
        let nlb_dns = match (s.profile, s.infrastructure) {
            (_, Infrastructure::Vpc) => NlbDnsCli::Vpc,
            (Profile::Classic, Infrastructure::Classic) => NlbDnsCli::Legacy,
            (Profile::Current, Infrastructure::Classic) => NlbDnsCli::Classic,
        };
        let base = Apis {
            profile: s.profile,
            alb: s.alb,
            infrastructure: s.infrastructure,
            gateway_config: s.gateway_config,
            mtls: MtlsPolicy::PeerAuthenticationV1,
            networking: "networking.istio.io/v1",
            gateway_certs: if ibm_managed {
                GatewayCerts::SdsIbmManaged
            } else {
                GatewayCerts::Sds
            },
            ingress: match s.alb {
                Alb::Nginx => IngressApi::NetworkingV1Nginx,
                Alb::Traefik => IngressApi::NetworkingV1Traefik,
            },
            nlb_dns,
            sample_image: "docker.io/mccutchen/go-httpbin:v2.15.0",
            sample_port: 8080,
            sample: s.deploy_sample,
        };
        match s.profile {
            Profile::Classic => Apis {
                gateway_config: GatewayConfig::Istio,
                mtls: MtlsPolicy::PolicyV1alpha1,
                networking: "networking.istio.io/v1alpha3",
                gateway_certs: GatewayCerts::FileMounted,
                ingress: IngressApi::ExtensionsV1beta1Ibm,
                sample_image: "docker.io/kennethreitz/httpbin",
                sample_port: 80,
                ..base
            },
            Profile::Current => base,
        }
    }

    /// The choices of the demo settings with `profile`: NGINX, classic infrastructure, copied
    /// secrets, the httpbin sample deployed.
    pub fn of_profile(profile: Profile) -> Apis {
        Apis::of(&Settings {
            profile,
            deploy_sample: true,
            ..Settings::default()
        })
    }

    /// Whether the ALB's TLS secret must be copied next to the Ingress (the community NGINX
    /// controller and Traefik's Ingress provider read TLS secrets only from the Ingress's own
    /// namespace).
    pub const fn copies_alb_secret(self) -> bool {
        match self.ingress {
            IngressApi::ExtensionsV1beta1Ibm => false,
            IngressApi::NetworkingV1Nginx | IngressApi::NetworkingV1Traefik => true,
        }
    }

    /// The ingress class the Ingress names, when its API has classes.
    pub const fn ingress_class(self) -> Option<&'static str> {
        match self.ingress {
            IngressApi::ExtensionsV1beta1Ibm => None,
            IngressApi::NetworkingV1Nginx => Some("public-iks-k8s-nginx"),
            IngressApi::NetworkingV1Traefik => Some("public-iks-traefik"),
        }
    }

    /// Whether the gateway pods must be restarted to load new certificates.
    pub const fn restarts_gateway(self) -> bool {
        match self.gateway_certs {
            GatewayCerts::FileMounted => true,
            GatewayCerts::Sds | GatewayCerts::SdsIbmManaged => false,
        }
    }

    /// Whether the bundle holds a copy of the NLB certificate and key (not when IBM keeps and
    /// renews the gateway's secret in place).
    pub const fn copies_nlb_secret(self) -> bool {
        match self.gateway_certs {
            GatewayCerts::FileMounted | GatewayCerts::Sds => true,
            GatewayCerts::SdsIbmManaged => false,
        }
    }

    /// Whether the bundle cannot be made without `input`. The NLB key is not needed when IBM
    /// keeps the gateway's secret: the bundle then holds no copy of it.
    pub const fn requires(self, input: CertInput) -> bool {
        match input {
            CertInput::NlbKey => self.copies_nlb_secret(),
            _ => input.required(),
        }
    }

    /// Whether the bundle keeps a copy of `input` under `certs/` (`given`: it was pasted and
    /// could be read). Never the NLB key when IBM keeps it; optional keys only when given.
    pub const fn keeps(self, input: CertInput, given: bool) -> bool {
        match input {
            CertInput::NlbKey => self.copies_nlb_secret(),
            _ => input.required() || !input.is_key() || given,
        }
    }
}
