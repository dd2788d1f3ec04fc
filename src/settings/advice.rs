//! What to do about a value, in the words of a message, and the values commands quote: each
//! typed value once it is valid, else a placeholder such as `<cluster>` (issue 27: messages and
//! guides follow the values typed so far and every choice).

use super::{Field, Infrastructure, Settings};

/// A value for a command: the settings' value of `field` when it passes that field's grammar
/// (which never admits white space, quotes or shell metacharacters, so it needs no quoting),
/// else the placeholder. A command is never built from an empty or refused value.
fn value_or(s: &Settings, field: Field, placeholder: &str) -> String {
    let v = s.text(field).unwrap_or_default().trim();
    if super::usable(field, v) {
        v.to_owned()
    } else {
        placeholder.to_owned()
    }
}

/// The values the commands and messages use: each typed value once it is valid, else its
/// placeholder.
pub(crate) struct Values {
    pub(crate) cluster: String,
    pub(crate) ip: String,
    pub(crate) lb_host: String,
    pub(crate) nlb_secret: String,
    /// Where IBM keeps the NLB secret: the namespace typed, else `default`.
    pub(crate) nlb_secret_namespace: String,
    pub(crate) alb_secret: String,
    pub(crate) gateway_namespace: String,
    pub(crate) infrastructure: Infrastructure,
}

impl Values {
    pub(crate) fn of(s: &Settings) -> Values {
        let nlb_secret_namespace = if s.nlb_secret_namespace.is_empty() {
            super::IBM_DEFAULT_NAMESPACE.to_owned()
        } else {
            value_or(s, Field::NlbSecretNamespace, "<nlb-secret-namespace>")
        };
        Values {
            cluster: value_or(s, Field::ClusterName, "<cluster>"),
            ip: value_or(s, Field::IngressIp, "<ingress-ip>"),
            lb_host: value_or(s, Field::LbHost, "<lb-host>"),
            nlb_secret: value_or(s, Field::NlbSecret, "<nlb-secret>"),
            nlb_secret_namespace,
            alb_secret: value_or(s, Field::AlbSecret, "<alb-secret>"),
            gateway_namespace: value_or(s, Field::GatewayNamespace, "istio-system"),
            infrastructure: s.infrastructure,
        }
    }
}

/// What to do about a value of `field`: its hint as a sentence ("Use the ..." or "It must be
/// ...").
pub(super) fn advice(field: Field) -> String {
    let hint = field.hint();
    match hint.strip_prefix("use ") {
        Some(rest) => format!("Use {rest}."),
        None => format!("It must be {hint}."),
    }
}

/// [`advice`] for `field` with the values of `s` in its command: the cluster name once it is
/// valid instead of `<cluster>`, the gateway namespace typed, the load balancer the
/// infrastructure has (issue 27: a message follows every choice and value typed so far).
pub(super) fn advice_in(field: Field, s: &Settings) -> String {
    let v = Values::of(s);
    let cluster = &v.cluster;
    let gateway = &v.gateway_namespace;
    let load_balancer = match s.infrastructure {
        Infrastructure::Classic => "the gateway's IP",
        Infrastructure::Vpc => "the gateway's load balancer host name",
    };
    let hint = match field {
        Field::IngressIp => {
            format!("use the EXTERNAL-IP of `kubectl get svc istio-ingressgateway -n {gateway}`")
        }
        Field::LbHost => format!(
            "use the host name `kubectl get svc -n {gateway} istio-ingressgateway -o \
             jsonpath='{{.status.loadBalancer.ingress[0].hostname}}'` prints"
        ),
        Field::NlbDomain => format!(
            "use the host name `ibmcloud ks nlb-dns ls --cluster {cluster}` lists for \
             {load_balancer}"
        ),
        Field::NlbSecret => format!(
            "use the SSL secret name `ibmcloud ks nlb-dns ls --cluster {cluster}` lists for \
             that host name"
        ),
        Field::AlbDomain => {
            format!("use the Ingress Subdomain of `ibmcloud ks cluster get --cluster {cluster}`")
        }
        Field::AlbSecret => {
            format!("use the Ingress Secret of `ibmcloud ks cluster get --cluster {cluster}`")
        }
        Field::ClusterName
        | Field::NlbSecretNamespace
        | Field::AppNamespace
        | Field::App
        | Field::AppPort
        | Field::Path
        | Field::GatewayNamespace
        | Field::Profile
        | Field::Alb
        | Field::Infrastructure
        | Field::GatewayConfig
        | Field::DeploySample => return advice(field),
    };
    match hint.strip_prefix("use ") {
        Some(rest) => format!("Use {rest}."),
        None => format!("It must be {hint}."),
    }
}
