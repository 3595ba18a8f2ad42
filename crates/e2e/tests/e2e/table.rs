//! The profile table in Chromium against the emulator: the not-enrolled join and the counts,
//! filters and sort kept in the URL, the keyboard, CSV export with formulas neutralised, strings
//! from the server shown as text, and a generated cluster of 10,000 profiles that stays small in
//! the DOM while every profile stays reachable. Needs the built page (`make dist`).

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use e2e::demo::VS_ENG_UUID;
use e2e::{Harness, Locator};
use serde_json::{json, Value};

/// Waits until the table has loaded everything (the summary shows the final row count).
async fn wait_loaded(h: &Harness, rows: usize) -> Result<()> {
    h.wait_text(".table-summary", &format!("{} rows", e2e::grouped(rows)))
        .await?;
    Ok(())
}

/// The account names of the rendered rows, top to bottom.
async fn rendered_accounts(h: &Harness) -> Result<Vec<String>> {
    let v = h
        .client()
        .execute(
            "return [...document.querySelectorAll('tbody tr[data-row] > th')].map(e => e.innerText.trim());",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// Whether the summary says "`n` rows" (no filter narrows the table to "m of `n` rows").
async fn shows_all(h: &Harness, n: usize) -> Result<bool> {
    let t = script(
        h,
        "return document.querySelector('.table-summary').innerText;",
    )
    .await?;
    Ok(t.as_str()
        .is_some_and(|t| t.trim().starts_with(&format!("{} rows", e2e::grouped(n)))))
}

async fn script(h: &Harness, js: &str) -> Result<Value> {
    Ok(h.client().execute(js, vec![]).await?)
}

/// The demo cluster's profiles plus `alice` (SSH requires TOTP, no profile) as not enrolled.
#[tokio::test]
async fn not_enrolled_accounts_and_counts() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    let profiles = h.sim().totps();
    let enabled = profiles.iter().filter(|t| t.enabled == Some(true)).count();
    let disabled = profiles.len() - enabled;
    wait_loaded(&h, profiles.len() + 1).await?;
    h.wait_text(".count-enabled", &e2e::grouped(enabled))
        .await?;
    h.wait_text(".count-disabled", &e2e::grouped(disabled))
        .await?;
    h.wait_text(".count-not-enrolled", "1").await?;
    h.fill("Filter", "alice").await?;
    h.wait_text(".table-summary", "1 of").await?;
    ensure!(rendered_accounts(&h).await? == vec!["alice".to_string()]);
    h.wait_text("tbody .badge", "Not enrolled").await?;
    h.screenshot("table-not-enrolled").await?;
    h.close().await
}

/// Filter, status and sort live in the URL: a bookmarked view opens as it was left.
#[tokio::test]
async fn the_view_lives_in_the_url() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    let n = h.sim().totps().len() + 1;
    wait_loaded(&h, n).await?;
    h.wait_css(".count-disabled").await?.click().await?;
    h.wait_until("status=disabled in the URL", || async {
        Ok(h.path().await?.contains("status=disabled").then_some(()))
    })
    .await?;
    // Sort by account, then again for descending.
    h.click_button("Account").await?;
    h.click_button("Account").await?;
    h.wait_until("sort=account&dir=desc in the URL", || async {
        let p = h.path().await?;
        Ok((p.contains("sort=account") && p.contains("dir=desc")).then_some(()))
    })
    .await?;
    let mut expected: Vec<String> = h
        .sim()
        .totps()
        .into_iter()
        .filter(|t| t.enabled == Some(false))
        .filter_map(|t| t.account.and_then(|a| a.name))
        .collect();
    expected.sort_by_key(|a| std::cmp::Reverse(a.to_lowercase()));
    let shown = h
        .wait_until("the disabled rows in descending order", || async {
            let r = rendered_accounts(&h).await?;
            Ok((r.len() == expected.len()).then_some(r))
        })
        .await?;
    ensure!(shown == expected, "shown {shown:?}, expected {expected:?}");

    // The same URL in a new page load (credentials are in memory: sign in again) opens the view.
    let url = h.path().await?;
    h.goto(&url).await?;
    h.sign_in("admin").await?;
    let again = h
        .wait_until("the same view after a reload", || async {
            let r = rendered_accounts(&h).await?;
            Ok((r.len() == expected.len()).then_some(r))
        })
        .await?;
    ensure!(again == expected);
    let pressed = script(
        &h,
        "return document.querySelector('.count-disabled').getAttribute('aria-pressed');",
    )
    .await?;
    ensure!(pressed == json!("true"));

    // Text typed and then a link to the page followed before the URL caught up: the link's
    // view wins, and the typed text does not come back into the URL afterwards.
    h.fill("Filter", "zz").await?;
    h.wait_for("the Profiles link", Locator::LinkText("Profiles"))
        .await?
        .click()
        .await?;
    h.wait_until("every row after following the link", || async {
        Ok(shows_all(&h, n).await?.then_some(()))
    })
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let after = h.path().await?;
    ensure!(
        after == "/profiles",
        "the URL after following the link: {after}"
    );
    ensure!(
        shows_all(&h, n).await?,
        "the filter came back after following the link"
    );
    h.close().await
}

