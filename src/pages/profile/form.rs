//! The TOTP profile editor form: Comment and Enabled, saved with one PATCH of what changed.
//!
//! The form talks to the cluster through a [`Backend`] (save a patch, re-read the profile), so
//! the component tests can drive it with a fake. Rules:
//! - Save is enabled only when the patch is not empty and no request is in flight; a click while
//!   one is in flight does nothing, so one click sends at most one PATCH.
//! - Before saving, the preview shows exactly what will be sent (method, path, JSON body), the
//!   equivalent CLI command and curl line ([`super::review`]).
//! - Disabling asks first, inline: nothing is sent until "Disable and save".
//! - Right before the PATCH, the profile is re-read: if its comment or enabled changed on the
//!   cluster since it was loaded, nothing is sent; both versions are shown and the user keeps
//!   theirs (then it is sent) or takes the cluster's (the form reloads with it).
//! - Success re-reads the profile and shows what the cluster now holds.
//! - An error is shown at the field the cluster named (or at the top) and the edits stay.
//! - A write whose outcome is unknown (timeout, dropped connection, 502/504) is followed by a
//!   re-read that tells whether it landed; it is never resent on its own.
//! - Every PATCH sent is recorded in the session's [`ChangeLog`], with how it ended.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::{Comment, Known, Totp, TotpEdit, TotpPatch};

use super::review::{ConflictView, DisableConfirm, EditorEnv, Preview, Review};
use crate::api::ApiError;
use crate::components::Explained;
use crate::components::{Alert, CheckboxField, Status, TextField};
use crate::store::changelog::{ChangeLog, Outcome};

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
    /// Disabling was asked for; waiting for "Disable and save" or "Cancel".
    Confirming,
    /// Re-reading the profile right before sending, to catch changes made meanwhile.
    Verifying,
    /// The profile changed on the cluster since it was loaded: its version now.
    Conflict(Totp),
    Saving,
    /// The write's outcome is unknown; the profile is being re-read to find out.
    Checking,
    Saved(String),
    /// A note that needs no action ("the form shows the cluster's version").
    Note(String),
    Failed(ApiError),
    /// The re-read before sending failed: nothing was sent.
    NotSent(ApiError),
    /// The outcome could not be confirmed; Save stays off until a re-read succeeds.
    Unknown(ApiError),
    /// The answer was lost, and the re-read shows the change is not on the cluster: nothing
    /// was applied; the edits are kept and Save sends them again when the user asks.
    NotApplied(ApiError),
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

