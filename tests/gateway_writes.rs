//! The Unified Manager gateway's write rule through the real transport, in headless Chromium:
//! `window.fetch` is replaced by a stub that answers writes as Unified Manager answers a user
//! who is not an Application Administrator (403) and reads with `{}`, and records every
//! request. The first write is sent and refused; no later write, through any client of the same
//! gateway and by any method, reaches `fetch`; reads still go.

use totp_admin::api::gateway::{tunnel, WriteGate, Writes};
use totp_admin::api::{deaf, ApiError, Client, Credentials};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const STUB: &str = r#"(function () {
  window.__gwRealFetch = window.__gwRealFetch || window.fetch;
  window.__gwCalls = [];
  window.fetch = function (req) {
    window.__gwCalls.push(req.method + " " + new URL(req.url).pathname);
    if (req.method === "GET") {
      return Promise.resolve(new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } }));
    }
    var body = JSON.stringify({ error: { message: "User \"umoperator\" (Operator) is not authorized for this operation.", code: "6" } });
    return Promise.resolve(new Response(body, { status: 403, headers: { "Content-Type": "application/json" } }));
  };
})()"#;

fn calls() -> Vec<String> {
    let v = js_sys::eval("JSON.stringify(window.__gwCalls)").unwrap_or(JsValue::NULL);
    serde_json::from_str(&v.as_string().unwrap_or_default()).unwrap_or_default()
}

fn restore() {
    let _ = js_sys::eval("window.fetch = window.__gwRealFetch");
}

#[wasm_bindgen_test]
async fn after_the_first_refused_write_no_write_goes_through_that_gateway() {
    js_sys::eval(STUB).expect("the fetch stub");
    // The gate's listener must be Send + Sync (the store's is a signal): a thread-local log.
    thread_local! { static HEARD: std::cell::RefCell<Vec<Writes>> = const { std::cell::RefCell::new(Vec::new()) }; }
    let gate = WriteGate::new(|w| HEARD.with(|l| l.borrow_mut().push(w.clone())));
    let creds = || Credentials::Basic {
        user: "umoperator".into(),
        password: "Netapp1!".into(),
    };
    let (base_a, links_a) = tunnel("/um/api", "1cd8a442-86d1-11e0-ae1c-123478563412");
    let (base_b, links_b) = tunnel("/um/api", "2cd8a442-86d1-11e0-ae1c-123478563412");
    let a = Client::new(&base_a, creds(), deaf()).through_gateway(links_a, gate.clone());
    let b = Client::new(&base_b, creds(), deaf()).through_gateway(links_b, gate.clone());
    let said = "User \"umoperator\" (Operator) is not authorized for this operation.".to_owned();

    let first = a
        .patch_json("/security/login/totps/x/jdoe", r#"{"enabled":false}"#)
        .await;
    assert_eq!(
        first,
        Err(ApiError::GatewayWriteRefused {
            sent: true,
            said: said.clone()
        })
    );
    let held = ApiError::GatewayWriteRefused {
        sent: false,
        said: said.clone(),
    };
    // Another cluster of the same gateway, and every write method: kept from the network.
    assert_eq!(
        b.patch_json("/security/login/totps/x/jdoe", r#"{"enabled":false}"#)
            .await,
        Err(held.clone())
    );
    assert_eq!(
        a.delete("/security/login/totps/x/jdoe").await,
        Err(held.clone())
    );
    assert_eq!(
        a.post_json("/security/login/totps", "{}").await.err(),
        Some(held)
    );
    // Reads still go.
    let read: Result<serde_json::Value, ApiError> = b.get_once("/cluster").await;
    assert!(read.is_ok(), "{read:?}");
    let sent = calls();
    restore();
    assert_eq!(
        sent,
        [
            "PATCH /um/api/gateways/1cd8a442-86d1-11e0-ae1c-123478563412/security/login/totps/x/jdoe",
            "GET /um/api/gateways/2cd8a442-86d1-11e0-ae1c-123478563412/cluster",
        ]
    );
    assert!(!gate.open());
    HEARD.with(|l| assert_eq!(*l.borrow(), [Writes::Refused { said }]));
}
