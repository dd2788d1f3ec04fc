use crate::highlight::{Language, highlight};
use crate::ui::browser;
use crate::ui::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Step 4: every generated file, listed as a tree; the chosen one shown with light
/// highlighting, with copy and download buttons.
#[component]
pub fn FilePreview() -> impl IntoView {
    let state = expect_context::<AppState>();
    let paths = Memo::new(move |_| {
        state
            .bundle
            .with(|b| b.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>())
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
        state.bundle.with(|b| {
            b.file(&path)
                .map(|f| String::from_utf8_lossy(&f.contents).into_owned())
                .unwrap_or_default()
        })
    });
    let status = RwSignal::new(String::new());

    let copy = move |_| {
        let text = contents.get_untracked();
        let path = current.get_untracked();
        spawn_local(async move {
            match browser::copy_text(&text).await {
                Ok(()) => status.set(format!("Copied {path}")),
                Err(e) => status.set(format!("Could not copy {path}: {e}")),
            }
        });
    };
    let download_one = move |_| {
        let path = current.get_untracked();
        let name = path.rsplit('/').next().unwrap_or("file").to_owned();
        let bytes = state
            .bundle
            .with_untracked(|b| b.file(&path).map(|f| f.contents.clone()));
        if let Some(bytes) = bytes {
            match browser::download(&name, "application/octet-stream", &bytes) {
                Ok(()) => status.set(format!("Downloaded {name}")),
                Err(e) => status.set(format!("Could not download {name}: {e}")),
            }
        }
    };

    view! {
        <section class="step" aria-labelledby="step-files">
            <h2 class="step__title" id="step-files">
                <span class="step__number" aria-hidden="true">"4"</span>
                "Files"
            </h2>
            <div class="files">
                <nav aria-label="Generated files">
                    <ul class="files__tree" id="file-tree">
                        <For
                            each=move || paths.get()
                            key=|p| p.clone()
                            children=move |path| {
                                let p = path.clone();
                                let is_current = Memo::new(move |_| current.get() == p);
                                let p2 = path.clone();
                                let p3 = path.clone();
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="files__item"
                                            data-path=p2.clone()
                                            aria-current=move || is_current.get().then_some("true")
                                            on:click=move |_| selected.set(p3.clone())
                                        >
                                            {path}
                                        </button>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </nav>
                <div class="files__panel">
                    <div class="files__bar">
                        <span class="files__path" id="file-current">{move || current.get()}</span>
                        <button type="button" class="button" id="copy-file" on:click=copy>"Copy"</button>
                        <button type="button" class="button" id="download-file" on:click=download_one>
                            "Download file"
                        </button>
                    </div>
                    <p class="visually-hidden" aria-live="polite">{move || status.get()}</p>
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
