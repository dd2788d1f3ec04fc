//! A bundle and a real Kubernetes API server for its scripts (`tools/kube/cluster.sh`: etcd,
//! kube-apiserver, kube-controller-manager, kube-scheduler and kubectl of Kubernetes v1.36.3,
//! kwok for the pods, the CRDs as Istio, Traefik and Gateway API publish them), shaped like a
//! new IKS cluster with the Istio add-on. Only IBM's API, `kubectl exec`/`logs` into pods and
//! `curl` to public host names are stand-ins (`tests/tools/kube/`).
//!
//! Up to three clusters per test binary (`ISTIO_ALB_KUBE_CLUSTERS`; starting one takes 10-13 s),
//! each in a fresh folder on free ports and used by one test at a time: each test starts from a
//! reset (every object of a bundle or a test fixture deleted, IBM's part seeded again for its
//! settings). A cluster's watchdog stops it (by PID) when the test binary ends, however it ends.
//! The harness's own reads and deletions between the scripts' runs (dumps, the reset) go to the
//! REST API through curl (`rest.rs`); the scripts and the tests' own changes use the real kubectl.
#![allow(dead_code)]

mod rest;

use crate::fakecluster::{self, Run, pki, write_bundle};
use istio_alb::bundle::Bundle;
use istio_alb::inputs::CertInputs;
use istio_alb::settings::Settings;
use rest::{Api, Resource};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The kubeconfig context the scripts see, named as `ibmcloud ks cluster config` names it.
pub const CONTEXT: &str = "demo-cluster/c0ffee00";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cluster_sh() -> PathBuf {
    root().join("tools/kube/cluster.sh")
}

/// The folder of the built binaries (built once per machine; `./dev setup` builds them).
pub fn bin_dir() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out = Command::new("bash")
            .arg(cluster_sh())
            .arg("build")
            .stderr(Stdio::inherit())
            .output()
            .expect("bash runs tools/kube/cluster.sh");
        assert!(
            out.status.success(),
            "tools/kube/cluster.sh build failed (Go 1.26 and the Go module proxy are needed)"
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// The label of the objects a test makes itself (IBM's secrets, a team's objects): what the
/// reset between tests deletes, besides the bundles' objects.
pub const FIXTURE_LABEL: &str = "istio-alb-test/fixture";

/// One set of servers, started by the first test that takes its slot.
struct Cluster {
    dir: PathBuf,
    admin: PathBuf,
    /// Its REST API, for the harness's dumps and resets (`rest.rs`: a twentieth of kubectl's CPU).
    api: Api,
    /// The namespaces `up` made: the reset deletes any other.
    namespaces: Vec<String>,
}

/// How many clusters this test binary may run at once: `ISTIO_ALB_KUBE_CLUSTERS`, else 3, one
/// per test thread (`./dev test` runs the tests with `RUST_TEST_THREADS=3`; a test holds its
/// cluster while it runs, so cargo's default of one thread per core uses two). A test is one
/// chain of kubectl calls, which keeps about one core busy, and waits on the servers besides (a
/// namespace goes no sooner than 5 s after it is marked, a constant of Kubernetes' namespace
/// controller); three chains keep the two cores busy: 276 s for the 27 tests, against 357 s
/// with two and 283 s with four (2026-12-06, machine quiet, before the harness used curl).
fn slots() -> &'static [Mutex<Option<Cluster>>] {
    static SLOTS: OnceLock<Vec<Mutex<Option<Cluster>>>> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let n = std::env::var("ISTIO_ALB_KUBE_CLUSTERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n: &usize| *n > 0)
            .unwrap_or(3);
        (0..n).map(|_| Mutex::new(None)).collect()
    })
}

