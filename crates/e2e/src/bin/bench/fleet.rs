//! A fleet (issue 19): 50 emulated clusters of 2,000 profiles each (100,000 in all), every
//! cluster answering after 20 ms, in the direct layout behind nginx (`/clusters/NAME/api`,
//! `clusters.json` beside the page). Timed from the fleet's Sign in click: the first cluster's
//! line, and the overview complete. Over HTTP/1.1 (the test template, as plain http on
//! loopback: six connections to the origin) and over HTTP/2 (TLS with a self-signed
//! certificate, as the production example's `listen 443 ssl http2`); the protocol printed is
//! the one Chromium reports it used.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use e2e::{demo, PASSWORD};
use serde_json::{json, Value};

use crate::stack::Stack;
use crate::stats::{stat, Table};

/// Clusters and profiles per cluster of the figure.
pub(crate) const CLUSTERS: usize = 50;
pub(crate) const PROFILES_EACH: usize = 2_000;
pub(crate) const LATENCY_MS: u64 = 20;

/// The fleet: every release with TOTP (9.12.1 has none, and would hold no profiles), each
/// cluster topped up to 2,000 profiles, 20 ms before every answer.
fn fleet_config() -> ontap_sim::Config {
    use ontap_model::Version;
    let releases = vec![
        Version::new(9, 13, 1),
        Version::new(9, 16, 1),
        Version::new(9, 18, 1),
        Version::new(9, 19, 1),
    ];
    let demo_profiles = demo::cluster(Version::new(9, 18, 1)).totps.len();
    ontap_sim::Config {
        clusters: CLUSTERS,
        releases,
        profiles: PROFILES_EACH.saturating_sub(demo_profiles),
        latency_ms: LATENCY_MS,
        history: false,
        // Unified Manager's gateway in front of the same clusters, for the tables' figures
        // through it (the direct layout is served as well).
        gateway: true,
        seed: 1,
        ..ontap_sim::Config::ephemeral()
    }
}

/// The fleet of `config` behind nginx over HTTP/1.1, its `clusters.json` (the direct layout)
/// beside the page's files; the folder goes with the stack.
async fn direct_stack(config: ontap_sim::Config) -> Result<(tempfile::TempDir, Stack)> {
    let root = page_root()?;
    let s = Stack::start_at(config, root.path(), |tpl| Ok(tpl.to_owned()), "http", &[]).await?;
    let listing = ontap_sim::fleet::clusters_json(&s.sim.clusters);
    std::fs::write(root.path().join("clusters.json"), listing.to_string())?;
    Ok((root, s))
}

/// The page's files (linked), for `clusters.json` to go beside them once the emulator has
/// named its clusters.
fn page_root() -> Result<tempfile::TempDir> {
    let dist = crate::dist().canonicalize()?;
    let root = tempfile::Builder::new().prefix("bench-fleet-").tempdir()?;
    for entry in std::fs::read_dir(&dist)? {
        let entry = entry?;
        std::os::unix::fs::symlink(entry.path(), root.path().join(entry.file_name()))?;
    }
    Ok(root)
}

/// A self-signed certificate for 127.0.0.1 (openssl), for the HTTP/2 listener.
fn certificate(dir: &Path) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .output()
        .context("running openssl for the HTTP/2 listener's certificate")?;
    ensure!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((cert, key))
}

/// The test template's listener made TLS with HTTP/2.
fn with_http2(template: &str, cert: &Path, key: &Path) -> Result<String> {
    const PLAIN: &str = "listen @LISTEN@;";
    ensure!(
        template.contains(PLAIN),
        "the test template has no `{PLAIN}`"
    );
    Ok(template.replace(
        PLAIN,
        &format!(
            "listen @LISTEN@ ssl http2;\n        ssl_certificate {};\n        ssl_certificate_key {};",
            cert.display(),
            key.display()
        ),
    ))
}

