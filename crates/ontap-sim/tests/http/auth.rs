//! Sign-in: basic authentication, the `WWW-Authenticate` rule, who may use the REST API, and
//! the cluster endpoint.

use ontap_sim::{demo, Config, WWW_AUTHENTICATE};
use serde_json::json;

use crate::client::{Sim, PASSWORD};

fn temp_dist(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ontap-sim-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    dir
}

#[test]
fn missing_credentials_get_401_with_www_authenticate_when_the_page_is_not_served() {
    let sim = Sim::demo();
    let r = sim.raw("GET", "/api/cluster", None);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some(WWW_AUTHENTICATE));
    let body = r.json();
    assert!(body["error"]["message"].is_string() && body["error"]["code"].is_string());
    assert!(body["error"].get("target").is_none(), "{body}");
}

#[test]
fn wrong_password_gets_401_without_www_authenticate_when_the_page_is_served() {
    let sim = Sim::start(Config {
        dist: Some(temp_dist("auth")),
        ..Config::ephemeral()
    });
    let r = sim.raw("GET", "/api/cluster", Some(("admin", "wrong")));
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), None);
    let r = sim.raw("GET", "/api/cluster", None);
    assert_eq!((r.status, r.header("www-authenticate")), (401, None));
    assert_eq!(r.header("content-type"), Some("application/hal+json"));
}

#[test]
fn www_authenticate_can_be_turned_off_without_serving_the_page() {
    let sim = Sim::start(Config {
        www_authenticate: Some(false),
        ..Config::ephemeral()
    });
    let r = sim.raw("GET", "/api/cluster", None);
    assert_eq!((r.status, r.header("www-authenticate")), (401, None));
}

#[test]
fn accounts_without_the_http_application_cannot_use_the_rest_api() {
    let sim = Sim::demo();
    // console.ops has SSH (with TOTP) but not http.
    let r = sim.raw("GET", "/api/cluster", Some(("console.ops", PASSWORD)));
    assert_eq!(r.status, 401);
    let r = sim.raw("GET", "/api/cluster", Some(("no.such.user", PASSWORD)));
    assert_eq!(r.status, 401);
}

#[test]
fn locked_accounts_cannot_sign_in() {
    let sim = Sim::demo();
    assert_eq!(
        sim.raw("GET", "/api/cluster", Some(("jdoe", PASSWORD)))
            .status,
        200
    );
    sim.bg.state.with_state(|s| {
        for a in s.accounts.iter_mut().filter(|a| a.name.as_str() == "jdoe") {
            a.locked = true;
        }
    });
    assert_eq!(
        sim.raw("GET", "/api/cluster", Some(("jdoe", PASSWORD)))
            .status,
        401
    );
}

#[test]
fn vsadmin_signs_in_as_the_unlocked_vsadmin_of_vs_eng() {
    // vs_fin and vs_hr have a locked vsadmin of their own.
    let mut sim = Sim::demo();
    let r = sim.as_user("vsadmin").get("/api/svm/svms");
    assert_eq!(r.status, 200, "{}", r.text());
    let names: Vec<String> = r.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec![demo::VS_ENG.to_owned()]);
}

#[test]
fn the_cluster_answers_name_uuid_and_version() {
    let sim = Sim::on_version("9.14.1");
    let r = sim.get("/api/cluster?fields=name,uuid,version");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({
            "name": demo::CLUSTER_NAME,
            "uuid": demo::CLUSTER_UUID,
            "version": {"full": "NetApp Release 9.14.1", "generation": 9, "major": 14, "minor": 1},
            "_links": {"self": {"href": "/api/cluster"}},
        })
    );
    let r = sim.get("/api/cluster?fields=version");
    assert_eq!(r.json().as_object().unwrap().len(), 2, "{}", r.text());
    assert_eq!(sim.get("/api/cluster").json()["name"], demo::CLUSTER_NAME);
}

#[test]
fn unknown_paths_and_methods_get_ontap_error_bodies() {
    let sim = Sim::demo();
    let r = sim.get("/api/storage/volumes");
    assert_eq!((r.status, r.code()), (404, "3".to_owned()));
    let r = sim.raw("DELETE", "/api/cluster", Some(("admin", PASSWORD)));
    assert_eq!((r.status, r.code()), (405, "3".to_owned()));
}

#[test]
fn svm_scoped_users_see_only_their_own_svm_and_accounts() {
    let mut sim = Sim::demo();
    let all = sim.get("/api/security/accounts?fields=role,applications");
    assert_eq!(all.status, 200);
    let n_all = all.json()["num_records"].as_u64().unwrap();
    sim.as_user("vsadmin");
    let own = sim.get("/api/security/accounts?fields=role").json();
    let n_own = own["num_records"].as_u64().unwrap();
    assert!(n_own > 0 && n_own < n_all);
    assert!(own["records"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["owner"]["uuid"] == demo::VS_ENG_UUID));
    let alice = sim
        .get(&format!(
            "/api/security/accounts/{}/alice?fields=applications",
            demo::VS_ENG_UUID
        ))
        .json();
    let ssh = alice["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["application"] == "ssh")
        .unwrap()
        .clone();
    assert_eq!(ssh["second_authentication_method"], "totp");
    let r = sim.get(&format!("/api/svm/svms/{}", demo::VS_FIN_UUID));
    assert_eq!((r.status, r.code()), (404, "4".to_owned()));
}

#[tokio::test]
async fn the_library_runs_on_the_callers_runtime_and_stops() {
    let running = ontap_sim::start(Config::ephemeral()).await.unwrap();
    let addr = running.addr;
    let r = tokio::task::spawn_blocking(move || {
        crate::client::send(addr, "GET", "/api/cluster", Some(("admin", PASSWORD)), None)
    })
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    running.stop().await.unwrap();
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn start_background_may_be_called_inside_a_runtime() {
    let bg = ontap_sim::start_background(Config::ephemeral()).unwrap();
    let addr = bg.addr;
    let r = tokio::task::spawn_blocking(move || {
        crate::client::send(addr, "GET", "/api/cluster", Some(("admin", PASSWORD)), None)
    })
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    bg.stop().unwrap();
}

#[test]
fn a_taken_port_is_an_error_not_a_hang() {
    let first = ontap_sim::start_background(Config::ephemeral()).unwrap();
    let taken = Config {
        listen: first.addr,
        ..Config::ephemeral()
    };
    let err = ontap_sim::start_background(taken).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}
