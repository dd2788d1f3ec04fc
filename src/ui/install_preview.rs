use crate::plan::{Entry, FIELD_MANAGER};
use crate::ui::copy_button::CopyButton;
use crate::ui::handles::InstallPlan;
use leptos::prelude::*;

/// One list of the preview (created, changed, deleted, used), under its title; nothing when
/// the list is empty.
fn entries(
    id: &'static str,
    title: String,
    list: impl Fn() -> Vec<Entry> + Send + Sync + 'static,
) -> impl IntoView {
    let list = Memo::new(move |_| list());
    let heading = format!("{id}-title");
    view! {
        <Show when=move || !list.with(Vec::is_empty)>
            <h3 class="install-preview__title" id=heading.clone()>
                {title.clone()}
                " ("
                {move || list.with(Vec::len)}
                ")"
            </h3>
            <ul class="install-preview__list" id=id aria-labelledby=heading.clone()>
                <For
                    each=move || list.get()
                    // The note follows the settings too (the Ingress names the app's URL).
                    key=|e| (e.object.clone(), e.note.clone())
                    children=|e| {
                        view! {
                            <li class="install-preview__item">
                                <code class="install-preview__object">{e.object}</code>
                                " — "
                                {e.note}
                            </li>
                        }
                    }
                />
            </ul>
        </Show>
    }
}

/// What `install.sh` will do to the cluster, before the download: what it creates, what it
/// changes under our field manager, what it deletes, where the app will answer, and the dry run
/// that shows it against the live cluster. All of it comes from the core's plan
/// ([`crate::plan::install_preview`]), the one that writes the scripts.
#[component]
pub fn InstallPreview() -> impl IntoView {
    let preview = expect_context::<InstallPlan>().preview;
    let url = move || preview.with(|p| p.url.clone());
    let dry_run = Signal::derive(move || preview.with(|p| p.dry_run.clone()));
    view! {
        <section class="step install-preview" aria-labelledby="install-preview-heading" id="install-preview">
            <h2 class="step__title" id="install-preview-heading">"What install will do"</h2>
            <p class="step__hint">
                "From the plan that writes the scripts. Only the cluster knows what exists "
                "already, so each line says what happens either way; the dry run shows it "
                "against your cluster."
            </p>
            <p class="install-preview__url">
                "The app will answer at "
                <code id="install-url">{url}</code>
                " (through the ALB, once install is done)."
            </p>
            {entries(
                "install-creates",
                "Creates".to_owned(),
                move || preview.with(|p| p.creates.clone()),
            )}
            {entries(
                "install-changes",
                format!("Changes, under the field manager {FIELD_MANAGER}"),
                move || preview.with(|p| p.changes.clone()),
            )}
            {entries(
                "install-deletes",
                "Deletes".to_owned(),
                move || preview.with(|p| p.deletes.clone()),
            )}
            {entries(
                "install-uses",
                "Needs, and never changes".to_owned(),
                move || preview.with(|p| p.uses.clone()),
            )}
            <p class="install-preview__dry-run-lead">
                "Before the real run, see every change against the live cluster (the API "
                "server's verdict and a server-side kubectl diff; nothing is changed):"
            </p>
            <div class="guide__command">
                <code class="guide__code" id="install-dry-run">{move || dry_run.get()}</code>
                <CopyButton text=dry_run what="the dry-run command" id="copy-dry-run" />
            </div>
        </section>
    }
}
