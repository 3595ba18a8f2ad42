//! The ONTAP client's transport: base URL, `Authorization` header, timeouts, and decoding every
//! failure into one [`ApiError`] the views can explain.
//!
//! Requests go through the browser's `fetch` with `credentials: "omit"` (the page never lets the
//! browser cache or offer credentials), an `AbortController` that enforces the timeout, and the
//! credentials of the session in the header only: never in a URL, never logged.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, RwLock};

use ontap_model::{ErrorResponse, Known};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, Response};

use crate::session::Credentials;

/// How long a read may take before the page gives up on it. ONTAP's own `return_timeout` for a
/// collection page is 15 s by default, so a healthy cluster answers well within this.
pub const READ_TIMEOUT_MS: i32 = 20_000;
/// How long a write may take. After this, its outcome is unknown and is checked by re-reading.
pub const WRITE_TIMEOUT_MS: i32 = 30_000;

/// The localStorage key of the request timing settings (no credentials, only numbers): a JSON
/// object `{"read_ms": N, "write_ms": N, "retry_base_ms": N}`, each optional. For slow links,
/// and for the tests, which shorten every wait instead of sleeping through the defaults.
pub const TIMING_KEY: &str = "totp-admin.timing";

/// How long requests may take and how long reads wait before retrying.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    pub read_ms: i32,
    pub write_ms: i32,
    pub retry: super::retry::Policy,
}

impl Timing {
    pub const DEFAULT: Timing = Timing {
        read_ms: READ_TIMEOUT_MS,
        write_ms: WRITE_TIMEOUT_MS,
        retry: super::retry::Policy::READS,
    };

    /// The defaults with what `json` sets (values out of range are clamped: 0.2 s to 10 min for
    /// timeouts, 10 ms to 60 s for the first retry's wait); anything unreadable is ignored.
    pub fn parse(json: &str) -> Timing {
        #[derive(serde::Deserialize)]
        struct Raw {
            read_ms: Option<f64>,
            write_ms: Option<f64>,
            retry_base_ms: Option<f64>,
        }
        let mut t = Timing::DEFAULT;
        if let Ok(r) = serde_json::from_str::<Raw>(json) {
            let ms = |v: f64, lo: f64, hi: f64| v.clamp(lo, hi) as i32;
            if let Some(v) = r.read_ms.filter(|v| v.is_finite()) {
                t.read_ms = ms(v, 200.0, 600_000.0);
            }
            if let Some(v) = r.write_ms.filter(|v| v.is_finite()) {
                t.write_ms = ms(v, 200.0, 600_000.0);
            }
            if let Some(v) = r.retry_base_ms.filter(|v| v.is_finite()) {
                t.retry = t.retry.with_base_ms(ms(v, 10.0, 60_000.0) as u32);
            }
        }
        t
    }

    /// The settings in force: the defaults unless localStorage holds [`TIMING_KEY`].
    pub fn current() -> Timing {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(TIMING_KEY).ok().flatten())
            .map(|j| Timing::parse(&j))
            .unwrap_or(Timing::DEFAULT)
    }
}

type UnauthorizedListener = Rc<dyn Fn()>;

thread_local! {
    static ON_UNAUTHORIZED: RefCell<Option<UnauthorizedListener>> = const { RefCell::new(None) };
}

/// Who is told when the cluster refuses a signed-in session's credentials (401): the page
/// shell, which asks the user to sign in again over the current view. `None` removes it.
pub fn on_unauthorized(f: Option<UnauthorizedListener>) {
    ON_UNAUTHORIZED.with(|l| *l.borrow_mut() = f);
}

fn unauthorized() {
    let f = ON_UNAUTHORIZED.with(|l| l.borrow().clone());
    if let Some(f) = f {
        f();
    }
}

/// Everything that can go wrong with a call, in the terms the page explains it in.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// 401: the credentials were refused (or the account may not use the REST API).
    Unauthorized,
    /// The cluster answered with an ONTAP error body.
    Ontap { status: u16, body: ErrorResponse },
    /// The server answered with a status and a body that is not an ONTAP error (a proxy page,
    /// a truncated body...). `status` 502/504 come from a proxy that lost the cluster.
    Http { status: u16 },
    /// No answer within the timeout.
    Timeout,
    /// The request never got an answer: connection refused or dropped, or a network error.
    Network,
    /// A 2xx answer whose body is not what the contract says.
    Decode(String),
    /// The page itself did not send the change (nothing reached the cluster): the reason, for
    /// instance an account that changed since the review so that the change no longer applies.
    NotSent(String),
}

