//! Messages after a request: errors (`role="alert"`, announced at once) and confirmations
//! (`role="status"`, announced politely). Server text is always shown as text, never as HTML.

use leptos::prelude::*;

/// An error with what to do next.
#[component]
pub(crate) fn Alert(
    #[prop(into)] message: String,
    #[prop(optional, into)] next_step: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <p class="notice-title">{message}</p>
            {next_step.map(|n| view! { <p class="notice-detail">{n}</p> })}
            {children.map(|c| c())}
        </div>
    }
}

/// A confirmation or progress line.
#[component]
pub(crate) fn Status(#[prop(into)] message: String, #[prop(optional)] busy: bool) -> impl IntoView {
    view! {
        <div class="notice notice-ok" class:notice-busy=busy role="status">
            <p class="notice-title">{message}</p>
        </div>
    }
}
