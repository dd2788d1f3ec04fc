//! A panic must not leave a dead page: the hook logs it and puts a banner on top with a way to
//! reload. Settings survive the reload (they are remembered as they are typed); certificates and
//! keys are never stored, so the banner says they need pasting again.
//!
//! The banner is built with plain DOM calls, not Leptos: after a panic the reactive runtime can
//! no longer be trusted.

use wasm_bindgen::JsCast;

/// Install the panic hook (once).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show();
    }));
}

fn show() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc.get_element_by_id("panic-banner").is_some() {
        return;
    }
    let Ok(banner) = doc.create_element("div") else {
        return;
    };
    banner.set_id("panic-banner");
    banner.set_class_name("banner banner--panic");
    let _ = banner.set_attribute("role", "alert");
    let Ok(text) = doc.create_element("p") else {
        return;
    };
    text.set_text_content(Some(
        "Something went wrong inside the page and it stopped working. Your settings are kept; \
         certificates and keys are never stored, so paste them again after reloading.",
    ));
    let Ok(link) = doc.create_element("a") else {
        return;
    };
    link.set_text_content(Some("Reload the page"));
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let _ = link.set_attribute("href", &href);
    let _ = banner.append_child(&text);
    let _ = banner.append_child(&link);
    if let Some(body) = doc.body() {
        let _ = body.insert_before(&banner, body.first_child().as_ref());
        if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
            let _ = link.focus();
        }
    }
}
