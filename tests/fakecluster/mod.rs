//! A bundle written to a temporary folder and a stateful fake cluster for its scripts
//! (`tests/tools/fakecluster/`: `kubectl`, `ibmcloud` and `curl` in Python, state in a JSON
//! file). The cluster starts as IBM Cloud hands it over: Istio and the ALB installed, IBM's
//! secrets in `default`, the NLB host name registered for the gateway's IP. The classic profile
//! only (Kubernetes <= 1.21, which no current API server serves): every current-profile bundle
//! runs against a real API server (`tests/kube_bundles.rs`), whose stand-ins for what cannot run
//! here (IBM's API, Envoy, curl to public names) reuse fake.py's decision functions.
#![allow(dead_code)]

pub mod pki;

use istio_alb::bundle::Bundle;
use istio_alb::demo;
use istio_alb::inputs::CertInputs;
use istio_alb::settings::{Infrastructure, Profile, Settings};
use serde_json::{Value, json};
use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

/// 2025-11-26T10:00:00Z, the time the bundles are checked at (the demo set is valid then).
pub const AT: i64 = 1_764_151_200;
pub const CONTEXT: &str = "demo-cluster/c0ffee00";

pub fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

pub fn unb64(text: &str) -> String {
    use base64::Engine as _;
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
    )
    .unwrap()
}

fn fake_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/fakecluster")
}

/// The fake cluster's server for this test binary: started once, ends when the binary does
/// (its stdin, which we hold, closes).
fn port() -> u16 {
    static SERVER: OnceLock<(u16, Mutex<(Child, ChildStdin)>)> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let mut child = Command::new(venv_python())
                .arg(fake_dir().join("fake.py"))
                .arg("serve")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("the project's venv python runs the fake cluster (./dev setup makes it)");
            let stdin = child.stdin.take().unwrap();
            let mut line = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(child.stdout.take().unwrap()),
                &mut line,
            )
            .unwrap();
            let port = line.trim().parse().expect("the fake cluster's port");
            (port, Mutex::new((child, stdin)))
        })
        .0
}

/// The Python of the project's venv (`./dev setup`: `.tools/venv`, or `$ISTIO_ALB_VENV`), which
/// has PyYAML for the fake's YAML.
pub fn venv_python() -> PathBuf {
    std::env::var_os("ISTIO_ALB_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv"))
        .join("bin/python3")
}

/// Whether the tests can run here: the venv's python for the fake, openssl for the scripts.
pub fn tools_present() -> bool {
    let ok = venv_python().is_file() && crate::support::has_program("openssl", "version");
    if !ok {
        crate::support::missing(
            crate::support::Need::Tool,
            "the project's venv (./dev setup) or openssl is missing",
        );
    }
    ok
}

pub struct Run {
    pub output: Output,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.output.status.success()
    }
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
    /// stdout and stderr, for assertion messages.
    pub fn text(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }
    /// verify.sh's output: each FAIL line is followed by its next step.
    pub fn assert_each_fail_has_a_next_step(&self) {
        let lines: Vec<&str> = self.stdout.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if l.trim_start().starts_with("FAIL: ") {
                assert!(
                    lines
                        .get(i + 1)
                        .is_some_and(|n| n.trim_start().starts_with("next: ")),
                    "no next step after {l}\n{}",
                    self.text()
                );
            }
        }
    }
}

pub struct Fake {
    pub tmp: tempfile::TempDir,
    /// The bundle folder.
    pub root: PathBuf,
    pub state: PathBuf,
    /// The scripts' TMPDIR (must be empty after every run).
    pub work: PathBuf,
    pub settings: Settings,
}

fn obj(api: &str, kind: &str, ns: &str, name: &str) -> Value {
    let mut meta =
        json!({ "name": name, "uid": format!("seed-{kind}-{name}"), "resourceVersion": "1" });
    if !ns.is_empty() {
        meta["namespace"] = json!(ns);
    }
    json!({ "apiVersion": api, "kind": kind, "metadata": meta })
}

pub fn secret(ns: &str, name: &str, data: &[(&str, &str)]) -> Value {
    let mut s = obj("v1", "Secret", ns, name);
    s["type"] = json!("kubernetes.io/tls");
    s["data"] = data
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(b64(v))))
        .collect();
    s
}

