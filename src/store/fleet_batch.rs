//! Offboarding across a fleet (issue 19): "disable this person's profiles everywhere" and
//! "require TOTP for these accounts everywhere". Finding reads each signed-in cluster's
//! profiles and accounts of those names fresh (every SVM), through the fleet's pool, and
//! plans per cluster what changes and what is left alone, and why ([`plan_cluster`], native
//! tests). The run is the bulk runner's (`store::batch`, started by the page): its bounded
//! in-flight count is the fleet-wide bound, and [`Gates`] adds the bound per cluster and the
//! gateway's write rule: while a gateway's writes are `Unknown`, a write through it goes only
//! when nothing else through it is in flight, so its first write goes alone and a refusal
//! stops the rest before they are sent. A row's key is cluster UUID + owner UUID + account
//! name ([`Item::key`]). Provided by the fleet's shell: a run outlives leaving the page.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;
use ontap_model::account_change::{self, AccountChange, AccountPatch, Refusal};
use ontap_model::bulk::{self, Action, Planned, Target};
use ontap_model::{Account, AccountName, Totp};

use crate::api::gateway::Writes;
use crate::api::{identity, totps, ApiError, Client};
use crate::session::fleet::Access;
use crate::store::batch::Runner;
use crate::store::fleet::{FleetStore, Member};
use crate::tables::fleet_rows::RowKey;

/// Writes in flight to one cluster at once: a cluster with many rows holds at most this many
/// of the run's places, so the others' rows go side by side with it.
pub(crate) const PER_CLUSTER: usize = 2;

/// What offboarding does to every account named, on every cluster and SVM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offboard {
    /// `enabled=false` on each of their profiles (ONTAP's reset: the user must enroll again).
    Disable,
    /// SSH's second authentication method becomes `totp` on each of their accounts.
    RequireTotp,
}

impl Offboard {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Offboard::Disable => "Disable their TOTP profiles",
            Offboard::RequireTotp => "Require TOTP for SSH",
        }
    }
    /// The action's column in the CSV.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Offboard::Disable => "disable",
            Offboard::RequireTotp => "require totp",
        }
    }
    /// What the change log says was changed.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Offboard::Disable => "disable the profile (offboarding across the fleet)",
            Offboard::RequireTotp => "require TOTP for SSH (across the fleet)",
        }
    }
    /// What a row is: "profile" or "account".
    pub(crate) fn one(self) -> &'static str {
        match self {
            Offboard::Disable => "profile",
            Offboard::RequireTotp => "account",
        }
    }
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Offboard::Disable => "profiles",
            Offboard::RequireTotp => "accounts",
        }
    }
}

/// The account names typed (separated by commas, semicolons, spaces or lines), each checked
/// as an [`AccountName`], in order, once each; or what is wrong, naming the first bad one.
pub(crate) fn parse_names(text: &str) -> Result<Vec<AccountName>, String> {
    let mut names: Vec<AccountName> = Vec::new();
    for part in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        if part.is_empty() {
            continue;
        }
        let n = AccountName::try_from(part)
            .map_err(|e| format!("“{}”: {e}", crate::text::name(part)))?;
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if names.is_empty() {
        return Err("Enter the account name of the person to offboard.".into());
    }
    Ok(names)
}

/// Why an account, an SVM's profile or a whole cluster is left alone.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Skip {
    AlreadyDisabled,
    /// The account is there, on this SVM, without a TOTP profile.
    NoProfile,
    /// No account of that name on the cluster.
    NoAccount,
    /// A row picked in a fleet table that the fresh read no longer has on its SVM.
    Gone,
    AlreadyRequired,
    /// ONTAP would refuse the change (no SSH, a first method TOTP cannot follow...).
    CannotRequire(String),
    /// The cluster's release has no TOTP (before 9.13.1): the release, short.
    NoTotp(String),
    /// Nobody is signed in to the cluster.
    NotSignedIn,
    /// The cluster could not be reached, or read.
    Unreachable(ApiError),
    /// Its Unified Manager gateway refused a write in this sign-in: nothing is sent through it.
    GatewayRefused(String),
}

impl Skip {
    /// A short word for the reason, for the CSV and the badge.
    pub(crate) fn short(&self) -> &'static str {
        match self {
            Skip::AlreadyDisabled => "already disabled",
            Skip::NoProfile => "no profile",
            Skip::NoAccount => "no such account",
            Skip::Gone => "gone",
            Skip::AlreadyRequired => "already required",
            Skip::CannotRequire(_) => "cannot require",
            Skip::NoTotp(_) => "release without TOTP",
            Skip::NotSignedIn => "not signed in",
            Skip::Unreachable(_) => "cluster unreachable",
            Skip::GatewayRefused(_) => "gateway refused writes",
        }
    }
    /// True when the account is already as the action leaves it (not a problem to look at).
    pub(crate) fn is_settled(&self) -> bool {
        matches!(
            self,
            Skip::AlreadyDisabled
                | Skip::NoProfile
                | Skip::NoAccount
                | Skip::Gone
                | Skip::AlreadyRequired
        )
    }
}

