//! The page's state: user inputs are the only writable signals; everything else is derived, in
//! two stages so that typing in a settings field never re-verifies a chain:
//!
//! - `report`: the certificate check, a memo of the certificates and the clock only;
//! - `plan`: settings findings, names, pending inputs and every generated file, a memo of the
//!   form and the report.

use crate::bundle::Bundle;
use crate::finding::{Finding, Subject};
use crate::inputs::CertInputs;
use crate::pki::CheckReport;
use crate::plan::Plan;
use crate::settings::{Field, Settings};
use crate::ui::browser;
use leptos::prelude::*;

/// localStorage key for the remembered non-secret settings.
const STORAGE_KEY: &str = "istio-alb.settings.v1";

/// Shared handles, provided as context by `App`.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Settings fields exactly as typed (certificates are not part of it).
    pub form: RwSignal<Form>,
    /// The certificate and key inputs. Never persisted.
    pub certs: RwSignal<CertInputs>,
    /// Check time in Unix seconds, from the browser's clock.
    pub now: RwSignal<i64>,
    /// The certificate check (depends on the certificates and the time only).
    pub report: Memo<CheckReport>,
    /// Findings, pending inputs, manifests and scripts.
    pub plan: Memo<Plan>,
    /// Every file of the bundle, for the previews and the zip.
    pub bundle: Memo<Bundle>,
    /// Inputs that are still empty, in form order: a to-do list rather than a wall of errors.
    pub pending: Memo<Vec<Subject>>,
    /// Every other finding (settings and certificates), most severe first.
    pub findings: Memo<Vec<Finding>>,
    /// Whether the inputs hold exactly the demo set.
    pub demo: Memo<bool>,
}

/// The settings form: the settings as typed, with the port kept as text so that nothing typed
/// is ever lost or rewritten (certificates are not part of it: they are never remembered).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Form {
    /// Every field but `app_port` (and `certificates`, always empty here).
    pub settings: Settings,
    pub app_port: String,
}

impl Default for Form {
    fn default() -> Self {
        Form::from_settings(&Settings::default())
    }
}

impl Form {
    pub fn from_settings(s: &Settings) -> Self {
        Form {
            settings: Settings {
                certificates: Default::default(),
                ..s.clone()
            },
            app_port: s.app_port.to_string(),
        }
    }

    /// The settings the core checks. A port that is not a number becomes 0, which the settings
    /// validation reports as out of range on the port field.
    pub fn to_settings(&self) -> Settings {
        Settings {
            app_port: self.app_port.trim().parse().unwrap_or(0),
            ..self.settings.clone()
        }
    }

    /// What may be remembered: the form without anything that looks like key material.
    pub fn remembered(&self) -> Form {
        Form {
            settings: self.settings.without_key_material(),
            app_port: if crate::text::looks_like_key_material(&self.app_port) {
                String::new()
            } else {
                self.app_port.clone()
            },
        }
    }

    /// The text of the input for a settings field (the profile has no text input).
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::AppPort => &self.app_port,
            other => self.settings.text(other).unwrap_or_default(),
        }
    }

    pub fn field_mut(&mut self, field: Field) -> Option<&mut String> {
        match field {
            Field::AppPort => Some(&mut self.app_port),
            other => self.settings.text_mut(other),
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

impl AppState {
    /// Create the state, restoring remembered settings, and start remembering them.
    pub fn new() -> Self {
        let remembered = browser::load(STORAGE_KEY)
            .and_then(|text| serde_json::from_str::<Form>(&text).ok())
            .unwrap_or_default();
        let form = RwSignal::new(remembered);
        let certs = RwSignal::new(CertInputs::default());
        let now = RwSignal::new(browser::now());
        let report = Memo::new(move |_| certs.with(|c| crate::plan::check(c, now.get())));
        let settings = Memo::new(move |_| form.with(Form::to_settings));
        let plan = Memo::new(move |_| {
            settings
                .with(|s| report.with(|r| crate::plan::from_report(s, r, Vec::new(), now.get())))
        });
        let bundle = Memo::new(move |_| plan.with(Bundle::of));
        let pending = Memo::new(move |_| plan.with(Plan::pending));
        let findings = Memo::new(move |_| plan.with(Plan::problems));
        let demo = Memo::new(move |_| {
            form.with(|f| *f == Form::from_settings(&crate::demo::settings()))
                && certs.with(|c| *c == crate::demo::cert_inputs())
        });
        // Only the non-secret settings form is remembered; certificates and keys never are, and
        // neither is a field that looks like one (a key pasted into the wrong field).
        Effect::new(move |_| {
            let text = form.with(|f| serde_json::to_string(&f.remembered()).unwrap_or_default());
            browser::save(STORAGE_KEY, &text);
        });
        AppState {
            form,
            certs,
            now,
            report,
            plan,
            bundle,
            pending,
            findings,
            demo,
        }
    }

    /// Forget everything: inputs, keys, remembered settings.
    pub fn clear_all(&self) {
        self.certs.set(CertInputs::default());
        self.form.set(Form::default());
        browser::remove(STORAGE_KEY);
    }
}
