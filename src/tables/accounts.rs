//! The account table's logic, apart from its view: accounts joined with the TOTP profiles
//! (enrolled, disabled, not enrolled, TOTP not required), the view state as it lives in the
//! URL, counts, and the review of a bulk change (what changes, what is skipped and why).

use std::borrow::Cow;
use std::collections::HashMap;

use ontap_model::account_change::{AccountChange, AccountPatch, Refusal};
use ontap_model::Account;

use super::csv::csv_cell;
use super::factors::{cluster_owner, second_factors, Factors, Kind, SecondFactors};
use super::listing::{self, filter_sort, needle, nonempty, Filters, SortColumn};
use super::profiles::{Row, Status};

/// Where an account stands with TOTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TotpState {
    /// SSH asks for TOTP and the profile is enabled.
    Enrolled,
    /// SSH asks for TOTP and the profile is disabled: the user must enroll again.
    Disabled,
    /// SSH asks for TOTP and the account has no profile.
    NotEnrolled,
    /// SSH does not ask this account for TOTP.
    NotRequired,
}

impl TotpState {
    pub(crate) const ALL: [TotpState; 4] = [
        TotpState::Enrolled,
        TotpState::Disabled,
        TotpState::NotEnrolled,
        TotpState::NotRequired,
    ];
    pub(crate) fn label(self) -> &'static str {
        match self {
            TotpState::Enrolled => "Enrolled",
            TotpState::Disabled => "Disabled",
            TotpState::NotEnrolled => "Not enrolled",
            TotpState::NotRequired => "TOTP not required",
        }
    }
    pub(crate) fn slug(self) -> &'static str {
        match self {
            TotpState::Enrolled => "enrolled",
            TotpState::Disabled => "disabled",
            TotpState::NotEnrolled => "not-enrolled",
            TotpState::NotRequired => "not-required",
        }
    }
    pub(crate) fn from_slug(s: &str) -> Option<TotpState> {
        TotpState::ALL.into_iter().find(|x| x.slug() == s)
    }
}

/// One account in the table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AccountRow {
    pub account: Account,
    pub(crate) name: String,
    pub svm: String,
    pub(crate) owner_uuid: String,
    pub role: String,
    pub(crate) scope: String,
    pub(crate) locked: bool,
    /// The SSH application's methods, in order; empty without SSH.
    pub(crate) ssh_methods: Vec<String>,
    /// `none`, `totp`, ...; `—` without SSH.
    pub(crate) second: String,
    pub(crate) totp: TotpState,
    /// The SSH and web second factors, named (TOTP, SSH key, password, Duo, WebAuthn key).
    pub(crate) factors: SecondFactors,
    /// Lower-case text the filter searches.
    pub(crate) hay: String,
}

impl AccountRow {
    pub(crate) fn has_ssh(&self) -> bool {
        self.account.ssh().is_some()
    }
    /// "password, publickey" or "no SSH".
    pub(crate) fn ssh_label(&self) -> String {
        if self.has_ssh() {
            self.ssh_methods.join(", ")
        } else {
            "no SSH".into()
        }
    }
    /// The SSH methods and, when there is one, the second factor: "password + TOTP".
    pub(crate) fn ssh_with_second(&self) -> String {
        match self.second.as_str() {
            _ if !self.has_ssh() => self.ssh_label(),
            "none" | "" => self.ssh_label(),
            "totp" => format!("{} + TOTP", self.ssh_label()),
            other => format!("{} + {other}", self.ssh_label()),
        }
    }
}

/// The profiles' enabled flags by (owner UUID in lower case, account name). Keys borrow
/// from the profiles read: a fleet indexes 100,000 of them, hence FxHash (keys from the
/// cluster, not from someone who could choose them to collide).
pub(crate) type ProfileIndex<'a> =
    HashMap<(Cow<'a, str>, Cow<'a, str>), Option<bool>, rustc_hash::FxBuildHasher>;

