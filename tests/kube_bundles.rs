//! Every current-profile bundle's scripts against a real Kubernetes API server (issue 20):
//! preflight, install, verify, renew, install again and cleanup for each valid combination of
//! ALB, infrastructure and secret mode, with the CRDs as Istio, Traefik and Gateway API publish
//! them. After cleanup the server holds exactly what it held before install; an object the
//! bundle did not create comes through unchanged; a failure at a call, or a signal, leaves a
//! cluster that a rerun completes. (The classic profile's Kubernetes <= 1.21 APIs are no longer
//! served by a current API server: its scripts stay on the fake of tests/scripts_*.rs.)
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod kube;
/// The scripts' checks and refusals (`kube/scripts.rs`), on the same clusters.
#[path = "kube/scripts.rs"]
mod scripts;
mod support;
/// Every object of every bundle judged by the server (`kube/validate.rs`), on the same clusters.
#[path = "kube/validate.rs"]
mod validate;

use fakecluster::pki::{Pki, serial};
use istio_alb::demo;
use istio_alb::settings::{Alb, GatewayConfig, Infrastructure, Profile, Settings, validate};
use kube::Kube;
use serde_json::Value;
use std::fs;

fn combination(name: &str) -> Settings {
    demo::every_combination()
        .into_iter()
        .chain(demo::gateway_api_combinations())
        .filter(|s| validate(s).is_empty() && s.profile == Profile::Current)
        .find(|s| demo::combination_name(s) == name)
        .unwrap_or_else(|| panic!("no valid combination {name}"))
}

/// The secret the gateway serves.
fn gateway_secret(s: &Settings) -> &str {
    if s.ibm_keeps_gateway_secret() {
        &s.nlb_secret
    } else {
        "nlb-gateway-mtls"
    }
}

fn ibm_nlb_namespace(s: &Settings) -> &str {
    if s.ibm_keeps_gateway_secret() {
        &s.gateway_namespace
    } else {
        "default"
    }
}

fn script_ok(k: &Kube, script: &str, args: &[&str], what: &str) -> fakecluster::Run {
    let r = k.run(script, args);
    assert!(r.ok(), "{what}: {script} {args:?} failed:\n{}", r.text());
    assert!(
        k.leftovers().is_empty(),
        "{what}: {script} left {:?}",
        k.leftovers()
    );
    r
}

/// verify.sh passes: every check ok, no WARN, no FAIL.
fn verify_passes(k: &Kube, what: &str) -> fakecluster::Run {
    verify_passes_with(k, &[], what)
}

/// verify.sh ARGS passes, and changes nothing.
fn verify_passes_with(k: &Kube, args: &[&str], what: &str) -> fakecluster::Run {
    k.clear_calls();
    let r = script_ok(k, "verify.sh", args, what);
    assert!(
        k.changes().is_empty(),
        "{what}: verify changed {:?}",
        k.changes()
    );
    assert!(
        r.stdout.contains("All checks passed."),
        "{what}: {}",
        r.text()
    );
    for l in r.stdout.lines().map(str::trim_start) {
        assert!(
            !l.starts_with("FAIL") && !l.starts_with("WARN"),
            "{what}: {l}\n{}",
            r.text()
        );
    }
    r
}

/// A team's own objects, there before the bundle: a ConfigMap and an Istio Gateway of its own in
/// the gateway namespace, written by another field manager.
const OTHERS: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: team-notes
  namespace: istio-system
data:
  owner: platform team
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: team-gateway
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [team.example.com]
";

fn without(dump: &[Value], kind: &str, ns: &str, name: &str) -> Vec<Value> {
    dump.iter()
        .filter(|o| {
            !(o["kind"] == kind
                && o["metadata"]["name"] == name
                && o["metadata"]["namespace"].as_str().unwrap_or("") == ns)
        })
        .cloned()
        .collect()
}

/// The changes a first install of `s` makes on a new cluster, in the procedure's order: the
/// namespace and the app, the secrets, the routing that keeps the old path working until the new
/// one exists, and STRICT mutual TLS last.
fn changes_of(s: &Settings) -> Vec<&'static str> {
    let m = |f: &str| {
        fakecluster::leak(format!(
            "apply --server-side --field-manager=istio-alb -f <BUNDLE>/manifests/{f}"
        ))
    };
    let secret = |name: &str| {
        fakecluster::leak(format!(
            "apply --server-side --field-manager=istio-alb -f <WORK>/{name}.json"
        ))
    };
    let mut out = vec![m("01-namespace.yaml"), m("02-sample-app.yaml")];
    out.push(if s.ibm_keeps_gateway_secret() {
        secret(&format!("{}-cacert", s.nlb_secret))
    } else {
        secret("nlb-gateway-mtls")
    });
    if s.alb == Alb::Traefik {
        out.extend([secret("alb-client-tls"), secret("alb-gateway-ca")]);
    } else {
        out.push(secret("alb-proxy-ssl"));
    }
    out.push(secret(&s.alb_secret));
    if s.gateway_config == GatewayConfig::GatewayApi {
        out.extend([
            m("04-destination-rule.yaml"),
            m("05-gateway-client-ca.yaml"),
            m("05-gateway.yaml"),
            m("06-http-route.yaml"),
        ]);
    } else {
        out.extend([
            m("04-destination-rule.yaml"),
            m("05-gateway.yaml"),
            m("06-virtual-service.yaml"),
        ]);
    }
    if s.alb == Alb::Traefik {
        out.extend([
            m("07-servers-transport.yaml"),
            m("08-alb-service.yaml"),
            m("09-ingress.yaml"),
        ]);
    } else {
        out.push(m("07-ingress.yaml"));
    }
    out.push(m("03-peer-authentication.yaml"));
    out
}

