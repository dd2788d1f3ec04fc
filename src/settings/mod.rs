//! The cluster settings a user enters (page form or CLI settings file) and their validation.
//!
//! One model for both shells: the page builds a [`Settings`] from its form and exports it as the
//! same YAML the CLI reads. Defaults are the values of the documented procedure
//! (`httptools`, `httpbin`, port 8000, `/status`, `istio-system`).

mod advice;
mod choices;
mod combinations;
mod decorations;
mod file_error;
mod limits;
mod port;
mod validate;

pub use crate::field::Field;
pub(crate) use advice::Values;
pub use choices::{Alb, Choice, GatewayConfig, Infrastructure, Profile, options};
pub use decorations::{Decorated, decorations, trim_fields};
pub use file_error::FileError;
pub use limits::{MAX_BLOCK_NESTING, MAX_FLOW_COLLECTIONS};
pub use port::{port_from_text, port_text_finding};
pub use validate::{required, usable, validate};

use crate::finding::{Code, Finding};
use crate::inputs::CertInputs;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The settings file of the CLI and the form of the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub cluster_name: String,
    /// IP of the `istio-ingressgateway` load balancer (classic infrastructure).
    pub ingress_ip: String,
    /// Host name of the `istio-ingressgateway` load balancer (VPC infrastructure).
    pub lb_host: String,
    /// NLB host name registered for `ingress_ip` (`ibmcloud ks nlb-dns ls`).
    pub nlb_domain: String,
    /// IBM's secret holding the certificate for `nlb_domain`.
    pub nlb_secret: String,
    /// The namespace IBM keeps `nlb_secret` in (`--secret-namespace`); empty: `default`. The
    /// gateway namespace means IBM renews the gateway's secret in place (current profile).
    pub nlb_secret_namespace: String,
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
    /// Which ALB controller forwards to the gateway.
    pub alb: Alb,
    /// Classic or VPC infrastructure (how the NLB host name is registered).
    pub infrastructure: Infrastructure,
    /// Which API configures the Istio gateway (Istio's own, or the Kubernetes Gateway API).
    pub gateway_config: GatewayConfig,
    /// Whether the bundle deploys Istio's httpbin sample as `app` (`02-sample-app.yaml`). Off by
    /// default: a typo in the app's name would otherwise deploy a sample under that name instead
    /// of failing; without the sample, `install.sh` stops before any change when the app's
    /// Deployment is missing.
    pub deploy_sample: bool,
    /// Where each certificate input comes from: a path to a regular file (relative to the
    /// settings file; an absolute path is taken as it is), or an inline PEM (any value containing
    /// `-----BEGIN`). Empty means "not given". A file is read only up to
    /// [`MAX_INPUT_BYTES`](crate::pki::pem::MAX_INPUT_BYTES) plus one byte; a directory, FIFO or
    /// device is refused unread ([`FileError`]).
    pub certificates: CertInputs,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cluster_name: String::new(),
            ingress_ip: String::new(),
            lb_host: String::new(),
            nlb_domain: String::new(),
            nlb_secret: String::new(),
            nlb_secret_namespace: String::new(),
            alb_domain: String::new(),
            alb_secret: String::new(),
            app_namespace: "httptools".into(),
            app: "httpbin".into(),
            app_port: 8000,
            path: "/status".into(),
            gateway_namespace: "istio-system".into(),
            profile: Profile::Current,
            alb: Alb::Nginx,
            infrastructure: Infrastructure::Classic,
            gateway_config: GatewayConfig::Istio,
            deploy_sample: false,
            certificates: CertInputs::default(),
        }
    }
}

/// Where IBM Cloud keeps its certificates' secrets unless told otherwise (the procedure's
/// `default`): the NLB host name's without `--secret-namespace`, and the Ingress subdomain's.
pub const IBM_DEFAULT_NAMESPACE: &str = "default";

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
                "this is not a settings file (YAML or JSON with keys such as cluster_name and \
                 ingress_ip): {message}"
            ),
        }
    }
}

impl std::error::Error for SettingsError {}

