//! The note shown while a read waits to try again ([`crate::api::retry`]): which failure, when
//! the next attempt comes, how many are left. It goes away when the read ends.

use std::rc::Rc;

use leptos::prelude::*;

use crate::api::retry;

#[component]
pub fn RetryNote() -> impl IntoView {
    let note: RwSignal<Option<String>> = RwSignal::new(None);
    retry::set_listener(Some(Rc::new(move |n: Option<retry::Notice>| {
        if !note.is_disposed() {
            note.set(n.map(|n| n.message()));
        }
    })));
    on_cleanup(|| retry::set_listener(None));
    view! {
        <div class="retry-note" aria-live="polite">
            {move || note.get().map(|m| view! {
                <p class="notice notice-busy retrying" role="status"><span class="notice-title">{m}</span></p>
            })}
        </div>
    }
}