/// The key of an object in a dump: kind, namespace, name.
fn key(o: &Value) -> (String, String, String) {
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    (
        s(&o["kind"]),
        s(&o["metadata"]["namespace"]),
        s(&o["metadata"]["name"]),
    )
}

/// Every object the install made (in `after`, not in `before`) carries the bundle's labels and
/// annotation, but those Kubernetes makes for it (pods, replica sets, endpoints, cluster IPs, a
/// new namespace's service account and CA ConfigMap).
fn created_objects_carry_the_bundle(s: &Settings, before: &[Value], after: &[Value], what: &str) {
    let id = istio_alb::manifest::Owner::of(s).id;
    let had: Vec<_> = before.iter().map(key).collect();
    let made = [
        "Pod",
        "ReplicaSet",
        "Endpoints",
        "EndpointSlice",
        "IPAddress",
    ];
    let mut checked = 0;
    for o in after.iter().filter(|o| !had.contains(&key(o))) {
        let (kind, _, name) = key(o);
        if made.contains(&kind.as_str())
            || (kind == "ServiceAccount" && name == "default")
            || (kind == "ConfigMap" && name == "kube-root-ca.crt")
        {
            continue;
        }
        let labels = &o["metadata"]["labels"];
        assert_eq!(labels["istio-alb/bundle"], id.as_str(), "{what}: {o}");
        assert_eq!(
            labels["app.kubernetes.io/managed-by"], "istio-alb",
            "{what}: {o}"
        );
        assert!(
            o["metadata"]["annotations"]["istio-alb/bundle"].is_string(),
            "{what}: {o}"
        );
        checked += 1;
    }
    assert!(checked >= 9, "{what}: {checked} objects checked");
}

