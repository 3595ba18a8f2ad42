//! One cluster's line of the fleet overview (issue 19): its profiles enabled and disabled,
//! the accounts that must use TOTP and have no profile, the SSH accounts with no second
//! factor, and the MFA coverage of its SSH accounts with the bar's arithmetic. The accounts
//! are judged as the accounts view judges them (`AccountLine::read` shares
//! `tables::accounts::totp_state` and `tables::factors` with the view's `row_of`), so the two
//! never disagree.

use std::borrow::Cow;
use std::sync::Arc;

use ontap_model::{Account, Totp};

use super::accounts::{lower_uuid, ProfileIndex, TotpState};
use super::coverage::AccountLine;
use super::factors::{cluster_owner, Factors, Kind};

/// The SSH accounts of a cluster by their strongest second factor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// TOTP (with or without another factor).
    pub(crate) totp: usize,
    /// A second factor other than TOTP (SSH key, password, Duo).
    pub(crate) other: usize,
    /// None.
    pub(crate) none: usize,
    /// Not known: a collection that would tell (Duo) could not be read.
    pub(crate) unknown: usize,
}

/// A part of the coverage bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Totp,
    Other,
    None,
    Unknown,
}

impl Part {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Part::Totp => "TOTP",
            Part::Other => "other second factor",
            Part::None => "no second factor",
            Part::Unknown => "unknown",
        }
    }
    pub(crate) fn class(self) -> &'static str {
        match self {
            Part::Totp => "cov-totp",
            Part::Other => "cov-other",
            Part::None => "cov-none",
            Part::Unknown => "cov-unknown",
        }
    }
}

impl Coverage {
    /// SSH accounts in all.
    pub(crate) fn ssh(&self) -> usize {
        self.totp + self.other + self.none + self.unknown
    }
    /// SSH accounts with a second factor.
    pub(crate) fn covered(&self) -> usize {
        self.totp + self.other
    }
    /// Whole percent of SSH accounts with a second factor, rounded down: 199 of 200 is 99 %,
    /// never a 100 % that hides an account without one. `None` without SSH accounts.
    pub(crate) fn percent(&self) -> Option<usize> {
        let n = self.ssh();
        (n > 0).then(|| self.covered() * 100 / n)
    }
    /// The bar's parts, `width` wide in all: (part, x, width, count), empty parts left out.
    /// Each part's width is its share; none below 1 unit, so one account still shows.
    pub(crate) fn bar(&self, width: f64) -> Vec<(Part, f64, f64, usize)> {
        let n = self.ssh();
        if n == 0 {
            return Vec::new();
        }
        let parts = [
            (Part::Totp, self.totp),
            (Part::Other, self.other),
            (Part::None, self.none),
            (Part::Unknown, self.unknown),
        ];
        let shown: Vec<_> = parts.into_iter().filter(|(_, c)| *c > 0).collect();
        // Parts that would be thinner than 1 are widened to 1, taken from the widest part.
        let mut widths: Vec<f64> = shown
            .iter()
            .map(|(_, c)| (*c as f64 / n as f64 * width).max(1.0_f64.min(width)))
            .collect();
        let excess: f64 = widths.iter().sum::<f64>() - width;
        if let Some(widest) = widths
            .iter_mut()
            .max_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal))
        {
            *widest -= excess;
        }
        let mut x = 0.0;
        shown
            .into_iter()
            .zip(widths)
            .map(|((p, c), w)| {
                let part = (p, x, w, c);
                x += w;
                part
            })
            .collect()
    }
}

/// What a cluster's line says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Profiles enabled and disabled; `None` on a release without TOTP.
    pub(crate) profiles: Option<(usize, usize)>,
    /// Accounts whose SSH asks for TOTP and that have no profile; `None` without TOTP.
    pub(crate) must_totp_none: Option<usize>,
    /// SSH accounts with no second factor.
    pub(crate) ssh_none: usize,
    pub(crate) coverage: Coverage,
    /// Accounts read.
    pub(crate) accounts: usize,
    /// Every account as the coverage report keeps it (`tables::coverage`), in the order read.
    pub(crate) lines: Arc<Vec<AccountLine>>,
}

