//! The page's state: user inputs are the only writable signals; everything else is derived, in
//! two stages so that typing in a settings field never re-verifies a chain:
//!
//! - `report`: the certificate check, a memo of the certificates and the clock only (its
//!   signatures and keys answered by WebCrypto, asynchronously: `ui::webcrypto::report`);
//! - `checked`: settings findings, names and pending inputs, a memo of the form, the report and
//!   the page's own findings (a port typed as text, a file that could not be loaded);
//! - `made` and `bundle`: every generated file, derived from `checked` asynchronously (an
//!   `AsyncDerived`) in the task after it changed (issue 12): an edit's findings reach the page
//!   first; the manifests and scripts (the slow part of a settings edit) follow a moment later.
//!   A `Memo` cannot wait: it would make them in the same task, before the browser shows the
//!   findings. Measured with `tools/bench-page.mjs` (issue 25, interleaved runs at load 8-10),
//!   files made by a memo took a settings edit from a median of 3.0 / 4.5 ms to 8.8 / 8.0 ms and
//!   a certificate edit from 8.4 / 13.0 ms to 13.9 / 17.6 ms; made asynchronously they cost
//!   nothing measurable. Since issue 26 the files are made by the page's second wasm module
//!   (`ui::lazy`), from the [`Request`] the check was made of; whatever hands files out
//!   (download, export) asks that module with the latest request, so it never sees an older set.
//!
//! Text fields and certificate inputs hand their value to the form when the user is done with
//! it (blur, a pause, a paste: `ui::draft`), so a value is judged once it is entered,
//! not at its first key. Components take narrow handles made of this state
//! (`ui::handles`); the one effect here talks to the outside world (storage).

use crate::bundle::Bundle;
use crate::entered::{Entered, Notes};
use crate::finding::{Code, Finding, Subject, Tally};
use crate::inputs::{CertInput, CertInputs};
use crate::make::Request;
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
    /// Settings fields as entered (certificates are not part of it).
    pub form: RwSignal<Form>,
    /// The certificate and key inputs, with the files refused for them (an error on the input
    /// until its text changes) and the files an import named by path. Never persisted.
    pub entered: RwSignal<Entered>,
    /// The texts of `entered`.
    pub certs: Memo<CertInputs>,
    /// Check time in Unix seconds, from the browser's clock.
    pub now: RwSignal<i64>,
    /// The private client CA made in this tab: when, and the texts it put into the inputs.
    pub made_here: RwSignal<Option<MadeHere>>,
    /// Files a settings file named by path, which the user still has to paste or drop.
    pub wanted_files: Memo<Notes>,
    /// The last action that replaced inputs (clear, demo, import, a new CA), to undo.
    pub undo: RwSignal<Option<Undo>>,
    /// Private keys made in this tab (a new CA, a client certificate issued for an earlier CA),
    /// with the input they were put into.
    pub fresh_keys: RwSignal<Vec<(CertInput, String)>>,
    /// Key texts that went out in a downloaded zip.
    pub saved_keys: RwSignal<Vec<String>>,
    /// Whether an input still holds a key made in this tab that no downloaded zip holds: leaving
    /// the page would lose it (the page stores no key), so leaving asks first.
    pub unsaved_keys: Memo<bool>,
    /// `form` as the core reads it.
    pub settings: Memo<Settings>,
    /// The certificate check (depends on the certificates and the time only).
    pub report: Memo<CheckReport>,
    /// Findings and pending inputs, without the files (`Plan::manifests` and `scripts` empty).
    pub checked: Memo<Plan>,
    /// The page's own findings: a port typed as text, a file that could not be loaded.
    extra: Memo<Vec<Finding>>,
    /// The bundle's folder name, `<cluster>-istio-alb`, from the check.
    pub root: Memo<String>,
    /// Every file of the bundle, for the previews and the zip.
    pub bundle: Memo<Bundle>,
    /// Why the files could not be made (the second module did not load or refused).
    pub files_trouble: Memo<Option<String>>,
    /// What install will do, from the plan with its files (issue 27, point 9).
    pub preview: Memo<crate::plan::InstallPreview>,
    /// Inputs that are still empty, in form order: a to-do list rather than a wall of errors.
    pub pending: Memo<Vec<Subject>>,
    /// Every other finding (settings and certificates), most severe first.
    pub findings: Memo<Vec<Finding>>,
    /// Counts of `findings`.
    pub tally: Memo<Tally>,
    /// Whether the inputs hold exactly the demo set.
    pub demo: Memo<bool>,
}

