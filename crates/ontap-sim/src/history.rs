//! The demo cluster's past: a few weeks of administrative audit records before the emulator
//! started, so that the page's History screen and the accounts' history links show something
//! to a newcomer. It tells one story that ends in the demo's seeded state: users enrolling
//! themselves, a roll-out of "TOTP required" over vs_fin's accounts (one user trying before it
//! reached him), an unlock, a lost phone (the profile disabled by an administrator, the user
//! enrolling again days later), a second reset still pending, and a refused attempt.
//!
//! The records are not written by hand: each step is a request (method, path, body as the
//! page sends it, built with ontap-model's own types) carried out by the emulator's own
//! handler ([`crate::api::handle_logged`]) on a copy of the cluster as it was before, so that
//! every field and text is what a live request would have produced. Only the timestamp is
//! set afterwards to the step's time in the past, relative to the cluster's clock at start,
//! and the request numbers leave gaps for the reads between them (ONTAP logs set requests
//! only, AUDIT_RECORDS in [`crate::inferred`]). [`replay`] also checks that the story ends
//! exactly in the seeded state. DEMO_HISTORY in [`crate::inferred`].

use ontap_model::account_change::{account_path, AccountChange};
use ontap_model::totp::{AccountSelector, OwnerSelector};
use ontap_model::{AccountName, Comment, Query, TotpCreate, TotpKey, TotpPatch};

use crate::api::{Caller, Request};
use crate::audit::{timestamp, AuditRecord};
use crate::demo::{CLUSTER_NAME, VS_ENG, VS_FIN, VS_HR};
use crate::model::{Application, SecondAuth};
use crate::rng::SplitMix64;
use crate::state::State;
use crate::Sim;

/// The seed of the history's draws (the minute and second of each step): the same history on
/// every start.
pub const HISTORY_SEED: u64 = 0x005e_ed0f_da7a;

/// What one step does. `who` is the caller (SVM `None`: cluster-scoped), `whom` the account
/// acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    /// The user creates their own profile (the page's enrollment: POST with return_records).
    Enroll,
    /// An administrator requires TOTP for the account's SSH (the page's "Require TOTP").
    RequireTotp,
    /// An administrator unlocks the account (the page's "Unlock").
    Unlock,
    /// An administrator disables the account's profile: ONTAP's reset of a lost key.
    Disable,
    /// The user deletes their own profile, the first half of "Rotate my key" (REST up to
    /// 9.18; from 9.19.1 the page gives the CLI steps, and the story has no such step).
    Delete,
}

/// An account: its SVM (`None`: cluster-scoped) and name.
type Who = (Option<&'static str>, &'static str);

/// One step: days before the start, hour (UTC) of that day, the caller, the act, the account.
struct Step {
    days_ago: u64,
    hour: u64,
    who: Who,
    act: Act,
    whom: Who,
    /// Whether the cluster refuses it (kept in the log with its error, changing nothing).
    refused: bool,
    /// Part of a user's rotation of their own key, told only on releases whose REST API
    /// deletes a profile (up to 9.18: `Version::rest_delete_supported`).
    rotation: bool,
}

const fn step(days_ago: u64, hour: u64, who: Who, act: Act, whom: Who, refused: bool) -> Step {
    Step {
        days_ago,
        hour,
        who,
        act,
        whom,
        refused,
        rotation: false,
    }
}

/// A step of a user's rotation of their own key, on the same day: the DELETE, then the new
/// enrollment, as the page's "Rotate my key" sends them.
const fn rotating(days_ago: u64, hour: u64, who: Who, act: Act) -> Step {
    Step {
        days_ago,
        hour,
        who,
        act,
        whom: who,
        refused: false,
        rotation: true,
    }
}

/// The story as told on `release`: without the rotation where the REST API cannot delete.
fn story(release: &ontap_model::Version) -> Vec<&'static Step> {
    STEPS
        .iter()
        .filter(|st| !st.rotation || release.rest_delete_supported())
        .collect()
}

