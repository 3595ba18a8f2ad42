//! The fleet's profile and account tables (issue 19): every cluster's rows with a Cluster
//! column, filled in from the overview's reads; the cluster and text filters; a cluster that
//! cannot be read says why while the others' rows show; the CSV names each row's cluster by
//! name and UUID; and through Unified Manager's gateway, two clusters of one name stay apart
//! and the gateway's rows say "via" it.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::{Harness, PASSWORD};
use serde_json::{json, Value};

use crate::fleet::{fleet, fleet_root, listing, wait_long};
use crate::gateway::{behind_gateway, gateway_sign_in, root_with};

/// Each rendered row's cluster UUID and text.
pub(crate) async fn rows(h: &Harness) -> Result<Vec<(String, String)>> {
    let v = h
        .client()
        .execute(
            "return [...document.querySelectorAll('tr[data-row]')]
                .map(r => [r.getAttribute('data-cluster'), r.textContent]);",
            vec![],
        )
        .await?;
    Ok(v.as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p[0].as_str().unwrap_or_default().to_owned(),
                p[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

/// Picks `value` in the select `id` (as a user's choice: a change event).
pub(crate) async fn pick(h: &Harness, id: &str, value: &str) -> Result<()> {
    h.client()
        .execute(
            "const s = document.getElementById(arguments[0]); s.value = arguments[1];
             s.dispatchEvent(new Event('change', { bubbles: true })); return null;",
            vec![json!(id), json!(value)],
        )
        .await?;
    Ok(())
}

/// The summary line once every cluster's read has ended.
async fn settled_summary(h: &Harness) -> Result<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let t = h.wait_css(".table-summary").await?.text().await?;
        if !t.contains("still reading") {
            return Ok(t);
        }
        ensure!(std::time::Instant::now() < deadline, "still reading: {t}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_clusters_rows_with_filters_csv_and_a_failing_cluster() -> Result<()> {
    let root = fleet_root(&listing(4))?;
    let h = fleet(root.path(), 4).await?;
    // cluster4 answers nothing (every connection dropped): it says why, the others show.
    h.cluster(3)
        .context("cluster4")?
        .set_faults(ontap_sim::FaultConfig {
            rate: 1.0,
            modes: vec![ontap_sim::FaultMode::DropBefore],
            ..Default::default()
        });
    // Before any sign-in the table says where to sign in, and offers the fleet's form.
    h.goto("/fleet/profiles").await?;
    h.wait_text(".fleet-rows-none", "No cluster is signed in yet")
        .await?;
    h.wait_text(".fleet-signin h2", "Sign in to the fleet")
        .await?;
    h.screenshot("fleet-profiles-signed-out").await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.navigate_in_app("/fleet/profiles").await?;
    h.wait_text("h1", "TOTP profiles across the fleet").await?;
    let uuid = |i: usize| -> Result<String> {
        Ok(h.cluster(i).context("cluster")?.uuid().to_ascii_lowercase())
    };
    // Rows of several clusters, each with its Cluster cell. cluster1 runs 9.12.1: no TOTP.
    let want = [uuid(1)?, uuid(2)?];
    h.wait_css(&format!("tr[data-row][data-cluster=\"{}\"]", want[0]))
        .await?;
    h.wait_text(".fleet-rows-state[data-cluster=\"cluster1\"]", "no TOTP")
        .await?;
    let failing = wait_long(
        &h,
        ".fleet-rows-state[data-cluster=\"cluster4\"]",
        "502",
        60,
    )
    .await?;
    ensure!(failing.contains("cluster4"), "{failing}");
    let all = settled_summary(&h).await?;
    let total: usize = all
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .context("the row count")?;
    let profiles: usize = (1..=2)
        .map(|i| h.cluster(i).map(|c| c.totps().len()).unwrap_or(0))
        .sum();
    ensure!(total >= profiles, "{all}: fewer than {profiles} profiles");
    for (c, text) in rows(&h).await? {
        ensure!(want.contains(&c), "a row of {c}: {text}");
        ensure!(
            text.contains("cluster2") || text.contains("cluster3"),
            "{text}"
        );
    }
    h.screenshot("fleet-profiles-light").await?;
    crate::a11y::set_theme(&h, "dark").await?;
    h.screenshot("fleet-profiles-dark").await?;
    crate::a11y::set_theme(&h, "light").await?;

    // The cluster filter: cluster3's rows only, counted as such.
    pick(&h, "filter-cluster", &want[1]).await?;
    h.wait_text(".table-summary", "rows match").await?;
    h.wait_until("cluster3's rows only", || async {
        let r = rows(&h).await?;
        Ok((!r.is_empty() && r.iter().all(|(c, _)| *c == want[1])).then_some(()))
    })
    .await?;
    // The text filter on top: "admin" on cluster3.
    h.wait_css("#filter").await?.send_keys("admin").await?;
    h.wait_until("the text filter", || async {
        let r = rows(&h).await?;
        Ok((!r.is_empty()
            && r.iter()
                .all(|(c, t)| *c == want[1] && t.to_lowercase().contains("admin")))
        .then_some(()))
    })
    .await?;
    // The view is in the URL (the text after a pause).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let path = h.path().await?;
    ensure!(
        path.contains(&format!("cluster={}", want[1])) && path.contains("q=admin"),
        "{path}"
    );

    // The CSV: the rows shown, each with its cluster's name and UUID first.
    h.catch_downloads().await?;
    h.click_button("Export CSV").await?;
    let csv = h.download_text().await?;
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    let head = lines.next().context("a header")?;
    ensure!(
        head.starts_with("cluster,cluster_uuid,account,svm,owner_uuid"),
        "{head}"
    );
    let body: Vec<&str> = lines.collect();
    ensure!(!body.is_empty(), "{csv}");
    for l in &body {
        ensure!(l.starts_with(&format!("cluster3,{},", want[1])), "{l}");
    }

    // The accounts table: every read cluster's accounts, cluster1's too (9.12.1 has accounts).
    h.navigate_in_app("/fleet/accounts").await?;
    h.wait_text("h1", "Accounts across the fleet").await?;
    h.wait_css(&format!("tr[data-row][data-cluster=\"{}\"]", uuid(0)?))
        .await?;
    let link = h
        .wait_css(&format!("tr[data-row][data-cluster=\"{}\"] th a", uuid(0)?))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(
        link.starts_with(&format!("/fleet/{}/accounts/", uuid(0)?)),
        "{link}"
    );
    h.screenshot("fleet-accounts-light").await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_gateway_two_clusters_of_one_name_stay_apart() -> Result<()> {
    // The file names cluster1 "cluster2"; the gateway lists the real cluster2 by that name
    // too (and cluster1 again, shown once, from the file).
    let text = "{\"clusters\": [\n  {\"name\": \"cluster2\", \"api\": \"/clusters/cluster1/api\"}\n],\n\"gateways\": [\n  {\"name\": \"aiqum\", \"api\": \"/um/api\"}\n]}\n";
    let root = root_with(text)?;
    let h = behind_gateway(root.path(), 3, 30).await?;
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to the fleet").await?;
    h.wait_css("#fleet-user").await?.send_keys("admin").await?;
    h.wait_css("#fleet-password")
        .await?
        .send_keys(PASSWORD)
        .await?;
    h.click_button("Sign in").await?;
    gateway_sign_in(&h, "umadmin").await?;
    // The accounts (cluster1 runs 9.12.1: accounts, no profiles).
    h.navigate_in_app("/fleet/accounts").await?;
    let (one, two) = (
        h.cluster(0).context("c1")?.uuid().to_ascii_lowercase(),
        h.cluster(1).context("c2")?.uuid().to_ascii_lowercase(),
    );
    settled_summary(&h).await?;
    for uuid in [&one, &two] {
        pick(&h, "filter-cluster", uuid).await?;
        h.wait_until("one cluster's rows", || async {
            let r = rows(&h).await?;
            Ok((!r.is_empty() && r.iter().all(|(c, _)| c == uuid)).then_some(r))
        })
        .await?;
    }
    // The gateway's rows say so; the direct one's do not.
    let via = h
        .wait_css(&format!(
            "tr[data-row][data-cluster=\"{two}\"] .via-gateway"
        ))
        .await?
        .text()
        .await?;
    ensure!(via.contains("aiqum"), "{via}");
    pick(&h, "filter-cluster", &one).await?;
    h.wait_css(&format!("tr[data-row][data-cluster=\"{one}\"]"))
        .await?;
    let direct_via = h
        .client()
        .execute(
            "return document.querySelectorAll('tr[data-row] .via-gateway').length;",
            vec![],
        )
        .await?;
    ensure!(direct_via == Value::from(0), "{direct_via}");
    // The two "cluster2" options are told apart, by UUID.
    let labels = h
        .client()
        .execute(
            "return [...document.querySelectorAll('#filter-cluster option')].map(o => o.textContent);",
            vec![],
        )
        .await?;
    let labels: Vec<String> = serde_json::from_value(labels)?;
    let twos: Vec<&String> = labels
        .iter()
        .filter(|l| l.starts_with("cluster2"))
        .collect();
    ensure!(twos.len() == 2 && twos[0] != twos[1], "{labels:?}");
    h.wait_css(".gateway-rows-note").await?;
    h.screenshot("fleet-accounts-gateway").await?;
    h.close().await
}
