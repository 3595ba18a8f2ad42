//! The editor's state and its words, apart from the views: where the form stands
//! ([`SaveState`]), where an error shows ([`Place`]), the edited values as signals ([`Edit`]),
//! and the sentences about a change (pending, saved, for the change log).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;
use ontap_model::{Comment, Known, Totp, TotpEdit, TotpPatch};

use crate::api::ApiError;

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
    /// The answer was lost and a re-read does not show the change yet, but the cluster may
    /// still carry it out until `until` (local time): Save stays off, and the profile is read
    /// again then.
    NotYet {
        error: ApiError,
        until: String,
    },
}

impl SaveState {
    /// True while the outcome of a sent write is not settled: nothing may be sent, and
    /// editing the fields does not clear the message.
    pub(crate) fn unsettled(&self) -> bool {
        matches!(
            self,
            SaveState::Saving
                | SaveState::Checking
                | SaveState::Unknown(_)
                | SaveState::NotYet { .. }
        )
    }
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
pub(crate) fn subject(t: &Totp) -> (String, String) {
    let account = t.account_name().unwrap_or("—").to_owned();
    let svm = t.owner_name().or(t.owner_uuid()).unwrap_or("—").to_owned();
    (account, svm)
}
/// The form's values and where it stands, as signals; `Copy`, so each part of the form gets it.
#[derive(Clone, Copy)]
pub(crate) struct Edit {
    /// The profile as last read from the cluster.
    pub(crate) loaded: RwSignal<Totp>,
    pub(crate) comment: RwSignal<String>,
    pub(crate) enabled: RwSignal<bool>,
    pub(crate) state: RwSignal<SaveState>,
    /// What Save would send: only the fields changed since `loaded`.
    pub(crate) patch: Memo<TotpPatch>,
    /// The values an answer (saved, failed) was about; editing away from them clears it.
    answered: RwSignal<Option<(String, bool)>>,
}

impl Edit {
    pub(crate) fn new(loaded: Totp) -> Edit {
        let start = TotpEdit::from_loaded(&loaded);
        let loaded = RwSignal::new(loaded);
        let comment = RwSignal::new(start.comment.as_str().to_owned());
        let enabled = RwSignal::new(start.enabled);
        let state = RwSignal::new(SaveState::Idle);
        let patch = Memo::new(move |_| {
            let e = edited(&comment.read(), enabled.get());
            loaded.with(|l| TotpPatch::between(l, &e))
        });
        let answered: RwSignal<Option<(String, bool)>> = RwSignal::new(None);
        Effect::new(move |_| {
            let now = (comment.get(), enabled.get());
            // An unsettled write's message stays whatever the edits: it is what keeps Save off.
            if answered.with_untracked(|a| a.as_ref().is_some_and(|a| *a != now))
                && !state.with_untracked(SaveState::unsettled)
            {
                answered.set(None);
                state.set(SaveState::Idle);
            }
        });
        Edit {
            loaded,
            comment,
            enabled,
            state,
            patch,
            answered,
        }
    }

    /// Shows an answer about the values on screen now.
    pub fn answer(&self, s: SaveState) {
        self.answered.set(Some((
            self.comment.get_untracked(),
            self.enabled.get_untracked(),
        )));
        self.state.set(s);
    }

    /// The values on screen, validated.
    pub fn edited(&self) -> TotpEdit {
        edited(&self.comment.get_untracked(), self.enabled.get_untracked())
    }

    /// Takes the cluster's version `now` as loaded and into the fields.
    pub(crate) fn take(&self, now: Totp) {
        let fresh = TotpEdit::from_loaded(&now);
        self.loaded.set(now);
        self.comment.set(fresh.comment.as_str().to_owned());
        self.enabled.set(fresh.enabled);
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

pub(crate) fn saved_message(p: &TotpPatch) -> String {
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
