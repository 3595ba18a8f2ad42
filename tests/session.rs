//! Component tests of the session in headless Chromium (wasm-bindgen-test): the credentials'
//! headers (as really sent, through a stand-in `fetch`), who is signed in, where the session is
//! kept (sessionStorage only after the opt-in, never localStorage, wiped on sign-out), the
//! idle sign-out, and the sign-in form's controls.

use leptos::prelude::*;
use ontap_model::{Access, Cluster};
use totp_admin::api::{cluster, Client};
use totp_admin::api::{deaf, jwt_user, Credentials};
use totp_admin::platform::sleep_ms;
use totp_admin::session::persist::{self, ACTIVE_KEY, SESSION_KEY};
use totp_admin::session::signin::{establish, start, Attempt};
use totp_admin::session::Failure;
use totp_admin::session::{Identity, Session, SessionCtx, SignedOut};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, Storage};

wasm_bindgen_test_configure!(run_in_browser);

const PASSWORD: &str = "Netapp1!";
/// A JWT-shaped token whose payload is {"sub":"svc_admin"} (the signature is not checked).
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdmNfYWRtaW4ifQ.c2lnbmF0dXJl";

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}
fn session_storage() -> Storage {
    window().session_storage().unwrap().unwrap()
}
fn local_storage() -> Storage {
    window().local_storage().unwrap().unwrap()
}