/// What install wrote into each secret is byte for byte what `secrets/*.yaml` holds (for a
/// GitOps user who applies those instead).
fn secrets_are_the_manifests(k: &Kube, what: &str) {
    let mut compared = 0;
    for entry in fs::read_dir(k.root.join("secrets")).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        let y: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let (ns, name) = (
            y["metadata"]["namespace"].as_str().unwrap(),
            y["metadata"]["name"].as_str().unwrap(),
        );
        let live = k.get("secret", ns, name).expect("the secret install wrote");
        for (data_key, value) in y["data"].as_mapping().unwrap() {
            let data_key = data_key.as_str().unwrap();
            assert_eq!(
                live["data"][data_key].as_str(),
                value.as_str(),
                "{what}: {ns}/{name} {data_key}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 4, "{what}: {compared} data keys compared");
}

/// Preflight, install, verify, IBM renews, renew, install again, verify, cleanup.
fn whole_life(name: &str) {
    if !fakecluster::tools_present() {
        return;
    }
    let s = combination(name);
    let what = name;
    let pki = Pki::new(10);
    let old = pki.nlb(0x28, -30, 60);
    let k = Kube::new(s.clone(), &pki, &old);
    k.fixture(OTHERS, "platform-team");
    let team_gateway = k.get(
        "gateways.networking.istio.io",
        "istio-system",
        "team-gateway",
    );
    let before = k.dump();

    let r = script_ok(&k, "preflight.sh", &[], what);
    assert!(r.stdout.contains("preflight: OK"), "{what}: {}", r.text());
    let ibm_before = k.get("secret", ibm_nlb_namespace(&s), &s.nlb_secret);
    if name == "current" {
        scripts::a_dry_run_stores_nothing(&k, &before);
    }
    k.clear_calls();
    let installed_run = script_ok(&k, "install.sh", &[], what);
    // Every check before the first change (the server asked about the Gateway), every change
    // in the procedure's order.
    let calls = k.calls();
    let first = calls
        .iter()
        .position(|c| c.starts_with("kubectl apply") && !c.contains("--dry-run"))
        .expect("a change");
    assert!(
        calls[..first]
            .iter()
            .any(|c| c.contains("--dry-run=server") && c.contains("/05-gateway.yaml")),
        "{what}: install asked the server nothing before its first change: {calls:?}"
    );
    assert_eq!(k.changes(), changes_of(&s), "{what}");
    // The bundle's preflight (a local handshake) ran first, then the cluster's checks.
    let out = &installed_run.stdout;
    let first = out.find("==> ").expect("a step");
    assert!(
        out[first..].starts_with("==> [1/") && out[first..].contains("] Preflight: "),
        "{what}: {out}"
    );
    let ok = out.find("preflight: OK").expect("the preflight's verdict");
    assert!(
        out[ok..].contains("] Checking that kubectl talks to cluster"),
        "{what}: {out}"
    );
    secrets_are_the_manifests(&k, what);
    if name == "current" {
        scripts::every_script_refuses_another_cluster(&k);
        scripts::a_dry_run_after_install_shows_the_server_side_diff(&k);
    }
    assert_eq!(
        k.get("secret", ibm_nlb_namespace(&s), &s.nlb_secret),
        ibm_before,
        "{what}: install wrote IBM's secret"
    );
    let gateway_api = s.gateway_config == GatewayConfig::GatewayApi;
    if gateway_api {
        let gw = k
            .get(
                "gateways.gateway.networking.k8s.io",
                "istio-system",
                "alb-mtls-gateway",
            )
            .expect("the bundle's Gateway API Gateway");
        assert_eq!(
            gw["spec"]["listeners"][0]["tls"]["certificateRefs"][0]["name"],
            gateway_secret(&s),
            "{what}"
        );
        assert!(
            k.get("configmap", "istio-system", "nlb-gateway-client-ca")
                .is_some(),
            "{what}: no client CA ConfigMap"
        );
        assert!(
            k.get(
                "httproutes.gateway.networking.k8s.io",
                &s.app_namespace,
                "alb-route"
            )
            .is_some(),
            "{what}: no HTTPRoute"
        );
        // Istio's own API is not used at all.
        for (resource, name) in [
            ("gateways.networking.istio.io", "default-ingress-gateway"),
            ("virtualservices.networking.istio.io", "default-ingress"),
        ] {
            assert!(
                k.get(resource, "istio-system", name).is_none(),
                "{what}: {resource} {name}"
            );
        }
    } else {
        let gw = k
            .get(
                "gateways.networking.istio.io",
                "istio-system",
                "default-ingress-gateway",
            )
            .expect("the bundle's Gateway");
        assert_eq!(
            gw["spec"]["servers"][0]["tls"]["credentialName"],
            gateway_secret(&s),
            "{what}"
        );
    }
    assert!(
        k.get("deployment", &s.app_namespace, &s.app).is_some(),
        "{what}: no app Deployment"
    );
    if s.alb == Alb::Traefik {
        let st = k
            .get(
                "serverstransports.traefik.io",
                "istio-system",
                "alb-to-gateway",
            )
            .expect("the ServersTransport");
        assert_eq!(st["apiVersion"], "traefik.io/v1alpha1", "{what}");
    }

    if gateway_api {
        // istiod's status, written here by its stand-in (tools/kube/stages/gateway-api.yaml).
        assert!(
            installed_run.stdout.contains(
                "ok: Gateway alb-mtls-gateway programmed by Istio, HTTPRoute alb-route accepted"
            ),
            "{what}: {}",
            installed_run.text()
        );
    }
    let r = verify_passes(&k, what);
    if gateway_api {
        assert!(
            r.stdout
                .contains("ok: Gateway alb-mtls-gateway is Programmed"),
            "{what}: {}",
            r.text()
        );
    }
    // Istio names a Gateway API Gateway's secret kubernetes-gateway://NS/NAME.
    let sds = |serial: &str| {
        if gateway_api {
            format!(
                "Envoy serves kubernetes-gateway://istio-system/{}, serial {serial}",
                gateway_secret(&s)
            )
        } else {
            format!(
                "Envoy serves kubernetes://{}, serial {serial}",
                gateway_secret(&s)
            )
        }
    };
    let loaded = sds("28");
    for said in [
        loaded.as_str(),
        "refused without a client certificate, in the TLS handshake (curl 56",
        "the gateway trusts the ALB client certificate for client authentication",
    ] {
        assert!(r.stdout.contains(said), "{what}: {said}\n{}", r.text());
    }
    if s.infrastructure == Infrastructure::Vpc {
        let said = format!(
            "service istio-ingressgateway has the load balancer host name {}",
            demo::LB_HOST
        );
        assert!(r.stdout.contains(&said), "{what}: {said}\n{}", r.text());
    }

    // IBM renews the NLB certificate; renew.sh brings the gateway up to date.
    let renewed = pki.nlb(0x29, -1, 89);
    k.set_ibm_nlb(&renewed);
    script_ok(&k, "renew.sh", &[], what);
    let served = || {
        serial(
            &k.secret_value("istio-system", gateway_secret(&s), "tls.crt")
                .unwrap(),
        )
    };
    assert_eq!(served(), "29", "{what}: renew");
    // install again: no rollback of the renewal, no secret written, nothing else changes; and
    // renew then has nothing to do.
    let installed = k.dump();
    // (Renew made no object: the objects install made are these.)
    created_objects_carry_the_bundle(&s, &before, &installed, what);
    k.clear_calls();
    let r = script_ok(&k, "install.sh", &[], what);
    assert_eq!(served(), "29", "{what}: install after renew rolled back");
    assert_eq!(
        k.dump(),
        installed,
        "{what}: a second install changed the cluster"
    );
    assert!(
        k.changes()
            .iter()
            .all(|c| c.starts_with("apply --server-side --field-manager=istio-alb -f <BUNDLE>/")),
        "{what}: {:?}",
        k.changes()
    );
    if !s.ibm_keeps_gateway_secret() {
        assert!(
            r.stdout.contains("the cluster holds a later certificate"),
            "{what}: {}",
            r.text()
        );
    }
    k.clear_calls();
    let r = script_ok(&k, "renew.sh", &[], what);
    assert!(
        r.stdout.contains("Nothing to renew"),
        "{what}: {}",
        r.text()
    );
    assert!(k.changes().is_empty(), "{what}: {:?}", k.changes());
    // With --context, every kubectl call names it.
    let r = verify_passes_with(&k, &["--context", kube::CONTEXT], what);
    let said = sds("29");
    assert!(r.stdout.contains(&said), "{what}: {said}\n{}", r.text());
    let context = format!("--context {}", kube::CONTEXT);
    assert!(
        k.calls()
            .iter()
            .all(|c| !c.starts_with("kubectl") || c.contains(&context)),
        "{what}: {:?}",
        k.calls()
    );
    if name == "current" {
        let r = script_ok(&k, "cleanup.sh", &["--dry-run"], what);
        assert!(
            r.stdout
                .contains("server: namespace \"httptools\" deleted (server dry run)"),
            "{what}: {}",
            r.text()
        );
        assert_eq!(
            k.dump(),
            installed,
            "{what}: cleanup --dry-run changed the cluster"
        );
    }

    // cleanup: back to the cluster before install, IBM's renewed secret untouched.
    let ibm = k.get("secret", ibm_nlb_namespace(&s), &s.nlb_secret);
    script_ok(&k, "cleanup.sh", &["--yes"], what);
    assert_eq!(
        k.get("secret", ibm_nlb_namespace(&s), &s.nlb_secret),
        ibm,
        "{what}: cleanup touched IBM's secret"
    );
    // The dumps leave the CRDs out: no change of any script of this life named one.
    let every = k.every_change();
    assert!(
        every.len() > 20
            && !every
                .iter()
                .any(|c| c.contains("customresourcedefinition") || c.contains("crd")),
        "{what}: {every:?}"
    );
    assert_eq!(
        k.get(
            "gateways.networking.istio.io",
            "istio-system",
            "team-gateway"
        ),
        team_gateway,
        "{what}: the team's Gateway changed"
    );
    let ibm_ns = ibm_nlb_namespace(&s).to_owned();
    let after = without(&k.dump(), "Secret", &ibm_ns, &s.nlb_secret);
    let before = without(&before, "Secret", &ibm_ns, &s.nlb_secret);
    let diff = difference(&before, &after);
    assert!(
        diff.is_empty(),
        "{what}: after cleanup the server holds other objects than before install:\n{diff}"
    );
}

macro_rules! whole_life_tests {
    ($($name:ident: $combination:expr,)*) => {$(
        #[test]
        fn $name() {
            whole_life($combination);
        }
    )*};
}

whole_life_tests! {
    current: "current",
    current_ibm_renewed: "current-ibm-renewed",
    current_vpc: "current-vpc",
    current_vpc_ibm_renewed: "current-vpc-ibm-renewed",
    current_traefik: "current-traefik",
    current_traefik_ibm_renewed: "current-traefik-ibm-renewed",
    current_traefik_vpc: "current-traefik-vpc",
    current_traefik_vpc_ibm_renewed: "current-traefik-vpc-ibm-renewed",
    // The Gateway API (issue 23): the two golden combinations, each ALB and each secret mode once.
    current_gateway_api: "current-gateway-api",
    current_traefik_ibm_renewed_gateway_api: "current-traefik-ibm-renewed-gateway-api",
}

/// Without what the server allocates anew when the app is created again (its pods and the
/// endpoints that list them, a Service's cluster IP and its IPAddress): the cluster as install leaves it,
/// whichever run created the app.
fn settled(dump: &[Value]) -> Vec<Value> {
    dump.iter()
        .filter(|o| {
            !["Pod", "Endpoints", "EndpointSlice", "IPAddress"]
                .contains(&o["kind"].as_str().unwrap_or(""))
        })
        .map(|o| {
            let mut o = o.clone();
            if o["kind"] == "Service"
                && let Some(spec) = o.get_mut("spec").and_then(Value::as_object_mut)
            {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            o
        })
        .collect()
}

/// The objects only one side holds, one line each (`-` before, `+` after).
fn difference(before: &[Value], after: &[Value]) -> String {
    before
        .iter()
        .filter(|o| !after.contains(o))
        .map(|o| format!("- {o}"))
        .chain(
            after
                .iter()
                .filter(|o| !before.contains(o))
                .map(|o| format!("+ {o}")),
        )
        .collect::<Vec<_>>()
        .join("\n")
}

/// The combination `name` on the cluster, installed once and cleaned up again: the cluster, how
/// many calls a clean install makes, and the cluster as that install left it.
/// The cluster after `install.sh` of combination `name`, and its settings.
/// A cluster for a combination, with IBM's NLB certificate in its first month.
fn cluster(name: &str) -> (Kube, Settings) {
    let s = combination(name);
    let pki = Pki::new(10);
    let nlb = pki.nlb(0x28, -30, 60);
    (Kube::new(s.clone(), &pki, &nlb), s)
}

fn installed(name: &str) -> (Kube, Settings) {
    let (k, s) = cluster(name);
    script_ok(&k, "install.sh", &["--skip-preflight"], "install");
    (k, s)
}

fn installed_and_cleaned(name: &str) -> (Kube, usize, Vec<Value>) {
    let (k, _) = cluster(name);
    k.clear_calls();
    script_ok(&k, "install.sh", &["--skip-preflight"], "clean install");
    let calls = k.calls().len();
    let installed = k.dump();
    script_ok(&k, "cleanup.sh", &["--yes"], "cleanup");
    (k, calls, installed)
}

/// `script ARGS` with its call `n` failing (counted from its start): it leaves no file behind.
fn run_failing_at(k: &Kube, n: usize, script: &str, args: &[&str], what: &str) -> fakecluster::Run {
    k.clear_calls();
    k.fail_at(Some(n));
    let r = k.run(script, args);
    k.fail_at(None);
    assert!(k.leftovers().is_empty(), "{what}: {:?}", k.leftovers());
    r
}

/// A failure at a call of install (spread over the whole run), then a rerun without it: the
/// rerun completes and the cluster ends as after a clean install. Then a failure at a call of
/// cleanup (spread the same way), and a rerun of cleanup: the cluster ends as before install.
/// Verify passes after the last rerun. (The fake sweeps every call, for the classic profile:
/// tests/scripts_failures.rs.)
#[test]
fn a_failed_call_then_a_rerun() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, _) = cluster("current");
    let empty = k.dump();
    k.clear_calls();
    script_ok(&k, "install.sh", &["--skip-preflight"], "clean install");
    let calls = k.calls().len();
    let clean = k.dump();
    k.clear_calls();
    script_ok(&k, "cleanup.sh", &["--yes"], "cleanup");
    let cleanup_calls = k.calls().len();
    // Every call would take minutes on a real server; five points spread over the run hit
    // every phase (install's checks, its dry run, the secrets, the manifests, what follows them;
    // cleanup's plan, its deletions, the namespaces). (Seven until 2026-12-06: two more points
    // between these, for 40 % more of this test's time, the longest of the kube tests.)
    let spread = |calls: usize, i: usize| 1 + (calls - 1) * i / 6;
    for i in 1..=5 {
        let n = spread(calls, i);
        let what = format!("failure at call {n} of install's {calls}");
        let r = run_failing_at(&k, n, "install.sh", &["--skip-preflight"], &what);
        if r.ok() {
            // A call whose failure install tolerates (a probe): then it must not be a change.
            let call = &k.calls()[n - 1];
            assert!(
                !call.contains(" apply ") && !call.contains(" delete "),
                "{what}: install succeeded although this change failed: {call}"
            );
        } else {
            assert!(
                r.text().contains("Running install.sh again is safe"),
                "{what}: the failure does not say a rerun is safe:\n{}",
                r.text()
            );
        }
        script_ok(&k, "install.sh", &["--skip-preflight"], &what);
        let diff = difference(&settled(&clean), &settled(&k.dump()));
        assert!(
            diff.is_empty(),
            "{what}: the rerun ended elsewhere:\n{diff}"
        );
        if i == 5 {
            verify_passes(&k, &what);
        }
        let m = spread(cleanup_calls, i);
        let what = format!("failure at call {m} of cleanup's {cleanup_calls}");
        let r = run_failing_at(&k, m, "cleanup.sh", &["--yes"], &what);
        if !r.ok() {
            assert!(
                r.text().contains("again is safe"),
                "{what}: the failure does not say a rerun is safe:\n{}",
                r.text()
            );
        }
        script_ok(&k, "cleanup.sh", &["--yes"], &what);
        let diff = difference(&settled(&empty), &settled(&k.dump()));
        assert!(
            diff.is_empty(),
            "{what}: the rerun of cleanup ended elsewhere:\n{diff}"
        );
    }
}

/// SIGTERM while install waits on the cluster: the script stops, leaves no key material in
/// its temporary folder, and a rerun completes.
#[test]
fn a_signal_leaves_no_key_and_a_rerun_completes() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, calls, _) = installed_and_cleaned("current-traefik-vpc");
    k.clear_calls();
    k.hang_at(Some(calls * 2 / 3));
    let child = k.spawn("install.sh", &["--skip-preflight"]);
    let started = std::time::Instant::now();
    while k.calls().len() < calls * 2 / 3 && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // The script is in the hanging call: signal its process group (bash and that call).
    let group = format!("-{}", child.id());
    assert!(
        std::process::Command::new("kill")
            .args(["-s", "TERM", "--", &group])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(143),
        "install after SIGTERM:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    k.hang_at(None);
    assert!(
        k.leftovers().is_empty(),
        "key material left behind: {:?}",
        k.leftovers()
    );
    script_ok(
        &k,
        "install.sh",
        &["--skip-preflight"],
        "rerun after SIGTERM",
    );
    verify_passes(&k, "after the rerun");
}

