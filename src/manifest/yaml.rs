//! Serialising typed resources to YAML the way kubectl and the validators read it.

use super::ObjectRef;
use super::owner::Owner;
use super::types::{Object, ObjectMeta, Secret};
use crate::settings::Settings;
use base64::Engine as _;
use serde::Serialize;
use std::collections::BTreeMap;

/// One YAML document and the object it declares, stamped with the bundle's ownership labels and
/// annotation: the one place every manifest object passes through.
pub(super) fn doc<T: Serialize + Object>(s: &Settings, mut value: T) -> (ObjectRef, String) {
    let owner = Owner::of(s);
    let meta = value.meta_mut();
    meta.labels.extend(owner.labels());
    meta.annotations.extend(owner.annotations());
    // Plain structs of strings, integers and maps always serialise.
    let text = quote_yaml11_booleans(&serde_yaml::to_string(&value).unwrap_or_default());
    let meta = value.meta();
    (
        ObjectRef {
            api_version: value.api_version(),
            kind: value.kind(),
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone(),
        },
        text,
    )
}

/// YAML 1.1 words that Go's and Python's YAML readers (kubectl, kubernetes-validate) read as
/// booleans, while `serde_yaml` 0.9 (YAML 1.2) writes them unquoted: dtolnay/serde-yaml#319
/// ("Preserve double quotes around yes and no", with the `proxy-buffering: on` Ingress
/// annotation that kubectl then rejects) and #380 are open, and the fix (PR #412, "Quote YAML
/// 1.1 bools during serialization") was closed unmerged. So we quote them ourselves.
const YAML11_BOOLEANS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// Single-quote plain scalars that a YAML 1.1 reader would turn into booleans (NGINX needs the
/// string `"on"`, not `true`). Works on `serde_yaml`'s block output line by line: a value is the
/// text after `key: ` or `- `; quoted and multi-line scalars never equal one of these words.
pub(super) fn quote_yaml11_booleans(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 16);
    for line in yaml.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let split = body.rfind(": ").map(|i| i + 2).or_else(|| {
            body.trim_start()
                .starts_with("- ")
                .then(|| body.find("- ").unwrap_or(0) + 2)
        });
        match split {
            Some(i) if YAML11_BOOLEANS.contains(&&body[i..]) => {
                out.push_str(&body[..i]);
                out.push('\'');
                out.push_str(&body[i..]);
                out.push('\'');
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => out.push_str(line),
        }
    }
    out
}

pub(super) fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

/// Concatenate PEM texts, each ending in exactly one newline.
pub fn concat_pem(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        let t = p.trim_matches(|c| c == '\n' || c == '\r');
        if !t.is_empty() {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

/// A `v1` Secret with its data base64-encoded.
pub(super) fn secret(
    s: &Settings,
    name: &str,
    ns: &str,
    type_: &'static str,
    data: &[(&str, String)],
) -> (ObjectRef, String) {
    let secret = Secret {
        api_version: "v1",
        kind: "Secret",
        metadata: ObjectMeta::new(name, Some(ns)),
        type_,
        data: data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), b64(v)))
            .collect(),
    };
    doc(s, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_booleans_are_quoted_and_nothing_else_changes() {
        const CASES: &[(&str, &str)] = &[
            ("a: on\n", "a: 'on'\n"),
            ("  b/c: off\n", "  b/c: 'off'\n"),
            ("- yes\n", "- 'yes'\n"),
            ("a: 'on'\n", "a: 'on'\n"),
            ("a: one\n", "a: one\n"),
            ("a: x: on\n", "a: x: 'on'\n"),
            ("a: 2\nb: on", "a: 2\nb: 'on'"),
        ];
        for (input, want) in CASES {
            assert_eq!(quote_yaml11_booleans(input), *want, "{input:?}");
        }
    }
}
