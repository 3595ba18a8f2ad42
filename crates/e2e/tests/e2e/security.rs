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
//!   itself is covered by the `table` module);
//! - hostile text in the cluster's data (its name, account names, comments, audit records, a
//!   token's user claim) in every place the page shows it: the banner, the enrollment (the
//!   otpauth label percent-encoded in the QR code), the profile table and editor, the bulk
//!   review, results and CSV, the accounts, the history and the change log: text only, names
//!   that cannot pass for another, and long text that stays inside the window.
//!
//! Needs the built page (`make dist`).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::demo::ADMIN_SVM_UUID;
use e2e::{Harness, Locator, PASSWORD, TOTPS};
use ontap_model::otp::KeyUri;
use ontap_model::AccountName;
use ontap_sim::audit::AuditRecord;
use ontap_sim::model::Account;
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
    h.sign_in_staying("admin").await?;
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

// Hostile text from the cluster, in every place the page shows it: the banner, the enrollment,
// the profile table and editor, the bulk review and results (and their CSV), the accounts, the
// history and the change log. Each place shows it as text (literally, or with the invisible
// characters of a name made visible), no element or script comes of it, and the document's
// title and the aria labels carry it as text.

/// Set by any payload below that runs (none may: nginx's CSP also forbids inline handlers,
/// and `Harness::close` fails on a CSP violation, so a payload that became an element shows
/// up there too).
const FLAG: &str = "__xss";

/// The cluster's name, and so its admin SVM's: the published `cluster.name` has no pattern
/// (netapp_ontap's ClusterSchema: a plain string), so it carries markup, both quotes, URI
/// delimiters and the Key Uri Format's own separator `:`, which the otpauth label must encode.
const CLUSTER: &str = r#"<svg onload=__xss=1>"'&?#%/:"#;

/// The administrator signed in: an account name is 3 to 64 characters and nothing else is
/// published (AccountSchema), but this one must also sign in (basic authentication cannot
/// carry `:` in a user name) and be found by the page's exact-name queries (ONTAP's query
/// syntax has no way to quote a `"`), so its markup has no colon and no double quote.
const ME: &str = "<img src=x onerror=__xss=2>&?#%";
/// Typed as the comment of ME's new profile; the filter of the profile table finds it.
const ME_COMMENT: &str = "HOSTILE <i>phone</i>";

/// The bulk run appends this to every comment.
const APPEND: &str = "<img src=x onerror=__xss=3>";
/// The cluster refuses one profile's PATCH with this message (the result list words a refusal
/// itself, so it must only stay out of the DOM as markup).
const REFUSAL: &str = r#"<b>refused</b> <img src=x onerror=__xss=4> "quoted" 'single'"#;