/// One write the run will send: to the profile or the account of one SVM.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Found {
    pub(crate) owner_uuid: String,
    pub(crate) svm: String,
    pub(crate) account: String,
    pub(crate) change: Change,
    /// The clustershell command that does the same, or why there is none.
    pub(crate) cli: Result<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Change {
    Disable(Planned),
    /// The PATCH, and the account as read (the write is computed from its applications).
    Require {
        patch: AccountPatch,
        read: Account,
    },
}

/// One account or profile left alone, and why.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Left {
    pub(crate) owner_uuid: String,
    pub(crate) svm: String,
    pub(crate) account: String,
    pub(crate) skip: Skip,
}

/// Plans one cluster from what was read of it (`totps`: the profiles of those names; empty
/// for [`Offboard::RequireTotp`], which reads none). Every SVM's account of each name is a
/// row: changed, or left alone with its reason; a name with no account and no profile on the
/// cluster is one row "no such account".
pub(crate) fn plan_cluster(
    action: Offboard,
    names: &[AccountName],
    totps: &[Totp],
    accounts: &[Account],
) -> (Vec<Found>, Vec<Left>) {
    let (mut found, mut left) = (Vec::new(), Vec::new());
    // By name first: rows picked in a fleet table can name thousands of accounts.
    let mut accounts_of: HashMap<&str, Vec<&Account>> = HashMap::new();
    for a in accounts {
        if let Some(n) = a.name.as_deref() {
            accounts_of.entry(n).or_default().push(a);
        }
    }
    let mut totps_of: HashMap<&str, Vec<&Totp>> = HashMap::new();
    for t in totps {
        if let Some(n) = t.account_name() {
            totps_of.entry(n).or_default().push(t);
        }
    }
    for name in names {
        let name = name.as_str();
        let mine: &[&Account] = accounts_of.get(name).map_or(&[], Vec::as_slice);
        let svm_of = |a: &Account| a.owner_name().unwrap_or_default().to_owned();
        let owner_of = |a: &Account| a.owner_uuid().unwrap_or_default().to_owned();
        match action {
            Offboard::Disable => {
                let profiles: &[&Totp] = totps_of.get(name).map_or(&[], Vec::as_slice);
                for t in profiles {
                    let Some(target) = Target::from_totp(t) else {
                        continue;
                    };
                    let (owner_uuid, svm) =
                        (target.key.owner.as_str().to_owned(), target.svm.clone());
                    match bulk::plan_one(&Action::Disable, &target) {
                        Ok(p) => found.push(Found {
                            owner_uuid,
                            svm,
                            account: name.to_owned(),
                            cli: p
                                .cli
                                .as_ref()
                                .map(|c| c.line.clone())
                                .map_err(|e| e.to_string()),
                            change: Change::Disable(p),
                        }),
                        Err(_) => left.push(Left {
                            owner_uuid,
                            svm,
                            account: name.to_owned(),
                            skip: Skip::AlreadyDisabled,
                        }),
                    }
                }
                for a in mine {
                    let has = profiles.iter().any(|t| {
                        t.owner_uuid()
                            .zip(a.owner_uuid())
                            .is_some_and(|(x, y)| x.eq_ignore_ascii_case(y))
                    });
                    if !has {
                        left.push(Left {
                            owner_uuid: owner_of(a),
                            svm: svm_of(a),
                            account: name.to_owned(),
                            skip: Skip::NoProfile,
                        });
                    }
                }
                if profiles.is_empty() && mine.is_empty() {
                    left.push(nobody(name));
                }
            }
            Offboard::RequireTotp => {
                for a in mine {
                    let (owner_uuid, svm) = (owner_of(a), svm_of(a));
                    match AccountChange::RequireTotp.plan(a) {
                        Ok(patch) => {
                            let first = a
                                .ssh()
                                .and_then(|s| s.authentication_methods.first())
                                .map(String::as_str);
                            let cli = account_change::cli_command(
                                AccountChange::RequireTotp,
                                &svm,
                                name,
                                first,
                            )
                            .map(|c| c.line)
                            .map_err(|e| e.to_string());
                            found.push(Found {
                                owner_uuid,
                                svm,
                                account: name.to_owned(),
                                change: Change::Require {
                                    patch,
                                    read: (*a).clone(),
                                },
                                cli,
                            });
                        }
                        Err(r) => left.push(Left {
                            owner_uuid,
                            svm,
                            account: name.to_owned(),
                            skip: match r {
                                Refusal::AlreadyRequired => Skip::AlreadyRequired,
                                r => Skip::CannotRequire(r.to_string()),
                            },
                        }),
                    }
                }
                if mine.is_empty() {
                    left.push(nobody(name));
                }
            }
        }
    }
    (found, left)
}

