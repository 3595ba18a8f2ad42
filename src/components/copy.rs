//! A "Copy" button that puts a text on the clipboard (`navigator.clipboard.writeText`) and says
//! whether it worked, in a live region next to it. A plain `<button>`: Enter and Space work.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// How long "Copied" stays before the feedback clears.
const FEEDBACK_MS: u32 = 2500;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Feedback {
    None,
    Copied,
    Failed,
}

#[component]
pub(crate) fn CopyButton(
    /// The text to copy, read at the moment of the click.
    #[prop(into)]
    text: Signal<String>,
    /// The button's accessible name, e.g. "Copy the curl line".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let feedback = RwSignal::new(Feedback::None);
    let clicks = RwSignal::new(0u32);
    let on_click = move |_| {
        let t = text.get_untracked();
        let n = clicks.get_untracked() + 1;
        clicks.set(n);
        spawn_local(async move {
            let ok = copy_text(&t).await;
            // The button may be gone by now (the preview re-renders as the form changes):
            // its signals are then disposed, and `try_` does nothing instead of panicking.
            feedback.try_set(if ok {
                Feedback::Copied
            } else {
                Feedback::Failed
            });
            crate::platform::sleep_ms(FEEDBACK_MS).await;
            // A later click owns the feedback now.
            if ok && clicks.try_get_untracked() == Some(n) {
                feedback.try_set(Feedback::None);
            }
        });
    };
    view! {
        <span class="copy">
            <button type="button" class="button button-small" aria-label=label on:click=on_click>
                "Copy"
            </button>
            <span
                class="copy-feedback"
                class:copy-failed=move || feedback.get() == Feedback::Failed
                role="status"
            >
                {move || match feedback.get() {
                    Feedback::None => "",
                    Feedback::Copied => "Copied",
                    Feedback::Failed => "Could not copy: select the text and copy it by hand.",
                }}
            </span>
        </span>
    }
}

/// Writes `text` to the clipboard; false when the browser has no clipboard API here (an
/// insecure origin) or refuses.
pub(crate) async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}