/// How the page shows a name: a character that shows nothing or turns the text around it
/// (the bidi override U+202E, the zero-width space U+200B, ...) appears as its code point, so
/// that no name can pass for another ("ad\u{200B}min" for "admin").
fn shown(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '\u{202E}' | '\u{200B}' => format!("⟨U+{:04X}⟩", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// A profile (and its account) with a hostile name; every comment holds `HOSTILE`.
struct Named {
    owner: &'static str,
    svm: &'static str,
    name: String,
    comment: String,
}

fn hostile_profiles() -> Vec<Named> {
    let admin = |name: &str, comment: &str| Named {
        owner: ADMIN_SVM_UUID,
        svm: CLUSTER,
        name: name.to_owned(),
        comment: format!("HOSTILE {comment}"),
    };
    vec![
        Named {
            owner: e2e::demo::VS_ENG_UUID,
            svm: e2e::demo::VS_ENG,
            name: r#""><svg onload=__xss=5>"#.into(),
            comment: r#"HOSTILE ' onmouseover='__xss=6' "><script>__xss=7</script>"#.into(),
        },
        // Links are built from names: never a javascript: URL.
        admin("javascript:__xss=8", "javascript:__xss=9"),
        // A spreadsheet formula in the result file.
        admin("=cmd|' /C calc'!A0", "+SUM(1;2)"),
        // Both look like "admin" when shown as they are.
        admin("\u{202E}nimda", "a right-to-left override"),
        admin("ad\u{200B}min", "a zero-width space"),
        // The longest name ONTAP takes and a comment without a place to break.
        admin(&format!("long{}", "n".repeat(60)), &"C".repeat(1500)),
    ]
}

fn account(owner: &str, name: &str, role: ontap_sim::model::Role) -> Result<Account> {
    use ontap_sim::model::{AccountApplication, Application, AuthMethod, SecondAuth};
    Ok(Account {
        name: AccountName::try_from(name)?,
        owner: ontap_model::OwnerUuid::try_from(owner)?,
        role,
        locked: false,
        comment: String::new(),
        applications: vec![
            AccountApplication::new(Application::Http, &[AuthMethod::Password], SecondAuth::None),
            AccountApplication::new(Application::Ssh, &[AuthMethod::Password], SecondAuth::Totp),
        ],
        password: PASSWORD.into(),
    })
}

/// Audit records as other clients left them: a clustershell command by an account with markup
/// in its name, failed with markup in its message; a REST call with markup in its body; and
/// one longer than any screen (the input of a command and the message have no length rule).
fn hostile_audit(now: u64) -> Vec<AuditRecord> {
    let record = |user: &str, input: String, message: Option<String>| AuditRecord {
        timestamp: ontap_sim::audit::timestamp(now),
        index: 0,
        application: "ssh",
        location: "10.0.0.9".into(),
        user: user.into(),
        role: "admin".into(),
        input,
        state: if message.is_some() {
            "error"
        } else {
            "success"
        },
        message,
        scope: "cluster",
        svm: CLUSTER.into(),
        session_id: "1".into(),
        command_id: "1".into(),
    };
    vec![
        record(
            r#""><img src=x onerror=__xss=10>"#,
            "security login modify -vserver <svg/onload=__xss=11> -user-or-group-name \
             <img/src=x/onerror=__xss=12> -application ssh -second-authentication-method totp"
                .into(),
            Some(r#"<script>__xss=13</script> "vserver" not found"#.into()),
        ),
        record(
            "ops+oncall",
            format!(
                r#"PATCH /api/security/login/totps/{ADMIN_SVM_UUID}/javascript%3A__xss%3D8 : {{"comment":"<img src=x onerror=__xss=14>"}}"#
            ),
            None,
        ),
        record(
            "ops+oncall",
            format!(
                "security login totp modify -vserver vs_eng -username {} -comment {}",
                "w".repeat(64),
                "I".repeat(2000)
            ),
            Some("M".repeat(1500)),
        ),
    ]
}

/// The token's user claim, which the page shows without verifying it: markup, a bidi override
/// and more text than a banner holds.
fn token_claim() -> String {
    format!(
        r#""><img src=x onerror=__xss=15>{}{}"#,
        '\u{202E}',
        "W".repeat(300)
    )
}

/// A JWT-shaped token whose payload's `username` is `user`.
fn jwt(user: &str) -> String {
    use data_encoding::BASE64URL_NOPAD as B;
    format!(
        "{}.{}.{}",
        B.encode(br#"{"alg":"RS256"}"#),
        B.encode(json!({ "username": user }).to_string().as_bytes()),
        B.encode(b"signature")
    )
}

/// What a payload would have made: elements the page itself never has there (the QR code is
/// its one SVG), inline handlers and javascript: links.
const INJECTED: &str = "body img, body svg:not(#enroll-qr), body script:not([src]), body iframe, \
    body object, body embed, body b, body i, [onerror], [onload], [onmouseover], \
    a[href^='javascript:' i]";

/// No element, handler or javascript: link came of a payload, none ran, no dialog opened, the
/// document's title is the page's own, and the page does not scroll sideways (long text wraps
/// or is cut inside its box).
async fn holds(h: &Harness, place: &str) -> Result<()> {
    let v = h
        .client()
        .execute(
            r#"return {
                injected: [...document.querySelectorAll(arguments[0])].map(e => e.outerHTML.slice(0, 120)),
                flag: typeof window.__xss,
                alerts: window.__alerts || [],
                title: document.title,
                wide: document.documentElement.scrollWidth - window.innerWidth };"#,
            vec![json!(INJECTED)],
        )
    .await?;
    ensure!(
        v["injected"] == json!([]),
        "{place}: markup became elements: {}",
        v["injected"]
    );
    ensure!(
        v["flag"] == "undefined",
        "{place}: a payload ran ({FLAG} is set)"
    );
    ensure!(
        v["alerts"] == json!([]),
        "{place}: a dialog opened: {}",
        v["alerts"]
    );
    ensure!(
        v["wide"].as_i64().is_some_and(|w| w <= 0),
        "{place}: the page is {}px wider than the window",
        v["wide"]
    );
    ensure!(
        v["title"] == "totp-admin · ONTAP TOTP profiles",
        "{place}: the title changed: {}",
        v["title"]
    );
    Ok(())
}

/// The cells of the rows `css` finds: text, title, a link's href and an aria-label in each.
async fn rows(h: &Harness, css: &str) -> Result<Vec<Vec<Value>>> {
    let v = h
        .client()
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(tr => [...tr.cells].map(c => {
                 const a = c.querySelector('a'), l = c.querySelector('[aria-label]');
                 return { text: c.textContent, title: c.getAttribute('title'),
                          href: a && a.getAttribute('href'), label: l && l.getAttribute('aria-label') };
             }));",
            vec![json!(css)],
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// The row among `rows` whose cell `col` shows `text`.
fn row_showing<'a>(rows: &'a [Vec<Value>], col: usize, text: &str) -> Result<&'a Vec<Value>> {
    rows.iter()
        .find(|r| r.get(col).is_some_and(|c| c["text"] == text))
        .with_context(|| {
            let seen: Vec<&Value> = rows
                .iter()
                .filter_map(|r| r.get(col).map(|c| &c["text"]))
                .collect();
            format!("no row shows {text:?} in column {col}; shown: {seen:?}")
        })
}

/// The table `table` may scroll sideways in its `scroll_box` on a narrow screen, but one long
/// record must not make it many screens wide (and every row with it).
async fn fits_its_box(h: &Harness, table: &str, scroll_box: &str) -> Result<()> {
    let v = h
        .client()
        .execute(
            "return [document.querySelector(arguments[0]).scrollWidth,
                     document.querySelector(arguments[1]).clientWidth];",
            vec![json!(table), json!(scroll_box)],
        )
        .await?;
    let (wide, room) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(1));
    ensure!(
        wide <= 2 * room,
        "{table} is {wide}px wide in a {room}px box"
    );
    Ok(())
}

