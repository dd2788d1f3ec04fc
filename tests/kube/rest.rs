//! The test cluster's REST API read and written by one `curl` process per batch of requests,
//! for what the harness does between and around the scripts: dumps, the reset between tests.
//!
//! Why not kubectl: a `kubectl get` of the 55 listable kinds costs about 1 s of CPU (and
//! `kubectl delete -A -l` of 80 kinds as much, four times per reset), while the servers spend
//! 0.1 s answering; curl asks the same in a twentieth of the CPU, over one connection. The tests
//! are bound by the machine's two cores, so the harness's share was a quarter of the kube
//! tests' time. The scripts themselves still call the real kubectl: this is only the harness.
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A kind the server serves, at its preferred version (as `kubectl api-resources` lists them).
#[derive(Clone, Debug)]
pub struct Resource {
    /// `plural` for the core group, else `plural.group` (kubectl's names).
    pub name: String,
    /// `/api/v1` or `/apis/GROUP/VERSION`.
    base: String,
    plural: String,
    /// The kind of its objects (`ConfigMap`).
    kind: String,
    pub namespaced: bool,
    verbs: Vec<String>,
}

impl Resource {
    /// The `apiVersion` of its objects (`v1`, `apps/v1`).
    fn api_version(&self) -> &str {
        self.base
            .trim_start_matches("/apis/")
            .trim_start_matches("/api/")
    }

    pub fn can(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }

    /// Every object of this kind, in every namespace.
    fn list_path(&self, selector: Option<&str>) -> String {
        match selector {
            Some(s) => format!("{}/{}?labelSelector={}", self.base, self.plural, encode(s)),
            None => format!("{}/{}", self.base, self.plural),
        }
    }

    /// The object `name` (in `namespace` when the kind is namespaced).
    fn object_path(&self, namespace: Option<&str>, name: &str) -> String {
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{}/namespaces/{ns}/{}/{name}", self.base, self.plural),
            None => format!("{}/{}/{name}", self.base, self.plural),
        }
    }
}

/// Percent-encoding of a label selector's reserved characters (`=`, `/`, `,`, `!`).
fn encode(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' | '_' | '~' => c.to_string(),
            c => format!("%{:02X}", c as u32),
        })
        .collect()
}

/// The API server at `server`, as its administrator (curl's config file: the bearer token and
/// the cluster's CA, kept out of the command line).
pub struct Api {
    server: String,
    config: PathBuf,
}

