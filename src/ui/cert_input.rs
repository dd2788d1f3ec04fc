use crate::file_import::text_from_file;
use crate::finding::Severity;
use crate::inputs::CertInput as Input;
use crate::ui::cert_card::CertCard;
use crate::ui::draft::use_draft;
use crate::ui::guide_disclosure::GuideDisclosure;
use crate::ui::handles::{CertsHandle, Checked, FormHandle, Verdict};
use crate::ui::rich_text::RichText;
use crate::ui::snackbar::Snackbar;
use crate::ui::state::UndoPlace;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// A certificate or key input: paste into the text area, drop a file on it, or pick one.
/// A paste or a file is checked at once; typing by hand is checked after a pause or when the
/// field loses focus. Certificates get a card each; problems about this input show under it.
#[component]
pub fn CertInput(
    /// The input: its name is the element id and the findings' input; its label and hint show.
    input: Input,
) -> impl IntoView {
    let certs = expect_context::<CertsHandle>();
    let checked = expect_context::<Checked>();
    let settings = expect_context::<FormHandle>().settings;
    let name = input.name();
    let label = input.label();
    let key = input.is_key();
    let value = Memo::new(move |_| certs.texts.with(|c| c[input].clone()));
    let draft = use_draft(move |text: String| certs.set.run((input, text)));
    let dragover = RwSignal::new(false);
    let status = RwSignal::new(String::new());
    let file_input = NodeRef::<html::Input>::new();

    // The certificates as the check read them: decoded once, for the findings and the cards.
    let summaries = Memo::new(move |_| {
        checked.report.with(|r| {
            r.certs_of(input)
                .iter()
                .map(|c| c.summary.clone())
                .collect::<Vec<_>>()
        })
    });
    let problems = expect_context::<Verdict>().about(input);
    let has_error = move || problems.with(|p| p.iter().any(|(s, _)| *s == Severity::Error));
    // What was done to the pasted text (a Kubernetes secret taken apart, base64 decoded).
    let source = Memo::new(move |_| value.with(|t| crate::pki::pem::source(input, t).describe()));
    let made_here = Memo::new(move |_| {
        certs.made_here.with(|m| {
            m.as_ref()
                .filter(|m| !m.texts[input].is_empty() && value.with(|v| *v == m.texts[input]))
                .map(|m| m.at)
        })
    });
    let wanted = Memo::new(move |_| {
        certs.wanted_files.with(|w| {
            w.iter()
                .find(|(i, _)| *i == input)
                .map(|(_, path)| path.clone())
        })
    });

    let load_files = move |files: Vec<web_sys::File>| {
        spawn_local(async move {
            let mut texts = Vec::new();
            let mut problems = Vec::new();
            let mut converted = false;
            for file in files {
                let file_name = file.name();
                let gloo_file = gloo::file::File::from(file);
                match gloo::file::futures::read_as_bytes(&gloo_file).await {
                    Ok(bytes) => match text_from_file(&file_name, &bytes) {
                        Ok((text, der)) => {
                            converted |= der;
                            texts.push(text);
                        }
                        Err(e) => problems.push(e.to_string()),
                    },
                    Err(_) => problems.push(format!(
                        "The file {} could not be read.",
                        crate::text::shown(&file_name, 80)
                    )),
                }
            }
            // The files that loaded replace the text, and each one that could not be used is
            // an error on this input (counted, blocking the download) until its text changes
            // again: both at once, so a refused file dropped together with a usable one keeps
            // its error (`Entered::load`).
            let text = (!texts.is_empty()).then(|| {
                let mut joined = texts.join("\n");
                if !joined.ends_with('\n') {
                    joined.push('\n');
                }
                joined
            });
            if text.is_some() {
                draft.discard();
            }
            certs.load.run((input, text, problems));
            let mut message = match texts.len() {
                0 => String::new(),
                1 => "Loaded 1 file".to_string(),
                n => format!("Loaded {n} files"),
            };
            if converted {
                message.push_str(" (DER converted to PEM)");
            }
            if !message.is_empty() {
                message.push('.');
            }
            status.set(message);
        });
    };

    let file_list = |list: Option<web_sys::FileList>| -> Vec<web_sys::File> {
        let Some(list) = list else { return Vec::new() };
        (0..list.length()).filter_map(|i| list.get(i)).collect()
    };

    let help_id = format!("{name}-help");
    let error_id = format!("{name}-error");
    let described = format!("{help_id} {error_id}");
    let placeholder = if key {
        "-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----"
    } else {
        "-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----"
    };
    // Guides quote the values typed so far, and "CA the ALB trusts" names the root the pasted
    // gateway chain ends at.
    let gateway_root = Memo::new(move |_| checked.report.with(|r| r.gateway_root.clone()));
    let guide = Signal::derive(move || {
        gateway_root
            .with(|root| settings.with(|s| crate::guide::for_input(input, s, root.as_ref())))
    });

    view! {
        <div
            class="cert-input"
            class:cert-input--dragover=move || dragover.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragover.set(true);
            }
            on:dragleave=move |_| dragover.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragover.set(false);
                let files = file_list(ev.data_transfer().and_then(|d| d.files()));
                load_files(files);
            }
        >
            <div class="cert-input__head">
                <label class="cert-input__label" for=name>{label}</label>
                <span class="cert-input__tools">
                    <button
                        type="button"
                        class="button"
                        aria-label=format!("Choose file… for {label}")
                        on:click=move |_| {
                            if let Some(input) = file_input.get() {
                                input.click();
                            }
                        }
                    >
                        "Choose file…"
                    </button>
                    <input
                        type="file"
                        class="visually-hidden"
                        tabindex="-1"
                        aria-hidden="true"
                        multiple
                        node_ref=file_input
                        on:change:target=move |ev| {
                            let input = ev.target();
                            load_files(file_list(input.files()));
                            input.set_value("");
                        }
                    />
                </span>
            </div>
            <p class="cert-input__help" id=help_id><RichText text=input.hint() /></p>
            <GuideDisclosure guide id=format!("{name}-guide") />
            <textarea
                id=name
                class="cert-input__textarea"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                rows="6"
                placeholder=placeholder
                aria-describedby=described
                aria-invalid=move || if has_error() { "true" } else { "false" }
                prop:value=move || draft.shown(|| value.get())
                on:input=move |ev: web_sys::Event| {
                    let text = event_target_value(&ev);
                    // A paste, a drop or a value set by a script is complete: check it now.
                    // Typing is judged when it pauses or the field loses focus.
                    let whole = ev
                        .dyn_ref::<web_sys::InputEvent>()
                        .map(|e| {
                            let kind = e.input_type();
                            kind.starts_with("insertFrom") || kind == "insertReplacementText"
                        })
                        .unwrap_or(true);
                    if whole {
                        draft.replace(text);
                    } else {
                        draft.typed(text);
                    }
                }
                on:blur=move |_| draft.commit()
            ></textarea>
            <p class="cert-input__status" aria-live="polite">
                {move || status.get()}
                {move || source.get().map(|s| view! { <span class="cert-input__source">" "{s}</span> })}
            </p>
            {move || {
                wanted
                    .get()
                    .map(|path| {
                        view! {
                            <p class="cert-input__wanted">
                                "The imported settings name the file " <code>{path}</code>
                                " for this field: drop or paste it here."
                            </p>
                        }
                    })
            }}
            {move || {
                made_here
                    .get()
                    .map(|at| {
                        view! {
                            <p class="cert-input__made">
                                <span class="made-here">"Made here"</span>
                                " by “Create a private client CA” on "
                                {crate::rfc3339::format(at)}
                                ". The private keys never left this tab."
                            </p>
                        }
                    })
            }}
            <div id=error_id>
                <For
                    each=move || problems.get()
                    key=|p| p.clone()
                    children=|(severity, message)| {
                        let class = if severity == Severity::Error {
                            "cert-input__error"
                        } else {
                            "cert-input__warning"
                        };
                        view! { <p class=class><RichText text=message /></p> }
                    }
                />
            </div>
            // A group the page can move focus to (after "Create a private client CA"); the
            // snackbar of an action that filled this input follows it.
            <div
                class="cert-input__cards"
                id=format!("{name}-cards")
                tabindex="-1"
                role="group"
                aria-label=format!("Certificates read from “{label}”")
            >
                <For
                    each=move || summaries.get().into_iter().enumerate()
                    key=|(i, s)| (*i, s.sha256_fingerprint.clone(), s.days_left)
                    children=move |(_, summary)| {
                        view! { <CertCard summary at=checked.now.get_untracked() made_here=made_here /> }
                    }
                />
            </div>
            <Snackbar place=UndoPlace::Input(input) />
        </div>
    }
}
