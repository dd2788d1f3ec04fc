//! The cluster settings a user enters (page form or CLI settings file) and their validation.
//!
//! One model for both shells: the page builds a [`Settings`] from its form and exports it as the
//! same YAML the CLI reads. Defaults are the values of the documented procedure
//! (`httptools`, `httpbin`, port 8000, `/status`, `istio-system`).

mod validate;

pub use validate::{hint, validate};

use crate::pki::finding::Finding;
use crate::pki::setup::{CertInputs, input};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable names of the settings keys, used in `Finding::input` and as form element ids.
pub mod field {
    pub const CLUSTER_NAME: &str = "cluster_name";
    pub const INGRESS_IP: &str = "ingress_ip";
    pub const NLB_DOMAIN: &str = "nlb_domain";
    pub const NLB_SECRET: &str = "nlb_secret";
    pub const ALB_DOMAIN: &str = "alb_domain";
    pub const ALB_SECRET: &str = "alb_secret";
    pub const APP_NAMESPACE: &str = "app_namespace";
    pub const APP: &str = "app";
    pub const APP_PORT: &str = "app_port";
    pub const PATH: &str = "path";
    pub const GATEWAY_NAMESPACE: &str = "gateway_namespace";
    pub const PROFILE: &str = "profile";
}

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

/// Where each certificate input comes from: a path relative to the settings file, or an inline
/// PEM (any value containing `-----BEGIN`). Empty means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Certificates {
    /// Gateway certificate (+ intermediates).
    pub nlb_cert: String,
    pub nlb_key: String,
    pub alb_client_cert: String,
    pub alb_client_key: String,
    /// CA the gateway trusts for ALB client certificates.
    pub client_ca: String,
    /// CA the ALB trusts for the gateway certificate; empty: same as `client_ca`.
    pub gateway_ca: String,
}

impl Certificates {
    /// `(input name, value)` for every entry, in the order of `pki::setup::input::ALL`.
    pub fn entries(&self) -> [(&'static str, &str); 6] {
        [
            (input::NLB_CERT, &self.nlb_cert),
            (input::NLB_KEY, &self.nlb_key),
            (input::ALB_CLIENT_CERT, &self.alb_client_cert),
            (input::ALB_CLIENT_KEY, &self.alb_client_key),
            (input::CLIENT_CA, &self.client_ca),
            (input::GATEWAY_CA, &self.gateway_ca),
        ]
    }
}

/// The settings file of the CLI and the form of the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub cluster_name: String,
    /// IP of the `istio-ingressgateway` load balancer.
    pub ingress_ip: String,
    /// NLB host name registered for `ingress_ip` (`ibmcloud ks nlb-dns ls`).
    pub nlb_domain: String,
    /// IBM's secret holding the certificate for `nlb_domain`.
    pub nlb_secret: String,
    /// The cluster's Ingress subdomain (`ibmcloud ks cluster get`).
    pub alb_domain: String,
    /// IBM's Ingress secret for `alb_domain`.
    pub alb_secret: String,
    pub app_namespace: String,
    pub app: String,
    /// Kept wider than `u16` so that 0 and out-of-range values become findings, not parse errors.
    pub app_port: u32,
    pub path: String,
    pub gateway_namespace: String,
    pub profile: Profile,
    pub certificates: Certificates,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cluster_name: String::new(),
            ingress_ip: String::new(),
            nlb_domain: String::new(),
            nlb_secret: String::new(),
            alb_domain: String::new(),
            alb_secret: String::new(),
            app_namespace: "httptools".into(),
            app: "httpbin".into(),
            app_port: 8000,
            path: "/status".into(),
            gateway_namespace: "istio-system".into(),
            profile: Profile::Current,
            certificates: Certificates::default(),
        }
    }
}

/// Why a settings file could not be read as settings at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// Not YAML/JSON of the settings' shape (unknown key, wrong type, bad profile ...).
    Syntax { message: String },
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingsError::Syntax { message } => write!(
                f,
                "the settings are not valid YAML/JSON of the expected shape: {message}"
            ),
        }
    }
}

