use crate::pki::{ChainView, LinkRole};
use leptos::prelude::*;

const BOX_W: i32 = 300;
const BOX_H: i32 = 46;
const GAP: i32 = 30;

/// A chain as a picture: leaf at the top, each certificate pointing up to the one that issued
/// it, every link marked good (solid, ✓) or broken (dashed, ✗) with the reason spelled out
/// beneath, so nothing depends on colour alone.
#[component]
pub fn ChainDiagram(
    /// Caption, e.g. "Gateway certificate → CA the ALB trusts".
    caption: &'static str,
    /// The chain as built by the check.
    #[prop(into)]
    chain: Signal<ChainView>,
) -> impl IntoView {
    let description = move || {
        chain.with(|c| {
            if c.links.is_empty() {
                "No certificate yet.".to_string()
            } else {
                let names: Vec<&str> = c.links.iter().map(|l| l.subject.as_str()).collect();
                let verdict = if c.trusted { "trusted" } else { "not trusted" };
                format!("{} ({verdict})", names.join(" issued by "))
            }
        })
    };
    view! {
        <figure class="chain">
            <figcaption class="chain__caption">{caption}</figcaption>
            {move || {
                let c = chain.get();
                let n = c.links.len() as i32;
                let height = (n.max(1)) * BOX_H + (n - 1).max(0) * GAP + 4;
                let links = c.links.clone();
                let boxes = links
                    .iter()
                    .enumerate()
                    .map(|(i, link)| {
                        let y = 2 + i as i32 * (BOX_H + GAP);
                        let role = match link.role {
                            LinkRole::Leaf => "leaf",
                            LinkRole::Intermediate => "intermediate",
                            LinkRole::Anchor => "trusted CA",
                        };
                        let box_class = if link.ok {
                            "chain__box chain__box--ok"
                        } else {
                            "chain__box chain__box--broken"
                        };
                        let days = if link.days_left < 0 {
                            format!("expired {} days ago", -link.days_left)
                        } else {
                            format!("{} days left", link.days_left)
                        };
                        let subject = truncate(&link.subject, 40);
                        let connector = (i + 1 < links.len())
                            .then(|| {
                                let y1 = y + BOX_H;
                                let y2 = y1 + GAP;
                                let ok = link.ok;
                                let (class, mark_class, mark) = if ok {
                                    ("chain__link--ok", "chain__mark--ok", "✓")
                                } else {
                                    ("chain__link--broken", "chain__mark--broken", "✗")
                                };
                                view! {
                                    <line
                                        class=class
                                        x1="40"
                                        x2="40"
                                        y1=y1.to_string()
                                        y2=y2.to_string()
                                        stroke-width="2"
                                    ></line>
                                    <text
                                        class=mark_class
                                        x="52"
                                        y=(y1 + GAP / 2 + 5).to_string()
                                        font-size="14"
                                    >
                                        {format!("{mark} signed by")}
                                    </text>
                                }
                            });
                        view! {
                            <g>
                                <title>
                                    {format!(
                                        "{}: {}{}",
                                        role,
                                        link.subject,
                                        link.problem
                                            .as_deref()
                                            .map(|p| format!(" — {p}"))
                                            .unwrap_or_default(),
                                    )}
                                </title>
                                <rect
                                    class=box_class
                                    x="1"
                                    y=y.to_string()
                                    width=(BOX_W - 2).to_string()
                                    height=BOX_H.to_string()
                                    rx="6"
                                    stroke-width="2"
                                ></rect>
                                <text class="chain__role" x="12" y=(y + 16).to_string()>
                                    {format!("{role} · {days}")}
                                </text>
                                <text class="chain__label" x="12" y=(y + 34).to_string()>
                                    {subject}
                                </text>
                            </g>
                            {connector}
                        }
                    })
                    .collect_view();
                let problems: Vec<String> = links
                    .iter()
                    .filter_map(|l| l.problem.as_ref().map(|p| format!("{}: {p}", l.subject)))
                    .collect();
                view! {
                    <svg
                        class="chain__svg"
                        viewBox=format!("0 0 {BOX_W} {height}")
                        role="img"
                        aria-label=description
                    >
                        {boxes}
                    </svg>
                    {(!problems.is_empty())
                        .then(|| {
                            view! {
                                <ul class="chain__problems">
                                    {problems
                                        .into_iter()
                                        .map(|p| view! { <li>{p}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                }
            }}
        </figure>
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