pub fn write_bundle(bundle: &Bundle, dir: &Path) -> PathBuf {
    let root = dir.join(&bundle.root);
    for f in &bundle.files {
        let p = root.join(&f.path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, &f.contents).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(f.mode)).unwrap();
    }
    root
}

impl Fake {
    /// The demo bundle of `profile` on a fresh cluster.
    pub fn new(profile: Profile) -> Fake {
        Fake::with(demo::settings_for(profile), &demo::cert_inputs())
    }

    /// The demo settings of `profile` with certificates of `pki`: IBM's NLB secret holds `nlb`,
    /// as does the bundle.
    pub fn with_pki(profile: Profile, pki: &pki::Pki, nlb: &pki::Pair, ca_key: bool) -> Fake {
        let f = Fake::with(demo::settings_for(profile), &pki.inputs(nlb, ca_key));
        f.set_ibm_nlb(nlb);
        f
    }

    /// `settings` (any combination) with certificates of `pki`: IBM's NLB secret holds `nlb`,
    /// as does the bundle.
    pub fn with_pki_settings(
        settings: Settings,
        pki: &pki::Pki,
        nlb: &pki::Pair,
        ca_key: bool,
    ) -> Fake {
        let f = Fake::with(settings, &pki.inputs(nlb, ca_key));
        f.set_ibm_nlb(nlb);
        f
    }

    /// The namespace IBM keeps the NLB secret in: `default`, or the gateway namespace in
    /// IBM-renewed mode.
    pub fn ibm_nlb_namespace(&self) -> String {
        if self.settings.ibm_keeps_gateway_secret() {
            self.settings.gateway_namespace.clone()
        } else {
            "default".to_owned()
        }
    }

    /// IBM renews (or replaces) the NLB's certificate in its secret.
    pub fn set_ibm_nlb(&self, nlb: &pki::Pair) {
        let s = self.settings.clone();
        let ns = self.ibm_nlb_namespace();
        self.remove("Secret", &ns, &s.nlb_secret);
        self.add(secret(
            &ns,
            &s.nlb_secret,
            &[("tls.crt", &nlb.cert), ("tls.key", &nlb.key)],
        ));
    }

    pub fn with(settings: Settings, certs: &CertInputs) -> Fake {
        assert_eq!(
            settings.profile,
            Profile::Classic,
            "the fake keeps the classic profile: the current one runs against a real API server \
             (tests/kube_bundles.rs)"
        );
        let tmp = tempfile::tempdir().unwrap();
        let plan = istio_alb::plan::plan(&settings, certs, AT);
        let root = write_bundle(&Bundle::of(&plan), tmp.path());
        let work = tmp.path().join("work");
        fs::create_dir_all(&work).unwrap();
        let state = tmp.path().join("state.json");
        let fake = Fake {
            tmp,
            root,
            state,
            work,
            settings,
        };
        fake.save(&fake.initial());
        fake
    }

    /// Another cluster and bundle folder in the same state as this one.
    pub fn fork(&self) -> Fake {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join(self.root.file_name().unwrap());
        copy_dir(&self.root, &root);
        let work = tmp.path().join("work");
        fs::create_dir_all(&work).unwrap();
        let state = tmp.path().join("state.json");
        fs::copy(&self.state, &state).unwrap();
        Fake {
            tmp,
            root,
            state,
            work,
            settings: self.settings.clone(),
        }
    }

