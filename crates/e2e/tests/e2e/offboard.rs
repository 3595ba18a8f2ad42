//! Offboarding across the fleet (issue 19), behind nginx: an account name found on every
//! cluster and SVM, reviewed per cluster, run with the bulk runner; one cluster failing
//! midway while the rest are done and nothing is written twice; "require TOTP" everywhere;
//! rows picked in the fleet tables changed alone (many picked names read as one listing);
//! and through Unified Manager's gateway as a user without write role, exactly one write
//! reaches the gateway and the screen says why the rest were not sent.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::{Harness, LoggedRequest};
use ontap_sim::{FaultMode, Scripted, ScriptedFault};

use crate::fleet::{fleet, fleet_root, listing};
use crate::gateway::{behind_gateway, gateway_sign_in, root_with, ONLY_THE_GATEWAY};

/// Gives `name` an enabled profile on every SVM of cluster `i` where it has an account;
/// returns how many SVMs that is.
fn profiles_everywhere(h: &Harness, i: usize, name: &str) -> Result<usize> {
    let c = h.cluster(i).context("cluster")?;
    let svms = c.svms();
    let mut n = 0;
    for a in c.accounts().iter().filter(|a| a.name.as_str() == name) {
        let svm = svms.iter().find(|s| s.uuid == a.owner).context("its SVM")?;
        if c.totp(a.owner.as_str(), name).is_none() {
            c.put_totp(ontap_sim::demo::profile(
                svm,
                &a.name,
                true,
                "offboarding test",
            ));
        }
        n += 1;
    }
    Ok(n)
}

/// The requests of cluster `i` that were not reads.
fn writes(h: &Harness, i: usize) -> Vec<LoggedRequest> {
    h.cluster(i)
        .map(|c| {
            c.requests()
                .into_iter()
                .filter(|r| r.method != "GET")
                .collect()
        })
        .unwrap_or_default()
}

/// The profiles of `name` on cluster `i`, as (SVM UUID, enabled).
fn states(h: &Harness, i: usize, name: &str) -> Vec<(String, Option<bool>)> {
    h.cluster(i)
        .map(|c| {
            c.totps()
                .into_iter()
                .filter(|t| t.account_name() == Some(name))
                .map(|t| (t.owner_uuid().unwrap_or_default().to_owned(), t.enabled))
                .collect()
        })
        .unwrap_or_default()
}

async fn open_offboard(h: &Harness) -> Result<()> {
    h.wait_css("a.banner-link[href=\"/fleet/offboard\"]")
        .await?
        .click()
        .await?;
    h.wait_text("h1", "Offboard across the fleet").await?;
    Ok(())
}

/// Fills the form, chooses the action, presses Find and waits for every cluster's answer.
async fn find(h: &Harness, names: &str, action: &str) -> Result<()> {
    h.fill("Account names", names).await?;
    h.input_by_label(action).await?.click().await?;
    h.click_button("Find").await?;
    review_read(h).await
}

/// Waits until every cluster of the review has answered.
async fn review_read(h: &Harness) -> Result<()> {
    h.wait_css(".offboard-review[data-reading=\"false\"]")
        .await?;
    Ok(())
}

/// Presses Run and waits until every row is settled.
async fn run_to_end(h: &Harness) -> Result<()> {
    h.wait_css(".offboard-run-button").await?.click().await?;
    finished(h).await
}

async fn finished(h: &Harness) -> Result<()> {
    finished_within(h, 40).await
}

/// Waits up to `secs` until the run's progress panel says it finished.
async fn finished_within(h: &Harness, secs: u64) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let phase = h
            .eval_string(
                "const p = document.querySelector('.bulk-progress'); return p ? p.dataset.phase : '';",
            )
            .await?;
        if phase == "finished" {
            return Ok(());
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "the run did not finish ({phase})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every result row as (key, cluster, outcome, message).
async fn rows(h: &Harness) -> Result<Vec<(String, String, String, String)>> {
    let json = h
        .eval_string(
            "return JSON.stringify([...document.querySelectorAll('tr.offboard-row')].map(r =>
               [r.dataset.key, r.dataset.cluster, r.dataset.outcome, r.cells[5].innerText]));",
        )
        .await?;
    Ok(serde_json::from_str(&json)?)
}

