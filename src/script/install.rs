//! `install.sh`: the procedure in order, each step announced, re-runnable.

use super::{SECRET_HELPERS, Sh, bundle_path, copy_alb_tls_secret, restart_gateway};
use crate::manifest::{Manifest, names};
use crate::setup::{Profile, Settings};
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
    let mut sh = Sh { out: String::new() };
    if s.profile == Profile::Current {
        sh.lines(SECRET_HELPERS);
    }
    sh.step("Checking prerequisites");
    sh.line("need kubectl ibmcloud");
    sh.line("run kubectl get namespace \"$GATEWAY_NAMESPACE\"");

    let (list_cmd, create_hint) = match s.profile {
        Profile::Classic => (
            "ibmcloud ks nlb-dnss --cluster \"$CLUSTER_NAME\"",
            "ibmcloud ks nlb-dns-create --cluster $CLUSTER_NAME --ip $INGRESS_HOST",
        ),
        Profile::Current => (
            "ibmcloud ks nlb-dns ls --cluster \"$CLUSTER_NAME\"",
            "ibmcloud ks nlb-dns create classic --cluster $CLUSTER_NAME --ip $INGRESS_HOST",
        ),
    };
    sh.step("Checking that $NLB_INGRESS_DOMAIN is registered for $INGRESS_HOST");
    let _ = writeln!(
        sh.out,
        "if [ \"$DRY_RUN\" -eq 1 ]; then\n  run {list_cmd}\nelse\n  nlb_list=\"$({list_cmd})\"\n  if ! grep -F -- \"$NLB_INGRESS_DOMAIN\" <<<\"$nlb_list\" | grep -qF -- \"$INGRESS_HOST\"; then\n    echo \"error: $NLB_INGRESS_DOMAIN is not registered for $INGRESS_HOST in cluster $CLUSTER_NAME.\" >&2\n    echo \"Create it with: {create_hint}, then put the new host name and secret into the settings and regenerate the bundle.\" >&2\n    exit 1\n  fi\nfi"
    );

    for m in manifests
        .iter()
        .filter(|m| m.path.starts_with("manifests/"))
    {
        let file = &m.path["manifests/".len()..];
        let number = file.get(..3).unwrap_or("");
        match number {
            "05-" => {
                sh.step("Creating the secrets in $GATEWAY_NAMESPACE");
                for secret in manifests.iter().filter(|m| m.path.starts_with("secrets/")) {
                    apply_secret(&mut sh, secret);
                }
                if s.profile == Profile::Current {
                    copy_alb_tls_secret(&mut sh);
                }
            }
            "07-" => {
                sh.step("Deleting a previous Ingress alb-ingress in $APP_NAMESPACE, if any");
                let _ = writeln!(
                    sh.out,
                    "run kubectl delete ingress {} -n \"$APP_NAMESPACE\" --ignore-not-found=true",
                    names::INGRESS
                );
            }
            _ => {}
        }
        sh.step(match number {
            "01-" => "Creating namespace $APP_NAMESPACE, labelled istio-injection=enabled",
            "02-" => "Deploying the sample app $APP to $APP_NAMESPACE",
            "03-" => "Requiring mutual TLS for the services in $APP_NAMESPACE",
            "04-" => "Making sidecars use Istio mutual TLS towards $APP_NAMESPACE",
            "05-" => "Configuring the gateway for mutual TLS on port 443",
            "06-" => "Routing $APP_PATH to $APP through the gateway",
            "07-" => "Configuring the ALB Ingress for https://$ALB_HOST$APP_PATH",
            _ => "Applying the next manifest",
        });
        apply(&mut sh, m);
        if number == "05-" && s.profile == Profile::Classic {
            restart_gateway(&mut sh);
        }
    }
    sh.line("");
    sh.line("echo");
    sh.line("echo \"Done. Check the setup with: $BUNDLE_DIR/scripts/verify.sh\"");
    sh.out
}
