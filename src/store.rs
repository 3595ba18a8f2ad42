//! The profiles of the signed-in session, loaded once and kept while the session lives, so the
//! table opens instantly when coming back from the editor and reflects saved changes without a
//! reload. Provided by the page shell; dropped with the session.

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::{Account, Totp, TotpKey, TotpPatch};

use crate::api::{accounts, totps, ApiError};
use crate::pages::profiles::table::{join_not_enrolled, Row};
use crate::session::SessionCtx;

/// Where the loading of profiles stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    Idle,
    Loading { loaded: usize, total: Option<u64> },
    Done,
    Failed(ApiError),
}

/// Whether the accounts (for the not-enrolled rows) could be read.
#[derive(Clone, Debug, PartialEq)]
pub enum AccountsState {
    Loading,
    Joined,
    Unavailable(ApiError),
}

#[derive(Clone, Copy)]
pub struct ProfileStore {
    /// Profiles first, then not-enrolled accounts.
    pub rows: RwSignal<Vec<Row>>,
    pub progress: RwSignal<Progress>,
    pub accounts: RwSignal<AccountsState>,
    generation: RwSignal<u64>,
    session: SessionCtx,
}

impl ProfileStore {
    pub fn provide() -> ProfileStore {
        let s = ProfileStore {
            rows: RwSignal::new(Vec::new()),
            progress: RwSignal::new(Progress::Idle),
            accounts: RwSignal::new(AccountsState::Loading),
            generation: RwSignal::new(0),
            session: SessionCtx::use_ctx(),
        };
        provide_context(s);
        s
    }

    pub fn use_ctx() -> ProfileStore {
        expect_context::<ProfileStore>()
    }

    /// Loads unless already loaded or loading.
    pub fn ensure_loaded(&self) {
        if self.progress.get_untracked() == Progress::Idle {
            self.reload();
        }
    }

    /// Loads everything again: the count, the profiles page by page, the accounts alongside.
    pub fn reload(&self) {
        let Some(client) = self.session.client() else {
            return;
        };
        let this = *self;
        let gen = self.generation.get_untracked() + 1;
        self.generation.set(gen);
        let current = move || this.generation.get_untracked() == gen;
        self.rows.set(Vec::new());
        self.progress.set(Progress::Loading {
            loaded: 0,
            total: None,
        });
        self.accounts.set(AccountsState::Loading);

        let c = client.clone();
        spawn_local(async move {
            // The total first, for the progress bar; a failure here is not fatal.
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

        // Plain shared cells, not signals: a signal made here would belong to whatever view ran
        // this (a "Try again" button inside the error it replaces) and be disposed with it,
        // and reading it after that would stop the page.
        let profiles_done = std::rc::Rc::new(std::cell::Cell::new(false));
        let accounts_list: std::rc::Rc<std::cell::RefCell<Option<Vec<Account>>>> =
            std::rc::Rc::default();
        let join = {
            let (profiles_done, accounts_list) = (profiles_done.clone(), accounts_list.clone());
            move || {
                if !current() || !profiles_done.get() {
                    return;
                }
                let accts = accounts_list.borrow_mut().take();
                if let Some(accts) = accts {
                    this.rows.update(|rows| {
                        let extra = join_not_enrolled(rows, &accts);
                        rows.extend(extra);
                    });
                    this.accounts.set(AccountsState::Joined);
                    mark_loaded();
                }
            }
        };

        let c = client.clone();
        let join_accounts = join.clone();
        let accounts_cell = accounts_list.clone();
        spawn_local(async move {
            let mut all = Vec::new();
            let result = accounts::list_all(&c, |page| all.extend(page)).await;
            if !current() {
                return;
            }
            match result {
                Ok(()) => {
                    *accounts_cell.borrow_mut() = Some(all);
                    join_accounts();
                }
                Err(e) => this.accounts.set(AccountsState::Unavailable(e)),
            }
        });

        spawn_local(async move {
            let result = totps::list_all(&client, totps::LIST_FIELDS, |page: Vec<Totp>| {
                if !current() {
                    return;
                }
                this.rows
                    .update(|r| r.extend(page.iter().map(Row::from_totp)));
                let n = this.rows.with_untracked(Vec::len);
                this.progress.update(|p| {
                    if let Progress::Loading { loaded, .. } = p {
                        *loaded = n;
                    }
                });
            })
            .await;
            if !current() {
                return;
            }
            match result {
                Ok(()) => {
                    this.progress.set(Progress::Done);
                    profiles_done.set(true);
                    join();
                }
                Err(e) => this.progress.set(Progress::Failed(e)),
            }
        });
    }

    /// Takes a deleted profile's row out of the table.
    pub fn remove_profile(&self, key: &TotpKey) {
        let id = (key.owner.as_str(), key.account.as_str());
        self.rows.update(|rows| rows.retain(|r| r.id() != id));
    }

    /// Applies changes the cluster confirmed (a bulk run's results) to their rows, in one
    /// update of the table.
    pub fn apply_patches(&self, changes: &[(TotpKey, TotpPatch)]) {
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
    pub fn update_profile(&self, t: &Totp) {
        let row = Row::from_totp(t);
        self.rows.update(|rows| {
            if let Some(r) = rows.iter_mut().find(|r| r.id() == row.id()) {
                *r = row;
            }
        });
    }
}

/// Marks the moment every row is in the table, the accounts joined (`performance.mark`, read
/// by the benchmark, `make bench`).
fn mark_loaded() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("totp-admin:loaded");
    }
}