/// `uuid` in lower case, copied only when it is not already (ONTAP writes lower case).
pub(crate) fn lower_uuid(uuid: &str) -> Cow<'_, str> {
    if uuid.bytes().any(|b| b.is_ascii_uppercase()) || !uuid.is_ascii() {
        Cow::Owned(uuid.to_lowercase())
    } else {
        Cow::Borrowed(uuid)
    }
}

/// [`ProfileIndex`] from the profile table's rows (its not-enrolled rows are accounts, not
/// profiles).
pub(crate) fn profile_index(rows: &[Row]) -> ProfileIndex<'_> {
    rows.iter()
        .filter(|r| r.status != Status::NotEnrolled)
        .map(|r| {
            (
                (lower_uuid(&r.owner_uuid), Cow::Borrowed(r.account.as_str())),
                r.enabled(),
            )
        })
        .collect()
}

/// Whether an account must use TOTP and how its profile stands, given the profiles (by
/// lower-case owner UUID and account name: enabled or not).
pub(crate) fn totp_state(a: &Account, profiles: &ProfileIndex) -> TotpState {
    if !a.requires_totp() {
        return TotpState::NotRequired;
    }
    let key = (
        lower_uuid(a.owner_uuid().unwrap_or_default()),
        Cow::Borrowed(a.name.as_deref().unwrap_or_default()),
    );
    match profiles.get(&key) {
        Some(Some(false)) => TotpState::Disabled,
        Some(_) => TotpState::Enrolled,
        None => TotpState::NotEnrolled,
    }
}

/// The row of an account, given the profiles.
pub(crate) fn row_of(
    a: &Account,
    profiles: &ProfileIndex,
    factors: &Factors,
    cluster: Option<&str>,
) -> AccountRow {
    let name = a.name.clone().unwrap_or_default();
    let owner_uuid = a.owner_uuid().unwrap_or_default().to_owned();
    let svm = a.owner_name().unwrap_or_default().to_owned();
    let ssh = a.ssh();
    let ssh_methods = ssh
        .map(|s| s.authentication_methods.clone())
        .unwrap_or_default();
    let second = match ssh {
        Some(s) => s
            .second_authentication_method
            .clone()
            .unwrap_or_else(|| "none".into()),
        None => "—".into(),
    };
    let totp = totp_state(a, profiles);
    let role = a.role_name().unwrap_or_default().to_owned();
    let scope = a
        .scope
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let hay = format!("{name}\n{svm}\n{role}").to_lowercase();
    AccountRow {
        account: a.clone(),
        name,
        svm,
        owner_uuid,
        role,
        scope,
        locked: a.locked == Some(true),
        ssh_methods,
        second,
        totp,
        factors: second_factors(a, factors, cluster),
        hay,
    }
}

/// Every account with its TOTP state, from the profile table's rows (profile keys compared
/// with the owner UUID in lower case).
pub(crate) fn join_accounts(
    accounts: &[Account],
    rows: &[Row],
    factors: &Factors,
) -> Vec<AccountRow> {
    let idx = profile_index(rows);
    let cluster = cluster_owner(accounts);
    accounts
        .iter()
        .map(|a| row_of(a, &idx, factors, cluster.as_deref()))
        .collect()
}

