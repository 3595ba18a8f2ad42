//! The fleet's MFA coverage report (issue 19), for an audit: per cluster and per SVM, the SSH
//! accounts and how many have a second factor of each kind, the accounts that must use TOTP
//! and have no profile, and the coverage; the same as CSV, and every account as CSV. An
//! account is keyed by cluster UUID, owner (SVM) UUID and name, never by a name alone. A
//! cluster that was not read (refused, unreachable, still reading) is a line with its state,
//! never left out. The accounts are judged by [`AccountLine::read`] (through
//! `tables::fleet::summarize`), which shares its judgement with the accounts view's `row_of`,
//! so the report agrees with the overview and the accounts view.

use std::collections::BTreeMap;

use ontap_model::{Account, Scope};

#[cfg(test)]
use super::accounts::AccountRow;
use super::accounts::{totp_state, ProfileIndex, TotpState};
use super::csv::csv_cell;
use super::factors::{second_factors, Factors, Kind};

/// One account as the report keeps it (its owner's UUID and name are its key in the cluster).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AccountLine {
    pub(crate) svm: String,
    pub(crate) owner_uuid: String,
    pub(crate) name: String,
    pub(crate) role: String,
    /// The scope as read: a not-enrolled row of the fleet profile table shows it.
    pub(crate) scope: Option<Scope>,
    pub(crate) locked: bool,
    pub(crate) has_ssh: bool,
    /// The SSH methods, space separated; empty without SSH.
    pub(crate) ssh_methods: String,
    /// The SSH second factors named as the accounts view names them ("TOTP", "none", ...).
    pub(crate) ssh_second: String,
    pub(crate) totp: TotpState,
    pub(crate) web_second: String,
    pub(crate) kinds: Vec<Kind>,
}

impl AccountLine {
    /// The line of an account read from its cluster, judged as [`row_of`] judges it (the
    /// same pieces) without building the accounts view's row: no copy of the account and no
    /// search text, which a fleet of 100,000 accounts would pay for nothing.
    pub(crate) fn read(
        a: &Account,
        profiles: &ProfileIndex,
        factors: &Factors,
        cluster_owner: Option<&str>,
    ) -> AccountLine {
        let ssh = a.ssh();
        let f = second_factors(a, factors, cluster_owner);
        AccountLine {
            svm: a.owner_name().unwrap_or_default().to_owned(),
            owner_uuid: a.owner_uuid().unwrap_or_default().to_owned(),
            name: a.name.clone().unwrap_or_default(),
            role: a.role_name().unwrap_or_default().to_owned(),
            scope: a.scope.clone(),
            locked: a.locked == Some(true),
            has_ssh: ssh.is_some(),
            ssh_methods: ssh
                .map(|s| s.authentication_methods.join(" "))
                .unwrap_or_default(),
            ssh_second: f.ssh,
            totp: totp_state(a, profiles),
            web_second: f.web,
            kinds: f.kinds,
        }
    }

    /// The line of an accounts view row: the reference [`AccountLine::read`] is tested against.
    #[cfg(test)]
    pub(crate) fn of(r: &AccountRow) -> AccountLine {
        AccountLine {
            svm: r.svm.clone(),
            owner_uuid: r.owner_uuid.clone(),
            name: r.name.clone(),
            role: r.role.clone(),
            scope: r.account.scope.clone(),
            locked: r.locked,
            has_ssh: r.has_ssh(),
            ssh_methods: r.ssh_methods.join(" "),
            ssh_second: r.factors.ssh.clone(),
            totp: r.totp,
            web_second: r.factors.web.clone(),
            kinds: r.factors.kinds.clone(),
        }
    }
}