/// Cleanup never deletes a namespace that holds anything the bundle does not own, whatever its
/// kind (issue 22, class 5): a NetworkPolicy, a Role and an Istio AuthorizationPolicy, kinds no
/// fixed list named, keep the app namespace, and the plan says which objects keep it.
#[test]
fn cleanup_keeps_a_namespace_that_holds_others_objects_of_any_kind() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, s) = installed("current");
    let ns = &s.app_namespace;
    k.apply(
        &format!(
            "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: team-policy, namespace: {ns}}}
spec:
  podSelector: {{}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: team-role, namespace: {ns}}}
rules: []
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {{name: team-authz, namespace: {ns}}}
spec: {{}}
"
        ),
        "platform-team",
    );
    let r = script_ok(&k, "cleanup.sh", &["--yes"], "cleanup");
    for said in [
        "NetworkPolicy/team-policy",
        "Role/team-role",
        "AuthorizationPolicy/team-authz",
    ] {
        assert!(
            r.stdout.contains(said),
            "the plan does not say {said} keeps the namespace:\n{}",
            r.text()
        );
    }
    assert!(
        k.get("namespace", "", ns).is_some(),
        "the namespace is gone"
    );
    for (kind, name) in [
        ("networkpolicy", "team-policy"),
        ("role", "team-role"),
        ("authorizationpolicies.security.istio.io", "team-authz"),
    ] {
        assert!(k.get(kind, ns, name).is_some(), "{kind}/{name} was deleted");
    }
    assert!(
        k.get("deployment", ns, &s.app).is_none(),
        "the bundle's own app was not deleted"
    );
}

