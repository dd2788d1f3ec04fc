//! `istio-alb ca init DIR` and `istio-alb ca issue DIR`: the private client CA on disk.
//!
//! `init` writes `client-ca.pem`, `client-ca.key`, `alb-client.crt` and `alb-client.key`;
//! `issue` writes a fresh `alb-client.crt`/`.key` from the CA in DIR (the old pair is kept as
//! `*.previous` until the next issue). Keys are 0600; `init` never overwrites a file.

use crate::ca;
use std::path::Path;
use std::process::ExitCode;

/// File names in the CA folder.
pub mod files {
    pub const CA: &str = "client-ca.pem";
    pub const CA_KEY: &str = "client-ca.key";
    pub const CLIENT: &str = "alb-client.crt";
    pub const CLIENT_KEY: &str = "alb-client.key";
}

/// The operating system's randomness (getrandom: getrandom(2) on Linux).
fn os_random(buf: &mut [u8]) {
    if let Err(e) = getrandom::fill(buf) {
        // No randomness means no key: stop rather than make a weak one.
        eprintln!("istio-alb: the system gave no random bytes ({e}); no key was made");
        std::process::exit(2);
    }
}

fn write_new(path: &Path, text: &str, secret: bool) -> Result<(), String> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(if secret { 0o600 } else { 0o644 })
        .open(path)
        .map_err(|e| {
            format!(
                "cannot create {} ({e}); nothing is overwritten",
                path.display()
            )
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub fn init(dir: &Path, cluster: &str, at: Option<&str>) -> ExitCode {
    let at = match super::at_or_now(at) {
        Ok(t) => t,
        Err(e) => return super::unusable(e),
    };
    if let Some(p) = [files::CA, files::CA_KEY, files::CLIENT, files::CLIENT_KEY]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists())
    {
        return super::unusable(format!(
            "{} exists: `ca init` never overwrites a CA. Use `istio-alb ca issue {}` for a new \
             client certificate, or another folder for a new CA",
            p.display(),
            dir.display()
        ));
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return super::unusable(format!("cannot create {}: {e}", dir.display()));
    }
    let made = match ca::init(cluster, at, &mut os_random) {
        Ok(m) => m,
        Err(e) => return super::unusable(e),
    };
    for (name, text, secret) in [
        (files::CA, &made.ca_pem, false),
        (files::CA_KEY, &made.ca_key_pem, true),
        (files::CLIENT, &made.client.cert_pem, false),
        (files::CLIENT_KEY, &made.client.key_pem, true),
    ] {
        if let Err(e) = write_new(&dir.join(name), text, secret) {
            return super::unusable(e);
        }
    }
    println!(
        "wrote a private client CA to {dir}: {ca} (give it as client_ca), {client} and {key} (the \
         ALB client certificate and key). Keep {ca_key} offline: it is never needed in the \
         cluster, only to issue the next client certificate (istio-alb ca issue {dir})",
        dir = dir.display(),
        ca = files::CA,
        client = files::CLIENT,
        key = files::CLIENT_KEY,
        ca_key = files::CA_KEY,
    );
    ExitCode::SUCCESS
}

pub fn issue(dir: &Path, cluster: &str, days: u32, at: Option<&str>) -> ExitCode {
    let at = match super::at_or_now(at) {
        Ok(t) => t,
        Err(e) => return super::unusable(e),
    };
    let read = |name: &str| {
        super::files::read_text(&dir.join(name), crate::pki::pem::MAX_INPUT_BYTES)
            .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display()))
    };
    let (ca_pem, ca_key) = match (read(files::CA), read(files::CA_KEY)) {
        (Ok(c), Ok(k)) => (c, k),
        (Err(e), _) | (_, Err(e)) => return super::unusable(e),
    };
    let issued = match ca::issue(&ca_pem, &ca_key, cluster, days, at, &mut os_random) {
        Ok(i) => i,
        Err(e) => return super::unusable(e),
    };
    // The previous pair stays beside the new one until the next issue.
    for name in [files::CLIENT, files::CLIENT_KEY] {
        let path = dir.join(name);
        if path.exists() {
            let previous = dir.join(format!("{name}.previous"));
            let _ = std::fs::remove_file(&previous);
            if let Err(e) = std::fs::rename(&path, &previous) {
                return super::unusable(format!("cannot move {} aside: {e}", path.display()));
            }
        }
    }
    for (name, text, secret) in [
        (files::CLIENT, &issued.cert_pem, false),
        (files::CLIENT_KEY, &issued.key_pem, true),
    ] {
        if let Err(e) = write_new(&dir.join(name), text, secret) {
            return super::unusable(e);
        }
    }
    println!(
        "issued a new ALB client certificate in {} ({} days; the old one is *.previous)",
        dir.display(),
        days
    );
    ExitCode::SUCCESS
}
