//! Component tests of the page in headless Chromium (wasm-bindgen-test): the profile editor's
//! validation, Save enablement, one PATCH per click, and where errors land; the deep-link check;
//! the credentials header; the preview of a change, the confirmation before disabling, the
//! conflict view and the session's change log. The editor runs against a fake [`Backend`] that
//! records every call.

use std::sync::{Arc, Mutex};

use leptos::prelude::GetUntracked;
use ontap_model::totp::{AccountRef, OwnerRef};
use ontap_model::{ErrorResponse, Known, Scope, Totp, TotpPatch};
use totp_admin::api::ApiError;
use totp_admin::api::Credentials;
use totp_admin::pages::profile::form::{Backend, EditorForm};
use totp_admin::pages::profile::review::EditorEnv;
use totp_admin::platform::sleep_ms;
use totp_admin::routes::{editor_href, parse_key};
use totp_admin::store::changelog::{ChangeLog, Outcome};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const UUID: &str = "02c9e252-41be-11e9-81d5-00a0986138f7";

fn profile(comment: &str, enabled: bool) -> Totp {
    Totp {
        account: Some(AccountRef {
            name: Some("alice".into()),
            links: None,
        }),
        owner: Some(OwnerRef {
            name: Some("vs1".into()),
            uuid: Some(UUID.into()),
            links: None,
        }),
        comment: Some(comment.into()),
        enabled: Some(enabled),
        scope: Some(Scope::Svm),
        sha_fingerprint: Some("ab".into()),
        links: None,
    }
}

/// A fake cluster: holds one profile, records every PATCH, answers as scripted.
#[derive(Clone)]
struct Fake {
    stored: Arc<Mutex<Totp>>,
    patches: Arc<Mutex<Vec<TotpPatch>>>,
    loads: Arc<Mutex<u32>>,
    /// The error the next PATCH answers with; `apply` says whether it is applied anyway
    /// (a dropped connection after the change).
    fail: Arc<Mutex<Option<(ApiError, bool)>>>,
    delay_ms: u32,
}

impl Fake {
    fn new(t: Totp) -> Fake {
        Fake {
            stored: Arc::new(Mutex::new(t)),
            patches: Arc::default(),
            loads: Arc::default(),
            fail: Arc::default(),
            delay_ms: 0,
        }
    }
    fn backend(&self) -> Backend {
        let (a, b) = (self.clone(), self.clone());
        Backend {
            save: Arc::new(move |p: TotpPatch| {
                let f = a.clone();
                Box::pin(async move {
                    f.patches.lock().unwrap().push(p.clone());
                    sleep_ms(f.delay_ms).await;
                    let fail = f.fail.lock().unwrap().take();
                    match fail {
                        Some((e, applied)) => {
                            if applied {
                                p.apply_to(&mut f.stored.lock().unwrap());
                            }
                            Err(e)
                        }
                        None => {
                            p.apply_to(&mut f.stored.lock().unwrap());
                            Ok(())
                        }
                    }
                })
            }),
            load: Arc::new(move || {
                let f = b.clone();
                Box::pin(async move {
                    *f.loads.lock().unwrap() += 1;
                    Ok(f.stored.lock().unwrap().clone())
                })
            }),
        }
    }
    fn patches(&self) -> Vec<TotpPatch> {
        self.patches.lock().unwrap().clone()
    }
}

fn ontap(known: Known, target: Option<&str>) -> ApiError {
    ApiError::Ontap {
        status: known.status(),
        body: ErrorResponse::new(known, target),
    }
}

/// Mounts the editor in a fresh container and returns the container.
fn mount(t: Totp, fake: &Fake) -> Element {
    mount_with_log(t, fake).0
}

/// Mounts the editor under a change log (as the shell provides it), signed in as `admin` on
/// `cluster1`, and returns the container and the log.
fn mount_with_log(t: Totp, fake: &Fake) -> (Element, ChangeLog) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let backend = fake.backend();
    let slot: Arc<Mutex<Option<ChangeLog>>> = Arc::default();
    let out = slot.clone();
    let env = EditorEnv {
        user: "admin".into(),
        origin: "https://cluster1".into(),
    };
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        *out.lock().unwrap() = Some(ChangeLog::provide());
        leptos::view! { <EditorForm loaded=t backend=backend env=env /> }
    });
    handle.forget();
    let log = slot.lock().unwrap().take().expect("the log was provided");
    (host, log)
}

