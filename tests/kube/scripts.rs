//! The scripts' checks and refusals against the real API server, for the current profile
//! (issue 20: the fake of `tests/scripts_*.rs` keeps only the classic profile): install's
//! refusals before any change, IBM's secrets where IBM keeps them, verify naming each broken
//! piece, renew's refusals and the private CA's next client certificate, and Traefik's old
//! Ingress. Several cases share one cluster where they do not hide each other: each script run
//! costs a second or more of the two cores the tests run on.
//!
//! Part of the `kube_bundles` test binary (`#[path]` there), so that these tests share its
//! clusters.

use crate::fakecluster::pki::{Pki, assert_next_client_certificate, serial};
use crate::fakecluster::{self, b64};
use crate::kube::{CONTEXT, Kube};
use crate::{changes_of, cluster, combination, script_ok, verify_passes};
use istio_alb::demo;
use istio_alb::manifest::Owner;
use serde_json::{Value, json};

/// A run of `script ARGS` that must stop with exit code 1 before any change, saying `want`.
fn refused(k: &Kube, script: &str, args: &[&str], want: &[&str], what: &str) {
    k.clear_calls();
    let r = k.run(script, args);
    assert_eq!(r.code(), Some(1), "{what}: {}", r.text());
    for w in want {
        assert!(r.stderr.contains(w), "{what}: want {w:?} in\n{}", r.text());
    }
    assert!(k.changes().is_empty(), "{what}: {:?}", k.changes());
    assert!(k.leftovers().is_empty(), "{what}: {:?}", k.leftovers());
}

