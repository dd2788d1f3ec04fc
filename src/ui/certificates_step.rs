use crate::inputs::CertInput;
use crate::ui::cert_input::CertInput as CertInputField;
use leptos::prelude::*;

/// Step 2: the PEMs, each accepting paste, drop and a file picker.
#[component]
pub fn CertificatesStep() -> impl IntoView {
    let inputs = CertInput::ALL
        .into_iter()
        .map(|input| view! { <CertInputField input /> })
        .collect_view();
    view! {
        <section class="step" aria-labelledby="step-certs">
            <h2 class="step__title" id="step-certs">
                <span class="step__number" aria-hidden="true">"2"</span>
                "Certificates"
            </h2>
            <p class="step__hint">
                "Paste PEM text, drop files, or choose them. Order, CRLF line ends and indentation do not matter. "
                "Keys stay in this tab: nothing is uploaded or stored."
            </p>
            <div class="cert-grid">{inputs}</div>
        </section>
    }
}
