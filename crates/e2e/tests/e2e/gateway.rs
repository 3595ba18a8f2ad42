//! A fleet through Unified Manager's API gateway behind nginx (issue 19): `clusters.json`
//! names the gateway (`/um/api`, Unified Manager's `/api` on the page's origin), the emulator
//! (`--gateway`) plays Unified Manager in front of its clusters. The overview reads every
//! cluster through the tunnel (listings of several pages included), says that the clusters see
//! Unified Manager's stored account and not the user; a cluster listed both directly and by
//! the gateway is shown once; nginx passes only the page's paths through the tunnel, in the
//! test template and in the production example.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use e2e::http::{basic_auth, request, request_tls};
use e2e::production::{self, Certs, GOOD};
use e2e::{check_dist, dist_dir, Harness, Locator, Nginx, PASSWORD};
use ontap_sim::inferred::GATEWAY_CLUSTER_ACCOUNT;

/// The page's files (linked) and `clusters.json` with `text`, in a folder of the test's own.
pub(crate) fn root_with(text: &str) -> Result<tempfile::TempDir> {
    let dist = dist_dir();
    check_dist(&dist)?;
    let root = tempfile::Builder::new().prefix("e2e-gateway-").tempdir()?;
    for entry in std::fs::read_dir(&dist)? {
        let entry = entry?;
        std::os::unix::fs::symlink(entry.path(), root.path().join(entry.file_name()))?;
    }
    std::fs::write(root.path().join("clusters.json"), text)?;
    Ok(root)
}

pub(crate) const ONLY_THE_GATEWAY: &str =
    "{\"gateways\": [\n  {\"name\": \"aiqum\", \"api\": \"/um/api\"}\n]}\n";

/// `n` emulated clusters behind the emulated gateway, each with `profiles` generated profiles.
pub(crate) async fn behind_gateway(root: &Path, n: usize, profiles: usize) -> Result<Harness> {
    Harness::with_config(ontap_sim::Config {
        clusters: n,
        gateway: true,
        profiles,
        dist: Some(root.to_path_buf()),
        ..ontap_sim::Config::ephemeral()
    })
    .await
}

fn cell(cluster: &str, class: &str) -> String {
    format!("tr[data-cluster=\"{cluster}\"] .{class}")
}

async fn text_of(h: &Harness, css: &str) -> Result<String> {
    Ok(h.wait_css(css).await?.text().await?.trim().to_owned())
}

