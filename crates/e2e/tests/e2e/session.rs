//! Sessions end to end in Chromium against the emulator: sign-in with an OAuth 2.0 access
//! token, what each role is offered (readonly sees no Save, vsadmin's Enabled switch is off
//! with the reason), staying signed in across a reload and sign-out wiping sessionStorage, a
//! kept session renewed in the re-sign-in dialog after a password change (the reload restores
//! the new password, never the old one), and the release matrix of deleting a profile (9.18.1 by REST after a confirmation, 9.19.1 by the
//! CLI command, 9.12.1 no TOTP at all). Needs the built page (`make dist`).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::demo::{ADMIN_SVM_UUID, VS_ENG_UUID};
use e2e::{Harness, Locator, TOTPS};
use ontap_model::Version;
use ontap_sim::{Scripted, ScriptedFault};

/// A JWT-shaped token whose payload is `{"sub":"admin"}`; the emulator maps the whole token to
/// the account, the page reads the claim to look the account up.
const ADMIN_JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl";
/// Another token of admin's (`{"sub":"admin","jti":"renewed"}`), as an identity provider
/// issues one when the first expires.
const ADMIN_JWT_RENEWED: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsImp0aSI6InJlbmV3ZWQifQ.c2lnbmF0dXJl";
/// A token of another account (`{"sub":"vsadmin"}`).
const VSADMIN_JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2c2FkbWluIn0.c2lnbmF0dXJl";

/// Buttons named `name` on the page right now (displayed or not).
async fn buttons_named(h: &Harness, name: &str) -> Result<usize> {
    let lit = e2e::browser::xpath_literal(name);
    Ok(h.client()
        .find_all(Locator::XPath(&format!(
            "//button[normalize-space(.)={lit}]"
        )))
        .await?
        .len())
}

async fn session_storage_len(h: &Harness) -> Result<u64> {
    let v = h
        .client()
        .execute("return window.sessionStorage.length;", vec![])
        .await?;
    v.as_u64().context("sessionStorage.length is a number")
}

/// Everything in localStorage and sessionStorage, as text.
async fn storage_dump(h: &Harness) -> Result<String> {
    h.eval_string(
        "return JSON.stringify({local: {...localStorage}, session: {...sessionStorage}});",
    )
    .await
}

/// The password the administrator gives `admin` mid-session in the re-sign-in tests (the old
/// one, [`e2e::PASSWORD`], is not part of it).
const NEW_PASSWORD: &str = "Rotated-2026#qz";

/// The kept session as stored in sessionStorage (`""` when none).
async fn kept_session(h: &Harness) -> Result<String> {
    h.eval_string("return sessionStorage.getItem('totp-admin.session') || '';")
        .await
}

/// What the editor's Comment input holds.
async fn comment_value(h: &Harness) -> Result<String> {
    h.eval_string("return document.getElementById('comment').value;")
        .await
}

