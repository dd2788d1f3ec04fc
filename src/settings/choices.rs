//! The settings that are choices rather than text: the API generation ([`Profile`]), the ALB
//! controller ([`Alb`]), the infrastructure ([`Infrastructure`]) and the API that configures the
//! Istio gateway ([`GatewayConfig`]), each with one sentence on when to pick it and the command
//! that tells.

use crate::field::Field;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which generation of APIs the bundle targets (see `field-notes.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Exactly as documented: Istio ~1.4, Kubernetes ≤ 1.21, IBM's original ALB.
    Classic,
    /// Clusters people run today: Istio ≥ 1.22, Kubernetes ≥ 1.30, community NGINX ALB.
    #[default]
    Current,
}

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::Classic, Profile::Current];

    pub const fn as_str(self) -> &'static str {
        match self {
            Profile::Classic => "classic",
            Profile::Current => "current",
        }
    }
}

impl Profile {
    /// One sentence on when to pick this profile (for the page's profile switch).
    pub const fn when_to_pick(self) -> &'static str {
        match self {
            Profile::Classic => {
                "Classic reproduces the documented procedure exactly; pick it only for old \
                 clusters (Kubernetes 1.21 or older, Istio before 1.6, IBM's original ALB)."
            }
            Profile::Current => {
                "Current uses today's APIs (Kubernetes 1.22+, Istio 1.22+, the community NGINX \
                 ALB); pick it for any cluster created or upgraded in recent years."
            }
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which ALB controller forwards to the gateway (field notes: IBM's ALB is moving to Traefik).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Alb {
    /// The community NGINX Ingress controller (`public-iks-k8s-nginx`).
    #[default]
    Nginx,
    /// Traefik (`public-iks-traefik`), "the Ingress controller that IBM supports going forward".
    Traefik,
}

impl Alb {
    pub const ALL: [Alb; 2] = [Alb::Nginx, Alb::Traefik];

    pub const fn as_str(self) -> &'static str {
        match self {
            Alb::Nginx => "nginx",
            Alb::Traefik => "traefik",
        }
    }

    /// One sentence on when to pick it.
    pub const fn when_to_pick(self) -> &'static str {
        match self {
            Alb::Nginx => {
                "NGINX: the ALB your cluster runs today unless you enabled Traefik (ibmcloud ks \
                 ingress alb ls shows the version, e.g. 1.14.5_..._iks)."
            }
            Alb::Traefik => {
                "Traefik: pick it when ibmcloud ks ingress alb ls shows a Traefik version (e.g. \
                 3.7.11_..._iks); needs the current profile."
            }
        }
    }
}

impl fmt::Display for Alb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Classic or VPC infrastructure: how the NLB host name is registered and looked up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Infrastructure {
    /// Classic: the load balancer has an IP (`nlb-dns create classic --ip`).
    #[default]
    Classic,
    /// VPC: the load balancer has a host name (`nlb-dns create vpc-gen2 --lb-host`).
    Vpc,
}

impl Infrastructure {
    pub const ALL: [Infrastructure; 2] = [Infrastructure::Classic, Infrastructure::Vpc];

    pub const fn as_str(self) -> &'static str {
        match self {
            Infrastructure::Classic => "classic",
            Infrastructure::Vpc => "vpc",
        }
    }

    /// One sentence on when to pick it.
    pub const fn when_to_pick(self) -> &'static str {
        match self {
            Infrastructure::Classic => {
                "Classic: the INFRASTRUCTURE column of ibmcloud ks cluster ls says classic; the \
                 gateway's load balancer has an IP."
            }
            Infrastructure::Vpc => {
                "VPC: the INFRASTRUCTURE column of ibmcloud ks cluster ls says vpc-gen2; the \
                 gateway's load balancer has a host name."
            }
        }
    }
}

impl fmt::Display for Infrastructure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which API configures the Istio gateway: Istio's own `Gateway` + `VirtualService`, or the
/// Kubernetes Gateway API (`Gateway` + `HTTPRoute`), whose client-certificate validation
/// (GEP-91, `spec.tls.frontend`) is in the standard channel since v1.5 and in Istio since 1.28.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayConfig {
    /// `networking.istio.io` `Gateway` and `VirtualService` (the procedure's).
    #[default]
    Istio,
    /// `gateway.networking.k8s.io/v1` `Gateway` and `HTTPRoute`.
    GatewayApi,
}

impl GatewayConfig {
    pub const ALL: [GatewayConfig; 2] = [GatewayConfig::Istio, GatewayConfig::GatewayApi];

    pub const fn as_str(self) -> &'static str {
        match self {
            GatewayConfig::Istio => "istio",
            GatewayConfig::GatewayApi => "gateway-api",
        }
    }

    /// One sentence on when to pick it.
    pub const fn when_to_pick(self) -> &'static str {
        match self {
            GatewayConfig::Istio => {
                "Istio: Istio's own Gateway and VirtualService, as in the procedure; works with \
                 every Istio version this tool knows."
            }
            GatewayConfig::GatewayApi => {
                "Gateway API: pick it when you standardise on the Kubernetes Gateway API and the \
                 cluster runs Istio 1.28 or newer with the Gateway API CRDs v1.5 or newer; needs \
                 the current profile."
            }
        }
    }
}

impl fmt::Display for GatewayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One option of a choice field, as the page's switches show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The value the settings file writes.
    pub value: &'static str,
    /// Its name on the page.
    pub name: &'static str,
    /// One sentence on when to pick it (and the command that tells).
    pub when: &'static str,
}

impl Choice {
    const fn of(value: &'static str, name: &'static str, when: &'static str) -> Choice {
        Choice { value, name, when }
    }
}

const PROFILES: [Choice; 2] = [
    Choice::of(
        Profile::Current.as_str(),
        "Current",
        Profile::Current.when_to_pick(),
    ),
    Choice::of(
        Profile::Classic.as_str(),
        "Classic",
        Profile::Classic.when_to_pick(),
    ),
];
const ALBS: [Choice; 2] = [
    Choice::of(Alb::Nginx.as_str(), "NGINX", Alb::Nginx.when_to_pick()),
    Choice::of(
        Alb::Traefik.as_str(),
        "Traefik",
        Alb::Traefik.when_to_pick(),
    ),
];
const INFRASTRUCTURES: [Choice; 2] = [
    Choice::of(
        Infrastructure::Classic.as_str(),
        "Classic",
        Infrastructure::Classic.when_to_pick(),
    ),
    Choice::of(
        Infrastructure::Vpc.as_str(),
        "VPC",
        Infrastructure::Vpc.when_to_pick(),
    ),
];

const GATEWAY_CONFIGS: [Choice; 2] = [
    Choice::of(
        GatewayConfig::Istio.as_str(),
        "Istio Gateway",
        GatewayConfig::Istio.when_to_pick(),
    ),
    Choice::of(
        GatewayConfig::GatewayApi.as_str(),
        "Gateway API",
        GatewayConfig::GatewayApi.when_to_pick(),
    ),
];

/// The value the settings file writes for `deploy_sample`.
pub(crate) const fn sample_value(deploy: bool) -> &'static str {
    if deploy { "true" } else { "false" }
}

const SAMPLES: [Choice; 2] = [
    Choice::of(
        sample_value(false),
        "My app",
        "Your app runs already as the Deployment and Service named App: install stops, before any \
         change, when that Deployment is missing, so a mistyped name cannot go unnoticed.",
    ),
    Choice::of(
        sample_value(true),
        "Deploy the httpbin sample",
        "Deploy Istio's httpbin sample under the App name, to try the path before your own app \
         is behind it.",
    ),
];

/// The options of a choice field, in the page's order; empty for the other fields.
pub const fn options(field: Field) -> &'static [Choice] {
    match field {
        Field::Profile => &PROFILES,
        Field::Alb => &ALBS,
        Field::Infrastructure => &INFRASTRUCTURES,
        Field::GatewayConfig => &GATEWAY_CONFIGS,
        Field::DeploySample => &SAMPLES,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    /// Every option of every choice field sets exactly that value, and the options name every
    /// value of the type (a new variant without an option fails here).
    #[test]
    fn options_cover_each_choice_and_set_it() {
        let counts = [
            (Field::Profile, Profile::ALL.len()),
            (Field::Alb, Alb::ALL.len()),
            (Field::Infrastructure, Infrastructure::ALL.len()),
            (Field::GatewayConfig, GatewayConfig::ALL.len()),
            (Field::DeploySample, 2),
        ];
        for (field, count) in counts {
            assert_eq!(options(field).len(), count, "{field}");
            for choice in options(field) {
                let mut s = Settings::default();
                assert!(
                    s.set_choice(field, choice.value),
                    "{field} {}",
                    choice.value
                );
                assert_eq!(s.value(field), choice.value);
                assert!(!choice.when.is_empty());
            }
            let mut s = Settings::default();
            assert!(!s.set_choice(field, "nope"));
            assert_eq!(s, Settings::default());
        }
        for field in Field::TEXT {
            assert!(options(field).is_empty(), "{field}");
            assert!(!Settings::default().set_choice(field, "current"));
        }
    }
}
