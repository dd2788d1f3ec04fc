use crate::inputs::CertInput;
use crate::ui::cert_input::CertInput as CertInputField;
use crate::ui::private_ca::PrivateCaButton;
use leptos::prelude::*;

/// Step 2: the PEMs, each accepting paste, drop and a file picker; and the way to a private
/// client CA, which the ALB client certificate needs since 2026.
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
                "Paste PEM text, drop files, or choose them; the output of kubectl get secret works too. "
                "Order, CRLF line ends and indentation do not matter. "
                "Keys stay in this tab: nothing is uploaded or stored."
            </p>
            <div class="callout" id="private-ca-callout">
                <p class="callout__text">
                    <strong>"The ALB client certificate comes from your own CA. "</strong>
                    "Since 2026 Let's Encrypt issues no certificate with the clientAuth usage, so "
                    "the ALB's IBM-provided certificate cannot be its client certificate any more. "
                    "Make a private CA and the ALB's client certificate here; the gateway will "
                    "trust that CA for client certificates only."
                </p>
                <PrivateCaButton id="create-private-ca" />
            </div>
            <div class="cert-grid">{inputs}</div>
        </section>
    }
}