fn q<T: JsCast>(host: &Element, sel: &str) -> T {
    host.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
        .unchecked_into()
}

fn save_button(host: &Element) -> HtmlButtonElement {
    q(host, "button[type=submit]")
}

fn fire(el: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

async fn type_comment(host: &Element, text: &str) {
    let input: HtmlInputElement = q(host, "#comment");
    input.set_value(text);
    fire(&input, "input");
    sleep_ms(5).await;
}

async fn toggle_enabled(host: &Element) {
    let input: HtmlInputElement = q(host, "#enabled");
    input.set_checked(!input.checked());
    fire(&input, "change");
    sleep_ms(5).await;
}

/// Clicks the button whose text is `name`.
async fn click_named(host: &Element, name: &str) {
    let buttons = host.query_selector_all("button").unwrap();
    for i in 0..buttons.length() {
        let b: HtmlButtonElement = buttons.item(i).unwrap().unchecked_into();
        if b.text_content().unwrap_or_default().trim() == name {
            b.click();
            sleep_ms(5).await;
            return;
        }
    }
    panic!("no button {name:?}");
}

fn has(host: &Element, sel: &str) -> bool {
    host.query_selector(sel).unwrap().is_some()
}

async fn click_save(host: &Element) {
    save_button(host).click();
    sleep_ms(5).await;
}

/// Polls until `cond` holds (up to 2 s).
async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        sleep_ms(10).await;
    }
    panic!("timed out waiting for: {what}");
}

