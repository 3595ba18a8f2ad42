//! The profile table's logic, apart from its view: rows joined from profiles and accounts,
//! the view state (filter, sort) as it lives in the URL, counts, and CSV export.

use ontap_model::{Account, Scope, Totp, TotpKey, TotpPatch};

use super::csv::csv_cell;
use super::listing::{self, filter_sort, needle, nonempty, Filters, SortColumn};

/// What a row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Status {
    /// A profile that is enabled: SSH asks for a code.
    Enabled,
    /// A profile that is disabled: the user must enroll again.
    Disabled,
    /// The account must use TOTP for SSH but has no profile.
    NotEnrolled,
    /// A profile whose status the cluster did not send.
    Unknown,
}

impl Status {
    pub(crate) const FILTERABLE: [Status; 3] =
        [Status::Enabled, Status::Disabled, Status::NotEnrolled];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Enabled => "Enabled",
            Status::Disabled => "Disabled",
            Status::NotEnrolled => "Not enrolled",
            Status::Unknown => "Unknown",
        }
    }
    /// The value in the URL.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Status::Enabled => "enabled",
            Status::Disabled => "disabled",
            Status::NotEnrolled => "not-enrolled",
            Status::Unknown => "unknown",
        }
    }
    pub(crate) fn from_slug(s: &str) -> Option<Status> {
        [
            Status::Enabled,
            Status::Disabled,
            Status::NotEnrolled,
            Status::Unknown,
        ]
        .into_iter()
        .find(|x| x.slug() == s)
    }
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    /// The editor's key; `None` for a not-enrolled account or a malformed record.
    pub(crate) key: Option<TotpKey>,
    pub account: String,
    pub svm: String,
    pub(crate) owner_uuid: String,
    pub(crate) scope: Option<Scope>,
    pub(crate) status: Status,
    pub(crate) comment: String,
    pub(crate) fingerprint: String,
    /// Lower-case account, SVM and comment, for the text filter.
    hay: String,
}

impl Row {
    fn new(
        key: Option<TotpKey>,
        account: String,
        svm: String,
        owner_uuid: String,
        scope: Option<Scope>,
        status: Status,
        comment: String,
        fingerprint: String,
    ) -> Row {
        let mut hay = format!("{}\u{1f}{}\u{1f}{}", account, svm, comment);
        // In place when ASCII (nearly every name): one string a row, not two.
        if hay.is_ascii() {
            hay.make_ascii_lowercase();
        } else {
            hay = hay.to_lowercase();
        }
        Row {
            key,
            account,
            svm,
            owner_uuid,
            scope,
            status,
            comment,
            fingerprint,
            hay,
        }
    }

    pub(crate) fn from_totp(t: &Totp) -> Row {
        Row::from_totp_owned(t.clone())
    }

    /// The row of a profile, taking its strings (a fleet's listings: 100,000 rows);
    /// [`Row::from_totp`] copies them.
    pub(crate) fn from_totp_owned(t: Totp) -> Row {
        let key = t.key();
        let status = match t.enabled {
            Some(true) => Status::Enabled,
            Some(false) => Status::Disabled,
            None => Status::Unknown,
        };
        let Totp {
            account,
            owner,
            scope,
            comment,
            sha_fingerprint,
            ..
        } = t;
        let (svm, owner_uuid) = owner
            .map(|o| (o.name.unwrap_or_default(), o.uuid.unwrap_or_default()))
            .unwrap_or_default();
        Row::new(
            key,
            account.and_then(|a| a.name).unwrap_or_default(),
            svm,
            owner_uuid,
            scope,
            status,
            comment.unwrap_or_default(),
            sha_fingerprint.unwrap_or_default(),
        )
    }

    pub(crate) fn not_enrolled(a: &Account) -> Row {
        Row::not_enrolled_of(
            a.name.clone().unwrap_or_default(),
            a.owner_name().unwrap_or_default().to_owned(),
            a.owner_uuid().unwrap_or_default().to_owned(),
            a.scope.clone(),
        )
    }

    /// The row of an account that must use TOTP and has no profile, from its parts.
    pub(crate) fn not_enrolled_of(
        account: String,
        svm: String,
        owner_uuid: String,
        scope: Option<Scope>,
    ) -> Row {
        Row::new(
            None,
            account,
            svm,
            owner_uuid,
            scope,
            Status::NotEnrolled,
            String::new(),
            String::new(),
        )
    }

    /// The row after `patch` was applied on the cluster (a bulk change's result).
    pub(crate) fn patched(&self, patch: &TotpPatch) -> Row {
        let status = match patch.enabled {
            Some(true) => Status::Enabled,
            Some(false) => Status::Disabled,
            None => self.status,
        };
        let comment = patch
            .comment
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_else(|| self.comment.clone());
        Row::new(
            self.key.clone(),
            self.account.clone(),
            self.svm.clone(),
            self.owner_uuid.clone(),
            self.scope.clone(),
            status,
            comment,
            self.fingerprint.clone(),
        )
    }

    /// The identity of the row: owner UUID and account name.
    pub(crate) fn id(&self) -> (&str, &str) {
        (&self.owner_uuid, &self.account)
    }

    /// The profile's `enabled` as listed (`None`: not sent, or not a profile).
    pub(crate) fn enabled(&self) -> Option<bool> {
        match self.status {
            Status::Enabled => Some(true),
            Status::Disabled => Some(false),
            Status::NotEnrolled | Status::Unknown => None,
        }
    }

    pub(crate) fn scope_label(&self) -> &'static str {
        self.scope.as_ref().map(Scope::as_str).unwrap_or("")
    }
}

