//! A cluster's own screens in a fleet (issue 19), `/fleet/{cluster uuid}/...`, over the direct
//! layout and through Unified Manager's gateway, behind nginx: a deep link before sign-in
//! says so and opens in place once signed in; the overview's rows link to them; a listing of
//! more than one page comes in whole, its next links followed on the cluster's own transport
//! (its `/clusters/{name}/api` base, or the gateway's tunnel); a comment saved in a scope is
//! one PATCH to that cluster alone, the same account elsewhere untouched; links stay in the
//! scope; an unknown UUID is said to be one.

use std::path::Path;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::{check_dist, dist_dir, Harness, Locator, PASSWORD};
use ontap_model::Version;

/// Profiles generated per cluster: the page reads 200 first, then the rest, so each listing
/// of profiles takes more than one page.
const PROFILES: usize = 450;

fn root_with(text: &str) -> Result<tempfile::TempDir> {
    let dist = dist_dir();
    check_dist(&dist)?;
    let root = tempfile::Builder::new().prefix("e2e-scopes-").tempdir()?;
    for entry in std::fs::read_dir(&dist)? {
        let entry = entry?;
        std::os::unix::fs::symlink(entry.path(), root.path().join(entry.file_name()))?;
    }
    std::fs::write(root.path().join("clusters.json"), text)?;
    Ok(root)
}

fn listing(n: usize) -> String {
    let lines: Vec<String> = (1..=n)
        .map(|i| format!("  {{\"name\": \"cluster{i}\", \"api\": \"/clusters/cluster{i}/api\"}}"))
        .collect();
    format!("{{\"clusters\": [\n{}\n]}}\n", lines.join(",\n"))
}

const ONLY_THE_GATEWAY: &str =
    "{\"gateways\": [\n  {\"name\": \"aiqum\", \"api\": \"/um/api\"}\n]}\n";

/// `n` clusters on 9.18.1 (every one with TOTP), `PROFILES` generated profiles each.
async fn fleet(root: &Path, n: usize, gateway: bool) -> Result<Harness> {
    Harness::with_config(ontap_sim::Config {
        clusters: n,
        gateway,
        profiles: PROFILES,
        releases: vec![Version::new(9, 18, 1)],
        dist: Some(root.to_path_buf()),
        ..ontap_sim::Config::ephemeral()
    })
    .await
}

/// Waits until the scope's profile table holds every profile of cluster `i`: its counts of
/// enabled and disabled profiles are the emulator's.
async fn every_profile_listed(h: &Harness, i: usize) -> Result<()> {
    let sim = h.cluster(i).context("cluster")?;
    let totps = sim.totps();
    let on = totps.iter().filter(|t| t.enabled != Some(false)).count();
    let off = totps.len() - on;
    ensure!(totps.len() > 200, "{} profiles: one page only", totps.len());
    let want = (on.to_string(), off.to_string());
    h.wait_until(
        &format!(
            "{} enabled and {} disabled in the scope of {}",
            want.0, want.1, sim.name
        ),
        || async {
            let on = h.wait_css(".count-enabled .count-n").await?.text().await?;
            let off = h.wait_css(".count-disabled .count-n").await?.text().await?;
            Ok((on.trim() == want.0 && off.trim() == want.1).then_some(()))
        },
    )
    .await?;
    // Every row came, over more than one page, each next link followed.
    let pages: Vec<String> = sim
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/security/login/totps") && r.status == 200)
        .map(|r| r.path.clone())
        .collect();
    ensure!(
        pages.iter().any(|p| p.contains("start.key")),
        "{}: no next page followed: {pages:?}",
        sim.name
    );
    Ok(())
}

/// The owner UUID of `account`'s profile on cluster `i`.
fn owner_of(h: &Harness, i: usize, account: &str) -> Result<String> {
    h.cluster(i)
        .context("cluster")?
        .totps()
        .iter()
        .find(|t| t.account_name() == Some(account))
        .and_then(|t| t.owner.as_ref().and_then(|o| o.uuid.clone()))
        .with_context(|| format!("no profile of {account} on cluster {}", i + 1))
}

async fn wait_path(h: &Harness, want: &str) -> Result<()> {
    h.wait_until(&format!("the URL {want}"), || async {
        Ok((h.path().await? == want).then_some(()))
    })
    .await
}

fn patches(h: &Harness, i: usize) -> Vec<ontap_sim::LoggedRequest> {
    h.cluster(i)
        .map(|c| {
            c.requests()
                .into_iter()
                .filter(|r| r.method == "PATCH")
                .collect()
        })
        .unwrap_or_default()
}