/// Waits until the page asks to sign in: the sign-in form's own Password field displayed, and
/// no banner. (The signed-in shell's re-sign-in dialog also has a field labelled "Password",
/// closed but in the DOM, so finding that label does not tell that the page asks.)
async fn asks_to_sign_in(h: &Harness) -> Result<()> {
    h.wait_css("main.connect #password").await?;
    ensure!(
        h.none_match(Locator::Css(".banner-user")).await?,
        "not signed in"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_token_signs_in_and_the_banner_names_the_account() -> Result<()> {
    let h = Harness::start_with(|c| c.tokens.push(("admin".into(), ADMIN_JWT.into()))).await?;
    h.goto("/").await?;
    h.sign_in_token(ADMIN_JWT).await?;
    h.wait_css("table a").await?;
    h.wait_text(".banner-user", "admin").await?;
    h.wait_text(".banner-role", "admin").await?;
    h.screenshot("session-bearer-signed-in").await?;

    let log = h.requests();
    ensure!(!log.is_empty());
    for r in &log {
        assert_eq!(r.user.as_deref(), Some("admin"), "{r:?}");
        assert_eq!(r.status, 200, "{r:?}");
        assert!(
            !r.path.contains(ADMIN_JWT),
            "the token is never in a URL: {r:?}"
        );
    }
    assert!(
        log.iter().any(|r| r
            .path
            .starts_with("/api/security/accounts?name=admin&fields=name")),
        "the page looked the account up: {log:#?}"
    );
    let stored = storage_dump(&h).await?;
    assert!(
        !stored.contains(ADMIN_JWT),
        "without the opt-in nothing is kept: {stored}"
    );
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_sees_no_save_and_no_delete() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("readonly").await?;
    h.wait_text(".banner-role", "readonly").await?;
    h.click_profile_link("mchen").await?;
    h.wait_text(".read-only-note", "readonly role").await?;
    h.screenshot("session-readonly-editor").await?;
    assert_eq!(buttons_named(&h, "Save").await?, 0, "no Save for readonly");
    assert_eq!(buttons_named(&h, "Delete profile…").await?, 0);
    assert!(h.none_match(Locator::Id("comment")).await?);
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vsadmin_sees_enabled_off_with_the_reason() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("vsadmin").await?;
    h.wait_text(".banner-svm", "vs_eng").await?;
    h.click_profile_link("kpatel").await?;
    h.wait_text("h1", "kpatel").await?;
    let switch = h.input_by_label("Enabled").await?;
    h.wait_until("the Enabled switch disabled", || async {
        Ok((!switch.is_enabled().await?).then_some(()))
    })
    .await?;
    h.wait_text("#enabled-hint", "Only a cluster administrator")
        .await?;
    let described = switch.attr("aria-describedby").await?.unwrap_or_default();
    assert!(
        described.contains("enabled-hint"),
        "the reason is tied to the switch: {described:?}"
    );
    // Comments stay editable.
    let comment = h.input_by_label("Comment").await?;
    assert!(comment.is_enabled().await?);
    h.screenshot("session-vsadmin-enabled-off").await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staying_signed_in_survives_a_reload_and_sign_out_wipes_it() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in_staying("admin").await?;
    h.wait_css("table a").await?;
    ensure!(session_storage_len(&h).await? > 0, "kept in sessionStorage");
    let local = h
        .eval_string("return JSON.stringify({...localStorage});")
        .await?;
    assert!(
        !local.contains(e2e::PASSWORD) && !local.contains("totp-admin.session"),
        "{local}"
    );

    h.reload().await?;
    h.wait_css("table a").await?;
    h.wait_text(".banner-user", "admin").await?;
    ensure!(
        !h.sign_in_shown().await?,
        "no sign-in form after the reload"
    );

    h.click_button("Sign out").await?;
    h.input_by_label("User name").await?;
    h.wait_text("[role=status]", "You signed out").await?;
    assert_eq!(
        session_storage_len(&h).await?,
        0,
        "sign-out wipes sessionStorage"
    );
    h.reload().await?;
    asks_to_sign_in(&h).await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_opt_in_a_reload_asks_again() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    assert_eq!(session_storage_len(&h).await?, 0);
    h.reload().await?;
    asks_to_sign_in(&h).await?;
    h.close().await
}

fn at(version: &str) -> impl FnOnce(&mut ontap_sim::Config) + '_ {
    move |c| {
        if let Some(v) = Version::parse(version) {
            c.version = v;
        }
    }
}

/// Only the key's owner deletes it: mchen deletes their own after a confirmation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_9_18_1_the_owner_deletes_their_own_profile_after_a_confirmation() -> Result<()> {
    let account = "mchen";
    let h = Harness::start_with(at("9.18.1")).await?;
    h.goto("/").await?;
    h.sign_in(account).await?;
    h.click_profile_link(account).await?;
    h.wait_text("h1", account).await?;
    h.click_button("Delete profile…").await?;
    let question = h
        .wait_text("[role=alertdialog]", "Delete the TOTP profile of")
        .await?;
    assert!(question.contains(account), "{question}");
    h.screenshot("session-delete-confirm").await?;
    // The question has the focus; Escape answers no, and nothing is sent.
    let focused = h.client().active_element().await?;
    assert_eq!(
        focused.text().await?.trim(),
        format!("Delete the profile of {account}")
    );
    focused.send_keys("\u{E00C}").await?;
    h.click_button("Delete profile…").await?;
    h.wait_text("[role=alertdialog]", "Delete the TOTP profile of")
        .await?;
    assert!(h.requests().iter().all(|r| r.method != "DELETE"));
    h.click_button(&format!("Delete the profile of {account}"))
        .await?;

    h.wait_until("back on /profiles", || async {
        Ok((h.path().await? == "/profiles").then_some(()))
    })
    .await?;
    h.wait_css("table a").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lit = e2e::browser::xpath_literal(account);
    let rows = h
        .client()
        .find_all(Locator::XPath(&format!(
            "//table//a[normalize-space(.)={lit}]"
        )))
        .await?;
    assert!(rows.is_empty(), "the row is gone");
    assert!(
        h.sim().totp(ADMIN_SVM_UUID, account).is_none(),
        "deleted on the cluster"
    );
    let deletes: Vec<_> = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1, "{deletes:#?}");
    assert_eq!(
        deletes[0].path,
        format!("{TOTPS}/{ADMIN_SVM_UUID}/{account}")
    );
    assert_eq!(deletes[0].status, 200);
    assert_eq!(deletes[0].user.as_deref(), Some(account));
    h.close().await
}

