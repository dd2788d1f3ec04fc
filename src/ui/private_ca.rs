use crate::inputs::{CertInput, CertInputs};
use crate::ui::browser;
use crate::ui::handles::{Fill, FormHandle};
use crate::ui::state::{MadeHere, PrivateCa};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the cards of what the private CA filled in start, and its snackbar shows.
const FIRST_MADE: CertInput = PrivateCa::FILLED[0];

/// Put what a private CA made into its four inputs, undoably (`Fill::private_ca`, which says
/// whether the client CA moved to "CA the ALB trusts"). Focus then goes to what was filled: the
/// cards, followed by the snackbar's Undo.
fn fill(to: Fill, made: PrivateCa) -> bool {
    let moved = to.private_ca.run(made);
    // The cards are drawn once the page has caught up with the new texts.
    gloo::timers::callback::Timeout::new(0, || {
        browser::focus(&format!("{}-cards", FIRST_MADE.name()));
    })
    .forget();
    moved
}

/// The cluster's name as entered, for the certificates' names.
fn cluster_name(form: FormHandle) -> String {
    form.form
        .with_untracked(|f| f.settings.cluster_name.clone())
}

/// The sentence added when the CA that was in the client CA input moves to "CA the ALB trusts".
fn moved_note() -> String {
    format!(
        " The CA that was in “{}” is now in “{}”, where the gateway certificate's root \
         belongs; the check says whether it is that root.",
        CertInput::ClientCa.label(),
        CertInput::GatewayCa.label()
    )
}

/// Make a private client CA and its first ALB client certificate in this tab (`ca::init` in the
/// page's second module, with the browser's `crypto.getRandomValues`), and fill the ALB client
/// certificate and key, the client CA and the client CA's key. Undoable. Returns what was done,
/// or why nothing was.
async fn create(form: FormHandle, to: Fill) -> Result<String, String> {
    let cluster = cluster_name(form);
    let at = browser::now();
    let made = crate::ui::lazy::ca_init(&cluster, at).await?;
    let texts = CertInputs::from_fn(|i| match i {
        CertInput::AlbClientCert => made.client_cert_pem.clone(),
        CertInput::AlbClientKey => made.client_key_pem.clone(),
        CertInput::ClientCa => made.ca_pem.clone(),
        CertInput::ClientCaKey => made.ca_key_pem.clone(),
        CertInput::NlbCert | CertInput::NlbKey | CertInput::GatewayCa => String::new(),
    });
    let moved = fill(
        to,
        PrivateCa {
            done: "Made a private client CA and an ALB client certificate, and filled their four \
               fields."
                .to_owned(),
            texts: texts.clone(),
            fresh_keys: vec![
                (CertInput::AlbClientKey, made.client_key_pem.clone()),
                (CertInput::ClientCaKey, made.ca_key_pem.clone()),
            ],
            made_here: Some(MadeHere { at, texts }),
        },
    );
    let mut done = "Made a private client CA and an ALB client certificate in this tab, and \
                    filled their four fields. The keys never leave this tab; the bundle keeps \
                    the CA's key in private-ca/, never in the cluster. Download the bundle \
                    before you leave the page: it is the only copy of the CA."
        .to_owned();
    if moved {
        done.push_str(&moved_note());
    }
    Ok(done)
}