/// The counts of a group of accounts (an SVM, a cluster, the fleet). The kinds of second
/// factor may overlap (TOTP and Duo on one account count in both); `covered`, `none` and
/// `unknown` do not, and add up to `ssh`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Accounts of any application.
    pub(crate) accounts: usize,
    /// Accounts with SSH access.
    pub(crate) ssh: usize,
    /// SSH with TOTP as its second factor and the profile enabled.
    pub(crate) totp_enabled: usize,
    /// SSH with TOTP as its second factor and the profile disabled (must enroll again).
    pub(crate) totp_disabled: usize,
    /// SSH with TOTP as its second factor and no profile.
    pub(crate) totp_no_profile: usize,
    pub(crate) ssh_key: usize,
    pub(crate) password: usize,
    pub(crate) duo: usize,
    /// SSH with no second factor at all.
    pub(crate) none: usize,
    /// SSH whose second factor is not known (Duo could not be read).
    pub(crate) unknown: usize,
    /// SSH with a second factor of any kind.
    pub(crate) covered: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, a: &AccountLine) {
        self.accounts += 1;
        if a.totp == TotpState::NotEnrolled {
            self.totp_no_profile += 1;
        }
        if !a.has_ssh {
            return;
        }
        self.ssh += 1;
        let has = |k| a.kinds.contains(&k);
        if has(Kind::Totp) {
            match a.totp {
                TotpState::Enrolled => self.totp_enabled += 1,
                TotpState::Disabled => self.totp_disabled += 1,
                _ => {}
            }
        }
        self.ssh_key += usize::from(has(Kind::SshKey));
        self.password += usize::from(has(Kind::Password));
        self.duo += usize::from(has(Kind::Duo));
        if [Kind::Totp, Kind::SshKey, Kind::Password, Kind::Duo]
            .into_iter()
            .any(has)
        {
            self.covered += 1;
        } else if has(Kind::SshNone) {
            self.none += 1;
        } else {
            self.unknown += 1;
        }
    }
    pub(crate) fn merge(&mut self, o: &Tally) {
        self.accounts += o.accounts;
        self.ssh += o.ssh;
        self.totp_enabled += o.totp_enabled;
        self.totp_disabled += o.totp_disabled;
        self.totp_no_profile += o.totp_no_profile;
        self.ssh_key += o.ssh_key;
        self.password += o.password;
        self.duo += o.duo;
        self.none += o.none;
        self.unknown += o.unknown;
        self.covered += o.covered;
    }
    /// Whole percent of SSH accounts with a second factor, rounded down (as the overview's
    /// bar: 199 of 200 is 99 %); `None` without SSH accounts.
    pub(crate) fn percent(&self) -> Option<usize> {
        (self.ssh > 0).then(|| self.covered * 100 / self.ssh)
    }
    pub(crate) fn percent_text(&self) -> String {
        self.percent()
            .map_or_else(|| "—".to_owned(), |p| format!("{p} %"))
    }
    /// The counts in the CSV's column order (after the key columns), the percent last.
    fn cells(&self) -> Vec<String> {
        let mut v: Vec<String> = [
            self.accounts,
            self.ssh,
            self.totp_enabled,
            self.totp_disabled,
            self.totp_no_profile,
            self.ssh_key,
            self.password,
            self.duo,
            self.none,
            self.unknown,
            self.covered,
        ]
        .iter()
        .map(usize::to_string)
        .collect();
        v.push(self.percent().map(|p| p.to_string()).unwrap_or_default());
        v
    }
}

/// One SVM's line: its name, its UUID (the accounts' owner) and its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SvmTally {
    pub(crate) svm: String,
    pub(crate) owner_uuid: String,
    pub(crate) tally: Tally,
}

/// The SVMs of a cluster's accounts, by name then UUID (two SVMs with one name stay two).
pub(crate) fn by_svm(lines: &[AccountLine]) -> Vec<SvmTally> {
    let mut m: BTreeMap<(&str, String), SvmTally> = BTreeMap::new();
    for a in lines {
        m.entry((a.svm.as_str(), a.owner_uuid.to_lowercase()))
            .or_insert_with(|| SvmTally {
                svm: a.svm.clone(),
                owner_uuid: a.owner_uuid.clone(),
                tally: Tally::default(),
            })
            .tally
            .add(a);
    }
    m.into_values().collect()
}

/// The counts of all `lines`.
pub(crate) fn tally(lines: &[AccountLine]) -> Tally {
    let mut t = Tally::default();
    for a in lines {
        t.add(a);
    }
    t
}

/// One cluster in the report: what the page knows of it, and its accounts once read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClusterReport {
    /// The name in `clusters.json`.
    pub(crate) name: String,
    /// The UUID the cluster gave; empty until signed in.
    pub(crate) uuid: String,
    pub(crate) release: String,
    /// "Reachable", "No TOTP", "Unreachable", "Asks for its own sign-in", ...
    pub(crate) state: String,
    /// Who the cluster knows the page as; empty when not signed in.
    pub(crate) signed_in_as: String,
    /// The accounts, once read; `None` for a cluster not read.
    pub(crate) lines: Option<Vec<AccountLine>>,
}

