//! Indexes that keep every query the page makes cheap at 100,000 records (issue 19: "the
//! emulator is never the bottleneck"): accounts by key (owner UUID, name), which also gives
//! each SVM's accounts in name order, so that a listing walks from its continuation instead of
//! rendering and sorting the whole collection, and an exact `name` filter or a sign-in looks
//! up one key per SVM. Profiles need no index of their own: their map is keyed the same way.
//!
//! `State::accounts` stays a plain `Vec` that code appends to; accounts are never removed and
//! their keys never change (a PATCH cannot set `owner` or `name`), so the index catches up with
//! the appended tail when it is next used, and rebuilds itself if a position no longer holds
//! the key it recorded. `State::scan` turns every use off: the bench's before/after reference
//! and the tests' oracle.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard};

use ontap_model::OwnerUuid;

use crate::model::Account;

/// Accounts by (owner UUID, name): their positions in `State::accounts`.
#[derive(Default)]
pub struct AccountIndex(Mutex<Keys>);

/// The index proper, as [`AccountIndex::with`] lends it.
#[derive(Clone, Default)]
pub struct Keys {
    /// How many accounts of the `Vec` are indexed (the first `len`).
    len: usize,
    by_key: BTreeMap<(OwnerUuid, String), usize>,
}

impl Clone for AccountIndex {
    fn clone(&self) -> AccountIndex {
        AccountIndex(Mutex::new(self.lock().clone()))
    }
}

impl std::fmt::Debug for AccountIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AccountIndex({} accounts)", self.lock().len)
    }
}

impl AccountIndex {
    fn lock(&self) -> MutexGuard<'_, Keys> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the index brought up to date with `accounts`.
    pub fn with<R>(&self, accounts: &[Account], f: impl FnOnce(&Keys) -> R) -> R {
        let mut keys = self.lock();
        if keys.len > accounts.len() || !keys.holds(accounts) {
            *keys = Keys::default();
        }
        for (i, a) in accounts.iter().enumerate().skip(keys.len) {
            // The first of two equal keys wins, as a search from the front finds it.
            keys.by_key
                .entry((a.owner.clone(), a.name.as_str().to_owned()))
                .or_insert(i);
        }
        keys.len = accounts.len();
        f(&keys)
    }
}

impl Keys {
    /// Whether the last indexed position still holds the key recorded for it: the cheap
    /// check that nothing was removed or reordered (appending leaves it true).
    fn holds(&self, accounts: &[Account]) -> bool {
        if self.len == 0 {
            return true;
        }
        let last = &accounts[self.len - 1];
        self.by_key
            .get(&(last.owner.clone(), last.name.as_str().to_owned()))
            .is_some_and(|&i| i < self.len)
    }

    /// The position of the account `name` of `owner`.
    pub fn get(&self, owner: &OwnerUuid, name: &str) -> Option<usize> {
        self.by_key.get(&(owner.clone(), name.to_owned())).copied()
    }

    /// The positions of `owner`'s accounts in name order, after `after` when given.
    pub fn of_owner<'k>(
        &'k self,
        owner: &OwnerUuid,
        after: Option<&str>,
    ) -> impl Iterator<Item = usize> + 'k {
        let from = match after {
            Some(name) => Bound::Excluded((owner.clone(), name.to_owned())),
            None => Bound::Included((owner.clone(), String::new())),
        };
        let owner = owner.clone();
        self.by_key
            .range((from, Bound::Unbounded))
            .take_while(move |((o, _), _)| *o == owner)
            .map(|(_, &i)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn account(owner: &str, name: &str) -> Account {
        Account {
            name: ontap_model::AccountName::try_from(name).unwrap(),
            owner: OwnerUuid::try_from(owner).unwrap(),
            role: Role::Admin,
            locked: false,
            comment: String::new(),
            applications: Vec::new(),
            password: String::new(),
        }
    }

    const A: &str = "11111111-1111-1111-1111-111111111111";
    const B: &str = "22222222-2222-2222-2222-222222222222";

    #[test]
    fn appended_accounts_are_found_and_walked_in_name_order() {
        let index = AccountIndex::default();
        let mut v = vec![account(B, "zed"), account(A, "bob")];
        let a = OwnerUuid::try_from(A).unwrap();
        assert_eq!(index.with(&v, |k| k.get(&a, "bob")), Some(1));
        v.push(account(A, "amy"));
        v.push(account(A, "cat"));
        assert_eq!(
            index.with(&v, |k| k.of_owner(&a, None).collect::<Vec<_>>()),
            vec![2, 1, 3]
        );
        assert_eq!(
            index.with(&v, |k| k.of_owner(&a, Some("amy")).collect::<Vec<_>>()),
            vec![1, 3]
        );
    }

    #[test]
    fn a_removed_account_makes_the_index_rebuild() {
        let index = AccountIndex::default();
        let mut v = vec![account(A, "amy"), account(A, "bob"), account(B, "cat")];
        let b = OwnerUuid::try_from(B).unwrap();
        assert_eq!(index.with(&v, |k| k.get(&b, "cat")), Some(2));
        v.remove(0);
        assert_eq!(index.with(&v, |k| k.get(&b, "cat")), Some(1));
        let a = OwnerUuid::try_from(A).unwrap();
        assert_eq!(index.with(&v, |k| k.get(&a, "amy")), None);
    }
}