/// The account and SVM a change is about, as the change log names them.
fn subject(t: &Totp) -> (String, String) {
    let account = t.account_name().unwrap_or("—").to_owned();
    let svm = t.owner_name().or(t.owner_uuid()).unwrap_or("—").to_owned();
    (account, svm)
}
#[component]
pub fn EditorForm(
    loaded: Totp,
    backend: Backend,
    /// Who is signed in and where the cluster answers, for the curl line.
    #[prop(optional)]
    env: EditorEnv,
    /// Set while the form is busy or asks a question (a confirmation, a conflict), so that the
    /// page can hold its other actions (the Delete button) meanwhile.
    #[prop(optional)]
    holding: Option<RwSignal<bool>>,
) -> impl IntoView {
    let start = TotpEdit::from_loaded(&loaded);
    let loaded = RwSignal::new(loaded);
    let comment = RwSignal::new(start.comment.as_str().to_owned());
    let enabled = RwSignal::new(start.enabled);
    let state = RwSignal::new(SaveState::Idle);
    let log = ChangeLog::from_ctx();
    let user = env.user.clone();
    // The change-log entry of the PATCH in flight or whose outcome is being checked.
    let entry: RwSignal<Option<u64>> = RwSignal::new(None);
    let settle = move |o: Outcome| {
        if let (Some(log), Some(id)) = (log, entry.get_untracked()) {
            log.settle(id, o);
        }
    };

    let patch = Memo::new(move |_| {
        let e = edited(&comment.read(), enabled.get());
        loaded.with(|l| TotpPatch::between(l, &e))
    });
    let review = {
        let env = env.clone();
        Memo::new(move |_| loaded.with(|l| patch.with(|p| Review::of(l, p, &env))))
    };
    let busy = Signal::derive(move || {
        matches!(
            state.get(),
            SaveState::Saving | SaveState::Checking | SaveState::Verifying
        )
    });
    // While a question is open (confirm, conflict) the fields hold still.
    let locked = Signal::derive(move || {
        busy.get() || matches!(state.get(), SaveState::Confirming | SaveState::Conflict(_))
    });
    if let Some(holding) = holding {
        Effect::new(move |_| holding.set(locked.get()));
    }
    // The session's role may forbid changing the status (session::EditRights): the switch is
    // then off, with the reason as its hint.
    let rights = crate::session::EditRights::current();
    let status_locked = rights.status_locked.is_some();
    let status_hint = rights.status_locked.unwrap_or_else(|| {
        "When off, SSH no longer asks this account for a code: this is how a user who lost their authenticator is reset, and they then enroll again.".to_owned()
    });
    let can_save = Signal::derive(move || {
        !patch.with(TotpPatch::is_empty)
            && !locked.get()
            && !matches!(state.get(), SaveState::Unknown(_))
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
                let Explained {
                    message: m,
                    next_step: n,
                } = Explained::from(&e);
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
                let reread = (backend.load)().await;
                // The user may have left the editor meanwhile: its signals are gone.
                if state.is_disposed() {
                    return;
                }
                match reread {
                    Ok(now) => {
                        let e = edited(&comment.get_untracked(), enabled.get_untracked());
                        let landed = TotpPatch::between(&now, &e).is_empty();
                        loaded.set(now);
                        if landed {
                            settle(Outcome::UnknownConfirmed);
                            answer(SaveState::Saved(
                                "Saved. The connection was interrupted, but re-reading the profile shows the change is on the cluster.".into(),
                            ));
                        } else {
                            settle(Outcome::UnknownNotApplied);
                            answer(SaveState::NotApplied(after));
                        }
                    }
                    Err(_) => state.set(SaveState::Unknown(after)),
                }
            });
        })
    };

    // Sends `p` (one PATCH), records it, and reports how it ended.
    let send = {
        let backend = backend.clone();
        let user = user.clone();
        Callback::new(move |p: TotpPatch| {
            state.set(SaveState::Saving);
            let what = loaded.with_untracked(|l| describe_change(l, &p));
            let id = log.map(|log| {
                let (account, svm) = loaded.with_untracked(subject);
                log.record(&user, &account, &svm, &what)
            });
            entry.set(id);
            // The log outlives the editor: a change is settled even if the user left meanwhile.
            let settle_sent = move |o: Outcome| {
                if let (Some(log), Some(id)) = (log, id) {
                    log.settle(id, o);
                }
            };
            let backend = backend.clone();
            spawn_local(async move {
                let result = (backend.save)(p.clone()).await;
                match &result {
                    Ok(()) => settle_sent(Outcome::Saved),
                    Err(e) if e.outcome_unknown() => settle_sent(Outcome::Unknown),
                    Err(e) => settle_sent(Outcome::Failed(Explained::from(e).message)),
                }
                if state.is_disposed() {
                    return;
                }
                match result {
                    Ok(()) => {
                        let reread = (backend.load)().await;
                        if state.is_disposed() {
                            return;
                        }
                        match reread {
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
                        }
                    }
                    Err(e) if e.outcome_unknown() => reread.run(e),
                    Err(e) => answer(SaveState::Failed(e)),
                }
            });
        })
    };

    // Re-reads the profile; sends the patch only if nobody changed it meanwhile.
    let verify_and_send = {
        let backend = backend.clone();
        Callback::new(move |()| {
            let p = patch.get_untracked();
            if p.is_empty() {
                return;
            }
            state.set(SaveState::Verifying);
            let backend = backend.clone();
            spawn_local(async move {
                let reread = (backend.load)().await;
                if state.is_disposed() {
                    return;
                }
                match reread {
                    Ok(now) => {
                        let before = loaded.with_untracked(TotpEdit::from_loaded);
                        if TotpEdit::from_loaded(&now) != before {
                            state.set(SaveState::Conflict(now));
                        } else {
                            send.run(p);
                        }
                    }
                    Err(e) => answer(SaveState::NotSent(e)),
                }
            });
        })
    };

    let save = move || {
        if !can_save.get_untracked() {
            return;
        }
        if patch.with_untracked(|p| p.enabled == Some(false)) {
            state.set(SaveState::Confirming);
        } else {
            verify_and_send.run(());
        }
    };

    let confirm = Callback::new(move |()| {
        if state.get_untracked() == SaveState::Confirming {
            verify_and_send.run(());
        }
    });
    let save_button = NodeRef::<leptos::html::Button>::new();
    let cancel = Callback::new(move |()| {
        if state.get_untracked() == SaveState::Confirming {
            state.set(SaveState::Idle);
            // Back to where the question came from, once Save is enabled again.
            request_animation_frame(move || {
                if let Some(b) = save_button.get_untracked() {
                    let _ = b.focus();
                }
            });
        }
    });
    let keep_mine = Callback::new(move |()| {
        let SaveState::Conflict(now) = state.get_untracked() else {
            return;
        };
        loaded.set(now);
        let p = patch.get_untracked();
        if p.is_empty() {
            answer(SaveState::Saved(
                "The cluster already holds your version; nothing was sent.".into(),
            ));
        } else {
            send.run(p);
        }
    });
    let use_theirs = Callback::new(move |()| {
        let SaveState::Conflict(now) = state.get_untracked() else {
            return;
        };
        let fresh = TotpEdit::from_loaded(&now);
        loaded.set(now);
        comment.set(fresh.comment.as_str().to_owned());
        enabled.set(fresh.enabled);
        answer(SaveState::Note(
            "The form now shows the cluster's version. Nothing was sent.".into(),
        ));
    });

    let check_again = move || {
        if let SaveState::Unknown(e) = state.get_untracked() {
            reread.run(e);
        }
    };

    let top = move || {
        match state.get() {
        SaveState::Idle | SaveState::Confirming | SaveState::Conflict(_) => None,
        SaveState::Verifying => Some(
            view! { <Status message="Checking that the profile did not change on the cluster…" busy=true /> }
                .into_any(),
        ),
        SaveState::Saving => Some(view! { <Status message="Saving…" busy=true /> }.into_any()),
        SaveState::Checking => Some(
            view! { <Status message="The answer was lost; checking whether the change was applied…" busy=true /> }
                .into_any(),
        ),
        SaveState::Saved(m) | SaveState::Note(m) => Some(view! { <Status message=m /> }.into_any()),
        SaveState::Failed(e) if Place::of(&e) == Place::Top => {
            let Explained { message: m, next_step: n } = Explained::from(&e);
            Some(view! { <Alert message=m next_step=n /> }.into_any())
        }
        SaveState::Failed(_) => Some(
            view! { <Alert message="The change was not saved; see the field below. Your edits are kept." /> }
                .into_any(),
        ),
        SaveState::NotSent(e) => {
            let Explained { message: m, next_step: n } = Explained::from(&e);
            Some(
                view! {
                    <Alert
                        message=format!("Nothing was sent: the profile could not be re-read to check for changes made meanwhile. {m}")
                        next_step=format!("{n} Your edits are kept.")
                    />
                }
                .into_any(),
            )
        }
        SaveState::NotApplied(e) => {
            let Explained { message: m, next_step: n } = Explained::from(&e);
            Some(
                view! {
                    <Alert
                        message=format!("Not saved: {m} Re-reading the profile shows the change was not applied.")
                        next_step=format!("{n} Your edits are kept; Save sends them again.")
                    />
                }
                .into_any(),
            )
        }
        SaveState::Unknown(e) => {
            let m = Explained::from(&e).message;
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

    let question = move || match state.get() {
        SaveState::Confirming => {
            let account = loaded.with_untracked(subject).0;
            Some(
                view! { <DisableConfirm account=account on_confirm=confirm on_cancel=cancel /> }
                    .into_any(),
            )
        }
        SaveState::Conflict(now) => {
            let mine = edited(&comment.get_untracked(), enabled.get_untracked());
            let keeps_disable = !mine.enabled && now.enabled == Some(true);
            Some(
                view! {
                    <ConflictView
                        mine=mine
                        theirs=now
                        keeps_disable=keeps_disable
                        on_keep=keep_mine
                        on_use_theirs=use_theirs
                    />
                }
                .into_any(),
            )
        }
        _ => None,
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save();
    };

    view! {
        <form class="editor" class:editor-asking=move || matches!(state.get(), SaveState::Confirming | SaveState::Conflict(_))
            on:submit=on_submit novalidate aria-labelledby="editor-title">
            // The section's heading, for screen readers: the preview's headings sit below it.
            <h2 id="editor-title" class="visually-hidden">"Change the profile"</h2>
            <div class="editor-messages">{top}</div>
            <TextField
                id="comment"
                label="Comment"
                value=comment
                error=error_at(Place::Comment)
                hint="Free text shown with the profile, for example the device or the ticket."
                disabled=locked
            />
            <CheckboxField
                id="enabled"
                label="Enabled"
                value=enabled
                error=error_at(Place::Enabled)
                hint=status_hint
                disabled=Signal::derive(move || locked.get() || status_locked)
            />
            <p class="editor-pending" aria-live="polite">{move || pending_summary(&patch.get())}</p>
            <div class="actions">
                <button
                    type="submit"
                    class="button button-primary"
                    node_ref=save_button
                    disabled=move || !can_save.get()
                >
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
                <button
                    type="button"
                    class="button"
                    disabled=move || patch.with(TotpPatch::is_empty) || locked.get()
                    on:click=move |_| {
                        let l = TotpEdit::from_loaded(&loaded.get_untracked());
                        comment.set(l.comment.as_str().to_owned());
                        enabled.set(l.enabled);
                    }
                >
                    "Undo changes"
                </button>
            </div>
            {question}
            <Preview review=review empty=Signal::derive(move || patch.with(TotpPatch::is_empty)) />
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

/// What a change does, for the change log: `comment “laptop” → “phone”; enabled yes → no`.
pub fn describe_change(loaded: &Totp, p: &TotpPatch) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &p.comment {
        parts.push(format!(
            "comment “{}” → “{}”",
            loaded.comment.as_deref().unwrap_or(""),
            c.as_str()
        ));
    }
    if let Some(e) = p.enabled {
        let yn = |b: bool| if b { "yes" } else { "no" };
        parts.push(format!(
            "enabled {} → {}",
            loaded.enabled.map(yn).unwrap_or("unknown"),
            yn(e)
        ));
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join("; ")
    }
}
