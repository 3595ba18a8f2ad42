//! Every second factor an account can have, named for what it is, and the release rules that
//! go with them. Sources (NetAppDocs/ontap, 2026):
//!
//! - `authentication/mfa-overview.adoc`: SSH public key + password since 9.3; SSH public key or
//!   password + TOTP from 9.13.1; + Cisco Duo from 9.14.1 ("it serves as an additional
//!   authentication method, supplementing the existing methods for all users").
//! - `authentication/setup-ssh-multifactor-authentication-task.adoc`: `-authentication-method
//!   <password|publickey> -second-authentication-method <password|publickey>`;
//!   `grant-access-active-directory-users-groups-task.adoc`: `domain` first, `publickey` second.
//! - `authentication/configure-cisco-duo-mfa-task.adoc`: Duo is configured per cluster ("applies
//!   to all user accounts by default") or per SVM ("applies only to users for that storage
//!   VM"), for SSH; a Duo group limits it to the users of that group minus `excluded_users`;
//!   `-is-enabled false` bypasses it for all users. REST: `/api/security/authentication/duo/
//!   profiles` (key `owner.uuid`) and `/duo/groups` (keys `owner.uuid`, `name`).
//! - `authentication-access-control/webauthn-mfa-overview.adoc` and
//!   `enable-webauthn-mfa-task.adoc`: from 9.16.1 System Manager (`-application http`) takes a
//!   FIDO2 key as second factor, `-second-authentication-method publickey`, for users whose
//!   first method is password, domain or nsswitch; one credential per user, registered at the
//!   next sign-in. REST: `/api/security/webauthn/credentials` (keys `owner.uuid`, `username`,
//!   `index`, `relying_party.id`).
//!
//! Duo is not a `second_authentication_method` value, and whether a user belongs to a Duo group
//! (an AD, LDAP or local group) cannot be read from the REST API: [`duo_coverage`] says
//! "if in group …" rather than guess.

use serde::{Deserialize, Serialize};

use crate::account::{Account, AccountApplication};
use crate::cluster::Version;
use crate::totp::{OwnerRef, Scope};

/// The first release with Cisco Duo for SSH.
pub const DUO_FROM: (u32, u32, u32) = (9, 14, 1);
/// The first release with WebAuthn (`http` with `publickey` as second method).
pub const WEBAUTHN_FROM: (u32, u32, u32) = (9, 16, 1);
/// The first release with TOTP as SSH's second method.
pub const TOTP_FROM: (u32, u32, u32) = (9, 13, 1);

/// `/api/security/authentication/duo/profiles`.
pub const DUO_PROFILES_PATH: &str = "/security/authentication/duo/profiles";
/// `/api/security/authentication/duo/groups`.
pub const DUO_GROUPS_PATH: &str = "/security/authentication/duo/groups";
/// `/api/security/webauthn/credentials`.
pub const WEBAUTHN_CREDENTIALS_PATH: &str = "/security/webauthn/credentials";

/// First methods after which System Manager takes a WebAuthn key (users; groups take domain or
/// nsswitch).
pub const WEBAUTHN_FIRST_METHODS: &[&str] = &["password", "domain", "nsswitch"];

fn at(v: &Version, (g, m, n): (u32, u32, u32)) -> bool {
    v.at_least(g, m, n)
}

/// Cisco Duo profiles exist on `v`.
pub fn has_duo(v: &Version) -> bool {
    at(v, DUO_FROM)
}

/// WebAuthn keys exist on `v`.
pub fn has_webauthn(v: &Version) -> bool {
    at(v, WEBAUTHN_FROM)
}

/// TOTP may be SSH's second method on `v`.
pub fn has_totp_second(v: &Version) -> bool {
    at(v, TOTP_FROM)
}

/// A second factor, by what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Factor {
    /// SSH `second_authentication_method: totp`.
    Totp,
    /// SSH `second_authentication_method: publickey`.
    SshKey,
    /// SSH `second_authentication_method: password` (or `domain`/`nsswitch`: a password checked
    /// by a directory).
    Password,
    /// A Cisco Duo profile covers the account's SSH sign-in.
    Duo,
    /// `http` with `second_authentication_method: publickey`: a FIDO2 key through WebAuthn.
    WebauthnKey,
}

impl Factor {
    /// Every kind, in the order the page lists them.
    pub const ALL: [Factor; 5] = [
        Factor::Totp,
        Factor::SshKey,
        Factor::Password,
        Factor::Duo,
        Factor::WebauthnKey,
    ];
    /// What the page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Factor::Totp => "TOTP",
            Factor::SshKey => "SSH key",
            Factor::Password => "password",
            Factor::Duo => "Duo",
            Factor::WebauthnKey => "WebAuthn key",
        }
    }
}

