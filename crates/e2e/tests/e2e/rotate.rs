//! "Rotate my key" in Chromium against the emulator: the owner of an enabled profile replaces
//! their key by deleting it and enrolling again (9.18.1), gets the CLI steps on 9.19.1, and a
//! lost answer to the rotation's DELETE is settled by reading, never by deleting again.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use e2e::demo::VS_ENG_UUID;
use e2e::{Harness, Locator, TOTPS};
use ontap_model::{otp, Version};
use ontap_sim::{FaultMode, Scripted, ScriptedFault};

const HOLDS: &str =
    "I still have my current authenticator app, and I am ready to set up the new key now";
const START: &str = "Delete my old key and set up a new one";
/// Short timings: a lost answer's late window ends 1.5 s after the send.
const TIMING: &str = r#"{"read_ms":1500,"write_ms":2000,"retry_base_ms":300,"proxy_read_ms":0,"late_margin_ms":1500}"#;

fn at(version: &str) -> impl FnOnce(&mut ontap_sim::Config) + '_ {
    move |c| c.version = Version::parse(version).expect("a release")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn path_of(account: &str) -> String {
    format!("{TOTPS}/{VS_ENG_UUID}/{account}")
}

fn deletes(h: &Harness, account: &str) -> usize {
    let p = path_of(account);
    h.requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path == p)
        .count()
}

fn posts(h: &Harness) -> usize {
    h.requests().iter().filter(|r| r.method == "POST").count()
}

/// Signs in as `user` and opens the rotation from their own profile's "rotate it" link.
async fn open_rotation(h: &Harness, user: &str) -> Result<()> {
    h.sign_in(user).await?;
    h.click_profile_link(user).await?;
    h.wait_text("h1", user).await?;
    h.wait_for("the rotate link", Locator::LinkText("rotate it"))
        .await?
        .click()
        .await?;
    h.wait_css("#rotate-title").await?;
    Ok(())
}

/// kpatel rotates on 9.18.1: the question first (nothing is sent until the old authenticator
/// is confirmed in hand), one DELETE, then the enrollment. Its first POST is refused: the page
/// says the old key is gone and the account has no profile now, and Create again works. The
/// new secret is not the old one, the code from it is checked, and the done screen says to
/// remove the old entry. Both steps are in the change log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_rotates_their_own_key_on_9_18_1() -> Result<()> {
    let user = "kpatel";
    let h = Harness::start_with(at("9.18.1")).await?;
    let old_print = h
        .sim()
        .totp(VS_ENG_UUID, user)
        .and_then(|t| t.sha_fingerprint);
    h.goto("/").await?;
    open_rotation(&h, user).await?;
    let text = h.body_text().await?;
    for words in [
        "SSH asks only for your password",
        "cannot check your current key",
        "ask an administrator to reset your profile",
    ] {
        ensure!(text.contains(words), "{words:?} in {text}");
    }
    h.screenshot("rotate-question").await?;

    // Not confirmed: said next to the box, nothing sent.
    h.click_button(START).await?;
    h.wait_text(
        "#rotate-holds-error",
        "still have your current authenticator",
    )
    .await?;
    ensure!(deletes(&h, user) == 0, "a DELETE before the confirmation");

    // The first POST after the delete is refused by the cluster.
    h.sim().script_fault(ScriptedFault::new(
        "POST",
        TOTPS,
        Scripted::Raw {
            status: 400,
            content_type: "application/json".into(),
            body: br#"{"error":{"message":"Failed to generate the secret key.","code":"2"}}"#
                .to_vec(),
        },
        1,
    ));
    h.set_checkbox(HOLDS, true).await?;
    h.click_button(START).await?;
    h.wait_text("#rotated-notice", "Your old key was deleted at")
        .await?;
    h.wait_text("#intro-title", "kpatel@vs_eng").await?;
    ensure!(h.sim().totp(VS_ENG_UUID, user).is_none(), "deleted");
    assert_eq!(deletes(&h, user), 1);
    let del = h
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .context("the DELETE")?;
    assert_eq!(del.user.as_deref(), Some(user), "the owner deletes");

    h.fill("Comment (optional)", "New phone").await?;
    h.click_button("Create my profile").await?;
    let notice = h
        .wait_text("#rotated-notice", "the new profile was not created")
        .await?;
    ensure!(
        notice.contains("no TOTP profile now") && notice.contains("try again"),
        "{notice}"
    );
    h.wait_page_text("Failed to generate the secret key")
        .await?;
    h.screenshot("rotate-create-refused").await?;
    ensure!(h.sim().totp(VS_ENG_UUID, user).is_none());

    h.click_button("Create my profile").await?;
    h.wait_css("#enroll-qr").await?;
    let shown = h.wait_css("#enroll-secret").await?.text().await?;
    let secret = otp::Secret::from_base32(&shown).context("the new secret")?;
    let stored = h.sim().secret(VS_ENG_UUID, user).context("the new key")?;
    ensure!(
        secret.to_base32() == stored,
        "the page shows another secret"
    );
    h.fill("Code from the app", &otp::code_at(&secret, unix_now()))
        .await?;
    h.click_button("Check the code").await?;
    h.wait_page_text("The code is right").await?;
    h.set_checkbox("I have saved my emergency codes", true)
        .await?;
    h.click_button("Finish").await?;
    let done = h
        .wait_text(".enroll-done", "Your authenticator is set up")
        .await?;
    ensure!(done.contains("Your old key is deleted"), "{done}");
    h.screenshot("rotate-done").await?;
    let t = h.sim().totp(VS_ENG_UUID, user).context("the new profile")?;
    assert_eq!(t.enabled, Some(true));
    assert_eq!(t.comment.as_deref(), Some("New phone"));
    ensure!(t.sha_fingerprint != old_print, "a new fingerprint");
    assert_eq!((deletes(&h, user), posts(&h)), (1, 2));

    h.navigate_in_app("/changes").await?;
    h.wait_page_text("delete the TOTP profile (rotate my key)")
        .await?;
    h.wait_page_text("create the TOTP profile").await?;
    h.close().await
}

