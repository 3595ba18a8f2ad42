//! [`Sim`]: a cloneable handle on one emulated cluster (its state and its request log), shared
//! by the HTTP server and by the tests that drive it.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use ontap_model::{Totp, TotpKey, Version};

use crate::faults::{
    FaultConfig, FaultMode, FaultPlan, FaultRecord, FaultScript, Scripted, ScriptedFault,
};
use crate::model::{Account, Svm};
use crate::state::State;

/// One request to `/api`, as the emulator received and answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The request's number, from 1 in order of arrival (fault records name it).
    pub id: u64,
    pub method: String,
    /// The raw path and query, as received (still percent-encoded).
    pub path: String,
    /// The user name presented with basic authentication (or the account a bearer token was
    /// given for), whether or not it was accepted.
    pub user: Option<String>,
    /// The status sent; 0 when the connection was dropped without an answer.
    pub status: u16,
    /// The request body as text; `None` when it was empty, or not read because the
    /// credentials did not sign in.
    pub body: Option<String>,
    /// Whether the answer carried `WWW-Authenticate`.
    pub sent_www_authenticate: bool,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    /// The newest `log_size` requests, oldest first: a long demo or bench run cannot grow it
    /// without bound.
    log: Mutex<VecDeque<LoggedRequest>>,
    log_size: AtomicUsize,
    faults: Mutex<Vec<FaultRecord>>,
    plan: Mutex<FaultPlan>,
    script: Mutex<FaultScript>,
    /// `/api` requests seen per credential, for `expire_after`.
    uses: Mutex<BTreeMap<String, u64>>,
    violations: Mutex<Vec<String>>,
    next_id: AtomicU64,
    /// Counts the state's changes: [`Sim::with_state`] adds one after each call, so an answer
    /// computed at one generation still holds while the generation is unchanged.
    generation: AtomicU64,
}

/// A handle on one emulated cluster. Clones share the same cluster.
#[derive(Clone, Debug)]
pub struct Sim {
    inner: Arc<Inner>,
}

