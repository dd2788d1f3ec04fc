//! The world outside the core: clock, downloads, clipboard, focus and local storage.
//! Everything here is best effort and never panics: a browser that refuses (private mode
//! storage, clipboard permission) degrades to "nothing happens" plus a status message.

use wasm_bindgen::JsCast;

/// Current time in Unix seconds, from the browser's clock (the core never reads a clock).
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Offer `bytes` as a file download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not create a download link".to_string())?;
    let doc = document().ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "could not create a link")?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_hidden(true);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&anchor);
        anchor.click();
        let _ = body.remove_child(&anchor);
    }
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Copy text to the clipboard; resolves to an error message when the browser refuses. Uses the
/// Clipboard API where the page may (a secure context), else the older copy command.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let navigator = window.navigator();
    let has_api = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .map(|c| !c.is_undefined())
        .unwrap_or(false);
    if has_api {
        let promise = navigator.clipboard().write_text(text);
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            return Ok(());
        }
    }
    copy_with_command(text)
}

/// The copy command on a hidden text area (for browsers that refuse the Clipboard API).
fn copy_with_command(text: &str) -> Result<(), String> {
    let refused = || "the browser refused to copy; select the text and copy it by hand".to_owned();
    let doc = document().ok_or_else(refused)?;
    let area: web_sys::HtmlTextAreaElement = doc
        .create_element("textarea")
        .map_err(|_| refused())?
        .unchecked_into();
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("aria-hidden", "true");
    area.set_class_name("visually-hidden");
    let body = doc.body().ok_or_else(refused)?;
    let _ = body.append_child(&area);
    area.select();
    let copied = doc
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    let _ = body.remove_child(&area);
    if copied { Ok(()) } else { Err(refused()) }
}

/// Move keyboard focus to the element with `id`, scrolling only as far as needed.
pub fn focus_only(id: &str) {
    if let Some(el) = document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Move keyboard focus to the element with `id` and scroll it into view.
pub fn focus(id: &str) {
    if let Some(el) = document().and_then(|d| d.get_element_by_id(id)) {
        el.scroll_into_view();
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Read a value remembered in localStorage.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Remember a value in localStorage (only ever non-secret settings).
pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Forget a remembered value.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// The `content` of `<meta name="NAME">` in the page's head, if there is one. The build writes
/// facts about the page there (the offline copy's SHA-256), so the page learns them without a
/// request.
pub fn meta(name: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()
        .flatten()?
        .get_attribute("content")
}
