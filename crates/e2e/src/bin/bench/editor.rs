//! The editor: Save click to "Saved" on screen (re-check, PATCH, re-read), one PATCH per save.

use anyhow::{bail, ensure, Result};
use e2e::{Locator, PASSWORD};
use serde_json::json;

use crate::stack::Stack;
use crate::stats::{stat, Table};

/// Sets the comment, clicks Save and times it until "Saved" is shown again.
const SAVE: &str = include_str!("js/save.js");

pub(crate) async fn editor_save(t: &mut Table, runs: usize) -> Result<()> {
    let s = Stack::start(ontap_sim::Config::ephemeral(), None).await?;
    s.load_until_mark("/", "totp-admin:wasm-ready").await?;
    s.browser.fill("User name", "admin").await?;
    s.browser.fill("Password", PASSWORD).await?;
    s.browser.click_button("Sign in").await?;
    let account = "mchen";
    let link = s
        .browser
        .wait_for(
            "the link to mchen",
            Locator::XPath("//table//a[normalize-space(.)='mchen']"),
        )
        .await?;
    link.click().await?;
    s.browser.wait_text("h1", account).await?;
    s.browser.wait_css("#comment").await?;
    let mut ms = vec![];
    for run in 0..=runs {
        let v = s
            .eval_async(SAVE, vec![json!(format!("bench run {run}"))])
            .await?;
        if let Some(e) = v["error"].as_str() {
            bail!("saving: {e}");
        }
        if run > 0 {
            ms.push(v["ms"].as_f64().unwrap_or(f64::NAN));
        }
    }
    let patches = s
        .sim
        .state
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count();
    ensure!(
        patches == runs + 1,
        "{patches} PATCHes for {} saves",
        runs + 1
    );
    let st = stat(&ms);
    t.add(
        "editor: Save click → \"Saved\" on screen (re-check, PATCH, re-read)",
        "ms",
        st,
        "≤ 50 ms",
        Some(st.median <= 50.0),
    );
    s.sim.stop().ok();
    Ok(())
}
