//! `cleanup.sh` deletes only what install created (by label), deletes the app namespace only
//! when install created it and it holds nothing else, prints its plan before it asks, and wants
//! `--yes` when stdin is no terminal. How it gives back what install shared with another field
//! manager is the API server's to decide: tests/kube_bundles.rs runs that against a real one.
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::Fake;
use istio_alb::settings::Profile;
use serde_json::{Value, json};

/// What a cluster held before anyone ran the bundle: the app in its own namespace with other
/// workloads, the old Ingress straight to the app, and a copy of IBM's ALB secret that other
/// Ingresses in the gateway namespace use. (Objects of the bundle's own names, which install
/// shares under server-side apply, are in tests/kube_bundles.rs.)
fn foreign(f: &Fake) {
    let ns = |name: &str| json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": name, "labels": { "team": "shop" } } });
    f.add(ns("httptools"));
    for (api, kind, name) in [
        ("apps/v1", "Deployment", "orders-api"),
        ("apps/v1", "Deployment", "httpbin"),
        ("v1", "Service", "httpbin"),
        ("v1", "ServiceAccount", "httpbin"),
    ] {
        f.add(json!({ "apiVersion": api, "kind": kind, "metadata": { "name": name, "namespace": "httptools" }, "spec": { "owner": "the shop team" } }));
    }
    f.add(json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "orders-api-1", "namespace": "httptools", "labels": { "app": "orders-api" } }, "status": { "phase": "Running" } }));
    f.add(json!({ "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                  "metadata": { "name": "alb-ingress", "namespace": "httptools" },
                  "spec": { "rules": [{ "host": "httpbin.demo-cluster-0000.us-south.containers.example.com",
                            "http": { "paths": [{ "path": "/status", "backend": { "service": { "name": "httpbin", "port": { "number": 8000 } } } }] } }] } }));
    f.add(fakecluster::secret(
        "istio-system",
        "demo-cluster-0000",
        &[
            ("tls.crt", istio_alb::demo::NLB_CERT),
            ("tls.key", istio_alb::demo::NLB_KEY),
        ],
    ));
}

fn kinds(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| {
            format!(
                "{} {}/{}",
                o["kind"], o["metadata"]["namespace"], o["metadata"]["name"]
            )
        })
        .collect()
}