/// 9.19.1: the REST API no longer deletes, so the page gives the CLI step and sends nothing;
/// once the key is gone (deleted in the CLI), the same screen goes on to the enrollment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_9_19_1_rotating_gives_the_cli_steps() -> Result<()> {
    let user = "kpatel";
    let h = Harness::start_with(at("9.19.1")).await?;
    h.goto("/").await?;
    open_rotation(&h, user).await?;
    h.wait_text(
        "pre.command",
        "security login totp delete -vserver vs_eng -username kpatel",
    )
    .await?;
    h.wait_page_text("asks for a code from your current authenticator app")
        .await?;
    h.screenshot("rotate-cli-steps").await?;
    ensure!(
        h.none_match(Locator::XPath(&format!(
            "//button[normalize-space(.)='{START}']"
        )))
        .await?,
        "no REST rotation on 9.19.1"
    );

    // The user runs the command in the CLI; then the page sets up the new key.
    h.sim()
        .remove_totp(VS_ENG_UUID, user)
        .context("kpatel's profile")?;
    h.click_button("I deleted it: set up my new key").await?;
    h.wait_text("#intro-title", "kpatel@vs_eng").await?;
    assert_eq!(deletes(&h, user), 0, "nothing deleted by REST");
    h.close().await
}

/// A lost answer to the rotation's DELETE: dropped after the cluster deleted it, the page
/// reads the profile gone and goes on to the enrollment; dropped before, the profile is still
/// there after the late window, the page says the old key still works, and nothing is sent
/// again. One DELETE each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_on_the_rotations_delete_is_settled_by_reading() -> Result<()> {
    let h = Harness::start_with(at("9.18.1")).await?;
    h.goto("/").await?;
    h.set_timing(TIMING).await?;
    for (user, mode, deleted) in [
        ("rgarcia", FaultMode::DropAfter, true),
        ("dev.lead", FaultMode::DropBefore, false),
    ] {
        if h.path().await? != "/" {
            h.click_button("Sign out").await?;
        }
        open_rotation(&h, user).await?;
        h.sim().script_fault(ScriptedFault::new(
            "DELETE",
            &path_of(user),
            Scripted::Mode(mode),
            1,
        ));
        h.set_checkbox(HOLDS, true).await?;
        h.click_button(START).await?;
        if deleted {
            h.wait_text("#rotated-notice", "Your old key was deleted at")
                .await
                .with_context(|| user.to_owned())?;
        } else {
            let alert = h
                .wait_text("[role=alert]", "Your old key was not deleted")
                .await
                .with_context(|| user.to_owned())?;
            ensure!(
                alert.contains("still there") && alert.contains("still works"),
                "{user}: {alert}"
            );
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        ensure!(
            h.sim().totp(VS_ENG_UUID, user).is_none() == deleted,
            "{user}: deleted {deleted}"
        );
        assert_eq!(deletes(&h, user), 1, "{user}: one DELETE");
        h.navigate_in_app("/changes").await?;
        let log = h.body_text().await?;
        let outcome = if deleted {
            "Unknown → confirmed saved"
        } else {
            "Unknown → confirmed not applied"
        };
        ensure!(log.contains(outcome), "{user}: {log}");
    }
    assert_eq!(posts(&h), 0, "nothing created by a settling read");
    h.close().await
}
