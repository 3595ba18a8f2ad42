//! The request log that end-to-end tests use to prove what the page sent.

use ontap_sim::{demo, Config, LoggedRequest};

use crate::client::{profile_path, Sim, PASSWORD};

#[test]
fn every_api_request_is_logged_as_received_and_answered() {
    let sim = Sim::demo();
    let path = profile_path(demo::ADMIN_SVM_UUID, "CORP\\jdoe");
    sim.get(&format!("{path}?fields=comment"));
    sim.patch(&path, r#"{"comment": "x"}"#);
    sim.raw("GET", "/api/cluster", Some(("admin", "wrong")));
    sim.raw("GET", "/api/cluster", None);
    let log = sim.bg.state.requests();
    assert_eq!(
        log,
        vec![
            LoggedRequest {
                id: 1,
                method: "GET".into(),
                path: format!("{path}?fields=comment"),
                user: Some("admin".into()),
                status: 200,
                body: None,
                sent_www_authenticate: false,
            },
            LoggedRequest {
                id: 2,
                method: "PATCH".into(),
                path: path.clone(),
                user: Some("admin".into()),
                status: 200,
                body: Some(r#"{"comment": "x"}"#.into()),
                sent_www_authenticate: false,
            },
            LoggedRequest {
                id: 3,
                method: "GET".into(),
                path: "/api/cluster".into(),
                user: Some("admin".into()),
                status: 401,
                body: None,
                sent_www_authenticate: true,
            },
            LoggedRequest {
                id: 4,
                method: "GET".into(),
                path: "/api/cluster".into(),
                user: None,
                status: 401,
                body: None,
                sent_www_authenticate: true,
            },
        ]
    );
    assert!(path.contains("CORP%5Cjdoe"), "the raw path is kept encoded");
}

#[test]
fn the_log_records_that_no_www_authenticate_was_sent_when_serving_the_page() {
    let dir = std::env::temp_dir().join(format!("ontap-sim-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "x").unwrap();
    let sim = Sim::start(Config {
        dist: Some(dir),
        ..Config::ephemeral()
    });
    sim.raw("GET", "/", None);
    sim.raw("GET", "/api/security/login/totps", Some(("admin", "nope")));
    let log = sim.bg.state.requests();
    assert_eq!(log.len(), 1, "page files are not logged: {log:?}");
    assert_eq!(log[0].status, 401);
    assert!(!log[0].sent_www_authenticate);
}

#[test]
fn clear_requests_empties_the_log() {
    let sim = Sim::demo();
    sim.raw("GET", "/api/cluster", Some(("admin", PASSWORD)));
    assert_eq!(sim.bg.state.requests().len(), 1);
    sim.bg.state.clear_requests();
    assert!(sim.bg.state.requests().is_empty());
    sim.raw("GET", "/api/cluster", Some(("admin", PASSWORD)));
    assert_eq!(sim.bg.state.requests().len(), 1);
}