/// An administrator resets another user by disabling their profile: no delete is offered for
/// someone else's key (ONTAP refuses it), the page says why and how, and the reset is one
/// PATCH `enabled: false`. An SVM administrator, who may not change the status, is told to
/// ask a cluster administrator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_resets_a_user_by_disabling_not_deleting() -> Result<()> {
    let account = "mchen";
    let h = Harness::start_with(at("9.18.1")).await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.click_profile_link(account).await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, account).await?;
    let reset = h
        .wait_text(".reset-zone", "Only mchen can delete their own TOTP key")
        .await?;
    ensure!(
        reset.contains("switch Enabled off above and save"),
        "{reset}"
    );
    h.wait_text(
        ".reset-zone pre.cli",
        "security login totp modify -vserver cluster1 -username mchen -enabled false",
    )
    .await?;
    assert_eq!(buttons_named(&h, "Delete profile…").await?, 0);
    h.screenshot("session-reset-by-disabling").await?;

    h.set_checkbox("Enabled", false).await?;
    h.click_button("Save").await?;
    h.click_button("Disable and save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(
        h.sim()
            .totp(ADMIN_SVM_UUID, account)
            .and_then(|t| t.enabled),
        Some(false)
    );
    assert!(h.requests().iter().all(|r| r.method != "DELETE"));

    h.click_button("Sign out").await?;
    h.sign_in("vsadmin").await?;
    h.click_profile_link("kpatel").await?;
    h.wait_text("h1", "kpatel").await?;
    h.wait_text(".reset-zone", "a cluster administrator disables it")
        .await?;
    assert_eq!(buttons_named(&h, "Delete profile…").await?, 0);
    assert!(h.requests().iter().all(|r| r.method != "DELETE"));
    h.close().await
}