    fn initial(&self) -> Value {
        let s = &self.settings;
        let gw = s.gateway_namespace.as_str();
        let mut objects = vec![
            obj("v1", "Namespace", "", "default"),
            obj("v1", "Namespace", "", "kube-system"),
            obj("v1", "Namespace", "", gw),
        ];
        for crd in [
            "gateways.networking.istio.io",
            "virtualservices.networking.istio.io",
            "destinationrules.networking.istio.io",
            "policies.authentication.istio.io",
        ] {
            objects.push(obj(
                "apiextensions.k8s.io/v1",
                "CustomResourceDefinition",
                "",
                crd,
            ));
        }
        let vpc = s.infrastructure == Infrastructure::Vpc;
        let mut dep = obj("apps/v1", "Deployment", gw, "istio-ingressgateway");
        dep["metadata"]["labels"] = json!({ "istio": "ingressgateway" });
        objects.push(dep);
        let mut pod = obj("v1", "Pod", gw, "istio-ingressgateway-5d9f");
        pod["metadata"]["labels"] = json!({ "istio": "ingressgateway" });
        pod["status"] = json!({ "phase": "Running", "containerStatuses": [{ "name": "istio-proxy", "ready": true }] });
        objects.push(pod);
        let mut svc = obj("v1", "Service", gw, "istio-ingressgateway");
        svc["status"] = if vpc {
            json!({ "loadBalancer": { "ingress": [{ "hostname": s.lb_host }] } })
        } else {
            json!({ "loadBalancer": { "ingress": [{ "ip": s.ingress_ip }] } })
        };
        objects.push(svc);
        let alb_pod = "public-crdemo-alb1-7f9c";
        let mut alb = obj("v1", "Pod", "kube-system", alb_pod);
        alb["status"] = json!({ "phase": "Running" });
        objects.push(alb);
        let nlb_ns = if s.ibm_keeps_gateway_secret() {
            gw
        } else {
            "default"
        };
        objects.push(secret(
            nlb_ns,
            &s.nlb_secret,
            &[("tls.crt", demo::NLB_CERT), ("tls.key", demo::NLB_KEY)],
        ));
        objects.push(secret(
            "default",
            &s.alb_secret,
            &[("tls.crt", demo::NLB_CERT), ("tls.key", demo::NLB_KEY)],
        ));
        let cluster = json!({
            "server": "https://c100.us-south.containers.cloud.ibm.com:30000",
            "ibm_name": s.cluster_name,
            "infrastructure": s.infrastructure.as_str(),
            "nlb": [if vpc {
                json!({ "host": s.nlb_domain, "lb_host": s.lb_host, "secret": s.nlb_secret, "secret_namespace": nlb_ns })
            } else {
                json!({ "host": s.nlb_domain, "ips": [s.ingress_ip], "secret": s.nlb_secret, "secret_namespace": nlb_ns })
            }],
            "logs": {},
            "objects": objects,
            "gateway": { "reachable": true },
            "loaded": {},
            "restarts": 0,
        });
        let other = json!({
            "server": "https://c200.eu-de.containers.cloud.ibm.com:30001",
            "ibm_name": "other-cluster",
            "nlb": [],
            "objects": [obj("v1", "Namespace", "", "default"), obj("v1", "Namespace", "", gw)],
            "gateway": { "reachable": true },
        });
        json!({
            "current_context": CONTEXT,
            "contexts": {
                CONTEXT: { "cluster": CONTEXT },
                "other-cluster/d00d": { "cluster": "other-cluster/d00d" },
            },
            "clusters": { CONTEXT: cluster, "other-cluster/d00d": other },
            "calls": 0,
            "log": [],
        })
    }

    pub fn load(&self) -> Value {
        serde_json::from_slice(&fs::read(&self.state).unwrap()).unwrap()
    }

    pub fn save(&self, v: &Value) {
        fs::write(&self.state, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    }

    pub fn edit(&self, f: impl FnOnce(&mut Value)) {
        let mut v = self.load();
        f(&mut v);
        self.save(&v);
    }

    /// The demo cluster's part of the state.
    pub fn cluster(&self) -> Value {
        self.load()["clusters"][CONTEXT].clone()
    }

    pub fn edit_cluster(&self, f: impl FnOnce(&mut Value)) {
        self.edit(|v| f(&mut v["clusters"][CONTEXT]));
    }

    /// The objects of the demo cluster, with the fields the fake sets itself removed: what two
    /// runs must agree on.
    pub fn objects(&self) -> Vec<Value> {
        let mut out: Vec<Value> = self.cluster()["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                let mut o = o.clone();
                let pod = o["kind"] == "Pod";
                if let Some(m) = o["metadata"].as_object_mut() {
                    m.remove("resourceVersion");
                    m.remove("uid");
                    m.remove("creationTimestamp");
                    if pod {
                        m.remove("name");
                    }
                }
                o
            })
            .collect();
        out.sort_by_key(|o| o.to_string());
        out
    }

