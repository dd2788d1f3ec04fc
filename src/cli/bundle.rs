use std::path::Path;
use std::process::ExitCode;

pub fn run(_settings: &Path, _out: &Path, _at: Option<&str>, _force: bool) -> ExitCode {
    super::unusable("bundle: not implemented yet")
}
