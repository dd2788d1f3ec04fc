//! The scripts against the stateful fake cluster (`tests/fakecluster/`) for every valid choice
//! besides the two `scripts_install.rs` and friends cover (classic and current, NGINX, classic
//! infrastructure): Traefik, VPC, and IBM-renewed secrets (issue 11). For each: install in the
//! procedure's order, a rerun that changes nothing, verify with every check ok, renew after IBM
//! renewed the NLB certificate, cleanup that removes what install created and nothing of IBM's.
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::Fake;
use fakecluster::pki::{Pki, serial};
use istio_alb::demo;
use istio_alb::settings::{Alb, Infrastructure, Profile, Settings, validate};
use serde_json::json;

/// The valid combinations the other script tests do not cover.
fn combinations() -> Vec<Settings> {
    let out: Vec<Settings> = demo::every_combination()
        .into_iter()
        .filter(|s| validate(s).is_empty())
        .filter(|s| {
            s.alb != Alb::Nginx
                || s.infrastructure != Infrastructure::Classic
                || s.ibm_keeps_gateway_secret()
        })
        .collect();
    assert_eq!(
        out.iter().map(demo::combination_name).collect::<Vec<_>>(),
        [
            "classic-vpc",
            "current-ibm-renewed",
            "current-vpc",
            "current-vpc-ibm-renewed",
            "current-traefik",
            "current-traefik-ibm-renewed",
            "current-traefik-vpc",
            "current-traefik-vpc-ibm-renewed",
        ]
    );
    out
}

/// The changes a first install makes on a fresh cluster, in order.
fn changes_of(s: &Settings) -> Vec<&'static str> {
    let ssa = "apply --server-side --field-manager=istio-alb -f <WORK>/";
    let m = |f: &str| {
        fakecluster::leak(format!(
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/{f}"
        ))
    };
    let secret = |name: &str| fakecluster::leak(format!("{ssa}{name}.json"));
    // The classic profile only: the current one's are in tests/kube_bundles.rs.
    assert_eq!(s.profile, Profile::Classic);
    let mut out = vec![m("01-namespace.yaml"), m("02-sample-app.yaml")];
    out.extend([
        secret("istio-ingressgateway-certs"),
        secret("istio-ingressgateway-ca-certs"),
        secret("alb-certs"),
        m("04-destination-rule.yaml"),
        m("05-gateway.yaml"),
        "rollout restart deployment.apps/istio-ingressgateway -n istio-system",
        m("06-virtual-service.yaml"),
        m("07-ingress.yaml"),
        m("03-mtls-policy.yaml"),
    ]);
    out
}

fn install(f: &Fake, what: &str) -> fakecluster::Run {
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(r.ok(), "{what}: install.sh failed:\n{}", r.text());
    assert!(f.leftovers().is_empty(), "{what}: {:?}", f.leftovers());
    r
}

/// verify.sh passes: every check ok, no WARN, no FAIL.
fn verify_passes(f: &Fake, what: &str) -> fakecluster::Run {
    let r = f.run("verify.sh", &[]);
    assert!(r.ok(), "{what}: verify.sh failed:\n{}", r.text());
    assert!(
        r.stdout.contains("All checks passed."),
        "{what}: {}",
        r.text()
    );
    for l in r.stdout.lines() {
        let l = l.trim_start();
        assert!(
            !l.starts_with("FAIL") && !l.starts_with("WARN"),
            "{what}: {l}\n{}",
            r.text()
        );
    }
    assert!(f.leftovers().is_empty(), "{what}: {:?}", f.leftovers());
    r
}

/// The secret the gateway serves and the namespace/name of IBM's NLB secret.
fn gateway_secret(s: &Settings) -> &str {
    if s.ibm_keeps_gateway_secret() {
        &s.nlb_secret
    } else {
        "nlb-gateway-mtls"
    }
}

fn install_then_rerun(f: &Fake) {
    let s = &f.settings;
    let what = demo::combination_name(s);
    let ibm_before = f.object("Secret", &f.ibm_nlb_namespace(), &s.nlb_secret);
    install(f, &what);
    assert_eq!(f.changes(), changes_of(s), "{what}");
    // IBM's secret is read, never written (in IBM-renewed mode the gateway uses it in place).
    assert_eq!(
        f.object("Secret", &f.ibm_nlb_namespace(), &s.nlb_secret),
        ibm_before,
        "{what}"
    );
    if s.ibm_keeps_gateway_secret() {
        assert!(
            f.object("Secret", "istio-system", "nlb-gateway-mtls")
                .is_none()
        );
        let gw = f
            .object("Gateway", "istio-system", "default-ingress-gateway")
            .unwrap();
        assert_eq!(
            gw["spec"]["servers"][0]["tls"]["credentialName"],
            json!(s.nlb_secret),
            "{what}"
        );
        assert!(
            f.secret_value(
                "istio-system",
                &format!("{}-cacert", s.nlb_secret),
                "ca.crt"
            )
            .is_some()
        );
    }
    if s.alb == Alb::Traefik {
        let st = f
            .object("ServersTransport", "istio-system", "alb-to-gateway")
            .expect("the ServersTransport");
        assert_eq!(st["apiVersion"], "traefik.io/v1alpha1", "{what}");
        assert!(
            f.object("Service", "istio-system", "istio-ingressgateway-alb")
                .is_some()
        );
    }
    // A rerun: every manifest applied again, nothing stored, no secret written.
    let before = f.objects();
    f.clear_log();
    let r = install(f, &what);
    assert_eq!(f.objects(), before, "{what}");
    assert!(
        f.changes().iter().all(|c| c
            .starts_with("apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/")
            || c.starts_with("rollout restart")),
        "{what}: {:?}",
        f.changes()
    );
    assert!(
        r.stdout.contains("Done: 0 secret(s) written"),
        "{what}: {}",
        r.text()
    );
}