const ADMIN: Who = (None, "admin");
const JDOE: Who = (None, "jdoe");

/// The story, oldest first. Every account and SVM is the demo's ([`crate::demo`]).
#[rustfmt::skip]
const STEPS: &[Step] = &[
    step(26, 9, (None, "priya.raman"), Act::Enroll, (None, "priya.raman"), false),
    step(24, 14, (Some(VS_ENG), "kpatel"), Act::Enroll, (Some(VS_ENG), "kpatel"), false),
    // dsmith tries before the roll-out reaches him: 144834561, TOTP is not his second factor.
    step(22, 11, (Some(VS_FIN), "dsmith"), Act::Enroll, (Some(VS_FIN), "dsmith"), true),
    // The roll-out over vs_fin, one account after the other.
    step(21, 10, JDOE, Act::RequireTotp, (Some(VS_FIN), "fin.admin"), false),
    step(21, 10, JDOE, Act::RequireTotp, (Some(VS_FIN), "mrossi"), false),
    step(21, 10, JDOE, Act::RequireTotp, (Some(VS_FIN), "dsmith"), false),
    step(21, 15, (Some(VS_FIN), "fin.admin"), Act::Enroll, (Some(VS_FIN), "fin.admin"), false),
    step(20, 9, (Some(VS_FIN), "mrossi"), Act::Enroll, (Some(VS_FIN), "mrossi"), false),
    step(19, 16, (Some(VS_FIN), "dsmith"), Act::Enroll, (Some(VS_FIN), "dsmith"), false),
    step(18, 13, (Some(VS_ENG), "rgarcia"), Act::Enroll, (Some(VS_ENG), "rgarcia"), false),
    // nbrown locked herself out; an administrator unlocks her.
    step(16, 8, ADMIN, Act::Unlock, (Some(VS_HR), "nbrown"), false),
    // vs_eng's vsadmin may change comments, not `enabled`: 144834564.
    step(14, 17, (Some(VS_ENG), "vsadmin"), Act::Disable, (Some(VS_ENG), "rgarcia"), true),
    step(12, 10, (Some(VS_HR), "okim"), Act::Enroll, (Some(VS_HR), "okim"), false),
    // mchen lost his phone: reset by disabling, then he enrolls again three days later.
    step(9, 9, ADMIN, Act::Disable, (None, "mchen"), false),
    // priya.raman moves to a new phone, the old one still in hand: "Rotate my key".
    rotating(7, 14, (None, "priya.raman"), Act::Delete),
    rotating(7, 14, (None, "priya.raman"), Act::Enroll),
    step(6, 11, (None, "mchen"), Act::Enroll, (None, "mchen"), false),
    // sthompson's reset, still waiting for her to enroll again.
    step(3, 15, ADMIN, Act::Disable, (Some(VS_ENG), "sthompson"), false),
];

fn owner_uuid(state: &State, svm: Option<&str>) -> Option<ontap_model::OwnerUuid> {
    let name = svm.unwrap_or(CLUSTER_NAME);
    let found = match svm {
        None => state.admin_svm(),
        Some(_) => state.svm_by_name(name),
    };
    found.map(|s| s.uuid.clone())
}

fn key_of(state: &State, who: Who) -> Result<TotpKey, String> {
    Ok(TotpKey {
        owner: owner_uuid(state, who.0).ok_or_else(|| format!("no SVM for {who:?}"))?,
        account: AccountName::try_from(who.1).map_err(|e| format!("{who:?}: {e}"))?,
    })
}

