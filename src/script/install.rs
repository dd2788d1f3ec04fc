//! `install.sh`: the procedure's steps in order ([`procedure::steps`]), each announced. Every
//! check runs before the first change; every change first asks who owns what it writes
//! ([`manifest::Takeover`]); a secret is written only when its content changes and never with an older
//! certificate than the cluster holds. So a rerun is safe at any point.

use super::builder::{Facts, MAIN_INDENT, Sh, bundle_path, dq_wrapped, ns_word, quote};
use super::secrets::{self as sec, bundle_value};
use crate::manifest::{self, Apis, Doc, Manifest, ObjectRef, names, takeover};
use crate::procedure::{self, Step};
use crate::settings::{GatewayConfig, Settings};

const RERUN: &str = "Running install.sh again is safe: every step first reads what is in the \
                     cluster and changes only what differs.";

/// Groups that Kubernetes serves itself; any other group of a manifest needs its CRD.
const BUILT_IN_GROUPS: &[&str] = &["", "apps", "extensions", "networking.k8s.io"];

fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// The CRDs of every kind the manifests write that Kubernetes does not serve itself, in the
/// manifests' order (`REQUIRED_CRDS`, which `check_prerequisites` asks for).
pub(super) fn required_crds(manifests: &[Manifest]) -> Vec<String> {
    let mut crds: Vec<String> = manifests
        .iter()
        .flat_map(|m| &m.objects)
        .filter(|o| !BUILT_IN_GROUPS.contains(&group(o.api_version)))
        .map(ObjectRef::resource)
        .collect();
    crds.dedup();
    crds
}

fn name_word(s: &Settings, name: &str) -> String {
    if name == s.app {
        "\"$APP\"".into()
    } else if name == s.app_namespace {
        "\"$APP_NAMESPACE\"".into()
    } else {
        quote(name)
    }
}

/// `RESOURCE KIND NAMESPACE NAME` words of an object, as `decide_file` takes them.
fn object_words(s: &Settings, o: &ObjectRef) -> String {
    format!(
        "{} {} {} {}",
        quote(&o.resource()),
        quote(o.kind),
        if o.namespace.is_empty() {
            "''".to_owned()
        } else {
            ns_word(s, &o.namespace)
        },
        name_word(s, &o.name)
    )
}

/// Every namespace the manifests write to, with the resources written there.
pub(super) fn resources_by_namespace(manifests: &[Manifest]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for o in manifests.iter().flat_map(|m| &m.objects) {
        if o.namespace.is_empty() {
            continue;
        }
        let r = o.resource();
        match out.iter_mut().find(|(ns, _)| *ns == o.namespace) {
            Some((_, rs)) if !rs.contains(&r) => rs.push(r),
            Some(_) => {}
            None => out.push((o.namespace.clone(), vec![r])),
        }
    }
    out
}

/// The Ingress resource of the bundle (its API group), for the app namespace's old Ingress too.
fn ingress_resource(manifests: &[Manifest]) -> String {
    manifest::find(manifests, Doc::Ingress)
        .and_then(|m| m.objects.first())
        .map_or_else(|| "ingresses.networking.k8s.io".into(), ObjectRef::resource)
}

/// The namespace word of a manifest's objects (`''` when cluster-scoped).
fn manifest_ns(s: &Settings, m: &Manifest) -> String {
    match m.objects.first() {
        Some(o) if !o.namespace.is_empty() => ns_word(s, &o.namespace),
        _ => "''".into(),
    }
}

