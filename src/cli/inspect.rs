use super::Format;
use std::path::Path;
use std::process::ExitCode;

pub fn run(_file: &Path, _format: Format, _at: Option<&str>) -> ExitCode {
    super::unusable("inspect: not implemented yet")
}