/// The rows the review plans, over every cluster, as its tables count them (windowed: only
/// the rows in view are in the page): (changes, rows left alone).
async fn planned(h: &Harness) -> Result<(usize, usize)> {
    let got = h
        .eval_string(
            "const sum = k => [...document.querySelectorAll('section.offboard-cluster .offboard-counts')]
               .reduce((n, p) => n + Number(p.dataset[k]), 0);
             return sum('changes') + ',' + sum('left');",
        )
        .await?;
    let (c, l) = got.split_once(',').context("two counts")?;
    Ok((c.parse()?, l.parse()?))
}

/// The keys of the enabled profiles of `name` on clusters `of` (the rows a disable run has):
/// cluster UUID/owner UUID/name.
fn keys(h: &Harness, of: &[usize], name: &str) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for &i in of {
        let c = h.cluster(i).context("cluster")?;
        for (owner, _) in states(h, i, name).into_iter().filter(|s| s.1 == Some(true)) {
            out.insert(format!("{}/{owner}/{name}", c.uuid().to_ascii_lowercase()));
        }
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_everywhere_disables_every_svms_profile_per_row_with_a_csv() -> Result<()> {
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    for i in 1..5 {
        ensure!(profiles_everywhere(&h, i, "vsadmin")? == 3);
    }
    // cluster2's vs_hr profile is already disabled: left alone, said so.
    let c2 = h.cluster(1).context("cluster2")?;
    let hr = c2
        .svms()
        .into_iter()
        .find(|s| s.name == "vs_hr")
        .context("vs_hr")?;
    let mut t = c2.totp(hr.uuid.as_str(), "vsadmin").context("profile")?;
    t.enabled = Some(false);
    c2.put_totp(t);
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "5 of 5 read").await?;
    open_offboard(&h).await?;
    find(&h, "vsadmin", "Disable their TOTP profiles").await?;
    let summary = h.wait_css(".offboard-summary").await?.text().await?;
    ensure!(
        summary.contains("11 profiles to change on 4 clusters"),
        "{summary}"
    );
    h.wait_text(
        "section[data-cluster=\"cluster1\"] .offboard-skipped",
        "release without TOTP",
    )
    .await?;
    h.wait_text(
        "section[data-cluster=\"cluster2\"] tr.offboard-left[data-skip=\"already disabled\"]",
        "vs_hr",
    )
    .await?;
    let cli = h
        .wait_text(
            "section[data-cluster=\"cluster3\"] .offboard-cli",
            "totp modify",
        )
        .await?;
    ensure!(cli.contains("-username vsadmin -enabled false"), "{cli}");
    for i in 0..5 {
        ensure!(
            writes(&h, i).is_empty(),
            "Find sent nothing to cluster{}",
            i + 1
        );
    }
    h.screenshot("offboard-review").await?;
    let expected = keys(&h, &[1, 2, 3, 4], "vsadmin")?;
    ensure!(expected.len() == 11);
    run_to_end(&h).await?;
    let got = rows(&h).await?;
    ensure!(got.len() == 11, "{got:?}");
    ensure!(got.iter().all(|r| r.2 == "done"), "{got:?}");
    let shown: BTreeSet<String> = got.iter().map(|r| r.0.clone()).collect();
    ensure!(shown == expected, "{shown:?}");
    for i in 1..5 {
        let s = states(&h, i, "vsadmin");
        ensure!(
            s.len() == 3 && s.iter().all(|(_, e)| *e == Some(false)),
            "cluster{}: {s:?}",
            i + 1
        );
        let w = writes(&h, i);
        let want = if i == 1 { 2 } else { 3 };
        ensure!(
            w.len() == want && w.iter().all(|r| r.method == "PATCH"),
            "cluster{}: {w:?}",
            i + 1
        );
    }
    h.screenshot("offboard-results").await?;
    // The CSV: every row, and every row left alone, keyed by cluster UUID and owner UUID.
    h.catch_downloads().await?;
    h.click_button("Download results (CSV)").await?;
    let csv = h.download_text().await?;
    let lines: Vec<&str> = csv.lines().collect();
    ensure!(
        lines[0]
            == "cluster,cluster_uuid,svm,owner_uuid,account,action,outcome,error_code,message,time",
        "{}",
        lines[0]
    );
    ensure!(lines.len() == 1 + 11 + 2, "{csv}");
    for k in &expected {
        let (cluster, rest) = k.split_once('/').context("key")?;
        let owner = rest.split('/').next().unwrap_or_default();
        ensure!(
            lines
                .iter()
                .any(|l| l.contains(cluster) && l.contains(owner) && l.contains(",done,")),
            "{k} in {csv}"
        );
    }
    ensure!(csv.contains("skipped,release without TOTP"), "{csv}");
    // The change log names each change's cluster, keyed as the rows are.
    h.wait_css("a.banner-link[href=\"/fleet/changes\"]")
        .await?
        .click()
        .await?;
    h.wait_text("h1", "Changes in this session").await?;
    let logged = h
        .eval_string(
            "return JSON.stringify([...document.querySelectorAll('tr[data-key]')].map(r => r.dataset.key));",
        )
        .await?;
    let logged: BTreeSet<String> = serde_json::from_str::<Vec<String>>(&logged)?
        .into_iter()
        .collect();
    ensure!(logged == shown, "{logged:?}");
    h.wait_text("table.changes", "Saved").await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_cluster_failing_midway_leaves_the_rest_done_and_nothing_is_sent_twice() -> Result<()> {
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    for i in 1..5 {
        profiles_everywhere(&h, i, "vsadmin")?;
    }
    // cluster3 fails the writes to two of its SVMs (500: not applied); cluster4 loses the
    // answer to its first write (applied: the page must find that out by reading).
    let c3 = h.cluster(2).context("cluster3")?;
    let failing: Vec<String> = c3
        .svms()
        .into_iter()
        .filter(|s| s.name == "vs_fin" || s.name == "vs_hr")
        .map(|s| s.uuid.as_str().to_owned())
        .collect();
    for u in &failing {
        c3.script_fault(ScriptedFault::new(
            "PATCH",
            u,
            Scripted::Mode(FaultMode::Internal),
            1,
        ));
    }
    h.cluster(3)
        .context("cluster4")?
        .script_fault(ScriptedFault::new(
            "PATCH",
            "/security/login/totps",
            Scripted::Mode(FaultMode::DropAfter),
            1,
        ));
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "5 of 5 read").await?;
    open_offboard(&h).await?;
    find(&h, "vsadmin", "Disable their TOTP profiles").await?;
    run_to_end(&h).await?;
    let got = rows(&h).await?;
    ensure!(got.len() == 12, "{got:?}");
    for r in &got {
        let failed = r.1 == "cluster3" && failing.iter().any(|u| r.0.contains(u.as_str()));
        let want = if failed { "failed" } else { "done" };
        ensure!(r.2 == want, "{r:?}");
    }
    ensure!(
        got.iter()
            .any(|r| r.1 == "cluster4" && r.3.contains("a re-read showed the change is there")),
        "the lost answer was settled by reading: {got:?}"
    );
    // Nothing written twice: one PATCH per profile on every cluster, the lost one included.
    for i in 1..5 {
        let w = writes(&h, i);
        ensure!(w.len() == 3, "cluster{}: {} writes", i + 1, w.len());
        let paths: BTreeSet<&str> = w.iter().map(|r| r.path.as_str()).collect();
        ensure!(paths.len() == 3, "cluster{}: {paths:?}", i + 1);
    }
    for i in [1, 3, 4] {
        ensure!(
            states(&h, i, "vsadmin")
                .iter()
                .all(|(_, e)| *e == Some(false)),
            "cluster{}",
            i + 1
        );
    }
    let c3_states = states(&h, 2, "vsadmin");
    ensure!(
        c3_states
            .iter()
            .all(|(u, e)| (*e == Some(true)) == failing.contains(u)),
        "{c3_states:?}"
    );
    h.screenshot("offboard-failing-midway").await?;
    // Retry sends the two failed writes once more, to cluster3 alone.
    h.click_button("Retry the 2 failed").await?;
    finished(&h).await?;
    ensure!(rows(&h).await?.iter().all(|r| r.2 == "done"));
    ensure!(writes(&h, 2).len() == 5, "{:?}", writes(&h, 2));
    for i in [1, 3, 4] {
        ensure!(
            writes(&h, i).len() == 3,
            "cluster{} got nothing more",
            i + 1
        );
    }
    ensure!(states(&h, 2, "vsadmin")
        .iter()
        .all(|(_, e)| *e == Some(false)));
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requiring_totp_everywhere_changes_each_account_once() -> Result<()> {
    use ontap_sim::model::{Application, SecondAuth};
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "5 of 5 read").await?;
    open_offboard(&h).await?;
    find(&h, "bob", "Require TOTP for SSH").await?;
    let summary = h.wait_css(".offboard-summary").await?.text().await?;
    ensure!(
        summary.contains("4 accounts to change on 4 clusters"),
        "{summary}"
    );
    let cli = h
        .wait_text(
            "section[data-cluster=\"cluster2\"] .offboard-cli",
            "login modify",
        )
        .await?;
    ensure!(
        cli.contains("-vserver vs_eng -user-or-group-name bob -application ssh -authentication-method password -second-authentication-method totp"),
        "{cli}"
    );
    run_to_end(&h).await?;
    let got = rows(&h).await?;
    ensure!(
        got.len() == 4 && got.iter().all(|r| r.2 == "done"),
        "{got:?}"
    );
    for i in 1..5 {
        let c = h.cluster(i).context("cluster")?;
        let bob = c
            .accounts()
            .into_iter()
            .find(|a| a.name.as_str() == "bob")
            .context("bob")?;
        let ssh = bob.application(Application::Ssh).context("ssh")?;
        ensure!(
            ssh.second_authentication_method == SecondAuth::Totp,
            "cluster{}",
            i + 1
        );
        let w = writes(&h, i);
        ensure!(
            w.len() == 1 && w[0].path.starts_with("/api/security/accounts/"),
            "cluster{}: {w:?}",
            i + 1
        );
    }
    ensure!(writes(&h, 0).is_empty(), "9.12.1 is left alone");
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_gateway_without_write_role_one_write_is_sent_and_the_rest_explained(
) -> Result<()> {
    let root = root_with(ONLY_THE_GATEWAY)?;
    let h = behind_gateway(root.path(), 3, 0).await?;
    for i in 1..3 {
        profiles_everywhere(&h, i, "vsadmin")?;
    }
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to Unified Manager (aiqum)")
        .await?;
    gateway_sign_in(&h, "umoperator").await?;
    h.wait_text(".fleet-totals", "3 of 3 read").await?;
    open_offboard(&h).await?;
    find(&h, "vsadmin", "Disable their TOTP profiles").await?;
    h.wait_text(".offboard-gateway-first", "one change is sent first, alone")
        .await?;
    let patches = |h: &Harness| {
        h.nginx()
            .access_log()
            .lines()
            .filter(|l| !l.starts_with("GET ") && l.contains("/um/api/"))
            .count()
    };
    ensure!(patches(&h) == 0);
    run_to_end(&h).await?;
    ensure!(patches(&h) == 1, "{}", h.nginx().access_log());
    for i in 0..3 {
        ensure!(
            writes(&h, i).is_empty(),
            "no write reached cluster{}",
            i + 1
        );
    }
    let got = rows(&h).await?;
    ensure!(got.len() == 6, "{got:?}");
    let failed: Vec<_> = got.iter().filter(|r| r.2 == "failed").collect();
    ensure!(
        failed.len() == 1 && failed[0].3.contains("Unified Manager refused this change"),
        "{got:?}"
    );
    let not_sent: Vec<_> = got.iter().filter(|r| r.2 == "not sent").collect();
    ensure!(
        not_sent.len() == 5
            && not_sent
                .iter()
                .all(|r| r.3.contains("Unified Manager refused an earlier change")),
        "{got:?}"
    );
    // Sending them again would be refused again: no retry is offered.
    let buttons = h
        .eval_string(
            "return [...document.querySelectorAll('.bulk-controls button')].map(b => b.textContent).join('|');",
        )
        .await?;
    ensure!(
        buttons.is_empty(),
        "no button after a refused gateway: {buttons}"
    );
    h.screenshot("offboard-gateway-refused").await?;
    // A new Find: the gateway's clusters say why nothing will be sent, and Run stays off.
    h.click_button("Offboard someone else").await?;
    find(&h, "vsadmin", "Disable their TOTP profiles").await?;
    for name in ["cluster2", "cluster3"] {
        h.wait_text(
            &format!("section[data-cluster=\"{name}\"] .offboard-skipped"),
            "Unified Manager refused an earlier change",
        )
        .await?;
    }
    let run = h.wait_css(".offboard-run-button").await?;
    ensure!(run.attr("disabled").await?.is_some(), "Run is off");
    ensure!(patches(&h) == 1);
    h.close().await
}

/// Checks the row checkbox named `label` (as a click would).
async fn pick_row(h: &Harness, label: &str) -> Result<()> {
    h.wait_css(&format!("input[type=\"checkbox\"][aria-label=\"{label}\"]"))
        .await?
        .click()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_picked_in_the_fleet_tables_are_changed_alone() -> Result<()> {
    let root = fleet_root(&listing(4))?;
    let h = fleet(root.path(), 4).await?;
    for i in 1..4 {
        ensure!(profiles_everywhere(&h, i, "vsadmin")? == 3);
    }
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "4 of 4 read").await?;
    h.navigate_in_app("/fleet/profiles").await?;
    h.wait_text("h1", "TOTP profiles across the fleet").await?;
    h.wait_css("#filter").await?.send_keys("vsadmin").await?;
    let uuid = |i: usize| -> Result<String> {
        Ok(h.cluster(i).context("cluster")?.uuid().to_ascii_lowercase())
    };
    // Every vsadmin profile of cluster3 (its rows alone shown, then all picked at once), and
    // cluster2's on vs_eng alone; nothing of cluster4.
    crate::fleet_tables::pick(&h, "filter-cluster", &uuid(2)?).await?;
    h.wait_text(".table-summary", "3 of").await?;
    h.wait_css("#select-shown").await?.click().await?;
    h.wait_text(".selection-count", "3 selected").await?;
    crate::fleet_tables::pick(&h, "filter-cluster", "").await?;
    pick_row(&h, "Select vsadmin on cluster2, SVM vs_eng").await?;
    h.wait_text(".selection-count", "4 selected").await?;
    h.client()
        .execute(
            "document.querySelector('.selection-bar').scrollIntoView({block: 'end'}); return null;",
            vec![],
        )
        .await?;
    h.screenshot("fleet-profiles-selected").await?;
    h.click_button("Disable the selected profiles…").await?;
    h.wait_text("h1", "Offboard across the fleet").await?;
    h.wait_text(
        "#offboard-review-title",
        "4 rows selected in the fleet's profile table",
    )
    .await?;
    review_read(&h).await?;
    let summary = h.wait_css(".offboard-summary").await?.text().await?;
    ensure!(
        summary.contains("4 profiles to change on 2 clusters"),
        "{summary}"
    );
    let sections = h
        .eval_string(
            "return [...document.querySelectorAll('section.offboard-cluster')].map(s => s.dataset.cluster).join(',');",
        )
        .await?;
    ensure!(sections == "cluster2,cluster3", "{sections}");
    for i in 0..4 {
        ensure!(writes(&h, i).is_empty(), "Find sent nothing");
    }
    h.screenshot("offboard-review-picked").await?;
    run_to_end(&h).await?;
    let got = rows(&h).await?;
    ensure!(
        got.len() == 4 && got.iter().all(|r| r.2 == "done"),
        "{got:?}"
    );
    // cluster2: vs_eng alone disabled; cluster3: all three; cluster4: untouched.
    let c2 = h.cluster(1).context("cluster2")?;
    let eng = c2
        .svms()
        .into_iter()
        .find(|s| s.name == "vs_eng")
        .context("vs_eng")?;
    for (owner, enabled) in states(&h, 1, "vsadmin") {
        let want = if owner == eng.uuid.as_str() {
            Some(false)
        } else {
            Some(true)
        };
        ensure!(enabled == want, "cluster2 {owner}: {enabled:?}");
    }
    ensure!(states(&h, 2, "vsadmin").iter().all(|s| s.1 == Some(false)));
    ensure!(states(&h, 3, "vsadmin").iter().all(|s| s.1 == Some(true)));
    ensure!(writes(&h, 1).len() == 1 && writes(&h, 2).len() == 3);
    ensure!(writes(&h, 3).is_empty(), "{:?}", writes(&h, 3));
    // The fleet table shows the change: the clusters changed are read again after the run.
    h.navigate_in_app("/fleet/profiles?q=vsadmin").await?;
    let (u3, u4) = (uuid(2)?, uuid(3)?);
    h.wait_until("cluster3's vsadmin rows shown disabled", || async {
        let r = crate::fleet_tables::rows(&h).await?;
        let of = |c: &str| -> Vec<String> {
            r.iter()
                .filter(|(u, _)| u == c)
                .map(|(_, t)| t.clone())
                .collect()
        };
        let (c3, c4) = (of(&u3), of(&u4));
        Ok((c3.len() == 3
            && c3.iter().all(|t| t.contains("Disabled"))
            && c4.len() == 3
            && c4.iter().all(|t| t.contains("Enabled")))
        .then_some(()))
    })
    .await?;

    // Every account of cluster4, picked at once in the accounts table: that many names are
    // read as two whole listings, not two reads per name, and each picked row is planned once.
    h.navigate_in_app("/fleet/accounts").await?;
    h.wait_text("h1", "Accounts across the fleet").await?;
    crate::fleet_tables::pick(&h, "filter-cluster", &uuid(3)?).await?;
    h.wait_text(".table-summary", "rows match").await?;
    let shown: usize = h
        .wait_css(".table-summary")
        .await?
        .text()
        .await?
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .context("rows shown")?;
    ensure!(shown > 8, "{shown} accounts on cluster4");
    // A click, then a Shift-click four rows further: five rows.
    h.client()
        .execute(
            "const box = p => document.querySelector(`tr[data-row=\"${p}\"] .col-select input`);
             box(0).click();
             box(4).dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, shiftKey: true }));
             return null;",
            vec![],
        )
        .await?;
    h.wait_text(".selection-count", "5 selected").await?;
    h.click_button("Clear selection").await?;
    h.wait_css("#select-shown").await?.click().await?;
    h.wait_text(
        ".selection-count",
        &format!("{} selected", e2e::grouped(shown)),
    )
    .await?;
    let before = h.cluster(3).context("cluster4")?.requests().len();
    h.click_button("Require TOTP for the selected…").await?;
    h.wait_text(
        "#offboard-review-title",
        "selected in the fleet's account table",
    )
    .await?;
    review_read(&h).await?;
    let reads: Vec<String> = h.cluster(3).context("cluster4")?.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    ensure!(
        reads.len() <= 2
            && reads
                .iter()
                .all(|p| !p.contains("?name=") && !p.contains("&name=")),
        "{reads:?}"
    );
    let (changes, left) = planned(&h).await?;
    ensure!(
        changes + left == shown,
        "{changes} + {left} rows for {shown} picked"
    );
    ensure!(changes > 0, "nothing to require");
    run_to_end(&h).await?;
    let w = writes(&h, 3);
    ensure!(
        w.len() == changes
            && w.iter()
                .all(|r| r.method == "PATCH" && r.path.contains("/security/accounts/")),
        "{changes} changes: {w:?}"
    );
    h.close().await
}

