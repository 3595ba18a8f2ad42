//! The TOTP profile editor form: Comment and Enabled, saved with one PATCH of what changed.
//!
//! The form talks to the cluster through a [`Backend`] (save a patch, re-read the profile), so
//! the component tests can drive it with a fake. Rules:
//! - Save is enabled only when the patch is not empty and no request is in flight; a click while
//!   one is in flight does nothing, so one click sends at most one PATCH.
//! - Success re-reads the profile and shows what the cluster now holds.
//! - An error is shown at the field the cluster named (or at the top) and the edits stay.
//! - A write whose outcome is unknown (timeout, dropped connection, 502/504) is followed by a
//!   re-read that tells whether it landed; it is never resent on its own.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::{Comment, Known, Totp, TotpEdit, TotpPatch};

use crate::api::ApiError;
use crate::components::{Alert, CheckboxField, Status, TextField};

pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// What the form needs from the cluster.
#[derive(Clone)]
pub struct Backend {
    pub save: Arc<dyn Fn(TotpPatch) -> LocalFuture<Result<(), ApiError>> + Send + Sync>,
    pub load: Arc<dyn Fn() -> LocalFuture<Result<Totp, ApiError>> + Send + Sync>,
}

/// Where an error belongs on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Comment,
    Enabled,
    Top,
}

impl Place {
    /// The field the cluster's error is about: its `target`, else what the code is about.
    pub fn of(error: &ApiError) -> Place {
        match error.field().as_deref() {
            Some("comment") => return Place::Comment,
            Some("enabled") => return Place::Enabled,
            _ => {}
        }
        match error.known() {
            Some(Known::OnlyAdminMayChangeStatus | Known::InvalidEnabled) => Place::Enabled,
            _ => Place::Top,
        }
    }
}

/// Where the form stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    Idle,
    Saving,
    /// The write's outcome is unknown; the profile is being re-read to find out.
    Checking,
    Saved(String),
    Failed(ApiError),
    /// The outcome could not be confirmed; Save stays off until a re-read succeeds.
    Unknown(ApiError),
}

/// The edited values, validated by the shared types. A comment has no documented rule, so
/// `CommentError` has no value and this cannot fail today; when a rule is documented, its
/// error shows at the Comment field through this function.
pub fn edited(comment: &str, enabled: bool) -> TotpEdit {
    let comment = match Comment::try_from(comment) {
        Ok(c) => c,
        Err(never) => match never {},
    };
    TotpEdit { comment, enabled }
}

