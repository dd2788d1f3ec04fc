//! The secrets as the scripts see them: the bundle's secret manifests decoded, each secret planned
//! from its sources (`plan_secret`, never older than the cluster's) and written when it changed.

use super::builder::{Sh, bundle_path, quote};
use crate::inputs::CertInput;
use crate::manifest::sides::Sides;
use crate::manifest::{self, Apis, Content, Role};
use crate::settings::Settings;

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
        sh.line(&format!(
            "cat {} {} >\"$WORK_DIR/trusted-bundle.crt\"",
            bundle_path(CertInput::NlbCert.bundle_path()),
            bundle_path(CertInput::GatewayCa.bundle_path())
        ));
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
        let mut keys = Vec::new();
        for ((key, role), (_, content)) in spec.roles().into_iter().zip(&spec.data) {
            let role = match role {
                Role::Leaf => "leaf".to_owned(),
                Role::KeyOf(leaf) => format!("key:{leaf}"),
                Role::Ca => "ca".to_owned(),
            };
            keys.push(format!("{role} {} {}", quote(key), source(*content)));
        }
        sh.continued(
            &format!("plan_secret {} {}", quote(&spec.name), quote(spec.type_)),
            &keys,
        );
    }
}

/// Writes every planned secret that changed; sets `GATEWAY_CHANGED=1` when one the gateway itself
/// reads changed (the classic gateway must then restart).
pub(super) fn apply_secrets(sh: &mut Sh, apis: &Apis, s: &Settings, sides: &Sides) {
    let gateway = gateway_side(sides);
    for spec in manifest::secrets(apis, s) {
        if apis.restarts_gateway() && gateway.contains(&spec.name) {
            sh.line(&format!("apply_gateway_secret {}", quote(&spec.name)));
        } else {
            sh.line(&format!("apply_secret {}", quote(&spec.name)));
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
