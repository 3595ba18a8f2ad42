//! Reliability end to end: the page in Chromium, through nginx, against ontap-sim with
//! deterministic scripted faults (Sim::script_fault: the next N matching requests), each test
//! checking what the user sees and what the emulator holds. Timeouts and retry waits are
//! shortened through the page's timing setting (localStorage `totp-admin.timing`) instead of
//! sleeping through the defaults. Needs the built page (`make dist`).
//!
//! - reads retry by themselves with backoff, saying so, through every transient fault mode;
//! - a read that keeps failing ends with a clear message and "Try again";
//! - a slow read shows a busy state, then times out with a clear message; nothing is stuck;
//! - a write refused (500/503/429) keeps the edits and is never resent by itself;
//! - a write whose answer is lost (dropped, cut short, timed out, 502) is re-read and the page
//!   says whether it landed; never resent by itself;
//! - a write carried out late (after its answer was lost and a first re-read) is "not
//!   confirmed yet" until the late window passes, then confirmed; never called "not applied"
//!   early, and Save stays off meanwhile;
//! - a DELETE whose answer is lost is settled the same way: by reading, never by deleting again;
//! - a double click and Enter pressed twice send one PATCH;
//! - credentials expiring mid-session: sign in again over the editor, edits kept, retry.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use e2e::demo::ADMIN_SVM_UUID;
use e2e::{Harness, Locator, LoggedRequest, TOTPS};
use ontap_sim::{FaultMode, Scripted, ScriptedFault};
use serde_json::json;

/// Reads give up after 1.5 s, writes after 2 s; retries wait about 0.3 s, 0.6 s, 1.2 s; a
/// write whose answer was lost may land until 1.5 s after it was sent (the page's late window:
/// the proxy's read timeout plus 10 s by default).
const TIMING: &str = r#"{"read_ms":1500,"write_ms":2000,"retry_base_ms":300,"proxy_read_ms":0,"late_margin_ms":1500}"#;

/// As the page sends it: a `+` in a name is percent-encoded in the path.
fn profile_path(account: &str) -> String {
    format!("{TOTPS}/{ADMIN_SVM_UUID}/{}", account.replace('+', "%2B"))
}

/// Signs in as admin with the short timings, and waits for the table.
async fn start() -> Result<Harness> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.set_timing(TIMING).await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    Ok(h)
}

fn script(h: &Harness, method: &str, path: &str, what: Scripted, times: u32) {
    h.sim()
        .script_fault(ScriptedFault::new(method, path, what, times));
}

fn mode(m: FaultMode) -> Scripted {
    Scripted::Mode(m)
}

/// One of nginx's own answers on /api (deploy/nginx.conf `error_page`): the status, an
/// ONTAP-shaped JSON error with code `nginx-<status>` and a message, a JSON Content-Type, and
/// the security headers.
fn assert_nginx_json(r: &e2e::http::Response, status: u16) -> Result<()> {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&r.body)
        .with_context(|| format!("{status}: not JSON: {}", r.text()))?;
    assert_eq!(body["error"]["code"], json!(format!("nginx-{status}")));
    ensure!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    ensure!(
        r.header("content-security-policy").is_some(),
        "{status}: the security headers come with nginx's own answers too"
    );
    Ok(())
}

/// The requests of `method` to exactly `path` (query ignored), in order.
fn calls(h: &Harness, method: &str, path: &str) -> Vec<LoggedRequest> {
    h.requests()
        .into_iter()
        .filter(|r| r.method == method && e2e::path_only(&r.path) == path)
        .collect()
}

fn statuses(rs: &[LoggedRequest]) -> Vec<u16> {
    rs.iter().map(|r| r.status).collect()
}

async fn comment_value(h: &Harness) -> Result<String> {
    let input = h.client().find(Locator::Id("comment")).await?;
    Ok(input.prop("value").await?.unwrap_or_default())
}

fn stored_comment(h: &Harness, account: &str) -> Result<String> {
    Ok(h.sim()
        .totp(ADMIN_SVM_UUID, account)
        .context("the profile is gone")?
        .comment
        .unwrap_or_default())
}

