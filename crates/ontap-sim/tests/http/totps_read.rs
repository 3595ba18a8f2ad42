//! Reading TOTP profiles: key fields and `fields`, paging, counting, filters, order, unknown
//! parameters, single records, percent-encoded names, SVM scope and releases before 9.13.

use std::collections::BTreeSet;

use ontap_sim::demo;
use serde_json::{json, Value};

use crate::client::{profile_path, Sim};

const TOTPS: &str = "/api/security/login/totps";

fn records(v: &Value) -> Vec<Value> {
    v["records"].as_array().cloned().unwrap_or_default()
}

fn keys(v: &Value) -> Vec<(String, String)> {
    records(v)
        .iter()
        .map(|r| {
            (
                r["owner"]["uuid"].as_str().unwrap().to_owned(),
                r["account"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn without_fields_records_carry_only_the_key_fields() {
    let sim = Sim::demo();
    let r = sim.get(TOTPS);
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(
        body["num_records"].as_u64().unwrap() as usize,
        sim.bg.state.totps().len()
    );
    assert_eq!(body["_links"]["self"]["href"], TOTPS);
    assert!(body["_links"].get("next").is_none());
    for rec in records(&body) {
        let mut fields: Vec<&str> = rec
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        fields.sort();
        assert_eq!(fields, ["_links", "account", "owner"], "{rec}");
        assert!(rec["owner"]["name"].is_string() && rec["owner"]["uuid"].is_string());
        assert!(rec["_links"]["self"]["href"].is_string());
    }
}

#[test]
fn records_are_sorted_by_owner_name_then_account_name() {
    let sim = Sim::demo();
    let body = sim.get(TOTPS).json();
    let pairs: Vec<(String, String)> = records(&body)
        .iter()
        .map(|r| {
            (
                r["owner"]["name"].as_str().unwrap().to_owned(),
                r["account"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = pairs.clone();
    sorted.sort();
    assert_eq!(pairs, sorted);
    assert_eq!(pairs[0].0, demo::CLUSTER_NAME);
}

#[test]
fn fields_star_adds_comment_enabled_scope_and_fingerprint() {
    let sim = Sim::demo();
    for q in [
        "fields=*",
        "fields=**",
        "fields=comment,enabled,scope,sha_fingerprint",
    ] {
        let body = sim.get(&format!("{TOTPS}?{q}")).json();
        for rec in records(&body) {
            assert!(rec["comment"].is_string(), "{q}: {rec}");
            assert!(rec["enabled"].is_boolean());
            assert!(rec["scope"] == "cluster" || rec["scope"] == "svm");
            assert_eq!(rec["sha_fingerprint"].as_str().unwrap().len(), 64);
        }
    }
}

#[test]
fn a_fields_list_adds_only_the_fields_named() {
    let sim = Sim::demo();
    let body = sim
        .get(&format!("{TOTPS}?fields=enabled,owner.name"))
        .json();
    for rec in records(&body) {
        assert!(rec["enabled"].is_boolean());
        assert!(rec.get("comment").is_none() && rec.get("scope").is_none());
        assert!(rec.get("sha_fingerprint").is_none());
    }
}

/// As real clusters answer it (a public FSx for ONTAP transcript; ansible-collections/netapp.ontap
/// issue 189): 400, code 262197, `The value "x" is invalid for field "fields"`, target fields.
#[test]
fn a_field_the_record_does_not_have_is_refused_with_262197() {
    let sim = Sim::demo();
    let r = sim.get(&format!("{TOTPS}?fields=comment,secret_key"));
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            json!({"error": {"message": "The value \"secret_key\" is invalid for field \"fields\"",
                             "code": "262197", "target": "fields"}})
        )
    );
}

#[test]
fn paging_returns_every_record_exactly_once_following_next() {
    let sim = Sim::demo();
    let all = keys(&sim.get(TOTPS).json());
    for page_size in [1, 4, 7, all.len(), all.len() + 3] {
        let mut seen = Vec::new();
        let mut href = format!("{TOTPS}?max_records={page_size}&fields=enabled");
        let mut pages = 0;
        loop {
            let body = sim.get(&href).json();
            let page = keys(&body);
            assert_eq!(body["num_records"].as_u64().unwrap() as usize, page.len());
            assert!(page.len() <= page_size);
            assert!(records(&body).iter().all(|r| r["enabled"].is_boolean()));
            seen.extend(page);
            pages += 1;
            match body["_links"]["next"]["href"].as_str() {
                Some(next) => href = next.to_owned(),
                None => break,
            }
            assert!(pages <= all.len() + 1, "paging does not end");
        }
        assert_eq!(seen, all, "page size {page_size}");
        assert_eq!(pages, all.len().div_ceil(page_size).max(1));
    }
}

#[test]
fn paging_survives_a_change_between_pages() {
    let sim = Sim::demo();
    let first = sim.get(&format!("{TOTPS}?max_records=5")).json();
    let next = first["_links"]["next"]["href"].as_str().unwrap().to_owned();
    // A profile listed on the first page disappears before the second is read.
    let (owner, account) = keys(&first)[4].clone();
    sim.bg.state.remove_totp(&owner, &account).unwrap();
    let second = keys(&sim.get(&next).json());
    let firsts: BTreeSet<_> = keys(&first).into_iter().collect();
    assert!(second.iter().all(|k| !firsts.contains(k)));
    assert_eq!(second.len(), 5);
}

#[test]
fn return_records_false_gives_only_the_count() {
    let sim = Sim::demo();
    let body = sim.get(&format!("{TOTPS}?return_records=false")).json();
    assert!(body.get("records").is_none(), "{body}");
    assert_eq!(
        body["num_records"].as_u64().unwrap() as usize,
        sim.bg.state.totps().len()
    );
    let body = sim
        .get(&format!(
            "{TOTPS}?return_records=false&enabled=false&max_records=1"
        ))
        .json();
    let disabled = sim
        .bg
        .state
        .totps()
        .iter()
        .filter(|t| t.enabled == Some(false))
        .count();
    assert_eq!(body["num_records"].as_u64().unwrap() as usize, disabled);
}

#[test]
fn filters_match_exact_values_of_each_filterable_field() {
    let sim = Sim::demo();
    let stored = sim.bg.state.totps();
    let count = |q: &str| {
        let r = sim.get(&format!("{TOTPS}?{q}"));
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        r.json()["num_records"].as_u64().unwrap() as usize
    };
    let n = |f: &dyn Fn(&ontap_model::Totp) -> bool| stored.iter().filter(|t| f(t)).count();
    assert_eq!(count("enabled=false"), n(&|t| t.enabled == Some(false)));
    assert_eq!(count("enabled=true"), n(&|t| t.enabled == Some(true)));
    assert_eq!(
        count("owner.name=vs_fin"),
        n(&|t| t.owner_name() == Some("vs_fin"))
    );
    assert_eq!(
        count(&format!("owner.uuid={}", demo::VS_HR_UUID)),
        n(&|t| t.owner_uuid() == Some(demo::VS_HR_UUID))
    );
    assert_eq!(
        count("scope=cluster"),
        n(&|t| t.scope == Some(ontap_model::Scope::Cluster))
    );
    assert_eq!(count("comment="), n(&|t| t.comment.as_deref() == Some("")));
    assert_eq!(count("comment=FreeOTP"), 1);
    assert_eq!(count("account.name=CORP%5Cjdoe"), 1);
    assert_eq!(count("account.name=vsadmin"), 1);
    assert_eq!(count("account.name=vsadmin&owner.name=vs_fin"), 0);
    let fp = demo::fingerprint(demo::VS_ENG_UUID, "kpatel");
    let body = sim.get(&format!("{TOTPS}?sha_fingerprint={fp}")).json();
    assert_eq!(
        keys(&body),
        [(demo::VS_ENG_UUID.to_owned(), "kpatel".to_owned())]
    );
}

#[test]
fn order_by_sorts_by_the_fields_named() {
    let sim = Sim::demo();
    let body = sim
        .get(&format!(
            "{TOTPS}?order_by=account.name%20desc&fields=enabled"
        ))
        .json();
    let names: Vec<String> = keys(&body).into_iter().map(|(_, a)| a).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, sorted);
    let body = sim
        .get(&format!("{TOTPS}?order_by=enabled,account.name"))
        .json();
    let first = &records(&body)[0];
    let r = sim.get(&format!(
        "{}?fields=enabled",
        first["_links"]["self"]["href"].as_str().unwrap()
    ));
    assert_eq!(r.json()["enabled"], false);
    let r = sim.get(&format!("{TOTPS}?order_by=colour"));
    assert_eq!((r.status, r.code()), (400, "262197".to_owned()));
}

/// 262179 "Unexpected argument" as real clusters answer unknown arguments (ansible issue 178,
/// a public transcript for an extra path segment); see UNEXPECTED_ARGUMENT in the README.
#[test]
fn unknown_query_parameters_are_refused_as_unexpected_arguments_262179() {
    let sim = Sim::demo();
    let r = sim.get(&format!("{TOTPS}?colour=red"));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"error": {"message": "Unexpected argument \"colour\".", "code": "262179", "target": "colour"}})
    );
    let r = sim.get(&format!(
        "{}?max_records=1",
        profile_path(demo::VS_ENG_UUID, "vsadmin")
    ));
    assert_eq!((r.status, r.code()), (400, "262179".to_owned()));
    // An extra path segment: 404 262179 without target, as the public transcript shows.
    let r = sim.get(&format!(
        "{}/extra",
        profile_path(demo::VS_ENG_UUID, "vsadmin")
    ));
    assert_eq!(
        (r.status, r.json()),
        (
            404,
            json!({"error": {"message": "Unexpected argument \"extra\".", "code": "262179"}})
        )
    );
}

#[test]
fn a_single_profile_has_every_field_unless_fields_says_otherwise() {
    let sim = Sim::demo();
    let path = profile_path(demo::VS_ENG_UUID, "kpatel");
    let full = sim.get(&path).json();
    assert_eq!(full["comment"], "Authy on personal phone");
    assert_eq!(full["enabled"], true);
    assert_eq!(full["scope"], "svm");
    assert_eq!(full["owner"]["name"], demo::VS_ENG);
    assert_eq!(full["_links"]["self"]["href"], path);
    let some = sim.get(&format!("{path}?fields=comment")).json();
    assert_eq!(some["comment"], "Authy on personal phone");
    assert!(some.get("enabled").is_none() && some["account"]["name"] == "kpatel");
}

#[test]
fn an_absent_profile_is_404_code_4_entry_doesnt_exist() {
    let sim = Sim::demo();
    for path in [
        profile_path(demo::VS_ENG_UUID, "alice"),
        profile_path(demo::VS_ENG_UUID, "nobody"),
        format!("{TOTPS}/not-a-uuid/kpatel"),
        format!("{TOTPS}/{}/ab", demo::VS_ENG_UUID),
    ] {
        let r = sim.get(&path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(
            r.json(),
            json!({"error": {"message": "entry doesn't exist", "code": "4"}})
        );
    }
}

#[test]
fn percent_encoded_account_names_round_trip_through_every_self_link() {
    let sim = Sim::demo();
    let body = sim.get(TOTPS).json();
    for rec in records(&body) {
        let href = rec["_links"]["self"]["href"].as_str().unwrap();
        let r = sim.get(href);
        assert_eq!(r.status, 200, "{href}");
        assert_eq!(r.json()["account"], rec["account"], "{href}");
    }
    for name in ["CORP\\jdoe", "jürgen.müller", "ops+oncall"] {
        let path = profile_path(demo::ADMIN_SVM_UUID, name);
        assert!(path.contains('%'), "{path}");
        assert_eq!(sim.get(&path).json()["account"]["name"], name);
    }
    // A raw `+` in a path is a plus sign; upper-case UUIDs address the same owner.
    let raw = format!("{TOTPS}/{}/ops+oncall", demo::ADMIN_SVM_UUID.to_uppercase());
    assert_eq!(sim.get(&raw).json()["account"]["name"], "ops+oncall");
}

#[test]
fn svm_scoped_users_see_only_the_profiles_of_their_svm() {
    let mut sim = Sim::demo();
    sim.as_user("vsadmin");
    let body = sim.get(TOTPS).json();
    let own = keys(&body);
    assert!(!own.is_empty());
    assert!(own.iter().all(|(o, _)| o == demo::VS_ENG_UUID));
    let r = sim.get(&profile_path(demo::VS_FIN_UUID, "mrossi"));
    assert_eq!((r.status, r.code()), (404, "4".to_owned()));
    let r = sim.get(&profile_path(demo::ADMIN_SVM_UUID, "jdoe"));
    assert_eq!((r.status, r.code()), (404, "4".to_owned()));
    assert_eq!(
        sim.get(&profile_path(demo::VS_ENG_UUID, "kpatel")).status,
        200
    );
}

#[test]
fn the_readonly_role_reads_every_svm() {
    let mut sim = Sim::demo();
    sim.as_user("readonly");
    let body = sim.get(TOTPS).json();
    assert_eq!(
        body["num_records"].as_u64().unwrap() as usize,
        sim.bg.state.totps().len()
    );
    assert_eq!(
        sim.get(&profile_path(demo::VS_FIN_UUID, "mrossi")).status,
        200
    );
}

#[test]
fn before_9_13_the_totp_endpoints_do_not_exist() {
    let sim = Sim::on_version("9.12.1");
    for path in [TOTPS.to_owned(), profile_path(demo::VS_ENG_UUID, "kpatel")] {
        let r = sim.get(&path);
        assert_eq!((r.status, r.code()), (404, "3".to_owned()), "{path}");
    }
    let r = sim.patch(
        &profile_path(demo::VS_ENG_UUID, "kpatel"),
        r#"{"comment": "x"}"#,
    );
    assert_eq!(r.status, 404);
    assert_eq!(sim.get("/api/cluster").json()["version"]["major"], 12);
    assert_eq!(Sim::on_version("9.13.0").get(TOTPS).status, 200);
}
