use crate::settings::Field;
use crate::ui::choice_field::{choice_view, is_choice};
use crate::ui::text_field::TextField;
use leptos::prelude::*;

/// Step 1: the cluster's values, every field of the settings in their order: a choice field as
/// a radio group, any other as a text input (so a new field shows up without changes here).
#[component]
pub fn ClusterForm() -> impl IntoView {
    let (choices, texts): (Vec<Field>, Vec<Field>) =
        Field::ALL.into_iter().partition(|f| is_choice(*f));
    let choices = choices.into_iter().filter_map(choice_view).collect_view();
    let fields = texts
        .into_iter()
        .map(|field| {
            let inputmode = if field == Field::AppPort {
                "numeric"
            } else {
                ""
            };
            view! { <TextField field inputmode /> }
        })
        .collect_view();
    view! {
        <section class="step" aria-labelledby="step-cluster">
            <h2 class="step__title" id="step-cluster">
                <span class="step__number" aria-hidden="true">"1"</span>
                "Cluster"
            </h2>
            {choices}
            <div class="field-grid">{fields}</div>
        </section>
    }
}
