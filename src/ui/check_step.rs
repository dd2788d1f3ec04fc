use crate::ui::chain_diagram::ChainDiagram;
use crate::ui::findings_panel::FindingsPanel;
use crate::ui::handles::Checked;
use leptos::prelude::*;

/// Step 3: every finding, then the two chains as pictures.
#[component]
pub fn CheckStep() -> impl IntoView {
    let report = expect_context::<Checked>().report;
    let nlb_chain = Memo::new(move |_| report.with(|r| r.nlb_chain.clone()));
    let alb_chain = Memo::new(move |_| report.with(|r| r.alb_chain.clone()));
    view! {
        <div class="check">
            <FindingsPanel />
            <section class="step" aria-labelledby="chains-title">
                <h2 class="step__title step__title--minor" id="chains-title">"Certificate chains"</h2>
                <div class="chains">
                    <ChainDiagram
                        id="chain-nlb"
                        caption="Gateway certificate → CA the ALB trusts"
                        empty="Paste the gateway (NLB) certificate and the CA the ALB trusts: its chain appears here, link by link."
                        chain=nlb_chain
                    />
                    <ChainDiagram
                        id="chain-alb"
                        caption="ALB client certificate → CA the gateway trusts"
                        empty="Paste the ALB client certificate and its CA (or create a private client CA): its chain appears here."
                        chain=alb_chain
                    />
                </div>
            </section>
        </div>
    }
}