/// `/` focuses the filter; arrows move between rows; Enter opens the editor.
#[tokio::test]
async fn the_keyboard_drives_the_table() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    wait_loaded(&h, h.sim().totps().len() + 1).await?;
    let body = h.client().find(Locator::Css("body")).await?;
    body.send_keys("/").await?;
    let focused = script(&h, "return document.activeElement.id;").await?;
    ensure!(
        focused == json!("filter"),
        "/ should focus the filter, focused {focused}"
    );
    h.fill("Filter", "vs_eng").await?;
    h.wait_text(".table-summary", "of").await?;
    let rows = rendered_accounts(&h).await?;
    ensure!(rows.len() >= 3);
    // Focus the first row, then two steps down, then Enter.
    script(
        &h,
        "document.querySelector('tbody tr[data-row=\"0\"]').focus(); return null;",
    )
    .await?;
    let active = h.client().active_element().await?;
    active.send_keys("\u{E015}").await?; // ArrowDown
    let active = h.client().active_element().await?;
    active.send_keys("\u{E015}").await?;
    let row = script(
        &h,
        "return document.activeElement.getAttribute('data-row');",
    )
    .await?;
    ensure!(
        row == json!("2"),
        "two ArrowDowns should reach row 2, at {row}"
    );
    let target = rows[2].clone();
    let active = h.client().active_element().await?;
    active.send_keys("\u{E007}").await?; // Enter
    h.wait_text("h1", &target).await?;
    ensure!(h
        .path()
        .await?
        .starts_with(&format!("/profiles/{VS_ENG_UUID}/")));
    h.close().await
}

/// The CSV of the current view: every shown row, formulas neutralised.
#[tokio::test]
async fn csv_export_neutralises_formulas() -> Result<()> {
    let h = Harness::start().await?;
    let mut t = h
        .sim()
        .totps()
        .into_iter()
        .find(|t| t.account_name() == Some("kpatel"))
        .context("kpatel in the demo")?;
    t.comment = Some("=HYPERLINK(\"http://evil\",\"x\"), \"quoted\"".into());
    h.sim().put_totp(t);
    // A formula behind a `;` (a cell of its own where `;` separates) and one after a line break.
    let mut others = h
        .sim()
        .totps()
        .into_iter()
        .filter(|t| t.owner_name() == Some("vs_eng") && t.account_name() != Some("kpatel"));
    let mut semi = others.next().context("a second vs_eng profile")?;
    let mut broken = others.next().context("a third vs_eng profile")?;
    let (semi_name, broken_name) = (
        semi.account_name().unwrap_or_default().to_owned(),
        broken.account_name().unwrap_or_default().to_owned(),
    );
    semi.comment = Some("x;=HYPERLINK(\"http://evil\")".into());
    broken.comment = Some("\n=1+1".into());
    h.sim().put_totp(semi);
    h.sim().put_totp(broken);
    h.goto("/").await?;
    h.sign_in("admin").await?;
    wait_loaded(&h, h.sim().totps().len() + 1).await?;
    h.fill("Filter", "vs_eng").await?;
    h.wait_text(".table-summary", "of").await?;
    h.catch_downloads().await?;
    h.click_button("Export CSV").await?;
    let csv = h.download_text().await?;
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    let shown = rendered_accounts(&h).await?.len();
    ensure!(
        lines.len() == shown + 1,
        "{} lines for {shown} rows",
        lines.len()
    );
    ensure!(lines[0].starts_with("account,svm,"));
    let kp = lines
        .iter()
        .find(|l| l.starts_with("kpatel,"))
        .context("kpatel line")?;
    ensure!(
        kp.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"), \"\"quoted\"\"\""),
        "formula not neutralised or badly quoted: {kp}"
    );
    let line_of = |name: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{name},")))
            .with_context(|| format!("{name} line"))
    };
    let sl = line_of(&semi_name)?;
    ensure!(
        sl.contains("\"'x;=HYPERLINK(\"\"http://evil\"\")\""),
        "a formula behind ';' not neutralised: {sl}"
    );
    // The line break is inside the quoted cell, so the CSV's lines split on CRLF keep it.
    let bl = line_of(&broken_name)?;
    ensure!(
        bl.contains("\"'\n=1+1\""),
        "a formula after a line break not neutralised: {bl}"
    );
    h.close().await
}

