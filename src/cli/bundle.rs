//! `istio-alb bundle SETTINGS --out FILE.zip [--at T] [--force]`.

use crate::bundle::{self, BundleError};
use std::path::Path;
use std::process::ExitCode;

pub fn run(settings: &Path, out: &Path, at: Option<&str>, force: bool) -> ExitCode {
    let at = match super::at_or_now(at) {
        Ok(at) => at,
        Err(e) => return super::unusable(e),
    };
    let plan = match super::check::load_plan(settings, at) {
        Ok(p) => p,
        Err(e) => return super::unusable(e),
    };
    for f in &plan.findings {
        eprintln!("{}", super::safe(f));
    }
    match bundle::build_plan(&plan, force) {
        // The zip holds private keys: 0600, like the key files inside it.
        Ok(zip) => match super::write_file(out, &zip, true) {
            Ok(()) => {
                println!(
                    "wrote {} ({} bytes, {} files in {}/; {})",
                    out.display(),
                    zip.len(),
                    bundle::Bundle::of(&plan).files.len(),
                    plan.root,
                    plan.tally()
                );
                ExitCode::SUCCESS
            }
            Err(e) => super::unusable(format!("cannot write {}: {e}", out.display())),
        },
        Err(e @ (BundleError::InvalidSettings { .. } | BundleError::Blocked { .. })) => {
            eprintln!("istio-alb: no bundle written: {e}");
            ExitCode::from(1)
        }
        Err(e @ BundleError::Zip { .. }) => super::unusable(e),
    }
}
