use crate::ui::certificates_step::CertificatesStep;
use crate::ui::check_bar::CheckBar;
use crate::ui::check_step::CheckStep;
use crate::ui::cluster_form::ClusterForm;
use crate::ui::download_panel::DownloadPanel;
use crate::ui::file_preview::FilePreview;
use crate::ui::handles::PageActions;
use crate::ui::header_actions::HeaderActions;
use crate::ui::header_status::HeaderStatus;
use crate::ui::install_preview::InstallPreview;
use crate::ui::leave_guard::LeaveGuard;
use crate::ui::offline_link::OfflineLink;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The whole page, in the order of the procedure. It makes the page's state and provides the
/// narrow handles of it (`ui::handles`) that the components take.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    state.provide();
    let demo = expect_context::<PageActions>().demo;

    // The clock moves on while the page is open: re-check once a minute.
    // The App lives as long as the page, so the timer is never cancelled.
    gloo::timers::callback::Interval::new(60_000, move || {
        state.now.set(crate::ui::browser::now());
    })
    .forget();

    view! {
        <LeaveGuard />
        <a class="skip-link" href="#step-cluster">"Skip to the form"</a>
        <header class="page-header">
            <h1 class="page-header__title">"Istio behind IBM Cloud ALB/NLB, with mutual TLS"</h1>
            <p class="page-header__lead">
                "Enter your cluster's values and paste its certificates and keys: this page checks them the way "
                "the ALB and the Istio gateway will, then writes every secret, manifest and script of the "
                "procedure as one zip. Everything happens in this browser tab: nothing is uploaded, the page "
                "makes no network request, and certificates and keys are never stored."
            </p>
            <HeaderStatus />
            <HeaderActions />
        </header>
        <Show when=move || demo.get()>
            <p class="banner banner--demo" role="note" id="demo-banner">
                <strong>"Demo data. "</strong>
                "These certificates come from a throw-away demo CA shipped with this tool, and their keys are public. "
                "Replace every field with your cluster's values before you use the bundle; demo values are never remembered."
            </p>
        </Show>
        // The steps in the DOM in the order of their numbers, which is also the order the eye
        // reads them in on every width (style/app.css: Cluster across the page, then
        // Certificates with Check beside it).
        <main class="layout" id="main">
            <div class="layout__top">
                <div class="layout__form">
                    <div class="layout__cluster">
                        <ClusterForm />
                    </div>
                    <div class="layout__certs">
                        <CertificatesStep />
                    </div>
                    <CheckBar />
                </div>
                <aside class="layout__aside" aria-label="Check" id="check-column">
                    <CheckStep />
                </aside>
            </div>
            <div class="layout__wide" id="wide-column">
                <FilePreview />
                <InstallPreview />
                <DownloadPanel />
            </div>
        </main>
        <footer class="page-footer">
            "istio-alb-configurator " {env!("CARGO_PKG_VERSION")}
            " · the same checks run on the command line: istio-alb check settings.yaml"
            <OfflineLink />
        </footer>
    }
}
