//! The indexes ([`ontap_sim::index`], exact-name lookups, walks from a continuation) answer
//! exactly what the whole-collection scan answers (`State::scan`, the emulator before them):
//! the same bytes for every query kind the page sends and the filter syntax around them, page
//! after page, for a cluster-scoped and an SVM-scoped caller, and after the collection changed.

use ontap_model::{AccountName, OwnerUuid};
use ontap_sim::demo::{self, VS_ENG_UUID};
use ontap_sim::Config;

use crate::client::{Resp, Sim};

const TOTPS: &str = "/api/security/login/totps";
const ACCOUNTS: &str = "/api/security/accounts";

fn big() -> Sim {
    Sim::start(Config {
        profiles: 3_000,
        accounts: 400,
        seed: 5,
        ..Config::ephemeral()
    })
}

fn answer(sim: &Sim, path: &str, scan: bool) -> Resp {
    sim.bg.state.with_state(|s| s.scan = scan);
    let r = sim.get(path);
    sim.bg.state.with_state(|s| s.scan = false);
    r
}

/// Follows `_links.next` from `first` both ways, comparing every page's bytes; the pages seen.
fn same_both_ways(sim: &Sim, first: &str) -> usize {
    let mut href = first.to_owned();
    let mut pages = 0;
    loop {
        let fast = answer(sim, &href, false);
        let slow = answer(sim, &href, true);
        assert_eq!(fast.status, slow.status, "{href}: {}", fast.text());
        assert_eq!(fast.text(), slow.text(), "{href}");
        pages += 1;
        if fast.status != 200 {
            return pages;
        }
        match fast.json()["_links"]["next"]["href"].as_str() {
            Some(n) => href = n.to_owned(),
            None => return pages,
        }
    }
}

/// Queries over both collections: the page's own (crates/totp-admin src/api) and the filter
/// syntax of tests/http/filters.rs on the indexed fields.
fn queries() -> Vec<String> {
    let acc = "fields=name,owner,role.name,locked,scope,applications";
    let mut q: Vec<String> = vec![
        format!("{ACCOUNTS}?{acc}&max_records=20000"),
        format!("{ACCOUNTS}?{acc}&max_records=97"),
        format!("{ACCOUNTS}?name=admin&fields=name,owner,role,scope"),
        format!("{ACCOUNTS}?name=vsadmin"),
        format!("{ACCOUNTS}?name=%22vsadmin%22&max_records=1"),
        format!("{ACCOUNTS}?name=vsadmin|admin|mchen|nobody&max_records=2"),
        format!("{ACCOUNTS}?name=vsadmin&name=!admin"),
        format!("{ACCOUNTS}?name=vsadmin&owner.name=vs_eng"),
        format!("{ACCOUNTS}?name=!vsadmin&max_records=150"),
        format!("{ACCOUNTS}?name=mfa*&max_records=100"),
        format!("{ACCOUNTS}?name=ab"),
        format!("{ACCOUNTS}?name=admin&return_records=false"),
        format!("{ACCOUNTS}?return_records=false"),
        format!("{ACCOUNTS}?order_by=name%20desc&max_records=300"),
        format!("{ACCOUNTS}?order_by=locked&fields=locked&max_records=500"),
        format!("{ACCOUNTS}?owner.name=vs_eng|vs_hr&max_records=50&fields=*"),
        format!("{ACCOUNTS}?locked=true&max_records=40"),
        format!("{ACCOUNTS}?name=null"),
        format!("{TOTPS}?fields=owner.name,scope,enabled,comment,sha_fingerprint&max_records=200"),
        format!("{TOTPS}?fields=*&max_records=700"),
        format!("{TOTPS}?account.name=admin&fields=enabled,owner.name,scope"),
        format!("{TOTPS}?account.name=kpatel|mchen|%22nobody%22&max_records=1"),
        format!("{TOTPS}?account.name=kpatel&owner.name=vs_eng"),
        format!("{TOTPS}?account.name=kpatel&account.name=!kpatel"),
        format!("{TOTPS}?account.name=k*&max_records=5"),
        format!("{TOTPS}?account.name=!kpatel&max_records=900"),
        format!("{TOTPS}?account.name=kpatel&return_records=false"),
        format!("{TOTPS}?account.name=xy"),
        format!("{TOTPS}?return_records=false"),
        format!("{TOTPS}?order_by=comment%20desc&max_records=400"),
        format!("{TOTPS}?enabled=false&max_records=300"),
    ];
    // Each generated name also, exactly: names from the generator, not the demo's.
    q.push(format!("{ACCOUNTS}?name=mfa0001|mfa0400"));
    q
}

#[test]
fn indexed_answers_are_the_scans_bytes_page_after_page() {
    let mut sim = big();
    let mut pages = 0;
    for q in queries() {
        pages += same_both_ways(&sim, &q);
    }
    sim.as_user("vsadmin");
    for q in queries() {
        pages += same_both_ways(&sim, &q);
    }
    assert!(pages > 2 * queries().len(), "only {pages} pages compared");
}

#[test]
fn accounts_added_or_changed_later_are_found_by_the_index() {
    let sim = big();
    let owner = OwnerUuid::try_from(VS_ENG_UUID).unwrap();
    let mut added = sim.bg.state.account(VS_ENG_UUID, "vsadmin").unwrap();
    added.name = AccountName::try_from("aaa-late").unwrap();
    sim.bg.state.put_account(added.clone());
    assert!(sim.bg.state.account(owner.as_str(), "aaa-late").is_some());
    // Found by name, signed in with, listed first in its SVM, and changed in place.
    let r = sim.get(&format!("{ACCOUNTS}?name=aaa-late&fields=locked"));
    assert_eq!(r.json()["num_records"], 1, "{}", r.text());
    let signed = crate::client::send(
        sim.bg.addr,
        "GET",
        "/api/cluster",
        Some(("aaa-late", demo::DEMO_PASSWORD)),
        None,
    );
    assert_eq!(signed.status, 200, "{}", signed.text());
    let first = sim.get(&format!("{ACCOUNTS}?owner.name=vs_eng&max_records=1"));
    assert_eq!(first.json()["records"][0]["name"], "aaa-late");
    let patched = sim.patch(
        &format!("{ACCOUNTS}/{VS_ENG_UUID}/aaa-late"),
        r#"{"locked":true}"#,
    );
    assert_eq!(patched.status, 200, "{}", patched.text());
    let r = sim.get(&format!("{ACCOUNTS}?name=aaa-late&fields=locked"));
    assert_eq!(r.json()["records"][0]["locked"], true);
    for q in queries() {
        same_both_ways(&sim, &q);
    }
}