/// Install's checks on one cluster, each refusing before any change; then the objects it was
/// refused for are handed over as it says, and it installs with IBM's NLB secret where IBM's
/// API says IBM keeps it. Regression tests for field reports: install stopped at step 7 with
/// STRICT mutual TLS applied when IBM's ALB secret was missing; 192.0.2.100 passed for
/// 192.0.2.10; the secret namespace was fixed to `default`.
#[test]
fn install_refuses_what_it_cannot_vouch_for_then_takes_over_what_it_is_handed() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, s) = cluster("current");
    let before = k.dump();

    // A failing preflight (a real local handshake) stops install before any call.
    let ingress = k.root.join("manifests/07-ingress.yaml");
    let text = std::fs::read_to_string(&ingress).unwrap();
    let elsewhere = text.replace(
        &format!("proxy-ssl-name: {}", s.nlb_domain),
        "proxy-ssl-name: elsewhere.example.com",
    );
    assert_ne!(elsewhere, text);
    std::fs::write(&ingress, elsewhere).unwrap();
    k.clear_calls();
    let r = k.run("install.sh", &[]);
    assert_eq!(r.code(), Some(1), "{}", r.text());
    for w in [
        "preflight: FAILED on the ALB side",
        "does not cover elsewhere.example.com",
        "nothing was changed in the cluster",
    ] {
        assert!(r.stderr.contains(w), "want {w:?} in\n{}", r.text());
    }
    assert!(k.calls().is_empty(), "{:?}", k.calls());
    std::fs::write(&ingress, text).unwrap();
    // Its dry run shows the handshake and starts nothing.
    let r = script_ok(&k, "preflight.sh", &["--dry-run"], "preflight --dry-run");
    for w in [
        "+ openssl s_server -accept 127.0.0.1:<free port>",
        "-verify_hostname demo-cluster-0001.",
        "Dry run: no handshake was made",
    ] {
        assert!(r.stdout.contains(w), "want {w:?} in\n{}", r.text());
    }
    assert!(k.calls().is_empty(), "{:?}", k.calls());

    // IBM's ALB secret missing.
    let alb = k.get("secret", "default", &s.alb_secret).unwrap();
    k.ok(&["delete", "secret", &s.alb_secret, "-n", "default"]);
    refused(
        &k,
        "install.sh",
        &["--skip-preflight"],
        &[
            "IBM's ALB secret demo-cluster-0000 is not in namespace(s) default istio-system",
            "install.sh stopped at step 6/",
            "Nothing was changed in the cluster.",
            "Running install.sh again is safe",
            "Check: IBM's secrets",
        ],
        "no ALB secret",
    );
    assert_eq!(
        k.dump(),
        crate::without(&before, "Secret", "default", &s.alb_secret)
    );
    k.restore(&[alb], "ibm-cloud");

    // An object of another bundle.
    k.fixture(
        "apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: default-ingress-gateway
  namespace: istio-system
spec:
  selector: {istio: ingressgateway}
",
        "another-bundle",
    );
    k.ok(&[
        "label",
        "gateway.networking.istio.io/default-ingress-gateway",
        "-n",
        "istio-system",
        "istio-alb/bundle=0123456789ab",
    ]);
    refused(
        &k,
        "install.sh",
        &["--skip-preflight"],
        &[
            "Gateway istio-system/default-ingress-gateway belongs to another istio-alb bundle (0123456789ab)",
        ],
        "another bundle's Gateway",
    );
    k.ok(&[
        "delete",
        "gateway.networking.istio.io/default-ingress-gateway",
        "-n",
        "istio-system",
    ]);

    // The NLB host name registered for another IP only, or not at all.
    for (host, ips, error) in [
        (
            "demo-cluster-0001.us-south.containers.example.com",
            ["192.0.2.100"],
            "is registered for 192.0.2.100, not for 192.0.2.10",
        ),
        (
            "x-demo-cluster-0001.us-south.containers.example.com",
            ["192.0.2.10"],
            "is not registered in cluster demo-cluster",
        ),
    ] {
        k.edit_iks(|v| {
            v["nlb"][0]["host"] = json!(host);
            v["nlb"][0]["ips"] = json!(ips);
        });
        refused(&k, "install.sh", &["--skip-preflight"], &[error], host);
    }
    k.edit_iks(|v| {
        v["nlb"][0]["host"] = json!(s.nlb_domain);
        v["nlb"][0]["ips"] = json!([s.ingress_ip]);
    });
    assert_eq!(k.dump(), before, "the refusals changed the cluster");

    // A secret install did not create: refused, with the command that hands it over.
    k.fixture(
        &format!(
            "apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: nlb-gateway-mtls
  namespace: istio-system
data:
  tls.crt: {}
  tls.key: {}
",
            b64("someone else's"),
            b64("someone else's key")
        ),
        "platform-team",
    );
    let id = Owner::of(&s).id;
    refused(
        &k,
        "install.sh",
        &["--skip-preflight"],
        &[&format!(
            "kubectl label secrets nlb-gateway-mtls -n istio-system app.kubernetes.io/managed-by=istio-alb istio-alb/bundle={id}, then run install.sh with --force-conflicts"
        )],
        "someone else's secret",
    );
    k.ok(&[
        "label",
        "secrets",
        "nlb-gateway-mtls",
        "-n",
        "istio-system",
        "app.kubernetes.io/managed-by=istio-alb",
        &format!("istio-alb/bundle={id}"),
    ]);

    // IBM keeps the NLB secret in a namespace of its own choosing (as `ibmcloud ks nlb-dns ls`
    // says), and the host name is registered for two IPs, ours among them.
    let nlb = k.get("secret", "default", &s.nlb_secret).unwrap();
    k.ok(&["delete", "secret", &s.nlb_secret, "-n", "default"]);
    k.fixture(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ibm-certs\n",
        "ibm-cloud",
    );
    let mut moved = nlb;
    moved["metadata"]["namespace"] = json!("ibm-certs");
    k.restore(&[moved], "ibm-cloud");
    k.edit_iks(|v| {
        v["nlb"][0]["host"] = json!(s.nlb_domain);
        v["nlb"][0]["ips"] = json!(["192.0.2.1", "192.0.2.10"]);
        v["nlb"][0]["secret_namespace"] = json!("ibm-certs");
    });
    let r = script_ok(
        &k,
        "install.sh",
        &["--skip-preflight", "--force-conflicts"],
        "handed over",
    );
    assert!(
        r.stdout
            .contains("IBM's NLB secret ibm-certs/demo-cluster-0001"),
        "{}",
        r.text()
    );
    assert_ne!(
        k.secret_value("istio-system", "nlb-gateway-mtls", "tls.crt")
            .unwrap(),
        "someone else's"
    );
    // verify and renew do not ask IBM's API: --secret-namespace says where.
    let r = k.run("verify.sh", &[]);
    assert!(
        r.stdout.contains(
            "FAIL: IBM's NLB secret demo-cluster-0001 is not in namespace(s) default istio-system"
        ),
        "{}",
        r.text()
    );
    crate::verify_passes_with(
        &k,
        &["--secret-namespace", "ibm-certs"],
        "--secret-namespace",
    );
    script_ok(&k, "renew.sh", &["--secret-namespace=ibm-certs"], "renew");
    let r = k.run("renew.sh", &["--secret-namespace", "Not_A_Namespace"]);
    assert_eq!(r.code(), Some(2), "{}", r.text());

    // What the API server refuses to change in a secret, install asks before any change (the
    // server would refuse the secret only at its step, after the manifests): an immutable
    // secret's data, a secret's type.
    let args = ["--skip-preflight", "--secret-namespace", "ibm-certs"];
    let gateway = ["-n", "istio-system", "secret", "nlb-gateway-mtls"];
    let secret = k.get("secret", "istio-system", "nlb-gateway-mtls").unwrap();
    let frozen = json!({ "immutable": true, "data": { "tls.crt": b64("an older certificate") } });
    k.ok(&[
        &["patch", "--type", "merge", "-p", &frozen.to_string()],
        &gateway[..],
    ]
    .concat());
    refused(
        &k,
        "install.sh",
        &args,
        &[
            "secret istio-system/nlb-gateway-mtls is immutable, and its data would change",
            "kubectl delete secret nlb-gateway-mtls -n istio-system",
            "Nothing was changed in the cluster.",
        ],
        "an immutable secret",
    );
    let mut opaque = secret.clone();
    opaque["type"] = json!("Opaque");
    k.ok(&[&["delete"], &gateway[..]].concat());
    k.restore(&[opaque], "istio-alb");
    refused(
        &k,
        "install.sh",
        &args,
        &[
            "secret istio-system/nlb-gateway-mtls has type Opaque, and this bundle writes kubernetes.io/tls",
        ],
        "a secret of another type",
    );
    k.ok(&[&["delete"], &gateway[..]].concat());
    script_ok(&k, "install.sh", &args, "after the secret was deleted");
    assert_eq!(
        k.get("secret", "istio-system", "nlb-gateway-mtls").unwrap()["data"],
        secret["data"]
    );
}