impl ApiError {
    /// For a write: true when the change may or may not have been applied, so the page must
    /// re-read before saying anything (and must never resend it blindly).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Timeout | ApiError::Network => true,
            ApiError::Http { status } => matches!(status, 502 | 504),
            ApiError::Decode(_) => true,
            ApiError::Ontap { status, .. } => matches!(status, 502 | 504),
            ApiError::Unauthorized | ApiError::NotSent(_) => false,
        }
    }

    /// The catalogue entry, when the cluster sent a known code.
    pub fn known(&self) -> Option<Known> {
        match self {
            ApiError::Ontap { body, .. } => body.known(),
            _ => None,
        }
    }

    /// The field the cluster blamed (`target`), if any.
    pub fn field(&self) -> Option<String> {
        match self {
            ApiError::Ontap { body, .. } => body.field().map(str::to_owned),
            _ => None,
        }
    }

    /// A plain message for the user, and what to do next.
    pub fn explain(&self) -> (String, String) {
        match self {
            ApiError::Unauthorized => (
                "The cluster no longer accepts this session's credentials: they may have expired or been changed.".into(),
                "Sign in again (nothing on this page is lost), then try again.".into(),
            ),
            ApiError::Ontap { status, body } => match body.known() {
                Some(k) => {
                    let g = k.guidance();
                    (g.message.into(), g.next_step.into())
                }
                // nginx's own answers for /api (deploy/nginx.conf) are ONTAP-shaped.
                None if matches!(status, 502 | 504 | 413) => {
                    let (m, n) = ApiError::Http { status: *status }.explain();
                    if body.error.message.is_empty() {
                        (m, n)
                    } else {
                        (m, format!("The web server said: {} {n}", body.error.message))
                    }
                }
                None => (
                    format!("The cluster refused the request (HTTP {status}, code {}).", body.error.code),
                    if body.error.message.is_empty() {
                        "Try again; if it persists, check the cluster's event log.".into()
                    } else {
                        format!("The cluster said: {}", body.error.message)
                    },
                ),
            },
            ApiError::Http { status } => match status {
                502 | 504 => (
                    format!("The proxy in front of the cluster could not reach it (HTTP {status})."),
                    "Check that the cluster is up and reachable from the web server, then try again.".into(),
                ),
                413 => (
                    "The request was larger than the web server accepts (HTTP 413).".into(),
                    "Shorten what was entered and try again.".into(),
                ),
                404 => (
                    "The API was not found at this address (HTTP 404).".into(),
                    "Check the API address: the web server must pass /api/ on to the cluster.".into(),
                ),
                s => (
                    format!("The server answered with HTTP {s} and no ONTAP error."),
                    "Try again; if it persists, check the web server and the cluster.".into(),
                ),
            },
            ApiError::Timeout => (
                "The cluster did not answer in time.".into(),
                "It may be busy. Try again in a moment.".into(),
            ),
            ApiError::Network => (
                "The cluster could not be reached.".into(),
                "Check the network connection and that the web server is running, then try again.".into(),
            ),
            ApiError::Decode(what) => (
                "The cluster's answer could not be read.".into(),
                format!("Try again; if it persists, the API may be incompatible ({what})."),
            ),
            ApiError::NotSent(why) => (
                format!("Not sent: {why}"),
                "Nothing was sent to the cluster for this one. Reload the list to see it as it is now.".into(),
            ),
        }
    }
}

/// A completed HTTP exchange.
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// The `Date` header, for comparing the cluster's clock with the browser's.
    pub date: Option<String>,
}

/// A client bound to one API base and one set of credentials. Clones share the credentials:
/// [`Client::renew`] after signing in again reaches every view holding a clone.
#[derive(Clone)]
pub struct Client {
    base: String,
    credentials: Arc<RwLock<Credentials>>,
}

impl Client {
    pub fn new(base: &str, credentials: Credentials) -> Client {
        Client {
            base: base.trim_end_matches('/').to_owned(),
            credentials: Arc::new(RwLock::new(credentials)),
        }
    }

    /// Replaces the credentials of this client and of all its clones.
    pub fn renew(&self, credentials: Credentials) {
        match self.credentials.write() {
            Ok(mut c) => *c = credentials,
            Err(poisoned) => *poisoned.into_inner() = credentials,
        }
    }

