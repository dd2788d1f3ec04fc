use crate::finding::{Code, Finding, Severity};
use crate::inputs::CertInput;
use crate::ui::browser;
use crate::ui::handles::{FormHandle, Verdict};
use crate::ui::private_ca::PrivateCaButton;
use crate::ui::rich_text::RichText;
use crate::ui::state::verdict;
use leptos::prelude::*;

/// Step 3: every finding, most severe first, with a summary line that screen readers hear
/// politely. Clicking a finding moves focus to the field or certificate it concerns.
#[component]
pub fn FindingsPanel() -> impl IntoView {
    let Verdict {
        findings,
        pending,
        tally,
        untouched,
    } = expect_context::<Verdict>();
    let summary_class = move || {
        let t = tally.get();
        if t.errors > 0 {
            "findings__summary findings__summary--error"
        } else if !pending.with(Vec::is_empty) {
            "findings__summary"
        } else {
            "findings__summary findings__summary--ok"
        }
    };
    let summary_text = move || {
        let t = tally.get();
        let mut text = verdict(t, pending.with(Vec::len), untouched.get());
        if t.infos > 0 {
            text.push_str(&format!(
                " ({} note{})",
                t.infos,
                if t.infos == 1 { "" } else { "s" }
            ));
        }
        text
    };

    view! {
        <section class="step findings" aria-labelledby="step-check">
            <h2 class="step__title" id="step-check">
                <span class="step__number" aria-hidden="true">"3"</span>
                "Check"
            </h2>
            <p id="findings-summary" class=summary_class role="status" aria-live="polite">
                {summary_text}
            </p>
            <Show when=move || untouched.get()>
                <p class="findings__start" id="findings-start">
                    "Fill in the cluster's values and paste its certificates; every value is checked once you have entered it, "
                    "and each problem shows here and under its field. To see a finished example first, use “Try it with demo data”."
                </p>
            </Show>
            <Show when=move || !pending.with(Vec::is_empty)>
                <div class="findings__todo">
                    <span class="findings__todo-label">"Still empty:"</span>
                    <ul class="findings__todo-list" id="pending">
                        <For
                            each=move || pending.get()
                            key=|k| k.clone()
                            children=move |subject| {
                                let target = subject.name().to_owned();
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="findings__todo-item"
                                            data-input=subject.name().to_owned()
                                            on:click=move |_| browser::focus(&target)
                                        >
                                            {subject.label().to_owned()}
                                        </button>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </div>
            </Show>
            <ul class="findings__list" id="findings">
                <For
                    each=move || findings.get().into_iter().enumerate()
                    key=|(i, f)| (*i, f.code, f.input.clone(), f.message.clone())
                    children=move |(_, finding)| view! { <FindingItem finding /> }
                />
            </ul>
        </section>
    }
}

/// One finding as a button: severity, code, the input it concerns and the message; a finding
/// that has a way out in this page offers it beside the button.
#[component]
fn FindingItem(finding: Finding) -> impl IntoView {
    let class = match finding.severity {
        Severity::Error => "finding finding--error",
        Severity::Warning => "finding finding--warning",
        Severity::Info => "finding finding--info",
    };
    let target = finding.input.as_ref().map(|i| i.name().to_owned());
    let label = finding.input.as_ref().map(|i| i.label().to_owned());
    let private_ca = (finding.code == Code::EkuClientAuthMissing
        && finding.is_about(CertInput::AlbClientCert))
    .then(|| {
        view! {
            <div class="finding__actions">
                <PrivateCaButton id="create-private-ca-from-finding" />
            </div>
        }
    });
    // A value that fixes the finding (the nearest name the certificate covers, a host without
    // the scheme pasted with it): offered, never applied unasked.
    let fix = match (
        finding.suggestion.clone(),
        finding.input.as_ref().and_then(|i| i.field()),
    ) {
        (Some(value), Some(field)) => {
            let form = expect_context::<FormHandle>();
            let shown = value.clone();
            Some(view! {
                <div class="finding__actions">
                    <button
                        type="button"
                        class="button finding__fix"
                        data-fix=field.name()
                        on:click=move |_| {
                            form.set_text.run((field, value.clone()));
                            browser::focus(field.name());
                        }
                    >
                        "Use "
                        <code>{shown}</code>
                    </button>
                </div>
            })
        }
        _ => None,
    };
    view! {
        <li>
            <button
                type="button"
                class=class
                data-code=finding.code.as_str()
                data-input=finding.input.as_ref().map(|i| i.name().to_owned())
                on:click=move |_| {
                    if let Some(id) = target.as_deref() {
                        browser::focus(id);
                    }
                }
            >
                <span class="finding__head">
                    <span class="finding__severity">{finding.severity.to_string()}</span>
                    <span class="finding__code">{finding.code.as_str()}</span>
                    {label.map(|l| view! { <span class="finding__input">{format!("— {l}")}</span> })}
                </span>
                <span class="finding__message"><RichText text=finding.message.clone() /></span>
            </button>
            {private_ca}
            {fix}
        </li>
    }
}
