//! Every address of the page, in one place: the paths the router matches and the links that
//! point at them, built from typed keys with each segment percent-encoded. A page links to
//! another screen only through here, never by importing that screen's files.

use ontap_model::{AccountName, OwnerUuid, TotpKey};

pub(crate) const PROFILES: &str = "/profiles";
pub(crate) const BULK: &str = "/profiles/bulk";
pub(crate) const ACCOUNTS: &str = "/accounts";
pub(crate) const HISTORY: &str = "/history";
pub(crate) const CHANGES: &str = "/changes";
pub(crate) const ENROLL: &str = "/enroll";
/// The enrollment page opening on "Rotate my key" (the signed-in user's own, enabled profile).
pub(crate) const ROTATE: &str = "/enroll?rotate=1";
/// The fleet overview, the fleet page's landing screen (when `clusters.json` lists clusters).
pub(crate) const FLEET: &str = "/";
/// The first segment of a fleet's own screens: `/fleet/profiles`, `/fleet/accounts`, and a
/// cluster's screens under `/fleet/{cluster uuid}` ([`fleet_cluster_base`]).
pub(crate) const FLEET_PREFIX: &str = "/fleet";
/// Offboarding across the fleet: disable an account's profiles, or require TOTP for it, on
/// every cluster and SVM at once (issue 19).
pub(crate) const FLEET_OFFBOARD: &str = "/fleet/offboard";
/// The changes sent from a fleet's page in this session, each naming its cluster.
pub(crate) const FLEET_CHANGES: &str = "/fleet/changes";
/// Every profile of every cluster of a fleet, with a Cluster column and filter.
pub(crate) const FLEET_PROFILES: &str = "/fleet/profiles";
/// Every account of every cluster of a fleet, with a Cluster column and filter.
pub(crate) const FLEET_ACCOUNTS: &str = "/fleet/accounts";

/// `/fleet/{cluster uuid}`: where one cluster's screens of a fleet live (its profiles, editor,
/// accounts, history under it, with the single-cluster paths). The UUID, not the name: two
/// clusters may share a name, never a UUID.
pub(crate) fn fleet_cluster_base(cluster_uuid: &str) -> String {
    format!(
        "{FLEET_PREFIX}/{}",
        ontap_model::totp::encode_segment(&cluster_uuid.to_ascii_lowercase())
    )
}

/// A profile's editor on one cluster of a fleet.
pub(crate) fn fleet_editor_href(cluster_uuid: &str, key: &TotpKey) -> String {
    format!("{}{}", fleet_cluster_base(cluster_uuid), editor_href(key))
}

/// An account's page on one cluster of a fleet.
pub(crate) fn fleet_account_href(cluster_uuid: &str, owner_uuid: &str, name: &str) -> String {
    format!(
        "{}{}",
        fleet_cluster_base(cluster_uuid),
        account_href(owner_uuid, name)
    )
}

/// Where the screens in view link to: `""` on the single-cluster page (its addresses as
/// ever), `/fleet/{cluster uuid}` in one cluster's screens of a fleet (`shell/scope.rs`), so
/// that a link inside a cluster's screens stays on that cluster. Provided as a context by the
/// shell that routes the screens; absent means the single-cluster page. A screen takes it
/// once, when made ([`Base::current`]), and builds every link to another screen with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Base {
    prefix: std::sync::Arc<str>,
}

impl Base {
    /// A cluster's screens in a fleet: under [`fleet_cluster_base`].
    pub(crate) fn fleet_cluster(cluster_uuid: &str) -> Base {
        Base {
            prefix: fleet_cluster_base(cluster_uuid).into(),
        }
    }

    /// The base in the context (the single-cluster page's when none is provided).
    pub(crate) fn current() -> Base {
        leptos::prelude::use_context::<Base>().unwrap_or_default()
    }

    /// True in a cluster's screens of a fleet (no enrollment there: the fleet's page has
    /// none).
    pub(crate) fn in_fleet(&self) -> bool {
        !self.prefix.is_empty()
    }

