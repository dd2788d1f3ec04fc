//! The page's state: user inputs are the only writable signals; everything else is derived.

use crate::pki::{CertInputs, Finding};
use crate::setup::Settings;
use crate::ui::browser;
use leptos::prelude::*;

/// localStorage key for the remembered non-secret settings.
const STORAGE_KEY: &str = "istio-alb.settings.v1";

/// Shared handles, provided as context by `App`.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Settings fields exactly as typed (certificates are not part of it).
    pub form: RwSignal<Form>,
    /// The six certificate and key inputs. Never persisted.
    pub certs: RwSignal<CertInputs>,
    /// Check time in Unix seconds, from the browser's clock.
    pub now: RwSignal<i64>,
    /// Whether the inputs hold the demo set.
    pub demo: RwSignal<bool>,
    /// The whole plan: findings, chain report and every generated file.
    pub plan: Memo<crate::bundle::Plan>,
    /// Inputs that are still empty (their findings only say "not given yet"), in form order.
    /// Shown as a to-do list rather than as a wall of errors on a fresh page.
    pub pending: Memo<Vec<String>>,
    /// Every other finding (settings and certificates), most severe first.
    pub findings: Memo<Vec<Finding>>,
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
    /// Whether `key` names one of the form's inputs (the settings' text fields and the port).
    pub fn has_field(key: &str) -> bool {
        key == crate::setup::field::APP_PORT || Settings::TEXT_FIELDS.contains(&key)
    }

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

    /// The text of the input for a settings key.
    pub fn field(&self, key: &str) -> &str {
        if key == crate::setup::field::APP_PORT {
            &self.app_port
        } else {
            self.settings.text_field(key).unwrap_or_default()
        }
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut String> {
        if key == crate::setup::field::APP_PORT {
            Some(&mut self.app_port)
        } else {
            self.settings.text_field_mut(key)
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
        let demo = RwSignal::new(false);
        let plan = Memo::new(move |_| {
            let settings = form.with(Form::to_settings);
            certs.with(|c| crate::bundle::plan(&settings, c, now.get()))
        });
        // A finding about an input that is simply still empty is a to-do, not a problem.
        let is_pending = move |f: &Finding| {
            let empty = |key: &str| {
                if Form::has_field(key) {
                    form.with(|form| form.field(key).trim().is_empty())
                } else {
                    certs.with(|c| c.get(key).is_some_and(|text| text.trim().is_empty()))
                }
            };
            matches!(f.code.as_str(), "input-missing" | "input-invalid")
                && f.input.as_deref().is_some_and(empty)
        };
        let pending = Memo::new(move |_| {
            let mut keys: Vec<String> = Vec::new();
            plan.with(|p| {
                for f in p.findings.iter().filter(|f| is_pending(f)) {
                    if let Some(key) = &f.input
                        && !keys.contains(key)
                    {
                        keys.push(key.clone());
                    }
                }
            });
            keys
        });
        let findings = Memo::new(move |_| {
            let mut all: Vec<Finding> = plan.with(|p| {
                p.findings
                    .iter()
                    .filter(|f| !is_pending(f))
                    .cloned()
                    .collect()
            });
            // Most severe first; the order within a severity is the core's (procedure order).
            all.sort_by_key(|f| std::cmp::Reverse(f.severity));
            all
        });
        // Only the non-secret settings form is remembered; certificates and keys never are.
        Effect::new(move |_| {
            let text = form.with(|f| serde_json::to_string(f).unwrap_or_default());
            browser::save(STORAGE_KEY, &text);
        });
        AppState {
            form,
            certs,
            now,
            demo,
            plan,
            pending,
            findings,
        }
    }

    /// Forget everything: inputs, keys, remembered settings.
    pub fn clear_all(&self) {
        self.certs.set(CertInputs::default());
        self.form.set(Form::default());
        self.demo.set(false);
        browser::remove(STORAGE_KEY);
    }
}
