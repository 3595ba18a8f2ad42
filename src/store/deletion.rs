//! Deleting one's own TOTP profile (ONTAP lets only the key's owner: ontap-model's
//! `reset::deletion`), for the profile page's delete and the rotation's first step: one DELETE,
//! logged, and a lost answer settled by reading the profile, never by deleting again.

use ontap_model::TotpKey;

use crate::api::{totps, ApiError, Client};
use crate::platform::mono_ms;
use crate::store::changelog::{Logged, Outcome};
use crate::store::writes::settle_lost_write;

/// How a DELETE ended.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Deleted {
    /// Deleted; `by_check`: the answer was lost and a re-read found the profile gone.
    Done { by_check: bool },
    /// Refused (nothing deleted).
    Refused(ApiError),
    /// The answer was lost and the profile is still there after the late window.
    NotApplied(ApiError),
    /// The answer was lost and the profile could not be read again.
    Unknown(ApiError),
}

/// Sends the DELETE (`sent` is told when it leaves, for a later "Check again") and settles a
/// lost answer; `logged` is the change log's entry, settled here (a refusal in the words of
/// `describe`: the views' `Explained`, a layer above).
pub(crate) async fn delete(
    client: &Client,
    key: &TotpKey,
    logged: Logged,
    describe: fn(&ApiError) -> String,
    sent: impl FnOnce(f64),
    waiting: impl Fn(Option<String>),
) -> Deleted {
    let sent_ms = mono_ms();
    sent(sent_ms);
    let out = match totps::delete(client, key).await {
        Ok(()) => Deleted::Done { by_check: false },
        Err(e) if e.outcome_unknown() => {
            logged.settle(Outcome::Unknown);
            settle(client, key, sent_ms, e, waiting).await
        }
        Err(e) => Deleted::Refused(e),
    };
    logged.settle(logged_as(&out, describe));
    out
}

/// Settles a lost DELETE answer by reading the profile: gone is done; still there is believed
/// only after the late window (`waiting` says until when).
pub(crate) async fn settle(
    client: &Client,
    key: &TotpKey,
    sent_ms: f64,
    lost: ApiError,
    waiting: impl Fn(Option<String>),
) -> Deleted {
    let read = || async {
        match totps::get(client, key).await {
            Ok(_) => Ok(false),
            Err(e) if gone(&e) => Ok(true),
            Err(e) => Err(e),
        }
    };
    match settle_lost_write(sent_ms, read, waiting).await {
        Ok(true) => Deleted::Done { by_check: true },
        Ok(false) => Deleted::NotApplied(lost),
        Err(_) => Deleted::Unknown(lost),
    }
}

/// The change log's word for how a DELETE ended.
fn logged_as(d: &Deleted, describe: fn(&ApiError) -> String) -> Outcome {
    match d {
        Deleted::Done { by_check: false } => Outcome::Saved,
        Deleted::Done { by_check: true } => Outcome::UnknownConfirmed,
        Deleted::Refused(e) => Outcome::Failed(describe(e)),
        Deleted::NotApplied(_) => Outcome::UnknownNotApplied,
        Deleted::Unknown(_) => Outcome::Unknown,
    }
}

/// True when an error means the profile is not (or no longer) there.
fn gone(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Ontap { status: 404, .. } | ApiError::Http { status: 404 }
    )
}
