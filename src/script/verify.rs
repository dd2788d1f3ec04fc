//! `verify.sh`: reads only, and checks what decides whether the ALB reaches the app: the objects
//! of the bundle in place; every secret readable, keys matching, usages right, days left against
//! the renewal window, and each copy equal to IBM's source; each side trusting the other's
//! certificate; the gateway's Envoy holding the secret with the serial the cluster has; and mutual
//! TLS end to end, where a refusal without a client certificate counts only after the request
//! with one succeeded, and only as a TLS refusal. Every check says ok, WARN or FAIL, and the next
//! step; it keeps going, and exits 1 when any failed.

use super::builder::{Facts, Sh, ns_word, quote};
use crate::inputs::CertInput;
use crate::manifest::{self, Apis, Content, GatewayCerts, Manifest, Role, names, takeover};
use crate::settings::{GatewayConfig, Settings};
use std::fmt::Write as _;

fn objects(sh: &mut Sh, s: &Settings, manifests: &[Manifest]) {
    for (ns, resources) in super::install::resources_by_namespace(manifests) {
        let mut words = vec!["inventory".to_owned(), ns_word(s, &ns)];
        words.extend(resources.iter().map(|r| quote(r)));
        sh.command(&words);
    }
    for m in manifests {
        if matches!(m.doc, manifest::Doc::Secret(_) | manifest::Doc::Namespace) {
            continue; // the secrets are checked key by key below; the namespace holds the rest
        }
        let policy = takeover(m.doc).word();
        for o in &m.objects {
            let name = if o.name == s.app {
                "\"$APP\"".to_owned()
            } else {
                quote(&o.name)
            };
            sh.line(&format!(
                "check_object {policy} {} {} {name}",
                o.kind,
                ns_word(s, &o.namespace)
            ));
        }
    }
}

fn secrets(sh: &mut Sh, apis: &Apis, s: &Settings) {
    for spec in manifest::secrets(apis, s) {
        let mut line = format!("check_secret {}", quote(&spec.name));
        for ((key, role), (_, content)) in spec.roles().into_iter().zip(&spec.data) {
            let role = match (role, content) {
                (Role::Leaf, Content::Input(CertInput::AlbClientCert)) => "leaf:client".to_owned(),
                (Role::Leaf, _) => "leaf:server".to_owned(),
                (Role::KeyOf(leaf), _) => format!("key:{leaf}"),
                (Role::Ca, _) => "ca".to_owned(),
            };
            let _ = write!(line, " {role} {}", quote(key));
        }
        sh.line(&line);
    }
}

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, manifests) = (f.s, f.apis, f.manifests);
    let mut sh = Sh::default();
    sh.run("verify.sh", "");

    sh.step_checking("Checking that kubectl talks to cluster $CLUSTER_NAME", "");
    sh.line("need kubectl curl openssl awk sed");
    sh.line("check_cluster");

    sh.step_checking("The objects of the bundle", "");
    objects(&mut sh, s, manifests);

    sh.step_checking("The gateway service and pods", "");
    sh.line("check_gateway_service");

    sh.step_checking(
        "The secrets in $GATEWAY_NAMESPACE: readable, keys matching, usages, days left",
        "",
    );
    if apis.gateway_certs == GatewayCerts::SdsIbmManaged {
        // IBM's own secret, which the Gateway names: IBM renews it in place.
        sh.line("IBM_KEPT=\"$NLB_SECRET\"");
        sh.line("check_secret \"$NLB_SECRET\" leaf:server tls.crt key:tls.crt tls.key");
    }
    secrets(&mut sh, &apis, s);
    if apis.copies_alb_secret() {
        sh.line("check_alb_tls_copy");
    }

    sh.step_checking(
        "Each side trusts the other, and the copies hold IBM's current certificates",
        "",
    );
    sh.line("check_trust");
    sh.line("check_ibm_copies");

    if apis.gateway_config == GatewayConfig::GatewayApi {
        sh.step_checking("Istio has taken up the Gateway API objects", "");
        sh.line(&format!(
            "check_gateway_api_status {} {}",
            names::GATEWAY_API_GATEWAY,
            names::HTTP_ROUTE
        ));
    }
    sh.step_checking("The certificate the gateway's Envoy holds", "");
    if apis.gateway_config == GatewayConfig::GatewayApi {
        sh.line(&format!("check_envoy {}", names::GATEWAY_CLIENT_CA));
    } else {
        sh.line("check_envoy");
    }

    sh.step_checking("The ALB pods in kube-system", "");
    sh.line("check_alb_pods");

    if apis.ingress == manifest::IngressApi::NetworkingV1Traefik {
        sh.step_checking("Traefik has picked up the ServersTransport", "");
        sh.line(&format!(
            "check_traefik_pickup {} {}",
            names::TRAEFIK_SERVICE,
            names::TRAEFIK_TRANSPORT
        ));
    }

    sh.step_checking(
        "Mutual TLS to the gateway, with the ALB's own client certificate",
        "",
    );
    sh.line("check_mtls_to_gateway");

    sh.step_checking("Through the ALB: https://$ALB_HOST$TEST_PATH", "");
    sh.line("check_through_alb");
    sh.lines(&["", "report"]);
    sh
}
