//! What is typed into an input before it is judged: a draft, handed over when the user is done
//! with it (the input loses focus, Enter, a pause in typing), so a value is checked once it is
//! entered, not at its first key. Shared by the settings fields and the certificate inputs.

use leptos::prelude::*;
use leptos::task::spawn_local;

/// How long typing must pause before a value is judged.
pub const PAUSE_MS: u32 = 800;

/// The draft of one input (see [`use_draft`]).
#[derive(Clone, Copy)]
pub struct Draft {
    text: RwSignal<Option<String>>,
    /// Each keystroke starts a pause timer; only the latest one may hand the draft over.
    typed: StoredValue<u64>,
    hand_over: Callback<String>,
}

/// A draft for an input whose finished value goes to `hand_over`.
pub fn use_draft(hand_over: impl Fn(String) + Send + Sync + 'static) -> Draft {
    Draft {
        text: RwSignal::new(None),
        typed: StoredValue::new(0),
        hand_over: Callback::new(hand_over),
    }
}

impl Draft {
    /// What the input shows: the draft while there is one, else the value handed over.
    pub fn shown(self, handed_over: impl FnOnce() -> String) -> String {
        self.text.get().unwrap_or_else(handed_over)
    }

    /// A keystroke: keep the text as the draft, and hand it over if typing pauses.
    pub fn typed(self, text: String) {
        self.text.set(Some(text));
        let mine = self.typed.get_value().wrapping_add(1);
        self.typed.set_value(mine);
        spawn_local(async move {
            gloo::timers::future::TimeoutFuture::new(PAUSE_MS).await;
            if self.typed.try_get_value() == Some(mine) {
                self.commit();
            }
        });
    }

    /// The user is done (blur, Enter): hand the draft over, if there is one.
    pub fn commit(self) {
        if let Some(text) = self.text.get_untracked() {
            self.hand_over.run(text);
            self.text.set(None);
        }
    }

    /// The value was handed over another way (files loaded): the draft is forgotten.
    pub fn discard(self) {
        self.text.set(None);
    }

    /// A whole value at once (a paste, a file): no draft, handed over now.
    pub fn replace(self, text: String) {
        self.text.set(None);
        self.hand_over.run(text);
    }
}
