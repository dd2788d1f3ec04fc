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

use crate::manifest::{self, Content, Doc, IngressApi};
use crate::script::builder::{Facts, Sh, bundle_path, quote};

pub(super) fn body(f: &Facts) -> Sh {
    let (s, apis, sides, manifests) = (f.s, &f.apis, &f.sides, f.manifests);
    let file = |doc| manifest::find(manifests, doc).map(|m| bundle_path(&m.path));
    let mut sh = Sh::default();
    sh.run("preflight.sh", "");
    sh.step("Checking for OpenSSL 1.1.1 or later");
    sh.line("check_openssl");

    sh.step("Reading the ALB's settings from the Ingress");
    // NGINX and IBM's classic ALB read the Ingress; Traefik its ServersTransport, used by the
    // Service that names it.
    let mut files =
        vec![file(Doc::Ingress).unwrap_or_else(|| bundle_path("manifests/07-ingress.yaml"))];
    if apis.ingress == IngressApi::NetworkingV1Traefik {
        files.extend(file(Doc::ServersTransport));
        files.extend(file(Doc::AlbService));
    }
    files.insert(0, "read_alb_settings".to_owned());
    sh.command(&files);

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
        if src.in_cluster {
            sh.line(&format!(
                "cluster_secret_value {} {} {out}",
                quote(&src.secret),
                quote(src.key)
            ));
        } else {
            let shown = match src.content {
                Content::Input(input) => input.bundle_path(),
                Content::TrustedBundle => "trusted.crt",
            };
            sh.line(&format!(
                "bundle_file {} {shown} {out}",
                super::secrets::bundle_value(src.content)
            ));
        }
    }
    sh.line("split_chains");

    sh.step("Checking that each private key belongs to its certificate");
    sh.line("check_keys");

    sh.step(
        "Mutual TLS handshake on 127.0.0.1: openssl s_server as the gateway, s_client as the ALB",
    );
    sh.line("handshake");

    sh.step("Result");
    sh.line("handshake_result");
    sh
}

#[cfg(test)]
mod tests {
    use crate::inputs::CertInput;
    use crate::manifest::sides::{Sides, Source};
    use crate::manifest::{Apis, Content, names};
    use crate::settings::Profile;
    use crate::settings::Settings;

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