    pub fn object(&self, kind: &str, ns: &str, name: &str) -> Option<Value> {
        self.cluster()["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| {
                o["kind"] == kind
                    && o["metadata"]["name"] == name
                    && o["metadata"]["namespace"].as_str().unwrap_or("") == ns
            })
            .cloned()
    }

    pub fn add(&self, o: Value) {
        self.edit_cluster(|c| c["objects"].as_array_mut().unwrap().push(o));
    }

    pub fn remove(&self, kind: &str, ns: &str, name: &str) {
        self.edit_cluster(|c| {
            c["objects"].as_array_mut().unwrap().retain(|o| {
                !(o["kind"] == kind
                    && o["metadata"]["name"] == name
                    && o["metadata"]["namespace"].as_str().unwrap_or("") == ns)
            })
        });
    }

    /// A data value of a secret, decoded.
    pub fn secret_value(&self, ns: &str, name: &str, key: &str) -> Option<String> {
        self.object("Secret", ns, name)
            .and_then(|s| s["data"][key].as_str().map(unb64))
    }

    /// Every call so far, as `tool arg...`.
    pub fn calls(&self) -> Vec<String> {
        self.load()["log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let mut words = vec![e["tool"].as_str().unwrap().to_owned()];
                words.extend(
                    e["argv"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a.as_str().unwrap().to_owned()),
                );
                words.join(" ")
            })
            .collect()
    }

    /// The calls that changed a cluster, with the bundle and temporary folders shortened.
    pub fn changes(&self) -> Vec<String> {
        let root = self.root.display().to_string();
        let work = self.work.display().to_string();
        self.load()["log"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e.get("change").is_some())
            .map(|e| {
                let words: Vec<String> = e["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| shorten(a.as_str().unwrap(), &root, &work))
                    .collect();
                words.join(" ")
            })
            .collect()
    }

    pub fn clear_log(&self) {
        self.edit(|v| {
            v["log"] = json!([]);
            v["calls"] = json!(0);
        });
    }

    pub fn command(&self, script: &str, args: &[&str]) -> Command {
        let bin = fake_dir().join("bin");
        let mut cmd = Command::new("bash");
        cmd.arg(self.root.join("scripts").join(script))
            .args(args)
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("FAKE_PORT", port().to_string())
            .env("FAKE_STATE", &self.state)
            .env("TMPDIR", &self.work)
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, script: &str, args: &[&str]) -> Run {
        collect(self.command(script, args).output().unwrap())
    }

    /// With these environment variables besides (a machine's own CA files, say).
    pub fn run_with_env(&self, script: &str, args: &[&str], envs: &[(String, PathBuf)]) -> Run {
        let mut cmd = self.command(script, args);
        cmd.envs(envs.iter().map(|(k, v)| (k, v)));
        collect(cmd.output().unwrap())
    }

    /// With `input` on stdin (a pipe: not a terminal).
    pub fn run_with_input(&self, script: &str, args: &[&str], input: &str) -> Run {
        let mut child = self
            .command(script, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        collect(child.wait_with_output().unwrap())
    }

    /// Files left in the scripts' TMPDIR (must be none: they may hold keys).
    pub fn leftovers(&self) -> Vec<String> {
        fs::read_dir(&self.work)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }
}

/// A `&'static str` of `s`, for lists of expected calls built with `format!`.
pub fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// An argument of a call with the bundle folder `root` written `<BUNDLE>` and a file of the
/// scripts' temporary folder under `work` written `<WORK>/FILE`.
pub fn shorten(arg: &str, root: &str, work: &str) -> String {
    let a = arg.replace(root, "<BUNDLE>");
    match a.find(work) {
        Some(i) => {
            let rest = &a[i + work.len() + 1..];
            let file = rest.split_once('/').map_or(rest, |(_, f)| f);
            format!("{}<WORK>/{file}", &a[..i])
        }
        None => a,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn collect(output: Output) -> Run {
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    }
}
