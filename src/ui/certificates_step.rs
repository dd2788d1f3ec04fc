use crate::ui::cert_input::CertInput;
use leptos::prelude::*;

/// Step 2: the PEMs, each accepting paste, drop and a file picker.
#[component]
pub fn CertificatesStep() -> impl IntoView {
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
            <div class="cert-grid">
                <CertInput name="nlb_cert" label="Gateway (NLB) certificate" help="tls.crt of IBM's NLB secret: the leaf first or not, with its intermediates." />
                <CertInput name="nlb_key" label="Gateway (NLB) private key" help="tls.key of the same secret." key=true />
                <CertInput name="alb_client_cert" label="ALB client certificate" help="The certificate the ALB presents to the gateway; it needs the clientAuth usage." />
                <CertInput name="alb_client_key" label="ALB client private key" help="The key of the ALB client certificate." key=true />
                <CertInput name="client_ca" label="CA for ALB client certificates" help="The gateway trusts client certificates issued by this CA." />
                <CertInput name="gateway_ca" label="CA the ALB trusts" help="Verifies the gateway certificate. Leave empty to use the client CA." />
            </div>
        </section>
    }
}
