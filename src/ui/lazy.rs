//! The bridge to the page's second wasm module (`src/bin/istio-alb-make.rs`, issue 26): what
//! makes the bundle's files, the zip, the settings file, a settings import and the private CA.
//! The first module calls it through `window.istioAlbMake()`, which the boot script defines
//! (`tools/trunk-inline-wasm.mjs`): it imports the second module once, on the first call, and
//! resolves to its exports. Requests and answers are JSON, text or bytes; a refusal comes back
//! as its sentence.

use crate::make::{Made, PrivateCa, Request};
use crate::settings::Settings;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The second module's exports, once loaded (a Promise).
    #[wasm_bindgen(js_namespace = window, js_name = istioAlbMake, catch)]
    fn make_module() -> Result<js_sys::Promise, JsValue>;
}

/// What went wrong, as a sentence (a thrown Error's message, or a thrown string).
fn message(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the page's second part could not run".to_owned())
}

/// Call the second module's export `name` with `args`.
async fn call(name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let exports = JsFuture::from(make_module().map_err(message)?)
        .await
        .map_err(|e| format!("the page's second part could not be loaded: {}", message(e)))?;
    let function: js_sys::Function = js_sys::Reflect::get(&exports, &JsValue::from_str(name))
        .map_err(message)?
        .dyn_into()
        .map_err(|_| format!("the page's second part has no {name}"))?;
    let args: js_sys::Array = args.iter().collect();
    function.apply(&JsValue::NULL, &args).map_err(message)
}

fn text(value: JsValue) -> Result<String, String> {
    value
        .as_string()
        .ok_or_else(|| "no text came back".to_owned())
}

fn request(request: &Request) -> JsValue {
    JsValue::from_str(&serde_json::to_string(request).unwrap_or_default())
}

fn parse<T: serde::de::DeserializeOwned>(json: String) -> Result<T, String> {
    serde_json::from_str(&json).map_err(|e| e.to_string())
}

/// The bundle's files and the install preview.
pub async fn files(r: &Request) -> Result<Made, String> {
    parse(text(call("files", &[request(r)]).await?)?)
}

/// The zip, byte for byte the command line's.
pub async fn zip(r: &Request) -> Result<Vec<u8>, String> {
    let bytes = call("zip", &[request(r)]).await?;
    Ok(js_sys::Uint8Array::new(&bytes).to_vec())
}

/// The bundle's `settings.yaml`.
pub async fn settings_file(r: &Request) -> Result<String, String> {
    text(call("settings_file", &[request(r)]).await?)
}

/// A settings file read, or why not.
pub async fn import_settings(file_text: &str) -> Result<Settings, String> {
    parse(text(
        call("import_settings", &[JsValue::from_str(file_text)]).await?,
    )?)
}

/// RustCrypto's answers to the checks' questions, in order (`ui::webcrypto`'s way round a page
/// without WebCrypto).
pub async fn answer(
    questions: &[crate::pki::crypto::Question],
) -> Result<Vec<crate::pki::crypto::Answer>, String> {
    let json = serde_json::to_string(questions).map_err(|e| e.to_string())?;
    parse(text(call("answer", &[JsValue::from_str(&json)]).await?)?)
}

/// A new private client CA for `cluster`, at `at`.
pub async fn ca_init(cluster: &str, at: i64) -> Result<PrivateCa, String> {
    let args = [JsValue::from_str(cluster), JsValue::from_f64(at as f64)];
    parse(text(call("ca_init", &args).await?)?)
}

/// The private client CA of an earlier bundle, from the files chosen.
pub async fn earlier_ca(
    files: &[(String, Vec<u8>)],
    cluster: &str,
    at: i64,
) -> Result<PrivateCa, String> {
    let args = [
        JsValue::from_str(&serde_json::to_string(files).unwrap_or_default()),
        JsValue::from_str(cluster),
        JsValue::from_f64(at as f64),
    ];
    parse(text(call("earlier_ca", &args).await?)?)
}
