//! Running both verifiers on a case: openssl in the case's folder, `verify_pem` in-process, the
//! cases spread over the cores.

use super::{Case, PeerName};
use istio_alb::finding::Severity;
use istio_alb::pki::verify::{PemInput, Usage, Verifier, VerifyOptions, verify_pem};
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
    /// Go's crypto/x509 and our verdict with Go's rules (no depth: Traefik sets none); `None`
    /// when Go did not run.
    pub go: Option<Verdict>,
    /// BoringSSL (client cases only) and our verdict with BoringSSL's rules.
    pub boring: Option<Verdict>,
}

/// Another verifier's verdict on a case, and ours with that verifier's rules.
pub struct Verdict {
    pub theirs: bool,
    pub said: String,
    pub ours: bool,
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

pub fn run_ours(case: &Case, verifier: Verifier) -> (bool, Vec<String>) {
    let untrusted = pem_file(&case.untrusted);
    let trusted = pem_file(&case.trusted);
    let opts = VerifyOptions {
        name: case.name.as_ref().map(|n| n.text().to_owned()),
        usage: Some(case.usage),
        at: case.at,
        // Only OpenSSL (NGINX's proxy_ssl_verify_depth) has a depth: neither Traefik nor
        // Envoy (as Istio configures it) sets one.
        max_intermediates: match verifier {
            Verifier::OpenSsl => case.depth,
            Verifier::Go | Verifier::BoringSsl => None,
        },
        require_digital_signature: false,
        verifier,
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
            &istio_alb::pki::rustcrypto::RustCrypto,
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
                    let (ours, findings) = run_ours(case, Verifier::OpenSsl);
                    let boring = (case.usage == Usage::Client).then(|| {
                        let (theirs, said) = super::boring::verify(case);
                        let (ours, findings) = run_ours(case, Verifier::BoringSsl);
                        Verdict {
                            theirs,
                            said,
                            ours,
                            findings,
                        }
                    });
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
                        go: None,
                        boring,
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
    let mut outcomes: Vec<Outcome> = results
        .into_inner()
        .expect("results")
        .into_iter()
        .map(|o| o.expect("every case ran"))
        .collect();
    if let Some(go) = go_verdicts(cases, root) {
        for ((o, case), (theirs, said)) in outcomes.iter_mut().zip(cases).zip(go) {
            let (ours, findings) = run_ours(case, Verifier::Go);
            o.go = Some(Verdict {
                theirs,
                said,
                ours,
                findings,
            });
        }
    }
    outcomes
}

/// Go's verdict on every case, from one run of `tools/go-verify/x509verify` over all of them;
/// `None` when Go is not installed (after a notice, or a failure where tools are required).
fn go_verdicts(cases: &[Case], root: &Path) -> Option<Vec<(bool, String)>> {
    let tool = crate::support::go_tool("go-verify/x509verify")?;
    let input: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "leaf": c.leaf,
                "intermediates": pem_file(&c.untrusted),
                "roots": pem_file(&c.trusted),
                "name": c.name.as_ref().map_or("", |n| n.text()),
                "usage": match c.usage { Usage::Server => "server", Usage::Client => "client" },
                "at": c.at,
            })
        })
        .collect();
    let file = root.join("go-cases.json");
    std::fs::write(&file, serde_json::to_vec(&input).expect("JSON")).expect("go-cases.json");
    let t0 = Instant::now();
    let out = crate::support::run_bounded(Command::new(&tool).arg(&file), Duration::from_secs(300));
    assert!(
        out.status.success(),
        "x509verify failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<(bool, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .zip(cases)
        .map(|(line, c)| {
            let v: serde_json::Value = serde_json::from_str(line).expect("a verdict line");
            assert_eq!(
                v["id"].as_str(),
                Some(c.id.as_str()),
                "verdicts out of order"
            );
            (
                v["ok"].as_bool().expect("ok"),
                v["error"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        verdicts.len(),
        cases.len(),
        "x509verify answered fewer cases"
    );
    println!(
        "Go's crypto/x509 ({}) verified {} cases in {:.1} s",
        String::from_utf8_lossy(
            &Command::new("go")
                .arg("version")
                .output()
                .map(|o| o.stdout)
                .unwrap_or_default()
        )
        .trim(),
        cases.len(),
        t0.elapsed().as_secs_f64()
    );
    Some(verdicts)
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
