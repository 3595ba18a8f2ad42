//! The fleet's clusters while the page runs (issue 19): where each one's sign-in stands
//! (`session::fleet`), and its overview line as it loads. Every cluster goes on by itself
//! through one [`Pool`] of bounded concurrency: a slow or failed cluster holds one place in
//! it and shows its own state; the others fill in. Provided by the fleet's shell.
//!
//! Clusters come from `clusters.json` (direct) and from the Unified Manager API gateways it
//! lists ([`Gateway`]): a gateway's clusters become members once its user signed in, each
//! with a client on its tunnel and the gateway's write rule ([`Member::gateway_writes`]). A
//! cluster is one member however it is reached: its UUID is the key, the direct entry wins
//! (the cluster then sees the user signed in, not Unified Manager's account), and the copy
//! through the gateway is named in [`FleetStore::duplicates`], never shown twice silently.

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
use crate::api::gateway::{self, tunnel, WriteGate, Writes};
use crate::api::{accounts, deaf, factors as api_factors, totps, ApiError, Client, Credentials};
use crate::session::fleet::{first_to_try, offer_to, try_with, Access, Stage, Tried};
use crate::session::signin::Typed;
use crate::tables::factors::{Factors, Source};
use crate::tables::fleet::{summarize, Summary};
use crate::tables::fleet_rows::Origin;

use super::fleet_rows::FleetRows;

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

/// One cluster of the fleet: what the file says (or, through a gateway, what Unified Manager
/// said: its name, and its tunnel as `api`), its sign-in and its line.
#[derive(Clone, Copy)]
pub(crate) struct Member {
    pub(crate) entry: StoredValue<Entry>,
    /// Through a Unified Manager gateway; `None` for a cluster of `clusters.json`.
    pub(crate) via: StoredValue<Option<Via>>,
    pub(crate) access: RwSignal<Access>,
    pub(crate) load: RwSignal<Load>,
}

/// How a member is reached through a Unified Manager gateway.
#[derive(Clone)]
pub(crate) struct Via {
    /// The gateway's name in `clusters.json`.
    pub(crate) gateway: String,
    /// Its place in [`FleetStore::gateways`].
    index: usize,
    /// The base Unified Manager writes this cluster's links under.
    links: String,
    /// The gateway's write rule for this sign-in, shared by all its clusters' clients.
    gate: WriteGate,
    /// [`WriteGate`]'s state as a signal, for the views.
    writes: RwSignal<Writes>,
}

impl Member {
    pub(crate) fn name(&self) -> String {
        self.entry.with_value(|e| e.name.clone())
    }
    /// The gateway's name when the cluster is reached through one: every call then runs on
    /// the cluster as the account Unified Manager stores for it, not as the user signed in,
    /// and no self-enrollment is offered (ONTAP lets a user create only their own profile).
    pub(crate) fn via_gateway(&self) -> Option<String> {
        self.via
            .with_value(|v| v.as_ref().map(|v| v.gateway.clone()))
    }
    /// The write rule of the gateway the cluster is reached through (`None`: direct, no such
    /// rule). Tracked. A write control shows why it is off when this is
    /// `Some(Writes::Refused)`; a runner sends one write alone while it is
    /// `Some(Writes::Unknown)`, so that a refusal stops the rest before they are sent. Every
    /// write through the member's client is held to it anyway (`Client::send`).
    pub(crate) fn gateway_writes(&self) -> Option<Writes> {
        self.via
            .with_value(|v| v.as_ref().map(|v| v.writes))
            .map(|w| w.get())
    }
    pub(crate) fn stage(&self) -> Stage {
        self.access.with(Access::stage)
    }
    /// [`Member::gateway_writes`] untracked, for a task deciding whether a write may go now.
    pub(crate) fn gateway_writes_untracked(&self) -> Option<Writes> {
        self.via
            .with_value(|v| v.as_ref().map(|v| v.writes))
            .and_then(|w| w.try_get_untracked())
    }
    /// The signed-in client of the cluster (`None` until it accepted a sign-in).
    pub(crate) fn client(&self) -> Option<Client> {
        self.access.with_untracked(|a| match a {
            Access::In { client, .. } => Some(client.clone()),
            _ => None,
        })
    }
    /// The key of the cluster's rows in the fleet tables ([`Origin::uuid`]): its UUID in lower
    /// case, or its name when it gave none.
    pub(crate) fn origin_uuid(&self, cluster: &Cluster) -> String {
        cluster
            .uuid
            .clone()
            .unwrap_or_else(|| self.name())
            .to_ascii_lowercase()
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

/// A Unified Manager API gateway of `clusters.json`, and where its sign-in stands.
#[derive(Clone, Copy)]
pub(crate) struct Gateway {
    pub(crate) entry: StoredValue<Entry>,
    pub(crate) access: RwSignal<GatewayAccess>,
    /// Its write rule's state in this sign-in (mirrored from its [`WriteGate`]).
    pub(crate) writes: RwSignal<Writes>,
    /// The Unified Manager credentials accepted (memory only), to try a cluster again.
    credentials: StoredValue<Option<Credentials>>,
}

/// Where a gateway's sign-in stands.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum GatewayAccess {
    Waiting,
    Trying,
    /// Signed in as `user` (Unified Manager's); `listed` clusters usable, `skipped` left out
    /// for a UUID that does not fit a path.
    In {
        user: String,
        listed: usize,
        skipped: usize,
    },
    /// 401: Unified Manager refused the credentials; never retried by the page.
    Refused,
    Unreachable(ApiError),
}

impl Gateway {
    pub(crate) fn name(&self) -> String {
        self.entry.with_value(|e| e.name.clone())
    }
}

/// A cluster listed by a gateway that is also a member of the file (the same UUID): shown
/// once, from its direct entry.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Duplicate {
    pub(crate) uuid: String,
    /// Its name as Unified Manager gave it.
    pub(crate) listed_as: String,
    pub(crate) gateway: String,
    /// The member of the file that stands for it.
    pub(crate) direct: String,
}

