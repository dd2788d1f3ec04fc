//! Nothing panics on any input: truncated, bit-flipped and random data into every parser and
//! the checks built on them. Deterministic (a seeded xorshift generator), so a failure repeats.

// Native only: fixtures come from rcgen (ring), and the tests read files and run tools.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use base64::Engine as _;
use istio_alb::field::Field;
use istio_alb::finding::Subject;
use istio_alb::inputs::CertInput;
use istio_alb::pki::check::{check, host_findings};
use istio_alb::pki::verify::{PemInput, Usage, VerifyOptions, verify_pem};
use istio_alb::pki::{key, names, pem, summarize_pem};
use pki_fixtures::*;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn armor(label: &str, der: &[u8]) -> String {
    pem::encode(label, der)
}

/// Every entry point that takes user text.
fn feed(text: &str, ok_chain: &Chain) {
    let _ = pem::parse_blocks("x", text);
    let _ = pem::read_certificates("x", text);
    let _ = pem::read_private_key("x", text);
    let _ = summarize_pem("x", text, at());
    let _ = key::read_private_key("x", text, &istio_alb::pki::rustcrypto::RustCrypto);
    let _ = names::parse_host(text);
    let _ = istio_alb::rfc3339::parse(text);
    let _ = verify_pem(
        PemInput { name: "leaf", text },
        Some(PemInput {
            name: "int",
            text: &ok_chain.intermediate.pem,
        }),
        PemInput {
            name: "roots",
            text: &ok_chain.root.pem,
        },
        &VerifyOptions {
            name: Some(text.chars().take(40).collect()),
            usage: Some(Usage::Server),
            at: at(),
            ..VerifyOptions::default()
        },
        &istio_alb::pki::rustcrypto::RustCrypto,
    );
    let _ = verify_pem(
        PemInput {
            name: "leaf",
            text: &ok_chain.leaf.pem,
        },
        Some(PemInput { name: "int", text }),
        PemInput {
            name: "roots",
            text,
        },
        &VerifyOptions {
            at: at(),
            ..VerifyOptions::default()
        },
        &istio_alb::pki::rustcrypto::RustCrypto,
    );
}

#[test]
fn mutated_inputs_never_panic() {
    let ch = chain(Alg::P256, Alg::P256, Alg::P256, "fuzz.example.com");
    let ed = self_signed(
        &Spec::leaf("ed.example.com", &["ed.example.com"]),
        Alg::Ed25519,
    );
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let seeds: Vec<(String, Vec<u8>)> = vec![
        ("CERTIFICATE".into(), ch.leaf.der.clone()),
        ("CERTIFICATE".into(), ch.intermediate.der.clone()),
        ("CERTIFICATE".into(), ed.der.clone()),
        ("PRIVATE KEY".into(), ch.leaf.key.serialize_der()),
        ("PRIVATE KEY".into(), ed.key.serialize_der()),
    ];
    let texts = [
        fixture("ec256.sec1.pem"),
        fixture("rsa2048.pkcs1.pem"),
        fixture("sha1-leaf.pem"),
    ];
    let mut runs = 0;

    // Truncations of PEM text (every 7th cut) and of DER re-armoured.
    for (label, der) in &seeds {
        let text = armor(label, der);
        for cut in (0..text.len()).step_by(7) {
            feed(&text[..cut], &ch);
            runs += 1;
        }
        for cut in (0..der.len()).step_by(5) {
            feed(&armor(label, &der[..cut]), &ch);
            runs += 1;
        }
    }
    for t in &texts {
        for cut in (0..t.len()).step_by(11) {
            feed(&t[..cut], &ch);
            runs += 1;
        }
    }
    // Bit flips in DER (1–3 bits), re-armoured, and in the PEM text itself.
    for (label, der) in &seeds {
        for _ in 0..150 {
            let mut d = der.clone();
            for _ in 0..=rng.below(3) {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            feed(&armor(label, &d), &ch);
            let mut t = armor(label, der).into_bytes();
            let i = rng.below(t.len());
            t[i] ^= 1 << rng.below(7);
            feed(&String::from_utf8_lossy(&t), &ch);
            runs += 2;
        }
    }
    // Random bytes: as text, as DER under every label, as base64 without armour.
    let labels = [
        "CERTIFICATE",
        "PRIVATE KEY",
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "X509 CRL",
    ];
    for _ in 0..200 {
        let n = rng.below(600);
        let b = rng.bytes(n);
        feed(&String::from_utf8_lossy(&b), &ch);
        feed(&armor(labels[rng.below(labels.len())], &b), &ch);
        feed(&base64::engine::general_purpose::STANDARD.encode(&b), &ch);
        runs += 3;
    }
    // The whole setup with mutated inputs in every field.
    let good = inputs(&[
        (
            CertInput::NlbCert,
            format!("{}{}", ch.leaf.pem, ch.intermediate.pem),
        ),
        (CertInput::NlbKey, ch.leaf.key_pem()),
        (CertInput::AlbClientCert, ch.leaf.pem.clone()),
        (CertInput::AlbClientKey, ch.leaf.key_pem()),
        (CertInput::ClientCa, ch.root.pem.clone()),
    ]);
    for _ in 0..60 {
        let mut inputs = good.clone();
        for input in CertInput::ALL {
            let f = &mut inputs[input];
            if rng.below(2) == 0 {
                let mut t = f.clone().into_bytes();
                if !t.is_empty() {
                    let cut = rng.below(t.len());
                    t.truncate(cut.max(1));
                    let i = rng.below(t.len());
                    t[i] ^= 1 << rng.below(7);
                }
                *f = String::from_utf8_lossy(&t).into_owned();
            }
        }
        let hosts = [
            "fuzz.example.com".to_owned(),
            String::from_utf8_lossy(&rng.bytes(8)).into_owned(),
        ];
        let r = check(
            &inputs,
            (rng.next() >> 1) as i64 - (1 << 62),
            &istio_alb::pki::rustcrypto::RustCrypto,
        );
        let hosts: Vec<(Subject, &str)> = hosts
            .iter()
            .map(|h| (Subject::from(Field::NlbDomain), h.as_str()))
            .collect();
        let _ = host_findings(&r, &hosts, "");
        runs += 1;
    }
    // Extreme times.
    for t in [i64::MIN, -1, 0, i64::MAX] {
        let _ = check(&good, t, &istio_alb::pki::rustcrypto::RustCrypto);
        let _ = summarize_pem("x", &ch.leaf.pem, t);
    }
    println!("{runs} mutated inputs, no panic");
}
