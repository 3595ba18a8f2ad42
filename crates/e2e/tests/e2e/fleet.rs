//! The fleet overview over the direct layout behind nginx (issue 19): five emulated clusters
//! under `/clusters/<name>/api` (releases 9.12.1, 9.13.1, 9.16.1, 9.18.1, 9.19.1), the page's
//! own files with a `clusters.json` of the test's beside them. One sign-in tried on one cluster
//! first; a cluster refusing it asks alone and is never sent it twice; a slow or failing
//! cluster holds up no other; a broken file is named by its line and the rest still work.

use std::path::Path;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::{check_dist, dist_dir, Harness, Locator};

/// The page's files (linked, not copied) and `clusters.json` with `text`, in a folder of the
/// test's own: the suite's one build, never changed.
pub(crate) fn fleet_root(text: &str) -> Result<tempfile::TempDir> {
    let dist = dist_dir();
    check_dist(&dist)?;
    let root = tempfile::Builder::new().prefix("e2e-fleet-").tempdir()?;
    for entry in std::fs::read_dir(&dist)? {
        let entry = entry?;
        std::os::unix::fs::symlink(entry.path(), root.path().join(entry.file_name()))?;
    }
    std::fs::write(root.path().join("clusters.json"), text)?;
    Ok(root)
}

/// `clusters.json` for clusters `cluster1`..`clusterN`, one record per line.
pub(crate) fn listing(n: usize) -> String {
    let lines: Vec<String> = (1..=n)
        .map(|i| format!("  {{\"name\": \"cluster{i}\", \"api\": \"/clusters/cluster{i}/api\"}}"))
        .collect();
    format!("{{\"clusters\": [\n{}\n]}}\n", lines.join(",\n"))
}

pub(crate) async fn fleet(root: &Path, n: usize) -> Result<Harness> {
    Harness::with_config(ontap_sim::Config {
        clusters: n,
        dist: Some(root.to_path_buf()),
        ..ontap_sim::Config::ephemeral()
    })
    .await
}

fn cell(cluster: &str, class: &str) -> String {
    format!("tr[data-cluster=\"{cluster}\"] .{class}")
}

/// The text of the first element matching `css`, trimmed.
async fn text_of(h: &Harness, css: &str) -> Result<String> {
    let e = h.wait_css(css).await?;
    Ok(e.text().await?.trim().to_owned())
}

/// [`Harness::wait_text`] for up to `secs` (the browser's own wait is 10 s).
pub(crate) async fn wait_long(h: &Harness, css: &str, needle: &str, secs: u64) -> Result<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        match h.wait_text(css, needle).await {
            Ok(t) => return Ok(t),
            Err(e) if std::time::Instant::now() >= deadline => return Err(e),
            Err(_) => {}
        }
    }
}

/// Opens `path` with the page's files held back, types admin's sign-in into the static form
/// and presses Sign in before the fleet's page has come, then lets the files come.
async fn sign_in_before_the_fleets_page(h: &Harness, path: &str) -> Result<()> {
    h.open_throttled(path).await?;
    h.fill("User name", "admin").await?;
    h.fill("Password", e2e::PASSWORD).await?;
    h.button("Sign in").await?.click().await?;
    h.unthrottle().await
}

/// Every request the first `n` clusters received came as `user`.
fn all_as(h: &Harness, n: usize, user: &str) -> Result<()> {
    for i in 0..n {
        let sent = h.cluster(i).context("cluster")?.requests();
        ensure!(
            sent.iter().all(|r| r.user.as_deref() == Some(user)),
            "cluster{}: {sent:#?}",
            i + 1
        );
    }
    Ok(())
}

/// Requests cluster `i` received that `keep` picks (0 for a cluster not there).
pub(crate) fn received(h: &Harness, i: usize, keep: impl Fn(&e2e::LoggedRequest) -> bool) -> usize {
    h.cluster(i)
        .map(|c| c.requests().iter().filter(|r| keep(r)).count())
        .unwrap_or(0)
}

