use crate::ui::handles::PageActions;
use crate::ui::snackbar::Snackbar;
use crate::ui::state::UndoPlace;
use leptos::prelude::*;

/// The header's actions, which replace every input at once (demo data, Clear all), with the
/// snackbar that undoes them right after.
#[component]
pub fn HeaderActions() -> impl IntoView {
    let actions = expect_context::<PageActions>();
    view! {
        <div class="page-header__actions">
            <button
                type="button"
                class="button button--primary"
                id="demo-data"
                on:click=move |_| actions.fill_demo.run(())
            >
                "Try it with demo data"
            </button>
            <button
                type="button"
                class="button button--danger"
                id="clear-all"
                on:click=move |_| actions.clear_all.run(())
            >
                "Clear all"
            </button>
        </div>
        <Snackbar place=UndoPlace::Header />
    }
}
