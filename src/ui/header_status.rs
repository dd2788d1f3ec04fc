use crate::ui::handles::Verdict;
use crate::ui::state::verdict;
use leptos::prelude::*;

/// The verdict at the top of the page ("2 errors, 1 warning"), linking to the findings. Not a
/// live region: the Check step announces changes, once.
#[component]
pub fn HeaderStatus() -> impl IntoView {
    let Verdict {
        tally,
        pending,
        untouched,
        ..
    } = expect_context::<Verdict>();
    let empty = Memo::new(move |_| pending.with(Vec::len));
    let class = move || {
        let t = tally.get();
        if untouched.get() {
            "page-header__status"
        } else if t.errors > 0 {
            "page-header__status page-header__status--error"
        } else if t.warnings > 0 || empty.get() > 0 {
            "page-header__status page-header__status--warning"
        } else {
            "page-header__status page-header__status--ok"
        }
    };
    let text = move || verdict(tally.get(), empty.get(), untouched.get());
    view! {
        <p class="page-header__status-line">
            <a class=class href="#step-check" id="header-status">{text}</a>
        </p>
    }
}
