//! `cleanup.sh`: the procedure's cleanup, every deletion tolerant of what is already gone.

use super::{Sh, bundle_path, quote, secret_names};
use crate::manifest::{self, Apis, Doc, Manifest, MtlsPolicy, names};
use crate::settings::Settings;
use std::fmt::Write as _;

pub(super) fn body(s: &Settings, manifests: &[Manifest]) -> String {
    let apis = Apis::of(s);
    let mut sh = Sh { out: String::new() };
    sh.step("Checking prerequisites");
    sh.line("need kubectl");
    sh.lines(&[
        "if [ \"$DRY_RUN\" -eq 0 ] && [ \"$ASSUME_YES\" -eq 0 ]; then",
        "  read -r -p \"Delete the Ingress, gateway, routing, secrets, the sample app and namespace $APP_NAMESPACE? [y/N] \" answer",
        "  case \"$answer\" in",
        "    y | Y | yes) ;;",
        "    *)",
        "      echo 'Nothing deleted.'",
        "      exit 0",
        "      ;;",
        "  esac",
        "fi",
    ]);
    let del = |sh: &mut Sh, kind: &str, name: &str, ns: &str| {
        let _ = writeln!(
            sh.out,
            "run kubectl delete {kind} {} -n \"${ns}\" --ignore-not-found=true",
            quote(name)
        );
    };
    sh.step("Deleting the ALB Ingress, the VirtualService and the Gateway");
    del(&mut sh, "ingress", names::INGRESS, "GATEWAY_NAMESPACE");
    del(
        &mut sh,
        "virtualservice",
        names::VIRTUAL_SERVICE,
        "GATEWAY_NAMESPACE",
    );
    del(&mut sh, "gateway", names::GATEWAY, "GATEWAY_NAMESPACE");
    del(&mut sh, "ingress", names::INGRESS, "APP_NAMESPACE");
    sh.step("Deleting the mutual TLS policy and the destination rule");
    let kind = match apis.mtls {
        MtlsPolicy::PolicyV1alpha1 => "policy",
        MtlsPolicy::PeerAuthenticationV1 => "peerauthentication",
    };
    del(&mut sh, kind, names::MTLS_POLICY, "APP_NAMESPACE");
    del(
        &mut sh,
        "destinationrule",
        names::DESTINATION_RULE,
        "APP_NAMESPACE",
    );
    sh.step("Deleting the secrets in $GATEWAY_NAMESPACE");
    let list: Vec<String> = secret_names(&apis, s).iter().map(|n| quote(n)).collect();
    let _ = writeln!(
        sh.out,
        "run kubectl delete secret {} -n \"$GATEWAY_NAMESPACE\" --ignore-not-found=true",
        list.join(" ")
    );
    if apis.copies_alb_secret() {
        // The copy of IBM's ALB secret; never IBM's own (same namespace means there is no copy).
        sh.lines(&[
            "if [ \"$GATEWAY_NAMESPACE\" != \"$IBM_SECRET_NAMESPACE\" ]; then",
            "  run kubectl delete secret \"$ALB_SECRET\" -n \"$GATEWAY_NAMESPACE\" --ignore-not-found=true",
            "fi",
        ]);
    }
    if let Some(app) = manifest::find(manifests, Doc::SampleApp) {
        sh.step("Shutting down the sample app");
        let _ = writeln!(
            sh.out,
            "run kubectl delete -f {} --ignore-not-found=true",
            bundle_path(&app.path)
        );
    }
    sh.step("Deleting the namespace $APP_NAMESPACE");
    sh.line("run kubectl delete namespace \"$APP_NAMESPACE\" --ignore-not-found=true");
    sh.out
}
