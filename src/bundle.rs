//! Everything above packed into one bundle: `<cluster>-istio-alb/` with `README.md`,
//! `settings.yaml`, `report.json`, `manifests/`, `secrets/`, `certs/` and `scripts/`.
//!
//! The page and the CLI call the same functions, and everything in the zip depends only on the
//! settings, the certificate PEM texts and `at`: entries sorted, entry times derived from `at`,
//! fixed compression, explicit Unix modes and host system. So the page's download is
//! byte-identical to `istio-alb bundle` for the same inputs.

mod readme;

use crate::manifest;
use crate::pki::finding::{Finding, Severity, Tally};
use crate::pki::setup::{CertInputs, SetupContext, SetupReport, check_setup, input};
use crate::script;
use crate::setup::{Certificates, Settings, validate};
use serde::Serialize;
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
    /// [`Plan::root`].
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

/// Everything one check of the settings and certificates produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The bundle's folder name, `<cluster>-istio-alb`.
    pub root: String,
    /// Settings findings first, then the certificate checks'.
    pub findings: Vec<Finding>,
    pub report: SetupReport,
    /// Every file, sorted by path.
    pub files: Vec<BundleFile>,
}

impl Plan {
    pub fn tally(&self) -> Tally {
        Tally::of(&self.findings)
    }

    /// Errors in the settings fields themselves: never overridden (the values are unsafe).
    pub fn settings_errors(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error && is_settings_field(f))
            .collect()
    }

    /// The file at `path` (bundle-relative, e.g. `scripts/install.sh`).
    pub fn file(&self, path: &str) -> Option<&BundleFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The download's file name, `<cluster>-istio-alb.zip`.
    pub fn zip_name(&self) -> String {
        format!("{}.zip", self.root)
    }

    /// Any error at all: the bundle is blocked unless forced.
    pub fn has_errors(&self) -> bool {
        self.tally().errors > 0
    }
}

fn is_settings_field(f: &Finding) -> bool {
    f.code == "input-invalid" && f.input.as_deref().is_some_and(|i| !input::ALL.contains(&i))
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

/// Bundle-relative certificate file names; the bundle's `settings.yaml` points at these.
pub mod cert_paths {
    pub const NLB_CERT: &str = "certs/nlb.crt";
    pub const NLB_KEY: &str = "certs/nlb.key";
    pub const ALB_CLIENT_CERT: &str = "certs/alb-client.crt";
    pub const ALB_CLIENT_KEY: &str = "certs/alb-client.key";
    pub const CLIENT_CA: &str = "certs/client-ca.pem";
    pub const GATEWAY_CA: &str = "certs/gateway-ca.pem";
}

/// Check and generate, for the page and the CLI alike. Pure; never panics.
pub fn plan(settings: &Settings, certs: &CertInputs, at: i64) -> Plan {
    plan_with(settings, certs, Vec::new(), at)
}

/// As [`plan`], with findings from resolving the certificate entries
/// ([`Settings::cert_inputs`]) included before the certificate checks'.
pub fn plan_with(
    settings: &Settings,
    certs: &CertInputs,
    resolve_findings: Vec<Finding>,
    at: i64,
) -> Plan {
    let mut findings = validate(settings);
    // `validate` already reports unusable certificate paths; keep one of each.
    for f in resolve_findings {
        if !findings.contains(&f) {
            findings.push(f);
        }
    }
    let ctx = SetupContext {
        gateway_hosts: vec![settings.nlb_domain.clone()],
    };
    let report = check_setup(certs, &ctx, at);
    findings.extend(report.findings.iter().cloned());
    findings.extend(missing_inputs(&report, &findings));
    // The checks note an empty input as `input-missing` (info); the bundle cannot be made
    // without it and says so with an error for the same input: keep only the error.
    let has_error = |input: &Option<String>, findings: &[Finding]| {
        findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.input == *input)
    };
    let snapshot = findings.clone();
    findings.retain(|f| f.code != "input-missing" || !has_error(&f.input, &snapshot));

    let root = format!("{}-istio-alb", settings.cluster_name);
    let mut files = Vec::new();

    // Certificates: normalised PEMs (leaf first) when the checks could read them.
    let pem_or = |normalised: &str, raw: &str| {
        if normalised.trim().is_empty() {
            raw.to_owned()
        } else {
            normalised.to_owned()
        }
    };
    let gateway_ca_raw = if certs.gateway_ca.trim().is_empty() {
        &certs.client_ca
    } else {
        &certs.gateway_ca
    };
    for (path, text, mode) in [
        (
            cert_paths::NLB_CERT,
            pem_or(&report.nlb_chain_pem, &certs.nlb_cert),
            MODE_FILE,
        ),
        (
            cert_paths::NLB_KEY,
            pem_or(&report.nlb_key_pem, &certs.nlb_key),
            MODE_SECRET,
        ),
        (
            cert_paths::ALB_CLIENT_CERT,
            pem_or(&report.alb_client_chain_pem, &certs.alb_client_cert),
            MODE_FILE,
        ),
        (
            cert_paths::ALB_CLIENT_KEY,
            pem_or(&report.alb_client_key_pem, &certs.alb_client_key),
            MODE_SECRET,
        ),
        (
            cert_paths::CLIENT_CA,
            pem_or(&report.client_ca_pem, &certs.client_ca),
            MODE_FILE,
        ),
        (
            cert_paths::GATEWAY_CA,
            pem_or(&report.gateway_ca_pem, gateway_ca_raw),
            MODE_FILE,
        ),
    ] {
        files.push(BundleFile {
            path: path.to_owned(),
            mode,
            contents: text.into_bytes(),
        });
    }

    let manifests = manifest::render(settings, &report);
    for m in &manifests {
        files.push(BundleFile {
            path: m.path.clone(),
            mode: if m.holds_key { MODE_SECRET } else { MODE_FILE },
            contents: m.yaml.clone().into_bytes(),
        });
    }
    for s in script::render(settings, &manifests) {
        files.push(BundleFile {
            path: s.path,
            mode: MODE_SCRIPT,
            contents: s.text.into_bytes(),
        });
    }

    // settings.yaml: the same whichever way the certificates were given; no key material.
    let bundled = Settings {
        certificates: Certificates {
            nlb_cert: cert_paths::NLB_CERT.into(),
            nlb_key: cert_paths::NLB_KEY.into(),
            alb_client_cert: cert_paths::ALB_CLIENT_CERT.into(),
            alb_client_key: cert_paths::ALB_CLIENT_KEY.into(),
            client_ca: cert_paths::CLIENT_CA.into(),
            gateway_ca: cert_paths::GATEWAY_CA.into(),
        },
        ..settings.clone()
    };
    files.push(BundleFile {
        path: "settings.yaml".into(),
        mode: MODE_FILE,
        contents: format!(
            "# istio-alb settings for this bundle. Check again with: istio-alb check settings.yaml\n{}",
            bundled.to_yaml()
        )
        .into_bytes(),
    });

    files.push(BundleFile {
        path: "report.json".into(),
        mode: MODE_FILE,
        contents: report_json(settings, &findings, &report, at).into_bytes(),
    });
    files.push(BundleFile {
        path: "README.md".into(),
        mode: MODE_FILE,
        contents: readme::render(settings, &findings, &report, &manifests, at).into_bytes(),
    });

    files.sort_by(|a, b| a.path.cmp(&b.path));
    Plan {
        root,
        findings,
        report,
        files,
    }
}