/// Ownership is the field manager's (issue 21): a field another manager took stops install,
/// which names the manager and the field and changes nothing of it; the dry run says so first;
/// `--force-conflicts` gives the field back to istio-alb.
#[test]
fn a_field_another_manager_owns_stops_install_until_force_conflicts() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, s) = installed("current");
    let ns = &s.app_namespace;
    let file = k.tmp.path().join("team.yaml");
    fs::write(
        &file,
        format!(
            "apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: default, namespace: {ns}}}
spec:
  host: '*.{ns}.svc.cluster.local'
  trafficPolicy: {{tls: {{mode: DISABLE}}}}
"
        ),
    )
    .unwrap();
    let taken = k.kubectl(&[
        "apply",
        "--server-side",
        "--field-manager=platform-team",
        "--force-conflicts",
        "-f",
        file.to_str().unwrap(),
    ]);
    assert!(taken.ok(), "{}", taken.text());
    let mode = |k: &Kube| {
        k.get("destinationrules.networking.istio.io", ns, "default")
            .unwrap()["spec"]["trafficPolicy"]["tls"]["mode"]
            .clone()
    };

    // Install asks the server before any change: the dry run stops there too.
    let dry = k.run("install.sh", &["--skip-preflight", "--dry-run"]);
    assert!(!dry.ok(), "the dry run hid the conflict:\n{}", dry.text());
    assert!(dry.stderr.contains("platform-team"), "{}", dry.text());
    assert!(dry.stderr.contains("Nothing was changed"), "{}", dry.text());

    let r = k.run("install.sh", &["--skip-preflight"]);
    assert!(
        !r.ok(),
        "install took another manager's field:\n{}",
        r.text()
    );
    for said in [
        "platform-team",
        ".spec.trafficPolicy.tls.mode",
        "--force-conflicts",
        "Nothing was changed in the cluster",
    ] {
        assert!(
            r.stderr.contains(said),
            "install does not say {said}:\n{}",
            r.text()
        );
    }
    assert_eq!(mode(&k), "DISABLE");

    script_ok(
        &k,
        "install.sh",
        &["--skip-preflight", "--force-conflicts"],
        "forced",
    );
    assert_eq!(mode(&k), "ISTIO_MUTUAL");
    let managers = k.ok(&[
        "get",
        "destinationrules.networking.istio.io",
        "default",
        "-n",
        ns,
        "--show-managed-fields",
        "-o",
        "jsonpath={range .metadata.managedFields[*]}{.manager}:{.operation}{\"\\n\"}{end}",
    ]);
    assert!(managers.contains("istio-alb:Apply"), "{managers}");
}

