//! [`Sim`] methods for accounts and the audit log, for tests that drive the emulator directly.

use ontap_model::OwnerUuid;

use crate::audit::AuditRecord;
use crate::model::Account;
use crate::Sim;

impl Sim {
    /// The account `name` of the SVM `owner_uuid`.
    pub fn account(&self, owner_uuid: &str, name: &str) -> Option<Account> {
        let owner = OwnerUuid::try_from(owner_uuid).ok()?;
        self.with_state(|s| s.account(&owner, name).cloned())
    }

    /// Replaces (or adds) an account, matched by owner and name.
    pub fn put_account(&self, account: Account) {
        self.with_state(
            |s| match s.account_position(&account.owner, account.name.as_str()) {
                Some(i) => s.accounts[i] = account,
                None => s.accounts.push(account),
            },
        )
    }

    /// The audit records kept (the newest [`Sim::set_log_size`]), oldest first.
    pub fn audit(&self) -> Vec<AuditRecord> {
        self.with_state(|s| s.audit.iter().cloned().collect())
    }

    /// Appends a record to the audit log as the cluster would have written it (a command typed
    /// in the clustershell, a request from another client), with the log's next index, which
    /// it returns; `record.index` is ignored.
    pub fn add_audit(&self, mut record: AuditRecord) -> u64 {
        self.with_state(|s| {
            s.audit_index += 1;
            record.index = s.audit_index;
            s.audit.push(record);
            s.audit_index
        })
    }

    /// Sets `-max-failed-login-attempts` (0: never lock).
    pub fn set_max_failed_logins(&self, n: u32) {
        self.with_state(|s| s.max_failed_logins = n);
    }
}
