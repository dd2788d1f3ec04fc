//! The settings fields, named once: serde name, label, where to find the value. The values live
//! in [`crate::settings::Settings`], which reads and writes them by [`Field`].

use std::fmt;

/// One field of the settings (besides the certificates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    ClusterName,
    IngressIp,
    LbHost,
    NlbDomain,
    NlbSecret,
    NlbSecretNamespace,
    AlbDomain,
    AlbSecret,
    AppNamespace,
    App,
    AppPort,
    Path,
    GatewayNamespace,
    Profile,
    Alb,
    Infrastructure,
    GatewayConfig,
    DeploySample,
}

impl Field {
    /// Every field, in the order of the settings file and the page's form.
    pub const ALL: [Field; 18] = [
        Field::ClusterName,
        Field::IngressIp,
        Field::LbHost,
        Field::NlbDomain,
        Field::NlbSecret,
        Field::NlbSecretNamespace,
        Field::AlbDomain,
        Field::AlbSecret,
        Field::AppNamespace,
        Field::App,
        Field::AppPort,
        Field::Path,
        Field::GatewayNamespace,
        Field::Profile,
        Field::Alb,
        Field::Infrastructure,
        Field::GatewayConfig,
        Field::DeploySample,
    ];

    /// The fields whose values are free text: all but the port and the choices.
    pub const TEXT: [Field; 12] = [
        Field::ClusterName,
        Field::IngressIp,
        Field::LbHost,
        Field::NlbDomain,
        Field::NlbSecret,
        Field::NlbSecretNamespace,
        Field::AlbDomain,
        Field::AlbSecret,
        Field::AppNamespace,
        Field::App,
        Field::Path,
        Field::GatewayNamespace,
    ];

    /// The stable name: settings key, form element id, `Finding::input`.
    pub const fn name(self) -> &'static str {
        match self {
            Field::ClusterName => "cluster_name",
            Field::IngressIp => "ingress_ip",
            Field::LbHost => "lb_host",
            Field::NlbDomain => "nlb_domain",
            Field::NlbSecret => "nlb_secret",
            Field::NlbSecretNamespace => "nlb_secret_namespace",
            Field::AlbDomain => "alb_domain",
            Field::AlbSecret => "alb_secret",
            Field::AppNamespace => "app_namespace",
            Field::App => "app",
            Field::AppPort => "app_port",
            Field::Path => "path",
            Field::GatewayNamespace => "gateway_namespace",
            Field::Profile => "profile",
            Field::Alb => "alb",
            Field::Infrastructure => "infrastructure",
            Field::GatewayConfig => "gateway_config",
            Field::DeploySample => "deploy_sample",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The label a person sees.
    pub const fn label(self) -> &'static str {
        match self {
            Field::ClusterName => "Cluster name",
            Field::IngressIp => "Ingress gateway IP",
            Field::LbHost => "Load balancer host name",
            Field::NlbDomain => "NLB domain",
            Field::NlbSecret => "NLB secret",
            Field::NlbSecretNamespace => "NLB secret namespace",
            Field::AlbDomain => "ALB ingress domain",
            Field::AlbSecret => "ALB secret",
            Field::AppNamespace => "App namespace",
            Field::App => "App",
            Field::AppPort => "App port",
            Field::Path => "Path",
            Field::GatewayNamespace => "Gateway namespace",
            Field::Profile => "Profile",
            Field::Alb => "ALB",
            Field::Infrastructure => "Infrastructure",
            Field::GatewayConfig => "Gateway configuration",
            Field::DeploySample => "Sample app",
        }
    }

