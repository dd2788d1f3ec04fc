//! `renew.sh`: IBM's renewed certificates into the copies, checked first (readable, key matching,
//! chaining to the CA the ALB trusts, not older than what the cluster holds), nothing written
//! when nothing changed; and the next ALB client certificate from the private CA's key, when the
//! bundle holds it and the current one is in the last third of its life (or `--force-client`).
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::pki::{Pki, openssl, serial};
use fakecluster::{Fake, secret};
use istio_alb::settings::Profile;

fn installed(f: Fake) -> Fake {
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(r.ok(), "{}", r.text());
    f.clear_log();
    f
}

/// The field report: renew.sh installed a certificate with a key that does not match it (rc 0).
#[test]
fn renew_refuses_what_it_cannot_vouch_for_and_changes_nothing() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = Pki::new(10);
    let base = installed(Fake::with_pki(
        Profile::Current,
        &pki,
        &pki.nlb(0x28, -30, 60),
        false,
    ));
    let renewed = pki.nlb(0x29, -1, 89);
    let stranger = Pki::new(10).nlb(0x31, -1, 89);
    let cases: Vec<(&str, (String, String), &str)> = vec![
        (
            "a key that is not the certificate's",
            (renewed.cert.clone(), pki.nlb(0x2a, -1, 89).key),
            "IBM's NLB secret default/demo-cluster-0001: the private key does not belong to the certificate",
        ),
        (
            "a key of base64 \"foo\"",
            (renewed.cert.clone(), "foo".into()),
            "IBM's NLB secret default/demo-cluster-0001: no readable private key",
        ),
        (
            "a certificate from a CA the ALB does not trust",
            (stranger.cert.clone(), stranger.key.clone()),
            "IBM's NLB certificate does not verify against the CA the ALB trusts",
        ),
    ];
    for (what, (cert, key), error) in cases {
        let f = base.fork();
        f.remove("Secret", "default", "demo-cluster-0001");
        f.add(secret(
            "default",
            "demo-cluster-0001",
            &[("tls.crt", &cert), ("tls.key", &key)],
        ));
        let before = f.objects();
        let r = f.run("renew.sh", &[]);
        assert_eq!(r.code(), Some(1), "{what}: {}", r.text());
        assert!(
            r.stderr.contains(error),
            "{what}: want {error:?}\n{}",
            r.text()
        );
        assert!(
            r.stderr.contains("Nothing was changed in the cluster."),
            "{what}: {}",
            r.text()
        );
        assert_eq!(f.objects(), before, "{what}");
        assert!(f.changes().is_empty());
    }
    // An older certificate than the copy holds is not written either: the copy is kept.
    let f = base.fork();
    f.set_ibm_nlb(&renewed);
    assert!(f.run("renew.sh", &[]).ok());
    f.set_ibm_nlb(&pki.nlb(0x27, -60, 30));
    f.clear_log();
    let r = f.run("renew.sh", &[]);
    assert!(r.ok(), "{}", r.text());
    assert!(
        r.stdout.contains("the cluster holds a later certificate"),
        "{}",
        r.text()
    );
    assert!(r.stdout.contains("Nothing to renew"), "{}", r.text());
    assert!(f.changes().is_empty(), "{:?}", f.changes());
    assert_eq!(
        serial(
            &f.secret_value("istio-system", "nlb-gateway-mtls", "tls.crt")
                .unwrap()
        ),
        "29"
    );
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
    for profile in Profile::ALL {
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
        let text = openssl(&["x509", "-noout", "-text"], &new);
        for want in [
            "Public Key Algorithm: id-ecPublicKey",
            "prime256v1",
            "X509v3 Basic Constraints: critical\n                CA:FALSE",
            "X509v3 Key Usage: critical\n                Digital Signature",
            "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n",
            "X509v3 Authority Key Identifier",
            "Issuer: O = istio-alb private CA, OU = demo-cluster, CN = istio-alb client CA demo-cluster",
        ] {
            assert!(text.contains(want), "{profile}: {want:?} in\n{text}");
        }
        // 128 random bits (a leading zero byte may shorten it).
        assert!(serial(&new).len() >= 28, "{}", serial(&new));
        let days = openssl(
            &["x509", "-noout", "-checkend", &(364 * 86_400).to_string()],
            &new,
        );
        assert!(days.contains("will not expire"), "about a year: {days}");
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

#[test]
fn a_client_certificate_not_yet_due_is_kept_unless_forced_and_without_the_key_renew_says_what_to_do()
 {
    if !fakecluster::tools_present() {
        return;
    }
    let (name, key) = client_secret(Profile::Current);
    let young = Pki::new(10);
    let f = installed(Fake::with_pki(
        Profile::Current,
        &young,
        &young.nlb(0x28, -30, 60),
        true,
    ));
    let r = f.run("renew.sh", &[]);
    assert!(
        r.stdout.contains("kept") && r.stdout.contains("Nothing to renew"),
        "{}",
        r.text()
    );
    let before = f.secret_value("istio-system", name, key).unwrap();
    let r = f.run("renew.sh", &["--force-client"]);
    assert!(r.ok(), "{}", r.text());
    assert!(r.stdout.contains("; --force-client"), "{}", r.text());
    assert_ne!(f.secret_value("istio-system", name, key).unwrap(), before);

    // The CA key moved offline (as the README advises): renew warns when due, and says how.
    let old = Pki::new(300);
    let f = installed(Fake::with_pki(
        Profile::Current,
        &old,
        &old.nlb(0x28, -30, 60),
        false,
    ));
    let r = f.run("renew.sh", &[]);
    assert!(r.ok(), "{}", r.text());
    assert!(
        r.stdout.contains("the private CA's key is not at private-ca/client-ca.key: issue the next one with 'istio-alb ca issue DIR'"),
        "{}",
        r.text()
    );
    assert!(f.changes().is_empty());
    let r = f.run("renew.sh", &["--force-client"]);
    assert_eq!(r.code(), Some(1), "{}", r.text());
    assert!(
        r.stderr
            .contains("--force-client needs the private CA's key"),
        "{}",
        r.text()
    );
}
