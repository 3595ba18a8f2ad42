//! The fleet's profile and account tables (issue 19), apart from their views: every cluster's
//! rows in one table with the cluster they came from, a row's key (cluster UUID + owner UUID
//! + account name: two clusters of one name, or one account name on many SVMs, are never
//! mixed), the view state in the URL (a cluster filter and a state filter besides the text),
//! sort, counts and CSV with `cluster,cluster_uuid,` first.
//!
//! Built for 100,000 rows arriving cluster by cluster: a cluster's rows are sorted on their
//! own and merged into the order kept (never a re-sort of everything per arrival); the text
//! filter searches one lower-case haystack of every row with `memchr::memmem`, and a filter
//! that extends an earlier one searches only that one's matches (the last few are kept, so a
//! Backspace is a lookup).

use std::cmp::Ordering;
use std::sync::Arc;

use memchr::memmem;
use ontap_model::Totp;

use super::accounts::TotpState;
use super::coverage::AccountLine;
use super::csv::csv_cell;
use super::listing::{self, needle, nonempty, Filters, SortColumn};
use super::profiles::{Row, Status};

/// A cluster's profile table rows: its profiles as read, and a not-enrolled row for every
/// account its line judged to need TOTP and have no profile (the overview's count of them).
pub(crate) fn profile_rows(totps: Vec<Totp>, lines: &[AccountLine]) -> Vec<Row> {
    let mut rows: Vec<Row> = totps.into_iter().map(Row::from_totp_owned).collect();
    rows.extend(
        lines
            .iter()
            .filter(|l| l.totp == TotpState::NotEnrolled)
            .map(|l| {
                Row::not_enrolled_of(
                    l.name.clone(),
                    l.svm.clone(),
                    l.owner_uuid.clone(),
                    l.scope.clone(),
                )
            }),
    );
    rows
}

/// The cluster rows were read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    /// Its UUID in lower case (the key: two clusters may share a name, never a UUID).
    pub(crate) uuid: String,
    pub(crate) name: String,
    /// The Unified Manager gateway it is reached through: every row was then read as the
    /// account Unified Manager stores for it, not as the user signed in.
    pub(crate) via: Option<String>,
}

/// A row's identity across the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct RowKey {
    pub(crate) cluster_uuid: String,
    pub(crate) owner_uuid: String,
    pub(crate) account: String,
}

/// What the fleet's table needs of a row of one cluster.
pub(crate) trait FleetRow {
    type Sort: SortColumn + Send + Sync;
    /// The sort column that is the cluster's (compared by the table, not the row).
    const CLUSTER: Self::Sort;
    fn owner_uuid(&self) -> &str;
    fn account(&self) -> &str;
    fn svm(&self) -> &str;
    /// The value of the table's state filter this row has (a status's slug).
    fn state_slug(&self) -> &'static str;
    /// Pushes the searched text besides the cluster's name (lower case, fields apart).
    fn push_hay(&self, out: &mut String);
    /// Compares by `key` (never [`FleetRow::CLUSTER`]).
    fn compare(&self, other: &Self, key: Self::Sort) -> Ordering;
}

/// The fleet tables' own filters: the cluster (its UUID) and the row's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FleetFilters {
    pub(crate) cluster: Option<String>,
    pub(crate) state: Option<String>,
}

impl Filters for FleetFilters {
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self {
        FleetFilters {
            cluster: nonempty(&get, "cluster").map(|c| c.to_ascii_lowercase()),
            state: nonempty(&get, "state"),
        }
    }
    fn params(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("cluster", self.cluster.as_deref()),
            ("state", self.state.as_deref()),
        ]
    }
}

pub(crate) type ViewState<K> = listing::ViewState<K, FleetFilters>;

/// One search's result: the rows (ascending) among the first `upto` that hold `needle`.
struct Found {
    needle: String,
    upto: usize,
    rows: Vec<u32>,
}

/// Searches kept for narrowing and for Backspace.
const KEPT_SEARCHES: usize = 8;

