//! The fleet's clusters while the page runs (issue 19): where each one's sign-in stands
//! (`session::fleet`), and its overview line as it loads. Every cluster goes on by itself
//! through one [`Pool`] of bounded concurrency: a slow or failed cluster holds one place in
//! it and shows its own state; the others fill in. Provided by the fleet's shell.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::mfa::has_duo;
use ontap_model::{Cluster, Totp};

use crate::api::fleet::{Entry, Fleet};
use crate::api::{accounts, factors as api_factors, totps, ApiError, Client, Credentials};
use crate::session::fleet::{first_to_try, offer_to, try_on, Access, Stage, Tried};
use crate::tables::factors::{Factors, Source};
use crate::tables::fleet::{summarize, Summary};

/// Clusters worked on at once over HTTP/1.1: a browser opens six connections to one origin,
/// and every cluster of the direct layout is on the page's origin. One cluster's reads go one
/// after the other then, so that a slow cluster holds one connection, not several.
pub(crate) const CONCURRENCY: usize = 6;

/// Clusters worked on at once over HTTP/2 or 3, whose one connection carries every request
/// side by side: a slow cluster holds no connection there, so each cluster's reads go side
/// by side too, and more clusters at once (bench "fleet": 50 clusters at 20 ms each).
pub(crate) const CONCURRENCY_MULTIPLEXED: usize = 16;

/// How the page's origin carries requests, from the protocol the page came over (the
/// clusters of the direct layout, and a gateway, are on the same origin).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Carrier {
    /// HTTP/1.x, or not known: six connections, one request each at a time.
    Connections,
    /// HTTP/2 or HTTP/3: one connection, requests side by side.
    Multiplexed,
}

impl Carrier {
    pub(crate) fn of(protocol: Option<&str>) -> Carrier {
        match protocol {
            Some(p) if p == "h2" || p.starts_with("h3") => Carrier::Multiplexed,
            _ => Carrier::Connections,
        }
    }
    pub(crate) fn concurrency(self) -> usize {
        match self {
            Carrier::Connections => CONCURRENCY,
            Carrier::Multiplexed => CONCURRENCY_MULTIPLEXED,
        }
    }
}

/// How far a cluster's overview line is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Load {
    /// Not signed in yet.
    Idle,
    /// Waiting for a place in the pool, or reading.
    Loading,
    Done(Summary),
    Failed(ApiError),
}

/// One cluster of the fleet: what the file says, its sign-in and its line.
#[derive(Clone, Copy)]
pub(crate) struct Member {
    pub(crate) entry: StoredValue<Entry>,
    pub(crate) access: RwSignal<Access>,
    pub(crate) load: RwSignal<Load>,
}

impl Member {
    pub(crate) fn name(&self) -> String {
        self.entry.with_value(|e| e.name.clone())
    }
    pub(crate) fn stage(&self) -> Stage {
        self.access.with(Access::stage)
    }
    /// The cluster as it described itself, once signed in.
    pub(crate) fn cluster(&self) -> Option<Cluster> {
        self.access.with(|a| match a {
            Access::In { cluster, .. } => Some(cluster.clone()),
            _ => None,
        })
    }
}

/// A job of the [`Pool`].
type Job = Pin<Box<dyn Future<Output = ()>>>;

/// Runs at most `limit` jobs at a time, the rest in the order they came.
#[derive(Clone)]
pub(crate) struct Pool(Rc<RefCell<PoolState>>);

struct PoolState {
    limit: usize,
    running: usize,
    queue: VecDeque<Job>,
}

impl Pool {
    pub(crate) fn new(limit: usize) -> Pool {
        Pool(Rc::new(RefCell::new(PoolState {
            limit: limit.max(1),
            running: 0,
            queue: VecDeque::new(),
        })))
    }
    pub(crate) fn run(&self, job: impl Future<Output = ()> + 'static) {
        let job: Job = Box::pin(job);
        let start = {
            let mut p = self.0.borrow_mut();
            if p.running < p.limit {
                p.running += 1;
                Some(job)
            } else {
                p.queue.push_back(job);
                None
            }
        };
        if let Some(job) = start {
            self.start(job);
        }
    }
    fn start(&self, job: Job) {
        let pool = self.clone();
        spawn_local(async move {
            job.await;
            let next = {
                let mut p = pool.0.borrow_mut();
                let next = p.queue.pop_front();
                if next.is_none() {
                    p.running -= 1;
                }
                next
            };
            if let Some(job) = next {
                pool.start(job);
            }
        });
    }
}

