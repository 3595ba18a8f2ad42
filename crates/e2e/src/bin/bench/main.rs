//! `make bench`: the figures of issue 9, measured on this machine, printed as a table and
//! written into BENCHMARKS.md (between its `bench:begin`/`bench:end` markers; the rest of the
//! file, the history of the size work, is kept).
//!
//! The page is the release build in `dist/` (`make bench` builds it first), served as in
//! production by nginx on loopback (deploy/nginx-test.conf.in, pre-compressed files) in front
//! of an in-process ontap-sim; Chromium headless over WebDriver with its cache disabled
//! (every load is a first load). Timings are taken inside the page (`performance.mark`,
//! `performance.now`), never by polling over WebDriver. Every figure is the median of
//! repeated runs, with min and max; ratios are computed run by run within the same run.
//!
//! Usage: bench [--runs N] [--out FILE] [--no-write] [--dist DIR] [--only SECTION]
//! (`--dist`: another build of the page than the workspace's `dist/`, for size experiments;
//! `--only load|10k|save|bulk|fleet|offboard|listing|queries|profile|bulk-profile|fleet-profile`: one section; `profile` and
//! `bulk-profile` print Chromium CPU profiles instead of figures.)

mod beside;
mod bulk;
mod cpu_profile;
mod editor;
mod first_load;
mod fleet;
mod hog;
mod machine;
mod report;
mod sim_listing;
mod sim_queries;
mod stack;
mod stats;
mod ten_thousand;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use e2e::workspace_root;

use crate::stats::Table;

static DIST: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The page's build: `--dist`, else the workspace's `dist/`.
fn dist() -> PathBuf {
    DIST.get().cloned().unwrap_or_else(e2e::dist_dir)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let mut runs = 7usize;
    let mut out = Some(workspace_root().join("BENCHMARKS.md"));
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            "--out" => out = Some(PathBuf::from(args.next().context("--out FILE")?)),
            "--no-write" => out = None,
            "--only" => only = Some(args.next().context("--only load|10k|save|bulk|fleet|offboard|listing|queries|profile|bulk-profile|fleet-profile")?),
            "--dist" => {
                let d = args.next().context("--dist DIR")?;
                DIST.set(PathBuf::from(d)).ok();
            }
            other => bail!(
                "unknown argument {other}; usage: bench [--runs N] [--out FILE] [--no-write] [--dist DIR] [--only SECTION]"
            ),
        }
    }
    ensure!(runs >= 1, "--runs must be at least 1");
    // The emulator's own sections need neither the page's build nor Swagger UI.
    let page_free = matches!(only.as_deref(), Some("listing" | "queries"));
    let swagger = if page_free {
        None
    } else {
        e2e::check_dist(&dist())?;
        Some(beside::swagger_dir()?)
    };
    let mut t = Table::default();
    let started = Instant::now();
    // A section that fails is reported as not measured, with its error; the others still run.
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    if wanted("load") {
        let swagger = swagger.as_ref().context("Swagger UI")?;
        let r = first_load::first_load(&mut t, runs, swagger.path()).await;
        t.failed("first load and Swagger UI", r);
    }
    if wanted("10k") {
        let r = ten_thousand::ten_thousand(&mut t, runs).await;
        t.failed("10,000 profiles", r);
    }
    if wanted("save") {
        let r = editor::editor_save(&mut t, runs).await;
        t.failed("editor save", r);
    }
    if wanted("bulk") {
        let r = bulk::bulk(&mut t, runs.min(3), false).await;
        t.failed("bulk: 1,000 PATCHes at 1, 4 and 6 in flight", r);
    }
    if only.as_deref() == Some("bulk-profile") {
        let r = bulk::bulk(&mut t, 1, true).await;
        t.failed("bulk: 1,000 PATCHes at 1, 4 and 6 in flight", r);
    }
    if only.as_deref() == Some("profile") {
        cpu_profile::profile(runs).await?;
    }
    if only.as_deref() == Some("fleet-profile") {
        fleet::overview_profile().await?;
    }
    if wanted("fleet") {
        let r = fleet::fleet(&mut t, runs).await;
        t.failed("fleet: 50 clusters × 2,000 profiles", r);
    }
    if wanted("offboard") {
        let r = fleet::offboard(&mut t, runs).await;
        t.failed("fleet: offboarding 1 account on 50 clusters", r);
        let r = fleet::picked_review(&mut t, runs).await;
        t.failed("fleet: the review of every enabled profile picked", r);
    }
    if wanted("listing") {
        let r = sim_listing::sim_listing(&mut t, runs);
        t.failed("ontap-sim: full paged listing of 100,000 profiles", r);
    }
    if wanted("queries") {
        let r = sim_queries::sim_queries(&mut t, runs);
        t.failed("ontap-sim: each query the page makes at 100,000 records", r);
    }
    println!(
        "\n(benchmark took {:.0} s)",
        started.elapsed().as_secs_f64()
    );
    if let Some(out) = out {
        report::write_report(&out, runs, &t)?;
    }
    Ok(())
}
