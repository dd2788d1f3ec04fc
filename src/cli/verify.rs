//! `istio-alb verify`: one chain against trust anchors, through the same core as the page.

use super::at_or_now;
use super::inspect::read_pem_file;
use super::{Format, Usage, VerifierArg};
use crate::pki::verify::{self, PemInput, Verifier, VerifyOptions};
use std::path::PathBuf;
use std::process::ExitCode;

pub struct Args {
    pub leaf: PathBuf,
    pub intermediates: Option<PathBuf>,
    pub roots: PathBuf,
    pub name: Option<String>,
    pub usage: Option<Usage>,
    pub verifier: Option<VerifierArg>,
    pub at: Option<String>,
    pub format: Format,
}

pub fn run(args: &Args) -> ExitCode {
    let at = match at_or_now(args.at.as_deref()) {
        Ok(t) => t,
        Err(e) => return super::unusable(e),
    };
    let read = |p: &PathBuf| read_pem_file(p).map(|t| (p.display().to_string(), t));
    let leaf = match read(&args.leaf) {
        Ok(x) => x,
        Err(e) => return super::unusable(e),
    };
    let inter = match args.intermediates.as_ref().map(read).transpose() {
        Ok(x) => x,
        Err(e) => return super::unusable(e),
    };
    let roots = match read(&args.roots) {
        Ok(x) => x,
        Err(e) => return super::unusable(e),
    };
    let usage = match args.usage {
        Some(Usage::Client) => verify::Usage::Client,
        Some(Usage::Server) | None => verify::Usage::Server,
    };
    let verifier = match (args.verifier, usage) {
        (Some(VerifierArg::Openssl), _) | (None, verify::Usage::Server) => Verifier::OpenSsl,
        (Some(VerifierArg::Go), _) => Verifier::Go,
        (Some(VerifierArg::Boringssl), _) | (None, verify::Usage::Client) => Verifier::BoringSsl,
    };
    let opts = VerifyOptions {
        name: args.name.clone(),
        usage: Some(usage),
        at,
        verifier,
        ..VerifyOptions::default()
    };
    let report = verify::verify_pem(
        PemInput {
            name: &leaf.0,
            text: &leaf.1,
        },
        inter.as_ref().map(|(n, t)| PemInput { name: n, text: t }),
        PemInput {
            name: &roots.0,
            text: &roots.1,
        },
        &opts,
        &crate::pki::rustcrypto::RustCrypto,
    );
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(j) => println!("{j}"),
            Err(e) => return super::unusable(e),
        },
        Format::Text => {
            println!("{}", if report.valid { "VALID" } else { "INVALID" });
            for (i, s) in report.chain.iter().enumerate() {
                println!(
                    "  {i}: {} ({} days left)",
                    super::safe(&s.subject),
                    s.days_left
                );
            }
            for f in &report.findings {
                println!("{}", super::safe(f));
            }
        }
    }
    if !report.usable {
        ExitCode::from(2)
    } else if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
