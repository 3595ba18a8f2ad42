//! Bulk changes to many TOTP profiles: the planning step. For each selected profile and one
//! action (disable, enable, set, append or clear the comment) it decides whether the profile
//! changes, and how (the [`TotpPatch`] to send and the equivalent clustershell command), or is
//! skipped, and why. The page reviews the plan before anything is sent, and after a lost
//! answer it asks [`Planned::is_applied`] of a re-read profile whether the change landed.
//!
//! Planning is pure: the same selection and action always give the same plan, and a profile
//! already in the wanted state is never sent a write.

use std::fmt;

use crate::cli::{cli_command, CliCommand, CliError};
use crate::names::Comment;
use crate::totp::{Scope, Totp, TotpKey, TotpPatch};

/// Between the old comment and appended text.
pub const APPEND_SEPARATOR: &str = "; ";

/// What to do to every selected profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `enabled = false`. In ONTAP this is a reset: the user must enroll again.
    Disable,
    /// `enabled = true`.
    Enable,
    /// Replace the comment.
    SetComment(Comment),
    /// Add text at the end of the comment, after [`APPEND_SEPARATOR`] when there is one.
    AppendComment(Comment),
    /// Empty the comment.
    ClearComment,
}

impl Action {
    /// A short name, for the result file and the change log: "disable", "set comment"...
    pub fn name(&self) -> &'static str {
        match self {
            Action::Disable => "disable",
            Action::Enable => "enable",
            Action::SetComment(_) => "set comment",
            Action::AppendComment(_) => "append to comment",
            Action::ClearComment => "clear comment",
        }
    }

    /// What the action does, in words: `set the comment to "x"`.
    pub fn describe(&self) -> String {
        match self {
            Action::Disable => "disable the profile".into(),
            Action::Enable => "enable the profile".into(),
            Action::SetComment(c) => format!("set the comment to \"{c}\""),
            Action::AppendComment(c) => format!("append \"{c}\" to the comment"),
            Action::ClearComment => "clear the comment".into(),
        }
    }

    /// True when the action changes `enabled`, which only the admin role may do.
    pub fn changes_status(&self) -> bool {
        matches!(self, Action::Disable | Action::Enable)
    }

    /// Why the action cannot be planned at all (an empty text to set or append), if so.
    pub fn invalid(&self) -> Option<&'static str> {
        match self {
            Action::SetComment(c) if c.is_empty() => {
                Some("Enter the new comment (to empty comments, choose Clear the comment).")
            }
            Action::AppendComment(c) if c.as_str().trim().is_empty() => {
                Some("Enter the text to append.")
            }
            _ => None,
        }
    }
}

/// One selected profile as the page knows it (from its last read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub key: TotpKey,
    /// The owning SVM's name (for a cluster-scoped account, the admin SVM's: the cluster's).
    pub svm: String,
    pub scope: Option<Scope>,
    /// `None` when the cluster did not send the status.
    pub enabled: Option<bool>,
    pub comment: String,
}

impl Target {
    pub fn from_totp(t: &Totp) -> Option<Target> {
        Some(Target {
            key: t.key()?,
            svm: t.owner_name().unwrap_or_default().to_owned(),
            scope: t.scope.clone(),
            enabled: t.enabled,
            comment: t.comment.clone().unwrap_or_default(),
        })
    }
}

/// Why a selected profile is left alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    AlreadyDisabled,
    AlreadyEnabled,
    CommentAlreadySet,
    CommentAlreadyEmpty,
    /// The comment already ends with the appended text: appending again would double it.
    AlreadyAppended,
    /// The action itself is not valid (see [`Action::invalid`]).
    InvalidAction,
}

impl SkipReason {
    pub fn message(self) -> &'static str {
        match self {
            SkipReason::AlreadyDisabled => "already disabled",
            SkipReason::AlreadyEnabled => "already enabled",
            SkipReason::CommentAlreadySet => "the comment is already this text",
            SkipReason::CommentAlreadyEmpty => "the comment is already empty",
            SkipReason::AlreadyAppended => "the comment already ends with this text",
            SkipReason::InvalidAction => "the action is not complete",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A profile that changes: the PATCH body and the clustershell command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub target: Target,
    /// Never empty.
    pub patch: TotpPatch,
    /// The equivalent command, or why there is none (a control character in a value...).
    pub cli: Result<CliCommand, CliError>,
}

impl Planned {
    /// Whether a profile read back from the cluster holds this change: every field the patch
    /// sets has the value it sets (a missing comment counts as empty). Used after a lost
    /// answer, to settle the row without resending the write.
    pub fn is_applied(&self, now: &Totp) -> bool {
        let comment_ok = self
            .patch
            .comment
            .as_ref()
            .is_none_or(|c| now.comment.as_deref().unwrap_or("") == c.as_str());
        let enabled_ok = self.patch.enabled.is_none_or(|e| now.enabled == Some(e));
        comment_ok && enabled_ok
    }