/// Signs in to the gateway `aiqum` with its own form (its ids: `g-aiqum-...`).
pub(crate) async fn gateway_sign_in(h: &Harness, user: &str) -> Result<()> {
    h.wait_css("#g-aiqum-user").await?.send_keys(user).await?;
    h.wait_css("#g-aiqum-password")
        .await?
        .send_keys(PASSWORD)
        .await?;
    h.click_button("Sign in to Unified Manager").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_reads_every_cluster_through_the_tunnel_and_says_who_they_see() -> Result<()> {
    let axe = crate::a11y::axe_source()?;
    let root = root_with(ONLY_THE_GATEWAY)?;
    // 2,100 generated profiles: the overview reads pages of 2,000, so every listing of
    // profiles takes more than one page, each next link rewritten by the gateway.
    let h = behind_gateway(root.path(), 3, 2_100).await?;
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to Unified Manager (aiqum)")
        .await?;
    // A gateway-only file has no shared cluster sign-in, and offers no token (UM: basic only).
    ensure!(h.none_match(Locator::Css(".fleet-signin")).await?);
    ensure!(h.none_match(Locator::Css("#g-aiqum-token")).await?);
    crate::a11y::check(&h, &axe, "gateway-sign-in").await?;
    gateway_sign_in(&h, "umoperator").await?;
    for i in 1..3 {
        let sim = h.cluster(i).context("cluster")?;
        let name = sim.name.clone();
        h.wait_text(&cell(&name, "fleet-state"), "Reachable")
            .await?;
        let totps = sim.totps();
        let on = totps.iter().filter(|t| t.enabled != Some(false)).count();
        ensure!(text_of(&h, &cell(&name, "fleet-enabled")).await? == e2e::grouped(on));
        ensure!(
            text_of(&h, &cell(&name, "fleet-disabled")).await? == e2e::grouped(totps.len() - on)
        );
        // The profiles came in more than one page, through the tunnel.
        let pages = sim
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/api/security/login/totps") && r.status == 200)
            .count();
        ensure!(pages >= 2, "{name}: {pages} page(s) of profiles");
        ensure!(
            sim.requests()
                .iter()
                .any(|r| r.path.starts_with("/api/security/login/totps")
                    && r.path.contains("start.key")),
            "{name}: a next page was followed"
        );
    }
    h.wait_text(&cell("cluster1", "fleet-state"), "No TOTP")
        .await?;
    h.wait_text(".fleet-totals", "3 of 3 read").await?;
    // Who the clusters see: each row and the gateway's note say it is Unified Manager's
    // account, not umoperator...
    let row = text_of(&h, "tr[data-cluster=\"cluster2\"] th").await?;
    ensure!(
        row.contains("via Unified Manager aiqum") && row.contains("runs as its stored account"),
        "{row}"
    );
    let note = text_of(&h, ".fleet-gateway .gateway-seen-as").await?;
    ensure!(note.contains("not as umoperator"), "{note}");
    let user = text_of(&h, ".fleet-gateway .gateway-user").await?;
    ensure!(
        user.contains("as umoperator; its API gateway lists 3 clusters."),
        "{user}"
    );
    // ...and so it is: every request a cluster received came as that account.
    for i in 0..3 {
        let sim = h.cluster(i).context("cluster")?;
        let users: std::collections::BTreeSet<Option<String>> =
            sim.requests().iter().map(|r| r.user.clone()).collect();
        ensure!(
            users == [Some(GATEWAY_CLUSTER_ACCOUNT.0.to_owned())].into(),
            "cluster{} saw {users:?}",
            i + 1
        );
    }
    // No self-enrollment through the gateway, and the page says why.
    let why = text_of(&h, ".fleet-gateway .gateway-no-enroll").await?;
    ensure!(
        why.contains("No self-enrollment through the gateway"),
        "{why}"
    );
    ensure!(h.none_match(Locator::Css("a[href*=\"enroll\"]")).await?);
    // Every API call went through Unified Manager's location.
    let log = h.nginx().access_log();
    let api_lines: Vec<&str> = log.lines().filter(|l| l.contains("/api/")).collect();
    ensure!(
        !api_lines.is_empty() && api_lines.iter().all(|l| l.contains(" /um/api/gateways")),
        "{log}"
    );
    for theme in ["light", "dark"] {
        crate::a11y::set_theme(&h, theme).await?;
        crate::a11y::check(&h, &axe, &format!("gateway-overview-{theme}")).await?;
        h.screenshot(&format!("fleet-gateway-{theme}")).await?;
    }
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_listed_directly_and_by_the_gateway_is_shown_once() -> Result<()> {
    let text = "{\"clusters\": [\n  {\"name\": \"cluster1\", \"api\": \"/clusters/cluster1/api\"},\n  {\"name\": \"cluster2\", \"api\": \"/clusters/cluster2/api\"}\n],\n\"gateways\": [\n  {\"name\": \"aiqum\", \"api\": \"/um/api\"}\n]}\n";
    let root = root_with(text)?;
    let h = behind_gateway(root.path(), 3, 0).await?;
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to the fleet").await?;
    // The gateway first: its three clusters join the file's two (not signed in yet).
    gateway_sign_in(&h, "umadmin").await?;
    h.wait_text(".fleet-totals", "3 of 5 read").await?;
    // Then the file's own: cluster1 and cluster2 are the gateway's first two, by UUID. They
    // are shown once, from the file's entries, and the page says so.
    h.wait_css("#fleet-user").await?.send_keys("admin").await?;
    h.wait_css("#fleet-password")
        .await?
        .send_keys(PASSWORD)
        .await?;
    h.click_button("Sign in").await?;
    h.wait_text(".fleet-totals", "3 of 3 read").await?;
    let rows = h
        .client()
        .find_all(Locator::Css("tbody tr[data-cluster]"))
        .await?;
    let mut seen = Vec::new();
    for r in &rows {
        seen.push((
            r.attr("data-cluster").await?.unwrap_or_default(),
            r.attr("data-via").await?,
        ));
    }
    ensure!(
        seen == [
            ("cluster1".to_owned(), None),
            ("cluster2".to_owned(), None),
            ("cluster3".to_owned(), Some("aiqum".to_owned())),
        ],
        "{seen:?}"
    );
    let once = text_of(&h, ".fleet-shown-once").await?;
    for name in ["cluster1", "cluster2"] {
        let uuid = h
            .cluster(if name == "cluster1" { 0 } else { 1 })
            .context("c")?
            .uuid();
        ensure!(
            once.contains(&format!("{name} (cluster UUID {uuid}) is listed by Unified Manager aiqum and in clusters.json as {name}")),
            "{once}"
        );
    }
    h.screenshot("fleet-gateway-shown-once").await?;
    h.close().await
}

/// Paths the page never sends through the tunnel, some dressed as one of its paths.
fn refused(uuid: &str) -> Vec<String> {
    [
        "/um/api/datacenter/cluster/clusters",
        "/um/api/admin/users",
        "/um/api/gateways/UUID/private/cli/security/login/unlock",
        "/um/api/gateways/UUID/storage/volumes",
        "/um/api/gateways/UUID/cluster/nodes",
        "/um/api/gateways/UUID/security/accounts/..%2F..%2Fprivate%2Fcli",
        "/um/api/gateways/UUID/../../datacenter/cluster/clusters",
        "/um/api/gateways/not-a-uuid!/cluster",
        "/um/api/gateways/UUID/security/login/totpsx",
    ]
    .iter()
    .map(|p| p.replace("UUID", uuid))
    .collect()
}

/// The page's paths through the tunnel, with what the emulator answers.
fn passed(uuid: &str) -> Vec<(String, u16)> {
    vec![
        ("/um/api/gateways".into(), 200),
        (
            format!("/um/api/gateways/{uuid}/cluster?fields=name,uuid,version"),
            200,
        ),
        (
            format!("/um/api/gateways/{uuid}/security/accounts?fields=name,owner&max_records=5"),
            200,
        ),
        (
            format!("/um/api/gateways/{uuid}/security/login/totps?fields=enabled&max_records=5"),
            200,
        ),
    ]
}

#[test]
fn only_the_pages_paths_pass_through_the_tunnel_in_the_test_template() -> Result<()> {
    let sim = ontap_sim::start_background(ontap_sim::Config {
        clusters: 2,
        gateway: true,
        ..ontap_sim::Config::ephemeral()
    })?;
    let nginx = Nginx::start(&dist_dir(), sim.addr)?;
    let auth = basic_auth("umoperator", PASSWORD);
    let cluster = &sim.clusters[1];
    let uuid = cluster.uuid();
    for (target, status) in passed(&uuid) {
        let r = request(
            nginx.addr(),
            "GET",
            &target,
            &[("Authorization", &auth)],
            None,
        )?;
        ensure!(
            r.status == status,
            "GET {target}: {} {}",
            r.status,
            r.text()
        );
    }
    let before = cluster.requests().len();
    for target in refused(&uuid) {
        let r = request(
            nginx.addr(),
            "GET",
            &target,
            &[("Authorization", &auth)],
            None,
        )?;
        ensure!(
            r.status == 404 && r.text().contains("nginx-404"),
            "GET {target}: {} {}",
            r.status,
            r.text()
        );
    }
    ensure!(
        cluster.requests().len() == before,
        "a refused path reached the cluster: {:?}",
        &cluster.requests()[before..]
    );
    Ok(())
}

#[test]
fn the_production_example_passes_the_tunnel_byte_for_byte_and_nothing_else() -> Result<()> {
    let dist = dist_dir();
    check_dist(&dist)?;
    let sim = ontap_sim::start_background(ontap_sim::Config {
        clusters: 2,
        gateway: true,
        ..ontap_sim::Config::ephemeral()
    })?;
    let certs = Certs::make()?;
    let tls_front = production::start_cluster_tls(&certs, sim.addr)?;
    let site = production::start_site(
        &production::production_conf()?,
        &certs,
        &dist,
        tls_front.addrs()[GOOD],
    )?;
    let https = site.addrs()[0];
    let auth = basic_auth("umadmin", PASSWORD);
    // The second cluster: the first runs 9.12.1, which has no TOTP endpoint.
    let cluster = &sim.clusters[1];
    let uuid = cluster.uuid();
    // A percent-encoded account name reaches the cluster as sent.
    let encoded = format!("/um/api/gateways/{uuid}/security/accounts?name=CORP%5Cjdoe&fields=name");
    for (target, status) in passed(&uuid).into_iter().chain([(encoded.clone(), 200)]) {
        let r = request_tls(
            https,
            &certs.client(),
            "GET",
            &target,
            &[("Authorization", &auth)],
            None,
        )?;
        ensure!(
            r.status == status,
            "GET {target}: {} {}",
            r.status,
            r.text()
        );
    }
    let want = encoded.trim_start_matches(&format!("/um/api/gateways/{uuid}"));
    ensure!(
        cluster
            .requests()
            .iter()
            .any(|r| r.path == format!("/api{want}")),
        "the cluster did not get {want} byte for byte: {:?}",
        cluster
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>()
    );
    let before = cluster.requests().len();
    for target in refused(&uuid) {
        let r = request_tls(
            https,
            &certs.client(),
            "GET",
            &target,
            &[("Authorization", &auth)],
            None,
        )?;
        ensure!(
            r.status == 404 && r.text().contains("nginx-404"),
            "GET {target}: {} {}",
            r.status,
            r.text()
        );
    }
    ensure!(
        cluster.requests().len() == before,
        "a refused path reached the cluster"
    );
    Ok(())
}
