//! Unified Manager's API gateway in front of a fleet (`--gateway`, issue 19): the cluster
//! list, tunnelled calls with their methods, bodies and status codes, links rewritten to the
//! gateway base, SVM scoping headers, the role rule (every user may GET, only Application
//! Administrators write) and the cluster account the calls run as.

use ontap_sim::demo::{VS_ENG, VS_HR};
use ontap_sim::inferred::GATEWAY_CLUSTER_ACCOUNT;
use ontap_sim::{start_background, Background, Config};
use serde_json::Value;

use ontap_sim::auth::basic_header;

use crate::client::{exchange_with, parse, Resp, PASSWORD};

fn gateway(clusters: usize) -> Background {
    start_background(Config {
        clusters,
        gateway: true,
        profiles: 40,
        ..Config::ephemeral()
    })
    .expect("start a gateway")
}

fn call(
    bg: &Background,
    user: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Resp {
    let auth = basic_header(user, PASSWORD);
    let mut all = vec![("Authorization", auth.as_str())];
    all.extend_from_slice(headers);
    if body.is_some() {
        all.push(("Content-Type", "application/json"));
    }
    let raw = exchange_with(bg.addr, method, path, &all, body).expect("an answer");
    parse(&raw).expect("a whole answer")
}

fn get(bg: &Background, user: &str, path: &str) -> Resp {
    call(bg, user, "GET", path, &[], None)
}

/// The gateway's base for cluster `i`.
fn base(bg: &Background, i: usize) -> String {
    format!("/api/gateways/{}", bg.clusters[i].uuid())
}

#[test]
fn the_gateway_lists_its_clusters_to_every_unified_manager_user() {
    let bg = gateway(3);
    for user in ["umadmin", "umstorage", "umoperator"] {
        let r = get(&bg, user, "/api/gateways");
        assert_eq!(r.status, 200, "{user}: {}", r.text());
        let body = r.json();
        assert_eq!(body["num_records"], 3);
        for (i, rec) in body["records"].as_array().unwrap().iter().enumerate() {
            let c = &bg.clusters[i];
            assert_eq!(rec["uuid"], c.uuid().as_str());
            assert_eq!(rec["name"], c.name.as_str());
            assert_eq!(rec["version"]["full"], c.version().full.as_str());
            assert_eq!(rec["_links"]["self"]["href"], base(&bg, i).as_str());
        }
    }
    // Cluster credentials are not Unified Manager's; no credentials at all are refused too.
    let r = get(&bg, "admin", "/api/gateways");
    assert_eq!(r.status, 401, "{}", r.text());
    assert_eq!(r.code(), "6");
    assert!(r.header("www-authenticate").is_none());
    let raw = exchange_with(bg.addr, "GET", "/api/gateways", &[], None).unwrap();
    assert_eq!(parse(&raw).unwrap().status, 401);
    let unknown = get(&bg, "umadmin", "/api/gateways/0000/cluster");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.code(), "4");
}