/// Nothing is backed up or replaced (issue 21). Before install another field manager made the
/// app namespace, a DestinationRule of the bundle's name with the values the bundle wants, a
/// PERMISSIVE PeerAuthentication of the bundle's name, the app, and the ALB's old Ingress.
/// Install first stops on the PeerAuthentication's conflict, naming the manager and the field,
/// and changes nothing. Once the team deletes that object, install refuses the old Ingress until
/// `--delete-old-ingress`; then it shares the namespace (its label only) and the
/// DestinationRule, and uses the app as it is; cleanup gives back what it shared: the server
/// then holds exactly what it held before install, but the old Ingress.
#[test]
fn objects_made_by_others_are_shared_then_given_back() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, s) = cluster("current");
    let ns = &s.app_namespace;
    let app = &s.app;
    k.apply(
        &format!(
            "apiVersion: v1
kind: Namespace
metadata: {{name: {ns}, labels: {{team: platform}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: default, namespace: {ns}, labels: {{team: platform}}}}
spec:
  host: '*.{ns}.svc.cluster.local'
  trafficPolicy: {{tls: {{mode: ISTIO_MUTUAL}}}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {{name: default, namespace: {ns}}}
spec: {{mtls: {{mode: PERMISSIVE}}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: {app}, namespace: {ns}}}
---
apiVersion: v1
kind: Service
metadata: {{name: {app}, namespace: {ns}, labels: {{app: {app}}}}}
spec:
  selector: {{app: {app}}}
  ports: [{{name: http, port: 8000, targetPort: 8080}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {app}, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: {app}}}}}
  template:
    metadata: {{labels: {{app: {app}}}}}
    spec:
      serviceAccountName: {app}
      containers: [{{name: {app}, image: docker.io/kong/httpbin:0.1.0, ports: [{{containerPort: 8080}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: alb-ingress, namespace: {ns}}}
spec:
  rules:
  - host: {app}.example.com
    http:
      paths:
      - {{path: /status, pathType: Prefix, backend: {{service: {{name: {app}, port: {{number: 8000}}}}}}}}
"
        ),
        "platform-team",
    );
    let before = k.dump();
    let r = k.run("install.sh", &["--skip-preflight", "--delete-old-ingress"]);
    assert!(
        !r.ok(),
        "install took the team's PERMISSIVE mode:\n{}",
        r.text()
    );
    for said in [
        "platform-team",
        ".spec.mtls.mode",
        "--force-conflicts",
        "Nothing was changed in the cluster",
    ] {
        assert!(
            r.stderr.contains(said),
            "install does not say {said}:\n{}",
            r.text()
        );
    }
    let diff = difference(&settled(&before), &settled(&k.dump()));
    assert!(
        diff.is_empty(),
        "a refused install changed the cluster:\n{diff}"
    );

    k.ok(&[
        "delete",
        "peerauthentications.security.istio.io",
        "default",
        "-n",
        ns,
    ]);
    let r = k.run("install.sh", &["--skip-preflight"]);
    assert!(
        !r.ok() && r.stderr.contains("run again with --delete-old-ingress"),
        "install took the old Ingress without being told:\n{}",
        r.text()
    );
    let before = without(&k.dump(), "Ingress", ns, "alb-ingress");
    let r = script_ok(
        &k,
        "install.sh",
        &["--skip-preflight", "--delete-old-ingress"],
        "install",
    );
    for said in [
        format!("DestinationRule {ns}/default exists and was not created by istio-alb: shared"),
        format!("Namespace {ns} exists and was not created by istio-alb: only its"),
        format!("Deployment {ns}/{app} exists and was not created by istio-alb: used as it is"),
        "alb-ingress (the ALB's old path to the app) will be deleted".to_owned(),
    ] {
        assert!(r.stdout.contains(&said), "{said}\n{}", r.text());
    }
    let namespace = k.get("namespace", "", ns).unwrap();
    assert_eq!(
        namespace["metadata"]["labels"]["istio-injection"],
        "enabled"
    );
    assert!(
        namespace["metadata"]["labels"]
            .get(istio_alb::manifest::owner::BUNDLE_LABEL)
            .is_none(),
        "the shared namespace carries the bundle's label: {namespace}"
    );
    verify_passes(&k, "shared");

    let r = script_ok(&k, "cleanup.sh", &["--yes"], "cleanup");
    assert!(
        r.stdout
            .contains("give back  destinationrule.networking.istio.io/default"),
        "{}",
        r.text()
    );
    let diff = difference(&settled(&before), &settled(&k.dump()));
    assert!(
        diff.is_empty(),
        "after cleanup the server holds other objects than before install:\n{diff}"
    );
}

/// A gateway-api bundle needs the Gateway API CRDs of v1.5.0 or later and istiod 1.28 or later
/// (issue 23): install checks both before any change, and each refusal names what runs and the
/// command that fixes it.
#[test]
fn a_gateway_api_bundle_checks_the_crd_and_istio_versions_first() {
    if !fakecluster::tools_present() {
        return;
    }
    let (k, _) = cluster("current-gateway-api");
    let crd = "gateways.gateway.networking.k8s.io";
    let version = "gateway.networking.k8s.io/bundle-version";
    // Gateway API's own admission policy refuses CRDs older than v1.5.0 unless it is removed
    // (its message says so): a cluster that runs an older Gateway API has no such policy.
    let policy = "safe-upgrades.gateway.networking.k8s.io";
    k.ok(&["delete", "validatingadmissionpolicybinding", policy]);
    k.ok(&["delete", "validatingadmissionpolicy", policy]);
    // The API server's policy cache drops the deleted policy a moment later: retry (bounded).
    let annotate = |value: &str| {
        let started = std::time::Instant::now();
        loop {
            let r = k.kubectl(&[
                "annotate",
                "crd",
                crd,
                &format!("{version}={value}"),
                "--overwrite",
            ]);
            if r.ok() {
                return;
            }
            assert!(started.elapsed().as_secs() < 60, "{}", r.text());
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    };
    annotate("v1.4.0");
    let r = k.run("install.sh", &["--skip-preflight"]);
    assert!(!r.ok(), "install took Gateway API v1.4.0:\n{}", r.text());
    for said in [
        "the Gateway API CRDs are of version 'v1.4.0'",
        "releases/download/v1.5.1/standard-install.yaml",
        "Nothing was changed in the cluster",
    ] {
        assert!(r.stderr.contains(said), "{said}\n{}", r.text());
    }
    annotate("v1.5.1");
    let image = "discovery=icr.io/ext/istio/pilot:1.27.3";
    k.ok(&[
        "set",
        "image",
        "deployment/istiod",
        "-n",
        "istio-system",
        image,
    ]);
    let r = k.run("install.sh", &["--skip-preflight"]);
    assert!(!r.ok(), "install took istiod 1.27:\n{}", r.text());
    for said in [
        "istiod runs icr.io/ext/istio/pilot:1.27.3",
        "Istio 1.28 or later",
        "gateway_config: istio",
    ] {
        assert!(r.stderr.contains(said), "{said}\n{}", r.text());
    }
    let image = "discovery=icr.io/ext/istio/pilot:1.30.8";
    k.ok(&[
        "set",
        "image",
        "deployment/istiod",
        "-n",
        "istio-system",
        image,
    ]);
    // A Gateway that no controller takes up (here: of another class than Istio's) keeps the
    // status its CRD defaults to: install waits for it (--timeout), then stops with that status;
    // verify fails on it.
    let gateway = k.root.join("manifests/05-gateway.yaml");
    let written = std::fs::read_to_string(&gateway).unwrap();
    let other = written.replace("gatewayClassName: istio\n", "gatewayClassName: other\n");
    assert_ne!(
        other,
        written,
        "no gatewayClassName: istio in {}",
        gateway.display()
    );
    std::fs::write(&gateway, other).unwrap();
    let r = k.run("install.sh", &["--skip-preflight", "--timeout", "2"]);
    assert!(!r.ok(), "install went on with no controller:\n{}", r.text());
    for said in [
        "error: Istio does not serve the Gateway API objects; their status after up to 2s:",
        "Gateway istio-system/alb-mtls-gateway:\n  Accepted (Pending): Waiting for controller",
        "  Programmed (Pending): Waiting for controller",
        "install.sh stopped at step",
    ] {
        assert!(r.stderr.contains(said), "{said}\n{}", r.text());
    }
    let r = k.run("verify.sh", &[]);
    assert!(
        r.stdout
            .contains("FAIL: Gateway istio-system/alb-mtls-gateway:\n  Accepted (Pending)"),
        "{}",
        r.text()
    );
    std::fs::write(&gateway, written).unwrap();
    let r = script_ok(&k, "install.sh", &["--skip-preflight"], "versions met");
    for said in [
        "ok: Gateway API CRDs v1.5.1",
        "ok: istiod 1.30.8",
        "ok: Gateway alb-mtls-gateway programmed by Istio, HTTPRoute alb-route accepted",
    ] {
        assert!(r.stdout.contains(said), "{said}\n{}", r.text());
    }
    script_ok(&k, "cleanup.sh", &["--yes"], "cleanup");
}

/// Issue 27 point 9: without the httpbin sample (`deploy_sample: false`), install asks the API
/// server for the app's Deployment and stops before any change while it is missing (the cluster
/// as it was); once the app runs (its namespace and Deployment made by someone else), install
/// completes, labels that namespace only, and leaves the app's Deployment as it was.
#[test]
fn without_the_sample_install_needs_the_apps_deployment() {
    if !fakecluster::tools_present() {
        return;
    }
    let s = Settings {
        deploy_sample: false,
        ..combination("current-traefik-vpc")
    };
    let pki = Pki::new(10);
    let nlb = pki.nlb(0x28, -30, 60);
    let k = Kube::new(s.clone(), &pki, &nlb);
    let before = settled(&k.dump());
    let r = k.run("install.sh", &["--skip-preflight"]);
    assert_eq!(r.code(), Some(1), "{}", r.text());
    assert!(
        r.stderr
            .contains("the app's Deployment httpbin does not exist in namespace httptools")
            && r.stderr.contains("Nothing was changed in the cluster."),
        "{}",
        r.text()
    );
    let diff = difference(&before, &settled(&k.dump()));
    assert!(diff.is_empty(), "install changed the cluster:\n{diff}");

    k.apply(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: httptools\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: httpbin\n  namespace: httptools\n\
         spec:\n  selector:\n    matchLabels: {app: httpbin}\n  template:\n    metadata:\n      \
         labels: {app: httpbin}\n    spec:\n      containers:\n      - name: app\n        \
         image: example.com/shop:1\n",
        "someone",
    );
    let app = k.get("deployments.apps", "httptools", "httpbin").unwrap();
    let r = script_ok(
        &k,
        "install.sh",
        &["--skip-preflight"],
        "install with the app",
    );
    assert!(
        r.stdout
            .contains("the app's Deployment httptools/httpbin exists"),
        "{}",
        r.text()
    );
    let after = k.get("deployments.apps", "httptools", "httpbin").unwrap();
    assert_eq!(after["metadata"]["labels"], app["metadata"]["labels"]);
    assert_eq!(after["spec"]["template"], app["spec"]["template"]);
    assert!(
        k.get("serviceaccounts", "httptools", "httpbin").is_none(),
        "no sample"
    );
    let ns = k.get("namespaces", "", "httptools").unwrap();
    assert_eq!(ns["metadata"]["labels"]["istio-injection"], "enabled");
    assert!(
        ns["metadata"]["labels"]["istio-alb/bundle"].is_null(),
        "{ns}"
    );
}
