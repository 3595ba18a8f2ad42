//! Who may delete, reset and rotate a TOTP key, by release: one rule for the page (what it
//! offers) and the emulator (what it accepts).
//!
//! - Deleting is the key's owner's act. On a 9.14.1P10 cluster an administrator's
//!   `security login totp delete -username <another user>` failed with "not authorized for
//!   that command" (NetAppDocs/ontap issue 1646), and NetApp's reset page describes deletion as
//!   the user removing their own compromised key. One transcript of one release: the rule is
//!   taken for every release, and ontap-sim records it as inferred (DELETE_OTHERS_PROFILE).
//! - Up to 9.18 the owner deletes by `DELETE /api/security/login/totps/…`; from 9.19.1 only in
//!   the CLI, which asks for a TOTP code or an emergency code ("Reset the TOTP secret key").
//! - Resetting someone else (a lost phone) is disabling their profile, which needs the admin
//!   role (NetAppDocs/ontap pull request 1671); they then enroll again.
//! - Rotating one's own key (compromised but still in hand) is deleting it, then enrolling
//!   again: by REST up to 9.18, the delete in the CLI from 9.19.1.

use crate::cluster::Version;
use crate::role::Access;

/// How a profile can be deleted by the account asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    /// The release has no TOTP profiles (before 9.13).
    NoTotp,
    /// The key's owner, with the REST DELETE (9.13 up to 9.18).
    ByRest,
    /// The key's owner, in the CLI, confirmed with a TOTP code or an emergency code (9.19.1
    /// on): the REST DELETE is refused.
    ByCliWithCode,
    /// Not by this account: only the owner deletes a key. An administrator resets it by
    /// disabling ([`reset`]).
    OwnerOnly,
    /// The role may change nothing (read-only).
    ReadOnlyRole,
}

/// How `access`, the owner of the profile or not (`own`), may delete it on `release`.
pub fn deletion(release: &Version, own: bool, access: Access) -> Deletion {
    if !release.has_totp() {
        Deletion::NoTotp
    } else if !own {
        Deletion::OwnerOnly
    } else if !access.may_modify() {
        Deletion::ReadOnlyRole
    } else if release.rest_delete_supported() {
        Deletion::ByRest
    } else {
        Deletion::ByCliWithCode
    }
}

/// How someone else's profile is reset (their authenticator lost or replaced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reset {
    NoTotp,
    /// Disable the profile (REST PATCH `enabled: false`, or the CLI's `modify -enabled
    /// false`); the user then enrolls again.
    Disable,
    /// Disabling needs the admin role: ask a cluster administrator.
    AskAnAdministrator,
}

/// How `access` resets a profile on `release` (the same for every release with TOTP).
pub fn reset(release: &Version, access: Access) -> Reset {
    if !release.has_totp() {
        Reset::NoTotp
    } else if access.may_change_status() {
        Reset::Disable
    } else {
        Reset::AskAnAdministrator
    }
}

/// How the signed-in user replaces their own key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rotation {
    NoTotp,
    /// No enabled profile of their own: plain enrollment, nothing to delete first.
    EnrollOnly,
    /// Delete the old key by REST, then enroll again, in the page (9.13 up to 9.18).
    DeleteThenEnroll,
    /// Delete the old key in the CLI with a code from it, then enroll again (9.19.1 on).
    CliDeleteThenEnroll,
    /// A read-only role may not delete (nor create): an administrator resets the profile.
    ReadOnlyRole,
}

/// How the owner of a profile (`enabled`: `None` when they have none) rotates their key.
pub fn rotation(release: &Version, enabled: Option<bool>, access: Access) -> Rotation {
    if !release.has_totp() {
        return Rotation::NoTotp;
    }
    if !access.may_modify() {
        return Rotation::ReadOnlyRole;
    }
    match enabled {
        // ONTAP's POST replaces a disabled profile (DISABLED_PROFILES in ontap-sim).
        None | Some(false) => Rotation::EnrollOnly,
        Some(true) => match deletion(release, true, access) {
            Deletion::ByRest => Rotation::DeleteThenEnroll,
            _ => Rotation::CliDeleteThenEnroll,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASES: [&str; 6] = ["9.12.1", "9.13.1", "9.14.1", "9.16.1", "9.18.1", "9.19.1"];

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    /// The release matrix of issue 18: for each release, what an administrator, an SVM
    /// administrator and a read-only account may do to their own key and to another's.
    #[test]
    fn the_release_matrix_of_deletion_reset_and_rotation() {
        use Access::{Admin, Modify, ReadOnly};
        for r in RELEASES {
            let rel = v(r);
            let (del_own, rot) = match r {
                "9.12.1" => (Deletion::NoTotp, Rotation::NoTotp),
                "9.19.1" => (Deletion::ByCliWithCode, Rotation::CliDeleteThenEnroll),
                _ => (Deletion::ByRest, Rotation::DeleteThenEnroll),
            };
            for access in [Admin, Modify] {
                assert_eq!(deletion(&rel, true, access), del_own, "{r} {access:?} own");
                assert_eq!(rotation(&rel, Some(true), access), rot, "{r} {access:?}");
                let other = if rel.has_totp() {
                    Deletion::OwnerOnly
                } else {
                    Deletion::NoTotp
                };
                assert_eq!(deletion(&rel, false, access), other, "{r} {access:?} other");
            }
            let ro = if rel.has_totp() {
                (Deletion::ReadOnlyRole, Rotation::ReadOnlyRole)
            } else {
                (Deletion::NoTotp, Rotation::NoTotp)
            };
            assert_eq!(
                (
                    deletion(&rel, true, ReadOnly),
                    rotation(&rel, Some(true), ReadOnly)
                ),
                ro,
                "{r} read-only"
            );
            let (admin_reset, vsadmin_reset) = if rel.has_totp() {
                (Reset::Disable, Reset::AskAnAdministrator)
            } else {
                (Reset::NoTotp, Reset::NoTotp)
            };
            assert_eq!(reset(&rel, Admin), admin_reset, "{r}");
            assert_eq!(reset(&rel, Modify), vsadmin_reset, "{r}");
            assert_eq!(reset(&rel, ReadOnly), vsadmin_reset, "{r}");
        }
    }

    #[test]
    fn without_an_enabled_profile_rotation_is_enrollment() {
        for r in &RELEASES[1..] {
            for enabled in [None, Some(false)] {
                assert_eq!(
                    rotation(&v(r), enabled, Access::Modify),
                    Rotation::EnrollOnly,
                    "{r}"
                );
            }
        }
    }
}