/// The accounts, in the given order, as CSV with a header line (CRLF line ends, RFC 4180; cells
/// through [`csv_cell`], so a name or role never runs as a spreadsheet formula): an auditor's
/// answer to "who must use TOTP for SSH, and who has it". `ssh_methods` and `second_factor`
/// are empty for an account without SSH; `totp` is the state's label; `ssh_second_factors`
/// and `web_second_factor` name every second factor as the view does (TOTP, SSH key, password,
/// Duo, WebAuthn key, none, or why it is not known).
pub(crate) fn to_csv<'a>(rows: impl Iterator<Item = &'a AccountRow>) -> String {
    let mut out =
        String::from("account,svm,owner_uuid,role,scope,locked,ssh_methods,second_factor,totp,ssh_second_factors,web_second_factor\r\n");
    for r in rows {
        let second = if r.has_ssh() { r.second.as_str() } else { "" };
        let cells = [
            r.name.as_str(),
            r.svm.as_str(),
            r.owner_uuid.as_str(),
            r.role.as_str(),
            r.scope.as_str(),
            if r.locked { "yes" } else { "no" },
            &r.ssh_methods.join(" "),
            second,
            r.totp.label(),
            r.factors.ssh.as_str(),
            r.factors.web.as_str(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Columns the table sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SortKey {
    Name,
    Svm,
    Role,
    Locked,
    Ssh,
    Totp,
    SshSecond,
    WebSecond,
}

impl SortKey {
    pub(crate) const ALL: [SortKey; 8] = [
        SortKey::Name,
        SortKey::Svm,
        SortKey::Role,
        SortKey::Locked,
        SortKey::Ssh,
        SortKey::Totp,
        SortKey::SshSecond,
        SortKey::WebSecond,
    ];
    pub(crate) fn label(self) -> &'static str {
        match self {
            SortKey::Name => "Account",
            SortKey::Svm => "SVM",
            SortKey::Role => "Role",
            SortKey::Locked => "Locked",
            SortKey::Ssh => "SSH sign-in",
            SortKey::Totp => "TOTP",
            SortKey::SshSecond => "SSH second factor",
            SortKey::WebSecond => "Web second factor",
        }
    }
    pub(crate) fn slug(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Svm => "svm",
            SortKey::Role => "role",
            SortKey::Locked => "locked",
            SortKey::Ssh => "ssh",
            SortKey::Totp => "totp",
            SortKey::SshSecond => "ssh2",
            SortKey::WebSecond => "web2",
        }
    }
}

impl SortColumn for SortKey {
    const DEFAULT: SortKey = SortKey::Svm;
    const ALL: &'static [SortKey] = &SortKey::ALL;
    fn slug(self) -> &'static str {
        SortKey::slug(self)
    }
}

/// The accounts view's own filters: TOTP state and lock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AccountFilters {
    pub(crate) totp: Option<TotpState>,
    pub(crate) locked: Option<bool>,
    /// Accounts with this second factor (or without one, for SSH or the web).
    pub(crate) factor: Option<Kind>,
}

impl Filters for AccountFilters {
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self {
        AccountFilters {
            totp: nonempty(&get, "totp").and_then(|s| TotpState::from_slug(&s)),
            locked: match nonempty(&get, "locked").as_deref() {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
            factor: nonempty(&get, "factor").and_then(|s| Kind::from_slug(&s)),
        }
    }
    fn params(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("totp", self.totp.map(TotpState::slug)),
            ("locked", self.locked.map(|l| if l { "yes" } else { "no" })),
            ("factor", self.factor.map(Kind::slug)),
        ]
    }
}

/// Filter and sort, as kept in the URL.
pub(crate) type ViewState = listing::ViewState<SortKey, AccountFilters>;

impl ViewState {
    pub(crate) fn matches(&self, r: &AccountRow, needle: &str) -> bool {
        (needle.is_empty() || r.hay.contains(needle))
            && self.svm.as_deref().is_none_or(|s| r.svm == s)
            && self.filters.totp.is_none_or(|t| r.totp == t)
            && self.filters.locked.is_none_or(|l| r.locked == l)
            && self
                .filters
                .factor
                .is_none_or(|k| r.factors.kinds.contains(&k))
    }

    /// Indices of the matching rows in the chosen order (ties: SVM, then name).
    pub(crate) fn apply(&self, rows: &[AccountRow]) -> Vec<usize> {
        let needle = needle(&self.text);
        filter_sort(
            rows,
            |r| self.matches(r, &needle),
            self.desc,
            |x, y| match self.sort {
                SortKey::Name => x.name.to_lowercase().cmp(&y.name.to_lowercase()),
                SortKey::Svm => x.svm.cmp(&y.svm),
                SortKey::Role => x.role.cmp(&y.role),
                SortKey::Locked => y.locked.cmp(&x.locked),
                SortKey::Ssh => x.ssh_with_second().cmp(&y.ssh_with_second()),
                SortKey::Totp => x.totp.cmp(&y.totp),
                SortKey::SshSecond => x.factors.ssh.cmp(&y.factors.ssh),
                SortKey::WebSecond => x.factors.web.cmp(&y.factors.web),
            },
            |x, y| x.svm.cmp(&y.svm).then_with(|| x.name.cmp(&y.name)),
        )
    }
}

