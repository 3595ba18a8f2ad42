//! The indexes ([`ontap_sim::index`], exact-name lookups, walks from a continuation) answer
//! exactly what the whole-collection scan answers (`State::scan`, the emulator before them):
//! the same bytes for every query kind the page sends and the filter syntax around them, page
//! after page, for a cluster-scoped and an SVM-scoped caller, and after the collection changed.

use ontap_model::{AccountName, OwnerUuid};
use ontap_sim::demo::{self, VS_ENG_UUID};
use ontap_sim::Config;
use serde_json::Value;

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

/// Every page of `first`, following `_links.next`, with `between` run before each later page;
/// the records of all pages in order.
fn pages_with_writes(sim: &Sim, first: &str, mut between: impl FnMut(usize)) -> Vec<Value> {
    let mut href = first.to_owned();
    let mut records = Vec::new();
    for n in 0.. {
        if n > 0 {
            between(n);
        }
        let r = sim.get(&href);
        assert_eq!(r.status, 200, "{href}: {}", r.text());
        let page = r.json();
        records.extend(page["records"].as_array().cloned().unwrap_or_default());
        match page["_links"]["next"]["href"].as_str() {
            Some(next) => href = next.to_owned(),
            None => break,
        }
    }
    records
}

/// The text a record sorts by at `path`, as ONTAP's order compares it.
fn sort_text(record: &Value, path: &str) -> String {
    let v = path
        .split('.')
        .fold(Some(record), |v, seg| v.and_then(|v| v.get(seg)));
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if path == "index" => format!("{:020}", n.as_u64().unwrap_or(0)),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// `records` sorted by `order` (field, descending) the reference way: a full sort of keys.
fn sorted(mut records: Vec<Value>, order: &[(&str, bool)]) -> Vec<Value> {
    records.sort_by(|a, b| {
        order
            .iter()
            .map(|&(f, desc)| {
                let (x, y) = (sort_text(a, f), sort_text(b, f));
                if desc {
                    y.cmp(&x)
                } else {
                    x.cmp(&y)
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    records
}

/// A page with `order_by` picks its records from the whole collection without sorting all of
/// it, and a filter reads typed fields without rendering them: page after page, with profiles
/// changed between pages (ahead of and behind the continuation), the records are those of a
/// full sort of the filtered collection as it stood when each page was read.
#[test]
fn ordered_and_filtered_pages_are_a_full_sorts_records() {
    let sim = big();
    let order = [
        ("comment", true),
        ("owner.name", false),
        ("account.name", false),
        ("owner.uuid", false),
    ];
    let everything = |q: &str| -> Vec<Value> {
        let r = sim.get(&format!("{TOTPS}?{q}&fields=*&max_records=100000"));
        r.json()["records"].as_array().cloned().unwrap_or_default()
    };
    for filter in [
        "",
        "&comment=*a*|!*e*",
        "&owner.name=vs_*&enabled=true",
        "&scope=svm&account.name=!*1*",
    ] {
        let q = format!("order_by=comment%20desc{filter}");
        let expected = sorted(everything(&format!("fields=*{filter}")), &order);
        let paged = pages_with_writes(
            &sim,
            &format!("{TOTPS}?{q}&fields=*&max_records=97"),
            |_| {},
        );
        assert_eq!(paged, expected, "{q}");
        assert!(!expected.is_empty(), "{q}");
    }
    // Writes between pages: a comment that sorts first (already passed) and one that sorts
    // last (still ahead), so the later pages read a changed collection.
    let mut expected_tail = Vec::new();
    let keys: Vec<(String, String)> = everything("fields=owner.uuid")
        .iter()
        .map(|t| {
            (
                t["owner"]["uuid"].as_str().unwrap().to_owned(),
                t["account"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let first = format!("{TOTPS}?order_by=comment%20desc&fields=comment&max_records=500");
    let paged = pages_with_writes(&sim, &first, |n| {
        let (o, a) = &keys[n * 37 % keys.len()];
        let comment = if n % 2 == 0 { "~ first" } else { "  last" };
        let r = sim.patch(
            &format!("{TOTPS}/{o}/{a}"),
            &format!(r#"{{"comment":"{comment}"}}"#),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        if n % 2 == 1 {
            expected_tail.push(a.clone());
        }
    });
    // Each record once at most, in the order asked, and every profile changed to sort last
    // is found (it is still ahead of the continuation when it changes).
    let names: Vec<(String, String)> = paged
        .iter()
        .map(|t| (sort_text(t, "comment"), sort_text(t, "account.name")))
        .collect();
    assert!(names.windows(2).all(|w| w[0].0 >= w[1].0), "out of order");
    for a in expected_tail {
        assert!(
            names.iter().any(|(c, n)| c == "  last" && *n == a),
            "{a} not listed"
        );
    }
}

/// The history page's query over an audit log whose records share timestamps, read page by
/// page while requests add records: each page is the reference's (the whole log filtered by
/// the rendered values and fully sorted) after the previous page's last record.
#[test]
fn history_pages_are_a_full_sorts_records_while_the_log_grows() {
    let sim = big();
    let now = sim.bg.state.now();
    for i in 0..5_000u64 {
        let input = match i % 4 {
            0 => format!("PATCH /api/security/login/totps/u/user{i} : {{\"enabled\":false}}"),
            1 => format!(
                "security login modify -user-or-group-name u{i} -second-authentication-method totp"
            ),
            2 => format!("PATCH /api/storage/volumes/v{i} : {{\"size\":1}}"),
            _ => format!("GET /api/security/accounts?name=u{i}"),
        };
        sim.bg.state.add_audit(ontap_sim::audit::AuditRecord {
            // Ten records a second, some seconds out of order.
            timestamp: ontap_sim::audit::timestamp(now - 1_000 + (i / 10) % 480),
            index: 0,
            application: "http",
            location: ontap_sim::audit::LOCATION.to_owned(),
            user: if i % 3 == 0 { "admin" } else { "bob" }.to_owned(),
            role: "admin".to_owned(),
            input,
            state: if i % 7 == 0 { "error" } else { "success" },
            message: (i % 7 == 0).then(|| "no".to_owned()),
            scope: "cluster",
            svm: demo::CLUSTER_NAME.to_owned(),
            session_id: i.to_string(),
            command_id: i.to_string(),
        });
    }
    let inputs = "*security/login/totps*|*security/accounts*|security login totp*|security login modify*|security login unlock*|security login lock*";
    let fields = "timestamp,index,application,location,user,input,state,message,scope,svm";
    let order = [("timestamp", true), ("node.name", false), ("index", false)];
    for (filter, pattern) in [
        (
            format!("input={}", inputs.replace('|', "%7C").replace(' ', "%20")),
            inputs,
        ),
        ("user=!admin&state=error".to_owned(), ""),
    ] {
        let reference = |after: Option<&Value>| -> Vec<Value> {
            let all: Vec<Value> = sim.bg.state.with_state(|s| {
                s.audit
                    .iter()
                    .filter(|r| {
                        let v = serde_json::to_value(r).unwrap();
                        pattern.is_empty()
                            || ontap_sim::filter::matches(&[v["input"].clone()], pattern)
                    })
                    .filter(|r| !pattern.is_empty() || (r.user != "admin" && r.state == "error"))
                    .map(|r| serde_json::to_value(r).unwrap())
                    .collect()
            });
            let key =
                |r: &Value| -> Vec<String> { order.iter().map(|(f, _)| sort_text(r, f)).collect() };
            sorted(all, &[("timestamp", true), ("index", false)])
                .into_iter()
                // After the last record read: older, or as old with a larger index.
                .filter(|r| {
                    after.is_none_or(|a| {
                        let (k, ka) = (key(r), key(a));
                        k[0] < ka[0] || (k[0] == ka[0] && k[2] > ka[2])
                    })
                })
                .collect()
        };
        let mut href = format!(
            "/api/security/audit/messages?{filter}&fields={fields}&order_by=timestamp%20desc&max_records=333"
        );
        let mut last: Option<Value> = None;
        let mut pages = 0;
        loop {
            let expected: Vec<Value> = reference(last.as_ref()).into_iter().take(333).collect();
            let page = sim.get(&href).json();
            let got: Vec<(Value, Value)> = page["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["timestamp"].clone(), r["index"].clone()))
                .collect();
            let want: Vec<(Value, Value)> = expected
                .iter()
                .map(|r| (r["timestamp"].clone(), r["index"].clone()))
                .collect();
            assert_eq!(got, want, "{filter}: page {pages}");
            pages += 1;
            last = page["records"].as_array().unwrap().last().cloned();
            // A change between pages adds audit records (newer than every page read).
            let r = sim.patch(
                &format!("{TOTPS}/{VS_ENG_UUID}/kpatel"),
                r#"{"comment":"p"}"#,
            );
            assert_eq!(r.status, 200, "{}", r.text());
            match page["_links"]["next"]["href"].as_str() {
                Some(n) => href = n.to_owned(),
                None => break,
            }
        }
        assert!(pages > 1, "{filter}: {pages} pages");
    }
}

/// An account's text is kept between answers ([`ontap_sim::texts`]) and reused only while the
/// account, its SVM and the release are what it was written from: after each kind of change,
/// by the API or in the state directly, the kept answer is still the scan's, byte for byte,
/// for both kinds of answer (HAL and plain JSON), which are kept apart. The cluster is large
/// enough (over 4,000 accounts) for the page to be written on two threads where there are two
/// cores, each keeping and reusing its own part's texts.
#[test]
fn kept_account_texts_follow_every_change() {
    let sim = Sim::start(Config {
        profiles: 5_000,
        accounts: 400,
        seed: 5,
        ..Config::ephemeral()
    });
    assert!(sim.bg.state.with_state(|s| s.accounts.len()) > 4_000);
    let page = format!("{ACCOUNTS}?fields=name,owner,role.name,locked,scope,applications,comment&max_records=20000");
    let same = |why: &str| {
        for accept in ["application/hal+json", "application/json"] {
            let fast = sim.get_accepting(&page, accept);
            // Asked again after a change of the state (so that the whole answer is not the
            // one kept): written from the texts the first answer kept.
            sim.bg.state.with_state(|_| ());
            let again = sim.get_accepting(&page, accept);
            sim.bg.state.with_state(|s| s.scan = true);
            let slow = sim.get_accepting(&page, accept);
            sim.bg.state.with_state(|s| s.scan = false);
            assert_eq!(fast.status, 200, "{why}: {}", fast.text());
            assert_eq!(fast.text(), slow.text(), "{why}, {accept}");
            assert_eq!(again.text(), slow.text(), "{why}, {accept}, asked again");
        }
    };
    same("first read");
    let patched = sim.patch(
        &format!("{ACCOUNTS}/{VS_ENG_UUID}/vsadmin"),
        r#"{"comment":"changed by PATCH","locked":true}"#,
    );
    assert_eq!(patched.status, 200, "{}", patched.text());
    same("after a PATCH");
    assert!(sim.get(&page).text().contains("changed by PATCH"));
    sim.bg
        .state
        .with_state(|s| s.accounts[7].comment = "changed in place".into());
    same("after a change in the state");
    assert!(sim.get(&page).text().contains("changed in place"));
    sim.bg.state.with_state(|s| {
        let svm = s.svms.iter_mut().find(|v| !v.is_admin).unwrap();
        svm.name = "vs_renamed".into();
    });
    same("after an SVM is renamed");
    assert!(sim.get(&page).text().contains("vs_renamed"));
    // Before 9.14.1 the applications carry no LDAP fields (LDAP_APPLICATION_FIELDS_FROM).
    sim.bg
        .state
        .with_state(|s| s.version = ontap_model::Version::new(9, 10, 1));
    same("on another release");
    assert!(!sim.get(&page).text().contains("is_ldap_fastbind"));
}