/// Every value in a storage area, joined, to look for secrets in.
fn dump(s: &Storage) -> String {
    let mut out = String::new();
    for i in 0..s.length().unwrap() {
        if let Some(k) = s.key(i).unwrap() {
            out.push_str(&k);
            out.push('=');
            out.push_str(&s.get_item(&k).unwrap().unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

fn basic() -> Credentials {
    Credentials::Basic {
        user: "admin".into(),
        password: PASSWORD.into(),
    }
}

fn session(credentials: Credentials, stay: bool, idle_ms: u32) -> Session {
    Session {
        client: Client::new("/api", credentials.clone(), deaf()),
        credentials,
        user: "admin".into(),
        api_base: "/api".into(),
        cluster: Cluster::default(),
        identity: Identity::unknown(Some("admin".into()), "test"),
        idle_ms,
        stay,
    }
}

/// Replaces `window.fetch` with a stand-in cluster that records what it was sent
/// (`window.__seen`: url, method, Authorization, credentials mode) and answers by path.
fn stub_fetch(role: &str, accounts_status: u16) {
    let js = format!(
        r#"
        if (!window.__realFetch) window.__realFetch = window.fetch;
        window.__seen = [];
        window.fetch = (input, init) => {{
          // The page hands fetch a Request (gloo-net); the URL is kept as a path, as written.
          const req = input instanceof Request ? input : new Request(input, init);
          const parsed = new URL(req.url);
          const url = parsed.pathname + parsed.search;
          const h = req.headers;
          window.__seen.push({{url, method: req.method,
            auth: h.get('Authorization'), credentials: req.credentials}});
          const json = (status, body) => Promise.resolve(new Response(JSON.stringify(body),
            {{status, headers: {{'Content-Type': 'application/json'}}}}));
          const u = String(url);
          if (u.startsWith('/api/cluster')) return json(200, {{name: 'cluster1',
            version: {{full: 'NetApp Release 9.18.1', generation: 9, major: 18, minor: 1}}}});
          if (u.startsWith('/api/security/accounts')) {{
            if ({accounts_status} !== 200) return json({accounts_status},
              {{error: {{message: 'not authorized', code: '6'}}}});
            return json(200, {{num_records: 1, records: [{{name: 'svc_admin',
              owner: {{name: 'vs_eng', uuid: '1b0f6a2e-5c30-11ee-8f4a-005056bb1a02'}},
              role: {{name: '{role}'}}, scope: 'svm'}}]}});
          }}
          if (u.startsWith('/api/svm/svms')) return json(200, {{num_records: 1,
            records: [{{name: 'vs_eng', uuid: '1b0f6a2e-5c30-11ee-8f4a-005056bb1a02'}}]}});
          return json(404, {{error: {{message: 'API not found', code: '3'}}}});
        }};"#
    );
    js_sys::Function::new_no_args(&js)
        .call0(&JsValue::NULL)
        .unwrap();
}

fn seen() -> Vec<(String, String, String, String)> {
    let arr: js_sys::Array = js_sys::Reflect::get(&window(), &"__seen".into())
        .unwrap()
        .unchecked_into();
    arr.iter()
        .map(|o| {
            let g = |k: &str| {
                js_sys::Reflect::get(&o, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            (g("url"), g("method"), g("auth"), g("credentials"))
        })
        .collect()
}

#[wasm_bindgen_test]
fn headers_of_both_kinds_and_no_secret_in_debug() {
    assert_eq!(basic().header(), "Basic YWRtaW46TmV0YXBwMSE=");
    let bearer = Credentials::Bearer(" abc.def.ghi ".into());
    assert_eq!(bearer.header(), "Bearer abc.def.ghi");
    assert!(!format!("{:?}", basic()).contains(PASSWORD));
    assert!(!format!("{bearer:?}").contains("abc"));
    assert_eq!(format!("{bearer:?}"), "Bearer(****)");
}

#[wasm_bindgen_test]
fn a_jwt_names_its_user_and_an_opaque_token_does_not() {
    assert_eq!(jwt_user(JWT).as_deref(), Some("svc_admin"));
    assert_eq!(
        Credentials::Bearer(JWT.into()).user().as_deref(),
        Some("svc_admin")
    );
    assert_eq!(jwt_user("opaque-token"), None);
    assert_eq!(jwt_user("a.!!!.c"), None);
    assert_eq!(basic().user().as_deref(), Some("admin"));
}

#[wasm_bindgen_test]
async fn the_header_is_sent_and_nothing_else_carries_the_secret() {
    stub_fetch("admin", 200);
    let token = "tok-123.secret";
    let client = Client::new("/api", Credentials::Bearer(token.into()), deaf());
    let c = cluster::get(&client).await.unwrap();
    assert_eq!(c.name.as_deref(), Some("cluster1"));
    let client = Client::new("/api", basic(), deaf());
    cluster::get(&client).await.unwrap();
    let sent = seen();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].2, format!("Bearer {token}"));
    assert_eq!(sent[1].2, "Basic YWRtaW46TmV0YXBwMSE=");
    for (url, _, _, credentials) in &sent {
        assert!(!url.contains(token) && !url.contains(PASSWORD), "{url}");
        assert_eq!(
            credentials, "omit",
            "the browser never adds its own credentials"
        );
    }
}

#[wasm_bindgen_test]
async fn sign_in_learns_the_role_from_the_account_record() {
    stub_fetch("vsadmin", 200);
    let s = establish(Attempt {
        credentials: Credentials::Bearer(JWT.into()),
        api_base: "/api".into(),
        idle_ms: 60_000,
        stay: false,
        listener: deaf(),
    })
    .await
    .unwrap();
    assert_eq!(s.user, "svc_admin");
    assert_eq!(s.identity.role.as_deref(), Some("vsadmin"));
    assert_eq!(s.identity.svm.as_deref(), Some("vs_eng"));
    assert_eq!(s.identity.access, Access::Modify);
    let urls: Vec<String> = seen().into_iter().map(|s| s.0).collect();
    assert!(
        urls.iter().any(|u| u
            .starts_with("/api/security/accounts?name=svc_admin&fields=name,owner,role,scope")
            || u.starts_with("/api/security/accounts?name=svc_admin&fields=name%2Cowner")),
        "{urls:?}"
    );

    // A role that may not read accounts: unknown, and the only SVM in sight is named.
    stub_fetch("admin", 403);
    let s = establish(Attempt {
        credentials: basic(),
        api_base: "/api".into(),
        idle_ms: 60_000,
        stay: false,
        listener: deaf(),
    })
    .await
    .unwrap();
    assert_eq!(s.identity.access, Access::Unknown);
    assert_eq!(s.identity.svm.as_deref(), Some("vs_eng"));
    assert!(s
        .identity
        .unknown_because
        .unwrap()
        .contains("may not read accounts"));
}

#[wasm_bindgen_test]
async fn a_cluster_before_9_13_is_refused() {
    let js = r#"window.fetch = () => Promise.resolve(new Response(JSON.stringify({name: 'old',
        version: {full: 'NetApp Release 9.12.1', generation: 9, major: 12, minor: 1}}), {status: 200}));"#;
    js_sys::Function::new_no_args(js)
        .call0(&JsValue::NULL)
        .unwrap();
    let r = establish(Attempt {
        credentials: basic(),
        api_base: "/api".into(),
        idle_ms: 60_000,
        stay: false,
        listener: deaf(),
    })
    .await;
    assert!(matches!(r, Err(Failure::TooOld(ref v)) if v == "9.12.1"));
}

