//! `install.sh` against the stateful fake cluster (`tests/fakecluster/`): every check before the
//! first change, the changes in an order that keeps the old path working until the new one
//! exists, nothing changed by a rerun, never a renewed certificate rolled back, the right cluster
//! or nothing, and `--dry-run` that asks the API server.
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::pki::{Pki, serial};
use fakecluster::{CONTEXT, Fake, unb64};
use istio_alb::manifest::Owner;
use istio_alb::settings::Profile;
use serde_json::json;

fn changes_of(profile: Profile) -> Vec<&'static str> {
    let ssa = "apply --server-side --field-manager=istio-alb -f <WORK>/";
    match profile {
        Profile::Current => vec![
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/01-namespace.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/02-sample-app.yaml",
            fakecluster::leak(format!("{ssa}nlb-gateway-mtls.json")),
            fakecluster::leak(format!("{ssa}alb-proxy-ssl.json")),
            fakecluster::leak(format!("{ssa}demo-cluster-0000.json")),
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/04-destination-rule.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/05-gateway.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/06-virtual-service.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/07-ingress.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/03-peer-authentication.yaml",
        ],
        Profile::Classic => vec![
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/01-namespace.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/02-sample-app.yaml",
            fakecluster::leak(format!("{ssa}istio-ingressgateway-certs.json")),
            fakecluster::leak(format!("{ssa}istio-ingressgateway-ca-certs.json")),
            fakecluster::leak(format!("{ssa}alb-certs.json")),
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/04-destination-rule.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/05-gateway.yaml",
            "rollout restart deployment.apps/istio-ingressgateway -n istio-system",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/06-virtual-service.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/07-ingress.yaml",
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/03-mtls-policy.yaml",
        ],
    }
}

fn install(f: &Fake) -> fakecluster::Run {
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(r.ok(), "install.sh failed:\n{}", r.text());
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());
    r
}

#[test]
fn checks_first_then_changes_in_procedure_order_and_a_rerun_changes_nothing() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = Fake::new(profile);
        install(&f);
        assert_eq!(f.changes(), changes_of(profile), "{profile}");
        // Reads only until the first change; STRICT mutual TLS is the last change.
        let log = f.load()["log"].as_array().unwrap().clone();
        let first = log.iter().position(|e| e.get("change").is_some()).unwrap();
        // (The checks' applies are the API server's dry runs.)
        assert!(log[..first].iter().all(|e| {
            e["argv"][0] != "apply"
                || e["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a == "--dry-run=server")
        }));
        assert!(
            log[..first]
                .iter()
                .any(|e| e["argv"][0] == "apply" && e["argv"].to_string().contains("05-gateway")),
            "{profile}: install asked the server nothing before its first change"
        );
        // Every object install created carries the bundle's labels and annotation.
        let id = Owner::of(&f.settings).id;
        for o in f.objects() {
            let ns = o["metadata"]["namespace"].as_str().unwrap_or("");
            let created = ns == "httptools"
                || (ns == "istio-system"
                    && !["Deployment", "Pod", "Service"].contains(&o["kind"].as_str().unwrap()))
                || o["metadata"]["name"] == "httptools";
            if created {
                assert_eq!(
                    o["metadata"]["labels"]["istio-alb/bundle"],
                    json!(id),
                    "{o}"
                );
                assert_eq!(
                    o["metadata"]["labels"]["app.kubernetes.io/managed-by"],
                    json!("istio-alb"),
                    "{o}"
                );
                if o["kind"] != "Pod" {
                    assert!(
                        o["metadata"]["annotations"]["istio-alb/bundle"].is_string(),
                        "{o}"
                    );
                }
            }
        }
        // A rerun: kubectl apply of unchanged manifests stores nothing; no secret is written,
        // no restart.
        let before = f.objects();
        f.clear_log();
        let r = install(&f);
        assert_eq!(f.objects(), before, "{profile}");
        assert!(
            f.changes().iter().all(|c| c.starts_with(
                "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/"
            )),
            "{profile}: {:?}",
            f.changes()
        );
        assert_eq!(
            f.cluster()["restarts"],
            json!(u64::from(profile == Profile::Classic))
        );
        assert!(
            r.stdout.contains("Done: 0 secret(s) written"),
            "{}",
            r.text()
        );
    }
}

