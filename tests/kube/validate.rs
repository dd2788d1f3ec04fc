//! Every manifest and secret of every current-profile bundle, with Istio's gateway API and with
//! the Kubernetes Gateway API (issue 23), judged by the real API server (issue 20): `kubectl apply --server-side --dry-run=server --validate=strict`, so that strict
//! field decoding, OpenAPI types, the CRDs' CEL rules and admission run, as on a cluster. And
//! the server refusing broken objects with its own message. (The classic profile's
//! `extensions/v1beta1` Ingress is no longer served by a current API server: it keeps the
//! kubernetes-validate 1.24 schemas of tests/tools/validate-bundle.sh.)
//!
//! Part of the `kube_bundles` test binary (`#[path]` there), so that these tests share its
//! clusters instead of starting two of their own.

use crate::fakecluster;
use crate::fakecluster::pki::Pki;
use crate::kube::Kube;
use istio_alb::bundle::Bundle;
use istio_alb::demo;
use istio_alb::settings::{Profile, validate};
use std::fs;
use std::path::Path;

/// The server's verdict on `files`, in one call (kubectl names the file of each refusal).
fn dry_run(k: &Kube, files: &[&Path]) -> fakecluster::Run {
    let mut args = vec![
        "apply",
        "--server-side",
        "--field-manager=istio-alb",
        "--dry-run=server",
        "--validate=strict",
    ];
    for f in files {
        args.extend(["-f", f.to_str().unwrap()]);
    }
    k.kubectl(&args)
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    // kustomization.yaml lists the objects; it is none itself (checked below through kustomize).
    out.retain(|p: &std::path::PathBuf| {
        p.extension().is_some_and(|e| e == "yaml") && !p.ends_with("kustomization.yaml")
    });
    out.sort();
    out
}