/// The cluster as it was before the story: each successful step undone, newest first.
fn before(now: &State, steps: &[&Step]) -> Result<State, String> {
    let mut s = now.clone();
    s.audit = crate::audit::AuditLog::default();
    s.audit_index = 0;
    for (i, st) in steps.iter().enumerate().rev().filter(|(_, st)| !st.refused) {
        let key = key_of(&s, st.whom)?;
        let missing = || format!("step {i}: {:?} has no profile to undo", st.whom);
        match st.act {
            Act::Enroll => {
                // A POST replaces a disabled profile (DISABLED_PROFILES): if the last earlier
                // step on this profile disabled it, it was there, disabled; if it deleted it,
                // or there is none, it did not exist.
                let last = steps[..i].iter().rev().find(|p| {
                    !p.refused
                        && p.whom == st.whom
                        && matches!(p.act, Act::Enroll | Act::Disable | Act::Delete)
                });
                if last.is_some_and(|p| p.act == Act::Disable) {
                    s.totps.get_mut(&key).ok_or_else(missing)?.enabled = Some(false);
                } else {
                    s.totps.remove(&key).ok_or_else(missing)?;
                }
            }
            Act::Disable => s.totps.get_mut(&key).ok_or_else(missing)?.enabled = Some(true),
            Act::Delete => {
                // The key deleted was the user's enabled profile; its comment the one they
                // typed again when enrolling anew (the seeded one).
                let mut was = now.totps.get(&key).cloned().ok_or_else(missing)?;
                was.enabled = Some(true);
                s.totps.insert(key, was);
            }
            Act::RequireTotp | Act::Unlock => {
                let a = s
                    .accounts
                    .iter_mut()
                    .find(|a| a.owner == key.owner && a.name == key.account)
                    .ok_or_else(|| format!("step {i}: no account {:?}", st.whom))?;
                if st.act == Act::Unlock {
                    a.locked = true;
                } else {
                    let ssh = a
                        .applications
                        .iter_mut()
                        .find(|x| x.application == Application::Ssh)
                        .ok_or_else(|| format!("step {i}: {:?} has no SSH", st.whom))?;
                    ssh.second_authentication_method = SecondAuth::None;
                }
            }
        }
    }
    Ok(s)
}

/// The request of a step on `state`, as the page sends it: (method, path and query, body).
/// An enrollment's comment is the one the seeded profile (in `seeded`) has.
fn request(
    state: &State,
    seeded: &State,
    st: &Step,
) -> Result<(&'static str, String, String), String> {
    let key = key_of(state, st.whom)?;
    Ok(match st.act {
        Act::Enroll => {
            // The enrollment page: the account, its SVM by name (none when cluster-scoped),
            // the comment the user typed (the seeded profile's).
            let comment = seeded
                .totps
                .get(&key)
                .and_then(|t| t.comment.clone())
                .filter(|c| !c.is_empty())
                .and_then(|c| Comment::try_from(c.as_str()).ok());
            let body = TotpCreate {
                account: AccountSelector {
                    name: key.account.clone(),
                },
                owner: st.whom.0.map(|svm| OwnerSelector {
                    uuid: None,
                    name: Some(svm.to_owned()),
                }),
                comment,
            };
            let q = Query::new().return_records(true).to_query_string();
            (
                "POST",
                format!("/api/security/login/totps{q}"),
                serde_json::to_string(&body).map_err(|e| e.to_string())?,
            )
        }
        Act::Delete => ("DELETE", format!("/api{}", key.path()), String::new()),
        Act::Disable => {
            let patch = TotpPatch {
                comment: None,
                enabled: Some(false),
            };
            (
                "PATCH",
                format!("/api{}", key.path()),
                serde_json::to_string(&patch).map_err(|e| e.to_string())?,
            )
        }
        Act::RequireTotp | Act::Unlock => {
            // The accounts page reads the account, plans the change on what it read, and
            // sends the plan's body.
            let account = state
                .account(&key.owner, key.account.as_str())
                .ok_or_else(|| format!("no account {:?}", st.whom))?;
            let svm = state.svm(&key.owner).ok_or("no SVM")?;
            let read: ontap_model::Account =
                serde_json::from_value(account.record(svm, &state.version))
                    .map_err(|e| e.to_string())?;
            let change = if st.act == Act::Unlock {
                AccountChange::Unlock
            } else {
                AccountChange::RequireTotp
            };
            let plan = change
                .plan(&read)
                .map_err(|e| format!("{:?}: {e}", st.whom))?;
            (
                "PATCH",
                account_path(key.owner.as_str(), key.account.as_str()),
                plan.body(),
            )
        }
    })
}

