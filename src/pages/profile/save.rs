//! How the editor sends a change: re-read the profile first and send only if nobody changed it
//! meanwhile, send one PATCH and record it in the change log, and settle a lost answer by
//! re-reading (never by sending again).

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::{Totp, TotpEdit, TotpPatch};

use super::edit::{describe_change, saved_message, subject, Backend, Edit, SaveState};
use crate::api::ApiError;
use crate::components::Explained;
use crate::store::changelog::{ChangeLog, Outcome};
use crate::store::writes::write_action;

/// Re-reads the profile and hands the answer to `then`, unless the user left the editor
/// meanwhile (its signals, `state` among them, are then gone).
fn reread_then(
    backend: &Backend,
    state: RwSignal<SaveState>,
    then: impl FnOnce(Result<Totp, ApiError>) + 'static,
) {
    let load = backend.load.clone();
    spawn_local(async move {
        let reread = load().await;
        if !state.is_disposed() {
            then(reread);
        }
    });
}

/// The editor's requests, as callbacks the form's parts share.
#[derive(Clone, Copy)]
pub(crate) struct Sending {
    /// Re-reads the profile after a write whose answer was lost (the error), to tell whether
    /// it landed.
    pub(crate) reread: Callback<ApiError>,
    /// Sends one PATCH, records it, and reports how it ended.
    pub(crate) send: Callback<TotpPatch>,
    /// Re-reads the profile; sends the patch only if nobody changed it meanwhile.
    pub(crate) verify_and_send: Callback<()>,
}

impl Sending {
    /// `user`: who is signed in, for the change log.
    pub fn new(edit: Edit, backend: Backend, user: String) -> Sending {
        let Edit {
            loaded,
            state,
            patch,
            ..
        } = edit;
        let answer = move |s: SaveState| edit.answer(s);
        let log = ChangeLog::from_ctx();
        // The change-log entry of the PATCH in flight or whose outcome is being checked.
        let entry: RwSignal<Option<u64>> = RwSignal::new(None);
        let settle = move |o: Outcome| {
            if let (Some(log), Some(id)) = (log, entry.get_untracked()) {
                log.settle(id, o);
            }
        };

        let reread = {
            let backend = backend.clone();
            Callback::new(move |after: ApiError| {
                state.set(SaveState::Checking);
                reread_then(&backend, state, move |reread| match reread {
                    Ok(now) => {
                        let e = edit.edited();
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
                });
            })
        };

        // The PATCH is a write: an action of the shell, so that leaving the editor while it is
        // on its way still settles its change-log entry. What the editor shows follows below.
        let write = {
            let backend = backend.clone();
            write_action(move |(p, id): &(TotpPatch, Option<u64>)| {
                let (p, id, save) = (p.clone(), *id, backend.save.clone());
                async move {
                    let result = save(p.clone()).await;
                    if let (Some(log), Some(id)) = (log, id) {
                        log.settle(
                            id,
                            match &result {
                                Ok(()) => Outcome::Saved,
                                Err(e) if e.outcome_unknown() => Outcome::Unknown,
                                Err(e) => Outcome::Failed(Explained::from(e).message),
                            },
                        );
                    }
                    (p, result)
                }
            })
        };
        {
            let backend = backend.clone();
            Effect::new(move |_| {
                let Some((p, result)) = write.value().get() else {
                    return;
                };
                match result {
                    Ok(()) => reread_then(&backend, state, move |reread| match reread {
                        Ok(now) => {
                            edit.take(now);
                            answer(SaveState::Saved(saved_message(&p)));
                        }
                        Err(_) => {
                            loaded.update(|l| p.apply_to(l));
                            answer(SaveState::Saved(format!(
                                "{} Re-reading the profile failed; reload to see the cluster's view.",
                                saved_message(&p)
                            )));
                        }
                    }),
                    Err(e) if e.outcome_unknown() => reread.run(e),
                    Err(e) => answer(SaveState::Failed(e)),
                }
            });
        }

        // Sends `p` (one PATCH), records it, and reports how it ended.
        let send = {
            let user = user.clone();
            Callback::new(move |p: TotpPatch| {
                // One PATCH per Save, whatever the clicks.
                if write.pending().get_untracked() {
                    return;
                }
                state.set(SaveState::Saving);
                let what = loaded.with_untracked(|l| describe_change(l, &p));
                let id = log.map(|log| {
                    let (account, svm) = loaded.with_untracked(subject);
                    log.record(&user, &account, &svm, &what)
                });
                entry.set(id);
                write.dispatch_local((p, id));
            })
        };

        let verify_and_send = {
            let backend = backend.clone();
            Callback::new(move |()| {
                let p = patch.get_untracked();
                if p.is_empty() {
                    return;
                }
                state.set(SaveState::Verifying);
                reread_then(&backend, state, move |reread| match reread {
                    Ok(now) => {
                        let before = loaded.with_untracked(TotpEdit::from_loaded);
                        if TotpEdit::from_loaded(&now) != before {
                            state.set(SaveState::Conflict(now));
                        } else {
                            send.run(p);
                        }
                    }
                    Err(e) => answer(SaveState::NotSent(e)),
                });
            })
        };

        Sending {
            reread,
            send,
            verify_and_send,
        }
    }
}
