//! The seeded demo cluster: deterministic names, UUIDs, accounts and TOTP profiles, the same on
//! every start. Every demo password is [`DEMO_PASSWORD`].

use std::collections::BTreeMap;

use ontap_model::totp::{AccountRef, Href, OwnerRef, SelfLinks};
use ontap_model::{AccountName, OwnerUuid, Scope, Totp, TotpKey, Version};

use crate::model::{Account, AccountApplication, Application, AuthMethod, Role, SecondAuth, Svm};
use crate::state::State;

pub const DEMO_PASSWORD: &str = "Netapp1!";
pub const CLUSTER_NAME: &str = "cluster1";
pub const CLUSTER_UUID: &str = "4ea7a442-86d1-11e0-ae1c-123478563412";
/// The admin SVM: it bears the cluster's name and owns the cluster-scoped accounts.
pub const ADMIN_SVM_UUID: &str = "e6d3b0a8-5c2f-11ee-8f4a-005056bb1a01";
pub const VS_ENG: &str = "vs_eng";
pub const VS_ENG_UUID: &str = "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02";
pub const VS_FIN: &str = "vs_fin";
pub const VS_FIN_UUID: &str = "2c41d7b4-5c30-11ee-8f4a-005056bb1a03";
pub const VS_HR: &str = "vs_hr";
pub const VS_HR_UUID: &str = "3d82e9c6-5c30-11ee-8f4a-005056bb1a04";

/// Which applications an account has, as a small set of presets.
#[derive(Clone, Copy)]
enum Apps {
    /// http, ssh, console, ontapi, service processor; password; no second factor.
    Full,
    /// http with password only (REST and System Manager).
    HttpOnly,
    /// ssh with password and TOTP as second factor, plus http.
    SshTotp,
    /// ssh with public key and TOTP as second factor, plus http.
    SshKeyTotp,
    /// ssh with password and TOTP, and no http: cannot use the REST API.
    SshTotpNoHttp,
    /// ssh with password and no second factor, plus http (a default vsadmin).
    SshPlain,
}

impl Apps {
    fn list(self) -> Vec<AccountApplication> {
        use Application::*;
        use AuthMethod::*;
        let http = AccountApplication::new(Http, &[Password], SecondAuth::None);
        let ssh = |m: AuthMethod, s: SecondAuth| AccountApplication::new(Ssh, &[m], s);
        match self {
            Apps::Full => vec![
                AccountApplication::new(Console, &[Password], SecondAuth::None),
                http,
                AccountApplication::new(Ontapi, &[Password], SecondAuth::None),
                AccountApplication::new(ServiceProcessor, &[Password], SecondAuth::None),
                ssh(Password, SecondAuth::None),
            ],
            Apps::HttpOnly => vec![http],
            Apps::SshTotp => vec![http, ssh(Password, SecondAuth::Totp)],
            Apps::SshKeyTotp => vec![http, ssh(Publickey, SecondAuth::Totp)],
            Apps::SshTotpNoHttp => vec![ssh(Password, SecondAuth::Totp)],
            Apps::SshPlain => vec![http, ssh(Password, SecondAuth::None)],
        }
    }
}