/// Runs the story on the cluster as it was before `now`, and checks that it ends in `now`
/// (accounts, and each profile's key, enabled and comment; fingerprints differ, as a POST
/// draws a new secret). `start` is the cluster's clock at start (Unix seconds).
/// Below 9.13 there is no TOTP API, and so no story.
pub fn replay(now: &State, start: u64) -> Result<Vec<AuditRecord>, String> {
    if !now.version.has_totp() {
        return Ok(Vec::new());
    }
    let steps = story(&now.version);
    let sim = Sim::from_state(before(now, &steps)?);
    let mut rng = SplitMix64::new(HISTORY_SEED);
    let midnight = start - start % 86_400;
    let mut records = Vec::new();
    let mut last_time = 0u64;
    for (i, st) in steps.iter().enumerate() {
        let mut at = midnight - st.days_ago * 86_400 + st.hour * 3_600 + rng.below(3_000);
        // Steps within one hour (a roll-out) follow each other by a minute or so.
        if at <= last_time {
            at = last_time + 40 + rng.below(80);
        }
        last_time = at;
        let (caller, (method, path_and_query, body)) = sim.with_state(|s| {
            let key = key_of(s, st.who)?;
            let account = s
                .account(&key.owner, key.account.as_str())
                .ok_or_else(|| format!("step {i}: no caller {:?}", st.who))?;
            let caller = Caller {
                name: account.name.as_str().to_owned(),
                owner: key.owner.clone(),
                cluster_scoped: st.who.0.is_none(),
                role: account.role,
            };
            Ok::<_, String>((caller, request(s, now, st)?))
        })?;
        let path = path_and_query
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        let query = Query::parse(path_and_query.split_once('?').map_or("", |(_, q)| q));
        let req = Request {
            method,
            path: &path,
            path_and_query: &path_and_query,
            query,
            body: body.as_bytes(),
            out: None,
        };
        // As the server does: the record's command_id is its index (AUDIT_RECORDS).
        let result = crate::api::handle(&sim, &caller, &req);
        if result.is_ok() == st.refused {
            return Err(format!(
                "step {i} ({:?} {:?} {:?}) was {}: {result:?}",
                st.who,
                st.act,
                st.whom,
                if st.refused { "not refused" } else { "refused" }
            ));
        }
        let mut rec = sim
            .with_state(|s| s.audit.iter().last().cloned())
            .ok_or_else(|| format!("step {i} left no record"))?;
        // The handler stamped the machine's time; the step happened in the past.
        rec.timestamp = timestamp(at);
        records.push(rec);
    }
    sim.with_state(|s| ends_in(s, now))?;
    Ok(records)
}

/// Whether the replayed cluster is the seeded one.
fn ends_in(replayed: &State, now: &State) -> Result<(), String> {
    if replayed.accounts != now.accounts {
        return Err("the story's accounts differ from the seeded ones".into());
    }
    let profiles = |s: &State| -> Vec<(TotpKey, Option<bool>, Option<String>)> {
        s.totps
            .iter()
            .map(|(k, t)| (k.clone(), t.enabled, t.comment.clone()))
            .collect()
    };
    if profiles(replayed) != profiles(now) {
        return Err("the story's profiles differ from the seeded ones".into());
    }
    Ok(())
}

