use crate::pki::{ChainView, LinkRole};
use crate::ui::rich_text::Name;
use leptos::prelude::*;

/// A chain as a picture: leaf at the top, each certificate pointing up to the one that issued
/// it, every link marked good (solid, ✓) or broken (dashed, ✗) with the reason spelled out, so
/// nothing depends on colour alone. Names are shown whole; each box opens (keyboard, touch,
/// mouse) to its issuer and expiry. Every CA given as trusted that the chain did not use is
/// listed below it, with the reason.
#[component]
pub fn ChainDiagram(
    /// Caption, e.g. "Gateway certificate → CA the ALB trusts".
    caption: &'static str,
    /// What to paste for a chain to show, for the empty state.
    empty: &'static str,
    /// The chain as built by the check.
    #[prop(into)]
    chain: Signal<ChainView>,
    /// Element id of the figure.
    id: &'static str,
) -> impl IntoView {
    view! {
        <figure class="chain" id=id>
            <figcaption class="chain__caption">{caption}</figcaption>
            {move || {
                let c = chain.get();
                if c.links.is_empty() {
                    return view! { <p class="chain__empty">{empty}</p> }.into_any();
                }
                let n = c.links.len();
                let links = c
                    .links
                    .into_iter()
                    .enumerate()
                    .map(|(i, link)| {
                        let role = match link.role {
                            LinkRole::Leaf => "leaf",
                            LinkRole::Intermediate => "intermediate",
                            LinkRole::Anchor => "trusted CA",
                        };
                        let days = if link.days_left < 0 {
                            format!("expired {} days ago", -link.days_left)
                        } else {
                            format!("{} days left", link.days_left)
                        };
                        let class = if link.ok {
                            "chain__link chain__link--ok"
                        } else {
                            "chain__link chain__link--broken"
                        };
                        let connector = (i + 1 < n).then(|| {
                            let (class, mark) = if link.ok {
                                ("chain__connector chain__connector--ok", "✓ signed by")
                            } else {
                                ("chain__connector chain__connector--broken", "✗ signed by")
                            };
                            view! { <div class=class aria-hidden="true">{mark}</div> }
                        });
                        let problem = link.problem.clone();
                        view! {
                            <li class=class>
                                <details class="chain__box">
                                    <summary class="chain__summary">
                                        <span class="chain__role">{format!("{role} · {days}")}</span>
                                        <span class="chain__subject"><Name text=link.name.clone() /></span>
                                    </summary>
                                    <dl class="chain__details">
                                        <dt>"Subject"</dt>
                                        <dd><Name text=link.subject.clone() /></dd>
                                        <dt>"Issued by"</dt>
                                        <dd><Name text=link.issuer.clone() /></dd>
                                        <dt>"Valid until"</dt>
                                        <dd>{link.not_after.clone()}</dd>
                                        <dt>"Link"</dt>
                                        <dd>
                                            {if link.ok {
                                                "valid".to_owned()
                                            } else {
                                                link.problem.clone().unwrap_or_default()
                                            }}
                                        </dd>
                                    </dl>
                                </details>
                                {problem.map(|p| view! { <p class="chain__problem">"✗ "{p}</p> })}
                                {connector}
                            </li>
                        }
                    })
                    .collect_view();
                let verdict = if c.trusted {
                    ("chain__verdict chain__verdict--ok", "✓ Trusted: the chain ends at a CA you gave.")
                } else {
                    ("chain__verdict chain__verdict--broken", "✗ Not trusted: see the marks above and the findings.")
                };
                let unused = (!c.unused.is_empty())
                    .then(|| {
                        view! {
                            <div class="chain__unused">
                                <p class="chain__unused-title">"Also given as trusted, not used:"</p>
                                <ul class="chain__unused-list">
                                    {c
                                        .unused
                                        .into_iter()
                                        .map(|u| {
                                            view! {
                                                <li class="chain__unused-item">
                                                    <span class="chain__subject"><Name text=u.name /></span>
                                                    " — "
                                                    {u.why}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                    });
                view! {
                    <ol class="chain__links">{links}</ol>
                    <p class=verdict.0>{verdict.1}</p>
                    {unused}
                }
                    .into_any()
            }}
        </figure>
    }
}
