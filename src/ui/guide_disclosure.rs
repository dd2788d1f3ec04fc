use crate::guide::{Guide, Infrastructure};
use crate::ui::copy_button::CopyButton;
use crate::ui::rich_text::RichText;
use leptos::prelude::*;

/// "Where do I get this?": what the value is and the commands that print it, each copyable.
/// Closed until asked for; keyboard and touch reach it like any disclosure.
#[component]
pub fn GuideDisclosure(
    /// The guidance, rebuilt when the settings it quotes change.
    #[prop(into)]
    guide: Signal<Guide>,
    /// Element id of the disclosure, for tests.
    id: String,
) -> impl IntoView {
    view! {
        <details class="guide" id=id>
            <summary class="guide__summary">"Where do I get this?"</summary>
            {move || {
                let g = guide.get();
                view! {
                    <p class="guide__about"><RichText text=g.about /></p>
                    <ol class="guide__steps">
                        {g
                            .steps
                            .into_iter()
                            .map(|step| {
                                let badge = (step.infrastructure != Infrastructure::Any)
                                    .then(|| view! { <span class="guide__badge">{step.infrastructure.label()}</span> });
                                let command = step.command.map(|cmd| {
                                    let copy = cmd.clone();
                                    view! {
                                        <div class="guide__command">
                                            <code class="guide__code">{cmd}</code>
                                            <CopyButton text=Signal::derive(move || copy.clone()) what="the command" />
                                        </div>
                                    }
                                });
                                view! {
                                    <li class="guide__step">
                                        {badge}
                                        <RichText text=step.text />
                                        {command}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
            }}
        </details>
    }
}