/// The field reports: a rerun of install after renew.sh put IBM's newer certificate in place
/// (serial …29) wrote the bundle's older one (…28) back; classic deleted every gateway pod on
/// every install and renew.
#[test]
fn install_after_renew_keeps_the_renewed_certificate_and_restarts_only_for_a_change() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let pki = Pki::new(10);
        let old = pki.nlb(0x28, -30, 60);
        let f = Fake::with_pki(profile, &pki, &old, false);
        install(&f);
        let renewed = pki.nlb(0x29, -1, 89);
        f.set_ibm_nlb(&renewed);
        let r = f.run("renew.sh", &[]);
        assert!(r.ok(), "{profile}: {}", r.text());
        let (secret, key) = match profile {
            Profile::Current => ("nlb-gateway-mtls", "tls.crt"),
            Profile::Classic => ("istio-ingressgateway-certs", "tls.crt"),
        };
        let held = || serial(&f.secret_value("istio-system", secret, key).unwrap());
        assert_eq!(
            held(),
            "29",
            "{profile}: renew.sh did not install IBM's renewed certificate"
        );
        let restarts = u64::from(profile == Profile::Classic);
        if profile == Profile::Classic {
            // A rolling restart (rollout restart, then rollout status), never a pod deletion.
            let calls = f.calls();
            assert!(calls.iter().any(|c| {
                c.contains("rollout restart deployment.apps/istio-ingressgateway -n istio-system")
            }));
            assert!(
                calls
                    .iter()
                    .any(|c| c.contains("rollout status deployment.apps/istio-ingressgateway"))
            );
            assert!(!calls.iter().any(|c| c.contains("delete pod")));
            let loaded = f.cluster()["loaded"]["istio-ingressgateway-certs"]["tls.crt"].clone();
            assert_eq!(
                serial(&unb64(loaded.as_str().unwrap())),
                "29",
                "the gateway holds the renewal"
            );
        }
        assert_eq!(f.cluster()["restarts"], json!(2 * restarts));
        f.clear_log();
        let r = install(&f);
        assert_eq!(
            held(),
            "29",
            "{profile}: install.sh rolled the renewal back"
        );
        assert!(
            r.stdout.contains("the cluster holds a later certificate"),
            "{}",
            r.text()
        );
        assert!(
            !f.changes()
                .iter()
                .any(|c| c.contains(".json") || c.contains("rollout")),
            "{profile}: {:?}",
            f.changes()
        );
        let r = f.run("renew.sh", &[]);
        assert!(
            r.stdout.contains("Nothing to renew"),
            "{profile}: {}",
            r.text()
        );
        assert_eq!(
            f.cluster()["restarts"],
            json!(2 * restarts),
            "{profile}: restarted for nothing"
        );
    }
}

/// The field report: with IBM's ALB secret missing, install stopped at step 7 with STRICT mutual
/// TLS applied and no Gateway or Ingress yet.
#[test]
fn a_missing_ibm_secret_stops_install_before_any_change() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = Fake::new(profile);
        f.remove("Secret", "default", "demo-cluster-0000");
        let before = f.objects();
        let r = f.run("install.sh", &["--skip-preflight"]);
        assert_eq!(r.code(), Some(1), "{profile}: {}", r.text());
        assert!(f.changes().is_empty(), "{profile}: {:?}", f.changes());
        assert_eq!(f.objects(), before);
        assert!(
            r.stderr.contains(
                "IBM's ALB secret demo-cluster-0000 is not in namespace(s) default istio-system"
            ) && r.stderr.contains("install.sh stopped at step 6/")
                && r.stderr.contains("Nothing was changed in the cluster.")
                && r.stderr.contains("Running install.sh again is safe")
                && r.stderr.contains("Check: IBM's secrets"),
            "{profile}: {}",
            r.text()
        );
        assert!(f.leftovers().is_empty());
    }
}

