//! Running both verifiers on a case: openssl in the case's folder, `verify_pem` in-process, the
//! cases spread over the cores.

use super::{Case, PeerName};
use istio_alb::finding::Severity;
use istio_alb::pki::verify::{PemInput, Usage, VerifyOptions, verify_pem};
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct Outcome {
    pub openssl: bool,
    /// OpenSSL's `error N at D depth lookup: ...` lines (or what it said when it failed
    /// otherwise).
    pub openssl_said: Vec<String>,
    /// The command, relative to the case folder.
    pub command: String,
    pub ours: bool,
    /// Our findings, `severity code: message`.
    pub findings: Vec<String>,
}

pub fn pem_file(pems: &[String]) -> String {
    let mut s = String::new();
    for p in pems {
        s.push_str(p.trim_end());
        s.push('\n');
    }
    s
}

pub fn openssl_args(case: &Case) -> Vec<String> {
    let mut a: Vec<String> = ["verify", "-no-CApath", "-no-CAstore", "-attime"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    a.push(case.at.to_string());
    if case.trusted.is_empty() {
        a.push("-no-CAfile".to_owned());
    } else {
        a.extend(["-CAfile".to_owned(), "ca.pem".to_owned()]);
    }
    if !case.untrusted.is_empty() {
        a.extend(["-untrusted".to_owned(), "int.pem".to_owned()]);
    }
    match &case.name {
        Some(PeerName::Dns(h) | PeerName::NginxHost(h)) => {
            a.extend(["-verify_hostname".to_owned(), h.clone()])
        }
        Some(PeerName::Ip(i)) => a.extend(["-verify_ip".to_owned(), i.clone()]),
        None => {}
    }
    if let Some(d) = case.depth {
        a.extend(["-verify_depth".to_owned(), d.to_string()]);
    }
    a.extend([
        "-purpose".to_owned(),
        match case.usage {
            Usage::Server => "sslserver",
            Usage::Client => "sslclient",
        }
        .to_owned(),
        "leaf.pem".to_owned(),
    ]);
    a
}

pub fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

pub fn run_openssl(case: &Case, dir: &Path) -> (bool, Vec<String>, String) {
    std::fs::create_dir_all(dir).expect("case folder");
    std::fs::write(
        dir.join("leaf.pem"),
        pem_file(std::slice::from_ref(&case.leaf)),
    )
    .expect("leaf.pem");
    if !case.untrusted.is_empty() {
        std::fs::write(dir.join("int.pem"), pem_file(&case.untrusted)).expect("int.pem");
    }
    if !case.trusted.is_empty() {
        std::fs::write(dir.join("ca.pem"), pem_file(&case.trusted)).expect("ca.pem");
    }
    let args = openssl_args(case);
    let command = format!(
        "openssl {}",
        args.iter()
            .map(|a| shell_quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let out = Command::new("openssl")
        .args(&args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ok = out.status.success() && stdout.lines().any(|l| l.trim() == "leaf.pem: OK");
    let mut said: Vec<String> = stderr
        .lines()
        .chain(stdout.lines())
        .filter(|l| l.starts_with("error ") && !l.starts_with("error leaf.pem"))
        .map(str::to_owned)
        .collect();
    if said.is_empty() && !ok {
        said = stderr
            .lines()
            .chain(stdout.lines())
            .take(6)
            .map(str::to_owned)
            .collect();
    }
    (ok, said, command)
}

pub fn run_ours(case: &Case) -> (bool, Vec<String>) {
    let untrusted = pem_file(&case.untrusted);
    let trusted = pem_file(&case.trusted);
    let opts = VerifyOptions {
        name: case.name.as_ref().map(|n| n.text().to_owned()),
        usage: Some(case.usage),
        at: case.at,
        max_intermediates: case.depth,
        require_digital_signature: false,
    };
    let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        verify_pem(
            PemInput {
                name: "leaf.pem",
                text: &case.leaf,
            },
            (!case.untrusted.is_empty()).then_some(PemInput {
                name: "int.pem",
                text: &untrusted,
            }),
            PemInput {
                name: "ca.pem",
                text: &trusted,
            },
            &opts,
        )
    }));
    match report {
        Ok(r) => (
            r.valid,
            r.findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .map(|f| format!("{} {}: {}", f.severity, f.code, f.message))
                .collect(),
        ),
        Err(_) => (false, vec!["PANIC in verify_pem".to_owned()]),
    }
}

/// Both verifiers on every case, spread over the available cores (each openssl run is a
/// process of its own).
pub fn run_all(cases: &[Case], root: &Path) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
    // Time spent in openssl and in verify_pem, summed over the workers (printed, not asserted).
    let spent = Mutex::new((Duration::ZERO, Duration::ZERO));
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let dir = root.join(format!("{i:04}-{}", folder_name(&case.id)));
                    let t0 = Instant::now();
                    let (openssl, openssl_said, command) = run_openssl(case, &dir);
                    let t1 = Instant::now();
                    let (ours, findings) = run_ours(case);
                    {
                        let mut spent = spent.lock().expect("spent");
                        spent.0 += t1 - t0;
                        spent.1 += t1.elapsed();
                    }
                    let o = Outcome {
                        openssl,
                        openssl_said,
                        command,
                        ours,
                        findings,
                    };
                    results.lock().expect("results")[i] = Some(o);
                }
            });
        }
    });
    let (in_openssl, in_ours) = spent.into_inner().expect("spent");
    println!(
        "{workers} workers; time spent in openssl {:.1} s, in verify_pem {:.1} s",
        in_openssl.as_secs_f64(),
        in_ours.as_secs_f64()
    );
    results
        .into_inner()
        .expect("results")
        .into_iter()
        .map(|o| o.expect("every case ran"))
        .collect()
}

pub fn folder_name(id: &str) -> String {
    let s: String = id
        .replace("::", "__")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    s.chars().take(100).collect()
}