/// Runs verify.sh, which must fail; each FAIL is followed by its next step, and each of `want`
/// is said.
fn verify_fails(k: &Kube, want: &[&str], what: &str) {
    let r = k.run("verify.sh", &[]);
    assert_eq!(r.code(), Some(1), "{what}: {}", r.text());
    r.assert_each_fail_has_a_next_step();
    for w in want {
        assert!(r.stdout.contains(w), "{what}: want {w:?} in\n{}", r.text());
    }
    assert!(k.leftovers().is_empty(), "{what}: {:?}", k.leftovers());
}

/// A data value of a secret in the gateway namespace, set by someone else (`kubectl patch`).
fn set_data(k: &Kube, name: &str, key: &str, value: &str) {
    let patch = json!({ "data": { key: b64(value) } }).to_string();
    k.ok(&[
        "patch",
        "secret",
        name,
        "-n",
        "istio-system",
        "--type",
        "merge",
        "-p",
        &patch,
    ]);
}

/// Verify names what is broken, each FAIL with its next step. Regression tests for field
/// reports: "refused without a client certificate" passed when the gateway was unreachable; a
/// key of base64 "foo" passed; Envoy's `/certs` never names an SDS secret. Each case breaks
/// several things that do not hide each other, then puts them back.
#[test]
fn verify_names_each_broken_piece_with_its_next_step() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, s) = crate::installed("current");
    let pki = Pki::new(10);
    let secrets = |names: &[&str]| -> Vec<Value> {
        names
            .iter()
            .map(|n| k.get("secret", "istio-system", n).unwrap())
            .collect()
    };
    let ibm = k.get("secret", "default", &s.nlb_secret).unwrap();

    k.imitate(json!({ "gateway": { "reachable": false } }));
    verify_fails(
        &k,
        &[
            "FAIL: https://demo-cluster-0001.us-south.containers.example.com/status/418 with the ALB's client certificate failed (curl 7",
            "WARN: the refusal without a client certificate proves nothing while the request with one fails: not counted",
        ],
        "gateway unreachable",
    );
    k.imitate(json!({}));

    let kept = secrets(&["nlb-gateway-mtls"]);
    let ingress = k.get("ingress", "istio-system", "alb-ingress").unwrap();
    set_data(&k, "nlb-gateway-mtls", "tls.key", "foo");
    k.ok(&["delete", "ingress", "alb-ingress", "-n", "istio-system"]);
    k.set_ibm_nlb(&pki.nlb(0x30, -1, 89));
    verify_fails(
        &k,
        &[
            "FAIL: nlb-gateway-mtls/tls.key is not a readable private key",
            "FAIL: Ingress istio-system/alb-ingress is missing",
            "FAIL: https://httpbin.demo-cluster-0000.us-south.containers.example.com/status/418 answered 000",
            "WARN: the gateway certificate in nlb-gateway-mtls/tls.crt holds an older certificate than IBM's",
        ],
        "a key of base64 \"foo\", the Ingress gone, IBM's certificate renewed",
    );
    k.restore(&[kept, vec![ingress]].concat(), "istio-alb");
    k.restore(&[ibm], "ibm-cloud");

    let kept = secrets(&["alb-proxy-ssl", "nlb-gateway-mtls"]);
    let other = pki.nlb(0x77, -1, 89);
    let ca = kept[1]["data"]["ca.crt"].clone();
    k.imitate(json!({
        "gateway": { "reachable": true, "mode_override": "SIMPLE", "sds_stale": true },
        "loaded": { "nlb-gateway-mtls": { "tls.crt": b64(&other.cert), "ca.crt": ca } },
    }));
    set_data(&k, "alb-proxy-ssl", "tls.key", &other.key);
    verify_fails(
        &k,
        &[
            "answered 418 without a client certificate: mutual TLS is not enforced",
            "Envoy serves kubernetes://nlb-gateway-mtls with serial 77, the secret holds",
            "FAIL: alb-proxy-ssl/tls.key does not belong to the certificate in tls.crt",
        ],
        "mutual TLS not enforced, Envoy serving what it had, a key of another certificate",
    );
    k.imitate(json!({}));
    k.restore(&kept, "istio-alb");

    set_data(&k, "nlb-gateway-mtls", "ca.crt", &Pki::new(10).root_pem);
    verify_fails(
        &k,
        &[
            "FAIL: the gateway's client CA (nlb-gateway-mtls/ca.crt) does not verify the ALB client certificate",
            "with the ALB's client certificate failed (curl 56",
        ],
        "a client CA that did not issue the ALB client certificate",
    );
}

