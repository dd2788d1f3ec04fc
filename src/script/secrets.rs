//! The secrets as the scripts see them: the bundle's secret manifests decoded, each secret planned
//! from its sources (`plan_secret`, never older than the cluster's) and written when it changed.

use super::builder::{Sh, bundle_path, quote};
use crate::inputs::CertInput;
use crate::manifest::sides::Sides;
use crate::manifest::{self, Apis, Content, Role};
use crate::settings::Settings;
use std::fmt::Write as _;

/// The file a secret's data key is written from: the certificate or key in `certs/` it was made
/// of (`secrets/NAME.yaml` holds the same bytes, for whoever applies the folder by hand), or the
/// procedure's `trusted.crt`, put together by [`bundle_sources`].
pub(super) fn bundle_value(content: Content) -> String {
    match content {
        Content::Input(input) => bundle_path(input.bundle_path()),
        Content::TrustedBundle => "\"$WORK_DIR/trusted-bundle.crt\"".to_owned(),
    }
}

/// What the secrets are made of that no file of `certs/` holds as it is: the procedure's
/// `trusted.crt` (`cat nlb.crt gateway-ca.pem`), when a secret of the profile has one.
pub(super) fn bundle_sources(sh: &mut Sh, apis: &Apis, s: &Settings) {
    let trusted = manifest::secrets(apis, s)
        .iter()
        .any(|spec| spec.data.iter().any(|(_, c)| *c == Content::TrustedBundle));
    if trusted {
        let _ = writeln!(
            sh.out,
            "cat {} {} >\"$WORK_DIR/trusted-bundle.crt\"",
            bundle_path(CertInput::NlbCert.bundle_path()),
            bundle_path(CertInput::GatewayCa.bundle_path())
        );
    }
}

/// `plan_secret NAME TYPE ROLE KEY SOURCE...` for every secret of the profile; `source` says
/// which file feeds a data key.
pub(super) fn plan_secrets(
    sh: &mut Sh,
    apis: &Apis,
    s: &Settings,
    source: impl Fn(Content) -> String,
) {
    for spec in manifest::secrets(apis, s) {
        let _ = write!(
            sh.out,
            "plan_secret {} {}",
            quote(&spec.name),
            quote(spec.type_)
        );
        for ((key, role), (_, content)) in spec.roles().into_iter().zip(&spec.data) {
            let role = match role {
                Role::Leaf => "leaf".to_owned(),
                Role::KeyOf(leaf) => format!("key:{leaf}"),
                Role::Ca => "ca".to_owned(),
            };
            let _ = write!(sh.out, " \\\n  {role} {} {}", quote(key), source(*content));
        }
        sh.out.push('\n');
    }
}

/// The plan of the copy of IBM's ALB TLS secret (current profile), from `$WORK_DIR/ibm-alb`,
/// indented for the `else` branch both callers put it in.
pub(super) fn plan_alb_copy(sh: &mut Sh) {
    sh.line(
        "  plan_secret \"$ALB_SECRET\" kubernetes.io/tls \\\n    leaf tls.crt \"$WORK_DIR/ibm-alb/tls.crt\" \\\n    key:tls.crt tls.key \"$WORK_DIR/ibm-alb/tls.key\"",
    );
}

/// Writes every planned secret that changed; sets `GATEWAY_CHANGED=1` when one the gateway itself
/// reads changed (the classic gateway must then restart).
pub(super) fn apply_secrets(sh: &mut Sh, apis: &Apis, s: &Settings, sides: &Sides) {
    let gateway = gateway_side(sides);
    for spec in manifest::secrets(apis, s) {
        if apis.restarts_gateway() && gateway.contains(&spec.name) {
            let _ = writeln!(
                sh.out,
                "written=$SECRETS_WRITTEN\napply_secret {}\nif [ \"$SECRETS_WRITTEN\" -gt \"$written\" ]; then GATEWAY_CHANGED=1; fi",
                quote(&spec.name)
            );
        } else {
            let _ = writeln!(sh.out, "apply_secret {}", quote(&spec.name));
        }
    }
}

/// The secrets the gateway reads: its certificate, key and client CA.
pub(super) fn gateway_side(sides: &Sides) -> Vec<String> {
    let mut out = vec![
        sides.gateway_chain.secret.clone(),
        sides.gateway_key.secret.clone(),
        sides.client_ca.secret.clone(),
    ];
    out.dedup();
    out
}

/// The data keys holding the ALB's client certificate and key, and the secret holding them.
pub(super) fn alb_client(sides: &Sides) -> (String, &'static str, &'static str) {
    (
        sides.alb_cert.secret.clone(),
        sides.alb_cert.key,
        sides.alb_key.key,
    )
}

