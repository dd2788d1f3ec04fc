//! Text from the core, shown the way it is meant: `code spans` in messages and help lines become
//! `<code>`, and long names (subjects, host names) wrap at dots and commas, never inside a label
//! such as `mycluster-abc-0001`.

use leptos::prelude::*;

/// A message or help line: plain text with `backticks` shown as code.
#[component]
pub fn RichText(
    /// The text, as the core wrote it.
    #[prop(into)]
    text: String,
) -> impl IntoView {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| {
            let part = part.to_owned();
            if i % 2 == 1 {
                view! { <code class="rich__code">{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// A name that wraps only after `.`, `,` and spaces: each piece is kept whole (unless it is
/// too long to ever fit), with a break opportunity after it.
#[component]
pub fn Name(
    /// A subject, host name or list of names.
    #[prop(into)]
    text: String,
) -> impl IntoView {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | ',' | ' ') {
            let end = i + c.len_utf8();
            pieces.push(text[start..end].to_owned());
            start = end;
        }
    }
    if start < text.len() {
        pieces.push(text[start..].to_owned());
    }
    view! {
        <span class="name">
            {pieces
                .into_iter()
                .map(|p| {
                    let class = if p.chars().count() > 32 { "name__piece name__piece--long" } else { "name__piece" };
                    view! { <span class=class>{p}</span><wbr /> }
                })
                .collect_view()}
        </span>
    }
}
