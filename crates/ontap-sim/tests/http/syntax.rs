//! Request syntax that NetApp's own automation sends: bodies with dotted field names
//! (`{"role.name": ...}`, netapp.ontap's `na_ontap_user`) and single-record calls whose query
//! restates the record's keys (`PATCH /api/security/accounts/{owner.uuid}/{name}?name=...&
//! owner.uuid=...`). DOTTED_FIELD_NAMES, DOTTED_AND_NESTED, RESTATED_KEYS in `src/inferred.rs`.

use ontap_model::account_change::account_path;
use ontap_sim::model::{Role, SecondAuth};
use ontap_sim::{demo, Config};
use serde_json::{json, Value};

use crate::client::{profile_path, Sim};

fn bob() -> String {
    account_path(demo::VS_ENG_UUID, "bob")
}

/// netapp.ontap's `na_ontap_user` `modify_apps_rest`: `role.name` dotted, the whole list of
/// applications, sent with `patch_account`'s query restating the name and owner.uuid.
fn na_ontap_user_body(role: &str) -> String {
    json!({
        "role.name": role,
        "applications": [
            {"application": "http", "authentication_methods": ["password"]},
            {"application": "ssh", "authentication_methods": ["password"],
             "second_authentication_method": "totp"}
        ]
    })
    .to_string()
}

fn role_of_bob(sim: &Sim) -> Role {
    sim.bg
        .state
        .account(demo::VS_ENG_UUID, "bob")
        .expect("bob")
        .role
}

#[test]
fn an_account_patch_takes_dotted_field_names() {
    let sim = Sim::demo();
    assert_eq!(role_of_bob(&sim), Role::Vsadmin);
    let r = sim.patch(&bob(), &na_ontap_user_body("vsadmin-readonly"));
    assert_eq!(r.status, 200, "{}", r.text());
    let bob = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    assert_eq!(bob.role, Role::VsadminReadonly);
    assert!(bob.requires_totp());
    // A dotted name the definition does not have is still an unexpected argument, named in
    // full.
    let r = sim.patch(
        &account_path(demo::VS_ENG_UUID, "bob"),
        r#"{"role.colour": "x"}"#,
    );
    assert_eq!((r.status, r.code()), (400, "262179".into()), "{}", r.text());
    assert_eq!(r.json()["error"]["target"], json!("role.colour"));
    // `owner.name` is the `owner` object, which a PATCH cannot set, dotted or not.
    let r = sim.patch(
        &account_path(demo::VS_ENG_UUID, "bob"),
        r#"{"owner.name": "vs_fin"}"#,
    );
    assert_eq!((r.status, r.code()), (400, "262196".into()), "{}", r.text());
}