fn text(host: &Element, sel: &str) -> String {
    host.query_selector(sel)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn save_is_enabled_only_while_something_changed() {
    let fake = Fake::new(profile("laptop", true));
    let host = mount(profile("laptop", true), &fake);
    sleep_ms(5).await;
    assert!(save_button(&host).disabled(), "nothing changed yet");
    type_comment(&host, "phone").await;
    assert!(!save_button(&host).disabled());
    type_comment(&host, "laptop").await;
    assert!(
        save_button(&host).disabled(),
        "back to the loaded value: nothing to send"
    );
    toggle_enabled(&host).await;
    assert!(!save_button(&host).disabled());
    assert!(text(&host, ".editor-pending").contains("disable the profile"));
    toggle_enabled(&host).await;
    assert!(save_button(&host).disabled());
    assert!(fake.patches().is_empty());
}

#[wasm_bindgen_test]
async fn save_sends_only_the_changed_field_then_rereads_and_confirms() {
    let fake = Fake::new(profile("laptop", true));
    let host = mount(profile("laptop", true), &fake);
    type_comment(&host, "new phone").await;
    click_save(&host).await;
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;
    let patches = fake.patches();
    assert_eq!(patches.len(), 1);
    assert_eq!(
        serde_json::to_string(&patches[0]).unwrap(),
        r#"{"comment":"new phone"}"#
    );
    assert_eq!(
        *fake.loads.lock().unwrap(),
        2,
        "the profile is re-read right before the PATCH, and again after success"
    );
    assert!(save_button(&host).disabled(), "saved: nothing left to send");
    assert_eq!(
        q::<HtmlInputElement>(&host, "#comment").value(),
        "new phone"
    );
}

#[wasm_bindgen_test]
async fn a_double_click_sends_one_patch() {
    let mut fake = Fake::new(profile("laptop", true));
    fake.delay_ms = 150;
    let host = mount(profile("laptop", true), &fake);
    type_comment(&host, "phone").await;
    click_save(&host).await;
    click_save(&host).await;
    // Submitting the form by keyboard while saving does nothing either.
    fire(&q::<Element>(&host, "form"), "submit");
    assert!(
        save_button(&host).disabled(),
        "Save is off while a request is in flight"
    );
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;
    assert_eq!(fake.patches().len(), 1);
}

#[wasm_bindgen_test]
async fn a_comment_error_lands_at_the_comment_field_and_keeps_the_edit() {
    let fake = Fake::new(profile("laptop", true));
    *fake.fail.lock().unwrap() = Some((ontap(Known::InvalidField, Some("comment")), false));
    let host = mount(profile("laptop", true), &fake);
    type_comment(&host, "x".repeat(5000).as_str()).await;
    click_save(&host).await;
    until("the field error", || {
        !text(&host, "#comment-error").is_empty()
    })
    .await;
    let input: HtmlInputElement = q(&host, "#comment");
    assert_eq!(input.value().len(), 5000, "the edit is kept");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(input
        .get_attribute("aria-describedby")
        .unwrap()
        .contains("comment-error"));
    assert!(text(&host, "#comment-error").contains("The cluster refused a value"));
    assert!(text(&host, "#enabled-error").is_empty());
    assert!(
        !save_button(&host).disabled(),
        "the user can correct and retry"
    );
    // Editing the field clears the stale error.
    type_comment(&host, "short").await;
    until("the error to clear", || {
        text(&host, "#comment-error").is_empty()
    })
    .await;
}

#[wasm_bindgen_test]
async fn only_admins_may_change_enabled_shows_at_the_enabled_field() {
    let fake = Fake::new(profile("laptop", true));
    *fake.fail.lock().unwrap() = Some((ontap(Known::OnlyAdminMayChangeStatus, None), false));
    let host = mount(profile("laptop", true), &fake);
    toggle_enabled(&host).await;
    click_save(&host).await;
    click_named(&host, "Disable and save").await;
    until("the field error", || {
        !text(&host, "#enabled-error").is_empty()
    })
    .await;
    assert!(text(&host, "#enabled-error").contains("Only users with the admin role"));
    assert!(
        !q::<HtmlInputElement>(&host, "#enabled").checked(),
        "the flipped switch stays flipped"
    );
    assert!(text(&host, "[role=alert]").contains("not saved"));
    assert_eq!(fake.stored.lock().unwrap().enabled, Some(true));
}

#[wasm_bindgen_test]
async fn an_error_without_a_field_shows_at_the_top_as_an_alert() {
    let fake = Fake::new(profile("laptop", true));
    *fake.fail.lock().unwrap() = Some((ontap(Known::PermissionDenied, None), false));
    let host = mount(profile("laptop", true), &fake);
    type_comment(&host, "mine").await;
    click_save(&host).await;
    until("the alert", || {
        text(&host, "[role=alert]").contains("not allowed")
    })
    .await;
    assert_eq!(q::<HtmlInputElement>(&host, "#comment").value(), "mine");
}

#[wasm_bindgen_test]
async fn a_lost_answer_is_checked_by_rereading_never_by_resending() {
    // The connection drops after the cluster applied the change.
    let fake = Fake::new(profile("laptop", true));
    *fake.fail.lock().unwrap() = Some((ApiError::Network, true));
    let host = mount(profile("laptop", true), &fake);
    type_comment(&host, "applied").await;
    click_save(&host).await;
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;
    assert_eq!(fake.patches().len(), 1, "never resent");

    // The connection drops before the change: the re-read shows it is not there.
    let fake = Fake::new(profile("laptop", true));
    *fake.fail.lock().unwrap() = Some((ApiError::Timeout, false));
    let host = mount(profile("laptop", true), &fake);
    type_comment(&host, "lost").await;
    click_save(&host).await;
    until("the alert", || {
        text(&host, "[role=alert]").contains("did not answer in time")
    })
    .await;
    // Within the late window (the proxy's read timeout plus 10 s) the write may still land:
    // "not applied" is not said yet, and Save stays off.
    assert!(
        text(&host, "[role=alert]").contains("may still carry it out until"),
        "{}",
        text(&host, "[role=alert]")
    );
    assert!(save_button(&host).disabled(), "nothing is resent meanwhile");
    // Past the window (shortened to 0 here), Check again reads it and settles it.
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage");
    let _ = storage.set_item(
        "totp-admin.timing",
        r#"{"proxy_read_ms":0,"late_margin_ms":0}"#,
    );
    click_named(&host, "Check again").await;
    until("the settled alert", || {
        text(&host, "[role=alert]").contains("the change was not applied")
    })
    .await;
    let _ = storage.remove_item("totp-admin.timing");
    assert!(
        text(&host, "[role=alert]").contains("the change was not applied"),
        "the re-read's finding is said: {}",
        text(&host, "[role=alert]")
    );
    assert_eq!(fake.patches().len(), 1);
    assert_eq!(
        q::<HtmlInputElement>(&host, "#comment").value(),
        "lost",
        "the edit is kept"
    );
    assert!(
        !save_button(&host).disabled(),
        "known not applied: the user may save again"
    );
}

#[wasm_bindgen_test]
fn deep_links_are_checked_with_the_shared_types() {
    assert!(parse_key(UUID, "alice").is_ok());
    assert!(parse_key("not-a-uuid", "alice")
        .unwrap_err()
        .contains("not a valid SVM UUID"));
    assert!(parse_key(UUID, "al")
        .unwrap_err()
        .contains("not a valid account name"));
    let key = parse_key(UUID, "CORP\\j doe").unwrap();
    assert_eq!(
        editor_href(&key),
        format!("/profiles/{UUID}/CORP%5Cj%20doe")
    );
}

#[wasm_bindgen_test]
fn basic_credentials_make_the_header_and_never_print_the_password() {
    let c = Credentials::Basic {
        user: "admin".into(),
        password: "Netapp1!".into(),
    };
    assert_eq!(c.header(), "Basic YWRtaW46TmV0YXBwMSE=");
    assert!(!format!("{c:?}").contains("Netapp1!"));
}

#[wasm_bindgen_test]
async fn the_preview_shows_exactly_what_save_sends() {
    let fake = Fake::new(profile("laptop", true));
    let host = mount(profile("laptop", true), &fake);
    sleep_ms(5).await;
    assert!(text(&host, "#preview").contains("Nothing to send"));
    let comment = "Bob's \"new\" phone; $(rm -rf /)";
    type_comment(&host, comment).await;
    let body = text(&host, "#preview-body");
    assert_eq!(
        body,
        serde_json::to_string(&serde_json::json!({ "comment": comment })).unwrap()
    );
    assert_eq!(
        text(&host, "#preview-request"),
        format!("PATCH /api/security/login/totps/{UUID}/alice")
    );
    assert_eq!(
        text(&host, "#preview-cli"),
        r#"security login totp modify -vserver vs1 -username alice -comment "Bob's \"new\" phone; $(rm -rf /)""#
    );
    let curl = text(&host, "#preview-curl");
    assert!(
        curl.starts_with("curl -u admin -X PATCH -H 'Content-Type: application/json' --data '"),
        "{curl}"
    );
    assert!(
        curl.contains(r#"Bob'\''s"#),
        "single quotes are escaped: {curl}"
    );
    assert!(curl.ends_with(&format!(
        "https://cluster1/api/security/login/totps/{UUID}/alice"
    )));
    assert!(
        !host.inner_html().contains("Netapp1!"),
        "no password anywhere"
    );
    // Every copy button has a name of its own.
    for name in [
        "Copy the REST request",
        "Copy the CLI command",
        "Copy the curl line",
    ] {
        assert!(
            has(&host, &format!("button[aria-label='{name}']")),
            "{name}"
        );
    }

    // Then Save sends that very body.
    click_save(&host).await;
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;
    assert_eq!(
        serde_json::to_string(&fake.patches()[0]).unwrap(),
        body,
        "the preview showed what was sent"
    );
}

#[wasm_bindgen_test]
async fn disabling_asks_first_and_cancel_sends_nothing() {
    let fake = Fake::new(profile("laptop", true));
    let host = mount(profile("laptop", true), &fake);
    toggle_enabled(&host).await;
    click_save(&host).await;
    until("the confirmation", || has(&host, ".confirm")).await;
    let confirm = text(&host, ".confirm");
    assert!(confirm.contains("Disable TOTP for alice?"), "{confirm}");
    assert!(confirm.contains("set up their authenticator app again"));
    assert!(confirm.contains("SSH stops asking them for a verification code"));
    assert_eq!(
        q::<Element>(&host, ".confirm")
            .get_attribute("role")
            .as_deref(),
        Some("alert")
    );
    sleep_ms(100).await;
    assert!(fake.patches().is_empty(), "nothing before confirming");
    assert_eq!(*fake.loads.lock().unwrap(), 0, "not even a re-read");
    assert!(save_button(&host).disabled(), "Save waits for the answer");

    assert_eq!(
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .active_element()
            .and_then(|e| e.get_attribute("class")),
        Some("confirm".into()),
        "the question takes the focus"
    );
    click_named(&host, "Cancel").await;
    assert!(!has(&host, ".confirm"));
    until("the focus back on Save", || {
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .active_element()
            .is_some_and(|e| e.get_attribute("type").as_deref() == Some("submit"))
    })
    .await;

    // Escape cancels too.
    click_save(&host).await;
    until("the confirmation", || has(&host, ".confirm")).await;
    let esc = web_sys::KeyboardEventInit::new();
    esc.set_key("Escape");
    esc.set_bubbles(true);
    q::<Element>(&host, ".confirm")
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &esc).unwrap(),
        )
        .unwrap();
    sleep_ms(5).await;
    assert!(!has(&host, ".confirm"), "Escape cancels");
    sleep_ms(100).await;
    assert!(fake.patches().is_empty(), "cancel sends nothing");
    assert!(
        !q::<HtmlInputElement>(&host, "#enabled").checked(),
        "the edit is kept"
    );

    click_save(&host).await;
    click_named(&host, "Disable and save").await;
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;
    let patches = fake.patches();
    assert_eq!(patches.len(), 1);
    assert_eq!(
        serde_json::to_string(&patches[0]).unwrap(),
        r#"{"enabled":false}"#
    );
    assert_eq!(fake.stored.lock().unwrap().enabled, Some(false));
}

