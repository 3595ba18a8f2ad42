//! The emulator alone: a full paged listing of 100,000 profiles over HTTP, no browser.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{ensure, Result};
use e2e::{demo, PASSWORD};
use serde_json::Value;

use crate::stats::{stat, Table};

/// GET `path` on the emulator directly, as admin; the JSON body.
fn get_json(addr: SocketAddr, path: &str) -> Result<Value> {
    let auth = e2e::http::basic_auth("admin", PASSWORD);
    let r = e2e::http::request(addr, "GET", path, &[("Authorization", &auth)], None)?;
    ensure!(r.status == 200, "GET {path}: {}", r.status);
    Ok(serde_json::from_slice(&r.body)?)
}

pub(crate) fn sim_listing(t: &mut Table, runs: usize) -> Result<()> {
    let demo_profiles = demo::cluster(ontap_model::Version::new(9, 18, 1))
        .totps
        .len();
    let sim = ontap_sim::start_background(ontap_sim::Config {
        profiles: 100_000usize.saturating_sub(demo_profiles),
        seed: 1,
        ..ontap_sim::Config::ephemeral()
    })?;
    let total = sim.state.with_state(|s| s.totps.len());
    for (what, first) in [
        ("keys only, default pages", "/api/security/login/totps"),
        (
            "fields=*, max_records=1000",
            "/api/security/login/totps?fields=*&max_records=1000",
        ),
    ] {
        let mut secs = vec![];
        for _ in 0..runs.min(5) {
            let t0 = Instant::now();
            let (mut records, mut href) = (0u64, first.to_owned());
            loop {
                let page = get_json(sim.addr, &href)?;
                records += page["num_records"].as_u64().unwrap_or(0);
                match page["_links"]["next"]["href"].as_str() {
                    Some(next) => href = next.to_owned(),
                    None => break,
                }
            }
            ensure!(records == total as u64, "listed {records} of {total}");
            secs.push(t0.elapsed().as_secs_f64());
        }
        t.add(
            format!("ontap-sim: full paged listing of {total} profiles, {what}"),
            "s",
            stat(&secs),
            "",
            None,
        );
    }
    sim.stop().ok();
    Ok(())
}
