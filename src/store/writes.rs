//! Writes belong to the shell, not to the view that sends them: an action made here lives under
//! the signed-in page's reactive owner, so leaving a view while its PATCH or DELETE is on its
//! way never turns a sent write into a lost answer (the action's future runs to the end and
//! its effects on the store happen). Reads, by contrast, are the view's and are aborted with it
//! (`SessionCtx::view_client`).

use std::future::Future;

use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;

/// The shell's owner, in the context (provided by the shell).
#[derive(Clone)]
pub(crate) struct Writes {
    // Weak: a strong owner in its own context would keep the shell alive after sign-out.
    owner: WeakOwner,
}

impl Writes {
    /// Captures the current owner (the shell's) for the writes of every view below it.
    pub(crate) fn provide() {
        if let Some(owner) = Owner::current() {
            provide_context(Writes {
                owner: owner.downgrade(),
            });
        }
    }
}

/// Runs `f` under the shell's owner when there is one (else the current one): what it creates
/// outlives the page that started it, so leaving a page never abandons half a change.
pub(crate) fn under_shell<T>(f: impl FnOnce() -> T) -> T {
    match use_context::<Writes>().and_then(|w| w.owner.upgrade()) {
        Some(o) => o.with(f),
        None => f(),
    }
}

/// An [`Action`] for a write, created under the shell's owner when there is one (component
/// tests mount views alone: then under the current one). Dispatch it with `dispatch_local`.
pub(crate) fn write_action<I, O, F, Fu>(f: F) -> Action<I, O>
where
    I: 'static,
    O: 'static,
    F: Fn(&I) -> Fu + 'static,
    Fu: Future<Output = O> + 'static,
{
    under_shell(|| Action::new_local(f))
}

/// Settles a write whose answer was lost (sent at `sent_ms`, `performance.now()`) by reading,
/// never by sending again: `read` says whether the change is on the cluster. A read without
/// the change is believed only once the write can no longer land (`api::timing`'s late window):
/// until then `waiting` is told until when (local `HH:MM:SS`), and the read is repeated then.
/// `Ok(true)`: applied; `Ok(false)`: not applied; `Err`: a read failed, the outcome is unknown.
pub(crate) async fn settle_lost_write<F, Fut>(
    sent_ms: f64,
    mut read: F,
    waiting: impl Fn(Option<String>),
) -> Result<bool, crate::api::ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, crate::api::ApiError>>,
{
    use crate::api::timing::{settle_lost, Lost};
    loop {
        let applied = match read().await {
            Ok(a) => a,
            Err(e) => {
                waiting(None);
                return Err(e);
            }
        };
        match settle_lost(applied, sent_ms) {
            Lost::Applied => {
                waiting(None);
                return Ok(true);
            }
            Lost::NotApplied => {
                waiting(None);
                return Ok(false);
            }
            Lost::NotYet { wait_ms } => {
                waiting(Some(crate::platform::local_hms_in(wait_ms)));
                crate::platform::sleep_ms(wait_ms.ceil() as u32 + 50).await;
            }
        }
    }
}
