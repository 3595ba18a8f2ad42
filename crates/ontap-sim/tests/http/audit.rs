//! The audit log: every change through the API is recorded in ONTAP's format, and read as a
//! collection like the others.

use ontap_model::account_change::account_path;
use ontap_sim::demo;
use serde_json::Value;

use crate::client::{profile_path, Sim};

#[test]
fn every_change_is_recorded_with_its_result() {
    let mut sim = Sim::demo();
    let bob = account_path(demo::VS_ENG_UUID, "bob");
    assert_eq!(
        sim.get("/api/security/audit/messages").json()["num_records"],
        0
    );
    sim.patch(&bob, r#"{"locked": true, "password": "Sekrit99!"}"#);
    sim.patch(&bob, r#"{"locked": "x"}"#);
    sim.patch(
        &profile_path(demo::VS_ENG_UUID, "kpatel"),
        r#"{"comment": "new"}"#,
    );
    sim.as_user("vsadmin");
    sim.patch(
        &profile_path(demo::VS_ENG_UUID, "kpatel"),
        r#"{"enabled": false}"#,
    );
    // GETs are not recorded.
    sim.get("/api/security/accounts");
    let r = sim.get("/api/security/audit/messages");
    assert_eq!(r.status, 403, "SVM-scoped users do not read the audit log");
    sim.as_user("admin");
    let all = sim.get("/api/security/audit/messages?fields=*").json();
    let recs = all["records"].as_array().unwrap();
    assert_eq!(recs.len(), 4, "{all:#}");
    let first = &recs[0];
    assert_eq!(first["user"], "admin");
    assert_eq!(first["application"], "http");
    assert_eq!(first["state"], "success");
    assert_eq!(first["scope"], "cluster");
    assert_eq!(first["node"]["name"], "cluster1-01");
    let input = first["input"].as_str().unwrap();
    assert!(input.starts_with(&format!("PATCH {bob} : ")), "{input}");
    assert!(
        !input.contains("Sekrit99!"),
        "passwords are masked: {input}"
    );
    assert_eq!(recs[1]["state"], "error");
    assert!(recs[1]["message"].is_string());
    assert_eq!(recs[3]["user"], "vsadmin");
    assert_eq!(recs[3]["scope"], "svm");
    assert_eq!(recs[3]["svm"]["name"], "vs_eng");
    assert_eq!(recs[3]["state"], "error", "vsadmin may not change enabled");
    let idx: Vec<u64> = recs.iter().map(|r| r["index"].as_u64().unwrap()).collect();
    assert_eq!(idx, vec![1, 2, 3, 4]);
}

#[test]
fn the_log_filters_orders_and_pages() {
    let sim = Sim::demo();
    for i in 0..12 {
        let locked = i % 2 == 0;
        sim.patch(
            &account_path(demo::VS_ENG_UUID, "bob"),
            &format!(r#"{{"locked": {locked}}}"#),
        );
    }
    sim.patch(
        &profile_path(demo::VS_ENG_UUID, "kpatel"),
        r#"{"comment": "x"}"#,
    );
    let totp = sim
        .get("/api/security/audit/messages?input=*security/login/totps*&fields=input")
        .json();
    assert_eq!(totp["num_records"], 1);
    let by_user = sim
        .get("/api/security/audit/messages?user=admin&state=success&return_records=false")
        .json();
    assert_eq!(by_user["num_records"], 13);
    let desc = sim
        .get("/api/security/audit/messages?order_by=index%20desc&max_records=5&fields=index")
        .json();
    let idx: Vec<u64> = desc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert_eq!(idx, vec![13, 12, 11, 10, 9]);
    // Follow the pages to the end.
    let mut seen = 0;
    let mut next = Some("/api/security/audit/messages?max_records=4".to_string());
    while let Some(path) = next {
        let page: Value = sim.get(&path).json();
        seen += page["num_records"].as_u64().unwrap();
        next = page["_links"]["next"]["href"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, 13);
    let bad = sim.get("/api/security/audit/messages?fields=colour");
    assert_eq!(bad.status, 400);
    assert_eq!(sim.bg.state.audit().len(), 13);
}

/// The demo's past (`Config::history`, on for the `ontap-sim` command): weeks of records
/// before the start, in the log's own format, that live requests continue.
#[test]
fn the_demo_history_comes_before_the_live_records() {
    let sim = Sim::start(ontap_sim::Config {
        history: true,
        ..ontap_sim::Config::ephemeral()
    });
    let all = sim
        .get("/api/security/audit/messages?fields=*&order_by=index")
        .json();
    let seeded = all["records"].as_array().unwrap().clone();
    assert!(seeded.len() >= 10, "{all:#}");
    let now = sim.bg.state.now();
    let today = ontap_sim::audit::timestamp(now);
    let weeks_ago = ontap_sim::audit::timestamp(now - 35 * 86_400);
    let stamps: Vec<&str> = seeded
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap())
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] < w[1]), "{stamps:#?}");
    assert!(stamps[0] > weeks_ago.as_str() && *stamps.last().unwrap() < today.as_str());
    let inputs: Vec<&str> = seeded
        .iter()
        .map(|r| r["input"].as_str().unwrap())
        .collect();
    assert!(inputs
        .iter()
        .any(|i| i.starts_with("POST /api/security/login/totps?return_records=true : ")));
    assert!(inputs
        .iter()
        .any(|i| i.ends_with(r#" : {"enabled":false}"#)));
    assert!(inputs.iter().any(|i| i.ends_with(r#" : {"locked":false}"#)));
    assert!(inputs
        .iter()
        .any(|i| i.contains(r#""second_authentication_method":"totp""#)));
    assert!(seeded.iter().any(|r| r["state"] == "error"));

    // A live change follows: next index, a later request number, today's date.
    let last = seeded.last().unwrap();
    let r = sim.patch(
        &profile_path(demo::VS_ENG_UUID, "kpatel"),
        r#"{"comment": "live"}"#,
    );
    assert_eq!(r.status, 200);
    let all = sim
        .get("/api/security/audit/messages?fields=*&order_by=index")
        .json();
    let live = all["records"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(live["index"], last["index"].as_u64().unwrap() + 1);
    let n = |r: &Value| r["command_id"].as_str().unwrap().parse::<u64>().unwrap();
    assert!(n(&live) > n(last), "{live:#} after {last:#}");
    assert_eq!(
        live.as_object().unwrap().keys().collect::<Vec<_>>(),
        last.as_object().unwrap().keys().collect::<Vec<_>>(),
        "a seeded record has a live record's fields"
    );
    // And without it (the tests' default) the log starts empty.
    let bare = Sim::demo();
    assert_eq!(
        bare.get("/api/security/audit/messages").json()["num_records"],
        0
    );
}