#[wasm_bindgen_test]
async fn a_profile_changed_meanwhile_shows_both_versions_and_waits() {
    // The cluster's copy changes after the editor loaded it.
    let fake = Fake::new(profile("laptop", true));
    let host = mount(profile("laptop", true), &fake);
    fake.stored.lock().unwrap().comment = Some("changed elsewhere".into());
    type_comment(&host, "mine").await;
    click_save(&host).await;
    until("the conflict view", || has(&host, ".conflict")).await;
    assert_eq!(text(&host, "#conflict-mine-comment"), "mine");
    assert_eq!(text(&host, "#conflict-theirs-comment"), "changed elsewhere");
    assert_eq!(text(&host, "#conflict-mine-enabled"), "yes");
    assert_eq!(text(&host, "#conflict-theirs-enabled"), "yes");
    sleep_ms(100).await;
    assert!(
        fake.patches().is_empty(),
        "nothing sent until the user chooses"
    );

    click_named(&host, "Use the cluster's version").await;
    assert!(!has(&host, ".conflict"));
    assert_eq!(
        q::<HtmlInputElement>(&host, "#comment").value(),
        "changed elsewhere"
    );
    assert!(
        save_button(&host).disabled(),
        "the form is the cluster's now"
    );
    sleep_ms(50).await;
    assert!(fake.patches().is_empty());

    // Again, and this time keep mine: exactly one PATCH, of my comment.
    fake.stored.lock().unwrap().comment = Some("changed again".into());
    type_comment(&host, "mine").await;
    click_save(&host).await;
    until("the conflict view", || has(&host, ".conflict")).await;
    assert_eq!(text(&host, "#conflict-theirs-comment"), "changed again");
    assert!(fake.patches().is_empty());
    click_named(&host, "Keep mine and save").await;
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;
    let patches = fake.patches();
    assert_eq!(patches.len(), 1);
    assert_eq!(
        serde_json::to_string(&patches[0]).unwrap(),
        r#"{"comment":"mine"}"#
    );
    assert_eq!(fake.stored.lock().unwrap().comment.as_deref(), Some("mine"));
}

