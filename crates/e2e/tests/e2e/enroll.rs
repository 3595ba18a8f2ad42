//! Self-enrollment end to end in Chromium, as `alice` (vs_eng, TOTP required, no profile): the
//! banner's action, the explanation, the POST, the QR code screenshotted and decoded by an
//! independent decoder (rqrr) back to the otpauth URI, a code computed here from that URI
//! (ontap-model's RFC 6238), a wrong code then the right one, the emergency-codes confirmation,
//! Finish; then the profile exists in the emulator, the DOM holds no secret, URI or code, and
//! Chromium asked nothing of any origin but the page's own. Also: the leave guard (in-app link
//! and Back refused, then a link accepted), an existing profile's reset advice, 144834561 with the admin's
//! commands, an administrator asking to enroll someone else, the profile check retried through a
//! busy cluster, and a cluster whose clock is 5 minutes ahead (the clock warning, and the set-up
//! completed with the codes an authenticator shows) or within a step (no warning). Needs the
//! built page.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context, Result};
use e2e::demo::VS_ENG_UUID;
use e2e::{Harness, Locator, TOTPS};
use ontap_model::otp::{self, KeyUri};
use serde_json::Value;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Decodes the one QR code in a PNG with rqrr.
pub(crate) fn decode_qr(png: &[u8]) -> Result<String> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .context("reading the screenshot")?
        .to_luma8();
    let (w, h) = img.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32)[0]
        });
    let grids = prepared.detect_grids();
    ensure!(
        grids.len() == 1,
        "{} QR codes found in the screenshot",
        grids.len()
    );
    let (_meta, content) = grids[0].decode().context("decoding the QR code")?;
    Ok(content)
}

/// A 6-digit code that matches none of the steps around now.
fn wrong_code(key: &KeyUri) -> String {
    let now = unix_now();
    (0..1000u32)
        .map(|i| format!("{:06}", (123_457 + i * 7919) % 1_000_000))
        .find(|c| !otp::verify(&key.secret, c, now, 3))
        .unwrap_or_else(|| "000000".into())
}

/// Every URL Chromium fetched for this document (navigation and resources), and every `src` or
/// `href` in the DOM.
async fn urls_seen(h: &Harness) -> Result<Vec<String>> {
    let v = h
        .client()
        .execute(
            "return performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource')).map(e => e.name)
                 .concat(Array.from(document.querySelectorAll('[src],[href],[srcset],[action]'))
                     .map(e => e.src || e.href || e.getAttribute('srcset') || e.action || '')
                     .map(u => (u && u.baseVal !== undefined) ? u.baseVal : String(u)));",
            vec![],
        )
        .await?;
    Ok(v.as_array()
        .context("a list of URLs")?
        .iter()
        .map(|u| u.as_str().unwrap_or_default().to_string())
        .collect())
}

fn only_own_origin(base: &str, urls: &[String]) -> Result<()> {
    let origin = base.trim_end_matches('/');
    for u in urls {
        let ours = u.starts_with(&format!("{origin}/")) || u == origin || u.starts_with('/');
        ensure!(ours, "a URL outside the page's origin {origin}: {u}");
    }
    Ok(())
}