/// From 9.19.1 the owner gets the CLI command (it asks for a code); another user's profile
/// shows the reset by disabling, not a delete command.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_9_19_1_the_owner_gets_the_cli_command_instead() -> Result<()> {
    let h = Harness::start_with(at("9.19.1")).await?;
    h.goto("/").await?;
    h.sign_in("kpatel").await?;
    h.click_profile_link("kpatel").await?;
    h.wait_text("h1", "kpatel").await?;
    h.wait_text(
        "pre.cli",
        "security login totp delete -vserver vs_eng -username kpatel",
    )
    .await?;
    h.wait_page_text("no longer deletes TOTP profiles").await?;
    h.wait_page_text("asks for a code from your authenticator app")
        .await?;
    h.screenshot("session-delete-cli").await?;
    assert_eq!(buttons_named(&h, "Delete profile…").await?, 0);

    h.click_button("Sign out").await?;
    h.sign_in("vsadmin").await?;
    h.click_profile_link("kpatel").await?;
    h.wait_text("h1", "kpatel").await?;
    h.wait_text(".reset-zone", "Only kpatel can delete").await?;
    let text = h.body_text().await?;
    ensure!(!text.contains("security login totp delete"), "{text}");
    assert!(h.requests().iter().all(|r| r.method != "DELETE"));
    assert!(h.sim().totp(VS_ENG_UUID, "kpatel").is_some());
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_9_12_1_the_page_explains_totp_needs_9_13() -> Result<()> {
    let h = Harness::start_with(at("9.12.1")).await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    let text = h.wait_text("[role=alert]", "ONTAP 9.13").await?;
    assert!(text.contains("9.12.1"), "{text}");
    h.input_by_label("Password").await?;
    assert!(h.requests().iter().all(|r| !r.path.starts_with(TOTPS)));
    h.close().await
}

/// 9.13.1, the first TOTP release: the page works as on later releases (a change is saved,
/// another's key is reset by disabling, not deleted), and the banner names the release.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_9_13_1_profiles_are_edited_and_reset_by_disabling() -> Result<()> {
    let h = Harness::start_with(at("9.13.1")).await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_page_text("ONTAP 9.13.1").await?;
    h.click_profile_link("kpatel").await?;
    h.wait_text("h1", "kpatel").await?;
    h.wait_css("#comment").await?;
    h.fill("Comment", "Checked on 9.13.1").await?;
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(
        h.sim()
            .totp(VS_ENG_UUID, "kpatel")
            .and_then(|t| t.comment)
            .as_deref(),
        Some("Checked on 9.13.1")
    );
    assert_eq!(buttons_named(&h, "Delete profile…").await?, 0);
    h.wait_text(".reset-zone", "Only kpatel can delete").await?;
    h.close().await
}