/// Rows picked in a fleet table: a Find limited to them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Picked {
    /// The table they were picked in, as the review names it.
    pub(crate) from: &'static str,
    pub(crate) keys: Arc<HashSet<RowKey>>,
}

impl Picked {
    /// The clusters (UUIDs) with picked rows.
    fn clusters(&self) -> HashSet<&str> {
        self.keys.iter().map(|k| k.cluster_uuid.as_str()).collect()
    }
    /// The account names picked on `cluster`, each once, in order.
    fn names_on(&self, cluster: &str) -> Vec<AccountName> {
        let mut names: Vec<&str> = self
            .keys
            .iter()
            .filter(|k| k.cluster_uuid == cluster)
            .map(|k| k.account.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .filter_map(|n| AccountName::try_from(n).ok())
            .collect()
    }
}

/// Keeps of one cluster's plan only the rows picked on it (`cluster`: its UUID, lower case).
/// A picked row the fresh read no longer has is a row too, [`Skip::Gone`]: nothing picked is
/// dropped without a word.
pub(crate) fn keep_picked(
    cluster: &str,
    picked: &HashSet<RowKey>,
    mut found: Vec<Found>,
    mut left: Vec<Left>,
) -> (Vec<Found>, Vec<Left>) {
    let key = |owner: &str, account: &str| RowKey {
        cluster_uuid: cluster.to_owned(),
        owner_uuid: owner.to_ascii_lowercase(),
        account: account.to_owned(),
    };
    found.retain(|f| picked.contains(&key(&f.owner_uuid, &f.account)));
    left.retain(|l| picked.contains(&key(&l.owner_uuid, &l.account)));
    let planned: HashSet<(String, &str)> = found
        .iter()
        .map(|f| (f.owner_uuid.to_ascii_lowercase(), f.account.as_str()))
        .chain(
            left.iter()
                .map(|l| (l.owner_uuid.to_ascii_lowercase(), l.account.as_str())),
        )
        .collect();
    let mut gone: Vec<&RowKey> = picked
        .iter()
        .filter(|k| k.cluster_uuid == cluster)
        .filter(|k| !planned.contains(&(k.owner_uuid.clone(), k.account.as_str())))
        .collect();
    gone.sort();
    left.extend(gone.into_iter().map(|k| Left {
        owner_uuid: k.owner_uuid.clone(),
        svm: String::new(),
        account: k.account.clone(),
        skip: Skip::Gone,
    }));
    (found, left)
}

fn nobody(name: &str) -> Left {
    Left {
        owner_uuid: String::new(),
        svm: String::new(),
        account: name.to_owned(),
        skip: Skip::NoAccount,
    }
}

/// Where finding stands on one cluster.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Finding {
    Reading,
    Read {
        found: Vec<Found>,
        left: Vec<Left>,
    },
    /// The whole cluster is left alone.
    Skipped(Skip),
}

/// One cluster's finding.
#[derive(Clone, Copy)]
pub(crate) struct ClusterFind {
    pub(crate) member: Member,
    pub(crate) state: RwSignal<Finding>,
}

impl ClusterFind {
    /// The cluster's UUID (the key), once signed in.
    pub(crate) fn uuid(&self) -> String {
        cluster_uuid(self.member)
    }
}