/// The files and the install preview made from a check, by the second module.
#[derive(Clone)]
struct Made {
    bundle: Bundle,
    preview: crate::plan::InstallPreview,
}

impl Made {
    async fn of(request: Request) -> Result<Made, String> {
        let (bundle, preview) = crate::ui::lazy::files(&request).await?.into_parts();
        Ok(Made { bundle, preview })
    }
}

/// The certificates "Create a private client CA" made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadeHere {
    /// When, Unix seconds.
    pub at: i64,
    /// The texts it put into the inputs (the others empty).
    pub texts: CertInputs,
}

/// What "Create a private client CA" or "Use the CA from my earlier bundle" puts into the page
/// ([`AppState::fill_private_ca`]).
pub struct PrivateCa {
    /// What was done, for the snackbar.
    pub done: String,
    /// The texts of the four inputs it fills ([`PrivateCa::FILLED`]); the others are not read.
    pub texts: CertInputs,
    /// Private keys made in this tab, with their input: leaving asks while they are not in a
    /// downloaded zip.
    pub fresh_keys: Vec<(CertInput, String)>,
    /// The CA was made in this tab (the cards say so), or not (`None`: an earlier CA).
    pub made_here: Option<MadeHere>,
}

impl PrivateCa {
    /// The four inputs a private client CA fills; its snackbar shows under the first.
    pub const FILLED: [CertInput; 4] = [
        CertInput::AlbClientCert,
        CertInput::AlbClientKey,
        CertInput::ClientCa,
        CertInput::ClientCaKey,
    ];
}

/// Where the snackbar of an action shows: in the page's flow next to what the action changed,
/// so it never covers it and its Undo is the next stop of the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoPlace {
    /// Under the header's actions (Clear all, demo data).
    Header,
    /// Under the cards of a certificate input (a new or an earlier private CA).
    Input(CertInput),
    /// Under the Download step's buttons (Import settings).
    Download,
}

/// What an action replaced, to put back.
#[derive(Clone, PartialEq, Eq)]
pub struct Undo {
    /// What was done, for the snackbar ("Cleared every input.").
    pub done: String,
    /// Where its snackbar shows.
    pub place: UndoPlace,
    form: Form,
    /// The inputs with their notes: a refusal comes back with the text it stood beside.
    entered: Entered,
    made_here: Option<MadeHere>,
    /// The remembered settings as they were (Clear all forgets them too).
    stored: Option<String>,
}

