//! The certificate summary: the bytes as DER (`summarize_der`, `pki::x509`'s decoding) and as PEM text
//! (`summarize_pem`, the page's cards and `istio-alb inspect`). Beyond "no panic": a summary
//! prints (`summary_text`) and its JSON (`inspect --format json`) reads back to the same summary.
#![no_main]

use istio_alb::pki::cert::{self, CertSummary};
use istio_alb::pki::summarize_pem;
use istio_alb_configurator_fuzz::AT;
use libfuzzer_sys::fuzz_target;

fn exercise(s: &CertSummary) {
    let _ = cert::summary_text(s);
    let json = serde_json::to_string(s).expect("summary serialises");
    let back: CertSummary = serde_json::from_str(&json).expect("summary JSON reads back");
    assert_eq!(&back, s, "JSON round trip");
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = cert::summarize_der(data, 1, AT) {
        exercise(&s);
    }
    let text = String::from_utf8_lossy(data);
    let (summaries, findings) = summarize_pem("x", &text, AT);
    for s in &summaries {
        exercise(s);
    }
    let _ = serde_json::to_string(&findings);
});