/// Renew refuses what it cannot vouch for, changing nothing, and never writes a certificate
/// older than the copy (the field report: renew.sh installed a certificate with a key that does
/// not match it, with exit code 0).
#[test]
fn renew_refuses_what_it_cannot_vouch_for_and_changes_nothing() {
    if !fakecluster::tools_present() {
        return;
    }
    let s = combination("current");
    let pki = Pki::new(10);
    let k = Kube::new(s, &pki, &pki.nlb(0x28, -30, 60));
    script_ok(&k, "install.sh", &["--skip-preflight"], "install");
    let before = k.dump();
    let renewed = pki.nlb(0x29, -1, 89);
    let stranger = Pki::new(10).nlb(0x31, -1, 89);
    let other_key = pki.nlb(0x2a, -1, 89).key;
    for (what, cert, key, error) in [
        (
            "a key that is not the certificate's",
            &renewed.cert,
            other_key.as_str(),
            "IBM's NLB secret default/demo-cluster-0001: the private key does not belong to the certificate",
        ),
        (
            "a key of base64 \"foo\"",
            &renewed.cert,
            "foo",
            "IBM's NLB secret default/demo-cluster-0001: no readable private key",
        ),
        (
            "a certificate from a CA the ALB does not trust",
            &stranger.cert,
            stranger.key.as_str(),
            "IBM's NLB certificate does not verify against the CA the ALB trusts",
        ),
    ] {
        k.set_ibm_nlb_pem(cert, key);
        let ibm = crate::without(&k.dump(), "Secret", "default", "demo-cluster-0001");
        refused(
            &k,
            "renew.sh",
            &[],
            &[error, "Nothing was changed in the cluster."],
            what,
        );
        assert_eq!(
            crate::without(&k.dump(), "Secret", "default", "demo-cluster-0001"),
            ibm,
            "{what}"
        );
    }
    assert_eq!(
        crate::without(&k.dump(), "Secret", "default", "demo-cluster-0001"),
        crate::without(&before, "Secret", "default", "demo-cluster-0001"),
    );
    // An older certificate than the copy holds is not written either: the copy is kept.
    k.set_ibm_nlb(&renewed);
    script_ok(&k, "renew.sh", &[], "renewed");
    k.set_ibm_nlb(&pki.nlb(0x27, -60, 30));
    k.clear_calls();
    let r = script_ok(&k, "renew.sh", &[], "older");
    assert!(
        r.stdout.contains("the cluster holds a later certificate"),
        "{}",
        r.text()
    );
    assert!(r.stdout.contains("Nothing to renew"), "{}", r.text());
    assert!(k.changes().is_empty(), "{:?}", k.changes());
    assert_eq!(
        serial(
            &k.secret_value("istio-system", "nlb-gateway-mtls", "tls.crt")
                .unwrap()
        ),
        "29"
    );
}