/// A partial list is never exported: while the profiles are still coming in, Export CSV waits.
#[tokio::test]
async fn the_csv_waits_for_every_profile() -> Result<()> {
    let h = Harness::start_with(|c| c.profiles = 500).await?;
    let profiles = h.sim().totps().len();
    // The pages after the first (their continuation is `start.…`) come 3 s late.
    h.sim().script_fault(ontap_sim::ScriptedFault::new(
        "GET",
        "start.",
        ontap_sim::Scripted::Delay(std::time::Duration::from_secs(3)),
        10,
    ));
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css("tbody tr[data-row]").await?;
    let summary = h
        .eval_string("return document.querySelector('.table-summary').textContent;")
        .await?;
    ensure!(
        !summary.contains(&format!("{} rows", e2e::grouped(profiles + 1))),
        "everything already loaded: {summary}"
    );
    ensure!(
        !h.button("Export CSV").await?.is_enabled().await?,
        "Export CSV enabled while loading: {summary}"
    );
    wait_loaded(&h, profiles + 1).await?;
    ensure!(
        h.button("Export CSV").await?.is_enabled().await?,
        "Export CSV disabled once everything is in"
    );
    h.close().await
}

/// Names and comments carrying HTML or script are shown as text; nothing executes.
#[tokio::test]
async fn server_strings_are_text_not_markup() -> Result<()> {
    let h = Harness::start().await?;
    let payloads = [
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        "\"><svg onload=alert(3)>",
        "javascript:alert(4)",
        "{{7*7}} ${alert(5)}",
    ];
    let mut t = h
        .sim()
        .totps()
        .into_iter()
        .find(|t| t.account_name() == Some("kpatel"))
        .context("kpatel in the demo")?;
    t.comment = Some(payloads.join(" "));
    h.sim().put_totp(t);
    h.goto("/").await?;
    script(
        &h,
        "window.__alerts = []; window.alert = m => window.__alerts.push(String(m)); return null;",
    )
    .await?;
    h.sign_in("admin").await?;
    wait_loaded(&h, h.sim().totps().len() + 1).await?;
    h.fill("Filter", "kpatel").await?;
    h.wait_text("tbody .col-comment", "<img src=x onerror=alert(1)>")
        .await?;
    let injected = script(
        &h,
        "return document.querySelectorAll('tbody img, tbody script, tbody svg, .editor img, .editor svg').length;",
    )
    .await?;
    ensure!(
        injected == json!(0),
        "markup from the server became elements: {injected}"
    );
    // The editor shows it as the input's value.
    let link = h
        .wait_for("kpatel's link", Locator::LinkText("kpatel"))
        .await?;
    link.click().await?;
    h.wait_text("h1", "kpatel").await?;
    let value = h
        .wait_until("the comment in the editor", || async {
            let input = h.client().find(Locator::Id("comment")).await?;
            Ok(input.prop("value").await?.filter(|v| !v.is_empty()))
        })
        .await?;
    ensure!(value == payloads.join(" "));
    let alerts = script(&h, "return window.__alerts;").await?;
    ensure!(alerts == json!([]), "a payload executed: {alerts}");
    h.close().await
}