impl std::error::Error for SettingsError {}

/// `true` when a certificate entry is an inline PEM rather than a path.
pub fn is_inline_pem(value: &str) -> bool {
    value.contains("-----BEGIN")
}

impl Settings {
    /// The settings keys whose values are free text: every field but `app_port` and `profile`.
    pub const TEXT_FIELDS: [&'static str; 10] = [
        field::CLUSTER_NAME,
        field::INGRESS_IP,
        field::NLB_DOMAIN,
        field::NLB_SECRET,
        field::ALB_DOMAIN,
        field::ALB_SECRET,
        field::APP_NAMESPACE,
        field::APP,
        field::PATH,
        field::GATEWAY_NAMESPACE,
    ];

    /// The value of the text field `key` (one of [`Settings::TEXT_FIELDS`]).
    pub fn text_field(&self, key: &str) -> Option<&str> {
        Some(match key {
            field::CLUSTER_NAME => &self.cluster_name,
            field::INGRESS_IP => &self.ingress_ip,
            field::NLB_DOMAIN => &self.nlb_domain,
            field::NLB_SECRET => &self.nlb_secret,
            field::ALB_DOMAIN => &self.alb_domain,
            field::ALB_SECRET => &self.alb_secret,
            field::APP_NAMESPACE => &self.app_namespace,
            field::APP => &self.app,
            field::PATH => &self.path,
            field::GATEWAY_NAMESPACE => &self.gateway_namespace,
            _ => return None,
        })
    }

