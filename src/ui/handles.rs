//! The narrow handles the components take from context: a reader for what they show, a writer
//! (a callback) for what they change. `App` makes them from its [`AppState`] and provides each;
//! only the components that replace several inputs at once, with undo (the header's actions,
//! the snackbar, the private CA, the settings import), take the whole state.

use crate::bundle::Bundle;
use crate::finding::{Code, Finding, Severity, Subject, Tally};
use crate::inputs::{CertInput, CertInputs};
use crate::pki::CheckReport;
use crate::settings::{Field, Settings};
use crate::ui::state::{AppState, Form, MadeHere};
use leptos::prelude::*;

/// The verdict, to read: the findings, the inputs still empty and their counts.
#[derive(Clone, Copy)]
pub struct Verdict {
    /// Every finding but the empty inputs, most severe first.
    pub findings: Memo<Vec<Finding>>,
    /// Inputs that are still empty, in form order.
    pub pending: Memo<Vec<Subject>>,
    pub tally: Memo<Tally>,
    /// Nothing entered yet.
    pub untouched: Memo<bool>,
}

impl Verdict {
    /// The value a finding about `field` offers as its fix (the first such), if any: the
    /// nearest name the certificate covers, a host name without what was pasted around it.
    pub fn fix(self, field: Field) -> Memo<Option<String>> {
        let findings = self.findings;
        Memo::new(move |_| {
            findings.with(|all| {
                all.iter()
                    .filter(|f| f.is_about(field))
                    .find_map(|f| f.suggestion.clone())
            })
        })
    }

    /// The warnings and errors about one field or input, most severe first, with their
    /// severity: the one memo a field shows under itself.
    pub fn about(self, subject: impl Into<Subject>) -> Memo<Vec<(Severity, String)>> {
        let subject: Subject = subject.into();
        let findings = self.findings;
        Memo::new(move |_| {
            findings.with(|all| {
                all.iter()
                    // Notes stay in the list, but for white space removed from this very
                    // value, which the field says itself.
                    .filter(|f| {
                        (f.severity != Severity::Info || f.code == Code::ValueTrimmed)
                            && f.is_about(subject.clone())
                    })
                    .map(|f| (f.severity, f.message.clone()))
                    .collect()
            })
        })
    }
}

/// The settings form: what is entered, the settings it makes, and the two ways to change a
/// field.
#[derive(Clone, Copy)]
pub struct FormHandle {
    pub form: ReadSignal<Form>,
    /// `form` as the core reads it (for the guides).
    pub settings: Memo<Settings>,
    /// Hand a field the text of its input (nothing happens when it is the same).
    pub set_text: Callback<(Field, String)>,
    /// Set a choice field to one of its options.
    pub set_choice: Callback<(Field, &'static str)>,
}

/// The certificate and key inputs: their texts, and the ways one input changes them.
#[derive(Clone, Copy)]
pub struct CertsHandle {
    pub texts: ReadSignal<CertInputs>,
    /// Hand an input its text (nothing happens when it is the same).
    pub set: Callback<(CertInput, String)>,
    /// Files that could not be loaded into an input, with the reason: they replace the
    /// input's earlier ones (none given: nothing changes).
    pub reject: Callback<(CertInput, Vec<String>)>,
    /// The private client CA made in this tab.
    pub made_here: ReadSignal<Option<MadeHere>>,
    /// Files an imported settings file named by path.
    pub wanted_files: ReadSignal<Vec<(CertInput, String)>>,
}

/// The certificate check and the clock, to read.
#[derive(Clone, Copy)]
pub struct Checked {
    pub report: Memo<CheckReport>,
    /// Check time in Unix seconds.
    pub now: ReadSignal<i64>,
}

/// What install will do to the cluster, to read: derived from the plan with its files.
#[derive(Clone, Copy)]
pub struct InstallPlan {
    pub preview: Memo<crate::plan::InstallPreview>,
}

/// Every file of the bundle, to read.
#[derive(Clone, Copy)]
pub struct Files {
    pub bundle: Memo<Bundle>,
}

impl AppState {
    /// Provide the state and each narrow handle made of it as context.
    pub fn provide(self) {
        let state = self;
        provide_context(state);
        provide_context(Verdict {
            findings: state.findings,
            pending: state.pending,
            tally: state.tally,
            untouched: Memo::new(move |_| state.untouched()),
        });
        let form = state.form;
        provide_context(FormHandle {
            form: form.read_only(),
            settings: state.settings,
            set_text: Callback::new(move |(field, value): (Field, String)| {
                if form.with_untracked(|f| f.field(field) != value) {
                    form.update(|f| f.set_field(field, value));
                }
            }),
            set_choice: Callback::new(move |(field, value): (Field, &'static str)| {
                form.update(|f| {
                    f.settings.set_choice(field, value);
                });
            }),
        });
        let (certs, rejected) = (state.certs, state.rejected);
        provide_context(CertsHandle {
            texts: certs.read_only(),
            set: Callback::new(move |(input, text): (CertInput, String)| {
                if certs.with_untracked(|c| c[input] != text) {
                    state.update_certs(|c| c[input] = text);
                }
            }),
            reject: Callback::new(move |(input, problems): (CertInput, Vec<String>)| {
                if !problems.is_empty() {
                    rejected.update(|r| {
                        r.retain(|(i, _)| *i != input);
                        r.extend(problems.into_iter().map(|p| (input, p)));
                    });
                }
            }),
            made_here: state.made_here.read_only(),
            wanted_files: state.wanted_files.read_only(),
        });
        provide_context(Checked {
            report: state.report,
            now: state.now.read_only(),
        });
        provide_context(Files {
            bundle: state.bundle,
        });
        let plan = state.plan;
        provide_context(InstallPlan {
            preview: Memo::new(move |_| plan.with(crate::plan::install_preview)),
        });
    }
}
