use crate::ui::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A "Copy" button that says so when it worked: its label turns into "Copied ✓" for a few
/// seconds, and the reason shows next to it when the browser refused.
#[component]
pub fn CopyButton(
    /// The text to copy, read when clicked.
    #[prop(into)]
    text: Signal<String>,
    /// What is copied, for the accessible name ("Copy the command").
    #[prop(into)]
    what: String,
    /// Element id, for tests and labels.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    // 0: idle, n: the n-th successful copy (its timer resets the label only if still current).
    let copied = RwSignal::new(0u32);
    let failed = RwSignal::new(None::<String>);
    let click = move |_| {
        let value = text.get_untracked();
        spawn_local(async move {
            match browser::copy_text(&value).await {
                Ok(()) => {
                    failed.set(None);
                    let n = copied.get_untracked().wrapping_add(1).max(1);
                    copied.set(n);
                    gloo::timers::future::TimeoutFuture::new(2_500).await;
                    if copied.get_untracked() == n {
                        copied.set(0);
                    }
                }
                Err(e) => {
                    copied.set(0);
                    failed.set(Some(e));
                }
            }
        });
    };
    view! {
        <span class="copy">
            <button
                type="button"
                class=move || {
                    if copied.get() > 0 {
                        "button copy__button copy__button--done"
                    } else {
                        "button copy__button"
                    }
                }
                id=id
                aria-label=format!("Copy {what}")
                on:click=click
            >
                {move || if copied.get() > 0 { "Copied ✓" } else { "Copy" }}
            </button>
            <span class="copy__status" role="status">
                {move || {
                    if copied.get() > 0 {
                        "Copied to the clipboard.".to_owned()
                    } else {
                        failed.get().unwrap_or_default()
                    }
                }}
            </span>
        </span>
    }
}
