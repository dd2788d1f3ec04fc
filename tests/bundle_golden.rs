//! Golden files: the demo bundle of each profile, and of the current profile with Traefik, on VPC,
//! with IBM renewing the gateway's secret and with the Gateway API (twice: copied secret and NGINX,
//! IBM's secret and Traefik), file by file, plus every file's mode.
//! A deliberate change rewrites them with `UPDATE_GOLDEN=1 cargo test --test bundle_golden`
//! (commit the golden files with the change).

// Native only: the test reads and writes the golden files.
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::bundle;
use istio_alb::demo;
use istio_alb::settings::{Alb, GatewayConfig, Infrastructure, Profile, Settings};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};

/// 2025-11-26T10:00:00Z: inside the demo certificates' validity.
const AT: i64 = 1_764_151_200;

fn golden_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// The combinations with golden files: each profile, then one new choice at a time.
fn golden_settings() -> Vec<Settings> {
    use Infrastructure::{Classic, Vpc};
    vec![
        demo::settings_with(Profile::Classic, Alb::Nginx, Classic, false),
        demo::settings_with(Profile::Current, Alb::Nginx, Classic, false),
        demo::settings_with(Profile::Current, Alb::Traefik, Classic, false),
        demo::settings_with(Profile::Current, Alb::Nginx, Vpc, false),
        demo::settings_with(Profile::Current, Alb::Nginx, Classic, true),
        Settings {
            gateway_config: GatewayConfig::GatewayApi,
            ..demo::settings_with(Profile::Current, Alb::Nginx, Classic, false)
        },
        // The Gateway API with IBM's own secret and Traefik: the other certificate reference and
        // the other ALB side, unchanged.
        Settings {
            gateway_config: GatewayConfig::GatewayApi,
            ..demo::settings_with(Profile::Current, Alb::Traefik, Classic, true)
        },
    ]
}

fn list(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.path().is_dir() {
            list(&e.path(), &format!("{name}/"), out);
        } else {
            out.push(name);
        }
    }
}

#[test]
fn demo_bundles_match_the_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for settings in golden_settings() {
        let profile = demo::combination_name(&settings);
        let bundle =
            bundle::Bundle::of(&istio_alb::plan::plan(&settings, &demo::cert_inputs(), AT));
        let dir = golden_dir(&profile);
        let mut modes = String::new();
        for f in &bundle.files {
            modes.push_str(&format!("{:o} {}\n", f.mode, f.path));
        }
        // scripts/lib.sh is the same file in every bundle, src/script/sh/lib.sh itself: checked
        // against it here rather than kept five times over (MODES and the ZIP digest still
        // cover it).
        let lib = bundle.file("scripts/lib.sh").expect("scripts/lib.sh");
        assert!(
            lib.contents == istio_alb::script::LIB.as_bytes(),
            "{profile}: lib.sh"
        );
        let mut expected: Vec<(String, Vec<u8>)> = bundle
            .files
            .iter()
            .filter(|f| f.path != "scripts/lib.sh")
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect();
        expected.push(("MODES".into(), modes.into_bytes()));
        // The zip's exact bytes, pinned by digest: a change of compression or zip layout
        // shows up here (the page's zip must stay byte-identical to the CLI's).
        let zip = bundle::zip(&bundle, AT).unwrap();
        let digest: String = Sha256::digest(&zip)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        expected.push((
            "ZIP.sha256".into(),
            format!("{digest}  {} bytes\n", zip.len()).into_bytes(),
        ));

        if update {
            let _ = fs::remove_dir_all(&dir);
            for (path, contents) in &expected {
                let p = dir.join(path);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(&p, contents).unwrap();
            }
            eprintln!("updated {}", dir.display());
            continue;
        }

        let mut on_disk = Vec::new();
        list(&dir, "", &mut on_disk);
        on_disk.sort();
        let mut names: Vec<String> = expected.iter().map(|(p, _)| p.clone()).collect();
        names.sort();
        assert_eq!(
            on_disk, names,
            "{profile}: file list differs from tests/golden/{profile} (UPDATE_GOLDEN=1 to rewrite)"
        );
        for (path, contents) in &expected {
            let golden = fs::read(dir.join(path)).unwrap();
            assert!(
                golden == *contents,
                "{profile}: {path} differs from its golden file (UPDATE_GOLDEN=1 to rewrite)\n--- golden\n{}\n--- generated\n{}",
                String::from_utf8_lossy(&golden),
                String::from_utf8_lossy(contents)
            );
        }
    }
}
