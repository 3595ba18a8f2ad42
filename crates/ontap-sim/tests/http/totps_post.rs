//! Creating profiles (POST /api/security/login/totps): who may create what, the answers ONTAP
//! documents (144834561, 201 with Location and `totp_post`), and what is inferred (the answers
//! to someone else's profile and to a duplicate: see the README's table).

use ontap_model::otp::{self, key_uri_in_install_url, Secret};
use ontap_sim::demo;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::client::{profile_path, Sim};

const TOTPS: &str = "/api/security/login/totps";

fn alice_body() -> String {
    json!({"account": {"name": "alice"}, "owner": {"uuid": demo::VS_ENG_UUID}, "comment": "phone"})
        .to_string()
}

/// The spec's `totp_post`: secret_key, install_url, verification_code, emergency_codes (NetApp's
/// example: 8-digit codes), sha_fingerprint; checked against an RFC 6238 code of the secret.
#[test]
fn a_user_creates_their_own_profile_201_location_and_the_totp_post_record() {
    let mut sim = Sim::demo();
    sim.as_user("alice");
    let r = sim.post(&format!("{TOTPS}?return_records=true"), &alice_body());
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some(profile_path(demo::VS_ENG_UUID, "alice").as_str())
    );
    let body = r.json();
    assert_eq!(body["num_records"], 1);
    let rec = &body["records"][0];
    assert_eq!(rec["account"]["name"], "alice");
    assert_eq!(rec["owner"]["uuid"], demo::VS_ENG_UUID);
    assert_eq!(
        (rec["enabled"].clone(), rec["comment"].clone()),
        (json!(true), json!("phone"))
    );
    let secret_text = rec["secret_key"].as_str().unwrap();
    assert_eq!(secret_text.len(), 32, "160 bits in base32 without padding");
    let secret = Secret::from_base32(secret_text).unwrap();
    assert_eq!(secret.bytes().len(), otp::SECRET_BYTES);
    let now = ontap_sim::rng::unix_now();
    assert!(otp::verify(
        &secret,
        rec["verification_code"].as_str().unwrap(),
        now,
        1
    ));
    let uri = key_uri_in_install_url(rec["install_url"].as_str().unwrap()).unwrap();
    assert_eq!(uri.secret, secret);
    assert_eq!(uri.issuer, demo::CLUSTER_NAME);
    assert_eq!(uri.account, "alice@vs_eng");
    let codes: Vec<&str> = rec["emergency_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 5);
    assert!(codes
        .iter()
        .all(|c| c.len() == 8 && c.bytes().all(|b| b.is_ascii_digit())));
    let fp: String = Sha256::digest(secret.bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(rec["sha_fingerprint"], fp);
    // Stored, readable, and the secret is kept for tests.
    assert_eq!(
        sim.bg.state.secret(demo::VS_ENG_UUID, "alice").as_deref(),
        Some(secret_text)
    );
    let read = sim
        .get(&format!(
            "{}?fields=*",
            profile_path(demo::VS_ENG_UUID, "alice")
        ))
        .json();
    assert_eq!(read["sha_fingerprint"], fp);
    assert!(
        read.get("secret_key").is_none(),
        "the secret is shown once, at creation"
    );
}

#[test]
fn without_return_records_the_answer_is_201_with_an_empty_object_and_location() {
    let mut sim = Sim::demo();
    sim.as_user("alice");
    let r = sim.post(TOTPS, &alice_body());
    assert_eq!((r.status, r.json()), (201, json!({})));
    assert!(r.header("location").unwrap().ends_with("/alice"));
    assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "alice").is_some());
}

