//! The wrappings PEM text arrives in when it is copied out of Kubernetes: the whole output of
//! `kubectl get secret NAME -o yaml` (or `-o json`), a secret's base64 `data` value (the
//! `-o jsonpath='{.data.tls\.crt}'` step without `| base64 -d`), or a PEM copied out of a JSON
//! string with literal `\n`. The PEM inside is taken out, and [`Source`] says what was done, so
//! the page can tell the user.

use super::PemError;
use super::sniff::base64_pem;
use crate::finding::Subject;
use crate::inputs::{CertInput, InputKind};
use std::borrow::Cow;

/// Where the PEM text of an input came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// PEM text as pasted (or nothing recognisable: the reader says what is wrong).
    Pem,
    /// PEM with literal `\n` (copied out of a JSON or YAML string).
    EscapedNewlines,
    /// Base64 of PEM: a Kubernetes secret's `data` value, not yet decoded.
    Base64,
    /// One entry of a Kubernetes Secret, from the output of `kubectl get secret -o yaml|json`.
    Secret {
        /// `metadata.name`, when it is a valid object name (it is shown).
        name: Option<String>,
        /// The data key taken, e.g. `tls.crt`.
        key: String,
        /// `"YAML"` or `"JSON"`.
        format: &'static str,
    },
}

impl Source {
    /// What was done to the pasted text, in a sentence; `None` when it was PEM already.
    pub fn describe(&self) -> Option<String> {
        match self {
            Source::Pem => None,
            Source::EscapedNewlines => Some(
                "The pasted text had its line breaks written as \\n (copied out of JSON or \
                 YAML); they were read as line breaks."
                    .to_owned(),
            ),
            Source::Base64 => Some(
                "The pasted text was base64 (a Kubernetes secret's data value); it was decoded \
                 to PEM here. Next time add | base64 -d to the kubectl command."
                    .to_owned(),
            ),
            Source::Secret { name, key, format } => Some(format!(
                "This is a Kubernetes Secret{} as kubectl prints it ({format}): its {key} was \
                 taken out and decoded from base64. Nothing else of it is used.",
                name.as_ref()
                    .map(|n| format!(" (\"{n}\")"))
                    .unwrap_or_default()
            )),
        }
    }
}

/// The data keys an input takes from a Secret, in order of preference: the `kubernetes.io/tls`
/// keys, then IBM's classic ALB keys, then Istio's generic ones.
fn wanted_keys(input: &Subject) -> &'static [&'static str] {
    const CHAIN: &[&str] = &["tls.crt", "client.crt", "cert"];
    const KEY: &[&str] = &["tls.key", "client.key", "key"];
    const CA: &[&str] = &["ca.crt", "trusted.crt", "cacert"];
    match input.cert_input().map(CertInput::kind) {
        Some(InputKind::Chain) | None => CHAIN,
        Some(InputKind::PrivateKey) => KEY,
        Some(InputKind::TrustedCas) => CA,
    }
}

/// A Kubernetes object name or data key as a message may show it.
fn showable(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// One `key: value` line of YAML or JSON, quotes and a trailing comma removed.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.trim().split_once(':')?;
    let key = key.trim().trim_matches('"');
    let value = value.trim().trim_end_matches(',').trim().trim_matches('"');
    Some((key, value))
}

/// A Secret as kubectl prints it: `kind: Secret` (or `"kind": "Secret"`) and base64 data
/// entries whose values decode to PEM text.
struct Secret {
    name: Option<String>,
    format: &'static str,
    entries: Vec<(String, String)>,
}

fn secret(text: &str) -> Option<Secret> {
    let format = if text.trim_start().starts_with('{') {
        "JSON"
    } else {
        "YAML"
    };
    let is_secret = text
        .lines()
        .filter_map(key_value)
        .any(|(k, v)| k == "kind" && v == "Secret");
    if !is_secret {
        return None;
    }
    let mut name = None;
    let mut in_metadata = false;
    let mut entries = Vec::new();
    for (key, value) in text.lines().filter_map(key_value) {
        if key == "metadata" {
            in_metadata = true;
        } else if in_metadata && key == "name" && name.is_none() {
            name = showable(value).then(|| value.to_owned());
        } else if value.len() >= 16
            && showable(key)
            && let Some(pem) = base64_pem(value)
        {
            entries.push((key.to_owned(), pem));
        }
    }
    Some(Secret {
        name,
        format,
        entries,
    })
}