/// Every cluster's rows of one kind, in arrival order, with the order of the current sort
/// and the text index.
pub(crate) struct FleetTable<R: FleetRow> {
    origins: Vec<Origin>,
    chunks: Vec<Arc<Vec<R>>>,
    /// Row `i` is `chunks[loc[i].0][loc[i].1]`.
    loc: Vec<(u32, u32)>,
    /// Every row's lower-case text, each ending in `\n`: row `i` is `hay[starts[i]..starts[i + 1]]`.
    hay: String,
    starts: Vec<u32>,
    /// Every row, in the order of `sort`.
    order: Vec<u32>,
    sort: (R::Sort, bool),
    found: Vec<Found>,
}

impl<R: FleetRow> Default for FleetTable<R> {
    fn default() -> Self {
        FleetTable {
            origins: Vec::new(),
            chunks: Vec::new(),
            loc: Vec::new(),
            hay: String::new(),
            starts: vec![0],
            order: Vec::new(),
            sort: (R::Sort::DEFAULT, false),
            found: Vec::new(),
        }
    }
}

impl<R: FleetRow> FleetTable<R> {
    pub(crate) fn len(&self) -> usize {
        self.loc.len()
    }

    /// Row `i` and the cluster it came from.
    pub(crate) fn row(&self, i: usize) -> Option<(&Origin, &R)> {
        let &(c, j) = self.loc.get(i)?;
        Some((
            &self.origins[c as usize],
            &self.chunks[c as usize][j as usize],
        ))
    }

    /// Row `i`'s key.
    pub(crate) fn key(&self, i: usize) -> Option<RowKey> {
        let (o, r) = self.row(i)?;
        Some(RowKey {
            cluster_uuid: o.uuid.clone(),
            owner_uuid: r.owner_uuid().to_ascii_lowercase(),
            account: r.account().to_owned(),
        })
    }

    /// The clusters with rows, in arrival order.
    pub(crate) fn origins(&self) -> &[Origin] {
        &self.origins
    }

    /// Adds a cluster's rows; a cluster read again replaces its earlier rows.
    pub(crate) fn add(&mut self, origin: Origin, rows: Arc<Vec<R>>) {
        if let Some(at) = self.origins.iter().position(|o| o.uuid == origin.uuid) {
            let mut origins = std::mem::take(&mut self.origins);
            let mut chunks = std::mem::take(&mut self.chunks);
            origins.remove(at);
            chunks.remove(at);
            let sort = self.sort;
            *self = FleetTable::default();
            self.sort = sort;
            for (o, c) in origins.into_iter().zip(chunks) {
                self.append(o, c);
            }
        }
        self.append(origin, rows);
    }

