//! istio-alb-configurator: turns the IBM Cloud ALB/NLB + Istio mutual-TLS procedure into a
//! validated, one-download bundle of secrets, manifests and scripts.
//!
//! The core is pure: no web imports, no clock. Its vocabulary is [`finding`] (findings and
//! their codes), [`inputs`] (the certificate inputs) and [`settings`] (the cluster settings);
//! [`pki`] checks certificates, [`manifest`] and [`script`] write the procedure's files,
//! [`plan`] decides what a check of settings and certificates yields, and [`bundle`] packs it.
//! The page (`ui`, wasm32 only) and the command line (`cli`, native only) are thin shells over it.

pub mod bundle;
pub mod ca;
pub mod demo;
pub mod earlier_ca;
pub mod entered;
pub mod field;
pub mod file_import;
pub mod finding;
pub mod guide;
pub mod highlight;
pub mod inputs;
pub mod make;
pub mod manifest;
pub mod pki;
pub mod plan;
pub mod procedure;
pub mod rfc3339;
pub mod script;
pub mod settings;
pub mod text;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod ui;
