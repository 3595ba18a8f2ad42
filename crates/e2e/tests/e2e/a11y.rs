//! An automated accessibility check of every screen: axe-core (npm, installed by the bootstrap
//! into .tools/) is injected into the page by WebDriver and run on the sign-in screen (with and
//! without an error), the profile table, the editor (with the preview open, the disable
//! confirmation, a field error), the change log, an invalid deep link, the delete confirmation,
//! the bulk change screens (selection, review, run), and the same in the dark theme. Any violation fails, with its rule, impact and elements.

use anyhow::{bail, Context, Result};
use e2e::demo::VS_ENG_UUID;
use e2e::{workspace_root, Harness, Locator};
use serde_json::Value;

pub(crate) fn axe_source() -> Result<String> {
    let path = workspace_root().join(".tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .with_context(|| format!("{} (the bootstrap installs axe-core)", path.display()))
}

/// Runs axe on the page as it is now; fails with the violations.
pub(crate) async fn check(h: &Harness, axe: &str, screen: &str) -> Result<()> {
    let loaded = h
        .client()
        .execute(&format!("{axe}\n; return typeof window.axe;"), vec![])
        .await?;
    if loaded != Value::from("object") {
        bail!("axe-core did not load on {screen}: {loaded}");
    }
    let result = h
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
               }))))
               .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await?;
    let violations = result.as_array().cloned().unwrap_or_default();
    if !violations.is_empty() {
        h.screenshot(&format!("a11y-{screen}")).await?;
        bail!(
            "{} accessibility violation(s) on {screen}:\n{}",
            violations.len(),
            serde_json::to_string_pretty(&violations)?
        );
    }
    Ok(())
}

pub(crate) async fn set_theme(h: &Harness, theme: &str) -> Result<()> {
    h.client()
        .execute(
            "document.documentElement.setAttribute('data-theme', arguments[0]); return null;",
            vec![Value::from(theme)],
        )
        .await?;
    Ok(())
}