/// "Stay signed in" and a password changed mid-session: the re-sign-in dialog opens over the
/// editor with the unsaved edit kept, the save goes through once after it, and a reload
/// brings back the renewed session (the new password) without asking: the kept copy of the
/// old one is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_session_renewed_in_place_is_restored_with_the_new_password() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in_staying("admin").await?;
    h.wait_css("table a").await?;
    let kept_before = kept_session(&h).await?;
    ensure!(!kept_before.is_empty(), "kept in sessionStorage");

    h.click_profile_link("mchen").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    let here = h.path().await?;
    let typed = "typed before the password change";
    h.fill("Comment", typed).await?;

    // The administrator changes admin's password; Save's read is refused.
    h.sim().set_password("admin", NEW_PASSWORD);
    let before_save = h.requests().len();
    h.click_button("Save").await?;
    h.wait_text("dialog.reauth", "Sign in again").await?;
    h.screenshot("session-kept-reauth-dialog").await?;
    let refused = h.requests()[before_save..].to_vec();
    ensure!(
        refused.iter().any(|r| r.status == 401),
        "the old password was refused: {refused:#?}"
    );
    assert_eq!(comment_value(&h).await?, typed, "the edit is kept");
    ensure!(h.patches().is_empty(), "nothing was sent");

    // Signing in again in the dialog with the new password; the user carries on.
    h.fill("Password", NEW_PASSWORD).await?;
    h.click_button("Sign in").await?;
    h.reauth_closed().await?;
    h.wait_text("[role=status]", "Signed in again").await?;
    assert_eq!(h.path().await?, here, "still on the editor");
    assert_eq!(comment_value(&h).await?, typed, "the edit is still kept");
    ensure!(
        h.patches().is_empty(),
        "the refused save is not resent by itself"
    );
    let kept_after = kept_session(&h).await?;
    ensure!(
        !kept_after.is_empty() && kept_after != kept_before,
        "the kept session was renewed: {kept_after:.200}"
    );
    let stored = storage_dump(&h).await?;
    assert!(
        !stored.contains(e2e::PASSWORD),
        "no copy of the old password is kept: {stored}"
    );

    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let patches = h.patches();
    assert_eq!(patches.len(), 1, "saved exactly once: {patches:#?}");
    assert_eq!(patches[0].status, 200);
    assert_eq!(patches[0].user.as_deref(), Some("admin"));
    assert_eq!(
        h.sim()
            .totp(ADMIN_SVM_UUID, "mchen")
            .and_then(|t| t.comment)
            .as_deref(),
        Some(typed)
    );

    // A reload restores the renewed session without asking: the cluster accepts every one of
    // its requests, which it would refuse with the old password.
    let before_reload = h.requests().len();
    h.reload().await?;
    h.wait_text(".banner-user", "admin").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    assert_eq!(h.path().await?, here);
    ensure!(
        !h.sign_in_shown().await?,
        "no sign-in form after the reload"
    );
    let restore = h.requests()[before_reload..].to_vec();
    ensure!(
        restore
            .iter()
            .any(|r| e2e::path_only(&r.path) == "/api/cluster"),
        "the restore asked the cluster: {restore:#?}"
    );
    for r in &restore {
        assert_eq!(r.user.as_deref(), Some("admin"), "{r:?}");
        assert_eq!(r.status, 200, "the restore used the new password: {r:?}");
    }
    let stored = storage_dump(&h).await?;
    assert!(
        !stored.contains(e2e::PASSWORD),
        "no copy of the old password after the reload: {stored}"
    );
    let local = h
        .eval_string("return JSON.stringify({...localStorage});")
        .await?;
    assert!(
        !local.contains(NEW_PASSWORD) && !local.contains("totp-admin.session"),
        "never in localStorage: {local}"
    );
    h.close().await
}

/// Without "Stay signed in", signing in again in the dialog keeps nothing either: a reload
/// asks for the credentials.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_opt_in_a_renewed_session_is_not_kept() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    h.sim().set_password("admin", NEW_PASSWORD);
    h.click_profile_link("mchen").await?;
    h.wait_text("dialog.reauth", "Sign in again").await?;
    h.fill("Password", NEW_PASSWORD).await?;
    h.click_button("Sign in").await?;
    h.reauth_closed().await?;
    h.wait_text("[role=status]", "Signed in again").await?;
    assert_eq!(session_storage_len(&h).await?, 0, "nothing kept");
    let stored = storage_dump(&h).await?;
    assert!(
        !stored.contains(NEW_PASSWORD) && !stored.contains(e2e::PASSWORD),
        "{stored}"
    );
    let before_reload = h.requests().len();
    h.reload().await?;
    asks_to_sign_in(&h).await?;
    // A restore would have been sent at once; give one a moment to show.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    ensure!(
        h.requests().len() == before_reload,
        "nothing to restore, nothing asked: {:#?}",
        &h.requests()[before_reload..]
    );
    h.close().await
}

