//! Changes to an account that an MFA rollout makes: require TOTP for SSH, stop requiring it,
//! unlock. One rule set, used by the page (what to send, what to refuse and why) and by the
//! emulator (what to accept).
//!
//! ONTAP's `PATCH /api/security/accounts/{owner.uuid}/{name}` replaces the whole
//! `applications` list, so a change to one application's second factor must read the account,
//! change that one field, and write every other application and method back exactly as read
//! ([`AccountChange::plan`]). `second_authentication_method` is "needed for MFA and only
//! supported for ssh" (service_processor too from 9.15), and TOTP needs `password` or
//! `publickey` as the first SSH method: a user signs in with that first factor to enroll.

use serde::Serialize;

use crate::account::{Account, AccountApplication};
use crate::cli::{cli_value, sh_quote, Caveat, CliCommand, CliError, RequestPreview, API_PREFIX};
use crate::cluster::Version;
use crate::mfa;
use crate::totp::encode_segment;

/// The collection of accounts.
pub const ACCOUNTS_PATH: &str = "/security/accounts";

/// First SSH methods after which TOTP may be the second factor.
pub const TOTP_FIRST_METHODS: &[&str] = &["password", "publickey"];

/// Applications that take a second authentication method.
pub const SECOND_FACTOR_APPLICATIONS: &[&str] = &["ssh", "service_processor"];

/// `account_application.application` values of the published definition.
pub const APPLICATIONS: &[&str] = &[
    "amqp",
    "console",
    "http",
    "ontapi",
    "service_processor",
    "ssh",
];
/// `account_application.authentication_methods[]` values of the published definition.
pub const AUTH_METHODS: &[&str] = &[
    "certificate",
    "domain",
    "nsswitch",
    "password",
    "publickey",
    "saml",
];
/// `account_application.second_authentication_method` values of the published definition.
pub const SECOND_METHODS: &[&str] = &[
    "none",
    "password",
    "publickey",
    "nsswitch",
    "domain",
    "totp",
];

/// True for a field of an `applications[]` entry that a PATCH may not carry (ONTAP answers
/// 262196): the `_`-prefixed HAL members such as `_links`, read-only in every ONTAP
/// definition. Every documented field of the entry is writable (netapp-ontap 9.19.1 lists
/// application, authentication_methods, is_ldap_fastbind, is_ns_switch_group and
/// second_authentication_method as patchable); an unknown field is taken as writable, since
/// leaving it out would reset it (APPLICATION_FIELDS_KEPT in ontap-sim's inferred.rs).
pub fn is_read_only_application_field(name: &str) -> bool {
    name.starts_with('_')
}

/// Why an application entry's second factor is not allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecondFactorProblem {
    #[error("A second authentication method is supported only for the ssh and service_processor applications (and publickey for http from ONTAP 9.16.1), not for {0}.")]
    NotSupportedFor(String),
    #[error("TOTP as the second factor needs password or publickey as the first SSH authentication method; this account's is {0}.")]
    TotpNeedsPasswordOrPublickey(String),
    #[error("The second authentication method cannot be the same as the first ({0}).")]
    SameAsFirst(String),
    #[error("The application {0} has no authentication method.")]
    NoMethod(String),
    #[error("TOTP as the second factor needs ONTAP 9.13.1 or later; this cluster runs {0}.")]
    TotpNotOnRelease(String),
    #[error("A WebAuthn key (http with publickey as the second method) needs ONTAP 9.16.1 or later; this cluster runs {0}.")]
    WebauthnNotOnRelease(String),
    #[error("A WebAuthn key needs password, domain or nsswitch as the first http authentication method; this account's is {0}.")]
    WebauthnFirstMethod(String),
}