/// The line of one cluster from its accounts, its profiles (`None` on a release without
/// TOTP) and what is known of its other factors.
pub(crate) fn summarize(
    accounts: &[Account],
    totps: Option<&[Totp]>,
    factors: &Factors,
) -> Summary {
    let totps_read = totps.unwrap_or_default();
    // Sized first: grown from empty, the index of 2,000 profiles was rehashed eleven times.
    let mut index = ProfileIndex::with_capacity_and_hasher(totps_read.len(), Default::default());
    index.extend(totps_read.iter().filter_map(|t| {
        let owner = lower_uuid(t.owner.as_ref()?.uuid.as_deref()?);
        Some(((owner, Cow::Borrowed(t.account_name()?)), t.enabled))
    }));
    let owner = cluster_owner(accounts);
    let mut s = Summary {
        profiles: totps.map(|t| {
            let on = t.iter().filter(|p| p.enabled != Some(false)).count();
            (on, t.len() - on)
        }),
        must_totp_none: totps.map(|_| 0),
        accounts: accounts.len(),
        ..Summary::default()
    };
    let mut lines = Vec::with_capacity(accounts.len());
    for a in accounts {
        let line = AccountLine::read(a, &index, factors, owner.as_deref());
        if line.totp == TotpState::NotEnrolled {
            if let Some(n) = s.must_totp_none.as_mut() {
                *n += 1;
            }
        }
        let has_ssh = line.has_ssh;
        lines.push(line);
        if !has_ssh {
            continue;
        }
        let kinds = &lines[lines.len() - 1].kinds;
        let c = &mut s.coverage;
        if kinds.contains(&Kind::Totp) {
            c.totp += 1;
        } else if kinds
            .iter()
            .any(|k| matches!(k, Kind::SshKey | Kind::Password | Kind::Duo))
        {
            c.other += 1;
        } else if kinds.contains(&Kind::SshNone) {
            c.none += 1;
            s.ssh_none += 1;
        } else {
            c.unknown += 1;
        }
    }
    s.lines = Arc::new(lines);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::tables::factors::Source;
    use ontap_model::Version;

    fn account(name: &str, ssh: Option<(&str, &str)>) -> Account {
        let apps = match ssh {
            Some((first, second)) => format!(
                r#"[{{"application":"ssh","authentication_methods":["{first}"],"second_authentication_method":"{second}"}}]"#
            ),
            None => r#"[{"application":"http","authentication_methods":["password"]}]"#.into(),
        };
        serde_json::from_str(&format!(
            r#"{{"name":"{name}","owner":{{"uuid":"AA-1","name":"vs1"}},"scope":"svm","applications":{apps}}}"#
        ))
        .expect("test account")
    }

    fn totp(owner: &str, name: &str, enabled: bool) -> Totp {
        serde_json::from_str(&format!(
            r#"{{"owner":{{"uuid":"{owner}"}},"account":{{"name":"{name}"}},"enabled":{enabled}}}"#
        ))
        .expect("test profile")
    }

    #[test]
    fn a_cluster_is_summed_up_as_the_accounts_view_sees_it() {
        let accounts = [
            account("t1", Some(("password", "totp"))),
            account("t2", Some(("password", "totp"))),
            account("t3", Some(("password", "totp"))),
            account("k", Some(("password", "publickey"))),
            account("n1", Some(("password", "none"))),
            account("n2", Some(("publickey", "none"))),
            account("web", None),
        ];
        // t1 enrolled, t2 disabled, t3 without a profile; the owner's case differs.
        let totps = [
            totp("aa-1", "t1", true),
            totp("aa-1", "t2", false),
            totp("bb-2", "x", true),
        ];
        let f = Factors::for_release(Some(Version::new(9, 13, 1)));
        let s = summarize(&accounts, Some(&totps), &f);
        assert_eq!(s.profiles, Some((2, 1)));
        assert_eq!(s.must_totp_none, Some(1));
        assert_eq!(s.ssh_none, 2);
        assert_eq!(
            s.coverage,
            Coverage {
                totp: 3,
                other: 1,
                none: 2,
                unknown: 0
            }
        );
        assert_eq!((s.coverage.ssh(), s.coverage.percent()), (6, Some(66)));
        assert_eq!(s.accounts, 7);
        assert_eq!(
            s.lines.len(),
            7,
            "every account is kept for the coverage report"
        );
    }

    #[test]
    fn a_release_without_totp_claims_no_profile_counts() {
        let accounts = [account("n", Some(("password", "none")))];
        let f = Factors::for_release(Some(Version::new(9, 12, 1)));
        let s = summarize(&accounts, None, &f);
        assert_eq!((s.profiles, s.must_totp_none, s.ssh_none), (None, None, 1));
    }

    #[test]
    fn duo_that_could_not_be_read_is_unknown_not_none() {
        let accounts = [account("n", Some(("password", "none")))];
        let mut f = Factors::for_release(Some(Version::new(9, 16, 1)));
        f.duo_profiles = Source::Unavailable(ApiError::Timeout);
        f.webauthn = Source::Read(vec![]);
        let s = summarize(&accounts, Some(&[]), &f);
        assert_eq!(
            s.coverage,
            Coverage {
                unknown: 1,
                ..Coverage::default()
            }
        );
        assert_eq!(s.ssh_none, 0);
    }

    #[test]
    fn the_percent_rounds_down_and_the_bar_fills_its_width() {
        let c = Coverage {
            totp: 199,
            none: 1,
            ..Coverage::default()
        };
        assert_eq!(c.percent(), Some(99));
        assert_eq!(Coverage::default().percent(), None);
        assert!(Coverage::default().bar(100.0).is_empty());
        let bar = c.bar(120.0);
        assert_eq!(bar.len(), 2);
        // One account in 200 is still at least one unit wide, and the parts end at the width.
        assert!((bar[1].2 - 1.0).abs() < 1e-9);
        let (_, x, w, _) = bar[bar.len() - 1];
        assert!((x + w - 120.0).abs() < 1e-9);
        let c = Coverage {
            totp: 1,
            other: 1,
            none: 1,
            unknown: 1,
        };
        let bar = c.bar(100.0);
        let parts: Vec<_> = bar.iter().map(|(p, x, w, n)| (*p, *x, *w, *n)).collect();
        assert_eq!(
            parts,
            [
                (Part::Totp, 0.0, 25.0, 1),
                (Part::Other, 25.0, 25.0, 1),
                (Part::None, 50.0, 25.0, 1),
                (Part::Unknown, 75.0, 25.0, 1)
            ]
        );
    }
}