/// An error for every required certificate input that is empty and not already reported.
fn missing_inputs(report: &SetupReport, findings: &[Finding]) -> Vec<Finding> {
    let required = [
        (
            input::NLB_CERT,
            &report.nlb_chain_pem,
            "the gateway (NLB) certificate",
        ),
        (
            input::NLB_KEY,
            &report.nlb_key_pem,
            "the gateway (NLB) private key",
        ),
        (
            input::ALB_CLIENT_CERT,
            &report.alb_client_chain_pem,
            "the ALB client certificate",
        ),
        (
            input::ALB_CLIENT_KEY,
            &report.alb_client_key_pem,
            "the ALB client private key",
        ),
        (
            input::CLIENT_CA,
            &report.client_ca_pem,
            "the CA that issued the ALB client certificate",
        ),
    ];
    required
        .into_iter()
        .filter(|(name, pem, _)| {
            pem.trim().is_empty()
                && !findings
                    .iter()
                    .any(|f| f.severity == Severity::Error && f.input.as_deref() == Some(*name))
        })
        .map(|(name, _, what)| {
            Finding::error(
                "input-invalid",
                format!(
                    "certificates.{name} is missing: give {what} as a file path relative to the \
                     settings file, or paste the PEM."
                ),
                Some(name),
            )
        })
        .collect()
}

#[derive(Serialize)]
struct ReportJson<'a> {
    generator: String,
    at: String,
    cluster_name: &'a str,
    profile: &'a str,
    ok: bool,
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
    verify_depth: u32,
    nlb_chain: &'a crate::pki::setup::ChainView,
    alb_chain: &'a crate::pki::setup::ChainView,
}

fn report_json(s: &Settings, findings: &[Finding], report: &SetupReport, at: i64) -> String {
    let tally = Tally::of(findings);
    let r = ReportJson {
        generator: format!("istio-alb {}", env!("CARGO_PKG_VERSION")),
        at: rfc3339(at),
        cluster_name: &s.cluster_name,
        profile: s.profile.as_str(),
        ok: tally.errors == 0,
        errors: tally.errors,
        warnings: tally.warnings,
        findings,
        verify_depth: manifest::verify_depth(report),
        nlb_chain: &report.nlb_chain,
        alb_chain: &report.alb_chain,
    };
    let mut text = serde_json::to_string_pretty(&r).unwrap_or_default();
    text.push('\n');
    text
}

/// `at` as RFC 3339 UTC (`2026-11-26T10:00:00Z`); out-of-range times print as the raw number.
pub fn rfc3339(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("@{at}"))
}

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

/// Pack `plan.files` under `plan.root/` into a deterministic zip.
pub fn zip(plan: &Plan, at: i64) -> Result<Vec<u8>, BundleError> {
    use zip::write::SimpleFileOptions;
    let err = |e: &dyn fmt::Display| BundleError::Zip {
        message: e.to_string(),
    };
    let base = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
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
    build_plan(&plan(settings, certs, at), at, force)
}

/// [`build`] for a plan already made (the CLI adds its file-reading findings first).
pub fn build_plan(plan: &Plan, at: i64, force: bool) -> Result<Vec<u8>, BundleError> {
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
    zip(plan, at)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn rfc3339_prints_utc() {
        assert_eq!(rfc3339(1_764_151_200), "2025-11-26T10:00:00Z");
    }
}