/// What a first method is, in the same terms (for "two different factors").
fn first_kind(method: &str) -> Option<Factor> {
    match method {
        "password" | "domain" | "nsswitch" => Some(Factor::Password),
        "publickey" => Some(Factor::SshKey),
        _ => None,
    }
}

/// The factor an application's `second_authentication_method` stands for.
pub fn second_method_factor(application: &str, second: Option<&str>) -> Option<Factor> {
    match (application, second.unwrap_or("none")) {
        ("http", "publickey") => Some(Factor::WebauthnKey),
        ("http", _) => None,
        (_, "totp") => Some(Factor::Totp),
        (_, "publickey") => Some(Factor::SshKey),
        (_, "password" | "domain" | "nsswitch") => Some(Factor::Password),
        _ => None,
    }
}

/// True when `first` and `second` are two different factors, which is what MFA means here:
/// a password followed by a directory password is one factor asked twice; a key followed by a
/// password, a password followed by TOTP, Duo or a WebAuthn key are two.
pub fn is_mfa(first: &str, second: Factor) -> bool {
    first_kind(first) != Some(second)
}

/// `/api/security/authentication/duo/profiles` record (the fields the page reads).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuoProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_host: Option<String>,
}

/// `/api/security/authentication/duo/groups` record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuoGroup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_users: Vec<String>,
}

/// `relying_party` of a WebAuthn credential.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelyingParty {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `/api/security/webauthn/credentials` record (the fields the page reads).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebauthnCredential {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relying_party: Option<RelyingParty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

fn owner_uuid(o: &Option<OwnerRef>) -> Option<&str> {
    o.as_ref()?.uuid.as_deref()
}

/// Whether Cisco Duo asks an account for a second factor at SSH sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DuoCoverage {
    Covered,
    NotCovered,
    /// Duo asks only members of these groups; membership is not in the REST API.
    IfInGroup(Vec<String>),
}

/// The rule by which an account counts as covered by Duo (written down for the page; ONTAP's
/// documentation describes the configuration, not a per-account answer):
///
/// 1. Duo is for SSH: an account without the `ssh` application is not covered.
/// 2. The profile that governs an account is its SVM's own (`owner.uuid` = the account's
///    owner), else the cluster's (owner = the admin SVM, `cluster_owner`): "at the cluster
///    level … applies to all user accounts by default", "at the level of the storage VM …
///    applies only to users for that storage VM".
/// 3. No governing profile, or one with `is_enabled: false`, covers no one.
/// 4. Without Duo groups of the profile's owner, every SSH account is covered. With groups,
///    an account named in a group's `excluded_users` is not covered by that group; it is
///    covered "if in" any group that does not exclude it (membership of AD, LDAP and local
///    groups is not readable through REST), and not covered when every group excludes it.
pub fn duo_coverage(
    account: &Account,
    cluster_owner: Option<&str>,
    profiles: &[DuoProfile],
    groups: &[DuoGroup],
) -> DuoCoverage {
    if account.ssh().is_none() {
        return DuoCoverage::NotCovered;
    }
    let own = account.owner_uuid();
    let profile = profiles
        .iter()
        .find(|p| own.is_some() && owner_uuid(&p.owner) == own)
        .or_else(|| {
            profiles
                .iter()
                .find(|p| cluster_owner.is_some() && owner_uuid(&p.owner) == cluster_owner)
        });
    let Some(profile) = profile else {
        return DuoCoverage::NotCovered;
    };
    if profile.is_enabled == Some(false) {
        return DuoCoverage::NotCovered;
    }
    let by = owner_uuid(&profile.owner);
    let name = account.name.as_deref().unwrap_or_default();
    let mut groups_of: Vec<&DuoGroup> = groups
        .iter()
        .filter(|g| owner_uuid(&g.owner) == by)
        .collect();
    if groups_of.is_empty() {
        return DuoCoverage::Covered;
    }
    groups_of.retain(|g| !g.excluded_users.iter().any(|u| u == name));
    if groups_of.is_empty() {
        return DuoCoverage::NotCovered;
    }
    DuoCoverage::IfInGroup(groups_of.iter().filter_map(|g| g.name.clone()).collect())
}

/// The SSH second factors of an account: its `second_authentication_method` and Duo.
pub fn ssh_factors(account: &Account, duo: &DuoCoverage) -> Vec<Factor> {
    let mut out = Vec::new();
    if let Some(ssh) = account.ssh() {
        if let Some(f) = second_method_factor("ssh", ssh.second_authentication_method.as_deref()) {
            out.push(f);
        }
        if *duo == DuoCoverage::Covered {
            out.push(Factor::Duo);
        }
    }
    out
}

