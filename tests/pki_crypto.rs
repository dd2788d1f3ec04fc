//! The checks' public-key arithmetic behind [`Crypto`]: the page's first module asks WebCrypto
//! asynchronously (issue 26), and must reach the same report as the CLI, which asks RustCrypto
//! at once. Here the asking loop (`check_until_answered`) runs natively with RustCrypto's
//! answers, over chains of every algorithm, broken signatures and keys of every encoding; and
//! the encodings handed to WebCrypto are checked against RustCrypto's own decoders.

// Native only: fixtures come from rcgen (ring).
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::inputs::{CertInput, CertInputs};
use istio_alb::pki::check::check;
use istio_alb::pki::crypto::{
    Answers, Crypto, EcCurve, KeyDer, check_until_answered, ecdsa_raw, pkcs8, rsa_spki,
};
use istio_alb::pki::rustcrypto::RustCrypto;
use pki_fixtures::*;

fn der_of(pem_text: &str) -> Vec<u8> {
    let (blocks, errors) = istio_alb::pki::pem::parse_blocks("fixture", pem_text);
    assert!(errors.is_empty(), "{errors:?}");
    // OpenSSL's SEC1 files begin with the curve's EC PARAMETERS block.
    let key = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY"));
    key.or(blocks.first()).expect("a block").der.clone()
}

/// Input sets that exercise every question: chains of each algorithm, a CA of the right name
/// and the wrong key (alone and beside the right one), a key of another certificate, and every
/// key encoding.
fn cases() -> Vec<(String, CertInputs)> {
    let mut out = Vec::new();
    for (i, &alg) in ALL_ALGS.iter().enumerate() {
        let other = ALL_ALGS[(i + 3) % ALL_ALGS.len()];
        let root = self_signed(&Spec::ca("Test Root CA"), alg);
        let int = issue(&Spec::ca("Test Intermediate CA"), other, &root);
        let nlb = issue(&Spec::leaf("gw.example", &["gw.example"]), alg, &int);
        let alb = issue(&Spec::leaf("alb.example", &["alb.example"]), other, &int);
        let world = World {
            root,
            int,
            nlb,
            alb,
        };
        let good = world.good_inputs();
        // Same name and key type, another key (the EC and Ed25519 keys are new each time).
        let impostor_alg = match alg {
            Alg::Rsa2048 => Alg::Rsa2048b,
            Alg::Rsa2048b | Alg::Rsa4096 => Alg::Rsa2048,
            fresh => fresh,
        };
        let impostor = self_signed(&Spec::ca("Test Root CA"), impostor_alg);
        out.push((format!("{alg:?} good"), good.clone()));
        out.push((
            format!("{alg:?} CA of the right name, wrong key"),
            with_inputs(good.clone(), &[(CertInput::ClientCa, impostor.pem.clone())]),
        ));
        out.push((
            format!("{alg:?} wrong CA, then the right one"),
            with_inputs(
                good.clone(),
                &[(
                    CertInput::GatewayCa,
                    format!("{}{}", impostor.pem, world.root.pem),
                )],
            ),
        ));
        out.push((
            format!("{alg:?} keys swapped"),
            with_inputs(
                good.clone(),
                &[
                    (CertInput::NlbKey, world.alb.key_pem()),
                    (CertInput::AlbClientKey, world.nlb.key_pem()),
                ],
            ),
        ));
    }
    for f in [
        "rsa2048.pkcs1.pem",
        "rsa2048.pkcs8.pem",
        "ec256.sec1.pem",
        "ec256.pkcs8.pem",
        "ec384.sec1.pem",
        "ec384.pkcs8.pem",
        "ed25519.pkcs8.pem",
        "ed448.pkcs8.pem",
        "rsa1024.pkcs8.pem",
    ] {
        out.push((
            format!("key {f}"),
            with_inputs(
                istio_alb::demo::cert_inputs(),
                &[(CertInput::ClientCaKey, fixture(f))],
            ),
        ));
    }
    out.push(("demo".to_owned(), istio_alb::demo::cert_inputs()));
    out
}

#[test]
fn asking_until_answered_gives_the_report_of_answers_at_once() {
    let at = at();
    for (name, inputs) in cases() {
        let direct = check(&inputs, at, &RustCrypto);
        let mut answers = Answers::new();
        let (asked, runs) =
            check_until_answered(&RustCrypto, &mut answers, |c| check(&inputs, at, c));
        assert_eq!(asked, direct, "{name}");
        // One run to ask (optimistically, so a path's questions come together), one with the
        // answers; a third only when an answer sent a path elsewhere.
        assert!((2..=4).contains(&runs), "{name}: {runs} runs");
        // Asked again with every answer known: one run, nothing new.
        let (again, runs) =
            check_until_answered(&RustCrypto, &mut answers, |c| check(&inputs, at, c));
        assert_eq!((again, runs), (direct, 1), "{name}");
    }
}

