//! Chromium's CPU profiles of the page (`--only profile`, and the bulk run's
//! `--only bulk-profile`): self time per function, printed, not kept as figures.

use anyhow::Result;
use e2e::PASSWORD;
use serde_json::{json, Value};

use crate::stack::Stack;
use crate::ten_thousand::{ten_thousand_config, FILTER_KEYS, SIGN_IN_AND_LOAD};

/// Where the page's time goes (`--only profile`, not part of the default run): Chromium's
/// sampling CPU profiler around the sign-in at 10,000 profiles and around filter keystrokes,
/// self time per function. Function names need a build that keeps them (wasm-bindgen
/// `--keep-debug`, wasm-opt `-g`), passed with `--dist`; otherwise wasm functions show as
/// `wasm-function[N]`.
pub(crate) async fn profile(runs: usize) -> Result<()> {
    let s = Stack::start(ten_thousand_config(), None).await?;
    s.load_until_mark("/", "totp-admin:wasm-ready").await?;
    s.browser.fill("User name", "admin").await?;
    s.browser.fill("Password", PASSWORD).await?;
    s.browser.cdp("Profiler.enable", json!({})).await?;
    s.browser
        .cdp("Profiler.setSamplingInterval", json!({ "interval": 200 }))
        .await?;
    s.browser.cdp("Profiler.start", json!({})).await?;
    let v = s.eval_async(SIGN_IN_AND_LOAD, vec![]).await?;
    let p = s.browser.cdp("Profiler.stop", json!({})).await?;
    println!("sign-in to all loaded: {v}");
    print_profile(&p["profile"]);
    s.browser.cdp("Profiler.start", json!({})).await?;
    for _ in 0..runs.max(1) {
        let v = s.eval_async(FILTER_KEYS, vec![json!("user0042")]).await?;
        println!("filter keystrokes (ms to DOM updated): {}", v["dom"]);
    }
    let p = s.browser.cdp("Profiler.stop", json!({})).await?;
    print_profile(&p["profile"]);
    s.sim.stop().ok();
    Ok(())
}

/// Self time per function of a CDP profile, the top 30; with `BENCH_PROFILE_DIR` set, the
/// profile itself is written there too (`profile-N.json`).
pub(crate) fn print_profile(p: &Value) {
    // For a closer look (call trees) than these totals: the raw profile, numbered in order.
    if let Ok(dir) = std::env::var("BENCH_PROFILE_DIR") {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let _ = std::fs::write(format!("{dir}/profile-{n}.json"), p.to_string());
    }
    let nodes = p["nodes"].as_array().cloned().unwrap_or_default();
    let samples = p["samples"].as_array().cloned().unwrap_or_default();
    let deltas = p["timeDeltas"].as_array().cloned().unwrap_or_default();
    let mut name_of = std::collections::HashMap::new();
    for n in &nodes {
        let f = &n["callFrame"];
        let name = match f["functionName"].as_str() {
            Some("") | None => format!("({})", f["url"].as_str().unwrap_or("anonymous")),
            Some(n) => n.to_owned(),
        };
        name_of.insert(n["id"].as_i64().unwrap_or(-1), name);
    }
    let mut self_us: std::collections::HashMap<String, f64> = Default::default();
    let mut total = 0.0;
    for (i, id) in samples.iter().enumerate() {
        // A sample's time is the delta to the next one.
        let dt = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0);
        let name = name_of
            .get(&id.as_i64().unwrap_or(-1))
            .cloned()
            .unwrap_or_default();
        *self_us.entry(name).or_default() += dt;
        total += dt;
    }
    // Inclusive time: each sample counts once for every distinct function on its stack.
    let mut parent = std::collections::HashMap::new();
    for n in &nodes {
        for c in n["children"].as_array().into_iter().flatten() {
            parent.insert(c.as_i64().unwrap_or(-1), n["id"].as_i64().unwrap_or(-1));
        }
    }
    let mut total_us: std::collections::HashMap<&str, f64> = Default::default();
    for (i, id) in samples.iter().enumerate() {
        let dt = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0);
        let mut seen = std::collections::HashSet::new();
        let mut at = id.as_i64();
        while let Some(node) = at {
            if let Some(name) = name_of.get(&node) {
                if seen.insert(name.as_str()) {
                    *total_us.entry(name.as_str()).or_default() += dt;
                }
            }
            at = parent.get(&node).copied();
        }
    }
    let mut v: Vec<_> = total_us.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!(
        "  total time (with callees), {:.0} ms sampled:",
        total / 1000.0
    );
    for (name, us) in v.into_iter().take(60) {
        let name: String = name.chars().take(150).collect();
        println!(
            "  {:>8.1} ms {:>5.1}%  {name}",
            us / 1000.0,
            100.0 * us / total.max(1.0)
        );
    }
    let mut v: Vec<_> = self_us.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("  self time, {:.0} ms sampled:", total / 1000.0);
    for (name, us) in v.into_iter().take(30) {
        let name: String = name.chars().take(150).collect();
        println!(
            "  {:>8.1} ms {:>5.1}%  {name}",
            us / 1000.0,
            100.0 * us / total.max(1.0)
        );
    }
}