/// Writes the demo's history into its (empty) audit log: indexes from 1, so that live
/// requests go on from there.
pub fn seed(state: &mut State) -> Result<(), String> {
    for rec in replay(state, state.now())? {
        state.audit_index = rec.index;
        state.audit.push(rec);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ontap_model::Version;

    const START: u64 = 1_796_470_000; // 2026-12-05T11:26:40Z

    fn demo() -> State {
        crate::demo::cluster(Version::new(9, 18, 1))
    }

    #[test]
    fn the_story_ends_in_the_seeded_state() {
        // replay() fails unless every step succeeds or is refused as planned and the end
        // state is the demo's.
        let h = replay(&demo(), START).expect("the history replays");
        assert_eq!(h.len(), STEPS.len());
        assert_eq!(
            h.len(),
            18,
            "DEMO_HISTORY (inferred.rs, README) says 18 records"
        );
        // 9.19.1 deletes only in the CLI: the story there has no rotation, and still ends
        // in the seeded state.
        let v19 = crate::demo::cluster(Version::new(9, 19, 1));
        let h19 = replay(&v19, START).expect("the history replays on 9.19.1");
        assert_eq!(h19.len(), STEPS.iter().filter(|s| !s.rotation).count());
        assert!(h19.iter().all(|r| !r.input.starts_with("DELETE ")));
    }

    #[test]
    fn records_are_sorted_in_the_past_and_within_weeks() {
        let h = replay(&demo(), START).unwrap();
        let stamps: Vec<&str> = h.iter().map(|r| r.timestamp.as_str()).collect();
        let mut sorted = stamps.clone();
        sorted.sort();
        assert_eq!(stamps, sorted);
        assert!(stamps.windows(2).all(|w| w[0] < w[1]), "{stamps:#?}");
        assert!(*stamps.last().unwrap() < timestamp(START).as_str());
        assert!(stamps[0] > timestamp(START - 35 * 86_400).as_str());
        let ids: Vec<(u64, String)> = h.iter().map(|r| (r.index, r.command_id.clone())).collect();
        assert!(
            ids.iter()
                .enumerate()
                .all(|(i, (n, c))| *n == i as u64 + 1 && *c == n.to_string()),
            "{ids:?}"
        );
    }

    #[test]
    fn the_steps_are_told_in_the_order_they_happened() {
        // replay() moves a step that would come before the previous one to just after it
        // (a roll-out within one hour): out of order in STEPS would move it days.
        let when: Vec<(i64, u64)> = STEPS
            .iter()
            .map(|s| (-(s.days_ago as i64), s.hour))
            .collect();
        assert!(when.windows(2).all(|w| w[0] <= w[1]), "{when:?}");
    }

    #[test]
    fn the_history_is_the_same_on_every_start() {
        let a = replay(&demo(), START).unwrap();
        let b = replay(&demo(), START).unwrap();
        assert_eq!(a, b);
        let later = replay(&demo(), START + 86_400).unwrap();
        assert_ne!(a[0].timestamp, later[0].timestamp);
    }

    #[test]
    fn each_record_names_what_the_seeded_state_shows() {
        let s = demo();
        let h = replay(&s, START).unwrap();
        let account = |svm: &str, name: &str| {
            let owner = s.svm_by_name(svm).unwrap().uuid.clone();
            s.account(&owner, name).unwrap().clone()
        };
        let profile = |svm: &str, name: &str| {
            let owner = s.svm_by_name(svm).unwrap().uuid.clone();
            s.totps
                .get(&TotpKey {
                    owner,
                    account: AccountName::try_from(name).unwrap(),
                })
                .cloned()
        };
        for (st, rec) in STEPS.iter().zip(&h) {
            let svm = st.whom.0.unwrap_or(CLUSTER_NAME);
            let caller_svm = st.who.0.unwrap_or(CLUSTER_NAME);
            assert_eq!(rec.user, st.who.1);
            assert_eq!(rec.svm, caller_svm);
            assert_eq!(
                rec.scope,
                if st.who.0.is_none() { "cluster" } else { "svm" }
            );
            assert_eq!(rec.state, if st.refused { "error" } else { "success" });
            assert_eq!(rec.application, "http");
            assert_eq!(rec.location, crate::audit::LOCATION);
            let p = profile(svm, st.whom.1);
            match (st.act, st.refused) {
                (Act::Enroll, false) => {
                    assert!(rec.input.starts_with("POST /api/security/login/totps?return_records=true : {\"account\":{\"name\":"), "{}", rec.input);
                    // Enrolled users have a profile now, enabled unless a later step reset it.
                    let later_reset = STEPS.iter().any(|o| {
                        o.act == Act::Disable
                            && !o.refused
                            && o.whom == st.whom
                            && o.days_ago < st.days_ago
                    });
                    assert_eq!(
                        p.and_then(|p| p.enabled),
                        Some(!later_reset),
                        "{}",
                        st.whom.1
                    );
                }
                (Act::Disable, false) => {
                    assert!(
                        rec.input.ends_with(" : {\"enabled\":false}"),
                        "{}",
                        rec.input
                    );
                    let later_enroll = STEPS.iter().any(|o| {
                        o.act == Act::Enroll
                            && !o.refused
                            && o.whom == st.whom
                            && o.days_ago < st.days_ago
                    });
                    assert_eq!(
                        p.and_then(|p| p.enabled),
                        Some(later_enroll),
                        "{}",
                        st.whom.1
                    );
                }
                (Act::RequireTotp, _) => {
                    assert!(
                        rec.input
                            .contains("\"second_authentication_method\":\"totp\""),
                        "{}",
                        rec.input
                    );
                    assert!(account(svm, st.whom.1).requires_totp());
                }
                (Act::Delete, false) => {
                    assert!(
                        rec.input.starts_with("DELETE /api/security/login/totps/"),
                        "{}",
                        rec.input
                    );
                    // Enrolled again the same day: enabled now.
                    assert_eq!(p.and_then(|p| p.enabled), Some(true), "{}", st.whom.1);
                }
                (Act::Unlock, _) => {
                    assert!(
                        rec.input.ends_with(" : {\"locked\":false}"),
                        "{}",
                        rec.input
                    );
                    assert!(!account(svm, st.whom.1).locked);
                }
                (_, true) => assert!(rec.message.is_some()),
            }
        }
    }

    #[test]
    fn the_history_covers_the_promised_kinds() {
        let count = |act: Act, refused: bool| {
            STEPS
                .iter()
                .filter(|s| s.act == act && s.refused == refused)
                .count()
        };
        assert!(count(Act::Enroll, false) >= 5);
        assert!(count(Act::RequireTotp, false) >= 3);
        assert!(count(Act::Unlock, false) >= 1);
        assert!(count(Act::Disable, false) >= 1);
        assert!(STEPS.iter().filter(|s| s.refused).count() >= 2);
        // A user rotating their own key: their own DELETE, then their own enrollment.
        assert!(STEPS.iter().any(|d| d.act == Act::Delete
            && !d.refused
            && d.who == d.whom
            && STEPS.iter().any(|e| e.act == Act::Enroll
                && !e.refused
                && e.whom == d.whom
                && e.days_ago == d.days_ago)));
        // A lost-phone reset: disabled by someone else, enrolled again by the user later.
        assert!(STEPS.iter().any(|d| d.act == Act::Disable
            && !d.refused
            && d.who != d.whom
            && STEPS.iter().any(|e| e.act == Act::Enroll
                && !e.refused
                && e.whom == d.whom
                && e.days_ago < d.days_ago)));
    }

    #[test]
    fn every_release_and_a_renamed_cluster_have_their_history() {
        // The command seeds it on start and panics if the story does not replay: every
        // release the emulator answers as must take it.
        for (v, n) in [
            ((9, 13, 1), 18),
            ((9, 14, 1), 18),
            ((9, 16, 1), 18),
            ((9, 18, 1), 18),
            ((9, 19, 1), 16),
        ] {
            let s = crate::demo::cluster(Version::new(v.0, v.1, v.2));
            let h = replay(&s, START).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            assert_eq!(h.len(), n, "{v:?}");
        }
        let mut s = demo();
        s.rename_cluster("prod-a");
        let h = replay(&s, START).unwrap();
        assert!(h.iter().any(|r| r.svm == "prod-a" && r.user == "mchen"));
    }

    #[test]
    fn no_history_below_9_13() {
        let s = crate::demo::cluster(Version::new(9, 12, 1));
        assert!(replay(&s, START).unwrap().is_empty());
    }
}
