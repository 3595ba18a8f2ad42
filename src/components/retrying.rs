//! The note shown while a read waits to try again (the api's retry loop, reported through the
//! session's [`crate::session::Reports`]): which failure, when the next attempt comes, how many
//! are left. It goes away when the read ends.

use leptos::prelude::*;

use super::explain::retry_note;
use crate::session::SessionCtx;

#[component]
pub(crate) fn RetryNote() -> impl IntoView {
    let reports = SessionCtx::use_ctx().reports;
    let note = move || reports.latest_notice().map(|n| retry_note(&n));
    view! {
        <div class="retry-note" aria-live="polite">
            {move || note().map(|m| view! {
                <p class="notice notice-busy retrying" role="status"><span class="notice-title">{m}</span></p>
            })}
        </div>
    }
}