fn check_ownership(sh: &mut Sh, s: &Settings, apis: &Apis, manifests: &[Manifest]) {
    for (ns, resources) in resources_by_namespace(manifests) {
        let mut resources = resources;
        let legacy = ingress_resource(manifests);
        if ns == s.app_namespace && !resources.contains(&legacy) {
            resources.push(legacy);
        }
        let mut words = vec!["inventory".to_owned(), ns_word(s, &ns)];
        words.extend(resources.iter().map(|r| quote(r)));
        sh.command(&words);
    }
    sh.line("inventory_namespace");
    for m in manifests {
        let words: Vec<String> = m.objects.iter().map(|o| object_words(s, o)).collect();
        sh.continued(
            &format!("decide_file {} {}", quote(&m.path), takeover(m.doc).word()),
            &words,
        );
    }
    // The scripts' own objects: the copy of IBM's ALB secret (someone else's copy is kept), and
    // the app namespace's old Ingress (someone else's: never deleted by install).
    if apis.copies_alb_secret() {
        sh.line(
            "decide_file alb-tls-copy keep secrets Secret \"$GATEWAY_NAMESPACE\" \"$ALB_SECRET\"",
        );
    }
    sh.line("check_old_ingress");
    sh.line("refuse_if_any");
    // The API server's own verdict on every manifest, conflicts included, before any change.
    if let Some(m) = manifest::find(manifests, Doc::ServersTransport) {
        sh.line(&format!("served_transport {}", quote(&m.path)));
    }
    let mut files = Vec::new();
    for m in manifests {
        if matches!(m.doc, Doc::Secret(_)) {
            continue; // written from certs/ by the secrets step, checked key by key
        }
        let path = if m.doc == Doc::ServersTransport {
            "\"$TRANSPORT_FILE\"".to_owned()
        } else {
            bundle_path(&m.path)
        };
        files.push(format!("{} {path}", manifest_ns(s, m)));
    }
    sh.continued("check_conflicts", &files);
}

fn check_secrets(sh: &mut Sh, apis: &Apis, s: &Settings) {
    sh.line("read_ibm_secrets \"$NLB_LISTED_NS\"");
    sec::bundle_sources(sh, apis, s);
    // In IBM-renewed mode the bundle holds no copy of the gateway certificate to compare.
    if !s.ibm_keeps_gateway_secret() {
        sh.line("warn_if_ibm_renewed");
    }
    sec::plan_secrets(sh, apis, s, bundle_value);
    if apis.copies_alb_secret() {
        sh.line("check_alb_copy");
    }
}

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, manifests) = (f.s, f.apis, f.manifests);
    let mut sh = Sh::default();
    sh.run("install.sh", RERUN);
    for step in procedure::steps(&apis) {
        sh.step_checking(&step.announce(), &step.check(&apis));
        match step {
            Step::Preflight => sh.line("run_preflight"),
            Step::CheckCluster => {
                sh.line("need kubectl");
                sh.line("check_cluster");
            }
            Step::CheckPrerequisites => sh.line("check_prerequisites"),
            Step::CheckNlb(_) => sh.line("check_nlb_dns"),
            Step::CheckOwnership => check_ownership(&mut sh, s, &apis, manifests),
            Step::CheckSecrets => check_secrets(&mut sh, &apis, s),
            Step::Apply(doc) => {
                if let Some(m) = manifest::find(manifests, doc) {
                    let mut line = format!("apply_file {} {}", quote(&m.path), manifest_ns(s, m));
                    if doc == Doc::ServersTransport {
                        line.push_str(" \"$TRANSPORT_FILE\"");
                    }
                    sh.line(&line);
                }
                if doc == Doc::Route && apis.gateway_config == GatewayConfig::GatewayApi {
                    // Istio takes both up before the ALB is pointed at them and STRICT applies.
                    sh.line(&format!(
                        "wait_gateway_api {} {}",
                        names::GATEWAY_API_GATEWAY,
                        names::HTTP_ROUTE
                    ));
                }
            }
            Step::Secrets => sec::apply_secrets(&mut sh, &apis, s, &f.sides),
            Step::CopyAlbSecret => sh.line("copy_alb_secret"),
            Step::RestartGateway => sh.line("restart_if_needed"),
            Step::DeleteLegacyIngress => {
                sh.line(&format!(
                    "delete_old_ingress {}",
                    quote(&ingress_resource(manifests))
                ));
            }
        }
    }
    sh.line("");
    sh.line(&format!(
        "finish {}",
        dq_wrapped(
            "Done: $SECRETS_WRITTEN secret(s) written, $WARNINGS warning(s). Check the setup \
             with: $BUNDLE_DIR/scripts/verify.sh",
            MAIN_INDENT + 7,
            0
        )
    ));
    sh
}