/// One demo account: SVM (`None`: cluster-scoped), name, role, locked, applications, and its
/// TOTP profile (enabled, comment) if it has one.
type Row = (
    Option<&'static str>,
    &'static str,
    Role,
    bool,
    Apps,
    Option<(bool, &'static str)>,
);

#[rustfmt::skip]
const ACCOUNTS: &[Row] = &[
    // Cluster-scoped (owner: the admin SVM `cluster1`).
    (None, "admin", Role::Admin, false, Apps::Full, None),
    (None, "readonly", Role::Readonly, false, Apps::HttpOnly, None),
    (None, "svc_monitor", Role::Readonly, false, Apps::HttpOnly, None),
    (None, "jdoe", Role::Admin, false, Apps::SshTotp, Some((true, "YubiKey 5 NFC, registered 2024-02"))),
    (None, "mchen", Role::Admin, false, Apps::SshTotp, Some((true, "Google Authenticator, work phone"))),
    (None, "priya.raman", Role::Admin, false, Apps::SshTotp, Some((true, ""))),
    (None, "tkowalski", Role::Readonly, false, Apps::SshTotp, Some((false, "Lost phone 2024-03-12, reset requested"))),
    (None, "CORP\\jdoe", Role::Admin, false, Apps::SshKeyTotp, Some((true, "Domain admin, key-based SSH"))),
    (None, "jürgen.müller", Role::Admin, false, Apps::SshTotp, Some((true, "Frankfurt on-call"))),
    (None, "ops+oncall", Role::Admin, false, Apps::SshTotp, Some((true, "Shared on-call rota (1Password vault)"))),
    (None, "akumar", Role::Readonly, false, Apps::SshTotp, Some((true, "Auditor, read-only"))),
    (None, "lnguyen", Role::Admin, false, Apps::SshTotp, Some((false, "Left the team 2024-11; disabled, not deleted"))),
    (None, "bwilliams", Role::Admin, false, Apps::SshKeyTotp, Some((true, "Microsoft Authenticator"))),
    (None, "console.ops", Role::Admin, false, Apps::SshTotpNoHttp, Some((true, "SSH only, no REST access"))),
    // vs_eng
    (Some(VS_ENG), "vsadmin", Role::Vsadmin, false, Apps::SshTotp, Some((true, "SVM admin, token in the team safe"))),
    (Some(VS_ENG), "alice", Role::Vsadmin, false, Apps::SshTotp, None),
    (Some(VS_ENG), "kpatel", Role::Vsadmin, false, Apps::SshTotp, Some((true, "Authy on personal phone"))),
    (Some(VS_ENG), "sthompson", Role::Vsadmin, false, Apps::SshTotp, Some((false, "Disabled pending re-enrolment"))),
    (Some(VS_ENG), "dev.lead", Role::Vsadmin, false, Apps::SshTotp, Some((true, ""))),
    (Some(VS_ENG), "build.admin", Role::VsadminReadonly, false, Apps::SshKeyTotp, Some((true, "CI break-glass"))),
    (Some(VS_ENG), "eng.audit", Role::VsadminReadonly, false, Apps::SshTotp, Some((true, "Quarterly access review"))),
    (Some(VS_ENG), "rgarcia", Role::Vsadmin, false, Apps::SshTotp, Some((true, "FreeOTP"))),
    // Added for the MFA rollout: SSH with a password and no second factor yet, and an account
    // locked after failed sign-ins. Neither has a profile, so the 28 profiles stay as they are.
    (Some(VS_ENG), "bob", Role::Vsadmin, false, Apps::SshPlain, None),
    (None, "carol", Role::Admin, true, Apps::SshPlain, None),
    // vs_fin
    (Some(VS_FIN), "vsadmin", Role::Vsadmin, true, Apps::SshPlain, None),
    (Some(VS_FIN), "fin.admin", Role::Vsadmin, false, Apps::SshTotp, Some((true, "Finance storage admin"))),
    (Some(VS_FIN), "mrossi", Role::Vsadmin, false, Apps::SshTotp, Some((true, "YubiKey 5C"))),
    (Some(VS_FIN), "hlee", Role::Vsadmin, false, Apps::SshTotp, Some((false, "On leave until Q3"))),
    (Some(VS_FIN), "fin.readonly", Role::VsadminReadonly, false, Apps::SshTotp, Some((true, ""))),
    (Some(VS_FIN), "dsmith", Role::Vsadmin, false, Apps::SshTotp, Some((true, "Month-end close support"))),
    // vs_hr
    (Some(VS_HR), "vsadmin", Role::Vsadmin, true, Apps::SshPlain, None),
    (Some(VS_HR), "hr.admin", Role::Vsadmin, false, Apps::SshTotp, Some((true, "HR storage admin"))),
    (Some(VS_HR), "nbrown", Role::Vsadmin, false, Apps::SshTotp, Some((true, "Google Authenticator"))),
    (Some(VS_HR), "ewhite", Role::Vsadmin, false, Apps::SshTotp, Some((false, ""))),
    (Some(VS_HR), "hr.readonly", Role::VsadminReadonly, false, Apps::SshTotp, Some((true, "Payroll audit"))),
    (Some(VS_HR), "okim", Role::Vsadmin, false, Apps::SshTotp, Some((true, "Seoul office"))),
];

fn uuid(s: &str) -> OwnerUuid {
    OwnerUuid::try_from(s).expect("demo UUIDs are well formed")
}

fn svms() -> Vec<Svm> {
    let svm = |name: &str, u: &str, is_admin| Svm {
        uuid: uuid(u),
        name: name.to_owned(),
        is_admin,
    };
    vec![
        svm(CLUSTER_NAME, ADMIN_SVM_UUID, true),
        svm(VS_ENG, VS_ENG_UUID, false),
        svm(VS_FIN, VS_FIN_UUID, false),
        svm(VS_HR, VS_HR_UUID, false),
    ]
}

/// A SHA-256-sized fingerprint (64 hex digits) derived from the profile's key with FNV-1a:
/// deterministic, distinct per account, and no cryptography needed for a demo.
pub fn fingerprint(owner: &str, account: &str) -> String {
    (0u64..4)
        .map(|round| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ round.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for b in owner.bytes().chain([b'/']).chain(account.bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            format!("{h:016x}")
        })
        .collect()
}

/// The full record of a profile, as a GET with `fields=*` returns it.
pub fn profile(svm: &Svm, account: &AccountName, enabled: bool, comment: &str) -> Totp {
    let key = TotpKey {
        owner: svm.uuid.clone(),
        account: account.clone(),
    };
    let href = |h: String| {
        Some(SelfLinks {
            self_: Some(Href { href: h }),
        })
    };
    Totp {
        links: href(format!("/api{}", key.path())),
        account: Some(AccountRef {
            links: href(format!(
                "/api/security/accounts/{}/{}",
                svm.uuid,
                ontap_model::totp::encode_segment(account.as_str())
            )),
            name: Some(account.as_str().to_owned()),
        }),
        comment: Some(comment.to_owned()),
        enabled: Some(enabled),
        owner: Some(OwnerRef {
            links: (!svm.is_admin).then(|| SelfLinks {
                self_: Some(Href { href: svm.href() }),
            }),
            name: Some(svm.name.clone()),
            uuid: Some(svm.uuid.as_str().to_owned()),
        }),
        scope: Some(if svm.is_admin {
            Scope::Cluster
        } else {
            Scope::Svm
        }),
        sha_fingerprint: Some(fingerprint(svm.uuid.as_str(), account.as_str())),
    }
}

/// The demo cluster running `version`.
pub fn cluster(version: Version) -> State {
    let svms = svms();
    let mut accounts = Vec::new();
    let mut totps = BTreeMap::new();
    for &(svm_name, name, role, locked, apps, prof) in ACCOUNTS {
        let svm = svms
            .iter()
            .find(|s| s.name == svm_name.unwrap_or(CLUSTER_NAME))
            .expect("demo accounts name demo SVMs");
        let name = AccountName::try_from(name).expect("demo names are 3 to 64 characters");
        if let Some((enabled, comment)) = prof {
            let key = TotpKey {
                owner: svm.uuid.clone(),
                account: name.clone(),
            };
            totps.insert(key, profile(svm, &name, enabled, comment));
        }
        accounts.push(Account {
            name,
            owner: svm.uuid.clone(),
            role,
            locked,
            comment: String::new(),
            applications: apps.list(),
            password: DEMO_PASSWORD.to_owned(),
        });
    }
    // TOTP for SSH came with 9.13.1: on an older release the demo's accounts that would use
    // it sign in with their first method alone, as such a cluster's accounts do.
    if !version.has_totp() {
        for a in &mut accounts {
            for app in &mut a.applications {
                if app.second_authentication_method == SecondAuth::Totp {
                    app.second_authentication_method = SecondAuth::None;
                }
            }
        }
    }
    let mut state = State::new(CLUSTER_NAME, CLUSTER_UUID, version, svms, accounts, totps);
    // Accounts with the other second factors, and the Duo and WebAuthn records, by release.
    crate::mfa::seed_demo(&mut state);
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_enough_profiles_and_the_promised_accounts() {
        let s = cluster(Version::new(9, 18, 1));
        assert!(s.totps.len() >= 26, "{} profiles", s.totps.len());
        let has = |svm: &str, name: &str| {
            s.totps.keys().any(|k| {
                k.account.as_str() == name && s.svm(&k.owner).is_some_and(|o| o.name == svm)
            })
        };
        assert!(has(VS_ENG, "vsadmin"));
        assert!(!has(VS_ENG, "alice"));
        assert!(has(CLUSTER_NAME, "CORP\\jdoe"));
        assert!(s.totps.values().any(|t| t.enabled == Some(false)));
        assert!(s.totps.values().any(|t| t.comment.as_deref() == Some("")));
    }

    #[test]
    fn fingerprints_are_deterministic_and_distinct() {
        let a = fingerprint(VS_ENG_UUID, "alice");
        assert_eq!(a.len(), 64);
        assert_eq!(a, fingerprint(VS_ENG_UUID, "alice"));
        assert_ne!(a, fingerprint(VS_FIN_UUID, "alice"));
        assert!(a
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
