//! The sign-in form before the wasm (issue 20, item 1): the form is static markup in
//! index.html, so it can be typed into and submitted while the wasm is still on its way; the
//! wasm then signs in exactly once with what was typed. Without JavaScript the form submits
//! nothing anywhere (no `name` on the credentials, CSP `form-action 'none'`).

use std::time::Duration;

use anyhow::{ensure, Result};
use e2e::{Harness, PASSWORD};
use serde_json::json;

/// The requests that a sign-in as `admin` makes: reads only, one `/api/cluster` each.
fn cluster_reads(h: &Harness) -> usize {
    h.requests()
        .iter()
        .filter(|r| r.path.split('?').next() == Some("/api/cluster"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_pressed_before_the_wasm_signs_in_once_with_what_was_typed() -> Result<()> {
    let h = Harness::start().await?;
    h.open_throttled("/").await?;
    h.fill("User name", "admin").await?;
    h.fill("Password", PASSWORD).await?;
    let ready = h
        .eval_string("return document.getElementById('signin-form').hasAttribute('data-ready') ? 'ready' : 'not yet';")
        .await?;
    ensure!(
        ready == "not yet",
        "the wasm was ready before Sign in was pressed: the test held nothing back"
    );
    h.button("Sign in").await?.click().await?;
    h.wait_text("#signin-submit", "Starting").await?;
    h.screenshot("early-starting").await?;
    ensure!(
        h.requests().is_empty(),
        "a request before the wasm: {:?}",
        h.requests()
    );
    // Once the wasm is there, it acts on the press, once.
    h.unthrottle().await?;
    h.wait_css("table a").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    ensure!(cluster_reads(&h) == 1, "one sign-in: {:#?}", h.requests());
    ensure!(
        h.requests()
            .iter()
            .all(|r| r.method == "GET" && r.user.as_deref() == Some("admin")),
        "{:#?}",
        h.requests()
    );
    // The marks: the form usable first, the wasm ready after.
    let marks = h
        .eval_string(
            "const t = n => performance.getEntriesByName(n, 'mark')[0]?.startTime;
             const a = t('totp-admin:interactive'), b = t('totp-admin:wasm-ready');
             return a !== undefined && b !== undefined && a < b ? 'ordered' : `${a} ${b}`;",
        )
        .await?;
    ensure!(marks == "ordered", "marks: {marks}");
    Ok(())
}

/// A Sign in pressed early with the password left empty: once the wasm is there, the form
/// says what is missing next to the field, the button is a Sign in button again (not
/// "Starting…", not disabled for assistive technology), and nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_sign_in_with_a_field_left_empty_is_answered_by_the_form() -> Result<()> {
    let h = Harness::start().await?;
    h.open_throttled("/").await?;
    h.fill("User name", "admin").await?;
    h.button("Sign in").await?.click().await?;
    h.wait_text("#signin-submit", "Starting").await?;
    h.unthrottle().await?;
    h.wait_text("#password-error", "required").await?;
    let button = h
        .eval_string(
            "const b = document.getElementById('signin-submit'); \
             return b.textContent.trim() + '|' + b.hasAttribute('aria-disabled') + '|' + b.disabled;",
        )
        .await?;
    ensure!(button == "Sign in|false|false", "the button: {button}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    ensure!(h.requests().is_empty(), "sent: {:#?}", h.requests());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_form_sends_nothing() -> Result<()> {
    let h = Harness::start().await?;
    h.cdp(
        "Emulation.setScriptExecutionDisabled",
        json!({ "value": true }),
    )
    .await?;
    h.goto("/").await?;
    h.fill("User name", "admin").await?;
    h.fill("Password", PASSWORD).await?;
    h.button("Sign in").await?.click().await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let url = h.client().current_url().await?.to_string();
    ensure!(
        !url.contains('?') && !url.contains(PASSWORD) && !url.contains("admin"),
        "the form went somewhere: {url}"
    );
    ensure!(
        h.requests().is_empty(),
        "requests reached the cluster: {:?}",
        h.requests()
    );
    // The form is still there, with what was typed; the noscript note says why nothing happens.
    let user = h.input_by_label("User name").await?.prop("value").await?;
    ensure!(user.as_deref() == Some("admin"), "{user:?}");
    h.screenshot("early-no-javascript").await?;
    Ok(())
}

/// A tab that kept its session, reloaded with the wasm held back: a Sign in pressed early with
/// nothing typed is answered by the form and the kept session is still restored; one pressed
/// with another account's credentials signs in as that account, and the kept session is not
/// restored over it (no request carries the kept account).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_sign_in_over_a_kept_session_wins_only_when_it_is_sent() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in_staying("admin").await?;
    h.wait_css("table a").await?;

    h.open_throttled("/").await?;
    h.button("Sign in").await?.click().await?;
    h.wait_text("#signin-submit", "Starting").await?;
    h.unthrottle().await?;
    h.wait_css("table a").await?;
    h.wait_text(".banner-user", "admin").await?;

    h.open_throttled("/").await?;
    let before = h.requests().len();
    h.fill("User name", "readonly").await?;
    h.fill("Password", PASSWORD).await?;
    h.button("Sign in").await?.click().await?;
    h.unthrottle().await?;
    h.wait_text(".banner-user", "readonly").await?;
    h.wait_css("table a").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = h.requests().split_off(before);
    ensure!(
        after.iter().all(|r| r.user.as_deref() == Some("readonly")),
        "{after:#?}"
    );
    h.wait_text(".banner-user", "readonly").await?;
    Ok(())
}
