//! The narrow handles the components take from context: a reader for what they show, a writer
//! (a callback) for what they change. `App` makes them from its [`AppState`] and provides each;
//! no component takes the whole state (`tests/architecture.rs`).

use crate::bundle::Bundle;
use crate::entered::Notes;
use crate::finding::{Code, Finding, Severity, Subject, Tally};
use crate::inputs::{CertInput, CertInputs};
use crate::pki::CheckReport;
use crate::settings::{Field, Settings};
use crate::ui::state::{AppState, Form, MadeHere, PrivateCa, Undo};
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
    pub texts: Memo<CertInputs>,
    /// Hand an input its text (nothing happens when it is the same).
    pub set: Callback<(CertInput, String)>,
    /// Files loaded into an input at once: the text of those that could be read (none: the
    /// text stays), and why each of the others was refused (`crate::entered::Entered::load`).
    pub load: Callback<(CertInput, Option<String>, Vec<String>)>,
    /// The private client CA made in this tab.
    pub made_here: ReadSignal<Option<MadeHere>>,
    /// Files an imported settings file named by path.
    pub wanted_files: Memo<Notes>,
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
    /// Why the files could not be made, if they could not.
    pub trouble: Memo<Option<String>>,
    /// The bundle's folder name, `<cluster>-istio-alb`, from the latest check.
    pub root: Memo<String>,
    /// What the latest check was made of: whatever hands files out (the zip, the settings
    /// file) has the second module make them from it (see `ui::state`).
    pub request: Callback<(), crate::make::Request>,
}

/// The last action that replaced inputs, for its snackbar: what it did and where it shows (a
/// new action is a new value, even one that did the same), and the two ways out.
#[derive(Clone, Copy)]
pub struct UndoHandle {
    pub last: ReadSignal<Option<Undo>>,
    /// Put back what it replaced.
    pub undo: Callback<()>,
    /// Keep what it did; the snackbar goes.
    pub dismiss: Callback<()>,
}

/// The header's actions, which replace every input at once, undoably.
#[derive(Clone, Copy)]
pub struct PageActions {
    pub fill_demo: Callback<()>,
    pub clear_all: Callback<()>,
    /// Whether the inputs hold exactly the demo set.
    pub demo: Memo<bool>,
}

/// Keys made in this tab, and whether they are safe in a downloaded zip.
#[derive(Clone, Copy)]
pub struct Keys {
    /// An input holds a key made here that no downloaded zip holds.
    pub unsaved: Memo<bool>,
    /// The keys of the inputs went out in a downloaded zip.
    pub downloaded: Callback<()>,
}

/// The actions that put a whole set of inputs at once, undoably: a private client CA (made
/// here or an earlier bundle's: returns whether the client CA moved to "CA the ALB trusts"),
/// and an imported settings file (its name as shown and its settings: returns how many inputs
/// it filled, and the files it names by path).
#[derive(Clone, Copy)]
pub struct Fill {
    pub private_ca: Callback<PrivateCa, bool>,
    pub import: Callback<(String, Settings), (usize, Notes)>,
}

impl AppState {
    /// Provide the state and each narrow handle made of it as context.
    pub fn provide(self) {
        let state = self;
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
        provide_context(CertsHandle {
            texts: state.certs,
            set: Callback::new(move |(input, text): (CertInput, String)| {
                state.update_certs(|c| c[input] = text);
            }),
            load: Callback::new(
                move |(input, text, refused): (CertInput, Option<String>, Vec<String>)| {
                    state.load(input, text, refused);
                },
            ),
            made_here: state.made_here.read_only(),
            wanted_files: state.wanted_files,
        });
        provide_context(Checked {
            report: state.report,
            now: state.now.read_only(),
        });
        provide_context(Files {
            bundle: state.bundle,
            trouble: state.files_trouble,
            root: state.root,
            request: Callback::new(move |()| state.request()),
        });
        let undo = state.undo;
        provide_context(UndoHandle {
            last: undo.read_only(),
            undo: Callback::new(move |()| state.undo()),
            dismiss: Callback::new(move |()| undo.set(None)),
        });
        provide_context(PageActions {
            fill_demo: Callback::new(move |()| state.fill_demo()),
            clear_all: Callback::new(move |()| state.clear_all()),
            demo: state.demo,
        });
        provide_context(Keys {
            unsaved: state.unsaved_keys,
            downloaded: Callback::new(move |()| state.keys_downloaded()),
        });
        provide_context(Fill {
            private_ca: Callback::new(move |made: PrivateCa| state.fill_private_ca(made)),
            import: Callback::new(move |(shown, settings): (String, Settings)| {
                state.import(&shown, &settings)
            }),
        });
        provide_context(InstallPlan {
            preview: state.preview,
        });
    }
}
