//! The PEM reader on any text: `parse_blocks`, `read_certificates`, `pem::read_private_key`.
//! Beyond "no panic": a decoded block re-encodes (`pem::encode`, what the secrets hold) and
//! reads back to the same bytes; the typed readers hand over only blocks of their kind.
#![no_main]

use istio_alb::pki::pem::{self, BlockKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    let (blocks, errors) = pem::parse_blocks("x", &text);
    for e in &errors {
        let _ = e.to_finding();
    }
    for b in blocks.iter().filter(|b| !b.der.is_empty()) {
        let again = pem::encode("CERTIFICATE", &b.der);
        let (back, errs) = pem::parse_blocks("x", &again);
        assert!(
            errs.is_empty(),
            "re-encoded block {} gives {errs:?}",
            b.index
        );
        assert_eq!(back.len(), 1, "re-encoded block {}", b.index);
        assert_eq!(back[0].der, b.der, "re-encoded block {}", b.index);
    }

    let (certs, errors) = pem::read_certificates("x", &text);
    assert!(certs.iter().all(|b| b.kind == BlockKind::Certificate));
    for e in &errors {
        let _ = e.to_finding();
    }

    let (key, errors) = pem::read_private_key("x", &text);
    if let Some(k) = &key {
        assert!(k.kind.is_private_key(), "{:?}", k.kind);
        assert!(!k.encrypted_header);
    }
    for e in &errors {
        let _ = e.to_finding();
    }
});
