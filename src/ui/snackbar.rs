use crate::ui::handles::UndoHandle;
use crate::ui::state::UndoPlace;
use gloo::timers::callback::Timeout;
use leptos::prelude::*;

/// How long a snackbar stays once nothing holds it (Material's range is 4–10 s: the long end,
/// since its Undo goes with it).
const SHOWN_MS: u32 = 10_000;

/// Where the focus goes when the snackbar it was in goes away (Undo, Dismiss): to the place's
/// own control, rather than to the start of the page.
fn refocus(place: UndoPlace) {
    let id = match place {
        UndoPlace::Header => "demo-data".to_owned(),
        UndoPlace::Input(input) => input.name().to_owned(),
        UndoPlace::Download => "import-settings".to_owned(),
    };
    crate::ui::browser::focus_only(&id);
}

/// What the last action that replaced inputs did, with Undo, at the `place` the action chose:
/// in the page's flow, next to what changed, so it never covers a field and its Undo is the
/// next stop of the keyboard. It leaves on its own after [`SHOWN_MS`], but never while the
/// pointer is over it or the focus is in it (the countdown starts again when they leave).
#[component]
pub fn Snackbar(
    /// Which action's snackbar this slot shows.
    place: UndoPlace,
) -> impl IntoView {
    let undo = expect_context::<UndoHandle>();
    let done = Memo::new(move |_| {
        undo.last.with(|u| {
            u.as_ref()
                .filter(|u| u.place == place)
                .map(|u| u.done.clone())
        })
    });
    let hovered = RwSignal::new(false);
    let focused = RwSignal::new(false);
    // Dropping a gloo Timeout cancels it: one countdown at most, restarted on every change.
    let countdown = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        undo.last.track();
        let shown = done.with(Option::is_some);
        let held = hovered.get() || focused.get();
        countdown.set_value(None);
        if !shown {
            // A snackbar removed under the pointer or the focus gets no leave event.
            if hovered.get_untracked() {
                hovered.set(false);
            }
            if focused.get_untracked() {
                focused.set(false);
            }
        } else if !held {
            countdown.set_value(Some(Timeout::new(SHOWN_MS, move || {
                undo.dismiss.run(());
            })));
        }
    });
    on_cleanup(move || countdown.set_value(None));
    view! {
        <div class="snackbar-slot" role="status" aria-live="polite">
            {move || {
                done.get()
                    .map(|done| {
                        view! {
                            <div
                                class="snackbar"
                                id="snackbar"
                                on:mouseenter=move |_| hovered.set(true)
                                on:mouseleave=move |_| hovered.set(false)
                                on:focusin=move |_| focused.set(true)
                                on:focusout=move |_| focused.set(false)
                            >
                                <span class="snackbar__text">{done}</span>
                                <button
                                    type="button"
                                    class="button snackbar__undo"
                                    id="undo"
                                    on:click=move |_| {
                                        undo.undo.run(());
                                        refocus(place);
                                    }
                                >
                                    "Undo"
                                </button>
                                <button
                                    type="button"
                                    class="button snackbar__close"
                                    aria-label="Dismiss"
                                    on:click=move |_| {
                                        undo.dismiss.run(());
                                        refocus(place);
                                    }
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
