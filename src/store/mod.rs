//! The profiles and accounts of the signed-in session, each read once and kept while the
//! session lives, so the tables open instantly when coming back from the editor and reflect
//! saved changes without a reload. Provided by the page shell; dropped with the session.
//!
//! One load serves every view: the profile table (profiles, then the accounts that must use
//! TOTP and have none), the accounts view and an account's page (every account joined with the
//! profiles' states, derived here, never read again), and bulk runs.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::{Account, Totp, TotpKey, TotpPatch};

use crate::api::{accounts, totps, ApiError, Client};
use crate::platform::mono_ms as now_ms;
use crate::session::SessionCtx;
use crate::tables::accounts::{join_accounts, AccountRow};
use crate::tables::factors::Factors;
use crate::tables::profiles::{join_not_enrolled, Row, Status};

pub mod batch;
pub mod changelog;
pub mod deletion;
mod factors;
pub mod fleet;
pub(crate) mod fleet_batch;
pub mod fleet_rows;
pub mod selection;
pub mod writes;

/// Rows from pages that arrive closer together than this are added to the table together:
/// each addition filters and sorts every row again, so a large cluster's many pages would
/// otherwise sort the table once per page (issue 9).
const BATCH: Duration = Duration::from_millis(250);

/// Where the loading of profiles stands.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Progress {
    Idle,
    Loading { loaded: usize, total: Option<u64> },
    Done,
    Failed(ApiError),
}

/// Whether the accounts could be read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum AccountsState {
    Loading,
    /// Read and kept in [`ProfileStore::account_list`]; the not-enrolled rows join the profile
    /// table once every profile is in.
    Read,
    Unavailable(ApiError),
}

/// Where the accounts view stands: its rows need the accounts and the profiles' states.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum AccountsLoad {
    Loading,
    Done,
    Failed(ApiError),
}

#[derive(Clone, Copy)]
pub(crate) struct ProfileStore {
    /// Profiles first, then not-enrolled accounts.
    pub(crate) rows: RwSignal<Vec<Row>>,
    pub(crate) progress: RwSignal<Progress>,
    pub(crate) accounts: RwSignal<AccountsState>,
    /// Every account the session may see, as last read or changed.
    pub(crate) account_list: RwSignal<Vec<Account>>,
    /// The accounts view's rows: every account with its TOTP state from the profiles (computed
    /// only while a view reads it).
    pub(crate) account_rows: Memo<Vec<AccountRow>>,
    /// Duo profiles and groups, WebAuthn credentials, as far as read (the accounts view's
    /// second-factor columns).
    pub(crate) factors: RwSignal<Factors>,
    generation: RwSignal<u64>,
    /// The store's reads: aborted when the shell goes (sign-out), so a listing in progress
    /// does not go on for a session that ended.
    reader: StoredValue<Option<Client>>,
}

impl ProfileStore {
    /// True while `gen` is the store's current load.
    pub(crate) fn is_current(&self, gen: u64) -> bool {
        self.generation.try_get_untracked() == Some(gen)
    }

    pub(crate) fn provide() -> ProfileStore {
        let rows = RwSignal::new(Vec::<Row>::new());
        let account_list = RwSignal::new(Vec::<Account>::new());
        let release = SessionCtx::use_ctx()
            .session
            .with_untracked(|s| s.as_ref().and_then(|s| s.cluster.version.clone()));
        let factors = RwSignal::new(Factors::for_release(release));
        let account_rows = Memo::new(move |_| {
            account_list.with(|a| rows.with(|r| factors.with(|f| join_accounts(a, r, f))))
        });
        let s = ProfileStore {
            rows,
            progress: RwSignal::new(Progress::Idle),
            accounts: RwSignal::new(AccountsState::Loading),
            account_list,
            account_rows,
            factors,
            generation: RwSignal::new(0),
            reader: StoredValue::new(SessionCtx::use_ctx().view_client()),
        };
        provide_context(s);
        s
    }

    pub(crate) fn use_ctx() -> ProfileStore {
        expect_context::<ProfileStore>()
    }

    /// Loads unless already loaded or loading.
    pub(crate) fn ensure_loaded(&self) {
        if self.progress.get_untracked() == Progress::Idle {
            self.reload();
        }
    }

