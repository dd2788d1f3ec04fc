use crate::finding::Severity;
use crate::settings::{Field, options};
use crate::ui::guide_disclosure::GuideDisclosure;
use crate::ui::handles::{FormHandle, Verdict};
use leptos::prelude::*;

/// A choice field (API generation, ALB, infrastructure) as radio buttons, each option with the
/// core's one sentence on when to pick it, and the errors about the field (e.g. Traefik with the
/// classic profile).
#[component]
pub fn ChoiceSwitch(
    /// A field with options ([`options`]).
    field: Field,
    /// The legend.
    legend: &'static str,
) -> impl IntoView {
    let form = expect_context::<FormHandle>();
    let key = field.name();
    let about = expect_context::<Verdict>().about(field);
    let errors = Memo::new(move |_| {
        about.with(|p| {
            p.iter()
                .filter(|(severity, _)| *severity == Severity::Error)
                .map(|(_, message)| message.clone())
                .collect::<Vec<_>>()
        })
    });
    let error_id = format!("{key}-error");
    // "Where do I get this?" for a choice the cluster can tell (the gateway configuration).
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
    let choices = options(field)
        .iter()
        .map(|choice| {
            let value = choice.value;
            view! {
                <label class="choice-switch__option">
                    <input
                        type="radio"
                        name=key
                        id=format!("{key}-{value}")
                        value=value
                        aria-describedby=error_id.clone()
                        prop:checked=move || form.form.with(|f| f.settings.value(field) == value)
                        on:change=move |_| form.set_choice.run((field, value))
                    />
                    <span class="choice-switch__text">
                        <span class="choice-switch__name">{choice.name}</span>
                        <span class="choice-switch__when">{choice.when}</span>
                    </span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="choice-switch" id=key>
            <legend class="choice-switch__legend">{legend}</legend>
            <div class="choice-switch__options">{choices}</div>
            {guide}
            <div id=error_id.clone()>
                <For
                    each=move || errors.get()
                    key=|m| m.clone()
                    children=|m| view! { <p class="field__error">{m}</p> }
                />
            </div>
        </fieldset>
    }
}