/// Issue 10: with the private CA's key in the bundle, renew.sh issues the next ALB client
/// certificate in the last third of the current one's life, with the profile of `istio-alb ca
/// issue`, and the gateway accepts it; the key never goes into the cluster.
#[test]
fn renew_issues_the_next_client_certificate_from_the_private_ca_when_due() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = Pki::new(300);
    let k = Kube::with_pki(combination("current"), &pki, &pki.nlb(0x28, -30, 60), true);
    assert!(k.root.join("private-ca/client-ca.key").exists());
    script_ok(&k, "install.sh", &["--skip-preflight"], "install");
    let old = k
        .secret_value("istio-system", "alb-proxy-ssl", "tls.crt")
        .unwrap();
    let r = script_ok(&k, "renew.sh", &[], "renew");
    assert!(
        r.stdout.contains("issued the next ALB client certificate"),
        "{}",
        r.text()
    );
    let new = k
        .secret_value("istio-system", "alb-proxy-ssl", "tls.crt")
        .unwrap();
    assert_ne!(serial(&new), serial(&old));
    assert_next_client_certificate(&new);
    // The key never went into a secret, and the gateway accepts the new certificate.
    let all = k.ok(&["get", "secrets", "-A", "-o", "json"]);
    assert!(!all.contains(&b64(&pki.client.ca_key_pem)));
    verify_passes(&k, "the next client certificate");
    // Renewed once: the next run has nothing to do.
    k.clear_calls();
    let r = script_ok(&k, "renew.sh", &[], "renew again");
    assert!(
        r.stdout.contains("more than a third of its lifetime: kept"),
        "{}",
        r.text()
    );
    assert!(r.stdout.contains("Nothing to renew"), "{}", r.text());
    assert!(k.changes().is_empty(), "{:?}", k.changes());
}

/// A client certificate not yet due is kept unless `--force-client`; with the CA's key moved
/// offline (as the README advises), renew warns when one is due and says how to issue it.
#[test]
fn a_client_certificate_not_yet_due_is_kept_unless_forced_and_without_the_key_renew_says_what_to_do()
 {
    if !fakecluster::tools_present() {
        return;
    }
    let young = Pki::new(10);
    let k = Kube::with_pki(
        combination("current"),
        &young,
        &young.nlb(0x28, -30, 60),
        true,
    );
    script_ok(&k, "install.sh", &["--skip-preflight"], "install");
    let r = script_ok(&k, "renew.sh", &[], "renew");
    assert!(
        r.stdout.contains("kept") && r.stdout.contains("Nothing to renew"),
        "{}",
        r.text()
    );
    let held = || {
        k.secret_value("istio-system", "alb-proxy-ssl", "tls.crt")
            .unwrap()
    };
    let before = held();
    let r = script_ok(&k, "renew.sh", &["--force-client"], "forced");
    assert!(r.stdout.contains("; --force-client"), "{}", r.text());
    assert_ne!(held(), before);
    drop(k);

    let old = Pki::new(300);
    let k = Kube::new(combination("current"), &old, &old.nlb(0x28, -30, 60));
    script_ok(&k, "install.sh", &["--skip-preflight"], "install");
    k.clear_calls();
    let r = script_ok(&k, "renew.sh", &[], "due, no key");
    assert!(
        r.stdout.contains("the private CA's key is not at private-ca/client-ca.key: issue the next one with 'istio-alb ca issue DIR'"),
        "{}",
        r.text()
    );
    assert!(k.changes().is_empty(), "{:?}", k.changes());
    refused(
        &k,
        "renew.sh",
        &["--force-client"],
        &["--force-client needs the private CA's key"],
        "forced, no key",
    );
}

