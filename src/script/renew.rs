//! `renew.sh`: IBM Cloud renews its certificates before they expire; the copies in the gateway
//! namespace are not renewed with them. This reads IBM's current ones, checks them (readable,
//! key matches, chains to the CA the ALB trusts, covers the NLB host name), issues the next ALB
//! client certificate when the private CA's key is in the bundle and the current one is in the
//! last third of its life, and writes each secret only when it changed and never with an older
//! certificate. Nothing changed means nothing written and no restart.

use super::builder::{Facts, Sh, quote};
use super::secrets::{self as sec, bundle_value};
use crate::inputs::CertInput;
use crate::manifest::Content;

const RERUN: &str = "Running renew.sh again is safe: it reads what is in the cluster first and \
                     changes only what differs.";

/// Where renew.sh looks for the private client CA's key (the bundle's `client_ca_key`).
pub const CA_KEY: &str = "private-ca/client-ca.key";
/// The CA certificate beside it, when the folder was made by `istio-alb ca init`.
pub const CA_CERT: &str = "private-ca/client-ca.pem";

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, sides) = (f.s, f.apis, &f.sides);
    let mut sh = Sh::default();
    sh.run("renew.sh", RERUN);
    sh.step_checking(
        "Checking that kubectl talks to cluster $CLUSTER_NAME",
        "ibmcloud ks cluster config --cluster $CLUSTER_NAME, or pass --context",
    );
    sh.line("need kubectl openssl awk sed");
    sh.line("check_cluster");

    sh.step_checking(
        "Reading IBM's current certificates and checking them",
        "IBM's secrets: kubectl get secret $NLB_SECRET $ALB_SECRET -n $IBM_DEFAULT_NAMESPACE (or --secret-namespace)",
    );
    sh.line("read_ibm_secrets");
    sh.line(&format!(
        "check_ibm_nlb_cert \"$BUNDLE_DIR\"/{} {}",
        quote(CertInput::GatewayCa.bundle_path()),
        quote(&format!("{}/{}", sides.alb_ca.secret, sides.alb_ca.key)),
    ));

    let (client_secret, cert_key, key_key) = sec::alb_client(sides);
    sh.step_checking(
        "The ALB client certificate: renewed from the private CA when due",
        "the private CA: private-ca/client-ca.key must belong to certs/client-ca.pem",
    );
    sh.line(&format!(
        "renew_client {} {} {}",
        quote(&client_secret),
        quote(cert_key),
        quote(key_key)
    ));

    sh.step_checking(
        "Planning each secret in $GATEWAY_NAMESPACE (never an older certificate)",
        "kubectl get secrets -n $GATEWAY_NAMESPACE -l istio-alb/bundle=$BUNDLE_ID",
    );
    sec::plan_secrets(&mut sh, &apis, s, |content| match content {
        Content::Input(CertInput::NlbCert) => "\"$WORK_DIR/ibm-nlb/tls.crt\"".into(),
        Content::Input(CertInput::NlbKey) => "\"$WORK_DIR/ibm-nlb/tls.key\"".into(),
        Content::TrustedBundle => "\"$WORK_DIR/trusted.crt\"".into(),
        Content::Input(CertInput::AlbClientCert) => "\"$CLIENT_DIR/tls.crt\"".into(),
        Content::Input(CertInput::AlbClientKey) => "\"$CLIENT_DIR/tls.key\"".into(),
        Content::Input(CertInput::ClientCa | CertInput::GatewayCa | CertInput::ClientCaKey) => {
            bundle_value(content)
        }
    });
    if apis.copies_alb_secret() {
        sh.line("plan_alb_copy_renewal");
    }

    sh.step_checking(
        "Writing the secrets that changed",
        "kubectl get secrets -n $GATEWAY_NAMESPACE, and your permissions there",
    );
    sec::apply_secrets(&mut sh, &apis, s, sides);
    if apis.copies_alb_secret() {
        sh.line("apply_alb_copy");
    }
    if apis.restarts_gateway() {
        sh.step_checking(
            "Rolling restart of the gateway, if the certificates it mounts changed",
            "kubectl rollout status deployment -n $GATEWAY_NAMESPACE, and the gateway pods' events",
        );
        sh.line("restart_if_needed");
    }
    sh.lines(&["", "finish_renew"]);
    sh
}
