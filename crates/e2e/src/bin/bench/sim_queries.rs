//! The emulator alone, one query at a time: every kind of request the page sends, answered by a
//! cluster of 100,000 profiles and 100,000 accounts (issue 19: "the emulator is never the
//! bottleneck", ≤ 50 ms each). Each query is timed with the emulator's indexes and again with
//! them switched off (`State::scan`, the whole-collection work of every request before them),
//! in the same run. Both are timed with the state just changed, so that the emulator renders
//! every answer: an unchanged state's collection answers are kept and sent again as they are,
//! which the bench reports on a row of its own. Unchanged accounts' texts are kept too
//! (`ontap_sim::texts`, pages of 1,000 or more), so the indexed figure of a large accounts'
//! listing is written from them, and its scan ratio counts both savings; the same listings are
//! also timed with no texts kept, every account written, the scan's like.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{ensure, Result};
use e2e::PASSWORD;
use ontap_sim::demo::{ADMIN_SVM_UUID, VS_ENG_UUID};

use crate::stats::{stat, Table};

/// The budget of every query (issue 19).
const BUDGET_MS: f64 = 50.0;

/// One request as admin; its status and body size, and the time to the whole answer.
fn time(addr: SocketAddr, method: &str, path: &str, body: Option<&[u8]>) -> Result<(f64, Vec<u8>)> {
    let auth = e2e::http::basic_auth("admin", PASSWORD);
    let t0 = Instant::now();
    let r = e2e::http::request(
        addr,
        method,
        path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        body,
    )?;
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    ensure!(r.status == 200, "{method} {path}: {}", r.status);
    Ok((ms, r.body))
}