#[test]
fn the_owner_is_given_by_uuid_or_by_name_and_not_at_all_for_cluster_scoped_accounts() {
    let mut sim = Sim::demo();
    sim.as_user("alice");
    let r = sim.post(
        TOTPS,
        r#"{"account": {"name": "alice"}, "owner": {"name": "vs_eng"}}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // lnguyen is cluster-scoped (disabled profile: replaced), no owner needed.
    sim.as_user("lnguyen");
    let r = sim.post(TOTPS, r#"{"account": {"name": "lnguyen"}}"#);
    assert_eq!(r.status, 201, "{}", r.text());
    // owner.uuid and owner.name must agree.
    sim.as_user("sthompson");
    let body = json!({"account": {"name": "sthompson"},
                      "owner": {"uuid": demo::VS_ENG_UUID, "name": "vs_fin"}});
    let r = sim.post(TOTPS, &body.to_string());
    assert_eq!((r.status, r.code()), (400, "2".to_owned()));
    assert_eq!(r.json()["error"]["target"], "owner.name");
}

/// NetApp: "You are only allowed to create a TOTP profile for yourself, not for others. Admin
/// cannot create TOTP profiles for any users." (code inferred: CREATE_FOR_OTHERS).
#[test]
fn nobody_creates_a_profile_for_anybody_else_not_even_the_admin() {
    let mut sim = Sim::demo();
    for (user, body) in [
        ("admin", alice_body()),
        ("vsadmin", alice_body()),
        (
            "alice",
            json!({"account": {"name": "kpatel"}, "owner": {"uuid": demo::VS_ENG_UUID}})
                .to_string(),
        ),
        (
            "alice",
            json!({"account": {"name": "alice"}, "owner": {"uuid": demo::VS_FIN_UUID}}).to_string(),
        ),
        ("alice", json!({"account": {"name": "alice"}}).to_string()),
    ] {
        sim.as_user(user);
        let r = sim.post(TOTPS, &body);
        assert_eq!(
            (r.status, r.json()),
            (
                403,
                json!({"error": {"message": "User is not authorized for this operation.", "code": "6691623"}})
            ),
            "{user}: {body}"
        );
    }
    assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "alice").is_none());
}

/// The spec's only documented POST error: 144834561 "TOTP is not configured for the user."
#[test]
fn an_account_without_totp_as_ssh_second_factor_gets_144834561() {
    let mut sim = Sim::demo();
    sim.as_user("admin");
    let r = sim.post(TOTPS, r#"{"account": {"name": "admin"}}"#);
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            json!({"error": {"message": "TOTP is not configured for the user.", "code": "144834561"}})
        )
    );
}

#[test]
fn a_duplicate_of_an_enabled_profile_is_409_code_1() {
    let mut sim = Sim::demo();
    sim.as_user("jdoe");
    let before = sim.bg.state.totp(demo::ADMIN_SVM_UUID, "jdoe");
    let r = sim.post(TOTPS, r#"{"account": {"name": "jdoe"}}"#);
    assert_eq!((r.status, r.code()), (409, "1".to_owned()));
    assert_eq!(sim.bg.state.totp(demo::ADMIN_SVM_UUID, "jdoe"), before);
}

#[test]
fn read_only_roles_cannot_create_even_their_own() {
    let mut sim = Sim::demo();
    sim.as_user("tkowalski"); // readonly, disabled profile
    let r = sim.post(TOTPS, r#"{"account": {"name": "tkowalski"}}"#);
    assert_eq!((r.status, r.code()), (403, "6".to_owned()));
}

#[test]
fn bodies_ontap_refuses_and_the_codes_it_refuses_them_with() {
    let mut sim = Sim::demo();
    sim.as_user("alice");
    let owner = json!({"uuid": demo::VS_ENG_UUID});
    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        (
            json!({"account": {"name": "alice"}, "owner": owner, "enabled": true}),
            400,
            "262196",
            Some("enabled"),
        ),
        (
            json!({"account": {"name": "alice"}, "owner": owner, "secret_key": "AAAA"}),
            400,
            "262196",
            Some("secret_key"),
        ),
        (
            json!({"account": {"name": "alice"}, "owner": owner, "colour": 1}),
            400,
            "262179",
            Some("colour"),
        ),
        (json!({"owner": owner}), 400, "2", Some("account.name")),
        (
            json!({"account": {"name": "alice"}, "owner": owner, "comment": 5}),
            400,
            "2",
            Some("comment"),
        ),
    ];
    for (body, status, code, target) in cases {
        let r = sim.post(TOTPS, &body.to_string());
        assert_eq!((r.status, r.code()), (status, code.to_owned()), "{body}");
        assert_eq!(r.json()["error"]["target"].as_str(), target, "{body}");
    }
    let r = sim.post(TOTPS, "not json");
    assert_eq!((r.status, r.code()), (400, "2".to_owned()));
    let r = sim.post(&format!("{TOTPS}?colour=red"), &alice_body());
    assert_eq!((r.status, r.code()), (400, "262179".to_owned()));
    let r = sim.post(&format!("{TOTPS}?return_records=maybe"), &alice_body());
    assert_eq!((r.status, r.code()), (400, "262197".to_owned()));
    assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "alice").is_none());
}

#[test]
fn post_exists_from_9_13_and_not_before() {
    let mut sim = Sim::on_version("9.13.1");
    sim.as_user("alice");
    assert_eq!(sim.post(TOTPS, &alice_body()).status, 201);
    let mut old = Sim::on_version("9.12.1");
    old.as_user("alice");
    let r = old.post(TOTPS, &alice_body());
    assert_eq!((r.status, r.code()), (404, "3".to_owned()));
}