/// Issue 27: a bundle without the httpbin sample (`deploy_sample: false`, the default) routes to
/// an app that must run already. A missing Deployment (a mistyped app or namespace) stops install
/// before any change, naming both; once the app runs, install goes on and applies no sample.
#[test]
fn without_the_sample_a_missing_app_deployment_stops_install_before_any_change() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let settings = istio_alb::settings::Settings {
            deploy_sample: false,
            ..istio_alb::demo::settings_for(profile)
        };
        let f = Fake::with(settings, &istio_alb::demo::cert_inputs());
        let before = f.objects();
        let r = f.run("install.sh", &["--skip-preflight"]);
        assert_eq!(r.code(), Some(1), "{profile}: {}", r.text());
        assert!(f.changes().is_empty(), "{profile}: {:?}", f.changes());
        assert_eq!(f.objects(), before);
        assert!(
            r.stderr
                .contains("the app's Deployment httpbin does not exist in namespace httptools")
                && r.stderr.contains("Nothing was changed in the cluster."),
            "{profile}: {}",
            r.text()
        );
        // The app runs: install goes on, and never applies a sample.
        f.add(
            json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "httptools" } }),
        );
        f.add(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "httpbin", "namespace": "httptools" },
        }));
        let r = install(&f);
        assert!(
            r.stdout
                .contains("the app's Deployment httptools/httpbin exists"),
            "{profile}: {}",
            r.text()
        );
        let changes = f.changes();
        assert!(
            !changes.iter().any(|c| c.contains("sample")),
            "{profile}: {changes:?}"
        );
        assert!(
            changes.iter().any(|c| c.contains("07-ingress.yaml")),
            "{profile}: {changes:?}"
        );
    }
}

/// The field report: 192.0.2.100 passed for 192.0.2.10 (substring match).
#[test]
fn the_nlb_host_must_be_registered_for_exactly_the_ip() {
    if !fakecluster::tools_present() {
        return;
    }
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "demo-cluster-0001.us-south.containers.example.com",
            &["192.0.2.100"],
            "is registered for 192.0.2.100, not for 192.0.2.10",
        ),
        (
            "x-demo-cluster-0001.us-south.containers.example.com",
            &["192.0.2.10"],
            "is not registered in cluster demo-cluster",
        ),
        (
            "demo-cluster-0001.us-south.containers.example.com",
            &["192.0.2.1", "192.0.2.10"],
            "",
        ),
    ];
    for (host, ips, error) in cases {
        let f = Fake::new(Profile::Classic);
        f.edit_cluster(|c| {
            c["nlb"][0]["host"] = json!(host);
            c["nlb"][0]["ips"] = json!(ips);
        });
        let r = f.run("install.sh", &["--skip-preflight"]);
        if error.is_empty() {
            assert!(r.ok(), "{host} {ips:?}: {}", r.text());
        } else {
            assert_eq!(r.code(), Some(1), "{host} {ips:?}: {}", r.text());
            assert!(r.stderr.contains(error), "{host} {ips:?}: {}", r.text());
            assert!(f.changes().is_empty());
        }
    }
}

