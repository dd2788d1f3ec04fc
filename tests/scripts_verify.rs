//! `verify.sh` passes a healthy setup and names what is broken in one that is not: every check
//! says ok, WARN or FAIL, each FAIL with its next step. Regression tests for the field report:
//! Envoy's `/certs` never names an SDS secret; "refused without a client certificate" passed
//! when the gateway was unreachable; a key of base64 "foo" passed; nothing checked parse, key
//! match, usages, days left, or the copies against IBM's secrets.
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::pki::{Pki, serial};
use fakecluster::{CONTEXT, Fake, b64};
use istio_alb::demo;
use istio_alb::settings::Profile;
use serde_json::json;

fn installed(f: Fake) -> Fake {
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(r.ok(), "{}", r.text());
    f
}

fn set_data(f: &Fake, name: &str, key: &str, value: &str) {
    f.edit_cluster(|c| {
        for o in c["objects"].as_array_mut().unwrap() {
            if o["kind"] == "Secret"
                && o["metadata"]["name"] == name
                && o["metadata"]["namespace"] == "istio-system"
            {
                o["data"][key] = json!(b64(value));
            }
        }
    });
}

/// Runs verify.sh; each FAIL is followed by its next step.
fn verify(f: &Fake) -> fakecluster::Run {
    let r = f.run("verify.sh", &[]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.trim_start().starts_with("FAIL: ") {
            assert!(
                lines
                    .get(i + 1)
                    .is_some_and(|n| n.trim_start().starts_with("next: ")),
                "no next step after {l}\n{}",
                r.text()
            );
        }
    }
    assert!(f.leftovers().is_empty());
    r
}

#[test]
fn a_healthy_setup_passes_and_the_gateway_is_seen_holding_the_secret() {
    if !fakecluster::tools_present() {
        return;
    }
    for profile in Profile::ALL {
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

/// Each case: what breaks (several things at once where they do not hide each other: each
/// verify run costs seconds), and the FAIL or WARN lines that must say so.
#[test]
fn each_broken_piece_is_named_with_its_next_step() {
    if !fakecluster::tools_present() {
        return;
    }
    let base = installed(Fake::new(Profile::Current));
    type Case = (&'static str, Box<dyn Fn(&Fake)>, &'static [&'static str]);
    let cases: Vec<Case> = vec![
        (
            "gateway unreachable: the refusal without a certificate must not count",
            Box::new(|f| f.edit_cluster(|c| c["gateway"]["reachable"] = json!(false))),
            &[
                "FAIL: https://demo-cluster-0001.us-south.containers.example.com/status/418 with the ALB's client certificate failed (curl 7",
                "WARN: the refusal without a client certificate proves nothing while the request with one fails: not counted",
            ],
        ),
        (
            "a key of base64 \"foo\", the Ingress gone, IBM's certificate renewed",
            Box::new(|f| {
                set_data(f, "nlb-gateway-mtls", "tls.key", "foo");
                f.remove("Ingress", "istio-system", "alb-ingress");
                f.set_ibm_nlb(&Pki::new(10).nlb(0x30, -1, 89));
            }),
            &[
                "FAIL: nlb-gateway-mtls/tls.key is not a readable private key",
                "FAIL: Ingress istio-system/alb-ingress is missing",
                "FAIL: https://httpbin.demo-cluster-0000.us-south.containers.example.com/status/418 answered 000",
                "differs from IBM's certificate (expected only when you use a certificate of your own)",
            ],
        ),
        (
            "mutual TLS not enforced, Envoy serving what it had (no SDS reload), a key of another certificate",
            Box::new(|f| {
                let other = Pki::new(10).nlb(0x77, -1, 89);
                f.edit_cluster(|c| {
                    c["gateway"]["mode_override"] = json!("SIMPLE");
                    c["gateway"]["sds_stale"] = json!(true);
                    c["loaded"] = json!({ "nlb-gateway-mtls": { "tls.crt": b64(&other.cert), "ca.crt": b64(demo::CA) } });
                });
                set_data(f, "alb-proxy-ssl", "tls.key", demo::NLB_KEY);
            }),
            &[
                "answered 418 without a client certificate: mutual TLS is not enforced",
                "Envoy serves kubernetes://nlb-gateway-mtls with serial 77, the secret holds",
                "FAIL: alb-proxy-ssl/tls.key does not belong to the certificate in tls.crt",
            ],
        ),
        (
            "a client CA that did not issue the ALB client certificate",
            Box::new(|f| set_data(f, "nlb-gateway-mtls", "ca.crt", &Pki::new(10).root_pem)),
            &[
                "FAIL: the gateway's client CA (nlb-gateway-mtls/ca.crt) does not verify the ALB client certificate",
                "with the ALB's client certificate failed (curl 56",
            ],
        ),
    ];
    for (what, breakage, want) in cases {
        let f = base.fork();
        breakage(&f);
        let r = verify(&f);
        for w in want {
            assert!(r.stdout.contains(w), "{what}: want {w:?} in\n{}", r.text());
        }
        assert_eq!(r.code(), Some(1), "{what}: {}", r.text());
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
