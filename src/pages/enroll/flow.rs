//! Where the enrollment stands and the signals its views share: one `Copy` context handed to
//! each step, so no view takes a long list of signals, and one place that wipes the flow.

use std::sync::Arc;

use leptos::prelude::*;
use zeroize::Zeroize;

use super::check::CodeCheck;
use super::guard;
use super::secret::Enrolled;
use crate::api::ApiError;

/// Where the flow stands.
#[derive(Clone)]
pub(crate) enum Stage {
    /// Reading whether the account already has a profile.
    Checking,
    CheckFailed(ApiError),
    /// A session without an account name (a token without a user claim).
    NoAccount,
    /// Asked to enroll another account: ONTAP allows only self-enrollment.
    OtherAccount(String),
    /// The account already has an enabled profile.
    Existing,
    /// "Rotate my key": the question (or the CLI steps from 9.19.1), then its DELETE, whose
    /// lost answer waits `until` the late window ends; then it failed or is not known.
    Rotate,
    RotateDeleting {
        until: Option<String>,
    },
    RotateNotDeleted(ApiError),
    RotateUnknown(ApiError),
    /// The explanation and the comment; `replaces` when a disabled profile exists.
    Intro {
        replaces: bool,
        /// The browser's clock minus the cluster's (from the check's `Date`), in seconds.
        skew: Option<i64>,
    },
    Posting,
    /// The POST's answer was lost and a profile exists now: its secret cannot be shown again.
    Lost,
    /// The POST's answer was lost and no profile shows yet, but the cluster may still create
    /// it until `until` (local time): read again then. Nothing is sent meanwhile.
    Unsettled {
        until: String,
    },
    /// The POST's answer was lost, and read after the cluster could no longer act on it, the
    /// account has no profile: nothing was created. The POST is not offered again from here.
    NotCreated,
    /// The secret is on screen. One `Enrolled` shared by every clone of the stage: it is
    /// wiped when the last one goes (the signal's value and any view still holding it).
    Enrolled(Arc<Enrolled>),
    Done,
    /// The user stopped before finishing.
    Stopped,
}

impl Stage {
    /// The stages during which leaving asks first.
    pub(crate) fn holds_secret(&self) -> bool {
        matches!(self, Stage::Enrolled(_))
    }
}

/// The flow's signals. Leaving the page or signing out disposes them (the `Arc<Enrolled>` with
/// them: its `Drop` wipes the strings).
#[derive(Clone, Copy)]
pub(crate) struct Flow {
    pub(crate) stage: RwSignal<Stage>,
    /// The optional comment of the profile.
    pub(crate) comment: RwSignal<String>,
    /// Why the POST failed, shown under the form (or on the lost-answer screen).
    pub(crate) post_error: RwSignal<Option<ApiError>>,
    /// The code typed from the app, its error, and the verdict on it.
    pub code: RwSignal<String>,
    pub(crate) code_error: RwSignal<Option<String>>,
    pub(crate) verified: RwSignal<Option<CodeCheck>>,
    /// "I have saved my emergency codes", and its error.
    pub(crate) saved: RwSignal<bool>,
    pub(crate) saved_error: RwSignal<Option<String>>,
    /// When the rotation deleted the old key (local time): the account has no profile until
    /// the new one is created, and every screen after says so.
    pub(crate) rotated: RwSignal<Option<String>>,
    /// When the rotation's DELETE left (`performance.now()`), for "Check again".
    pub(crate) sent: StoredValue<f64>,
}

impl Flow {
    /// A flow that is checking the account, owned by the current reactive owner.
    pub(crate) fn new() -> Flow {
        Flow {
            stage: RwSignal::new(Stage::Checking),
            comment: RwSignal::new(String::new()),
            post_error: RwSignal::new(None),
            code: RwSignal::new(String::new()),
            code_error: RwSignal::new(None),
            verified: RwSignal::new(None),
            saved: RwSignal::new(false),
            saved_error: RwSignal::new(None),
            rotated: RwSignal::new(None),
            sent: StoredValue::new(0.0),
        }
    }

    /// Ends the flow at `next`: the guard off, the secret dropped with the stage (its last
    /// `Arc`, wiped by `Drop`), the typed code overwritten and the check forgotten.
    pub(crate) fn wipe_all(&self, next: Stage) {
        guard::set_active(false);
        self.stage.set(next);
        self.code.update(|c| c.zeroize());
        self.code_error.set(None);
        self.verified.set(None);
        self.saved.set(false);
        self.saved_error.set(None);
    }
}
