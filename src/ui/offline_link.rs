//! "Save this page for offline use": a link to the single-file copy of the page
//! (`istio-alb-offline.html`, every script, the wasm and the styles inline), with its SHA-256 so
//! that the saved file can be checked (`sha256sum istio-alb-offline.html`).
//!
//! The release build writes the hash into the served page's `<meta name="istio-alb-offline">`
//! after it has made the offline file; the offline file itself has no such tag (it cannot hold its
//! own hash), so the link shows on the served page only.

use crate::ui::browser;
use leptos::prelude::*;

/// The offline copy's file name, next to the served `index.html`.
const FILE: &str = "istio-alb-offline.html";

/// The link and the hash, or nothing when the page does not know of an offline copy (the
/// offline copy itself, a development build).
#[component]
pub fn OfflineLink() -> impl IntoView {
    let sha256 = browser::meta("istio-alb-offline")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    sha256.map(|sha256| {
        view! {
            <p class="offline-link" id="offline-link">
                <a href=FILE download=FILE>"Save this page for offline use"</a>
                " — one HTML file that works from disk with no server and no network. SHA-256: "
                <code class="offline-link__hash" id="offline-sha256">{sha256}</code>
            </p>
        }
    })
}