#[test]
fn a_totp_post_and_patch_take_dotted_field_names() {
    let mut sim = Sim::demo();
    sim.as_user("alice");
    let r = sim.post(
        "/api/security/login/totps?return_records=true",
        &json!({"account.name": "alice", "owner.uuid": demo::VS_ENG_UUID, "comment": "dotted"})
            .to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let t = sim
        .bg
        .state
        .totp(demo::VS_ENG_UUID, "alice")
        .expect("a profile");
    assert_eq!(t.comment.as_deref(), Some("dotted"));
    assert_eq!(r.json()["records"][0]["account"]["name"], json!("alice"));

    // The owner by name, dotted, on a PATCH that echoes the addressed account dotted.
    sim.as_user("admin");
    let r = sim.patch(
        &profile_path(demo::VS_ENG_UUID, "alice"),
        r#"{"account.name": "alice", "comment": "changed"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = sim.bg.state.totp(demo::VS_ENG_UUID, "alice").unwrap();
    assert_eq!(t.comment.as_deref(), Some("changed"));
    let r = sim.patch(
        &profile_path(demo::VS_ENG_UUID, "alice"),
        r#"{"account.name": "kpatel"}"#,
    );
    assert_eq!(
        r.status,
        400,
        "another account's name is refused: {}",
        r.text()
    );
}

#[test]
fn a_totp_post_takes_the_owner_by_dotted_name() {
    let mut sim = Sim::demo();
    sim.as_user("alice");
    let r = sim.post(
        "/api/security/login/totps",
        r#"{"account.name": "alice", "owner.name": "vs_eng"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "alice").is_some());
}

#[test]
fn both_forms_of_one_field_must_agree() {
    let sim = Sim::demo();
    // The same value twice is one field.
    let r = sim.patch(
        &bob(),
        r#"{"role": {"name": "vsadmin-readonly"}, "role.name": "vsadmin-readonly"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(role_of_bob(&sim), Role::VsadminReadonly);
    // Two values: refused whichever comes first, and nothing changes.
    for body in [
        r#"{"role": {"name": "vsadmin"}, "role.name": "vsadmin-readonly", "locked": true}"#,
        r#"{"role.name": "vsadmin", "role": {"name": "vsadmin-readonly"}, "locked": true}"#,
        r#"{"role": "vsadmin", "role.name": "vsadmin", "locked": true}"#,
    ] {
        let r = sim.patch(&bob(), body);
        assert_eq!(
            (r.status, r.code()),
            (400, "2".into()),
            "{body}: {}",
            r.text()
        );
        assert_eq!(r.json()["error"]["target"], json!("role.name"), "{body}");
        let bob = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
        assert_eq!(
            (bob.role, bob.locked),
            (Role::VsadminReadonly, false),
            "{body}"
        );
    }
    // In a POST too.
    let mut sim = sim;
    sim.as_user("alice");
    let r = sim.post(
        "/api/security/login/totps",
        r#"{"account": {"name": "alice"}, "account.name": "bob"}"#,
    );
    assert_eq!((r.status, r.code()), (400, "2".into()), "{}", r.text());
    assert_eq!(r.json()["error"]["target"], json!("account.name"));
    assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "alice").is_none());
}

#[test]
fn a_patch_may_restate_the_records_keys_in_its_query() {
    let mut sim = Sim::demo();
    // na_ontap_user's patch_account, verbatim: name and owner.uuid in the query.
    let path = format!("{}?name=bob&owner.uuid={}", bob(), demo::VS_ENG_UUID);
    let r = sim.patch(&path, &na_ontap_user_body("vsadmin"));
    assert_eq!(r.status, 200, "{}", r.text());
    let account = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    assert_eq!(
        account
            .applications
            .iter()
            .map(|a| a.second_authentication_method)
            .collect::<Vec<_>>(),
        vec![SecondAuth::None, SecondAuth::Totp]
    );
    // owner.name, and a lock through the same query.
    let path = format!(
        "{}?owner.name=vs_eng&name=bob",
        account_path(demo::VS_ENG_UUID, "bob")
    );
    assert_eq!(sim.patch(&path, r#"{"locked": true}"#).status, 200);
    assert!(
        sim.bg
            .state
            .account(demo::VS_ENG_UUID, "bob")
            .unwrap()
            .locked
    );
    // GET of an account, and the TOTP profile's GET, PATCH and DELETE, with their keys.
    let r = sim.get(&format!(
        "{}?name=bob&fields=locked",
        account_path(demo::VS_ENG_UUID, "bob")
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["locked"], json!(true));
    let kpatel = profile_path(demo::VS_ENG_UUID, "kpatel");
    let keys = format!(
        "account.name=kpatel&owner.uuid={}&owner.name=vs_eng",
        demo::VS_ENG_UUID
    );
    let r = sim.get(&format!("{kpatel}?{keys}&fields=comment"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["comment"], json!("Authy on personal phone"));
    let r = sim.patch(&format!("{kpatel}?{keys}"), r#"{"enabled": false}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        sim.bg
            .state
            .totp(demo::VS_ENG_UUID, "kpatel")
            .unwrap()
            .enabled,
        Some(false)
    );
    // Only the key's owner deletes it (DELETE_OTHERS_PROFILE): kpatel, restating his keys.
    let r = sim.as_user("kpatel").delete(&format!("{kpatel}?{keys}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").is_none());
    sim.as_user("admin");
    // The audit log keeps the request as it was sent.
    let log = sim.get("/api/security/audit/messages?fields=input&order_by=index");
    let inputs: Vec<String> = log.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["input"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        inputs[0].starts_with(&format!(
            "PATCH {}?name=bob&owner.uuid={} : {{",
            bob(),
            demo::VS_ENG_UUID
        )) && inputs[0].contains(r#""role.name":"vsadmin""#),
        "{inputs:#?}"
    );
}

#[test]
fn a_key_in_the_query_that_contradicts_the_path_addresses_nothing() {
    let mut sim = Sim::demo();
    let before = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    for query in [
        "name=alice".to_owned(),
        format!("owner.uuid={}", demo::VS_FIN_UUID),
        "owner.name=vs_fin".to_owned(),
        format!("name=bob&owner.uuid={}", demo::VS_HR_UUID),
    ] {
        let path = format!("{}?{query}", bob());
        let r = sim.patch(&path, r#"{"locked": true}"#);
        assert_eq!(
            (r.status, r.code()),
            (404, "4".into()),
            "{query}: {}",
            r.text()
        );
        let r = sim.get(&path);
        assert_eq!(
            (r.status, r.code()),
            (404, "4".into()),
            "{query}: {}",
            r.text()
        );
    }
    assert_eq!(
        sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap(),
        before
    );
    // On a profile: PATCH answers as for an absent profile, GET and DELETE 404.
    let kpatel = profile_path(demo::VS_ENG_UUID, "kpatel");
    let r = sim.patch(
        &format!("{kpatel}?account.name=rgarcia"),
        r#"{"enabled": false}"#,
    );
    assert_eq!(
        (r.status, r.code()),
        (404, "144834566".into()),
        "{}",
        r.text()
    );
    let r = sim.get(&format!("{kpatel}?owner.name=vs_hr"));
    assert_eq!((r.status, r.code()), (404, "4".into()), "{}", r.text());
    // Asked by the key's owner, whom DELETE_OTHERS_PROFILE does not stop.
    let r = sim
        .as_user("kpatel")
        .delete(&format!("{kpatel}?account.name=rgarcia"));
    assert_eq!((r.status, r.code()), (404, "4".into()), "{}", r.text());
    sim.as_user("admin");
    let t = sim
        .bg
        .state
        .totp(demo::VS_ENG_UUID, "kpatel")
        .expect("kept");
    assert_eq!(t.enabled, Some(true));
    // A query parameter that is not one of the record's keys is still refused.
    let r = sim.patch(&format!("{}?locked=false", bob()), r#"{"locked": true}"#);
    assert_eq!((r.status, r.code()), (400, "262179".into()), "{}", r.text());
}

#[test]
fn dotted_names_pass_through_arrays_and_leave_malformed_names_alone() {
    let sim = Sim::start(Config::ephemeral());
    // An empty segment is no nesting: the name stays as sent, and is an unexpected argument.
    for name in ["role.", ".name", "role..name"] {
        let body: Value = json!({ name: "vsadmin" });
        let r = sim.patch(&bob(), &body.to_string());
        assert_eq!(
            (r.status, r.code()),
            (400, "262179".into()),
            "{name}: {}",
            r.text()
        );
        assert_eq!(r.json()["error"]["target"], json!(name));
    }
}

/// `Svm(uuid=...).get(name=...)` in netapp-ontap sends its keyword arguments as the query of
/// the single-record GET: the SVM's keys restated, as on accounts and profiles.
#[test]
fn an_svm_read_may_restate_its_keys_in_its_query() {
    let sim = Sim::demo();
    let path = format!("/api/svm/svms/{}", demo::VS_ENG_UUID);
    let r = sim.get(&format!(
        "{path}?uuid={}&name=vs_eng&fields=name",
        demo::VS_ENG_UUID
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["name"], json!("vs_eng"));
    let r = sim.get(&format!("{path}?name=vs_fin"));
    assert_eq!((r.status, r.code()), (404, "4".into()), "{}", r.text());
    // Anything else is still refused.
    let r = sim.get(&format!("{path}?state=running"));
    assert_eq!((r.status, r.code()), (400, "262179".into()), "{}", r.text());
}