/// The `http` application entry, if any.
pub fn http_entry(account: &Account) -> Option<&AccountApplication> {
    account
        .applications
        .iter()
        .find(|a| a.application.as_deref() == Some("http"))
}

/// True when System Manager asks the account for a WebAuthn key.
pub fn requires_webauthn(account: &Account) -> bool {
    http_entry(account).is_some_and(|a| {
        second_method_factor("http", a.second_authentication_method.as_deref())
            == Some(Factor::WebauthnKey)
    })
}

/// The account's registered WebAuthn credential, if any (ONTAP keeps one per user).
pub fn webauthn_credential<'a>(
    account: &Account,
    credentials: &'a [WebauthnCredential],
) -> Option<&'a WebauthnCredential> {
    credentials.iter().find(|c| {
        c.username.as_deref() == account.name.as_deref()
            && owner_uuid(&c.owner) == account.owner_uuid()
    })
}

/// True when the account's SSH sign-in asks for two different factors.
pub fn ssh_is_mfa(account: &Account, duo: &DuoCoverage) -> bool {
    let Some(first) = account.ssh().and_then(|a| a.authentication_methods.first()) else {
        return false;
    };
    ssh_factors(account, duo)
        .into_iter()
        .any(|f| is_mfa(first, f))
}

/// True when the account's System Manager sign-in asks for two different factors.
pub fn web_is_mfa(account: &Account) -> bool {
    let Some(first) = http_entry(account).and_then(|a| a.authentication_methods.first()) else {
        return false;
    };
    requires_webauthn(account) && is_mfa(first, Factor::WebauthnKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENG: &str = "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02";
    const ADMIN: &str = "e6d3b0a8-5c2f-11ee-8f4a-005056bb1a01";

    fn acct(owner: &str, name: &str, apps: serde_json::Value) -> Account {
        serde_json::from_value(
            json!({"name": name, "owner": {"uuid": owner}, "applications": apps}),
        )
        .unwrap()
    }
    fn ssh(first: &str, second: &str) -> serde_json::Value {
        json!([{"application": "ssh", "authentication_methods": [first], "second_authentication_method": second}])
    }
    fn profile(owner: &str, enabled: bool) -> DuoProfile {
        serde_json::from_value(json!({"owner": {"uuid": owner}, "is_enabled": enabled})).unwrap()
    }
    fn group(owner: &str, name: &str, excluded: &[&str]) -> DuoGroup {
        serde_json::from_value(
            json!({"owner": {"uuid": owner}, "name": name, "excluded_users": excluded}),
        )
        .unwrap()
    }

    #[test]
    fn second_methods_are_named_for_what_they_are() {
        assert_eq!(
            second_method_factor("ssh", Some("totp")),
            Some(Factor::Totp)
        );
        assert_eq!(
            second_method_factor("ssh", Some("publickey")),
            Some(Factor::SshKey)
        );
        assert_eq!(
            second_method_factor("ssh", Some("password")),
            Some(Factor::Password)
        );
        assert_eq!(
            second_method_factor("ssh", Some("domain")),
            Some(Factor::Password)
        );
        assert_eq!(second_method_factor("ssh", Some("none")), None);
        assert_eq!(second_method_factor("ssh", None), None);
        assert_eq!(
            second_method_factor("http", Some("publickey")),
            Some(Factor::WebauthnKey)
        );
        assert_eq!(second_method_factor("http", Some("none")), None);
        let labels: Vec<_> = Factor::ALL.iter().map(|f| f.label()).collect();
        assert_eq!(
            labels,
            ["TOTP", "SSH key", "password", "Duo", "WebAuthn key"]
        );
    }

    #[test]
    fn mfa_means_two_different_factors() {
        assert!(is_mfa("password", Factor::Totp));
        assert!(is_mfa("publickey", Factor::Totp));
        assert!(is_mfa("publickey", Factor::Password));
        assert!(is_mfa("password", Factor::SshKey));
        assert!(is_mfa("domain", Factor::SshKey));
        assert!(is_mfa("password", Factor::Duo));
        assert!(is_mfa("password", Factor::WebauthnKey));
        // A directory password after a password is one factor asked twice.
        assert!(!is_mfa("password", Factor::Password));
        assert!(!is_mfa("nsswitch", Factor::Password));
        assert!(!is_mfa("publickey", Factor::SshKey));
        let none = DuoCoverage::NotCovered;
        assert!(ssh_is_mfa(
            &acct(ENG, "a", ssh("publickey", "password")),
            &none
        ));
        assert!(!ssh_is_mfa(&acct(ENG, "a", ssh("password", "none")), &none));
        assert!(ssh_is_mfa(
            &acct(ENG, "a", ssh("password", "none")),
            &DuoCoverage::Covered
        ));
        let web = acct(
            ENG,
            "w",
            json!([{"application": "http", "authentication_methods": ["password"], "second_authentication_method": "publickey"}]),
        );
        assert!(web_is_mfa(&web) && requires_webauthn(&web));
        assert!(!web_is_mfa(&acct(ENG, "a", ssh("password", "totp"))));
    }

    #[test]
    fn duo_covers_by_svm_then_cluster_profile() {
        let eng = acct(ENG, "bob", ssh("password", "none"));
        let cluster = acct(ADMIN, "admin", ssh("password", "none"));
        let no_ssh = acct(
            ENG,
            "web",
            json!([{"application": "http", "authentication_methods": ["password"]}]),
        );
        let c = Some(ADMIN);
        assert_eq!(duo_coverage(&eng, c, &[], &[]), DuoCoverage::NotCovered);
        // An SVM's profile covers its own accounts only.
        let p = [profile(ENG, true)];
        assert_eq!(duo_coverage(&eng, c, &p, &[]), DuoCoverage::Covered);
        assert_eq!(duo_coverage(&cluster, c, &p, &[]), DuoCoverage::NotCovered);
        assert_eq!(duo_coverage(&no_ssh, c, &p, &[]), DuoCoverage::NotCovered);
        // The cluster's covers every account, unless the SVM has its own.
        let p = [profile(ADMIN, true)];
        assert_eq!(duo_coverage(&eng, c, &p, &[]), DuoCoverage::Covered);
        assert_eq!(duo_coverage(&cluster, c, &p, &[]), DuoCoverage::Covered);
        let p = [profile(ADMIN, true), profile(ENG, false)];
        assert_eq!(duo_coverage(&eng, c, &p, &[]), DuoCoverage::NotCovered);
        assert_eq!(duo_coverage(&cluster, c, &p, &[]), DuoCoverage::Covered);
        // Disabled covers no one.
        assert_eq!(
            duo_coverage(&eng, c, &[profile(ENG, false)], &[]),
            DuoCoverage::NotCovered
        );
        assert_eq!(ssh_factors(&eng, &DuoCoverage::Covered), [Factor::Duo]);
        let both = acct(ENG, "t", ssh("password", "totp"));
        assert_eq!(
            ssh_factors(&both, &DuoCoverage::Covered),
            [Factor::Totp, Factor::Duo]
        );
    }

    #[test]
    fn duo_groups_limit_coverage_to_members_not_excluded() {
        let bob = acct(ENG, "bob", ssh("password", "none"));
        let p = [profile(ENG, true)];
        let g = [group(ENG, "storage_ops", &["alice"])];
        assert_eq!(
            duo_coverage(&bob, None, &p, &g),
            DuoCoverage::IfInGroup(vec!["storage_ops".into()])
        );
        let g = [group(ENG, "storage_ops", &["bob"])];
        assert_eq!(duo_coverage(&bob, None, &p, &g), DuoCoverage::NotCovered);
        // Another owner's group does not narrow this profile.
        let g = [group(ADMIN, "admins", &[])];
        assert_eq!(duo_coverage(&bob, None, &p, &g), DuoCoverage::Covered);
        // "If in group" is not counted as Duo.
        assert!(ssh_factors(&bob, &DuoCoverage::IfInGroup(vec!["x".into()])).is_empty());
    }

    #[test]
    fn the_release_matrix_of_second_factors() {
        // (release, TOTP, Duo, WebAuthn)
        let rows = [
            ("9.12.1", false, false, false),
            ("9.13.1", true, false, false),
            ("9.14.1", true, true, false),
            ("9.16.1", true, true, true),
            ("9.18.1", true, true, true),
            ("9.19.1", true, true, true),
        ];
        for (r, totp, duo, web) in rows {
            let v = Version::parse(r).unwrap();
            assert_eq!(has_totp_second(&v), totp, "{r} TOTP");
            assert_eq!(has_duo(&v), duo, "{r} Duo");
            assert_eq!(has_webauthn(&v), web, "{r} WebAuthn");
        }
    }

    #[test]
    fn a_webauthn_credential_is_found_by_owner_and_name() {
        let web = acct(ENG, "wkey", json!([]));
        let creds: Vec<WebauthnCredential> = serde_json::from_value(json!([
            {"owner": {"uuid": ADMIN}, "username": "wkey", "index": 0},
            {"owner": {"uuid": ENG}, "username": "wkey", "index": 0, "relying_party": {"id": "c.example.com"}}
        ]))
        .unwrap();
        let c = webauthn_credential(&web, &creds).unwrap();
        assert_eq!(
            c.relying_party.as_ref().unwrap().id.as_deref(),
            Some("c.example.com")
        );
        assert!(webauthn_credential(&acct(ENG, "other", json!([])), &creds).is_none());
    }
}
