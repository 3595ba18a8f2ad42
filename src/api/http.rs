//! The ONTAP client's transport: base URL, `Authorization` header, timeouts, and decoding every
//! failure into one [`ApiError`] (plain data; `components::explain` puts it into words).
//!
//! Requests go through the browser's `fetch` with `credentials: "omit"` (the page never lets the
//! browser cache or offer credentials), an `AbortController` that enforces the timeout, and the
//! credentials in the header only: never in a URL, never logged. 401s and read retries are
//! reported to the [`Listener`] given to [`Client::new`]; the client holds no global state.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use ontap_model::ErrorResponse;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal, Headers, RequestCredentials, RequestInit};

use super::credentials::Credentials;
pub use super::error::ApiError;
use super::gateway_writes::WriteGate;
use super::reads::Outcome;
use super::retry::{retry, worth_retrying, Notice};
use super::timing::Timing;

/// A completed HTTP exchange.
pub struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
    /// The `Date` header, for comparing the cluster's clock with the browser's.
    pub(crate) date: Option<String>,
}

/// Which thread fetches a read: the page's, or the reads worker's ([`super::reads`]) when it
/// runs. Writes are always the page's.
#[derive(Clone, Copy)]
enum Via {
    Page,
    Worker,
}

/// What a client tells its owner while it works: the session layer turns these into signals
/// (the re-sign-in dialog, the "trying again" note). The client itself keeps no page state.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// The cluster refused the credentials (401).
    Unauthorized,
    /// Read number `id` waits before its next attempt (`Some`), or no longer waits (`None`).
    Retrying { id: u64, notice: Option<Notice> },
}

/// Who hears a client's [`Report`]s. `Send + Sync` because the session that holds the client
/// lives in a Leptos signal; closures over signals are.
pub type Listener = Arc<dyn Fn(Report) + Send + Sync>;

/// A listener that hears nothing (component tests, one-off checks).
pub fn deaf() -> Listener {
    Arc::new(|_| {})
}

/// A client bound to one API base, one set of credentials and one listener. Clones share the
/// credentials: [`Client::renew`] after signing in again reaches every view holding a clone.
#[derive(Clone)]
pub struct Client {
    base: String,
    credentials: Arc<RwLock<Credentials>>,
    listener: Listener,
    next_read: Arc<AtomicU64>,
    /// Set at sign-out ([`Client::revoke`]): shared by every clone.
    revoked: Arc<AtomicBool>,
    /// When set, every request of this clone is aborted with it ([`Client::scoped`]).
    scope: Option<SendWrapper<AbortSignal>>,
    /// The base the server writes its links under when it is not `base`: a Unified Manager
    /// gateway's `/api/gateways/{uuid}` behind the page's own location for it.
    links: Option<String>,
    /// A gateway's write rule ([`WriteGate`]): asked before every write, told every answer.
    writes: Option<WriteGate>,
    /// Listings fetched by the reads worker ([`Client::reading_off_thread`]).
    off_thread: bool,
}

/// Decides, right before a write is sent, whether it may go: `Err` keeps it from the
/// network and is what the write returns. See [`gated`].
pub type Gate = Rc<dyn Fn() -> Result<(), ApiError>>;

thread_local! {
    /// The gate of the [`Gated`] future being polled, if any.
    static GATE: RefCell<Option<Gate>> = const { RefCell::new(None) };
}

/// Runs `fut` with every write it starts (any method but GET, through any client) checked by
/// `gate` at the moment it would be sent. A bulk write that reads before it writes (the
/// account is read back first) is stopped between the read and the write by a Cancel or a
/// sign-out that came meanwhile, without the write's code knowing the run.
pub fn gated<F: Future + Unpin>(gate: Gate, fut: F) -> Gated<F> {
    Gated { gate, fut }
}

/// A future whose writes ask a [`Gate`] first ([`gated`]). The browser is single-threaded:
/// the gate is in force exactly while this future is polled, and every write starts its
/// `fetch` inside a poll.
pub struct Gated<F> {
    gate: Gate,
    fut: F,
}

impl<F: Future + Unpin> Future for Gated<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let outer = GATE.with(|g| g.replace(Some(this.gate.clone())));
        let r = Pin::new(&mut this.fut).poll(cx);
        GATE.with(|g| *g.borrow_mut() = outer);
        r
    }
}

/// What the gate in force says about a write now (`Ok` when none is in force).
fn gate_says() -> Result<(), ApiError> {
    GATE.with(|g| g.borrow().as_ref().map_or(Ok(()), |gate| gate()))
}