    /// Loads everything again. The first, small page of profiles goes alone, so that the
    /// first rows are on screen at once; as soon as it is in, the accounts (one listing for
    /// every view), the count (for the progress bar) and the remaining profiles follow, in
    /// parallel. The not-enrolled rows join when both listings are complete.
    pub(crate) fn reload(&self) {
        let Some(client) = self.reader.get_value() else {
            return;
        };
        let this = *self;
        let gen = self.generation.get_untracked() + 1;
        self.generation.set(gen);
        let current = move || this.generation.try_get_untracked() == Some(gen);
        self.rows.set(Vec::new());
        self.account_list.set(Vec::new());
        self.progress.set(Progress::Loading {
            loaded: 0,
            total: None,
        });
        self.accounts.set(AccountsState::Loading);

        // Plain shared cells, not signals: a signal made here would belong to whatever view ran
        // this (a "Try again" button inside the error it replaces) and be disposed with it,
        // and reading it after that would stop the page.
        let profiles_done = Rc::new(Cell::new(false));
        let join = {
            let profiles_done = profiles_done.clone();
            move || {
                if current()
                    && profiles_done.get()
                    && this.accounts.get_untracked() == AccountsState::Read
                {
                    this.rejoin();
                    mark_loaded();
                }
            }
        };

        // The accounts and the count, started once (after the first page, or after a failure).
        let started = Rc::new(Cell::new(false));
        let start_others = {
            let (client, join) = (client.clone(), join.clone());
            move || {
                if started.replace(true) {
                    return;
                }
                let c = client.clone();
                spawn_local(async move {
                    // The total, for the progress bar; a failure here is not fatal.
                    if let Ok(n) = totps::count(&c).await {
                        if current() {
                            this.progress.update(|p| {
                                if let Progress::Loading { total, .. } = p {
                                    *total = Some(n);
                                }
                            });
                        }
                    }
                });
                factors::load(this, client.clone(), gen);
                let c = client.clone();
                let join = join.clone();
                spawn_local(async move {
                    let mut all = Vec::new();
                    let result = accounts::list_all(&c, |page| all.extend(page)).await;
                    if !current() {
                        return;
                    }
                    match result {
                        Ok(()) => {
                            this.account_list.set(all);
                            this.accounts.set(AccountsState::Read);
                            join();
                        }
                        Err(e) => this.accounts.set(AccountsState::Unavailable(e)),
                    }
                });
            }
        };

        // Rows waiting to be added, and when rows were last added.
        let pending: Rc<RefCell<Vec<Row>>> = Rc::default();
        let last_flush = Rc::new(Cell::new(f64::NEG_INFINITY));
        let flush_due = Rc::new(Cell::new(false));
        let flush = {
            let (pending, last_flush, flush_due) =
                (pending.clone(), last_flush.clone(), flush_due.clone());
            move || {
                flush_due.set(false);
                let rows = std::mem::take(&mut *pending.borrow_mut());
                if !current() || rows.is_empty() {
                    return;
                }
                last_flush.set(now_ms());
                this.rows.update(|r| r.extend(rows));
                let n = this.rows.with_untracked(Vec::len);
                this.progress.update(|p| {
                    if let Progress::Loading { loaded, .. } = p {
                        *loaded = n;
                    }
                });
            }
        };

        let on_page = {
            let (pending, flush, start_others) =
                (pending.clone(), flush.clone(), start_others.clone());
            move |page: Vec<Totp>| {
                if !current() {
                    return;
                }
                start_others();
                pending.borrow_mut().extend(page.iter().map(Row::from_totp));
                // Added after the request for the next page has gone (a microtask, or a timer
                // when rows were added less than BATCH ago), so the cluster works on it while
                // the table sorts and draws.
                if !flush_due.replace(true) {
                    let flush = flush.clone();
                    let wait = last_flush.get() + BATCH.as_secs_f64() * 1000.0 - now_ms();
                    if wait <= 0.0 {
                        spawn_local(async move { flush() });
                    } else {
                        set_timeout(flush, Duration::from_millis(wait.ceil() as u64));
                    }
                }
            }
        };

        spawn_local(async move {
            let result = totps::list_all(&client, totps::LIST_FIELDS, on_page).await;
            if !current() {
                return;
            }
            flush();
            match result {
                Ok(()) => {
                    this.progress.set(Progress::Done);
                    profiles_done.set(true);
                    join();
                }
                Err(e) => this.progress.set(Progress::Failed(e)),
            }
            // Without a first page (a failure), the accounts are read all the same.
            start_others();
        });
    }

