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
//! - Every PATCH sent is recorded in the session's change log, with how it ended.
//!
//! The parts: the state and its words ([`super::edit`]), the requests ([`super::save`]), the
//! messages ([`super::messages`]), the save area ([`super::actions`]) and the preview.

use leptos::prelude::*;
use ontap_model::{Totp, TotpPatch};

use super::actions::SaveArea;
use super::edit::Edit;
pub use super::edit::{
    describe_change, edited, pending_summary, Backend, LocalFuture, Place, SaveState,
};
use super::messages::SaveMessages;
use super::review::{EditorEnv, Preview, Review};
use super::save::Sending;
use crate::components::Explained;
use crate::components::{CheckboxField, TextField};

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
    let edit = Edit::new(loaded);
    let Edit {
        loaded,
        comment,
        enabled,
        state,
        patch,
        ..
    } = edit;
    let sending = Sending::new(edit, backend, env.user.clone());
    let review = Memo::new(move |_| loaded.with(|l| patch.with(|p| Review::of(l, p, &env))));
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
        !patch.with(TotpPatch::is_empty) && !locked.get() && !state.with(SaveState::unsettled)
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

    let save = move || {
        if !can_save.get_untracked() {
            return;
        }
        if patch.with_untracked(|p| p.enabled == Some(false)) {
            state.set(SaveState::Confirming);
        } else {
            sending.verify_and_send.run(());
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save();
    };
    let save_button = NodeRef::<leptos::html::Button>::new();

    view! {
        <form class="editor" class:editor-asking=move || matches!(state.get(), SaveState::Confirming | SaveState::Conflict(_))
            on:submit=on_submit novalidate aria-labelledby="editor-title">
            // The section's heading, for screen readers: the preview's headings sit below it.
            <h2 id="editor-title" class="visually-hidden">"Change the profile"</h2>
            <SaveMessages state=state sending=sending />
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
            <SaveArea edit=edit sending=sending can_save=can_save busy=busy locked=locked save_button=save_button />
            <Preview review=review empty=Signal::derive(move || patch.with(TotpPatch::is_empty)) />
        </form>
    }
}
