//! 10,000 profiles: Sign in to the first rows and to everything loaded, a filter keystroke,
//! and the memory the page holds then.

use std::time::Duration;

use anyhow::{bail, Result};
use e2e::{demo, PASSWORD};
use serde_json::{json, Value};

use crate::stack::Stack;
use crate::stats::{stat, Table};

/// Clicks Sign in (the form filled) and times it to the first rows shown and to the
/// `totp-admin:loaded` mark.
pub(crate) const SIGN_IN_AND_LOAD: &str = include_str!("js/sign_in_and_load.js");

/// Types `text` into the filter one key at a time, then deletes it one key at a time; for each
/// keystroke, the time from the input event to the DOM updated (every microtask the event
/// started has run: Leptos' effects are microtasks), to the next frame and to it painted, and
/// how many frames late that frame came.
pub(crate) const FILTER_KEYS: &str = include_str!("js/filter_keys.js");

/// The figures of [`FILTER_KEYS`]' runs, labelled `what`: the update's time is the budget
/// (≤ 16 ms: the work of a keystroke fits in one 60 Hz frame); the next frame is bound to the
/// display's clock (the keystroke is sent just after a frame, so it is up to one interval away
/// however fast the page is), and late frames count the keystrokes whose rows missed it.
pub(crate) fn keystrokes(t: &mut Table, what: &str, runs: &[Value]) -> Result<()> {
    let pick = |key: &str| -> Vec<f64> {
        runs.iter()
            .flat_map(|v| v[key].as_array().cloned().unwrap_or_default())
            .filter_map(|x| x.as_f64())
            .collect()
    };
    if let Some(e) = runs.iter().find_map(|v| v["error"].as_str()) {
        bail!("{what}: {e}");
    }
    let dom = stat(&pick("dom"));
    t.add(
        format!("{what} → table updated (DOM)"),
        "ms",
        dom,
        "≤ 16 ms",
        Some(dom.median <= 16.0),
    );
    let interval = runs
        .first()
        .and_then(|v| v["interval"].as_f64())
        .unwrap_or(f64::NAN);
    t.add(
        format!("{what} → next frame (display's interval {interval:.1} ms)"),
        "ms",
        stat(&pick("framed")),
        "",
        None,
    );
    t.add(
        format!("{what} → that frame painted"),
        "ms",
        stat(&pick("paint")),
        "",
        None,
    );
    let late = pick("late");
    let missed = late.iter().filter(|&&n| n > 0.0).count();
    t.add(
        format!(
            "{what}: keystrokes whose rows missed the next frame ({missed} of {})",
            late.len()
        ),
        "frames",
        stat(&late),
        "",
        None,
    );
    Ok(())
}

/// The emulator of the 10,000-profile sections: the demo cluster topped up to 10,000
/// profiles, the same ones every run (seed 1).
pub(crate) fn ten_thousand_config() -> ontap_sim::Config {
    let demo_profiles = demo::cluster(ontap_model::Version::new(9, 18, 1))
        .totps
        .len();
    ontap_sim::Config {
        profiles: 10_000usize.saturating_sub(demo_profiles),
        seed: 1,
        ..ontap_sim::Config::ephemeral()
    }
}

pub(crate) async fn ten_thousand(t: &mut Table, runs: usize) -> Result<()> {
    let s = Stack::start(ten_thousand_config(), None).await?;
    let total = s.sim.state.with_state(|st| st.totps.len());
    let (mut first, mut all) = (vec![], vec![]);
    for run in 0..=runs {
        s.load_until_mark("/", "totp-admin:wasm-ready").await?;
        s.browser.fill("User name", "admin").await?;
        s.browser.fill("Password", PASSWORD).await?;
        let v = s.eval_async(SIGN_IN_AND_LOAD, vec![]).await?;
        if let Some(e) = v["error"].as_str() {
            bail!("signing in with {total} profiles: {e}");
        }
        if run > 0 {
            // run 0 warms the emulator and nginx up
            first.push(v["first"].as_f64().unwrap_or(f64::NAN));
            all.push(v["all"].as_f64().unwrap_or(f64::NAN));
        }
    }
    t.add(
        format!("{total} profiles: Sign in click → first rows shown"),
        "ms",
        stat(&first),
        "≤ 500 ms",
        Some(stat(&first).median <= 500.0),
    );
    t.add(
        format!("{total} profiles: Sign in click → all loaded, accounts joined"),
        "ms",
        stat(&all),
        "≤ 2000 ms",
        Some(stat(&all).median <= 2000.0),
    );

    // Filter keystrokes at 10,000 (rows loaded by the last run above).
    let mut keys = vec![];
    for _ in 0..runs.div_ceil(2) {
        keys.push(s.eval_async(FILTER_KEYS, vec![json!("user0042")]).await?);
    }
    keystrokes(t, &format!("{total} profiles: filter keystroke"), &keys)?;

    // Memory with everything loaded (after a garbage collection).
    let (mut nodes, mut rows, mut heap, mut wasm) = (vec![], vec![], vec![], vec![]);
    for _ in 0..3 {
        s.browser
            .cdp("HeapProfiler.collectGarbage", json!({}))
            .await?;
        let h = s.browser.cdp("Runtime.getHeapUsage", json!({})).await?;
        heap.push(h["usedSize"].as_f64().unwrap_or(f64::NAN));
        let v = s.eval(include_str!("js/memory.js"), vec![]).await?;
        nodes.push(v["nodes"].as_f64().unwrap_or(f64::NAN));
        rows.push(v["rows"].as_f64().unwrap_or(f64::NAN));
        wasm.push(v["wasm"].as_f64().unwrap_or(f64::NAN));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    t.add(
        format!("{total} profiles loaded: DOM elements"),
        "",
        stat(&nodes),
        "",
        None,
    );
    let r = stat(&rows);
    t.add(
        format!("{total} profiles loaded: table rows in the DOM"),
        "",
        r,
        "≤ 200",
        Some(r.median <= 200.0),
    );
    t.add(
        format!("{total} profiles loaded: JS heap used"),
        "MB",
        stat(&heap),
        "",
        None,
    );
    t.add(
        format!("{total} profiles loaded: wasm memory"),
        "MB",
        stat(&wasm),
        "",
        None,
    );
    s.sim.stop().ok();
    Ok(())
}
