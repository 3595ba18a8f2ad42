//! The emulated cluster's state: identity, SVMs, accounts and TOTP profiles, with the lookups
//! the handlers need. It lives behind one lock in [`crate::Sim`], so every change is atomic
//! and concurrent PATCHes to one profile are applied one after the other.

use std::collections::{BTreeMap, BTreeSet};

use ontap_model::otp::Secret;
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
    /// The secret of each profile created through POST (seeded profiles have none).
    pub secrets: BTreeMap<TotpKey, Secret>,
    /// Emulate the report that a disabled profile is no longer shown (`--disabled-profiles
    /// hidden`): disabled profiles are then invisible to every call.
    pub disabled_hidden: bool,
    /// OAuth 2.0 bearer tokens handed to the emulator: token to account name.
    pub tokens: BTreeMap<String, String>,
    /// Credentials (user names and tokens) that fault injection has expired: 401 from then on.
    pub expired: BTreeSet<String>,
    /// The administrative audit log ([`crate::audit`]), oldest first and bounded, and its last
    /// index (which goes on counting when old records are dropped).
    pub audit: crate::audit::AuditLog,
    pub audit_index: u64,
    /// `security login role config -max-failed-login-attempts`: consecutive failed password
    /// sign-ins after which an account is locked; 0 (ONTAP's default) never locks.
    pub max_failed_logins: u32,
    /// Consecutive failed password sign-ins per user name since the last success.
    pub failed_logins: BTreeMap<String, u32>,
    /// How far the cluster's clock is from the machine's, in seconds (negative: behind):
    /// `--clock-offset-secs`, a cluster whose NTP is off. See [`State::now`].
    pub clock_offset_secs: i64,
    /// Duo profiles and groups, WebAuthn credentials ([`crate::mfa`]).
    pub mfa: crate::mfa::MfaState,
    /// Answer listings and lookups by walking the whole collection, as the emulator did before
    /// its indexes ([`crate::index`]): the bench's reference for before/after figures, and the
    /// tests' oracle that the indexed answers are the same. Off by default.
    pub scan: bool,
    /// Accounts by key ([`crate::index`]), kept up to date as `accounts` grows.
    pub account_index: crate::index::AccountIndex,
    /// Accounts' written texts ([`crate::texts`]), reused while an account is unchanged.
    pub account_texts: crate::texts::AccountTexts,
}

impl State {
    pub fn svm(&self, uuid: &OwnerUuid) -> Option<&Svm> {
        self.svms.iter().find(|s| &s.uuid == uuid)
    }

    pub fn admin_svm(&self) -> Option<&Svm> {
        self.svms.iter().find(|s| s.is_admin)
    }

    /// The cluster's time (Unix seconds): the machine's clock shifted by `clock_offset_secs`.
    /// The `Date` of every answer, a new profile's `verification_code` and the audit log's
    /// timestamps read it.
    pub fn now(&self) -> u64 {
        crate::rng::shifted(crate::rng::unix_now(), self.clock_offset_secs)
    }

    pub fn account(&self, owner: &OwnerUuid, name: &str) -> Option<&Account> {
        self.account_position(owner, name)
            .map(|i| &self.accounts[i])
    }

    /// Where the account `name` of `owner` sits in `accounts`.
    pub fn account_position(&self, owner: &OwnerUuid, name: &str) -> Option<usize> {
        let is = |a: &Account| &a.owner == owner && a.name.as_str() == name;
        if !self.scan {
            let found = self
                .account_index
                .with(&self.accounts, |k| k.get(owner, name));
            if let Some(i) = found.filter(|&i| is(&self.accounts[i])) {
                return Some(i);
            }
        }
        self.accounts.iter().position(is)
    }

    /// The positions of the accounts called `name`, one per SVM at most, in no set order.
    pub fn accounts_named(&self, name: &str) -> Vec<usize> {
        if self.scan {
            return (0..self.accounts.len())
                .filter(|&i| self.accounts[i].name.as_str() == name)
                .collect();
        }
        // In `accounts` order, as a scan finds them.
        let mut found: Vec<usize> = self.account_index.with(&self.accounts, |k| {
            self.svms
                .iter()
                .filter_map(|s| k.get(&s.uuid, name))
                .collect()
        });
        found.sort_unstable();
        found
    }

    /// A new state: no tokens, nothing expired, disabled profiles listed.
    pub fn new(
        name: &str,
        uuid: &str,
        version: Version,
        svms: Vec<Svm>,
        accounts: Vec<Account>,
        totps: BTreeMap<TotpKey, Totp>,
    ) -> State {
        State {
            name: name.to_owned(),
            uuid: uuid.to_owned(),
            version,
            svms,
            accounts,
            totps,
            secrets: BTreeMap::new(),
            disabled_hidden: false,
            tokens: BTreeMap::new(),
            expired: BTreeSet::new(),
            audit: crate::audit::AuditLog::default(),
            audit_index: 0,
            max_failed_logins: 0,
            failed_logins: BTreeMap::new(),
            clock_offset_secs: 0,
            mfa: crate::mfa::MfaState::default(),
            scan: false,
            account_index: Default::default(),
            account_texts: Default::default(),
        }
    }

