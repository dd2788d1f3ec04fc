//! `install.sh`: the procedure in order, each step announced, re-runnable.

use super::{SECRET_HELPERS, Sh, bundle_path, copy_alb_tls_secret, restart_gateway};
use crate::manifest::{self, Apis, Doc, Manifest, names};
use crate::procedure::{self, Step};
use crate::settings::Settings;
use std::fmt::Write as _;

fn apply(sh: &mut Sh, m: &Manifest) {
    let _ = writeln!(sh.out, "run kubectl apply -f {}", bundle_path(&m.path));
}

fn apply_secret(sh: &mut Sh, m: &Manifest) {
    let _ = writeln!(
        sh.out,
        "run kubectl apply --server-side --force-conflicts --field-manager=istio-alb -f {}",
        bundle_path(&m.path)
    );
}

pub(super) fn body(s: &Settings, manifests: &[Manifest]) -> String {
    let apis = Apis::of(s);
    let mut sh = Sh { out: String::new() };
    if apis.copies_alb_secret() {
        sh.lines(SECRET_HELPERS);
    }
    for step in procedure::steps(&apis) {
        sh.step(&step.announce());
        match step {
            Step::Preflight => {
                let preflight = bundle_path("scripts/preflight.sh");
                let _ = writeln!(
                    sh.out,
                    "if [ \"$SKIP_PREFLIGHT\" -eq 1 ]; then\n  echo '  skipped (--skip-preflight)'\nelif [ \"$DRY_RUN\" -eq 1 ]; then\n  run bash {preflight}\nelif ! bash {preflight}; then\n  echo 'error: the preflight failed (see above), so nothing was changed in the cluster. Fix the certificates and generate the bundle again, or pass --skip-preflight.' >&2\n  exit 1\nfi"
                );
            }
            Step::CheckPrerequisites => {
                sh.line("need kubectl ibmcloud");
                sh.line("run kubectl get namespace \"$GATEWAY_NAMESPACE\"");
            }
            Step::CheckNlb => {
                let list_cmd = format!("{} --cluster \"$CLUSTER_NAME\"", apis.nlb_dns.list());
                let create_hint = format!(
                    "{} --cluster $CLUSTER_NAME --ip $INGRESS_HOST",
                    apis.nlb_dns.create()
                );
                let _ = writeln!(
                    sh.out,
                    "if [ \"$DRY_RUN\" -eq 1 ]; then\n  run {list_cmd}\nelse\n  nlb_list=\"$({list_cmd})\"\n  if ! grep -F -- \"$NLB_INGRESS_DOMAIN\" <<<\"$nlb_list\" | grep -qF -- \"$INGRESS_HOST\"; then\n    echo \"error: $NLB_INGRESS_DOMAIN is not registered for $INGRESS_HOST in cluster $CLUSTER_NAME.\" >&2\n    echo \"Create it with: {create_hint}, then put the new host name and secret into the settings and regenerate the bundle.\" >&2\n    exit 1\n  fi\nfi"
                );
            }
            Step::Apply(doc) => {
                if let Some(m) = manifest::find(manifests, doc) {
                    apply(&mut sh, m);
                }
            }
            Step::Secrets => {
                for m in manifests.iter().filter(|m| matches!(m.doc, Doc::Secret(_))) {
                    apply_secret(&mut sh, m);
                }
            }
            Step::CopyAlbSecret => copy_alb_tls_secret(&mut sh),
            Step::RestartGateway => restart_gateway(&mut sh),
            Step::DeleteLegacyIngress => {
                let _ = writeln!(
                    sh.out,
                    "run kubectl delete ingress {} -n \"$APP_NAMESPACE\" --ignore-not-found=true",
                    names::INGRESS
                );
            }
        }
    }
    sh.line("");
    sh.line("echo");
    sh.line("echo \"Done. Check the setup with: $BUNDLE_DIR/scripts/verify.sh\"");
    sh.out
}
