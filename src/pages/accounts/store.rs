//! The accounts of the session joined with the TOTP profiles, loaded when first shown and kept
//! while the session lives (provided by the shell), so the table, an account's page and a
//! bulk run share one picture, updated from every confirmed change.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::{Account, Totp};

use super::rows::{join, profile_index, row_of, AccountRow};
use crate::api::{accounts, totps, ApiError};
use crate::session::SessionCtx;

#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    Idle,
    Loading,
    Done,
    Failed(ApiError),
}

#[derive(Clone, Copy)]
pub struct AccountsStore {
    pub rows: RwSignal<Vec<AccountRow>>,
    pub load: RwSignal<Load>,
    /// The profiles could not be read: TOTP states other than "not required" are unknown.
    pub profiles_failed: RwSignal<Option<ApiError>>,
    profiles: StoredValue<HashMap<(String, String), Option<bool>>>,
    generation: RwSignal<u64>,
    session: SessionCtx,
}

impl AccountsStore {
    pub fn provide() -> AccountsStore {
        let s = AccountsStore {
            rows: RwSignal::new(Vec::new()),
            load: RwSignal::new(Load::Idle),
            profiles_failed: RwSignal::new(None),
            profiles: StoredValue::new(HashMap::new()),
            generation: RwSignal::new(0),
            session: SessionCtx::use_ctx(),
        };
        provide_context(s);
        s
    }

    pub fn use_ctx() -> AccountsStore {
        expect_context::<AccountsStore>()
    }

    pub fn ensure_loaded(&self) {
        if self.load.get_untracked() == Load::Idle {
            self.reload();
        }
    }

    /// Reads every account and every profile again, then joins them.
    pub fn reload(&self) {
        let Some(client) = self.session.client() else {
            return;
        };
        let this = *self;
        let gen = self.generation.get_untracked() + 1;
        self.generation.set(gen);
        self.load.set(Load::Loading);
        self.profiles_failed.set(None);
        spawn_local(async move {
            let mut list: Vec<Account> = Vec::new();
            let accounts = accounts::list_all(&client, |p| list.extend(p)).await;
            let mut profs: Vec<Totp> = Vec::new();
            let profiles = totps::list_all(&client, &["enabled"], |p| profs.extend(p)).await;
            if this.generation.try_get_untracked() != Some(gen) {
                return;
            }
            match accounts {
                Err(e) => this.load.set(Load::Failed(e)),
                Ok(()) => {
                    if let Err(e) = profiles {
                        this.profiles_failed.set(Some(e));
                    }
                    let idx: HashMap<(String, String), Option<bool>> = profile_index(&profs)
                        .into_iter()
                        .map(|((o, n), e)| ((o.to_lowercase(), n), e))
                        .collect();
                    this.profiles.set_value(idx);
                    this.rows.set(join(&list, &profs));
                    this.load.set(Load::Done);
                }
            }
        });
    }

    /// Puts a re-read account in place of its row.
    pub fn update_account(&self, a: &Account) {
        let row = self.profiles.with_value(|p| row_of(a, p));
        self.rows.update(|rows| {
            if let Some(r) = rows.iter_mut().find(|r| r.id() == row.id()) {
                *r = row;
            }
        });
    }

    /// The row of an account, if loaded.
    pub fn row(&self, owner_uuid: &str, name: &str) -> Option<AccountRow> {
        self.rows.with_untracked(|rows| {
            rows.iter()
                .find(|r| r.owner_uuid.eq_ignore_ascii_case(owner_uuid) && r.name == name)
                .cloned()
        })
    }

    /// Whether the account has a profile (and if it is enabled), as last read.
    pub fn profile(&self, owner_uuid: &str, name: &str) -> Option<Option<bool>> {
        self.profiles.with_value(|p| {
            p.get(&(owner_uuid.to_lowercase(), name.to_owned()))
                .copied()
        })
    }
}
