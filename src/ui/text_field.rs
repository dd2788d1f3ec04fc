use crate::finding::Severity;
use crate::settings::Field;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// One settings field: label, input, help and the errors about it, wired to the form.
#[component]
pub fn TextField(
    /// The settings field: its name is the element id and the findings' input.
    field: Field,
    /// `inputmode` hint for on-screen keyboards (e.g. "numeric").
    #[prop(optional)]
    inputmode: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let key = field.name();
    let errors = Memo::new(move |_| {
        state.findings.with(|all| {
            all.iter()
                .filter(|f| f.is_about(field) && f.severity == Severity::Error)
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
        })
    });
    let help_id = format!("{key}-help");
    let error_id = format!("{key}-error");
    let placeholder = field.placeholder();
    view! {
        <div class="field">
            <label class="field__label" for=key>{field.label()}</label>
            <input
                class="field__input"
                id=key
                name=key
                type="text"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                aria-describedby=format!("{help_id} {error_id}")
                aria-invalid=move || if errors.with(Vec::is_empty) { "false" } else { "true" }
                prop:value=move || state.form.with(|f| f.field(field).to_owned())
                on:input:target=move |ev| {
                    let value = ev.target().value();
                    state.form.update(|f| {
                        if let Some(text) = f.field_mut(field) {
                            *text = value;
                        }
                    });
                }
            />
            <span class="field__help" id=help_id>{field.help()}</span>
            <div id=error_id>
                <For
                    each=move || errors.get()
                    key=|m| m.clone()
                    children=|m| view! { <p class="field__error">{m}</p> }
                />
            </div>
        </div>
    }
}