/// Requests cluster `i` received with status `status` on `/api/cluster`.
fn cluster_reads(h: &Harness, i: usize, status: u16) -> usize {
    received(h, i, |r| {
        r.path.starts_with("/api/cluster") && r.status == status
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_clusters_fill_in_with_their_counts_and_9_12_1_says_it_has_no_totp() -> Result<()> {
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to the fleet").await?;
    h.sign_in("admin").await?;
    for i in 1..=4 {
        let name = format!("cluster{}", i + 1);
        h.wait_text(&cell(&name, "fleet-state"), "Reachable")
            .await?;
        let sim = h.cluster(i).context("cluster")?;
        let totps = sim.totps();
        let on = totps.iter().filter(|t| t.enabled != Some(false)).count();
        let off = totps.len() - on;
        ensure!(text_of(&h, &cell(&name, "fleet-enabled")).await? == e2e::grouped(on));
        ensure!(text_of(&h, &cell(&name, "fleet-disabled")).await? == e2e::grouped(off));
        let release = sim.version().short();
        ensure!(text_of(&h, &cell(&name, "fleet-release")).await? == release);
        // The bar is drawn, with its figures in its accessible name.
        let bar = h.wait_css(&cell(&name, "coverage-bar")).await?;
        let label = bar.attr("aria-label").await?.unwrap_or_default();
        ensure!(label.starts_with("MFA coverage: "), "{label}");
    }
    // cluster1 runs 9.12.1: said plainly, no profile figures, its accounts still counted.
    let state = h
        .wait_text(&cell("cluster1", "fleet-state-cell"), "no TOTP endpoint")
        .await?;
    ensure!(state.contains("9.12.1"), "{state}");
    ensure!(text_of(&h, &cell("cluster1", "fleet-enabled")).await? == "—");
    ensure!(
        h.cluster(0)
            .context("cluster1")?
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/api/security/login/totps")),
        "nothing asked of a release without TOTP"
    );
    h.wait_text(".fleet-totals", "5 of 5 read").await?;
    // The key of every row is its cluster: each cluster got its own requests only.
    for i in 0..5 {
        ensure!(
            cluster_reads(&h, i, 200) == 1,
            "cluster{} signed in once",
            i + 1
        );
    }
    h.screenshot("fleet-overview").await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_refusing_the_shared_sign_in_asks_alone_and_is_never_retried() -> Result<()> {
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    // A wrong password is tried on the first cluster only: nothing reaches the others.
    h.goto("/").await?;
    h.sign_in_with("admin", "wrong-password").await?;
    h.wait_text("[role=alert]", "cluster1 did not accept")
        .await?;
    ensure!(cluster_reads(&h, 0, 401) == 1, "one refusal on cluster1");
    for i in 1..5 {
        ensure!(
            h.cluster(i).context("cluster")?.requests().is_empty(),
            "cluster{} was sent nothing",
            i + 1
        );
    }
    // cluster3's admin has another password: only cluster3 asks, once refused.
    h.cluster(2)
        .context("cluster3")?
        .set_password("admin", "Other-pass1!");
    h.sign_in("admin").await?;
    h.wait_text(&cell("cluster3", "fleet-state"), "Asks for its own sign-in")
        .await?;
    for name in ["cluster1", "cluster2", "cluster4", "cluster5"] {
        h.wait_until(&format!("{name} signed in"), || async {
            let t = text_of(&h, &cell(name, "fleet-state")).await?;
            Ok((t == "Reachable" || t == "No TOTP").then_some(()))
        })
        .await?;
    }
    let asking = h
        .client()
        .find_all(Locator::Css(".fleet-own-signin"))
        .await?;
    ensure!(
        asking.len() == 1,
        "only cluster3 asks ({} forms)",
        asking.len()
    );
    ensure!(asking[0].attr("data-cluster").await?.as_deref() == Some("cluster3"));
    // Never retried: one 401 there, whatever time passes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    ensure!(
        cluster_reads(&h, 2, 401) == 1,
        "cluster3 was sent the refused credentials once"
    );
    // Its own sign-in goes to cluster3 alone.
    let before: Vec<usize> = (0..5)
        .map(|i| h.cluster(i).map_or(0, |c| c.requests().len()))
        .collect();
    let user = h.wait_css("#c-cluster3-user").await?;
    user.send_keys("admin").await?;
    h.wait_css("#c-cluster3-password")
        .await?
        .send_keys("Other-pass1!")
        .await?;
    h.click_button("Sign in to cluster3").await?;
    h.wait_text(&cell("cluster3", "fleet-state"), "Reachable")
        .await?;
    for i in [0, 1, 3, 4] {
        let now = h.cluster(i).map_or(0, |c| c.requests().len());
        ensure!(
            now == before[i],
            "cluster{} was sent nothing for cluster3's sign-in",
            i + 1
        );
    }
    ensure!(h.none_match(Locator::Css(".fleet-own-signin")).await?);
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_cluster_and_a_failing_one_hold_up_no_other() -> Result<()> {
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    // cluster2 answers after 6 s; cluster4 answers nothing (every connection dropped).
    h.cluster(1).context("cluster2")?.set_latency_ms(6_000);
    h.cluster(3)
        .context("cluster4")?
        .set_faults(ontap_sim::FaultConfig {
            rate: 1.0,
            modes: vec![ontap_sim::FaultMode::DropBefore],
            ..Default::default()
        });
    h.goto("/").await?;
    h.sign_in("admin").await?;
    let started = std::time::Instant::now();
    for name in ["cluster3", "cluster5"] {
        h.wait_text(&cell(name, "fleet-state"), "Reachable").await?;
    }
    h.wait_text(&cell("cluster1", "fleet-state"), "No TOTP")
        .await?;
    // The others are in while cluster2 still waits for its answer.
    ensure!(
        started.elapsed() < Duration::from_secs(6),
        "the fast clusters waited for the slow one ({:?})",
        started.elapsed()
    );
    let slow = text_of(&h, &cell("cluster2", "fleet-state")).await?;
    ensure!(
        slow == "Signing in…" || slow == "Reading…",
        "cluster2: {slow}"
    );
    // cluster4 says why, in the words of the rest of the page (nginx answers 502 for a
    // cluster that drops the connection), and offers to try again.
    let text = wait_long(&h, &cell("cluster4", "fleet-state-cell"), "Unreachable", 40).await?;
    ensure!(text.contains("could not reach it (HTTP 502)"), "{text}");
    h.button("Try again").await?;
    // And the slow one fills in by itself.
    wait_long(&h, &cell("cluster2", "fleet-state"), "Reachable", 40).await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_file_and_a_name_given_twice_are_named_by_line_and_the_rest_work() -> Result<()> {
    // Line 3 lacks its closing brace; line 5 names cluster2 again.
    let text = "{\"clusters\": [\n\
        {\"name\": \"cluster1\", \"api\": \"/clusters/cluster1/api\"},\n\
        {\"name\": \"cluster2\", \"api\": \"/clusters/cluster2/api\"\n\
        {\"name\": \"cluster3\", \"api\": \"/clusters/cluster3/api\"},\n\
        {\"name\": \"cluster3\", \"api\": \"/clusters/cluster4/api\"}\n\
        ]}\n";
    let root = fleet_root(text)?;
    let h = fleet(root.path(), 4).await?;
    h.goto("/").await?;
    let problems = h.wait_css(".fleet-problems").await?.text().await?;
    ensure!(problems.contains("clusters.json, line 3:"), "{problems}");
    ensure!(
        problems.contains("line 5:") && problems.contains("listed again (first on line 4)"),
        "{problems}"
    );
    let rows = h
        .client()
        .find_all(Locator::Css("tbody tr[data-cluster]"))
        .await?;
    ensure!(
        rows.len() == 2,
        "cluster1 and cluster3 only ({} rows)",
        rows.len()
    );
    h.sign_in("admin").await?;
    h.wait_text(&cell("cluster3", "fleet-state"), "Reachable")
        .await?;
    h.wait_text(&cell("cluster1", "fleet-state"), "No TOTP")
        .await?;
    // The second "cluster3" (cluster4's address) was never used.
    ensure!(h.cluster(3).context("cluster4")?.requests().is_empty());
    ensure!(h.cluster(1).context("cluster2")?.requests().is_empty());
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_clusters_json_the_page_is_the_single_cluster_page() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.wait_text("h1", "Sign in to the cluster").await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-name").await?;
    ensure!(h.path().await?.starts_with("/profiles"));
    ensure!(h.none_match(Locator::Css(".fleet-table")).await?);
    h.close().await
}

/// The overview signed in, and both fleet tables with a row picked, in both themes: axe finds
/// nothing; the README's pictures of the overview are taken (`target/screenshots/fleet-light.png`,
/// `fleet-dark.png`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_and_the_fleet_tables_pass_axe_in_both_themes() -> Result<()> {
    let axe = crate::a11y::axe_source()?;
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to the fleet").await?;
    crate::a11y::check(&h, &axe, "fleet-sign-in").await?;
    h.cluster(3)
        .context("cluster4")?
        .set_password("admin", "Other-pass1!");
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "4 of 5 read").await?;
    h.wait_css(".fleet-own-signin").await?;
    for theme in ["light", "dark"] {
        crate::a11y::set_theme(&h, theme).await?;
        crate::a11y::check(&h, &axe, &format!("fleet-overview-{theme}")).await?;
        h.screenshot(&format!("fleet-{theme}")).await?;
    }
    // The fleet tables, with a row picked (the checkboxes and the selection bar).
    for (path, table) in [
        ("/fleet/profiles", "profiles"),
        ("/fleet/accounts", "accounts"),
    ] {
        h.navigate_in_app(path).await?;
        h.wait_css("tr[data-row=\"0\"] .col-select input")
            .await?
            .click()
            .await?;
        h.wait_text(".selection-count", "1 selected").await?;
        for theme in ["light", "dark"] {
            crate::a11y::set_theme(&h, theme).await?;
            crate::a11y::check(&h, &axe, &format!("fleet-{table}-{theme}")).await?;
        }
    }
    h.close().await
}

/// The coverage report: the CSV's lines per SVM agree with each emulated cluster's accounts
/// and profiles, a cluster that asks for its own sign-in is a line with its state, and the
/// printable view shows every cluster (screenshots `fleet-report.png` and, as printed,
/// `fleet-report-print.png`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coverage_report_agrees_with_the_clusters_and_prints() -> Result<()> {
    let root = fleet_root(&listing(5))?;
    let h = fleet(root.path(), 5).await?;
    h.cluster(3)
        .context("cluster4")?
        .set_password("admin", "Other-pass1!");
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to the fleet").await?;
    h.sign_in("admin").await?;
    h.wait_text(".fleet-totals", "4 of 5 read").await?;
    h.catch_downloads().await?;
    h.click_button("Export coverage (CSV)").await?;
    let csv = h.download_text().await?;
    let lines: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    for i in [0, 1, 2, 4] {
        let sim = h.cluster(i).context("cluster")?;
        let name = format!("cluster{}", i + 1);
        let uuid = sim.uuid();
        let profiles: std::collections::HashMap<(String, String), bool> = sim
            .totps()
            .iter()
            .filter_map(|t| {
                let owner = t.owner.as_ref()?.uuid.clone()?.to_lowercase();
                Some((
                    (owner, t.account_name()?.to_owned()),
                    t.enabled != Some(false),
                ))
            })
            .collect();
        // Per SVM UUID: (accounts, SSH, TOTP enabled, TOTP disabled, TOTP required no profile).
        let mut want: std::collections::BTreeMap<String, [usize; 5]> = Default::default();
        for a in sim.accounts() {
            let owner = a.owner.as_str().to_lowercase();
            let w = want.entry(owner.clone()).or_default();
            w[0] += 1;
            if a.application(ontap_sim::model::Application::Ssh).is_none() {
                continue;
            }
            w[1] += 1;
            if a.requires_totp() {
                match profiles.get(&(owner.clone(), a.name.as_str().to_owned())) {
                    Some(true) => w[2] += 1,
                    Some(false) => w[3] += 1,
                    None => w[4] += 1,
                }
            }
        }
        let got: Vec<&Vec<String>> = lines
            .iter()
            .filter(|l| l[0] == name && l[5] == "svm")
            .collect();
        ensure!(
            got.len() == want.len(),
            "{name}: {} SVM lines, {} SVMs\n{csv}",
            got.len(),
            want.len()
        );
        for l in got {
            ensure!(l[1] == uuid, "{name}: cluster UUID {} for {uuid}", l[1]);
            let w = want
                .get(&l[7].to_lowercase())
                .with_context(|| format!("{name}: SVM {} not in the emulator", l[7]))?;
            let counts: Vec<usize> = l[8..13]
                .iter()
                .map(|c| c.parse().unwrap_or(usize::MAX))
                .collect();
            ensure!(
                counts == w.to_vec(),
                "{name} {}: {counts:?}, the emulator says {w:?}",
                l[6]
            );
        }
        ensure!(
            lines.iter().any(|l| l[0] == name && l[5] == "cluster"),
            "{name}: its cluster line"
        );
    }
    // cluster4 refused the shared sign-in: there, with its state, and no counts.
    let c4: Vec<&Vec<String>> = lines.iter().filter(|l| l[0] == "cluster4").collect();
    ensure!(
        c4.len() == 1 && c4[0][3] == "Asks for its own sign-in" && c4[0][8].is_empty(),
        "{c4:?}"
    );
    ensure!(
        lines
            .iter()
            .any(|l| l[5] == "fleet" && l[3] == "4 of 5 read"),
        "{csv}"
    );
    ensure!(
        lines
            .iter()
            .any(|l| l[0] == "cluster1" && l[3] == "No TOTP"),
        "{csv}"
    );
    // The accounts: one line per account read, keyed by cluster UUID, owner UUID and name.
    h.click_button("Export accounts (CSV)").await?;
    let accounts = h.download_text().await?;
    let read: usize = [0, 1, 2, 4]
        .iter()
        .map(|i| h.cluster(*i).map_or(0, |c| c.accounts().len()))
        .sum();
    ensure!(
        accounts.lines().count() == 1 + read + 1,
        "{} lines for {read} accounts",
        accounts.lines().count()
    );
    ensure!(accounts.starts_with("cluster,cluster_uuid,cluster_state,svm,owner_uuid,account,"));
    // The printable view: every cluster, the one not read with its state.
    h.click_button("Printable report").await?;
    h.wait_text(".fleet-report h1", "MFA coverage report")
        .await?;
    let who = text_of(&h, ".report-who").await?;
    ensure!(
        who.contains("admin on cluster1") && !who.contains("cluster4"),
        "{who}"
    );
    let sections = h.client().find_all(Locator::Css(".report-cluster")).await?;
    ensure!(
        sections.len() == 5,
        "{} clusters in the report",
        sections.len()
    );
    h.wait_text(
        ".report-cluster[data-cluster=\"cluster4\"]",
        "Not read (Asks for its own sign-in)",
    )
    .await?;
    h.screenshot("fleet-report").await?;
    h.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": "print"}),
    )
    .await?;
    h.screenshot("fleet-report-print").await?;
    // Printed to A4 as a browser prints it: the print sheet keeps a short cluster's section on
    // one page, so five small clusters take three pages, not one per table row (the PDF is kept
    // beside the screenshots to look at).
    let pdf = h
        .cdp(
            "Page.printToPDF",
            serde_json::json!({"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": false}),
        )
        .await?;
    let pdf = pdf["data"].as_str().context("printToPDF gave no data")?;
    let pdf = data_encoding::BASE64.decode(pdf.as_bytes())?;
    let pages = pdf
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    std::fs::write(
        e2e::target_dir()
            .join("screenshots")
            .join("fleet-report.pdf"),
        &pdf,
    )?;
    ensure!(
        (1..=3).contains(&pages),
        "the report of 5 clusters printed on {pages} pages"
    );
    h.cdp(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"media": ""}),
    )
    .await?;
    h.click_button("Back to the overview").await?;
    h.wait_css(".fleet-table").await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_fleet_forgets_every_clusters_credentials_and_says_why() -> Result<()> {
    let root = fleet_root(&listing(2))?;
    let h = fleet(root.path(), 2).await?;
    // The test's idle time (the setting only ever shortens it), read as the fleet mounts.
    h.goto("/").await?;
    h.client()
        .execute(
            "localStorage.setItem('totp-admin.idle', '{\"idle_ms\": 2000}'); return null;",
            vec![],
        )
        .await?;
    h.goto("/").await?;
    h.wait_text("h2", "Sign in to the fleet").await?;
    h.sign_in("admin").await?;
    h.wait_text(&cell("cluster2", "fleet-state"), "Reachable")
        .await?;
    let said = wait_long(&h, "[role=status]", "without activity", 20).await?;
    ensure!(said.contains("every cluster"), "{said}");
    for name in ["cluster1", "cluster2"] {
        h.wait_text(&cell(name, "fleet-state"), "Not signed in")
            .await?;
    }
    h.wait_text("h2", "Sign in to the fleet").await?;
    // Nothing is sent once signed out, whatever time passes.
    let before: Vec<usize> = (0..2)
        .map(|i| h.cluster(i).map_or(0, |c| c.requests().len()))
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for (i, n) in before.iter().enumerate() {
        ensure!(h.cluster(i).map_or(0, |c| c.requests().len()) == *n);
    }
    // Signing in again takes the message down (well before the next idle time).
    h.sign_in("admin").await?;
    h.wait_until("the message gone", || async {
        Ok(h.none_match(Locator::Css(".fleet [role=status]"))
            .await?
            .then_some(()))
    })
    .await?;
    h.client()
        .execute(
            "localStorage.removeItem('totp-admin.idle'); return null;",
            vec![],
        )
        .await?;
    h.close().await
}