#[test]
fn a_signature_by_another_key_of_the_same_name_is_refused_after_the_optimistic_run() {
    // The first run assumes unknown signatures verify; the final report must not.
    let (name, inputs) = cases()
        .into_iter()
        .find(|(n, _)| n == "P256 CA of the right name, wrong key")
        .expect("case");
    let mut answers = Answers::new();
    let (report, _) = check_until_answered(&RustCrypto, &mut answers, |c| check(&inputs, at(), c));
    assert!(!report.alb_chain.trusted, "{name}");
    assert!(
        answers
            .values()
            .any(|a| *a == istio_alb::pki::crypto::Answer::Signature(false)),
        "{name}: no signature was refused"
    );
}

#[test]
fn wrapped_keys_decode_to_the_same_public_key() {
    let cases = [
        (
            "rsa2048.pkcs1.pem",
            KeyDer::Pkcs1Rsa,
            KeyDer::Pkcs8Rsa,
            "rsa2048.pkcs8.pem",
        ),
        (
            "ec256.sec1.pem",
            KeyDer::Sec1(EcCurve::P256),
            KeyDer::Pkcs8Ec(EcCurve::P256),
            "ec256.pkcs8.pem",
        ),
        (
            "ec384.sec1.pem",
            KeyDer::Sec1(EcCurve::P384),
            KeyDer::Pkcs8Ec(EcCurve::P384),
            "ec384.pkcs8.pem",
        ),
    ];
    for (file, kind, as_pkcs8, pkcs8_file) in cases {
        let der = der_of(&fixture(file));
        let direct = RustCrypto.public_key(kind, &der).expect(file);
        let wrapped = pkcs8(kind, &der);
        assert_eq!(
            RustCrypto.public_key(as_pkcs8, &wrapped),
            Some(direct.clone()),
            "{file}"
        );
        // The same key, encoded by OpenSSL as PKCS#8 (gen.sh): the wrapping is what OpenSSL
        // writes, byte for byte, but for the optional fields it adds.
        let theirs = RustCrypto.public_key(as_pkcs8, &der_of(&fixture(pkcs8_file)));
        assert_eq!(theirs, Some(direct), "{file}");
        assert_eq!(
            pkcs8(as_pkcs8, &wrapped),
            wrapped,
            "{file}: PKCS#8 is kept as it is"
        );
    }
}

#[test]
fn rsa_keys_are_handed_over_as_the_certificates_own_spki() {
    let issued = self_signed(&Spec::ca("RSA SPKI"), Alg::Rsa2048);
    let (_, cert) = x509_parser::parse_x509_certificate(&issued.der).expect("cert");
    let spki = cert.tbs_certificate.subject_pki;
    assert_eq!(rsa_spki(&spki.subject_public_key.data), spki.raw);
}

#[test]
fn ecdsa_signatures_become_fixed_width_exactly_when_rustcrypto_reads_them() {
    use p256::ecdsa::Signature as Sig256;
    use p384::ecdsa::Signature as Sig384;
    // Real signatures, from certificates.
    for alg in [Alg::P256, Alg::P384] {
        for i in 0..8 {
            let issued = self_signed(&Spec::ca(&format!("ECDSA {i}")), alg);
            let (_, cert) = x509_parser::parse_x509_certificate(&issued.der).expect("cert");
            let sig = cert.signature_value.data.to_vec();
            let (curve, theirs) = match alg {
                Alg::P256 => (
                    EcCurve::P256,
                    Sig256::from_der(&sig).map(|s| s.to_bytes().to_vec()),
                ),
                _ => (
                    EcCurve::P384,
                    Sig384::from_der(&sig).map(|s| s.to_bytes().to_vec()),
                ),
            };
            assert_eq!(
                ecdsa_raw(&sig, curve),
                Some(theirs.expect("RustCrypto reads it"))
            );
        }
    }
    // Hand-made ones: (DER, accepted).
    let int = |v: &[u8]| [&[0x02, v.len() as u8][..], v].concat();
    let seq = |c: Vec<u8>| [vec![0x30, c.len() as u8], c].concat();
    let high = [0x80; 32];
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("small", seq([int(&[1]), int(&[2])].concat())),
        (
            "high bit with its zero",
            seq([int(&[&[0][..], &high].concat()), int(&[2])].concat()),
        ),
        ("negative", seq([int(&high), int(&[2])].concat())),
        ("needless zero", seq([int(&[0, 1]), int(&[2])].concat())),
        ("zero", seq([int(&[0]), int(&[2])].concat())),
        ("empty integer", seq([int(&[]), int(&[2])].concat())),
        ("too long", seq([int(&[1; 33]), int(&[2])].concat())),
        (
            "trailing byte",
            [seq([int(&[1]), int(&[2])].concat()), vec![0]].concat(),
        ),
        (
            "third integer",
            seq([int(&[1]), int(&[2]), int(&[3])].concat()),
        ),
        ("cut", seq([int(&[1]), int(&[2])].concat())[..5].to_vec()),
        ("not a sequence", [int(&[1]), int(&[2])].concat()),
    ];
    for (name, der) in cases {
        let theirs = Sig256::from_der(&der).map(|s| s.to_bytes().to_vec()).ok();
        assert_eq!(ecdsa_raw(&der, EcCurve::P256), theirs, "{name}");
    }
}