/// The fleet's counts over the clusters read, and how many were read.
pub(crate) fn fleet_tally(clusters: &[ClusterReport]) -> (Tally, usize) {
    let mut t = Tally::default();
    let mut read = 0;
    for c in clusters {
        if let Some(lines) = &c.lines {
            read += 1;
            t.merge(&tally(lines));
        }
    }
    (t, read)
}

const COVERAGE_HEADER: &str =
    "cluster,cluster_uuid,release,cluster_state,signed_in_as,scope,svm,owner_uuid,\
accounts,ssh_accounts,totp_enabled,totp_disabled,totp_required_no_profile,ssh_key,password,duo,\
no_second_factor,unknown,covered,coverage_percent\r\n";

fn push_line(out: &mut String, cells: &[&str]) {
    let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// The coverage as CSV (CRLF, every cell through [`csv_cell`]): per cluster one line per SVM
/// (`scope` "svm"), then the cluster's line (`scope` "cluster"); a cluster not read is one
/// line with its state and empty counts; last the fleet's line over the clusters read.
pub(crate) fn coverage_csv(clusters: &[ClusterReport]) -> String {
    let mut out = String::from(COVERAGE_HEADER);
    for c in clusters {
        let key = [
            c.name.as_str(),
            c.uuid.as_str(),
            c.release.as_str(),
            c.state.as_str(),
            c.signed_in_as.as_str(),
        ];
        let Some(lines) = &c.lines else {
            let mut cells: Vec<&str> = key.to_vec();
            cells.extend(["cluster", "", ""]);
            cells.extend([""; 12]);
            push_line(&mut out, &cells);
            continue;
        };
        for s in by_svm(lines) {
            let counts = s.tally.cells();
            let mut cells: Vec<&str> = key.to_vec();
            cells.extend(["svm", s.svm.as_str(), s.owner_uuid.as_str()]);
            cells.extend(counts.iter().map(String::as_str));
            push_line(&mut out, &cells);
        }
        let counts = tally(lines).cells();
        let mut cells: Vec<&str> = key.to_vec();
        cells.extend(["cluster", "", ""]);
        cells.extend(counts.iter().map(String::as_str));
        push_line(&mut out, &cells);
    }
    let (t, read) = fleet_tally(clusters);
    let state = format!("{read} of {} read", clusters.len());
    let counts = t.cells();
    let mut cells: Vec<&str> = vec!["", "", "", state.as_str(), "", "fleet", "", ""];
    cells.extend(counts.iter().map(String::as_str));
    push_line(&mut out, &cells);
    out
}

/// Every account of the clusters read as CSV, keyed by cluster UUID, owner UUID and name; a
/// cluster not read is one line with its state and no account.
pub(crate) fn accounts_csv(clusters: &[ClusterReport]) -> String {
    let mut out = String::from(
        "cluster,cluster_uuid,cluster_state,svm,owner_uuid,account,role,locked,ssh_methods,\
ssh_second_factors,totp,web_second_factor\r\n",
    );
    for c in clusters {
        let key = [c.name.as_str(), c.uuid.as_str(), c.state.as_str()];
        let Some(lines) = &c.lines else {
            let mut cells = key.to_vec();
            cells.extend([""; 9]);
            push_line(&mut out, &cells);
            continue;
        };
        for a in lines {
            let mut cells = key.to_vec();
            cells.extend([
                a.svm.as_str(),
                a.owner_uuid.as_str(),
                a.name.as_str(),
                a.role.as_str(),
                if a.locked { "yes" } else { "no" },
                a.ssh_methods.as_str(),
                if a.has_ssh { a.ssh_second.as_str() } else { "" },
                a.totp.label(),
                a.web_second.as_str(),
            ]);
            push_line(&mut out, &cells);
        }
    }
    out
}

/// `2026-12-05T08:10:42.123Z` as `2026-12-05 08:10:42 UTC` (the report's time stamp); any
/// other text as it is.
pub(crate) fn utc_stamp(iso: &str) -> String {
    match (iso.get(..10), iso.get(11..19)) {
        (Some(d), Some(t)) if iso.as_bytes().get(10) == Some(&b'T') => format!("{d} {t} UTC"),
        _ => iso.to_owned(),
    }
}

/// A file name for an export made at `iso`: `mfa-coverage-2026-12-05T0810Z.csv`.
pub(crate) fn file_name(what: &str, iso: &str) -> String {
    let stamp: String = iso
        .get(..16)
        .unwrap_or("")
        .chars()
        .filter(|c| *c != ':')
        .collect();
    if stamp.is_empty() {
        format!("{what}.csv")
    } else {
        format!("{what}-{stamp}Z.csv")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    use crate::tables::accounts::row_of;
    use crate::tables::factors::Factors;
    use ontap_model::{Account, Version};

    fn account(name: &str, svm: (&str, &str), ssh: Option<(&str, &str)>) -> Account {
        let apps = match ssh {
            Some((first, second)) => format!(
                r#"[{{"application":"ssh","authentication_methods":["{first}"],"second_authentication_method":"{second}"}},{{"application":"http","authentication_methods":["password"]}}]"#
            ),
            None => r#"[{"application":"http","authentication_methods":["password"]}]"#.into(),
        };
        let (uuid, svm) = svm;
        serde_json::from_str(&format!(
            r#"{{"name":"{name}","owner":{{"uuid":"{uuid}","name":"{svm}"}},"scope":"svm","role":{{"name":"admin"}},"applications":{apps}}}"#
        ))
        .expect("test account")
    }

    /// A profile's key (owner UUID in lower case, name) and its enabled flag.
    fn totp(
        owner: &str,
        name: &str,
        enabled: bool,
    ) -> ((Cow<'static, str>, Cow<'static, str>), Option<bool>) {
        (
            (
                Cow::Owned(owner.to_lowercase()),
                Cow::Owned(name.to_owned()),
            ),
            Some(enabled),
        )
    }

    const VS1: (&str, &str) = ("AA-1", "vs1");
    const VS2: (&str, &str) = ("BB-2", "vs2");

    fn read_cluster() -> ClusterReport {
        let accounts = [
            account("t1", VS1, Some(("password", "totp"))),
            account("t2", VS1, Some(("password", "totp"))),
            account("t3", VS1, Some(("password", "totp"))),
            account("k", VS1, Some(("password", "publickey"))),
            account("p", VS2, Some(("publickey", "password"))),
            account("n", VS2, Some(("password", "none"))),
            account("web", VS2, None),
            // The same name in another SVM is another account.
            account("t1", VS2, Some(("password", "none"))),
        ];
        let totps: ProfileIndex = [
            totp("aa-1", "t1", true),
            totp("AA-1", "t2", false),
            totp("bb-2", "x", true),
        ]
        .into_iter()
        .collect();
        let f = Factors::for_release(Some(Version::new(9, 13, 1)));
        let lines = accounts
            .iter()
            .map(|a| AccountLine::of(&row_of(a, &totps, &f, None)))
            .collect();
        ClusterReport {
            name: "prod-a".into(),
            uuid: "c-1".into(),
            release: "9.13.1".into(),
            state: "Reachable".into(),
            signed_in_as: "admin".into(),
            lines: Some(lines),
        }
    }

    #[test]
    fn a_line_read_from_the_account_is_the_line_of_its_accounts_view_row() {
        let accounts = [
            account("t1", VS1, Some(("password", "totp"))),
            account("t2", VS1, Some(("password", "totp"))),
            account("t3", VS1, Some(("password", "totp"))),
            account("k", VS1, Some(("password", "publickey"))),
            account("p", VS2, Some(("publickey", "password"))),
            account("n", VS2, Some(("password", "none"))),
            account("web", VS2, None),
            account("t1", VS2, Some(("password", "none"))),
        ];
        let totps: ProfileIndex = [totp("aa-1", "t1", true), totp("AA-1", "t2", false)]
            .into_iter()
            .collect();
        for release in [Version::new(9, 13, 1), Version::new(9, 18, 1)] {
            let f = Factors::for_release(Some(release));
            for owner in [None, Some("AA-1")] {
                for a in &accounts {
                    assert_eq!(
                        AccountLine::read(a, &totps, &f, owner),
                        AccountLine::of(&row_of(a, &totps, &f, owner)),
                        "{a:?}"
                    );
                }
            }
        }
    }

    fn unread(name: &str, state: &str) -> ClusterReport {
        ClusterReport {
            name: name.into(),
            uuid: String::new(),
            release: String::new(),
            state: state.into(),
            signed_in_as: String::new(),
            lines: None,
        }
    }

    #[test]
    fn each_svm_is_counted_by_kind_of_second_factor() {
        let c = read_cluster();
        let svms = by_svm(c.lines.as_deref().unwrap());
        assert_eq!(svms.len(), 2);
        assert_eq!(
            (svms[0].svm.as_str(), svms[0].owner_uuid.as_str()),
            ("vs1", "AA-1")
        );
        let t = svms[0].tally;
        assert_eq!(
            (
                t.accounts,
                t.ssh,
                t.totp_enabled,
                t.totp_disabled,
                t.totp_no_profile,
                t.ssh_key
            ),
            (4, 4, 1, 1, 1, 1)
        );
        assert_eq!((t.covered, t.none, t.percent()), (4, 0, Some(100)));
        let t = svms[1].tally;
        assert_eq!(
            (t.accounts, t.ssh, t.password, t.none, t.covered),
            (4, 3, 1, 2, 1)
        );
        assert_eq!(t.percent(), Some(33));
        let all = tally(c.lines.as_deref().unwrap());
        assert_eq!(
            (all.ssh, all.covered, all.none + all.covered + all.unknown),
            (7, 5, 7)
        );
    }

    #[test]
    fn the_coverage_csv_has_svm_cluster_and_fleet_lines_and_clusters_not_read() {
        let clusters = [
            read_cluster(),
            unread("prod-b", "Unreachable"),
            unread("=cmd|' /C calc'!A0", "Asks for its own sign-in"),
        ];
        let csv = coverage_csv(&clusters);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with("cluster,cluster_uuid,release,cluster_state,signed_in_as,scope,svm,owner_uuid,accounts,ssh_accounts,totp_enabled"));
        assert_eq!(
            lines[1],
            "prod-a,c-1,9.13.1,Reachable,admin,svm,vs1,AA-1,4,4,1,1,1,1,0,0,0,0,4,100"
        );
        assert_eq!(
            lines[2],
            "prod-a,c-1,9.13.1,Reachable,admin,svm,vs2,BB-2,4,3,0,0,0,0,1,0,2,0,1,33"
        );
        assert_eq!(
            lines[3],
            "prod-a,c-1,9.13.1,Reachable,admin,cluster,,,8,7,1,1,1,1,1,0,2,0,5,71"
        );
        assert_eq!(lines[4], "prod-b,,,Unreachable,,cluster,,,,,,,,,,,,,,");
        // A name from the file that a spreadsheet would run is text.
        assert!(lines[5].starts_with("'=cmd|' /C calc'!A0,"), "{}", lines[5]);
        assert_eq!(lines[6], ",,,1 of 3 read,,fleet,,,8,7,1,1,1,1,1,0,2,0,5,71");
        assert_eq!(lines[7], "");
    }

    #[test]
    fn the_accounts_csv_keys_each_account_by_cluster_owner_and_name() {
        let clusters = [read_cluster(), unread("prod-b", "Unreachable")];
        let csv = accounts_csv(&clusters);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "cluster,cluster_uuid,cluster_state,svm,owner_uuid,account,role,locked,ssh_methods,ssh_second_factors,totp,web_second_factor"
        );
        assert!(
            lines.contains(
                &"prod-a,c-1,Reachable,vs1,AA-1,t2,admin,no,password,TOTP,Disabled,not on 9.13.1"
            ),
            "{csv}"
        );
        assert!(lines.contains(&"prod-a,c-1,Reachable,vs2,BB-2,t1,admin,no,password,none,TOTP not required,not on 9.13.1"), "{csv}");
        assert!(
            lines.contains(
                &"prod-a,c-1,Reachable,vs2,BB-2,web,admin,no,,,TOTP not required,not on 9.13.1"
            ),
            "{csv}"
        );
        assert!(lines.contains(&"prod-b,,Unreachable,,,,,,,,,"), "{csv}");
        assert_eq!(lines.len(), 1 + 8 + 1 + 1);
    }

    #[test]
    fn stamps_and_file_names() {
        assert_eq!(
            utc_stamp("2026-12-05T08:10:42.123Z"),
            "2026-12-05 08:10:42 UTC"
        );
        assert_eq!(utc_stamp("soon"), "soon");
        assert_eq!(
            file_name("mfa-coverage", "2026-12-05T08:10:42.123Z"),
            "mfa-coverage-2026-12-05T0810Z.csv"
        );
        assert_eq!(file_name("x", ""), "x.csv");
    }
}