/// 10,000 generated profiles: at most 200 rows in the DOM, a filter finds any one, and
/// scrolling the whole table reaches every profile exactly once.
#[tokio::test]
async fn ten_thousand_profiles_stay_small_and_all_reachable() -> Result<()> {
    let h = Harness::start_with(|c| {
        c.profiles = 10_000;
        c.seed = 7;
    })
    .await?;
    let all: BTreeSet<String> = h
        .sim()
        .totps()
        .into_iter()
        .filter_map(|t| Some(format!("{}/{}", t.owner_name()?, t.account_name()?)))
        .collect();
    ensure!(
        all.len() >= 10_000,
        "the emulator holds {} profiles",
        all.len()
    );
    h.goto("/").await?;
    h.sign_in("admin").await?;
    // Loading 10,000 profiles and the accounts takes a second or two on a quiet machine; a
    // shared CI machine may be far slower, so this wait is longer than the harness's 10 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let v = script(
            &h,
            "const s = document.querySelector('.table-summary'); return s ? s.innerText : '';",
        )
        .await?;
        let text = v.as_str().unwrap_or_default().to_owned();
        let n: usize = text
            .split(' ')
            .next()
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap_or(0);
        let done = script(&h, "return !document.querySelector('#load-progress');").await?;
        if n >= all.len() && done == json!(true) {
            break;
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "not every profile loaded after 120 s: {text:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let dom_rows = script(&h, "return document.querySelectorAll('tbody tr').length;").await?;
    let dom_rows = dom_rows.as_u64().unwrap_or(u64::MAX);
    ensure!(dom_rows <= 200, "{dom_rows} rows in the DOM");

    // Scroll through the whole table in the page, collecting what each window shows: each step
    // moves to just above the last rendered row, so consecutive windows overlap.
    h.client()
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(std::time::Duration::from_secs(180)),
            None,
            None,
        ))
        .await?;
    let seen = h
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const box = document.querySelector('.table-scroll');
             const seen = new Map();
             const frame = () => new Promise(r => requestAnimationFrame(r));
             (async () => {
               let maxDom = 0, top = 0, steps = 0;
               for (;;) {
                 box.scrollTop = top;
                 box.dispatchEvent(new Event('scroll'));
                 await frame();
                 steps++;
                 const rows = document.querySelectorAll('tbody tr[data-row]');
                 maxDom = Math.max(maxDom, rows.length);
                 let last = 0;
                 for (const tr of rows) {
                   const i = Number(tr.getAttribute('data-row'));
                   last = Math.max(last, i);
                   seen.set(i, tr.querySelector('.col-svm').innerText + '/' + tr.querySelector('th').innerText.trim());
                 }
                 if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) break;
                 top = Math.max(top + 41, (last - 2) * 41);
               }
               done({ rows: [...seen.values()], maxDom, steps });
             })();",
            vec![],
        )
        .await?;
    let rows: Vec<String> = serde_json::from_value(seen["rows"].clone())?;
    let max_dom = seen["maxDom"].as_u64().unwrap_or(u64::MAX);
    ensure!(max_dom <= 200, "{max_dom} rows rendered at once");
    let reached: BTreeSet<String> = rows.iter().cloned().collect();
    let missing: Vec<&String> = all.difference(&reached).take(5).collect();
    ensure!(
        missing.is_empty(),
        "profiles never shown while scrolling: {missing:?}..."
    );
    ensure!(reached.len() == rows.len() - (rows.len() - reached.len()));

    // A filter keystroke finds one profile among 10,000.
    let one = all.iter().nth(4321).context("a profile")?.clone();
    let account = one
        .split_once('/')
        .map(|(_, a)| a.to_owned())
        .unwrap_or_default();
    h.fill("Filter", &account).await?;
    h.wait_until("the filtered row", || async {
        let r = rendered_accounts(&h).await?;
        Ok(r.iter().any(|a| *a == account).then_some(()))
    })
    .await?;
    h.screenshot("table-10000").await?;
    h.close().await
}
