//! `preflight.sh`: proves locally, with `openssl` only and no cluster, that the gateway and the ALB
//! will shake hands with the exact files the bundle puts into the cluster. It reads them back from
//! the bundle's secret manifests (not from the inputs) and the ALB's settings from the Ingress.
//!
//! The gateway side is an `openssl s_server` on 127.0.0.1 (a free port), serving the gateway's
//! chain and key and requiring a client certificate that the gateway's client CA verifies for the
//! client purpose, as Envoy does. The ALB side is an `openssl s_client` presenting the ALB's client
//! certificate and key, sending SNI = `proxy-ssl-name` and verifying the server against the CA the
//! ALB trusts with the Ingress's verify depth and that host name, as NGINX's `proxy_ssl_verify`
//! does. Both are OpenSSL, as in NGINX, so the verdicts are the same ones.

use crate::manifest::sides::{
    CLASSIC_VERIFY_DEPTH, NGINX_DEFAULT_VERIFY_DEPTH, OPENSSL_MAX_VERIFY_DEPTH,
};
use crate::manifest::{self, Apis, Content, Doc, IngressApi, Manifest, names};
use crate::script::builder::{Facts, Sh, bundle_path, quote};
use crate::settings::Settings;
use helpers::{CLUSTER_HELPERS, HELPERS, TRAEFIK_HELPERS};
use std::fmt::Write as _;

mod helpers;

