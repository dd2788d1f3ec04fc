//! `cleanup.sh`: removes what `install.sh` created, found by the bundle's label, never by name;
//! gives back what install shared (the fields only `istio-alb` set go, the object stays); deletes
//! the app namespace only when install created it and it holds nothing else. It prints the whole
//! plan first and asks (`--yes` when stdin is not a terminal). The order is install's, reversed,
//! so that mutual TLS is relaxed before the new path goes.

use super::builder::{Facts, Sh, ns_word, quote};
use crate::manifest::{Doc, Manifest};
use crate::procedure::{self, Step};

const RERUN: &str = "Running cleanup.sh again is safe: it finds what is left by its label.";

/// The `(resource, kind, namespace)` of one step's objects.
fn step_resources(step: Step, manifests: &[Manifest]) -> Vec<(String, &'static str, String)> {
    let docs: Vec<Doc> = match step {
        Step::Apply(doc) => vec![doc],
        Step::Secrets | Step::CopyAlbSecret => manifests
            .iter()
            .filter(|m| matches!(m.doc, Doc::Secret(_)))
            .map(|m| m.doc)
            .collect(),
        Step::DeleteLegacyIngress => vec![Doc::Ingress],
        Step::Preflight
        | Step::CheckCluster
        | Step::CheckPrerequisites
        | Step::CheckNlb(_)
        | Step::CheckOwnership
        | Step::CheckSecrets
        | Step::RestartGateway => vec![],
    };
    let mut out: Vec<(String, &'static str, String)> = Vec::new();
    for m in manifests.iter().filter(|m| docs.contains(&m.doc)) {
        for o in m.objects.iter().filter(|o| !o.namespace.is_empty()) {
            let pair = (o.resource(), o.kind, o.namespace.clone());
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
    }
    out
}

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, manifests) = (f.s, f.apis, f.manifests);
    let mut sh = Sh::default();
    sh.run("cleanup.sh", RERUN);
    sh.line("start_plan");

    sh.step_checking(
        "Checking that kubectl talks to cluster $CLUSTER_NAME",
        "ibmcloud ks cluster config --cluster $CLUSTER_NAME, or pass --context",
    );
    sh.line("need kubectl awk sed");
    sh.line("check_cluster");

    sh.step_checking(
        "Finding what this bundle created or shares (label istio-alb/bundle=$BUNDLE_ID)",
        "kubectl get all -n $APP_NAMESPACE -l istio-alb/bundle=$BUNDLE_ID, and your permissions",
    );
    let mut seen: Vec<(String, String)> = Vec::new();
    for step in procedure::steps(&apis).into_iter().rev() {
        if step == Step::Apply(Doc::Namespace) {
            continue; // last, below
        }
        for (resource, kind, ns) in step_resources(step, manifests) {
            let pair = (resource.clone(), ns.clone());
            if step == Step::DeleteLegacyIngress {
                continue; // the app namespace's old Ingress is never install's
            }
            if seen.contains(&pair) {
                continue;
            }
            seen.push(pair);
            let ns = ns_word(s, &ns);
            sh.line(&format!("collect {} {kind} {ns}", quote(&resource)));
        }
    }
    sh.line("plan_collected");
    sh.line("collect_namespace \"$APP_NAMESPACE\"");
    sh.line("show_cleanup_plan");

    sh.step_checking("Confirming", "");
    sh.line("confirm");

    sh.step_checking(
        "Deleting and giving back, in reverse install order",
        "kubectl get all -n $APP_NAMESPACE -l istio-alb/bundle=$BUNDLE_ID",
    );
    sh.lines(&[
        "run_plan",
        "",
        "finish 'Done: what install.sh created is gone, what it shared is given back.'",
    ]);
    sh
}
