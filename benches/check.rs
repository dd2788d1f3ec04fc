//! Full certificate check (`pki::check` plus the host names) on a realistic input set: RSA-4096 root, RSA-2048 intermediate, an
//! RSA-2048 gateway leaf and a P-256 ALB client leaf with their keys; and an all-ECDSA variant.
//! Fixtures are generated with rcgen at start. Then the check and the settings parse against
//! input size. Prints milliseconds; not a test.

// The bench runs natively only (rcgen's ring does not build for wasm32); on wasm32 it is an empty
// program so that `cargo clippy --all-targets --target wasm32-unknown-unknown` checks the crate.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/pki_fixtures/mod.rs"]
mod pki_fixtures;

#[cfg(not(target_arch = "wasm32"))]
mod native {

    use super::pki_fixtures::*;
    use criterion::{Criterion, criterion_group};
    use istio_alb::field::Field;
    use istio_alb::finding::Subject;
    use istio_alb::inputs::{CertInput, CertInputs};
    use istio_alb::pki::check::{CheckReport, check, host_findings};
    use istio_alb::settings::Settings;
    use rcgen::ExtendedKeyUsagePurpose as Eku;
    use std::hint::black_box;
    use std::time::Instant;

    fn check_setup(inputs: &CertInputs, hosts: &[&str], at: i64) -> CheckReport {
        let mut r = check(inputs, at, &istio_alb::pki::rustcrypto::RustCrypto);
        let hosts: Vec<(Subject, &str)> = hosts
            .iter()
            .map(|h| (Subject::from(Field::NlbDomain), *h))
            .collect();
        let names = host_findings(&r, &hosts, "");
        r.findings.extend(names);
        r
    }

    fn set(root: Alg, int: Alg, nlb: Alg, alb: Alg) -> CertInputs {
        let root = self_signed(&Spec::ca("Bench Root CA"), root);
        let int = issue(&Spec::ca("Bench Intermediate CA"), int, &root);
        let nlb = issue(
            &Spec::leaf("gw.example.com", &["gw.example.com", "*.apps.example.com"])
                .eku(vec![Eku::ServerAuth]),
            nlb,
            &int,
        );
        let alb = issue(
            &Spec::leaf("alb-client", &["alb-client"]).eku(vec![Eku::ClientAuth]),
            alb,
            &int,
        );
        inputs(&[
            (CertInput::NlbCert, format!("{}{}", nlb.pem, int.pem)),
            (CertInput::NlbKey, nlb.key_pem()),
            (CertInput::AlbClientCert, format!("{}{}", alb.pem, int.pem)),
            (CertInput::AlbClientKey, alb.key_pem()),
            (CertInput::ClientCa, root.pem.clone()),
        ])
    }

    fn bench(c: &mut Criterion) {
        let ctx: &[&str] = &["gw.example.com", "shop.apps.example.com"];
        let sets = [
            (
                "rsa4096-root/rsa2048-int/rsa+p256-leaves",
                set(Alg::Rsa4096, Alg::Rsa2048, Alg::Rsa2048b, Alg::P256),
            ),
            (
                "ecdsa p384-root/p256-int/p256+ed25519-leaves",
                set(Alg::P384, Alg::P256, Alg::P256, Alg::Ed25519),
            ),
        ];
        for (name, set) in &sets {
            let r = check_setup(set, ctx, at());
            assert!(r.findings.is_empty(), "{name}: {:?}", r.findings);
            let n = 20;
            let t = Instant::now();
            for _ in 0..n {
                black_box(check_setup(black_box(set), ctx, at()));
            }
            println!(
                "check_setup [{name}]: {:.2} ms per full check (mean of {n})",
                t.elapsed().as_secs_f64() * 1000.0 / f64::from(n)
            );
            c.bench_function(&format!("check_setup {name}"), |b| {
                b.iter(|| check_setup(black_box(set), ctx, at()))
            });
        }
    }