/// The rule ONTAP applies to one `applications[]` entry's second factor on `version`: SSH and
/// the service processor take a second method (TOTP from 9.13.1), `http` takes only
/// `publickey` (a WebAuthn key) and only from 9.16.1, after password, domain or nsswitch
/// (sources in [`crate::mfa`]).
pub fn second_factor_problem(
    version: &Version,
    application: &str,
    methods: &[String],
    second: Option<&str>,
) -> Option<SecondFactorProblem> {
    let second = second.unwrap_or("none");
    let Some(first) = methods.first() else {
        return Some(SecondFactorProblem::NoMethod(application.to_owned()));
    };
    if second == "none" {
        return None;
    }
    if application == "http" && second == "publickey" {
        if !mfa::has_webauthn(version) {
            return Some(SecondFactorProblem::WebauthnNotOnRelease(version.short()));
        }
        if !mfa::WEBAUTHN_FIRST_METHODS.contains(&first.as_str()) {
            return Some(SecondFactorProblem::WebauthnFirstMethod(first.clone()));
        }
        return None;
    }
    if !SECOND_FACTOR_APPLICATIONS.contains(&application) {
        return Some(SecondFactorProblem::NotSupportedFor(application.to_owned()));
    }
    if second == "totp" && !mfa::has_totp_second(version) {
        return Some(SecondFactorProblem::TotpNotOnRelease(version.short()));
    }
    if second == "totp" && !TOTP_FIRST_METHODS.contains(&first.as_str()) {
        return Some(SecondFactorProblem::TotpNeedsPasswordOrPublickey(
            first.clone(),
        ));
    }
    if second == first {
        return Some(SecondFactorProblem::SameAsFirst(first.clone()));
    }
    None
}

/// One change to one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountChange {
    /// SSH's `second_authentication_method` becomes `totp`.
    RequireTotp,
    /// SSH's `second_authentication_method` becomes `none`.
    StopRequiringTotp,
    /// `locked` becomes false.
    Unlock,
}

impl AccountChange {
    /// What the page calls the change.
    pub fn label(self) -> &'static str {
        match self {
            AccountChange::RequireTotp => "Require TOTP for SSH",
            AccountChange::StopRequiringTotp => "Stop requiring TOTP",
            AccountChange::Unlock => "Unlock",
        }
    }
}

/// Why a change is not made to an account.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("The account has no SSH application, so there is nothing to ask TOTP for. Add SSH to the account first (security login create -application ssh).")]
    NoSsh,
    #[error("TOTP needs password or publickey as the first SSH method; this account signs in to SSH with {0}. ONTAP refuses TOTP for it.")]
    FirstMethodNotAllowed(String),
    #[error("The account's SSH application has no authentication method.")]
    NoSshMethod,
    #[error("SSH already asks this account for TOTP.")]
    AlreadyRequired,
    #[error("SSH does not ask this account for TOTP.")]
    NotRequired,
    #[error("The account is not locked.")]
    NotLocked,
    #[error("The account's name or SVM is not known.")]
    NoKey,
}

impl Refusal {
    /// True when the account is already as the change would leave it (a bulk run skips it as
    /// done rather than as refused).
    pub fn already_done(&self) -> bool {
        matches!(
            self,
            Refusal::AlreadyRequired | Refusal::NotRequired | Refusal::NotLocked
        )
    }
}

/// The body of an account PATCH: only what the change sets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AccountPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applications: Option<Vec<AccountApplication>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
}

impl AccountPatch {
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// `applications` with the SSH entry's second factor set to `second`, every other entry and
/// field as read, except the fields a PATCH may not carry
/// ([`is_read_only_application_field`]).
fn with_ssh_second(account: &Account, second: &str) -> Vec<AccountApplication> {
    account
        .applications
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.extra.retain(|k, _| !is_read_only_application_field(k));
            if a.application.as_deref() == Some("ssh") {
                a.second_authentication_method = Some(second.to_owned());
            }
            a
        })
        .collect()
}