    fn append(&mut self, origin: Origin, rows: Arc<Vec<R>>) {
        let c = self.origins.len() as u32;
        let first = self.loc.len();
        let name = origin.name.to_lowercase();
        for (j, r) in rows.iter().enumerate() {
            self.loc.push((c, j as u32));
            self.hay.push_str(&name);
            self.hay.push('\u{1f}');
            r.push_hay(&mut self.hay);
            self.hay.push('\n');
            self.starts.push(self.hay.len() as u32);
        }
        self.origins.push(origin);
        self.chunks.push(rows);
        // The new run sorted alone, then merged into the order kept.
        let mut run: Vec<u32> = (first as u32..self.loc.len() as u32).collect();
        run.sort_unstable_by(|&a, &b| self.cmp(a, b));
        let old = std::mem::take(&mut self.order);
        let mut merged = Vec::with_capacity(old.len() + run.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() && j < run.len() {
            if self.cmp(run[j], old[i]) == Ordering::Less {
                merged.push(run[j]);
                j += 1;
            } else {
                merged.push(old[i]);
                i += 1;
            }
        }
        merged.extend_from_slice(&old[i..]);
        merged.extend_from_slice(&run[j..]);
        self.order = merged;
    }

    /// The total order of the current sort: its column (reversed when descending), then
    /// cluster, SVM, account, owner, arrival.
    fn cmp(&self, a: u32, b: u32) -> Ordering {
        let (Some((oa, ra)), Some((ob, rb))) = (self.row(a as usize), self.row(b as usize)) else {
            return a.cmp(&b);
        };
        let (key, desc) = self.sort;
        let cluster = || oa.name.cmp(&ob.name).then_with(|| oa.uuid.cmp(&ob.uuid));
        let primary = if key == R::CLUSTER {
            cluster()
        } else {
            ra.compare(rb, key)
        };
        let primary = if desc { primary.reverse() } else { primary };
        primary
            .then_with(cluster)
            .then_with(|| ra.svm().cmp(rb.svm()))
            .then_with(|| ra.account().cmp(rb.account()))
            .then_with(|| ra.owner_uuid().cmp(rb.owner_uuid()))
            .then_with(|| a.cmp(&b))
    }

    /// Sorts by `key` (descending with `desc`) unless already so.
    pub(crate) fn set_sort(&mut self, key: R::Sort, desc: bool) {
        if self.sort == (key, desc) {
            return;
        }
        self.sort = (key, desc);
        let mut order = std::mem::take(&mut self.order);
        order.sort_unstable_by(|&a, &b| self.cmp(a, b));
        self.order = order;
    }

    /// The rows (ascending) whose text holds `needle` (lower case, not empty).
    fn search(&mut self, needle: &str) -> &[u32] {
        let n = self.len();
        if let Some(at) = self
            .found
            .iter()
            .position(|f| f.needle == needle && f.upto == n)
        {
            let f = self.found.remove(at);
            self.found.push(f);
            return &self.found[self.found.len() - 1].rows;
        }
        // The longest earlier search this one extends: only its matches can match.
        let base = self
            .found
            .iter()
            .enumerate()
            .filter(|(_, f)| needle.contains(f.needle.as_str()))
            .max_by_key(|(_, f)| (f.needle.len(), f.upto))
            .map(|(i, _)| i);
        let finder = memmem::Finder::new(needle.as_bytes());
        let hay = self.hay.as_bytes();
        let mut rows = Vec::new();
        let from = match base {
            Some(b) => {
                let f = &self.found[b];
                for &r in &f.rows {
                    let (s, e) = (self.starts[r as usize], self.starts[r as usize + 1]);
                    if finder.find(&hay[s as usize..e as usize]).is_some() {
                        rows.push(r);
                    }
                }
                f.upto
            }
            None => 0,
        };
        // Rows not searched before: one pass over their part of the haystack.
        let start = self.starts[from] as usize;
        let mut r = from;
        for hit in finder.find_iter(&hay[start..]) {
            let hit = start + hit;
            while r < n && self.starts[r + 1] as usize <= hit {
                r += 1;
            }
            if r >= n {
                break;
            }
            if hit + needle.len() <= self.starts[r + 1] as usize && rows.last() != Some(&(r as u32))
            {
                rows.push(r as u32);
            }
        }
        if self.found.len() >= KEPT_SEARCHES {
            self.found.remove(0);
        }
        self.found.push(Found {
            needle: needle.to_owned(),
            upto: n,
            rows,
        });
        &self.found[self.found.len() - 1].rows
    }

    /// The rows `view` shows, in its order: indices for [`FleetTable::row`].
    pub(crate) fn visible(&mut self, view: &ViewState<R::Sort>) -> Vec<usize> {
        self.set_sort(view.sort, view.desc);
        let n = self.len();
        let text = needle(&view.text);
        let bits: Option<Vec<u64>> = (!text.is_empty()).then(|| {
            let mut bits = vec![0u64; n.div_ceil(64)];
            for &r in self.search(&text) {
                bits[r as usize / 64] |= 1 << (r % 64);
            }
            bits
        });
        let cluster = view.filters.cluster.as_deref();
        let clusters: Vec<bool> = self
            .origins
            .iter()
            .map(|o| cluster.is_none_or(|c| o.uuid == c))
            .collect();
        let state = view.filters.state.as_deref();
        let svm = view.svm.as_deref();
        self.order
            .iter()
            .filter(|&&i| {
                bits.as_ref()
                    .is_none_or(|b| b[i as usize / 64] & (1 << (i % 64)) != 0)
            })
            .filter(|&&i| {
                let (c, j) = self.loc[i as usize];
                if !clusters[c as usize] {
                    return false;
                }
                let r = &self.chunks[c as usize][j as usize];
                state.is_none_or(|s| r.state_slug() == s) && svm.is_none_or(|s| r.svm() == s)
            })
            .map(|&i| i as usize)
            .collect()
    }
}

/// The cluster filter's options: (UUID, name), a name given twice followed by its UUID's first
/// part so that the two are told apart.
pub(crate) fn cluster_options(clusters: &[(String, String)]) -> Vec<(String, String)> {
    clusters
        .iter()
        .map(|(uuid, name)| {
            let twice = clusters.iter().filter(|(_, n)| n == name).count() > 1;
            let label = if twice {
                let short: String = uuid.chars().take(8).collect();
                format!("{name} ({short}…)")
            } else {
                name.clone()
            };
            (uuid.to_ascii_lowercase(), label)
        })
        .collect()
}

/// The profile table's columns across the fleet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProfileSort {
    Cluster,
    Account,
    Svm,
    Scope,
    Status,
    Comment,
}

