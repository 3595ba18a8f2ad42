//! The bulk page: 1,000 PATCHes at 1, 4 and 6 in flight with 20 ms of latency, timed by the
//! page itself, and at 6 again with the change log open while the run goes on; with
//! `--only bulk-profile`, where a run's time goes.

use anyhow::{ensure, Result};
use e2e::{Locator, PASSWORD};
use serde_json::json;

use crate::cpu_profile::print_profile;
use crate::stack::Stack;
use crate::stats::{stat, Table};

/// The bulk page's flow (as crates/e2e/tests/e2e/bulk.rs drives it): all 1,000 generated profiles
/// selected through the filter, "Set the comment", N requests in flight, started; the page's
/// own elapsed time of the run (`data-elapsed-ms` on its progress section).
/// With `profile` (`--only bulk-profile`, one run, no figures kept): where the time goes. For
/// each pass, the page's main-thread time per PATCH (CDP `Performance.getMetrics`: script,
/// layout, style, the rest) and a request's time in the page against its time at nginx's
/// upstream; for the 4-in-flight pass, Chromium's CPU profile (self time per function; see
/// [`crate::cpu_profile::profile`] for a build that keeps function names).
pub(crate) async fn bulk(t: &mut Table, runs: usize, profile: bool) -> Result<()> {
    const N: usize = 1000;
    let config = ontap_sim::Config {
        profiles: N,
        seed: 1,
        latency_ms: 20,
        ..ontap_sim::Config::ephemeral()
    };
    let s = Stack::start(config, None).await?;
    let total = s.sim.state.with_state(|st| st.totps.len());
    s.load_until_mark("/", "totp-admin:wasm-ready").await?;
    s.browser.fill("User name", "admin").await?;
    s.browser.fill("Password", PASSWORD).await?;
    s.browser.click_button("Sign in").await?;
    let all = s.eval_async(include_str!("js/wait_loaded.js"), vec![]);
    ensure!(
        all.await? == json!(true),
        "the {total} profiles did not load within 60 s"
    );
    let mut per: [Vec<f64>; 4] = Default::default();
    let (mut r41, mut r61, mut watched) = (vec![], vec![], vec![]);
    let mut first = true;
    let mut logged = 0;
    for run in 0..runs {
        let mut secs = [0.0; 4];
        // The last pass: 6 in flight again, the change log open while it runs.
        for (i, (inflight, log_open)) in [(1usize, false), (4, false), (6, false), (6, true)]
            .into_iter()
            .enumerate()
        {
            if !first {
                s.browser.click_button("Done: clear the selection").await?;
                s.browser
                    .client()
                    .find(Locator::XPath(
                        "//a[starts-with(normalize-space(.), '← Back to the table')]",
                    ))
                    .await?
                    .click()
                    .await?;
            }
            first = false;
            s.browser.fill("Filter", "user0").await?;
            s.browser
                .wait_text(".table-summary", &format!("{} of", e2e::grouped(N)))
                .await?;
            s.browser
                .click_button(&format!("Select all {} matching profiles", e2e::grouped(N)))
                .await?;
            s.browser
                .wait_text(".selection-count", &format!("{} selected", e2e::grouped(N)))
                .await?;
            s.browser
                .client()
                .find(Locator::LinkText("Change the selected…"))
                .await?
                .click()
                .await?;
            s.browser
                .input_by_label("Set the comment")
                .await?
                .click()
                .await?;
            s.browser
                .fill(
                    "New comment",
                    &format!("bench run {run}, pass {i}: {inflight} in flight"),
                )
                .await?;
            s.browser
                .wait_text(
                    ".bulk-review-summary",
                    &format!("{} will change", e2e::grouped(N)),
                )
                .await?;
            s.eval(
                "const s = document.getElementById('bulk-limit-start'); s.value = String(arguments[0]);
                 s.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![json!(inflight)],
            )
            .await?;
            let before = s.sim.state.requests().len();
            let log_before = if profile {
                s.nginx.access_log().len()
            } else {
                0
            };
            let m0 = if profile {
                s.browser.cdp("Performance.enable", json!({})).await?;
                s.eval(
                    "performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings();",
                    vec![],
                )
                .await?;
                main_thread(&s).await?
            } else {
                Default::default()
            };
            let profiling = profile && inflight == 4;
            if profiling {
                s.browser.cdp("Profiler.enable", json!({})).await?;
                s.browser
                    .cdp("Profiler.setSamplingInterval", json!({ "interval": 500 }))
                    .await?;
                s.browser.cdp("Profiler.start", json!({})).await?;
            }
            s.browser
                .click_button(&format!(
                    "Change the comment of {} profiles",
                    e2e::grouped(N)
                ))
                .await?;
            logged += N;
            if log_open {
                // The run goes on without its page; back to it once the log has every change.
                s.browser.navigate_in_app("/changes").await?;
                let v = s
                    .eval_async(include_str!("js/changes_settled.js"), vec![json!(logged)])
                    .await?;
                ensure!(
                    v == json!(true),
                    "the change log while the run went on: {v}"
                );
                s.browser.navigate_in_app("/profiles/bulk").await?;
            }
            let v = s
                .eval_async(include_str!("js/bulk_finished.js"), vec![])
                .await?;
            if profile {
                let m1 = main_thread(&s).await?;
                let per = |k: &str| {
                    (m1.get(k).copied().unwrap_or(0.0) - m0.get(k).copied().unwrap_or(0.0)) * 1e3
                        / N as f64
                };
                let count =
                    |k: &str| m1.get(k).copied().unwrap_or(0.0) - m0.get(k).copied().unwrap_or(0.0);
                println!(
                    "{inflight} in flight: {:.2} s; page main thread per PATCH: {:.2} ms busy \
                     ({:.2} script, {:.2} layout in {} layouts, {:.2} style, {:.2} other: paint, \
                     network, DevTools)",
                    v["ms"].as_f64().unwrap_or(f64::NAN) / 1000.0,
                    per("TaskDuration"),
                    per("ScriptDuration"),
                    per("LayoutDuration"),
                    count("LayoutCount"),
                    per("RecalcStyleDuration"),
                    per("TaskOtherDuration"),
                );
                let r = s.eval(include_str!("js/api_request_ms.js"), vec![]).await?;
                let log = s.nginx.access_log();
                let upstream: Vec<f64> = log[log_before.min(log.len())..]
                    .lines()
                    .filter(|l| l.starts_with("PATCH"))
                    .filter_map(|l| l.split(' ').find_map(|w| w.strip_prefix("upstream=")))
                    .filter_map(|v| v.parse::<f64>().ok())
                    .collect();
                println!(
                    "{inflight} in flight: a request takes {:.1} ms in the page (fetch to answer \
                     read), {:.1} ms at nginx's upstream (ontap-sim with its latency)",
                    r.as_f64().unwrap_or(f64::NAN),
                    upstream.iter().sum::<f64>() * 1e3 / upstream.len().max(1) as f64
                );
            }
            if profiling {
                let p = s.browser.cdp("Profiler.stop", json!({})).await?;
                println!("{inflight} in flight: {v}");
                print_profile(&p["profile"]);
            }
            ensure!(
                v["done"].as_u64() == Some(N as u64),
                "{inflight} in flight: {v} (every one of {N} should be done)"
            );
            let patches = s.sim.state.requests()[before..]
                .iter()
                .filter(|r| r.method == "PATCH")
                .count();
            ensure!(
                patches == N,
                "{inflight} in flight: {patches} PATCHes for {N} profiles"
            );
            secs[i] = v["ms"].as_f64().unwrap_or(f64::NAN) / 1000.0;
            per[i].push(secs[i]);
        }
        r41.push(secs[0] / secs[1]);
        r61.push(secs[0] / secs[2]);
        watched.push(secs[3] / secs[2]);
    }
    for (i, inflight) in [1, 4, 6].into_iter().enumerate() {
        t.add(
            format!("bulk: {N} PATCHes, {inflight} in flight, 20 ms latency"),
            "s",
            stat(&per[i]),
            "",
            None,
        );
    }
    t.add(
        format!("bulk: {N} PATCHes, 6 in flight, the change log open while it runs"),
        "s",
        stat(&per[3]),
        "",
        None,
    );
    t.add(
        "bulk: time with the change log open ÷ without, 6 in flight (run by run)",
        "x",
        stat(&watched),
        "",
        None,
    );
    let r = stat(&r41);
    t.add(
        "bulk: time at 1 in flight ÷ at 4 (run by run)",
        "x",
        r,
        "≥ 3×",
        Some(r.median >= 3.0),
    );
    t.add(
        "bulk: time at 1 in flight ÷ at 6 (run by run)",
        "x",
        stat(&r61),
        "",
        None,
    );
    s.sim.stop().ok();
    Ok(())
}

/// The page's cumulative main-thread metrics (CDP `Performance.getMetrics`), by name.
async fn main_thread(s: &Stack) -> Result<std::collections::BTreeMap<String, f64>> {
    let v = s.browser.cdp("Performance.getMetrics", json!({})).await?;
    Ok(v["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m["name"].as_str()?.to_owned(), m["value"].as_f64()?)))
        .collect())
}
