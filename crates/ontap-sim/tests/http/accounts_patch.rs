//! Changing accounts: the whole `applications` list is replaced, ONTAP's second-factor rule is
//! applied, `locked` locks and unlocks, and nothing else of the account moves.

use ontap_model::account_change::{account_path, AccountChange};
use ontap_model::Account as ReadAccount;
use ontap_sim::model::{Application, AuthMethod, SecondAuth};
use ontap_sim::{demo, Config};
use serde_json::{json, Value};

use crate::client::{send, Sim, PASSWORD};

fn bob() -> String {
    account_path(demo::VS_ENG_UUID, "bob")
}

fn read(sim: &Sim, path: &str) -> ReadAccount {
    serde_json::from_value(sim.get(&format!("{path}?fields=*")).json()).expect("an account")
}

#[test]
fn require_totp_for_bob_through_the_model_changes_only_ssh() {
    let sim = Sim::demo();
    let before = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    assert!(!before.requires_totp());
    let read_before = read(&sim, &bob());
    let patch = AccountChange::RequireTotp.plan(&read_before).unwrap();
    let r = sim.patch(&bob(), &patch.body());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!({}));
    let after = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    assert!(after.requires_totp());
    assert_eq!(after.applications.len(), before.applications.len());
    for (a, b) in before.applications.iter().zip(&after.applications) {
        assert_eq!(a.application, b.application);
        assert_eq!(a.authentication_methods, b.authentication_methods);
        if a.application != Application::Ssh {
            assert_eq!(
                a.second_authentication_method,
                b.second_authentication_method
            );
        }
    }
    assert_eq!(
        (&after.role, after.locked, &after.comment, &after.password),
        (
            &before.role,
            before.locked,
            &before.comment,
            &before.password
        )
    );
    // And bob may now create his profile.
    let mut sim = sim;
    sim.as_user("bob");
    let r = sim.post(
        "/api/security/login/totps",
        &format!(
            r#"{{"account": {{"name": "bob"}}, "owner": {{"uuid": "{}"}}}}"#,
            demo::VS_ENG_UUID
        ),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // Stop requiring puts the list back exactly.
    sim.as_user("admin");
    let now = read(&sim, &bob());
    let back = AccountChange::StopRequiringTotp.plan(&now).unwrap();
    assert_eq!(sim.patch(&bob(), &back.body()).status, 200);
    assert_eq!(
        sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap(),
        before
    );
}

#[test]
fn totp_needs_password_or_publickey_first() {
    let sim = Sim::demo();
    let body = json!({"applications": [
        {"application": "http", "authentication_methods": ["password"]},
        {"application": "ssh", "authentication_methods": ["domain"], "second_authentication_method": "totp"}
    ]});
    let r = sim.patch(&bob(), &body.to_string());
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.code(), "2");
    let e = &r.json()["error"];
    assert_eq!(e["target"], "applications.second_authentication_method");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("password or publickey"));
    // Nothing changed.
    let a = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    assert_eq!(
        a.application(Application::Ssh)
            .unwrap()
            .authentication_methods,
        vec![AuthMethod::Password]
    );
    // publickey first is fine.
    let ok = json!({"applications": [
        {"application": "http", "authentication_methods": ["password"]},
        {"application": "ssh", "authentication_methods": ["publickey"], "second_authentication_method": "totp"}
    ]});
    assert_eq!(sim.patch(&bob(), &ok.to_string()).status, 200);
}

#[test]
fn a_second_factor_only_on_ssh_and_service_processor_and_well_formed_lists() {
    let sim = Sim::demo();
    let cases = [
        (
            json!([{"application": "http", "authentication_methods": ["password"], "second_authentication_method": "totp"}]),
            "applications.second_authentication_method",
        ),
        (
            json!([{"application": "ssh", "authentication_methods": ["password"], "second_authentication_method": "password"}]),
            "applications.second_authentication_method",
        ),
        (json!([]), "applications"),
        (
            json!([{"application": "ssh", "authentication_methods": []}]),
            "applications",
        ),
        (
            json!([{"application": "telnet", "authentication_methods": ["password"]}]),
            "applications",
        ),
        (
            json!([{"application": "ssh", "authentication_methods": ["password"]}, {"application": "ssh", "authentication_methods": ["publickey"]}]),
            "applications",
        ),
        (
            json!([{"application": "ssh", "authentication_methods": ["magic"]}]),
            "applications",
        ),
    ];
    let before = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    for (apps, target) in cases {
        let r = sim.patch(&bob(), &json!({"applications": apps}).to_string());
        assert_eq!(r.status, 400, "{apps}: {}", r.text());
        assert_eq!(r.json()["error"]["target"], target, "{apps}");
    }
    assert_eq!(
        sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap(),
        before
    );
    let sp = json!({"applications": [
        {"application": "service_processor", "authentication_methods": ["password"], "second_authentication_method": "totp"},
        {"application": "http", "authentication_methods": ["password"]}
    ]});
    assert_eq!(sim.patch(&bob(), &sp.to_string()).status, 200);
    let a = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    assert_eq!(a.applications.len(), 2, "the list is replaced, not merged");
    assert_eq!(
        a.application(Application::ServiceProcessor)
            .unwrap()
            .second_authentication_method,
        SecondAuth::Totp
    );
}

