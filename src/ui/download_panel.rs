use crate::field::Field;
use crate::ui::browser;
use crate::ui::handles::{Checked, Files, Fill, FormHandle, Keys, Verdict};
use crate::ui::snackbar::Snackbar;
use crate::ui::state::UndoPlace;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Step 5: the zip (exactly what `istio-alb bundle` writes for the same settings and time),
/// and the settings file for the command line.
#[component]
pub fn DownloadPanel() -> impl IntoView {
    let Verdict {
        findings,
        pending,
        tally,
        ..
    } = expect_context::<Verdict>();
    let files = expect_context::<Files>();
    let form = expect_context::<FormHandle>().form;
    let now = expect_context::<Checked>().now;
    let keys = expect_context::<Keys>();
    let fill = expect_context::<Fill>();
    let status = RwSignal::new(String::new());
    let import_input = NodeRef::<html::Input>::new();
    let blocked = move || tally.get().errors > 0 || !pending.with(Vec::is_empty);
    let zip_name = move || format!("{}.zip", files.root.get());
    // The file name is built from the cluster name: only once that is a usable value (no
    // finding about it; an empty one is pending, and not given anyway).
    let named = Memo::new(move |_| {
        let given = form.with(|f| !f.settings.cluster_name.trim().is_empty());
        let valid = findings.with(|all| !all.iter().any(|f| f.is_about(Field::ClusterName)));
        given && valid
    });

    let download_zip = move |_| {
        if blocked() {
            status.set("Fill in every input and fix the errors listed under Check first.".into());
            browser::focus("findings-summary");
            return;
        }
        let name = files.root.with_untracked(|root| format!("{root}.zip"));
        let request = files.request.run(());
        spawn_local(async move {
            let bytes = match crate::ui::lazy::zip(&request).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    status.set(format!("Could not build the zip: {e}."));
                    return;
                }
            };
            match browser::download(&name, "application/zip", &bytes) {
                Ok(()) => {
                    keys.downloaded.run(());
                    status.set(format!(
                        "Downloaded {name} ({} KB).",
                        bytes.len().div_ceil(1024)
                    ))
                }
                Err(e) => status.set(format!("Could not download: {e}.")),
            }
        });
    };
    let export_settings = move |_| {
        // The bundle's own settings file: certificate entries point into its certs/ folder.
        let request = files.request.run(());
        spawn_local(async move {
            let yaml = match crate::ui::lazy::settings_file(&request).await {
                Ok(yaml) => yaml,
                Err(e) => {
                    status.set(format!("Could not make settings.yaml: {e}."));
                    return;
                }
            };
            match browser::download("settings.yaml", "application/yaml", yaml.as_bytes()) {
                Ok(()) => status.set(
                    "Downloaded settings.yaml: no keys in it; its certificates point at certs/."
                        .into(),
                ),
                Err(e) => status.set(format!("Could not download: {e}.")),
            }
        });
    };
    let import_settings = move |_: leptos::ev::Event| {
        let Some(input) = import_input.get() else {
            return;
        };
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            return;
        };
        let file = gloo::file::File::from(file);
        input.set_value("");
        spawn_local(async move {
            let shown = crate::text::shown(&file.name(), 80);
            // The size is known before reading: a huge file is refused unread, as the CLI does.
            let limit = crate::pki::pem::MAX_INPUT_BYTES;
            if file.size() > limit as u64 {
                status.set(format!(
                    "{shown} could not be imported: it is larger than {} KiB, the most a \
                     settings file may hold. Expected a settings file (YAML or JSON, as Export \
                     settings writes it).",
                    limit / 1024
                ));
                return;
            }
            let text = match gloo::file::futures::read_as_text(&file).await {
                Ok(t) => t,
                Err(_) => {
                    status.set(format!(
                        "{shown} could not be imported: it is not a text file. Expected a \
                         settings file (YAML or JSON, as Export settings writes it)."
                    ));
                    return;
                }
            };
            // The error never shows the file's content: it may be a key chosen by mistake.
            let settings = match crate::ui::lazy::import_settings(&text).await {
                Ok(settings) => settings,
                Err(e) => {
                    status.set(crate::finding::sentence(format!(
                        "{shown} could not be imported: {e}"
                    )));
                    return;
                }
            };
            let (filled, wanted) = fill.import.run((shown.clone(), settings));
            let mut message = format!("Imported the settings of {shown}");
            if filled > 0 {
                message.push_str(&format!(
                    ", and {filled} certificate or key {} written into it",
                    if filled == 1 { "entry" } else { "entries" }
                ));
            }
            message.push('.');
            if !wanted.is_empty() {
                let list: Vec<String> = wanted
                    .iter()
                    .map(|(input, path)| format!("{path} into “{}”", input.label()))
                    .collect();
                message.push_str(&format!(
                    " Its certificates are file paths, which a web page cannot open: drop or \
                     paste {}.",
                    list.join(", ")
                ));
            }
            status.set(message);
        });
    };

    view! {
        <section class="step download" aria-labelledby="step-download">
            <h2 class="step__title" id="step-download">
                <span class="step__number" aria-hidden="true">"5"</span>
                "Download"
            </h2>
            <div class="download__row">
                <button
                    type="button"
                    class="button button--primary"
                    id="download-zip"
                    aria-disabled=move || blocked().to_string()
                    aria-describedby="download-blocked"
                    on:click=download_zip
                >
                    {move || {
                        if named.get() {
                            format!("Download {}", zip_name())
                        } else {
                            "Download the zip".to_owned()
                        }
                    }}
                </button>
                <button type="button" class="button" id="export-settings" on:click=export_settings>
                    "Export settings"
                </button>
                <button
                    type="button"
                    class="button"
                    id="import-settings"
                    on:click=move |_| {
                        if let Some(input) = import_input.get() {
                            input.click();
                        }
                    }
                >
                    "Import settings…"
                </button>
                <input
                    type="file"
                    accept=".yaml,.yml,.json"
                    class="visually-hidden"
                    tabindex="-1"
                    aria-hidden="true"
                    node_ref=import_input
                    on:change=import_settings
                />
            </div>
            <Snackbar place=UndoPlace::Download />
            <p class="download__blocked" id="download-blocked">
                {move || {
                    let t = tally.get();
                    let pending = pending.get();
                    if t.errors > 0 {
                        Some(format!(
                            "Blocked by {} — see Check. The command line can override certificate errors with --force.",
                            crate::finding::plural(t.errors, "error"),
                        ))
                    } else if !pending.is_empty() {
                        let labels: Vec<&str> = pending.iter().map(|k| k.label()).collect();
                        Some(format!("Still empty: {}.", labels.join(", ")))
                    } else {
                        None
                    }
                }}
            </p>
            <p class="step__hint">
                "Same settings, same certificates, same time: the zip is byte for byte what "
                <code id="cli-command">
                    "istio-alb bundle settings.yaml --out bundle.zip --at "
                    {move || crate::rfc3339::format(now.get())}
                </code>
                " writes."
            </p>
            <p role="status" aria-live="polite" id="download-status">{move || status.get()}</p>
        </section>
    }
}
