//! How the editor sends a change: re-read the profile first and send only if nobody changed it
//! meanwhile, send one PATCH and record it in the change log, and settle a lost answer by
//! re-reading (never by sending again).

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::{Totp, TotpEdit, TotpPatch};

use super::edit::{describe_change, saved_message, subject, Backend, Edit, SaveState};
use crate::api::timing::{settle_lost, Lost};
use crate::api::ApiError;
use crate::components::Explained;
use crate::platform::{local_hms_in, mono_ms, sleep_ms};
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

        // When the PATCH in flight (or last sent) left, for the late window of a lost answer.
        let sent = StoredValue::new(0.0_f64);
        let sent_patch: StoredValue<Option<TotpPatch>> = StoredValue::new(None);
        // The re-read itself, for the timer that runs it again once a late write can no
        // longer land.
        let myself: StoredValue<Option<Callback<ApiError>>> = StoredValue::new(None);
        let reread = {
            let backend = backend.clone();
            Callback::new(move |after: ApiError| {
                state.set(SaveState::Checking);
                reread_then(&backend, state, move |reread| match reread {
                    Ok(now) => {
                        // Whether the patch that was sent is on the cluster (not the fields,
                        // which the user may have edited since).
                        let landed = sent_patch.with_value(|p| {
                            p.as_ref().is_none_or(|p| {
                                let mut want = now.clone();
                                p.apply_to(&mut want);
                                TotpEdit::from_loaded(&want) == TotpEdit::from_loaded(&now)
                            })
                        });
                        loaded.set(now);
                        match settle_lost(landed, sent.get_value()) {
                            Lost::Applied => {
                                settle(Outcome::UnknownConfirmed);
                                answer(SaveState::Saved(
                                    "Saved. The connection was interrupted, but re-reading the profile shows the change is on the cluster.".into(),
                                ));
                            }
                            Lost::NotYet { wait_ms } => {
                                state.set(SaveState::NotYet {
                                    error: after.clone(),
                                    until: local_hms_in(wait_ms),
                                });
                                // Read again once the write can no longer land, unless the
                                // user checked meanwhile or left.
                                spawn_local(async move {
                                    sleep_ms(wait_ms.ceil() as u32 + 50).await;
                                    let waiting = state.try_with_untracked(|s| {
                                        matches!(s, SaveState::NotYet { .. })
                                    });
                                    if let (Some(true), Some(Some(again))) =
                                        (waiting, myself.try_get_value())
                                    {
                                        again.run(after);
                                    }
                                });
                            }
                            Lost::NotApplied => {
                                settle(Outcome::UnknownNotApplied);
                                answer(SaveState::NotApplied(after));
                            }
                        }
                    }
                    Err(_) => state.set(SaveState::Unknown(after)),
                });
            })
        };

        myself.set_value(Some(reread));

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
                sent.set_value(mono_ms());
                sent_patch.set_value(Some(p.clone()));
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
