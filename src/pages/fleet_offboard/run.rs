//! Starts a run of the reviewed rows with the bulk runner (`store::batch`): its in-flight
//! bound is the fleet-wide one, [`Gates`] the bound per cluster and the gateway's write rule.
//! Each write is logged as it is sent, with its cluster; a write whose answer was lost is
//! settled by re-reading (the runner's rule), never sent again. When the run ends, the
//! clusters it changed are read again, so the overview and the fleet tables show the change.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use ontap_model::Known;

use crate::api::gateway::Writes;
use crate::api::{accounts, totps, ApiError};
use crate::components::batch::log_outcome;
use crate::components::Explained;
use crate::store::batch::{BoxFut, Ops, Phase, RowState, Runner, MAX_IN_FLIGHT};
use crate::store::changelog::{ChangeLog, OnCluster};
use crate::store::fleet::{FleetStore, Member};
use crate::store::fleet_batch::{Change, FleetRun, Gates, Item, OffboardState};

/// Starts the run of what the last Find planned (its rows as read then).
pub(super) fn start(state: OffboardState, log: Option<ChangeLog>, fleet: FleetStore) {
    let Some((_, action)) = state.found_for.get_untracked() else {
        return;
    };
    let (items, left) = state.rows();
    if items.is_empty() {
        return;
    }
    let gates = Gates::default();
    // The change log's entry of each row's write in flight, by the row's key.
    let sent: Rc<RefCell<HashMap<String, u64>>> = Rc::default();
    let what = action.describe();
    let apply = {
        let sent = sent.clone();
        Rc::new(move |it: &Item| {
            let (it, gates, sent) = (it.clone(), gates.clone(), sent.clone());
            Box::pin(async move {
                let Some(client) = it.member.client() else {
                    return Err(ApiError::NotSent(
                        "the cluster is no longer signed in".into(),
                    ));
                };
                // Held until the answer: the cluster's bound, and a gateway's first write alone.
                let _pass = gates.enter(&it).await;
                if let Some(Writes::Refused { said }) = it.member.gateway_writes_untracked() {
                    return Err(ApiError::GatewayWriteRefused { sent: false, said });
                }
                let f = &it.found;
                if let Change::Require { read, .. } = &f.change {
                    // The PATCH carries every application as read: re-read just before, so
                    // that a change made meanwhile is not overwritten.
                    let now = match accounts::get(&client, &f.owner_uuid, &f.account).await {
                        Ok(a) => a,
                        Err(e) if e.outcome_unknown() => {
                            return Err(ApiError::NotSent(format!(
                                "the account could not be read just before sending, to check that it did not change since the review ({}).",
                                Explained::from(&e).message.trim_end_matches('.')
                            )))
                        }
                        Err(e) => return Err(e),
                    };
                    if now.requires_totp() {
                        return Ok(());
                    }
                    if now.applications != read.applications {
                        return Err(ApiError::NotSent(
                            "the account's applications changed on the cluster since the review. Nothing was sent, so that change is kept; find again to review it as it is now.".into(),
                        ));
                    }
                }
                let on = OnCluster {
                    name: it.cluster.clone(),
                    uuid: it.cluster_uuid.clone(),
                    owner_uuid: f.owner_uuid.clone(),
                };
                let user = client.user().unwrap_or_default();
                let id = log.map(|l| l.record_on(Some(on), &user, &f.account, &f.svm, what));
                let r = match &f.change {
                    Change::Disable(p) => totps::patch(&client, &p.target.key, &p.patch).await,
                    Change::Require { patch, .. } => {
                        accounts::patch(&client, &f.owner_uuid, &f.account, patch).await
                    }
                };
                if let (Some(l), Some(id)) = (log, id) {
                    match &r {
                        // Kept from the network at the last moment: nothing was sent.
                        Err(ApiError::NotSent(_))
                        | Err(ApiError::GatewayWriteRefused { sent: false, .. }) => l.withdraw(id),
                        _ => {
                            sent.borrow_mut().insert(it.key(), id);
                        }
                    }
                }
                r
            }) as BoxFut<Result<(), ApiError>>
        })
    };
    let verify = Rc::new(move |it: &Item| {
        let it = it.clone();
        Box::pin(async move {
            let Some(client) = it.member.client() else {
                return Err(ApiError::NotSent(
                    "the cluster is no longer signed in".into(),
                ));
            };
            let f = &it.found;
            match &f.change {
                Change::Disable(p) => match totps::get(&client, &p.target.key).await {
                    Ok(now) => Ok(p.is_applied(&now)),
                    // ONTAP may hide a disabled profile (one public report): that is the reset.
                    Err(e) if e.known() == Some(Known::NotFound) => Ok(true),
                    Err(e) => Err(e),
                },
                Change::Require { .. } => {
                    Ok(accounts::get_once(&client, &f.owner_uuid, &f.account)
                        .await?
                        .requires_totp())
                }
            }
        }) as BoxFut<Result<bool, ApiError>>
    });
    let on_settle = Rc::new(move |it: &Item, st: &RowState| {
        let id = sent.borrow_mut().remove(&it.key());
        if let (Some(l), Some(id), Some(o)) = (log, id, log_outcome(st)) {
            l.settle(id, o);
        }
    });
    let ops = Ops {
        apply,
        verify,
        on_settle,
    };
    let (runner, left) = state.under_shell(|| (Runner::new(items, ops), StoredValue::new(left)));
    runner.limit.set(MAX_IN_FLIGHT);
    // Sending again through a gateway that refused the user's writes would be refused again
    // (the client holds every write of it): those rows are not offered for a retry.
    runner.retry_only(Rc::new(|it: &Item| {
        !matches!(
            it.member.gateway_writes_untracked(),
            Some(Writes::Refused { .. })
        )
    }));
    state.run.set(Some(FleetRun {
        runner,
        action,
        left,
        find_ms: state.find_ms.get_untracked(),
    }));
    runner.start();
    state.under_shell(|| read_again_when_done(runner, fleet));
}

/// Each time the run ends (and again after a retry), reads again every cluster on which a
/// change was done since: the overview's line and the fleet tables show each cluster as read,
/// and would otherwise go on showing the profiles as enabled and the accounts as not asked.
fn read_again_when_done(runner: Runner<Item>, fleet: FleetStore) {
    // Changes done per cluster when it was last read again.
    let seen: StoredValue<HashMap<String, usize>> = StoredValue::new(HashMap::new());
    Effect::new(move |_| {
        if runner.phase.get() != Phase::Finished {
            return;
        }
        let mut done: HashMap<String, (Member, usize)> = HashMap::new();
        for (i, it) in runner.items().iter().enumerate() {
            if matches!(runner.row(i), Some(RowState::Done { .. })) {
                done.entry(it.cluster_uuid.clone())
                    .or_insert((it.member, 0))
                    .1 += 1;
            }
        }
        for (uuid, (member, n)) in done {
            let before = seen
                .try_update_value(|s| s.insert(uuid, n))
                .flatten()
                .unwrap_or(0);
            if n > before {
                fleet.load(member);
            }
        }
    });
}
