//! `01-namespace.yaml` and `02-sample-app.yaml`: the app namespace, marked for sidecar
//! injection, and Istio's `samples/httpbin` in it.

use super::apis::Apis;
use super::owner::{INJECTION_LABEL, Owner};
use super::types::*;
use super::yaml::{doc, map};
use super::{Doc, Manifest};
use crate::settings::Settings;

/// 01: the app namespace, marked for sidecar injection.
pub(super) fn namespace(s: &Settings) -> Manifest {
    let (k, v) = INJECTION_LABEL;
    let meta = ObjectMeta::new(&s.app_namespace, None).label(k, v);
    let namespace = Bare {
        api_version: "v1",
        kind: "Namespace",
        metadata: meta,
    };
    Manifest::new(
        Doc::Namespace,
        "manifests/01-namespace.yaml",
        false,
        vec![doc(s, namespace)],
    )
}

/// 02: the sample app (Istio's `samples/httpbin/httpbin.yaml`).
pub(super) fn sample_app(s: &Settings, apis: &Apis) -> Manifest {
    let ns = s.app_namespace.as_str();
    let port = u16::try_from(s.app_port).unwrap_or(8000);
    let container_port = apis.sample_port;
    let sa_meta = ObjectMeta::new(&s.app, Some(ns));
    let sa = Bare {
        api_version: "v1",
        kind: "ServiceAccount",
        metadata: sa_meta,
    };
    let svc_meta = ObjectMeta::new(&s.app, Some(ns)).label("app", &s.app);
    let svc = Resource {
        api_version: "v1",
        kind: "Service",
        metadata: svc_meta,
        spec: ServiceSpec {
            ports: vec![ServicePort {
                name: "http".into(),
                port,
                target_port: container_port,
            }],
            selector: map(&[("app", &s.app)]),
        },
    };
    let pod_labels = map(&[("app", &s.app), ("version", "v1")]);
    let dep_meta = ObjectMeta::new(&s.app, Some(ns));
    let dep = Resource {
        api_version: "apps/v1",
        kind: "Deployment",
        metadata: dep_meta,
        spec: DeploymentSpec {
            replicas: 1,
            selector: LabelSelector {
                match_labels: pod_labels.clone(),
            },
            template: PodTemplate {
                // The pods (and replica sets) carry the ownership labels too, so that cleanup.sh
                // never counts them as someone else's when it decides whether the namespace is
                // empty. The selector stays the sample's own.
                metadata: PodMeta {
                    labels: pod_labels
                        .into_iter()
                        .chain(Owner::of(s).labels())
                        .collect(),
                },
                spec: PodSpec {
                    service_account_name: s.app.clone(),
                    containers: vec![Container {
                        image: apis.sample_image.into(),
                        image_pull_policy: "IfNotPresent",
                        name: s.app.clone(),
                        ports: vec![ContainerPort { container_port }],
                    }],
                },
            },
        },
    };
    Manifest::new(
        Doc::SampleApp,
        "manifests/02-sample-app.yaml",
        false,
        vec![doc(s, sa), doc(s, svc), doc(s, dep)],
    )
}