/// What the parser found wrong, without any of the file's content: the parser quotes the
/// values it could not use, and a wrong file may be a key. Quoted text is kept only when it is
/// a plain settings key (lowercase letters and `_`, as in "unknown field `clustr_name`"); the
/// rest is dropped, and a file that holds key material is named as such.
fn syntax_message(parser: &str, text: &str) -> String {
    if crate::text::looks_like_key_material(text) && !text.contains(Field::ClusterName.name()) {
        return "this is a certificate or key file, not a settings file (paste it into its \
                field instead)"
            .to_owned();
    }
    let mut out = String::new();
    let mut rest = parser;
    while let Some(start) = rest.find(['`', '"']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else {
            rest = "";
            break;
        };
        let quoted = &after[..end];
        let plain_key = !quoted.is_empty()
            && quoted.len() <= 40
            && quoted.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if plain_key {
            out.push('`');
            out.push_str(quoted);
            out.push('`');
        } else {
            out.push('…');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    crate::text::excerpt(&out, 240)
}

/// `true` when a certificate entry is an inline PEM rather than a path.
pub fn is_inline_pem(value: &str) -> bool {
    value.contains("-----BEGIN")
}

impl Settings {
    /// Whether IBM keeps and renews the NLB secret in the gateway namespace itself (the host name
    /// registered with `--secret-namespace <gateway namespace>`), so the gateway can use it in
    /// place instead of a copy.
    pub fn ibm_keeps_gateway_secret(&self) -> bool {
        !self.nlb_secret_namespace.is_empty() && self.nlb_secret_namespace == self.gateway_namespace
    }

    /// Where IBM keeps (and renews) the NLB host name's secret: `nlb_secret_namespace`, or
    /// `default` when it is empty (the procedure's namespace).
    pub fn ibm_secret_namespace(&self) -> &str {
        if self.nlb_secret_namespace.is_empty() {
            IBM_DEFAULT_NAMESPACE
        } else {
            &self.nlb_secret_namespace
        }
    }

    /// The value of a free-text field; `None` for `app_port` and `profile`.
    pub fn text(&self, field: Field) -> Option<&str> {
        Some(match field {
            Field::ClusterName => &self.cluster_name,
            Field::IngressIp => &self.ingress_ip,
            Field::LbHost => &self.lb_host,
            Field::NlbDomain => &self.nlb_domain,
            Field::NlbSecret => &self.nlb_secret,
            Field::NlbSecretNamespace => &self.nlb_secret_namespace,
            Field::AlbDomain => &self.alb_domain,
            Field::AlbSecret => &self.alb_secret,
            Field::AppNamespace => &self.app_namespace,
            Field::App => &self.app,
            Field::Path => &self.path,
            Field::GatewayNamespace => &self.gateway_namespace,
            Field::AppPort
            | Field::Profile
            | Field::Alb
            | Field::Infrastructure
            | Field::GatewayConfig
            | Field::DeploySample => return None,
        })
    }

    /// Mutable access to a free-text field; `None` for `app_port` and `profile`.
    pub fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::ClusterName => &mut self.cluster_name,
            Field::IngressIp => &mut self.ingress_ip,
            Field::LbHost => &mut self.lb_host,
            Field::NlbDomain => &mut self.nlb_domain,
            Field::NlbSecret => &mut self.nlb_secret,
            Field::NlbSecretNamespace => &mut self.nlb_secret_namespace,
            Field::AlbDomain => &mut self.alb_domain,
            Field::AlbSecret => &mut self.alb_secret,
            Field::AppNamespace => &mut self.app_namespace,
            Field::App => &mut self.app,
            Field::Path => &mut self.path,
            Field::GatewayNamespace => &mut self.gateway_namespace,
            Field::AppPort
            | Field::Profile
            | Field::Alb
            | Field::Infrastructure
            | Field::GatewayConfig
            | Field::DeploySample => return None,
        })
    }

    /// Set a choice field (profile, ALB, infrastructure, gateway configuration) to the option whose value is `value`;
    /// `false` (nothing changed) for another field or an unknown value.
    pub fn set_choice(&mut self, field: Field, value: &str) -> bool {
        fn pick<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, value: &str) -> Option<T> {
            all.iter().copied().find(|c| name(*c) == value)
        }
        match field {
            Field::Profile => pick(&Profile::ALL, Profile::as_str, value).map(|v| self.profile = v),
            Field::Alb => pick(&Alb::ALL, Alb::as_str, value).map(|v| self.alb = v),
            Field::Infrastructure => pick(&Infrastructure::ALL, Infrastructure::as_str, value)
                .map(|v| self.infrastructure = v),
            Field::GatewayConfig => pick(&GatewayConfig::ALL, GatewayConfig::as_str, value)
                .map(|v| self.gateway_config = v),
            Field::DeploySample => {
                pick(&[false, true], choices::sample_value, value).map(|v| self.deploy_sample = v)
            }
            _ => None,
        }
        .is_some()
    }

    /// The value of any field as the settings file writes it.
    pub fn value(&self, field: Field) -> String {
        match field {
            Field::AppPort => self.app_port.to_string(),
            Field::Profile => self.profile.as_str().to_owned(),
            Field::Alb => self.alb.as_str().to_owned(),
            Field::Infrastructure => self.infrastructure.as_str().to_owned(),
            Field::GatewayConfig => self.gateway_config.as_str().to_owned(),
            Field::DeploySample => choices::sample_value(self.deploy_sample).to_owned(),
            text => self.text(text).unwrap_or_default().to_owned(),
        }
    }

    /// The settings with every text field that looks like a key or certificate emptied, and
    /// every certificate entry that is inline PEM: what may be stored or exported.
    pub fn without_key_material(&self) -> Settings {
        let mut out = self.clone();
        for field in Field::TEXT {
            if let Some(text) = out.text_mut(field)
                && crate::text::looks_like_key_material(text)
            {
                text.clear();
            }
        }
        out.certificates = CertInputs::from_fn(|i| {
            let v = &self.certificates[i];
            if is_inline_pem(v) || crate::text::looks_like_key_material(v) {
                String::new()
            } else {
                v.clone()
            }
        });
        out
    }

    /// The settings with every text field that looks like a key or certificate replaced by a
    /// description of it ([`crate::text::described`]): what a plan shows back, in its messages,
    /// the bundle's README and report, and the page's preview of the files. Such a field always
    /// has an error finding, so no bundle is made of these values.
    pub fn with_key_material_described(&self) -> Settings {
        let mut out = self.clone();
        for field in Field::TEXT {
            if let Some(text) = out.text_mut(field)
                && crate::text::looks_like_key_material(text)
            {
                *text = crate::text::described(text);
            }
        }
        out
    }

    /// Parse a settings file (YAML; JSON is YAML too). Missing keys take the defaults.
    pub fn from_yaml(text: &str) -> Result<Settings, SettingsError> {
        if text.trim().is_empty() {
            return Ok(Settings::default());
        }
        // Size and nesting first: the YAML scanner's time grows faster than the input with
        // nesting depth.
        if let Some(message) = limits::before_parsing(text) {
            return Err(SettingsError::Syntax { message });
        }
        serde_yaml::from_str(text).map_err(|e| SettingsError::Syntax {
            message: syntax_message(&e.to_string(), text),
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
    pub fn cert_inputs<E: Into<FileError>>(
        &self,
        resolve: impl Fn(&str) -> Result<String, E>,
    ) -> (CertInputs, Vec<Finding>) {
        let mut findings = Vec::new();
        let out = CertInputs::from_fn(|input| {
            let value = self.certificates[input].as_str();
            if value.trim().is_empty() {
                String::new()
            } else if is_inline_pem(value) {
                value.to_owned()
            } else if let Some(problem) = validate::cert_path_problem(value) {
                findings.push(Finding::error(
                    Code::InputInvalid,
                    format!(
                        "The settings file gives {} as a path that {problem}",
                        input.label()
                    ),
                    Some(input.into()),
                ));
                String::new()
            } else {
                match resolve(value).map_err(Into::into) {
                    Ok(text) => text,
                    Err(why) => {
                        // The path passed `cert_path_problem` (portable characters only), so it
                        // can be shown; a long value may still be key material without its
                        // -----BEGIN line, and is described instead.
                        let shown = if value.chars().count() <= 120 {
                            crate::text::quoted(value, 120)
                        } else {
                            format!(
                                "a value of {} characters (a PEM without its -----BEGIN line?)",
                                value.len()
                            )
                        };
                        let (code, advice) = match why {
                            FileError::TooLarge { .. } => (
                                Code::InputTooLarge,
                                "Give a file with only what this input needs (a chain or a key \
                                 is a few KiB).",
                            ),
                            FileError::NotRegular { .. }
                            | FileError::NotText
                            | FileError::Unreadable { .. } => (
                                Code::InputInvalid,
                                "Give the path of a PEM file (relative to the settings file, or \
                                 absolute), or paste the PEM into the settings file instead.",
                            ),
                        };
                        findings.push(Finding::error(
                            code,
                            format!(
                                "The settings file gives {} as {shown}, which cannot be read: \
                                 {why}. {advice}",
                                input.label()
                            ),
                            Some(input.into()),
                        ));
                        String::new()
                    }
                }
            }
        });
        (out, findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::CertInput;

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
        let s = Settings::from_yaml(r#"{"app":"c","profile":"classic","app_port":9000}"#).unwrap();
        assert_eq!(s.profile, Profile::Classic);
        assert_eq!(s.app_port, 9000);
        assert_eq!(Settings::from_yaml(&s.to_yaml()).unwrap(), s);
    }

    #[test]
    fn a_key_read_as_settings_is_not_echoed() {
        let key = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        for text in [
            format!("-----BEGIN PRIVATE KEY-----\n{key}\n-----END PRIVATE KEY-----\n"),
            format!("app_port: {key}\n"),
            format!("cluster_name: [{key}]\n"),
        ] {
            let e = Settings::from_yaml(&text).unwrap_err().to_string();
            assert!(!e.contains(&key[..16]), "{e}");
        }
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
        s.certificates[CertInput::NlbCert] =
            "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n".into();
        s.certificates[CertInput::NlbKey] = "keys/nlb.key".into();
        s.certificates[CertInput::ClientCa] = "missing.pem".into();
        s.certificates[CertInput::AlbClientKey] = "x; rm -rf /".into();
        let (inputs, findings) = s.cert_inputs(|p| match p {
            "keys/nlb.key" => Ok("KEY".into()),
            _ => Err(FileError::from("no such file".to_owned())),
        });
        assert!(inputs[CertInput::NlbCert].starts_with("-----BEGIN CERTIFICATE"));
        assert_eq!(inputs[CertInput::NlbKey], "KEY");
        assert_eq!(inputs[CertInput::ClientCa], "");
        let inputs_named: Vec<_> = findings.iter().filter_map(|f| f.input.as_deref()).collect();
        assert_eq!(inputs_named, ["alb_client_key", "client_ca"]);
        assert!(findings.iter().all(|f| f.code == "input-invalid"));
    }

    /// The names are the settings file's keys: serialising the settings yields them in order.
    #[test]
    fn field_names_are_the_settings_keys_in_order() {
        let yaml = Settings::default().to_yaml();
        let keys: Vec<&str> = yaml
            .lines()
            .filter(|l| !l.starts_with(' '))
            .filter_map(|l| l.split(':').next())
            .filter(|k| *k != "certificates")
            .collect();
        assert_eq!(keys, Field::ALL.map(Field::name).to_vec(), "{yaml}");
    }

    #[test]
    fn text_fields_reach_their_own_value() {
        let mut s = Settings::default();
        for f in Field::TEXT {
            *s.text_mut(f).expect("a text field") = format!("value of {f}");
        }
        for f in Field::TEXT {
            assert_eq!(s.text(f), Some(format!("value of {f}").as_str()));
        }
        assert_eq!(s.gateway_namespace, "value of gateway_namespace");
        assert_eq!(s.text(Field::AppPort), None);
        assert_eq!(s.text(Field::Profile), None);
        assert_eq!(s.value(Field::AppPort), "8000");
    }
}
