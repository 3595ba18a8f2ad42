//! The emulated cluster's state: identity, SVMs, accounts and TOTP profiles, with the lookups
//! the handlers need. It lives behind one lock in [`crate::Sim`], so every change is atomic
//! and concurrent PATCHes to one profile are applied one after the other.

use std::collections::BTreeMap;

use ontap_model::{OwnerUuid, Totp, TotpKey, Version};

use crate::model::{Account, Svm};

#[derive(Clone, Debug)]
pub struct State {
    pub name: String,
    pub uuid: String,
    pub version: Version,
    /// Every SVM, the admin SVM first.
    pub svms: Vec<Svm>,
    pub accounts: Vec<Account>,
    /// Full profile records (every field), by key.
    pub totps: BTreeMap<TotpKey, Totp>,
}

impl State {
    pub fn svm(&self, uuid: &OwnerUuid) -> Option<&Svm> {
        self.svms.iter().find(|s| &s.uuid == uuid)
    }

    pub fn admin_svm(&self) -> Option<&Svm> {
        self.svms.iter().find(|s| s.is_admin)
    }

    pub fn account(&self, owner: &OwnerUuid, name: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| &a.owner == owner && a.name.as_str() == name)
    }

    /// The account a basic-auth sign-in names, if the password is right and it may use the
    /// REST API. A name can exist in several SVMs (every SVM has a `vsadmin`): among those
    /// that may sign in, a cluster-scoped account comes first, then SVMs in name order.
    pub fn sign_in(&self, user: &str, password: &str) -> Option<&Account> {
        let mut candidates: Vec<(&Account, &Svm)> = self
            .accounts
            .iter()
            .filter(|a| a.name.as_str() == user && a.password == password)
            .filter(|a| a.can_use_rest_with_password())
            .filter_map(|a| Some((a, self.svm(&a.owner)?)))
            .collect();
        candidates.sort_by(|(_, x), (_, y)| (!x.is_admin, &x.name).cmp(&(!y.is_admin, &y.name)));
        candidates.first().map(|(a, _)| *a)
    }
}
