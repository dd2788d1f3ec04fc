use crate::highlight::{Language, highlight};
use crate::ui::browser;
use crate::ui::copy_button::CopyButton;
use crate::ui::handles::{Files, Verdict};
use leptos::prelude::*;

/// The element id of a file's option in the list.
fn option_id(path: &str) -> String {
    let safe: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("file-{safe}")
}

/// Step 4: every generated file in a list (one Tab stop; arrow keys, Home and End move through
/// it), the chosen one shown with light highlighting, to copy or download.
#[component]
pub fn FilePreview() -> impl IntoView {
    let Files {
        bundle, trouble, ..
    } = expect_context::<Files>();
    let pending = expect_context::<Verdict>().pending;
    let paths = Memo::new(move |_| {
        bundle.with(|b| b.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>())
    });
    let selected = RwSignal::new(String::new());
    // The shown file: the chosen one while it exists, else the first.
    let current = Memo::new(move |_| {
        let chosen = selected.get();
        paths.with(|ps| {
            if ps.contains(&chosen) {
                chosen
            } else {
                ps.first().cloned().unwrap_or_default()
            }
        })
    });
    let contents = Memo::new(move |_| {
        let path = current.get();
        bundle.with(|b| {
            b.file(&path)
                .map(|f| String::from_utf8_lossy(&f.contents).into_owned())
                .unwrap_or_default()
        })
    });
    let status = RwSignal::new(String::new());

    let download_one = move |_| {
        let path = current.get_untracked();
        let name = path.rsplit('/').next().unwrap_or("file").to_owned();
        let bytes = bundle.with_untracked(|b| b.file(&path).map(|f| f.contents.clone()));
        if let Some(bytes) = bytes {
            match browser::download(&name, "application/octet-stream", &bytes) {
                Ok(()) => status.set(format!("Downloaded {name}.")),
                Err(e) => status.set(format!("Could not download {name}: {e}.")),
            }
        }
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        let list = paths.get_untracked();
        if list.is_empty() {
            return;
        }
        let at = list
            .iter()
            .position(|p| *p == current.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowDown" | "ArrowRight" => (at + 1).min(list.len() - 1),
            "ArrowUp" | "ArrowLeft" => at.saturating_sub(1),
            "Home" => 0,
            "End" => list.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        selected.set(list[next].clone());
        browser::focus_only(&option_id(&list[next]));
    };

    view! {
        <section class="step" aria-labelledby="step-files">
            <h2 class="step__title" id="step-files">
                <span class="step__number" aria-hidden="true">"4"</span>
                "Files"
            </h2>
            <Show when=move || !pending.with(Vec::is_empty)>
                <p class="step__hint" id="files-preview-note">
                    "A preview: while inputs are still empty, the files show what is known so far, "
                    "and README.md lists what is missing."
                </p>
            </Show>
            {move || {
                trouble
                    .get()
                    .map(|why| {
                        let why = crate::finding::sentence(
                            format!("The files could not be made: {why}"),
                        );
                        view! {
                            <p class="step__hint" role="alert" id="files-trouble">
                                {why}
                            </p>
                        }
                    })
            }}
            <div class="files">
                <ul
                    class="files__list"
                    id="file-tree"
                    role="listbox"
                    aria-label="Generated files"
                    on:keydown=keys
                >
                    <For
                        each=move || paths.get()
                        key=|p| p.clone()
                        children=move |path| {
                            let p = path.clone();
                            let is_current = Memo::new(move |_| current.get() == p);
                            let chosen = path.clone();
                            let id = option_id(&path);
                            let data_path = path.clone();
                            view! {
                                <li
                                    class="files__item"
                                    role="option"
                                    id=id
                                    data-path=data_path
                                    aria-selected=move || if is_current.get() { "true" } else { "false" }
                                    tabindex=move || if is_current.get() { "0" } else { "-1" }
                                    on:click=move |_| selected.set(chosen.clone())
                                >
                                    {path}
                                </li>
                            }
                        }
                    />
                </ul>
                <div class="files__panel">
                    <div class="files__bar">
                        <span class="files__path" id="file-current">{move || current.get()}</span>
                        <CopyButton text=Signal::derive(move || contents.get()) what="the file" id="copy-file" />
                        <button type="button" class="button" id="download-file" on:click=download_one>
                            "Download file"
                        </button>
                    </div>
                    <p class="files__status" role="status">{move || status.get()}</p>
                    <pre class="code" tabindex="0" aria-labelledby="file-current">
                        <code id="file-contents">
                            {move || {
                                let language = Language::for_path(&current.get());
                                contents.with(|text| {
                                    highlight(text, language)
                                        .into_iter()
                                        .map(|(kind, text)| match kind.class() {
                                            Some(class) => view! { <span class=class>{text}</span> }.into_any(),
                                            None => text.into_any(),
                                        })
                                        .collect_view()
                                })
                            }}
                        </code>
                    </pre>
                </div>
            </div>
        </section>
    }
}