fn cluster_uuid(m: Member) -> String {
    m.access
        .with_untracked(|a| match a {
            Access::In { cluster, .. } => cluster.uuid.clone(),
            _ => None,
        })
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Why a cluster is left alone before anything is read of it, if it is.
fn left_alone(m: Member) -> Option<Skip> {
    let release = m.access.with_untracked(|a| match a {
        Access::In { cluster, .. } => Ok(cluster.version.clone()),
        Access::Unreachable(e) => Err(Skip::Unreachable(e.clone())),
        _ => Err(Skip::NotSignedIn),
    });
    let release = match release {
        Ok(r) => r,
        Err(s) => return Some(s),
    };
    if let Some(Writes::Refused { said }) = m.gateway_writes_untracked() {
        return Some(Skip::GatewayRefused(said));
    }
    match release {
        Some(v) if !v.has_totp() => Some(Skip::NoTotp(v.short())),
        _ => None,
    }
}

/// Names asked of one cluster above which offboarding reads its whole collections once
/// instead of two filtered reads per name: rows picked in a fleet table can name thousands,
/// and one listing (about 1 MB per 2,000 records) costs less than a few dozen round trips.
pub(crate) const NAMED_READS: usize = 8;

/// Reads what offboarding needs of one cluster: for each name, its accounts (every SVM) and,
/// to disable, its profiles; side by side. Above [`NAMED_READS`] names, every account and
/// profile at once, those of other names dropped.
async fn read_cluster(
    client: &Client,
    action: Offboard,
    names: &[AccountName],
) -> Result<(Vec<Totp>, Vec<Account>), ApiError> {
    if names.len() > NAMED_READS {
        let wanted: HashSet<&str> = names.iter().map(AccountName::as_str).collect();
        let profiles = async {
            match action {
                Offboard::Disable => totps::all_to_plan(client).await,
                Offboard::RequireTotp => Ok(Vec::new()),
            }
        };
        let accounts = async {
            let mut all = Vec::new();
            crate::api::accounts::list_all(client, |p| all.extend(p)).await?;
            Ok::<_, ApiError>(all)
        };
        let (t, a) = futures::join!(profiles, accounts);
        let (mut t, mut a) = (t?, a?);
        t.retain(|t| t.account_name().is_some_and(|n| wanted.contains(n)));
        a.retain(|a| a.name.as_deref().is_some_and(|n| wanted.contains(n)));
        return Ok((t, a));
    }
    let (mut all_totps, mut all_accounts) = (Vec::new(), Vec::new());
    for n in names {
        let profiles = async {
            match action {
                Offboard::Disable => totps::named(client, n.as_str()).await,
                Offboard::RequireTotp => Ok(Vec::new()),
            }
        };
        let (t, a) = futures::join!(
            profiles,
            identity::accounts_named_in_full(client, n.as_str())
        );
        all_totps.extend(t?);
        all_accounts.extend(a?);
    }
    Ok((all_totps, all_accounts))
}

/// One row of a run: a [`Found`] on one cluster.
#[derive(Clone)]
pub(crate) struct Item {
    pub(crate) member: Member,
    /// The cluster's name as shown.
    pub(crate) cluster: String,
    pub(crate) cluster_uuid: String,
    /// The Unified Manager gateway it is reached through, if any.
    pub(crate) gateway: Option<String>,
    pub(crate) found: Found,
}

impl Item {
    /// Cluster UUID + owner UUID + account name: the row's key everywhere (the results'
    /// `data-key`, the CSV, the change log).
    pub(crate) fn key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.cluster_uuid, self.found.owner_uuid, self.found.account
        )
    }
}