    /// What changed on the cluster since the review, as read in `now`: the comment or the
    /// status no longer being what the review showed. Empty when nothing did. A bulk write is
    /// computed from the reviewed values ("append to the comment" most of all), so a profile
    /// that changed meanwhile is not written: that would overwrite someone else's edit.
    pub fn changed_since_review(&self, now: &Totp) -> Vec<String> {
        let mut what = Vec::new();
        let comment = now.comment.as_deref().unwrap_or("");
        if comment != self.target.comment {
            what.push(if comment.is_empty() {
                "its comment was removed".to_owned()
            } else {
                format!("its comment is now \"{comment}\"")
            });
        }
        if now.enabled.is_some() && now.enabled != self.target.enabled {
            what.push(
                if now.enabled == Some(true) {
                    "it was enabled"
                } else {
                    "it was disabled"
                }
                .to_owned(),
            );
        }
        what
    }
}

/// A profile left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub target: Target,
    pub reason: SkipReason,
}

/// The whole plan: what changes and what is skipped, each in selection order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Planned>,
    pub skipped: Vec<Skipped>,
}

impl Plan {
    /// How many were skipped for each reason, in a stable order.
    pub fn skip_counts(&self) -> Vec<(SkipReason, usize)> {
        let mut m = std::collections::BTreeMap::new();
        for s in &self.skipped {
            *m.entry(s.reason).or_insert(0) += 1;
        }
        m.into_iter().collect()
    }

