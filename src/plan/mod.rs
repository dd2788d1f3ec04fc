//! What one check of the settings and certificates yields: every finding (settings, certificates,
//! names), which inputs are still empty, and the manifests and scripts to write. The page and the
//! CLI both plan here; `bundle` packs a plan into files and a zip.
//!
//! Two stages, so that the page re-verifies chains only when certificates change: [`check`]
//! (certificates and time) is [`crate::pki::check`], and [`from_report`] adds everything that
//! depends on the settings.

use crate::finding::{Code, Finding, Severity, Subject, Tally};
use crate::inputs::{CertInput, CertInputs};
use crate::manifest::{self, Apis, Manifest};
use crate::pki::check::CheckReport;
use crate::script::{self, Script};
use crate::settings::{Field, Settings, validate};

pub use crate::pki::check::check;

mod alb;
mod preview;
mod secret_names;

pub use preview::{Entry, FIELD_MANAGER, InstallPreview, install_preview};

/// Everything one check of the settings and certificates produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub settings: Settings,
    /// The check time, Unix seconds.
    pub at: i64,
    /// The bundle's folder name, `<cluster>-istio-alb`.
    pub root: String,
    /// Settings findings first, then the certificate checks', then names and missing inputs.
    pub findings: Vec<Finding>,
    pub report: CheckReport,
    pub manifests: Vec<Manifest>,
    pub scripts: Vec<Script>,
}

/// Check and plan in one go, with RustCrypto's answers (the CLI's path; the page keeps the two
/// stages apart, and its first module asks WebCrypto).
pub fn plan(settings: &Settings, certs: &CertInputs, at: i64) -> Plan {
    let crypto = crate::pki::rustcrypto::RustCrypto;
    from_report(settings, &check(certs, at, &crypto), Vec::new(), at)
}

/// Plan from a certificate check already made, with findings from outside the settings placed
/// before the certificate checks': resolving the certificate entries of a settings file
/// ([`Settings::cert_inputs`]), or on the page a port typed as text that is not a number and a
/// file that could not be read. Such a finding replaces the settings validation's finding of the
/// same code about the same input (one cause, one finding: the path or the text as given is
/// what the user can correct).
pub fn from_report(
    settings: &Settings,
    report: &CheckReport,
    extra_findings: Vec<Finding>,
    at: i64,
) -> Plan {
    with_files(checked(settings, report, extra_findings, at))
}

/// The plan without its files: every finding, which inputs are still empty, no manifest and no
/// script yet ([`with_files`] adds them). The page shows findings from this at once and makes the
/// files a moment later, so that an edit is answered before the files are written again.
pub fn checked(
    settings: &Settings,
    report: &CheckReport,
    extra_findings: Vec<Finding>,
    at: i64,
) -> Plan {
    // White space around a value is removed, and said (the CLI's settings file and the page's
    // form alike); every other decoration is named by the validation, never removed.
    let (trimmed, trim_notes) = crate::settings::trim_fields(settings);
    let settings = &trimmed;
    let mut findings = validate(settings);
    findings.extend(trim_notes);
    // From here on a value that looks like key material is shown by its description only: in
    // messages, the README, report.json and the page's preview of the files (issue 22).
    let settings = &settings.with_key_material_described();
    for f in extra_findings {
        findings.retain(|v| !(v.code == f.code && v.input.is_some() && v.input == f.input));
        findings.push(f);
    }
    let apis = Apis::of(settings);
    findings.extend(
        report
            .findings
            .iter()
            .cloned()
            .map(|f| explain_not_needed(f, settings, &apis)),
    );
    // A host the field's own validation refused is not checked against the certificate too:
    // one cause, one finding.
    let hosts: Vec<(Subject, &str)> = [(Field::NlbDomain, settings.nlb_domain.as_str())]
        .into_iter()
        .filter(|(field, _)| !findings.iter().any(|f| f.is_about(*field)))
        .map(|(field, value)| (Subject::from(field), value))
        .collect();
    findings.extend(alb::findings(&apis, report, &hosts));
    let refused: Vec<Subject> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter_map(|f| f.input.clone())
        .collect();
    findings.extend(secret_names::findings(&apis, settings, &refused));
    let missing = missing_inputs(&apis, report, &findings);
    findings.extend(missing);
    // The check notes an empty input as `input-missing` (info); the bundle cannot be made
    // without it and says so with an error for the same input: keep only the error.
    let errors_about: Vec<Subject> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter_map(|f| f.input.clone())
        .collect();
    findings.retain(|f| {
        f.code != Code::InputMissing || f.input.as_ref().is_none_or(|i| !errors_about.contains(i))
    });

    Plan {
        settings: settings.clone(),
        at,
        root: format!("{}-istio-alb", settings.cluster_name),
        findings,
        report: report.clone(),
        manifests: Vec::new(),
        scripts: Vec::new(),
    }
}

/// A [`checked`] plan with its manifests and scripts.
pub fn with_files(mut plan: Plan) -> Plan {
    plan.manifests = manifest::render(&plan.settings, &plan.report);
    plan.scripts = script::render(&plan.settings, &plan.manifests);
    plan
}

/// The check asks for every empty input the classic procedure needs; an input these settings do
/// not need (the NLB key when IBM keeps the gateway's secret) gets the reason instead.
fn explain_not_needed(mut f: Finding, s: &Settings, apis: &Apis) -> Finding {
    if f.code == Code::InputMissing
        && let Some(Subject::Cert(input)) = &f.input
        && !apis.requires(*input)
        && input.required()
    {
        f.message = format!(
            "Not needed: IBM keeps the NLB certificate's key in its secret {} in {} ({}) and \
             renews it there, so the bundle holds no copy of the key. Paste it anyway to check \
             that it belongs to the certificate.",
            s.nlb_secret,
            s.nlb_secret_namespace,
            Field::NlbSecretNamespace.label()
        );
    }
    f
}