impl Client {
    pub fn new(base: &str, credentials: Credentials, listener: Listener) -> Client {
        Client {
            base: base.trim_end_matches('/').to_owned(),
            credentials: Arc::new(RwLock::new(credentials)),
            listener,
            next_read: Arc::new(AtomicU64::new(1)),
            revoked: Arc::new(AtomicBool::new(false)),
            scope: None,
            links: None,
            writes: None,
            off_thread: false,
        }
    }

    /// A client whose listings are fetched by the reads worker ([`super::reads`]), and
    /// clones of it. For a fleet's clusters: fifty clusters' listings at once kept the page's
    /// thread busy receiving them. One cluster's gain nothing: its 10,000-profile table showed
    /// its first rows about 9 ms later through the worker (bench `10k`, three pairs of runs).
    pub fn reading_off_thread(mut self) -> Client {
        self.off_thread = true;
        self
    }

    /// A client of one cluster through a Unified Manager gateway: `links` is the base the
    /// gateway writes that cluster's links under, `writes` the gateway's write rule, shared by
    /// the clients of all its clusters.
    pub fn through_gateway(mut self, links: String, writes: WriteGate) -> Client {
        self.links = Some(links);
        self.writes = Some(writes);
        self
    }

    /// The write rule of the gateway this client goes through, if it goes through one: a
    /// view or a runner asks it whether a write may be offered ([`WriteGate::open`]).
    pub fn gateway_writes(&self) -> Option<&WriteGate> {
        self.writes.as_ref()
    }

    /// A `_links` href as a path below `/api/` ([`own_link`]), under this
    /// client's base or the base its server writes links under. Through a gateway, a link
    /// into the gateway that is not this cluster's (another cluster's tunnel, the gateway's
    /// listing) comes back without `/api`, which no listing follows.
    pub(crate) fn own_link(&self, href: &str) -> String {
        let own = own_link(&self.base, href);
        let Some(links) = &self.links else {
            return own;
        };
        let own = if own == href {
            own_link(links, href)
        } else {
            own
        };
        let into_gateway = own == "/api/gateways"
            || own.starts_with("/api/gateways/")
            || own.starts_with("/api/gateways?");
        if into_gateway {
            own["/api".len()..].to_owned()
        } else {
            own
        }
    }

    /// A clone whose requests are aborted when `signal` is (a view's reads, aborted when the
    /// view is cleaned up: `SessionCtx::view_client`). Its failures are then
    /// [`ApiError::Aborted`]. Never for writes: a sent write's answer must not be lost.
    pub fn scoped(&self, signal: AbortSignal) -> Client {
        Client {
            scope: Some(SendWrapper::new(signal)),
            ..self.clone()
        }
    }

    /// A clone that reports to `listener` instead (a fleet's cluster opened in its own
    /// screens: its 401s and retries are that view's to show). Credentials, revocation and a
    /// gateway's write rule stay shared with the client it came from. One cluster's screens
    /// read on the page's thread, as a single cluster's page does.
    pub fn with_listener(&self, listener: Listener) -> Client {
        Client {
            listener,
            off_thread: false,
            ..self.clone()
        }
    }

    /// Replaces the credentials of this client and of all its clones.
    pub fn renew(&self, credentials: Credentials) {
        match self.credentials.write() {
            Ok(mut c) => *c = credentials,
            Err(poisoned) => *poisoned.into_inner() = credentials,
        }
    }

    /// Ends this client and all its clones (sign-out): every request after this fails as
    /// [`ApiError::NotSent`] before anything is sent. A view, a run or a task that kept a
    /// clone can send nothing with its credentials.
    pub fn revoke(&self) {
        self.revoked.store(true, Ordering::Relaxed);
    }