#[test]
fn unlock_and_lock_and_who_may() {
    let mut sim = Sim::demo();
    let carol = account_path(demo::ADMIN_SVM_UUID, "carol");
    assert_eq!(
        sim.raw("GET", "/api/cluster", Some(("carol", PASSWORD)))
            .status,
        401
    );
    sim.as_user("readonly");
    let r = sim.patch(&carol, r#"{"locked": false}"#);
    assert_eq!((r.status, r.code()), (403, "6".to_string()));
    sim.as_user("vsadmin");
    assert_eq!(
        sim.patch(&carol, r#"{"locked": false}"#).status,
        404,
        "another SVM's account is absent"
    );
    sim.as_user("admin");
    assert_eq!(sim.patch(&carol, r#"{"locked": "no"}"#).status, 400);
    assert_eq!(sim.patch(&carol, r#"{"locked": false}"#).status, 200);
    assert_eq!(
        sim.raw("GET", "/api/cluster", Some(("carol", PASSWORD)))
            .status,
        200
    );
    assert_eq!(sim.patch(&carol, r#"{"locked": true}"#).status, 200);
    assert!(
        sim.bg
            .state
            .account(demo::ADMIN_SVM_UUID, "carol")
            .unwrap()
            .locked
    );
    let r = sim.patch(&carol, r#"{"name": "dave"}"#);
    assert_eq!(r.code(), "262196");
    let r = sim.patch(&carol, r#"{"colour": "red"}"#);
    assert_eq!(r.code(), "262179");
    let r = sim.patch(&carol, r#"{"role": {"name": "vsadmin"}}"#);
    assert_eq!(r.code(), "1261215");
    let missing = account_path(demo::ADMIN_SVM_UUID, "nobody");
    assert_eq!(sim.patch(&missing, r#"{"locked": false}"#).status, 404);
}

#[test]
fn failed_sign_ins_lock_only_when_configured() {
    let sim = Sim::start(Config {
        max_failed_logins: 3,
        ..Config::ephemeral()
    });
    let try_bob =
        |pw: &str| send(sim.bg.addr, "GET", "/api/cluster", Some(("bob", pw)), None).status;
    assert_eq!(try_bob("wrong"), 401);
    assert_eq!(try_bob("wrong"), 401);
    assert_eq!(try_bob(PASSWORD), 200, "a success resets the count");
    for _ in 0..3 {
        assert_eq!(try_bob("wrong"), 401);
    }
    assert!(
        sim.bg
            .state
            .account(demo::VS_ENG_UUID, "bob")
            .unwrap()
            .locked
    );
    assert_eq!(try_bob(PASSWORD), 401, "locked now");
    assert_eq!(sim.patch(&bob(), r#"{"locked": false}"#).status, 200);
    assert_eq!(try_bob(PASSWORD), 200);

    let plain = Sim::demo();
    for _ in 0..10 {
        send(
            plain.bg.addr,
            "GET",
            "/api/cluster",
            Some(("bob", "wrong")),
            None,
        );
    }
    assert!(
        !plain
            .bg
            .state
            .account(demo::VS_ENG_UUID, "bob")
            .unwrap()
            .locked,
        "0 never locks"
    );
}

#[test]
fn generated_accounts_for_bulk_tests() {
    let sim = Sim::start(Config {
        accounts: 200,
        ..Config::ephemeral()
    });
    let all = sim.get("/api/security/accounts?name=mfa*&fields=applications,locked&max_records=50");
    let v: Value = all.json();
    assert_eq!(v["num_records"], 50);
    assert!(v["_links"]["next"]["href"].is_string());
    let count = sim
        .get("/api/security/accounts?name=mfa*&return_records=false")
        .json();
    assert_eq!(count["num_records"], 200);
    let accounts = sim.bg.state.accounts();
    assert!(accounts
        .iter()
        .filter(|a| a.name.as_str().starts_with("mfa"))
        .all(|a| !a.requires_totp()));
    assert!(accounts
        .iter()
        .any(|a| a.name.as_str().starts_with("mfa") && a.locked));
    assert_eq!(sim.bg.state.totps().len(), 28, "no profiles added");
}

/// bob's `applications` with the SSH entry marked as an LDAP/NIS group (fast bind on http),
/// every other entry as seeded.
fn bob_with_ldap_fields(sim: &Sim) -> Value {
    let mut apps =
        sim.get(&format!("{}?fields=applications", bob())).json()["applications"].clone();
    for app in apps.as_array_mut().expect("a list") {
        match app["application"].as_str() {
            Some("ssh") => app["is_ns_switch_group"] = json!(true),
            Some("http") => app["is_ldap_fastbind"] = json!(true),
            _ => {}
        }
    }
    apps
}

#[test]
fn applications_carry_the_ldap_fields_from_9_14_1() {
    for (v, present) in [
        ("9.13.1", false),
        ("9.14.0", false),
        ("9.14.1", true),
        ("9.18.1", true),
    ] {
        let sim = Sim::on_version(v);
        let apps =
            sim.get(&format!("{}?fields=applications", bob())).json()["applications"].clone();
        for app in apps.as_array().expect("a list") {
            for field in ["is_ldap_fastbind", "is_ns_switch_group"] {
                assert_eq!(app.get(field).is_some(), present, "{v}: {app}");
                if present {
                    assert_eq!(app[field], json!(false), "{v}: {app}");
                }
            }
        }
    }
}

#[test]
fn the_ldap_fields_are_writable_and_survive_a_planned_change() {
    let sim = Sim::demo();
    let r = sim.patch(
        &bob(),
        &json!({"applications": bob_with_ldap_fields(&sim)}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The page's plan, from the account as read, keeps them.
    let read_before = read(&sim, &bob());
    let patch = AccountChange::RequireTotp.plan(&read_before).unwrap();
    let r = sim.patch(&bob(), &patch.body());
    assert_eq!(r.status, 200, "{}", r.text());
    let apps = sim.get(&format!("{}?fields=applications", bob())).json()["applications"].clone();
    let entry = |name: &str| {
        apps.as_array()
            .and_then(|a| a.iter().find(|x| x["application"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {apps}"))
    };
    assert_eq!(entry("ssh")["second_authentication_method"], "totp");
    assert_eq!(entry("ssh")["is_ns_switch_group"], json!(true));
    assert_eq!(entry("http")["is_ldap_fastbind"], json!(true));
    assert_eq!(entry("http")["is_ns_switch_group"], json!(false));
    assert_eq!(entry("ssh")["is_ldap_fastbind"], json!(false));
}

#[test]
fn ldap_fields_left_out_of_a_patch_fall_back_to_false() {
    // NetApp: both "default to false if not supplied". This is what the page's old
    // three-field write-back did to a group account.
    let sim = Sim::demo();
    sim.patch(
        &bob(),
        &json!({"applications": bob_with_ldap_fields(&sim)}).to_string(),
    );
    let r = sim.patch(
        &bob(),
        r#"{"applications": [{"application": "ssh", "authentication_methods": ["password"]},
                             {"application": "http", "authentication_methods": ["password"]}]}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let after = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    assert!(after
        .applications
        .iter()
        .all(|a| !a.is_ldap_fastbind && !a.is_ns_switch_group));
}

#[test]
fn a_read_only_field_of_an_entry_is_262196_and_bad_values_are_refused() {
    let sim = Sim::demo();
    let with = |extra: Value| {
        let mut entry = json!({"application": "ssh", "authentication_methods": ["password"]});
        if let (Some(e), Some(x)) = (entry.as_object_mut(), extra.as_object()) {
            e.extend(x.clone());
        }
        json!({"applications": [entry, {"application": "http", "authentication_methods": ["password"]}]})
            .to_string()
    };
    let before = sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap();
    let r = sim.patch(&bob(), &with(json!({"_links": {"self": {"href": "/x"}}})));
    assert_eq!(
        (r.status, r.code()),
        (400, "262196".to_owned()),
        "{}",
        r.text()
    );
    assert_eq!(r.json()["error"]["target"], "applications._links");
    let r = sim.patch(&bob(), &with(json!({"is_ldap_fastbind": "yes"})));
    assert_eq!((r.status, r.code()), (400, "2".to_owned()), "{}", r.text());
    assert_eq!(r.json()["error"]["target"], "applications.is_ldap_fastbind");
    let r = sim.patch(&bob(), &with(json!({"colour": "red"})));
    assert_eq!(
        (r.status, r.code()),
        (400, "262179".to_owned()),
        "{}",
        r.text()
    );
    assert_eq!(
        sim.bg.state.account(demo::VS_ENG_UUID, "bob").unwrap(),
        before,
        "a refused PATCH changes nothing"
    );
    // Before 9.14.1 the fields do not exist: an unexpected argument.
    let old = Sim::on_version("9.13.1");
    let r = old.patch(&bob(), &with(json!({"is_ns_switch_group": true})));
    assert_eq!(
        (r.status, r.code()),
        (400, "262179".to_owned()),
        "{}",
        r.text()
    );
}