/// The rows of every cluster, taken in turns (one of each cluster, then the second of each...),
/// so that the run's places are shared among the clusters from the start.
pub(crate) fn interleave<T>(groups: Vec<Vec<T>>) -> Vec<T> {
    let mut its: Vec<std::vec::IntoIter<T>> = groups.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::new();
    loop {
        let before = out.len();
        for it in &mut its {
            if let Some(x) = it.next() {
                out.push(x);
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// Who may write now: at most [`PER_CLUSTER`] writes to one cluster, and through a gateway
/// whose writes are `Unknown` one write at a time, alone (the gateway's write rule,
/// docs/architecture.md). Plain data, tested natively; [`Gates`] waits on it.
#[derive(Debug, Default)]
pub(crate) struct Lanes {
    per_cluster: HashMap<String, usize>,
    per_gateway: HashMap<String, usize>,
}

impl Lanes {
    /// Takes a place for a write to `cluster` (through `gateway`, whose writes stand at the
    /// given state) if it may go now.
    pub(crate) fn take(&mut self, cluster: &str, gateway: Option<(&str, &Writes)>) -> bool {
        if self.per_cluster.get(cluster).copied().unwrap_or(0) >= PER_CLUSTER {
            return false;
        }
        if let Some((g, w)) = gateway {
            if *w == Writes::Unknown && self.per_gateway.get(g).copied().unwrap_or(0) > 0 {
                return false;
            }
            *self.per_gateway.entry(g.to_owned()).or_default() += 1;
        }
        *self.per_cluster.entry(cluster.to_owned()).or_default() += 1;
        true
    }
    pub(crate) fn give_back(&mut self, cluster: &str, gateway: Option<&str>) {
        if let Some(n) = self.per_cluster.get_mut(cluster) {
            *n = n.saturating_sub(1);
        }
        if let Some(n) = gateway.and_then(|g| self.per_gateway.get_mut(g)) {
            *n = n.saturating_sub(1);
        }
    }
}

/// [`Lanes`] shared by a run's writes, with the writes waiting for a place.
#[derive(Clone, Default)]
pub(crate) struct Gates(Rc<RefCell<(Lanes, Vec<oneshot::Sender<()>>)>>);

/// A place taken in [`Gates`]; given back when dropped (the write answered, or was dropped).
pub(crate) struct Pass {
    gates: Gates,
    cluster: String,
    gateway: Option<String>,
}

impl Drop for Pass {
    fn drop(&mut self) {
        let waiting = {
            let mut g = self.gates.0.borrow_mut();
            g.0.give_back(&self.cluster, self.gateway.as_deref());
            std::mem::take(&mut g.1)
        };
        for w in waiting {
            let _ = w.send(());
        }
    }
}

impl Gates {
    /// Waits for a place for `item`'s write. The gateway's state is read each time a place
    /// frees up: once its first write is answered, the rest go side by side (accepted) or
    /// end not sent at once (refused: the client keeps them from the network).
    pub(crate) async fn enter(&self, item: &Item) -> Pass {
        loop {
            let wait = {
                let mut g = self.0.borrow_mut();
                let writes = item.gateway.as_ref().map(|_| {
                    item.member
                        .gateway_writes_untracked()
                        .unwrap_or(Writes::Unknown)
                });
                let gw = item.gateway.as_deref().zip(writes.as_ref());
                if g.0.take(&item.cluster_uuid, gw) {
                    None
                } else {
                    let (tx, rx) = oneshot::channel();
                    g.1.push(tx);
                    Some(rx)
                }
            };
            match wait {
                None => {
                    return Pass {
                        gates: self.clone(),
                        cluster: item.cluster_uuid.clone(),
                        gateway: item.gateway.clone(),
                    }
                }
                Some(rx) => {
                    let _ = rx.await;
                }
            }
        }
    }
}

/// A run, with what it was made from.
#[derive(Clone, Copy)]
pub(crate) struct FleetRun {
    pub(crate) runner: Runner<Item>,
    pub(crate) action: Offboard,
    /// Every row left alone, with its cluster (name, UUID), for the report and the CSV.
    pub(crate) left: StoredValue<Vec<(String, String, Left)>>,
    /// When Find was pressed (`performance.now()`): the report's "Find to last result".
    pub(crate) find_ms: f64,
}

/// Offboarding's state, kept by the fleet's shell: the form, the finding per cluster, the run.
#[derive(Clone, Copy)]
pub(crate) struct OffboardState {
    // Weak: held in the owner's own arena, a strong one would never be cleaned up.
    owner: StoredValue<Option<WeakOwner>, LocalStorage>,
    pub(crate) names: RwSignal<String>,
    pub(crate) action: RwSignal<Offboard>,
    /// The names and action of the last Find.
    pub(crate) found_for: RwSignal<Option<(Vec<AccountName>, Offboard)>>,
    /// The rows the last Find was limited to, when it came from a fleet table's selection.
    pub(crate) picked: RwSignal<Option<Picked>>,
    pub(crate) finds: RwSignal<Vec<ClusterFind>>,
    pub(crate) run: RwSignal<Option<FleetRun>>,
    pub(crate) find_ms: RwSignal<f64>,
    serial: StoredValue<u64>,
}

impl OffboardState {
    pub(crate) fn provide() -> OffboardState {
        let s = OffboardState {
            owner: StoredValue::new_local(Owner::current().map(|o| o.downgrade())),
            names: RwSignal::new(String::new()),
            action: RwSignal::new(Offboard::Disable),
            found_for: RwSignal::new(None),
            picked: RwSignal::new(None),
            finds: RwSignal::new(Vec::new()),
            run: RwSignal::new(None),
            find_ms: RwSignal::new(0.0),
            serial: StoredValue::new(0),
        };
        provide_context(s);
        s
    }

    pub(crate) fn use_ctx() -> OffboardState {
        expect_context::<OffboardState>()
    }

    /// Runs `f` under the shell's owner (a run's signals outlive the page).
    pub(crate) fn under_shell<T>(&self, f: impl FnOnce() -> T) -> T {
        match self.owner.get_value().and_then(|w| w.upgrade()) {
            Some(o) => o.with(f),
            None => f(),
        }
    }

    /// Forgets the finding and the run (a new Find, or sign-out).
    pub(crate) fn clear(&self) {
        self.serial.update_value(|s| *s += 1);
        self.finds.set(Vec::new());
        self.found_for.set(None);
        self.picked.set(None);
        if let Some(r) = self.run.get_untracked() {
            r.runner.cancel();
        }
        self.run.set(None);
    }

    /// Finds `names` on every cluster of the fleet, fresh: each signed-in cluster is read
    /// through the fleet's pool and fills in its own finding as it answers.
    pub(crate) fn find(&self, fleet: FleetStore, names: Vec<AccountName>, action: Offboard) {
        self.find_in(fleet, names, action, None);
    }

    /// Finds the rows picked in a fleet table, fresh, and plans those alone: only their
    /// clusters are read, each for the names picked on it.
    pub(crate) fn find_picked(
        &self,
        fleet: FleetStore,
        keys: HashSet<RowKey>,
        action: Offboard,
        from: &'static str,
    ) {
        let mut names: Vec<AccountName> = keys
            .iter()
            .filter_map(|k| AccountName::try_from(k.account.as_str()).ok())
            .collect();
        names.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
        names.dedup();
        let picked = Picked {
            from,
            keys: Arc::new(keys),
        };
        self.find_in(fleet, names, action, Some(picked));
    }

    fn find_in(
        &self,
        fleet: FleetStore,
        names: Vec<AccountName>,
        action: Offboard,
        picked: Option<Picked>,
    ) {
        self.clear();
        self.find_ms.set(crate::platform::mono_ms());
        let serial = self.serial.get_value();
        let finds: Vec<ClusterFind> = self.under_shell(|| {
            let clusters = picked.as_ref().map(Picked::clusters);
            fleet
                .list_untracked()
                .into_iter()
                .filter(|&m| {
                    clusters
                        .as_ref()
                        .is_none_or(|c| c.contains(cluster_uuid(m).as_str()))
                })
                .map(|m| ClusterFind {
                    member: m,
                    state: RwSignal::new(Finding::Reading),
                })
                .collect()
        });
        self.found_for.set(Some((names.clone(), action)));
        self.picked.set(picked.clone());
        self.finds.set(finds.clone());
        let names = Rc::new(names);
        let pool = fleet.pool();
        for f in finds {
            if let Some(skip) = left_alone(f.member) {
                f.state.set(Finding::Skipped(skip));
                continue;
            }
            let Some(client) = f.member.client() else {
                f.state.set(Finding::Skipped(Skip::NotSignedIn));
                continue;
            };
            let uuid = f.uuid();
            let names = match &picked {
                Some(p) => Rc::new(p.names_on(&uuid)),
                None => names.clone(),
            };
            let (state, keys) = (*self, picked.as_ref().map(|p| p.keys.clone()));
            pool.run(async move {
                let read = read_cluster(&client, action, &names).await;
                if state.serial.try_get_value() != Some(serial) {
                    return;
                }
                f.state.try_set(match read {
                    Ok((t, a)) => {
                        let (found, left) = plan_cluster(action, &names, &t, &a);
                        let (found, left) = match keys {
                            Some(k) => keep_picked(&uuid, &k, found, left),
                            None => (found, left),
                        };
                        Finding::Read { found, left }
                    }
                    Err(e) => Finding::Skipped(Skip::Unreachable(e)),
                });
            });
        }
    }

    /// True while a run's writes are going (or being cancelled): a new Find would stop it.
    pub(crate) fn running(&self) -> bool {
        self.run.get().is_some_and(|r| {
            matches!(
                r.runner.phase.get(),
                crate::store::batch::Phase::Running | crate::store::batch::Phase::Cancelling
            )
        })
    }

    /// True while any cluster is still being read.
    pub(crate) fn reading(&self) -> bool {
        self.finds
            .get()
            .iter()
            .any(|f| f.state.with(|s| *s == Finding::Reading))
    }

    /// The run's rows: every cluster's writes, the clusters taken in turns; and every row
    /// left alone, with its cluster's name and UUID (a whole cluster left alone is one row).
    pub(crate) fn rows(&self) -> (Vec<Item>, Vec<(String, String, Left)>) {
        let mut groups = Vec::new();
        let mut left = Vec::new();
        for f in self.finds.get_untracked() {
            let (name, uuid) = (f.member.name(), f.uuid());
            let gateway = f.member.via_gateway();
            match f.state.get_untracked() {
                Finding::Read { found, left: l } => {
                    groups.push(
                        found
                            .into_iter()
                            .map(|found| Item {
                                member: f.member,
                                cluster: name.clone(),
                                cluster_uuid: uuid.clone(),
                                gateway: gateway.clone(),
                                found,
                            })
                            .collect::<Vec<_>>(),
                    );
                    left.extend(l.into_iter().map(|l| (name.clone(), uuid.clone(), l)));
                }
                Finding::Skipped(skip) => left.push((
                    name.clone(),
                    uuid.clone(),
                    Left {
                        owner_uuid: String::new(),
                        svm: String::new(),
                        account: String::new(),
                        skip,
                    },
                )),
                Finding::Reading => {}
            }
        }
        // A gateway still unknown gets its first write early: its answer decides the rest.
        (interleave(groups), left)
    }

    /// The gateways whose writes are not known yet, among the clusters with changes planned
    /// (each sends one write alone first). Read from the findings, not from [`Self::rows`]:
    /// the review asks again as each cluster answers, and a selection plans thousands of rows.
    pub(crate) fn unknown_gateways(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.finds
            .get_untracked()
            .iter()
            .filter(|f| {
                f.state.with_untracked(
                    |s| matches!(s, Finding::Read { found, .. } if !found.is_empty()),
                )
            })
            .filter(|f| f.member.gateway_writes_untracked() == Some(Writes::Unknown))
            .filter_map(|f| f.member.via_gateway())
            .filter(|g| seen.insert(g.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ontap_model::account::AccountApplication;
    use ontap_model::totp::OwnerRef;

    const ENG: &str = "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02";
    const FIN: &str = "2c41d7b4-5c30-11ee-8f4a-005056bb1a03";
    const HR: &str = "3d82e9c6-5c30-11ee-8f4a-005056bb1a04";

    fn name(s: &str) -> AccountName {
        AccountName::try_from(s).unwrap()
    }

    fn owner(uuid: &str, svm: &str) -> OwnerRef {
        OwnerRef {
            links: None,
            name: Some(svm.into()),
            uuid: Some(uuid.into()),
        }
    }

    fn account(n: &str, uuid: &str, svm: &str, second: &str, first: &str) -> Account {
        Account {
            name: Some(n.into()),
            owner: Some(owner(uuid, svm)),
            applications: vec![AccountApplication {
                application: Some("ssh".into()),
                authentication_methods: vec![first.into()],
                second_authentication_method: Some(second.into()),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn totp(n: &str, uuid: &str, svm: &str, enabled: bool) -> Totp {
        serde_json::from_value(serde_json::json!({
            "account": {"name": n}, "owner": {"uuid": uuid, "name": svm},
            "enabled": enabled, "comment": "", "scope": "svm"
        }))
        .unwrap()
    }

    #[test]
    fn a_find_from_picked_rows_plans_those_alone_and_names_any_gone() {
        const C1: &str = "c1c1c1c1-0000-11ee-8f4a-005056bb0001";
        const C2: &str = "c2c2c2c2-0000-11ee-8f4a-005056bb0002";
        let key = |c: &str, o: &str, a: &str| RowKey {
            cluster_uuid: c.into(),
            owner_uuid: o.into(),
            account: a.into(),
        };
        // Picked: vsadmin on vs_eng (not vs_hr) and jdoe on vs_fin of cluster 1, whose
        // account was deleted since; vsadmin on cluster 2 (another cluster's plan).
        let picked: HashSet<RowKey> = [
            key(C1, ENG, "vsadmin"),
            key(C1, FIN, "jdoe"),
            key(C2, HR, "vsadmin"),
        ]
        .into();
        let p = Picked {
            from: "the fleet profiles table",
            keys: Arc::new(picked.clone()),
        };
        let on1: Vec<String> = p.names_on(C1).iter().map(|n| n.to_string()).collect();
        assert_eq!(on1, ["jdoe", "vsadmin"]);
        assert_eq!(p.clusters(), [C1, C2].into());
        // The owner's case as ONTAP gave it does not matter.
        let t = [
            totp("vsadmin", &ENG.to_uppercase(), "vs_eng", true),
            totp("vsadmin", HR, "vs_hr", true),
        ];
        let a = [
            account("vsadmin", ENG, "vs_eng", "none", "password"),
            account("vsadmin", HR, "vs_hr", "none", "password"),
        ];
        let names = [name("jdoe"), name("vsadmin")];
        let (found, left) = plan_cluster(Offboard::Disable, &names, &t, &a);
        assert_eq!(found.len(), 2, "{found:?}");
        let (found, left) = keep_picked(C1, &picked, found, left);
        let f: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f.svm.as_str(), f.account.as_str()))
            .collect();
        assert_eq!(f, [("vs_eng", "vsadmin")]);
        let l: Vec<(&str, &str, &Skip)> = left
            .iter()
            .map(|l| (l.owner_uuid.as_str(), l.account.as_str(), &l.skip))
            .collect();
        assert_eq!(l, [(FIN, "jdoe", &Skip::Gone)]);
        assert!(Skip::Gone.is_settled());
        // Nothing picked on a cluster: nothing planned there.
        let (found, left) = keep_picked("other", &picked, Vec::new(), vec![nobody("jdoe")]);
        assert!(found.is_empty() && left.is_empty());
    }

    #[test]
    fn names_are_checked_split_and_given_once() {
        let n = parse_names(" jdoe, vsadmin\nCORP\\jdoe;jdoe ").unwrap();
        let s: Vec<&str> = n.iter().map(AccountName::as_str).collect();
        assert_eq!(s, ["jdoe", "vsadmin", "CORP\\jdoe"]);
        assert!(parse_names("  , ").unwrap_err().contains("Enter"));
        let e = parse_names("jdoe, ab").unwrap_err();
        assert!(e.contains("“ab”") && e.contains("at least"), "{e}");
    }

    #[test]
    fn disabling_plans_each_svms_profile_and_says_why_the_rest_are_left() {
        let t = [
            totp("vsadmin", ENG, "vs_eng", true),
            totp("vsadmin", HR, "vs_hr", false),
            totp("other", ENG, "vs_eng", true),
        ];
        let a = [
            account("vsadmin", ENG, "vs_eng", "totp", "password"),
            account("vsadmin", HR, "vs_hr", "totp", "password"),
            account("vsadmin", FIN, "vs_fin", "none", "password"),
        ];
        let (found, left) = plan_cluster(Offboard::Disable, &[name("vsadmin")], &t, &a);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].svm.as_str(), found[0].owner_uuid.as_str()),
            ("vs_eng", ENG)
        );
        let cli = found[0].cli.as_ref().unwrap();
        assert!(
            cli.contains("-vserver vs_eng -username vsadmin -enabled false"),
            "{cli}"
        );
        let why: Vec<(&str, Skip)> = left
            .iter()
            .map(|l| (l.svm.as_str(), l.skip.clone()))
            .collect();
        assert_eq!(
            why,
            [
                ("vs_hr", Skip::AlreadyDisabled),
                ("vs_fin", Skip::NoProfile)
            ]
        );
        // A name the cluster does not know is one row.
        let (found, left) = plan_cluster(Offboard::Disable, &[name("nobody")], &t, &a);
        assert!(found.is_empty());
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].skip, Skip::NoAccount);
    }

    #[test]
    fn requiring_totp_plans_each_svms_account_and_keeps_refusals_as_reasons() {
        let a = [
            account("bob", ENG, "vs_eng", "none", "password"),
            account("bob", FIN, "vs_fin", "totp", "password"),
            account("bob", HR, "vs_hr", "none", "domain"),
        ];
        let (found, left) = plan_cluster(Offboard::RequireTotp, &[name("bob")], &[], &a);
        assert_eq!(found.len(), 1);
        assert!(matches!(found[0].change, Change::Require { .. }));
        let cli = found[0].cli.as_ref().unwrap();
        assert!(cli.contains("-second-authentication-method totp"), "{cli}");
        assert_eq!(left[0].skip, Skip::AlreadyRequired);
        assert!(matches!(left[1].skip, Skip::CannotRequire(_)));
        assert!(!left[1].skip.is_settled() && left[0].skip.is_settled());
    }

    #[test]
    fn rows_of_every_cluster_are_taken_in_turns() {
        let v = interleave(vec![vec![1, 2, 3], vec![], vec![10], vec![20, 21]]);
        assert_eq!(v, [1, 10, 20, 2, 21, 3]);
    }

    #[test]
    fn a_cluster_takes_two_writes_at_once_and_an_unknown_gateway_one_alone() {
        let mut l = Lanes::default();
        assert!(l.take("c1", None));
        assert!(l.take("c1", None));
        assert!(!l.take("c1", None), "two per cluster");
        assert!(l.take("c2", None));
        l.give_back("c1", None);
        assert!(l.take("c1", None));
        // Through a gateway whose writes are unknown: the first goes alone.
        let unknown = Writes::Unknown;
        assert!(l.take("g1", Some(("um", &unknown))));
        assert!(
            !l.take("g2", Some(("um", &unknown))),
            "another cluster of that gateway waits"
        );
        assert!(!l.take("g1", Some(("um", &unknown))));
        assert!(
            l.take("h1", Some(("other", &unknown))),
            "another gateway is not held"
        );
        // Once accepted, side by side.
        let ok = Writes::Accepted;
        assert!(l.take("g2", Some(("um", &ok))));
        l.give_back("g1", Some("um"));
        l.give_back("g2", Some("um"));
        assert!(
            l.take("g3", Some(("um", &unknown))),
            "alone again once nothing is in flight"
        );
    }

    /// The shell's states each keep a handle on the shell's owner; dropping the owner must
    /// still clean it up (a strong handle in its own arena or context never would).
    #[test]
    fn the_shells_owner_is_cleaned_up_though_its_states_refer_to_it() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let cleaned = Arc::new(AtomicBool::new(false));
        let owner = Owner::new();
        owner.with(|| {
            crate::store::writes::Writes::provide();
            crate::store::selection::BulkState::provide();
            OffboardState::provide();
            let c = Arc::clone(&cleaned);
            on_cleanup(move || c.store(true, Ordering::SeqCst));
            // Created under the shell, from a page below it.
            let page = Owner::current().unwrap().child();
            page.with(|| crate::store::writes::under_shell(|| RwSignal::new(0)));
        });
        drop(owner);
        assert!(cleaned.load(Ordering::SeqCst));
    }
}