/// Counts by TOTP state, and locked accounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) by_state: [usize; 4],
    pub(crate) locked: usize,
    /// By second-factor kind, in [`Kind::ALL`]'s order.
    pub(crate) by_kind: [usize; 7],
}

impl Counts {
    pub(crate) fn of(rows: &[AccountRow]) -> Counts {
        let mut c = Counts::default();
        for r in rows {
            let i = TotpState::ALL
                .iter()
                .position(|s| *s == r.totp)
                .unwrap_or(0);
            c.by_state[i] += 1;
            if r.locked {
                c.locked += 1;
            }
            for k in &r.factors.kinds {
                if let Some(i) = Kind::ALL.iter().position(|x| x == k) {
                    c.by_kind[i] += 1;
                }
            }
        }
        c
    }
    pub(crate) fn kind(&self, k: Kind) -> usize {
        Kind::ALL
            .iter()
            .position(|x| *x == k)
            .map_or(0, |i| self.by_kind[i])
    }
    pub fn get(&self, s: TotpState) -> usize {
        let i = TotpState::ALL.iter().position(|x| *x == s).unwrap_or(0);
        self.by_state[i]
    }
}

/// One account of a bulk change, with its PATCH.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BulkItem {
    pub(crate) owner_uuid: String,
    pub svm: String,
    pub(crate) name: String,
    pub(crate) patch: AccountPatch,
    /// What the review shows as the account's state before and after the change: its SSH
    /// sign-in ("password + TOTP") or its lock.
    pub(crate) now: String,
    pub(crate) after: String,
}

/// What a bulk change would do to a selection.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct BulkReview {
    pub(crate) change: Option<AccountChange>,
    pub(crate) items: Vec<BulkItem>,
    /// Accounts left out: (SVM, name, why).
    pub(crate) skipped: Vec<(String, String, Refusal)>,
}

