//! ONTAP's collection semantics over HTTP: the query syntax of filters (NetApp's "Input
//! variables for an ONTAP REST API request": `=`, `<`, `>`, `<=`, `>=`, `!`, `*`, `null`/`!null`;
//! the CLI's query operators shared by the API: `|`, `..`, double quotes), `fields`, `order_by`,
//! `return_records`, `return_timeout` (0 to 120, the spec's range) and `num_records`.

use std::collections::BTreeSet;

use ontap_model::Totp;
use ontap_sim::demo;
use serde_json::Value;

use crate::client::Sim;

const TOTPS: &str = "/api/security/login/totps";

fn names(sim: &Sim, q: &str) -> BTreeSet<String> {
    let r = sim.get(&format!("{TOTPS}?{q}"));
    assert_eq!(r.status, 200, "{q}: {}", r.text());
    let body = r.json();
    let recs = body["records"].as_array().unwrap();
    assert_eq!(
        body["num_records"].as_u64().unwrap() as usize,
        recs.len(),
        "{q}"
    );
    recs.iter()
        .map(|r| r["account"]["name"].as_str().unwrap().to_owned())
        .collect()
}

fn stored(sim: &Sim, f: impl Fn(&Totp) -> bool) -> BTreeSet<String> {
    sim.bg
        .state
        .totps()
        .iter()
        .filter(|t| f(t))
        .map(|t| t.account_name().unwrap().to_owned())
        .collect()
}

#[test]
fn wildcards_negation_and_alternatives() {
    let sim = Sim::demo();
    let name = |t: &Totp| t.account_name().unwrap().to_owned();
    assert_eq!(
        names(&sim, "account.name=*admin*"),
        stored(&sim, |t| name(t).contains("admin"))
    );
    assert_eq!(
        names(&sim, "account.name=fin.*"),
        stored(&sim, |t| name(t).starts_with("fin."))
    );
    assert_eq!(
        names(&sim, "owner.name=!cluster1"),
        stored(&sim, |t| t.owner_name() != Some(demo::CLUSTER_NAME))
    );
    assert_eq!(
        names(&sim, "account.name=kpatel|mrossi|nobody"),
        ["kpatel", "mrossi"].map(String::from).into()
    );
    assert_eq!(
        names(&sim, "account.name=k*|*.readonly&owner.name=!vs_hr"),
        ["fin.readonly", "kpatel"].map(String::from).into()
    );
    assert_eq!(names(&sim, "account.name=!*"), BTreeSet::new());
}

/// `<` and `>` are not valid in a raw URL: clients send them percent-encoded (%3C, %3E).
#[test]
fn comparisons_and_ranges_order_text() {
    let sim = Sim::demo();
    let name = |t: &Totp| t.account_name().unwrap().to_owned();
    assert_eq!(
        names(&sim, "account.name=%3Cc"),
        stored(&sim, |t| name(t).as_str() < "c")
    );
    assert_eq!(
        names(&sim, "account.name=%3E=o"),
        stored(&sim, |t| name(t).as_str() >= "o")
    );
    assert_eq!(
        names(&sim, "account.name=d..h"),
        stored(&sim, |t| ("d".."h").contains(&name(t).as_str())
            || name(t) == "h")
    );
}

#[test]
fn booleans_null_quotes_and_empty_values() {
    let sim = Sim::demo();
    let disabled = stored(&sim, |t| t.enabled == Some(false));
    assert_eq!(names(&sim, "enabled=false"), disabled);
    assert_eq!(names(&sim, "enabled=!true"), disabled);
    assert_eq!(
        names(&sim, "enabled=False"),
        disabled,
        "Python's requests sends False"
    );
    assert_eq!(
        names(&sim, "comment=null"),
        BTreeSet::new(),
        "every profile has a comment"
    );
    assert_eq!(
        names(&sim, "comment=!null").len(),
        sim.bg.state.totps().len()
    );
    assert_eq!(
        names(&sim, "comment="),
        stored(&sim, |t| t.comment.as_deref() == Some(""))
    );
    // `+` must be sent as %2B in a query; quotes take operator characters literally.
    assert_eq!(
        names(&sim, "account.name=%22ops%2Boncall%22"),
        ["ops+oncall".to_owned()].into()
    );
    assert_eq!(names(&sim, "account.name=%22*admin*%22"), BTreeSet::new());
    let fp = demo::fingerprint(demo::VS_ENG_UUID, "kpatel");
    assert_eq!(
        names(&sim, &format!("sha_fingerprint={}*", &fp[..12])),
        ["kpatel".to_owned()].into()
    );
    assert_eq!(
        names(&sim, "scope=svm&enabled=false"),
        stored(&sim, |t| {
            t.enabled == Some(false) && t.scope == Some(ontap_model::Scope::Svm)
        })
    );
}