/// An error for every required certificate input that is empty (or unusable) and not already
/// reported.
fn missing_inputs(apis: &Apis, report: &CheckReport, findings: &[Finding]) -> Vec<Finding> {
    CertInput::ALL
        .into_iter()
        .filter(|&i| apis.requires(i))
        .filter(|&i| {
            report.pems[i].trim().is_empty()
                && !findings
                    .iter()
                    .any(|f| f.severity == Severity::Error && f.is_about(i))
        })
        .map(|i| {
            // "CA the ALB trusts" names the root the gateway chain ends at, once it is known.
            let what = match (&report.gateway_root, i) {
                (Some(root), CertInput::GatewayCa) => format!(
                    "{}, the root the gateway certificate's chain ends at",
                    root.name
                ),
                _ => i.what().to_owned(),
            };
            Finding::error(
                Code::InputInvalid,
                format!(
                    "{} is not given: paste {what}, or give it in the settings file as a path \
                     relative to that file.",
                    i.label(),
                ),
                Some(i.into()),
            )
        })
        .collect()
}

impl Plan {
    pub fn tally(&self) -> Tally {
        Tally::of(&self.findings)
    }

    /// Any error at all: the bundle is blocked unless forced.
    pub fn has_errors(&self) -> bool {
        self.tally().errors > 0
    }

    /// Errors in the settings fields themselves: never overridden (the values are unsafe).
    pub fn settings_errors(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| {
                f.severity == Severity::Error
                    && f.code == Code::InputInvalid
                    && f.input.as_ref().is_some_and(|i| i.field().is_some())
            })
            .collect()
    }

    /// Whether `subject` is simply still empty: a required certificate input not given, or a
    /// text field left blank (the port counts as blank when it is 0).
    pub fn is_empty(&self, subject: &Subject) -> bool {
        match subject {
            Subject::Cert(c) => {
                Apis::of(&self.settings).requires(*c) && !self.report.given.contains(c)
            }
            Subject::Field(f) => match self.settings.text(*f) {
                Some(text) => {
                    crate::settings::required(*f, &self.settings) && text.trim().is_empty()
                }
                None => *f == Field::AppPort && self.settings.app_port == 0,
            },
            Subject::Named(_) => false,
        }
    }

    /// Whether a finding only says that its input is still empty: a to-do, not a problem.
    pub fn is_pending(&self, f: &Finding) -> bool {
        matches!(f.code, Code::InputMissing | Code::InputInvalid)
            && f.input.as_ref().is_some_and(|i| self.is_empty(i))
    }

    /// The inputs still empty, in the order of the findings (settings fields first, then the
    /// certificate inputs in procedure order), each once.
    pub fn pending(&self) -> Vec<Subject> {
        let mut out: Vec<Subject> = Vec::new();
        for f in self.findings.iter().filter(|f| self.is_pending(f)) {
            if let Some(i) = &f.input
                && !out.contains(i)
            {
                out.push(i.clone());
            }
        }
        out
    }

    /// Every finding that is not merely an empty input, most severe first (the order within a
    /// severity is the procedure's).
    pub fn problems(&self) -> Vec<Finding> {
        let mut all: Vec<Finding> = self
            .findings
            .iter()
            .filter(|f| !self.is_pending(f))
            .cloned()
            .collect();
        all.sort_by_key(|f| std::cmp::Reverse(f.severity));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_page_is_all_to_do_and_no_problem() {
        let p = plan(&Settings::default(), &CertInputs::default(), 0);
        assert!(p.problems().is_empty(), "{:?}", p.problems());
        let fields = [
            Field::ClusterName,
            Field::IngressIp,
            Field::NlbDomain,
            Field::NlbSecret,
            Field::AlbDomain,
            Field::AlbSecret,
        ];
        let mut want: Vec<Subject> = fields.into_iter().map(Subject::from).collect();
        want.extend(
            CertInput::ALL
                .into_iter()
                .filter(|i| i.required())
                .map(Subject::from),
        );
        assert_eq!(p.pending(), want);
    }

    #[test]
    fn a_bad_value_is_a_problem_not_a_to_do() {
        let s = Settings {
            ingress_ip: "1".into(),
            ..Settings::default()
        };
        let mut certs = CertInputs::default();
        certs[CertInput::NlbKey] = "not a key".into();
        let p = plan(&s, &certs, 0);
        let problems = p.problems();
        let about: Vec<&str> = problems.iter().filter_map(|f| f.input.as_deref()).collect();
        assert!(about.contains(&"ingress_ip"), "{about:?}");
        assert!(about.contains(&"nlb_key"), "{about:?}");
        let pending = p.pending();
        assert!(!pending.contains(&Field::IngressIp.into()));
        assert!(!pending.contains(&CertInput::NlbKey.into()));
        assert!(pending.contains(&CertInput::NlbCert.into()));
    }

    #[test]
    fn settings_errors_are_only_about_fields() {
        let p = plan(&Settings::default(), &CertInputs::default(), 0);
        assert!(!p.settings_errors().is_empty());
        assert!(
            p.settings_errors()
                .iter()
                .all(|f| f.input.as_ref().is_some_and(|i| i.field().is_some()))
        );
    }
}
