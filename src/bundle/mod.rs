//! A plan packed into one bundle: `<cluster>-istio-alb/` with `README.md`, `settings.yaml`,
//! `report.json`, `manifests/`, `secrets/`, `certs/` and `scripts/`.
//!
//! The page and the CLI call the same functions, and everything in the zip depends only on the
//! settings, the certificate PEM texts and `at`: entries sorted, entry times derived from `at`,
//! entries stored (no compression: see Cargo.toml's `zip`), explicit Unix modes and host system.
//! So the page's download is byte-identical to `istio-alb bundle` for the same inputs.

mod operations;
mod readme;
mod report;

use crate::finding::{Finding, Severity};
use crate::inputs::{CertInput, CertInputs};
use crate::manifest::{self, Apis};
use crate::plan::{self, Plan};
use crate::settings::Settings;
use std::fmt;
use std::io::{Cursor, Write as _};

/// Mode of files holding a private key.
pub const MODE_SECRET: u32 = 0o600;
pub const MODE_SCRIPT: u32 = 0o755;
pub const MODE_FILE: u32 = 0o644;

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    /// Path inside the bundle folder (`manifests/05-gateway.yaml`); the zip prefixes
    /// [`Bundle::root`].
    pub path: String,
    /// Unix permission bits: 0600 key material, 0755 scripts, 0644 the rest.
    pub mode: u32,
    pub contents: Vec<u8>,
}

impl BundleFile {
    /// The contents as text (every bundle file is UTF-8).
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.contents).unwrap_or("")
    }
}

/// Every file of a plan, sorted by path, under one folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The bundle's folder name, `<cluster>-istio-alb`.
    pub root: String,
    pub files: Vec<BundleFile>,
}

impl Bundle {
    /// The files of `plan`: the certificates as checked, the manifests and scripts, the
    /// settings pointing at `certs/`, the report and the README.
    pub fn of(plan: &Plan) -> Bundle {
        let mut files = Vec::new();
        // Only what the checks could read, normalised: a text that is not the certificate or
        // key it should be is never copied into the bundle (it may be a key in the wrong field).
        let apis = Apis::of(&plan.settings);
        for input in CertInput::ALL {
            // The CA's key is there only when given (the user's own CA), in its own folder,
            // beside a copy of the CA certificate: `private-ca/` is then what `istio-alb ca
            // issue` takes, and what to move off the machine after install. The NLB key never
            // when IBM keeps it.
            if !apis.keeps(input, !plan.report.pems[input].is_empty()) {
                continue;
            }
            if input == CertInput::ClientCaKey {
                files.push(BundleFile {
                    path: crate::script::CA_CERT.to_owned(),
                    mode: MODE_FILE,
                    contents: plan.report.pems[CertInput::ClientCa].clone().into_bytes(),
                });
            }
            files.push(BundleFile {
                path: input.bundle_path().to_owned(),
                mode: if input.is_key() {
                    MODE_SECRET
                } else {
                    MODE_FILE
                },
                contents: plan.report.pems[input].clone().into_bytes(),
            });
        }
        for m in &plan.manifests {
            files.push(BundleFile {
                path: m.path.clone(),
                mode: if m.holds_key { MODE_SECRET } else { MODE_FILE },
                contents: m.yaml.clone().into_bytes(),
            });
        }
        files.push(BundleFile {
            path: manifest::KUSTOMIZATION.to_owned(),
            mode: MODE_FILE,
            contents: manifest::kustomization(&plan.manifests).into_bytes(),
        });
        for s in &plan.scripts {
            files.push(BundleFile {
                path: s.path.clone(),
                mode: if s.executable { MODE_SCRIPT } else { MODE_FILE },
                contents: s.text.clone().into_bytes(),
            });
        }
        files.push(BundleFile {
            path: "settings.yaml".into(),
            mode: MODE_FILE,
            contents: settings_yaml(&plan.settings, &plan.report.pems).into_bytes(),
        });
        files.push(BundleFile {
            path: "report.json".into(),
            mode: MODE_FILE,
            contents: report::render(plan).into_bytes(),
        });
        files.push(BundleFile {
            path: "README.md".into(),
            mode: MODE_FILE,
            contents: readme::render(plan).into_bytes(),
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Bundle {
            root: plan.root.clone(),
            files,
        }
    }

    /// The file at `path` (bundle-relative, e.g. `scripts/install.sh`).
    pub fn file(&self, path: &str) -> Option<&BundleFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The download's file name, `<cluster>-istio-alb.zip`.
    pub fn zip_name(&self) -> String {
        format!("{}.zip", self.root)
    }
}

/// The bundle's `settings.yaml`: the same whichever way the certificates were given, pointing
/// at the bundle's own files (`pems` says which exist); no key material.
pub fn settings_yaml(settings: &Settings, pems: &CertInputs) -> String {
    let bundled = Settings {
        certificates: CertInputs::from_fn(|i| {
            if Apis::of(settings).keeps(i, !pems[i].is_empty()) {
                i.bundle_path().to_owned()
            } else {
                String::new()
            }
        }),
        ..settings.without_key_material()
    };
    format!(
        "# istio-alb settings for this bundle. Check again with: istio-alb check settings.yaml\n{}",
        bundled.to_yaml()
    )
}

/// Why no bundle was produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleError {
    /// A settings field is invalid; `--force` does not override this.
    InvalidSettings { errors: Vec<Finding> },
    /// The checks found errors and `force` was not given.
    Blocked { errors: Vec<Finding> },
    /// The zip writer failed (should not happen writing to memory).
    Zip { message: String },
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::InvalidSettings { errors } => write!(
                f,
                "{} invalid setting(s); fix them first (--force does not apply to settings)",
                errors.len()
            ),
            BundleError::Blocked { errors } => write!(
                f,
                "the checks found {} error(s); fix them, or write the bundle anyway with --force \
                 (the errors go into its README)",
                errors.len()
            ),
            BundleError::Zip { message } => write!(f, "could not write the zip: {message}"),
        }
    }
}

