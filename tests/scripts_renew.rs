//! `renew.sh`: IBM's renewed certificates into the copies, checked first (readable, key matching,
//! chaining to the CA the ALB trusts, not older than what the cluster holds), nothing written
//! when nothing changed; and the next ALB client certificate from the private CA's key, when the
//! bundle holds it and the current one is in the last third of its life (or `--force-client`).
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::Fake;
use fakecluster::pki::{Pki, assert_next_client_certificate, serial};
use istio_alb::settings::Profile;

fn installed(f: Fake) -> Fake {
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(r.ok(), "{}", r.text());
    f.clear_log();
    f
}

/// The ALB client certificate secret of a profile: name and data key.
fn client_secret(profile: Profile) -> (&'static str, &'static str) {
    match profile {
        Profile::Current => ("alb-proxy-ssl", "tls.crt"),
        Profile::Classic => ("alb-certs", "client.crt"),
    }
}

/// Issue 10: with the private CA's key in the bundle, renew.sh issues the next client
/// certificate in the last third of the current one's life, with the profile of `istio-alb ca
/// issue`, and the gateway accepts it.
#[test]
fn renew_issues_the_next_client_certificate_from_the_private_ca_when_due() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let pki = Pki::new(300);
        let f = installed(Fake::with_pki(profile, &pki, &pki.nlb(0x28, -30, 60), true));
        assert!(f.root.join("private-ca/client-ca.key").exists());
        let (name, key) = client_secret(profile);
        let old = f.secret_value("istio-system", name, key).unwrap();
        let r = f.run("renew.sh", &[]);
        assert!(r.ok(), "{profile}: {}", r.text());
        assert!(
            r.stdout.contains("issued the next ALB client certificate"),
            "{}",
            r.text()
        );
        let new = f.secret_value("istio-system", name, key).unwrap();
        assert_ne!(serial(&new), serial(&old));
        assert_next_client_certificate(&new);
        // The key never went into a secret, and the gateway accepts the new certificate.
        let secrets = f.cluster()["objects"].to_string();
        assert!(!secrets.contains(&fakecluster::b64(&pki.client.ca_key_pem)));
        let r = f.run("verify.sh", &[]);
        assert!(r.ok(), "{profile}: {}", r.text());
        // Renewed once: the next run has nothing to do.
        f.clear_log();
        let r = f.run("renew.sh", &[]);
        assert!(
            r.stdout.contains("more than a third of its lifetime: kept"),
            "{}",
            r.text()
        );
        assert!(r.stdout.contains("Nothing to renew"), "{}", r.text());
        assert!(f.changes().is_empty());
    }
}

/// IBM's renewed NLB certificate must chain to the CA the ALB trusts, and to nothing else: one
/// from another CA is refused, with nothing changed, even on a machine that trusts that other CA
/// (`openssl verify -CAfile` also trusted the machine's CA certificates until 2026-12-07, and
/// every machine trusts the public CAs IBM's certificates come from).
#[test]
fn ibms_certificate_from_a_ca_the_alb_does_not_trust_is_refused_whatever_the_machine_trusts() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = Pki::new(10);
    let f = installed(Fake::with_pki(
        Profile::Classic,
        &pki,
        &pki.nlb(0x28, -30, 60),
        false,
    ));
    // A CA of another name: OpenSSL looks an issuer up by name, the bundle's CA first.
    let elsewhere = Pki::with_gateway_ca(10, "Another CA");
    f.set_ibm_nlb(&elsewhere.nlb(0x29, -1, 89));
    let tmp = tempfile::tempdir().unwrap();
    let machine = support::machine_trusting(tmp.path(), &elsewhere.root_pem);
    let run = f.run_with_env("renew.sh", &[], &machine);
    let text = run.text();
    assert!(!run.ok(), "{text}");
    assert!(
        text.contains("IBM's NLB certificate does not verify against the CA the ALB trusts"),
        "{text}"
    );
    assert!(f.changes().is_empty(), "{:?}", f.changes());
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
}
