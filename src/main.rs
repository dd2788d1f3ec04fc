//! Entry point: mounts the page on wasm32, runs the command line natively.

#[cfg(target_arch = "wasm32")]
fn main() {
    istio_alb::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    istio_alb::cli::main()
}
