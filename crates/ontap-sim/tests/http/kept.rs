//! Kept collection answers: the same listing is sent again from memory while the cluster is
//! unchanged, and never once anything changed it (a write, a failed sign-in that locks an
//! account, a change made by a test).

use ontap_sim::Config;
use serde_json::Value;

use crate::client::{profile_path, send, Sim};

const LISTING: &str = "/api/security/login/totps?fields=comment,enabled&max_records=500";
const ACCOUNTS: &str = "/api/security/accounts?fields=locked&max_records=500";

fn comment_of(listing: &Value, account: &str) -> Option<String> {
    listing["records"]
        .as_array()?
        .iter()
        .find(|r| r["account"]["name"] == account)
        .and_then(|r| r["comment"].as_str().map(str::to_owned))
}

#[test]
fn an_unchanged_cluster_sends_the_same_listing_and_a_write_is_seen_at_once() {
    let sim = Sim::demo();
    let first = sim.get(LISTING);
    let again = sim.get(LISTING);
    assert_eq!(first.status, 200);
    assert_eq!(first.body, again.body, "the same state, the same bytes");

    let profile = first.json()["records"][0].clone();
    let (owner, account) = (
        profile["owner"]["uuid"].as_str().unwrap().to_owned(),
        profile["account"]["name"].as_str().unwrap().to_owned(),
    );
    let r = sim.patch(
        &profile_path(&owner, &account),
        r#"{"comment":"changed by PATCH"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let after = sim.get(LISTING).json();
    assert_eq!(
        comment_of(&after, &account).as_deref(),
        Some("changed by PATCH")
    );

    // A change made beside the API (as the tests and the bench make them) is seen too.
    let mut stored = sim.bg.state.totp(&owner, &account).unwrap();
    stored.comment = Some("changed in the state".into());
    assert!(sim.bg.state.put_totp(stored));
    let after = sim.get(LISTING).json();
    assert_eq!(
        comment_of(&after, &account).as_deref(),
        Some("changed in the state")
    );
}

#[test]
fn who_asks_and_how_each_get_their_own_answer() {
    let mut sim = Sim::demo();
    let admin = sim.get(LISTING).json();
    let svm_user = sim.as_user("vsadmin").get(LISTING).json();
    assert_ne!(
        admin["num_records"], svm_user["num_records"],
        "an SVM administrator sees only their SVM's profiles"
    );
    let hal = sim.as_user("admin").get(LISTING).json();
    let plain = sim.get_accepting(LISTING, "application/json").json();
    assert!(hal["records"][0]["_links"].is_object());
    assert!(plain["records"][0].get("_links").is_none());
    assert_eq!(sim.get(LISTING).json(), hal);
}

#[test]
fn failed_sign_ins_that_lock_an_account_are_seen_in_the_next_listing() {
    let sim = Sim::start(Config {
        max_failed_logins: 2,
        ..Config::ephemeral()
    });
    let locked = |v: &Value| {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["name"] == "alice" && r["locked"] == true)
            .count()
    };
    assert_eq!(locked(&sim.get(ACCOUNTS).json()), 0);
    for _ in 0..2 {
        let r = send(sim.bg.addr, "GET", ACCOUNTS, Some(("alice", "wrong")), None);
        assert_eq!(r.status, 401);
    }
    assert!(locked(&sim.get(ACCOUNTS).json()) > 0, "alice is locked now");
}