#[wasm_bindgen_test]
async fn the_change_log_records_saved_and_failed_changes() {
    let fake = Fake::new(profile("laptop", true));
    let (host, log) = mount_with_log(profile("laptop", true), &fake);
    type_comment(&host, "phone").await;
    click_save(&host).await;
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;

    *fake.fail.lock().unwrap() = Some((ontap(Known::OnlyAdminMayChangeStatus, None), false));
    toggle_enabled(&host).await;
    click_save(&host).await;
    click_named(&host, "Disable and save").await;
    until("the field error", || {
        !text(&host, "#enabled-error").is_empty()
    })
    .await;

    let entries = log.entries.get_untracked();
    assert_eq!(entries.len(), 2, "{entries:#?}");
    let (a, b) = (&entries[0], &entries[1]);
    assert_eq!(
        (a.user.as_str(), a.account.as_str(), a.svm.as_str()),
        ("admin", "alice", "vs1")
    );
    assert_eq!(a.what, "comment “laptop” → “phone”");
    assert_eq!(a.outcome, Outcome::Saved);
    assert_eq!(a.time.len(), 8, "HH:MM:SS: {}", a.time);
    assert_eq!(b.what, "enabled yes → no");
    match &b.outcome {
        Outcome::Failed(m) => assert!(m.contains("Only users with the admin role"), "{m}"),
        o => panic!("expected a failure, got {o:?}"),
    }

    // A lost answer that landed is recorded as unknown, then confirmed.
    *fake.fail.lock().unwrap() = Some((ApiError::Network, true));
    toggle_enabled(&host).await;
    type_comment(&host, "tablet").await;
    click_save(&host).await;
    until("the confirmation", || {
        text(&host, "[role=status]").contains("Saved")
    })
    .await;
    let entries = log.entries.get_untracked();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2].outcome, Outcome::UnknownConfirmed);
}