    /// True once [`Client::revoke`] was called on this client or a clone.
    pub fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::Relaxed)
    }

    pub(crate) fn credentials(&self) -> Credentials {
        match self.credentials.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The account name its credentials tell, if they tell one ([`Credentials::user`]): who
    /// the cluster sees (the fleet's report says it).
    pub(crate) fn user(&self) -> Option<String> {
        self.credentials().user()
    }

    /// The URL of a path below the API base. A `_links` href from ONTAP starts with `/api/`:
    /// it is rebased onto the configured base, so a proxy or gateway path keeps working.
    pub(crate) fn url(&self, path: &str) -> String {
        let rel = path.strip_prefix("/api/").map(|p| format!("/{p}"));
        format!("{}{}", self.base, rel.as_deref().unwrap_or(path))
    }

    /// GETs `path` with the retry policy in force, reporting each wait to the listener, and
    /// hands the answer that ended it to `decode`. The settings are read once per read.
    async fn read<T>(
        &self,
        path: &str,
        via: Via,
        decode: impl Fn(Answer) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let timing = Timing::current();
        let id = self.next_read.fetch_add(1, Ordering::Relaxed);
        let listener = self.listener.clone();
        let report = move |notice| listener(Report::Retrying { id, notice });
        retry(timing.retry, worth_retrying, report, || async {
            decode(self.send_via("GET", path, None, timing, via).await?)
        })
        .await
    }

    /// GET and decode; retried by itself with backoff on a transient failure (a read is
    /// safe to repeat: see [`super::retry`]), reported to the listener while it waits.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.read(path, Via::Page, decode_ok).await
    }

    /// [`Client::get`] of one page of a listing: fetched by the reads worker when the client
    /// reads off the page's thread and the worker runs ([`super::reads`]).
    pub(crate) async fn get_page<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let via = if self.off_thread {
            Via::Worker
        } else {
            Via::Page
        };
        self.read(path, via, decode_ok).await
    }

    /// GET and decode once, without retrying.
    pub async fn get_once<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        decode_ok(self.send("GET", path, None, Timing::current()).await?)
    }

    /// PATCH with a JSON body; success is any 2xx (ONTAP answers `{}`; an empty body is fine).
    pub async fn patch_json(&self, path: &str, body: &str) -> Result<(), ApiError> {
        let a = self.send("PATCH", path, Some(body), Timing::current());
        check_status(a.await?).map(|_| ())
    }

    /// POST with a JSON body, sent once (never retried: a lost answer leaves its outcome
    /// unknown); the 2xx answer comes back whole, its `Date` header included.
    pub async fn post_json(&self, path: &str, body: &str) -> Result<Answer, ApiError> {
        check_status(
            self.send("POST", path, Some(body), Timing::current())
                .await?,
        )
    }

    /// GET that also returns the answer's `Date` header (the cluster's clock); retried like
    /// [`Client::get`], with the `Date` of the answer that succeeded.
    pub(crate) async fn get_dated<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<(T, Option<String>), ApiError> {
        self.read(path, Via::Page, |a| {
            let date = a.date.clone();
            decode_ok(a).map(|t| (t, date))
        })
        .await
    }

    /// DELETE; success is any 2xx (ONTAP answers `{}`).
    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        check_status(self.send("DELETE", path, None, Timing::current()).await?).map(|_| ())
    }

    /// One exchange, with the timeout of its method from `timing` ([`Timing::timeout_ms`]):
    /// no call site picks a timeout of its own.
    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        timing: Timing,
    ) -> Result<Answer, ApiError> {
        self.send_via(method, path, body, timing, Via::Page).await
    }

    /// [`Client::send`], a GET fetched by the reads worker when `via` says so.
    async fn send_via(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        timing: Timing,
        via: Via,
    ) -> Result<Answer, ApiError> {
        if self.is_revoked() {
            return Err(ApiError::NotSent("the session ended".into()));
        }
        let write = !method.eq_ignore_ascii_case("GET");
        if write {
            gate_says()?;
            if let Some(g) = &self.writes {
                g.check()?;
            }
        }
        let timeout_ms = timing.timeout_ms(method);
        let scope = self.scope.as_deref();
        let url = self.url(path);
        if self.off_thread && !write {
            // Started at the first read (a sign-in's), so that it is ready for the listings.
            super::reads::warm();
        }
        let worker = matches!(via, Via::Worker) && !write;
        let a = fetch(
            method,
            &url,
            &self.credentials(),
            body,
            timeout_ms,
            scope,
            worker,
        )
        .await?;
        if a.status == 401 {
            (self.listener)(Report::Unauthorized);
        }
        if let (true, Some(g)) = (write, &self.writes) {
            if let Some(refused) = g.answered(a.status, &a.body) {
                return Err(refused);
            }
        }
        Ok(a)
    }
}

/// A `_links.next` href as a path below `/api/`: a cluster behind a proxy that rewrites its
/// links (the direct layout's `/clusters/{name}/api/...`, issue 19) sends them under the
/// client's own base, which is taken back to `/api/` (the client puts its base in front again);
/// a cluster that sends them as it would without the proxy already says `/api/`. Anything else,
/// another cluster's base included, is left as it is, for `list::follow` to refuse.
pub(crate) fn own_link(base: &str, href: &str) -> String {
    let base = base.trim_end_matches('/');
    // Only a base that is a path on this origin (an absolute base's links are `/api/...`).
    if base.starts_with('/') && base != "/api" {
        if let Some(rest) = href.strip_prefix(base) {
            if rest.starts_with('/') {
                return format!("/api{rest}");
            }
        }
    }
    href.to_owned()
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
    serde_json::from_str(&a.body).map_err(|e| undecodable(&e))
}

