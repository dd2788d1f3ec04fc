use crate::ui::handles::Verdict;
use crate::ui::state::verdict;
use leptos::prelude::*;

/// A compact verdict that stays at the bottom of the screen while the form is in view, for
/// screens too narrow to keep the Check step beside the form. Not a live region (the Check
/// step announces changes).
#[component]
pub fn CheckBar() -> impl IntoView {
    let Verdict {
        tally,
        pending,
        untouched,
        ..
    } = expect_context::<Verdict>();
    let class = move || {
        if tally.get().errors > 0 {
            "check-bar check-bar--error"
        } else if pending.with(Vec::is_empty) {
            "check-bar check-bar--ok"
        } else {
            "check-bar"
        }
    };
    view! {
        <div class=class id="check-bar">
            <span class="check-bar__text">
                {move || verdict(tally.get(), pending.with(Vec::len), untouched.get())}
            </span>
            <a class="check-bar__link" href="#step-check">"See the check"</a>
        </div>
    }
}
