//! What `install.sh` will do to the cluster, as the page shows it before the download (issue 27
//! point 9): the objects it creates, what it changes of objects it finds, what it deletes, where
//! the app will answer, and the dry run that shows the rest against the live cluster.
//!
//! Derived from the same plan that writes the scripts: the procedure's steps
//! ([`procedure::steps`]), the manifests' objects and their takeover rules
//! ([`manifest::takeover`], which `install.sh`'s `decide_file` applies), never from the
//! scripts' text. What exists already is known only to the cluster, so each entry says what
//! install does in either case.

use super::Plan;
use crate::manifest::owner::INJECTION_LABEL;
use crate::manifest::{self, Apis, Doc, ObjectRef, Takeover, names, takeover};
use crate::procedure::{self, Step};
use crate::settings::Settings;

/// The field manager every write of install goes under (`kubectl apply --server-side`).
pub const FIELD_MANAGER: &str = manifest::owner::MANAGED_BY;

/// One object, and what install does with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// `Kind namespace/name` (`Kind name` when cluster-scoped).
    pub object: String,
    /// What it is for, or when and how install touches it.
    pub note: String,
}

/// What install will do, in the procedure's order within each list.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InstallPreview {
    /// Objects install writes: created when absent, updated when this bundle made them.
    pub creates: Vec<Entry>,
    /// Objects install finds and changes: under the field manager [`FIELD_MANAGER`] only.
    pub changes: Vec<Entry>,
    /// Objects install deletes.
    pub deletes: Vec<Entry>,
    /// Objects install needs and never changes.
    pub uses: Vec<Entry>,
    /// Where the app will answer through the ALB: `https://<app>.<alb_domain><path>`.
    pub url: String,
    /// The command that shows every change against the live cluster and changes nothing.
    pub dry_run: String,
}

fn object(o: &ObjectRef) -> String {
    if o.namespace.is_empty() {
        format!("{} {}", o.kind, o.name)
    } else {
        format!("{} {}/{}", o.kind, o.namespace, o.name)
    }
}

fn entry(object: String, note: impl Into<String>) -> Entry {
    Entry {
        object,
        note: note.into(),
    }
}

/// What one manifest's objects are for.
fn purpose(doc: Doc, s: &Settings) -> String {
    match doc {
        Doc::Namespace => format!(
            "the app namespace, labelled {}={}",
            INJECTION_LABEL.0, INJECTION_LABEL.1
        ),
        Doc::SampleApp => "Istio's httpbin sample as the app".to_owned(),
        Doc::MtlsPolicy => format!(
            "STRICT mutual TLS for every service in {}: a caller without a sidecar is refused \
             (applied last, once the new path exists)",
            s.app_namespace
        ),
        Doc::DestinationRule => {
            format!("sidecars use Istio mutual TLS towards {}", s.app_namespace)
        }
        Doc::Secret(_) => "a secret of the bundle".to_owned(),
        Doc::ServersTransport => {
            "gives Traefik the ALB client certificate and the gateway's CA".to_owned()
        }
        Doc::AlbService => "the Service Traefik forwards to the gateway through".to_owned(),
        Doc::ClientCaBundle => "the client CA the gateway verifies the ALB with".to_owned(),
        Doc::Gateway => "the gateway's mutual TLS on port 443".to_owned(),
        Doc::Route => format!("routes {} to {}:{}", s.path, s.app, s.app_port),
        Doc::Ingress => format!(
            "the ALB's route for https://{}{} to the gateway",
            manifest::alb_host(s),
            s.path
        ),
    }
}