/// Install refuses a secret it did not create (key material others may serve), before any
/// change, and says how to hand it over; labelled, it is replaced.
#[test]
fn a_secret_install_did_not_create_is_refused_until_labelled() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = Fake::new(profile);
        let name = match profile {
            Profile::Current => "nlb-gateway-mtls",
            // The name the documented gateway mounts: shared by every host of an old gateway.
            Profile::Classic => "istio-ingressgateway-certs",
        };
        f.add(fakecluster::secret(
            "istio-system",
            name,
            &[("tls.crt", "someone else's")],
        ));
        let r = f.run("install.sh", &["--skip-preflight"]);
        assert_eq!(r.code(), Some(1), "{profile}: {}", r.text());
        let id = Owner::of(&f.settings).id;
        let label = format!(
            "kubectl label secrets {name} -n istio-system app.kubernetes.io/managed-by=istio-alb istio-alb/bundle={id}"
        );
        assert!(r.stderr.contains(&label), "{profile}: {}", r.text());
        assert!(f.changes().is_empty(), "{profile}: {:?}", f.changes());
        // Its hand-over (labelled, then --force-conflicts) runs against the real API server:
        // tests/kube/scripts.rs.
    }
}

#[test]
fn an_object_of_another_bundle_is_refused() {
    if !fakecluster::tools_present() {
        return;
    }
    let f = Fake::new(Profile::Classic);
    f.add(json!({
        "apiVersion": "networking.istio.io/v1", "kind": "Gateway",
        "metadata": { "name": "default-ingress-gateway", "namespace": "istio-system",
                      "labels": { "istio-alb/bundle": "0123456789ab" } },
        "spec": {}
    }));
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert_eq!(r.code(), Some(1), "{}", r.text());
    assert!(
        r.stderr.contains("Gateway istio-system/default-ingress-gateway belongs to another istio-alb bundle (0123456789ab)"),
        "{}",
        r.text()
    );
    assert!(f.changes().is_empty());
}

/// The field report: no script checked which cluster kubectl talks to.
#[test]
fn every_script_refuses_another_cluster() {
    if !fakecluster::tools_present() {
        return;
    }
    let f = Fake::new(Profile::Classic);
    install(&f);
    f.edit(|v| v["current_context"] = json!("other-cluster/d00d"));
    f.clear_log();
    let before = f.load()["clusters"].clone();
    for (script, args) in [
        ("install.sh", vec!["--skip-preflight"]),
        ("verify.sh", vec![]),
        ("renew.sh", vec![]),
        ("cleanup.sh", vec!["--yes"]),
    ] {
        let r = f.run(script, &args);
        assert_eq!(r.code(), Some(1), "{script}: {}", r.text());
        assert!(
            r.stderr.contains(
                "kubectl's context other-cluster/d00d is cluster other-cluster/d00d (https://c200.eu-de.containers.cloud.ibm.com:30001), not demo-cluster"
            ) && r.stderr.contains("ibmcloud ks cluster config --cluster demo-cluster"),
            "{script}: {}",
            r.text()
        );
        let r = f.run(script, &[&args[..], &["--context", "nope"]].concat());
        assert_eq!(r.code(), Some(1), "{script}: {}", r.text());
        assert!(
            r.stderr
                .contains("kubectl has no usable context named nope"),
            "{script}: {}",
            r.text()
        );
    }
    assert_eq!(f.load()["clusters"], before);
    assert!(f.changes().is_empty());
    // With --context, every kubectl call names it.
    f.clear_log();
    let r = f.run("verify.sh", &["--context", CONTEXT]);
    assert!(r.ok(), "{}", r.text());
    assert!(
        f.calls()
            .iter()
            .all(|c| !c.starts_with("kubectl") || c.contains(&format!("--context {CONTEXT}")))
    );
}