/// Typed into the single-cluster form before the page knew it was a fleet's (the fleet's page
/// is a module of its own, fetched after `clusters.json`): what was typed and the Sign in
/// pressed carry into the fleet's sign-in and are acted on there, once; the single-cluster
/// form sends nothing and keeps no password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_typed_before_the_fleets_page_came_is_carried_into_it() -> Result<()> {
    let root = fleet_root(&listing(3))?;
    let h = fleet(root.path(), 3).await?;
    sign_in_before_the_fleets_page(&h, "/").await?;
    for name in ["cluster1", "cluster2", "cluster3"] {
        signed_in(&h, name).await?;
    }
    ensure!(
        !h.sign_in_shown().await?,
        "the single-cluster form gave way"
    );
    let left = h
        .eval_string("return document.getElementById('password').value;")
        .await?;
    ensure!(left.is_empty(), "the hidden form kept the password");
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..3 {
        ensure!(
            cluster_reads(&h, i, 401) == 0,
            "cluster{}: a refusal",
            i + 1
        );
    }
    all_as(&h, 3, "admin")?;
    h.close().await
}

/// Typing into the single-cluster form while the fleet's page is on its way: the fleet's form
/// takes its place with what was typed and the focus where it was, so the next keystrokes land
/// in the same field, and nothing is sent until Sign in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_goes_on_in_the_fleets_form_where_it_stopped() -> Result<()> {
    let root = fleet_root(&listing(2))?;
    let h = fleet(root.path(), 2).await?;
    h.open_throttled("/").await?;
    h.fill("User name", "adm").await?;
    h.unthrottle().await?;
    h.wait_css(".fleet-signin").await?;
    let (id, value) = h
        .wait_until("the fleet's User name focused", || async {
            let got = h
                .eval_string(
                    "const e = document.activeElement; \
                     return e && e.id === 'fleet-user' ? e.id + '=' + e.value : '';",
                )
                .await?;
            Ok(got
                .split_once('=')
                .map(|(a, b)| (a.to_owned(), b.to_owned())))
        })
        .await?;
    ensure!(id == "fleet-user" && value == "adm", "{id}={value}");
    h.client().active_element().await?.send_keys("in").await?;
    for i in 0..2 {
        ensure!(
            h.cluster(i).context("cluster")?.requests().is_empty(),
            "cluster{}: asked before Sign in",
            i + 1
        );
    }
    h.fill("Password", e2e::PASSWORD).await?;
    h.click_button("Sign in").await?;
    for name in ["cluster1", "cluster2"] {
        signed_in(&h, name).await?;
    }
    all_as(&h, 2, "admin")?;
    h.close().await
}

