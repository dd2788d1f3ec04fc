//! The whole pipeline the CLI runs (`plan`): settings file, certificate entries resolved (inline
//! PEM), certificate check, settings and name findings, manifests and scripts. Layout:
//! `<at>\n<settings.yaml>\0<nlb_cert>\0...\0<gateway_ca>` (see `fuzz/src/lib.rs`); settings that
//! do not parse stand for the demo settings, an empty certificate part for the settings' entry.
#![no_main]

use istio_alb::demo;
use istio_alb::inputs::CertInput;
use istio_alb::plan::{check, from_report};
use istio_alb::settings::Settings;
use istio_alb_configurator_fuzz::{cert_inputs, parts, split_time};
use istio_alb::pki::rustcrypto::RustCrypto;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (at, rest) = split_time(&text);
    let parts = parts(rest, 7);
    let settings = Settings::from_yaml(parts[0]).unwrap_or_else(|_| demo::settings());
    let (mut inputs, resolve_findings) =
        settings.cert_inputs(|path| Err(format!("no file {path} here")));
    let given = cert_inputs(&parts[1..]);
    for input in CertInput::ALL {
        if given.given(input) {
            inputs[input] = given[input].clone();
        }
    }
    let plan = from_report(&settings, &check(&inputs, at, &RustCrypto), resolve_findings, at);
    let _ = plan.tally();
    let _ = plan.problems();
    let _ = plan.pending();
});
