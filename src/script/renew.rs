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
use std::fmt::Write as _;

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
    if apis.restarts_gateway() {
        sh.line("GATEWAY_CHANGED=0");
    }
    let _ = writeln!(
        sh.out,
        "CA_KEY=\"$BUNDLE_DIR/{CA_KEY}\"\nCA_CERT=\"$BUNDLE_DIR/{CA_CERT}\""
    );

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
    sec::read_ibm_secrets(&mut sh, "");
    // The CA the ALB trusts, alone: classic's trusted.crt holds the gateway chain too.
    let alb_ca = format!(
        "$BUNDLE_DIR/{}",
        crate::inputs::CertInput::GatewayCa.bundle_path()
    );
    let client_ca = format!(
        "$BUNDLE_DIR/{}",
        crate::inputs::CertInput::ClientCa.bundle_path()
    );
    let _ = writeln!(
        sh.out,
        "first_cert \"$WORK_DIR/ibm-nlb/tls.crt\" \"$WORK_DIR/ibm-nlb-leaf.crt\"\n\
         if ! openssl verify -CAfile \"{alb_ca}\" -untrusted \"$WORK_DIR/ibm-nlb/tls.crt\" -purpose sslserver \"$WORK_DIR/ibm-nlb-leaf.crt\" >/dev/null 2>&1; then\n  \
         die \"IBM's NLB certificate does not verify against the CA the ALB trusts ({alb}): nothing was changed. Check it with istio-alb check, update the settings and generate the bundle again.\"\n\
         fi\n\
         if ! covers \"$WORK_DIR/ibm-nlb-leaf.crt\" \"$NLB_INGRESS_DOMAIN\"; then\n  \
         die \"IBM's NLB certificate does not cover $NLB_INGRESS_DOMAIN: nothing was changed\"\n\
         fi\n\
         ok \"IBM's NLB certificate chains to the CA the ALB trusts and covers $NLB_INGRESS_DOMAIN\"",
        alb = format_args!("{}/{}", sides.alb_ca.secret, sides.alb_ca.key),
    );
    // classic: trusted.crt = the NLB chain followed by the CA the ALB trusts (the procedure's
    // `cat tls.crt trustid-x3-root.pem > trusted.crt`); unused by current.
    let _ = writeln!(
        sh.out,
        "cat \"$WORK_DIR/ibm-nlb/tls.crt\" \"{alb_ca}\" >\"$WORK_DIR/trusted.crt\""
    );

    let (client_secret, cert_key, key_key) = sec::alb_client(sides);
    sh.step_checking(
        "The ALB client certificate: renewed from the private CA when due",
        "the private CA: private-ca/client-ca.key must belong to certs/client-ca.pem",
    );
    let _ = writeln!(
        sh.out,
        "CLIENT_DIR=\"$WORK_DIR/client\"\n\
         if ! read_secret \"$GATEWAY_NAMESPACE\" {secret} \"$WORK_DIR/cur-client\" {cert} {key} || [ ! -s \"$WORK_DIR/cur-client/{cert}\" ]; then\n  \
         die 'the ALB client certificate secret {secret_name} is not in the cluster: run install.sh first'\n\
         fi\n\
         read -r client_days client_state <<<\"$(lifetime \"$WORK_DIR/cur-client/{cert}\")\"\n\
         if [ ! -f \"$CA_CERT\" ]; then CA_CERT=\"{client_ca}\"; fi\n\
         if [ -f \"$CA_KEY\" ] && {{ [ \"$FORCE_CLIENT\" -eq 1 ] || [ \"$client_state\" != ok ]; }}; then\n  \
         issue_client \"$CA_CERT\" \"$CA_KEY\" \"$CLIENT_DIR\"\n  \
         why=\"the current one has $client_days day(s) left\"\n  \
         if [ \"$FORCE_CLIENT\" -eq 1 ]; then why=\"$why; --force-client\"; fi\n  \
         ok \"issued the next ALB client certificate (serial $(serial \"$CLIENT_DIR/tls.crt\"), until $(enddate \"$CLIENT_DIR/tls.crt\")): $why\"\n\
         elif [ \"$FORCE_CLIENT\" -eq 1 ]; then\n  \
         die \"--force-client needs the private CA's key at {ca_key} (it is not there: you may have moved it offline, as the README suggests)\"\n",
        secret = quote(&client_secret),
        secret_name = client_secret,
        cert = quote(cert_key),
        key = quote(key_key),
        ca_key = CA_KEY,
    );
    if apis.restarts_gateway() {
        // classic: the documented procedure uses IBM's ALB certificate as the client certificate;
        // that still holds when the client CA issued it for client authentication.
        let _ = writeln!(
            sh.out,
            "elif first_cert \"$WORK_DIR/ibm-alb/tls.crt\" \"$WORK_DIR/ibm-alb-leaf.crt\" && openssl verify -CAfile \"{client_ca}\" -untrusted \"$WORK_DIR/ibm-alb/tls.crt\" -purpose sslclient \"$WORK_DIR/ibm-alb-leaf.crt\" >/dev/null 2>&1; then\n  \
             mkdir -p \"$CLIENT_DIR\"\n  \
             cp \"$WORK_DIR/ibm-alb/tls.crt\" \"$CLIENT_DIR/tls.crt\"\n  \
             cp \"$WORK_DIR/ibm-alb/tls.key\" \"$CLIENT_DIR/tls.key\"\n  \
             ok \"IBM's ALB certificate is the client certificate (the client CA issued it for client authentication), as documented\""
        );
    }
    let _ = writeln!(
        sh.out,
        "else\n  \
         mkdir -p \"$CLIENT_DIR\"\n  \
         cp \"$WORK_DIR/cur-client/{cert_key}\" \"$CLIENT_DIR/tls.crt\"\n  \
         cp \"$WORK_DIR/cur-client/{key_key}\" \"$CLIENT_DIR/tls.key\"\n  \
         if [ \"$client_state\" = ok ]; then\n    \
         ok \"the ALB client certificate has $client_days day(s) left, more than a third of its lifetime: kept\"\n  \
         elif [ -f \"$CA_KEY\" ]; then\n    \
         :\n  \
         else\n    \
         warn \"the ALB client certificate has $client_days day(s) left ($client_state) and the private CA's key is not at {ca_key}: issue the next one with 'istio-alb ca issue DIR' (DIR holding client-ca.pem and client-ca.key), put it into the settings and run install.sh, or put the key back and run renew.sh\"\n  \
         fi\n\
         fi",
        ca_key = CA_KEY,
    );

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
        sh.line("COPY_ALB=1");
        sh.line("if read_secret \"$GATEWAY_NAMESPACE\" \"$ALB_SECRET\" \"$WORK_DIR/alb-copy\" tls.crt && [ \"$SECRET_OWNER\" != \"$BUNDLE_ID\" ]; then");
        sh.line("  COPY_ALB=0");
        sh.line("  note \"$GATEWAY_NAMESPACE/$ALB_SECRET is not istio-alb's copy: left as it is\"");
        sh.line("elif [ \"$ALB_SECRET_NAMESPACE\" = \"$GATEWAY_NAMESPACE\" ]; then");
        sh.line("  COPY_ALB=0");
        sh.line("else");
        sec::plan_alb_copy(&mut sh);
        sh.line("fi");
    }

    sh.step_checking(
        "Writing the secrets that changed",
        "kubectl get secrets -n $GATEWAY_NAMESPACE, and your permissions there",
    );
    sec::apply_secrets(&mut sh, &apis, s, sides);
    if apis.copies_alb_secret() {
        sh.line("if [ \"$COPY_ALB\" -eq 1 ]; then apply_secret \"$ALB_SECRET\"; fi");
    }
    if apis.restarts_gateway() {
        sh.step_checking(
            "Rolling restart of the gateway, if the certificates it mounts changed",
            "kubectl rollout status deployment -n $GATEWAY_NAMESPACE, and the gateway pods' events",
        );
        sh.line("restart_if_needed");
    }
    sh.lines(&[
        "",
        "echo",
        "if [ \"$DRY_RUN\" -eq 1 ]; then",
        "  echo \"Dry run: nothing was changed; the API server refused $DRY_REFUSED of the changes shown.\"",
        "  if [ \"$DRY_REFUSED\" -gt 0 ]; then exit 1; fi",
        "elif [ \"$CHANGED\" -eq 0 ]; then",
        "  echo 'Nothing to renew: every secret already holds the newest certificates.'",
        "else",
        "  echo \"Renewed: $SECRETS_WRITTEN secret(s) written. Check the setup with: $BUNDLE_DIR/scripts/verify.sh\"",
        "fi",
    ]);
    sh
}