#[test]
fn fields_named_nested_and_star() {
    let sim = Sim::demo();
    let first =
        |q: &str| -> Value { sim.get(&format!("{TOTPS}?{q}")).json()["records"][0].clone() };
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&first("")), ["_links", "account", "owner"]);
    assert_eq!(
        keys(&first("fields=comment")),
        ["_links", "account", "comment", "owner"]
    );
    assert_eq!(
        keys(&first("fields=*")),
        [
            "_links",
            "account",
            "comment",
            "enabled",
            "owner",
            "scope",
            "sha_fingerprint"
        ]
    );
    assert_eq!(first("fields=**"), first("fields=*"));
    // Nested: owner.name alone keeps the key owner whole (it is a key field).
    let r = first("fields=owner.name,enabled");
    assert!(r["owner"]["uuid"].is_string() && r["enabled"].is_boolean());
    assert!(r.get("comment").is_none());
    // A single record: every field unless `fields` says otherwise; nested selection works.
    let path = crate::client::profile_path(demo::VS_ENG_UUID, "kpatel");
    let one = sim.get(&format!("{path}?fields=account.name")).json();
    assert_eq!(keys(&one), ["_links", "account", "owner"]);
}

#[test]
fn order_by_asc_and_desc_on_several_fields() {
    let sim = Sim::demo();
    let body = sim
        .get(&format!(
            "{TOTPS}?order_by=enabled%20desc,owner.name%20asc,account.name%20desc&fields=enabled"
        ))
        .json();
    let got: Vec<(bool, String, String)> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["enabled"].as_bool().unwrap(),
                r["owner"]["name"].as_str().unwrap().to_owned(),
                r["account"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut want = got.clone();
    want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
    assert_eq!(got, want);
    assert!(got.first().unwrap().0 && !got.last().unwrap().0);
}

#[test]
fn counts_and_the_range_of_return_timeout_and_max_records() {
    let sim = Sim::demo();
    let all = sim.bg.state.totps().len() as u64;
    let body = sim
        .get(&format!("{TOTPS}?return_records=false&return_timeout=0"))
        .json();
    assert_eq!(body["num_records"].as_u64(), Some(all));
    assert!(body.get("records").is_none());
    assert_eq!(sim.get(&format!("{TOTPS}?return_timeout=120")).status, 200);
    for (q, field) in [
        ("return_timeout=121", "return_timeout"),
        ("return_timeout=-1", "return_timeout"),
        ("return_timeout=soon", "return_timeout"),
        ("max_records=0", "max_records"),
        ("max_records=-5", "max_records"),
        ("return_records=perhaps", "return_records"),
        ("order_by=account.name%20sideways", "order_by"),
        ("start.key=forged", "start.key"),
    ] {
        let r = sim.get(&format!("{TOTPS}?{q}"));
        assert_eq!((r.status, r.code()), (400, "262197".to_owned()), "{q}");
        assert_eq!(r.json()["error"]["target"], field, "{q}");
    }
    let r = sim.get(&format!("{TOTPS}?max_recs=5"));
    assert_eq!((r.status, r.code()), (400, "262179".to_owned()));
}

/// NetApp (Input variables, Accept): with `application/json` "none of the HAL links will be
/// returned except a link needed to retrieve the next batch of records"; anything else gets
/// `application/hal+json`.
#[test]
fn accept_application_json_drops_every_hal_link_but_next() {
    let sim = Sim::demo();
    let r = sim.get_accepting(
        &format!("{TOTPS}?max_records=2&fields=*"),
        "application/json",
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = r.json();
    assert!(body["_links"]["next"]["href"].is_string());
    assert!(body["_links"].get("self").is_none());
    let text = r.text();
    assert_eq!(text.matches("_links").count(), 1, "{text}");
    let one = sim.get_accepting(
        &crate::client::profile_path(demo::VS_ENG_UUID, "kpatel"),
        "application/json",
    );
    assert!(!one.text().contains("_links"));
    for accept in [
        "application/hal+json",
        "*/*",
        "text/html",
        "application/hal+json, application/json",
    ] {
        let r = sim.get_accepting(TOTPS, accept);
        assert_eq!(
            r.header("content-type"),
            Some("application/hal+json"),
            "{accept}"
        );
        assert!(r.json()["_links"]["self"]["href"].is_string(), "{accept}");
    }
}
