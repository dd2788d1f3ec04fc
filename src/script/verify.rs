//! `verify.sh`: the procedure's curl tests and every troubleshooting check it lists, adapted to
//! the profile. Keeps going after a failed check and exits 1 when any failed.

use super::{Sh, bundle_path, quote};
use crate::manifest::{self, Apis, GatewayCerts, names};
use crate::settings::Settings;
use std::fmt::Write as _;

pub(super) fn body(s: &Settings) -> String {
    let apis = Apis::of(s);
    let mut sh = Sh { out: String::new() };
    sh.lines(&[
        "",
        "failures=0",
        "ok() { printf '  ok: %s\\n' \"$*\"; }",
        "note() { printf '  note: %s\\n' \"$*\"; }",
        "",
        "# secret_pem SECRET KEY [NAMESPACE]: the decoded value, empty when missing.",
        "secret_pem() {",
        "  kubectl get secret \"$1\" -n \"${3:-$GATEWAY_NAMESPACE}\" -o \"jsonpath={.data.${2//./\\\\.}}\" 2>/dev/null | base64 --decode 2>/dev/null || true",
        "}",
        "bad() {",
        "  printf '  FAILED: %s\\n' \"$*\" >&2",
        "  failures=$((failures + 1))",
        "}",
        "",
        "# has_key SECRET KEY: the secret exists in the gateway namespace and holds a non-empty KEY.",
        "has_key() {",
        "  local value",
        "  if [ \"$DRY_RUN\" -eq 1 ]; then",
        "    run kubectl get secret \"$1\" -n \"$GATEWAY_NAMESPACE\" -o \"jsonpath={.data.${2//./\\\\.}}\"",
        "    return 0",
        "  fi",
        "  value=\"$(kubectl get secret \"$1\" -n \"$GATEWAY_NAMESPACE\" -o \"jsonpath={.data.${2//./\\\\.}}\" 2>/dev/null || true)\"",
        "  if [ -n \"$value\" ]; then ok \"secret $1 has $2\"; else bad \"secret $1 in $GATEWAY_NAMESPACE lacks $2 (or does not exist)\"; fi",
        "}",
        "",
        "# status URL CURL-ARGS...: the HTTP status code curl gets, or 000.",
        "status() {",
        "  local url=$1",
        "  shift",
        "  curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \"$@\" \"$url\" 2>/dev/null || true",
        "}",
        "",
        "# expect_status WHAT CODE: CODE is the expected one (or any non-5xx answer when none is set).",
        "expect_status() {",
        "  if [ -n \"$EXPECT_STATUS\" ] && [ \"$2\" = \"$EXPECT_STATUS\" ]; then",
        "    ok \"$1 answered $2\"",
        "  elif [ -z \"$EXPECT_STATUS\" ] && [ \"$2\" != 000 ] && [ \"${2:0:1}\" != 5 ]; then",
        "    ok \"$1 answered $2\"",
        "  else",
        "    bad \"$1 answered ${2:-nothing}, expected ${EXPECT_STATUS:-a non-5xx status}\"",
        "  fi",
        "}",
    ]);
    sh.step("Checking prerequisites");
    sh.line("need kubectl curl openssl base64");

    sh.step("Checking the ingress gateway service and its external IP");
    sh.lines(&[
        "run kubectl get svc istio-ingressgateway -n \"$GATEWAY_NAMESPACE\"",
        "if [ \"$DRY_RUN\" -eq 0 ]; then",
        "  lb_ip=\"$(kubectl get svc istio-ingressgateway -n \"$GATEWAY_NAMESPACE\" -o 'jsonpath={.status.loadBalancer.ingress[0].ip}' || true)\"",
        "  if [ \"$lb_ip\" = \"$INGRESS_HOST\" ]; then ok \"load balancer IP is $INGRESS_HOST\"; else bad \"load balancer IP is '${lb_ip}', settings say $INGRESS_HOST\"; fi",
        "fi",
    ]);

    sh.step("Checking the secrets in $GATEWAY_NAMESPACE and their keys");
    // The data keys each secret must hold (field notes: "didn't have expected keys").
    for spec in manifest::secrets(&apis, s) {
        for (key, _) in &spec.data {
            let _ = writeln!(sh.out, "has_key {} {}", quote(&spec.name), quote(key));
        }
    }
    if apis.copies_alb_secret() {
        sh.line("has_key \"$ALB_SECRET\" tls.crt");
        sh.line("has_key \"$ALB_SECRET\" tls.key");
    }

    sh.step("Finding the ingress gateway pod");
    let (k, v) = names::GATEWAY_SELECTOR;
    let _ = writeln!(
        sh.out,
        "run kubectl get pods -n \"$GATEWAY_NAMESPACE\" -l {}",
        quote(&format!("{k}={v}"))
    );
    let _ = writeln!(
        sh.out,
        "gw_pod=''\nif [ \"$DRY_RUN\" -eq 0 ]; then\n  gw_pod=\"$(kubectl get pods -n \"$GATEWAY_NAMESPACE\" -l {} -o 'jsonpath={{.items[0].metadata.name}}' 2>/dev/null || true)\"\nfi",
        quote(&format!("{k}={v}"))
    );
    sh.line("if [ -n \"$gw_pod\" ]; then ok \"gateway pod $gw_pod\"; elif [ \"$DRY_RUN\" -eq 0 ]; then bad \"no pod labelled istio=ingressgateway in $GATEWAY_NAMESPACE\"; fi");

    sh.step("Checking that the gateway certificate covers $NLB_INGRESS_DOMAIN (subjectAltName)");
    let (cert_source, shown) = match apis.gateway_certs {
        GatewayCerts::FileMounted => {
            sh.lines(&[
                "if [ -n \"$gw_pod\" ] || [ \"$DRY_RUN\" -eq 1 ]; then",
                "  run kubectl exec -n \"$GATEWAY_NAMESPACE\" \"${gw_pod:-<gateway pod>}\" -- ls -al /etc/istio/ingressgateway-certs",
                "  run kubectl exec -n \"$GATEWAY_NAMESPACE\" \"${gw_pod:-<gateway pod>}\" -- ls -al /etc/istio/ingressgateway-ca-certs",
                "fi",
            ]);
            (
                "kubectl exec -i -n \"$GATEWAY_NAMESPACE\" \"$gw_pod\" -- cat /etc/istio/ingressgateway-certs/tls.crt",
                "kubectl exec -i -n $GATEWAY_NAMESPACE <gateway pod> -- cat /etc/istio/ingressgateway-certs/tls.crt",
            )
        }
        GatewayCerts::SdsIbmManaged => (
            "kubectl get secret \"$NLB_SECRET\" -n \"$GATEWAY_NAMESPACE\" -o 'jsonpath={.data.tls\\.crt}' | base64 --decode",
            "kubectl get secret $NLB_SECRET -n $GATEWAY_NAMESPACE -o jsonpath={.data.tls\\\\.crt} | base64 --decode",
        ),
        GatewayCerts::Sds => (
            "kubectl get secret nlb-gateway-mtls -n \"$GATEWAY_NAMESPACE\" -o 'jsonpath={.data.tls\\.crt}' | base64 --decode",
            "kubectl get secret nlb-gateway-mtls -n $GATEWAY_NAMESPACE -o jsonpath={.data.tls\\\\.crt} | base64 --decode",
        ),
    };
    let _ = writeln!(
        sh.out,
        "if [ \"$DRY_RUN\" -eq 1 ]; then\n  echo {}\nelse\n  sans=\"$({cert_source} | openssl x509 -noout -text 2>/dev/null | grep -A1 'Subject Alternative Name' || true)\"\n  if grep -qF -- \"DNS:$NLB_INGRESS_DOMAIN\" <<<\"$sans\" || grep -qF -- \"DNS:*.${{NLB_INGRESS_DOMAIN#*.}}\" <<<\"$sans\"; then\n    ok \"$NLB_INGRESS_DOMAIN is in the certificate's SANs\"\n  else\n    bad \"the gateway certificate does not cover $NLB_INGRESS_DOMAIN (SANs: ${{sans:-none found}})\"\n  fi\nfi",
        super::dq(&format!(
            "+ {shown} | openssl x509 -noout -text | grep DNS:"
        ))
    );

    let (gw_secret, ca_secret, ca_key) = match apis.gateway_certs {
        GatewayCerts::FileMounted => (
            names::CLASSIC_GATEWAY_CERTS.to_owned(),
            names::CLASSIC_GATEWAY_CA_CERTS.to_owned(),
            names::CLASSIC_CA_FILE,
        ),
        GatewayCerts::Sds => (
            names::CURRENT_GATEWAY_CREDENTIAL.to_owned(),
            names::CURRENT_GATEWAY_CREDENTIAL.to_owned(),
            "ca.crt",
        ),
        GatewayCerts::SdsIbmManaged => (
            s.nlb_secret.clone(),
            names::ibm_ca_cert(&s.nlb_secret),
            "ca.crt",
        ),
    };
    sh.step("Checking that the gateway certificate is valid and IBM's current one (renewals)");
    let _ = writeln!(
        sh.out,
        "if [ \"$DRY_RUN\" -eq 1 ]; then\n  echo {}\nelse\n  gw_crt=\"$(secret_pem {gw} tls.crt)\"\n  ibm_crt=\"$(secret_pem \"$NLB_SECRET\" tls.crt \"$NLB_SECRET_NAMESPACE\")\"\n  if [ -z \"$gw_crt\" ]; then\n    bad \"no certificate in secret {gw_name}\"\n  elif openssl x509 -noout -checkend 0 <<<\"$gw_crt\" >/dev/null 2>&1; then\n    ok \"gateway certificate valid until $(openssl x509 -noout -enddate <<<\"$gw_crt\" | cut -d= -f2)\"\n  else\n    bad \"the gateway certificate in {gw_name} has expired: run renew.sh after IBM renewed it\"\n  fi\n  if [ -n \"$gw_crt\" ] && [ -n \"$ibm_crt\" ]; then\n    if [ \"$(openssl x509 -noout -fingerprint -sha256 <<<\"$gw_crt\")\" = \"$(openssl x509 -noout -fingerprint -sha256 <<<\"$ibm_crt\")\" ]; then\n      ok \"same certificate as IBM's secret $NLB_SECRET\"\n    else\n      note \"differs from IBM's secret $NLB_SECRET: if IBM renewed it, run renew.sh (expected when you use your own certificate)\"\n    fi\n  fi\nfi",
        super::dq(
            "+ kubectl get secret <gateway secret> and $NLB_SECRET -o jsonpath={.data.tls\\\\.crt} | openssl x509 -checkend 0 -fingerprint"
        ),
        gw = quote(&gw_secret),
        gw_name = gw_secret,
    );
    sh.step("Checking that the gateway trusts the CA of the ALB client certificate");
    let _ = writeln!(
        sh.out,
        "if [ \"$DRY_RUN\" -eq 1 ]; then\n  echo {}\nelse\n  cluster_ca=\"$(secret_pem {} {} | openssl x509 -noout -subject 2>/dev/null || true)\"\n  bundle_ca=\"$(openssl x509 -noout -subject -in {} 2>/dev/null || true)\"\n  if [ -n \"$cluster_ca\" ] && [ \"$cluster_ca\" = \"$bundle_ca\" ]; then\n    ok \"client CA $cluster_ca\"\n  else\n    bad \"the CA in secret {}/{} (${{cluster_ca:-none}}) is not the bundle's client CA (${{bundle_ca:-none}})\"\n  fi\nfi",
        super::dq(&format!(
            "+ kubectl get secret {ca_secret} -n $GATEWAY_NAMESPACE -o jsonpath={{.data.{}}} | openssl x509 -noout -subject",
            ca_key.replace('.', "\\\\.")
        )),
        quote(&ca_secret),
        quote(ca_key),
        bundle_path("certs/client-ca.pem"),
        ca_secret,
        ca_key,
    );

    sh.step("Checking that the gateway proxy loaded the certificates");
    let (certs_cmd, marker) = match apis.gateway_certs {
        GatewayCerts::FileMounted => (
            "curl -s 127.0.0.1:15000/certs",
            "/etc/istio/ingressgateway-certs/tls.crt".to_owned(),
        ),
        GatewayCerts::Sds => (
            "pilot-agent request GET certs",
            names::CURRENT_GATEWAY_CREDENTIAL.to_owned(),
        ),
        GatewayCerts::SdsIbmManaged => ("pilot-agent request GET certs", s.nlb_secret.clone()),
    };
    let _ = writeln!(
        sh.out,
        "if [ \"$DRY_RUN\" -eq 1 ]; then\n  echo {}\nelif [ -n \"$gw_pod\" ]; then\n  if kubectl exec -n \"$GATEWAY_NAMESPACE\" \"$gw_pod\" -- {certs_cmd} 2>/dev/null | grep -qF -- {}; then\n    ok \"the gateway proxy serves {marker}\"\n  else\n    bad \"the gateway proxy does not list {marker}; see: kubectl logs -n $GATEWAY_NAMESPACE -l istio=ingressgateway\"\n  fi\nfi",
        super::dq(&format!(
            "+ kubectl exec -n $GATEWAY_NAMESPACE <gateway pod> -- {certs_cmd} | grep {marker}"
        )),
        quote(&marker)
    );

    sh.step("Checking the ALB pods in kube-system");
    sh.lines(&[
        "if [ \"$DRY_RUN\" -eq 1 ]; then",
        "  echo '+ kubectl get pods -n kube-system | grep alb'",
        "elif kubectl get pods -n kube-system 2>/dev/null | grep alb; then",
        "  ok 'ALB pods found'",
        "else",
        "  bad 'no ALB pod in kube-system'",
        "fi",
    ]);

    sh.step("Calling the gateway directly with the ALB client certificate (mutual TLS)");
    let ca = bundle_path("certs/gateway-ca.pem");
    let cert = bundle_path("certs/alb-client.crt");
    let key = bundle_path("certs/alb-client.key");
    let _ = writeln!(
        sh.out,
        "if [ \"$DRY_RUN\" -eq 1 ]; then\n  run curl \"https://$NLB_INGRESS_DOMAIN$TEST_PATH\" --cacert {ca} --cert {cert} --key {key}\nelse\n  expect_status \"https://$NLB_INGRESS_DOMAIN$TEST_PATH (with client certificate)\" \\\n    \"$(status \"https://$NLB_INGRESS_DOMAIN$TEST_PATH\" --cacert {ca} --cert {cert} --key {key})\"\nfi"
    );

    sh.step("Checking that the gateway refuses a client without certificate");
    let _ = writeln!(
        sh.out,
        "if [ \"$DRY_RUN\" -eq 1 ]; then\n  run curl \"https://$NLB_INGRESS_DOMAIN$TEST_PATH\" --cacert {ca}\nelse\n  code=\"$(status \"https://$NLB_INGRESS_DOMAIN$TEST_PATH\" --cacert {ca})\"\n  if [ \"$code\" = 000 ]; then ok 'refused without a client certificate'; else bad \"answered $code without a client certificate: mutual TLS is not enforced\"; fi\nfi"
    );

    sh.step("Calling the app through the ALB: https://$ALB_HOST$TEST_PATH");
    sh.lines(&[
        "if [ \"$DRY_RUN\" -eq 1 ]; then",
        "  run curl \"https://$ALB_HOST$TEST_PATH\"",
        "else",
        "  expect_status \"https://$ALB_HOST$TEST_PATH\" \"$(status \"https://$ALB_HOST$TEST_PATH\")\"",
        "fi",
    ]);

    sh.line("");
    sh.lines(&[
        "if [ \"$failures\" -gt 0 ]; then",
        "  echo",
        "  echo \"$failures check(s) failed. Next: kubectl logs -n $GATEWAY_NAMESPACE -l istio=ingressgateway;\" >&2",
        "  echo \"kubectl logs <alb pod> -n kube-system (the ALB's NGINX log); after IBM renewed its certificates run renew.sh.\" >&2",
        "  exit 1",
        "fi",
        "echo",
        "if [ \"$DRY_RUN\" -eq 1 ]; then",
        "  echo 'Dry run: nothing was checked.'",
        "else",
        "  echo 'All checks passed.'",
        "fi",
    ]);
    sh.out
}
