use std::path::Path;
use std::process::ExitCode;

pub fn run(_dir: &Path) -> ExitCode {
    super::unusable("example: not implemented yet")
}
