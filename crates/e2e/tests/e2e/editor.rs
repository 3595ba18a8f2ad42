//! Whole flows of the page in Chromium against the emulator: sign in, open a profile from the
//! list, edit and save it, errors, deep links, reloads. Needs the built page (`make dist`).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::demo::{ADMIN_SVM_UUID, VS_ENG_UUID};
use e2e::{Harness, Locator, TOTPS};
use serde_json::{json, Value};

/// Edits a profile's comment as admin from the list and saves: the emulator holds the new
/// comment, and exactly one PATCH carried exactly the comment.
async fn edit_comment_flow(account: &str, encoded: &str, shot: &str) -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.click_profile_link(account).await?;
    let expected_path = format!("/profiles/{ADMIN_SVM_UUID}/{encoded}");
    h.wait_until(&format!("the URL {expected_path}"), || async {
        Ok((h.path().await? == expected_path).then_some(()))
    })
    .await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, account).await?;

    let save = h.button("Save").await?;
    ensure!(
        !save.is_enabled().await?,
        "Save must be disabled while nothing changed"
    );
    let new_comment = "Rotated to YubiKey 5C, 2025-06";
    let input = h.fill("Comment", new_comment).await?;
    ensure!(
        input.attr("id").await?.as_deref() == Some("comment"),
        "the input labelled Comment has id=\"comment\""
    );
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    h.screenshot(shot).await?;

    let stored = h
        .sim()
        .totp(ADMIN_SVM_UUID, account)
        .context("profile gone")?;
    assert_eq!(stored.comment.as_deref(), Some(new_comment));
    assert_eq!(stored.enabled, Some(true), "enabled untouched");

    // Let any stray second request arrive before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let patches = h.patches();
    assert_eq!(patches.len(), 1, "exactly one PATCH: {patches:#?}");
    let p = &patches[0];
    assert_eq!(
        e2e::path_only(&p.path),
        format!("{TOTPS}/{ADMIN_SVM_UUID}/{encoded}")
    );
    assert_eq!(p.status, 200);
    assert_eq!(p.user.as_deref(), Some("admin"));
    assert_eq!(
        e2e::body_json(p),
        json!({ "comment": new_comment }),
        "{p:?}"
    );
    let value = input.prop("value").await?;
    assert_eq!(
        value.as_deref(),
        Some(new_comment),
        "the input keeps the saved value"
    );
    h.close().await
}

/// 1. Admin opens a profile from the list, changes the comment, saves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_edits_a_comment() -> Result<()> {
    edit_comment_flow("mchen", "mchen", "editor-saved").await
}

/// 1b. The same with an account name that must be percent-encoded in both URLs (a backslash,
/// which browsers would otherwise turn into a slash).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_edits_a_comment_of_an_account_with_a_backslash() -> Result<()> {
    edit_comment_flow("CORP\\jdoe", "CORP%5Cjdoe", "editor-saved-backslash").await
}

/// Waits for the "not a valid" message and checks that nothing asked for a single profile.
async fn expect_malformed_message(h: &Harness, what: &str) -> Result<()> {
    let text = h
        .wait_text("[role=alert]", "not a valid")
        .await
        .with_context(|| format!("the message for {what}"))?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent = h.profile_requests();
    assert!(
        sent.is_empty(),
        "{what} ({text:?}) sent requests for a profile: {sent:#?}"
    );
    Ok(())
}

/// 2a. Signed in, a malformed deep link shows a message and sends no request for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_deep_links_after_sign_in() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;

    h.navigate_in_app("/profiles/not-a-uuid/alice").await?;
    expect_malformed_message(&h, "a bad UUID").await?;
    h.screenshot("malformed-uuid").await?;

    // Back to the list first, so that the next message cannot be the one still on screen.
    h.navigate_in_app("/profiles").await?;
    h.wait_css("table a").await?;
    h.navigate_in_app(&format!("/profiles/{VS_ENG_UUID}/ab"))
        .await?;
    expect_malformed_message(&h, "a two-character account name").await?;
    h.close().await
}

/// 2b. Opened before sign-in, a malformed deep link shows the sign-in form; after sign-in, the
/// message, and no request for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_deep_link_before_sign_in() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/profiles/not-a-uuid/alice").await?;
    h.input_by_label("User name").await?;
    h.sign_in("admin").await?;
    expect_malformed_message(&h, "a bad UUID opened before sign-in").await?;
    assert_eq!(h.path().await?, "/profiles/not-a-uuid/alice");
    h.close().await
}

