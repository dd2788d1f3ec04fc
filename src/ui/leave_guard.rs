use crate::ui::handles::Keys;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Leaving the page asks first while an input holds a key made in this tab that no downloaded
/// zip holds (`Keys::unsaved`): the page stores no key, so a reload would lose the
/// private CA for good. The browser shows its own question; the page only asks for it.
#[component]
pub fn LeaveGuard() -> impl IntoView {
    let unsaved = expect_context::<Keys>().unsaved;
    // One handler for the page's life; it is set on the window only while there is something
    // to lose (a beforeunload handler also keeps the page out of the back/forward cache).
    let handler = Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
        ev.prevent_default();
        // Older browsers ask only when returnValue is set.
        let _ = js_sys::Reflect::set(
            &ev,
            &"returnValue".into(),
            &"The private client CA made here is not downloaded yet.".into(),
        );
    })
    .into_js_value();
    Effect::new(move |_| {
        let Some(window) = web_sys::window() else {
            return;
        };
        if unsaved.get() {
            window.set_onbeforeunload(Some(handler.unchecked_ref()));
        } else {
            window.set_onbeforeunload(None);
        }
    });
}
