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