/// Use the private client CA of an earlier bundle (`earlier_ca::read` in the page's second
/// module: its zip, or the PEM files of its `private-ca/` folder), with that bundle's ALB client
/// certificate when it holds one the CA issued, or a fresh one issued here. Undoable.
async fn use_earlier(
    form: FormHandle,
    to: Fill,
    files: &[(String, Vec<u8>)],
) -> Result<String, String> {
    let at = browser::now();
    let cluster = cluster_name(form);
    let earlier = crate::ui::lazy::earlier_ca(files, &cluster, at).await?;
    let issued_here = earlier.issued_here;
    let texts = CertInputs::from_fn(|i| match i {
        CertInput::AlbClientCert => earlier.client_cert_pem.clone(),
        CertInput::AlbClientKey => earlier.client_key_pem.clone(),
        CertInput::ClientCa => earlier.ca_pem.clone(),
        CertInput::ClientCaKey => earlier.ca_key_pem.clone(),
        CertInput::NlbCert | CertInput::NlbKey | CertInput::GatewayCa => String::new(),
    });
    let fresh_keys = if issued_here {
        vec![(CertInput::AlbClientKey, earlier.client_key_pem.clone())]
    } else {
        Vec::new()
    };
    let moved = fill(
        to,
        PrivateCa {
            done: "Used the private client CA of the earlier bundle, and filled the four fields."
                .to_owned(),
            texts,
            fresh_keys,
            made_here: None,
        },
    );
    let mut done = "Used the private client CA of the earlier bundle: its certificate and key \
                    are in “CA for ALB client certificates” and its key field, as the gateway \
                    already trusts it."
        .to_owned();
    if issued_here {
        done.push_str(
            " A new ALB client certificate was issued from it in this tab: download the bundle \
             before you leave the page.",
        );
    } else {
        done.push_str(" The bundle's ALB client certificate and key came with it.");
    }
    if moved {
        done.push_str(&moved_note());
    }
    Ok(done)
}

/// The buttons that make a private client CA, or use the one of an earlier bundle (after a
/// reload the page has forgotten it: it exists only in that bundle's zip), with what happened
/// next to them.
#[component]
pub fn PrivateCaButton(
    /// Element id of the Create button (the Certificates step's and the finding's differ); the
    /// earlier-bundle button's id is derived from it.
    id: &'static str,
) -> impl IntoView {
    let form = expect_context::<FormHandle>();
    let to = expect_context::<Fill>();
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let earlier_id = id.replacen("create-private-ca", "use-earlier-ca", 1);
    let file_id = format!("{earlier_id}-file");
    let file_input = NodeRef::<html::Input>::new();
    let read_files = move |list: Option<web_sys::FileList>| {
        let Some(list) = list else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        if files.is_empty() {
            return;
        }
        spawn_local(async move {
            let mut read = Vec::new();
            for file in files {
                let name = file.name();
                let file = gloo::file::File::from(file);
                // A huge file is refused unread.
                let limit = crate::earlier_ca::MAX_ZIP_BYTES;
                if file.size() > limit as u64 {
                    let refused = crate::earlier_ca::EarlierCaError::TooLarge {
                        file: crate::text::shown(&name, 80),
                        limit_kib: limit / 1024,
                    };
                    outcome.set(Some(Err(refused.to_string())));
                    return;
                }
                match gloo::file::futures::read_as_bytes(&file).await {
                    Ok(bytes) => read.push((name, bytes)),
                    Err(_) => {
                        outcome.set(Some(Err(format!(
                            "The file {} could not be read.",
                            crate::text::shown(&name, 80)
                        ))));
                        return;
                    }
                }
            }
            outcome.set(Some(use_earlier(form, to, &read).await));
        });
    };
    view! {
        <span class="private-ca">
            <span class="private-ca__buttons">
                <button
                    type="button"
                    class="button button--primary"
                    id=id
                    on:click=move |_| {
                        spawn_local(async move {
                            let result = create(form, to).await;
                            outcome.set(Some(result));
                        });
                    }
                >
                    "Create a private client CA"
                </button>
                <button
                    type="button"
                    class="button"
                    id=earlier_id
                    title="Choose the zip of your earlier bundle, or client-ca.pem and client-ca.key from its private-ca/ folder"
                    on:click=move |_| {
                        if let Some(input) = file_input.get() {
                            input.click();
                        }
                    }
                >
                    "Use the CA from my earlier bundle…"
                </button>
                <input
                    type="file"
                    id=file_id
                    accept=".zip,.pem,.key,.crt"
                    multiple
                    class="visually-hidden"
                    tabindex="-1"
                    aria-hidden="true"
                    node_ref=file_input
                    on:change:target=move |ev| {
                        let input = ev.target();
                        read_files(input.files());
                        input.set_value("");
                    }
                />
            </span>
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