async fn every_screen(theme: &str) -> Result<()> {
    let axe = axe_source()?;
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.wait_css("#user").await?;
    set_theme(&h, theme).await?;
    check(&h, &axe, &format!("sign-in-{theme}")).await?;

    h.sign_in_with("admin", "wrong password").await?;
    h.wait_css("[role=alert]").await?;
    check(&h, &axe, &format!("sign-in-error-{theme}")).await?;

    h.sign_in("admin").await?;
    h.wait_css("tbody tr[data-row]").await?;
    h.wait_until("the table loaded", || async {
        Ok(h.none_match(Locator::Css("#load-progress"))
            .await?
            .then_some(()))
    })
    .await?;
    set_theme(&h, theme).await?;
    check(&h, &axe, &format!("table-{theme}")).await?;

    // The editor of a profile, with a change pending and the preview open.
    let link = h
        .wait_for("kpatel's link", Locator::LinkText("kpatel"))
        .await?;
    link.click().await?;
    h.wait_text("h1", "kpatel").await?;
    h.wait_css("#comment").await?;
    h.fill("Comment", "Replaced phone").await?;
    h.set_checkbox("Enabled", false).await?;
    if let Ok(summary) = h.client().find(Locator::Css("#preview > summary")).await {
        summary.click().await?;
    }
    check(&h, &axe, &format!("editor-preview-{theme}")).await?;

    h.click_button("Save").await?;
    h.wait_css(".confirm").await?;
    check(&h, &axe, &format!("editor-disable-confirm-{theme}")).await?;
    h.click_button("Disable and save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    check(&h, &axe, &format!("editor-saved-{theme}")).await?;

    // Another user's key: the reset section in place of a delete (only owners delete).
    h.wait_css(".reset-zone pre.cli").await?;
    check(&h, &axe, &format!("editor-reset-{theme}")).await?;

    // The change log and an invalid deep link, reached inside the app (the session is in memory).
    for path in [
        "/changes".to_string(),
        format!("/profiles/{VS_ENG_UUID}/ab"),
    ] {
        h.client()
            .execute(
                "history.pushState(null, '', arguments[0]);
                 window.dispatchEvent(new PopStateEvent('popstate', {state: null}));
                 return null;",
                vec![Value::from(path.clone())],
            )
            .await?;
        h.wait_css("h1").await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let name = if path == "/changes" {
            "changes"
        } else {
            "invalid-link"
        };
        check(&h, &axe, &format!("{name}-{theme}")).await?;
    }
    bulk_screens(&h, &axe, theme).await?;
    reauth_screens(&h, &axe, theme).await?;
    h.close().await
}

/// The sign-in-again dialog over the editor (credentials expired mid-session), with the
/// retry note of a read waiting to try again behind it.
async fn reauth_screens(h: &Harness, axe: &str, theme: &str) -> Result<()> {
    let path = "/profiles/e6d3b0a8-5c2f-11ee-8f4a-005056bb1a01/mchen";
    h.client()
        .execute(
            "history.pushState(null, '', arguments[0]);
             window.dispatchEvent(new PopStateEvent('popstate', {state: null}));
             return null;",
            vec![Value::from(path)],
        )
        .await?;
    h.wait_css("#comment").await?;
    h.fill("Comment", "pending edit").await?;
    h.sim().expire_credentials("admin");
    h.click_button("Save").await?;
    h.wait_text("dialog.reauth", "Sign in again").await?;
    check(h, axe, &format!("reauth-dialog-{theme}")).await?;
    h.sim().renew_credentials("admin");
    h.fill("Password", e2e::PASSWORD).await?;
    h.click_button("Sign in").await?;
    h.wait_text("[role=status]", "Signed in again").await?;
    check(h, axe, &format!("reauth-done-{theme}")).await
}

/// The bulk change screens: the table with a selection, the review (disable, with its lists
/// open), and the finished run with its per-row results.
async fn bulk_screens(h: &Harness, axe: &str, theme: &str) -> Result<()> {
    h.navigate_in_app("/profiles?svm=vs_eng").await?;
    h.wait_css("tbody tr[data-row] .col-select input").await?;
    let boxes = h
        .client()
        .find_all(Locator::Css("tbody tr[data-row] .col-select input"))
        .await?;
    for b in boxes.iter().take(3) {
        b.click().await?;
    }
    h.wait_css(".selection-bar").await?;
    check(h, axe, &format!("table-selection-{theme}")).await?;
    h.client()
        .find(Locator::LinkText("Change the selected…"))
        .await?
        .click()
        .await?;
    h.wait_css(".bulk-review").await?;
    h.client()
        .execute(
            "document.querySelectorAll('.bulk-list').forEach(d => d.open = true); return null;",
            vec![],
        )
        .await?;
    check(h, axe, &format!("bulk-review-{theme}")).await?;
    h.input_by_label("Append to the comment")
        .await?
        .click()
        .await?;
    h.fill("Text to append", "audit").await?;
    h.click_button("Change the comment of 3 profiles").await?;
    h.wait_css(".bulk-progress[data-phase=finished]").await?;
    check(h, axe, &format!("bulk-run-{theme}")).await?;
    h.click_button("Done: clear the selection").await?;
    Ok(())
}

#[tokio::test]
async fn every_screen_passes_axe_in_the_light_theme() -> Result<()> {
    every_screen("light").await
}

#[tokio::test]
async fn every_screen_passes_axe_in_the_dark_theme() -> Result<()> {
    every_screen("dark").await
}

/// The accounts screens (table with a selection, an account with its confirmation and
/// preview, a bulk review and its run) and the history, in one theme.
async fn account_screens(theme: &str) -> Result<()> {
    let axe = axe_source()?;
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css(".banner-user").await?;
    set_theme(&h, theme).await?;
    h.navigate_in_app("/accounts").await?;
    h.wait_css("tr[data-account=bob]").await?;
    for b in h
        .client()
        .find_all(Locator::Css("tbody tr[data-row] .col-select input"))
        .await?
        .iter()
        .take(3)
    {
        b.click().await?;
    }
    check(&h, &axe, &format!("accounts-{theme}")).await?;
    h.click_button("Require TOTP for SSH (selected)…").await?;
    h.wait_css("#review-summary").await?;
    check(&h, &axe, &format!("accounts-review-{theme}")).await?;
    // The run's progress and its windowed result list.
    h.client()
        .find(Locator::Css("#review-start"))
        .await?
        .click()
        .await?;
    h.wait_css(".bulk-progress[data-phase=finished]").await?;
    h.wait_css(".bulk-results-scroll tr.bulk-row").await?;
    check(&h, &axe, &format!("accounts-run-{theme}")).await?;
    h.navigate_in_app("/accounts?q=bob").await?;
    h.wait_for("bob's link", Locator::LinkText("bob"))
        .await?
        .click()
        .await?;
    h.wait_css("#fact-totp").await?;
    h.click_button("Require TOTP for SSH…").await?;
    h.wait_css("#confirm-cli").await?;
    check(&h, &axe, &format!("account-confirm-{theme}")).await?;
    h.click_button("Yes, require TOTP").await?;
    h.wait_text("[role=status]", "done").await?;
    check(&h, &axe, &format!("account-done-{theme}")).await?;
    h.navigate_in_app("/history").await?;
    h.wait_css(".history-table tbody tr").await?;
    check(&h, &axe, &format!("history-{theme}")).await?;
    h.close().await
}

#[tokio::test]
async fn account_screens_pass_axe_in_both_themes() -> Result<()> {
    account_screens("light").await?;
    account_screens("dark").await
}

/// The self-enrollment screens as alice (the explanation, the codes and QR code with a wrong
/// code's error, the finished set-up, the existing profile's reset advice) and as admin (the
/// 144834561 advice with its commands, enrolling someone else), in one theme.
async fn enroll_screens(theme: &str) -> Result<()> {
    let axe = axe_source()?;
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("alice").await?;
    h.wait_for(
        "the set-up action",
        Locator::LinkText("Set up my authenticator"),
    )
    .await?
    .click()
    .await?;
    h.wait_css("#intro-title").await?;
    set_theme(&h, theme).await?;
    check(&h, &axe, &format!("enroll-intro-{theme}")).await?;
    h.click_button("Create my profile").await?;
    h.wait_css("#enroll-qr").await?;
    h.fill("Code from the app", "12").await?;
    h.click_button("Check the code").await?;
    h.wait_css("#enroll-code-error:not([hidden])").await?;
    h.client()
        .execute(
            "document.querySelector('.enroll-help').open = true; return null;",
            vec![],
        )
        .await?;
    check(&h, &axe, &format!("enroll-codes-qr-{theme}")).await?;
    let secret = h
        .sim()
        .secret(VS_ENG_UUID, "alice")
        .context("alice's secret")?;
    let secret = ontap_model::otp::Secret::from_base32(&secret)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    h.fill(
        "Code from the app",
        &ontap_model::otp::code_at(&secret, now),
    )
    .await?;
    h.click_button("Check the code").await?;
    h.set_checkbox("I have saved my emergency codes", true)
        .await?;
    h.click_button("Finish").await?;
    h.wait_css(".enroll-done").await?;
    check(&h, &axe, &format!("enroll-done-{theme}")).await?;
    h.navigate_in_app("/changes").await?;
    h.wait_css("h1").await?;
    h.navigate_in_app("/enroll").await?;
    h.wait_css(".command").await?;
    check(&h, &axe, &format!("enroll-existing-{theme}")).await?;
    h.close().await?;

    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    h.navigate_in_app("/enroll?account=alice").await?;
    h.wait_text("[role=alert]", "self-enrollment").await?;
    set_theme(&h, theme).await?;
    check(&h, &axe, &format!("enroll-someone-else-{theme}")).await?;
    h.navigate_in_app("/enroll").await?;
    h.wait_css("#intro-title").await?;
    h.click_button("Create my profile").await?;
    h.wait_css(".command").await?;
    check(&h, &axe, &format!("enroll-second-factor-{theme}")).await?;
    h.close().await
}

#[tokio::test]
async fn enroll_screens_pass_axe_in_both_themes() -> Result<()> {
    enroll_screens("light").await?;
    enroll_screens("dark").await
}
