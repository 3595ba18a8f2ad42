//! The upgraded editor in Chromium against the emulator: the preview of what Save sends,
//! disabling with its confirmation, a profile changed on the cluster while the editor was
//! open, and the session's change log. Needs the built page (`make dist`).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::demo::ADMIN_SVM_UUID;
use e2e::{Harness, Locator, TOTPS};
use serde_json::{json, Value};

async fn open_editor(h: &Harness, account: &str) -> Result<()> {
    open_editor_as(h, "admin", account).await
}

async fn open_editor_as(h: &Harness, user: &str, account: &str) -> Result<()> {
    h.goto("/").await?;
    h.sign_in(user).await?;
    h.click_profile_link(account).await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, account).await
}

async fn text_of(h: &Harness, css: &str) -> Result<String> {
    Ok(h.wait_css(css).await?.text().await?)
}

/// 1. The preview shows the exact PATCH, CLI command and curl line before anything is sent;
/// disabling asks first; "Disable and save" sends one PATCH and the emulator holds
/// enabled=false; the change log page lists the change. jdoe is an administrator on their own
/// profile, so that Delete (the owner's only) is there to wait while Save asks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_disables_a_profile_after_confirming() -> Result<()> {
    let account = "jdoe";
    let h = Harness::start().await?;
    open_editor_as(&h, account, account).await?;
    ensure!(
        h.sim()
            .totp(ADMIN_SVM_UUID, account)
            .and_then(|t| t.enabled)
            == Some(true),
        "the demo profile starts enabled"
    );

    h.set_checkbox("Enabled", false).await?;
    h.fill("Comment", "Lost phone, reset by the help desk")
        .await?;
    h.wait_css("#preview > summary").await?.click().await?;
    let body = text_of(&h, "#preview-body").await?;
    assert_eq!(
        serde_json::from_str::<Value>(&body)?,
        json!({ "comment": "Lost phone, reset by the help desk", "enabled": false })
    );
    assert_eq!(
        text_of(&h, "#preview-request").await?,
        format!("PATCH {TOTPS}/{ADMIN_SVM_UUID}/{account}")
    );
    assert_eq!(
        text_of(&h, "#preview-cli").await?,
        "security login totp modify -vserver cluster1 -username jdoe -enabled false -comment \"Lost phone, reset by the help desk\""
    );
    let curl = text_of(&h, "#preview-curl").await?;
    assert!(curl.starts_with("curl -u jdoe -X PATCH"), "{curl}");
    assert!(
        !curl.contains(e2e::PASSWORD),
        "no password in the curl line"
    );
    h.screenshot("editor-preview").await?;
    // Copy from the keyboard: focus the button, press Enter; the page says what happened.
    let copy = h.button("Copy the curl line").await?;
    copy.send_keys("\u{E007}").await?;
    h.wait_until("copy feedback", || async {
        for e in h.client().find_all(Locator::Css(".copy-feedback")).await? {
            if !e.text().await?.trim().is_empty() {
                return Ok(Some(()));
            }
        }
        Ok(None)
    })
    .await?;

    // A delete question left open is withdrawn when Save asks its own: one at a time.
    h.click_button("Delete profile…").await?;
    h.wait_css(".danger-zone [role=alertdialog]").await?;
    h.click_button("Save").await?;
    h.wait_text(".confirm", "Disable TOTP for jdoe?").await?;
    let open = h
        .eval_string(
            "return String(document.querySelectorAll('.danger-zone [role=alertdialog]').length);",
        )
        .await?;
    assert_eq!(
        open, "0",
        "the delete question is still open beside the disable question"
    );
    h.screenshot("editor-disable-confirm").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(h.patches().is_empty(), "no PATCH before confirming");
    // While the question is open, Delete (below it) waits.
    assert!(
        !h.button("Delete profile…").await?.is_enabled().await?,
        "Delete clickable while the disable question is open"
    );

    h.click_button("Disable and save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    let delete = h.button("Delete profile…").await?;
    h.wait_until("Delete offered again once saved", || async {
        Ok(delete.is_enabled().await?.then_some(()))
    })
    .await?;
    let stored = h
        .sim()
        .totp(ADMIN_SVM_UUID, account)
        .context("profile gone")?;
    assert_eq!(
        stored.enabled,
        Some(false),
        "the emulator holds enabled=false"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = h.patches();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0].status, 200);
    assert_eq!(
        e2e::path_only(&sent[0].path),
        format!("{TOTPS}/{ADMIN_SVM_UUID}/{account}")
    );
    assert_eq!(
        serde_json::to_string(&e2e::body_json(&sent[0]))?,
        serde_json::to_string(&serde_json::from_str::<Value>(&body)?)?,
        "the preview showed what was sent"
    );

    // The change log, through the banner's link (client-side: the session stays).
    h.wait_for(
        "the Changes link",
        Locator::XPath("//header//a[normalize-space(.)='Changes']"),
    )
    .await?
    .click()
    .await?;
    let row = h.wait_text("table.changes tbody tr", "jdoe").await?;
    assert!(row.matches("jdoe").count() >= 2, "by jdoe, of jdoe: {row}");
    assert!(row.contains("cluster1"), "{row}");
    assert!(row.contains("enabled yes → no"), "{row}");
    assert!(row.contains("Saved"), "{row}");
    h.screenshot("changes-page").await?;
    h.close().await
}

