//! `istio-alb check SETTINGS [--at T] [--format text|json]`: validate the settings and every
//! certificate they name. Exit 0 no errors, 1 errors, 2 unusable input.

use super::Format;
use crate::finding::{Finding, Tally};
use crate::pki::pem::MAX_INPUT_BYTES;
use crate::pki::rustcrypto::RustCrypto;
use crate::plan::{self, Plan};
use crate::settings::Settings;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

/// Read the settings file and the certificate files it names, check, and generate the plan.
pub(super) fn load_plan(path: &Path, at: i64) -> Result<Plan, String> {
    let text = super::files::read_text(path, MAX_INPUT_BYTES)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let settings = Settings::from_yaml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    // `join` keeps an absolute entry as it is; a relative one is read beside the settings file.
    let (certs, resolve_findings) =
        settings.cert_inputs(|entry| super::files::read_text(&base.join(entry), MAX_INPUT_BYTES));
    let report = plan::check(&certs, at, &RustCrypto);
    Ok(plan::from_report(&settings, &report, resolve_findings, at))
}

#[derive(Serialize)]
struct Output<'a> {
    ok: bool,
    findings: &'a [Finding],
}

pub fn run(settings: &Path, at: Option<&str>, format: Format) -> ExitCode {
    let at = match super::at_or_now(at) {
        Ok(at) => at,
        Err(e) => return super::unusable(e),
    };
    let plan = match load_plan(settings, at) {
        Ok(p) => p,
        Err(e) => return super::unusable(e),
    };
    let tally = Tally::of(&plan.findings);
    match format {
        Format::Json => {
            let out = Output {
                ok: tally.errors == 0,
                findings: &plan.findings,
            };
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Text => {
            for f in &plan.findings {
                println!("{}", super::safe(f));
            }
            println!("{}: {tally}", settings.display());
        }
    }
    if tally.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
