//! Private keys in every supported encoding, matched against certificates.

// Native only: fixtures come from rcgen (ring), and the tests read files and run tools.
#![cfg(not(target_arch = "wasm32"))]

mod pki_fixtures;

use istio_alb::pki::cert::parse_certs;
use istio_alb::pki::key::{KeyFormat, key_pair_findings, read_private_key};
use pki_fixtures::*;

/// A certificate for the key in `fixture_name`, issued by a P-256 CA.
fn cert_for(fixture_name: &str, alg: &'static rcgen::SignatureAlgorithm) -> String {
    let ca = self_signed(&Spec::ca("Key Test CA"), Alg::P256);
    let kp = rcgen::KeyPair::from_pem_and_sign_algo(&fixture(fixture_name), alg).expect("key");
    issue_for_public_key(
        &Spec::leaf("key.example", &["key.example"]),
        &RawPublicKey {
            der: kp.public_key_raw().to_vec(),
            alg,
        },
        &ca,
    )
}

#[test]
fn every_supported_encoding_matches_its_certificate() {
    // (key file, the PKCS#8 file of the same key, algorithm, format, description)
    let cases: &[(
        &str,
        &str,
        &'static rcgen::SignatureAlgorithm,
        KeyFormat,
        &str,
    )] = &[
        (
            "rsa2048.pkcs8.pem",
            "rsa2048.pkcs8.pem",
            &rcgen::PKCS_RSA_SHA256,
            KeyFormat::Pkcs8,
            "RSA 2048",
        ),
        (
            "rsa2048.pkcs1.pem",
            "rsa2048.pkcs8.pem",
            &rcgen::PKCS_RSA_SHA256,
            KeyFormat::Pkcs1,
            "RSA 2048",
        ),
        (
            "rsa4096.pkcs8.pem",
            "rsa4096.pkcs8.pem",
            &rcgen::PKCS_RSA_SHA256,
            KeyFormat::Pkcs8,
            "RSA 4096",
        ),
        (
            "ec256.pkcs8.pem",
            "ec256.pkcs8.pem",
            &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyFormat::Pkcs8,
            "ECDSA P-256",
        ),
        (
            "ec256.sec1.pem",
            "ec256.pkcs8.pem",
            &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyFormat::Sec1,
            "ECDSA P-256",
        ),
        (
            "ec384.pkcs8.pem",
            "ec384.pkcs8.pem",
            &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyFormat::Pkcs8,
            "ECDSA P-384",
        ),
        (
            "ec384.sec1.pem",
            "ec384.pkcs8.pem",
            &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyFormat::Sec1,
            "ECDSA P-384",
        ),
        (
            "ed25519.pkcs8.pem",
            "ed25519.pkcs8.pem",
            &rcgen::PKCS_ED25519,
            KeyFormat::Pkcs8,
            "Ed25519",
        ),
    ];
    let other = cert_for("rsa2048b.pkcs8.pem", &rcgen::PKCS_RSA_SHA256);
    let (other, _) = parse_certs("nlb_cert", &other, at());
    for &(file, pkcs8, alg, format, desc) in cases {
        let (key, errs) = read_private_key(
            "nlb_key",
            &fixture(file),
            &istio_alb::pki::rustcrypto::RustCrypto,
        );
        assert!(errs.is_empty(), "{file}: {errs:?}");
        let key = key.expect(file);
        assert_eq!(key.format, format, "{file}");
        assert_eq!(key.public.describe(), desc, "{file}");
        let (certs, e) = parse_certs("nlb_cert", &cert_for(pkcs8, alg), at());
        assert!(e.is_empty());
        assert!(
            key_pair_findings(&key, &certs[0]).is_empty(),
            "{file} should match"
        );
        let f = key_pair_findings(&key, &other[0]);
        assert_eq!(f.len(), 1, "{file}");
        assert_eq!(f[0].code, "key-mismatch", "{file}");
        assert_eq!(f[0].input.as_deref(), Some("nlb_key"));
        // The normalised PEM reads back as the same key.
        let (again, _) = read_private_key(
            "nlb_key",
            &key.to_pem(),
            &istio_alb::pki::rustcrypto::RustCrypto,
        );
        let again = again.expect(file);
        assert_eq!(again.public, key.public, "{file}");
        assert_eq!(again.to_pem(), key.to_pem(), "{file}");
    }
}

#[test]
fn generated_keys_match_generated_certificates() {
    for alg in ALL_ALGS {
        let c = self_signed(&Spec::leaf("g.example", &["g.example"]), alg);
        let (key, errs) = read_private_key(
            "alb_client_key",
            &c.key_pem(),
            &istio_alb::pki::rustcrypto::RustCrypto,
        );
        assert!(errs.is_empty(), "{alg:?}: {errs:?}");
        let (certs, _) = parse_certs("alb_client_cert", &c.pem, at());
        assert!(
            key_pair_findings(&key.expect("key"), &certs[0]).is_empty(),
            "{alg:?}"
        );
    }
}

#[test]
fn unusable_keys_are_named() {
    let cases: &[(&str, String, &str)] = &[
        ("ed448", fixture("ed448.pkcs8.pem"), "key-unsupported"),
        (
            "pkcs8 encrypted",
            fixture("rsa2048.encrypted.pem"),
            "key-encrypted",
        ),
        (
            "legacy encrypted",
            fixture("rsa2048.legacy-encrypted.pem"),
            "key-encrypted",
        ),
        ("certificate", fixture("sha1-root.pem"), "pem-wrong-type"),
        ("garbage", "hello".into(), "pem-malformed"),
        (
            "crlf indented",
            fixture("ec256.sec1.pem")
                .lines()
                .map(|l| format!("  {l}\r\n"))
                .collect(),
            "",
        ),
    ];
    for (name, text, code) in cases {
        let (key, errs) =
            read_private_key("nlb_key", text, &istio_alb::pki::rustcrypto::RustCrypto);
        let codes: Vec<_> = errs.iter().map(|e| e.code()).collect();
        if code.is_empty() {
            assert!(key.is_some() && errs.is_empty(), "{name}: {codes:?}");
        } else {
            assert!(key.is_none(), "{name}");
            assert_eq!(codes, vec![*code], "{name}");
            let f = errs[0].to_finding();
            assert_eq!(f.input.as_deref(), Some("nlb_key"));
        }
    }
}
