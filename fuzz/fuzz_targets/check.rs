//! The whole certificate check (`pki::check::check`) on six arbitrary inputs and a time: PEM,
//! summaries, keys, chain building, signature verification, key matching, names. Layout of the
//! bytes: see `fuzz/src/lib.rs` (`<at>\n<nlb_cert>\0<nlb_key>\0...\0<gateway_ca>`).
#![no_main]

use istio_alb::field::Field;
use istio_alb::finding::Subject;
use istio_alb::pki::check::{check, host_findings};
use istio_alb_configurator_fuzz::{cert_inputs, parts, split_time};
use istio_alb::pki::rustcrypto::RustCrypto;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (at, rest) = split_time(&text);
    let inputs = cert_inputs(&parts(rest, 6));
    let report = check(&inputs, at, &RustCrypto);
    let _ = host_findings(
        &report,
        &[(
            Subject::from(Field::NlbDomain),
            "demo-cluster-0001.us-south.containers.example.com",
        )],
        "",
    );
});