/// The field report: cleanup deleted the app namespace whole (with `orders-api`) and IBM-named
/// secrets other Ingresses use. Now it deletes only what install created, in an order it prints
/// first. The old Ingress, which the procedure deletes, goes only when install is told to.
#[test]
fn cleanup_after_install_leaves_the_cluster_as_it_was() {
    if !fakecluster::tools_present() {
        return;
    }
    let f = Fake::new(Profile::Classic);
    foreign(&f);
    // The old Ingress is not the bundle's: install refuses it, changing nothing...
    let before = f.objects();
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(!r.ok(), "{}", r.text());
    assert!(
        r.stderr.contains("run again with --delete-old-ingress"),
        "{}",
        r.text()
    );
    assert!(f.changes().is_empty(), "{:?}", f.changes());
    // ...until told to delete it (cleanup cannot put it back).
    let r = f.run("install.sh", &["--skip-preflight", "--delete-old-ingress"]);
    assert!(r.ok(), "{}", r.text());
    let before: Vec<Value> = before
        .into_iter()
        .filter(|o| o["kind"] != "Ingress")
        .collect();
    for said in [
        "Deployment httptools/httpbin exists and was not created by istio-alb: used as it is",
        "Ingress httptools/alb-ingress (the ALB's old path to the app) will be deleted once the new Ingress exists (--delete-old-ingress)",
        "Namespace httptools exists and was not created by istio-alb: only its istio-injection label",
    ] {
        assert!(r.stdout.contains(said), "{said}\n{}", r.text());
    }
    assert_eq!(
        f.object("Deployment", "httptools", "httpbin").unwrap()["spec"]["owner"],
        "the shop team"
    );
    // It works through the app that was there (verify reads only).
    let r = f.run("verify.sh", &[]);
    assert!(r.ok(), "{}", r.text());

    // Without a terminal and without --yes: the plan, then nothing.
    let r = f.run("cleanup.sh", &[]);
    assert_eq!(r.code(), Some(1), "{}", r.text());
    assert!(
        r.stderr
            .contains("stdin is not a terminal, so nothing was deleted"),
        "{}",
        r.text()
    );
    let plan = r.stdout.clone();
    let r = f.run_with_input("cleanup.sh", &[], "y\n");
    assert_eq!(r.code(), Some(1), "a pipe is no terminal: {}", r.text());

    f.clear_log();
    let r = f.run("cleanup.sh", &["--yes"]);
    assert!(r.ok(), "{}", r.text());
    // It printed exactly what it then did, in that order.
    let lines: Vec<&str> = plan
        .lines()
        .filter(|l| l.starts_with("  delete ") || l.starts_with("  give back "))
        .collect();
    assert_eq!(
        lines,
        [
            "  delete   policy.authentication.istio.io/default in httptools",
            "  delete   ingress.extensions/alb-ingress in istio-system",
            "  delete   virtualservice.networking.istio.io/default-ingress in istio-system",
            "  delete   gateway.networking.istio.io/default-ingress-gateway in istio-system",
            "  delete   destinationrule.networking.istio.io/default in httptools",
            "  delete   secret/istio-ingressgateway-certs in istio-system",
            "  delete   secret/istio-ingressgateway-ca-certs in istio-system",
            "  delete   secret/alb-certs in istio-system",
        ],
        "{plan}"
    );
    // ...and deleted exactly those, in that order (deletions in a row in one namespace are one
    // call).
    let planned: Vec<(String, String)> = lines
        .iter()
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[1].to_owned(), w[3].to_owned())
        })
        .collect();
    let deleted: Vec<(String, String)> = f
        .changes()
        .iter()
        .flat_map(|c| {
            let w: Vec<&str> = c.split_whitespace().collect();
            assert_eq!(w[0], "delete", "{c}");
            let ns = w.iter().position(|x| *x == "-n").map(|i| w[i + 1]);
            let ns = ns.unwrap_or_else(|| panic!("{c}")).to_owned();
            w.iter()
                .filter(|x| x.contains('/'))
                .map(move |x| (x.to_string(), ns.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(deleted, planned, "{:?}", f.changes());
    assert!(f.changes().len() < lines.len(), "{:?}", f.changes());
    // The fake keeps no field managers, so the namespace keeps the label install applied; the
    // real API server gives it back (tests/kube_bundles.rs).
    let unlabelled = |mut objects: Vec<Value>| {
        for o in &mut objects {
            if let Some(labels) = o["metadata"]
                .get_mut("labels")
                .and_then(Value::as_object_mut)
            {
                labels.remove("istio-injection");
            }
        }
        objects
    };
    assert_eq!(kinds(&f.objects()), kinds(&before));
    assert_eq!(
        unlabelled(f.objects()),
        before,
        "the cluster differs from before install"
    );
    // Nothing of the bundle is left; a second cleanup has nothing to do.
    let r = f.run("cleanup.sh", &["--yes"]);
    assert!(
        r.ok() && r.stdout.contains("Nothing to clean up"),
        "{}",
        r.text()
    );
}

/// The namespace install created goes only when nothing else lives in it.
#[test]
fn the_namespace_install_created_is_deleted_only_when_it_holds_nothing_else() {
    if !fakecluster::tools_present() {
        return;
    }
    {
        // The classic profile only: the current one runs against a real API server
        // (tests/kube_bundles.rs).
        let profile = Profile::Classic;
        let f = Fake::new(profile);
        let r = f.run("install.sh", &["--skip-preflight"]);
        assert!(r.ok(), "{}", r.text());
        let later = f.fork();
        // As installed: everything in it is the bundle's (the sample app's pods carry its
        // labels), and what Kubernetes and Istio put in every namespace does not count.
        f.add(json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "istio-ca-root-cert", "namespace": "httptools" } }));
        let r = f.run("cleanup.sh", &["--yes"]);
        assert!(r.ok(), "{profile}: {}", r.text());
        assert!(
            r.stdout.contains("  delete   namespace/httptools"),
            "{}",
            r.text()
        );
        assert!(f.object("Namespace", "", "httptools").is_none());
        // Someone deployed into it since: it stays, and cleanup says why.
        later.add(json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "orders-api", "namespace": "httptools" } }));
        let r = later.run("cleanup.sh", &["--yes"]);
        assert!(r.ok(), "{profile}: {}", r.text());
        assert!(
            r.stdout.contains("keep     namespace httptools: install created it, but it also holds Deployment/orders-api"),
            "{}",
            r.text()
        );
        assert!(later.object("Namespace", "", "httptools").is_some());
        assert!(
            later
                .object("Deployment", "httptools", "orders-api")
                .is_some()
        );
        assert!(later.object("Deployment", "httptools", "httpbin").is_none());
    }
}

#[test]
fn a_dry_run_cleanup_asks_nothing_and_deletes_nothing() {
    if !fakecluster::tools_present() {
        return;
    }
    let f = Fake::new(Profile::Classic);
    let r = f.run("install.sh", &["--skip-preflight"]);
    assert!(r.ok(), "{}", r.text());
    let before = f.objects();
    let r = f.run("cleanup.sh", &["--dry-run"]);
    assert!(r.ok(), "{}", r.text());
    assert!(
        r.stdout
            .contains("server: namespace/httptools deleted (server dry run)"),
        "{}",
        r.text()
    );
    assert_eq!(f.objects(), before);
}
