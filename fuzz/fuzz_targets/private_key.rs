//! The private-key reader (`pki::key::read_private_key`): PEM, then PKCS#1 / PKCS#8 / SEC1 DER
//! through RustCrypto. Beyond "no panic": a key that reads re-emits (`to_pem`, what the secret
//! holds) as a PEM that reads back to the same public key without errors.
#![no_main]

use istio_alb::inputs::CertInput;
use istio_alb::pki::key;
use istio_alb::pki::rustcrypto::RustCrypto;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (k, errors) = key::read_private_key(CertInput::NlbKey, &text, &RustCrypto);
    for e in &errors {
        let _ = e.to_finding();
    }
    if let Some(k) = k {
        let _ = format!("{k:?} {}", k.public.describe());
        let (again, errs) = key::read_private_key(CertInput::NlbKey, &k.to_pem(), &RustCrypto);
        assert!(errs.is_empty(), "re-emitted key gives {errs:?}");
        let again = again.expect("re-emitted key reads");
        assert_eq!(again.public, k.public);
        assert_eq!(again.format, k.format);
    }
});