/// The fleet: its members in the file's order (a gateway's after them, once signed in), and
/// what was wrong in the file.
#[derive(Clone, Copy)]
pub(crate) struct FleetStore {
    members: RwSignal<Vec<Member>>,
    pub(crate) gateways: StoredValue<Vec<Gateway>>,
    /// Clusters both in the file and behind a gateway, shown once.
    pub(crate) duplicates: RwSignal<Vec<Duplicate>>,
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
    /// The fleet tables' rows, kept from each cluster's read (`/fleet/profiles`, `/fleet/accounts`).
    pub(crate) rows: FleetRows,
    /// What was typed into the single-cluster form before this page took its place, for the
    /// shared sign-in to start with (taken once).
    carried: StoredValue<Option<Typed>>,
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
                via: StoredValue::new(None),
                access: RwSignal::new(Access::Waiting),
                load: RwSignal::new(Load::Idle),
            })
            .collect();
        let gateways = file
            .gateways
            .iter()
            .map(|e| Gateway {
                entry: StoredValue::new(e.clone()),
                access: RwSignal::new(GatewayAccess::Waiting),
                writes: RwSignal::new(Writes::Unknown),
                credentials: StoredValue::new(None),
            })
            .collect();
        FleetStore {
            members: RwSignal::new(members),
            gateways: StoredValue::new(gateways),
            duplicates: RwSignal::new(Vec::new()),
            file: StoredValue::new(file),
            refusal: RwSignal::new(None),
            shared: StoredValue::new(None),
            serial: RwSignal::new(0),
            pool: StoredValue::new_local(Pool::new(carrier.concurrency())),
            carrier,
            rows: FleetRows::new(),
            carried: StoredValue::new(None),
        }
    }

    /// Keeps `typed` for the shared sign-in ([`FleetStore::take_carried`]).
    pub(crate) fn carry(&self, typed: Option<Typed>) {
        self.carried.set_value(typed);
    }

    /// What was typed before the fleet's page came, once.
    pub(crate) fn take_carried(&self) -> Option<Typed> {
        self.carried.try_update_value(Option::take).flatten()
    }

    pub(crate) fn provide(file: Fleet) -> FleetStore {
        let s = FleetStore::new(file);
        provide_context(s);
        s
    }

    pub(crate) fn use_ctx() -> FleetStore {
        expect_context::<FleetStore>()
    }

    /// The pool every cluster's work goes through (offboarding's reads too).
    pub(crate) fn pool(&self) -> Pool {
        self.pool.with_value(|p| p.clone())
    }

    /// Every member, tracked: a gateway's clusters join once its user signed in.
    pub(crate) fn list(&self) -> Vec<Member> {
        self.members.get()
    }

    pub(crate) fn list_untracked(&self) -> Vec<Member> {
        self.members.get_untracked()
    }

    /// The members of the file itself, the ones the shared sign-in is for.
    fn direct(&self) -> Vec<Member> {
        let mut all = self.list_untracked();
        all.retain(|m| m.via.with_value(Option::is_none));
        all
    }

    fn stages(&self) -> Vec<Stage> {
        self.direct().iter().map(Member::stage).collect()
    }

    /// True once any cluster accepted a credential set, or a gateway its user.
    pub(crate) fn signed_in(&self) -> bool {
        self.list().iter().any(|m| m.stage() == Stage::In)
            || self
                .gateway_list()
                .iter()
                .any(|g| g.access.with(|a| matches!(a, GatewayAccess::In { .. })))
    }

    /// [`FleetStore::signed_in`], not tracked (for timers).
    pub(crate) fn signed_in_untracked(&self) -> bool {
        untrack(|| self.signed_in())
    }

    /// Whether the file lists clusters of its own (not only behind a gateway): the shared
    /// sign-in form is for them.
    pub(crate) fn has_direct(&self) -> bool {
        self.list_untracked()
            .iter()
            .any(|m| m.via_gateway().is_none())
    }

    /// True once a cluster of the file accepted the shared credentials (the shared form then
    /// goes); false too when the file lists no cluster of its own.
    pub(crate) fn direct_signed_in(&self) -> bool {
        self.list()
            .iter()
            .any(|m| m.via.with_value(Option::is_none) && m.stage() == Stage::In)
    }

    pub(crate) fn gateway_list(&self) -> Vec<Gateway> {
        self.gateways.get_value()
    }

    /// The shared sign-in: `credentials` are tried on one cluster; once it accepts, they are
    /// offered to every other that has not refused them, through the pool. A cluster that
    /// cannot be reached is passed over for the next (that is no refusal); a refusal ends the
    /// attempt there, and nothing is sent to any other cluster.
    pub(crate) async fn sign_in(&self, credentials: Credentials) {
        self.refusal.set(None);
        let serial = self.serial.get_untracked();
        let members = self.direct();
        loop {
            let Some(i) = first_to_try(&self.stages()) else {
                return;
            };
            let m = members[i];
            m.access.set(Access::Trying);
            let tried = try_with(self.client_for(m, credentials.clone())).await;
            if self.serial.get_untracked() != serial {
                return;
            }
            match tried {
                Tried::In { client, cluster } => {
                    self.shown_once(m, &cluster);
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
    /// its own. Also its own sign-in (the user's credentials for this cluster alone). A
    /// gateway's cluster never asks for its own (Unified Manager signs in to it): a 401
    /// through the tunnel leaves it unreachable, saying so.
    pub(crate) fn offer(&self, m: Member, credentials: Credentials) {
        let store = *self;
        let serial = self.serial.get_untracked();
        m.access.set(Access::Trying);
        let client = self.client_for(m, credentials);
        let through_gateway = m.via.with_value(Option::is_some);
        self.pool.with_value(|p| p.clone()).run(async move {
            let tried = try_with(client).await;
            if store.serial.get_untracked() != serial {
                return;
            }
            match tried {
                Tried::In { client, cluster } => {
                    if !through_gateway {
                        store.shown_once(m, &cluster);
                    }
                    m.access.set(Access::In {
                        client: client.clone(),
                        cluster: cluster.clone(),
                    });
                    // Its line in the same place of the pool: the clusters signed in first are
                    // read first, not after every other sign-in.
                    m.load.set(Load::Loading);
                    store.read_into(m, &client, &cluster, serial).await;
                }
                Tried::Refused if through_gateway => {
                    m.access.set(Access::Unreachable(ApiError::Unauthorized))
                }
                Tried::Refused => m.access.set(Access::Refused),
                Tried::Unreachable(e) => m.access.set(Access::Unreachable(e)),
            }
        });
    }

    /// A client for one member: on its own base, or on its gateway's tunnel with the
    /// gateway's link base and write rule.
    fn client_for(&self, m: Member, credentials: Credentials) -> Client {
        let api = m.entry.with_value(|e| e.api.clone());
        let client = Client::new(&api, credentials, deaf()).reading_off_thread();
        match m.via.get_value() {
            Some(via) => client.through_gateway(via.links, via.gate),
            None => client,
        }
    }

    /// The credentials a signed-in cluster uses, to try again on one that could not be
    /// reached (never on one that refused them).
    pub(crate) fn shared_credentials(&self) -> Option<Credentials> {
        self.shared.get_value()
    }

    /// The credentials to try `m` again with: the shared set for a cluster of the file, the
    /// gateway's Unified Manager credentials for one of its clusters.
    pub(crate) fn retry_credentials(&self, m: Member) -> Option<Credentials> {
        match m.via.get_value() {
            Some(via) => self
                .gateways
                .with_value(|g| g.get(via.index).copied())
                .and_then(|g| g.credentials.get_value()),
            None => self.shared_credentials(),
        }
    }

    /// A cluster of the file just signed in as `cluster`: a gateway's member with its UUID is
    /// the same cluster, so it goes, and the fleet says so.
    fn shown_once(&self, direct: Member, cluster: &ontap_model::Cluster) {
        let Some(uuid) = cluster.uuid.clone() else {
            return;
        };
        let mut gone = Vec::new();
        self.members.update(|ms| {
            ms.retain(|m| {
                let twin = m.via.with_value(|v| v.as_ref().map(|v| v.gateway.clone()));
                match twin {
                    Some(gateway)
                        if m.entry.with_value(|e| {
                            same_uuid(e.api.rsplit('/').next().unwrap_or(""), &uuid)
                        }) =>
                    {
                        gone.push(Duplicate {
                            uuid: uuid.clone(),
                            listed_as: m.name(),
                            gateway,
                            direct: direct.name(),
                        });
                        false
                    }
                    _ => true,
                }
            })
        });
        if !gone.is_empty() {
            self.duplicates.update(|d| d.extend(gone));
        }
    }

    /// The member of the file signed in to the cluster `uuid`, if any.
    fn direct_with_uuid(&self, uuid: &str) -> Option<Member> {
        self.direct().into_iter().find(|m| {
            m.cluster()
                .and_then(|c| c.uuid)
                .is_some_and(|u| same_uuid(&u, uuid))
        })
    }

    /// Signs in to a Unified Manager gateway with Unified Manager's own credentials (basic
    /// authentication, the one scheme its API documents) and lists its clusters (every page
    /// of `GET /api/gateways`); each becomes a member on its tunnel, tried and read through the
    /// pool. A refusal (401) is not retried. A cluster already signed in directly is shown
    /// once, from its direct entry ([`FleetStore::duplicates`]).
    pub(crate) async fn sign_in_gateway(&self, g: Gateway, credentials: Credentials) {
        let serial = self.serial.get_untracked();
        g.access.set(GatewayAccess::Trying);
        let (api, gname) = g.entry.with_value(|e| (e.api.clone(), e.name.clone()));
        let listing = Client::new(&api, credentials.clone(), deaf());
        let listed = gateway::clusters(&listing).await;
        if self.serial.get_untracked() != serial {
            return;
        }
        let (clusters, skipped) = match listed {
            Ok(x) => x,
            Err(ApiError::Unauthorized) => return g.access.set(GatewayAccess::Refused),
            Err(e) => return g.access.set(GatewayAccess::Unreachable(e)),
        };
        let index = self
            .gateway_list()
            .iter()
            .position(|x| x.entry.with_value(|e| e.line) == g.entry.with_value(|e| e.line))
            .unwrap_or(0);
        let writes = g.writes;
        writes.set(Writes::Unknown);
        let gate = WriteGate::new(move |w| writes.set(w.clone()));
        g.credentials.set_value(Some(credentials.clone()));
        g.access.set(GatewayAccess::In {
            user: credentials.user().unwrap_or_default(),
            listed: clusters.len(),
            skipped,
        });
        let line = g.entry.with_value(|e| e.line);
        let mut added = Vec::new();
        for c in clusters {
            let uuid = c.uuid.clone().unwrap_or_default();
            let listed_as = c.name.clone().filter(|n| !n.trim().is_empty());
            if let Some(direct) = self.direct_with_uuid(&uuid) {
                self.duplicates.update(|d| {
                    d.push(Duplicate {
                        uuid: uuid.clone(),
                        listed_as: listed_as.clone().unwrap_or_else(|| uuid.clone()),
                        gateway: gname.clone(),
                        direct: direct.name(),
                    })
                });
                continue;
            }
            let (base, links) = tunnel(&api, &uuid);
            added.push(Member {
                entry: StoredValue::new(Entry {
                    name: listed_as.unwrap_or(uuid),
                    api: base,
                    line,
                }),
                via: StoredValue::new(Some(Via {
                    gateway: gname.clone(),
                    index,
                    links,
                    gate: gate.clone(),
                    writes,
                })),
                access: RwSignal::new(Access::Waiting),
                load: RwSignal::new(Load::Idle),
            });
        }
        self.members.update(|ms| ms.extend(added.iter().copied()));
        for m in added {
            self.offer(m, credentials.clone());
        }
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
                Ok((s, profiles)) => {
                    let origin = Origin {
                        uuid: m.origin_uuid(cluster),
                        name: m.name(),
                        via: m.via_gateway(),
                    };
                    self.rows.add(origin, profiles, s.lines.clone());
                    Load::Done(s)
                }
                Err(e) => Load::Failed(e),
            });
        }
    }

    /// Signs out of every cluster: each client revoked (no clone of it sends again), every
    /// state back to the start, and tasks still running set nothing.
    pub(crate) fn sign_out(&self) {
        self.serial.update(|s| *s += 1);
        self.carried.set_value(None);
        for m in self.list_untracked() {
            m.access.with_untracked(|a| {
                if let Access::In { client, .. } = a {
                    client.revoke();
                }
            });
            m.access.set(Access::Waiting);
            m.load.set(Load::Idle);
        }
        // A gateway's clusters are learnt at its sign-in: they go with it.
        self.members
            .update(|ms| ms.retain(|m| m.via.with_value(Option::is_none)));
        for g in self.gateway_list() {
            g.access.set(GatewayAccess::Waiting);
            g.writes.set(Writes::Unknown);
            g.credentials.set_value(None);
        }
        self.duplicates.set(Vec::new());
        self.refusal.set(None);
        self.shared.set_value(None);
        self.rows.clear();
    }
}

