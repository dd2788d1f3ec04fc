use crate::settings::{Field, Profile};
use crate::ui::rich_text::RichText;
use crate::ui::state::AppState;
use leptos::prelude::*;

/// A settings field that takes one of a few values: shown as a radio group, one option per
/// value with a sentence on when to pick it. Implement this for a new enum-like field and add
/// it to [`choice_view`]; until then the field shows as a text input.
pub trait Choice: Copy + PartialEq + Send + Sync + 'static {
    /// The settings field it is the value of.
    const FIELD: Field;
    /// Every value, in the order shown (the recommended one first).
    fn choices() -> &'static [Self];
    /// The value as the settings file writes it.
    fn value(self) -> &'static str;
    /// The short name a person sees.
    fn name(self) -> &'static str;
    /// When to pick it, in a sentence.
    fn when(self) -> &'static str;
}

impl Choice for Profile {
    const FIELD: Field = Field::Profile;
    fn choices() -> &'static [Self] {
        &[Profile::Current, Profile::Classic]
    }
    fn value(self) -> &'static str {
        self.as_str()
    }
    fn name(self) -> &'static str {
        match self {
            Profile::Current => "Current",
            Profile::Classic => "Classic",
        }
    }
    fn when(self) -> &'static str {
        self.when_to_pick()
    }
}

/// Whether `field` is shown as a radio group (its values are known as a [`Choice`]).
pub fn is_choice(field: Field) -> bool {
    matches!(field, Field::Profile)
}

/// The radio group of a field whose values are known as a [`Choice`], if it is one.
pub fn choice_view(field: Field) -> Option<AnyView> {
    match field {
        Field::Profile => Some(choice_field::<Profile>().into_any()),
        _ => None,
    }
}

/// A radio group for a [`Choice`] field, wired to the form (a choice is taken at once).
fn choice_field<C: Choice>() -> impl IntoView {
    let state = expect_context::<AppState>();
    let field = C::FIELD;
    let key = field.name();
    let options = C::choices()
        .iter()
        .map(|&choice| {
            let value = choice.value();
            view! {
                <label class="choice__option">
                    <input
                        type="radio"
                        name=key
                        id=format!("{key}-{value}")
                        value=value
                        prop:checked=move || state.form.with(|f| f.field(field) == value)
                        on:change=move |_| state.form.update(|f| f.set_field(field, value.to_owned()))
                    />
                    <span class="choice__text">
                        <span class="choice__name">{choice.name()}</span>
                        <span class="choice__when">{choice.when()}</span>
                    </span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="choice" id=key>
            <legend class="choice__legend">{field.label()}</legend>
            <p class="choice__help"><RichText text=field.help() /></p>
            <div class="choice__options">{options}</div>
        </fieldset>
    }
}