/// `read_ibm_secret` of the NLB's secret into `$WORK_DIR/ibm-nlb` and of the ALB's into
/// `$WORK_DIR/ibm-alb`, each checked (readable, key matches); `NLB_SECRET_NAMESPACE` and
/// `ALB_SECRET_NAMESPACE` say where they were. `listed` is a namespace variable to try first
/// (install: the one `ibmcloud ks nlb-dns ls` shows), or empty.
pub(super) fn read_ibm_secrets(sh: &mut Sh, listed: &str) {
    let _ = writeln!(
        sh.out,
        "if [ -n \"$NLB_SECRET_NS\" ]; then nlb_candidates=(\"$NLB_SECRET_NS\"); else nlb_candidates=({listed}\"$IBM_DEFAULT_NAMESPACE\" \"$GATEWAY_NAMESPACE\"); fi\n\
         if ! read_ibm_secret \"$NLB_SECRET\" \"$WORK_DIR/ibm-nlb\" \"${{nlb_candidates[@]}}\"; then\n  \
         die \"IBM's NLB secret $NLB_SECRET is not in namespace(s) ${{nlb_candidates[*]}} (IBM creates it with the NLB host name; if it lives elsewhere, pass --secret-namespace NS)\"\n\
         fi\n\
         NLB_SECRET_NAMESPACE=$FOUND_NS\n\
         check_pair \"IBM's NLB secret $NLB_SECRET_NAMESPACE/$NLB_SECRET\" \"$WORK_DIR/ibm-nlb/tls.crt\" \"$WORK_DIR/ibm-nlb/tls.key\"\n\
         ok \"IBM's NLB secret $NLB_SECRET_NAMESPACE/$NLB_SECRET: certificate and key match, valid until $(enddate \"$WORK_DIR/ibm-nlb/tls.crt\")\"\n\
         if [ -n \"$ALB_SECRET_NS\" ]; then alb_candidates=(\"$ALB_SECRET_NS\"); else alb_candidates=(\"$IBM_DEFAULT_NAMESPACE\" \"$GATEWAY_NAMESPACE\"); fi\n\
         if ! read_ibm_secret \"$ALB_SECRET\" \"$WORK_DIR/ibm-alb\" \"${{alb_candidates[@]}}\"; then\n  \
         die \"IBM's ALB secret $ALB_SECRET is not in namespace(s) ${{alb_candidates[*]}} (ibmcloud ks cluster get --cluster $CLUSTER_NAME names it; pass --alb-secret-namespace NS if it lives elsewhere)\"\n\
         fi\n\
         ALB_SECRET_NAMESPACE=$FOUND_NS\n\
         check_pair \"IBM's ALB secret $ALB_SECRET_NAMESPACE/$ALB_SECRET\" \"$WORK_DIR/ibm-alb/tls.crt\" \"$WORK_DIR/ibm-alb/tls.key\"\n\
         ok \"IBM's ALB secret $ALB_SECRET_NAMESPACE/$ALB_SECRET: certificate and key match, valid until $(enddate \"$WORK_DIR/ibm-alb/tls.crt\")\""
    );
}

/// `verify.sh`'s reading of IBM's secrets: a missing one is a failed check, not the end.
pub(super) fn read_ibm_secrets_soft(sh: &mut Sh) {
    sh.lines(&[
        "if [ -n \"$NLB_SECRET_NS\" ]; then nlb_candidates=(\"$NLB_SECRET_NS\"); else nlb_candidates=(\"$IBM_DEFAULT_NAMESPACE\" \"$GATEWAY_NAMESPACE\"); fi",
        "if read_ibm_secret \"$NLB_SECRET\" \"$WORK_DIR/ibm-nlb\" \"${nlb_candidates[@]}\"; then",
        "  pass \"IBM's NLB secret is $FOUND_NS/$NLB_SECRET\"",
        "else",
        "  bad \"IBM's NLB secret $NLB_SECRET is not in namespace(s) ${nlb_candidates[*]}\" 'pass --secret-namespace NS if IBM keeps it elsewhere (nlb-dns create --secret-namespace)'",
        "fi",
        "if [ -n \"$ALB_SECRET_NS\" ]; then alb_candidates=(\"$ALB_SECRET_NS\"); else alb_candidates=(\"$IBM_DEFAULT_NAMESPACE\" \"$GATEWAY_NAMESPACE\"); fi",
        "if read_ibm_secret \"$ALB_SECRET\" \"$WORK_DIR/ibm-alb\" \"${alb_candidates[@]}\"; then",
        "  pass \"IBM's ALB secret is $FOUND_NS/$ALB_SECRET\"",
        "else",
        "  bad \"IBM's ALB secret $ALB_SECRET is not in namespace(s) ${alb_candidates[*]}\" 'pass --alb-secret-namespace NS if IBM keeps it elsewhere'",
        "fi",
    ]);
}
