//! DEMO ONLY data: settings and certificates that pass every check, for "Try it with demo data"
//! on the page and `istio-alb example DIR`. The certificates come from a private demo CA made by
//! `examples/gen_demo.rs` (valid 2025-01-01 .. 2045-01-01); their keys are public, so nothing
//! here may ever protect real traffic.

use crate::inputs::{CertInput, CertInputs};
use crate::settings::{Alb, GatewayConfig, Infrastructure, Profile, Settings};

pub const CLUSTER_NAME: &str = "demo-cluster";
/// Must equal the SAN written by `examples/gen_demo.rs`.
pub const NLB_DOMAIN: &str = "demo-cluster-0001.us-south.containers.example.com";
pub const ALB_DOMAIN: &str = "demo-cluster-0000.us-south.containers.example.com";

/// Gateway (NLB) certificate followed by the demo intermediate.
pub const NLB_CERT: &str = include_str!("pem/nlb.crt");
pub const NLB_KEY: &str = include_str!("pem/nlb.key");
pub const ALB_CLIENT_CERT: &str = include_str!("pem/alb-client.crt");
pub const ALB_CLIENT_KEY: &str = include_str!("pem/alb-client.key");
/// The demo root CA: trusted by the gateway for the ALB client and by the ALB for the gateway.
pub const CA: &str = include_str!("pem/ca.pem");

/// File names `istio-alb example` writes, relative to the settings file.
pub mod files {
    pub const SETTINGS: &str = "settings.yaml";
    pub const NLB_CERT: &str = "nlb.crt";
    pub const NLB_KEY: &str = "nlb.key";
    pub const ALB_CLIENT_CERT: &str = "alb-client.crt";
    pub const ALB_CLIENT_KEY: &str = "alb-client.key";
    pub const CA: &str = "ca.pem";
}

/// Demo settings for `profile`, certificates given as the file names of [`files`].
pub fn settings_for(profile: Profile) -> Settings {
    Settings {
        cluster_name: CLUSTER_NAME.into(),
        ingress_ip: "192.0.2.10".into(), // TEST-NET-1 (RFC 5737): never a real load balancer
        nlb_domain: NLB_DOMAIN.into(),
        nlb_secret: "demo-cluster-0001".into(),
        alb_domain: ALB_DOMAIN.into(),
        alb_secret: "demo-cluster-0000".into(),
        profile,
        // The demo has no app of its own: it deploys the httpbin sample as its app.
        deploy_sample: true,
        certificates: CertInputs::from_fn(|i| file_of(i).to_owned()),
        ..Settings::default()
    }
}

/// The VPC load balancer's host name of the demo (`.example.com`: never a real one).
pub const LB_HOST: &str = "1a2b3c4d-us-south.lb.example.com";

/// Demo settings for one combination of profile, ALB, infrastructure and secret mode
/// (`ibm_renewed`: IBM keeps and renews the NLB secret in the gateway namespace).
pub fn settings_with(
    profile: Profile,
    alb: Alb,
    infrastructure: Infrastructure,
    ibm_renewed: bool,
) -> Settings {
    let base = settings_for(profile);
    let vpc = infrastructure == Infrastructure::Vpc;
    Settings {
        alb,
        infrastructure,
        ingress_ip: if vpc {
            String::new()
        } else {
            base.ingress_ip.clone()
        },
        lb_host: if vpc { LB_HOST.into() } else { String::new() },
        nlb_secret_namespace: if ibm_renewed {
            base.gateway_namespace.clone()
        } else {
            String::new()
        },
        ..base
    }
}

/// Every combination of profile × ALB × infrastructure × secret mode, valid or not, with the
/// gateway configured by Istio's own API (`gateway_config: istio`, the default).
pub fn every_combination() -> Vec<Settings> {
    let mut out = Vec::new();
    for profile in Profile::ALL {
        for alb in Alb::ALL {
            for infrastructure in Infrastructure::ALL {
                for ibm_renewed in [false, true] {
                    out.push(settings_with(profile, alb, infrastructure, ibm_renewed));
                }
            }
        }
    }
    out
}

/// The same combinations as [`every_combination`] with `gateway_config: gateway-api` (those
/// with the classic profile are refused by a finding on `gateway_config`).
pub fn gateway_api_combinations() -> Vec<Settings> {
    every_combination()
        .into_iter()
        .map(|s| Settings {
            gateway_config: GatewayConfig::GatewayApi,
            ..s
        })
        .collect()
}

/// A short name for a combination: `current`, `current-traefik-vpc-ibm-renewed`,
/// `current-vpc-gateway-api`, ...
pub fn combination_name(s: &Settings) -> String {
    let mut name = s.profile.as_str().to_owned();
    if s.alb != Alb::default() {
        name.push('-');
        name.push_str(s.alb.as_str());
    }
    if s.infrastructure != Infrastructure::default() {
        name.push('-');
        name.push_str(s.infrastructure.as_str());
    }
    if s.ibm_keeps_gateway_secret() {
        name.push_str("-ibm-renewed");
    }
    if s.gateway_config != GatewayConfig::default() {
        name.push('-');
        name.push_str(s.gateway_config.as_str());
    }
    name
}

/// Demo settings (current profile).
pub fn settings() -> Settings {
    settings_for(Profile::Current)
}

/// The demo file that holds each input (both CAs are the demo root).
fn file_of(input: CertInput) -> &'static str {
    match input {
        CertInput::NlbCert => files::NLB_CERT,
        CertInput::NlbKey => files::NLB_KEY,
        CertInput::AlbClientCert => files::ALB_CLIENT_CERT,
        CertInput::AlbClientKey => files::ALB_CLIENT_KEY,
        CertInput::ClientCa | CertInput::GatewayCa => files::CA,
        // The demo CA's key is not shipped as an input: the demo set is a public, third-party
        // CA, not the user's own.
        CertInput::ClientCaKey => "",
    }
}

/// The demo certificate inputs (PEM texts).
pub fn cert_inputs() -> CertInputs {
    CertInputs::from_fn(|i| resolve(file_of(i)).unwrap_or_default())
}

/// `(file name, contents, holds a private key)` of every demo certificate file.
pub fn cert_files() -> [(&'static str, &'static str, bool); 5] {
    [
        (files::NLB_CERT, NLB_CERT, false),
        (files::NLB_KEY, NLB_KEY, true),
        (files::ALB_CLIENT_CERT, ALB_CLIENT_CERT, false),
        (files::ALB_CLIENT_KEY, ALB_CLIENT_KEY, true),
        (files::CA, CA, false),
    ]
}

/// Resolves the demo settings' certificate paths to the embedded PEMs (the page's demo button).
pub fn resolve(path: &str) -> Result<String, String> {
    cert_files()
        .into_iter()
        .find(|(name, _, _)| *name == path)
        .map(|(_, text, _)| text.to_owned())
        .ok_or_else(|| format!("{path} is not a demo file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_settings_are_valid_and_resolve_to_the_demo_pems() {
        for profile in Profile::ALL {
            let s = settings_for(profile);
            assert_eq!(crate::settings::validate(&s), vec![], "{profile}");
            let (inputs, findings) = s.cert_inputs(resolve);
            assert_eq!(findings, vec![]);
            assert_eq!(inputs, cert_inputs());
        }
    }
}