    /// Mutable access to the text field `key` (one of [`Settings::TEXT_FIELDS`]).
    pub fn text_field_mut(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            field::CLUSTER_NAME => &mut self.cluster_name,
            field::INGRESS_IP => &mut self.ingress_ip,
            field::NLB_DOMAIN => &mut self.nlb_domain,
            field::NLB_SECRET => &mut self.nlb_secret,
            field::ALB_DOMAIN => &mut self.alb_domain,
            field::ALB_SECRET => &mut self.alb_secret,
            field::APP_NAMESPACE => &mut self.app_namespace,
            field::APP => &mut self.app,
            field::PATH => &mut self.path,
            field::GATEWAY_NAMESPACE => &mut self.gateway_namespace,
            _ => return None,
        })
    }

    /// Parse a settings file (YAML; JSON is YAML too). Missing keys take the defaults.
    pub fn from_yaml(text: &str) -> Result<Settings, SettingsError> {
        if text.trim().is_empty() {
            return Ok(Settings::default());
        }
        serde_yaml::from_str(text).map_err(|e| SettingsError::Syntax {
            message: e.to_string(),
        })
    }

    /// The settings file as YAML, keys in declaration order.
    pub fn to_yaml(&self) -> String {
        // Serialising plain strings, integers and a unit enum cannot fail.
        serde_yaml::to_string(self).unwrap_or_default()
    }

    /// The certificate inputs, each entry resolved: inline PEMs are taken as they are, paths are
    /// handed to `resolve` (the CLI reads the file relative to the settings file; the page has no
    /// files and refuses). Problems become `input-invalid` findings naming the input.
    pub fn cert_inputs(
        &self,
        resolve: impl Fn(&str) -> Result<String, String>,
    ) -> (CertInputs, Vec<Finding>) {
        let mut findings = Vec::new();
        let mut out = CertInputs::default();
        let c = &self.certificates;
        let targets: [(&str, &str, &mut String); 6] = [
            (input::NLB_CERT, &c.nlb_cert, &mut out.nlb_cert),
            (input::NLB_KEY, &c.nlb_key, &mut out.nlb_key),
            (
                input::ALB_CLIENT_CERT,
                &c.alb_client_cert,
                &mut out.alb_client_cert,
            ),
            (
                input::ALB_CLIENT_KEY,
                &c.alb_client_key,
                &mut out.alb_client_key,
            ),
            (input::CLIENT_CA, &c.client_ca, &mut out.client_ca),
            (input::GATEWAY_CA, &c.gateway_ca, &mut out.gateway_ca),
        ];
        for (name, value, target) in targets {
            *target = if value.trim().is_empty() {
                String::new()
            } else if is_inline_pem(value) {
                value.to_owned()
            } else if let Some(problem) = validate::cert_path_problem(value) {
                findings.push(Finding::error(
                    "input-invalid",
                    format!("certificates.{name}: {problem}"),
                    Some(name),
                ));
                String::new()
            } else {
                match resolve(value) {
                    Ok(text) => text,
                    Err(why) => {
                        // Echo the path, but never a long value: it may be key material pasted
                        // without its -----BEGIN line.
                        let shown = if value.len() <= 120 {
                            format!("\"{value}\"")
                        } else {
                            format!(
                                "a value of {} characters (a PEM without its -----BEGIN line?)",
                                value.len()
                            )
                        };
                        findings.push(Finding::error(
                            "input-invalid",
                            format!(
                                "certificates.{name}: cannot read {shown}: {why}. Give a path \
                                 relative to the settings file, or paste the PEM inline."
                            ),
                            Some(name),
                        ));
                        String::new()
                    }
                }
            };
        }
        (out, findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_procedures() {
        let s = Settings::from_yaml("cluster_name: c\n").unwrap();
        assert_eq!(s.app_namespace, "httptools");
        assert_eq!(s.app, "httpbin");
        assert_eq!(s.app_port, 8000);
        assert_eq!(s.path, "/status");
        assert_eq!(s.gateway_namespace, "istio-system");
        assert_eq!(s.profile, Profile::Current);
    }

    #[test]
    fn json_is_accepted_and_yaml_round_trips() {
        let s = Settings::from_yaml(r#"{"cluster_name":"c","profile":"classic","app_port":9000}"#)
            .unwrap();
        assert_eq!(s.profile, Profile::Classic);
        assert_eq!(s.app_port, 9000);
        assert_eq!(Settings::from_yaml(&s.to_yaml()).unwrap(), s);
    }

    #[test]
    fn unknown_keys_and_profiles_are_refused() {
        for text in [
            "clustr_name: c\n",
            "profile: modern\n",
            "app_port: 80; rm -rf /\n",
            "certificates:\n  nlb_crt: a\n",
        ] {
            assert!(Settings::from_yaml(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn cert_inputs_separate_inline_paths_and_failures() {
        let mut s = Settings::default();
        s.certificates.nlb_cert =
            "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n".into();
        s.certificates.nlb_key = "keys/nlb.key".into();
        s.certificates.client_ca = "missing.pem".into();
        s.certificates.alb_client_key = "x; rm -rf /".into();
        let (inputs, findings) = s.cert_inputs(|p| match p {
            "keys/nlb.key" => Ok("KEY".into()),
            _ => Err("no such file".into()),
        });
        assert!(inputs.nlb_cert.starts_with("-----BEGIN CERTIFICATE"));
        assert_eq!(inputs.nlb_key, "KEY");
        assert_eq!(inputs.client_ca, "");
        let inputs_named: Vec<_> = findings.iter().filter_map(|f| f.input.as_deref()).collect();
        assert_eq!(inputs_named, ["alb_client_key", "client_ca"]);
        assert!(findings.iter().all(|f| f.code == "input-invalid"));
    }
}

#[cfg(test)]
mod field_access_tests {
    use super::*;

    #[test]
    fn text_fields_reach_their_own_field_and_nothing_else() {
        let mut s = Settings::default();
        for key in Settings::TEXT_FIELDS {
            *s.text_field_mut(key).expect(key) = format!("value of {key}");
        }
        for key in Settings::TEXT_FIELDS {
            assert_eq!(
                s.text_field(key),
                Some(format!("value of {key}").as_str()),
                "{key}"
            );
        }
        assert_eq!(s.gateway_namespace, "value of gateway_namespace");
        assert_eq!(s.path, "value of path");
        for not_text in [field::APP_PORT, field::PROFILE, "nlb_cert", ""] {
            assert_eq!(s.text_field(not_text), None, "{not_text}");
        }
    }
}