#[test]
fn tunnelled_calls_answer_as_the_cluster_with_links_under_the_gateway() {
    let bg = gateway(2);
    let b = base(&bg, 1);
    let cluster = get(&bg, "umoperator", &format!("{b}/cluster")).json();
    assert_eq!(cluster["name"], bg.clusters[1].name.as_str());
    // Paging through the gateway: every link under its base, every record once.
    let mut href = format!("{b}/security/login/totps?max_records=9&fields=enabled");
    let mut seen = 0;
    loop {
        let page = get(&bg, "umoperator", &href);
        assert_eq!(page.status, 200, "{href}: {}", page.text());
        let body = page.json();
        assert_eq!(body["_links"]["self"]["href"], href.as_str());
        for r in body["records"].as_array().unwrap() {
            let own = r["_links"]["self"]["href"].as_str().unwrap();
            assert!(
                own.starts_with(&format!("{b}/security/login/totps/")),
                "{own}"
            );
            seen += 1;
        }
        match body["_links"]["next"]["href"].as_str() {
            Some(n) => {
                assert!(n.starts_with(&format!("{b}/security/login/totps?")), "{n}");
                href = n.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(seen, bg.clusters[1].totps().len());
    // The cluster's own status codes and bodies come through: 9.12.1 has no TOTP endpoints,
    // a bad query is the cluster's 400.
    let no_totp = get(
        &bg,
        "umadmin",
        &format!("{}/security/login/totps", base(&bg, 0)),
    );
    assert_eq!(no_totp.status, 404);
    assert_eq!(no_totp.code(), "3");
    let bad = get(
        &bg,
        "umadmin",
        &format!("{b}/security/login/totps?max_records=0"),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.code(), "262197");
    for c in &bg.clusters {
        assert_eq!(c.schema_violations(), Vec::<String>::new());
    }
}

#[test]
fn only_application_administrators_write_and_the_cluster_sees_unified_managers_account() {
    let bg = gateway(2);
    let c = &bg.clusters[1];
    let eng = c
        .svms()
        .into_iter()
        .find(|s| s.name == VS_ENG)
        .unwrap()
        .uuid;
    let profile = format!("{}/security/login/totps/{eng}/kpatel", base(&bg, 1));
    let before = c.requests().len();
    for user in ["umstorage", "umoperator"] {
        let r = call(
            &bg,
            user,
            "PATCH",
            &profile,
            &[],
            Some(r#"{"comment":"no"}"#),
        );
        assert_eq!(r.status, 403, "{user}: {}", r.text());
        assert_eq!(r.code(), "6");
        assert!(r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains(user));
        let r = call(&bg, user, "DELETE", &profile, &[], None);
        assert_eq!(r.status, 403);
    }
    // Nothing reached the cluster.
    assert_eq!(c.requests().len(), before);
    assert_ne!(
        c.totp(eng.as_str(), "kpatel").unwrap().comment.as_deref(),
        Some("no")
    );
    let r = call(
        &bg,
        "umadmin",
        "PATCH",
        &profile,
        &[],
        Some(r#"{"comment":"via UM"}"#),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        c.totp(eng.as_str(), "kpatel").unwrap().comment.as_deref(),
        Some("via UM")
    );
    // The cluster saw the account Unified Manager stores, not the user who signed in.
    let last = c.requests().pop().unwrap();
    assert_eq!(last.method, "PATCH");
    assert_eq!(last.user.as_deref(), Some(GATEWAY_CLUSTER_ACCOUNT.0));
    assert_eq!(last.path, format!("/api/security/login/totps/{eng}/kpatel"));
    let audit = c.audit();
    assert_eq!(audit.last().unwrap().user, GATEWAY_CLUSTER_ACCOUNT.0);
    // A POST creates the stored account's own profile (once its SSH asks for TOTP, set through
    // the gateway too); `Location` comes under the gateway.
    let admin_svm = c.with_state(|s| s.admin_svm().unwrap().uuid.as_str().to_owned());
    let apps = r#"{"applications": [
        {"application": "http", "authentication_methods": ["password"]},
        {"application": "ssh", "authentication_methods": ["password"],
         "second_authentication_method": "totp"}]}"#;
    let r = call(
        &bg,
        "umadmin",
        "PATCH",
        &format!("{}/security/accounts/{admin_svm}/aiqum", base(&bg, 1)),
        &[],
        Some(apps),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let created = call(
        &bg,
        "umadmin",
        "POST",
        &format!("{}/security/login/totps", base(&bg, 1)),
        &[],
        Some(r#"{"account": {"name": "aiqum"}}"#),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let location = created.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{}/security/login/totps/", base(&bg, 1)))
            && location.ends_with("/aiqum"),
        "{location}"
    );
    assert_eq!(get(&bg, "umoperator", location).status, 200);
    // The other cluster saw nothing.
    assert!(bg.clusters[0].audit().is_empty());
}

#[test]
fn svm_headers_scope_a_listing_to_one_svm() {
    let bg = gateway(2);
    let c = &bg.clusters[1];
    let eng = c
        .svms()
        .into_iter()
        .find(|s| s.name == VS_ENG)
        .unwrap()
        .uuid;
    let path = format!("{}/security/login/totps?fields=owner", base(&bg, 1));
    let owners = |r: Resp| -> Vec<String> {
        let body: Value = r.json();
        body["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["owner"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = owners(get(&bg, "umoperator", &path));
    assert!(all.iter().any(|o| o != VS_ENG));
    let by_uuid = owners(call(
        &bg,
        "umoperator",
        "GET",
        &path,
        &[("X-Dot-SVM-UUID", eng.as_str())],
        None,
    ));
    assert!(
        !by_uuid.is_empty() && by_uuid.iter().all(|o| o == VS_ENG),
        "{by_uuid:?}"
    );
    let by_name = owners(call(
        &bg,
        "umoperator",
        "GET",
        &path,
        &[("X-Dot-SVM-Name", VS_HR)],
        None,
    ));
    assert!(
        !by_name.is_empty() && by_name.iter().all(|o| o == VS_HR),
        "{by_name:?}"
    );
    let accounts = call(
        &bg,
        "umoperator",
        "GET",
        &format!("{}/security/accounts?fields=owner", base(&bg, 1)),
        &[("X-Dot-SVM-Name", VS_HR)],
        None,
    );
    assert!(owners(accounts).iter().all(|o| o == VS_HR));
}
