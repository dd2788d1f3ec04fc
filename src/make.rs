//! What the page makes on demand, behind one narrow interface of strings and bytes (issue 26):
//! the bundle's files and zip, the install preview, the settings file, a settings import and the
//! private client CA. The page's first wasm module (form, PEM reader, checks, findings) never
//! links any of it; the second module, `src/bin/istio-alb-make.rs`, built from this same crate
//! and loaded by a dynamic `import()` once the first screen is up, exports these functions with
//! JSON in and out. So the core stays one: the CLI calls `plan`, `bundle` and `ca` directly, the
//! page calls them through here, and a zip made either way is the same bytes.
//!
//! The request carries what the page's check was made of (settings, certificate texts, the
//! page's own findings, the time), not the check itself: the second module checks again, which
//! gives the plan exactly as [`plan::from_report`] makes it for the command line.

use crate::bundle::{self, Bundle, BundleFile};
use crate::finding::Finding;
use crate::inputs::CertInputs;
use crate::plan::{self, InstallPreview, Plan};
use crate::settings::Settings;
use serde::{Deserialize, Serialize};

/// What one check of the page was made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The settings as the form gives them (untrimmed: the plan trims and says so).
    pub settings: Settings,
    /// The certificate and key texts as entered.
    pub certs: CertInputs,
    /// The page's own findings (a port typed as text, a refused file), as `plan::checked`
    /// takes them.
    pub extra: Vec<Finding>,
    /// The check time, Unix seconds; the bundle's time.
    pub at: i64,
}

impl Request {
    /// The plan with its files, as `istio-alb bundle` makes it.
    pub fn plan(&self) -> Plan {
        plan::from_report(
            &self.settings,
            &plan::check(&self.certs, self.at, &crate::pki::rustcrypto::RustCrypto),
            self.extra.clone(),
            self.at,
        )
    }
}

/// One bundle file on the wire: every bundle file is UTF-8 text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub path: String,
    pub mode: u32,
    pub text: String,
}

/// Every file of the bundle and what install will do with it: what the page previews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Made {
    pub root: String,
    pub files: Vec<File>,
    pub preview: InstallPreview,
}

/// The bundle's files and the install preview for a request.
pub fn files(request: &Request) -> Made {
    let plan = request.plan();
    let bundle = Bundle::of(&plan);
    Made {
        root: bundle.root,
        files: bundle
            .files
            .into_iter()
            .map(|f| File {
                text: String::from_utf8(f.contents).unwrap_or_default(),
                path: f.path,
                mode: f.mode,
            })
            .collect(),
        preview: plan::install_preview(&plan),
    }
}

impl Made {
    /// Nothing made yet: no file, an empty preview.
    pub fn empty() -> Made {
        Made {
            root: String::new(),
            files: Vec::new(),
            preview: InstallPreview::default(),
        }
    }

    /// The files as the core's [`Bundle`], and the preview as its [`InstallPreview`].
    pub fn into_parts(self) -> (Bundle, InstallPreview) {
        let bundle = Bundle {
            root: self.root,
            files: self
                .files
                .into_iter()
                .map(|f| BundleFile {
                    path: f.path,
                    mode: f.mode,
                    contents: f.text.into_bytes(),
                })
                .collect(),
        };
        (bundle, self.preview)
    }
}

/// The zip, byte for byte what `istio-alb bundle settings.yaml --at <at>` writes.
pub fn zip(request: &Request) -> Result<Vec<u8>, String> {
    let plan = request.plan();
    bundle::zip(&Bundle::of(&plan), plan.at).map_err(|e| e.to_string())
}

/// The bundle's own `settings.yaml` (its certificates point at `certs/`; no key in it).
pub fn settings_file(request: &Request) -> String {
    let plan = request.plan();
    bundle::settings_yaml(&plan.settings, &plan.report.pems)
}

/// A settings file read (YAML or JSON), or why not in a sentence that never shows its content.
pub fn import_settings(text: &str) -> Result<Settings, String> {
    Settings::from_yaml(text).map_err(|e| e.to_string())
}

/// RustCrypto's answers to `questions_json` (`[pki::crypto::Question]`), in order: the first
/// module's answers where the browser has no WebCrypto (`ui::webcrypto`).
pub fn answer(questions_json: &str) -> Result<Vec<crate::pki::crypto::Answer>, String> {
    let questions: Vec<crate::pki::crypto::Question> =
        serde_json::from_str(questions_json).map_err(|e| format!("bad questions: {e}"))?;
    let crypto = crate::pki::rustcrypto::RustCrypto;
    Ok(questions.iter().map(|q| q.answer(&crypto)).collect())
}

/// What a private client CA puts into the page's four inputs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateCa {
    pub ca_pem: String,
    pub ca_key_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
    /// The ALB client certificate was issued now (not the earlier bundle's).
    pub issued_here: bool,
}

