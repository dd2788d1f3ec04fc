//! The settings that are choices rather than text: the API generation ([`Profile`]), the ALB
//! controller ([`Alb`]) and the infrastructure ([`Infrastructure`]), each with one sentence on
//! when to pick it and the command that tells.

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

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Classic => "classic",
            Profile::Current => "current",
        }
    }
}

impl Profile {
    /// One sentence on when to pick this profile (for the page's profile switch).
    pub fn when_to_pick(self) -> &'static str {
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

    pub fn as_str(self) -> &'static str {
        match self {
            Alb::Nginx => "nginx",
            Alb::Traefik => "traefik",
        }
    }

    /// One sentence on when to pick it.
    pub fn when_to_pick(self) -> &'static str {
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

    pub fn as_str(self) -> &'static str {
        match self {
            Infrastructure::Classic => "classic",
            Infrastructure::Vpc => "vpc",
        }
    }

    /// One sentence on when to pick it.
    pub fn when_to_pick(self) -> &'static str {
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