impl Api {
    /// For the administrator (`server` and bearer `token` of the cluster's kubeconfig) of the
    /// cluster in folder `dir` of `tools/kube/cluster.sh`, whose CA is `pki/ca.crt`. The curl
    /// config holds the token: readable by its owner only, as the kubeconfig is.
    pub fn new(dir: &Path, server: &str, token: &str) -> Api {
        use std::os::unix::fs::OpenOptionsExt as _;
        let config = dir.join("curl.conf");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&config)
            .unwrap();
        std::io::Write::write_all(
            &mut file,
            format!(
                "header = \"Authorization: Bearer {token}\"\ncacert = \"{}\"\nsilent\nshow-error\n",
                dir.join("pki/ca.crt").display()
            )
            .as_bytes(),
        )
        .unwrap();
        Api {
            server: server.trim_end_matches('/').to_owned(),
            config,
        }
    }

    /// One request per path, all with `method`, over one connection; the answers' JSON bodies
    /// in order (a missing object answers a Status with code 404).
    fn send(&self, method: &str, paths: &[String]) -> Vec<Value> {
        if paths.is_empty() {
            return Vec::new();
        }
        let out = Command::new("curl")
            .arg("-K")
            .arg(&self.config)
            .args(["-X", method])
            .args(paths.iter().map(|p| format!("{}{p}", self.server)))
            .output()
            .expect("curl runs");
        assert!(
            out.status.success(),
            "curl {method} {paths:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let answers: Vec<Value> = serde_json::Deserializer::from_slice(&out.stdout)
            .into_iter::<Value>()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{method} {paths:?}: not JSON: {e}"));
        assert_eq!(answers.len(), paths.len(), "{method} {paths:?}");
        answers
    }

    /// GET of lists: every item, with the `apiVersion` and `kind` that a list leaves out of its
    /// items (as kubectl writes them).
    fn items(&self, paths: &[String]) -> Vec<Value> {
        let mut items = Vec::new();
        for (list, path) in self.send("GET", paths).into_iter().zip(paths) {
            let kind = list["kind"].as_str().unwrap_or_default();
            let kind = kind
                .strip_suffix("List")
                .unwrap_or_else(|| panic!("GET {path}: {list}"))
                .to_owned();
            let api_version = list["apiVersion"].clone();
            for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                item["apiVersion"] = api_version.clone();
                item["kind"] = Value::String(kind.clone());
                items.push(item);
            }
        }
        items
    }

    /// Every kind the server serves, each at its group's preferred version, or at the newest
    /// version that has it when the preferred one does not (kubectl's `ServerPreferredResources`).
    /// Subresources are left out.
    pub fn resources(&self) -> Vec<Resource> {
        let groups = &self.send("GET", &["/apis".to_owned()])[0];
        let mut bases = vec!["/api/v1".to_owned()];
        for g in groups["groups"].as_array().unwrap() {
            let preferred = g["preferredVersion"]["groupVersion"].as_str().unwrap();
            bases.push(format!("/apis/{preferred}"));
            for v in g["versions"].as_array().unwrap() {
                let gv = v["groupVersion"].as_str().unwrap();
                if gv != preferred {
                    bases.push(format!("/apis/{gv}"));
                }
            }
        }
        let mut out: Vec<Resource> = Vec::new();
        for (list, base) in self.send("GET", &bases).into_iter().zip(&bases) {
            let group = list["groupVersion"]
                .as_str()
                .unwrap()
                .rsplit_once('/')
                .map(|(g, _)| g.to_owned());
            for r in list["resources"].as_array().unwrap() {
                let plural = r["name"].as_str().unwrap();
                if plural.contains('/') {
                    continue;
                }
                let name = match &group {
                    Some(g) => format!("{plural}.{g}"),
                    None => plural.to_owned(),
                };
                if out.iter().any(|o| o.name == name) {
                    continue;
                }
                out.push(Resource {
                    name,
                    base: base.clone(),
                    plural: plural.to_owned(),
                    kind: r["kind"].as_str().unwrap().to_owned(),
                    namespaced: r["namespaced"].as_bool().unwrap(),
                    verbs: r["verbs"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                });
            }
        }
        out
    }

    /// Every object of `kinds` in every namespace, matching `selector` when one is given.
    pub fn list(&self, kinds: &[&Resource], selector: Option<&str>) -> Vec<Value> {
        let paths: Vec<String> = kinds.iter().map(|r| r.list_path(selector)).collect();
        self.items(&paths)
    }

    /// Delete `objects` (items of [`Api::list`] of `kinds`) and wait until every one is gone
    /// (finalizers done: a namespace goes once the namespace controller has emptied it), as
    /// `kubectl delete --wait` does; at most 120 s.
    pub fn delete(&self, kinds: &[&Resource], objects: &[Value]) {
        let paths: Vec<String> = objects
            .iter()
            .map(|o| {
                let api_version = o["apiVersion"].as_str().unwrap();
                let kind = o["kind"].as_str().unwrap();
                let r = kinds
                    .iter()
                    .find(|r| r.api_version() == api_version && r.kind == kind)
                    .unwrap_or_else(|| panic!("no kind listed for {api_version} {kind}"));
                r.object_path(
                    o["metadata"]["namespace"].as_str(),
                    o["metadata"]["name"].as_str().unwrap(),
                )
            })
            .collect();
        self.send("DELETE", &paths);
        let started = std::time::Instant::now();
        let mut left = paths;
        while !left.is_empty() {
            let answers = self.send("GET", &left);
            left = left
                .into_iter()
                .zip(answers)
                .filter(|(_, a)| !(a["kind"] == "Status" && a["code"] == 404))
                .map(|(p, _)| p)
                .collect();
            assert!(
                started.elapsed().as_secs() < 120,
                "still there 120 s after their deletion: {left:?}"
            );
            if !left.is_empty() {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        }
    }
}