pub(crate) async fn fleet(t: &mut Table, runs: usize) -> Result<()> {
    let tls = tempfile::Builder::new().prefix("bench-tls-").tempdir()?;
    let (cert, key) = certificate(tls.path())?;
    for http2 in [false, true] {
        let root = page_root()?;
        let (scheme, args): (&str, &[&str]) = if http2 {
            ("https", &["--ignore-certificate-errors"])
        } else {
            ("http", &[])
        };
        let s = Stack::start_at(
            fleet_config(),
            root.path(),
            |tpl| {
                if http2 {
                    with_http2(tpl, &cert, &key)
                } else {
                    Ok(tpl.to_owned())
                }
            },
            scheme,
            args,
        )
        .await?;
        let listing = ontap_sim::fleet::clusters_json(&s.sim.clusters);
        std::fs::write(root.path().join("clusters.json"), listing.to_string())?;
        let total: usize = s
            .sim
            .clusters
            .iter()
            .map(|c| c.sim.with_state(|st| st.totps.len()))
            .sum();
        ensure!(
            s.sim.clusters.len() == CLUSTERS,
            "{} clusters",
            s.sim.clusters.len()
        );
        for layout in [Layout::Direct, Layout::Gateway] {
            overview_figures(t, &s, root.path(), runs, layout, http2, total, &listing).await?;
        }
        let proto = if http2 { "HTTP/2" } else { "HTTP/1.1" };
        for layout in [Layout::Direct, Layout::Gateway] {
            tables(t, &s, root.path(), runs, layout, proto, &listing).await?;
        }
        s.sim.stop().ok();
    }
    Ok(())
}

