use super::{Format, Usage};
use std::path::PathBuf;
use std::process::ExitCode;

pub struct Args {
    pub leaf: PathBuf,
    pub intermediates: Option<PathBuf>,
    pub roots: PathBuf,
    pub name: Option<String>,
    pub usage: Option<Usage>,
    pub at: Option<String>,
    pub format: Format,
}

pub fn run(_args: &Args) -> ExitCode {
    super::unusable("verify: not implemented yet")
}
