use crate::file_import::text_from_file;
use crate::finding::Severity;
use crate::inputs::CertInput as Input;
use crate::ui::cert_card::CertCard;
use crate::ui::state::AppState;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A certificate or key input: paste into the text area, drop a file on it, or pick one.
/// Certificates get a card each; errors about this input are shown right under it.
#[component]
pub fn CertInput(
    /// The input: its name is the element id and the findings' input; its label and hint show.
    input: Input,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = input.name();
    let label = input.label();
    let help = input.hint();
    // A private key input: no certificate cards, a key placeholder.
    let key = input.is_key();
    let value = Memo::new(move |_| state.certs.with(|c| c[input].clone()));
    let set_value = move |text: String| state.certs.update(|c| c[input] = text);
    let dragover = RwSignal::new(false);
    let status = RwSignal::new(String::new());
    let file_input = NodeRef::<html::Input>::new();

    let summaries = Memo::new(move |_| {
        if key {
            Vec::new()
        } else {
            value.with(|text| crate::pki::cert::summarize_pem(input, text, state.now.get()).0)
        }
    });
    let errors = Memo::new(move |_| {
        state.findings.with(|all| {
            all.iter()
                .filter(|f| f.is_about(input) && f.severity == Severity::Error)
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
        })
    });

    let load_files = move |files: Vec<web_sys::File>| {
        spawn_local(async move {
            let mut texts = Vec::new();
            let mut problems = Vec::new();
            let mut converted = false;
            for file in files {
                let name = file.name();
                let gloo_file = gloo::file::File::from(file);
                match gloo::file::futures::read_as_bytes(&gloo_file).await {
                    Ok(bytes) => match text_from_file(&name, &bytes) {
                        Ok((text, der)) => {
                            converted |= der;
                            texts.push(text);
                        }
                        Err(e) => problems.push(e.to_string()),
                    },
                    Err(_) => problems.push(format!("{name} could not be read")),
                }
            }
            if !texts.is_empty() {
                let mut joined = texts.join("\n");
                if !joined.ends_with('\n') {
                    joined.push('\n');
                }
                set_value(joined);
            }
            let mut message = match texts.len() {
                0 => String::new(),
                1 => "Loaded 1 file".to_string(),
                n => format!("Loaded {n} files"),
            };
            if converted {
                message.push_str(" (DER converted to PEM)");
            }
            if !problems.is_empty() {
                if !message.is_empty() {
                    message.push_str(". ");
                }
                message.push_str(&problems.join(". "));
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
            <p class="cert-input__help" id=help_id>{help}</p>
            <textarea
                id=name
                class="cert-input__textarea"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                rows="6"
                placeholder=placeholder
                aria-describedby=described
                aria-invalid=move || if errors.with(Vec::is_empty) { "false" } else { "true" }
                prop:value=move || value.get()
                on:input:target=move |ev| set_value(ev.target().value())
            ></textarea>
            <p class="cert-input__status" aria-live="polite">{move || status.get()}</p>
            <div id=error_id>
                <For
                    each=move || errors.get()
                    key=|m| m.clone()
                    children=|m| view! { <p class="cert-input__error">{m}</p> }
                />
            </div>
            <For
                each=move || summaries.get().into_iter().enumerate()
                key=|(i, s)| (*i, s.sha256_fingerprint.clone(), s.days_left)
                children=move |(_, summary)| {
                    view! { <CertCard summary at=state.now.get_untracked() /> }
                }
            />
        </div>
    }
}