/// The settings form: the settings as entered, with the port kept as text so that nothing typed
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

    /// The settings the core checks. The port is read as typed: blank is "not given yet", and
    /// text that is not a number is reported as typed (`port_text_finding`).
    pub fn to_settings(&self) -> Settings {
        Settings {
            app_port: crate::settings::port_from_text(&self.app_port),
            ..self.settings.clone()
        }
    }

    /// What may be remembered, given what is remembered already: the form without anything
    /// that looks like key material, and without any value of the demo set, whose fields keep
    /// the value remembered before (a reload never shows demo values without the demo banner,
    /// and the demo data does not wipe what the user typed earlier).
    pub fn remembered(&self, before: &Form) -> Form {
        let demo = crate::demo::settings();
        let defaults = Settings::default();
        let mut settings = self.settings.without_key_material();
        for field in Field::TEXT {
            let (Some(d), Some(default)) = (demo.text(field), defaults.text(field)) else {
                continue;
            };
            let earlier = before
                .settings
                .text(field)
                .filter(|t| *t != d)
                .unwrap_or(default)
                .to_owned();
            if let Some(text) = settings.text_mut(field)
                && text == d
                && d != default
            {
                *text = earlier;
            }
        }
        // The demo deploys the httpbin sample; that choice is the demo's, not the user's.
        if self.settings.cluster_name == demo.cluster_name {
            settings.deploy_sample = before.settings.deploy_sample;
        }
        Form {
            settings,
            app_port: if crate::text::looks_like_key_material(&self.app_port) {
                String::new()
            } else {
                self.app_port.clone()
            },
        }
    }

    /// The text of the input for a settings field: free text, the port as typed, and any other
    /// field as the settings file writes it.
    pub fn field(&self, field: Field) -> String {
        match field {
            Field::AppPort => self.app_port.clone(),
            other => match self.settings.text(other) {
                Some(text) => text.to_owned(),
                None => self.settings.value(other),
            },
        }
    }

    /// Set a field from the text of its input. Free text and the port are taken as they are;
    /// any other field (a choice such as the profile) is set as the settings file would set it,
    /// and a value it does not take is ignored.
    pub fn set_field(&mut self, field: Field, value: String) {
        if field == Field::AppPort {
            self.app_port = value;
        } else if let Some(text) = self.settings.text_mut(field) {
            *text = value;
        } else {
            self.settings.set_choice(field, &value);
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
            .map(|f| f.remembered(&Form::default()))
            .unwrap_or_default();
        let form = RwSignal::new(remembered);
        let entered = RwSignal::new(Entered::default());
        let certs = Memo::new(move |_| entered.with(|e| e.texts().clone()));
        let now = RwSignal::new(browser::now());
        let rejected = Memo::new(move |_| entered.with(|e| e.refused().to_vec()));
        let made_here = RwSignal::new(None);
        let wanted_files = Memo::new(move |_| entered.with(|e| e.wanted().to_vec()));
        let undo = RwSignal::new(None);
        let fresh_keys = RwSignal::new(Vec::<(CertInput, String)>::new());
        let saved_keys = RwSignal::new(Vec::<String>::new());
        let unsaved_keys = Memo::new(move |_| {
            fresh_keys.with(|fresh| {
                fresh.iter().any(|(input, key)| {
                    certs.with(|c| c[*input] == *key) && !saved_keys.with(|s| s.contains(key))
                })
            })
        });
        let report = crate::ui::webcrypto::report(certs, now);
        let settings = Memo::new(move |_| form.with(Form::to_settings));
        // The page's own findings: what the form or a file load knows and the settings do not.
        let extra = Memo::new(move |_| {
            let mut out: Vec<Finding> = form
                .with(|f| crate::settings::port_text_finding(&f.app_port))
                .into_iter()
                .collect();
            rejected.with(|r| {
                out.extend(r.iter().map(|(input, why)| {
                    Finding::error(Code::PemMalformed, why.clone(), Some((*input).into()))
                }))
            });
            out
        });
        let checked = Memo::new(move |_| {
            settings.with(|s| report.with(|r| crate::plan::checked(s, r, extra.get(), now.get())))
        });
        // The files are made in the task after a check, once its findings are on the page, by
        // the second module (loaded on the first call). Nothing but tracking happens in the
        // edit's own task: the inputs are read when the files are made, so edits in between are
        // made once, from the latest.
        let made = AsyncDerived::new_unsync(move || {
            checked.track();
            async move {
                gloo::timers::future::TimeoutFuture::new(0).await;
                Made::of(request_of(settings, certs, extra, now)).await
            }
        });
        let root = Memo::new(move |_| checked.with(|p| p.root.clone()));
        // No file until the second module made them.
        let bundle = Memo::new(move |_| {
            made.with(|m| {
                m.as_ref()
                    .and_then(|m| m.as_ref().ok())
                    .map(|m| m.bundle.clone())
            })
            .unwrap_or_else(|| Bundle {
                root: String::new(),
                files: Vec::new(),
            })
        });
        let files_trouble =
            Memo::new(move |_| made.with(|m| m.as_ref().and_then(|m| m.as_ref().err().cloned())));
        let preview = Memo::new(move |_| {
            made.with(|m| {
                m.as_ref()
                    .and_then(|m| m.as_ref().ok())
                    .map(|m| m.preview.clone())
            })
            .unwrap_or_default()
        });
        let pending = Memo::new(move |_| checked.with(Plan::pending));
        let findings = Memo::new(move |_| checked.with(Plan::problems));
        let tally = Memo::new(move |_| findings.with(|f| Tally::of(f)));
        let demo = Memo::new(move |_| {
            form.with(|f| *f == Form::from_settings(&crate::demo::settings()))
                && certs.with(|c| *c == crate::demo::cert_inputs())
        });
        // Only the non-secret settings form is remembered; certificates and keys never are, and
        // neither is a field that looks like one (a key pasted into the wrong field), nor a
        // value of the demo set.
        Effect::new(move |_| {
            let before = browser::load(STORAGE_KEY)
                .and_then(|text| serde_json::from_str::<Form>(&text).ok())
                .unwrap_or_default();
            let text =
                form.with(|f| serde_json::to_string(&f.remembered(&before)).unwrap_or_default());
            browser::save(STORAGE_KEY, &text);
        });
        AppState {
            form,
            entered,
            certs,
            now,
            made_here,
            wanted_files,
            undo,
            fresh_keys,
            saved_keys,
            unsaved_keys,
            settings,
            report,
            checked,
            extra,
            root,
            bundle,
            files_trouble,
            preview,
            pending,
            findings,
            tally,
            demo,
        }
    }

    /// What the latest check was made of, for the second module (the zip, the settings file).
    pub fn request(&self) -> Request {
        request_of(self.settings, self.certs, self.extra, self.now)
    }

    /// Remember the inputs as they are now, so that the action about to replace them can be
    /// undone; `done` says what the action did. Its snackbar shows under the header's actions.
    pub fn remember_for_undo(&self, done: impl Into<String>) {
        self.remember_for_undo_at(UndoPlace::Header, done);
    }

    /// [`AppState::remember_for_undo`], with the snackbar at `place`.
    pub fn remember_for_undo_at(&self, place: UndoPlace, done: impl Into<String>) {
        self.undo.set(Some(Undo {
            done: done.into(),
            place,
            form: self.form.get_untracked(),
            entered: self.entered.get_untracked(),
            made_here: self.made_here.get_untracked(),
            stored: browser::load(STORAGE_KEY),
        }));
    }

    /// The keys of the inputs went out in a downloaded zip: leaving no longer loses them.
    pub fn keys_downloaded(&self) {
        let keys: Vec<String> = self.certs.with_untracked(|c| {
            CertInput::ALL
                .into_iter()
                .filter(|i| i.is_key() && c.given(*i))
                .map(|i| c[i].clone())
                .collect()
        });
        self.saved_keys.update(|saved| saved.extend(keys));
    }

    /// Put back what the last action replaced: the texts together with the refusals and
    /// requests that stood beside them (restoring the texts does not forget those).
    pub fn undo(&self) {
        if let Some(u) = self.undo.get_untracked() {
            match &u.stored {
                Some(text) => browser::save(STORAGE_KEY, text),
                None => browser::remove(STORAGE_KEY),
            }
            self.form.set(u.form);
            self.made_here.set(u.made_here);
            self.entered.set(u.entered);
            self.undo.set(None);
        }
    }

    /// Change the certificate inputs. A file refused for an input, or one an import asked for,
    /// is forgotten once that input's text changes ([`Entered::change`]), where the texts
    /// change, rather than by an effect watching them. Nothing happens when no text changes.
    pub fn update_certs(&self, change: impl FnOnce(&mut CertInputs)) {
        let mut next = self.entered.get_untracked();
        if !next.change(change).is_empty() {
            self.entered.set(next);
        }
    }

    /// Files loaded into one input at once ([`Entered::load`]): the text of those that could be
    /// read, and why the others were refused.
    pub fn load(&self, input: CertInput, text: Option<String>, refused: Vec<String>) {
        self.entered.update(|e| e.load(input, text, refused));
    }

    /// Put what a private client CA made into the four inputs it fills (`texts`; the others
    /// are left alone), undoably (`done` for the snackbar under the first of them), with the
    /// keys made in this tab and whether the CA was made here. The gateway keeps the CA it
    /// trusted: when "CA the ALB trusts" was empty it used the client CA, which therefore moves
    /// there. Returns whether it moved.
    pub fn fill_private_ca(&self, made: PrivateCa) -> bool {
        let PrivateCa {
            done,
            texts,
            fresh_keys,
            made_here,
        } = made;
        self.remember_for_undo_at(UndoPlace::Input(PrivateCa::FILLED[0]), done);
        let mut moved = false;
        self.update_certs(|c| {
            if !c.given(CertInput::GatewayCa) && c.given(CertInput::ClientCa) {
                c[CertInput::GatewayCa] = c[CertInput::ClientCa].clone();
                moved = true;
            }
            for input in PrivateCa::FILLED {
                c[input] = texts[input].clone();
            }
        });
        self.fresh_keys.update(|k| k.extend(fresh_keys));
        self.made_here.set(made_here);
        moved
    }

    /// Take an imported settings file, undoably (its snackbar under the Download step's
    /// buttons; `shown` is the file's name as shown): the form, and the certificates written
    /// into it. Returns how many inputs it filled, and the inputs whose files it names by path
    /// (a web page cannot open them), with the path as shown.
    pub fn import(&self, shown: &str, settings: &Settings) -> (usize, Notes) {
        self.remember_for_undo_at(
            UndoPlace::Download,
            format!("Imported the settings of {shown}."),
        );
        self.form.set(Form::from_settings(settings));
        // Inline PEMs in the file fill the inputs; paths cannot be followed here.
        let (certs, _) = settings.cert_inputs(|path| Err(path.to_owned()));
        let mut filled = 0;
        let mut wanted = Vec::new();
        let mut next = self.entered.get_untracked();
        next.change(|current| {
            for input in CertInput::ALL {
                if !certs[input].is_empty() {
                    current[input] = certs[input].clone();
                    filled += 1;
                } else {
                    let path = settings.certificates[input].trim();
                    if !path.is_empty() {
                        wanted.push((input, crate::text::shown(path, 80)));
                    }
                }
            }
        });
        next.want(wanted.clone());
        self.entered.set(next);
        (filled, wanted)
    }

    /// Forget everything: inputs, keys, remembered settings (undoable while the page is open:
    /// the snapshot lives in memory only).
    pub fn clear_all(&self) {
        self.remember_for_undo("Cleared every field, key and remembered setting.");
        self.entered.set(Entered::default());
        self.form.set(Form::default());
        self.made_here.set(None);
        browser::remove(STORAGE_KEY);
    }

    /// Fill every input with the demo set.
    pub fn fill_demo(&self) {
        self.remember_for_undo("Filled in the demo set. Its values are never remembered.");
        self.form.set(Form::from_settings(&crate::demo::settings()));
        self.entered.set(Entered::new(crate::demo::cert_inputs()));
        self.made_here.set(None);
    }

    /// Whether the user has not entered anything yet (every input still to fill).
    pub fn untouched(&self) -> bool {
        self.form.with(|f| *f == Form::default())
            && self
                .certs
                .with(|c| CertInput::ALL.iter().all(|&i| !c.given(i)))
    }
}

/// What the check of these inputs is made of, read now (untracked).
fn request_of(
    settings: Memo<Settings>,
    certs: Memo<CertInputs>,
    extra: Memo<Vec<Finding>>,
    now: RwSignal<i64>,
) -> Request {
    Request {
        settings: settings.get_untracked(),
        certs: certs.get_untracked(),
        extra: extra.get_untracked(),
        at: now.get_untracked(),
    }
}

/// The verdict in words, the same in the header, the Check step and the compact bar: counts
/// first, then what is still to fill in; an untouched page says what to do.
pub fn verdict(tally: Tally, pending: usize, untouched: bool) -> String {
    let inputs = if pending == 1 {
        "1 input".to_owned()
    } else {
        format!("{pending} inputs")
    };
    if untouched {
        return format!("Nothing checked yet: {inputs} to fill in");
    }
    let counts = tally.to_string();
    match (tally.errors, pending) {
        (0, 0) => format!("{counts} — ready to download"),
        (_, 0) => counts,
        (_, _) => format!("{counts} · {inputs} still empty"),
    }
}