/// A free cluster slot (waiting while every slot is in use), its cluster started if it was not.
fn take_cluster() -> MutexGuard<'static, Option<Cluster>> {
    loop {
        for (index, slot) in slots().iter().enumerate() {
            let mut guard = match slot.try_lock() {
                Ok(g) => g,
                // A test that failed holding the slot leaves its cluster usable: the next test
                // resets it.
                Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => continue,
            };
            if guard.is_none() {
                *guard = Some(start_cluster(index));
            }
            return guard;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn start_cluster(index: usize) -> Cluster {
    // Not a TempDir: statics are never dropped; the watchdog removes it with `down`.
    let dir = std::env::temp_dir().join(format!("istio-alb-kube-{}-{index}", std::process::id()));
    let out = Command::new("bash")
        .arg(cluster_sh())
        .env("KUBE_OWNER_PID", std::process::id().to_string())
        .arg("up")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cluster.sh up failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let admin = dir.join("kubeconfig");
    let text = fs::read_to_string(&admin).unwrap();
    let api = Api::new(
        &dir,
        kubeconfig_field(&text, "server"),
        kubeconfig_field(&text, "token"),
    );
    let namespaces = names(&api.list(&[kind(&api.resources(), "namespaces")], None));
    Cluster {
        api,
        namespaces,
        admin,
        dir,
    }
}

/// The kind named `name` (kubectl's name: `namespaces`, `deployments.apps`).
fn kind<'a>(kinds: &'a [Resource], name: &str) -> &'a Resource {
    kinds.iter().find(|r| r.name == name).unwrap()
}