/// Opens `account` from the scope's table, saves a new comment, and checks that one PATCH
/// went to cluster `i`, none to any other, and the other clusters' `account` is as it was.
async fn edit_in_scope(h: &Harness, n: usize, i: usize, account: &str) -> Result<()> {
    let uuid = h.cluster(i).context("cluster")?.uuid();
    let owner = owner_of(h, i, account)?;
    let others: Vec<(usize, Option<String>)> = (0..n)
        .filter(|j| *j != i)
        .map(|j| {
            let o = owner_of(h, j, account).unwrap_or_default();
            let c = h
                .cluster(j)
                .and_then(|c| c.totp(&o, account))
                .and_then(|t| t.comment);
            (j, c)
        })
        .collect();
    h.fill("Filter", account).await?;
    h.click_profile_link(account).await?;
    wait_path(h, &format!("/fleet/{uuid}/profiles/{owner}/{account}")).await?;
    h.wait_text("h1", account).await?;
    h.wait_css("#comment").await?;
    let comment = format!("Scoped edit on cluster{}", i + 1);
    h.fill("Comment", &comment).await?;
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sim = h.cluster(i).context("cluster")?;
    ensure!(
        sim.totp(&owner, account).and_then(|t| t.comment).as_deref() == Some(comment.as_str()),
        "the comment is on cluster{}",
        i + 1
    );
    let mine = patches(h, i);
    ensure!(mine.len() == 1, "one PATCH to cluster{}: {mine:#?}", i + 1);
    ensure!(
        e2e::path_only(&mine[0].path) == format!("/api/security/login/totps/{owner}/{account}"),
        "{:?}",
        mine[0].path
    );
    for (j, before) in others {
        ensure!(
            patches(h, j).is_empty(),
            "cluster{} was sent a PATCH: {:#?}",
            j + 1,
            patches(h, j)
        );
        let o = owner_of(h, j, account)?;
        let now = h
            .cluster(j)
            .and_then(|c| c.totp(&o, account))
            .and_then(|t| t.comment);
        ensure!(now == before, "cluster{}'s {account} changed", j + 1);
    }
    // The editor's links stay on this cluster.
    let crumbs = h
        .wait_css(".breadcrumb a")
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(crumbs == format!("/fleet/{uuid}/profiles"), "{crumbs}");
    let account_link = h
        .client()
        .find(Locator::XPath(
            "//p[@class='links']/a[normalize-space(.)='Account']",
        ))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure!(
        account_link == format!("/fleet/{uuid}/accounts/{owner}/{account}"),
        "{account_link}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clusters_screens_direct_by_deep_link_and_from_the_overview() -> Result<()> {
    let root = root_with(&listing(3))?;
    let h = fleet(root.path(), 3, false).await?;
    let uuid2 = h.cluster(1).context("cluster2")?.uuid();
    let uuid3 = h.cluster(2).context("cluster3")?.uuid();
    // A deep link before sign-in: says so, with the overview's link and the sign-in itself.
    let deep = format!("/fleet/{uuid2}/profiles");
    h.goto(&deep).await?;
    h.wait_text(".scope-signin h1", "Sign in first").await?;
    ensure!(
        h.wait_css(".scope-signin a")
            .await?
            .attr("href")
            .await?
            .as_deref()
            == Some("/"),
        "a link to the overview"
    );
    h.sign_in("admin").await?;
    // ...and opens in place once signed in.
    h.wait_text(".scope-strip .scope-name", "cluster2").await?;
    ensure!(h.path().await? == deep);
    every_profile_listed(&h, 1).await?;
    // The strip's links are the cluster's.
    let links = h.client().find_all(Locator::Css(".scope-links a")).await?;
    let mut hrefs = Vec::new();
    for l in &links {
        hrefs.push(l.attr("href").await?.unwrap_or_default());
    }
    ensure!(
        hrefs
            == ["profiles", "accounts", "history", "changes"]
                .map(|p| format!("/fleet/{uuid2}/{p}")),
        "{hrefs:?}"
    );
    h.screenshot("fleet-scope-light").await?;
    // A comment saved here goes to cluster2 alone; mchen on the others is untouched.
    edit_in_scope(&h, 3, 1, "mchen").await?;
    // The overview's row links to cluster3's screens.
    h.client()
        .find(Locator::XPath(
            "//header[contains(@class,'fleet-banner')]//a[normalize-space(.)='Overview']",
        ))
        .await?
        .click()
        .await?;
    let link = h
        .wait_css("tr[data-cluster=\"cluster3\"] a.fleet-scope-link")
        .await?;
    ensure!(
        link.attr("href").await?.unwrap_or_default() == format!("/fleet/{uuid3}/profiles"),
        "the row's link"
    );
    link.click().await?;
    wait_path(&h, &format!("/fleet/{uuid3}/profiles")).await?;
    h.wait_text(".scope-strip .scope-name", "cluster3").await?;
    every_profile_listed(&h, 2).await?;
    // The accounts view in the scope, its rows linking inside it.
    h.client()
        .find(Locator::XPath(
            "//div[@class='scope-links']/a[normalize-space(.)='Accounts']",
        ))
        .await?
        .click()
        .await?;
    wait_path(&h, &format!("/fleet/{uuid3}/accounts")).await?;
    let row = h.wait_css(".accounts-table tbody a").await?;
    let href = row.attr("href").await?.unwrap_or_default();
    ensure!(
        href.starts_with(&format!("/fleet/{uuid3}/accounts/")),
        "{href}"
    );
    // A UUID no cluster has, once every cluster is known.
    h.navigate_in_app("/fleet/00000000-0000-4000-8000-000000000000/profiles")
        .await?;
    h.wait_text("h1", "No cluster with this UUID").await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clusters_screens_through_the_gateway_by_deep_link_and_from_the_overview() -> Result<()> {
    let root = root_with(ONLY_THE_GATEWAY)?;
    let h = fleet(root.path(), 3, true).await?;
    let uuid2 = h.cluster(1).context("cluster2")?.uuid();
    let uuid3 = h.cluster(2).context("cluster3")?.uuid();
    let deep = format!("/fleet/{uuid2}/profiles");
    h.goto(&deep).await?;
    h.wait_text(".scope-signin h1", "Sign in first").await?;
    // The gateway's own sign-in, in place.
    h.wait_css("#g-aiqum-user")
        .await?
        .send_keys("umadmin")
        .await?;
    h.wait_css("#g-aiqum-password")
        .await?
        .send_keys(PASSWORD)
        .await?;
    h.click_button("Sign in to Unified Manager").await?;
    h.wait_text(".scope-strip .scope-name", "cluster2").await?;
    let via = h.wait_css(".scope-via").await?.text().await?;
    ensure!(
        via.contains("via Unified Manager aiqum, runs as its stored account"),
        "{via}"
    );
    ensure!(h.path().await? == deep);
    every_profile_listed(&h, 1).await?;
    h.screenshot("fleet-scope-gateway-light").await?;
    edit_in_scope(&h, 3, 1, "mchen").await?;
    // Every call went through Unified Manager's location.
    let log = h.nginx().access_log();
    let api: Vec<&str> = log.lines().filter(|l| l.contains("/api/")).collect();
    ensure!(api.iter().all(|l| l.contains(" /um/api/gateways")), "{log}");
    // From the overview's row.
    h.client()
        .find(Locator::XPath(
            "//header[contains(@class,'fleet-banner')]//a[normalize-space(.)='Overview']",
        ))
        .await?
        .click()
        .await?;
    let link = h
        .wait_css("tr[data-cluster=\"cluster3\"] a.fleet-scope-link")
        .await?;
    link.click().await?;
    wait_path(&h, &format!("/fleet/{uuid3}/profiles")).await?;
    every_profile_listed(&h, 2).await?;
    // No enrollment through a gateway: no link to it in the scope.
    ensure!(h.none_match(Locator::Css("a[href*=\"enroll\"]")).await?);
    h.close().await
}

/// Requests cluster `i` answered with `status`.
fn answered(h: &Harness, i: usize, status: u16) -> usize {
    crate::fleet::received(h, i, |r| r.status == status)
}

/// A 401 in a cluster's screens is that cluster's alone: its re-sign-in dialog asks for its
/// password, the others are sent nothing more, and the screens carry on where they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_in_a_scope_asks_that_cluster_alone_to_sign_in_again() -> Result<()> {
    const NEW_PASSWORD: &str = "Changed-pass1!";
    let root = root_with(&listing(3))?;
    let h = fleet(root.path(), 3, false).await?;
    let uuid2 = h.cluster(1).context("cluster2")?.uuid();
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "3 of 3 read").await?;
    h.navigate_in_app(&format!("/fleet/{uuid2}/profiles"))
        .await?;
    every_profile_listed(&h, 1).await?;
    // The accounts and the other factors too: nothing of the scope's first load still going.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before: Vec<usize> = (0..3)
        .map(|i| h.cluster(i).map_or(0, |c| c.requests().len()))
        .collect();
    h.cluster(1)
        .context("cluster2")?
        .set_password("admin", NEW_PASSWORD);
    h.click_button("Reload").await?;
    h.wait_text("dialog.reauth", "Sign in again").await?;
    ensure!(answered(&h, 1, 401) >= 1, "cluster2 refused");
    h.fill("Password", NEW_PASSWORD).await?;
    h.click_button("Sign in").await?;
    h.reauth_closed().await?;
    h.wait_text("[role=status]", "Signed in again").await?;
    for i in [0, 2] {
        let now = h.cluster(i).map_or(0, |c| c.requests().len());
        ensure!(
            now == before[i] && answered(&h, i, 401) == 0,
            "cluster{} was sent something for cluster2's sign-in",
            i + 1
        );
    }
    // The renewed credentials are cluster2's own from now on: the table reads again.
    h.click_button("Reload").await?;
    h.fill("Filter", "mchen").await?;
    h.click_profile_link("mchen").await?;
    h.wait_css("#comment").await?;
    let last = h
        .cluster(1)
        .and_then(|c| c.requests().last().cloned())
        .context("a request")?;
    ensure!(last.status == 200, "{last:?}");
    h.close().await
}
