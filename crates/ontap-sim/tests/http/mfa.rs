//! Second factors besides TOTP: a WebAuthn key (`http` with `publickey` second) from 9.16.1,
//! TOTP from 9.13.1, and the read-only Duo and WebAuthn collections with their releases.

use ontap_model::account_change::{account_path, AccountChange};
use ontap_model::Account as ReadAccount;
use ontap_sim::demo;
use serde_json::{json, Value};

use crate::client::Sim;

fn web_key_body() -> String {
    json!({"applications": [
        {"application": "http", "authentication_methods": ["password"], "second_authentication_method": "publickey"},
        {"application": "ssh", "authentication_methods": ["password"], "second_authentication_method": "none"}
    ]})
    .to_string()
}

#[test]
fn a_web_key_is_taken_from_9_16_1_and_refused_before() {
    let bob = account_path(demo::VS_ENG_UUID, "bob");
    for (release, ok) in [
        ("9.14.1", false),
        ("9.16.1", true),
        ("9.18.1", true),
        ("9.19.1", true),
    ] {
        let sim = Sim::on_version(release);
        let r = sim.patch(&bob, &web_key_body());
        if ok {
            assert_eq!(r.status, 200, "{release}: {}", r.text());
            let a: ReadAccount =
                serde_json::from_value(sim.get(&format!("{bob}?fields=applications")).json())
                    .unwrap();
            assert!(ontap_model::mfa::requires_webauthn(&a), "{release}");
        } else {
            assert_eq!(r.status, 400, "{release}: {}", r.text());
            assert_eq!(r.code(), "2");
            assert!(r.text().contains("9.16.1"), "{}", r.text());
        }
    }
    // A first method that WebAuthn does not follow.
    let sim = Sim::on_version("9.16.1");
    let r = sim.patch(
        &bob,
        &json!({"applications": [{"application": "http", "authentication_methods": ["saml"], "second_authentication_method": "publickey"}]}).to_string(),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("saml"), "{}", r.text());
}

#[test]
fn totp_is_refused_as_second_factor_before_9_13_1() {
    let bob = account_path(demo::VS_ENG_UUID, "bob");
    let body = json!({"applications": [
        {"application": "http", "authentication_methods": ["password"]},
        {"application": "ssh", "authentication_methods": ["password"], "second_authentication_method": "totp"}
    ]})
    .to_string();
    let r = Sim::on_version("9.12.1").patch(&bob, &body);
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("9.13.1"), "{}", r.text());
    let r = Sim::on_version("9.13.1").patch(&bob, &body);
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn require_totp_keeps_the_web_key_of_mfernandez() {
    let sim = Sim::on_version("9.16.1");
    let path = account_path(demo::ADMIN_SVM_UUID, "mfernandez");
    let read = |sim: &Sim| -> ReadAccount {
        serde_json::from_value(sim.get(&format!("{path}?fields=*")).json()).unwrap()
    };
    let before = read(&sim);
    assert!(ontap_model::mfa::requires_webauthn(&before));
    let patch = AccountChange::RequireTotp.plan(&before).unwrap();
    let r = sim.patch(&path, &patch.body());
    assert_eq!(r.status, 200, "{}", r.text());
    let after = read(&sim);
    assert!(after.requires_totp());
    assert!(ontap_model::mfa::requires_webauthn(&after));
}

