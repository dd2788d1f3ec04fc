//! What a test needs from its environment, and what happens when it is missing.
//!
//! A test whose environment is missing must not pass silently. Locally it prints a notice and
//! returns; under CI (`CI=true`) it fails. `./dev test` installs every tool and sets
//! `ISTIO_ALB_REQUIRE_TOOLS=1`, so there a missing tool fails too; `../shared` (read-only test
//! data beside the checkout) may be absent on a developer's machine and is required only in CI.
#![allow(dead_code)]

/// What is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A tool `./dev setup` installs (openssl, nginx, validators, ...).
    Tool,
    /// Test data under `../shared`.
    Shared,
}

fn set(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Report that `what` is missing: panics where it is required, else prints a notice. Callers
/// return right after.
pub fn missing(need: Need, what: &str) {
    let required = set("CI")
        || match need {
            Need::Tool => set("ISTIO_ALB_REQUIRE_TOOLS"),
            Need::Shared => false,
        };
    if required {
        panic!(
            "{what}: this test cannot run. Under CI=true{} a missing {} is a failure, not a skip.",
            if need == Need::Tool {
                " or ISTIO_ALB_REQUIRE_TOOLS=1 (./dev test)"
            } else {
                ""
            },
            match need {
                Need::Tool => "tool",
                Need::Shared => "../shared test data",
            }
        );
    }
    println!("NOTICE: {what}; skipping this test");
    eprintln!("NOTICE: {what}; skipping this test");
}

/// Whether `program` runs (`program version`/`-v` answers), e.g. `openssl`.
pub fn has_program(program: &str, arg: &str) -> bool {
    std::process::Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Write `bundle`'s files under `dir/<bundle root>` with their modes; returns that folder.
pub fn write_bundle(
    bundle: &istio_alb::bundle::Bundle,
    dir: &std::path::Path,
) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let root = dir.join(&bundle.root);
    for f in &bundle.files {
        let p = root.join(&f.path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, &f.contents).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(f.mode)).expect("chmod");
    }
    root
}

/// Runs `cmd` (stdin closed) for at most `limit`, killing it and failing when it overruns.
pub fn run_bounded(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::process::Output {
    use std::process::Stdio;
    use std::time::Instant;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("wait");
            panic!(
                "{cmd:?} did not finish within {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}