/// The overview's figures in one layout: a warm-up run (the emulator renders every listing
/// for the first time), then `runs` runs: to the first cluster's line, to every line, and
/// (direct, HTTP/1.1) the wasm memory.
#[allow(clippy::too_many_arguments)]
async fn overview_figures(
    t: &mut Table,
    s: &Stack,
    root: &Path,
    runs: usize,
    layout: Layout,
    http2: bool,
    total: usize,
    direct: &Value,
) -> Result<()> {
    if layout == Layout::Gateway {
        std::fs::write(root.join("clusters.json"), GATEWAY_FILE)?;
    }
    let (mut first, mut all, mut cold) = (vec![], vec![], vec![]);
    let mut mb = vec![];
    let mut protocols = String::new();
    for run in 0..=runs {
        let v = overview(
            s,
            layout,
            &format!("the fleet overview of {CLUSTERS} clusters"),
        )
        .await?;
        protocols = v["protocols"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        if run > 0 {
            first.push(v["first"].as_f64().unwrap_or(f64::NAN));
            all.push(v["all"].as_f64().unwrap_or(f64::NAN));
            mb.push(v["net"]["bytes"].as_f64().unwrap_or(f64::NAN));
        } else {
            // Run 0 warms nginx up, and the emulator renders every listing for the first
            // time: later runs get its kept answers, as a real fleet's page gets fifty
            // clusters' answers rendered on fifty clusters' CPUs, not on the bench's two.
            cold.push(v["all"].as_f64().unwrap_or(f64::NAN));
        }
    }
    if http2 && protocols != "h2" {
        bail!("the HTTP/2 stack's requests went over {protocols:?}");
    }
    let way = match layout {
        Layout::Direct => "direct",
        Layout::Gateway => "through the gateway",
    };
    let how = format!("{CLUSTERS} clusters × {PROFILES_EACH} ({total} profiles), {LATENCY_MS} ms each, {way}, {protocols}");
    let f = stat(&first);
    t.add(
        format!("fleet {how}: Sign in → first cluster's line"),
        "ms",
        f,
        "",
        None,
    );
    let a = stat(&all);
    t.add(
        format!("fleet {how}: Sign in → overview complete"),
        "ms",
        a,
        "≤ 2000 ms",
        Some(a.median <= 2000.0),
    );
    // The listings are fetched by the reads worker (src/api/reads.rs), whose requests the
    // page's resource timing does not list: what is left is the page thread's own.
    t.add(
        format!("fleet {how}: overview, JSON the page's thread fetched itself (not the listings)"),
        "MB",
        stat(&mb),
        "",
        None,
    );
    t.add(
            format!("fleet {how}: overview complete, first run (the emulator renders each answer on the bench's CPUs)"),
            "ms",
            stat(&cold),
            "",
            None,
        );
    if !http2 && layout == Layout::Direct {
        memory(t, s, format!("fleet {how}: overview complete, wasm memory")).await?;
    }
    std::fs::write(root.join("clusters.json"), direct.to_string())?;
    Ok(())
}

/// Where the page's time goes during the fleet overview (`--only fleet-profile`, not part of
/// the default run): one warm-up sign-in, then Chromium's CPU profile of the next, over HTTP/1.1
/// in the direct layout (through the gateway with `BENCH_FLEET_LAYOUT=gateway`). Pass a build
/// that keeps function names with `--dist` (see [`crate::cpu_profile::profile`]).
pub(crate) async fn overview_profile() -> Result<()> {
    let (root, s) = direct_stack(fleet_config()).await?;
    let layout = match std::env::var("BENCH_FLEET_LAYOUT").as_deref() {
        Ok("gateway") => {
            std::fs::write(root.path().join("clusters.json"), GATEWAY_FILE)?;
            Layout::Gateway
        }
        _ => Layout::Direct,
    };
    for profiled in [false, true] {
        s.load_until_mark("/", "totp-admin:wasm-ready").await?;
        let args = overview_args(&s, layout).await?;
        if profiled {
            s.browser.cdp("Profiler.enable", json!({})).await?;
            s.browser
                .cdp("Profiler.setSamplingInterval", json!({ "interval": 500 }))
                .await?;
            s.browser.cdp("Profiler.start", json!({})).await?;
        }
        let v = s
            .eval_async(include_str!("js/fleet_overview.js"), args)
            .await?;
        println!("fleet overview (profiled: {profiled}): {v}");
        if profiled {
            let p = s.browser.cdp("Profiler.stop", json!({})).await?;
            crate::cpu_profile::print_profile(&p["profile"]);
        }
    }
    // Filter keystrokes in the fleet profile table, every row in it.
    s.browser
        .client()
        .execute(
            "document.querySelector('a.banner-link[href=\"/fleet/profiles\"]').click(); return null;",
            vec![],
        )
        .await?;
    s.browser
        .wait_text(".table-summary", "100,050 rows")
        .await?;
    s.browser.cdp("Profiler.start", json!({})).await?;
    let v = s
        .eval_async(crate::ten_thousand::FILTER_KEYS, vec![json!("user000042")])
        .await?;
    let p = s.browser.cdp("Profiler.stop", json!({})).await?;
    println!("filter keystrokes at 100,050 rows: {v}");
    crate::cpu_profile::print_profile(&p["profile"]);
    s.sim.stop().ok();
    Ok(())
}

/// Loads the page, signs in to the fleet (its shared form, or Unified Manager's) and waits
/// for the overview complete (`js/fleet_overview.js`: its figures); `what` names it in an
/// error.
async fn overview(s: &Stack, layout: Layout, what: &str) -> Result<Value> {
    s.load_until_mark("/", "totp-admin:wasm-ready").await?;
    let args = overview_args(s, layout).await?;
    let v = s
        .eval_async(include_str!("js/fleet_overview.js"), args)
        .await?;
    if let Some(e) = v["error"].as_str() {
        bail!("{what}: {e}");
    }
    Ok(v)
}

/// Fills the sign-in form of `layout`; the arguments of `js/fleet_overview.js` that click it.
async fn overview_args(s: &Stack, layout: Layout) -> Result<Vec<Value>> {
    let (button, text, path) = match layout {
        Layout::Direct => {
            fill_fleet_sign_in(s).await?;
            (
                ".fleet-signin button[type=submit]",
                Value::Null,
                "/clusters/",
            )
        }
        Layout::Gateway => {
            fill_gateway_sign_in(s).await?;
            ("button", json!("Sign in to Unified Manager"), "/um/")
        }
    };
    Ok(vec![json!(CLUSTERS), json!(button), text, json!(path)])
}

/// Fills the fleet's shared sign-in form (the direct layout) as admin.
async fn fill_fleet_sign_in(s: &Stack) -> Result<()> {
    s.browser.wait_text("h2", "Sign in to the fleet").await?;
    s.browser.fill("User name", "admin").await?;
    s.browser.fill("Password", PASSWORD).await?;
    Ok(())
}

/// Fills the sign-in form of Unified Manager "aiqum" as its Application Administrator.
async fn fill_gateway_sign_in(s: &Stack) -> Result<()> {
    for (id, v) in [
        ("#g-aiqum-user", "umadmin"),
        ("#g-aiqum-password", PASSWORD),
    ] {
        let e = s
            .browser
            .client()
            .wait()
            .for_element(fantoccini::Locator::Css(id))
            .await?;
        e.send_keys(v).await?;
    }
    Ok(())
}

/// The wasm memory as it stands (after a garbage collection, three times), as `label`.
async fn memory(t: &mut Table, s: &Stack, label: String) -> Result<()> {
    let mut wasm = vec![];
    for _ in 0..3 {
        s.browser
            .cdp("HeapProfiler.collectGarbage", json!({}))
            .await?;
        let v = s.eval(include_str!("js/memory.js"), vec![]).await?;
        wasm.push(v["wasm"].as_f64().unwrap_or(f64::NAN));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    t.add(label, "MB", stat(&wasm), "", None);
    Ok(())
}

/// The account offboarding finds on every cluster: cluster-scoped, with an enabled profile
/// in the demo data of every release with TOTP.
const OFFBOARDED: &str = "jdoe";

/// Offboarding on its own stack: the same 50 clusters at 20 ms (every release with TOTP), with
/// the demo's profiles only, so that the overview read at sign-in (not timed here) is done
/// before Find; over HTTP/1.1 (the test template).
pub(crate) async fn offboard(t: &mut Table, runs: usize) -> Result<()> {
    let config = ontap_sim::Config {
        profiles: 0,
        ..fleet_config()
    };
    let (root, s) = direct_stack(config).await?;
    overview(&s, Layout::Direct, "the fleet overview before offboarding").await?;
    let how = format!("{CLUSTERS} clusters, {LATENCY_MS} ms each, direct, HTTP/1.1");
    let direct = offboarding(t, &s, runs, &how).await;
    // The same clusters through Unified Manager's gateway, as its Application Administrator
    // (the page does not know the role up front: the first write goes alone).
    let gateway = async {
        std::fs::write(root.path().join("clusters.json"), GATEWAY_FILE)?;
        s.load_until_mark("/", "totp-admin:wasm-ready").await?;
        fill_gateway_sign_in(&s).await?;
        s.browser.click_button("Sign in to Unified Manager").await?;
        s.browser
            .wait_text(".fleet-totals", &format!("{CLUSTERS} of {CLUSTERS} read"))
            .await?;
        let how =
            format!("{CLUSTERS} clusters, {LATENCY_MS} ms each, through the gateway, HTTP/1.1");
        offboarding(t, &s, runs, &how).await
    }
    .await;
    s.sim.stop().ok();
    direct.and(gateway)
}

/// Offboarding one account on every cluster (issue 19: ≤ 3 s end to end at 20 ms): from the
/// Find click to the last result, Run pressed as soon as the review is complete. The
/// profiles are enabled again between runs.
async fn offboarding(t: &mut Table, s: &Stack, runs: usize, how: &str) -> Result<()> {
    s.browser
        .client()
        .execute(
            "document.querySelector('a.banner-link[href=\"/fleet/offboard\"]').click(); return null;",
            vec![],
        )
        .await?;
    s.browser
        .wait_text("h1", "Offboard across the fleet")
        .await?;
    s.browser.fill("Account names", OFFBOARDED).await?;
    let (mut review, mut all, mut page) = (vec![], vec![], vec![]);
    for run in 0..=runs {
        for c in &s.sim.clusters {
            c.sim.with_state(|st| {
                for (k, p) in st.totps.iter_mut() {
                    if k.account.as_str() == OFFBOARDED {
                        p.enabled = Some(true);
                    }
                }
            });
        }
        let v = s
            .eval_async(include_str!("js/fleet_offboard.js"), vec![])
            .await?;
        if let Some(e) = v["error"].as_str() {
            bail!("offboarding {OFFBOARDED} on {CLUSTERS} clusters: {e}");
        }
        let n = v["done"].as_u64().unwrap_or(0);
        ensure!(
            n as usize == CLUSTERS && v["rows"].as_u64() == Some(n),
            "offboarding: {v}"
        );
        if run > 0 {
            review.push(v["review"].as_f64().unwrap_or(f64::NAN));
            all.push(v["all"].as_f64().unwrap_or(f64::NAN));
            page.push(v["page"].as_f64().unwrap_or(f64::NAN));
        }
    }
    t.add(
        format!("fleet {how}: offboarding 1 account, Find → review complete"),
        "ms",
        stat(&review),
        "",
        None,
    );
    let a = stat(&all);
    t.add(
        format!("fleet {how}: offboarding 1 account on {CLUSTERS} clusters ({LATENCY_MS} ms), Find → last result"),
        "ms",
        a,
        "≤ 3000 ms",
        Some(a.median <= 3000.0),
    );
    t.add(
        format!("fleet {how}: offboarding, the page's own Find → last result"),
        "ms",
        stat(&page),
        "",
        None,
    );
    Ok(())
}

/// Every enabled profile of the fleet picked in its table and reviewed for disabling (the
/// review and the results list them windowed; they were bounded to 5,000 rows before): from
/// the click to the review complete, every cluster's listings read fresh and planned. Nothing
/// is run. Direct, HTTP/1.1.
pub(crate) async fn picked_review(t: &mut Table, runs: usize) -> Result<()> {
    let (_root, s) = direct_stack(fleet_config()).await?;
    let run_all = async {
        let (mut review, mut last) = (vec![], Value::Null);
        for run in 0..=runs {
            overview(&s, Layout::Direct, "the fleet overview before the picked review").await?;
            s.browser
                .navigate_in_app("/fleet/profiles?state=enabled")
                .await?;
            s.browser.wait_text(".table-summary", "rows match").await?;
            let v = s
                .eval_async(include_str!("js/fleet_picked_review.js"), vec![])
                .await?;
            if let Some(e) = v["error"].as_str() {
                bail!("the review of every enabled profile: {e}");
            }
            ensure!(
                v["picked"].as_u64().is_some_and(|n| n > 5_000)
                    && v["changes"] == v["picked"]
                    && v["drawn"].as_u64().is_some_and(|n| n < v["picked"].as_u64().unwrap_or(0) / 20),
                "the review of every enabled profile: {v}"
            );
            if run > 0 {
                review.push(v["review"].as_f64().unwrap_or(f64::NAN));
            }
            last = v;
        }
        let how = format!("{CLUSTERS} clusters × {PROFILES_EACH}, {LATENCY_MS} ms, direct, HTTP/1.1");
        t.add(
            format!(
                "fleet {how}: {} profiles picked in the table, Disable → review complete ({} rows drawn)",
                last["picked"], last["drawn"]
            ),
            "ms",
            stat(&review),
            "",
            None,
        );
        Ok(())
    }
    .await;
    s.sim.stop().ok();
    run_all
}

/// How the fleet tables' figures reach the clusters.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Direct,
    Gateway,
}

/// The gateway of the figures through Unified Manager, as `clusters.json` names it.
const GATEWAY_FILE: &str = "{\"gateways\": [{\"name\": \"aiqum\", \"api\": \"/um/api\"}]}";

/// The fleet tables (`/fleet/profiles`, `/fleet/accounts`): from the Sign in click (and the
/// banner's link clicked at once) to the first rows and to every row drawn; a filter
/// keystroke at 100,000 rows; the wasm memory with both tables' rows kept.
async fn tables(
    t: &mut Table,
    s: &Stack,
    root: &Path,
    runs: usize,
    layout: Layout,
    proto: &str,
    direct: &Value,
) -> Result<()> {
    let file = match layout {
        Layout::Direct => direct.to_string(),
        Layout::Gateway => GATEWAY_FILE.to_owned(),
    };
    std::fs::write(root.join("clusters.json"), file)?;
    let how = format!(
        "fleet tables {CLUSTERS} × {PROFILES_EACH}, {LATENCY_MS} ms, {proto}, {}",
        match layout {
            Layout::Direct => "direct",
            Layout::Gateway => "through the gateway",
        }
    );
    for (link, prefix) in [("Profiles", "profiles"), ("Accounts", "accounts")] {
        let (mut first, mut all) = (vec![], vec![]);
        let mut summary = String::new();
        for run in 0..=runs {
            s.load_until_mark("/", "totp-admin:wasm-ready").await?;
            let (selector, text) = match layout {
                Layout::Direct => {
                    fill_fleet_sign_in(s).await?;
                    (".fleet-signin button[type=submit]", Value::Null)
                }
                Layout::Gateway => {
                    fill_gateway_sign_in(s).await?;
                    ("button", json!("Sign in to Unified Manager"))
                }
            };
            let v = s
                .eval_async(
                    include_str!("js/fleet_tables.js"),
                    vec![json!(selector), text, json!(link), json!(prefix)],
                )
                .await?;
            if let Some(e) = v["error"].as_str() {
                bail!("{how}, {link}: {e}");
            }
            summary = v["summary"].as_str().unwrap_or_default().to_owned();
            if run > 0 {
                first.push(v["first"].as_f64().unwrap_or(f64::NAN));
                all.push(v["all"].as_f64().unwrap_or(f64::NAN));
            }
        }
        let f = stat(&first);
        t.add(
            format!("{how}: Sign in → {prefix} first rows"),
            "ms",
            f,
            "≤ 1000 ms",
            Some(f.median <= 1000.0),
        );
        let a = stat(&all);
        t.add(
            format!("{how}: Sign in → {prefix} all rows ({})", summary.trim()),
            "ms",
            a,
            "≤ 8000 ms",
            Some(a.median <= 8000.0),
        );
        if prefix == "profiles" {
            // A name in every cluster (each cluster's generated users are user000000...).
            let v = s
                .eval_async(crate::ten_thousand::FILTER_KEYS, vec![json!("user000042")])
                .await?;
            crate::ten_thousand::keystrokes(
                t,
                &format!("{how}: filter keystroke (profiles)"),
                &[v],
            )?;
        }
    }
    memory(t, s, format!("{how}: both tables' rows kept, wasm memory")).await?;
    std::fs::write(root.join("clusters.json"), direct.to_string())?;
    Ok(())
}