/// Locks a mutex even if a panicking thread poisoned it: the state stays usable for the tests
/// that inspect it afterwards.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Sim {
    /// The seeded demo cluster (see [`crate::demo`]) running `version`.
    pub fn demo(version: Version) -> Sim {
        Sim::from_state(crate::demo::cluster(version))
    }

    pub fn from_state(state: State) -> Sim {
        Sim {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                log: Mutex::new(VecDeque::new()),
                log_size: AtomicUsize::new(crate::DEFAULT_LOG_SIZE),
                faults: Mutex::new(Vec::new()),
                plan: Mutex::new(FaultPlan::new(FaultConfig::default())),
                script: Mutex::new(FaultScript::default()),
                uses: Mutex::new(BTreeMap::new()),
                violations: Mutex::new(Vec::new()),
                next_id: AtomicU64::new(1),
                generation: AtomicU64::new(0),
            }),
        }
    }

    /// Sets the faults to inject from now on (the draw restarts from the seed).
    pub fn set_faults(&self, config: FaultConfig) {
        *lock(&self.inner.plan) = FaultPlan::new(config);
    }

    /// Queues a fault for the next matching requests (before any random draw): deterministic
    /// tests of slow answers, dropped connections or hostile bodies on chosen requests.
    pub fn script_fault(&self, fault: ScriptedFault) {
        lock(&self.inner.script).push(fault);
    }

    /// Forgets the scripted faults not used yet.
    pub fn clear_scripted_faults(&self) {
        lock(&self.inner.script).clear();
    }

    /// How many scripted faults still wait for a matching request.
    pub fn scripted_faults_pending(&self) -> u32 {
        lock(&self.inner.script).pending()
    }

    pub(crate) fn take_scripted(&self, method: &str, path: &str) -> Option<Scripted> {
        lock(&self.inner.script).take(method, path)
    }

    /// Every fault injected so far, in order.
    pub fn faults(&self) -> Vec<FaultRecord> {
        lock(&self.inner.faults).clone()
    }

    /// Every way an answer broke the strict published definitions ([`crate::schema`]), with
    /// the request; empty when every answer conformed.
    pub fn schema_violations(&self) -> Vec<String> {
        lock(&self.inner.violations).clone()
    }

    /// Forgets the recorded schema violations (for tests that provoke one on purpose).
    pub fn clear_schema_violations(&self) {
        lock(&self.inner.violations).clear();
    }

    /// Expires a credential (a user name or a bearer token): 401 from then on.
    pub fn expire_credentials(&self, credential: &str) {
        self.with_state(|s| s.expired.insert(credential.to_owned()));
    }

    /// Accepts an expired credential again (its password was reset, a new token issued...),
    /// with its count of uses for `expire_after` restarted.
    pub fn renew_credentials(&self, credential: &str) {
        lock(&self.inner.uses).remove(credential);
        self.with_state(|s| s.expired.remove(credential));
    }

    /// Gives every account named `user` a new password, as an administrator's `security login
    /// password` would (sign-in picks among accounts of one name by password): the old one is
    /// refused from then on.
    pub fn set_password(&self, user: &str, password: &str) {
        self.with_state(|s| {
            for a in s.accounts.iter_mut().filter(|a| a.name.as_str() == user) {
                a.password = password.to_owned();
            }
        });
    }

    /// Hands the emulator an OAuth 2.0 bearer token for an account (`--token NAME=TOKEN`).
    pub fn add_token(&self, account: &str, token: &str) {
        self.with_state(|s| s.tokens.insert(token.to_owned(), account.to_owned()));
    }

    /// The base32 secret of a profile created through POST.
    pub fn secret(&self, owner_uuid: &str, account: &str) -> Option<String> {
        let key = TotpKey {
            owner: owner_uuid.try_into().ok()?,
            account: account.try_into().ok()?,
        };
        self.with_state(|s| s.secrets.get(&key).map(|x| x.to_base32()))
    }

    pub(crate) fn next_request_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::SeqCst)
    }

    pub(crate) fn draw_fault(&self) -> Option<FaultMode> {
        lock(&self.inner.plan).draw()
    }

    /// Counts a use of `credential`; true when it has expired (now or before).
    pub(crate) fn use_credential(&self, credential: &str) -> bool {
        let limit = lock(&self.inner.plan).config().expire_after;
        let count = {
            let mut uses = lock(&self.inner.uses);
            let c = uses.entry(credential.to_owned()).or_insert(0);
            *c += 1;
            *c
        };
        if limit.is_some_and(|n| count > n) {
            self.expire_credentials(credential);
        }
        self.read_state(|s| s.expired.contains(credential))
    }

    pub(crate) fn record_fault(&self, record: FaultRecord) {
        eprintln!(
            "ontap-sim: fault {} on request {} ({} {}): {}",
            record.mode,
            record.request_id,
            record.method,
            record.path,
            if record.applied {
                "the request was carried out"
            } else {
                "nothing was applied"
            }
        );
        lock(&self.inner.faults).push(record);
    }

    pub(crate) fn record_violations(&self, what: &str, problems: Vec<String>) {
        if problems.is_empty() {
            return;
        }
        let mut v = lock(&self.inner.violations);
        for p in problems {
            eprintln!("ontap-sim: answer breaks the published definition: {what}: {p}");
            v.push(format!("{what}: {p}"));
        }
    }

    /// Runs `f` with the state locked: the only way handlers read or change it.
    /// Counts as a change ([`Sim::generation`]) whether or not `f` changes anything.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut state = lock(&self.inner.state);
        let r = f(&mut state);
        // Counted before the lock is released: a reader that sees the old generation read the
        // state from before this change, or from after it with the old number (a cache miss,
        // never a stale hit).
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        r
    }

    /// Runs `f` with the state locked, for reading only: not counted as a change.
    pub fn read_state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&lock(&self.inner.state))
    }

    /// The number of [`Sim::with_state`] calls so far: while it stays the same, every read of
    /// the state gives the same answer.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::SeqCst)
    }

    /// The cluster's clock (Unix seconds), shifted by its offset ([`State::now`]).
    pub fn now(&self) -> u64 {
        self.read_state(|s| s.now())
    }

    /// Sets how far the cluster's clock is from the machine's, in seconds (negative: behind),
    /// from now on: a cluster whose clock drifts, or is corrected, while the page is open.
    pub fn set_clock_offset(&self, secs: i64) {
        self.with_state(|s| s.clock_offset_secs = secs);
    }

    pub fn version(&self) -> Version {
        self.read_state(|s| s.version.clone())
    }

    /// The full stored profile of `account` owned by `owner_uuid` (case-insensitive UUID).
    pub fn totp(&self, owner_uuid: &str, account: &str) -> Option<Totp> {
        let key = TotpKey {
            owner: owner_uuid.try_into().ok()?,
            account: account.try_into().ok()?,
        };
        self.with_state(|s| s.totps.get(&key).cloned())
    }

    /// Every stored profile, in key order.
    pub fn totps(&self) -> Vec<Totp> {
        self.with_state(|s| s.totps.values().cloned().collect())
    }

    /// Stores (adds or replaces) a full profile record; `false` when its key is malformed.
    pub fn put_totp(&self, totp: Totp) -> bool {
        match totp.key() {
            Some(key) => self.with_state(|s| {
                s.totps.insert(key, totp);
                true
            }),
            None => false,
        }
    }

    /// Removes a profile, returning it.
    pub fn remove_totp(&self, owner_uuid: &str, account: &str) -> Option<Totp> {
        let key = TotpKey {
            owner: owner_uuid.try_into().ok()?,
            account: account.try_into().ok()?,
        };
        self.with_state(|s| s.totps.remove(&key))
    }

    pub fn accounts(&self) -> Vec<Account> {
        self.with_state(|s| s.accounts.clone())
    }

    /// Every SVM, the admin SVM first.
    pub fn svms(&self) -> Vec<Svm> {
        self.with_state(|s| s.svms.clone())
    }

    /// The `/api` requests received since the start (or the last [`Sim::clear_requests`]),
    /// oldest first: the newest [`Sim::set_log_size`] of them.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.inner.log).iter().cloned().collect()
    }

    /// How many entries the request log and the audit log each keep from now on (at least
    /// one); the oldest are dropped first.
    pub fn set_log_size(&self, size: usize) {
        let size = size.max(1);
        self.inner.log_size.store(size, Ordering::SeqCst);
        let mut log = lock(&self.inner.log);
        let excess = log.len().saturating_sub(size);
        log.drain(..excess);
        drop(log);
        self.with_state(|s| s.audit.set_size(size));
    }

    pub fn clear_requests(&self) {
        lock(&self.inner.log).clear();
    }

    pub(crate) fn log(&self, entry: LoggedRequest) {
        let size = self.inner.log_size.load(Ordering::SeqCst);
        let mut log = lock(&self.inner.log);
        while log.len() >= size {
            log.pop_front();
        }
        log.push_back(entry);
    }
}