    /// The accounts view's state: loading until the accounts and the profiles are in (the
    /// TOTP states need both); failed when the accounts could not be read.
    pub(crate) fn accounts_load(&self) -> AccountsLoad {
        match self.accounts.get() {
            AccountsState::Unavailable(e) => AccountsLoad::Failed(e),
            AccountsState::Loading => AccountsLoad::Loading,
            AccountsState::Read => match self.progress.get() {
                Progress::Done | Progress::Failed(_) => AccountsLoad::Done,
                Progress::Idle | Progress::Loading { .. } => AccountsLoad::Loading,
            },
        }
    }

    /// Why the profiles could not be read, if they could not (the accounts view then cannot
    /// tell enrolled from not enrolled).
    pub fn profiles_failed(&self) -> Option<ApiError> {
        match self.progress.get() {
            Progress::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The not-enrolled rows again, from the accounts and the profiles as they are now
    /// (nothing until both listings are complete).
    fn rejoin(&self) {
        if self.progress.get_untracked() != Progress::Done
            || self.accounts.get_untracked() != AccountsState::Read
        {
            return;
        }
        let accounts = self.account_list;
        self.rows.update(|rows| {
            rows.retain(|r| r.status != Status::NotEnrolled);
            let extra = accounts.with_untracked(|a| join_not_enrolled(rows, a));
            rows.extend(extra);
        });
    }

    /// Takes a deleted profile's row out of the table (its account shows as not enrolled when
    /// SSH still asks it for TOTP).
    pub(crate) fn remove_profile(&self, key: &TotpKey) {
        let id = (key.owner.as_str(), key.account.as_str());
        self.rows.update(|rows| rows.retain(|r| r.id() != id));
        self.rejoin();
    }

    /// Applies changes the cluster confirmed (a bulk run's results) to their rows, in one
    /// update of the table.
    pub(crate) fn apply_patches(&self, changes: &[(TotpKey, TotpPatch)]) {
        if changes.is_empty() {
            return;
        }
        let by_id: std::collections::HashMap<(&str, &str), &TotpPatch> = changes
            .iter()
            .map(|(k, p)| ((k.owner.as_str(), k.account.as_str()), p))
            .collect();
        self.rows.update(|rows| {
            for r in rows.iter_mut() {
                if let Some(p) = by_id.get(&r.id()) {
                    *r = r.patched(p);
                }
            }
        });
    }

    /// Puts a re-read profile in place of its row (after a save in the editor).
    pub(crate) fn update_profile(&self, t: &Totp) {
        let row = Row::from_totp(t);
        self.rows.update(|rows| {
            if let Some(r) = rows.iter_mut().find(|r| r.id() == row.id()) {
                *r = row;
            }
        });
    }

    /// Puts a re-read account in place of the one listed (after a change on its page or in a
    /// bulk run); the profile table's not-enrolled rows follow.
    pub(crate) fn update_account(&self, a: &Account) {
        let same = |x: &Account| {
            x.name == a.name
                && x.owner_uuid()
                    .zip(a.owner_uuid())
                    .is_some_and(|(p, q)| p.eq_ignore_ascii_case(q))
        };
        self.account_list.update(|list| {
            if let Some(x) = list.iter_mut().find(|x| same(x)) {
                *x = a.clone();
            }
        });
        self.rejoin();
    }

    /// The accounts view's row of an account, if loaded.
    pub(crate) fn account_row(&self, owner_uuid: &str, name: &str) -> Option<AccountRow> {
        self.account_rows.with_untracked(|rows| {
            rows.iter()
                .find(|r| r.owner_uuid.eq_ignore_ascii_case(owner_uuid) && r.name == name)
                .cloned()
        })
    }

    /// Whether the account has a profile (and if it is enabled), as last read.
    pub(crate) fn profile_of(&self, owner_uuid: &str, name: &str) -> Option<Option<bool>> {
        self.rows.with_untracked(|rows| {
            rows.iter()
                .find(|r| {
                    r.status != Status::NotEnrolled
                        && r.owner_uuid.eq_ignore_ascii_case(owner_uuid)
                        && r.account == name
                })
                .map(|r| r.enabled())
        })
    }
}

/// Marks the moment every row is in the table, the accounts joined (`performance.mark`, read
/// by the benchmark, `make bench`).
fn mark_loaded() {
    crate::platform::mark("totp-admin:loaded");
}
