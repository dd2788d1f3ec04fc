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

/// Runs `cmd` (stdin closed) for at most `limit`, killing it and failing when it overruns. Its
/// output is read while it runs, so a command that writes more than a pipe holds cannot stall.
pub fn run_bounded(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::Instant;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let err = stderr.join().unwrap_or_default();
            panic!(
                "{cmd:?} did not finish within {limit:?}: {}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// A Go program of the project's Go module (`tools/`), built once into the target folder and
/// rebuilt only when a `.go` file or `go.mod` of its folder changed; `None` (after
/// [`missing`]) when `go` is not installed. The build cache is
/// `${XDG_CACHE_HOME:-$HOME/.cache}/istio-alb/go/build`, outside the clone, so a rerun or a new
/// clone compiles nothing it compiled before. `package` is the folder under `tools/`, e.g.
/// `go-verify/x509verify`.
pub fn go_tool(package: &str) -> Option<std::path::PathBuf> {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::SystemTime;
    if !has_program("go", "version") {
        missing(
            Need::Tool,
            "go is not installed (the Go 1.26 toolchain builds the Go verifiers)",
        );
        return None;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let module = manifest.join("tools");
    let source = module.join(package);
    let name = package.rsplit('/').next().unwrap_or(package);
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("go-tools");
    std::fs::create_dir_all(&out_dir).expect("create the Go tools folder");
    let binary = out_dir.join(name);
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let newest_source = std::fs::read_dir(&source)
        .unwrap_or_else(|e| panic!("{}: {e}", source.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "go"))
        .chain([module.join("go.mod")])
        .filter_map(|p| modified(&p))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    if modified(&binary).is_some_and(|built| built >= newest_source) {
        return Some(binary);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .expect("HOME or XDG_CACHE_HOME is set")
        .join("istio-alb/go");
    // Built under a name of its own, then renamed: tests running at once never see half a file.
    let partial = out_dir.join(format!("{name}.{}.partial", std::process::id()));
    let out = run_bounded(
        Command::new("go")
            .args(["build", "-trimpath", "-o"])
            .arg(&partial)
            .arg(format!("./{package}"))
            .current_dir(&module)
            .env("GOCACHE", cache.join("build"))
            // The module graph of tools/go.mod (the Kubernetes test servers' modules), which
            // `./dev setup` fetched there; nothing downloads at test time: the local toolchain,
            // no module proxy (the Go verifiers use the standard library only).
            .env("GOMODCACHE", cache.join("mod"))
            .env("GOFLAGS", "-mod=readonly")
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off")
            .env("GOWORK", "off")
            .env("CGO_ENABLED", "0"),
        std::time::Duration::from_secs(600),
    );
    assert!(
        out.status.success(),
        "go build ./{package} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::rename(&partial, &binary).expect("move the Go tool into place");
    Some(binary)
}

/// `openssl ARGS`, which must succeed.
pub fn openssl_ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A self-signed CA of its own, made with openssl: a CA that issued nothing in the bundle.
pub fn other_ca(dir: &std::path::Path) -> String {
    let (cert, key) = (dir.join("other-ca.pem"), dir.join("other-ca.key"));
    let new = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2";
    let mut args: Vec<std::ffi::OsString> = new.split(' ').map(Into::into).collect();
    args.extend(["-subj".into(), "/CN=Some other CA".into()]);
    args.extend([
        "-keyout".into(),
        key.into(),
        "-out".into(),
        cert.clone().into(),
    ]);
    openssl_ok(&args);
    std::fs::read_to_string(cert).unwrap()
}

/// This machine trusting `ca_pem` as OpenSSL finds a machine's CAs: in the file SSL_CERT_FILE
/// names and, under its hash, in the directory SSL_CERT_DIR names.
pub fn machine_trusting(dir: &std::path::Path, ca_pem: &str) -> [(String, std::path::PathBuf); 2] {
    let certs = dir.join("machine-certs");
    std::fs::create_dir_all(&certs).unwrap();
    let file = dir.join("machine-ca.pem");
    std::fs::write(&file, ca_pem).unwrap();
    let hash = openssl_ok(&[
        "x509".as_ref(),
        "-hash".as_ref(),
        "-noout".as_ref(),
        "-in".as_ref(),
        file.as_os_str(),
    ]);
    let hash = String::from_utf8(hash.stdout).unwrap();
    std::fs::write(certs.join(format!("{}.0", hash.trim())), ca_pem).unwrap();
    [
        ("SSL_CERT_FILE".to_owned(), file),
        ("SSL_CERT_DIR".to_owned(), certs),
    ]
}