/// 2. The profile changes on the cluster after the editor loaded it: Save shows both versions
/// and sends nothing until "Keep mine and save", which sends one PATCH.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_changed_on_the_cluster_is_not_overwritten_blindly() -> Result<()> {
    let account = "bwilliams";
    let h = Harness::start().await?;
    open_editor(&h, account).await?;

    let mut theirs = h
        .sim()
        .totp(ADMIN_SVM_UUID, account)
        .context("no profile")?;
    theirs.comment = Some("Changed from the CLI meanwhile".into());
    ensure!(h.sim().put_totp(theirs), "put_totp refused the record");

    h.fill("Comment", "Microsoft Authenticator, new phone")
        .await?;
    h.click_button("Save").await?;
    h.wait_text(".conflict", "changed on the cluster").await?;
    assert_eq!(
        text_of(&h, "#conflict-mine-comment").await?,
        "Microsoft Authenticator, new phone"
    );
    assert_eq!(
        text_of(&h, "#conflict-theirs-comment").await?,
        "Changed from the CLI meanwhile"
    );
    h.screenshot("editor-conflict").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(h.patches().is_empty(), "no PATCH until the user chooses");

    h.click_button("Keep mine and save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = h.patches();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(
        e2e::body_json(&sent[0]),
        json!({ "comment": "Microsoft Authenticator, new phone" })
    );
    let stored = h
        .sim()
        .totp(ADMIN_SVM_UUID, account)
        .context("profile gone")?;
    assert_eq!(
        stored.comment.as_deref(),
        Some("Microsoft Authenticator, new phone")
    );
    h.close().await
}

/// 3. "Use the cluster's version" reloads the form with the cluster's values and sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cluster_version_can_be_taken_instead() -> Result<()> {
    let account = "priya.raman";
    let h = Harness::start().await?;
    open_editor(&h, account).await?;
    let mut theirs = h
        .sim()
        .totp(ADMIN_SVM_UUID, account)
        .context("no profile")?;
    theirs.comment = Some("Set by another admin".into());
    ensure!(h.sim().put_totp(theirs), "put_totp refused the record");

    h.fill("Comment", "Mine").await?;
    h.click_button("Save").await?;
    h.wait_text(".conflict", "changed on the cluster").await?;
    h.click_button("Use the cluster's version").await?;
    h.wait_text("[role=status]", "cluster's version").await?;
    let input = h.client().find(Locator::Id("comment")).await?;
    assert_eq!(
        input.prop("value").await?.as_deref(),
        Some("Set by another admin")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(h.patches().is_empty(), "nothing was sent");
    h.close().await
}
