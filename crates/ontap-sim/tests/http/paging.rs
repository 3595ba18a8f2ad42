//! Paging a large collection: every record exactly once across pages (following the opaque
//! `_links.next`, as NetApp's "Pagination when retrieving objects in a collection" says), for
//! any page size, with the documented default of 10,000, and while other clients change the
//! collection.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ontap_sim::Config;
use serde_json::Value;

use crate::client::{send, Sim, PASSWORD};

const TOTPS: &str = "/api/security/login/totps";

fn big(profiles: usize) -> Sim {
    Sim::start(Config {
        profiles,
        seed: 3,
        ..Config::ephemeral()
    })
}

type Key = (String, String);

fn key(r: &Value) -> Key {
    (
        r["owner"]["uuid"].as_str().unwrap().to_owned(),
        r["account"]["name"].as_str().unwrap().to_owned(),
    )
}

/// Follows `_links.next` from `first`; every key in the order received, and the page count.
fn walk(sim: &Sim, first: &str) -> (Vec<Key>, usize) {
    let (mut keys, mut pages) = (Vec::new(), 0);
    let mut href = first.to_owned();
    loop {
        let body = sim.get(&href).json();
        let recs = body["records"].as_array().unwrap();
        assert_eq!(body["num_records"].as_u64().unwrap() as usize, recs.len());
        keys.extend(recs.iter().map(key));
        pages += 1;
        match body["_links"]["next"]["href"].as_str() {
            Some(n) => href = n.to_owned(),
            None => return (keys, pages),
        }
    }
}

#[test]
fn every_record_exactly_once_for_any_page_size_and_10000_by_default() {
    let sim = big(12_000);
    let total = sim.bg.state.totps().len();
    let stored: BTreeSet<Key> = sim
        .bg
        .state
        .totps()
        .iter()
        .map(|t| {
            (
                t.owner_uuid().unwrap().to_owned(),
                t.account_name().unwrap().to_owned(),
            )
        })
        .collect();
    for (q, pages) in [
        ("", total.div_ceil(10_000)),
        ("?max_records=997", total.div_ceil(997)),
        (
            "?max_records=5000&fields=comment,enabled",
            total.div_ceil(5000),
        ),
    ] {
        let (keys, got_pages) = walk(&sim, &format!("{TOTPS}{q}"));
        assert_eq!(keys.len(), total, "{q}");
        assert_eq!(keys.iter().cloned().collect::<BTreeSet<_>>(), stored, "{q}");
        assert_eq!(got_pages, pages, "{q}");
    }
    // The default order (walked page by page) is the order order_by names (sorted in full).
    let (walked, _) = walk(&sim, &format!("{TOTPS}?max_records=3000"));
    let (sorted, _) = walk(
        &sim,
        &format!("{TOTPS}?max_records=3000&order_by=owner.name,account.name,owner.uuid"),
    );
    assert_eq!(walked, sorted);
    // Filtered and ordered paging is complete too.
    let (keys, _) = walk(
        &sim,
        &format!("{TOTPS}?enabled=false&order_by=account.name%20desc&max_records=100"),
    );
    let disabled = sim
        .bg
        .state
        .totps()
        .iter()
        .filter(|t| t.enabled == Some(false))
        .count();
    assert_eq!(keys.len(), disabled);
    let names: Vec<&String> = keys.iter().map(|k| &k.1).collect();
    assert!(names.windows(2).all(|w| w[0] > w[1]));
}

#[test]
fn every_record_exactly_once_while_others_patch_and_delete() {
    let sim = big(3_000);
    let addr = sim.bg.addr;
    let all: Vec<Key> = sim
        .bg
        .state
        .totps()
        .iter()
        .map(|t| {
            (
                t.owner_uuid().unwrap().to_owned(),
                t.account_name().unwrap().to_owned(),
            )
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    // A writer changes comments and enabled flags, and deletes every 7th generated profile.
    let writer = {
        let stop = stop.clone();
        let all = all.clone();
        std::thread::spawn(move || {
            let mut deleted = BTreeSet::new();
            // Visit every profile once, in a scattered order (13 is prime to the count).
            for i in (0..all.len()).map(|j| (j * 13) % all.len()) {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let (o, a) = &all[i];
                let path = format!("{TOTPS}/{o}/{}", ontap_model::totp::encode_segment(a));
                let admin = Some(("admin", PASSWORD));
                if i % 7 == 3 && a.starts_with("user") {
                    if send(addr, "DELETE", &path, admin, None).status == 200 {
                        deleted.insert((o.clone(), a.clone()));
                    }
                } else {
                    let body = format!(r#"{{"comment": "edit {i}", "enabled": {}}}"#, i % 2 == 0);
                    assert_eq!(send(addr, "PATCH", &path, admin, Some(&body)).status, 200);
                }
            }
            deleted
        })
    };
    let (keys, _) = walk(&sim, &format!("{TOTPS}?max_records=40&fields=comment"));
    stop.store(true, Ordering::SeqCst);
    let deleted = writer.join().unwrap();
    let mut seen: BTreeMap<&Key, usize> = BTreeMap::new();
    for k in &keys {
        *seen.entry(k).or_default() += 1;
    }
    assert!(seen.values().all(|&n| n == 1), "a record came twice");
    for k in all.iter().filter(|k| !deleted.contains(*k)) {
        assert_eq!(seen.get(k), Some(&1), "{k:?} never deleted, yet missing");
    }
    assert!(!deleted.is_empty() || keys.len() == all.len());
}
