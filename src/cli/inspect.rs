//! `istio-alb inspect FILE`: the certificate summary the page shows, from the same core code.

use super::Format;
use crate::pki::cert::{self, summary_text};
use crate::pki::pem;
use std::path::Path;
use std::process::ExitCode;

/// Read a PEM file as text; binary content (DER, PKCS#12) becomes a typed PEM error.
pub(super) fn read_pem_file(path: &Path) -> Result<String, String> {
    let bytes = super::files::read_bytes(path, pem::MAX_INPUT_BYTES)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    pem::text_from_bytes(path.display().to_string(), &bytes).map_err(|e| e.to_string())
}

pub fn run(file: &Path, format: Format, at: Option<&str>) -> ExitCode {
    let at = match super::at_or_now(at) {
        Ok(t) => t,
        Err(e) => return super::unusable(e),
    };
    let text = match read_pem_file(file) {
        Ok(t) => t,
        Err(e) => return super::unusable(e),
    };
    let (summaries, findings) = cert::summarize_pem(file.display().to_string(), &text, at);
    match format {
        Format::Text => {
            for (i, s) in summaries.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", super::safe(summary_text(s)));
            }
        }
        Format::Json => match serde_json::to_string_pretty(&summaries) {
            Ok(j) => println!("{j}"),
            Err(e) => return super::unusable(e),
        },
    }
    for f in &findings {
        eprintln!("{}", super::safe(f));
    }
    if summaries.is_empty() {
        return super::unusable(format!(
            "no certificate could be read from {}",
            file.display()
        ));
    }
    if findings
        .iter()
        .any(|f| f.severity == crate::finding::Severity::Error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
