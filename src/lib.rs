//! istio-alb-configurator: turns the IBM Cloud ALB/NLB + Istio mutual-TLS procedure into a
//! validated, one-download bundle of secrets, manifests and scripts.
//!
//! The core (`pki`, `setup`, `manifest`, `script`, `bundle`) is pure: no web imports, no clock.
//! The page (`ui`, wasm32 only) and the command line (`cli`, native only) are thin shells over it.

pub mod bundle;
pub mod demo;
pub mod file_import;
pub mod highlight;
pub mod manifest;
pub mod pki;
pub mod script;
pub mod setup;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod ui;