    /// The check against input size: hostile pastes of 10 KB to 1 MB, on one line and on many
    /// lines, into the gateway certificate and the client CA. Prints milliseconds and
    /// microseconds per KB: linear growth shows as a flat last column.
    fn sizes() {
        /// A hostile paste of about `n` bytes.
        type Shape = (&'static str, fn(usize) -> String);
        let shapes: [Shape; 4] = [
            ("one line, END markers", |n| {
                "-----END CERTIFICATE----- ".repeat(n / 26)
            }),
            ("one line, base64", |n| "QUJD".repeat(n / 4)),
            ("many lines, BEGIN markers", |n| {
                "-----BEGIN X-----\n".repeat(n / 18)
            }),
            ("many lines, garbage", |n| {
                "not a certificate\n".repeat(n / 18)
            }),
        ];
        println!("check time against input size (median of 7 runs):");
        println!("{:<28} {:>9} {:>10} {:>10}", "shape", "size", "ms", "us/KB");
        for (name, make) in shapes {
            for size in [10_000, 100_000, 500_000, 1_000_000] {
                let text = make(size);
                let mut inputs = CertInputs::default();
                inputs[CertInput::NlbCert] = text.clone();
                inputs[CertInput::ClientCa] = text;
                let mut times: Vec<f64> = (0..7)
                    .map(|_| {
                        let t = Instant::now();
                        black_box(check(
                            black_box(&inputs),
                            at(),
                            &istio_alb::pki::rustcrypto::RustCrypto,
                        ));
                        t.elapsed().as_secs_f64() * 1000.0
                    })
                    .collect();
                times.sort_by(f64::total_cmp);
                let ms = times[3];
                println!(
                    "{name:<28} {:>7} KB {ms:>10.2} {:>10.1}",
                    size / 1000,
                    ms * 1000.0 / (size as f64 / 1000.0)
                );
            }
        }
    }

    /// Reading a settings file (the first step of `istio-alb check` and of the page's settings
    /// import) against its size, for deeply nested input of 10 KB to 1 MB: flow sequences and
    /// flow mappings nested as deep as the size allows, block sequences nested on one line, and
    /// a plain file of comment lines for comparison. Nesting is bounded before YAML parsing
    /// (issue 22): linear growth shows as a flat last column.
    fn settings_sizes() {
        type Shape = (&'static str, fn(usize) -> String);
        let shapes: [Shape; 4] = [
            ("flow sequences [[[…]]]", |n| {
                format!("{}{}", "[".repeat(n / 2), "]".repeat(n / 2))
            }),
            ("flow mappings {a: {a: …", |n| "{a: ".repeat(n / 4)),
            ("block sequences - - - …", |n| {
                format!("{}x\n", "- ".repeat(n / 2))
            }),
            ("comment lines", |n| "# a comment line\n".repeat(n / 17)),
        ];
        println!("settings parse time against input size (median of 7 runs):");
        println!("{:<28} {:>9} {:>10} {:>10}", "shape", "size", "ms", "us/KB");
        for (name, make) in shapes {
            for size in [10_000, 40_000, 100_000, 500_000, 1_000_000] {
                let text = make(size);
                let mut times: Vec<f64> = (0..7)
                    .map(|_| {
                        let t = Instant::now();
                        let _ = black_box(Settings::from_yaml(black_box(&text)));
                        t.elapsed().as_secs_f64() * 1000.0
                    })
                    .collect();
                times.sort_by(f64::total_cmp);
                let ms = times[3];
                println!(
                    "{name:<28} {:>7} KB {ms:>10.3} {:>10.2}",
                    size / 1000,
                    ms * 1000.0 / (size as f64 / 1000.0)
                );
            }
        }
    }

    pub fn run_sizes() {
        sizes();
        settings_sizes();
    }

    criterion_group! {
        name = benches;
        config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
        targets = bench
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::run_sizes();
    native::benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
