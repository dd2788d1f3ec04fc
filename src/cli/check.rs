use super::Format;
use std::path::Path;
use std::process::ExitCode;

pub fn run(_settings: &Path, _at: Option<&str>, _format: Format) -> ExitCode {
    super::unusable("check: not implemented yet")
}