/// Traefik over the ALB's old path (an Ingress straight to the app) in a namespace that is not
/// the bundle's: install refuses the old Ingress, changing nothing, until `--delete-old-ingress`;
/// then it labels the namespace and deletes the old Ingress after the new path exists and before
/// STRICT mutual TLS. Traefik logging errors about the transport, or a transport without its
/// client certificate, fails verify. Cleanup deletes the transport and the bundle's Service.
#[test]
fn traefik_deletes_the_old_ingress_only_when_told_and_verify_reads_its_errors() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, s) = cluster("current-traefik-vpc-ibm-renewed");
    k.fixture(
        &format!(
            "apiVersion: v1
kind: Namespace
metadata:
  name: httptools
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: alb-ingress
  namespace: httptools
spec:
  ingressClassName: public-iks-traefik
  rules:
  - host: httpbin.{}
    http:
      paths:
      - path: /status
        pathType: Prefix
        backend: {{service: {{name: httpbin, port: {{number: 8000}}}}}}
",
            demo::ALB_DOMAIN
        ),
        "app-team",
    );
    refused(
        &k,
        "install.sh",
        &["--skip-preflight"],
        &["Ingress httptools/alb-ingress is the ALB's old path to the app"],
        "old Ingress",
    );
    k.clear_calls();
    script_ok(
        &k,
        "install.sh",
        &["--skip-preflight", "--delete-old-ingress"],
        "--delete-old-ingress",
    );
    let mut want = changes_of(&s);
    want.retain(|c| !c.ends_with("01-namespace.yaml"));
    let at = want.len() - 1;
    want.insert(
        at,
        "delete ingresses.networking.k8s.io alb-ingress -n httptools --ignore-not-found=true",
    );
    let got = k.changes();
    // The namespace existed (not the bundle's): only its label is applied.
    assert!(
        got[0].starts_with("apply --server-side --field-manager=istio-alb -f ")
            && got[0].ends_with("/namespace.json"),
        "{got:?}"
    );
    assert_eq!(got[1..], want[..], "{got:?}");
    assert!(k.get("ingress", "httptools", "alb-ingress").is_none());

    let pods = k.ok(&[
        "get",
        "pods",
        "-n",
        "kube-system",
        "-l",
        "app=public-crdemo-alb2-traefik",
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ]);
    let error = "2026-11-27T10:00:00Z ERR error=\"secret istio-system/alb-client-tls not found\" \
                 servers transport=istio-system-alb-to-gateway@kubernetescrd\n";
    let logs: serde_json::Map<String, Value> = pods
        .split_whitespace()
        .map(|p| (format!("kube-system/{p}"), json!(error)))
        .collect();
    assert!(!logs.is_empty(), "no Traefik pod");
    k.imitate(json!({ "logs": logs }));
    let mut transport = k
        .get(
            "serverstransports.traefik.io",
            "istio-system",
            "alb-to-gateway",
        )
        .unwrap();
    transport["spec"]["certificatesSecrets"] = json!([]);
    k.restore(&[transport], "istio-alb");
    verify_fails(
        &k,
        &[
            "FAIL: Traefik logged errors about the transport alb-to-gateway",
            &format!("FAIL: https://httpbin.{}/status", demo::ALB_DOMAIN),
        ],
        "Traefik's errors",
    );
    k.imitate(json!({}));
    let r = script_ok(&k, "cleanup.sh", &["--yes"], "cleanup");
    for said in [
        "  delete   serverstransport.traefik.io/alb-to-gateway in istio-system",
        "  delete   service/istio-ingressgateway-alb in istio-system",
    ] {
        assert!(r.stdout.contains(said), "{said}\n{}", r.text());
    }
}