/// What install will do with the objects of `plan` (a plan with its files, [`super::with_files`]).
pub fn install_preview(plan: &Plan) -> InstallPreview {
    let s = &plan.settings;
    let apis = Apis::of(s);
    let mut creates = Vec::new();
    let mut changes = Vec::new();
    let mut deletes = Vec::new();
    let mut uses = Vec::new();
    let mut shared: Vec<String> = Vec::new();
    let docs = |doc: Doc| plan.manifests.iter().filter(move |m| m.doc == doc);
    for step in procedure::steps(&apis) {
        let applied: Vec<&manifest::Manifest> = match step {
            Step::Apply(doc) => docs(doc).collect(),
            Step::Secrets => plan
                .manifests
                .iter()
                .filter(|m| matches!(m.doc, Doc::Secret(_)))
                .collect(),
            Step::CopyAlbSecret => {
                creates.push(entry(
                    format!("Secret {}/{}", s.gateway_namespace, s.alb_secret),
                    format!(
                        "a copy of IBM's ALB secret beside the Ingress; one that exists and \
                         is not {FIELD_MANAGER}'s is used as it is"
                    ),
                ));
                continue;
            }
            Step::RestartGateway => {
                changes.push(entry(
                    format!(
                        "Deployment {}/{}",
                        s.gateway_namespace,
                        names::GATEWAY_SERVICE
                    ),
                    "a rolling restart, only when the certificates it mounts changed",
                ));
                continue;
            }
            Step::DeleteLegacyIngress => {
                deletes.push(entry(
                    format!("Ingress {}/{}", s.app_namespace, names::INGRESS),
                    "the ALB's old path to the app, only with --delete-old-ingress, right after \
                     the new Ingress exists; without that flag install stops before any change \
                     when it exists. Cleanup cannot put it back.",
                ));
                continue;
            }
            Step::Preflight
            | Step::CheckCluster
            | Step::CheckPrerequisites
            | Step::CheckNlb(_)
            | Step::CheckOwnership
            | Step::CheckSecrets => continue,
        };
        for m in applied {
            let why = match m.doc {
                Doc::Secret(_) if m.holds_key => "holds a private key".to_owned(),
                Doc::Secret(_) => "holds certificates".to_owned(),
                doc => purpose(doc, s),
            };
            let rule = takeover(m.doc);
            for o in &m.objects {
                let note = match rule {
                    Takeover::Share => {
                        shared.push(object(o));
                        why.clone()
                    }
                    Takeover::Refuse => format!(
                        "{why}; when one exists that istio-alb did not create, install stops \
                         before any change"
                    ),
                    Takeover::Keep => format!("{why}; when it exists, it is used as it is"),
                    Takeover::Label => {
                        changes.push(entry(
                            object(o),
                            format!(
                                "when it exists: only its label {}={}, set under the field \
                                 manager {FIELD_MANAGER} (cleanup gives it back); pods running \
                                 there get their sidecar when they restart",
                                INJECTION_LABEL.0, INJECTION_LABEL.1
                            ),
                        ));
                        format!("{why}, when it does not exist")
                    }
                };
                creates.push(entry(object(o), note));
            }
        }
    }
    if !shared.is_empty() {
        changes.push(entry(
            shared.join(", "),
            format!(
                "when one exists that istio-alb did not create, shared with its other managers: \
                 install sets the bundle's fields under the field manager {FIELD_MANAGER}; a \
                 field another manager set to another value stops install before any change \
                 (--force-conflicts takes it over)"
            ),
        ));
    }
    if !apis.sample {
        uses.push(entry(
            format!("Deployment {}/{}", s.app_namespace, s.app),
            "your app, never changed: install stops before any change when it is missing",
        ));
    }
    InstallPreview {
        creates,
        changes,
        deletes,
        uses,
        url: format!("https://{}{}", manifest::alb_host(s), s.path),
        dry_run: format!("{}/scripts/install.sh --dry-run", plan.root),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::settings::{Alb, Infrastructure, Profile};

    const AT: i64 = 1_764_151_200;

    fn preview(s: &Settings) -> InstallPreview {
        install_preview(&crate::plan::plan(s, &demo::cert_inputs(), AT))
    }

    fn objects(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.object.as_str()).collect()
    }

    /// Every object of every manifest is created (or kept, or labelled), in install's order, and
    /// nothing else but the scripts' own copy of IBM's ALB secret.
    #[test]
    fn creates_every_object_the_manifests_hold() {
        for s in demo::every_combination() {
            let plan = crate::plan::plan(&s, &demo::cert_inputs(), AT);
            let p = install_preview(&plan);
            let mut want: Vec<String> = plan
                .manifests
                .iter()
                .flat_map(|m| m.objects.iter().map(object))
                .collect();
            if Apis::of(&s).copies_alb_secret() {
                want.push(format!("Secret {}/{}", s.gateway_namespace, s.alb_secret));
            }
            let mut got: Vec<String> = p.creates.iter().map(|e| e.object.clone()).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "{}", demo::combination_name(&s));
        }
    }

    #[test]
    fn the_namespace_label_and_shared_objects_are_changes_under_our_manager() {
        let p = preview(&demo::settings());
        assert_eq!(p.changes[0].object, "Namespace httptools");
        assert!(p.changes[0].note.contains("istio-injection=enabled"));
        assert!(p.changes[0].note.contains("field manager istio-alb"));
        let shared = p.changes.last().unwrap();
        assert!(
            shared
                .object
                .contains("Gateway istio-system/default-ingress-gateway"),
            "{shared:?}"
        );
        assert!(shared.note.contains("--force-conflicts"), "{shared:?}");
        // Secrets are never shared: install refuses them.
        assert!(!shared.object.contains("Secret"), "{shared:?}");
        // The classic gateway mounts its certificates: a restart is a change; SDS needs none.
        let classic = preview(&demo::settings_for(Profile::Classic));
        assert!(
            objects(&classic.changes).contains(&"Deployment istio-system/istio-ingressgateway")
        );
        assert!(
            !objects(&p.changes)
                .iter()
                .any(|o| o.starts_with("Deployment"))
        );
    }

    #[test]
    fn only_the_old_ingress_is_deleted_and_only_with_the_flag() {
        for s in demo::every_combination() {
            let p = preview(&s);
            assert_eq!(objects(&p.deletes), ["Ingress httptools/alb-ingress"]);
            assert!(p.deletes[0].note.contains("--delete-old-ingress"));
        }
    }

    #[test]
    fn the_sample_choice_decides_between_creating_and_needing_the_app() {
        let with = preview(&demo::settings());
        assert!(objects(&with.creates).contains(&"Deployment httptools/httpbin"));
        assert!(with.uses.is_empty());
        let without = preview(&Settings {
            deploy_sample: false,
            app: "shop".into(),
            ..demo::settings()
        });
        assert!(
            !without
                .creates
                .iter()
                .any(|e| e.object.starts_with("Deployment") || e.object.contains("/shop"))
        );
        assert_eq!(objects(&without.uses), ["Deployment httptools/shop"]);
        assert!(without.uses[0].note.contains("install stops"));
    }

    #[test]
    fn the_url_and_the_dry_run_follow_the_settings() {
        let s = Settings {
            app: "shop".into(),
            path: "/api".into(),
            ..demo::settings_with(Profile::Current, Alb::Traefik, Infrastructure::Vpc, false)
        };
        let p = preview(&s);
        assert_eq!(
            p.url,
            format!("https://shop.{}/api", s.alb_domain),
            "as the Ingress and verify.sh use it"
        );
        assert_eq!(
            p.dry_run,
            "demo-cluster-istio-alb/scripts/install.sh --dry-run"
        );
        // Traefik's own objects are created, NGINX's are not there.
        let created = objects(&p.creates);
        assert!(created.contains(&"ServersTransport istio-system/alb-to-gateway"));
        assert!(!created.iter().any(|o| o.contains("alb-proxy-ssl")));
    }
}
