//! Certificates and keys: PEM reading, summaries, chain verification, name matching, findings.
pub mod algorithms;
pub mod cert;
pub mod finding;
pub mod key;
pub mod names;
pub mod pem;
pub mod setup;
pub mod verify;

pub use cert::{CertSummary, summarize_pem};
pub use finding::{Finding, Severity, Tally};
pub use setup::{CertInputs, SetupContext, SetupReport, check_setup};
pub use verify::{PemInput, Usage, VerifyOptions, VerifyReport, verify_pem};