impl std::error::Error for BundleError {}

/// The zip entries' modification time: `at` in UTC, clamped to what DOS dates can hold.
fn zip_time(at: i64) -> zip::DateTime {
    let t =
        time::OffsetDateTime::from_unix_timestamp(at).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let year = t.year().clamp(1980, 2107);
    let (month, day, hour, minute, second) = if year == t.year() {
        (
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
        )
    } else if year == 1980 {
        (1, 1, 0, 0, 0)
    } else {
        (12, 31, 23, 59, 58)
    };
    let year = u16::try_from(year).unwrap_or(1980);
    zip::DateTime::from_date_and_time(year, month, day, hour, minute, second).unwrap_or_default()
}

/// Pack `bundle.files` under `bundle.root/` into a deterministic zip.
pub fn zip(plan: &Bundle, at: i64) -> Result<Vec<u8>, BundleError> {
    use zip::write::SimpleFileOptions;
    let err = |e: &dyn fmt::Display| BundleError::Zip {
        message: e.to_string(),
    };
    let base = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip_time(at))
        .system(zip::System::Unix)
        .large_file(false);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));

    let mut dirs: Vec<String> = vec![format!("{}/", plan.root)];
    for f in &plan.files {
        if let Some((dir, _)) = f.path.rsplit_once('/') {
            let d = format!("{}/{dir}/", plan.root);
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    let mut entries: Vec<(String, Option<&BundleFile>)> =
        dirs.into_iter().map(|d| (d, None)).collect();
    entries.extend(
        plan.files
            .iter()
            .map(|f| (format!("{}/{}", plan.root, f.path), Some(f))),
    );
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    for (name, file) in entries {
        match file {
            None => w
                .add_directory(name, base.unix_permissions(0o755))
                .map_err(|e| err(&e))?,
            Some(f) => {
                w.start_file(name, base.unix_permissions(f.mode))
                    .map_err(|e| err(&e))?;
                w.write_all(&f.contents).map_err(|e| err(&e))?;
            }
        }
    }
    Ok(w.finish().map_err(|e| err(&e))?.into_inner())
}

/// Check, generate and pack. Invalid settings always block; check errors block unless `force`
/// (the README lists them either way).
pub fn build(
    settings: &Settings,
    certs: &CertInputs,
    at: i64,
    force: bool,
) -> Result<Vec<u8>, BundleError> {
    build_plan(&plan::plan(settings, certs, at), force)
}

/// [`build`] for a plan already made (the CLI adds its file-reading findings first).
pub fn build_plan(plan: &Plan, force: bool) -> Result<Vec<u8>, BundleError> {
    let settings_errors = plan.settings_errors();
    if !settings_errors.is_empty() {
        return Err(BundleError::InvalidSettings {
            errors: settings_errors.into_iter().cloned().collect(),
        });
    }
    if plan.has_errors() && !force {
        return Err(BundleError::Blocked {
            errors: plan
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .cloned()
                .collect(),
        });
    }
    zip(&Bundle::of(plan), plan.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README says what install will do, line for line as the page's preview says it, for
    /// every combination (CLI users never see the page).
    #[test]
    fn the_readme_holds_the_install_preview() {
        for s in crate::demo::every_combination() {
            let plan = crate::plan::plan(&s, &crate::demo::cert_inputs(), 1_764_151_200);
            let preview = crate::plan::install_preview(&plan);
            let bundle = Bundle::of(&plan);
            let readme = bundle.file("README.md").expect("a README").text();
            let entries = [
                &preview.creates,
                &preview.changes,
                &preview.deletes,
                &preview.uses,
            ];
            for e in entries.into_iter().flatten() {
                let line = format!("- `{}`: {}", e.object, e.note);
                assert!(readme.contains(&line), "{s:?}: no {line:?}");
            }
            assert!(readme.contains(&preview.dry_run), "{s:?}");
            assert!(readme.contains(&preview.url), "{s:?}");
        }
    }

    #[test]
    fn zip_time_follows_at_and_clamps() {
        /// (year, month, day, hour, minute, second)
        type Civil = (u16, u8, u8, u8, u8, u8);
        const CASES: &[(i64, Civil)] = &[
            (1_764_151_200, (2025, 11, 26, 10, 0, 0)),
            (0, (1980, 1, 1, 0, 0, 0)),
            (i64::MAX, (1980, 1, 1, 0, 0, 0)),
            (5_000_000_000, (2107, 12, 31, 23, 59, 58)),
        ];
        for &(at, (y, mo, d, h, mi, s)) in CASES {
            let t = zip_time(at);
            assert_eq!(
                (
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                ),
                (y, mo, d, h, mi, s),
                "at={at}"
            );
        }
    }
}
