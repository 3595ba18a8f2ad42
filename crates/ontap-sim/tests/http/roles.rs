//! Scope and roles (an SVM-scoped user sees and touches only its SVM's objects; the cluster
//! admin sees all; `readonly` reads only), who may use the REST API at all (the `http`
//! application), and the OAuth 2.0 path (bearer tokens, ONTAP 9.14 and later).

use ontap_sim::{demo, Config};

use crate::client::{profile_path, Sim};

const TOTPS: &str = "/api/security/login/totps";

#[test]
fn an_svm_scoped_user_touches_only_its_own_svm() {
    let mut sim = Sim::demo();
    sim.as_user("vsadmin");
    for (path, what) in [
        ("/api/svm/svms", "svms"),
        ("/api/security/accounts", "accounts"),
        (TOTPS, "profiles"),
    ] {
        let body = sim.get(path).json();
        let recs = body["records"].as_array().unwrap();
        assert!(!recs.is_empty(), "{what}");
        for r in recs {
            let uuid = r["owner"]["uuid"].as_str().or(r["uuid"].as_str()).unwrap();
            assert_eq!(uuid, demo::VS_ENG_UUID, "{what}: {r}");
        }
    }
    let r = sim.patch(
        &profile_path(demo::VS_FIN_UUID, "mrossi"),
        r#"{"comment": "x"}"#,
    );
    assert_eq!((r.status, r.code()), (404, "144834566".to_owned()));
    let r = sim.delete(&profile_path(demo::VS_HR_UUID, "okim"));
    assert_eq!((r.status, r.code()), (404, "4".to_owned()));
    let r = sim.get(&format!(
        "/api/security/accounts/{}/mrossi",
        demo::VS_FIN_UUID
    ));
    assert_eq!((r.status, r.code()), (404, "4".to_owned()));
}

#[test]
fn the_cluster_admin_sees_every_svm_and_readonly_roles_only_read() {
    let mut sim = Sim::demo();
    let all = sim.bg.state.totps().len() as u64;
    for user in ["admin", "readonly", "svc_monitor"] {
        sim.as_user(user);
        let body = sim.get(&format!("{TOTPS}?return_records=false")).json();
        assert_eq!(body["num_records"].as_u64(), Some(all), "{user}");
    }
    let before = sim.bg.state.totps();
    for user in ["readonly", "svc_monitor", "eng.audit"] {
        sim.as_user(user);
        let kpatel = profile_path(demo::VS_ENG_UUID, "kpatel");
        for r in [
            sim.patch(&kpatel, r#"{"comment": "x"}"#),
            sim.delete(&kpatel),
            sim.post(TOTPS, r#"{"account": {"name": "alice"}}"#),
        ] {
            assert_eq!((r.status, r.code()), (403, "6".to_owned()), "{user}");
        }
    }
    assert_eq!(sim.bg.state.totps(), before);
}

#[test]
fn only_unlocked_accounts_with_the_http_application_use_the_rest_api() {
    let sim = Sim::demo();
    for (user, status) in [
        ("console.ops", 401), // ssh only
        ("svc_monitor", 200), // http only
        ("jdoe", 200),
    ] {
        let r = sim.raw("GET", "/api/cluster", Some((user, crate::client::PASSWORD)));
        assert_eq!(r.status, status, "{user}");
    }
}

#[test]
fn bearer_tokens_sign_in_as_their_account_from_9_14() {
    let tokens = vec![
        ("jdoe".to_owned(), "tok.jdoe.1".to_owned()),
        ("console.ops".to_owned(), "tok.console.2".to_owned()),
        ("vsadmin".to_owned(), "tok.vsadmin.3".to_owned()),
    ];
    let sim = Sim::start(Config {
        tokens: tokens.clone(),
        ..Config::ephemeral()
    });
    let r = sim.with_authorization("GET", TOTPS, "Bearer tok.jdoe.1");
    assert_eq!(r.status, 200);
    let r = sim.with_authorization("GET", TOTPS, "Bearer tok.vsadmin.3");
    let body: serde_json::Value = r.json();
    assert!(body["records"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["owner"]["uuid"] == demo::VS_ENG_UUID));
    // A token for an account without http, and an unknown token: 401.
    for h in [
        "Bearer tok.console.2",
        "Bearer nope",
        "Bearer ",
        "Negotiate abc",
    ] {
        let r = sim.with_authorization("GET", TOTPS, h);
        assert_eq!((r.status, r.code()), (401, "6".to_owned()), "{h}");
    }
    let log = sim.bg.state.requests();
    assert_eq!(log[0].user.as_deref(), Some("jdoe"));
    // Before 9.14 (OAuth 2.0 arrived in 9.14) the same token is refused.
    let old = Sim::start(Config {
        tokens,
        version: ontap_model::Version::parse("9.13.1").unwrap(),
        ..Config::ephemeral()
    });
    let r = old.with_authorization("GET", TOTPS, "Bearer tok.jdoe.1");
    assert_eq!(r.status, 401);
}
