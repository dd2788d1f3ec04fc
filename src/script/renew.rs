//! `renew.sh`: IBM Cloud renews its certificates every 90 days; copies made into the gateway
//! namespace are not renewed. This extracts the renewed ones again, as the procedure does, and
//! re-creates the secrets (re-runnable).

use super::{SECRET_HELPERS, Sh, bundle_path, copy_alb_tls_secret, restart_gateway};
use crate::manifest::{Apis, GatewayCerts, names};
use crate::procedure::Step;
use crate::settings::Settings;
use std::fmt::Write as _;

pub(super) fn body(s: &Settings) -> String {
    let mut sh = Sh { out: String::new() };
    sh.lines(SECRET_HELPERS);
    sh.lines(&[
        "",
        "# trusted CHAIN CA WHAT: refuse a renewed chain that does not lead to the CA this setup",
        "# trusts (e.g. the gateway uses your own certificate, or the issuer moved to another root).",
        "trusted() {",
        "  if [ \"$DRY_RUN\" -eq 1 ]; then",
        "    printf '+ openssl verify -CAfile %q -untrusted %q %q\\n' \"$2\" \"$1\" \"$1\"",
        "    return 0",
        "  fi",
        "  if ! openssl verify -CAfile \"$2\" -untrusted \"$1\" \"$1\" >/dev/null 2>&1; then",
        "    echo \"error: the renewed $3 does not verify against $2; nothing was changed.\" >&2",
        "    echo 'Check the certificates with istio-alb check, update the settings and generate the bundle again.' >&2",
        "    exit 1",
        "  fi",
        "}",
    ]);
    sh.step("Checking prerequisites");
    sh.line("need kubectl base64 openssl");

    sh.step(
        "Extracting the renewed NLB certificate and key from $NLB_SECRET ($NLB_SECRET_NAMESPACE)",
    );
    sh.line("extract \"$NLB_SECRET\" tls.crt \"$WORK_DIR/tls.crt\" \"$NLB_SECRET_NAMESPACE\"");
    sh.line("extract \"$NLB_SECRET\" tls.key \"$WORK_DIR/tls.key\" \"$NLB_SECRET_NAMESPACE\"");
    let _ = writeln!(
        sh.out,
        "trusted \"$WORK_DIR/tls.crt\" {} 'NLB certificate'",
        bundle_path("certs/gateway-ca.pem")
    );
    let apis = Apis::of(s);
    match apis.gateway_certs {
        GatewayCerts::FileMounted => {
            sh.step("Extracting the renewed ALB certificate and key from $ALB_SECRET ($IBM_SECRET_NAMESPACE)");
            sh.line("extract \"$ALB_SECRET\" tls.crt \"$WORK_DIR/client.crt\"");
            sh.line("extract \"$ALB_SECRET\" tls.key \"$WORK_DIR/client.key\"");
            let _ = writeln!(
                sh.out,
                "trusted \"$WORK_DIR/client.crt\" {} 'ALB client certificate'",
                bundle_path("certs/client-ca.pem")
            );
            sh.step("Appending the CA the ALB trusts to the NLB certificate (trusted.crt)");
            let _ = writeln!(
                sh.out,
                "if [ \"$DRY_RUN\" -eq 1 ]; then\n  echo '+ cat tls.crt gateway-ca.pem > trusted.crt'\nelse\n  cat \"$WORK_DIR/tls.crt\" {} >\"$WORK_DIR/trusted.crt\"\nfi",
                bundle_path("certs/gateway-ca.pem")
            );
            sh.step("Re-creating the secrets in $GATEWAY_NAMESPACE");
            let _ = writeln!(
                sh.out,
                "put_secret {} \"$GATEWAY_NAMESPACE\" kubernetes.io/tls \"tls.crt=$WORK_DIR/trusted.crt\" \"tls.key=$WORK_DIR/tls.key\"",
                names::CLASSIC_GATEWAY_CERTS
            );
            let _ = writeln!(
                sh.out,
                "put_secret {} \"$GATEWAY_NAMESPACE\" Opaque \"trusted.crt=$WORK_DIR/trusted.crt\" \"client.crt=$WORK_DIR/client.crt\" \"client.key=$WORK_DIR/client.key\"",
                names::CLASSIC_ALB_CERTS
            );
            sh.step(&Step::RestartGateway.announce());
            restart_gateway(&mut sh);
        }
        GatewayCerts::SdsIbmManaged => {
            sh.line("echo \"  IBM renews the gateway's secret $NLB_SECRET in $GATEWAY_NAMESPACE itself: nothing to copy for the gateway.\"");
            sh.step(&Step::CopyAlbSecret.announce());
            copy_alb_tls_secret(&mut sh);
        }
        GatewayCerts::Sds => {
            sh.step("Re-creating the gateway credential in $GATEWAY_NAMESPACE (the gateway reloads it, no restart)");
            let _ = writeln!(
                sh.out,
                "put_secret {} \"$GATEWAY_NAMESPACE\" kubernetes.io/tls \"tls.crt=$WORK_DIR/tls.crt\" \"tls.key=$WORK_DIR/tls.key\" \"ca.crt=\"{}",
                names::CURRENT_GATEWAY_CREDENTIAL,
                bundle_path("certs/client-ca.pem")
            );
            sh.step(&Step::CopyAlbSecret.announce());
            copy_alb_tls_secret(&mut sh);
            sh.line("");
            let _ = writeln!(
                sh.out,
                "echo 'Note: the ALB client certificate in {} comes from your own CA (Let'\"'\"'s Encrypt certificates no longer carry clientAuth); renew it yourself before it expires.'",
                names::CURRENT_ALB_PROXY_SSL
            );
        }
    }
    sh.line("");
    sh.line("echo \"Done. Check the setup with: $BUNDLE_DIR/scripts/verify.sh\"");
    sh.out
}
