//! What the signed-in account's role lets it do with TOTP profiles, and how a profile is deleted
//! where the REST API no longer does it.
//!
//! ONTAP's predefined roles: `admin` (cluster administrator), `readonly`, `vsadmin` (SVM
//! administrator), `vsadmin-readonly`, and other `vsadmin-*` roles. Only `admin` may change a
//! profile's `enabled` (error 144834564 for everybody else); read-only roles change nothing
//! (403 code 6). A custom role is taken as one that may change comments: the cluster stays the
//! authority and its refusal is explained if it says otherwise.

/// What a role may do with profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `admin`: comments and the enabled status.
    Admin,
    /// May change comments but not the status (`vsadmin`, custom roles).
    Modify,
    /// `readonly`, `vsadmin-readonly`: reads only.
    ReadOnly,
    /// The role could not be learnt: every control is offered and the cluster decides.
    Unknown,
}

impl Access {
    /// The access of a role name (`None`: the role could not be read).
    pub fn of(role: Option<&str>) -> Access {
        match role.map(str::trim) {
            None | Some("") => Access::Unknown,
            Some(r) if r.eq_ignore_ascii_case("admin") => Access::Admin,
            Some(r)
                if r.eq_ignore_ascii_case("readonly")
                    || r.eq_ignore_ascii_case("vsadmin-readonly") =>
            {
                Access::ReadOnly
            }
            Some(_) => Access::Modify,
        }
    }

    /// May change a profile at all (its comment).
    pub fn may_modify(self) -> bool {
        self != Access::ReadOnly
    }

    /// May enable or disable a profile.
    pub fn may_change_status(self) -> bool {
        matches!(self, Access::Admin | Access::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_map_to_access() {
        assert_eq!(Access::of(Some("admin")), Access::Admin);
        assert_eq!(Access::of(Some("readonly")), Access::ReadOnly);
        assert_eq!(Access::of(Some("vsadmin-readonly")), Access::ReadOnly);
        assert_eq!(Access::of(Some("vsadmin")), Access::Modify);
        assert_eq!(Access::of(Some("vsadmin-volume")), Access::Modify);
        assert_eq!(Access::of(Some("totp_helpdesk")), Access::Modify);
        assert_eq!(Access::of(None), Access::Unknown);
        assert_eq!(Access::of(Some(" ")), Access::Unknown);
    }

    #[test]
    fn what_each_access_may_do() {
        assert!(Access::Admin.may_modify() && Access::Admin.may_change_status());
        assert!(Access::Modify.may_modify() && !Access::Modify.may_change_status());
        assert!(!Access::ReadOnly.may_modify() && !Access::ReadOnly.may_change_status());
        assert!(Access::Unknown.may_modify() && Access::Unknown.may_change_status());
    }
}
