//! [`Sim`]: a cloneable handle on one emulated cluster (its state and its request log), shared
//! by the HTTP server and by the tests that drive it.

use std::sync::{Arc, Mutex, MutexGuard};

use ontap_model::{Totp, TotpKey, Version};

use crate::model::{Account, Svm};
use crate::state::State;

/// One request to `/api`, as the emulator received and answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The raw path and query, as received (still percent-encoded).
    pub path: String,
    /// The user name presented with basic authentication, whether or not it was accepted.
    pub user: Option<String>,
    pub status: u16,
    /// The request body as text; `None` when it was empty.
    pub body: Option<String>,
    /// Whether the answer carried `WWW-Authenticate`.
    pub sent_www_authenticate: bool,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    log: Mutex<Vec<LoggedRequest>>,
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
                log: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Runs `f` with the state locked: the only way handlers read or change it.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut lock(&self.inner.state))
    }

    pub fn version(&self) -> Version {
        self.with_state(|s| s.version.clone())
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

    /// Every `/api` request received since the start (or the last [`Sim::clear_requests`]).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.inner.log).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.inner.log).clear();
    }

    pub(crate) fn log(&self, entry: LoggedRequest) {
        lock(&self.inner.log).push(entry);
    }
}