/// A 2xx answer that is not what the contract says: where it broke, never serde's message,
/// which can quote the answer (and an enrollment's answer holds the secret).
pub(crate) fn undecodable(e: &serde_json::Error) -> ApiError {
    ApiError::Decode(format!(
        "{:?} at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    ))
}

/// One exchange through gloo-net. The request is built as a `web_sys::Request` and handed to
/// gloo-net to send: gloo-net's own builder re-serialises the URL and adds a `&` to a query it
/// did not write (README, "Dependencies"). No timeout of its own, so an `AbortController`
/// enforces it.
async fn fetch(
    method: &str,
    url: &str,
    credentials: &Credentials,
    body: Option<&str>,
    timeout_ms: u32,
    scope: Option<&AbortSignal>,
    worker: bool,
) -> Result<Answer, ApiError> {
    if scope.is_some_and(AbortSignal::aborted) {
        return Err(ApiError::Aborted);
    }
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let auth = credentials.header();
    // What every request sends, the page's and the reads worker's alike.
    let sent = [
        ("Accept", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    for (k, v) in sent {
        let _ = headers.set(k, v);
    }
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
    let request = web_sys::Request::new_with_str_and_init(url, &init)
        .map(gloo_net::http::Request::from)
        .map_err(|_| ApiError::Network)?;

    // The view's signal aborts this request's controller too (one controller per request, so
    // the timeout aborts only its own request).
    let cancelled = Rc::new(Cell::new(false));
    let on_cancel = {
        let cancelled = cancelled.clone();
        let controller = controller.clone();
        Closure::<dyn FnMut()>::new(move || {
            cancelled.set(true);
            controller.abort();
        })
    };
    if let Some(s) = scope {
        let _ = s.add_event_listener_with_callback("abort", on_cancel.as_ref().unchecked_ref());
    }
    let timeout = crate::platform::AbortAfter::new(&controller, timeout_ms);

    let result = async {
        if worker {
            let absolute =
                web_sys::Url::new_with_base(url, &window.location().href().map_err(|_| ())?)
                    .map_err(|_| ())?
                    .href();
            match super::reads::get(&absolute, &sent, &controller.signal()).await {
                Outcome::Answered(r) => {
                    return Ok(Answer {
                        status: r.status,
                        body: utf8(r.body),
                        date: r.date,
                    })
                }
                // Aborted (the timeout, the view gone): as the page's own request would be.
                Outcome::Failed if controller.signal().aborted() => return Err(()),
                // The worker's own request failed: the page sends it itself, once, and from
                // now on (a host whose policy or network the worker does not share must not
                // lose every listing). A read is safe to send again.
                Outcome::Failed => super::reads::switch_off(),
                Outcome::NotHere => {}
            }
        }
        let resp = request.send().await.map_err(|_| ())?;
        let status = resp.status();
        let date = resp.headers().get("Date");
        // The body's bytes copied into wasm as they are: `text()` would decode the UTF-8 to
        // a JS string and the copy into wasm encode it back, two passes over listings of
        // several megabytes (issue 9). Invalid UTF-8 is replaced, as `text()` does.
        // Copied without zeroing the buffer first (gloo's `binary` does): 2 MB a listing.
        let raw: web_sys::Response = resp.into();
        let buffer = raw.array_buffer().map_err(|_| ())?;
        let buffer = wasm_bindgen_futures::JsFuture::from(buffer)
            .await
            .map_err(|_| ())?;
        let body = utf8(js_sys::Uint8Array::new(&buffer).to_vec());
        Ok::<Answer, ()>(Answer { status, body, date })
    }
    .await;

    let timed_out = timeout.fired();
    drop(timeout);
    if let Some(s) = scope {
        let _ = s.remove_event_listener_with_callback("abort", on_cancel.as_ref().unchecked_ref());
    }
    drop(on_cancel);
    result.map_err(|()| {
        if cancelled.get() {
            ApiError::Aborted
        } else if timed_out {
            ApiError::Timeout
        } else {
            ApiError::Network
        }
    })
}

/// A body's bytes as text; invalid UTF-8 is replaced, as `text()` does.
fn utf8(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