/// The fleet: its members in the file's order, and what was wrong in the file.
#[derive(Clone, Copy)]
pub(crate) struct FleetStore {
    pub(crate) members: StoredValue<Vec<Member>>,
    pub(crate) file: StoredValue<Fleet>,
    /// Why the shared sign-in did not go through, for the form.
    pub(crate) refusal: RwSignal<Option<SharedFailure>>,
    /// The credentials the shared sign-in had accepted (memory only), to try again on a
    /// cluster that could not be reached; never offered to one that refused them.
    shared: StoredValue<Option<Credentials>>,
    /// Bumped at sign-out: a task of an earlier sign-in sets nothing.
    serial: RwSignal<u64>,
    pool: StoredValue<Pool, LocalStorage>,
    carrier: Carrier,
}

/// Why the shared sign-in form's last attempt did not go through.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SharedFailure {
    /// This cluster refused the credentials: nothing was sent to the others.
    Refused(String),
    /// No cluster could be reached; the last one's error.
    Unreachable(ApiError),
}

impl FleetStore {
    pub(crate) fn new(file: Fleet) -> FleetStore {
        let carrier = Carrier::of(crate::platform::page_protocol().as_deref());
        let members = file
            .clusters
            .iter()
            .map(|e| Member {
                entry: StoredValue::new(e.clone()),
                access: RwSignal::new(Access::Waiting),
                load: RwSignal::new(Load::Idle),
            })
            .collect();
        FleetStore {
            members: StoredValue::new(members),
            file: StoredValue::new(file),
            refusal: RwSignal::new(None),
            shared: StoredValue::new(None),
            serial: RwSignal::new(0),
            pool: StoredValue::new_local(Pool::new(carrier.concurrency())),
            carrier,
        }
    }

    pub(crate) fn provide(file: Fleet) -> FleetStore {
        let s = FleetStore::new(file);
        provide_context(s);
        s
    }

    pub(crate) fn use_ctx() -> FleetStore {
        expect_context::<FleetStore>()
    }

    pub(crate) fn list(&self) -> Vec<Member> {
        self.members.get_value()
    }

    fn stages(&self) -> Vec<Stage> {
        self.list().iter().map(Member::stage).collect()
    }

    /// True once any cluster accepted a credential set.
    pub(crate) fn signed_in(&self) -> bool {
        self.list().iter().any(|m| m.stage() == Stage::In)
    }

    /// The shared sign-in: `credentials` are tried on one cluster; once it accepts, they are
    /// offered to every other that has not refused them, through the pool. A cluster that
    /// cannot be reached is passed over for the next (that is no refusal); a refusal ends the
    /// attempt there, and nothing is sent to any other cluster.
    pub(crate) async fn sign_in(&self, credentials: Credentials) {
        self.refusal.set(None);
        let serial = self.serial.get_untracked();
        let members = self.list();
        loop {
            let Some(i) = first_to_try(&self.stages()) else {
                return;
            };
            let m = members[i];
            m.access.set(Access::Trying);
            let api = m.entry.with_value(|e| e.api.clone());
            let tried = try_on(&api, credentials.clone()).await;
            if self.serial.get_untracked() != serial {
                return;
            }
            match tried {
                Tried::In { client, cluster } => {
                    m.access.set(Access::In { client, cluster });
                    self.shared.set_value(Some(credentials.clone()));
                    self.load(m);
                    break;
                }
                Tried::Refused => {
                    // Still nothing offered by the user's own choice: the form asks again.
                    m.access.set(Access::Waiting);
                    self.refusal.set(Some(SharedFailure::Refused(m.name())));
                    return;
                }
                Tried::Unreachable(e) => {
                    m.access.set(Access::Unreachable(e.clone()));
                    if first_to_try(&self.stages()).is_none() {
                        self.refusal.set(Some(SharedFailure::Unreachable(e)));
                        return;
                    }
                }
            }
        }
        for i in offer_to(&self.stages()) {
            self.offer(members[i], credentials.clone());
        }
    }

    /// Offers credentials to one cluster, through the pool; a refusal there makes it ask for
    /// its own. Also its own sign-in (the user's credentials for this cluster alone).
    pub(crate) fn offer(&self, m: Member, credentials: Credentials) {
        let store = *self;
        let serial = self.serial.get_untracked();
        m.access.set(Access::Trying);
        self.pool.with_value(|p| p.clone()).run(async move {
            let api = m.entry.with_value(|e| e.api.clone());
            let tried = try_on(&api, credentials).await;
            if store.serial.get_untracked() != serial {
                return;
            }
            match tried {
                Tried::In { client, cluster } => {
                    m.access.set(Access::In {
                        client: client.clone(),
                        cluster: cluster.clone(),
                    });
                    // Its line in the same place of the pool: the clusters signed in first are
                    // read first, not after every other sign-in.
                    m.load.set(Load::Loading);
                    store.read_into(m, &client, &cluster, serial).await;
                }
                Tried::Refused => m.access.set(Access::Refused),
                Tried::Unreachable(e) => m.access.set(Access::Unreachable(e)),
            }
        });
    }