/// Two spellings of one UUID (ONTAP writes them in lower case; nothing says Unified Manager does).
fn same_uuid(a: &str, b: &str) -> bool {
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// One cluster's line: its profiles (on a release with TOTP), its accounts and, from 9.14.1,
/// its Duo profiles and groups (a failure there makes the affected accounts "unknown", not
/// the line a failure, as in the accounts view). Read one after the other over HTTP/1.1, side
/// by side when the origin multiplexes ([`Carrier`]). With the line, the profiles as read
/// (`None` without TOTP): the fleet profile table's rows, with the fields that table shows.
async fn read_line(
    client: &Client,
    cluster: &Cluster,
    carrier: Carrier,
) -> Result<(Summary, Option<Vec<Totp>>), ApiError> {
    let release = cluster.version.clone();
    let with_totp = release.as_ref().is_none_or(|v| v.has_totp());
    let with_duo = release.as_ref().is_none_or(has_duo);
    let profiles = async {
        if !with_totp {
            return Ok(None);
        }
        let mut all: Vec<Totp> = Vec::new();
        totps::list_all_large(client, FLEET_PROFILE_FIELDS, |p| all.extend(p)).await?;
        Ok::<_, ApiError>(Some(all))
    };
    let listed = async {
        let mut all = Vec::new();
        accounts::list_all_factors(client, |p| all.extend(p)).await?;
        Ok::<_, ApiError>(all)
    };
    let duo = async {
        if !with_duo {
            return None;
        }
        // Side by side too when multiplexed: the groups asked only once the profiles' answer
        // was handled would wait behind every other cluster's parsing on the main thread.
        let (profiles, groups) = match carrier {
            Carrier::Multiplexed => futures::join!(
                api_factors::duo_profiles(client),
                api_factors::duo_groups(client)
            ),
            Carrier::Connections => (
                api_factors::duo_profiles(client).await,
                api_factors::duo_groups(client).await,
            ),
        };
        Some((source(profiles), source(groups)))
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
    let summary = summarize(&all, totps.as_deref(), &factors);
    Ok((summary, totps))
}

/// The profile fields a cluster's line reads: `enabled` for the line, the rest for the fleet
/// profile table (not the fingerprint: 64 characters a row that table does not show).
const FLEET_PROFILE_FIELDS: &[&str] = &["enabled", "owner.name", "scope", "comment"];

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