    fn credentials(&self) -> Credentials {
        match self.credentials.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The API base (no trailing slash).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of a path below the API base. A `_links` href from ONTAP starts with `/api/`:
    /// it is rebased onto the configured base, so a proxy or gateway path keeps working.
    pub fn url(&self, path: &str) -> String {
        let rel = path.strip_prefix("/api/").map(|p| format!("/{p}"));
        format!("{}{}", self.base, rel.as_deref().unwrap_or(path))
    }

    /// GET and decode; retried by itself with backoff on a transient failure (a read is
    /// safe to repeat: see [`super::retry`]), with a note on screen while it waits.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let timing = Timing::current();
        super::retry::retry(timing.retry, super::retry::worth_retrying, || async {
            let a = self.send("GET", path, None, timing.read_ms).await?;
            decode_ok(a)
        })
        .await
    }

    /// GET and decode once, without retrying.
    pub async fn get_once<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let a = self
            .send("GET", path, None, Timing::current().read_ms)
            .await?;
        decode_ok(a)
    }

    /// PATCH with a JSON body; success is any 2xx (ONTAP answers `{}`; an empty body is fine).
    pub async fn patch_json(&self, path: &str, body: &str) -> Result<(), ApiError> {
        let a = self
            .send("PATCH", path, Some(body), Timing::current().write_ms)
            .await?;
        check_status(a).map(|_| ())
    }

    /// POST with a JSON body, sent once (never retried: a lost answer leaves its outcome
    /// unknown); the 2xx answer comes back whole, its `Date` header included.
    pub async fn post_json(&self, path: &str, body: &str) -> Result<Answer, ApiError> {
        let a = self
            .send("POST", path, Some(body), WRITE_TIMEOUT_MS)
            .await?;
        check_status(a)
    }

    /// GET that also returns the answer's `Date` header (the cluster's clock); retried like
    /// [`Client::get`], with the `Date` of the answer that succeeded.
    pub async fn get_dated<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(T, Option<String>), ApiError> {
        let timing = Timing::current();
        super::retry::retry(timing.retry, super::retry::worth_retrying, || async {
            let a = self.send("GET", path, None, timing.read_ms).await?;
            let date = a.date.clone();
            decode_ok(a).map(|t| (t, date))
        })
        .await
    }

    /// DELETE; success is any 2xx (ONTAP answers `{}`).
    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        let a = self
            .send("DELETE", path, None, Timing::current().write_ms)
            .await?;
        check_status(a).map(|_| ())
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        timeout_ms: i32,
    ) -> Result<Answer, ApiError> {
        let a = fetch(
            method,
            &self.url(path),
            &self.credentials(),
            body,
            timeout_ms,
        )
        .await?;
        if a.status == 401 {
            unauthorized();
        }
        Ok(a)
    }
}

fn check_status(a: Answer) -> Result<Answer, ApiError> {
    if (200..300).contains(&a.status) {
        return Ok(a);
    }
    if a.status == 401 {
        return Err(ApiError::Unauthorized);
    }
    match serde_json::from_str::<ErrorResponse>(&a.body) {
        Ok(body) => Err(ApiError::Ontap {
            status: a.status,
            body,
        }),
        Err(_) => Err(ApiError::Http { status: a.status }),
    }
}

fn decode_ok<T: DeserializeOwned>(a: Answer) -> Result<T, ApiError> {
    let a = check_status(a)?;
    serde_json::from_str(&a.body).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn fetch(
    method: &str,
    url: &str,
    credentials: &Credentials,
    body: Option<&str>,
    timeout_ms: i32,
) -> Result<Answer, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("Accept", "application/json");
    let _ = headers.set("Authorization", &credentials.header());
    if body.is_some() {
        let _ = headers.set("Content-Type", "application/json");
    }
    let controller = AbortController::new().map_err(|_| ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_headers(&headers);
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&controller.signal()));
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }

    let timed_out = Rc::new(Cell::new(false));
    let on_timeout = {
        let timed_out = timed_out.clone();
        let controller = controller.clone();
        Closure::once(move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            timeout_ms,
        )
        .ok();

    let result = async {
        let resp: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .map_err(|_| ())?
            .dyn_into()
            .map_err(|_| ())?;
        let status = resp.status();
        let date = resp.headers().get("Date").ok().flatten();
        // The body's bytes copied into wasm as they are: `text()` would decode the UTF-8 to
        // a JS string and the copy into wasm encode it back, two passes over listings of
        // several megabytes (issue 9). Invalid UTF-8 is replaced, as `text()` does.
        let bytes = JsFuture::from(resp.array_buffer().map_err(|_| ())?)
            .await
            .map_err(|_| ())?;
        let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
        let body = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Ok::<Answer, ()>(Answer { status, body, date })
    }
    .await;

    if let Some(t) = timer {
        window.clear_timeout_with_handle(t);
    }
    drop(on_timeout);
    result.map_err(|()| {
        if timed_out.get() {
            ApiError::Timeout
        } else {
            ApiError::Network
        }
    })
}
