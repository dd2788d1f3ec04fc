//! `verify.sh`: reads only, and checks what decides whether the ALB reaches the app: the objects
//! of the bundle in place; every secret readable, keys matching, usages right, days left against
//! the renewal window, and each copy equal to IBM's source; each side trusting the other's
//! certificate; the gateway's Envoy holding the secret with the serial the cluster has; and mutual
//! TLS end to end, where a refusal without a client certificate counts only after the request
//! with one succeeded, and only as a TLS refusal. Every check says ok, WARN or FAIL, and the next
//! step; it keeps going, and exits 1 when any failed.

use super::builder::{Facts, Sh, quote};
use super::secrets::read_ibm_secrets_soft;
use crate::inputs::CertInput;
use crate::manifest::sides::Sides;
use crate::manifest::{
    self, Apis, Content, GatewayCerts, Manifest, Role, Takeover, names, takeover,
};
use crate::settings::{GatewayConfig, Settings};
use std::fmt::Write as _;

fn file(secret: &str, key: &str) -> String {
    format!("\"$WORK_DIR/s/{secret}/{key}\"")
}

/// A namespace of the manifests as text for a double-quoted word, and a file-name-safe key.
fn ns_var(s: &Settings, ns: &str) -> (&'static str, &'static str) {
    if ns == s.app_namespace {
        ("$APP_NAMESPACE", "app")
    } else {
        ("$GATEWAY_NAMESPACE", "gateway")
    }
}

fn objects(sh: &mut Sh, s: &Settings, manifests: &[Manifest]) {
    let mut by_ns: Vec<(String, Vec<String>)> = Vec::new();
    for o in manifests.iter().flat_map(|m| &m.objects) {
        if o.namespace.is_empty() {
            continue;
        }
        let r = o.resource();
        match by_ns.iter_mut().find(|(ns, _)| *ns == o.namespace) {
            Some((_, rs)) if !rs.contains(&r) => rs.push(r),
            Some(_) => {}
            None => by_ns.push((o.namespace.clone(), vec![r])),
        }
    }
    sh.line("mkdir -p \"$WORK_DIR/inventory\"");
    for (ns, resources) in by_ns {
        let (var, key) = ns_var(s, &ns);
        let _ = writeln!(
            sh.out,
            "k get {} -n \"{var}\" -o 'jsonpath={{range .items[*]}}{{.kind}}{{\"|\"}}{{.metadata.name}}{{\"|\"}}{{.metadata.labels.{}}}{{\"\\n\"}}{{end}}' >\"$WORK_DIR/inventory/{key}\"",
            quote(&resources.join(",")),
            manifest::owner::BUNDLE_LABEL,
        );
    }
    for m in manifests {
        if matches!(m.doc, manifest::Doc::Secret(_) | manifest::Doc::Namespace) {
            continue; // the secrets are checked key by key below; the namespace holds the rest
        }
        let keep = takeover(m.doc) == Takeover::Keep;
        for o in &m.objects {
            let (ns, key) = ns_var(s, &o.namespace);
            // Fixed names are ours; the app's name is a user value, expanded from its variable.
            let name = if o.name == s.app {
                "$APP".to_owned()
            } else {
                o.name.clone()
            };
            let what = format!("{} {ns}/{name}", o.kind);
            let _ = writeln!(
                sh.out,
                "who=\"$(awk -F'|' -v kind={kind} -v name=\"{name}\" -v me=\"$BUNDLE_ID\" '$1 == kind && $2 == name {{ print ($3 == me ? \"ours\" : ($3 == \"\" ? \"foreign\" : \"other\")); f = 1 }} END {{ if (!f) print \"absent\" }}' \"$WORK_DIR/inventory/{key}\")\"\n\
                 case \"$who\" in\n  \
                 ours) pass \"{what} is in place\" ;;\n  \
                 absent) bad \"{what} is missing\" 'run install.sh' ;;\n  \
                 foreign) {foreign} ;;\n  \
                 *) bad \"{what} belongs to another istio-alb bundle\" \"run install.sh after that bundle's cleanup.sh\" ;;\n\
                 esac",
                kind = o.kind,
                foreign = if keep {
                    format!("pass \"{what} exists (not istio-alb's: used as it is)\"")
                } else {
                    format!(
                        "bad \"{what} exists but is not this bundle's: it was replaced after install\" 'run install.sh'"
                    )
                },
            );
        }
    }
}