/// A deep link to the fleet's profile table, signed in before the fleet's page came: the
/// table's own sign-in form takes the press, and the rows come, with no step by the overview.
/// On offboarding, which has no form, the press is dropped, and the password with it: nothing
/// is sent then, nor later on the overview.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_signs_in_on_its_own_screen_or_not_at_all() -> Result<()> {
    let root = fleet_root(&listing(2))?;
    let h = fleet(root.path(), 2).await?;
    sign_in_before_the_fleets_page(&h, "/fleet/offboard").await?;
    h.wait_text("h1", "Offboard").await?;
    h.navigate_in_app("/").await?;
    h.wait_css(".fleet-signin").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let typed = h
        .eval_string("return document.getElementById('fleet-password').value;")
        .await?;
    ensure!(typed.is_empty(), "the overview's form holds a password");
    for i in 0..2 {
        let sent = h.cluster(i).context("cluster")?.requests();
        ensure!(sent.is_empty(), "cluster{}: {sent:#?}", i + 1);
    }

    sign_in_before_the_fleets_page(&h, "/fleet/profiles").await?;
    h.wait_text("h1", "TOTP profiles across the fleet").await?;
    let uuid = h
        .cluster(1)
        .context("cluster2")?
        .uuid()
        .to_ascii_lowercase();
    wait_long(
        &h,
        &format!("tr[data-row][data-cluster=\"{uuid}\"]"),
        "",
        20,
    )
    .await?;
    ensure!(
        h.path().await? == "/fleet/profiles",
        "moved to {}",
        h.path().await?
    );
    h.close().await
}

