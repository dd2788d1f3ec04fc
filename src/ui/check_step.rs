use crate::ui::chain_diagram::ChainDiagram;
use crate::ui::findings_panel::FindingsPanel;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// Step 3: the two chains as pictures, then every finding.
#[component]
pub fn CheckStep() -> impl IntoView {
    let state = expect_context::<AppState>();
    let nlb_chain = Memo::new(move |_| state.report.with(|r| r.nlb_chain.clone()));
    let alb_chain = Memo::new(move |_| state.report.with(|r| r.alb_chain.clone()));
    view! {
        <div class="check">
            <FindingsPanel />
            <section class="step" aria-label="Certificate chains">
                <div class="chains">
                    <ChainDiagram caption="Gateway certificate → CA the ALB trusts" chain=nlb_chain />
                    <ChainDiagram caption="ALB client certificate → CA the gateway trusts" chain=alb_chain />
                </div>
            </section>
        </div>
    }
}