fn secrets(sh: &mut Sh, apis: &Apis, s: &Settings) {
    for spec in manifest::secrets(apis, s) {
        let _ = write!(sh.out, "check_secret {}", quote(&spec.name));
        for ((key, role), (_, content)) in spec.roles().into_iter().zip(&spec.data) {
            let role = match (role, content) {
                (Role::Leaf, Content::Input(CertInput::AlbClientCert)) => "leaf:client".to_owned(),
                (Role::Leaf, _) => "leaf:server".to_owned(),
                (Role::KeyOf(leaf), _) => format!("key:{leaf}"),
                (Role::Ca, _) => "ca".to_owned(),
            };
            let _ = write!(sh.out, " {role} {}", quote(key));
        }
        sh.out.push('\n');
    }
}

/// Whether Traefik has picked up the ServersTransport: our Service names it (the provider's
/// `<namespace>-<name>@kubernetescrd`), and no Traefik pod logged an error about it since it was
/// applied. The request through the ALB at the end proves it was used: the gateway admits only
/// mutual TLS, and only the transport holds the client certificate Traefik can present.
fn traefik_pickup(sh: &mut Sh, s: &Settings) {
    sh.step_checking("Traefik has picked up the ServersTransport", "");
    let _ = writeln!(
        sh.out,
        "ref=\"$(k get svc {svc} -n \"$GATEWAY_NAMESPACE\" -o 'jsonpath={{.metadata.annotations.traefik\\.ingress\\.kubernetes\\.io/service\\.serverstransport}}' 2>/dev/null || true)\"\n\
         if [ \"$ref\" = {want} ]; then pass \"service {svc} sends Traefik through the transport $ref\"; else bad \"service {svc} names the transport '${{ref}}', not {want}\" 'run install.sh'; fi\n\
         traefik_pods=\"$(k get pods -n kube-system -o 'jsonpath={{range .items[*]}}{{.metadata.name}}{{\"\\n\"}}{{end}}' 2>/dev/null | grep -i traefik || true)\"\n\
         if [ -z \"$traefik_pods\" ]; then\n  \
         bad 'no Traefik pod in kube-system' \"ibmcloud ks ingress alb ls --cluster $CLUSTER_NAME (the ALB must be Traefik)\"\n\
         else\n  \
         errors=''\n  \
         for pod in $traefik_pods; do\n    \
         errors=\"$errors$(k logs -n kube-system \"$pod\" --since=24h 2>/dev/null | grep -i 'error' | grep -F -- {name} | tail -n 2 || true)\"\n  \
         done\n  \
         if [ -n \"$errors\" ]; then\n    \
         bad \"Traefik logged errors about the transport {name}: $errors\" \"kubectl get serverstransports.traefik.io {name} -n $GATEWAY_NAMESPACE -o yaml; its secrets must be in $GATEWAY_NAMESPACE\"\n  \
         else\n    \
         pass \"Traefik logged no error about the transport {name} in the last 24 hours\"\n  \
         fi\n\
         fi",
        svc = names::TRAEFIK_SERVICE,
        name = names::TRAEFIK_TRANSPORT,
        want = quote(&manifest::transport_ref(s)),
    );
}