impl ProfileSort {
    /// In the order of the headings (the account is the row's heading).
    pub(crate) const ALL: [ProfileSort; 6] = [
        ProfileSort::Account,
        ProfileSort::Cluster,
        ProfileSort::Svm,
        ProfileSort::Scope,
        ProfileSort::Status,
        ProfileSort::Comment,
    ];
    pub(crate) fn label(self) -> &'static str {
        match self {
            ProfileSort::Cluster => "Cluster",
            ProfileSort::Account => "Account",
            ProfileSort::Svm => "SVM",
            ProfileSort::Scope => "Scope",
            ProfileSort::Status => "Status",
            ProfileSort::Comment => "Comment",
        }
    }
}

impl SortColumn for ProfileSort {
    const DEFAULT: ProfileSort = ProfileSort::Cluster;
    const ALL: &'static [ProfileSort] = &ProfileSort::ALL;
    fn slug(self) -> &'static str {
        match self {
            ProfileSort::Cluster => "cluster",
            ProfileSort::Account => "account",
            ProfileSort::Svm => "svm",
            ProfileSort::Scope => "scope",
            ProfileSort::Status => "status",
            ProfileSort::Comment => "comment",
        }
    }
}

impl FleetRow for Row {
    type Sort = ProfileSort;
    const CLUSTER: ProfileSort = ProfileSort::Cluster;
    fn owner_uuid(&self) -> &str {
        &self.owner_uuid
    }
    fn account(&self) -> &str {
        &self.account
    }
    fn svm(&self) -> &str {
        &self.svm
    }
    fn state_slug(&self) -> &'static str {
        self.status.slug()
    }
    fn push_hay(&self, out: &mut String) {
        for (i, f) in [&self.account, &self.svm, &self.comment].iter().enumerate() {
            if i > 0 {
                out.push('\u{1f}');
            }
            out.extend(f.chars().flat_map(char::to_lowercase));
        }
    }
    fn compare(&self, other: &Self, key: ProfileSort) -> Ordering {
        match key {
            ProfileSort::Cluster => Ordering::Equal,
            ProfileSort::Account => self.account.cmp(&other.account),
            ProfileSort::Svm => self.svm.cmp(&other.svm),
            ProfileSort::Scope => self.scope_label().cmp(other.scope_label()),
            ProfileSort::Status => self.status.cmp(&other.status),
            ProfileSort::Comment => self.comment.cmp(&other.comment),
        }
    }
}

/// The states the profile table filters by.
pub(crate) fn profile_states() -> Vec<(String, String)> {
    Status::FILTERABLE
        .into_iter()
        .map(|s| (s.slug().to_owned(), s.label().to_owned()))
        .collect()
}

/// The account table's columns across the fleet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccountSort {
    Cluster,
    Account,
    Svm,
    Role,
    Ssh,
    Totp,
    Locked,
}

