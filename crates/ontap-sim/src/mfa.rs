//! Second factors besides TOTP: Cisco Duo profiles and groups (from 9.14.1) and WebAuthn
//! credentials (from 9.16.1), kept as their full published records, and the demo accounts
//! that show every kind of second factor (SSH key, password, Duo, WebAuthn key). Sources in
//! ontap-model's `mfa` module; what the emulator chooses is MFA_ENDPOINTS_READ_ONLY and
//! MFA_DEMO_SEEDS in [`crate::inferred`].

use ontap_model::mfa::{has_duo, has_webauthn};
use ontap_model::totp::encode_segment;
use ontap_model::AccountName;
use serde_json::{json, Value};

use crate::demo::{fingerprint, CLUSTER_NAME, DEMO_PASSWORD, VS_ENG, VS_HR};
use crate::model::{Account, AccountApplication, Application, AuthMethod, Role, SecondAuth};
use crate::state::State;

/// The records of the Duo and WebAuthn collections, every field (the secret key of a Duo
/// profile is not gettable, so it is not kept).
#[derive(Clone, Debug, Default)]
pub struct MfaState {
    pub duo_profiles: Vec<Value>,
    pub duo_groups: Vec<Value>,
    pub webauthn_credentials: Vec<Value>,
}

/// The relying party of the demo's WebAuthn credentials: the cluster's FQDN (System Manager
/// refuses WebAuthn over an IP address).
pub const DEMO_RP_ID: &str = "cluster1.demo.example";

/// The demo accounts with other second factors, by release: (SVM, name, role, SSH first and
/// second method, http second method).
struct Seed {
    svm: &'static str,
    name: &'static str,
    role: Role,
    ssh: (AuthMethod, SecondAuth),
    http_second: SecondAuth,
}

fn seeds(state: &State) -> Vec<Seed> {
    let v = &state.version;
    let mut out = vec![
        // SSH key first, password second (NetApp's MFA overview: since 9.3).
        Seed {
            svm: CLUSTER_NAME,
            name: "pwalsh",
            role: Role::Admin,
            ssh: (AuthMethod::Publickey, SecondAuth::Password),
            http_second: SecondAuth::None,
        },
        // Password first, SSH key second.
        Seed {
            svm: VS_ENG,
            name: "svc.backup",
            role: Role::Vsadmin,
            ssh: (AuthMethod::Password, SecondAuth::Publickey),
            http_second: SecondAuth::None,
        },
    ];
    if has_duo(v) {
        // No second method of its own: vs_hr's Duo profile asks for Duo.
        out.push(Seed {
            svm: VS_HR,
            name: "hr.duo",
            role: Role::Vsadmin,
            ssh: (AuthMethod::Password, SecondAuth::None),
            http_second: SecondAuth::None,
        });
    }
    if has_webauthn(v) {
        // System Manager asks for a FIDO2 key; SSH has no second factor yet.
        out.push(Seed {
            svm: CLUSTER_NAME,
            name: "mfernandez",
            role: Role::Admin,
            ssh: (AuthMethod::Password, SecondAuth::None),
            http_second: SecondAuth::Publickey,
        });
    }
    out
}

/// Adds the accounts, the Duo profile of vs_hr (9.14.1 and later) and the WebAuthn credential
/// of mfernandez (9.16.1 and later) to the demo cluster.
pub fn seed_demo(state: &mut State) {
    for s in seeds(state) {
        let Some(svm) = state.svm_by_name(s.svm).cloned() else {
            continue;
        };
        let name = AccountName::try_from(s.name).expect("seed names are valid");
        state.accounts.push(Account {
            name,
            owner: svm.uuid.clone(),
            role: s.role,
            locked: false,
            comment: String::new(),
            applications: vec![
                AccountApplication::new(Application::Http, &[AuthMethod::Password], s.http_second),
                AccountApplication::new(Application::Ssh, &[s.ssh.0], s.ssh.1),
            ],
            password: DEMO_PASSWORD.to_owned(),
        });
        if s.http_second == SecondAuth::Publickey {
            let cred = webauthn_record(&svm, s.name, 0, "2026-10-02T09:14:05+00:00");
            state.mfa.webauthn_credentials.push(cred);
        }
    }
    if has_duo(&state.version) {
        if let Some(hr) = state.svm_by_name(VS_HR).cloned() {
            state.mfa.duo_profiles.push(duo_record(&hr));
        }
    }
}

fn duo_record(svm: &crate::model::Svm) -> Value {
    json!({
        "owner": svm.reference(),
        "comment": "Duo push for SSH, HR storage",
        "is_enabled": true,
        "api_host": "api-d3a7c1f0.duosecurity.com",
        "auto_push": true,
        "push_info": true,
        "max_prompts": 1,
        "fail_mode": "safe",
        "status": "OK",
        "integration_key": "DIHR7Q2X0ZC4M9KD1VBE",
        "fingerprint": fingerprint(svm.uuid.as_str(), "duo"),
        "_links": {"self": {"href": format!("/api/security/authentication/duo/profiles/{}", svm.uuid)}},
    })
}

fn webauthn_record(svm: &crate::model::Svm, user: &str, index: u32, created: &str) -> Value {
    json!({
        "owner": svm.reference(),
        "username": user,
        "index": index,
        "display_name": user,
        "scope": if svm.is_admin { "cluster" } else { "svm" },
        "relying_party": {"id": DEMO_RP_ID, "name": DEMO_RP_ID},
        "credential": {"type": "public-key", "id_sha": fingerprint(svm.uuid.as_str(), &format!("webauthn/{user}"))},
        "public_key": {"algorithm": "ES-256", "value": "pQECAyYgASFYIGWzUi9u0jZDqvWv1mUPvg6oNPbdGFLxyGZ0CZtIkZYNIlggLRb3Kq0b7lz0sO2c9tWc9G0r1qzEw8Qj5d3Xg4oWb6Q="},
        "creation_time": created,
        "last_used_time": "2026-11-27T16:41:22+00:00",
        "_links": {"self": {"href": format!(
            "/api/security/webauthn/credentials/{}/{}/{index}/{}",
            svm.uuid, encode_segment(user), DEMO_RP_ID
        )}},
    })
}