/// The field report: --dry-run never asked the API server.
#[test]
fn dry_run_sends_every_change_as_a_server_dry_run_and_stores_nothing() {
    if !fakecluster::tools_present() {
        return;
    }
    let profile = Profile::Classic;
    let f = Fake::new(profile);
    let before = f.objects();
    let r = f.run("install.sh", &["--dry-run", "--skip-preflight"]);
    assert!(r.ok(), "{profile}: {}", r.text());
    assert_eq!(f.objects(), before, "{profile}");
    assert!(f.changes().is_empty());
    let calls = f.calls();
    assert!(
        calls.iter().any(
            |c| c.contains("apply --server-side --field-manager=istio-alb -f")
                && c.ends_with("05-gateway.yaml --dry-run=server")
        ),
        "{profile}: {calls:?}"
    );
    // The app namespace does not exist yet: its objects are shown, not sent.
    assert!(
        r.stdout
            .contains("not sent to the server: namespace httptools does not exist yet"),
        "{}",
        r.text()
    );
    assert!(
        r.stdout
            .contains("Dry run: nothing was changed; the API server refused 0"),
        "{}",
        r.text()
    );
}

fn need_openssl() -> bool {
    fakecluster::tools_present()
}

/// The bundle's preflight (a real local handshake) runs before anything touches the cluster;
/// when it fails, install makes no call at all.
#[test]
fn the_preflight_runs_first_and_a_failing_one_stops_install_before_any_call() {
    if !need_openssl() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = Fake::new(profile);
        let r = f.run("install.sh", &[]);
        assert!(r.ok(), "{profile}: {}", r.text());
        let first = r.stdout.find("==> ").unwrap();
        assert!(
            r.stdout[first..].starts_with("==> [1/16] Preflight: "),
            "{}",
            r.stdout
        );
        let ok = r
            .stdout
            .find("preflight: OK")
            .expect("the preflight's verdict");
        assert!(r.stdout[ok..].contains("==> [2/16] Checking that kubectl talks to cluster"));

        let f = Fake::new(profile);
        let ingress = f.root.join("manifests/07-ingress.yaml");
        let text = std::fs::read_to_string(&ingress).unwrap();
        let edited: String = text
            .lines()
            .map(|l| {
                if l.contains("/proxy-ssl-name: ") {
                    "    nginx.ingress.kubernetes.io/proxy-ssl-name: elsewhere.example.com"
                        .to_owned()
                } else if l.contains("ssl-services: ") {
                    format!("{l} proxy-ssl-name=elsewhere.example.com")
                } else {
                    l.to_owned()
                }
            })
            .map(|l| l + "\n")
            .collect();
        std::fs::write(&ingress, edited).unwrap();
        let r = f.run("install.sh", &[]);
        assert_eq!(r.code(), Some(1), "{profile}: {}", r.text());
        assert!(
            r.stderr.contains("preflight: FAILED on the ALB side")
                && r.stderr.contains("does not cover elsewhere.example.com")
                && r.stderr.contains("nothing was changed in the cluster"),
            "{profile}: {}",
            r.text()
        );
        assert!(f.calls().is_empty(), "{profile}: {:?}", f.calls());
        assert!(f.leftovers().is_empty());
    }
}

/// `preflight.sh --dry-run` shows the handshake, starts nothing and leaves no file.
#[test]
fn the_preflight_dry_run_starts_nothing() {
    if !need_openssl() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = Fake::new(profile);
        let r = f.run("preflight.sh", &["--dry-run"]);
        assert!(r.ok(), "{profile}: {}", r.text());
        assert!(
            r.stdout
                .contains("+ openssl s_server -accept 127.0.0.1:<free port>"),
            "{}",
            r.text()
        );
        assert!(
            r.stdout.contains("-verify_hostname demo-cluster-0001."),
            "{}",
            r.text()
        );
        assert!(
            r.stdout.contains("Dry run: no handshake was made"),
            "{}",
            r.text()
        );
        assert!(f.calls().is_empty());
        assert!(f.leftovers().is_empty(), "{profile}");
    }
}