impl BulkReview {
    pub(crate) fn of(change: AccountChange, rows: &[&AccountRow]) -> BulkReview {
        let mut r = BulkReview {
            change: Some(change),
            ..BulkReview::default()
        };
        for row in rows {
            if row.owner_uuid.is_empty() || row.name.is_empty() {
                r.skipped
                    .push((row.svm.clone(), row.name.clone(), Refusal::NoKey));
                continue;
            }
            match change.plan(&row.account) {
                Ok(patch) => {
                    let (now, after) = match change {
                        AccountChange::Unlock => ("Locked".to_owned(), "Not locked".to_owned()),
                        AccountChange::RequireTotp => {
                            (row.ssh_with_second(), format!("{} + TOTP", row.ssh_label()))
                        }
                        AccountChange::StopRequiringTotp => {
                            (row.ssh_with_second(), row.ssh_label())
                        }
                    };
                    r.items.push(BulkItem {
                        owner_uuid: row.owner_uuid.clone(),
                        svm: row.svm.clone(),
                        name: row.name.clone(),
                        patch,
                        now,
                        after,
                    })
                }
                Err(why) => r.skipped.push((row.svm.clone(), row.name.clone(), why)),
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn account(json: &str) -> Account {
        serde_json::from_str(json).expect("test account")
    }

    /// The counts and the "second factor" filter go by the kinds named in the columns: an
    /// account counts once per kind (SSH and web apart), and "Duo unknown" is not "none".
    #[test]
    fn counts_and_the_factor_filter_follow_the_second_factors() {
        let accounts = [
            account(
                r#"{"name":"w","owner":{"name":"c1","uuid":"c"},"scope":"cluster","applications":[
                {"application":"http","authentication_methods":["password"],"second_authentication_method":"publickey"},
                {"application":"ssh","authentication_methods":["password"],"second_authentication_method":"totp"}]}"#,
            ),
            account(
                r#"{"name":"k","owner":{"name":"vs1","uuid":"u1"},"applications":[
                {"application":"ssh","authentication_methods":["password"],"second_authentication_method":"publickey"}]}"#,
            ),
            account(
                r#"{"name":"n","owner":{"name":"vs1","uuid":"u1"},"applications":[
                {"application":"ssh","authentication_methods":["password"]},
                {"application":"http","authentication_methods":["password"]}]}"#,
            ),
        ];
        let mut f = Factors::for_release(Some(ontap_model::Version::new(9, 16, 1)));
        f.duo_profiles = super::super::factors::Source::Read(vec![]);
        f.duo_groups = super::super::factors::Source::Read(vec![]);
        f.webauthn = super::super::factors::Source::Read(vec![]);
        let rows = join_accounts(&accounts, &[], &f);
        let c = Counts::of(&rows);
        let n = |k| c.kind(k);
        assert_eq!(
            (n(Kind::Totp), n(Kind::SshKey), n(Kind::SshNone)),
            (1, 1, 1)
        );
        assert_eq!((n(Kind::WebauthnKey), n(Kind::WebNone)), (1, 1));
        assert_eq!((n(Kind::Password), n(Kind::Duo)), (0, 0));
        let mut v = ViewState::default();
        v.filters.factor = Some(Kind::WebauthnKey);
        let shown: Vec<&str> = v
            .apply(&rows)
            .iter()
            .map(|&i| rows[i].name.as_str())
            .collect();
        assert_eq!(shown, ["w"]);
        v.filters.factor = Some(Kind::SshNone);
        assert_eq!(v.apply(&rows).len(), 1);
        // The filter is kept in the URL by its slug.
        assert_eq!(
            Kind::from_slug(Kind::WebauthnKey.slug()),
            Some(Kind::WebauthnKey)
        );
        // Duo that could not be read: the plain account is not counted as "SSH: none".
        f.duo_profiles =
            super::super::factors::Source::Unavailable(crate::api::ApiError::Unauthorized);
        let c = Counts::of(&join_accounts(&accounts, &[], &f));
        assert_eq!(c.kind(Kind::SshNone), 0);
        // Sorting by a second-factor column orders by its text.
        v.filters.factor = None;
        v.sort = SortKey::SshSecond;
        let order: Vec<&str> = v
            .apply(&rows)
            .iter()
            .map(|&i| rows[i].factors.ssh.as_str())
            .collect();
        assert_eq!(order, ["SSH key", "TOTP", "none"]);
    }

    #[wasm_bindgen_test]
    fn the_csv_has_a_line_per_row_and_neutral_cells() {
        let rows = join_accounts(
            &[
                account(
                    r#"{"name":"svc-backup","owner":{"name":"vs1","uuid":"u1"},
                        "role":{"name":"=backup"},"locked":true,"scope":"svm",
                        "applications":[{"application":"http","authentication_methods":["password"]}]}"#,
                ),
                account(
                    r#"{"name":"ann","owner":{"name":"vs1","uuid":"u1"},"role":{"name":"vsadmin"},
                        "scope":"svm","applications":[{"application":"ssh",
                        "authentication_methods":["password","publickey"],
                        "second_authentication_method":"totp"}]}"#,
                ),
            ],
            &[],
            &Factors::for_release(Some(ontap_model::Version::new(9, 13, 1))),
        );
        assert_eq!(
            to_csv(rows.iter()),
            "account,svm,owner_uuid,role,scope,locked,ssh_methods,second_factor,totp,\
             ssh_second_factors,web_second_factor\r\n\
             svc-backup,vs1,u1,'=backup,svm,yes,,,TOTP not required,no SSH,not on 9.13.1\r\n\
             ann,vs1,u1,vsadmin,svm,no,password publickey,totp,Not enrolled,TOTP,no web access\r\n"
        );
    }
}