/// `install.sh --dry-run` on a cluster without the bundle: every change sent as a server dry
/// run where its namespace exists, shown where it does not yet; nothing stored (the field
/// report: --dry-run never asked the API server). Part of the "current" whole life.
pub fn a_dry_run_stores_nothing(k: &Kube, before: &[Value]) {
    k.clear_calls();
    let r = script_ok(
        k,
        "install.sh",
        &["--dry-run", "--skip-preflight"],
        "dry run",
    );
    assert_eq!(k.dump(), before, "a dry run changed the cluster");
    assert!(k.changes().is_empty(), "{:?}", k.changes());
    assert!(
        k.calls().iter().any(|c| c
            .starts_with("kubectl apply --server-side --field-manager=istio-alb -f")
            && c.ends_with("05-gateway.yaml --dry-run=server")),
        "{:?}",
        k.calls()
    );
    for said in [
        "not sent to the server: namespace httptools does not exist yet",
        "Dry run: nothing was changed; the API server refused 0",
    ] {
        assert!(r.stdout.contains(said), "want {said:?} in\n{}", r.text());
    }
}

/// Every script refuses a context of another cluster, or one that does not exist, before any
/// change (the field report: no script checked which cluster kubectl talks to). Part of the
/// "current" whole life, after install.
pub fn every_script_refuses_another_cluster(k: &Kube) {
    let before = k.dump();
    k.use_context("other-cluster/d00d");
    for (script, args) in [
        ("install.sh", vec!["--skip-preflight"]),
        ("verify.sh", vec![]),
        ("renew.sh", vec![]),
        ("cleanup.sh", vec!["--yes"]),
    ] {
        refused(
            k,
            script,
            &args,
            &[
                "kubectl's context other-cluster/d00d is cluster other-cluster/d00d (https://127.0.0.1:",
                "not demo-cluster",
                "ibmcloud ks cluster config --cluster demo-cluster",
            ],
            script,
        );
        refused(
            k,
            script,
            &[&args[..], &["--context", "nope"]].concat(),
            &["kubectl has no usable context named nope"],
            script,
        );
    }
    k.use_context(CONTEXT);
    assert_eq!(k.dump(), before, "a refusal changed the cluster");
}

/// After install, `install.sh --dry-run` finds nothing to change; with an older version of the
/// bundle's own objects in the cluster (as an earlier bundle left them), it shows `kubectl diff
/// --server-side`'s lines for them, and never a secret's data. Install then puts them right.
/// Part of the "current" whole life.
pub fn a_dry_run_after_install_shows_the_server_side_diff(k: &Kube) {
    let r = script_ok(
        k,
        "install.sh",
        &["--dry-run", "--skip-preflight"],
        "dry run",
    );
    assert!(
        r.stdout.contains(
            "server: peerauthentication.security.istio.io/default serverside-applied (server dry run)"
        ),
        "{}",
        r.text()
    );
    let diffs: Vec<&str> = r.stdout.lines().filter(|l| l.contains("diff: ")).collect();
    assert!(
        diffs.len() >= 7 && diffs.iter().all(|l| l.trim() == "diff: none"),
        "{}",
        r.text()
    );
    let mut policy = k
        .get(
            "peerauthentications.security.istio.io",
            "httptools",
            "default",
        )
        .unwrap();
    policy["spec"]["mtls"]["mode"] = json!("PERMISSIVE");
    let mut secret = k.get("secret", "istio-system", "nlb-gateway-mtls").unwrap();
    let live_key = secret["data"]["tls.key"].as_str().unwrap().to_owned();
    secret["data"]["ca.crt"] = secret["data"]["tls.crt"].clone();
    k.restore(&[policy, secret], "istio-alb");
    k.clear_calls();
    let r = script_ok(
        k,
        "install.sh",
        &["--dry-run", "--skip-preflight"],
        "dry run",
    );
    for said in [
        "diff: -    mode: PERMISSIVE",
        "diff: +    mode: STRICT",
        "ca.crt: '*** (after)'",
    ] {
        assert!(r.stdout.contains(said), "want {said:?} in\n{}", r.text());
    }
    assert!(!r.stdout.contains(&live_key[..40]), "{}", r.text());
    assert!(
        k.calls()
            .iter()
            .any(|c| c.starts_with("kubectl diff --server-side --field-manager=istio-alb -f")),
        "{:?}",
        k.calls()
    );
    script_ok(k, "install.sh", &["--skip-preflight"], "put right");
}

