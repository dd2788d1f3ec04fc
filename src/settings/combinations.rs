//! Choices that do not go together: the classic profile (the documented procedure of Istio 1.4
//! and IBM's original ALB) with Traefik, with IBM's in-place gateway secret, or with the Gateway
//! API. Each finding is on the field that has to change.

use super::{Alb, Field, GatewayConfig, Profile, Settings};
use crate::finding::{Code, Finding};

/// Choices that do not go together, each on the field that has to change.
pub(super) fn combinations(s: &Settings) -> Vec<Finding> {
    let mut out = Vec::new();
    if s.alb == Alb::Traefik && s.profile == Profile::Classic {
        out.push(Finding::error(
            Code::InputInvalid,
            format!(
                "{} Traefik needs the current profile: the classic profile is the documented \
                 procedure for IBM's original ALB (an extensions/v1beta1 Ingress). Pick the \
                 current profile for Traefik, or NGINX for the classic procedure.",
                Field::Alb.label()
            ),
            Some(Field::Alb.into()),
        ));
    }
    if s.profile == Profile::Classic && s.ibm_keeps_gateway_secret() {
        out.push(Finding::error(
            Code::InputInvalid,
            format!(
                "{0} is the gateway namespace, which needs the current profile: the classic \
                 gateway reads its certificate from the fixed secret istio-ingressgateway-certs, \
                 so IBM's renewed secret cannot be used in place. Pick the current profile, or \
                 leave {0} empty.",
                Field::NlbSecretNamespace.label()
            ),
            Some(Field::NlbSecretNamespace.into()),
        ));
    }
    if s.profile == Profile::Classic && s.gateway_config == GatewayConfig::GatewayApi {
        out.push(Finding::error(
            Code::InputInvalid,
            format!(
                "{} Gateway API needs the current profile: the classic profile is the documented \
                 procedure for Istio 1.4, years before the Gateway API and its client-certificate \
                 validation (v1.5, Istio 1.28). Pick the current profile for the Gateway API, or \
                 Istio for the classic procedure.",
                Field::GatewayConfig.label()
            ),
            Some(Field::GatewayConfig.into()),
        ));
    }
    out
}
