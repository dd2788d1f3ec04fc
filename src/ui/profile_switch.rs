use crate::setup::Profile;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// Classic or current APIs, with one sentence on when to pick which.
#[component]
pub fn ProfileSwitch() -> impl IntoView {
    let state = expect_context::<AppState>();
    let option = move |profile: Profile, name: &'static str, when: &'static str| {
        view! {
            <label class="profile-switch__option">
                <input
                    type="radio"
                    name="profile"
                    id=format!("profile-{}", profile.as_str())
                    value=profile.as_str()
                    prop:checked=move || state.form.with(|f| f.profile == profile)
                    on:change=move |_| state.form.update(|f| f.profile = profile)
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
                {option(
                    Profile::Current,
                    "Current",
                    "Pick this for any cluster running today: Istio 1.22+ and Kubernetes 1.22+ with IBM's community NGINX ALB (networking.k8s.io/v1, security.istio.io/v1, credentialName).",
                )}
                {option(
                    Profile::Classic,
                    "Classic",
                    "Only for old clusters still on Istio ≤ 1.5 and Kubernetes ≤ 1.21 with IBM's original ALB: exactly the documented procedure (extensions/v1beta1, authentication.istio.io).",
                )}
            </div>
        </fieldset>
    }
}
