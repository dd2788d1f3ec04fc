//! File import (`file_import::text_from_file`: BOM, UTF-8 or DER/PKCS#12 sniffing) and
//! `pem::text_from_bytes`, then the PEM reader on what they return. Beyond "no panic": a file
//! converted from DER reads as exactly one certificate block holding the file's bytes.
#![no_main]

use istio_alb::file_import::text_from_file;
use istio_alb::pki::pem::{self, BlockKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = pem::text_from_bytes("x", data) {
        let _ = pem::parse_blocks("x", &text);
    }
    match text_from_file("upload.p12", data) {
        Ok((text, true)) => {
            let der = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
            let (blocks, errors) = pem::parse_blocks("x", &text);
            assert!(errors.is_empty(), "converted DER gives {errors:?}");
            assert_eq!(blocks.len(), 1);
            assert_eq!(blocks[0].kind, BlockKind::Certificate);
            assert_eq!(blocks[0].der, der);
        }
        Ok((text, false)) => {
            let _ = pem::read_certificates("x", &text);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
