use crate::finding::Severity;
use crate::settings::Field;
use crate::ui::draft::use_draft;
use crate::ui::guide_disclosure::GuideDisclosure;
use crate::ui::handles::{FormHandle, Verdict};
use crate::ui::rich_text::RichText;
use leptos::prelude::*;

/// One settings field: label, input, help, "Where do I get this?" and the problems about it.
/// What is typed is a draft until the user is done with it (the field loses focus, Enter, or
/// a pause in typing): only then does the form take it and the checks judge it.
#[component]
pub fn TextField(
    /// The settings field: its name is the element id and the findings' input.
    field: Field,
    /// `inputmode` hint for on-screen keyboards (e.g. "numeric").
    #[prop(optional)]
    inputmode: &'static str,
) -> impl IntoView {
    let form = expect_context::<FormHandle>();
    let key = field.name();
    let draft = use_draft(move |value: String| form.set_text.run((field, value)));
    let problems = expect_context::<Verdict>().about(field);
    let fix = expect_context::<Verdict>().fix(field);
    let has_error = move || problems.with(|p| p.iter().any(|(s, _)| *s == Severity::Error));
    let help_id = format!("{key}-help");
    let error_id = format!("{key}-error");
    let placeholder = field.placeholder();
    let guide = crate::guide::for_field(field, &Default::default()).map(|_| {
        let guide = Signal::derive(move || {
            form.settings.with(|s| {
                crate::guide::for_field(field, s).unwrap_or_else(|| crate::guide::Guide {
                    about: String::new(),
                    steps: Vec::new(),
                })
            })
        });
        view! { <GuideDisclosure guide id=format!("{key}-guide") /> }
    });
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
                aria-invalid=move || if has_error() { "true" } else { "false" }
                prop:value=move || draft.shown(|| form.form.with(|f| f.field(field)))
                on:input:target=move |ev| draft.typed(ev.target().value())
                on:change=move |_| draft.commit()
                on:blur=move |_| draft.commit()
            />
            <span class="field__help" id=help_id><RichText text=field.help() /></span>
            {guide}
            <div id=error_id>
                <For
                    each=move || problems.get()
                    key=|p| p.clone()
                    children=|(severity, message)| {
                        let class = match severity {
                            Severity::Error => "field__error",
                            Severity::Warning => "field__warning",
                            Severity::Info => "field__note",
                        };
                        view! { <p class=class><RichText text=message /></p> }
                    }
                />
            </div>
            // The fix a finding offers, one click away and never applied unasked.
            {move || {
                fix.get()
                    .map(|value| {
                        let set = value.clone();
                        view! {
                            <button
                                type="button"
                                class="button field__fix"
                                data-fix=key
                                on:click=move |_| form.set_text.run((field, set.clone()))
                            >
                                "Use "
                                <code>{value}</code>
                            </button>
                        }
                    })
            }}
        </div>
    }
}