/// kind/namespace/name of every object in a multi-document YAML text, sorted.
fn objects(yaml: &str) -> Vec<String> {
    use serde::Deserialize;
    let mut out: Vec<String> = serde_yaml::Deserializer::from_str(yaml)
        .filter_map(|d| serde_yaml::Value::deserialize(d).ok())
        .filter(|v| !v.is_null())
        .map(|v| {
            let s = |x: &serde_yaml::Value| x.as_str().unwrap_or("").to_owned();
            format!(
                "{}/{}/{}",
                s(&v["kind"]),
                s(&v["metadata"]["namespace"]),
                s(&v["metadata"]["name"])
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_object_of_every_current_bundle_passes_the_real_server() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = Pki::new(10);
    let nlb = pki.nlb(0x28, -30, 60);
    let combos: Vec<_> = demo::every_combination()
        .into_iter()
        .chain(demo::gateway_api_combinations())
        .filter(|s| validate(s).is_empty() && s.profile == Profile::Current)
        .collect();
    assert_eq!(
        combos.len(),
        16,
        "the current profile's valid combinations, with each gateway configuration"
    );
    let k = Kube::new(combos[0].clone(), &pki, &nlb);
    let mut checked = 0;
    for s in &combos {
        let what = demo::combination_name(s);
        let plan = istio_alb::plan::plan(s, &pki.inputs(&nlb, false), fakecluster::pki::now());
        let dir = tempfile::tempdir().unwrap();
        let root = fakecluster::write_bundle(&Bundle::of(&plan), dir.path());
        // Dry runs of namespaced objects need their namespace: create it for real.
        let ns = root.join("manifests/01-namespace.yaml");
        let r = k.kubectl(&["apply", "--server-side", "-f", ns.to_str().unwrap()]);
        assert!(r.ok(), "{what}: {}", r.text());
        let files: Vec<_> = yaml_files(&root.join("manifests"))
            .into_iter()
            .chain(yaml_files(&root.join("secrets")))
            .collect();
        assert!(files.len() >= 7, "{what}: {files:?}");
        // The manifests as a kustomize base: exactly the bundle's objects, none of its secrets,
        // and the server accepts what kustomize renders.
        let built = k.kubectl(&["kustomize", root.join("manifests").to_str().unwrap()]);
        assert!(
            built.ok(),
            "{what}: kubectl kustomize manifests/:\n{}",
            built.text()
        );
        let rendered = dir.path().join("kustomized.yaml");
        fs::write(&rendered, &built.stdout).unwrap();
        let manifests: String = yaml_files(&root.join("manifests"))
            .iter()
            .map(|f| fs::read_to_string(f).unwrap() + "\n---\n")
            .collect();
        assert_eq!(
            objects(&built.stdout),
            objects(&manifests),
            "{what}: kustomize's objects are the manifests'"
        );
        // Every file and kustomize's output in one call.
        let all: Vec<&Path> = std::iter::once(&rendered)
            .chain(&files)
            .map(|f| f.as_path())
            .collect();
        let r = dry_run(&k, &all);
        assert!(
            r.ok(),
            "{what}: the API server refuses part of {all:?}:\n{}",
            r.text()
        );
        // One line per object accepted.
        let accepted = r.stdout.matches("(server dry run)").count();
        assert!(
            accepted >= files.len(),
            "{what}: {accepted} objects for {} files:\n{}",
            files.len(),
            r.stdout
        );
        checked += files.len();
    }
    assert!(checked >= 16 * 9, "{checked} files checked");
}

/// The server's own refusals: what schemas alone would not all catch.
#[test]
fn the_real_server_refuses_broken_objects_with_its_own_message() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = Pki::new(10);
    let nlb = pki.nlb(0x28, -30, 60);
    let s = demo::every_combination()
        .into_iter()
        .find(|s| demo::combination_name(s) == "current")
        .unwrap();
    let k = Kube::new(s, &pki, &nlb);
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "an unknown field (strict decoding)",
            "apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: g, namespace: istio-system}
spec:
  selectr: {istio: ingressgateway}
  servers: []
",
            ".spec.selectr: field not declared in schema",
        ),
        (
            "a value of the wrong type (OpenAPI schema)",
            "apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: g, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: https, name: https, protocol: HTTPS}
    hosts: [a.example.com]
",
            "spec.servers[0].port.number",
        ),
        (
            "a CEL rule of Istio's CRD (portLevelMtls needs a selector)",
            "apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: p, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
  portLevelMtls:
    \"8080\": {mode: DISABLE}
",
            "portLevelMtls",
        ),
        (
            "a CEL rule of Gateway API's CRD (a path must be absolute)",
            "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: istio-system}
spec:
  rules:
  - matches:
    - path: {type: PathPrefix, value: status}
",
            "must be an absolute path",
        ),
        (
            "a Secret whose data is not base64",
            "apiVersion: v1
kind: Secret
metadata: {name: s, namespace: istio-system}
type: kubernetes.io/tls
data:
  tls.crt: '%%%'
  tls.key: '%%%'
",
            "illegal base64 data",
        ),
    ];
    let mut wrong = Vec::new();
    for (what, yaml, said) in cases {
        let f = dir.path().join("case.yaml");
        fs::write(&f, yaml).unwrap();
        let r = dry_run(&k, &[&f]);
        if r.ok() || !r.stderr.contains(said) {
            wrong.push(format!(
                "{what}: expected a refusal saying {said:?}:\n{}",
                r.text()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The Gateway API bundle's own objects, broken one way at a time: the server refuses what its
/// CRDs (v1.5.1 standard channel, CEL rules included) can judge, with its own message; and
/// accepts, as it must, what only the gateway controller (Istio) can judge.
#[test]
fn the_real_server_judges_the_gateway_api_objects_of_the_bundle() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = Pki::new(10);
    let nlb = pki.nlb(0x28, -30, 60);
    let s = demo::gateway_api_combinations()
        .into_iter()
        .find(|s| demo::combination_name(s) == "current-gateway-api")
        .unwrap();
    let k = Kube::new(s.clone(), &pki, &nlb);
    let plan = istio_alb::plan::plan(&s, &pki.inputs(&nlb, false), fakecluster::pki::now());
    let dir = tempfile::tempdir().unwrap();
    let root = fakecluster::write_bundle(&Bundle::of(&plan), dir.path());
    let ns = root.join("manifests/01-namespace.yaml");
    let r = k.kubectl(&["apply", "--server-side", "-f", ns.to_str().unwrap()]);
    assert!(r.ok(), "{}", r.text());
    let gateway = fs::read_to_string(root.join("manifests/05-gateway.yaml")).unwrap();
    let route = fs::read_to_string(root.join("manifests/06-http-route.yaml")).unwrap();
    let ca_ref = "          - group: ''\n            kind: ConfigMap\n            name: nlb-gateway-client-ca\n";
    assert!(gateway.contains(ca_ref), "{gateway}");
    assert!(route.contains("value: /status\n"), "{route}");
    let refs = |n: usize| -> String {
        (0..n)
            .map(|i| ca_ref.replace("nlb-gateway-client-ca", &format!("ca-{i}")))
            .collect()
    };
    let dry = |what: &str, yaml: &str| {
        let f = dir.path().join("case.yaml");
        fs::write(&f, yaml).unwrap();
        (what.to_owned(), dry_run(&k, &[&f]))
    };

    let refused = [
        (
            dry(
                "the route's path not absolute",
                &route.replace("value: /status\n", "value: status\n"),
            ),
            "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
        ),
        // The CRD caps caCertificateRefs at 8 (maxItems), not at 1: a ninth is refused.
        (
            dry("nine caCertificateRefs", &gateway.replace(ca_ref, &refs(9))),
            "caCertificateRefs: Too many: 9: must have at most 8 items",
        ),
        (
            dry(
                "a validation mode the CRD does not know",
                &gateway.replace("mode: AllowValidOnly", "mode: Required"),
            ),
            "validation.mode: Unsupported value: \"Required\"",
        ),
        // An empty list (minItems 1): validation without a CA is refused.
        (
            dry(
                "an empty caCertificateRefs",
                &gateway.replace(
                    &format!("caCertificateRefs:\n{ca_ref}"),
                    "caCertificateRefs: []\n",
                ),
            ),
            "caCertificateRefs: Invalid value: 0: spec.tls.frontend.default.validation.caCertificateRefs in body should have at least 1 items",
        ),
    ];
    let mut wrong = Vec::new();
    for ((what, r), said) in &refused {
        if r.ok() || !r.stderr.contains(said) {
            wrong.push(format!(
                "{what}: expected a refusal saying {said:?}:\n{}",
                r.text()
            ));
        }
    }
    // Accepted by the API server, as the Gateway API intends: a second CA reference is within
    // the CRD's cap (only the bundle's generator keeps it at one), and a CA object that does not
    // exist is not the API server's business (no referential integrity in admission). Istio
    // reports the latter on the Gateway's status instead: the listener's ResolvedRefs False with
    // reason InvalidCACertificateRef, which install.sh is to wait for (issue 23, point 3).
    let accepted = [
        dry(
            "a second caCertificateRef",
            &gateway.replace(ca_ref, &refs(2)),
        ),
        dry(
            "a CA object that does not exist",
            &gateway.replace("name: nlb-gateway-client-ca", "name: no-such-configmap"),
        ),
    ];
    for (what, r) in &accepted {
        if !r.ok() {
            wrong.push(format!(
                "{what}: expected the server to accept it:\n{}",
                r.text()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