#[test]
fn the_demo_seeds_each_kind_on_the_releases_that_have_it() {
    let names = |sim: &Sim| -> Vec<String> {
        sim.get("/api/security/accounts?name=pwalsh|svc.backup|hr.duo|mfernandez&fields=name")
            .json()["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(
        sorted(names(&Sim::on_version("9.13.1"))),
        ["pwalsh", "svc.backup"]
    );
    assert_eq!(
        sorted(names(&Sim::on_version("9.14.1"))),
        ["hr.duo", "pwalsh", "svc.backup"]
    );
    assert_eq!(
        sorted(names(&Sim::on_version("9.16.1"))),
        ["hr.duo", "mfernandez", "pwalsh", "svc.backup"]
    );
    let sim = Sim::on_version("9.16.1");
    let pw: ReadAccount = serde_json::from_value(
        sim.get(&format!(
            "{}?fields=*",
            account_path(demo::ADMIN_SVM_UUID, "pwalsh")
        ))
        .json(),
    )
    .unwrap();
    let ssh = pw.ssh().unwrap();
    assert_eq!(ssh.authentication_methods, ["publickey"]);
    assert_eq!(
        ssh.second_authentication_method.as_deref(),
        Some("password")
    );
}

#[test]
fn duo_and_webauthn_paths_are_unknown_before_their_releases() {
    let duo = "/api/security/authentication/duo/profiles";
    let groups = "/api/security/authentication/duo/groups";
    let web = "/api/security/webauthn/credentials";
    let sim = Sim::on_version("9.13.1");
    for p in [duo, groups, web] {
        let r = sim.get(p);
        assert_eq!((r.status, r.code()), (404, "3".into()), "{p}: {}", r.text());
    }
    let sim = Sim::on_version("9.14.1");
    assert_eq!(sim.get(duo).status, 200);
    assert_eq!(sim.get(groups).status, 200);
    assert_eq!(sim.get(web).status, 404);
    let sim = Sim::on_version("9.16.1");
    assert_eq!(sim.get(web).status, 200);
}

#[test]
fn duo_profiles_list_read_and_refuse_writes() {
    let sim = Sim::on_version("9.18.1");
    let r = sim.get("/api/security/authentication/duo/profiles?fields=*");
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["num_records"], json!(1));
    let p = &body["records"][0];
    assert_eq!(p["owner"]["uuid"], json!(demo::VS_HR_UUID));
    assert_eq!(p["owner"]["name"], json!(demo::VS_HR));
    assert_eq!(p["is_enabled"], json!(true));
    assert_eq!(p["fail_mode"], json!("safe"));
    assert!(p.get("secret_key").is_none());
    // Key fields only without `fields`; filters and a count.
    let keys = sim.get("/api/security/authentication/duo/profiles").json();
    let rec = keys["records"][0].as_object().unwrap();
    let mut k: Vec<&str> = rec.keys().map(String::as_str).collect();
    k.sort();
    assert_eq!(k, ["_links", "owner"]);
    let none = sim
        .get("/api/security/authentication/duo/profiles?is_enabled=false")
        .json();
    assert_eq!(none["num_records"], json!(0));
    let r = sim.get("/api/security/authentication/duo/profiles?fields=colour");
    assert_eq!(r.status, 400);
    // One record, by owner.
    let one = sim.get(&format!(
        "/api/security/authentication/duo/profiles/{}?fields=is_enabled",
        demo::VS_HR_UUID
    ));
    assert_eq!(one.status, 200, "{}", one.text());
    assert_eq!(one.json()["is_enabled"], json!(true));
    let r = sim.get(&format!(
        "/api/security/authentication/duo/profiles/{}",
        demo::VS_ENG_UUID
    ));
    assert_eq!((r.status, r.code()), (404, "4".into()));
    // Read-only.
    let r = sim.patch(
        &format!(
            "/api/security/authentication/duo/profiles/{}",
            demo::VS_HR_UUID
        ),
        r#"{"is_enabled": false}"#,
    );
    assert_eq!((r.status, r.code()), (405, "3".into()), "{}", r.text());
    let r = sim.post("/api/security/authentication/duo/profiles", "{}");
    assert_eq!(r.status, 405);
    let r = sim.delete(&format!(
        "/api/security/authentication/duo/profiles/{}",
        demo::VS_HR_UUID
    ));
    assert_eq!(r.status, 405);
    // Groups: none seeded, an empty collection.
    let g = sim
        .get("/api/security/authentication/duo/groups?fields=*")
        .json();
    assert_eq!(g["num_records"], json!(0));
}

#[test]
fn an_svm_account_sees_only_its_svms_duo_profile() {
    let mut sim = Sim::on_version("9.18.1");
    sim.as_user("hr.duo");
    let r = sim.get("/api/security/authentication/duo/profiles");
    assert_eq!(r.json()["num_records"], json!(1));
    sim.as_user("svc.backup");
    let r = sim.get("/api/security/authentication/duo/profiles");
    assert_eq!(r.json()["num_records"], json!(0), "{}", r.text());
}

#[test]
fn webauthn_credentials_list_and_read_one() {
    let sim = Sim::on_version("9.16.1");
    let r = sim.get("/api/security/webauthn/credentials?fields=*&max_records=1");
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["num_records"], json!(1));
    let c = &body["records"][0];
    assert_eq!(c["username"], json!("mfernandez"));
    assert_eq!(c["index"], json!(0));
    assert_eq!(c["scope"], json!("cluster"));
    assert_eq!(c["relying_party"]["id"], json!("cluster1.demo.example"));
    assert_eq!(c["credential"]["type"], json!("public-key"));
    let href = c["_links"]["self"]["href"].as_str().unwrap().to_owned();
    let one: Value = sim.get(&format!("{href}?fields=display_name")).json();
    assert_eq!(one["display_name"], json!("mfernandez"));
    assert_eq!(one["username"], json!("mfernandez"));
    let r = sim.get("/api/security/webauthn/credentials?username=nobody");
    assert_eq!(r.json()["num_records"], json!(0));
    let r = sim.delete(&href);
    assert_eq!((r.status, r.code()), (405, "3".into()));
    let r = sim.get(&format!("{href}/extra"));
    assert_eq!(r.status, 404, "{}", r.text());
}