/// The text of the dialog that is open, waiting up to 5 s for one.
async fn alert_text(h: &Harness) -> Result<String> {
    for _ in 0..50 {
        if let Ok(t) = h.client().get_alert_text().await {
            return Ok(t);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("no confirmation dialog opened")
}

/// The text content and every attribute and input value of the document.
async fn dom_dump(h: &Harness) -> Result<String> {
    h.eval_string(
        "return document.documentElement.outerHTML + '\\n' +
            Array.from(document.querySelectorAll('input, textarea')).map(e => e.value).join('\\n');",
    )
    .await
}

async fn start_alice() -> Result<Harness> {
    start_alice_with(|_| {}).await
}

/// [`start_alice`] on an emulator configured by the test (a cluster clock that is off...).
async fn start_alice_with(configure: impl FnOnce(&mut ontap_sim::Config)) -> Result<Harness> {
    let h = Harness::start_with(configure).await?;
    h.goto("/").await?;
    h.sign_in("alice").await?;
    // Through the change log, by clicks: Chromium's Back skips history entries that no user
    // action made (the landing redirect), and the guard's Back is tested from here.
    h.wait_for("the Changes link", Locator::LinkText("Changes"))
        .await?
        .click()
        .await?;
    h.wait_until("the change log", || async {
        Ok((h.path().await? == "/changes").then_some(()))
    })
    .await?;
    let action = h
        .wait_for(
            "the banner's set-up action",
            Locator::LinkText("Set up my authenticator"),
        )
        .await?;
    action.click().await?;
    h.wait_text("#intro-title", "alice@vs_eng").await?;
    Ok(h)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alice_enrolls_and_the_secret_never_leaves_the_browser() -> Result<()> {
    let h = start_alice().await?;
    let body = h.body_text().await?;
    ensure!(body.contains("The profile is active at once"), "{body}");
    h.screenshot("enroll-intro").await?;

    h.fill("Comment (optional)", "Pixel 8, Aegis").await?;
    h.click_button("Create my profile").await?;
    let qr = h.wait_css("#enroll-qr").await?;
    h.wait_css(".emergency-code").await?;
    h.screenshot("enroll-qr").await?;

    // The POST: once, for alice herself, with return_records.
    let posts: Vec<_> = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    ensure!(posts.len() == 1, "{posts:?}");
    ensure!(
        posts[0].path == format!("{TOTPS}?return_records=true"),
        "{:?}",
        posts[0]
    );
    let sent = e2e::body_json(&posts[0]);
    assert_eq!(sent["account"]["name"], "alice");
    assert_eq!(sent["owner"]["name"], "vs_eng");
    assert_eq!(sent["comment"], "Pixel 8, Aegis");

    // The QR code, decoded from pixels by a decoder of its own, is the otpauth URI of the
    // secret the emulator holds.
    let png = qr.screenshot().await.context("screenshot of the QR code")?;
    std::fs::write(
        e2e::target_dir().join("screenshots/enroll-qr-element.png"),
        &png,
    )
    .ok();
    let uri = decode_qr(&png)?;
    let key = KeyUri::parse(&uri).with_context(|| format!("not a TOTP URI: {uri}"))?;
    let stored = h
        .sim()
        .secret(VS_ENG_UUID, "alice")
        .context("the emulator holds alice's secret")?;
    assert_eq!(key.secret.to_base32(), stored);
    assert_eq!(key.issuer, "cluster1");
    assert_eq!(key.account, "alice@vs_eng");
    // The secret in groups, the issuer and account as the app will show them.
    let grouped = h.wait_css("#enroll-secret").await?.text().await?;
    assert_eq!(grouped, otp::grouped(&stored));
    h.wait_text("#enroll-issuer", "cluster1").await?;
    let codes: Vec<String> = {
        let mut v = Vec::new();
        for e in h.client().find_all(Locator::Css(".emergency-code")).await? {
            v.push(e.text().await?);
        }
        v
    };
    ensure!(
        codes.len() == 5 && codes.iter().all(|c| c.len() == 8),
        "{codes:?}"
    );
    // The install URL's chart service appears nowhere: the QR code was drawn here.
    let dom = dom_dump(&h).await?;
    ensure!(
        !dom.contains("google.com") && !dom.contains("chart?"),
        "the install URL leaked into the page"
    );
    only_own_origin(h.base(), &urls_seen(&h).await?)?;

    // A wrong code is refused, and says so next to the field.
    h.fill("Code from the app", &wrong_code(&key)).await?;
    h.click_button("Check the code").await?;
    h.wait_text("#enroll-code-error", "does not match").await?;
    h.screenshot("enroll-wrong-code").await?;

    // Finish needs the right code and the codes confirmed.
    h.fill("Code from the app", &otp::code_at(&key.secret, unix_now()))
        .await?;
    h.click_button("Check the code").await?;
    h.wait_page_text("The code is right").await?;
    h.click_button("Finish").await?;
    h.wait_text("#codes-saved-error", "saved the emergency codes")
        .await?;
    ensure!(
        h.client().find(Locator::Css("#enroll-qr")).await.is_ok(),
        "the flow ended without the confirmation"
    );
    h.set_checkbox("I have saved my emergency codes", true)
        .await?;
    h.click_button("Finish").await?;
    h.wait_text(".enroll-done", "Your authenticator is set up")
        .await?;
    h.screenshot("enroll-done").await?;

    // The profile exists on the cluster, enabled, with the comment.
    let t = h
        .sim()
        .totp(VS_ENG_UUID, "alice")
        .context("alice's profile")?;
    assert_eq!(t.enabled, Some(true));
    assert_eq!(t.comment.as_deref(), Some("Pixel 8, Aegis"));

    // Nothing of the secret is left in the DOM: not the secret (whole or grouped), not the
    // URI, not a code; the banner no longer offers the set-up.
    let dom = dom_dump(&h).await?;
    for needle in [stored.as_str(), grouped.as_str(), "otpauth", &grouped[..9]]
        .into_iter()
        .chain(codes.iter().map(String::as_str))
    {
        ensure!(!dom.contains(needle), "the DOM still holds {needle:?}");
    }
    ensure!(
        h.none_match(Locator::LinkText("Set up my authenticator"))
            .await?,
        "the banner still offers the set-up"
    );

    // No request to any other origin during the whole flow: what Chromium fetched, what nginx
    // served (paths of its own only) and what the emulator received (/api only).
    only_own_origin(h.base(), &urls_seen(&h).await?)?;
    let access = h.nginx().access_log();
    for line in access.lines() {
        let uri = line.split_whitespace().nth(1).unwrap_or_default();
        ensure!(
            uri.starts_with('/'),
            "nginx served a request not for itself: {line}"
        );
    }
    for r in h.requests() {
        ensure!(r.path.starts_with("/api/"), "{r:?}");
        ensure!(!r.path.contains(&stored), "the secret in a request: {r:?}");
        ensure!(
            r.body.as_deref().is_none_or(|b| !b.contains(&stored)),
            "the secret in a request body: {r:?}"
        );
    }
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_midway_asks_first_and_an_existing_profile_gets_the_reset_advice() -> Result<()> {
    let h = start_alice().await?;
    h.click_button("Create my profile").await?;
    h.wait_css("#enroll-qr").await?;
    let stored = h
        .sim()
        .secret(VS_ENG_UUID, "alice")
        .context("alice's secret")?;

    // An in-app link asks first; refusing keeps the flow on screen.
    h.client()
        .find(Locator::LinkText("Changes"))
        .await?
        .click()
        .await?;
    let asked = alert_text(&h)
        .await
        .context("a confirmation before leaving")?;
    ensure!(asked.contains("Leave the authenticator set-up"), "{asked}");
    h.client().dismiss_alert().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    ensure!(h.path().await? == "/enroll", "left although refused");
    h.wait_css("#enroll-qr").await?;

    // Back asks as well; refused, the flow stays on screen. (Later than the script's return:
    // a dialog opened during a WebDriver command is dismissed by the driver unseen.)
    h.client()
        .execute(
            "setTimeout(() => history.back(), 100); return null;",
            vec![],
        )
        .await?;
    let asked = alert_text(&h).await.context("a confirmation on Back")?;
    ensure!(asked.contains("Leave the authenticator set-up"), "{asked}");
    h.client().dismiss_alert().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    ensure!(h.path().await? == "/enroll", "Back left although refused");
    h.wait_css("#enroll-qr").await?;

    // Accepting leaves, and the secret is gone from the DOM.
    h.client()
        .find(Locator::LinkText("Changes"))
        .await?
        .click()
        .await?;
    alert_text(&h).await?;
    h.client().accept_alert().await?;
    h.wait_until("the change log", || async {
        Ok((h.path().await? == "/changes").then_some(()))
    })
    .await?;
    let dom = dom_dump(&h).await?;
    ensure!(
        !dom.contains(&stored) && !dom.contains("otpauth"),
        "the secret outlived the page"
    );

    // Coming back: the profile exists, so the page says how to reset it.
    h.navigate_in_app("/enroll").await?;
    h.wait_page_text("You already have an enabled TOTP profile")
        .await?;
    h.wait_text(
        ".command",
        "security login totp modify -vserver vs_eng -username alice -enabled false",
    )
    .await?;
    h.screenshot("enroll-existing").await?;
    let posts = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    ensure!(posts == 1, "{posts} POSTs");
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_without_totp_as_ssh_factor_and_enrolling_someone_else_are_explained(
) -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    // admin's SSH has no second factor: no set-up action in the banner.
    tokio::time::sleep(Duration::from_millis(500)).await;
    ensure!(
        h.none_match(Locator::LinkText("Set up my authenticator"))
            .await?,
        "the banner offers admin a set-up it cannot do"
    );

    // An administrator asking to enroll alice is told ONTAP allows only self-enrollment; no
    // POST is sent.
    h.navigate_in_app("/enroll?account=alice").await?;
    h.wait_page_text("ONTAP allows only self-enrollment")
        .await?;
    h.screenshot("enroll-someone-else").await?;

    // Enrolling admin itself: the cluster answers 144834561, and the page gives the CLI
    // command and the REST call that set TOTP as the SSH second factor.
    h.navigate_in_app("/enroll").await?;
    h.wait_text("#intro-title", "admin").await?;
    h.click_button("Create my profile").await?;
    h.wait_page_text("144834561").await?;
    h.wait_text(
        ".command",
        "security login modify -vserver cluster1 -user-or-group-name admin -application ssh",
    )
    .await?;
    let rest = h
        .wait_until("the REST call with the account's owner UUID", || async {
            let t = h.eval_string(
                "const c = document.querySelectorAll('.command'); return c.length > 1 ? c[1].textContent : '';",
            )
            .await?;
            Ok((t.starts_with("PATCH /api/security/accounts/") && !t.contains("{owner.uuid}")).then_some(t))
        })
        .await?;
    let body: Value = serde_json::from_str(rest.lines().nth(1).unwrap_or_default())?;
    ensure!(
        body["applications"]
            .as_array()
            .is_some_and(|a| a.len() == 2),
        "{rest}"
    );
    h.screenshot("enroll-second-factor").await?;
    let posts: Vec<_> = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    if posts.len() != 1 || posts[0].status != 400 {
        bail!("expected one refused POST: {posts:?}");
    }
    h.close().await
}

/// The enrollment page's first step, reading whether alice has a profile already (with the
/// answer's `Date`, for the clock check), is a read like any other: a cluster busy for a moment
/// is retried, and the set-up carries on instead of stopping at "could not check".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_check_before_enrolling_is_retried_through_a_busy_cluster() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    // Retries after about 0.3 s instead of the default waits (the page's timing setting).
    h.set_timing(r#"{"read_ms":1500,"write_ms":2000,"retry_base_ms":300}"#)
        .await?;
    h.sign_in("alice").await?;
    let action = h
        .wait_for(
            "the banner's set-up action",
            Locator::LinkText("Set up my authenticator"),
        )
        .await?;
    let check = format!("{TOTPS}?");
    let before = h.requests().len();
    h.sim().script_fault(ontap_sim::ScriptedFault::new(
        "GET",
        &check,
        ontap_sim::Scripted::Mode(ontap_sim::FaultMode::Unavailable),
        1,
    ));
    action.click().await?;
    h.wait_text("#intro-title", "alice@vs_eng").await?;
    let checks: Vec<u16> = h.requests()[before..]
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(&check))
        .map(|r| r.status)
        .collect();
    ensure!(
        checks == [503, 200],
        "the check: refused once, then answered: {checks:?}"
    );
    let body = h.body_text().await?;
    ensure!(body.contains("Create my profile"), "{body}");
    ensure!(
        h.requests().iter().all(|r| r.method != "POST"),
        "nothing created by a check"
    );
    h.close().await
}

/// The set-up's enrolled view: the secret as the page shows it (grouped, read back here as a user
/// typing it into an app by hand would), checked against the emulator's.
async fn create_and_read_secret(h: &Harness) -> Result<otp::Secret> {
    h.click_button("Create my profile").await?;
    h.wait_css("#enroll-qr").await?;
    let shown = h.wait_css("#enroll-secret").await?.text().await?;
    let secret = otp::Secret::from_base32(&shown).context("the secret on screen")?;
    let stored = h
        .sim()
        .secret(VS_ENG_UUID, "alice")
        .context("the emulator holds alice's secret")?;
    ensure!(
        secret.to_base32() == stored,
        "the page shows another secret"
    );
    Ok(secret)
}

/// The clock warning's figure and direction: "The cluster's clock is 4 minutes 59 seconds
/// ahead of this computer's" gives (299, "ahead").
fn read_clock_warning(text: &str) -> Result<(i64, String)> {
    let rest = text
        .strip_prefix("The cluster's clock is ")
        .with_context(|| format!("an unexpected clock warning: {text}"))?;
    let mut words = rest.split_whitespace();
    let mut seconds = 0;
    loop {
        let w = words.next().unwrap_or_default();
        let Ok(n) = w.parse::<i64>() else {
            ensure!(seconds > 0, "no duration in: {text}");
            return Ok((seconds, w.to_owned()));
        };
        let unit = words.next().unwrap_or_default().trim_end_matches('s');
        seconds += n * match unit {
            "second" => 1,
            "minute" => 60,
            "hour" => 3_600,
            "day" => 86_400,
            _ => bail!("an unknown unit {unit:?} in: {text}"),
        };
    }
}

/// Waits until the clock `offset` seconds ahead of this machine's is 3 to 25 seconds into a
/// 30-second step.
async fn mid_step(offset: i64) {
    while !(3..=25).contains(&((unix_now() as i64 + offset).rem_euclid(30))) {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Types `code` in step 3 and checks it.
async fn type_and_check(h: &Harness, code: &str) -> Result<()> {
    h.fill("Code from the app", code).await?;
    // Typing clears the previous verdict (a verdict read next is this code's).
    h.wait_until("the previous verdict cleared", || async {
        let t = h.body_text().await?;
        Ok(
            (!t.contains("The code is right") && !t.contains("SSH would refuse this code"))
                .then_some(()),
        )
    })
    .await?;
    h.click_button("Check the code").await
}

/// Checks `code` and waits for the page to call it right: the line it says so in.
async fn code_is_right(h: &Harness, code: &str) -> Result<String> {
    type_and_check(h, code).await?;
    let r = h
        .wait_until("the page calling the code right", || async {
            let t = h.body_text().await?;
            Ok(t.lines()
                .find(|l| l.contains("The code is right"))
                .map(str::to_owned))
        })
        .await;
    match r {
        Ok(line) => Ok(line),
        Err(e) => bail!("{e:#}; the page says: {}", h.body_text().await?),
    }
}

/// The cluster's clock 5 minutes ahead of this machine's (the browser's and the phone's): SSH
/// checks codes against the cluster's clock. The page sees the difference in the POST answer's
/// `Date` and says it in words (the cluster's clock is 5 minutes ahead of this computer's, set
/// the clocks by NTP); the cluster's verification_code (computed at its time) still agrees with
/// the page. A code of the browser's time (a phone that agrees with this computer) sets the app
/// up, but the page says SSH would refuse it while the cluster's clock is off, and to use an
/// emergency code; the code of the cluster's time (what SSH will accept) is right. A code of
/// neither clock is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_clock_5_minutes_ahead_is_shown_and_the_set_up_still_completes() -> Result<()> {
    const AHEAD: i64 = 300;
    let h = start_alice_with(|c| c.clock_offset_secs = AHEAD).await?;
    // Before anything is created, from the profile check's Date: a warning that SSH will
    // refuse the app's codes while the cluster's clock is off.
    let before = h.wait_css("#clock-warning-before").await?;
    let text = before.text().await?;
    let (seconds, direction) = read_clock_warning(&text)?;
    ensure!(
        (AHEAD - 1..=AHEAD + 1).contains(&seconds) && direction == "ahead",
        "before creating: {text}"
    );
    ensure!(
        text.contains("SSH will refuse the app's codes") && text.contains("emergency code"),
        "before creating: {text}"
    );
    h.screenshot("enroll-clock-before").await?;
    let secret = create_and_read_secret(&h).await?;

    // The warning: on screen, announced, before the emergency codes, in the right direction
    // and by the right amount (the Date header has whole seconds: 299 to 301).
    let warning = h.wait_css("#clock-warning").await?;
    ensure!(warning.is_displayed().await?, "the clock warning is hidden");
    ensure!(
        warning.attr("role").await?.as_deref() == Some("alert"),
        "the clock warning is not announced"
    );
    let text = warning.text().await?;
    let (seconds, direction) = read_clock_warning(&text)?;
    ensure!(
        (AHEAD - 1..=AHEAD + 1).contains(&seconds) && direction == "ahead",
        "the cluster is {AHEAD} s ahead, the warning says: {text}"
    );
    for needle in [
        "SSH checks codes against the cluster's clock",
        "SSH refuses the codes",
        "NTP",
    ] {
        ensure!(
            text.contains(needle),
            "the warning lacks {needle:?}: {text}"
        );
    }
    let order = h
        .eval_string(
            "const w = document.getElementById('clock-warning'), c = document.getElementById('emergency-codes');
             return String(!!(w && c && (w.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING)));",
        )
        .await?;
    ensure!(
        order == "true",
        "the warning is not above the emergency codes"
    );
    h.screenshot("enroll-clock-ahead").await?;
    // The emulator's verification_code was computed at the cluster's time: the page's
    // cross-check reads it at the cluster's time too.
    h.wait_page_text("this page computes the same code as the cluster")
        .await?;

    // Neither clock: a code 5 minutes behind this machine's (10 steps from the browser's time,
    // 20 from the cluster's) is refused.
    let now = unix_now();
    let cluster_now = now + AHEAD as u64;
    let stale = otp::code_at(&secret, now - AHEAD as u64);
    if !otp::verify(&secret, &stale, now, 1) && !otp::verify(&secret, &stale, cluster_now, 1) {
        type_and_check(&h, &stale).await?;
        h.wait_text("#enroll-code-error", "does not match").await?;
    }

    // A phone that agrees with this computer: the app is set up, but SSH, on the cluster's
    // clock, would refuse its codes: the page says so, blames the cluster's clock, and points
    // to the emergency codes.
    let phone = otp::code_at(&secret, unix_now());
    ensure!(
        !otp::verify(&secret, &phone, unix_now() + AHEAD as u64, 1),
        "the browser's code happens to match at the cluster's time too"
    );
    type_and_check(&h, &phone).await?;
    let refused = h.wait_css("#code-ssh-refuses").await?;
    ensure!(
        refused.attr("role").await?.as_deref() == Some("alert"),
        "the SSH warning is not announced"
    );
    let v = refused.text().await?;
    for needle in [
        "The app is set up, but SSH would refuse this code now",
        "the cluster's clock is",
        "ahead",
        "emergency code",
    ] {
        ensure!(v.contains(needle), "the browser's time: {v}");
    }
    ensure!(
        !h.body_text().await?.contains("The code is right"),
        "the browser's time called right"
    );
    h.screenshot("enroll-code-ssh-refuses").await?;

    // The code of the cluster's time, as SSH will check it: accepted (at the cluster's own step,
    // so no drift is noted either), and the set-up completes.
    // Not near a step's end: the page checks a moment later, at its own reading of the
    // cluster's time (from a Date with whole seconds), which must fall in the same step for
    // "no drift" to hold.
    mid_step(AHEAD).await;
    let code = otp::code_at(&secret, unix_now() + AHEAD as u64);
    let v = code_is_right(&h, &code).await?;
    ensure!(
        v.contains("The code is right") && !v.contains("clock is about"),
        "the cluster's time: {v}"
    );
    h.set_checkbox("I have saved my emergency codes", true)
        .await?;
    h.click_button("Finish").await?;
    h.wait_text(".enroll-done", "Your authenticator is set up")
        .await?;
    let t = h
        .sim()
        .totp(VS_ENG_UUID, "alice")
        .context("alice's profile")?;
    ensure!(t.enabled == Some(true), "{t:?}");
    ensure!(
        h.none_match(Locator::Css("#clock-warning")).await?,
        "the warning outlived the set-up"
    );
    h.close().await
}

/// A cluster clock within one step (25 s behind, under `otp::MAX_SKEW_SECONDS`) is no reason to
/// worry anyone: no warning, and the code of the browser's time is right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_clock_within_a_step_gets_no_warning() -> Result<()> {
    const BEHIND: i64 = -25;
    ensure!(BEHIND.abs() < otp::MAX_SKEW_SECONDS);
    let h = start_alice_with(|c| c.clock_offset_secs = BEHIND).await?;
    // The intro is on screen (start_alice_with waited for it), with its warning if any.
    ensure!(
        h.none_match(Locator::Css("#clock-warning-before")).await?,
        "a warning before creating, for a clock {} s off",
        BEHIND.abs()
    );
    let secret = create_and_read_secret(&h).await?;
    // The warning would be drawn with the QR code (one view): none now.
    h.wait_css(".emergency-code").await?;
    ensure!(
        h.none_match(Locator::Css("#clock-warning")).await?,
        "a warning for a clock {} s off: {}",
        BEHIND.abs(),
        h.body_text().await?
    );
    let v = code_is_right(&h, &otp::code_at(&secret, unix_now())).await?;
    ensure!(v.contains("The code is right"), "{v}");
    h.close().await
}

/// Removes alice's profile on the cluster (an administrator reset it), so she can enroll again.
fn reset_alice(h: &Harness) {
    h.sim().with_state(|s| {
        s.totps.retain(|_, t| t.account_name() != Some("alice"));
        s.secrets.retain(|k, _| k.account.as_str() != "alice");
    });
}

/// The enrollment POST whose answer is lost is settled by reading alice's account, never by
/// posting again: not created (nginx's 502 for a connection dropped first) is said only after the
/// late window, with "Start over" as a new, deliberate set-up; carried out late, dropped after or
/// cut short, the profile exists and the page says its secret did not arrive. Each POST is one
/// click, and each is in the change log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_enrollment_answer_is_settled_by_reading_never_by_posting_again() -> Result<()> {
    use ontap_sim::{FaultMode, Scripted, ScriptedFault};
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.set_timing(
        r#"{"read_ms":1500,"write_ms":2000,"retry_base_ms":100,"proxy_read_ms":0,"late_margin_ms":2000}"#,
    )
    .await?;
    h.sign_in("alice").await?;
    let posts = |h: &Harness| h.requests().iter().filter(|r| r.method == "POST").count();
    // Through another screen: the set-up starts afresh when its page is opened again.
    let open = || async {
        h.navigate_in_app("/changes").await?;
        h.navigate_in_app("/enroll").await?;
        h.wait_text("#intro-title", "alice@vs_eng").await?;
        anyhow::Ok(())
    };
    let script = |what: Scripted| {
        h.sim()
            .script_fault(ScriptedFault::new("POST", TOTPS, what, 1));
    };
    let has_profile = |h: &Harness| h.sim().totp(VS_ENG_UUID, "alice").is_some();

    // Dropped before it was carried out: "not created yet" until the window has passed.
    open().await?;
    script(Scripted::Mode(FaultMode::DropBefore));
    let sent = std::time::Instant::now();
    h.click_button("Create my profile").await?;
    h.wait_text("[role=status]", "may still create it until")
        .await?;
    h.screenshot("enroll-lost-answer-not-yet").await?;
    let said = h
        .wait_text("[role=alert]", "Your profile was not created")
        .await?;
    ensure!(
        sent.elapsed() >= Duration::from_millis(2_000),
        "\"not created\" only after the late window: {:?}",
        sent.elapsed()
    );
    ensure!(said.contains("nothing was sent again"), "{said}");
    ensure!(!has_profile(&h), "nothing created");
    assert_eq!(posts(&h), 1);
    h.screenshot("enroll-lost-answer-not-created").await?;

    // Start over: a new set-up; its POST is carried out 1 s late, after a first read.
    h.click_button("Start over").await?;
    h.wait_text("#intro-title", "alice@vs_eng").await?;
    script(Scripted::LateApply(Duration::from_millis(1_000)));
    h.click_button("Create my profile").await?;
    h.wait_text("[role=status]", "may still create it until")
        .await?;
    h.wait_text("[role=alert]", "did not arrive").await?;
    ensure!(has_profile(&h), "created late");
    assert_eq!(posts(&h), 2, "one POST per click");

    // Applied, the answer lost or cut short: the profile exists, its secret never arrived.
    for mode in [FaultMode::DropAfter, FaultMode::Truncate] {
        reset_alice(&h);
        open().await?;
        script(Scripted::Mode(mode));
        h.click_button("Create my profile").await?;
        h.wait_text("[role=alert]", "did not arrive")
            .await
            .with_context(|| mode.to_string())?;
        ensure!(has_profile(&h), "{mode}: created");
    }
    assert_eq!(posts(&h), 4, "never posted again by the page");

    h.navigate_in_app("/changes").await?;
    h.wait_page_text("create the TOTP profile").await?;
    let log = h.body_text().await?;
    ensure!(
        log.matches("create the TOTP profile (self-enrollment)")
            .count()
            == 4
            && log.matches("Unknown → confirmed not applied").count() == 1
            && log.matches("Unknown → confirmed saved").count() == 3,
        "{log}"
    );
    h.close().await
}