impl AccountSort {
    /// In the order of the headings (the account is the row's heading).
    pub(crate) const ALL: [AccountSort; 7] = [
        AccountSort::Account,
        AccountSort::Cluster,
        AccountSort::Svm,
        AccountSort::Role,
        AccountSort::Ssh,
        AccountSort::Totp,
        AccountSort::Locked,
    ];
    pub(crate) fn label(self) -> &'static str {
        match self {
            AccountSort::Cluster => "Cluster",
            AccountSort::Account => "Account",
            AccountSort::Svm => "SVM",
            AccountSort::Role => "Role",
            AccountSort::Ssh => "SSH second factors",
            AccountSort::Totp => "TOTP",
            AccountSort::Locked => "Locked",
        }
    }
}

impl SortColumn for AccountSort {
    const DEFAULT: AccountSort = AccountSort::Cluster;
    const ALL: &'static [AccountSort] = &AccountSort::ALL;
    fn slug(self) -> &'static str {
        match self {
            AccountSort::Cluster => "cluster",
            AccountSort::Account => "account",
            AccountSort::Svm => "svm",
            AccountSort::Role => "role",
            AccountSort::Ssh => "ssh",
            AccountSort::Totp => "totp",
            AccountSort::Locked => "locked",
        }
    }
}

impl FleetRow for AccountLine {
    type Sort = AccountSort;
    const CLUSTER: AccountSort = AccountSort::Cluster;
    fn owner_uuid(&self) -> &str {
        &self.owner_uuid
    }
    fn account(&self) -> &str {
        &self.name
    }
    fn svm(&self) -> &str {
        &self.svm
    }
    fn state_slug(&self) -> &'static str {
        self.totp.slug()
    }
    fn push_hay(&self, out: &mut String) {
        for (i, f) in [&self.name, &self.svm, &self.role].iter().enumerate() {
            if i > 0 {
                out.push('\u{1f}');
            }
            out.extend(f.chars().flat_map(char::to_lowercase));
        }
    }
    fn compare(&self, other: &Self, key: AccountSort) -> Ordering {
        match key {
            AccountSort::Cluster => Ordering::Equal,
            AccountSort::Account => self.name.cmp(&other.name),
            AccountSort::Svm => self.svm.cmp(&other.svm),
            AccountSort::Role => self.role.cmp(&other.role),
            AccountSort::Ssh => self.ssh_second.cmp(&other.ssh_second),
            AccountSort::Totp => self.totp.cmp(&other.totp),
            AccountSort::Locked => self.locked.cmp(&other.locked),
        }
    }
}

/// The states the account table filters by.
pub(crate) fn account_states() -> Vec<(String, String)> {
    TotpState::ALL
        .into_iter()
        .map(|s| (s.slug().to_owned(), s.label().to_owned()))
        .collect()
}

