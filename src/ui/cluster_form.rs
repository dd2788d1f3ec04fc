use crate::settings::Field;
use crate::ui::profile_switch::ProfileSwitch;
use crate::ui::text_field::TextField;
use leptos::prelude::*;

/// Step 1: the cluster's values, in the order the procedure asks for them.
#[component]
pub fn ClusterForm() -> impl IntoView {
    let fields = Field::ALL
        .into_iter()
        .filter(|f| *f != Field::Profile)
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
            <ProfileSwitch />
            <div class="field-grid">{fields}</div>
        </section>
    }
}
