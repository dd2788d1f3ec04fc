//! The page: Leptos components, one per file.
use leptos::prelude::*;

/// Mount the application on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    view! { <h1>"Istio + IBM Cloud ALB/NLB configurator"</h1> }
}