    /// Every clustershell command of the plan, one a line; a change without one gets a
    /// comment line (`# ...`) saying why, so the list is complete.
    pub fn cli_script(&self) -> String {
        let mut out = String::new();
        for p in &self.changes {
            match &p.cli {
                Ok(c) => out.push_str(&c.line),
                Err(e) => {
                    out.push_str(&format!(
                        "# {} ({}): {e}",
                        p.target.key.account, p.target.svm
                    ));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// The comment a profile gets from `action`, or `None` when the action leaves the comment.
fn new_comment(action: &Action, current: &str) -> Option<String> {
    match action {
        Action::SetComment(c) => Some(c.as_str().to_owned()),
        Action::ClearComment => Some(String::new()),
        Action::AppendComment(c) => Some(if current.is_empty() {
            c.as_str().to_owned()
        } else {
            format!("{current}{APPEND_SEPARATOR}{c}")
        }),
        Action::Disable | Action::Enable => None,
    }
}

/// Plans one profile.
pub fn plan_one(action: &Action, target: &Target) -> Result<Planned, SkipReason> {
    if action.invalid().is_some() {
        return Err(SkipReason::InvalidAction);
    }
    let patch = match action {
        // An unknown status is sent the wanted value: the write is idempotent.
        Action::Disable if target.enabled == Some(false) => {
            return Err(SkipReason::AlreadyDisabled)
        }
        Action::Enable if target.enabled == Some(true) => return Err(SkipReason::AlreadyEnabled),
        Action::Disable => TotpPatch {
            enabled: Some(false),
            ..TotpPatch::default()
        },
        Action::Enable => TotpPatch {
            enabled: Some(true),
            ..TotpPatch::default()
        },
        Action::SetComment(c) if c.as_str() == target.comment => {
            return Err(SkipReason::CommentAlreadySet)
        }
        Action::ClearComment if target.comment.is_empty() => {
            return Err(SkipReason::CommentAlreadyEmpty)
        }
        Action::AppendComment(c) if target.comment.ends_with(c.as_str()) => {
            return Err(SkipReason::AlreadyAppended)
        }
        Action::SetComment(_) | Action::ClearComment | Action::AppendComment(_) => {
            let text = new_comment(action, &target.comment).unwrap_or_default();
            TotpPatch {
                comment: Comment::try_from(text).ok(),
                ..TotpPatch::default()
            }
        }
    };
    let svm = (!target.svm.is_empty()).then_some(target.svm.as_str());
    let cli = cli_command(&target.key, svm, target.scope.as_ref(), &patch);
    Ok(Planned {
        target: target.clone(),
        patch,
        cli,
    })
}

/// Plans every selected profile. A profile selected twice is planned once.
pub fn plan(action: &Action, targets: &[Target]) -> Plan {
    let mut seen = std::collections::HashSet::new();
    let mut p = Plan::default();
    for t in targets {
        if !seen.insert(&t.key) {
            continue;
        }
        match plan_one(action, t) {
            Ok(c) => p.changes.push(c),
            Err(reason) => p.skipped.push(Skipped {
                target: t.clone(),
                reason,
            }),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{AccountName, OwnerUuid};

    const UUID: &str = "6a1b2c3d-0000-4000-8000-000000000001";

    fn target(name: &str, enabled: Option<bool>, comment: &str) -> Target {
        Target {
            key: TotpKey {
                owner: OwnerUuid::try_from(UUID).unwrap(),
                account: AccountName::try_from(name).unwrap(),
            },
            svm: "vs_eng".into(),
            scope: Some(Scope::Svm),
            enabled,
            comment: comment.into(),
        }
    }

    fn c(s: &str) -> Comment {
        Comment::try_from(s).unwrap()
    }

    #[test]
    fn disable_changes_enabled_profiles_and_skips_disabled_ones() {
        let ts = [
            target("ann", Some(true), ""),
            target("bob", Some(false), ""),
            target("cid", None, ""),
        ];
        let p = plan(&Action::Disable, &ts);
        let names: Vec<&str> = p
            .changes
            .iter()
            .map(|c| c.target.key.account.as_str())
            .collect();
        assert_eq!(names, ["ann", "cid"]);
        assert_eq!(p.changes[0].patch.enabled, Some(false));
        assert_eq!(p.changes[0].patch.comment, None);
        assert_eq!(
            p.changes[0].cli.as_ref().unwrap().line,
            "security login totp modify -vserver vs_eng -username ann -enabled false"
        );
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].reason, SkipReason::AlreadyDisabled);
        assert_eq!(p.skip_counts(), vec![(SkipReason::AlreadyDisabled, 1)]);
    }

    #[test]
    fn enable_skips_enabled_profiles() {
        let p = plan(
            &Action::Enable,
            &[
                target("ann", Some(true), ""),
                target("bob", Some(false), ""),
            ],
        );
        assert_eq!(p.changes.len(), 1);
        assert_eq!(p.changes[0].patch.enabled, Some(true));
        assert_eq!(p.skipped[0].reason, SkipReason::AlreadyEnabled);
    }

    #[test]
    fn set_and_clear_comment_skip_what_is_already_so() {
        let ts = [
            target("ann", Some(true), "left team"),
            target("bob", Some(true), ""),
            target("cid", Some(true), "YubiKey"),
        ];
        let p = plan(&Action::SetComment(c("left team")), &ts);
        assert_eq!(p.changes.len(), 2);
        assert_eq!(p.skipped[0].target.key.account.as_str(), "ann");
        assert_eq!(p.skipped[0].reason, SkipReason::CommentAlreadySet);
        assert!(p.changes.iter().all(|x| x.patch.enabled.is_none()));

        let p = plan(&Action::ClearComment, &ts);
        assert_eq!(p.changes.len(), 2);
        assert_eq!(p.changes[0].patch.comment, Some(c("")));
        assert_eq!(
            p.changes[0].cli.as_ref().unwrap().line,
            "security login totp modify -vserver vs_eng -username ann -comment \"\""
        );
        assert_eq!(p.skipped[0].reason, SkipReason::CommentAlreadyEmpty);
    }

    #[test]
    fn append_adds_a_separator_only_after_text_and_never_twice() {
        let ts = [
            target("ann", Some(true), ""),
            target("bob", Some(true), "YubiKey"),
            target("cid", Some(true), "YubiKey; audit 2026"),
        ];
        let p = plan(&Action::AppendComment(c("audit 2026")), &ts);
        assert_eq!(p.changes[0].patch.comment, Some(c("audit 2026")));
        assert_eq!(p.changes[1].patch.comment, Some(c("YubiKey; audit 2026")));
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].reason, SkipReason::AlreadyAppended);
        assert_eq!(
            p.changes[1].cli.as_ref().unwrap().line,
            "security login totp modify -vserver vs_eng -username bob -comment \"YubiKey; audit 2026\""
        );
    }

    #[test]
    fn an_incomplete_action_plans_nothing() {
        let ts = [target("ann", Some(true), "x")];
        for a in [Action::SetComment(c("")), Action::AppendComment(c("  "))] {
            assert!(a.invalid().is_some());
            let p = plan(&a, &ts);
            assert!(p.changes.is_empty());
            assert_eq!(p.skipped[0].reason, SkipReason::InvalidAction);
        }
        assert!(Action::ClearComment.invalid().is_none());
    }

    #[test]
    fn duplicates_are_planned_once_and_order_is_kept() {
        let ts = [
            target("bob", Some(true), ""),
            target("ann", Some(true), ""),
            target("bob", Some(true), ""),
        ];
        let p = plan(&Action::Disable, &ts);
        let names: Vec<&str> = p
            .changes
            .iter()
            .map(|c| c.target.key.account.as_str())
            .collect();
        assert_eq!(names, ["bob", "ann"]);
    }

    #[test]
    fn a_change_without_a_cli_command_still_plans_and_says_why() {
        let ts = [target("ann", Some(true), "")];
        let p = plan(&Action::SetComment(c("two\nlines")), &ts);
        assert_eq!(p.changes.len(), 1);
        assert!(matches!(
            p.changes[0].cli,
            Err(CliError::ControlCharacter(_))
        ));
        assert!(p.cli_script().starts_with("# ann (vs_eng): "));
        let mut no_svm = target("bob", Some(true), "");
        no_svm.svm.clear();
        let p = plan(&Action::Disable, &[no_svm]);
        assert_eq!(p.changes[0].cli, Err(CliError::UnknownSvm));
    }

    #[test]
    fn is_applied_checks_every_field_the_patch_sets() {
        let t = target("ann", Some(true), "");
        let planned = plan_one(&Action::SetComment(c("gone")), &t).unwrap();
        let mut now = Totp {
            enabled: Some(true),
            comment: None,
            ..Totp::default()
        };
        assert!(!planned.is_applied(&now));
        now.comment = Some("gone".into());
        assert!(planned.is_applied(&now));

        let planned = plan_one(&Action::Disable, &t).unwrap();
        assert!(!planned.is_applied(&now));
        now.enabled = Some(false);
        assert!(planned.is_applied(&now));
        now.enabled = None;
        assert!(!planned.is_applied(&now), "an unknown status is not proof");

        let cleared = plan_one(&Action::ClearComment, &target("bob", Some(true), "x")).unwrap();
        let empty = Totp {
            comment: None,
            ..Totp::default()
        };
        assert!(
            cleared.is_applied(&empty),
            "an absent comment is an empty one"
        );
    }

    /// A bulk change is computed from the reviewed values: a profile whose comment or status
    /// changed since is reported, so its write does not overwrite the other edit.
    #[test]
    fn a_profile_changed_since_the_review_is_named_with_what_changed() {
        let t = target("ann", Some(true), "Authy");
        let planned = plan_one(&Action::AppendComment(c("audited")), &t).unwrap();
        assert_eq!(planned.patch.comment, Some(c("Authy; audited")));
        let mut now = Totp {
            enabled: Some(true),
            comment: Some("Authy".into()),
            ..Totp::default()
        };
        assert!(planned.changed_since_review(&now).is_empty());
        now.comment = Some("YubiKey, replaced 12/2026".into());
        assert_eq!(
            planned.changed_since_review(&now),
            ["its comment is now \"YubiKey, replaced 12/2026\""]
        );
        now.comment = None;
        now.enabled = Some(false);
        assert_eq!(
            planned.changed_since_review(&now),
            ["its comment was removed", "it was disabled"]
        );
        // A status the cluster did not send is not a change.
        now.enabled = None;
        now.comment = Some("Authy".into());
        assert!(planned.changed_since_review(&now).is_empty());
    }

    #[test]
    fn plan_script_has_one_line_per_change() {
        let ts: Vec<Target> = (0..5)
            .map(|i| target(&format!("user{i:03}"), Some(true), ""))
            .collect();
        let p = plan(&Action::Disable, &ts);
        assert_eq!(p.cli_script().lines().count(), 5);
        assert!(p
            .cli_script()
            .lines()
            .all(|l| l.starts_with("security login totp modify -vserver vs_eng -username user")));
    }
}
