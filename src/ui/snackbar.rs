use crate::ui::state::AppState;
use leptos::prelude::*;

/// What the last action that replaced inputs did, with Undo. It stays until it is undone,
/// dismissed or replaced by the next such action (no timeout: nobody has to be quick).
#[component]
pub fn Snackbar() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="snackbar-slot" role="status" aria-live="polite">
            {move || {
                state
                    .undo
                    .get()
                    .map(|u| {
                        view! {
                            <div class="snackbar" id="snackbar">
                                <span class="snackbar__text">{u.done}</span>
                                <button
                                    type="button"
                                    class="button snackbar__undo"
                                    id="undo"
                                    on:click=move |_| state.undo()
                                >
                                    "Undo"
                                </button>
                                <button
                                    type="button"
                                    class="button snackbar__close"
                                    aria-label="Dismiss"
                                    on:click=move |_| state.undo.set(None)
                                >
                                    "×"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