/// The names of `objects`.
fn names(objects: &[Value]) -> Vec<String> {
    objects
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The cluster with a bundle written beside it, for one test.
pub struct Kube {
    /// The cluster this test holds until it ends.
    cluster: MutexGuard<'static, Option<Cluster>>,
    pub tmp: tempfile::TempDir,
    /// The cluster's folder (servers' data, logs, PIDs, IBM's registrations).
    pub dir: PathBuf,
    /// The kubeconfig the scripts use (context [`CONTEXT`], and `other-cluster/d00d`).
    pub kubeconfig: PathBuf,
    /// The bundle folder.
    pub root: PathBuf,
    /// The scripts' TMPDIR (must be empty after every run: it may hold keys).
    pub work: PathBuf,
    pub settings: Settings,
}

impl Kube {
    /// `settings` with certificates of `pki` on a new cluster; IBM's NLB secret holds `nlb`.
    pub fn new(settings: Settings, pki: &pki::Pki, nlb: &pki::Pair) -> Kube {
        Kube::with_inputs(settings, &pki.inputs(nlb, false), nlb)
    }

    /// As [`Kube::new`], the bundle holding the private client CA's key when `ca_key`.
    pub fn with_pki(settings: Settings, pki: &pki::Pki, nlb: &pki::Pair, ca_key: bool) -> Kube {
        Kube::with_inputs(settings, &pki.inputs(nlb, ca_key), nlb)
    }

    /// `settings` with `certs` on a new cluster; IBM's NLB secret holds `ibm_nlb`.
    pub fn with_inputs(settings: Settings, certs: &CertInputs, ibm_nlb: &pki::Pair) -> Kube {
        bin_dir();
        let guard = take_cluster();
        let c = guard.as_ref().expect("take_cluster starts the cluster");
        let tmp = tempfile::tempdir().unwrap();
        let plan = istio_alb::plan::plan(&settings, certs, pki::now());
        let root = write_bundle(&Bundle::of(&plan), tmp.path());
        let work = tmp.path().join("work");
        fs::create_dir_all(&work).unwrap();
        let dir = c.dir.clone();
        let (crt, key) = (
            tmp.path().join("ibm-nlb.crt"),
            tmp.path().join("ibm-nlb.key"),
        );
        fs::write(&crt, &ibm_nlb.cert).unwrap();
        fs::write(&key, &ibm_nlb.key).unwrap();
        reset(c);
        let out = Command::new("bash")
            .arg(cluster_sh())
            .arg("seed")
            .arg(&dir)
            .arg(&root)
            .arg(&crt)
            .arg(&key)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cluster.sh seed failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let kubeconfig = tmp.path().join("kubeconfig");
        let admin = fs::read_to_string(&c.admin).unwrap();
        fs::write(&kubeconfig, scripts_kubeconfig(&admin)).unwrap();
        Kube {
            cluster: guard,
            tmp,
            dir,
            kubeconfig,
            root,
            work,
            settings,
        }
    }

    /// kubectl's cache for this cluster (discovery and the OpenAPI documents that apply reads),
    /// shared by the tests that use the cluster, as an operator's kubectl keeps one, and removed
    /// with it: not ~/.kube/cache, which kept every test cluster's copy (1.6 GB on a developer
    /// machine after a day of test runs, written again for each test).
    fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }

    /// The real kubectl, as an administrator would run it.
    pub fn kubectl(&self, args: &[&str]) -> Run {
        let out = Command::new(bin_dir().join("kubectl"))
            .env("GOGC", "off") // as in tests/tools/kube/common.sh
            .env("KUBECACHEDIR", self.cache_dir())
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        collect(out)
    }

    /// `kubectl ARGS` that must succeed; its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.kubectl(args);
        assert!(r.ok(), "kubectl {args:?} failed:\n{}", r.text());
        r.stdout
    }

    /// kubectl apply --server-side of `yaml` (objects for a test's setup).
    pub fn apply(&self, yaml: &str, manager: &str) {
        let file = self.tmp.path().join("apply.yaml");
        fs::write(&file, yaml).unwrap();
        let m = format!("--field-manager={manager}");
        self.ok(&["apply", "--server-side", &m, "-f", file.to_str().unwrap()]);
    }

    /// One object as JSON, or None when it does not exist.
    pub fn get(&self, resource: &str, ns: &str, name: &str) -> Option<Value> {
        let mut args = vec!["get", resource, name, "-o", "json"];
        if !ns.is_empty() {
            args.extend(["-n", ns]);
        }
        let r = self.kubectl(&args);
        if !r.ok() {
            assert!(r.stderr.contains("NotFound"), "{}", r.text());
            return None;
        }
        Some(serde_json::from_str(&r.stdout).unwrap())
    }

    /// A data value of a secret, decoded.
    pub fn secret_value(&self, ns: &str, name: &str, key: &str) -> Option<String> {
        self.get("secret", ns, name)
            .and_then(|s| s["data"][key].as_str().map(fakecluster::unb64))
    }

    /// Every object of every kind that can be listed, without what the server sets by itself
    /// (resourceVersion, uid, managedFields, generation, timestamps): what two moments of the
    /// cluster must agree on. Left out: Events and Leases (the servers' heartbeats),
    /// ComponentStatuses (computed on each read, never stored), and the CustomResourceDefinitions
    /// as Istio, Traefik and Gateway API publish them: 3.5 MB of schemas, a third of a dump's
    /// time, which no script writes (each whole life checks that no call of theirs names one).
    pub fn dump(&self) -> Vec<Value> {
        let cluster = self
            .cluster
            .as_ref()
            .expect("a Kube holds a started cluster");
        // Asked each time (two requests): a test may serve a kind at another version.
        let served = cluster.api.resources();
        let kinds: Vec<&Resource> = served
            .iter()
            .filter(|k| {
                k.can("list")
                    && !k.name.starts_with("events")
                    && !k.name.starts_with("leases.")
                    && !k.name.starts_with("componentstatuses")
                    && !k.name.starts_with("customresourcedefinitions.")
            })
            .collect();
        let mut out: Vec<Value> = cluster
            .api
            .list(&kinds, None)
            .into_iter()
            .map(|mut o| {
                normalise(&mut o);
                o
            })
            .collect();
        // Two dumps compare equal when both are empty: one without what `up` made would mean
        // the listing is broken, not that the cluster is unchanged.
        assert!(
            out.iter()
                .any(|o| o["kind"] == "Deployment"
                    && o["metadata"]["name"] == "istio-ingressgateway"),
            "a dump without the gateway's Deployment: {} objects",
            out.len()
        );
        out.sort_by_cached_key(|o| o.to_string());
        out
    }

    fn command(&self, script: &str, args: &[&str]) -> Command {
        let stand_ins = root().join("tests/tools/kube/bin");
        let mut cmd = Command::new("bash");
        cmd.arg(self.root.join("scripts").join(script))
            .args(args)
            .env(
                "PATH",
                format!("{}:{}", stand_ins.display(), std::env::var("PATH").unwrap()),
            )
            .env("KUBECONFIG", &self.kubeconfig)
            .env("KUBE_TEST_DIR", &self.dir)
            .env("REAL_KUBECTL", bin_dir().join("kubectl"))
            .env("STANDIN_PYTHON", fakecluster::venv_python())
            .env("HOME", self.tmp.path())
            .env("KUBECACHEDIR", self.cache_dir())
            .env("TMPDIR", &self.work)
            .stdin(Stdio::null());
        cmd
    }

    /// Run a script of the bundle with the stand-ins on PATH.
    pub fn run(&self, script: &str, args: &[&str]) -> Run {
        collect(self.command(script, args).output().unwrap())
    }

    /// Start a script without waiting, as the leader of its own process group (for signal
    /// tests: a terminal's Ctrl-C, or a supervisor stopping a job, signals the whole group, so
    /// the kubectl call the script waits on is stopped too).
    pub fn spawn(&self, script: &str, args: &[&str]) -> std::process::Child {
        let mut cmd = self.command(script, args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd.spawn().unwrap()
    }

    /// The calls the scripts made so far, as `TOOL ARGS...`.
    pub fn calls(&self) -> Vec<String> {
        fs::read_to_string(self.dir.join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest).to_owned())
            .collect()
    }

    /// The calls that changed the cluster, written as the fake's `changes` writes them
    /// (kubectl's arguments, the bundle folder as `<BUNDLE>`, a file of the scripts' temporary
    /// folder as `<WORK>/FILE`): apply, create, delete, label, annotate, patch, replace and
    /// `rollout restart`, unless sent as a dry run.
    pub fn changes(&self) -> Vec<String> {
        self.changes_in(&self.calls())
    }

    /// [`Kube::changes`] since the test began, [`Kube::clear_calls`] or not.
    pub fn every_change(&self) -> Vec<String> {
        let all = fs::read_to_string(self.dir.join("calls.all")).unwrap_or_default();
        self.changes_in(&all.lines().map(str::to_owned).collect::<Vec<_>>())
    }

    fn changes_in(&self, calls: &[String]) -> Vec<String> {
        let root = self.root.display().to_string();
        let work = self.work.display().to_string();
        calls
            .iter()
            .filter_map(|c| c.strip_prefix("kubectl "))
            .filter(|args| {
                let words: Vec<&str> = args.split(' ').collect();
                let mut verb = words.iter().enumerate().filter(|(i, w)| {
                    !w.starts_with('-') && (*i == 0 || words[i - 1] != "--context")
                });
                let changes = match verb.next().map(|(_, w)| *w) {
                    Some("apply" | "create" | "delete" | "label" | "annotate" | "patch")
                    | Some("replace") => true,
                    Some("rollout") => verb.next().is_some_and(|(_, w)| *w == "restart"),
                    _ => false,
                };
                changes
                    && !words
                        .iter()
                        .any(|w| w.starts_with("--dry-run") && *w != "--dry-run=none")
            })
            .map(|args| {
                args.split(' ')
                    .map(|a| fakecluster::shorten(a, &root, &work))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Select context `name` in the scripts' kubeconfig (as `kubectl config use-context` does).
    pub fn use_context(&self, name: &str) {
        self.ok(&["config", "use-context", name]);
    }

    /// Change what IBM's API answers (the `ibmcloud` stand-in reads `DIR/iks.json`, which
    /// the next test's seed writes again).
    pub fn edit_iks(&self, f: impl FnOnce(&mut Value)) {
        let p = self.dir.join("iks.json");
        let mut v: Value = serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
        f(&mut v);
        fs::write(p, v.to_string()).unwrap();
    }

    /// Apply `objects` (as `kubectl get -o json` gave them) again, server-side, as `manager`,
    /// taking back every field another manager changed since: how a test undoes what it broke.
    pub fn restore(&self, objects: &[Value], manager: &str) {
        let items: Vec<Value> = objects
            .iter()
            .map(|o| {
                let mut o = o.clone();
                if let Some(m) = o["metadata"].as_object_mut() {
                    SERVER_SET.iter().for_each(|k| drop(m.remove(*k)));
                }
                o
            })
            .collect();
        let file = self.tmp.path().join("restore.json");
        let list = serde_json::json!({ "apiVersion": "v1", "kind": "List", "items": items });
        fs::write(&file, list.to_string()).unwrap();
        let m = format!("--field-manager={manager}");
        let f = file.to_str().unwrap();
        self.ok(&["apply", "--server-side", "--force-conflicts", &m, "-f", f]);
    }

    /// Forget the calls so far (numbering starts again at 1).
    pub fn clear_calls(&self) {
        let _ = fs::remove_file(self.dir.join("calls.log"));
        let _ = fs::remove_file(self.dir.join("calls"));
    }

    /// Make call `n` (counted from the last [`Kube::clear_calls`]) fail; None: no failure.
    pub fn fail_at(&self, n: Option<usize>) {
        let f = self.dir.join("fail_at");
        match n {
            Some(n) => fs::write(f, n.to_string()).unwrap(),
            None => {
                let _ = fs::remove_file(f);
            }
        }
    }

    /// Make call `n` hang (until the script is killed); None: no hang.
    pub fn hang_at(&self, n: Option<usize>) {
        let f = self.dir.join("hang_at");
        match n {
            Some(n) => fs::write(f, n.to_string()).unwrap(),
            None => {
                let _ = fs::remove_file(f);
            }
        }
    }

    /// Override the imitated parts (tests/tools/kube/standin.py), e.g. an unreachable gateway.
    pub fn imitate(&self, json: Value) {
        fs::write(self.dir.join("standin.json"), json.to_string()).unwrap();
    }

    /// IBM renews (or replaces) the NLB certificate in its secret, as IBM's controller would.
    pub fn set_ibm_nlb(&self, nlb: &pki::Pair) {
        self.set_ibm_nlb_pem(&nlb.cert, &nlb.key);
    }

    /// IBM's NLB secret holds `cert` and `key`, whatever they are.
    pub fn set_ibm_nlb_pem(&self, cert: &str, key: &str) {
        let s = &self.settings;
        let ns = if s.ibm_keeps_gateway_secret() {
            s.gateway_namespace.as_str()
        } else {
            "default"
        };
        let yaml = format!(
            "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: {}\n  namespace: {ns}\n  labels: {{{FIXTURE_LABEL}: \"true\"}}\ndata:\n  tls.crt: {}\n  tls.key: {}\n",
            s.nlb_secret,
            fakecluster::b64(cert),
            fakecluster::b64(key)
        );
        self.apply(&yaml, "ibm-cloud");
    }

    /// Files left in the scripts' TMPDIR.
    pub fn leftovers(&self) -> Vec<String> {
        fs::read_dir(&self.work)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// Objects for a test's setup, labelled as fixtures (the reset deletes them).
    pub fn fixture(&self, yaml: &str, manager: &str) {
        let labelled: Vec<String> = yaml
            .split("\n---\n")
            .map(|doc| {
                doc.replacen(
                    "metadata:\n",
                    &format!("metadata:\n  labels: {{{FIXTURE_LABEL}: \"true\"}}\n"),
                    1,
                )
            })
            .collect();
        self.apply(&labelled.join("\n---\n"), manager);
    }

    /// The last lines of a server's log (for assertion messages).
    pub fn log_tail(&self, server: &str) -> String {
        let text = fs::read_to_string(self.dir.join("logs").join(format!("{server}.log")))
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

/// Back to the cluster as `up` left it: the test files of the stand-ins gone, every object of a
/// bundle (`app.kubernetes.io/managed-by=istio-alb`) or of a test (`FIXTURE_LABEL`) deleted,
/// namespaces included, and every namespace `up` did not make, waiting until they are gone. (A
/// test that left an unlabelled namespace behind made the next test on that cluster fail.)
fn reset(c: &Cluster) {
    for f in [
        "calls",
        "calls.log",
        "calls.all",
        "fail_at",
        "hang_at",
        "standin.json",
    ] {
        let _ = fs::remove_file(c.dir.join(f));
    }
    // Every kind but Events (the servers' own records) and namespaces (deleted after their
    // content, below).
    let served = c.api.resources();
    let kinds: Vec<&Resource> = served
        .iter()
        .filter(|k| {
            k.can("list")
                && k.can("delete")
                && !k.name.starts_with("events")
                && k.name != "namespaces"
        })
        .collect();
    let ns = [kind(&served, "namespaces")];
    for selector in ["app.kubernetes.io/managed-by=istio-alb", FIXTURE_LABEL] {
        c.api.delete(&kinds, &c.api.list(&kinds, Some(selector)));
        c.api.delete(&ns, &c.api.list(&ns, Some(selector)));
    }
    // What a test made without either label (someone else's objects, which cleanup keeps on
    // purpose) goes with its namespace: every namespace `up` did not make.
    let made: Vec<Value> = c
        .api
        .list(&ns, None)
        .into_iter()
        .filter(|n| {
            !c.namespaces
                .iter()
                .any(|m| n["metadata"]["name"] == m.as_str())
        })
        .collect();
    c.api.delete(&ns, &made);
}

/// The value of `key` in the administrator's kubeconfig (`cluster.sh` writes one cluster and
/// one user: `server`, `certificate-authority-data`, `token`).
fn kubeconfig_field<'a>(kubeconfig: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key}: ");
    kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("the kubeconfig has no {key}"))
}

/// The administrator's kubeconfig with the context and cluster named as IBM names them, and a
/// second context for another cluster (the scripts must refuse it).
fn scripts_kubeconfig(admin: &str) -> String {
    let server = kubeconfig_field(admin, "server");
    let ca = kubeconfig_field(admin, "certificate-authority-data");
    let token = kubeconfig_field(admin, "token");
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: {CONTEXT}
  cluster:
    server: {server}
    certificate-authority-data: {ca}
- name: other-cluster/d00d
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: admin
  user:
    token: {token}
contexts:
- name: {CONTEXT}
  context:
    cluster: {CONTEXT}
    user: admin
- name: other-cluster/d00d
  context:
    cluster: other-cluster/d00d
    user: admin
current-context: {CONTEXT}
"
    )
}

/// The metadata the server sets by itself.
const SERVER_SET: [&str; 5] = [
    "resourceVersion",
    "uid",
    "managedFields",
    "generation",
    "creationTimestamp",
];

/// Remove what the server sets by itself, recursively for timestamps and uids.
fn normalise(o: &mut Value) {
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        SERVER_SET.iter().for_each(|k| drop(m.remove(*k)));
    }
    strip_times(o);
}

fn strip_times(v: &mut Value) {
    match v {
        Value::Object(m) => {
            // ...and every uid (an owner reference names its owner's): the server's to set.
            m.retain(|k, _| !(k.ends_with("Time") || k.ends_with("Timestamp") || k == "uid"));
            m.values_mut().for_each(strip_times);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_times),
        _ => {}
    }
}

fn collect(output: std::process::Output) -> Run {
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    }
}
