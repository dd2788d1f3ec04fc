use crate::settings::Profile;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// Classic or current APIs, with the core's one sentence on when to pick which.
#[component]
pub fn ProfileSwitch() -> impl IntoView {
    let state = expect_context::<AppState>();
    let option = move |profile: Profile, name: &'static str| {
        let when = profile.when_to_pick();
        view! {
            <label class="profile-switch__option">
                <input
                    type="radio"
                    name="profile"
                    id=format!("profile-{}", profile.as_str())
                    value=profile.as_str()
                    prop:checked=move || state.form.with(|f| f.settings.profile == profile)
                    on:change=move |_| state.form.update(|f| f.settings.profile = profile)
                />
                <span class="profile-switch__text">
                    <span class="profile-switch__name">{name}</span>
                    <span class="profile-switch__when">{when}</span>
                </span>
            </label>
        }
    };
    view! {
        <fieldset class="profile-switch" id="profile">
            <legend class="profile-switch__legend">"API generation"</legend>
            <div class="profile-switch__options">
                {option(Profile::Current, "Current")}
                {option(Profile::Classic, "Classic")}
            </div>
        </fieldset>
    }
}