/// The text of the first element `css` finds.
async fn text_of(h: &Harness, css: &str) -> Result<String> {
    let v = h
        .client()
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            vec![json!(css)],
        )
        .await?;
    v.as_str()
        .map(str::to_owned)
        .with_context(|| format!("nothing matches {css}"))
}

/// Waits until the first element `css` finds has exactly the text `want`.
async fn wait_exact(h: &Harness, css: &str, want: &str) -> Result<()> {
    h.wait_until(&format!("{css} showing {want:?}"), || async {
        Ok((text_of(h, css).await.ok().as_deref() == Some(want)).then_some(()))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_cluster_text_is_shown_as_text_in_every_place() -> Result<()> {
    let token = jwt(&token_claim());
    let h = Harness::start_with(|c| {
        c.cluster_name = Some(CLUSTER.into());
        c.tokens.push(("admin".into(), token.clone()));
    })
    .await?;
    use ontap_sim::model::Role;
    h.sim()
        .put_account(account(ADMIN_SVM_UUID, ME, Role::Admin)?);
    let profiles = hostile_profiles();
    for p in &profiles {
        let role = if p.owner == ADMIN_SVM_UUID {
            Role::Admin
        } else {
            Role::Vsadmin
        };
        h.sim().put_account(account(p.owner, &p.name, role)?);
        let svm = h
            .sim()
            .svms()
            .into_iter()
            .find(|s| s.uuid.as_str() == p.owner)
            .context("the SVM")?;
        let name = AccountName::try_from(p.name.as_str())?;
        h.sim()
            .put_totp(e2e::demo::profile(&svm, &name, true, &p.comment));
    }
    let now = h.sim().now();
    for r in hostile_audit(now) {
        h.sim().add_audit(r);
    }
    h.goto("/").await?;
    set_timing(&h).await?;
    js(&h, HOOKS).await?;
    h.sign_in(ME).await?;

    // The banner: the cluster's name and the user's, as text.
    wait_exact(&h, ".banner-name", &shown(CLUSTER)).await?;
    wait_exact(&h, ".banner-user", &shown(ME)).await?;
    holds(&h, "the banner").await?;

    enrollment(&h).await?;
    profile_table(&h, &profiles).await?;
    bulk(&h, &profiles).await?;
    accounts(&h, &profiles).await?;
    history(&h).await?;
    change_log(&h, &profiles).await?;

    // The banner of a token whose claim is hostile, and longer than the banner.
    h.click_button("Sign out").await?;
    h.input_by_label("User name").await?;
    h.sign_in_token(&token).await?;
    wait_exact(&h, ".banner-user", &shown(&token_claim())).await?;
    wait_exact(&h, ".banner-name", &shown(CLUSTER)).await?;
    h.wait_css("table a").await?;
    h.screenshot("security-hostile-token-banner").await?;
    holds(&h, "the banner of the token").await?;
    h.close().await
}

/// The enrollment of ME: the intro, the QR code (decoded from pixels: the otpauth URI with its
/// label percent-encoded), the issuer and account shown as text, the QR code's aria label;
/// then finished with a code computed from the decoded URI.
async fn enrollment(h: &Harness) -> Result<()> {
    h.wait_for(
        "the banner's set-up action",
        Locator::LinkText("Set up my authenticator"),
    )
    .await?
    .click()
    .await?;
    wait_exact(
        h,
        "#intro-title",
        &format!("TOTP for {} on {}", shown(ME), shown(CLUSTER)),
    )
    .await?;
    h.fill("Comment (optional)", ME_COMMENT).await?;
    h.click_button("Create my profile").await?;
    let qr = h.wait_css("#enroll-qr").await?;
    h.screenshot("security-hostile-enroll").await?;
    let png = qr.screenshot().await.context("screenshot of the QR code")?;
    let uri = crate::enroll::decode_qr(&png)?;
    // The label: each part percent-encoded, the one literal `:` between them.
    let label = uri
        .strip_prefix("otpauth://totp/")
        .and_then(|r| r.split_once('?'))
        .map(|(l, _)| l)
        .with_context(|| format!("not an otpauth URI: {uri}"))?;
    ensure!(
        label.matches(':').count() == 1
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~%:".contains(c)),
        "the label is not percent-encoded: {label}"
    );
    let key = KeyUri::parse(&uri).with_context(|| format!("not a TOTP URI: {uri}"))?;
    let account = format!("{ME}@{CLUSTER}");
    assert_eq!(key.issuer, CLUSTER, "{uri}");
    assert_eq!(key.account, account, "{uri}");
    assert_eq!(uri, key.to_uri(), "the URI is the Key Uri Format's");
    wait_exact(h, "#enroll-issuer", &shown(CLUSTER)).await?;
    wait_exact(h, "#enroll-account", &shown(&account)).await?;
    let aria = h
        .eval_string("return document.getElementById('enroll-qr').getAttribute('aria-label');")
        .await?;
    assert_eq!(
        aria,
        format!(
            "QR code of the TOTP secret for {}:{}",
            shown(CLUSTER),
            shown(&account)
        )
    );
    holds(h, "the enrollment").await?;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    h.fill(
        "Code from the app",
        &ontap_model::otp::code_at(&key.secret, now),
    )
    .await?;
    h.click_button("Check the code").await?;
    h.wait_page_text("The code is right").await?;
    h.set_checkbox("I have saved my emergency codes", true)
        .await?;
    h.click_button("Finish").await?;
    h.wait_text(".enroll-done", "Your authenticator is set up")
        .await?;
    Ok(())
}

/// The profile table filtered to the hostile profiles: names, links, SVMs, comments and the
/// checkboxes' labels; then the editor's heading of a name that would pass for "admin".
async fn profile_table(h: &Harness, profiles: &[Named]) -> Result<()> {
    h.navigate_in_app("/profiles").await?;
    h.fill("Filter", "hostile").await?;
    let want = profiles.len() + 1;
    h.wait_text(".table-summary", &format!("{} of", e2e::grouped(want)))
        .await?;
    let rows = rows(h, "tbody tr[data-row]").await?;
    let mut all: Vec<(String, &str, &str, String)> = profiles
        .iter()
        .map(|p| (p.name.clone(), p.owner, p.svm, p.comment.clone()))
        .collect();
    all.push((ME.into(), ADMIN_SVM_UUID, CLUSTER, ME_COMMENT.into()));
    for (name, owner, svm, comment) in &all {
        // Columns: select, account, SVM, scope, status, comment, fingerprint.
        let r = row_showing(&rows, 1, &shown(name))?;
        let href = format!(
            "/profiles/{owner}/{}",
            ontap_model::totp::encode_segment(name)
        );
        ensure!(
            r[1]["href"] == href.as_str(),
            "{name:?}: link {}",
            r[1]["href"]
        );
        ensure!(
            r[2]["text"] == shown(svm).as_str(),
            "{name:?}: SVM {}",
            r[2]["text"]
        );
        ensure!(r[5]["text"] == comment.as_str() && r[5]["title"] == comment.as_str());
        let label = format!("Select {} ({})", shown(name), shown(svm));
        ensure!(
            r[0]["label"] == label.as_str(),
            "{name:?}: {}",
            r[0]["label"]
        );
    }
    h.screenshot("security-hostile-profiles").await?;
    holds(h, "the profile table").await?;

    // The editor's heading.
    let bidi = "\u{202E}nimda";
    h.navigate_in_app(&format!(
        "/profiles/{ADMIN_SVM_UUID}/{}",
        ontap_model::totp::encode_segment(bidi)
    ))
    .await?;
    wait_exact(h, "h1", &shown(bidi)).await?;
    holds(h, "the editor").await?;
    h.navigate_in_app("/profiles?q=hostile").await?;
    h.wait_text(".table-summary", &format!("{} of", e2e::grouped(want)))
        .await?;
    Ok(())
}

/// Appends to the comment of every hostile profile; the cluster refuses one with markup in its
/// message. The review's two lists, the result list and its CSV.
async fn bulk(h: &Harness, profiles: &[Named]) -> Result<()> {
    let n = profiles.len() + 1;
    h.click_button(&format!("Select all {} matching profiles", e2e::grouped(n)))
        .await?;
    h.client()
        .find(Locator::LinkText("Change the selected…"))
        .await?
        .click()
        .await?;
    h.wait_text(
        "h1",
        &format!("Change {} selected profiles", e2e::grouped(n)),
    )
    .await?;
    h.input_by_label("Append to the comment")
        .await?
        .click()
        .await?;
    h.fill("Text to append", APPEND).await?;
    h.wait_text(
        ".bulk-review-summary",
        &format!("{} will change", e2e::grouped(n)),
    )
    .await?;
    js(
        h,
        "document.querySelectorAll('details.bulk-list').forEach(d => d.open = true); return null;",
    )
    .await?;
    h.wait_css(".bulk-list-scroll tbody tr").await?;
    let review = rows(h, ".bulk-list-scroll tbody tr").await?;
    for p in profiles {
        let r = row_showing(&review, 0, &shown(&p.name))?;
        ensure!(
            r[0]["title"] == shown(&p.name).as_str(),
            "{:?}: title {}",
            p.name,
            r[0]["title"]
        );
        ensure!(
            r[1]["text"] == shown(p.svm).as_str(),
            "{:?}: SVM {}",
            p.name,
            r[1]["text"]
        );
        let after = format!(
            "\"{}{}{APPEND}\"",
            p.comment,
            ontap_model::bulk::APPEND_SEPARATOR
        );
        ensure!(
            r[3]["text"] == after.as_str() && r[3]["title"] == after.as_str(),
            "{:?}: after {}",
            p.name,
            r[3]["text"]
        );
    }
    h.screenshot("security-hostile-bulk-review").await?;
    holds(h, "the bulk review").await?;

    let refused = &profiles[0];
    h.sim().script_fault(ScriptedFault::new(
        "PATCH",
        &format!(
            "{TOTPS}/{}/{}",
            refused.owner,
            ontap_model::totp::encode_segment(&refused.name)
        ),
        Scripted::Raw {
            status: 400,
            content_type: "application/hal+json".into(),
            body: json!({"error": {"message": REFUSAL, "code": "987654321", "target": "comment"}})
                .to_string()
                .into_bytes(),
        },
        1,
    ));
    h.click_button(&format!(
        "Change the comment of {} profiles",
        e2e::grouped(n)
    ))
    .await?;
    h.wait_until("the run to finish", || async {
        let phase = h
            .eval_string("const p = document.querySelector('.bulk-progress'); return p ? p.dataset.phase : '';")
            .await?;
        Ok((phase == "finished").then_some(()))
    })
    .await?;
    let results = rows(h, ".bulk-results-scroll tr.bulk-row").await?;
    for p in profiles {
        let r = row_showing(&results, 0, &shown(&p.name))?;
        ensure!(r[0]["title"] == shown(&p.name).as_str());
        ensure!(r[1]["text"] == shown(p.svm).as_str());
    }
    // The refusal in the page's words (an unknown code: the catalogue has none), its code
    // in the Code column; the cluster's markup reaches no cell.
    let r = row_showing(&results, 0, &shown(&refused.name))?;
    ensure!(
        r[3]["text"] == "987654321"
            && r[4]["text"]
                .as_str()
                .is_some_and(|m| m.contains("code 987654321")),
        "the refusal: {r:?}"
    );
    h.screenshot("security-hostile-bulk-results").await?;
    holds(h, "the bulk results").await?;

    // The result file: the formula is text, the SVM with quotes is one quoted cell.
    h.catch_downloads().await?;
    h.click_button("Download the result (CSV)").await?;
    let csv = h.download_text().await?;
    ensure!(
        csv.split("\r\n").any(|l| l.starts_with(&format!(
            "'=cmd|' /C calc'!A0,\"{}\",",
            CLUSTER.replace('"', "\"\"")
        ))),
        "the formula row: {csv}"
    );
    Ok(())
}

/// The accounts table (one hostile name at a time, through the filter in the address), and the
/// page of the account whose name breaks out of attributes, with its history link.
async fn accounts(h: &Harness, profiles: &[Named]) -> Result<()> {
    for p in profiles {
        let q = ontap_model::Query::new()
            .param("q", &p.name)
            .to_query_string();
        h.navigate_in_app(&format!("/accounts{q}")).await?;
        h.wait_until(&format!("the account {:?}", p.name), || async {
            Ok(rows(h, ".accounts-table tbody tr[data-row]")
                .await?
                .iter()
                .any(|r| {
                    r.get(1)
                        .is_some_and(|c| c["text"] == shown(&p.name).as_str())
                })
                .then_some(()))
        })
        .await?;
        let all = rows(h, ".accounts-table tbody tr[data-row]").await?;
        // Columns: select, name, SVM, role, locked, SSH, TOTP.
        let r = row_showing(&all, 1, &shown(&p.name))?;
        let href = format!(
            "/accounts/{}/{}",
            p.owner,
            ontap_model::totp::encode_segment(&p.name)
        );
        ensure!(
            r[1]["href"] == href.as_str(),
            "{:?}: {}",
            p.name,
            r[1]["href"]
        );
        ensure!(
            r[2]["text"] == shown(p.svm).as_str(),
            "{:?}: SVM {}",
            p.name,
            r[2]["text"]
        );
        let label = format!("Select {} ({})", shown(&p.name), shown(p.svm));
        ensure!(
            r[0]["label"] == label.as_str(),
            "{:?}: {}",
            p.name,
            r[0]["label"]
        );
        if p.name.starts_with("long") {
            h.screenshot("security-hostile-accounts-long").await?;
        }
        holds(h, "the accounts table").await?;
    }
    let p = &profiles[0];
    let q = ontap_model::Query::new()
        .param("q", &p.name)
        .to_query_string();
    h.navigate_in_app(&format!("/accounts{q}")).await?;
    wait_exact(h, ".accounts-table tbody th a", &shown(&p.name)).await?;
    let link = h
        .wait_for(
            "the account's link",
            Locator::Css(".accounts-table tbody th a"),
        )
        .await?;
    link.click().await?;
    wait_exact(h, "h1", &format!("{} · {}", shown(&p.name), shown(p.svm))).await?;
    h.screenshot("security-hostile-account").await?;
    holds(h, "the account's page").await?;
    h.wait_for(
        "the history link",
        Locator::LinkText("History of this account"),
    )
    .await?
    .click()
    .await?;
    h.wait_text(".table-summary", &format!(" to {}", shown(&p.name)))
        .await?;
    let summary = text_of(h, ".table-summary").await?;
    ensure!(
        summary.ends_with(&format!(" to {} on {}", shown(&p.name), shown(p.svm))),
        "{summary}"
    );
    wait_exact(
        h,
        ".history-owner a",
        &format!("Show {} on every SVM", shown(&p.name)),
    )
    .await?;
    holds(h, "the history of one account").await
}

/// The whole history: the records other clients left (user, input in the title, message) and
/// those of this session (ME's enrollment and bulk changes).
async fn history(h: &Harness) -> Result<()> {
    h.navigate_in_app("/history").await?;
    h.wait_css(".history-table tbody tr").await?;
    let audit = hostile_audit(0);
    h.wait_until("the seeded records", || async {
        Ok((rows(h, ".history-table tbody tr").await?.len() > audit.len()).then_some(()))
    })
    .await?;
    let all = rows(h, ".history-table tbody tr").await?;
    // Columns: account, when, who, what, SVM, result.
    let cli = row_showing(&all, 0, "<img/src=x/onerror=__xss=12>")?;
    ensure!(
        cli[2]["text"] == shown(&audit[0].user).as_str(),
        "who: {}",
        cli[2]["text"]
    );
    ensure!(
        cli[3]["title"] == audit[0].input.as_str(),
        "input: {}",
        cli[3]["title"]
    );
    ensure!(
        cli[4]["text"] == "<svg/onload=__xss=11>",
        "SVM: {}",
        cli[4]["text"]
    );
    let failed = format!(
        "Failed: {}",
        audit[0].message.as_deref().unwrap_or_default()
    );
    ensure!(
        cli[5]["text"] == failed.as_str(),
        "result: {}",
        cli[5]["text"]
    );
    // The other two by their input (this session's changes name the same accounts).
    let by_input = |input: &str| {
        all.iter()
            .find(|r| r[3]["title"] == input)
            .with_context(|| format!("no row has the input {:.60}…", input))
    };
    let rest = by_input(&audit[1].input)?;
    ensure!(
        rest[0]["text"] == "javascript:__xss=8",
        "account: {}",
        rest[0]["text"]
    );
    ensure!(
        rest[3]["text"] == "Comment: <img src=x onerror=__xss=14>",
        "what: {}",
        rest[3]["text"]
    );
    let long = by_input(&audit[2].input)?;
    ensure!(long[0]["text"] == "w".repeat(64).as_str());
    ensure!(long[5]["text"] == format!("Failed: {}", "M".repeat(1500)).as_str());
    // ME's own changes: the profile created, the comments appended.
    let mine = all
        .iter()
        .filter(|r| r[2]["text"] == shown(ME).as_str())
        .count();
    ensure!(mine >= 2, "{mine} records by {ME:?}");
    row_showing(&all, 0, &shown(ME))?;
    h.screenshot("security-hostile-history").await?;
    fits_its_box(h, ".history-table", ".history-scroll").await?;
    holds(h, "the history").await
}

/// The change log of this session: who, account and SVM of the bulk changes.
async fn change_log(h: &Harness, profiles: &[Named]) -> Result<()> {
    h.navigate_in_app("/changes").await?;
    h.wait_css("table.changes tbody tr").await?;
    let all = rows(h, "table.changes tbody tr").await?;
    // Columns: time, who, account, SVM, what, result.
    for p in profiles {
        let r = row_showing(&all, 2, &shown(&p.name))?;
        ensure!(r[1]["text"] == shown(ME).as_str(), "who: {}", r[1]["text"]);
        ensure!(
            r[3]["text"] == shown(p.svm).as_str(),
            "SVM: {}",
            r[3]["text"]
        );
    }
    h.screenshot("security-hostile-changes").await?;
    fits_its_box(h, "table.changes", ".table-wrap").await?;
    holds(h, "the change log").await
}