#[wasm_bindgen_test]
fn storage_only_after_the_opt_in_never_local_and_wiped_on_sign_out() {
    session_storage().clear().unwrap();
    let local_before = dump(&local_storage());
    let owner = Owner::new();
    owner.with(|| {
        let ctx = SessionCtx::provide();

        // Without the opt-in nothing is kept anywhere.
        start(&ctx, session(basic(), false, 60_000));
        assert_eq!(session_storage().length().unwrap(), 0);
        assert!(ctx.session.with_untracked(Option::is_some));
        ctx.sign_out(SignedOut::ByUser);

        // With it, sessionStorage holds the session, and localStorage still nothing of it.
        start(&ctx, session(basic(), true, 60_000));
        let kept = dump(&session_storage());
        assert!(
            kept.contains(SESSION_KEY) && kept.contains(ACTIVE_KEY),
            "{kept}"
        );
        let back = persist::load().expect("the kept session reads back");
        assert_eq!(back.credentials, basic());
        assert_eq!(back.api_base, "/api");
        assert_eq!(back.idle_ms, 60_000);
        let local = dump(&local_storage());
        assert_eq!(local, local_before);
        assert!(!local.contains(PASSWORD) && !local.contains(SESSION_KEY));

        // Sign-out: memory and sessionStorage.
        ctx.sign_out(SignedOut::ByUser);
        assert!(ctx.session.with_untracked(Option::is_none));
        assert_eq!(session_storage().length().unwrap(), 0);
        assert!(persist::load().is_none());
        assert_eq!(ctx.ended.get_untracked(), Some(SignedOut::ByUser));

        // A token is kept the same way, and goes the same way.
        start(
            &ctx,
            session(Credentials::Bearer("tok-xyz".into()), true, 60_000),
        );
        assert_eq!(
            persist::load().map(|k| k.credentials),
            Some(Credentials::Bearer("tok-xyz".into()))
        );
        assert!(!dump(&local_storage()).contains("tok-xyz"));
        ctx.sign_out(SignedOut::ByUser);
        assert_eq!(session_storage().length().unwrap(), 0);
    });
}

#[wasm_bindgen_test]
fn a_garbled_kept_session_is_wiped() {
    session_storage()
        .set_item(SESSION_KEY, "{not json")
        .unwrap();
    assert!(persist::load().is_none());
    assert_eq!(session_storage().length().unwrap(), 0);
}