/// Issue 17, item 8: a token session renewed in the re-sign-in dialog with another account's
/// token is refused, with the reason next to the field, before anything is sent with it; the
/// session is unchanged (banner, requests). Another token of the same account is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn re_sign_in_with_another_accounts_token_is_refused_next_to_the_field() -> Result<()> {
    let h = Harness::start_with(|c| {
        c.tokens.push(("admin".into(), ADMIN_JWT.into()));
        c.tokens.push(("admin".into(), ADMIN_JWT_RENEWED.into()));
        c.tokens.push(("vsadmin".into(), VSADMIN_JWT.into()));
    })
    .await?;
    h.goto("/").await?;
    h.sign_in_token(ADMIN_JWT).await?;
    h.wait_css("table a").await?;
    h.wait_text(".banner-user", "admin").await?;
    h.sim().expire_credentials(ADMIN_JWT);
    h.click_profile_link("mchen").await?;
    h.wait_text("dialog.reauth", "Sign in again").await?;

    let before = h.requests().len();
    h.fill("Access token", VSADMIN_JWT).await?;
    h.click_button("Sign in").await?;
    let said = h.wait_text("#reauth-secret-error", "vsadmin").await?;
    ensure!(
        said.contains("admin"),
        "names the session's account: {said}"
    );
    let field = h.input_by_label("Access token").await?;
    let described = field.attr("aria-describedby").await?.unwrap_or_default();
    ensure!(
        described.contains("reauth-secret-error"),
        "the reason is tied to the field: {described:?}"
    );
    h.screenshot("session-reauth-other-account").await?;
    let open = h
        .eval_string("return document.querySelector('dialog.reauth[open]') ? 'open' : '';")
        .await?;
    ensure!(open == "open", "the dialog stays open");
    let sent = h.requests()[before..].to_vec();
    ensure!(
        sent.iter().all(|r| r.user.as_deref() != Some("vsadmin")),
        "a request went out with the other account's token: {sent:#?}"
    );
    let user = h
        .eval_string("return document.querySelector('.banner-user').textContent;")
        .await?;
    ensure!(user == "admin", "the banner names {user:?}");

    // Another token of the same account carries the session on.
    h.fill("Access token", ADMIN_JWT_RENEWED).await?;
    h.click_button("Sign in").await?;
    h.reauth_closed().await?;
    h.wait_text("[role=status]", "Signed in again").await?;
    h.wait_text(".banner-user", "admin").await?;
    h.close().await
}

/// The page's idle settings for tests (localStorage `totp-admin.idle`, JSON: `idle_ms`, the
/// idle time, and `warn_ms`, how long the warning before an idle sign-out lasts; each can only
/// shorten what the session says).
async fn set_idle(h: &Harness, json: &str) -> Result<()> {
    h.client()
        .execute(
            "localStorage.setItem('totp-admin.idle', arguments[0]); return null;",
            vec![serde_json::json!(json)],
        )
        .await?;
    Ok(())
}

/// The text content and every attribute and input value of the document.
async fn dom_dump(h: &Harness) -> Result<String> {
    h.eval_string(
        "return document.documentElement.outerHTML + '\\n' +
            Array.from(document.querySelectorAll('input, textarea')).map(e => e.value).join('\\n');",
    )
    .await
}

/// alice (no profile yet) creates hers from the enrollment page: the secret is on screen.
/// Returns the secret the emulator holds.
async fn alice_secret_on_screen(h: &Harness) -> Result<String> {
    h.sign_in("alice").await?;
    h.wait_css(".banner-user").await?;
    h.navigate_in_app("/enroll").await?;
    h.click_button("Create my profile").await?;
    h.wait_css("#enroll-qr").await?;
    h.sim()
        .secret(e2e::demo::VS_ENG_UUID, "alice")
        .context("alice's secret")
}

/// After the enrollment's session ended: the sign-in screen, and nothing of the secret in the
/// DOM or the storages, and nothing offered for download.
async fn secret_is_gone(h: &Harness, secret: &str) -> Result<()> {
    asks_to_sign_in(h).await?;
    let dom = dom_dump(h).await?;
    ensure!(
        !dom.contains(secret) && !dom.contains("otpauth") && !dom.contains("emergency-code"),
        "the secret outlived the session"
    );
    ensure!(
        !storage_dump(h).await?.contains(secret),
        "the secret is in a storage"
    );
    ensure!(
        buttons_named(h, "Download the result (CSV)").await? == 0
            && buttons_named(h, "Download .txt").await? == 0,
        "a download is offered after the sign-out"
    );
    Ok(())
}