impl AccountChange {
    /// The PATCH that makes this change to `account` as read, or why it is not made.
    pub fn plan(self, account: &Account) -> Result<AccountPatch, Refusal> {
        match self {
            AccountChange::Unlock => {
                if account.locked == Some(true) {
                    Ok(AccountPatch {
                        locked: Some(false),
                        ..AccountPatch::default()
                    })
                } else {
                    Err(Refusal::NotLocked)
                }
            }
            AccountChange::RequireTotp => {
                let ssh = account.ssh().ok_or(Refusal::NoSsh)?;
                let first = ssh
                    .authentication_methods
                    .first()
                    .ok_or(Refusal::NoSshMethod)?;
                if account.requires_totp() {
                    return Err(Refusal::AlreadyRequired);
                }
                if !TOTP_FIRST_METHODS.contains(&first.as_str()) {
                    return Err(Refusal::FirstMethodNotAllowed(first.clone()));
                }
                Ok(AccountPatch {
                    applications: Some(with_ssh_second(account, "totp")),
                    ..AccountPatch::default()
                })
            }
            AccountChange::StopRequiringTotp => {
                if !account.requires_totp() {
                    return Err(Refusal::NotRequired);
                }
                Ok(AccountPatch {
                    applications: Some(with_ssh_second(account, "none")),
                    ..AccountPatch::default()
                })
            }
        }
    }

    /// True when `account` (as read after the change) is as this change leaves it.
    pub fn is_done(self, account: &Account) -> bool {
        match self {
            AccountChange::Unlock => account.locked == Some(false),
            AccountChange::RequireTotp => account.requires_totp(),
            AccountChange::StopRequiringTotp => !account.requires_totp(),
        }
    }
}

/// `/api/security/accounts/{owner.uuid}/{name}`, segments percent-encoded.
pub fn account_path(owner_uuid: &str, name: &str) -> String {
    format!(
        "{API_PREFIX}{ACCOUNTS_PATH}/{}/{}",
        encode_segment(owner_uuid),
        encode_segment(name)
    )
}

/// The PATCH request of a planned change.
pub fn request(owner_uuid: &str, name: &str, patch: &AccountPatch) -> RequestPreview {
    RequestPreview {
        method: "PATCH",
        path: account_path(owner_uuid, name),
        body: patch.body(),
    }
}

/// The clustershell command of `change` to the account `name` of the SVM `svm` (the admin
/// SVM's name, which is the cluster's, for a cluster-scoped account):
/// `security login modify -vserver <svm> -user-or-group-name <name> -application ssh
/// -authentication-method <first> -second-authentication-method totp|none`, or
/// `security login unlock -vserver <svm> -username <name>`. `ssh_first` is the SSH
/// application's first method (the CLI addresses one application and method row).
pub fn cli_command(
    change: AccountChange,
    svm: &str,
    name: &str,
    ssh_first: Option<&str>,
) -> Result<CliCommand, CliError> {
    let mut caveats: Vec<Caveat> = Vec::new();
    if svm.is_empty() {
        return Err(CliError::UnknownSvm);
    }
    let vserver = cli_value(svm, "SVM name", &mut caveats)?;
    let user = cli_value(name, "account name", &mut caveats)?;
    let line = match change {
        AccountChange::Unlock => {
            format!("security login unlock -vserver {vserver} -username {user}")
        }
        AccountChange::RequireTotp | AccountChange::StopRequiringTotp => {
            let first = ssh_first.ok_or(CliError::NothingToChange)?;
            let method = cli_value(first, "authentication method", &mut caveats)?;
            let second = if change == AccountChange::RequireTotp {
                "totp"
            } else {
                "none"
            };
            format!(
                "security login modify -vserver {vserver} -user-or-group-name {user} \
                 -application ssh -authentication-method {method} \
                 -second-authentication-method {second}"
            )
        }
    };
    caveats.dedup();
    Ok(CliCommand { line, caveats })
}

/// The curl line of an account PATCH (no password: curl asks for it).
pub fn curl_line(user: &str, origin: &str, req: &RequestPreview) -> String {
    crate::cli::curl_line(user, origin, req)
}