/// How the ALB side reads its settings from the Ingress (or Traefik's transport), per Ingress
/// API: `PROXY_SSL_NAME`, `VERIFY_DEPTH`, `ALB_SECRET_REF` and, for Traefik, `ALB_CA_SECRET_NAME`.
fn read_ingress(sh: &mut Sh, s: &Settings, manifests: &[Manifest], apis: &Apis) {
    match apis.ingress {
        IngressApi::NetworkingV1Nginx => {
            let p = "nginx.ingress.kubernetes.io";
            let _ = writeln!(
                sh.out,
                "ALB_SECRET_REF=\"$(annotation {p}/proxy-ssl-secret)\"\n\
                 PROXY_SSL_NAME=\"$(annotation {p}/proxy-ssl-name)\"\n\
                 VERIFY_DEPTH=\"$(annotation {p}/proxy-ssl-verify-depth)\"\n\
                 # Without the annotation NGINX verifies with its default depth.\n\
                 VERIFY_DEPTH=\"${{VERIFY_DEPTH:-{NGINX_DEFAULT_VERIFY_DEPTH}}}\"\n\
                 if [ \"$(annotation {p}/proxy-ssl-verify)\" != on ]; then\n  \
                 echo '  note: proxy-ssl-verify is not \"on\": the ALB would not verify the gateway; this check verifies it anyway.'\n\
                 fi\n\
                 if [ \"$(annotation {p}/proxy-ssl-server-name)\" != on ]; then\n  \
                 echo '  note: proxy-ssl-server-name is not \"on\": the ALB would send no SNI, and the gateway may not pick its certificate.'\n\
                 fi\n\
                 if [ -z \"$PROXY_SSL_NAME\" ]; then\n  \
                 fail ALB 'the Ingress sets no proxy-ssl-name: NGINX would verify the gateway as its upstream'\"'\"'s internal name, which the gateway certificate does not cover.'\n\
                 fi"
            );
        }
        IngressApi::NetworkingV1Traefik => {
            let file = |doc| {
                manifest::find(manifests, doc)
                    .map(|m| bundle_path(&m.path))
                    .unwrap_or_default()
            };
            let _ = writeln!(
                sh.out,
                "# Traefik takes the name, the client certificate and the CA from the ServersTransport,\n\
                 # and uses it only for the Service whose annotation names it.\n\
                 TRANSPORT_FILE={transport}\n\
                 SERVICE_FILE={service}\n\
                 for f in \"$TRANSPORT_FILE\" \"$SERVICE_FILE\"; do\n  \
                 if [ ! -f \"$f\" ]; then unusable \"${{f#\"$BUNDLE_DIR\"/}} does not exist\"; fi\n\
                 done\n\
                 PROXY_SSL_NAME=\"$(spec_value serverName \"$TRANSPORT_FILE\")\"\n\
                 ALB_SECRET_REF=\"$(spec_value certificatesSecrets \"$TRANSPORT_FILE\")\"\n\
                 ALB_CA_SECRET_NAME=\"$(spec_value rootCAs \"$TRANSPORT_FILE\")\"\n\
                 # Go's crypto/tls verifies the whole chain; OpenSSL's own limit stands in for none.\n\
                 VERIFY_DEPTH={OPENSSL_MAX_VERIFY_DEPTH}\n\
                 if [ \"$(annotation traefik.ingress.kubernetes.io/service.serverstransport \"$SERVICE_FILE\")\" != {reference} ]; then\n  \
                 fail ALB \"the Service in ${{SERVICE_FILE#\"$BUNDLE_DIR\"/}} does not name the ServersTransport {reference_text}: Traefik would connect without the client certificate.\"\n\
                 fi\n\
                 if [ \"$(annotation traefik.ingress.kubernetes.io/service.serversscheme \"$SERVICE_FILE\")\" != https ]; then\n  \
                 fail ALB 'the Service does not set service.serversscheme: https, so Traefik would speak plain HTTP to the gateway.'\n\
                 fi\n\
                 if [ -z \"$PROXY_SSL_NAME\" ]; then\n  \
                 fail ALB 'the ServersTransport sets no serverName: Traefik would verify the gateway as its pod address, which the gateway certificate does not cover.'\n\
                 fi",
                transport = file(Doc::ServersTransport),
                service = file(Doc::AlbService),
                reference = quote(&manifest::transport_ref(s)),
                reference_text = manifest::transport_ref(s),
            );
        }
        IngressApi::ExtensionsV1beta1Ibm => {
            sh.func(
                "\n# option NAME: one NAME=value of IBM's ssl-services entry for the gateway ($ssl_entry).\n\
                 option() { printf '%s\\n' \"$ssl_entry\" | tr ' ' '\\n' | sed -n \"s/^$1=//p\" | sed -n 1p; }",
            );
            let _ = writeln!(
                sh.out,
                "# IBM's ssl-services: 'ssl-service=SVC ssl-secret=S [proxy-ssl-verify-depth=N] [proxy-ssl-name=H]',\n\
                 # entries separated by ';'. The entry for the gateway service counts.\n\
                 ssl_entry=\"$(annotation ingress.bluemix.net/ssl-services | tr ';' '\\n' |\n  \
                 awk '{{ for (i = 1; i <= NF; i++) if ($i == \"ssl-service={svc}\") {{ print; exit }} }}')\"\n\
                 if [ -z \"$ssl_entry\" ]; then\n  \
                 unusable 'the Ingress has no ingress.bluemix.net/ssl-services entry for ssl-service={svc}'\n\
                 fi\n\
                 ALB_SECRET_REF=\"$(option ssl-secret)\"\n\
                 # IBM's ALB defaults: verify depth {CLASSIC_VERIFY_DEPTH}; the server name of the gateway's certificate, the\n\
                 # NLB host name in this procedure.\n\
                 VERIFY_DEPTH=\"$(option proxy-ssl-verify-depth)\"\n\
                 VERIFY_DEPTH=\"${{VERIFY_DEPTH:-{CLASSIC_VERIFY_DEPTH}}}\"\n\
                 PROXY_SSL_NAME=\"$(option proxy-ssl-name)\"\n\
                 PROXY_SSL_NAME=\"${{PROXY_SSL_NAME:-$NLB_INGRESS_DOMAIN}}\"",
                svc = names::GATEWAY_SERVICE,
            );
        }
    }
}

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, sides, manifests) = (f.s, &f.apis, &f.sides, f.manifests);
    let ingress = manifest::find(manifests, Doc::Ingress)
        .map(|m| m.path.clone())
        .unwrap_or_else(|| "manifests/07-ingress.yaml".to_owned());
    let mut sh = Sh::default();
    sh.run("preflight.sh", "");
    sh.func(&HELPERS.join("\n"));
    if apis.ingress == IngressApi::NetworkingV1Traefik {
        sh.func(&TRAEFIK_HELPERS.join("\n"));
    }
    if sides.gateway_chain.in_cluster {
        sh.func(&CLUSTER_HELPERS.join("\n"));
    }
    sh.lines(helpers::RUN);
    sh.step("Checking for OpenSSL 1.1.1 or later");
    sh.lines(&[
        "need openssl awk sed grep",
        "case \"$(openssl version 2>/dev/null)\" in",
        "  'OpenSSL 1.1.1'* | 'OpenSSL 3'*) ;;",
        "  *) unusable \"needs OpenSSL 1.1.1 or later, found '$(openssl version 2>/dev/null || true)' (on macOS: install openssl@3 and put it first on PATH)\" ;;",
        "esac",
    ]);

    sh.step("Reading the ALB's settings from the Ingress");
    let _ = writeln!(sh.out, "INGRESS_FILE={}", bundle_path(&ingress));
    sh.line(
        "if [ ! -f \"$INGRESS_FILE\" ]; then unusable \"${INGRESS_FILE#\"$BUNDLE_DIR\"/} does not exist\"; fi",
    );
    read_ingress(&mut sh, s, manifests, apis);
    sh.lines(&[
        "ALB_SECRET_NAME=\"${ALB_SECRET_REF#*/}\"",
        "case \"$ALB_SECRET_NAME\" in",
        "  '' | *[!a-z0-9.-]*) unusable \"the Ingress names no usable ALB secret ('$ALB_SECRET_REF')\" ;;",
        "esac",
        "case \"$VERIFY_DEPTH\" in",
        "  '' | *[!0-9]*) unusable \"the Ingress's verify depth '$VERIFY_DEPTH' is not a number\" ;;",
        "esac",
        "ALB_CA_SECRET_NAME=\"${ALB_CA_SECRET_NAME:-$ALB_SECRET_NAME}\"",
        "case \"$ALB_CA_SECRET_NAME\" in",
        "  *[!a-z0-9.-]*) unusable \"the ALB names no usable CA secret ('$ALB_CA_SECRET_NAME')\" ;;",
        "esac",
    ]);
    // What the ALB calls the name it verifies, how deep it verifies, and what it logs on a miss.
    let (name_setting, depth_text, name_log) = match apis.ingress {
        IngressApi::NetworkingV1Traefik => (
            "the ServersTransport's serverName",
            "whole chain verified, no depth limit",
            ": Traefik logs 'x509: certificate is valid for ..., not ...' and answers 500",
        ),
        IngressApi::ExtensionsV1beta1Ibm | IngressApi::NetworkingV1Nginx => (
            "proxy-ssl-name",
            "verify depth $VERIFY_DEPTH",
            ": NGINX logs 'upstream SSL certificate does not match'",
        ),
    };
    let _ = writeln!(
        sh.out,
        "echo \"  {name_setting} $PROXY_SSL_NAME, {depth_text}, client certificate from secret $ALB_SECRET_NAME, CA from secret $ALB_CA_SECRET_NAME\""
    );

    sh.step("Reading the certificates and keys the secrets are made of");
    // The files in certs/ that install writes the secrets from (secrets/*.yaml hold the same
    // bytes); IBM's own secret, which the bundle holds no copy of, from the cluster.
    super::secrets::bundle_sources(&mut sh, apis, s);
    for (src, out) in [
        (&sides.gateway_chain, "gateway-chain.pem"),
        (&sides.gateway_key, "gateway.key"),
        (&sides.client_ca, "client-ca.pem"),
        (&sides.alb_cert, "alb-chain.pem"),
        (&sides.alb_key, "alb.key"),
        (&sides.alb_ca, "alb-ca.pem"),
    ] {
        let _ = if src.in_cluster {
            writeln!(
                sh.out,
                "cluster_secret_value {} {} \"$WORK_DIR/{out}\"",
                quote(&src.secret),
                quote(src.key)
            )
        } else {
            let file = super::secrets::bundle_value(src.content);
            let shown = match src.content {
                Content::Input(input) => input.bundle_path(),
                Content::TrustedBundle => "trusted.crt",
            };
            writeln!(
                sh.out,
                "if [ ! -s {file} ]; then unusable '{shown} does not exist or is empty'; fi\n\
                 cp {file} \"$WORK_DIR/{out}\"",
            )
        };
    }
    // The Ingress (or ServersTransport) must name the secrets the bundle makes of those files.
    for (var, src) in [
        ("ALB_SECRET_NAME", &sides.alb_cert),
        ("ALB_CA_SECRET_NAME", &sides.alb_ca),
    ] {
        let _ = writeln!(
            sh.out,
            "if [ \"${var}\" != {want} ]; then unusable \"the ALB is given the secret \
             '${var}', and the bundle makes \"{want}; fi",
            want = quote(&src.secret),
        );
    }
    let gw_chain = format!("{}/{}", sides.gateway_chain.secret, sides.gateway_chain.key);
    let gw_key = format!("{}/{}", sides.gateway_key.secret, sides.gateway_key.key);
    let client_ca = format!("{}/{}", sides.client_ca.secret, sides.client_ca.key);
    let alb_cert = format!("$ALB_SECRET_NAME/{}", sides.alb_cert.key);
    let alb_key = format!("$ALB_SECRET_NAME/{}", sides.alb_key.key);
    let alb_ca = format!("$ALB_CA_SECRET_NAME/{}", sides.alb_ca.key);
    let _ = writeln!(
        sh.out,
        "split_chain \"$WORK_DIR/gateway-chain.pem\" \"$WORK_DIR/gateway.crt\" \"$WORK_DIR/gateway-intermediates.pem\" {}\n\
         split_chain \"$WORK_DIR/alb-chain.pem\" \"$WORK_DIR/alb.crt\" \"$WORK_DIR/alb-intermediates.pem\" \"{alb_cert}\"\n\
         echo \"  gateway: {gw_chain} ($(count_certs \"$WORK_DIR/gateway-chain.pem\") certificate(s)), {gw_key}, client CA {client_ca}\"\n\
         echo \"  ALB: {alb_cert}, {alb_key}, trusted CA {alb_ca} ($(count_certs \"$WORK_DIR/alb-ca.pem\") certificate(s))\"",
        quote(&gw_chain),
    );

    sh.step("Checking that each private key belongs to its certificate");
    let _ = writeln!(
        sh.out,
        "if ! same_key \"$WORK_DIR/gateway.crt\" \"$WORK_DIR/gateway.key\"; then\n  \
         fail gateway {} 'key values mismatch'\nfi\n\
         if ! same_key \"$WORK_DIR/alb.crt\" \"$WORK_DIR/alb.key\"; then\n  \
         fail ALB \"the ALB's private key ({alb_key}) does not belong to its client certificate ({alb_cert}), or cannot be read: NGINX refuses to load them.\" 'key values mismatch'\nfi\n\
         echo '  ok: both keys match their certificates'",
        quote(&format!(
            "the gateway's private key ({gw_key}) does not belong to its certificate ({gw_chain}), \
             or cannot be read: the gateway cannot load them."
        )),
    );

    sh.step(
        "Mutual TLS handshake on 127.0.0.1: openssl s_server as the gateway, s_client as the ALB",
    );
    sh.lines(&[
        "# The gateway (Envoy) requires a client certificate that its client CA verifies for the client",
        "# purpose; OpenSSL's own depth limit applies, as in Envoy.",
        "server_args=(-naccept 1 -www -cert \"$WORK_DIR/gateway.crt\" -key \"$WORK_DIR/gateway.key\" -pass pass:",
        "  -CAfile \"$WORK_DIR/client-ca.pem\" -Verify 100 -verify_return_error -purpose sslclient)",
        "if [ -s \"$WORK_DIR/gateway-intermediates.pem\" ]; then",
        "  server_args+=(-cert_chain \"$WORK_DIR/gateway-intermediates.pem\")",
        "fi",
        "# The ALB (NGINX proxy_ssl_*): SNI and host name check = proxy-ssl-name, the Ingress's verify",
        "# depth, the CA of its secret, its client certificate and key.",
        "client_args=(-ign_eof -servername \"$PROXY_SSL_NAME\" -verify_hostname \"$PROXY_SSL_NAME\"",
        "  -verify_depth \"$VERIFY_DEPTH\" -CAfile \"$WORK_DIR/alb-ca.pem\" -verify_return_error -purpose sslserver",
        "  -cert \"$WORK_DIR/alb.crt\" -key \"$WORK_DIR/alb.key\" -pass pass:)",
        "if [ -s \"$WORK_DIR/alb-intermediates.pem\" ]; then",
        "  client_args+=(-cert_chain \"$WORK_DIR/alb-intermediates.pem\")",
        "fi",
        "if [ \"$DRY_RUN\" -eq 1 ]; then",
        "  printf '+ openssl s_server -accept 127.0.0.1:<free port>'",
        "  printf ' %q' \"${server_args[@]}\"",
        "  printf '\\n+ openssl s_client -connect 127.0.0.1:<that port>'",
        "  printf ' %q' \"${client_args[@]}\"",
        "  printf '\\n\\nDry run: no handshake was made (the files above are removed at exit).\\n'",
        "  exit 0",
        "fi",
        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' >\"$WORK_DIR/request\"",
        "# A random port; another one when it is taken. The server answers one connection (-www: a",
        "# status page, sent only after both sides accepted each other).",
        "attempt=0",
        "while :; do",
        "  attempt=$((attempt + 1))",
        "  PORT=$((20000 + RANDOM % 30000))",
        "  openssl s_server -accept \"127.0.0.1:$PORT\" \"${server_args[@]}\" </dev/null >\"$WORK_DIR/server.out\" 2>\"$WORK_DIR/server.err\" &",
        "  SERVER_PID=$!",
        "  n=0",
        "  while ! grep -q '^ACCEPT' \"$WORK_DIR/server.out\" && kill -0 \"$SERVER_PID\" 2>/dev/null && [ \"$n\" -lt 100 ]; do",
        "    n=$((n + 1))",
        "    sleep 0.1",
        "  done",
        "  if grep -q '^ACCEPT' \"$WORK_DIR/server.out\"; then break; fi",
        "  stop \"$SERVER_PID\"",
        "  SERVER_PID=''",
        "  if grep -qi 'in use' \"$WORK_DIR/server.err\" && [ \"$attempt\" -lt 10 ]; then continue; fi",
        "  fail gateway \"openssl s_server could not serve the gateway's certificate and key.\" \"$(last_error \"$WORK_DIR/server.err\")\"",
        "done",
        "openssl s_client -connect \"127.0.0.1:$PORT\" \"${client_args[@]}\" <\"$WORK_DIR/request\" >\"$WORK_DIR/client.out\" 2>\"$WORK_DIR/client.err\" &",
        "CLIENT_PID=$!",
        "timed_out=0",
        "if ! wait_gone \"$CLIENT_PID\" 150; then timed_out=1; fi",
        "stop \"$CLIENT_PID\"",
        "CLIENT_PID=''",
        "stop \"$SERVER_PID\"",
        "SERVER_PID=''",
    ]);

    sh.step("Result");
    let _ = writeln!(
        sh.out,
        "if grep -q 'HTTP/1.0 200 ok' \"$WORK_DIR/client.out\"; then\n  \
         echo \"preflight: OK: the gateway accepted the ALB's client certificate, and the ALB verified the gateway as $PROXY_SSL_NAME ({depth_text}).\"\n  \
         exit 0\n\
         fi\n\
         gw_certs=\"$(count_certs \"$WORK_DIR/gateway-chain.pem\")\"\n\
         # The ALB verifies the gateway first: its verdict, if any, is the cause.\n\
         alb_error=\"$(verify_error \"$WORK_DIR/client.err\")\"\n\
         gw_error=\"$(verify_error \"$WORK_DIR/server.err\")\"\n\
         if [ -n \"$alb_error\" ]; then\n  \
         detail=\"verify error $alb_error\"\n  \
         case \"${{alb_error%% *}}\" in\n    \
         62) fail ALB \"the gateway certificate ({gw_chain}) does not cover $PROXY_SSL_NAME, the name the ALB verifies ({name_setting}){name_log}. Put $PROXY_SSL_NAME into its subjectAltName, or set {name_setting} to a name it covers.\" \"$detail\" ;;\n    \
         22) fail ALB \"verify depth $VERIFY_DEPTH is too small for the gateway's chain ({gw_chain}, $gw_certs certificate(s)): set proxy-ssl-verify-depth back to the value the bundle derived from that chain.\" \"$detail\" ;;\n    \
         2 | 20 | 21) fail ALB \"the CA the ALB trusts ({alb_ca}) did not issue the gateway certificate, or {gw_chain} lacks an intermediate: give the CA that issued the gateway certificate as the gateway CA.\" \"$detail\" ;;\n    \
         18 | 19) fail ALB \"the gateway's chain ends in a self-signed certificate that is not the CA the ALB trusts ({alb_ca}).\" \"$detail\" ;;\n    \
         9 | 10) fail ALB \"a certificate of the gateway's chain ({gw_chain}) is not valid now (expired or not yet valid).\" \"$detail\" ;;\n    \
         26) fail ALB \"the gateway certificate is not for server authentication: its extendedKeyUsage lacks serverAuth.\" \"$detail\" ;;\n    \
         *) fail ALB \"the ALB does not accept the gateway certificate ({gw_chain}).\" \"$detail\" ;;\n  \
         esac\n\
         fi\n\
         if [ -n \"$gw_error\" ]; then\n  \
         detail=\"verify error $gw_error\"\n  \
         case \"${{gw_error%% *}}\" in\n    \
         26) fail gateway \"the ALB client certificate ({alb_cert}) is not for client authentication: its extendedKeyUsage lacks clientAuth (Let's Encrypt certificates no longer carry it). Issue it from a private CA, with clientAuth.\" \"$detail\" ;;\n    \
         2 | 20 | 21) fail gateway \"the gateway's client CA ({client_ca}) did not issue the ALB client certificate ({alb_cert}): give the CA that issued it as the client CA, and its intermediates after it in the client certificate.\" \"$detail\" ;;\n    \
         18 | 19) fail gateway \"the ALB client certificate's chain ends in a self-signed certificate that is not the gateway's client CA ({client_ca}).\" \"$detail\" ;;\n    \
         9 | 10) fail gateway \"a certificate of the ALB client chain ({alb_cert}) is not valid now (expired or not yet valid).\" \"$detail\" ;;\n    \
         *) fail gateway \"the gateway does not accept the ALB client certificate ({alb_cert}).\" \"$detail\" ;;\n  \
         esac\n\
         fi\n\
         if [ \"$timed_out\" -eq 1 ]; then\n  \
         fail ALB 'no answer from the gateway stand-in within 15 s.' \"$(last_error \"$WORK_DIR/client.err\")\"\n\
         fi\n\
         reason=\"$(last_error \"$WORK_DIR/server.err\")\"\n\
         if [ -n \"$reason\" ]; then fail gateway 'the handshake failed at the gateway.' \"$reason\"; fi\n\
         fail ALB 'the handshake failed at the ALB.' \"$(last_error \"$WORK_DIR/client.err\")\""
    );
    sh
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::CertInput;
    use crate::manifest::sides::{Sides, Source};
    use crate::settings::Profile;

    fn sides_of(profile: Profile) -> Sides {
        let s = Settings {
            profile,
            ..Settings::default()
        };
        Sides::of(&Apis::of(&s), &s)
    }

    #[test]
    fn every_profile_declares_both_sides() {
        for profile in Profile::ALL {
            let sides = sides_of(profile);
            for s in [
                &sides.gateway_chain,
                &sides.gateway_key,
                &sides.client_ca,
                &sides.alb_cert,
                &sides.alb_key,
                &sides.alb_ca,
            ] {
                assert_ne!(s.secret, "missing", "{profile}: {sides:?}");
            }
        }
        let classic = sides_of(Profile::Classic);
        assert_eq!(
            classic.gateway_chain,
            Source {
                secret: names::CLASSIC_GATEWAY_CERTS.into(),
                key: "tls.crt",
                // The procedure's trusted.crt: the gateway serves its chain with the CA.
                content: Content::TrustedBundle,
                in_cluster: false,
            }
        );
        assert_eq!(
            classic.alb_ca,
            Source {
                secret: names::CLASSIC_ALB_CERTS.into(),
                key: "trusted.crt",
                content: Content::TrustedBundle,
                in_cluster: false,
            }
        );
        let current = sides_of(Profile::Current);
        assert_eq!(
            current.alb_ca,
            Source {
                secret: names::CURRENT_ALB_PROXY_SSL.into(),
                key: "ca.crt",
                content: Content::Input(CertInput::GatewayCa),
                in_cluster: false,
            }
        );
    }
}
