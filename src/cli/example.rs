//! `istio-alb example DIR`: DEMO ONLY settings and certificates that pass `check`.

use crate::demo;
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(dir) {
        return super::unusable(format!("cannot create {}: {e}", dir.display()));
    }
    let settings = format!(
        "# DEMO ONLY: istio-alb example settings. The certificates come from a private demo CA\n\
         # whose keys are public; never use them for real traffic.\n{}",
        demo::settings().to_yaml()
    );
    let mut files: Vec<(&str, &str, bool)> = vec![(demo::files::SETTINGS, &settings, false)];
    files.extend(demo::cert_files());
    for (name, text, secret) in files {
        let path = dir.join(name);
        if let Err(e) = super::write_file(&path, text.as_bytes(), secret) {
            return super::unusable(format!("cannot write {}: {e}", path.display()));
        }
    }
    println!(
        "wrote DEMO ONLY settings and certificates to {}; try: istio-alb check {}",
        dir.display(),
        dir.join(demo::files::SETTINGS).display()
    );
    ExitCode::SUCCESS
}
