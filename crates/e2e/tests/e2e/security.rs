//! Security end to end: the page in Chromium, through nginx, against ontap-sim.
//!
//! - credentials never in localStorage, a URL (every address the tab showed), the browser's
//!   console (a hook installed before sign-in, and Chromium's own log), nginx's access log or
//!   the request lines the cluster received; sessionStorage only after the opt-in; nothing
//!   left after sign-out; the same after signing in again over an expired session;
//! - a hostile or broken server (oversized bodies, deep nesting, wrong types in every field,
//!   huge strings, invalid UTF-8, records missing keys, empty and non-object bodies) never
//!   crashes the page: each answer ends in a clear message or in the valid rest being shown;
//! - markup and script from the server (comments, error messages) are shown as text in the
//!   editor, its preview, the field errors and the change log; nothing executes (the table
//!   itself is covered by the `table` module).
//!
//! Needs the built page (`make dist`).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::demo::ADMIN_SVM_UUID;
use e2e::{Harness, Locator, PASSWORD, TOTPS};
use ontap_sim::{Scripted, ScriptedFault};
use serde_json::{json, Value};

/// Short reads and retries: the hostile answers below are retried as unreadable bodies.
const TIMING: &str = r#"{"read_ms":3000,"write_ms":3000,"retry_base_ms":60}"#;

/// Records every console call (and uncaught error) of the page from now on, in
/// `window.__console`, and every `alert`/`confirm`/`prompt` in `window.__alerts`.
const HOOKS: &str = r#"
    window.__console = window.__console || [];
    window.__alerts = window.__alerts || [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
        const orig = console[level].bind(console);
        console[level] = (...args) => {
            try { window.__console.push(level + ' ' + args.map(a => {
                try { return typeof a === 'string' ? a : JSON.stringify(a); } catch (e) { return String(a); }
            }).join(' ')); } catch (e) {}
            return orig(...args);
        };
    }
    window.addEventListener('error', e => window.__console.push('uncaught ' + e.message));
    window.addEventListener('unhandledrejection', e => window.__console.push('rejection ' + String(e.reason)));
    for (const f of ['alert', 'confirm', 'prompt']) {
        window[f] = m => { window.__alerts.push(f + ' ' + String(m)); return null; };
    }
    return null;
"#;

async fn js(h: &Harness, script: &str) -> Result<Value> {
    Ok(h.client().execute(script, vec![]).await?)
}

async fn set_timing(h: &Harness) -> Result<()> {
    h.set_timing(TIMING).await
}

/// No panic message, and the page still answers (the banner's Sign out is there).
async fn page_alive(h: &Harness, what: &str) -> Result<()> {
    let fatal = h
        .eval_string("return document.documentElement.dataset.fatal || '';")
        .await?;
    ensure!(
        fatal.is_empty(),
        "{what}: the page stopped (panic message shown)"
    );
    h.button("Sign out")
        .await
        .with_context(|| format!("{what}: the page no longer answers"))?;
    Ok(())
}

/// The forms a secret could take in text: as typed, in a Basic header, percent-encoded.
fn secret_forms(user: &str, password: &str) -> Vec<String> {
    use base64_forms::basic;
    vec![
        password.to_owned(),
        basic(user, password),
        password.replace('!', "%21"),
    ]
}

mod base64_forms {
    /// The base64 of `user:password`, as in `Authorization: Basic`.
    pub fn basic(user: &str, password: &str) -> String {
        e2e::http::basic_auth(user, password)
            .trim_start_matches("Basic ")
            .to_owned()
    }
}

fn assert_clean(place: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "a credential ({}…) is in {place}: {text:.400}",
            &s[..3.min(s.len())]
        );
    }
}

/// Everything in the storages, cookies and the current address, as text.
async fn storages(h: &Harness) -> Result<(String, String, String)> {
    let v = js(
        h,
        "return [JSON.stringify({...localStorage}), JSON.stringify({...sessionStorage}),
                 document.cookie + ' ' + location.href];",
    )
    .await?;
    let s = |i: usize| v[i].as_str().unwrap_or_default().to_owned();
    Ok((s(0), s(1), s(2)))
}