/// The PEM text inside `text` for `input`, and where it came from. A Secret without an entry
/// the input takes is an error that names the entries it has (never their values).
pub(super) fn unwrap<'a>(
    input: &Subject,
    text: &'a str,
) -> Result<(Cow<'a, str>, Source), PemError> {
    if let Some(s) = secret(text) {
        let wanted = wanted_keys(input);
        let found = wanted
            .iter()
            .find_map(|w| s.entries.iter().find(|(k, _)| k == w));
        return match found {
            Some((key, pem)) => Ok((
                Cow::Owned(pem.clone()),
                Source::Secret {
                    name: s.name,
                    key: key.clone(),
                    format: s.format,
                },
            )),
            None => Err(PemError::SecretWithout {
                input: input.clone(),
                name: s.name,
                wanted: wanted[0],
                has: s.entries.into_iter().map(|(k, _)| k).collect(),
            }),
        };
    }
    // PEM copied out of a JSON or YAML string keeps its line breaks as literal "\n".
    if text.contains("-----BEGIN") && text.contains("\\n") {
        let fixed = text.replace("\\r\\n", "\n").replace("\\n", "\n");
        return Ok((Cow::Owned(fixed), Source::EscapedNewlines));
    }
    // A Kubernetes secret's `data` field holds the PEM base64-encoded once more.
    if !text.contains("-----BEGIN")
        && let Some(decoded) = base64_pem(text)
    {
        return Ok((Cow::Owned(decoded), Source::Base64));
    }
    Ok((Cow::Borrowed(text), Source::Pem))
}

/// Where the PEM text of `text` comes from, for `input` (what the page tells the user).
pub fn source(input: impl Into<Subject>, text: &str) -> Source {
    let input = input.into();
    if text.len() > super::MAX_INPUT_BYTES || text.trim().is_empty() {
        return Source::Pem;
    }
    unwrap(&input, text).map_or(Source::Pem, |(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n";

    fn yaml() -> String {
        format!(
            "apiVersion: v1\ndata:\n  tls.crt: {}\n  tls.key: {}\nkind: Secret\nmetadata:\n  \
             creationTimestamp: \"2026-01-01T00:00:00Z\"\n  labels:\n    app: x\n  name: \
             mycluster-abc-0001\n  namespace: default\ntype: kubernetes.io/tls\n",
            b64(CERT),
            b64(KEY)
        )
    }

    fn json() -> String {
        format!(
            "{{\n    \"apiVersion\": \"v1\",\n    \"data\": {{\n        \"ca.crt\": \"{}\",\n        \
             \"tls.crt\": \"{}\"\n    }},\n    \"kind\": \"Secret\",\n    \"metadata\": {{\n        \
             \"name\": \"gw-secret\",\n        \"namespace\": \"istio-system\"\n    }}\n}}\n",
            b64(CERT),
            b64(CERT)
        )
    }

    #[test]
    fn secrets_give_the_entry_each_input_takes() {
        // (input, text, key taken, name, format)
        let cases: &[(CertInput, String, &str, &str, &str)] = &[
            (
                CertInput::NlbCert,
                yaml(),
                "tls.crt",
                "mycluster-abc-0001",
                "YAML",
            ),
            (
                CertInput::NlbKey,
                yaml(),
                "tls.key",
                "mycluster-abc-0001",
                "YAML",
            ),
            (
                CertInput::AlbClientCert,
                json(),
                "tls.crt",
                "gw-secret",
                "JSON",
            ),
            (CertInput::ClientCa, json(), "ca.crt", "gw-secret", "JSON"),
        ];
        for (input, text, key, name, format) in cases {
            let (pem, source) = unwrap(&(*input).into(), text).expect("unwrapped");
            assert!(pem.contains("-----BEGIN"), "{input}");
            assert_eq!(
                source,
                Source::Secret {
                    name: Some((*name).to_owned()),
                    key: (*key).to_owned(),
                    format,
                },
                "{input}"
            );
            let said = source.describe().expect("described");
            assert!(said.contains(key) && said.contains(name), "{said}");
        }
    }

    #[test]
    fn a_secret_without_the_entry_names_what_it_has_and_never_the_values() {
        let err = unwrap(&CertInput::ClientCa.into(), &yaml()).expect_err("no ca.crt");
        let message = err.to_string();
        assert!(message.contains("ca.crt"), "{message}");
        assert!(message.contains("tls.crt, tls.key"), "{message}");
        assert!(!message.contains("LS0t"), "{message}");
        assert!(!message.contains("MAMCAQE"), "{message}");
    }

    #[test]
    fn other_wrappings_are_recognised() {
        let input: Subject = CertInput::NlbCert.into();
        assert_eq!(source(input.clone(), CERT), Source::Pem);
        assert_eq!(source(input.clone(), &b64(CERT)), Source::Base64);
        assert_eq!(
            source(input.clone(), &CERT.replace('\n', "\\n")),
            Source::EscapedNewlines
        );
        assert_eq!(source(input.clone(), "kind: Deployment\n"), Source::Pem);
        assert_eq!(source(input, ""), Source::Pem);
    }
}