/// No panic message, and the page still answers (the banner's Sign out is there).
async fn page_alive(h: &Harness) -> Result<()> {
    let fatal = h
        .eval_string("return document.documentElement.dataset.fatal || '';")
        .await?;
    ensure!(fatal.is_empty(), "the page stopped (panic message shown)");
    ensure!(
        h.client().find(Locator::Id("fatal-error")).await.is_err(),
        "the panic message is shown"
    );
    h.button("Sign out").await?;
    Ok(())
}

/// The text of the retry note (empty when none is shown).
async fn retry_note(h: &Harness) -> Result<String> {
    h.eval_string("const n = document.querySelector('.retry-note'); return n ? n.innerText : '';")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_retry_by_themselves_through_every_transient_fault() -> Result<()> {
    let h = start().await?;
    let p = profile_path("mchen");

    // Round 1: the cluster is busy or failing: 503, 429, 500, then it answers.
    for m in [
        FaultMode::Unavailable,
        FaultMode::TooMany,
        FaultMode::Internal,
    ] {
        script(&h, "GET", &p, mode(m), 1);
    }
    h.click_profile_link("mchen").await?;
    let note = h.wait_text(".retry-note", "Retrying").await?;
    ensure!(
        note.contains("HTTP 503"),
        "the note names the failure: {note:?}"
    );
    ensure!(note.contains("attempt 2 of 4"), "{note:?}");
    h.screenshot("faults-retrying").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    h.wait_until("the retry note gone", || async {
        Ok(retry_note(&h).await?.trim().is_empty().then_some(()))
    })
    .await?;
    assert_eq!(statuses(&calls(&h, "GET", &p)), [503, 429, 500, 200]);
    ensure!(
        h.none_match(Locator::Css("[role=alert]")).await?,
        "no error once a retry succeeded"
    );

    // Round 2: the connection drops, the body is cut short, the body is an HTML page.
    for m in [
        FaultMode::DropBefore,
        FaultMode::Truncate,
        FaultMode::NotJson,
    ] {
        script(&h, "GET", &p, mode(m), 1);
    }
    h.navigate_in_app("/profiles").await?;
    h.click_profile_link("mchen").await?;
    h.wait_text(".retry-note", "Retrying").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    let gets = calls(&h, "GET", &p);
    ensure!(gets.len() == 8, "3 failed + 1 good attempts: {gets:#?}");
    // A dropped connection is logged with status 0; the other two were answered (broken).
    assert_eq!(statuses(&gets[4..]), [0, 200, 200, 200]);
    let faults = h.sim().faults();
    let modes: Vec<FaultMode> = faults.iter().map(|f| f.mode).collect();
    assert_eq!(
        modes,
        [
            FaultMode::Unavailable,
            FaultMode::TooMany,
            FaultMode::Internal,
            FaultMode::DropBefore,
            FaultMode::Truncate,
            FaultMode::NotJson
        ]
    );
    ensure!(h.patches().is_empty(), "reading sent no write");
    page_alive(&h).await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_that_keeps_failing_ends_with_a_clear_message_and_try_again() -> Result<()> {
    let h = start().await?;
    let p = profile_path("mchen");
    script(&h, "GET", &p, mode(FaultMode::Unavailable), 4);
    h.click_profile_link("mchen").await?;
    let alert = h.wait_text("[role=alert]", "busy").await?;
    h.screenshot("faults-read-gave-up").await?;
    assert_eq!(
        statuses(&calls(&h, "GET", &p)),
        [503, 503, 503, 503],
        "four attempts, then the page stops and says so ({alert:?})"
    );
    ensure!(
        retry_note(&h).await?.trim().is_empty(),
        "no retry note left"
    );
    h.click_button("Try again").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    assert_eq!(statuses(&calls(&h, "GET", &p)), [503, 503, 503, 503, 200]);
    page_alive(&h).await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_read_shows_busy_then_times_out_clearly() -> Result<()> {
    let h = start().await?;
    let p = profile_path("mchen");
    script(&h, "GET", &p, Scripted::Delay(Duration::from_secs(4)), 1);
    let started = Instant::now();
    h.click_profile_link("mchen").await?;
    h.wait_text("[role=status]", "Loading the profile").await?;
    h.screenshot("faults-slow-read-busy").await?;
    let alert = h
        .wait_text("[role=alert]", "did not answer in time")
        .await?;
    let waited = started.elapsed();
    ensure!(
        waited < Duration::from_millis(3_500),
        "gave up after the 1.5 s timeout, not the 4 s answer: {waited:?}"
    );
    ensure!(alert.contains("Try again"), "{alert:?}");
    assert_eq!(
        calls(&h, "GET", &p).len(),
        1,
        "a timed-out read is not retried by itself (the user decides)"
    );
    h.click_button("Try again").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    // The slow answer may still be logged: two GETs in all.
    assert_eq!(calls(&h, "GET", &p).len(), 2);
    page_alive(&h).await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_write_keeps_the_edits_and_is_never_resent() -> Result<()> {
    let h = start().await?;
    let p = profile_path("mchen");
    let original = stored_comment(&h, "mchen")?;
    h.click_profile_link("mchen").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;

    let cases = [
        (FaultMode::Internal, "HTTP 500, code 999999"),
        (
            FaultMode::Unavailable,
            "The cluster is busy and did not apply this change",
        ),
        (
            FaultMode::TooMany,
            "The cluster is busy and did not apply this change",
        ),
    ];
    for (i, (m, says)) in cases.into_iter().enumerate() {
        let edit = format!("try {}", m.name());
        h.fill("Comment", &edit).await?;
        script(&h, "PATCH", &p, mode(m), 1);
        h.click_button("Save").await?;
        let alert = h.wait_text("[role=alert]", says).await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            calls(&h, "PATCH", &p).len(),
            i + 1,
            "one PATCH per click ({m})"
        );
        assert_eq!(
            comment_value(&h).await?,
            edit,
            "the edit is kept ({alert:?})"
        );
        assert_eq!(
            stored_comment(&h, "mchen")?,
            original,
            "nothing applied ({m})"
        );
        ensure!(
            h.button("Save").await?.is_enabled().await?,
            "Save again is possible"
        );
    }
    h.screenshot("faults-write-refused").await?;
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(stored_comment(&h, "mchen")?, "try 429");
    assert_eq!(
        statuses(&calls(&h, "PATCH", &p)),
        [500, 503, 429, 200],
        "each PATCH came from a click"
    );
    page_alive(&h).await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_write_answer_is_re_read_and_never_resent() -> Result<()> {
    let h = start().await?;
    let p = profile_path("mchen");
    h.click_profile_link("mchen").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;

    // Applied, but the answer never arrives whole: the re-read finds the change.
    let landed = [
        ("drop-after", mode(FaultMode::DropAfter)),
        ("truncate", mode(FaultMode::Truncate)),
        ("slow", Scripted::Delay(Duration::from_secs(4))),
    ];
    for (name, what) in landed {
        let before = calls(&h, "PATCH", &p).len();
        let edit = format!("lost answer {name}");
        h.fill("Comment", &edit).await?;
        script(&h, "PATCH", &p, what, 1);
        h.click_button("Save").await?;
        let said = h
            .wait_text(
                "[role=status]",
                "re-reading the profile shows the change is on the cluster",
            )
            .await
            .with_context(|| format!("the confirmation after {name}"))?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            calls(&h, "PATCH", &p).len(),
            before + 1,
            "{name}: sent once, never again ({said:?})"
        );
        assert_eq!(stored_comment(&h, "mchen")?, edit, "{name}: applied");
        assert_eq!(comment_value(&h).await?, edit);
    }
    h.screenshot("faults-lost-answer-landed").await?;

    // Dropped before it was carried out (nginx answers 502): the re-read shows it is not
    // there; the page says so, keeps the edit, and only a click sends it again.
    let before = calls(&h, "PATCH", &p).len();
    let applied = stored_comment(&h, "mchen")?;
    h.fill("Comment", "lost before applying").await?;
    script(&h, "PATCH", &p, mode(FaultMode::DropBefore), 1);
    h.click_button("Save").await?;
    let alert = h
        .wait_text("[role=alert]", "the change was not applied")
        .await?;
    ensure!(
        alert.contains("HTTP 502"),
        "nginx's 502 is explained: {alert:?}"
    );
    h.screenshot("faults-lost-answer-not-applied").await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(calls(&h, "PATCH", &p).len(), before + 1, "not resent");
    assert_eq!(stored_comment(&h, "mchen")?, applied);
    assert_eq!(comment_value(&h).await?, "lost before applying");
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(stored_comment(&h, "mchen")?, "lost before applying");
    assert_eq!(calls(&h, "PATCH", &p).len(), before + 2);

    // An HTML page with a 200: the write succeeded; its body is not needed.
    h.fill("Comment", "html answer").await?;
    script(&h, "PATCH", &p, mode(FaultMode::NotJson), 1);
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(stored_comment(&h, "mchen")?, "html answer");

    let records: Vec<(FaultMode, bool)> = h
        .sim()
        .faults()
        .iter()
        .map(|f| (f.mode, f.applied))
        .collect();
    assert_eq!(
        records,
        [
            (FaultMode::DropAfter, true),
            (FaultMode::Truncate, true),
            (FaultMode::Slow, true),
            (FaultMode::DropBefore, false),
            (FaultMode::NotJson, true),
        ]
    );
    // The change log tells the same story.
    h.navigate_in_app("/changes").await?;
    h.wait_page_text("lost before applying").await?;
    page_alive(&h).await?;
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_click_or_enter_twice_sends_one_patch() -> Result<()> {
    let h = start().await?;
    let p = profile_path("mchen");
    h.click_profile_link("mchen").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    // Slow answers keep the window for a second submission wide open.
    script(
        &h,
        "PATCH",
        &p,
        Scripted::Delay(Duration::from_millis(800)),
        3,
    );

    h.fill("Comment", "double click").await?;
    h.client()
        .execute(
            "const b = [...document.querySelectorAll('button')]
                 .find(b => b.textContent.trim() === 'Save');
             b.click(); b.click();
             b.dispatchEvent(new MouseEvent('dblclick', {bubbles: true}));
             setTimeout(() => b.click(), 50);
             return null;",
            vec![],
        )
        .await?;
    h.wait_text("[role=status]", "Saved").await?;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(
        calls(&h, "PATCH", &p).len(),
        1,
        "a double click sends one PATCH"
    );
    assert_eq!(stored_comment(&h, "mchen")?, "double click");

    // Both key presses in one go, as fast as a keyboard sends them (the field is locked as soon
    // as the first one submits, so a second, later press has nowhere to go).
    let input = h.fill("Comment", "enter twice").await?;
    input.send_keys("\u{E007}\u{E007}").await?;
    h.wait_text("[role=status]", "Saved").await?;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let patches = calls(&h, "PATCH", &p);
    assert_eq!(
        patches.len(),
        2,
        "Enter twice sends one PATCH: {patches:#?}"
    );
    assert_eq!(
        e2e::body_json(&patches[1]),
        json!({ "comment": "enter twice" })
    );
    assert_eq!(stored_comment(&h, "mchen")?, "enter twice");

    // The form submitted twice in the same moment (what a second Enter does, before the page
    // could react): still one PATCH.
    h.fill("Comment", "submitted twice").await?;
    h.client()
        .execute(
            "const f = document.querySelector('form.editor'); f.requestSubmit(); f.requestSubmit();
             return null;",
            vec![],
        )
        .await?;
    h.wait_text("[role=status]", "Saved").await?;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(
        calls(&h, "PATCH", &p).len(),
        3,
        "a double submit sends one PATCH"
    );
    assert_eq!(stored_comment(&h, "mchen")?, "submitted twice");
    h.close().await
}

/// Waits for the sign-in-again dialog, and checks that it holds the focus.
async fn wait_reauth(h: &Harness) -> Result<()> {
    h.wait_text("dialog.reauth", "Sign in again").await?;
    h.wait_until("the focus inside the dialog", || async {
        let inside = h
            .eval_string(
                "const a = document.activeElement; return a && a.closest('dialog.reauth[open]') ? 'yes' : '';",
            )
            .await?;
        Ok((inside == "yes").then_some(()))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_credentials_are_renewed_in_place_with_the_edits_kept() -> Result<()> {
    let h = start().await?;
    let p = profile_path("mchen");
    h.click_profile_link("mchen").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    let here = h.path().await?;
    let original = stored_comment(&h, "mchen")?;

    // The session expires while the user edits; Save's re-read is refused.
    h.fill("Comment", "typed before the session expired")
        .await?;
    h.sim().expire_credentials("admin");
    h.click_button("Save").await?;
    wait_reauth(&h).await?;
    h.screenshot("faults-reauth-dialog").await?;
    h.wait_text("[role=alert]", "Nothing was sent").await?;
    assert_eq!(h.path().await?, here, "still on the editor");
    assert_eq!(comment_value(&h).await?, "typed before the session expired");
    ensure!(calls(&h, "PATCH", &p).is_empty(), "nothing was sent");

    // A password the cluster refuses (still expired) keeps the dialog open, and says so.
    h.fill("Password", "Netapp1!").await?;
    h.click_button("Sign in").await?;
    h.wait_text("dialog.reauth [role=alert]", "did not accept this password")
        .await?;
    // The administrator renews the account; signing in again works.
    h.sim().renew_credentials("admin");
    h.fill("Password", e2e::PASSWORD).await?;
    h.click_button("Sign in").await?;
    h.reauth_closed().await?;
    h.wait_text("[role=status]", "Signed in again").await?;
    assert_eq!(h.path().await?, here);
    assert_eq!(comment_value(&h).await?, "typed before the session expired");
    assert_eq!(stored_comment(&h, "mchen")?, original);
    ensure!(calls(&h, "PATCH", &p).is_empty(), "not sent by itself");

    // The user retries.
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(
        stored_comment(&h, "mchen")?,
        "typed before the session expired"
    );
    assert_eq!(calls(&h, "PATCH", &p).len(), 1);

    // A PATCH itself refused with 401: not applied, the dialog again, the edit kept.
    h.fill("Comment", "refused with 401").await?;
    script(
        &h,
        "PATCH",
        &p,
        Scripted::Raw {
            status: 401,
            content_type: "application/json".into(),
            body: br#"{"error":{"message":"not authorized for that command","code":"6"}}"#.to_vec(),
        },
        1,
    );
    h.click_button("Save").await?;
    wait_reauth(&h).await?;
    assert_eq!(comment_value(&h).await?, "refused with 401");
    h.fill("Password", e2e::PASSWORD).await?;
    h.click_button("Sign in").await?;
    h.reauth_closed().await?;
    assert_eq!(
        calls(&h, "PATCH", &p).len(),
        2,
        "the refused PATCH was not resent"
    );
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(stored_comment(&h, "mchen")?, "refused with 401");
    assert_eq!(statuses(&calls(&h, "PATCH", &p)), [200, 401, 200]);
    page_alive(&h).await?;
    h.close().await
}

/// nginx's own errors on /api (deploy/nginx.conf `error_page`) are ONTAP-shaped JSON with a
/// JSON Content-Type and the security headers, so the page explains them instead of failing to
/// read an HTML page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_answers_its_own_api_errors_as_ontap_json() -> Result<()> {
    let h = Harness::start().await?;
    let addr = h.nginx().addr();
    let auth = e2e::http::basic_auth("admin", e2e::PASSWORD);
    let p = profile_path("mchen");

    // The cluster drops the connection: 502 from nginx.
    script(&h, "GET", &p, mode(FaultMode::DropBefore), 1);
    let r = tokio::task::spawn_blocking({
        let (p, auth) = (p.clone(), auth.clone());
        move || e2e::http::request(addr, "GET", &p, &[("Authorization", &auth)], None)
    })
    .await??;
    // A body over client_max_body_size (16k): 413 from nginx, the cluster never sees it.
    let big = vec![b'x'; 64 * 1024];
    let r413 = tokio::task::spawn_blocking({
        let (p, auth) = (p.clone(), auth.clone());
        move || {
            e2e::http::request(
                addr,
                "PATCH",
                &p,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                Some(&big),
            )
        }
    })
    .await??;
    assert_nginx_json(&r, 502)?;
    assert_nginx_json(&r413, 413)?;
    ensure!(
        calls(&h, "PATCH", &p).is_empty(),
        "the oversized PATCH never reached the cluster"
    );
    h.close().await
}

/// A cluster that answers later than nginx's `proxy_read_timeout`: nginx's own 504, as
/// ONTAP-shaped JSON. The test configuration's 30 s is cut to 1 s in a second nginx of this
/// test's own (same template, same emulator), so the gateway timeout is real, not simulated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_gateway_timeout_is_ontap_json_too() -> Result<()> {
    let h = Harness::start().await?;
    let template = std::fs::read_to_string(e2e::nginx::template_path())?;
    ensure!(
        template.contains("proxy_read_timeout 30s;"),
        "deploy/nginx-test.conf.in no longer sets proxy_read_timeout 30s: update this test"
    );
    let short = template.replace("proxy_read_timeout 30s;", "proxy_read_timeout 1s;");
    let nginx = e2e::Nginx::start_from_template(&short, &e2e::dist_dir(), h.sim_addr())?;
    let addr = nginx.addr();
    let auth = e2e::http::basic_auth("admin", e2e::PASSWORD);
    let p = profile_path("mchen");
    script(&h, "GET", &p, Scripted::Delay(Duration::from_secs(3)), 1);
    let started = Instant::now();
    let r = tokio::task::spawn_blocking(move || {
        e2e::http::request(addr, "GET", &p, &[("Authorization", &auth)], None)
    })
    .await??;
    let waited = started.elapsed();
    ensure!(
        waited < Duration::from_millis(2900),
        "nginx answered after {waited:?}, not at its 1 s read timeout"
    );
    assert_nginx_json(&r, 504)?;
    drop(nginx);
    h.close().await
}

/// A PATCH carried out 2 s after its answer was lost: the first re-read finds nothing, and the
/// page says "not confirmed yet" (Save off, whatever the edits) until the late window has
/// passed, then reads again and finds it. A PATCH that never lands is called "not applied" only
/// after the window, and only then may Save send it again. The change log tells the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_lands_late_is_never_called_not_applied() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.set_timing(
        r#"{"read_ms":1500,"write_ms":2000,"retry_base_ms":300,"proxy_read_ms":0,"late_margin_ms":4000}"#,
    )
    .await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    let p = profile_path("mchen");
    h.click_profile_link("mchen").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;

    script(
        &h,
        "PATCH",
        &p,
        Scripted::LateApply(Duration::from_millis(2_000)),
        1,
    );
    h.fill("Comment", "lands late").await?;
    let sent = Instant::now();
    h.click_button("Save").await?;
    let alert = h
        .wait_text("[role=alert]", "may still carry it out until")
        .await?;
    h.screenshot("faults-late-write-not-yet").await?;
    ensure!(
        !h.button("Save").await?.is_enabled().await?,
        "Save is off while the write may land: {alert:?}"
    );
    h.fill("Comment", "lands late, edited meanwhile").await?;
    ensure!(
        !h.button("Save").await?.is_enabled().await?,
        "an edit does not turn Save back on while the write may land"
    );
    h.fill("Comment", "lands late").await?;
    h.wait_text(
        "[role=status]",
        "re-reading the profile shows the change is on the cluster",
    )
    .await?;
    ensure!(
        sent.elapsed() >= Duration::from_millis(3_500),
        "settled only after the late window: {:?}",
        sent.elapsed()
    );
    assert_eq!(calls(&h, "PATCH", &p).len(), 1, "sent once");
    assert_eq!(stored_comment(&h, "mchen")?, "lands late");

    // Never carried out (the connection dropped first; nginx answers 502).
    h.fill("Comment", "never lands").await?;
    script(&h, "PATCH", &p, mode(FaultMode::DropBefore), 1);
    let sent = Instant::now();
    h.click_button("Save").await?;
    h.wait_text("[role=alert]", "may still carry it out until")
        .await?;
    h.wait_text("[role=alert]", "the change was not applied")
        .await?;
    ensure!(
        sent.elapsed() >= Duration::from_millis(3_500),
        "\"not applied\" only after the late window: {:?}",
        sent.elapsed()
    );
    ensure!(
        h.button("Save").await?.is_enabled().await?,
        "now Save may send it again"
    );
    assert_eq!(calls(&h, "PATCH", &p).len(), 2, "not resent by itself");

    h.navigate_in_app("/changes").await?;
    h.wait_page_text("Unknown → confirmed not applied").await?;
    let log = h.body_text().await?;
    ensure!(log.contains("Unknown → confirmed saved"), "{log}");
    h.close().await
}

/// A DELETE whose answer is lost is settled by reading the profile, never by deleting again:
/// gone means deleted (dropped after, cut short, carried out late); still there after the late
/// window means not deleted (dropped before: nginx's 502; a 504), and Delete may be asked again.
/// Each one is in the change log. Each owner deletes their own key (only the owner may).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_delete_answer_is_settled_by_reading() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    h.set_timing(TIMING).await?;
    let nginx_504 = e2e::nginx_gateway_timeout();
    let cases = [
        ("jdoe", mode(FaultMode::DropAfter), true),
        ("priya.raman", mode(FaultMode::Truncate), true),
        (
            "bwilliams",
            Scripted::LateApply(Duration::from_millis(800)),
            true,
        ),
        ("mchen", mode(FaultMode::DropBefore), false),
        ("ops+oncall", nginx_504, false),
    ];
    let mut log = String::new();
    for (account, what, deleted) in cases {
        let p = profile_path(account);
        if h.path().await? != "/" {
            h.click_button("Sign out").await?;
        }
        h.sign_in(account).await?;
        h.wait_css("table a").await?;
        h.click_profile_link(account).await?;
        h.wait_editor_loaded(ADMIN_SVM_UUID, account).await?;
        script(&h, "DELETE", &p, what, 1);
        h.click_button("Delete profile…").await?;
        h.click_button(&format!("Delete the profile of {account}"))
            .await?;
        if deleted {
            h.wait_until("back at the table", || async {
                Ok((h.path().await? == "/profiles").then_some(()))
            })
            .await
            .with_context(|| format!("{account}: deleted, back at the table"))?;
        } else {
            let alert = h
                .wait_text("[role=alert]", "The profile was not deleted")
                .await
                .with_context(|| account.to_owned())?;
            ensure!(alert.contains("still there"), "{account}: {alert}");
            h.button("Delete profile…").await?;
        }
        let present = h
            .sim()
            .totps()
            .iter()
            .any(|t| t.account_name() == Some(account));
        ensure!(
            present != deleted,
            "{account}: deleted {deleted}, present {present}"
        );
        assert_eq!(calls(&h, "DELETE", &p).len(), 1, "{account}: one DELETE");
        // The change log is the session's: read before signing out.
        h.navigate_in_app("/changes").await?;
        h.wait_page_text("delete the TOTP profile").await?;
        let here = h.body_text().await?;
        ensure!(
            here.contains(account),
            "{account} in the change log: {here}"
        );
        log.push_str(&here);
    }
    ensure!(
        log.matches("Unknown → confirmed saved").count() >= 3
            && log.matches("Unknown → confirmed not applied").count() >= 2,
        "{log}"
    );
    h.close().await
}