/// Without the opt-in, localStorage, sessionStorage, the cookies and the address hold none of
/// the secrets; sessionStorage's dump, for further checks.
async fn assert_nothing_kept(h: &Harness, secrets: &[String]) -> Result<String> {
    let (local, session, other) = storages(h).await?;
    assert_clean("localStorage", &local, secrets);
    assert_clean("sessionStorage (no opt-in)", &session, secrets);
    assert_clean("cookies and address", &other, secrets);
    Ok(session)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_never_reach_storage_urls_logs_or_the_console() -> Result<()> {
    let h = Harness::start().await?;
    let secrets = secret_forms("admin", PASSWORD);
    let mut addresses: Vec<String> = Vec::new();
    h.goto("/").await?;
    set_timing(&h).await?;
    js(&h, HOOKS).await?;
    addresses.push(h.eval_string("return location.href;").await?);

    // Without the opt-in: nothing kept anywhere.
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    addresses.push(h.eval_string("return location.href;").await?);
    let session = assert_nothing_kept(&h, &secrets).await?;
    ensure!(
        !session.contains("totp-admin.session"),
        "kept without the opt-in: {session}"
    );

    // Browse, edit, save; a retried read; an expired session renewed over the editor.
    h.click_profile_link("mchen").await?;
    h.wait_editor_loaded(ADMIN_SVM_UUID, "mchen").await?;
    addresses.push(h.eval_string("return location.href;").await?);
    h.fill("Comment", "security walk").await?;
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    let p = format!("{TOTPS}/{ADMIN_SVM_UUID}/mchen");
    h.sim().script_fault(ScriptedFault::new(
        "GET",
        &p,
        Scripted::Mode(ontap_sim::FaultMode::Unavailable),
        1,
    ));
    h.sim().expire_credentials("admin");
    h.fill("Comment", "after the renewal").await?;
    h.click_button("Save").await?;
    h.wait_text("dialog.reauth", "Sign in again").await?;
    h.sim().renew_credentials("admin");
    h.fill("Password", PASSWORD).await?;
    h.click_button("Sign in").await?;
    h.wait_text("[role=status]", "Signed in again").await?;
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    h.navigate_in_app("/changes").await?;
    h.wait_page_text("after the renewal").await?;
    addresses.push(h.eval_string("return location.href;").await?);
    assert_nothing_kept(&h, &secrets).await?;

    // Every address the tab showed, and the history's length (entries are not readable, but
    // each was an address checked above).
    for a in &addresses {
        assert_clean("an address", a, &secrets);
    }
    h.click_button("Sign out").await?;
    h.input_by_label("User name").await?;

    // With the opt-in: sessionStorage only, and gone after sign-out.
    h.fill("User name", "admin").await?;
    h.fill("Password", PASSWORD).await?;
    h.set_checkbox("Stay signed in (this tab only)", true)
        .await?;
    h.click_button("Sign in").await?;
    h.wait_css("table a").await?;
    let (local, session, _) = storages(&h).await?;
    assert_clean("localStorage (opt-in)", &local, &secrets);
    ensure!(
        session.contains("totp-admin.session"),
        "the opt-in keeps the session in sessionStorage: {session:.200}"
    );
    h.click_button("Sign out").await?;
    h.input_by_label("User name").await?;
    let (local, session, _) = storages(&h).await?;
    assert_clean("localStorage after sign-out", &local, &secrets);
    assert_eq!(session, "{}", "sign-out leaves nothing in sessionStorage");
    let typed = js(
        &h,
        "return [...document.querySelectorAll('input')].map(i => i.value).join(' ');",
    )
    .await?;
    assert_clean(
        "the sign-in form after sign-out",
        typed.as_str().unwrap_or_default(),
        &secrets,
    );

    // The console: the page's own calls (hooked before sign-in) and Chromium's log.
    let hooked = js(&h, "return JSON.stringify(window.__console);").await?;
    assert_clean(
        "the console (hook)",
        hooked.as_str().unwrap_or_default(),
        &secrets,
    );
    let browser_log = h.console_log().await?;
    let csp: Vec<_> = browser_log
        .iter()
        .filter(|(_, m)| m.contains("Content Security Policy"))
        .collect();
    ensure!(csp.is_empty(), "CSP violations: {csp:#?}");
    let all: String = browser_log
        .iter()
        .map(|(l, m)| format!("{l} {m}\n"))
        .collect();
    assert_clean("Chromium's console log", &all, &secrets);
    let alerts = js(&h, "return window.__alerts;").await?;
    assert_eq!(alerts, json!([]));

    // The server side: request lines the cluster saw, nginx's access log.
    for r in h.requests() {
        assert_clean("a request line", &r.path, &secrets);
    }
    assert_clean("nginx's access log", &h.nginx().access_log(), &secrets);
    h.close().await
}

/// One hostile answer for the editor's read of a profile.
struct Hostile {
    name: &'static str,
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

fn hostile(name: &'static str, status: u16, body: impl Into<Vec<u8>>) -> Hostile {
    Hostile {
        name,
        status,
        content_type: "application/hal+json",
        body: body.into(),
    }
}

/// A valid record of mchen (what the cluster would send), as JSON.
fn mchen_record(h: &Harness) -> Result<Value> {
    let t = h
        .sim()
        .totp(ADMIN_SVM_UUID, "mchen")
        .context("mchen in the demo")?;
    Ok(serde_json::to_value(t)?)
}

fn hostile_answers(h: &Harness) -> Result<Vec<Hostile>> {
    let valid = mchen_record(h)?;
    let with = |field: &str, v: Value| {
        let mut r = valid.clone();
        r[field] = v;
        serde_json::to_vec(&r).unwrap_or_default()
    };
    let deep = format!(
        r#"{{"comment": {}1{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let deep_objects = format!(
        r#"{{"comment": "x", "owner": {}{{}}{}}}"#,
        r#"{"a":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    // mchen's record with bytes that are not UTF-8 in its comment.
    let marked = String::from_utf8(with("comment", json!("bad bytes: @@ end")))?;
    let (head, tail) = marked.split_once("@@").context("the marker")?;
    let mut invalid_utf8 = head.as_bytes().to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
    invalid_utf8.extend_from_slice(tail.as_bytes());
    Ok(vec![
        hostile("deeply nested arrays (100,000 levels)", 200, deep),
        hostile("deeply nested objects (50,000 levels)", 200, deep_objects),
        hostile(
            "deeply nested JSON in an error's arguments (serde_json's recursion limit)",
            500,
            format!(
                r#"{{"error": {{"message": "m", "code": "1", "arguments": {}1{}}}}}"#,
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
        ),
        hostile(
            "wrong types in every field",
            200,
            json!({
                "owner": 5, "account": true, "comment": 7, "enabled": "yes",
                "scope": [], "sha_fingerprint": {}, "_links": "x"
            })
            .to_string(),
        ),
        hostile("comment is a number", 200, with("comment", json!(42))),
        hostile("enabled is a string", 200, with("enabled", json!("true"))),
        hostile("owner is an array", 200, with("owner", json!([1, 2]))),
        hostile("a number out of range", 200, r#"{"comment": "x", "enabled": 1e400}"#),
        hostile("a record missing every key", 200, "{}"),
        hostile(
            "huge string (8 MB comment)",
            200,
            with("comment", json!("A".repeat(8 * 1024 * 1024))),
        ),
        hostile("invalid UTF-8 in a string", 200, invalid_utf8),
        hostile("null", 200, "null"),
        hostile("an array", 200, "[]"),
        hostile("a bare string", 200, r#""hello""#),
        hostile("an empty body", 200, ""),
        hostile("a cut JSON", 200, r#"{"comment": "cut"#),
        Hostile {
            name: "an HTML page with 200",
            status: 200,
            content_type: "text/html",
            body: b"<html><body><script>alert('x')</script>Gateway</body></html>".to_vec(),
        },
        hostile(
            "a 500 whose error body has the wrong types",
            500,
            json!({"error": {"message": ["<img src=x onerror=alert(1)>"], "code": {"x": 1}}}).to_string(),
        ),
        hostile(
            "a 400 with script in the error message",
            400,
            json!({"error": {"message": "<script>alert(2)</script><img src=x onerror=alert(3)>", "code": "987654321"}})
                .to_string(),
        ),
        hostile(
            "oversized error body (4 MB message)",
            503,
            json!({"error": {"message": "B".repeat(4 * 1024 * 1024), "code": "262160"}}).to_string(),
        ),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_server_never_crashes_the_page() -> Result<()> {
    let h = Harness::start().await?;
    h.goto("/").await?;
    set_timing(&h).await?;
    js(&h, HOOKS).await?;
    h.sign_in("admin").await?;
    h.wait_css("table a").await?;
    let editor = format!("/profiles/{ADMIN_SVM_UUID}/mchen");
    let p = format!("{TOTPS}/{ADMIN_SVM_UUID}/mchen");
    let mut report = Vec::new();
    for a in hostile_answers(&h)? {
        h.navigate_in_app("/changes").await?;
        h.wait_css("h1").await?;
        h.sim().clear_scripted_faults();
        // Every attempt (the first and its retries) gets the same answer.
        h.sim().script_fault(ScriptedFault::new(
            "GET",
            &p,
            Scripted::Raw {
                status: a.status,
                content_type: a.content_type.into(),
                body: a.body,
            },
            4,
        ));
        h.navigate_in_app(&editor).await?;
        let outcome = h
            .wait_until(&format!("{}: an error or the editor", a.name), || async {
                if let Ok(e) = h.client().find(Locator::Css("main [role=alert]")).await {
                    let t = e.text().await?;
                    if !t.trim().is_empty() {
                        return Ok(Some(format!("error: {}", t.replace('\n', " / "))));
                    }
                }
                // The value's length and start only: an 8 MB value is not carried over WebDriver.
                let v = js(
                    &h,
                    "const i = document.getElementById('comment');
                     return i ? [i.value.length, i.value.slice(0, 40)] : null;",
                )
                .await?;
                if let (Some(n), Some(shown)) = (v[0].as_u64(), v[1].as_str()) {
                    return Ok(Some(format!(
                        "editor shown, comment {shown:?}{}",
                        if n > 40 {
                            format!(" ({n} characters)")
                        } else {
                            String::new()
                        }
                    )));
                }
                Ok(None)
            })
            .await?;
        page_alive(&h, a.name).await?;
        eprintln!("hostile answer: {} -> {outcome}", a.name);
        report.push((a.name, outcome));
    }
    for (name, outcome) in &report {
        // Unreadable answers end in a message; none is left without one.
        ensure!(
            outcome.starts_with("error: ") || outcome.starts_with("editor shown"),
            "{name}: {outcome}"
        );
    }
    let by_name = |n: &str| {
        report
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, o)| o.clone())
            .unwrap_or_default()
    };
    ensure!(by_name("deeply nested arrays (100,000 levels)").contains("could not be read"));
    ensure!(by_name("wrong types in every field").contains("could not be read"));
    ensure!(by_name("a record missing every key").contains("does not name the profile"));
    ensure!(by_name("an array").contains("does not name the profile"));
    ensure!(by_name("invalid UTF-8 in a string").contains('\u{FFFD}'));
    ensure!(by_name("huge string (8 MB comment)").contains("8388608 characters"));
    ensure!(by_name("a 400 with script in the error message").contains("<script>"));

    // The list itself: valid records with broken ones among them.
    let mut records: Vec<Value> = h
        .sim()
        .totps()
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()?;
    records.push(json!({ "comment": "a record with no key" }));
    records.push(
        json!({ "owner": { "uuid": ADMIN_SVM_UUID, "name": "cluster1" },
                         "account": { "name": "longcomment" }, "scope": "cluster",
                         "enabled": true, "comment": "C".repeat(1024 * 1024) }),
    );
    let n = records.len();
    let body = json!({ "records": records, "num_records": n }).to_string();
    h.sim().script_fault(ScriptedFault::new(
        "GET",
        &format!("{TOTPS}?fields="),
        Scripted::Raw {
            status: 200,
            content_type: "application/hal+json".into(),
            body: body.into_bytes(),
        },
        1,
    ));
    h.navigate_in_app("/profiles").await?;
    h.click_button("Reload").await?;
    h.fill("Filter", "longcomment").await?;
    h.wait_text("tbody", "longcomment").await?;
    h.fill("Filter", "mchen").await?;
    h.wait_text("tbody", "mchen").await?;
    page_alive(&h, "the list with broken records").await?;

    // The list answered with wrong types: a message, and Try again / Reload work.
    h.sim().script_fault(ScriptedFault::new(
        "GET",
        &format!("{TOTPS}?fields="),
        Scripted::Raw {
            status: 200,
            content_type: "application/hal+json".into(),
            body: br#"{"records": {"not": "a list"}, "num_records": "many"}"#.to_vec(),
        },
        4,
    ));
    h.click_button("Reload").await?;
    h.wait_text("[role=alert]", "could not be read").await?;
    page_alive(&h, "the list with wrong types").await?;
    h.click_button("Try again").await?;
    h.fill("Filter", "mchen").await?;
    h.wait_text("tbody", "mchen").await?;

    let alerts = js(&h, "return window.__alerts;").await?;
    assert_eq!(alerts, json!([]), "a payload executed");
    let console = js(&h, "return JSON.stringify(window.__console);").await?;
    let console = console.as_str().unwrap_or_default();
    ensure!(
        !console.contains("panicked") && !console.contains("stopped"),
        "a panic was logged: {console:.500}"
    );
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_markup_stays_text_in_the_editor_preview_errors_and_change_log() -> Result<()> {
    let h = Harness::start().await?;
    let payload = r#"<img src=x onerror=alert(1)><script>alert(2)</script>"><svg onload=alert(3)>"#;
    let mut t = h
        .sim()
        .totp(ADMIN_SVM_UUID, "mchen")
        .context("mchen in the demo")?;
    t.comment = Some(payload.into());
    h.sim().put_totp(t);
    h.goto("/").await?;
    set_timing(&h).await?;
    js(&h, HOOKS).await?;
    h.sign_in("admin").await?;
    h.click_profile_link("mchen").await?;
    h.wait_until("the payload in the Comment input", || async {
        let i = h.client().find(Locator::Id("comment")).await?;
        Ok((i.prop("value").await?.as_deref() == Some(payload)).then_some(()))
    })
    .await?;

    // The cluster refuses the change with markup in its message, aimed at the comment.
    let p = format!("{TOTPS}/{ADMIN_SVM_UUID}/mchen");
    let message = r#"<b>bold</b><img src=x onerror=alert(4)> is not allowed"#;
    h.sim().script_fault(ScriptedFault::new(
        "PATCH",
        &p,
        Scripted::Raw {
            status: 400,
            content_type: "application/hal+json".into(),
            body: json!({"error": {"message": message, "code": "123456789", "target": "comment"}})
                .to_string()
                .into_bytes(),
        },
        1,
    ));
    let edit = r#"new <i>comment</i> <img src=y onerror=alert(5)>"#;
    h.fill("Comment", edit).await?;
    // The preview shows the body, the CLI command and the curl line with the payload as text.
    h.wait_until("the preview quoting the new comment", || async {
        let t = h
            .eval_string(
                "const e = document.querySelector('form.editor'); return e ? e.textContent : '';",
            )
            .await?;
        Ok(t.contains("<img src=y onerror=alert(5)>").then_some(()))
    })
    .await?;
    h.click_button("Save").await?;
    h.wait_text("#comment-error", "<b>bold</b>").await?;
    h.screenshot("security-markup-as-text").await?;
    // Saved for real, then the change log quotes both versions.
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    h.navigate_in_app("/changes").await?;
    h.wait_page_text("<img src=y onerror=alert(5)>").await?;
    h.wait_page_text("<svg onload=alert(3)>").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let injected = js(
        &h,
        "return document.querySelectorAll('body img, body svg, body i, body b, body script:not([src])').length;",
    )
    .await?;
    assert_eq!(injected, json!(0), "markup from the server became elements");
    let alerts = js(&h, "return window.__alerts;").await?;
    assert_eq!(alerts, json!([]), "a payload executed");
    h.close().await
}