/// 3. No answer the browser sees carries WWW-Authenticate (which would pop up the browser's
/// own login dialog): a wrong password shows the page's message, and a bare fetch gets none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_carries_www_authenticate() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in_with("admin", "not-the-password").await?;
    let message = h
        .wait_until("a sign-in error message in role=alert", || async {
            for e in h.client().find_all(Locator::Css("[role=alert]")).await? {
                let text = e.text().await?;
                if e.is_displayed().await? && !text.trim().is_empty() {
                    return Ok(Some(text));
                }
            }
            Ok(None)
        })
        .await?;
    h.screenshot("sign-in-wrong-password").await?;
    // Still on the sign-in form, and no JavaScript dialog is open.
    h.input_by_label("Password").await?;
    assert!(
        h.client().get_alert_text().await.is_err(),
        "a dialog is open"
    );

    let fetch = h.client().execute_async(
        "const done = arguments[arguments.length - 1];
         fetch('/api/cluster')
           .then(r => done({status: r.status, www: r.headers.get('www-authenticate')}))
           .catch(e => done({error: String(e)}));",
        vec![],
    );
    let answer = tokio::time::timeout(Duration::from_secs(5), fetch)
        .await
        .context(
            "fetch('/api/cluster') did not complete: a 401 with WWW-Authenticate makes \
             Chromium wait on its own login dialog",
        )??;
    assert_eq!(answer["status"], 401, "{answer}");
    assert_eq!(answer["www"], Value::Null, "{answer}");

    let log = h.requests();
    let refused: Vec<_> = log.iter().filter(|r| r.status == 401).collect();
    assert!(
        refused.len() >= 2,
        "the wrong password and the bare fetch were refused: {log:#?} (message {message:?})"
    );
    assert!(
        refused.iter().any(|r| r.user.as_deref() == Some("admin")),
        "the page sent the typed credentials: {log:#?}"
    );
    // The emulator answered the 401s with WWW-Authenticate, as a cluster does: nginx in front
    // (proxy_hide_header) is what kept it from the browser, as in production.
    assert!(
        refused.iter().all(|r| r.sent_www_authenticate),
        "the cluster sends WWW-Authenticate: {refused:#?}"
    );
    h.close().await
}

/// 4. An SVM administrator may not enable or disable a profile: the catalogue message is shown,
/// the checkbox keeps the user's edit, and the emulator keeps the old value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vsadmin_may_not_flip_enabled() -> Result<()> {
    let account = "kpatel";
    // An opaque token names no account, so the page cannot learn the role and offers the
    // switch (a vsadmin signed in by name finds it off: see the `session` module); the cluster's
    // refusal is then what the user sees.
    let token = "opaque-vsadmin-token";
    let h = Harness::start_with(|c| c.tokens.push(("vsadmin".into(), token.into()))).await?;
    h.goto("/").await?;
    h.sign_in_token(token).await?;
    h.click_profile_link(account).await?;
    h.wait_editor_loaded(VS_ENG_UUID, account).await?;
    let before = h.sim().totp(VS_ENG_UUID, account).context("no profile")?;
    assert_eq!(before.enabled, Some(true));

    let checkbox = h.set_checkbox("Enabled", false).await?;
    assert_eq!(checkbox.attr("id").await?.as_deref(), Some("enabled"));
    h.click_button("Save").await?;
    // Disabling asks first; the cluster's refusal comes after the confirmation.
    h.wait_text(".confirm", "Disable TOTP").await?;
    h.click_button("Disable and save").await?;
    h.wait_text(
        "[role=alert], #enabled-error",
        "Only users with the admin role",
    )
    .await?;
    h.screenshot("vsadmin-enabled-refused").await?;

    assert!(
        !checkbox.is_selected().await?,
        "the checkbox still shows the user's edit (unchecked)"
    );
    let after = h.sim().totp(VS_ENG_UUID, account).context("no profile")?;
    assert_eq!(after.enabled, Some(true), "the emulator kept the old value");
    let patches = h.patches();
    assert_eq!(patches.len(), 1, "{patches:#?}");
    assert_eq!(patches[0].status, 403);
    assert_eq!(e2e::body_json(&patches[0]), json!({ "enabled": false }));
    h.close().await
}

/// 5. A reload on the editor's URL forgets the sign-in; signing in again lands on the same
/// profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_on_the_editor_returns_to_it_after_sign_in() -> Result<()> {
    let account = "tkowalski";
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.click_profile_link(account).await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, account).await?;
    let url = h.path().await?;
    assert_eq!(url, format!("/profiles/{ADMIN_SVM_UUID}/{account}"));

    h.reload().await?;
    h.input_by_label("User name").await?;
    assert_eq!(h.path().await?, url, "the reload keeps the URL");
    h.sign_in("admin").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, account).await?;
    assert_eq!(h.path().await?, url);
    h.close().await
}