#[component]
pub fn EditorForm(loaded: Totp, backend: Backend) -> impl IntoView {
    let start = TotpEdit::from_loaded(&loaded);
    let loaded = RwSignal::new(loaded);
    let comment = RwSignal::new(start.comment.as_str().to_owned());
    let enabled = RwSignal::new(start.enabled);
    let state = RwSignal::new(SaveState::Idle);

    let patch = Memo::new(move |_| {
        let e = edited(&comment.read(), enabled.get());
        loaded.with(|l| TotpPatch::between(l, &e))
    });
    let busy =
        Signal::derive(move || matches!(state.get(), SaveState::Saving | SaveState::Checking));
    let can_save = Signal::derive(move || {
        !patch.with(TotpPatch::is_empty)
            && !matches!(
                state.get(),
                SaveState::Saving | SaveState::Checking | SaveState::Unknown(_)
            )
    });

    // The values an answer (saved, failed) was about; editing away from them clears it.
    let answered: RwSignal<Option<(String, bool)>> = RwSignal::new(None);
    let answer = move |s: SaveState| {
        answered.set(Some((comment.get_untracked(), enabled.get_untracked())));
        state.set(s);
    };
    Effect::new(move |_| {
        let now = (comment.get(), enabled.get());
        if answered.with_untracked(|a| a.as_ref().is_some_and(|a| *a != now)) {
            answered.set(None);
            state.set(SaveState::Idle);
        }
    });

    let error_at = move |place: Place| {
        Signal::derive(move || match state.get() {
            SaveState::Failed(e) if Place::of(&e) == place => {
                let (m, n) = e.explain();
                Some(format!("{m} {n}"))
            }
            _ => None,
        })
    };

    let reread = {
        let backend = backend.clone();
        Callback::new(move |after: ApiError| {
            let backend = backend.clone();
            state.set(SaveState::Checking);
            spawn_local(async move {
                match (backend.load)().await {
                    Ok(now) => {
                        let e = edited(&comment.get_untracked(), enabled.get_untracked());
                        let landed = TotpPatch::between(&now, &e).is_empty();
                        loaded.set(now);
                        answer(if landed {
                            SaveState::Saved(
                                "Saved. The connection was interrupted, but re-reading the profile shows the change is on the cluster.".into(),
                            )
                        } else {
                            SaveState::Failed(after)
                        });
                    }
                    Err(_) => state.set(SaveState::Unknown(after)),
                }
            });
        })
    };

    let save = {
        let backend = backend.clone();
        move || {
            if !can_save.get_untracked() {
                return;
            }
            let p = patch.get_untracked();
            state.set(SaveState::Saving);
            let backend = backend.clone();
            spawn_local(async move {
                match (backend.save)(p.clone()).await {
                    Ok(()) => match (backend.load)().await {
                        Ok(now) => {
                            let fresh = TotpEdit::from_loaded(&now);
                            loaded.set(now);
                            comment.set(fresh.comment.as_str().to_owned());
                            enabled.set(fresh.enabled);
                            answer(SaveState::Saved(saved_message(&p)));
                        }
                        Err(_) => {
                            loaded.update(|l| p.apply_to(l));
                            answer(SaveState::Saved(format!(
                                "{} Re-reading the profile failed; reload to see the cluster's view.",
                                saved_message(&p)
                            )));
                        }
                    },
                    Err(e) if e.outcome_unknown() => reread.run(e),
                    Err(e) => answer(SaveState::Failed(e)),
                }
            });
        }
    };

    let check_again = move || {
        if let SaveState::Unknown(e) = state.get_untracked() {
            reread.run(e);
        }
    };

    let top = move || {
        match state.get() {
        SaveState::Idle => None,
        SaveState::Saving => Some(view! { <Status message="Saving…" busy=true /> }.into_any()),
        SaveState::Checking => Some(
            view! { <Status message="The answer was lost; checking whether the change was applied…" busy=true /> }
                .into_any(),
        ),
        SaveState::Saved(m) => Some(view! { <Status message=m /> }.into_any()),
        SaveState::Failed(e) if Place::of(&e) == Place::Top => {
            let (m, n) = e.explain();
            Some(view! { <Alert message=m next_step=n /> }.into_any())
        }
        SaveState::Failed(_) => Some(
            view! { <Alert message="The change was not saved; see the field below. Your edits are kept." /> }
                .into_any(),
        ),
        SaveState::Unknown(e) => {
            let (m, _) = e.explain();
            Some(
                view! {
                    <Alert
                        message=format!("{m} It is not known whether the change was applied.")
                        next_step="Your edits are kept. Check again before saving, so the change is not sent twice."
                    >
                        <button type="button" class="button" on:click=move |_| check_again()>"Check again"</button>
                    </Alert>
                }
                .into_any(),
            )
        }
    }
    };

    let on_submit = {
        let save = save.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save();
        }
    };

    view! {
        <form class="editor" on:submit=on_submit novalidate>
            <div class="editor-messages">{top}</div>
            <TextField
                id="comment"
                label="Comment"
                value=comment
                error=error_at(Place::Comment)
                hint="Free text shown with the profile, for example the device or the ticket."
                disabled=busy
            />
            <CheckboxField
                id="enabled"
                label="Enabled"
                value=enabled
                error=error_at(Place::Enabled)
                hint="When off, SSH no longer asks this account for a code: this is how a user who lost their authenticator is reset, and they then enroll again."
                disabled=busy
            />
            <p class="editor-pending" aria-live="polite">{move || pending_summary(&patch.get())}</p>
            <div class="actions">
                <button type="submit" class="button button-primary" disabled=move || !can_save.get()>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
                <button
                    type="button"
                    class="button"
                    disabled=move || patch.with(TotpPatch::is_empty) || busy.get()
                    on:click=move |_| {
                        let l = TotpEdit::from_loaded(&loaded.get_untracked());
                        comment.set(l.comment.as_str().to_owned());
                        enabled.set(l.enabled);
                    }
                >
                    "Undo changes"
                </button>
            </div>
        </form>
    }
}

/// "Changes: comment, enabled → off." or "No unsaved changes."
pub fn pending_summary(p: &TotpPatch) -> String {
    if p.is_empty() {
        return "No unsaved changes.".into();
    }
    let mut parts = Vec::new();
    if let Some(c) = &p.comment {
        parts.push(if c.is_empty() {
            "clear the comment".to_owned()
        } else {
            "change the comment".to_owned()
        });
    }
    if let Some(e) = p.enabled {
        parts.push(if e {
            "enable the profile".to_owned()
        } else {
            "disable the profile".to_owned()
        });
    }
    format!("Unsaved: {}.", parts.join(" and "))
}

fn saved_message(p: &TotpPatch) -> String {
    match (p.comment.is_some(), p.enabled) {
        (true, None) => "Saved: the comment was changed.".into(),
        (false, Some(true)) => "Saved: the profile is enabled.".into(),
        (false, Some(false)) => "Saved: the profile is disabled.".into(),
        (true, Some(true)) => "Saved: the comment was changed and the profile is enabled.".into(),
        (true, Some(false)) => "Saved: the comment was changed and the profile is disabled.".into(),
        (false, None) => "Saved.".into(),
    }
}
