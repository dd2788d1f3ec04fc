use crate::pki::Severity;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// One settings field: label, input, help and the errors about it, wired to the form.
#[component]
pub fn TextField(
    /// Settings key: the element id, the form field and the findings' input.
    key: &'static str,
    label: &'static str,
    help: &'static str,
    #[prop(optional)] placeholder: &'static str,
    /// `inputmode` hint for on-screen keyboards (e.g. "numeric").
    #[prop(optional)]
    inputmode: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let errors = Memo::new(move |_| {
        state.findings.with(|all| {
            all.iter()
                .filter(|f| f.input.as_deref() == Some(key) && f.severity == Severity::Error)
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
        })
    });
    let help_id = format!("{key}-help");
    let error_id = format!("{key}-error");
    view! {
        <div class="field">
            <label class="field__label" for=key>{label}</label>
            <input
                class="field__input"
                id=key
                name=key
                type="text"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                placeholder=placeholder
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                aria-describedby=format!("{help_id} {error_id}")
                aria-invalid=move || if errors.with(Vec::is_empty) { "false" } else { "true" }
                prop:value=move || state.form.with(|f| f.field(key).to_owned())
                on:input:target=move |ev| {
                    let value = ev.target().value();
                    state.form.update(|f| {
                        if let Some(field) = f.field_mut(key) {
                            *field = value;
                        }
                    });
                }
            />
            <span class="field__help" id=help_id>{help}</span>
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