    /// `path` (one of this module's addresses, with its query) under this base.
    pub(crate) fn at(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    /// The profile table.
    pub(crate) fn profiles(&self) -> String {
        self.at(PROFILES)
    }

    /// [`editor_href`] under this base.
    pub(crate) fn editor(&self, key: &TotpKey) -> String {
        self.at(&editor_href(key))
    }

    /// [`account_href`] under this base.
    pub(crate) fn account(&self, owner_uuid: &str, name: &str) -> String {
        self.at(&account_href(owner_uuid, name))
    }

    /// [`history_href`] under this base.
    pub(crate) fn history(
        &self,
        owner_uuid: Option<&str>,
        svm: Option<&str>,
        name: &str,
    ) -> String {
        self.at(&history_href(owner_uuid, svm, name))
    }
}

/// `/profiles/{owner.uuid}/{account.name}`: a profile's editor.
pub fn editor_href(key: &TotpKey) -> String {
    format!(
        "{PROFILES}/{}/{}",
        ontap_model::totp::encode_segment(key.owner.as_str()),
        ontap_model::totp::encode_segment(key.account.as_str())
    )
}

/// Reads an editor address's two segments as strict types; the message says what is wrong.
pub fn parse_key(owner: &str, account: &str) -> Result<TotpKey, String> {
    let owner = OwnerUuid::try_from(owner)
        .map_err(|e| format!("The owner in this link is not a valid SVM UUID: {e}"))?;
    let account = AccountName::try_from(account)
        .map_err(|e| format!("The account in this link is not a valid account name: {e}"))?;
    Ok(TotpKey { owner, account })
}

/// `/accounts/{owner}/{name}`: an account's page.
pub(crate) fn account_href(owner_uuid: &str, name: &str) -> String {
    format!(
        "{ACCOUNTS}/{}/{}",
        ontap_model::totp::encode_segment(owner_uuid),
        ontap_model::totp::encode_segment(name)
    )
}

/// `/history?account=<name>&owner=<uuid>&svm=<svm name>`: the account's history, on its SVM
/// when `owner` is given (an account is its SVM and its name; records name the SVM by UUID or
/// by name).
pub fn history_href(owner_uuid: Option<&str>, svm: Option<&str>, name: &str) -> String {
    let mut q = ontap_model::Query::new().param("account", name);
    if let Some(o) = owner_uuid {
        q = q.param("owner", o);
        if let Some(n) = svm.filter(|n| !n.is_empty()) {
            q = q.param("svm", n);
        }
    }
    format!("{HISTORY}{}", q.to_query_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clusters_links_carry_its_uuid_and_encode_every_segment() {
        let key = parse_key("0b5e5f4e-1d2c-11ee-9c4e-005056bb0001", "jo/e").unwrap();
        let uuid = "AA6E0C3E-1D2C-11EE-9C4E-005056BB0001";
        assert_eq!(
            fleet_editor_href(uuid, &key),
            "/fleet/aa6e0c3e-1d2c-11ee-9c4e-005056bb0001/profiles/0b5e5f4e-1d2c-11ee-9c4e-005056bb0001/jo%2Fe"
        );
        assert_eq!(
            fleet_account_href(uuid, "o", "a b"),
            "/fleet/aa6e0c3e-1d2c-11ee-9c4e-005056bb0001/accounts/o/a%20b"
        );
    }

    #[test]
    fn the_single_cluster_base_leaves_every_address_as_it_was_and_a_scope_prefixes_it() {
        let key = parse_key("0b5e5f4e-1d2c-11ee-9c4e-005056bb0001", "jo/e").unwrap();
        let root = Base::default();
        assert!(!root.in_fleet());
        assert_eq!(root.profiles(), PROFILES);
        assert_eq!(root.editor(&key), editor_href(&key));
        assert_eq!(root.account("o", "a b"), account_href("o", "a b"));
        assert_eq!(
            root.history(Some("o"), Some("vs1"), "a"),
            history_href(Some("o"), Some("vs1"), "a")
        );
        assert_eq!(root.at(CHANGES), "/changes");
        let uuid = "AA6E0C3E-1D2C-11EE-9C4E-005056BB0001";
        let scope = Base::fleet_cluster(uuid);
        assert!(scope.in_fleet());
        assert_eq!(scope.editor(&key), fleet_editor_href(uuid, &key));
        assert_eq!(
            scope.account("o", "a b"),
            fleet_account_href(uuid, "o", "a b")
        );
        assert_eq!(
            scope.at(BULK),
            "/fleet/aa6e0c3e-1d2c-11ee-9c4e-005056bb0001/profiles/bulk"
        );
        assert_eq!(
            scope.history(None, None, "a"),
            "/fleet/aa6e0c3e-1d2c-11ee-9c4e-005056bb0001/history?account=a"
        );
    }
}