    /// The credentials a signed-in cluster uses, to try again on one that could not be
    /// reached (never on one that refused them).
    pub(crate) fn shared_credentials(&self) -> Option<Credentials> {
        self.shared.get_value()
    }

    /// Reads the overview line of a signed-in cluster, through the pool.
    pub(crate) fn load(&self, m: Member) {
        let Some((client, cluster)) = m.access.with_untracked(|a| match a {
            Access::In { client, cluster } => Some((client.clone(), cluster.clone())),
            _ => None,
        }) else {
            return;
        };
        let store = *self;
        let serial = self.serial.get_untracked();
        m.load.set(Load::Loading);
        self.pool.with_value(|p| p.clone()).run(async move {
            store.read_into(m, &client, &cluster, serial).await;
        });
    }

    /// Reads a cluster's line and sets it, unless the user signed out meanwhile.
    async fn read_into(&self, m: Member, client: &Client, cluster: &Cluster, serial: u64) {
        let line = read_line(client, cluster, self.carrier).await;
        if self.serial.get_untracked() == serial {
            m.load.set(match line {
                Ok(s) => Load::Done(s),
                Err(e) => Load::Failed(e),
            });
        }
    }

    /// Signs out of every cluster: each client revoked (no clone of it sends again), every
    /// state back to the start, and tasks still running set nothing.
    pub(crate) fn sign_out(&self) {
        self.serial.update(|s| *s += 1);
        for m in self.list() {
            m.access.with_untracked(|a| {
                if let Access::In { client, .. } = a {
                    client.revoke();
                }
            });
            m.access.set(Access::Waiting);
            m.load.set(Load::Idle);
        }
        self.refusal.set(None);
        self.shared.set_value(None);
    }
}

/// One cluster's line: its profiles (on a release with TOTP), its accounts and, from 9.14.1,
/// its Duo profiles and groups (a failure there makes the affected accounts "unknown", not
/// the line a failure, as in the accounts view). Read one after the other over HTTP/1.1, side
/// by side when the origin multiplexes ([`Carrier`]).
async fn read_line(
    client: &Client,
    cluster: &Cluster,
    carrier: Carrier,
) -> Result<Summary, ApiError> {
    let release = cluster.version.clone();
    let with_totp = release.as_ref().is_none_or(|v| v.has_totp());
    let with_duo = release.as_ref().is_none_or(has_duo);
    let profiles = async {
        if !with_totp {
            return Ok(None);
        }
        let mut all: Vec<Totp> = Vec::new();
        totps::list_all(client, &["enabled"], |p| all.extend(p)).await?;
        Ok::<_, ApiError>(Some(all))
    };
    let listed = async {
        let mut all = Vec::new();
        accounts::list_all(client, |p| all.extend(p)).await?;
        Ok::<_, ApiError>(all)
    };
    let duo = async {
        if !with_duo {
            return None;
        }
        Some((
            source(api_factors::duo_profiles(client).await),
            source(api_factors::duo_groups(client).await),
        ))
    };
    let (totps, all, duo) = match carrier {
        Carrier::Multiplexed => futures::join!(profiles, listed, duo),
        Carrier::Connections => {
            let totps = profiles.await?;
            let all = listed.await?;
            (Ok(totps), Ok(all), duo.await)
        }
    };
    let (totps, all) = (totps?, all?);
    let mut factors = Factors::for_release(release);
    if let Some((profiles, groups)) = duo {
        factors.duo_profiles = profiles;
        factors.duo_groups = groups;
    }
    Ok(summarize(&all, totps.as_deref(), &factors))
}

fn source<T>(r: Result<Vec<T>, ApiError>) -> Source<T> {
    match r {
        Ok(v) => Source::Read(v),
        Err(e) => Source::Unavailable(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_multiplexing_protocol_reads_side_by_side() {
        assert_eq!(Carrier::of(Some("h2")), Carrier::Multiplexed);
        assert_eq!(Carrier::of(Some("h3")), Carrier::Multiplexed);
        assert_eq!(Carrier::of(Some("http/1.1")), Carrier::Connections);
        assert_eq!(Carrier::of(None), Carrier::Connections);
        assert_eq!(Carrier::Connections.concurrency(), 6);
        assert!(Carrier::Multiplexed.concurrency() > 6);
    }
}