impl std::fmt::Debug for PrivateCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateCa")
            .field("issued_here", &self.issued_here)
            .finish_non_exhaustive()
    }
}

/// Said when the random source failed: nothing made from it is kept.
pub const NO_RANDOM: &str = "The browser gave no secure random numbers, so no key was made. Use \
                             `istio-alb ca init` on a command line instead.";

/// A random source that says whether it ever failed (`random` returns false on a failure; the
/// buffer is then zeroed, and nothing made from it may be kept).
struct Watched<F> {
    random: F,
    failed: bool,
}

impl<F: FnMut(&mut [u8]) -> bool> crate::ca::Random for Watched<F> {
    fn fill(&mut self, buf: &mut [u8]) {
        if !(self.random)(buf) {
            self.failed = true;
            buf.fill(0);
        }
    }
}

/// Make a private client CA for `cluster` and its first ALB client certificate (`ca::init`).
pub fn ca_init(
    cluster: &str,
    at: i64,
    random: impl FnMut(&mut [u8]) -> bool,
) -> Result<PrivateCa, String> {
    let mut random = Watched {
        random,
        failed: false,
    };
    let made = crate::ca::init(cluster, at, &mut random).map_err(|e| {
        crate::finding::sentence(format!("The private client CA could not be made: {e}"))
    })?;
    if random.failed {
        return Err(NO_RANDOM.to_owned());
    }
    Ok(PrivateCa {
        ca_pem: made.ca_pem,
        ca_key_pem: made.ca_key_pem,
        client_cert_pem: made.client.cert_pem,
        client_key_pem: made.client.key_pem,
        issued_here: true,
    })
}

/// Read the private client CA of an earlier bundle (`earlier_ca::read`: its zip, or the PEM
/// files of its `private-ca/` folder), with that bundle's ALB client certificate when it holds
/// one the CA issued, or a fresh one issued for `cluster`.
pub fn earlier_ca(
    files: &[(String, Vec<u8>)],
    cluster: &str,
    at: i64,
    random: impl FnMut(&mut [u8]) -> bool,
) -> Result<PrivateCa, String> {
    let earlier = crate::earlier_ca::read(files, at).map_err(|e| e.to_string())?;
    let (client, issued_here) = match earlier.client.clone() {
        Some(client) => (client, false),
        None => {
            let mut random = Watched {
                random,
                failed: false,
            };
            let issued = crate::ca::issue(
                &earlier.ca_pem,
                &earlier.ca_key_pem,
                cluster,
                crate::ca::CLIENT_DAYS,
                at,
                &mut random,
            )
            .map_err(|e| {
                crate::finding::sentence(format!(
                    "The earlier CA was read, but no ALB client certificate could be issued \
                     from it: {e}"
                ))
            })?;
            if random.failed {
                return Err(NO_RANDOM.to_owned());
            }
            (issued, true)
        }
    };
    Ok(PrivateCa {
        ca_pem: earlier.ca_pem,
        ca_key_pem: earlier.ca_key_pem,
        client_cert_pem: client.cert_pem,
        client_key_pem: client.key_pem,
        issued_here,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-05-28, a time the demo certificates are valid at.
    const AT: i64 = 1_780_000_000;

    fn demo() -> Request {
        Request {
            settings: crate::demo::settings(),
            certs: crate::demo::cert_inputs(),
            extra: Vec::new(),
            at: AT,
        }
    }

    /// The page sends its request as JSON: it comes back the same, keys and all.
    #[test]
    fn a_request_survives_json() {
        let mut request = demo();
        request.extra.push(Finding::error(
            crate::finding::Code::PemMalformed,
            "refused",
            Some(crate::inputs::CertInput::NlbKey.into()),
        ));
        request.settings.app_port = 0;
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request);
    }

    /// What the page previews and zips through here is what the command line makes.
    #[test]
    fn files_and_zip_are_the_command_lines() {
        let request = demo();
        let plan = plan::plan(&request.settings, &request.certs, request.at);
        let made: Made = serde_json::from_str(&serde_json::to_string(&files(&request)).unwrap())
            .expect("the wire format reads back");
        let (bundle, preview) = made.into_parts();
        assert_eq!(bundle, Bundle::of(&plan));
        assert_eq!(preview, plan::install_preview(&plan));
        assert_eq!(
            zip(&request).unwrap(),
            bundle::zip(&Bundle::of(&plan), plan.at).unwrap()
        );
        assert_eq!(
            settings_file(&request),
            bundle.file("settings.yaml").unwrap().text()
        );
    }

    #[test]
    fn a_private_ca_is_made_from_the_random_source_given() {
        let mut n = 0u8;
        let made = ca_init("c", AT, |b: &mut [u8]| {
            for x in b {
                n = n.wrapping_add(1);
                *x = n;
            }
            true
        })
        .unwrap();
        assert!(made.issued_here && made.ca_key_pem.contains("PRIVATE KEY"));
    }
}