    /// Where to find the value (the end of a validation message).
    pub const fn hint(self) -> &'static str {
        match self {
            Field::ClusterName => {
                "use the cluster's name or ID as `ibmcloud ks cluster ls` prints it"
            }
            Field::IngressIp => {
                "use the EXTERNAL-IP of `kubectl get svc istio-ingressgateway -n istio-system`"
            }
            Field::LbHost => {
                "use the host name `kubectl get svc -n istio-system istio-ingressgateway -o \
                 jsonpath='{.status.loadBalancer.ingress[0].hostname}'` prints"
            }
            Field::NlbDomain => {
                "use the host name `ibmcloud ks nlb-dns ls --cluster <cluster>` lists for the gateway's load balancer"
            }
            Field::NlbSecret => {
                "use the SSL secret name `ibmcloud ks nlb-dns ls --cluster <cluster>` lists for that host name"
            }
            Field::NlbSecretNamespace => {
                "leave empty when IBM keeps the NLB secret in default; put the gateway namespace \
                 when you registered the host with --secret-namespace (IBM then renews it there)"
            }
            Field::AlbDomain => {
                "use the Ingress Subdomain of `ibmcloud ks cluster get --cluster <cluster>`"
            }
            Field::AlbSecret => {
                "use the Ingress Secret of `ibmcloud ks cluster get --cluster <cluster>`"
            }
            Field::AppNamespace | Field::GatewayNamespace => {
                "a namespace name: lowercase letters, digits and '-', at most 63 characters"
            }
            Field::App => {
                "a Service name: lowercase letters, digits and '-', starting with a letter"
            }
            Field::Path => "an URL path such as /status",
            Field::AppPort => "the port of the app's Service, 1-65535 (the sample httpbin: 8000)",
            Field::Profile => "classic (the documented procedure) or current (today's APIs)",
            Field::Alb => "nginx or traefik (ibmcloud ks ingress alb ls shows which)",
            Field::Infrastructure => "classic or vpc (ibmcloud ks cluster ls shows which)",
            Field::GatewayConfig => {
                "istio (Istio's Gateway and VirtualService) or gateway-api (the Kubernetes \
                 Gateway API, Istio 1.28+ with its CRDs v1.5+)"
            }
            Field::DeploySample => {
                "true (deploy Istio's httpbin sample as the app) or false (the app runs already)"
            }
        }
    }

    /// The short help under the field on the page.
    pub const fn help(self) -> &'static str {
        match self {
            Field::ClusterName => "As in `ibmcloud ks cluster ls`.",
            Field::IngressIp => {
                "EXTERNAL-IP of istio-ingressgateway (IPv4 or IPv6); classic infrastructure."
            }
            Field::LbHost => "VPC only: the hostname of the istio-ingressgateway load balancer.",
            Field::NlbDomain => {
                "Host name from `ibmcloud ks nlb-dns ls` for the gateway's load balancer."
            }
            Field::NlbSecret => "Last column of `ibmcloud ks nlb-dns ls`.",
            Field::NlbSecretNamespace => {
                "Empty for default; the gateway namespace if IBM keeps the secret there."
            }
            Field::AlbDomain => "Ingress Subdomain from `ibmcloud ks cluster get`.",
            Field::AlbSecret => "Ingress Secret from `ibmcloud ks cluster get`.",
            Field::AppNamespace => "Namespace of the app, labelled for sidecar injection.",
            Field::App => "Service and deployment name of the app.",
            Field::AppPort => "Service port of the app (1–65535).",
            Field::Path => "URL path prefix the ALB forwards.",
            Field::GatewayNamespace => "Namespace of the istio-ingressgateway deployment.",
            Field::Profile => "Which generation of APIs the bundle targets.",
            Field::Alb => "Which Ingress controller your ALB runs.",
            Field::Infrastructure => "Classic or VPC cluster.",
            Field::GatewayConfig => "Which API configures the Istio gateway.",
            Field::DeploySample => "Whether install deploys the httpbin sample as the app.",
        }
    }

    /// An example value for an empty field on the page ("" for none).
    pub const fn placeholder(self) -> &'static str {
        match self {
            Field::ClusterName => "mycluster",
            Field::IngressIp => "169.45.1.10",
            Field::NlbDomain | Field::AlbDomain => "mycluster-….containers.appdomain.cloud",
            Field::LbHost => "1234abcd-us-south.lb.appdomain.cloud",
            Field::NlbSecret => "mycluster-…-0001",
            Field::AlbSecret => "mycluster-…-0000",
            Field::AppNamespace
            | Field::App
            | Field::AppPort
            | Field::Path
            | Field::GatewayNamespace
            | Field::NlbSecretNamespace
            | Field::Profile
            | Field::Alb
            | Field::Infrastructure
            | Field::GatewayConfig
            | Field::DeploySample => "",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
            assert!(f.label().starts_with(char::is_uppercase), "{f}");
        }
        assert!(Field::TEXT.iter().all(|f| Field::ALL.contains(f)));
        assert_eq!(Field::from_name("alb_client_key"), None);
    }
}
