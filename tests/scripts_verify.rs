//! `verify.sh` passes a healthy setup and names what is broken in one that is not: every check
//! says ok, WARN or FAIL, each FAIL with its next step. Regression tests for the field report:
//! Envoy's `/certs` never names an SDS secret; "refused without a client certificate" passed
//! when the gateway was unreachable; a key of base64 "foo" passed; nothing checked parse, key
//! match, usages, days left, or the copies against IBM's secrets.
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::pki::{Pki, serial};
use fakecluster::{CONTEXT, Fake};
use istio_alb::demo;
use istio_alb::settings::Profile;

fn installed(f: Fake) -> Fake {
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(r.ok(), "{}", r.text());
    f
}

/// Runs verify.sh; each FAIL is followed by its next step.
fn verify(f: &Fake) -> fakecluster::Run {
    let r = f.run("verify.sh", &[]);
    r.assert_each_fail_has_a_next_step();
    assert!(f.leftovers().is_empty());
    r
}

#[test]
fn a_healthy_setup_passes_and_the_gateway_is_seen_holding_the_secret() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = installed(Fake::new(profile));
        let r = verify(&f);
        assert!(r.ok(), "{profile}: {}", r.text());
        assert!(r.stdout.contains("All checks passed."), "{}", r.text());
        let demo_serial = serial(demo::NLB_CERT);
        let loaded = match profile {
            Profile::Current => format!(
                "Envoy serves kubernetes://nlb-gateway-mtls, serial {demo_serial}, as in the secret"
            ),
            Profile::Classic => format!(
                "Envoy serves /etc/istio/ingressgateway-certs/tls.crt, serial {demo_serial}, as in the secret"
            ),
        };
        for said in [
            loaded.as_str(),
            "refused without a client certificate, in the TLS handshake (curl 56",
            "the gateway trusts the ALB client certificate for client authentication",
            "holds IBM's current certificate",
        ] {
            assert!(r.stdout.contains(said), "{profile}: {said}\n{}", r.text());
        }
        if profile == Profile::Current {
            assert!(
                r.stdout
                    .contains("Envoy holds kubernetes://nlb-gateway-mtls-cacert"),
                "{}",
                r.text()
            );
        }
        // It only reads.
        assert!(
            f.changes()
                .iter()
                .all(|c| c.starts_with("apply") || c.starts_with("rollout"))
        );
    }
}

/// Days left against the renewal window, and a copy older than IBM's, from certificates made
/// around the real time.
#[test]
fn renewal_due_and_stale_copies_are_warnings_with_the_next_step() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = Pki::new(300); // the client certificate is in the last third of its year
    let f = installed(Fake::with_pki(
        Profile::Classic,
        &pki,
        &pki.nlb(0x28, -70, 20),
        false,
    ));
    f.set_ibm_nlb(&pki.nlb(0x29, -1, 89));
    let r = verify(&f);
    assert!(r.ok(), "warnings only: {}", r.text());
    for w in [
        "WARN: alb-certs/client.crt: 6", // 64 or 65 days, by the minute
        "WARN: the gateway certificate in istio-ingressgateway-certs/tls.crt holds an older certificate than IBM's",
        "next: run renew.sh",
    ] {
        assert!(r.stdout.contains(w), "want {w:?} in\n{}", r.text());
    }
    // 19 days and some hours, or exactly 20 when the script's clock still reads the second the
    // certificate was made (CI saw that once): both are in the last third of its 90 days
    let gateway = ["19", "20"].map(|d| {
        format!("WARN: istio-ingressgateway-certs/tls.crt: {d} day(s) left, in the last third")
    });
    assert!(
        gateway.iter().any(|w| r.stdout.contains(w.as_str())),
        "want one of {gateway:?} in\n{}",
        r.text()
    );
    let _ = CONTEXT;
}

/// verify.sh judges the ALB's and the gateway's trust by the CA each is given, as NGINX and
/// Envoy do, not by this machine's CA certificates: `openssl verify -CAfile` also trusts those
/// unless told not to (-no-CApath, -no-CAstore), and every machine trusts the public CAs. Until
/// 2026-12-07 a wrong CA in the ALB's secret passed on a machine that trusted the right one.
#[test]
fn trust_is_judged_by_the_secrets_cas_not_by_the_machines() {
    if !fakecluster::tools_present() {
        return;
    }
    let f = installed(Fake::new(Profile::Classic));
    let tmp = tempfile::tempdir().unwrap();
    let machine = support::machine_trusting(tmp.path(), demo::CA);
    let other = Pki::with_gateway_ca(10, "Another CA").root_pem;
    let run = |f: &Fake| {
        let run = f.run_with_env("verify.sh", &[], &machine);
        let ok = run.ok();
        (run.stdout, ok)
    };
    let (text, ok) = run(&f);
    assert!(ok, "{text}");
    for (name, key, said) in [
        (
            "alb-certs",
            "trusted.crt",
            "FAIL: the CA the ALB trusts (alb-certs/trusted.crt) does not verify the gateway",
        ),
        (
            "istio-ingressgateway-ca-certs",
            "trustid-x3-root.pem",
            "FAIL: the gateway's client CA (istio-ingressgateway-ca-certs/trustid-x3-root.pem) \
does not verify the ALB client certificate",
        ),
    ] {
        let broken = f.fork();
        let mut secret = broken.object("Secret", "istio-system", name).unwrap();
        secret["data"][key] = serde_json::json!(fakecluster::b64(&other));
        broken.remove("Secret", "istio-system", name);
        broken.add(secret);
        let (text, ok) = run(&broken);
        assert!(!ok && text.contains(said), "{name}/{key}: {text}");
    }
}
