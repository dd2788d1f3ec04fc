//! A property of the whole check (an addition to the `check` target): when `check` finds no
//! error, the normalised PEMs it hands to the bundle (`CheckReport::pems`: leaf first,
//! intermediates in issuing order, keys re-encoded) check again without errors and normalise to
//! themselves, as `istio-alb check` on the bundle's own settings.yaml does.
//! Same input layout as `check` (see `fuzz/src/lib.rs`).
#![no_main]

use istio_alb::finding::{Finding, Severity};
use istio_alb::pki::check::check;
use istio_alb_configurator_fuzz::{cert_inputs, parts, split_time};
use istio_alb::pki::rustcrypto::RustCrypto;
use libfuzzer_sys::fuzz_target;

fn errors(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (at, rest) = split_time(&text);
    let inputs = cert_inputs(&parts(rest, 6));
    let report = check(&inputs, at, &RustCrypto);
    if !errors(&report.findings).is_empty() {
        return;
    }
    let again = check(&report.pems, at, &RustCrypto);
    assert!(
        errors(&again.findings).is_empty(),
        "normalised PEMs give errors: {:#?}",
        errors(&again.findings)
    );
    assert_eq!(
        again.pems, report.pems,
        "normalising twice changes the PEMs"
    );
});
