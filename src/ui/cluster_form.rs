use crate::settings::{Field, options, required};
use crate::ui::choice_switch::ChoiceSwitch;
use crate::ui::handles::FormHandle;
use crate::ui::text_field::TextField;
use leptos::prelude::*;

/// Step 1: the cluster's choices (API generation, ALB, infrastructure, gateway configuration,
/// the httpbin sample), then its values in the order the procedure asks for them. The load balancer's IP and host name show only for the
/// infrastructure that uses them; a hidden field keeps its value.
#[component]
pub fn ClusterForm() -> impl IntoView {
    let form = expect_context::<FormHandle>().form;
    let fields = Field::ALL
        .into_iter()
        .filter(|f| options(*f).is_empty())
        .map(|field| {
            let inputmode = if field == Field::AppPort {
                "numeric"
            } else {
                ""
            };
            let hidden = move || match field {
                Field::IngressIp | Field::LbHost => !form.with(|f| required(field, &f.settings)),
                _ => false,
            };
            view! {
                <div class="field-slot" hidden=hidden>
                    <TextField field inputmode />
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="step" aria-labelledby="step-cluster">
            <h2 class="step__title" id="step-cluster">
                <span class="step__number" aria-hidden="true">"1"</span>
                "Cluster"
            </h2>
            <ChoiceSwitch field=Field::Profile legend="API generation" />
            <ChoiceSwitch field=Field::Alb legend="ALB (Ingress controller)" />
            <ChoiceSwitch field=Field::Infrastructure legend="Infrastructure" />
            <ChoiceSwitch field=Field::GatewayConfig legend="Gateway configuration" />
            <ChoiceSwitch field=Field::DeploySample legend="Sample app" />
            <div class="field-grid">{fields}</div>
        </section>
    }
}