/// Each gateway pod's Envoy holds the secret's certificate (serial) and client CA.
fn envoy_secrets(sh: &mut Sh, apis: &Apis, sides: &Sides) {
    sh.line("for pod in $GW_PODS; do");
    match apis.gateway_certs {
        GatewayCerts::Sds | GatewayCerts::SdsIbmManaged => {
            // The secret the Gateway names (IBM's own in IBM-renewed mode), from settings.sh.
            let name = "$GATEWAY_CERT_SECRET";
            // Istio's SDS names: kubernetes://SECRET (and its -cacert) for its own Gateway;
            // kubernetes-gateway://NS/SECRET and configmap://NS/NAME for a Gateway API one.
            let (cert, ca) = match apis.gateway_config {
                GatewayConfig::Istio => (
                    format!("kubernetes://{name}"),
                    format!("kubernetes://{name}-cacert"),
                ),
                GatewayConfig::GatewayApi => (
                    format!("kubernetes-gateway://$GATEWAY_NAMESPACE/{name}"),
                    format!(
                        "configmap://$GATEWAY_NAMESPACE/{}",
                        names::GATEWAY_CLIENT_CA
                    ),
                ),
            };
            let _ = writeln!(
                sh.out,
                "  want=\"$(serial \"$WORK_DIR/gw-leaf.pem\")\"\n  \
                 if ! loaded_secret \"$pod\" \"{cert}\"; then\n    \
                 bad \"$pod: Envoy holds no secret {cert} (config_dump, dynamic_active_secrets)\" \"check that the Gateway names the secret {name} and that it is in $GATEWAY_NAMESPACE; kubectl logs -n $GATEWAY_NAMESPACE $pod\"\n  \
                 elif [ \"$(serial \"$WORK_DIR/loaded.pem\")\" = \"$want\" ]; then\n    \
                 pass \"$pod: Envoy serves {cert}, serial $want, as in the secret\"\n  \
                 else\n    \
                 bad \"$pod: Envoy serves {cert} with serial $(serial \"$WORK_DIR/loaded.pem\"), the secret holds $want\" \"the gateway did not reload it: kubectl logs -n $GATEWAY_NAMESPACE $pod; kubectl rollout restart deployment -n $GATEWAY_NAMESPACE -l istio=ingressgateway\"\n  \
                 fi\n  \
                 if loaded_secret \"$pod\" \"{ca}\" && same_cert \"$WORK_DIR/loaded.pem\" {ca_file}; then\n    \
                 pass \"$pod: Envoy holds {ca}, the client CA of the bundle\"\n  \
                 else\n    \
                 bad \"$pod: Envoy does not hold the bundle's client CA as {ca}\" \"kubectl logs -n $GATEWAY_NAMESPACE $pod\"\n  \
                 fi",
                ca_file = file(&sides.client_ca.secret, sides.client_ca.key),
            );
        }
        GatewayCerts::FileMounted => {
            let _ = writeln!(
                sh.out,
                "  want=\"$(serial \"$WORK_DIR/gw-leaf.pem\")\"\n  \
                 got=\"$(loaded_file_serial \"$pod\" /etc/istio/ingressgateway-certs/tls.crt)\"\n  \
                 if [ -z \"$got\" ]; then\n    \
                 bad \"$pod: Envoy lists no certificate from /etc/istio/ingressgateway-certs/tls.crt (/certs)\" \"kubectl logs -n $GATEWAY_NAMESPACE $pod; check the Gateway's serverCertificate path\"\n  \
                 elif [ \"$got\" = \"$want\" ]; then\n    \
                 pass \"$pod: Envoy serves /etc/istio/ingressgateway-certs/tls.crt, serial $want, as in the secret\"\n  \
                 else\n    \
                 bad \"$pod: Envoy serves serial $got, the secret holds $want\" \"the gateway reads mounted certificates at start only: kubectl rollout restart deployment -n $GATEWAY_NAMESPACE -l istio=ingressgateway (renew.sh does this when they change)\"\n  \
                 fi"
            );
        }
    }
    sh.line("done");
}

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, sides, manifests) = (f.s, f.apis, &f.sides, f.manifests);
    let mut sh = Sh::default();
    sh.run("verify.sh", "");

    sh.step_checking("Checking that kubectl talks to cluster $CLUSTER_NAME", "");
    sh.line("need kubectl curl openssl awk sed");
    sh.line("check_cluster");

    sh.step_checking("The objects of the bundle", "");
    objects(&mut sh, s, manifests);

    sh.step_checking("The gateway service and pods", "");
    let (k, v) = names::GATEWAY_SELECTOR;
    // Classic load balancers have an IP, VPC ones a host name.
    let (field, var, what, setting) = match s.infrastructure {
        crate::settings::Infrastructure::Classic => (
            "ip",
            "INGRESS_HOST",
            "IP",
            crate::settings::Field::IngressIp.label(),
        ),
        crate::settings::Infrastructure::Vpc => (
            "hostname",
            "LB_HOST",
            "host name",
            crate::settings::Field::LbHost.label(),
        ),
    };
    let _ = writeln!(
        sh.out,
        "lb_ips=\"$(k get svc {svc} -n \"$GATEWAY_NAMESPACE\" -o 'jsonpath={{.status.loadBalancer.ingress[*].{field}}}' 2>/dev/null || true)\"\n\
         if grep -qxF -- \"${var}\" <<<\"$(tr ' ' '\\n' <<<\"$lb_ips\")\"; then pass \"service {svc} has the load balancer {what} ${var}\"; else bad \"service {svc} has load balancer {what}(s) '${{lb_ips}}', the settings say ${var}\" 'fix the {setting} in the settings (and the NLB host name registration), or the service'; fi\n\
         GW_PODS=\"$(k get pods -n \"$GATEWAY_NAMESPACE\" -l {sel} -o 'jsonpath={{range .items[*]}}{{.metadata.name}}{{\"|\"}}{{.status.phase}}{{\"\\n\"}}{{end}}' 2>/dev/null | awk -F'|' '$2 == \"Running\" {{ print $1 }}')\"\n\
         if [ -n \"$GW_PODS\" ]; then pass \"gateway pod(s) running: $(tr '\\n' ' ' <<<\"$GW_PODS\")\"; else bad \"no running pod labelled {k}={v} in $GATEWAY_NAMESPACE\" \"kubectl get pods -n $GATEWAY_NAMESPACE; kubectl describe deployment {svc} -n $GATEWAY_NAMESPACE\"; fi",
        svc = names::GATEWAY_SERVICE,
        sel = quote(&format!("{k}={v}")),
    );

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
        sh.line("if read_secret \"$GATEWAY_NAMESPACE\" \"$ALB_SECRET\" \"$WORK_DIR/s/alb-copy\" tls.crt tls.key; then");
        sh.line("  if [ -s \"$WORK_DIR/s/alb-copy/tls.key\" ] && same_key \"$WORK_DIR/s/alb-copy/tls.crt\" \"$WORK_DIR/s/alb-copy/tls.key\"; then pass \"the ALB's TLS secret $ALB_SECRET is in $GATEWAY_NAMESPACE, key matching\"; else bad \"the ALB's TLS secret $GATEWAY_NAMESPACE/$ALB_SECRET has no matching key\" 'run renew.sh'; fi");
        sh.line("  check_dates \"$ALB_SECRET/tls.crt\" \"$WORK_DIR/s/alb-copy/tls.crt\"");
        sh.line("else");
        sh.line("  bad \"the ALB's TLS secret $ALB_SECRET is not in $GATEWAY_NAMESPACE (the Ingress names it)\" 'run install.sh'");
        sh.line("fi");
    }

    sh.step_checking(
        "Each side trusts the other, and the copies hold IBM's current certificates",
        "",
    );
    let gw = file(&sides.gateway_chain.secret, sides.gateway_chain.key);
    let _ = writeln!(
        sh.out,
        "first_cert {gw} \"$WORK_DIR/gw-leaf.pem\" 2>/dev/null || true\n\
         if [ -s \"$WORK_DIR/gw-leaf.pem\" ] && covers \"$WORK_DIR/gw-leaf.pem\" \"$NLB_INGRESS_DOMAIN\"; then pass \"the gateway certificate covers $NLB_INGRESS_DOMAIN\"; else bad \"the gateway certificate does not cover $NLB_INGRESS_DOMAIN (subjectAltName)\" 'give the certificate of the NLB host name as nlb_cert'; fi\n\
         if openssl verify -CAfile {alb_ca} -untrusted {gw} -purpose sslserver \"$WORK_DIR/gw-leaf.pem\" >/dev/null 2>&1; then pass \"the ALB trusts the gateway certificate ({alb_ca_name})\"; else bad \"the CA the ALB trusts ({alb_ca_name}) does not verify the gateway certificate\" 'run renew.sh; if IBM moved to another root, generate the bundle again with its CA'; fi\n\
         first_cert {alb} \"$WORK_DIR/alb-leaf.pem\" 2>/dev/null || true\n\
         if openssl verify -CAfile {client_ca} -untrusted {alb} -purpose sslclient \"$WORK_DIR/alb-leaf.pem\" >/dev/null 2>&1; then pass \"the gateway trusts the ALB client certificate for client authentication ({client_ca_name})\"; else bad \"the gateway's client CA ({client_ca_name}) does not verify the ALB client certificate for client authentication\" 'issue the client certificate from the client CA, with clientAuth (renew.sh does, with private-ca/client-ca.key)'; fi",
        alb_ca = file(&sides.alb_ca.secret, sides.alb_ca.key),
        alb_ca_name = format_args!("{}/{}", sides.alb_ca.secret, sides.alb_ca.key),
        alb = file(&sides.alb_cert.secret, sides.alb_cert.key),
        client_ca = file(&sides.client_ca.secret, sides.client_ca.key),
        client_ca_name = format_args!("{}/{}", sides.client_ca.secret, sides.client_ca.key),
    );
    read_ibm_secrets_soft(&mut sh);
    let _ = writeln!(
        sh.out,
        "check_copy \"the gateway certificate in {}/{}\" \"$WORK_DIR/gw-leaf.pem\" \"$WORK_DIR/ibm-nlb/tls.crt\"",
        sides.gateway_chain.secret, sides.gateway_chain.key
    );
    if apis.copies_alb_secret() {
        sh.line(
            "check_copy \"the ALB TLS secret $GATEWAY_NAMESPACE/$ALB_SECRET\" \"$WORK_DIR/s/alb-copy/tls.crt\" \"$WORK_DIR/ibm-alb/tls.crt\"",
        );
    }

    if apis.gateway_config == GatewayConfig::GatewayApi {
        sh.step_checking("Istio has taken up the Gateway API objects", "");
        let _ = writeln!(
            sh.out,
            "problems=\"$(gateway_api_status {gw} {route})\"\n\
             if [ -z \"$problems\" ]; then\n  \
             pass 'Gateway {gw} is Programmed, HTTPRoute {route} Accepted, their references resolved'\n\
             else\n  \
             bad \"$problems\" \"kubectl describe gateways.gateway.networking.k8s.io {gw} -n $GATEWAY_NAMESPACE; kubectl logs -n $GATEWAY_NAMESPACE -l app=istiod\"\n\
             fi",
            gw = names::GATEWAY_API_GATEWAY,
            route = names::HTTP_ROUTE,
        );
    }
    sh.step_checking("The certificate the gateway's Envoy holds", "");
    envoy_secrets(&mut sh, &apis, sides);

    sh.step_checking("The ALB pods in kube-system", "");
    sh.lines(&[
        "albs=\"$(k get pods -n kube-system -o 'jsonpath={range .items[*]}{.metadata.name}{\"|\"}{.status.phase}{\"\\n\"}{end}' 2>/dev/null | awk -F'|' '$1 ~ /alb/ && $2 == \"Running\" { print $1 }')\"",
        "if [ -n \"$albs\" ]; then pass \"ALB pod(s) running: $(tr '\\n' ' ' <<<\"$albs\")\"; else bad 'no running ALB pod in kube-system' \"ibmcloud ks ingress alb ls --cluster $CLUSTER_NAME\"; fi",
    ]);

    if apis.ingress == manifest::IngressApi::NetworkingV1Traefik {
        traefik_pickup(&mut sh, s);
    }

    sh.step_checking(
        "Mutual TLS to the gateway, with the ALB's own client certificate",
        "",
    );
    let alb_ca = file(&sides.alb_ca.secret, sides.alb_ca.key);
    let cert = file(&sides.alb_cert.secret, sides.alb_cert.key);
    let key = file(&sides.alb_key.secret, sides.alb_key.key);
    let (route_hint, mtls_hint) = match apis.gateway_config {
        GatewayConfig::Istio => (
            "kubectl get virtualservice -n $GATEWAY_NAMESPACE",
            "kubectl get gateway -n $GATEWAY_NAMESPACE -o yaml (tls.mode must be MUTUAL)",
        ),
        GatewayConfig::GatewayApi => (
            "kubectl describe httproutes.gateway.networking.k8s.io -n $APP_NAMESPACE",
            "kubectl get gateways.gateway.networking.k8s.io -n $GATEWAY_NAMESPACE -o yaml (spec.tls.frontend.default.validation must say AllowValidOnly)",
        ),
    };
    let _ = writeln!(
        sh.out,
        "URL=\"https://$NLB_INGRESS_DOMAIN$TEST_PATH\"\n\
         request \"$URL\" --cacert {alb_ca} --cert {cert} --key {key}\n\
         POSITIVE=0\n\
         if [ \"$RC\" -eq 0 ] && answered_as_expected \"$CODE\"; then\n  \
         POSITIVE=1\n  \
         pass \"$URL with the ALB's client certificate answered $CODE\"\n\
         elif [ \"$RC\" -eq 0 ]; then\n  \
         bad \"$URL with the ALB's client certificate answered $CODE, expected ${{EXPECT_STATUS:-a non-5xx status}}\" \"{route_hint}; kubectl logs -n $GATEWAY_NAMESPACE -l istio=ingressgateway\"\n\
         else\n  \
         bad \"$URL with the ALB's client certificate failed (curl $RC: $ERR)\" \"check DNS and the gateway service; kubectl logs -n $GATEWAY_NAMESPACE -l istio=ingressgateway\"\n\
         fi\n\
         request \"$URL\" --cacert {alb_ca}\n\
         if [ \"$POSITIVE\" -eq 0 ]; then\n  \
         soft 'the refusal without a client certificate proves nothing while the request with one fails: not counted' 'fix the request above first'\n\
         elif [ \"$RC\" -eq 0 ]; then\n  \
         bad \"$URL answered $CODE without a client certificate: mutual TLS is not enforced\" \"{mtls_hint}\"\n\
         elif [ \"$RC\" -eq 35 ] || {{ [ \"$RC\" -eq 56 ] && grep -qiE 'alert|ssl|tls' <<<\"$ERR\"; }}; then\n  \
         pass \"refused without a client certificate, in the TLS handshake (curl $RC: $ERR)\"\n\
         else\n  \
         bad \"without a client certificate the request failed with curl $RC ($ERR), not a TLS refusal: inconclusive\" 'run verify.sh again; check the network path to the gateway'\n\
         fi"
    );

    sh.step_checking("Through the ALB: https://$ALB_HOST$TEST_PATH", "");
    let (proof, hint) = match apis.ingress {
        manifest::IngressApi::NetworkingV1Traefik => (
            " (the gateway admits only mutual TLS: Traefik presented the transport's client certificate)",
            "kubectl logs -n kube-system <traefik pod>; kubectl describe serverstransports.traefik.io alb-to-gateway -n $GATEWAY_NAMESPACE",
        ),
        manifest::IngressApi::ExtensionsV1beta1Ibm | manifest::IngressApi::NetworkingV1Nginx => (
            "",
            "kubectl logs -n kube-system <alb pod> (its NGINX log); kubectl describe ingress alb-ingress -n $GATEWAY_NAMESPACE",
        ),
    };
    let _ = writeln!(
        sh.out,
        "request \"https://$ALB_HOST$TEST_PATH\"\n\
         if [ \"$RC\" -eq 0 ] && answered_as_expected \"$CODE\"; then\n  \
         pass \"https://$ALB_HOST$TEST_PATH answered $CODE{proof}\"\n\
         else\n  \
         bad \"https://$ALB_HOST$TEST_PATH answered $CODE (curl $RC${{ERR:+: $ERR}})\" \"{hint}\"\n\
         fi"
    );
    sh.lines(&[
        "",
        "echo",
        "echo \"$CHECKS check(s): $FAILS failed, $WARNINGS warning(s).\"",
        "if [ \"$FAILS\" -gt 0 ]; then exit 1; fi",
        "echo 'All checks passed.'",
    ]);
    sh
}