/// The test cluster's ServersTransport CRD serving `served` (`v1alpha1` as Traefik publishes
/// it, or `v1`: the same schema under a later Traefik's version), by `kubectl replace`. The
/// other version stays listed, neither served nor stored, since objects may be stored in it.
fn serve_transport_as(k: &Kube, served: &str) -> Result<(), String> {
    let mut crd = k
        .get("crd", "", "serverstransports.traefik.io")
        .ok_or("no Traefik CRD")?;
    let versions = crd["spec"]["versions"]
        .as_array_mut()
        .ok_or("a CRD without versions")?;
    if !versions.iter().any(|v| v["name"] == "v1") {
        let mut v1 = versions[0].clone();
        v1["name"] = json!("v1");
        versions.push(v1);
    }
    for v in versions.iter_mut() {
        let on = v["name"] == served;
        v["served"] = json!(on);
        v["storage"] = json!(on);
    }
    let file = k.tmp.path().join("crd.json");
    std::fs::write(&file, crd.to_string()).map_err(|e| e.to_string())?;
    let r = k.kubectl(&["replace", "-f", file.to_str().unwrap_or_default()]);
    if !r.ok() {
        return Err(r.text());
    }
    // The server serves the version once its handler is rebuilt (bounded wait).
    let resource = format!("serverstransports.{served}.traefik.io");
    let started = std::time::Instant::now();
    while !k.kubectl(&["get", &resource, "-A"]).ok() {
        if started.elapsed().as_secs() > 30 {
            return Err(format!("{resource} never served"));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    Ok(())
}

/// Gives the CRD its published version back when the test ends, however it ends (the next
/// test on this cluster must find Traefik as it is published).
struct ServedAsV1<'a>(&'a Kube);

impl Drop for ServedAsV1<'_> {
    fn drop(&mut self) {
        // No panic here: this may run while the test panics.
        if let Err(e) = serve_transport_as(self.0, "v1alpha1") {
            eprintln!("the Traefik CRD was not given back: {e}");
        }
    }
}

/// A cluster whose Traefik serves ServersTransport as `traefik.io/v1` only (a later Traefik
/// than IBM's today): install applies a copy of the bundle's transport rewritten to v1 (the
/// bundle's v1alpha1 would be refused), and a rerun changes nothing.
#[test]
fn traefik_v1_gets_the_transport_as_v1() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, s) = cluster("current-traefik");
    serve_transport_as(&k, "v1").unwrap();
    let _back = ServedAsV1(&k);
    k.clear_calls();
    let r = script_ok(&k, "install.sh", &["--skip-preflight"], "v1");
    assert!(
        r.stdout
            .contains("applying 07-servers-transport.yaml as traefik.io/v1"),
        "{}",
        r.text()
    );
    let want: Vec<&str> = changes_of(&s)
        .into_iter()
        .map(|c| {
            if c.ends_with("07-servers-transport.yaml") {
                "apply --server-side --field-manager=istio-alb -f <WORK>/07-servers-transport.yaml"
            } else {
                c
            }
        })
        .collect();
    assert_eq!(k.changes(), want);
    let st = k
        .get(
            "serverstransports.traefik.io",
            "istio-system",
            "alb-to-gateway",
        )
        .unwrap();
    assert_eq!(st["apiVersion"], "traefik.io/v1");
    let before = k.dump();
    script_ok(&k, "install.sh", &["--skip-preflight"], "v1 rerun");
    assert_eq!(k.dump(), before);
}