fn key(kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    window().dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn an_idle_session_signs_itself_out_and_activity_keeps_it() {
    session_storage().clear().unwrap();
    let owner = Owner::new();
    let ctx = owner.with(|| {
        let ctx = SessionCtx::provide();
        start(&ctx, session(basic(), true, 400));
        totp_admin::session::idle::watch(ctx, 400, std::rc::Rc::new(|| {}));
        ctx
    });
    // Activity every 200 ms for a second keeps the session.
    for _ in 0..5 {
        sleep_ms(200).await;
        key("keydown");
    }
    assert!(
        ctx.session.with_untracked(Option::is_some),
        "activity keeps the session"
    );
    assert!(session_storage().length().unwrap() > 0);
    // Then nothing: signed out within the idle time and a check.
    sleep_ms(400 + 250).await;
    assert!(
        ctx.session.with_untracked(Option::is_none),
        "idle: signed out"
    );
    assert_eq!(
        ctx.ended.get_untracked(),
        Some(SignedOut::Idle { minutes: 1 })
    );
    assert_eq!(session_storage().length().unwrap(), 0, "nothing kept");
    drop(owner);
}

fn q<T: JsCast>(host: &Element, sel: &str) -> T {
    host.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
        .unchecked_into()
}

fn label_of(host: &Element, id: &str) -> String {
    q::<Element>(host, &format!("label[for={id}]"))
        .text_content()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The sign-in form is index.html's static markup; the app binds it. Mounted here over that
/// markup and the sign-in stylesheet, as the page has them.
#[wasm_bindgen_test]
async fn the_static_sign_in_form_is_bound_checked_and_switches_methods() {
    session_storage().clear().unwrap();
    let doc = window().document().unwrap();
    let html = include_str!("../index.html");
    let body = &html[html.find("<body>").unwrap() + "<body>".len()..html.find("</body>").unwrap()];
    let host = doc.create_element("div").unwrap();
    host.set_inner_html(body);
    let style = doc.create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../style/session.css")));
    host.append_child(&style).unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    // What the first module does (debug builds: one module, the app mounted at once).
    totp_admin::shell::start();
    sleep_ms(50).await;
    assert_eq!(label_of(&host, "auth-basic"), "User name and password");
    assert_eq!(label_of(&host, "auth-token"), "Access token");
    assert_eq!(label_of(&host, "user"), "User name");
    assert_eq!(label_of(&host, "stay"), "Stay signed in (this tab only)");
    assert_eq!(
        label_of(&host, "idle-minutes"),
        "Sign out after inactivity (minutes)"
    );
    let idle: HtmlInputElement = q(&host, "#idle-minutes");
    assert_eq!(idle.value(), "15");
    let stay: HtmlInputElement = q(&host, "#stay");
    assert!(!stay.checked(), "staying signed in is an explicit opt-in");
    let api: HtmlInputElement = q(&host, "#api-base");
    assert_eq!(api.value(), "/api");
    let form: Element = q(&host, "#signin-form");
    assert!(form.has_attribute("data-ready"), "the app bound the form");
    let screen: Element = q(&host, "#signin-screen");
    assert!(
        !screen.has_attribute("hidden"),
        "the sign-in screen is shown"
    );

    // Sign in with nothing typed: each error next to its field, tied to it; nothing sent.
    q::<web_sys::HtmlElement>(&host, "#signin-submit").click();
    sleep_ms(20).await;
    let user: HtmlInputElement = q(&host, "#user");
    let user_error: Element = q(&host, "#user-error");
    assert!(
        !user_error.has_attribute("hidden"),
        "the user name's error is shown"
    );
    assert_eq!(user.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        user.get_attribute("aria-describedby").as_deref(),
        Some("user-error")
    );
    assert!(!q::<Element>(&host, "#password-error").has_attribute("hidden"));
    assert_eq!(
        doc.active_element(),
        Some(user.clone().unchecked_into()),
        "the first wrong field has the focus"
    );
    // After the first try each keystroke checks again.
    user.set_value("admin");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    user.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    assert!(
        user_error.has_attribute("hidden"),
        "fixed: the error is gone"
    );
    assert_eq!(user.get_attribute("aria-invalid").as_deref(), Some("false"));

    let token_choice: HtmlInputElement = q(&host, "#auth-token");
    token_choice.click();
    sleep_ms(20).await;
    let password: HtmlInputElement = q(&host, "#password");
    assert!(
        password.offset_parent().is_none(),
        "the password field is hidden while a token is chosen"
    );
    let token: HtmlInputElement = q(&host, "#token");
    assert!(token.offset_parent().is_some(), "the token field is shown");
    assert_eq!(token.type_(), "password", "the token is masked");
    assert_eq!(label_of(&host, "token"), "Token");
    host.remove();
}

/// Why the transport builds its own `web_sys::Request` and hands it to gloo-net to send
/// (README, "Dependencies"): gloo-net 0.6's builder re-serialises the URL and appends a `&` to
/// a query it did not write. Should a later gloo-net keep the URL as given, this fails, and
/// the builder can serve.
#[wasm_bindgen_test]
fn gloo_nets_request_builder_would_change_the_url() {
    let r = gloo_net::http::RequestBuilder::new("/api/security/login/totps?fields=comment,enabled")
        .build()
        .expect("a request");
    assert!(
        r.url()
            .ends_with("/api/security/login/totps?fields=comment,enabled&"),
        "{}",
        r.url()
    );
}

/// The tabs' messages cross as JavaScript values (serde-wasm-bindgen) and come back the same;
/// anything else on the channel is no message.
#[wasm_bindgen_test]
fn tab_messages_cross_as_js_values_and_anything_else_is_ignored() {
    use totp_admin::session::tabs::{decode, encode, TabMessage};
    for m in [
        TabMessage::Ended,
        TabMessage::Active,
        TabMessage::Alive { tab: "a1".into() },
        TabMessage::Here { tab: "a1".into() },
    ] {
        let v = encode(&m).expect("encoded");
        assert_eq!(decode(&v), Some(m));
    }
    assert_eq!(decode(&JsValue::from_str("Nope")), None);
    assert_eq!(decode(&js_sys::Object::new().into()), None);
    assert_eq!(decode(&JsValue::from_f64(1.0)), None);
}
