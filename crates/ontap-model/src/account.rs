//! User accounts (`/api/security/accounts`) as read by the page: who must use TOTP for SSH.
//!
//! TOTP is asked for only when an account's `ssh` application has
//! `second_authentication_method: totp`; such an account without a profile is "not enrolled".
//! Read leniently: every field optional, unknown values kept, and unknown fields of an
//! application entry kept too, so that a PATCH built from what was read writes them back.

use serde::{Deserialize, Serialize};

use crate::totp::{OwnerRef, Scope};

/// The fields the page asks for when it lists accounts. The role by its name only: its
/// `_links` made a listing 15% longer and cost ontap-sim a third of its time (issue 9).
pub const ACCOUNT_LIST_FIELDS: &[&str] = &[
    "name",
    "owner",
    "role.name",
    "locked",
    "scope",
    "applications",
];

/// [`ACCOUNT_LIST_FIELDS`] for a reader that judges accounts and writes none back (a fleet's
/// overview line): of each application only what names its factors. The rest of an entry
/// (`is_ldap_fastbind`, `is_ns_switch_group`) is read only to be written back as read, and
/// was a fifth of a listing's bytes and most of its decoding's allocations. The members of an
/// array's records are named by their dotted path, as public ONTAP automation asks for
/// `/api/storage/volumes?fields=aggregates.name` or `/api/storage/shelves?fields=paths.node.name`.
pub const ACCOUNT_FACTOR_FIELDS: &[&str] = &[
    "name",
    "owner",
    "role.name",
    "locked",
    "scope",
    "applications.application",
    "applications.authentication_methods",
    "applications.second_authentication_method",
];

/// `role` of an account: a reference by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `account_application`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AccountApplication {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication_methods: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_authentication_method: Option<String>,
    /// Every other field the cluster sent (`is_ldap_fastbind` and `is_ns_switch_group` from
    /// 9.14.1, anything a later release adds). ONTAP resets an omitted one to its default when
    /// a PATCH replaces the list, so they are kept to be written back as read.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Read by hand: `#[serde(flatten)]` would buffer every entry's keys and values before
/// reading them, half of reading a large account listing.
impl<'de> Deserialize<'de> for AccountApplication {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        enum Key {
            Application,
            Methods,
            Second,
            Other(String),
        }
        impl<'de> Deserialize<'de> for Key {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct KeyVisitor;
                impl serde::de::Visitor<'_> for KeyVisitor {
                    type Value = Key;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a field name")
                    }
                    fn visit_str<E: serde::de::Error>(self, k: &str) -> Result<Key, E> {
                        Ok(match k {
                            "application" => Key::Application,
                            "authentication_methods" => Key::Methods,
                            "second_authentication_method" => Key::Second,
                            other => Key::Other(other.to_owned()),
                        })
                    }
                }
                d.deserialize_identifier(KeyVisitor)
            }
        }
        struct EntryVisitor;
        impl<'de> serde::de::Visitor<'de> for EntryVisitor {
            type Value = AccountApplication;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an account application")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AccountApplication, A::Error> {
                let mut out = AccountApplication::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Application => out.application = map.next_value()?,
                        Key::Methods => out.authentication_methods = map.next_value()?,
                        Key::Second => out.second_authentication_method = map.next_value()?,
                        Key::Other(k) => {
                            out.extra.insert(k, map.next_value()?);
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(EntryVisitor)
    }
}

/// An account as ONTAP returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<AccountApplication>,
}

impl Account {
    pub fn owner_uuid(&self) -> Option<&str> {
        self.owner.as_ref()?.uuid.as_deref()
    }
    pub fn owner_name(&self) -> Option<&str> {
        self.owner.as_ref()?.name.as_deref()
    }
    pub fn role_name(&self) -> Option<&str> {
        self.role.as_ref()?.name.as_deref()
    }
    /// The `ssh` application entry, if the account has one.
    pub fn ssh(&self) -> Option<&AccountApplication> {
        self.applications
            .iter()
            .find(|a| a.application.as_deref() == Some("ssh"))
    }
    /// True when SSH asks this account for a TOTP code as its second factor.
    pub fn requires_totp(&self) -> bool {
        self.ssh()
            .and_then(|a| a.second_authentication_method.as_deref())
            .is_some_and(|m| m.eq_ignore_ascii_case("totp"))
    }
    /// True when the account may use the REST API (the `http` application).
    pub fn has_http(&self) -> bool {
        self.applications
            .iter()
            .any(|a| a.application.as_deref() == Some("http"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requires_totp_reads_the_ssh_second_factor_only() {
        let a: Account = serde_json::from_value(json!({
            "name": "alice",
            "owner": {"name": "vs_eng", "uuid": "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02"},
            "applications": [
                {"application": "http", "authentication_methods": ["password"], "second_authentication_method": "none"},
                {"application": "ssh", "authentication_methods": ["password"], "second_authentication_method": "totp"}
            ]
        }))
        .unwrap();
        assert!(a.requires_totp() && a.has_http());
        let b: Account = serde_json::from_value(json!({
            "name": "bob",
            "applications": [{"application": "service_processor", "second_authentication_method": "totp"}]
        }))
        .unwrap();
        assert!(
            !b.requires_totp(),
            "TOTP on another application is not SSH MFA"
        );
        let c: Account =
            serde_json::from_value(json!({"name": "carol", "role": {"name": "admin"}})).unwrap();
        assert!(!c.requires_totp() && c.role_name() == Some("admin"));
    }

    #[test]
    fn an_application_entry_keeps_what_it_does_not_know_and_writes_it_back() {
        let entry = json!({
            "application": "ssh",
            "authentication_methods": ["password", "publickey"],
            "second_authentication_method": null,
            "is_ldap_fastbind": false,
            "is_ns_switch_group": true,
            "later": {"nested": [1, 2]}
        });
        let read: AccountApplication = serde_json::from_value(entry.clone()).unwrap();
        assert_eq!(read.application.as_deref(), Some("ssh"));
        assert_eq!(read.authentication_methods, ["password", "publickey"]);
        assert_eq!(read.second_authentication_method, None);
        assert_eq!(read.extra.len(), 3);
        let mut written = entry;
        written
            .as_object_mut()
            .unwrap()
            .remove("second_authentication_method");
        assert_eq!(serde_json::to_value(&read).unwrap(), written);
        // From text as well (the page reads text), and a wrong type is an error, not a guess.
        let text = r#"{"application":"http","authentication_methods":["password"]}"#;
        let http: AccountApplication = serde_json::from_str(text).unwrap();
        assert!(http.extra.is_empty() && http.application.as_deref() == Some("http"));
        assert!(serde_json::from_str::<AccountApplication>(r#"{"application":7}"#).is_err());
        assert!(serde_json::from_str::<AccountApplication>(r#"["ssh"]"#).is_err());
    }
}
