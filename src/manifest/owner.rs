//! Ownership: which objects in the cluster a bundle created, and what `install.sh` does with an
//! object of the same name that it did not create.
//!
//! Every object the bundle writes carries [`Owner::labels`] and [`Owner::annotations`], stamped
//! by the one function that serialises a manifest object (`yaml::doc`) and, for the secrets the
//! scripts build themselves, by the scripts' one JSON writer using the same values. `cleanup.sh`
//! deletes by the [`BUNDLE_LABEL`] selector, so it never touches what it did not create.

use super::Doc;
use crate::settings::Settings;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// `app.kubernetes.io/managed-by` (Kubernetes' recommended label), value [`MANAGED_BY`].
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "istio-alb";
/// The bundle id label (and annotation key, with a readable description). No dot in the key, so
/// a kubectl JSONPath can name it without escapes: `{.metadata.labels.istio-alb/bundle}`.
pub const BUNDLE_LABEL: &str = "istio-alb/bundle";

/// Who owns the objects of one bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// 12 hex digits of SHA-256 over the cluster and both namespaces: the same for every bundle
    /// generated for that installation (a renewed bundle keeps owning what the first one made),
    /// and a valid label value.
    pub id: String,
    /// Readable: which bundle, for which cluster.
    pub description: String,
}

impl Owner {
    pub fn of(s: &Settings) -> Owner {
        let mut h = Sha256::new();
        for part in [&s.cluster_name, &s.gateway_namespace, &s.app_namespace] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let id: String = h
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        Owner {
            id,
            description: format!(
                "istio-alb bundle {}-istio-alb for cluster {} (gateway namespace {}, app \
                 namespace {})",
                s.cluster_name, s.cluster_name, s.gateway_namespace, s.app_namespace
            ),
        }
    }

    /// The labels every object of the bundle carries.
    pub fn labels(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            (MANAGED_BY_LABEL.to_owned(), MANAGED_BY.to_owned()),
            (BUNDLE_LABEL.to_owned(), self.id.clone()),
        ])
    }

    /// The annotations every object of the bundle carries.
    pub fn annotations(&self) -> BTreeMap<String, String> {
        BTreeMap::from([(BUNDLE_LABEL.to_owned(), self.description.clone())])
    }

    /// The label selector of everything this bundle created.
    pub fn selector(&self) -> String {
        format!("{BUNDLE_LABEL}={}", self.id)
    }
}

/// What `install.sh` does when an object it is about to write exists without this bundle's
/// label. An object labelled by *another* istio-alb bundle is always refused. Nothing is backed
/// up or replaced: ownership is server-side apply's, by the field manager `istio-alb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takeover {
    /// Shared: install applies the file under the field manager `istio-alb`. A field another
    /// manager set to another value is a conflict that stops install before any change (unless
    /// `--force-conflicts`); `cleanup.sh` gives back the fields it set and keeps the object. For
    /// configuration without key material that the procedure redefines.
    Share,
    /// Install stops before changing anything. For secrets: they hold someone's key material
    /// (never copied to disk by us) and other gateways or Ingresses may serve from them.
    Refuse,
    /// Left exactly as it is and used: the app the route points to, or a copy of IBM's secret
    /// someone else keeps. Never changed or deleted by the scripts.
    Keep,
    /// An existing namespace: only the label the procedure needs is applied (under `istio-alb`,
    /// so that the namespace never carries the bundle's labels and is never deleted);
    /// `cleanup.sh` gives that label back.
    Label,
}

/// The takeover rule for the objects of one manifest file.
pub const fn takeover(doc: Doc) -> Takeover {
    match doc {
        Doc::Namespace => Takeover::Label,
        Doc::SampleApp => Takeover::Keep,
        Doc::Secret(_) => Takeover::Refuse,
        Doc::MtlsPolicy
        | Doc::DestinationRule
        | Doc::Gateway
        | Doc::Route
        | Doc::ClientCaBundle
        | Doc::ServersTransport
        | Doc::AlbService
        | Doc::Ingress => Takeover::Share,
    }
}

impl Takeover {
    /// The word the scripts use for it.
    pub const fn word(self) -> &'static str {
        match self {
            Takeover::Share => "share",
            Takeover::Refuse => "refuse",
            Takeover::Keep => "keep",
            Takeover::Label => "label",
        }
    }
}

/// The label `01-namespace.yaml` sets and `install.sh` sets on an existing app namespace.
pub const INJECTION_LABEL: (&str, &str) = ("istio-injection", "enabled");

/// The resource name kubectl is given for a kind and apiVersion: plural, and qualified by the
/// group so that `gateways.networking.istio.io` never means the Kubernetes Gateway API's.
pub fn resource(kind: &str, api_version: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    let plural = if lower.ends_with('s') {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    };
    match api_version.rsplit_once('/') {
        Some((group, _)) => format!("{plural}.{group}"),
        None => plural,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_plural_and_qualified() {
        const CASES: &[(&str, &str, &str)] = &[
            ("Secret", "v1", "secrets"),
            ("Namespace", "v1", "namespaces"),
            ("ServiceAccount", "v1", "serviceaccounts"),
            ("Deployment", "apps/v1", "deployments.apps"),
            (
                "Gateway",
                "networking.istio.io/v1",
                "gateways.networking.istio.io",
            ),
            (
                "PeerAuthentication",
                "security.istio.io/v1",
                "peerauthentications.security.istio.io",
            ),
            (
                "Policy",
                "authentication.istio.io/v1alpha1",
                "policies.authentication.istio.io",
            ),
            (
                "Ingress",
                "networking.k8s.io/v1",
                "ingresses.networking.k8s.io",
            ),
            ("Ingress", "extensions/v1beta1", "ingresses.extensions"),
        ];
        for (kind, api, want) in CASES {
            assert_eq!(resource(kind, api), *want, "{kind} {api}");
        }
    }

    #[test]
    fn the_id_is_a_label_value_and_stable_across_certificates() {
        let a = Owner::of(&crate::demo::settings());
        assert_eq!(a.id.len(), 12);
        assert!(a.id.chars().all(|c| c.is_ascii_hexdigit()));
        let mut other = crate::demo::settings();
        other.nlb_secret = "renewed".into();
        assert_eq!(Owner::of(&other), a);
        other.app_namespace = "elsewhere".into();
        assert_ne!(Owner::of(&other).id, a.id);
    }
}
