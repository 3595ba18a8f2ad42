//! Self-tests of the harness itself: chromedriver starts, a session opens, the helpers find
//! labelled inputs and named buttons, waits time out, screenshots are written.

use anyhow::Result;
use e2e::{serial, Browser, Locator};

/// A page of our own, as a data: URL, with the shapes the real page uses.
fn form_page() -> String {
    let html = r#"<!doctype html><html><body>
<form onsubmit="event.preventDefault(); document.getElementById('out').textContent =
  'Hello ' + document.getElementById('u').value + (document.getElementById('en').checked ? ' on' : ' off');">
<label for="u">User name</label><input id="u" value="old">
<label>Enabled <input type="checkbox" id="en"></label>
<button type="submit">Sign in</button>
<button type="button" disabled>Save</button>
</form><p role="status" id="out"></p></body></html>"#;
    format!("data:text/html,{}", urlencode(html))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helpers_drive_a_form() -> Result<()> {
    let _serial = serial();
    let browser = Browser::start("http://127.0.0.1:9").await?;
    browser.client().goto(&form_page()).await?;
    browser.fill("User name", "admin").await?;
    browser.set_checkbox("Enabled", true).await?;
    let save = browser.button("Save").await?;
    assert!(!save.is_enabled().await?, "Save is disabled in the page");
    browser.click_button("Sign in").await?;
    let text = browser.wait_text("[role=status]", "Hello").await?;
    assert_eq!(text, "Hello admin on");
    let shot = browser.screenshot("harness-self-test").await?;
    assert!(std::fs::metadata(&shot)?.len() > 1000);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waits_fail_with_a_useful_message() -> Result<()> {
    let _serial = serial();
    let mut browser = Browser::start("http://127.0.0.1:9").await?;
    let timeout = std::time::Duration::from_secs(2);
    browser.set_timeout(timeout);
    browser.client().goto(&form_page()).await?;
    let started = std::time::Instant::now();
    let err = browser
        .wait_for("a missing thing", Locator::Css("#nowhere"))
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(err.contains("timed out"), "{err}");
    assert!(
        err.contains("Sign in"),
        "the page text is in the message: {err}"
    );
    assert!(started.elapsed() >= timeout);
    assert!(err.contains("timed out after 2s"), "{err}");
    // Drop without close: the session is ended by hand and the driver killed.
    Ok(())
}

/// The emulator in-process serves a dist folder (index.html for deep links) and /api on one
/// origin, and logs what the browser asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_serves_a_dist_folder_and_logs_api_calls() -> Result<()> {
    let dist = tempfile::tempdir()?;
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>t</title><h1>hello from dist</h1>",
    )?;
    let h = e2e::Harness::with_dist(dist.path().to_path_buf()).await?;
    h.goto("/profiles/not-a-uuid/alice").await?;
    h.wait_text("h1", "hello from dist").await?;
    let answer = h
        .client()
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/cluster', {headers: {Authorization: 'Basic ' + btoa('admin:Netapp1!')}})
               .then(r => r.json().then(j => done({status: r.status, name: j.name})))
               .catch(e => done({error: String(e)}));",
            vec![],
        )
        .await?;
    assert_eq!(answer["status"], 200, "{answer}");
    assert_eq!(answer["name"], e2e::demo::CLUSTER_NAME, "{answer}");
    let log = h.requests();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/api/cluster");
    assert_eq!(log[0].user.as_deref(), Some("admin"));
    assert_eq!(log[0].status, 200);
    h.close().await
}