    /// Renames the cluster and its admin SVM, which bears the cluster's name, in the SVM list
    /// and in the owner of every profile the admin SVM holds.
    pub fn rename_cluster(&mut self, name: &str) {
        self.name = name.to_owned();
        let Some(admin) = self.svms.iter_mut().find(|s| s.is_admin) else {
            return;
        };
        admin.name = name.to_owned();
        let uuid = admin.uuid.clone();
        for t in self.totps.values_mut() {
            if let Some(o) = t
                .owner
                .as_mut()
                .filter(|o| o.uuid.as_deref() == Some(uuid.as_str()))
            {
                o.name = Some(name.to_owned());
            }
        }
    }

    pub fn svm_by_name(&self, name: &str) -> Option<&Svm> {
        self.svms.iter().find(|s| s.name == name)
    }

    /// The profile at `key` as every call sees it: absent when it is disabled and disabled
    /// profiles are hidden (see DISABLED_PROFILES in [`crate::inferred`]).
    pub fn visible_totp(&self, key: &TotpKey) -> Option<&Totp> {
        self.totps
            .get(key)
            .filter(|t| !(self.disabled_hidden && t.enabled == Some(false)))
    }

    /// The account a bearer token was given for, if it may use the REST API.
    pub fn sign_in_token(&self, token: &str) -> Option<&Account> {
        let user = self.tokens.get(token)?;
        self.pick_account(user, |a| a.can_use_rest())
    }

    fn pick_account(&self, user: &str, ok: impl Fn(&Account) -> bool) -> Option<&Account> {
        let mut candidates: Vec<(&Account, &Svm)> = self
            .accounts_named(user)
            .into_iter()
            .map(|i| &self.accounts[i])
            .filter(|a| ok(a))
            .filter_map(|a| Some((a, self.svm(&a.owner)?)))
            .collect();
        candidates.sort_by(|(_, x), (_, y)| (!x.is_admin, &x.name).cmp(&(!y.is_admin, &y.name)));
        candidates.first().map(|(a, _)| *a)
    }

    /// The account a basic-auth sign-in names, if the password is right and it may use the
    /// REST API. A name can exist in several SVMs (every SVM has a `vsadmin`): among those
    /// that may sign in, a cluster-scoped account comes first, then SVMs in name order.
    pub fn sign_in(&self, user: &str, password: &str) -> Option<&Account> {
        self.pick_account(user, |a| {
            a.password == password && a.can_use_rest_with_password()
        })
    }

    /// Counts a password sign-in: a success resets the user's count of failures; a failure
    /// for an existing user adds one, and at `max_failed_logins` (when not 0) locks every
    /// unlocked account of that name that signs in with a password (FAILED_LOGIN_LOCKOUT in
    /// [`crate::inferred`]).
    pub fn count_sign_in(&mut self, user: &str, succeeded: bool) {
        if succeeded {
            self.failed_logins.remove(user);
            return;
        }
        if self.accounts_named(user).is_empty() {
            return;
        }
        let n = self.failed_logins.entry(user.to_owned()).or_insert(0);
        *n += 1;
        if self.max_failed_logins > 0 && *n >= self.max_failed_logins {
            self.failed_logins.remove(user);
            for a in self
                .accounts
                .iter_mut()
                .filter(|a| a.name.as_str() == user && a.can_use_rest_with_password())
            {
                a.locked = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::{self, ADMIN_SVM_UUID};

    #[test]
    fn a_renamed_cluster_renames_its_admin_svm_and_the_profiles_it_owns() {
        let config = crate::Config {
            cluster_name: Some("<b>c</b>".into()),
            ..crate::Config::ephemeral()
        };
        let sim = config.build_sim();
        sim.with_state(|s| {
            assert_eq!(s.name, "<b>c</b>");
            assert_eq!(s.admin_svm().map(|a| a.name.as_str()), Some("<b>c</b>"));
            assert!(s.svm_by_name(demo::CLUSTER_NAME).is_none());
        });
        let mchen = sim.totp(ADMIN_SVM_UUID, "mchen").and_then(|t| t.owner);
        assert_eq!(mchen.and_then(|o| o.name).as_deref(), Some("<b>c</b>"));
        let kpatel = sim.totp(demo::VS_ENG_UUID, "kpatel").and_then(|t| t.owner);
        assert_eq!(kpatel.and_then(|o| o.name).as_deref(), Some(demo::VS_ENG));
    }
}
