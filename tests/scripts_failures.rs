//! A failure at any call of `install.sh`, `renew.sh` or `cleanup.sh` stops it cleanly (the step
//! named, that a rerun is safe, no temporary file left), and a rerun reaches the same cluster as
//! a run that never failed. A signal leaves no key material behind.
//!
//! The cluster holds someone else's objects: the app namespace (install only labels it) and
//! the app namespace's old Ingress (deleted, as `--delete-old-ingress` allows). How install shares an object of the
//! bundle's name with another field manager is the API server's to decide: tests/kube_bundles.rs.
//! Sweeps: install (current profile; classic makes the same calls plus the gateway restart),
//! renew on classic (secrets written, then the restart: a rerun after a failure between the two
//! must still restart), cleanup. A run that failed before its first change must have left the
//! cluster as it was. Runs that failed into the same cluster are rerun once: the
//! fake is deterministic, so one rerun stands for them all (it keeps the sweep affordable).
#![cfg(not(target_arch = "wasm32"))]

mod fakecluster;
mod support;

use fakecluster::Fake;
use istio_alb::settings::Profile;
use serde_json::{Value, json};
use std::process::Command;
use std::sync::Mutex;

fn seed(f: &Fake) {
    f.add(json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "httptools" } }));
    f.add(json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": { "name": "alb-ingress", "namespace": "httptools" },
        "spec": { "rules": [{ "host": "httpbin.demo-cluster-0000.us-south.containers.example.com",
                  "http": { "paths": [{ "path": "/status", "backend": { "service": { "name": "httpbin", "port": { "number": 8000 } } } }] } }] }
    }));
}

/// A cluster a failed run left, rerun once.
type Seen = (Vec<Value>, Value);

/// What two runs must agree on: the objects, and what the classic gateway loaded.
fn outcome(f: &Fake) -> (Vec<Value>, Value) {
    (f.objects(), f.cluster()["loaded"].clone())
}

/// Fails the `script` run at each of its calls in turn, on copies of `start` (a cluster where
/// the script is about to run); checks the report, the temporary folder and the rerun. Runs that
/// failed into the same cluster are rerun once (the fake is deterministic).
fn sweep(what: &str, script: &str, args: &[&str], start: &Fake) {
    start.clear_log();
    let reference = start.fork();
    let initial = outcome(&reference);
    let r = reference.run(script, args);
    assert!(r.ok(), "{what} {script}: {}", r.text());
    let want = outcome(&reference);
    let calls = reference.calls().len();
    assert!(calls > 5, "{what} {script}: {calls} calls");
    let ks: Vec<usize> = (1..=calls).collect();
    let rerun: Mutex<Vec<Seen>> = Mutex::new(Vec::new());
    let (initial, want, rerun) = (&initial, &want, &rerun);
    std::thread::scope(|scope| {
        for chunk in ks.chunks(calls.div_ceil(2)) {
            scope.spawn(move || {
                for &k in chunk {
                    let f = start.fork();
                    f.edit(|v| v["fail_at"] = json!(k));
                    let r = f.run(script, args);
                    let case = format!("{what} {script}, call {k} ({}) failing", f.calls()[k - 1]);
                    assert!(!r.ok(), "{case}: the script succeeded anyway\n{}", r.text());
                    assert!(
                        r.stderr.contains(&format!("{script} stopped at step"))
                            && r.stderr
                                .contains(&format!("Running {script} again is safe")),
                        "{case}:\n{}",
                        r.text()
                    );
                    assert!(f.leftovers().is_empty(), "{case}: left {:?}", f.leftovers());
                    if f.changes().is_empty() {
                        assert_eq!(&outcome(&f), initial, "{case}: changed the cluster");
                    }
                    let (objects, loaded) = outcome(&f);
                    let key = (objects, loaded);
                    {
                        let mut seen = rerun.lock().unwrap();
                        if seen.contains(&key) {
                            continue;
                        }
                        seen.push(key);
                    }
                    f.edit(|v| v["fail_at"] = json!(0));
                    let again = f.run(script, args);
                    assert!(again.ok(), "{case}, then the rerun:\n{}", again.text());
                    assert_eq!(
                        &outcome(&f),
                        want,
                        "{case}, then the rerun: another cluster"
                    );
                }
            });
        }
    });
}

/// Install, told to delete the app namespace's old Ingress (the seed holds one).
const INSTALL: &[&str] = &["--skip-preflight", "--delete-old-ingress"];

fn install(f: &Fake) {
    let r = f.run("install.sh", INSTALL);
    assert!(r.ok(), "{}", r.text());
}

fn seeded(profile: Profile) -> Fake {
    let f = Fake::new(profile);
    seed(&f);
    f
}

#[test]
fn a_failure_at_any_install_call_then_a_rerun() {
    if fakecluster::tools_present() {
        sweep("classic", "install.sh", INSTALL, &seeded(Profile::Classic));
    }
}

/// IBM renewed the NLB certificate since install: renew.sh has work to do, and a restart to make
/// (classic; the restart of the gateway must follow the new secret even after a failure).
#[test]
fn a_failure_at_any_renew_call_then_a_rerun() {
    if !fakecluster::tools_present() {
        return;
    }
    let pki = fakecluster::pki::Pki::new(10);
    let f = Fake::with_pki(Profile::Classic, &pki, &pki.nlb(0x28, -30, 60), false);
    seed(&f);
    install(&f);
    f.set_ibm_nlb(&pki.nlb(0x29, -1, 89));
    sweep("classic", "renew.sh", &[], &f);
}

#[test]
fn a_failure_at_any_cleanup_call_then_a_rerun() {
    if fakecluster::tools_present() {
        let f = seeded(Profile::Classic);
        install(&f);
        sweep("classic", "cleanup.sh", &["--yes"], &f);
    }
}

/// Ctrl-C or a kill while install holds decoded keys in its temporary folder: the folder goes.
#[test]
fn a_signal_leaves_no_key_material_behind() {
    if !fakecluster::tools_present() {
        return;
    }
    let reference = Fake::new(Profile::Classic);
    install(&reference);
    let k = reference
        .calls()
        .iter()
        .position(|c| c.contains("--server-side") && c.contains(".json"))
        .unwrap()
        + 1;
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let f = Fake::new(Profile::Classic);
        f.edit(|v| v["hang_at"] = json!(k));
        let mut cmd = f.command("install.sh", &["--skip-preflight"]);
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().unwrap();
        let marker = f.state.with_extension("json.hang");
        // Wait (bounded) until the script sits in that call, keys decoded beside it.
        let mut waited = 0;
        while !marker.exists() {
            assert!(waited < 3000, "the script never reached call {k}");
            std::thread::sleep(std::time::Duration::from_millis(10));
            waited += 1;
        }
        assert!(
            !f.leftovers().is_empty(),
            "nothing to clean up at call {k}?"
        );
        let status = Command::new("kill")
            .args(["-s", signal, "--", &format!("-{}", child.id())])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = child.wait().unwrap();
        assert_eq!(exit.code(), Some(code), "{signal}");
        assert!(
            f.leftovers().is_empty(),
            "{signal}: left {:?}",
            f.leftovers()
        );
    }
}