/// Issue 17, item 5: an idle sign-out during a bulk run warns first (time left, a way to stay);
/// staying keeps the run; the next time it ends: nothing is sent after it, and the run's
/// report stays downloadable on the sign-in screen. With the enrollment's secret on screen, the
/// same warning, then the secret is wiped and nothing of it can be downloaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sign_out_warns_during_a_run_or_with_a_secret_then_ends() -> Result<()> {
    let h = Harness::start_with(|c| c.profiles = 12).await?;
    h.goto("/").await?;
    set_idle(&h, r#"{"idle_ms":1500,"warn_ms":4000}"#).await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    h.fill("Filter", "user0").await?;
    h.wait_text(".table-summary", "12 of").await?;
    h.click_button("Select all 12 matching profiles").await?;
    h.wait_text(".selection-count", "12 selected").await?;
    h.client()
        .find(Locator::LinkText("Change the selected…"))
        .await?
        .click()
        .await?;
    h.wait_text("h1", "Change 12 selected profiles").await?;
    h.input_by_label("Set the comment").await?.click().await?;
    h.fill("New comment", "idle run").await?;
    h.wait_text(".bulk-review-summary", "12 will change")
        .await?;
    h.client()
        .execute(
            "const s = document.getElementById('bulk-limit-start'); s.value = '1'; \
             s.dispatchEvent(new Event('change', {bubbles: true})); return null;",
            vec![],
        )
        .await?;
    // Each PATCH is carried out at once and answered after a second: the run outlasts the
    // idle time.
    h.sim().script_fault(ScriptedFault::new(
        "PATCH",
        "/user0",
        Scripted::Delay(Duration::from_millis(1000)),
        12,
    ));
    h.catch_downloads().await?;
    h.click_button("Change the comment of 12 profiles").await?;

    // No activity from now on: the warning, with the time left and a way to stay.
    let warning = h.wait_text(".signout-warning", "signed out in").await?;
    ensure!(
        warning.contains("bulk run") && warning.chars().any(|c| c.is_ascii_digit()),
        "{warning}"
    );
    h.screenshot("session-idle-warning-run").await?;
    h.click_button("Stay signed in").await?;
    h.wait_until("the warning gone", || async {
        Ok(h.none_match(Locator::Css(".signout-warning"))
            .await?
            .then_some(()))
    })
    .await?;
    ensure!(!h.sign_in_shown().await?, "staying keeps the session");

    // Idle again: this time the warning runs out.
    h.wait_text(".signout-warning", "signed out in").await?;
    asks_to_sign_in(&h).await?;
    let patches_at_end = h.patches().len();
    h.wait_text(".connect-why", "without activity").await?;
    let report = h.wait_text(".left-report", "not sent").await?;
    h.screenshot("session-idle-signed-out-report").await?;
    assert_eq!(session_storage_len(&h).await?, 0, "nothing kept");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let late = &h.patches()[patches_at_end..];
    ensure!(late.is_empty(), "PATCHes after the sign-out: {late:#?}");

    // The report: every row, and the emulator agrees with each.
    h.click_button("Download the result (CSV)").await?;
    let csv = h.download_text().await?;
    let rows: Vec<&str> = csv
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    ensure!(rows.len() == 12, "{} rows in {csv}", rows.len());
    let patched: Vec<String> = h
        .patches()
        .iter()
        .map(|r| {
            e2e::path_only(&r.path)
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    for row in &rows {
        let account = row.split(',').next().unwrap_or_default();
        let changed = h
            .sim()
            .totps()
            .into_iter()
            .find(|t| t.account_name() == Some(account))
            .and_then(|t| t.comment)
            .as_deref()
            == Some("idle run");
        if row.contains(",done,") {
            ensure!(changed, "{account}: done in the report, not on the cluster");
        } else if row.contains(",not sent,") {
            ensure!(
                !changed && !patched.iter().any(|p| p == account),
                "{account}: not sent in the report, but sent"
            );
        } else {
            ensure!(
                row.contains("sending") || row.contains("checking"),
                "{account}: {row}"
            );
        }
    }
    ensure!(report.contains("not sent"), "{report}");

    // A secret on screen: the same warning, then the secret is wiped.
    let secret = alice_secret_on_screen(&h).await?;
    ensure!(
        h.none_match(Locator::Css(".left-report")).await?,
        "the report was for the session before"
    );
    let warning = h.wait_text(".signout-warning", "signed out in").await?;
    ensure!(warning.contains("secret"), "{warning}");
    h.screenshot("session-idle-warning-secret").await?;
    secret_is_gone(&h, &secret).await?;
    h.close().await
}

/// The window handle of the tab that is not `this` (waiting for it to open).
async fn other_tab(
    h: &Harness,
    this: &fantoccini::wd::WindowHandle,
) -> Result<fantoccini::wd::WindowHandle> {
    h.wait_until("a second tab", || async {
        let all = h.client().windows().await?;
        Ok(all.into_iter().find(|w| w != this))
    })
    .await
}

/// Issue 17, item 8: a tab opened as a copy of a signed-in tab (Chromium copies the tab's
/// sessionStorage, and with it a kept session) asks to sign in instead of sharing the session,
/// while the original still restores its own on a reload; signing out in one tab signs out the
/// others; a tab with a secret on screen warns first and may stay, then ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_every_tab_and_a_copied_tab_asks_to_sign_in() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    set_idle(&h, r#"{"warn_ms":3000}"#).await?;
    h.sign_in_staying("admin").await?;
    h.wait_css("table a").await?;
    let a = h.client().window().await?;

    // A copy of tab A (window.open copies its sessionStorage, as Duplicate does).
    h.client()
        .execute("window.open(location.href, '_blank'); return null;", vec![])
        .await?;
    let b = other_tab(&h, &a).await?;
    h.client().switch_to_window(b.clone()).await?;
    asks_to_sign_in(&h).await?;
    h.wait_text(".connect-why", "copy of another tab").await?;
    h.screenshot("session-copied-tab").await?;
    ensure!(
        kept_session(&h).await?.is_empty(),
        "the copy still holds the session"
    );
    h.sign_in("readonly").await?;
    h.wait_text(".banner-user", "readonly").await?;

    // Tab A still restores its own kept session.
    h.client().switch_to_window(a.clone()).await?;
    h.reload().await?;
    h.wait_text(".banner-user", "admin").await?;
    ensure!(!h.sign_in_shown().await?);

    // Signing out in A signs B out.
    h.click_button("Sign out").await?;
    asks_to_sign_in(&h).await?;
    h.client().switch_to_window(b.clone()).await?;
    asks_to_sign_in(&h).await?;
    h.wait_text(".connect-why", "another tab").await?;

    // B with a secret on screen warns first; staying keeps it.
    let secret = alice_secret_on_screen(&h).await?;
    let sign_in_and_out_in_a = || async {
        h.client().switch_to_window(a.clone()).await?;
        h.sign_in("admin").await?;
        h.wait_css(".banner-user").await?;
        h.click_button("Sign out").await?;
        asks_to_sign_in(&h).await?;
        h.client().switch_to_window(b.clone()).await?;
        anyhow::Ok(())
    };
    sign_in_and_out_in_a().await?;
    let warning = h.wait_text(".signout-warning", "another tab").await?;
    ensure!(warning.contains("secret"), "{warning}");
    h.screenshot("session-other-tab-warning").await?;
    h.click_button("Stay signed in").await?;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    h.wait_css("#enroll-qr").await?;
    ensure!(h.none_match(Locator::Css(".signout-warning")).await?);

    // Not staying: B ends, and the secret is wiped.
    sign_in_and_out_in_a().await?;
    h.wait_text(".signout-warning", "another tab").await?;
    secret_is_gone(&h, &secret).await?;
    h.close().await
}