/// The `next` link of a listing's answer.
fn next_of(body: &[u8]) -> Result<String> {
    let v: serde_json::Value = serde_json::from_slice(body)?;
    Ok(v["_links"]["next"]["href"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_default())
}

pub(crate) fn sim_queries(t: &mut Table, runs: usize) -> Result<()> {
    let demo = ontap_sim::demo::cluster(ontap_model::Version::new(9, 18, 1));
    // `profiles` adds an account with each profile: 100,000 of each, as the issue counts.
    let sim = ontap_sim::start_background(ontap_sim::Config {
        profiles: 100_000usize.saturating_sub(demo.totps.len()),
        seed: 1,
        ..ontap_sim::Config::ephemeral()
    })?;
    let (profiles, accounts) = sim.state.with_state(|s| (s.totps.len(), s.accounts.len()));
    // An audit log of 100,000 records (the emulator's default log size), most of them not
    // about TOTP, as the history page reads it.
    let now = sim.state.now();
    for i in 0..100_000u64 {
        let totp = i % 10 == 0;
        sim.state.add_audit(ontap_sim::audit::AuditRecord {
            timestamp: ontap_sim::audit::timestamp(now - 100_000 + i),
            index: 0,
            application: "http",
            location: ontap_sim::audit::LOCATION.to_owned(),
            user: "admin".to_owned(),
            role: "admin".to_owned(),
            input: if totp {
                format!("PATCH /api/security/login/totps/u/user{i:06} : {{\"enabled\":false}}")
            } else {
                format!("PATCH /api/storage/volumes/v{i} : {{\"size\":1}}")
            },
            state: "success",
            message: None,
            scope: "cluster",
            svm: ontap_sim::demo::CLUSTER_NAME.to_owned(),
            session_id: i.to_string(),
            command_id: i.to_string(),
        });
    }
    let addr = sim.addr;
    let acc_fields = "fields=name,owner,role.name,locked,scope,applications";
    let table = "fields=owner.name,scope,enabled,comment,sha_fingerprint";
    // The continuation of the profile table's first page, and of the accounts' (the page asks
    // its later pages with a larger max_records: crates/totp-admin src/api/list.rs).
    let totps_next = next_of(
        &time(
            addr,
            "GET",
            &format!("/api/security/login/totps?{table}&max_records=200"),
            None,
        )?
        .1,
    )?
    .replace("max_records=200", "max_records=2000");
    let accounts_next = next_of(
        &time(
            addr,
            "GET",
            &format!("/api/security/accounts?{acc_fields}&max_records=20000"),
            None,
        )?
        .1,
    )?;
    // The history page's second page: the continuation of its first.
    let history = "/api/security/audit/messages?input=*security/login/totps*%7C*security/accounts*%7Csecurity%20login%20totp*%7Csecurity%20login%20modify*%7Csecurity%20login%20unlock*%7Csecurity%20login%20lock*&fields=timestamp,index,application,location,user,input,state,message,scope,svm&order_by=timestamp%20desc&max_records=500";
    let history_next = next_of(&time(addr, "GET", history, None)?.1)?;
    ensure!(
        !totps_next.is_empty() && !accounts_next.is_empty() && !history_next.is_empty(),
        "no second page"
    );
    let patch = br#"{"comment":"bench"}"#;
    let queries: Vec<(&str, String, &str, Option<&[u8]>)> = vec![
        ("cluster", "/api/cluster?fields=name,uuid,version".into(), "GET", None),
        ("signed-in account (name=admin)", "/api/security/accounts?name=admin&fields=name,owner,role,scope".into(), "GET", None),
        ("visible SVMs", "/api/svm/svms?fields=name,uuid&max_records=2".into(), "GET", None),
        ("own profile (account.name=admin)", "/api/security/login/totps?account.name=admin&fields=enabled,owner.name,scope".into(), "GET", None),
        ("profile count (return_records=false)", "/api/security/login/totps?return_records=false".into(), "GET", None),
        ("profiles, first page of 200", format!("/api/security/login/totps?{table}&max_records=200"), "GET", None),
        ("profiles, a later page of 2,000", totps_next, "GET", None),
        ("profiles, order_by comment desc, 200", format!("/api/security/login/totps?{table}&order_by=comment%20desc&max_records=200"), "GET", None),
        ("one profile", format!("/api/security/login/totps/{VS_ENG_UUID}/kpatel?fields=comment,enabled,scope,sha_fingerprint,owner.name"), "GET", None),
        ("accounts, first page of 20,000", format!("/api/security/accounts?{acc_fields}&max_records=20000"), "GET", None),
        ("accounts, a later page of 20,000", accounts_next, "GET", None),
        ("accounts, a page of 2,000", format!("/api/security/accounts?{acc_fields}&max_records=2000"), "GET", None),
        ("accounts, first 200", format!("/api/security/accounts?{acc_fields}&max_records=200"), "GET", None),
        ("one account", format!("/api/security/accounts/{ADMIN_SVM_UUID}/mchen?{acc_fields}"), "GET", None),
        ("history: audit log, first page of 500 (100,000 records)", history.into(), "GET", None),
        ("history: audit log, next page of 500", history_next, "GET", None),
        // The enrolment page's check of the signed-in account's SSH second factor, and an
        // SVM account's own profile (account.name and owner.name).
        ("own SSH requirement (name=admin, applications)", "/api/security/accounts?name=admin&fields=applications,owner.name,scope".into(), "GET", None),
        ("SVM account's own profile (account.name, owner.name)", "/api/security/login/totps?account.name=vsadmin&owner.name=vs_eng&fields=enabled,owner.name,scope".into(), "GET", None),
        ("SVM account's SSH requirement (name, owner.name)", "/api/security/accounts?name=vsadmin&owner.name=vs_eng&fields=applications,owner.name,scope".into(), "GET", None),
        // The accounts view's other second factors.
        ("Duo profiles", "/api/security/authentication/duo/profiles?fields=owner,is_enabled,status".into(), "GET", None),
        ("WebAuthn credentials", "/api/security/webauthn/credentials?fields=owner,username,index,relying_party,display_name".into(), "GET", None),
        ("PATCH one profile", format!("/api/security/login/totps/{VS_ENG_UUID}/kpatel"), "PATCH", Some(patch)),
        ("PATCH one account", format!("/api/security/accounts/{ADMIN_SVM_UUID}/mchen"), "PATCH", Some(patch)),
    ];
    let runs = runs.clamp(3, 7);
    for (what, path, method, body) in &queries {
        let mut fast = vec![];
        let mut slow = vec![];
        let mut ratio = vec![];
        // All the indexed runs first, then the scans: a scan's hundreds of megabytes of
        // rendered records must not be freed during a run it is compared with.
        // One unmeasured request each way first: it pays for what a mode change leaves behind.
        // Counted as a change of the state: the next answer is rendered, not a kept one.
        let stale = || sim.state.with_state(|_| ());
        let mut answer = None;
        time(addr, method, path, *body)?;
        for _ in 0..runs {
            stale();
            let (f, b) = time(addr, method, path, *body)?;
            fast.push(f);
            answer = Some(b);
        }
        // A large listing of accounts (the pages that keep texts) with none of their texts
        // kept (`ontap_sim::texts`): what the first read after every account changed costs.
        let large = *method == "GET"
            && path.starts_with("/api/security/accounts?")
            && path.contains("max_records=2000");
        let unkept_runs = || -> Result<Vec<f64>> {
            (0..runs)
                .map(|_| {
                    sim.state.with_state(|s| s.account_texts.clear());
                    Ok(time(addr, method, path, *body)?.0)
                })
                .collect()
        };
        let unkept = if large { unkept_runs()? } else { vec![] };
        // Asked again with nothing changed in between: what a page re-reading a listing gets.
        let mut kept = vec![];
        if *method == "GET" {
            time(addr, method, path, *body)?;
            for _ in 0..runs {
                kept.push(time(addr, method, path, *body)?.0);
            }
        }
        // The pages of 20,000 accounts again with a core taken by a CPU hog (on these 2-core
        // machines, as a page's browser and nginx would take one), written from the kept
        // texts and with none kept.
        let mut busy = vec![];
        let mut busy_unkept = vec![];
        if large && path.contains("max_records=20000") {
            let _hog = crate::hog::Hog::start(std::time::Duration::from_secs(60));
            time(addr, method, path, *body)?;
            for _ in 0..runs {
                stale();
                busy.push(time(addr, method, path, *body)?.0);
            }
            busy_unkept = unkept_runs()?;
        }
        sim.state.with_state(|s| s.scan = true);
        time(addr, method, path, *body)?;
        for _ in 0..runs {
            stale();
            let (s, b) = time(addr, method, path, *body)?;
            // The same answer both ways (a PATCH answers `{}` both times).
            ensure!(
                Some(&b) == answer.as_ref(),
                "{what}: the indexed answer differs from the scan's"
            );
            slow.push(s);
        }
        sim.state.with_state(|s| s.scan = false);
        for (f, s) in fast.iter().zip(&slow) {
            ratio.push(s / f);
        }
        let fs = stat(&fast);
        t.add(
            format!("ontap-sim at {profiles} profiles / {accounts} accounts: {what}"),
            "ms",
            fs,
            "≤ 50 ms",
            Some(fs.median <= BUDGET_MS),
        );
        if !busy.is_empty() {
            let bs = stat(&busy);
            t.add(
                format!("… {what}, one core busy (a CPU hog meanwhile)"),
                "ms",
                bs,
                "≤ 50 ms",
                Some(bs.median <= BUDGET_MS),
            );
        }
        if !busy_unkept.is_empty() {
            t.add(
                format!("… {what}, one core busy, every account written"),
                "ms",
                stat(&busy_unkept),
                "",
                None,
            );
        }
        if !unkept.is_empty() {
            t.add(
                format!("… {what}, every account written (none of their texts kept)"),
                "ms",
                stat(&unkept),
                "",
                None,
            );
        }
        if !kept.is_empty() {
            t.add(
                format!("… {what}, asked again, nothing changed (a kept answer where kept)"),
                "ms",
                stat(&kept),
                "",
                None,
            );
        }
        t.add(
            format!("… {what}, whole-collection scan (before the indexes)"),
            "ms",
            stat(&slow),
            "",
            None,
        );
        t.add(
            format!("… {what}, scan ÷ indexed"),
            "×",
            stat(&ratio),
            "",
            None,
        );
    }
    sim.stop().ok();
    Ok(())
}