/// Install writes each secret from the files of `certs/` (issue 21): what lands in the cluster is
/// byte for byte what `secrets/*.yaml` holds, for a GitOps user who applies those instead.
#[test]
fn the_secrets_installed_are_the_secret_manifests_byte_for_byte() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = Fake::new(profile);
        install(&f);
        let mut compared = 0;
        for entry in std::fs::read_dir(f.root.join("secrets")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let y: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            let ns = y["metadata"]["namespace"].as_str().unwrap();
            let name = y["metadata"]["name"].as_str().unwrap();
            for (key, value) in y["data"].as_mapping().unwrap() {
                let key = key.as_str().unwrap();
                assert_eq!(
                    f.secret_value(ns, name, key).as_deref(),
                    Some(unb64(value.as_str().unwrap()).as_str()),
                    "{profile}: {ns}/{name} {key}"
                );
                compared += 1;
            }
        }
        assert!(compared >= 4, "{profile}: {compared} data keys compared");
    }
}

/// The scripts read the bundle's secrets of a namespace in one kubectl call; a role that may read
/// only some of those names (Forbidden) gets each secret read alone, as before that call, and any
/// other error still stops the script. `read_secret` run from the bundle's own lib.sh, with
/// kubectl (`k`) stood in by a function that logs its arguments.
#[test]
fn secrets_are_read_in_one_call_or_one_by_one_when_the_role_allows_only_some() {
    let f = Fake::new(Profile::Classic);
    let log = f.work.join("k.log");
    let script = format!(
        r#"set -euo pipefail
BUNDLE_DIR={root}
. "$BUNDLE_DIR/scripts/lib.sh"
. "$BUNDLE_DIR/scripts/settings.sh"
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT
k() {{
  printf '%s\n' "$*" >>{log}
  shift 2
  local names=()
  while [ "$1" != -n ]; do names+=("$1"); shift; done
  if [ "$MODE" = other ]; then echo 'Unable to connect to the server' >&2; return 1; fi
  if [ "$MODE" = forbidden ] && [ "${{#names[@]}}" -gt 1 ]; then
    echo 'Error from server (Forbidden): secrets "x" is forbidden' >&2
    return 1
  fi
  if [ "${{names[0]}}" = alb-certs ]; then
    printf 'alb-certs|%s|Opaque||{{"client.crt":"aGVsbG8="}}\n' "$BUNDLE_ID"
  fi
}}
read_secret istio-system alb-certs "$WORK_DIR/a" client.crt
cat "$WORK_DIR/a/client.crt"; echo " $SECRET_OWNER $SECRET_TYPE"
if read_secret istio-system istio-ingressgateway-certs "$WORK_DIR/b" tls.crt; then echo found
else echo absent; fi
"#,
        root = f.root.display(),
        log = log.display(),
    );
    let run = |mode: &str| {
        let _ = std::fs::remove_file(&log);
        let out = std::process::Command::new("bash")
            .args(["-c", &script])
            .env("MODE", mode)
            .output()
            .unwrap();
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        (out, calls.lines().map(str::to_owned).collect::<Vec<_>>())
    };
    let settings = std::fs::read_to_string(f.root.join("scripts/settings.sh")).unwrap();
    let id = settings
        .lines()
        .find_map(|l| l.strip_prefix("BUNDLE_ID="))
        .expect("settings.sh sets BUNDLE_ID");
    let (out, calls) = run("all");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(said, format!("hello {id} Opaque\nabsent\n"), "{out:?}");
    assert_eq!(calls.len(), 1, "one call for the namespace: {calls:?}");
    assert!(calls[0].contains(" alb-certs ") && calls[0].contains(" istio-ingressgateway-certs "));
    let (out, calls) = run("forbidden");
    assert_eq!(String::from_utf8_lossy(&out.stdout), said, "{out:?}");
    assert_eq!(
        calls.len(),
        4,
        "each read: the namespace, then its name alone: {calls:?}"
    );
    assert!(
        calls[1].starts_with("get secret alb-certs -n istio-system"),
        "{calls:?}"
    );
    let (out, calls) = run("other");
    assert!(!out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read secret(s) alb-certs"), "{err}");
    assert!(err.contains("Unable to connect to the server"), "{err}");
    assert_eq!(calls.len(), 1, "{calls:?}");
}
