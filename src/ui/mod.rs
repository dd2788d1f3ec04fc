//! The page: Leptos components, one per file, over the pure core.

mod app;
pub mod browser;
mod cert_card;
mod cert_input;
mod certificates_step;
mod chain_diagram;
mod check_bar;
mod check_step;
mod choice_switch;
mod cluster_form;
mod copy_button;
mod download_panel;
mod draft;
mod file_preview;
mod findings_panel;
mod guide_disclosure;
mod handles;
mod header_actions;
mod header_status;
mod install_preview;
mod lazy;
mod leave_guard;
mod offline_link;
mod panic_banner;
mod private_ca;
mod rich_text;
mod snackbar;
pub mod state;
mod text_field;
mod webcrypto;

pub use app::App;

/// Mount the application on `<body>`.
pub fn mount() {
    panic_banner::install();
    leptos::mount::mount_to_body(App);
}