/// Adds a "not enrolled" row for every account that must use TOTP and has no profile.
pub(crate) fn join_not_enrolled(profiles: &[Row], accounts: &[Account]) -> Vec<Row> {
    let have: std::collections::HashSet<(&str, &str)> = profiles.iter().map(Row::id).collect();
    accounts
        .iter()
        .filter(|a| a.requires_totp())
        .filter(|a| {
            let id = (
                a.owner_uuid().unwrap_or_default(),
                a.name.as_deref().unwrap_or_default(),
            );
            !have.contains(&id)
        })
        .map(Row::not_enrolled)
        .collect()
}

/// The columns a table can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SortKey {
    Account,
    Svm,
    Scope,
    Status,
    Comment,
    Fingerprint,
}

impl SortKey {
    pub(crate) const ALL: [SortKey; 6] = [
        SortKey::Account,
        SortKey::Svm,
        SortKey::Scope,
        SortKey::Status,
        SortKey::Comment,
        SortKey::Fingerprint,
    ];
    pub(crate) fn label(self) -> &'static str {
        match self {
            SortKey::Account => "Account",
            SortKey::Svm => "SVM",
            SortKey::Scope => "Scope",
            SortKey::Status => "Status",
            SortKey::Comment => "Comment",
            SortKey::Fingerprint => "Fingerprint",
        }
    }
    pub(crate) fn slug(self) -> &'static str {
        match self {
            SortKey::Account => "account",
            SortKey::Svm => "svm",
            SortKey::Scope => "scope",
            SortKey::Status => "status",
            SortKey::Comment => "comment",
            SortKey::Fingerprint => "fingerprint",
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

/// The profile table's own filters: scope and status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProfileFilters {
    /// `cluster` or `svm`.
    pub(crate) scope: Option<String>,
    pub(crate) status: Option<Status>,
}

impl Filters for ProfileFilters {
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self {
        ProfileFilters {
            scope: nonempty(&get, "scope").filter(|s| s == "cluster" || s == "svm"),
            status: nonempty(&get, "status").and_then(|s| Status::from_slug(&s)),
        }
    }
    fn params(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("scope", self.scope.as_deref()),
            ("status", self.status.map(Status::slug)),
        ]
    }
}

/// What the table shows: the filters and the order. Lives in the URL's query string.
pub(crate) type ViewState = listing::ViewState<SortKey, ProfileFilters>;

impl ViewState {
    pub(crate) fn matches(&self, row: &Row, needle: &str) -> bool {
        (needle.is_empty() || row.hay.contains(needle))
            && self.svm.as_deref().is_none_or(|s| row.svm == s)
            && self
                .filters
                .scope
                .as_deref()
                .is_none_or(|s| row.scope_label() == s)
            && self.filters.status.is_none_or(|s| row.status == s)
    }

    /// Indices of the rows that match, in the chosen order (ties broken by SVM then account).
    pub(crate) fn apply(&self, rows: &[Row]) -> Vec<usize> {
        let needle = needle(&self.text);
        let key = self.sort;
        filter_sort(
            rows,
            |r| self.matches(r, &needle),
            self.desc,
            |x, y| match key {
                SortKey::Account => x.account.to_lowercase().cmp(&y.account.to_lowercase()),
                SortKey::Svm => x.svm.cmp(&y.svm),
                SortKey::Scope => x.scope_label().cmp(y.scope_label()),
                SortKey::Status => x.status.cmp(&y.status),
                SortKey::Comment => x.comment.to_lowercase().cmp(&y.comment.to_lowercase()),
                SortKey::Fingerprint => x.fingerprint.cmp(&y.fingerprint),
            },
            |x, y| x.svm.cmp(&y.svm).then_with(|| x.account.cmp(&y.account)),
        )
    }
}

/// How many rows are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) enabled: usize,
    pub(crate) disabled: usize,
    pub(crate) not_enrolled: usize,
    pub(crate) unknown: usize,
}

impl Counts {
    pub(crate) fn of(rows: &[Row]) -> Counts {
        let mut c = Counts::default();
        for r in rows {
            match r.status {
                Status::Enabled => c.enabled += 1,
                Status::Disabled => c.disabled += 1,
                Status::NotEnrolled => c.not_enrolled += 1,
                Status::Unknown => c.unknown += 1,
            }
        }
        c
    }
    pub fn get(&self, s: Status) -> usize {
        match s {
            Status::Enabled => self.enabled,
            Status::Disabled => self.disabled,
            Status::NotEnrolled => self.not_enrolled,
            Status::Unknown => self.unknown,
        }
    }
}

/// The SVM names present, sorted, for the SVM filter.
pub(crate) fn svm_names(rows: &[Row]) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .map(|r| r.svm.clone())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The rows, in the given order, as CSV with a header line (CRLF line ends, RFC 4180).
pub(crate) fn to_csv<'a>(rows: impl Iterator<Item = &'a Row>) -> String {
    let mut out = String::from("account,svm,owner_uuid,scope,status,comment,sha_fingerprint\r\n");
    for r in rows {
        let cells = [
            r.account.as_str(),
            r.svm.as_str(),
            r.owner_uuid.as_str(),
            r.scope_label(),
            r.status.label(),
            r.comment.as_str(),
            r.fingerprint.as_str(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A fingerprint shortened for the table: the first 12 characters and an ellipsis.
pub(crate) fn short_fingerprint(f: &str) -> String {
    if f.chars().count() <= 14 {
        f.to_owned()
    } else {
        format!("{}…", f.chars().take(12).collect::<String>())
    }
}
