//! Certificates and keys: PEM reading, summaries, typed facts, chain verification, name
//! matching, and the check of the whole setup.
pub mod algorithms;
pub mod cert;
pub mod chain;
pub mod check;
pub mod crypto;
pub mod facts;
pub mod gateway_root;
pub mod key;
pub mod names;
pub mod oid_names;
pub mod pem;
pub mod public_ca;
pub mod rustcrypto;
pub mod verify;
pub mod x509;

pub use cert::{CertSummary, summarize_pem};
pub use chain::{ChainLink, ChainView, LinkRole, UnusedCa};
pub use check::{CheckReport, check};
pub use verify::{PemInput, Usage, VerifyOptions, VerifyReport, verify_pem};