/// `sh_quote`, re-exported for callers that build their own lines.
pub fn quote(arg: &str) -> String {
    sh_quote(arg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn account(apps: Value, locked: bool) -> Account {
        serde_json::from_value(json!({
            "name": "bob",
            "owner": {"name": "vs_eng", "uuid": "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02"},
            "locked": locked,
            "applications": apps,
        }))
        .unwrap()
    }

    fn bob() -> Account {
        account(
            json!([
                {"application": "console", "authentication_methods": ["password"], "second_authentication_method": "none"},
                {"application": "http", "authentication_methods": ["password", "saml"], "second_authentication_method": "none"},
                {"application": "ssh", "authentication_methods": ["password", "publickey"], "second_authentication_method": "none"},
                {"application": "ontapi", "authentication_methods": ["certificate"]},
                {"application": "service_processor", "authentication_methods": ["password"], "second_authentication_method": "none"}
            ]),
            false,
        )
    }

    #[test]
    fn require_totp_changes_only_the_ssh_second_factor() {
        let before = bob();
        let patch = AccountChange::RequireTotp.plan(&before).unwrap();
        assert_eq!(patch.locked, None);
        let after = patch.applications.unwrap();
        assert_eq!(after.len(), before.applications.len());
        for (a, b) in before.applications.iter().zip(&after) {
            assert_eq!(a.application, b.application);
            assert_eq!(a.authentication_methods, b.authentication_methods);
            if a.application.as_deref() == Some("ssh") {
                assert_eq!(b.second_authentication_method.as_deref(), Some("totp"));
            } else {
                assert_eq!(
                    a.second_authentication_method,
                    b.second_authentication_method
                );
            }
        }
        // The absent second factor of ontapi stays absent in the body.
        let body: Value =
            serde_json::from_str(&AccountChange::RequireTotp.plan(&before).unwrap().body())
                .unwrap();
        assert_eq!(body.as_object().unwrap().len(), 1);
        assert!(body["applications"][3]
            .get("second_authentication_method")
            .is_none());
        assert_eq!(
            body["applications"][1]["authentication_methods"],
            json!(["password", "saml"])
        );
    }

    #[test]
    fn fields_the_change_does_not_touch_survive_the_plan() {
        // What a 9.14.1 or later cluster returns: two more fields per entry, and one that a
        // later release might add.
        let read = account(
            json!([
                {"application": "http", "authentication_methods": ["nsswitch"],
                 "is_ldap_fastbind": true, "is_ns_switch_group": false},
                {"application": "ssh", "authentication_methods": ["password"],
                 "second_authentication_method": "none", "is_ldap_fastbind": false,
                 "is_ns_switch_group": true, "future_setting": {"level": 3}}
            ]),
            false,
        );
        for change in [AccountChange::RequireTotp, AccountChange::StopRequiringTotp] {
            let mut account = read.clone();
            if change == AccountChange::StopRequiringTotp {
                account.applications = AccountChange::RequireTotp
                    .plan(&account)
                    .unwrap()
                    .applications
                    .unwrap();
            }
            let body: Value = serde_json::from_str(&change.plan(&account).unwrap().body()).unwrap();
            let apps = &body["applications"];
            assert_eq!(apps[0]["is_ldap_fastbind"], json!(true), "{body}");
            assert_eq!(apps[0]["is_ns_switch_group"], json!(false), "{body}");
            assert_eq!(apps[1]["is_ldap_fastbind"], json!(false), "{body}");
            assert_eq!(apps[1]["is_ns_switch_group"], json!(true), "{body}");
            assert_eq!(apps[1]["future_setting"], json!({"level": 3}), "{body}");
        }
    }

    #[test]
    fn read_only_fields_of_an_entry_are_left_out_of_the_plan() {
        let read = account(
            json!([
                {"application": "ssh", "authentication_methods": ["password"],
                 "is_ldap_fastbind": false,
                 "_links": {"self": {"href": "/api/security/accounts/x/bob"}}}
            ]),
            false,
        );
        let body: Value =
            serde_json::from_str(&AccountChange::RequireTotp.plan(&read).unwrap().body()).unwrap();
        let ssh = body["applications"][0].as_object().unwrap();
        assert!(!ssh.contains_key("_links"), "{body}");
        assert_eq!(ssh["is_ldap_fastbind"], json!(false));
        assert_eq!(ssh["second_authentication_method"], json!("totp"));
    }

    #[test]
    fn stop_requiring_undoes_require() {
        let mut a = bob();
        a.applications = AccountChange::RequireTotp
            .plan(&a)
            .unwrap()
            .applications
            .unwrap();
        assert!(a.requires_totp());
        assert_eq!(
            AccountChange::RequireTotp.plan(&a),
            Err(Refusal::AlreadyRequired)
        );
        let back = AccountChange::StopRequiringTotp.plan(&a).unwrap();
        let apps = back.applications.unwrap();
        let original = bob();
        assert_eq!(apps, original.applications);
    }

    #[test]
    fn refusals_say_why() {
        let domain = account(
            json!([{"application": "ssh", "authentication_methods": ["domain"], "second_authentication_method": "none"}]),
            false,
        );
        let r = AccountChange::RequireTotp.plan(&domain).unwrap_err();
        assert_eq!(r, Refusal::FirstMethodNotAllowed("domain".into()));
        assert!(r.to_string().contains("password or publickey"));
        let http_only = account(
            json!([{"application": "http", "authentication_methods": ["password"]}]),
            false,
        );
        assert_eq!(
            AccountChange::RequireTotp.plan(&http_only),
            Err(Refusal::NoSsh)
        );
        assert_eq!(
            AccountChange::StopRequiringTotp.plan(&http_only),
            Err(Refusal::NotRequired)
        );
        assert!(Refusal::NotRequired.already_done());
        assert!(!Refusal::NoSsh.already_done());
    }

    #[test]
    fn unlock_sends_locked_false_only() {
        let locked = account(json!([]), true);
        let p = AccountChange::Unlock.plan(&locked).unwrap();
        assert_eq!(p.body(), r#"{"locked":false}"#);
        assert_eq!(AccountChange::Unlock.plan(&bob()), Err(Refusal::NotLocked));
    }

    #[test]
    fn the_second_factor_rule() {
        let m = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let v = Version::new(9, 18, 1);
        let v = &v;
        assert_eq!(
            second_factor_problem(v, "ssh", &m(&["password"]), Some("totp")),
            None
        );
        assert_eq!(
            second_factor_problem(v, "ssh", &m(&["publickey"]), Some("totp")),
            None
        );
        assert_eq!(
            second_factor_problem(v, "http", &m(&["password"]), Some("none")),
            None
        );
        assert_eq!(
            second_factor_problem(v, "http", &m(&["password"]), None),
            None
        );
        assert!(matches!(
            second_factor_problem(v, "ssh", &m(&["domain"]), Some("totp")),
            Some(SecondFactorProblem::TotpNeedsPasswordOrPublickey(_))
        ));
        assert!(matches!(
            second_factor_problem(v, "http", &m(&["password"]), Some("totp")),
            Some(SecondFactorProblem::NotSupportedFor(_))
        ));
        assert!(matches!(
            second_factor_problem(v, "ssh", &m(&["password"]), Some("password")),
            Some(SecondFactorProblem::SameAsFirst(_))
        ));
        assert!(matches!(
            second_factor_problem(v, "ssh", &[], Some("none")),
            Some(SecondFactorProblem::NoMethod(_))
        ));
    }

    #[test]
    fn the_second_factor_release_matrix() {
        let m = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // (release, ssh password+totp, http password+publickey (WebAuthn), ssh publickey+password)
        let rows = [
            ("9.12.1", false, false, true),
            ("9.13.1", true, false, true),
            ("9.14.1", true, false, true),
            ("9.16.1", true, true, true),
            ("9.18.1", true, true, true),
            ("9.19.1", true, true, true),
        ];
        for (r, totp, webauthn, key_pass) in rows {
            let v = Version::parse(r).unwrap();
            let totp_p = second_factor_problem(&v, "ssh", &m(&["password"]), Some("totp"));
            assert_eq!(totp_p.is_none(), totp, "{r} totp: {totp_p:?}");
            if !totp {
                assert_eq!(
                    totp_p,
                    Some(SecondFactorProblem::TotpNotOnRelease(r.into()))
                );
            }
            let web = second_factor_problem(&v, "http", &m(&["password"]), Some("publickey"));
            assert_eq!(web.is_none(), webauthn, "{r} webauthn: {web:?}");
            if !webauthn {
                assert_eq!(
                    web,
                    Some(SecondFactorProblem::WebauthnNotOnRelease(r.into()))
                );
            }
            let kp = second_factor_problem(&v, "ssh", &m(&["publickey"]), Some("password"));
            assert_eq!(kp.is_none(), key_pass, "{r} key+password");
            // http takes no other second method on any release.
            assert!(matches!(
                second_factor_problem(&v, "http", &m(&["password"]), Some("totp")),
                Some(SecondFactorProblem::NotSupportedFor(_))
            ));
        }
        let v = Version::new(9, 16, 1);
        assert_eq!(
            second_factor_problem(&v, "http", &m(&["domain"]), Some("publickey")),
            None
        );
        assert_eq!(
            second_factor_problem(&v, "http", &m(&["saml"]), Some("publickey")),
            Some(SecondFactorProblem::WebauthnFirstMethod("saml".into()))
        );
    }

    #[test]
    fn require_totp_keeps_a_web_key() {
        let a = account(
            json!([
                {"application": "http", "authentication_methods": ["password"], "second_authentication_method": "publickey"},
                {"application": "ssh", "authentication_methods": ["password"], "second_authentication_method": "none"}
            ]),
            false,
        );
        let apps = AccountChange::RequireTotp
            .plan(&a)
            .unwrap()
            .applications
            .unwrap();
        let http = apps
            .iter()
            .find(|x| x.application.as_deref() == Some("http"))
            .unwrap();
        assert_eq!(
            http.second_authentication_method.as_deref(),
            Some("publickey")
        );
        let v = Version::new(9, 16, 1);
        for e in &apps {
            assert_eq!(
                second_factor_problem(
                    &v,
                    e.application.as_deref().unwrap(),
                    &e.authentication_methods,
                    e.second_authentication_method.as_deref()
                ),
                None
            );
        }
        let apps = AccountChange::StopRequiringTotp
            .plan(&account(
                json!([
                    {"application": "http", "authentication_methods": ["password"], "second_authentication_method": "publickey"},
                    {"application": "ssh", "authentication_methods": ["password"], "second_authentication_method": "totp"}
                ]),
                false,
            ))
            .unwrap()
            .applications
            .unwrap();
        assert_eq!(
            apps[0].second_authentication_method.as_deref(),
            Some("publickey")
        );
    }

    #[test]
    fn commands_and_requests() {
        let c = cli_command(
            AccountChange::RequireTotp,
            "vs_eng",
            "bob",
            Some("password"),
        )
        .unwrap();
        assert_eq!(
            c.line,
            "security login modify -vserver vs_eng -user-or-group-name bob -application ssh \
             -authentication-method password -second-authentication-method totp"
        );
        let c = cli_command(
            AccountChange::StopRequiringTotp,
            "cluster1",
            "ops+oncall",
            Some("publickey"),
        )
        .unwrap();
        assert!(c.line.contains("-user-or-group-name \"ops+oncall\""));
        assert!(c.line.ends_with("-second-authentication-method none"));
        let c = cli_command(AccountChange::Unlock, "vs_fin", "vsadmin", None).unwrap();
        assert_eq!(
            c.line,
            "security login unlock -vserver vs_fin -username vsadmin"
        );
        assert!(cli_command(AccountChange::Unlock, "", "x", None).is_err());
        let r = request(
            "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02",
            "CORP\\jdoe",
            &AccountPatch {
                locked: Some(false),
                applications: None,
            },
        );
        assert_eq!(
            r.path,
            "/api/security/accounts/1b0f6a2e-5c30-11ee-8f4a-005056bb1a02/CORP%5Cjdoe"
        );
        let line = curl_line("admin", "https://cluster1", &r);
        assert!(line.starts_with("curl -u admin -X PATCH"));
        assert!(line.contains("'{\"locked\":false}'"));
    }
}