/// The fleet's page does not arrive: the page says so in place of any sign-in form, sends
/// nothing, and Try again brings the fleet's page once it can arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleets_page_that_does_not_arrive_is_explained_and_tried_again() -> Result<()> {
    let root = fleet_root(&listing(2))?;
    let h = fleet(root.path(), 2).await?;
    h.block(&["*split_fleet-*"]).await?;
    h.goto("/").await?;
    h.wait_text("[role=alert]", "the fleet's page did not arrive")
        .await?;
    h.screenshot("split-fleet-page-missing").await?;
    ensure!(
        !h.sign_in_shown().await?,
        "no single-cluster form on a fleet's page"
    );
    h.block(&[]).await?;
    h.click_button("Try again").await?;
    h.wait_text("h2", "Sign in to the fleet").await?;
    h.sign_in("admin").await?;
    for name in ["cluster1", "cluster2"] {
        signed_in(&h, name).await?;
    }
    ensure!(
        h.none_match(Locator::Css(".connect-card[role=alert]"))
            .await?,
        "the message goes once the fleet's page is there"
    );
    h.close().await
}

/// Waits up to 40 s for `name`'s overview line to say it is signed in (a 9.12.1 cluster says it
/// has no TOTP).
async fn signed_in(h: &Harness, name: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    loop {
        let t = text_of(h, &cell(name, "fleet-state")).await?;
        if t == "Reachable" || t == "No TOTP" {
            return Ok(());
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "{name} not signed in after 40 s: {t}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The clusters' listing pages (profiles and accounts) the page's own thread fetched, from its
/// resource timing: the reads worker's (src/api/reads.rs) are not in it.
async fn listings_fetched_by_the_page(h: &Harness) -> Result<usize> {
    let n = h
        .eval_string(
            "return String(performance.getEntriesByType('resource')
                 .map(e => new URL(e.name))
                 .filter(u => u.pathname.startsWith('/clusters/')
                     && (u.pathname.endsWith('/security/login/totps')
                         || u.pathname.endsWith('/security/accounts'))
                     && u.searchParams.has('max_records')).length);",
        )
        .await?;
    Ok(n.parse()?)
}

/// Listing pages cluster `i` answered.
fn listings_answered(h: &Harness, i: usize) -> usize {
    received(h, i, |r| {
        (r.path.contains("/security/login/totps?") || r.path.contains("/security/accounts?"))
            && r.path.contains("max_records=")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleets_listings_are_read_by_the_reads_worker_and_a_slow_one_fails_alone() -> Result<()> {
    let root = fleet_root(&listing(3))?;
    let h = fleet(root.path(), 3).await?;
    // cluster3's profile listing answers after 4 s, past the 1.5 s read timeout.
    h.cluster(2)
        .context("cluster3")?
        .script_fault(ontap_sim::ScriptedFault::new(
            "GET",
            "/security/login/totps?fields=",
            ontap_sim::Scripted::Delay(Duration::from_secs(4)),
            1,
        ));
    h.goto("/").await?;
    h.set_timing(r#"{"read_ms":1500,"write_ms":2000,"retry_base_ms":300}"#)
        .await?;
    h.sign_in("admin").await?;
    h.wait_text(&cell("cluster2", "fleet-state"), "Reachable")
        .await?;
    h.wait_text(&cell("cluster1", "fleet-state"), "No TOTP")
        .await?;
    let text = wait_long(
        &h,
        &cell("cluster3", "fleet-state-cell"),
        "Could not be read",
        20,
    )
    .await?;
    ensure!(text.contains("did not answer in time"), "{text}");
    // The worker is started by the sign-in's reads, and a listing waits for it to be ready:
    // every listing page went through it, none through the page's thread.
    let answered: usize = (0..3).map(|i| listings_answered(&h, i)).sum();
    ensure!(
        answered >= 4,
        "the clusters answered {answered} listing pages"
    );
    let by_page = listings_fetched_by_the_page(&h).await?;
    ensure!(
        by_page == 0,
        "{by_page} of {answered} listing pages were fetched by the page's thread, not the worker"
    );
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_reads_worker_a_fleets_listings_are_read_by_the_page() -> Result<()> {
    let root = fleet_root(&listing(2))?;
    // A deployment that left the worker's file out: nginx answers its index.html for it, which
    // no worker runs.
    for entry in std::fs::read_dir(root.path())? {
        let entry = entry?;
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("reads-worker-")
        {
            std::fs::remove_file(entry.path())?;
        }
    }
    let h = fleet(root.path(), 2).await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    for name in ["cluster1", "cluster2"] {
        h.wait_css(&format!(
            "tr[data-cluster=\"{name}\"] .fleet-state.state-ok, tr[data-cluster=\"{name}\"] .fleet-state.state-warn"
        ))
        .await?;
    }
    h.wait_text(&cell("cluster2", "fleet-state"), "Reachable")
        .await?;
    ensure!(
        listings_fetched_by_the_page(&h).await? >= 2,
        "without the worker, the page's thread fetched the listings itself"
    );
    h.close().await
}