/// CSV line ends and cells as the single-cluster tables write them (RFC 4180, CRLF, every
/// cell through [`csv_cell`]).
fn csv_line(out: &mut String, cells: &[&str]) {
    let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// The profile rows `shown` as CSV: the cluster and its UUID first, the gateway last.
pub(crate) fn profiles_csv(t: &FleetTable<Row>, shown: &[usize]) -> String {
    let mut out = String::from(
        "cluster,cluster_uuid,account,svm,owner_uuid,scope,status,comment,via_gateway\r\n",
    );
    for (o, r) in shown.iter().filter_map(|&i| t.row(i)) {
        csv_line(
            &mut out,
            &[
                &o.name,
                &o.uuid,
                &r.account,
                &r.svm,
                &r.owner_uuid,
                r.scope_label(),
                r.status.label(),
                &r.comment,
                o.via.as_deref().unwrap_or(""),
            ],
        );
    }
    out
}

/// The account rows `shown` as CSV: the cluster and its UUID first, the gateway last.
pub(crate) fn accounts_csv(t: &FleetTable<AccountLine>, shown: &[usize]) -> String {
    let mut out = String::from(
        "cluster,cluster_uuid,account,svm,owner_uuid,role,locked,ssh_methods,ssh_second_factors,totp,web_second_factor,via_gateway\r\n",
    );
    for (o, r) in shown.iter().filter_map(|&i| t.row(i)) {
        csv_line(
            &mut out,
            &[
                &o.name,
                &o.uuid,
                &r.name,
                &r.svm,
                &r.owner_uuid,
                &r.role,
                if r.locked { "yes" } else { "no" },
                &r.ssh_methods,
                &r.ssh_second,
                r.totp.label(),
                &r.web_second,
                o.via.as_deref().unwrap_or(""),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ontap_model::Totp;

    fn origin(uuid: &str, name: &str) -> Origin {
        Origin {
            uuid: uuid.into(),
            name: name.into(),
            via: None,
        }
    }

    fn profile(owner: &str, svm: &str, name: &str, enabled: bool, comment: &str) -> Row {
        let t: Totp = serde_json::from_str(&format!(
            r#"{{"owner":{{"uuid":"{owner}","name":"{svm}"}},"account":{{"name":"{name}"}},"enabled":{enabled},"comment":"{comment}","scope":"svm"}}"#
        ))
        .expect("test profile");
        Row::from_totp(&t)
    }

    #[test]
    fn a_profile_taken_whole_makes_the_row_its_copy_makes() {
        let records = [
            r#"{"owner":{"uuid":"02C9E252-41BE-11E9-81D5-00A0986138F7","name":"vs1"},"account":{"name":"Émile"},"enabled":false,"comment":"Poste ÉTÉ","scope":"svm","sha_fingerprint":"ab"}"#,
            r#"{"owner":{"uuid":"02c9e252-41be-11e9-81d5-00a0986138f7","name":"VS1"},"account":{"name":"BOB"},"enabled":true,"comment":"Laptop","scope":"cluster"}"#,
            r#"{"account":{"name":"x"}}"#,
            r#"{}"#,
        ];
        for r in records {
            let t: Totp = serde_json::from_str(r).unwrap();
            assert_eq!(Row::from_totp_owned(t.clone()), Row::from_totp(&t), "{r}");
        }
        let t: Totp = serde_json::from_str(records[0]).unwrap();
        let row = Row::from_totp_owned(t);
        let all = crate::tables::profiles::ViewState::default();
        assert!(
            all.matches(&row, "poste été") && all.matches(&row, "émile"),
            "lower-cased beyond ASCII"
        );
        let t: Totp = serde_json::from_str(records[1]).unwrap();
        assert!(all.matches(&Row::from_totp_owned(t), "vs1\u{1f}laptop"));
    }

    fn view(text: &str) -> ViewState<ProfileSort> {
        ViewState {
            text: text.into(),
            ..ViewState::default()
        }
    }

    fn names(t: &FleetTable<Row>, shown: &[usize]) -> Vec<String> {
        shown
            .iter()
            .map(|&i| {
                let (o, r) = t.row(i).unwrap();
                format!("{}/{}/{}", o.name, r.svm, r.account)
            })
            .collect()
    }

    #[test]
    fn a_clusters_rows_made_late_are_its_profiles_and_its_accounts_not_enrolled() {
        use crate::tables::factors::Factors;
        use crate::tables::fleet::summarize;
        use crate::tables::profiles::join_not_enrolled;
        use ontap_model::{Account, Version};
        let (c, v) = (
            "e6d3b0a8-5c2f-11ee-8f4a-005056bb1a01",
            "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02",
        );
        let totps: Vec<Totp> = [
            format!(r#"{{"owner":{{"uuid":"{c}","name":"cl1"}},"account":{{"name":"ann"}},"enabled":true,"scope":"cluster"}}"#),
            format!(r#"{{"owner":{{"uuid":"{v}","name":"vs1"}},"account":{{"name":"bob"}},"enabled":false,"scope":"svm","comment":"off"}}"#),
        ]
        .iter()
        .map(|r| serde_json::from_str(r).unwrap())
        .collect();
        let ssh = |second: &str| {
            format!(
                r#"[{{"application":"ssh","authentication_methods":["password"],"second_authentication_method":"{second}"}}]"#
            )
        };
        let accounts: Vec<Account> = [
            // Enrolled, enrolled but disabled, not enrolled on two SVMs under one name, not
            // required, and no SSH at all.
            (c, "cl1", "ann", "cluster", ssh("totp")),
            (v, "vs1", "bob", "svm", ssh("totp")),
            (c, "cl1", "bob", "cluster", ssh("totp")),
            (v, "vs1", "carl", "svm", ssh("totp")),
            (c, "cl1", "dora", "cluster", ssh("none")),
            (v, "vs1", "eve", "svm", "[]".to_owned()),
        ]
        .iter()
        .map(|(u, n, a, s, apps)| {
            serde_json::from_str(&format!(
                r#"{{"name":"{a}","owner":{{"uuid":"{u}","name":"{n}"}},"scope":"{s}","applications":{apps}}}"#
            ))
            .unwrap()
        })
        .collect();
        let factors = Factors::for_release(Some(Version::new(9, 13, 1)));
        let lines = summarize(&accounts, Some(&totps), &factors).lines;
        let late = profile_rows(totps.clone(), &lines);
        let mut then: Vec<Row> = totps.iter().map(Row::from_totp).collect();
        let missing = join_not_enrolled(&then, &accounts);
        then.extend(missing);
        assert_eq!(late, then, "the rows the overview's read made before");
        let not_enrolled: Vec<_> = late
            .iter()
            .filter(|r| r.status == Status::NotEnrolled)
            .map(|r| (r.account.as_str(), r.svm.as_str(), r.scope_label()))
            .collect();
        assert_eq!(
            not_enrolled,
            [("bob", "cl1", "cluster"), ("carl", "vs1", "svm")]
        );
    }

    #[test]
    fn two_clusters_of_one_name_and_one_account_on_two_svms_stay_apart() {
        let mut t = FleetTable::<Row>::default();
        t.add(
            origin("aa", "prod"),
            Arc::new(vec![
                profile("o1", "vs1", "jdoe", true, ""),
                profile("o2", "vs2", "jdoe", false, ""),
            ]),
        );
        t.add(
            origin("bb", "prod"),
            Arc::new(vec![profile("o1", "vs1", "jdoe", true, "")]),
        );
        let keys: std::collections::BTreeSet<RowKey> =
            (0..t.len()).filter_map(|i| t.key(i)).collect();
        assert_eq!(keys.len(), 3, "three rows, three keys");
        let mut v = view("");
        v.filters.cluster = Some("bb".into());
        assert_eq!(t.visible(&v), vec![2]);
        let opts = cluster_options(&[("AA".into(), "prod".into()), ("bb".into(), "prod".into())]);
        assert_eq!(opts[0], ("aa".into(), "prod (AA…)".into()));
        assert_ne!(opts[0].1, opts[1].1);
        // The CSV names each row's cluster by name and UUID.
        let shown = t.visible(&view(""));
        let csv = profiles_csv(&t, &shown);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with("cluster,cluster_uuid,account,svm,owner_uuid"));
        assert_eq!(lines[1], "prod,aa,jdoe,vs1,o1,svm,Enabled,,");
        assert_eq!(lines[2], "prod,aa,jdoe,vs2,o2,svm,Disabled,,");
        assert_eq!(lines[3], "prod,bb,jdoe,vs1,o1,svm,Enabled,,");
    }

    #[test]
    fn arrivals_merge_into_the_sorted_order_as_a_full_sort_would() {
        let mut t = FleetTable::<Row>::default();
        t.set_sort(ProfileSort::Account, true);
        let mut all = Vec::new();
        for (c, name) in [("c3", "gamma"), ("c1", "alpha"), ("c2", "beta")] {
            let rows: Vec<Row> = (0..40)
                .map(|i| {
                    let r = profile(
                        &format!("o{}", i % 3),
                        "vs",
                        &format!("u{:02}", (i * 7) % 40),
                        i % 2 == 0,
                        "",
                    );
                    r
                })
                .collect();
            all.push((c, name, rows.clone()));
            t.add(origin(c, name), Arc::new(rows));
        }
        let merged = t.visible(&ViewState {
            sort: ProfileSort::Account,
            desc: true,
            ..view("")
        });
        let mut fresh: Vec<u32> = (0..t.len() as u32).collect();
        fresh.sort_by(|&a, &b| t.cmp(a, b));
        assert_eq!(
            merged,
            fresh.iter().map(|&i| i as usize).collect::<Vec<_>>()
        );
        let shown = names(&t, &merged);
        assert!(shown[0].ends_with("/u39"), "{}", shown[0]);
        // By cluster: alpha's rows first, whatever came first.
        let by_cluster = t.visible(&view(""));
        assert!(names(&t, &by_cluster)[0].starts_with("alpha/"));
        assert!(names(&t, &by_cluster)[119].starts_with("gamma/"));
        // A cluster read again replaces its rows.
        t.add(
            origin("c1", "alpha"),
            Arc::new(vec![profile("o", "vs", "solo", true, "")]),
        );
        assert_eq!(t.len(), 81);
        assert_eq!(t.visible(&view("solo")).len(), 1);
    }

    #[test]
    fn the_text_filter_narrows_searches_and_agrees_with_a_plain_scan() {
        let mut t = FleetTable::<Row>::default();
        let words = ["Admin", "adm", "dave", "ADMINISTRATOR", "x"];
        for c in 0..4 {
            let rows: Vec<Row> = (0..50)
                .map(|i| {
                    profile(
                        "o",
                        &format!("vs{}", i % 5),
                        &format!("{}{i}", words[i % words.len()]),
                        true,
                        if i % 7 == 0 { "Adm in comment" } else { "" },
                    )
                })
                .collect();
            t.add(origin(&format!("c{c}"), &format!("cl{c}")), Arc::new(rows));
        }
        let plain = |t: &FleetTable<Row>, q: &str| -> Vec<usize> {
            let mut v: Vec<usize> = (0..t.len())
                .filter(|&i| {
                    let (o, r) = t.row(i).unwrap();
                    let mut h = o.name.to_lowercase();
                    h.push('\u{1f}');
                    r.push_hay(&mut h);
                    h.contains(q)
                })
                .collect();
            v.sort_by(|&a, &b| t.cmp(a as u32, b as u32));
            v
        };
        // Typed a key at a time, then deleted: every step as a plain scan says.
        for q in [
            "a", "ad", "adm", "admi", "admin", "admini", "admin", "adm", "ad", "a", "cl2", "vs3",
            "in c", "zz",
        ] {
            assert_eq!(t.visible(&view(q)), plain(&t, q), "{q}");
        }
        // Rows that arrive after a search are searched too.
        t.add(
            origin("c9", "late"),
            Arc::new(vec![profile("o", "vs", "admin-late", true, "")]),
        );
        assert_eq!(t.visible(&view("admin")), plain(&t, "admin"));
        assert!(
            t.visible(&view("ADMIN")).len() > 1,
            "the filter ignores case"
        );
        // A match never spans two rows.
        assert!(t.visible(&view("x\ncl")).is_empty());
    }

    #[test]
    fn the_filters_read_and_write_the_url() {
        let get = |q: &'static str| {
            move |k: &str| {
                ontap_model::Query::parse(q)
                    .pairs()
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.clone())
            }
        };
        let v = ViewState::<AccountSort>::from_params(get(
            "q=jo&cluster=AA-1&state=not-enrolled&sort=totp&dir=desc",
        ));
        assert_eq!(v.filters.cluster.as_deref(), Some("aa-1"));
        assert_eq!(v.filters.state.as_deref(), Some("not-enrolled"));
        assert_eq!((v.sort, v.desc), (AccountSort::Totp, true));
        assert_eq!(
            v.to_query(),
            "?q=jo&cluster=aa-1&state=not-enrolled&sort=totp&dir=desc"
        );
        assert_eq!(ViewState::<ProfileSort>::default().to_query(), "");
    }
}
