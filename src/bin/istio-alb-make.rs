//! The page's second wasm module (issue 26): everything that makes things, loaded by a dynamic
//! `import()` once the first screen is up, so the first module (form, PEM reader, checks,
//! findings) carries none of it. Each export is a thin shell over `istio_alb::make`: JSON or
//! bytes in, JSON, text or bytes out; an `Err` is thrown to the caller as its message.
//! Natively this binary does nothing: the command line calls the core directly.

#[cfg(target_arch = "wasm32")]
mod exports {
    use istio_alb::make::{self, Request};
    use wasm_bindgen::prelude::*;

    fn request(json: &str) -> Result<Request, JsValue> {
        serde_json::from_str(json).map_err(|e| JsValue::from_str(&format!("bad request: {e}")))
    }

    fn json(value: &impl serde::Serialize) -> Result<String, JsValue> {
        serde_json::to_string(value).map_err(|e| JsValue::from_str(&e.to_string()))
    }

    /// The browser's `crypto.getRandomValues` (getrandom's wasm_js backend); false on a failure.
    fn random(buf: &mut [u8]) -> bool {
        getrandom::fill(buf).is_ok()
    }

    /// The bundle's files and the install preview (`make::Made` as JSON).
    #[wasm_bindgen]
    pub fn files(request_json: &str) -> Result<String, JsValue> {
        json(&make::files(&request(request_json)?))
    }

    /// The zip's bytes.
    #[wasm_bindgen]
    pub fn zip(request_json: &str) -> Result<Vec<u8>, JsValue> {
        make::zip(&request(request_json)?).map_err(|e| JsValue::from_str(&e))
    }

    /// The bundle's `settings.yaml`.
    #[wasm_bindgen]
    pub fn settings_file(request_json: &str) -> Result<String, JsValue> {
        Ok(make::settings_file(&request(request_json)?))
    }

    /// A settings file (YAML or JSON) read into settings, as JSON.
    #[wasm_bindgen]
    pub fn import_settings(text: &str) -> Result<String, JsValue> {
        json(&make::import_settings(text).map_err(|e| JsValue::from_str(&e))?)
    }

    /// RustCrypto's answers to the checks' questions (`[pki::crypto::Question]` as JSON), for
    /// a first module without WebCrypto (a page served over plain http).
    #[wasm_bindgen]
    pub fn answer(questions_json: &str) -> Result<String, JsValue> {
        json(&make::answer(questions_json).map_err(|e| JsValue::from_str(&e))?)
    }

    /// A new private client CA and its first ALB client certificate (`make::PrivateCa` as JSON).
    #[wasm_bindgen]
    pub fn ca_init(cluster: &str, at: f64) -> Result<String, JsValue> {
        json(&make::ca_init(cluster, at as i64, random).map_err(|e| JsValue::from_str(&e))?)
    }

    /// The private client CA of an earlier bundle: `files_json` is `[[name, [bytes…]], …]`.
    #[wasm_bindgen]
    pub fn earlier_ca(files_json: &str, cluster: &str, at: f64) -> Result<String, JsValue> {
        let files: Vec<(String, Vec<u8>)> = serde_json::from_str(files_json)
            .map_err(|e| JsValue::from_str(&format!("bad request: {e}")))?;
        json(
            &make::earlier_ca(&files, cluster, at as i64, random)
                .map_err(|e| JsValue::from_str(&e))?,
        )
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("istio-alb-make is the page's second wasm module; the command line is istio-alb");
    std::process::ExitCode::from(2)
}
