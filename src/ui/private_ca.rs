use crate::inputs::CertInput;
use crate::ui::browser;
use crate::ui::state::{AppState, MadeHere};
use leptos::prelude::*;

/// Make a private client CA and its first ALB client certificate in this tab (`ca::init`, with
/// the browser's `crypto.getRandomValues`), and fill the ALB client certificate and key, the
/// client CA and the client CA's key. The gateway keeps the CA it trusted: when "CA the ALB
/// trusts" was empty it used the client CA, which therefore moves there. Undoable.
/// Returns what was done, or why nothing was.
pub fn create(state: AppState) -> Result<String, String> {
    let cluster = state
        .form
        .with_untracked(|f| f.settings.cluster_name.clone());
    let at = browser::now();
    // getrandom's wasm_js backend is crypto.getRandomValues; if it ever fails, nothing made
    // from the (zeroed) bytes is kept.
    let mut failed = false;
    let mut random = |buf: &mut [u8]| {
        if getrandom::fill(buf).is_err() {
            failed = true;
            buf.fill(0);
        }
    };
    let made = crate::ca::init(&cluster, at, &mut random).map_err(|e| {
        crate::finding::sentence(format!("The private client CA could not be made: {e}"))
    })?;
    if failed {
        return Err(
            "The browser gave no secure random numbers, so no key was made. Use `istio-alb ca \
             init` on a command line instead."
                .to_owned(),
        );
    }
    state.remember_for_undo(
        "Made a private client CA and an ALB client certificate, and filled their four fields.",
    );
    let mut moved = false;
    let texts = crate::inputs::CertInputs::from_fn(|i| match i {
        CertInput::AlbClientCert => made.client.cert_pem.clone(),
        CertInput::AlbClientKey => made.client.key_pem.clone(),
        CertInput::ClientCa => made.ca_pem.clone(),
        CertInput::ClientCaKey => made.ca_key_pem.clone(),
        CertInput::NlbCert | CertInput::NlbKey | CertInput::GatewayCa => String::new(),
    });
    state.update_certs(|c| {
        if !c.given(CertInput::GatewayCa) && c.given(CertInput::ClientCa) {
            c[CertInput::GatewayCa] = c[CertInput::ClientCa].clone();
            moved = true;
        }
        for input in [
            CertInput::AlbClientCert,
            CertInput::AlbClientKey,
            CertInput::ClientCa,
            CertInput::ClientCaKey,
        ] {
            c[input] = texts[input].clone();
        }
    });
    state.made_here.set(Some(MadeHere { at, texts }));
    let mut done = "Made a private client CA and an ALB client certificate in this tab, and \
                    filled their four fields. The keys never leave this tab; the bundle keeps \
                    the CA's key in private-ca/, never in the cluster."
        .to_owned();
    if moved {
        done.push_str(&format!(
            " The CA that was in “{}” is now in “{}”, where the gateway certificate's root \
             belongs; the check says whether it is that root.",
            CertInput::ClientCa.label(),
            CertInput::GatewayCa.label()
        ));
    }
    Ok(done)
}

/// The button that makes the private client CA, with what happened next to it.
#[component]
pub fn PrivateCaButton(
    /// Element id (the Certificates step's button and the finding's differ).
    id: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let outcome = RwSignal::new(None::<Result<String, String>>);
    view! {
        <span class="private-ca">
            <button
                type="button"
                class="button button--primary"
                id=id
                on:click=move |_| {
                    let result = create(state);
                    outcome.set(Some(result));
                }
            >
                "Create a private client CA"
            </button>
            <span class="private-ca__outcome" role="status">
                {move || {
                    outcome
                        .get()
                        .map(|r| match r {
                            Ok(done) => view! { <span class="private-ca__done">{done}</span> }.into_any(),
                            Err(why) => view! { <span class="private-ca__error">{why}</span> }.into_any(),
                        })
                }}
            </span>
        </span>
    }
}