/// Install, rerun, verify, renew and cleanup for one combination.
fn whole_life(s: &Settings) {
    if !fakecluster::tools_present() {
        return;
    }
    let what = demo::combination_name(s);
    let pki = Pki::new(10);
    let old = pki.nlb(0x28, -30, 60);
    let f = Fake::with_pki_settings(s.clone(), &pki, &old, false);
    // What cleanup must bring the cluster back to: this one, with IBM's renewed certificate.
    let fresh = f.fork();
    install_then_rerun(&f);
    let r = verify_passes(&f, &what);
    let loaded = if s.profile == Profile::Classic {
        "Envoy serves /etc/istio/ingressgateway-certs/tls.crt, serial".to_owned()
    } else {
        format!("Envoy serves kubernetes://{}, serial", gateway_secret(s))
    };
    for said in [
        loaded.as_str(),
        "refused without a client certificate, in the TLS handshake (curl 56",
        "the gateway trusts the ALB client certificate for client authentication",
        "holds IBM's current certificate",
    ] {
        assert!(r.stdout.contains(said), "{what}: {said}\n{}", r.text());
    }
    if s.alb == Alb::Traefik {
        for said in [
            "ServersTransport istio-system/alb-to-gateway is in place",
            "Service istio-system/istio-ingressgateway-alb is in place",
            "Traefik logged no error about the transport alb-to-gateway",
            "Traefik presented the transport's client certificate",
        ] {
            assert!(r.stdout.contains(said), "{what}: {said}\n{}", r.text());
        }
    }
    if s.infrastructure == Infrastructure::Vpc {
        let said = format!(
            "service istio-ingressgateway has the load balancer host name {}",
            demo::LB_HOST
        );
        assert!(r.stdout.contains(&said), "{what}: {said}\n{}", r.text());
    }
    assert!(
        f.changes()
            .iter()
            .all(|c| c.starts_with("apply") || c.starts_with("rollout")),
        "{what}: verify changed something: {:?}",
        f.changes()
    );

    // IBM renews the NLB certificate: renew.sh brings the gateway up to date (nothing to copy
    // in IBM-renewed mode), and verify passes again.
    let renewed = pki.nlb(0x29, -1, 89);
    f.set_ibm_nlb(&renewed);
    f.clear_log();
    let r = f.run("renew.sh", &[]);
    assert!(r.ok(), "{what}: renew.sh failed:\n{}", r.text());
    assert!(f.leftovers().is_empty(), "{what}: {:?}", f.leftovers());
    let (ns, name, key) = match s.profile {
        Profile::Classic => ("istio-system", "istio-ingressgateway-certs", "tls.crt"),
        Profile::Current => ("istio-system", gateway_secret(s), "tls.crt"),
    };
    assert_eq!(
        serial(&f.secret_value(ns, name, key).unwrap()),
        "29",
        "{what}"
    );
    if s.ibm_keeps_gateway_secret() {
        assert!(
            f.changes().iter().all(|c| !c.contains("-f <WORK>/")),
            "{what}: renew wrote a secret in IBM-renewed mode: {:?}",
            f.changes()
        );
    } else {
        assert!(
            f.changes().iter().any(|c| c.contains("-f <WORK>/")),
            "{what}: renew wrote nothing: {:?}\n{}",
            f.changes(),
            r.text()
        );
    }
    if s.ibm_keeps_gateway_secret() {
        // The gateway serves IBM's renewed secret in place (a verify run costs seconds: only
        // where renew copied nothing).
        let r = verify_passes(&f, &what);
        let said = format!("Envoy serves kubernetes://{}, serial 29", s.nlb_secret);
        assert!(r.stdout.contains(&said), "{what}: {said}\n{}", r.text());
    }

    // cleanup.sh --yes: back to the fresh cluster (with IBM's renewed secret untouched).
    fresh.set_ibm_nlb(&renewed);
    let ibm = f.object("Secret", &f.ibm_nlb_namespace(), &s.nlb_secret);
    let r = f.run("cleanup.sh", &["--yes"]);
    assert!(r.ok(), "{what}: cleanup.sh failed:\n{}", r.text());
    assert!(f.leftovers().is_empty(), "{what}: {:?}", f.leftovers());
    assert_eq!(
        f.object("Secret", &f.ibm_nlb_namespace(), &s.nlb_secret),
        ibm,
        "{what}: IBM's secret changed"
    );
    assert!(
        f.object("ServersTransport", "istio-system", "alb-to-gateway")
            .is_none()
    );
    assert!(
        f.object("Service", "istio-system", "istio-ingressgateway-alb")
            .is_none()
    );
    let strip = |f: &Fake| -> Vec<serde_json::Value> {
        // The classic gateway's pods come back from the rollout restart with new names.
        f.objects()
            .into_iter()
            .filter(|o| o["kind"] != "Pod")
            .collect()
    };
    assert_eq!(
        strip(&f),
        strip(&fresh),
        "{what}: cleanup left a difference"
    );
}

macro_rules! whole_life_tests {
    ($($name:ident: $combination:expr,)*) => {$(
        #[test]
        fn $name() {
            let name: &str = $combination;
            let s = combinations()
                .into_iter()
                .find(|s| demo::combination_name(s) == name)
                .unwrap();
            whole_life(&s);
        }
    )*};
}

// The current profile's combinations go through their whole life against the real API server
// (tests/kube_bundles.rs); the fake keeps the classic profile, which no current server serves.
whole_life_tests! {
    classic_vpc: "classic-vpc",
}