/// A selection of thousands of rows (the review and the results were bounded to 5,000 when
/// they listed every row in the page): reviewed and run whole, in windowed lists that keep
/// only the rows in view in the page, every profile written once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_picked_rows_are_reviewed_and_run_in_windowed_lists() -> Result<()> {
    let root = fleet_root(&listing(3))?;
    let h = Harness::with_config(ontap_sim::Config {
        clusters: 3,
        profiles: 3_000,
        dist: Some(root.path().to_path_buf()),
        ..ontap_sim::Config::ephemeral()
    })
    .await?;
    // The enabled profiles of each cluster whose release has TOTP (cluster1's has none).
    let enabled: Vec<usize> = (0..3)
        .map(|i| {
            h.cluster(i)
                .filter(|c| c.version().has_totp())
                .map(|c| c.totps().iter().filter(|t| t.enabled == Some(true)).count())
                .unwrap_or(0)
        })
        .collect();
    let total: usize = enabled.iter().sum();
    ensure!(total > 5_000, "{enabled:?} enabled profiles");
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "3 of 3 read").await?;
    h.navigate_in_app("/fleet/profiles?state=enabled").await?;
    h.wait_text(".table-summary", &format!("{} of", e2e::grouped(total)))
        .await?;
    h.wait_css("#select-shown").await?.click().await?;
    h.wait_text(
        ".selection-count",
        &format!("{} selected", e2e::grouped(total)),
    )
    .await?;
    h.click_button("Disable the selected profiles…").await?;
    h.wait_text(
        "#offboard-review-title",
        &format!("{} rows selected", e2e::grouped(total)),
    )
    .await?;
    review_read(&h).await?;
    let summary = h.wait_css(".offboard-summary").await?.text().await?;
    let clusters = enabled.iter().filter(|&&n| n > 0).count();
    ensure!(
        summary.contains(&format!(
            "{} profiles to change on {clusters} clusters",
            e2e::grouped(total)
        )),
        "{summary}"
    );
    ensure!(planned(&h).await? == (total, 0), "{:?}", planned(&h).await?);
    let hr = &h;
    let in_page = |css: &'static str| async move {
        hr.eval_string(&format!(
            "return String(document.querySelectorAll('{css}').length);"
        ))
        .await?
        .parse::<usize>()
        .map_err(anyhow::Error::from)
    };
    let drawn = in_page("tr.offboard-change").await?;
    ensure!(drawn > 0 && drawn < 100, "{drawn} review rows in the page");
    for i in 0..3 {
        ensure!(writes(&h, i).is_empty(), "Find sent nothing");
    }
    h.client()
        .execute(
            "document.querySelector('.offboard-window').scrollIntoView({block: 'center'}); return null;",
            vec![],
        )
        .await?;
    h.screenshot("offboard-review-thousands").await?;
    h.wait_css(".offboard-run-button").await?.click().await?;
    finished_within(&h, 240).await?;
    let drawn = in_page("tr.offboard-row").await?;
    ensure!(drawn > 0 && drawn < 100, "{drawn} result rows in the page");
    let rows = h
        .eval_string(
            "return document.querySelector('.offboard-results table').getAttribute('aria-rowcount');",
        )
        .await?;
    ensure!(rows == (total + 1).to_string(), "{rows} rows counted");
    ensure!(
        in_page("tr.offboard-row:not([data-outcome=\"done\"])").await? == 0,
        "a row not done"
    );
    for (i, &n) in enabled.iter().enumerate() {
        let w = writes(&h, i);
        let paths: BTreeSet<&str> = w.iter().map(|r| r.path.as_str()).collect();
        ensure!(
            w.len() == n && paths.len() == n && w.iter().all(|r| r.method == "PATCH"),
            "cluster{}: {} writes to {} paths for {n} profiles",
            i + 1,
            w.len(),
            paths.len()
        );
        if n > 0 {
            let still = h
                .cluster(i)
                .map(|c| c.totps().iter().filter(|t| t.enabled == Some(true)).count())
                .unwrap_or(0);
            ensure!(still == 0, "cluster{}: {still} still enabled", i + 1);
        }
    }
    h.client()
        .execute(
            "document.querySelector('.offboard-window').scrollIntoView({block: 'center'}); return null;",
            vec![],
        )
        .await?;
    h.screenshot("offboard-results-thousands").await?;
    h.close().await
}
