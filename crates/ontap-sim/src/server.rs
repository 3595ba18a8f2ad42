//! The HTTP side: the connection loop (our own, so that a fault can drop a connection without
//! an answer), and one axum fallback handler that sends `/api` to the API (after sign-in,
//! latency, fault injection, the strict check of the answer, and logging) and everything else
//! to the page's files. Listings asked again of an unchanged cluster are sent from memory
//! ([`Answers`]); faults, latency and the log apply to them as to any answer.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request as HttpRequest, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use ontap_model::{Known, Query};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinSet;

use crate::api::{self, ApiError, Caller, Reply, Request};
use crate::auth::Credentials;
use crate::faults::{FaultMode, FaultRecord, Scripted};
use crate::inferred::{
    BEARER_FROM, BODY_NOT_JSON_OBJECT, FAULT_BUSY, FAULT_INTERNAL_ERROR, UNAUTHENTICATED,
};
use crate::render::{Options, Writer};
use crate::schema::Def;
use crate::{static_files, LoggedRequest, Sim};

/// The largest request body read (the API takes small JSON bodies).
const BODY_LIMIT: usize = 1 << 20;
/// The realm ONTAP names in `WWW-Authenticate`.
pub const WWW_AUTHENTICATE: &str = "Basic realm=\"ONTAP\"";
/// The body of a [`FaultMode::NotJson`] answer: what a proxy's error page looks like.
const NOT_JSON_BODY: &str =
    "<html><head><title>Gateway</title></head><body><h1>Gateway</h1><p>The upstream \
     answer could not be delivered.</p></body></html>\n";

#[derive(Clone, Debug)]
pub struct Settings {
    pub dist: Option<PathBuf>,
    pub send_www_authenticate: bool,
    pub latency: Duration,
    /// Where a fleet's cluster is served (`/clusters/{name}/api`, [`crate::fleet`]; a
    /// gateway's `/api/gateways/{uuid}`): HAL links and `Location` get it in place of `/api`;
    /// `None` for a single cluster at the root.
    pub link_base: Option<String>,
}

#[derive(Clone)]
struct Shared {
    sim: Sim,
    settings: Arc<Settings>,
    answers: Arc<Answers>,
}

/// The collection GETs whose answers are kept ([`Answers`]): the large listings a page reads
/// again and again.
const KEPT_COLLECTIONS: &[&str] = &["/api/security/login/totps", "/api/security/accounts"];
/// At most this many answers, and this many bytes of them, are kept per cluster; the whole
/// store is forgotten past either (a 100,000-record cluster's pages must not pile up).
const KEPT_ANSWERS: usize = 32;
const KEPT_BYTES: usize = 64 << 20;

/// Collection answers already sent, by who asked, what and in which form, each with the
/// state's [`Sim::generation`] it was computed at: an unchanged state sends the same bytes
/// again instead of rendering thousands of records anew. A real fleet's clusters each render
/// on their own CPUs; the emulator renders fifty on the page's own, and this keeps that cost
/// out of what the page is measured by. Any change of the state (a write, a test's
/// `with_state`) makes every kept answer stale.
#[derive(Default)]
struct Answers(Mutex<HashMap<String, (u64, Bytes)>>);

impl Answers {
    fn get(&self, key: &str, generation: u64) -> Option<Bytes> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, b)| b.clone())
    }

    fn keep(&self, key: String, generation: u64, text: Bytes) {
        if text.len() > KEPT_BYTES / 4 {
            return;
        }
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.remove(&key);
        let bytes: usize = kept.values().map(|(_, t)| t.len()).sum();
        if kept.len() >= KEPT_ANSWERS || bytes + text.len() > KEPT_BYTES {
            kept.clear();
        }
        kept.insert(key, (generation, text));
    }
}

/// Closes the connection a request came on, without an answer.
#[derive(Clone)]
struct ConnectionKill(Arc<Notify>);

pub fn router(sim: Sim, settings: Settings) -> Router {
    Router::new().fallback(route).with_state(Shared {
        sim,
        settings: Arc::new(settings),
        answers: Arc::new(Answers::default()),
    })
}

/// Serves `app` on `listener` until `shutdown` fires: one task per connection, each of which a
/// request can end at once (see [`FaultMode::DropBefore`]). A connection that has not sent a
/// whole request head within `header_read_timeout` is closed; hyper runs that clock from the
/// moment it waits for a head, so it also ends a kept-alive connection left idle that long.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Option<Duration>,
    mut shutdown: oneshot::Receiver<()>,
) -> io::Result<()> {
    let mut http1 = hyper::server::conn::http1::Builder::new();
    // Without a timer hyper would wait for a stalled head for ever.
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // A connection that failed before it was accepted concerns no one else.
                    Err(_) => continue,
                };
                let _ = stream.set_nodelay(true);
                let kill = Arc::new(Notify::new());
                let app = app.clone();
                let kill_for_requests = ConnectionKill(kill.clone());
                let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(kill_for_requests.clone());
                    let mut app = app.clone();
                    async move {
                        tower_service::Service::call(&mut app, req).await
                    }
                });
                let connection = http1.serve_connection(TokioIo::new(stream), service);
                connections.spawn(async move {
                    tokio::select! {
                        _ = connection => {}
                        _ = kill.notified() => {}
                    }
                });
                // Reap finished connections so the set does not grow without bound.
                while connections.try_join_next().is_some() {}
            }
        }
    }
    connections.shutdown().await;
    Ok(())
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

async fn route(State(shared): State<Shared>, req: HttpRequest) -> Response {
    let path = req.uri().path().to_owned();
    let mut response = if is_api(&path) {
        api_call(&shared, req).await
    } else {
        match &shared.settings.dist {
            Some(dist) => static_files::serve(dist, req.method(), &path).await,
            None => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Body::from("ontap-sim serves only /api (no --dist given)\n"))
                .unwrap_or_default(),
        }
    };
    // The cluster's clock (shifted by `--clock-offset-secs`), written when the answer leaves
    // (hyper would send the machine's otherwise).
    if let Ok(date) = HeaderValue::from_str(&crate::rng::http_date(shared.sim.now())) {
        response.headers_mut().insert(header::DATE, date);
    }
    response
}

/// Who the credentials name, if they sign in (and have not expired).
fn sign_in(sim: &Sim, credentials: &Option<Credentials>) -> Option<Caller> {
    let credentials = credentials.as_ref()?;
    let (id, caller) = match credentials {
        Credentials::Basic { user, password } => (
            user.clone(),
            sim.read_state(|s| Caller::sign_in_unchanged(s, user, password))
                .or_else(|| sim.with_state(|s| Caller::sign_in(s, user, password))),
        ),
        Credentials::Bearer(token) => {
            let v = sim.version();
            let caller = if v.at_least(BEARER_FROM.0, BEARER_FROM.1, 0) {
                sim.read_state(|s| Caller::sign_in_token(s, token))
            } else {
                None
            };
            (token.clone(), caller)
        }
    };
    let caller = caller?;
    (!sim.use_credential(&id)).then_some(caller)
}

/// The user name to log for the credentials.
fn logged_user(sim: &Sim, credentials: &Option<Credentials>) -> Option<String> {
    match credentials.as_ref()? {
        Credentials::Basic { user, .. } => Some(user.clone()),
        Credentials::Bearer(token) => sim.read_state(|s| s.tokens.get(token).cloned()),
    }
}

fn error_reply(e: ApiError) -> (u16, Value, Def) {
    (
        e.status,
        serde_json::to_value(e.body).unwrap_or_default(),
        Def::Error,
    )
}

async fn api_call(shared: &Shared, req: HttpRequest) -> Response {
    let sim = &shared.sim;
    let settings = &shared.settings;
    let id = sim.next_request_id();
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.clone());
    let credentials = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(Credentials::parse);
    let kill = req.extensions().get::<ConnectionKill>().cloned();
    let plain_json = wants_plain_json(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok()),
    );
    // The body is read only once the caller has signed in (or an injected fault, which a test
    // asked for, answers instead): an unauthenticated client cannot make the emulator wait
    // for, or hold, a body it never finishes or that is huge.
    let mut unread = Some(req.into_body());
    let mut body: Option<Result<Bytes, axum::Error>> = None;

    if !settings.latency.is_zero() {
        tokio::time::sleep(settings.latency).await;
    }

    let user = logged_user(sim, &credentials);
    let log =
        |status: u16, sent_www_authenticate: bool, body: &Option<Result<Bytes, axum::Error>>| {
            sim.log(LoggedRequest {
                id,
                method: method.clone(),
                path: path_and_query.clone(),
                user: user.clone(),
                status,
                body: body
                    .as_ref()
                    .and_then(|b| b.as_ref().ok())
                    .filter(|b| !b.is_empty())
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
                sent_www_authenticate,
            })
        };
    let record_fault = |mode: FaultMode, applied: bool| {
        sim.record_fault(FaultRecord {
            request_id: id,
            method: method.clone(),
            path: path_and_query.clone(),
            mode,
            applied,
        })
    };

    // A scripted fault for this request (deterministic tests), else the random draw.
    let (fault, delay) = match sim.take_scripted(&method, &path_and_query) {
        Some(Scripted::Mode(m)) => (Some(m), None),
        Some(Scripted::Delay(d)) => (None, Some(d)),
        Some(Scripted::Raw {
            status,
            content_type,
            body: raw,
        }) => {
            record_fault(FaultMode::Hostile, false);
            body = read_body(&mut unread).await;
            log(status, false, &body);
            return Response::builder()
                .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(raw))
                .unwrap_or_default();
        }
        Some(Scripted::LateApply(after)) => {
            return late_apply(
                sim,
                &credentials,
                unread,
                (&method, &path, &path_and_query),
                after,
                (id, kill),
            )
            .await;
        }
        None => (sim.draw_fault(), None),
    };

    // Faults answered before anything is carried out.
    let before = match fault {
        Some(FaultMode::Internal) => Some(ApiError::inferred(&FAULT_INTERNAL_ERROR, "")),
        Some(FaultMode::Unavailable) => Some(ApiError::inferred(&FAULT_BUSY, "")),
        Some(FaultMode::TooMany) => Some(ApiError {
            status: Known::TooManyRequests.status(),
            body: FAULT_BUSY.body(""),
        }),
        _ => None,
    };
    // A test that injects a fault reads what the request carried in the log, so the body is
    // read for these too.
    if let (Some(mode), Some(e)) = (fault, before) {
        record_fault(mode, false);
        body = read_body(&mut unread).await;
        log(e.status, false, &body);
        let (status, json, def) = error_reply(e);
        let written = Writer::write(def, &json, Options::default());
        sim.record_violations(&format!("{method} {path_and_query}"), written.violations);
        return json_response(status, Bytes::from(written.text), None, false);
    }
    if fault == Some(FaultMode::DropBefore) {
        record_fault(FaultMode::DropBefore, false);
        body = read_body(&mut unread).await;
        log(0, false, &body);
        return drop_connection(kill).await;
    }

    let caller = sign_in(sim, &credentials);
    if caller.is_some() {
        body = read_body(&mut unread).await;
    }
    let keep_as = match &caller {
        Some(c) if method == "GET" && KEPT_COLLECTIONS.contains(&path.as_str()) => Some(format!(
            "{}\n{}\n{plain_json}\n{path_and_query}",
            c.owner.as_str(),
            c.name
        )),
        _ => None,
    };
    // Read before the state is: an answer kept under this number cannot come from a later
    // state (see `Sim::with_state`).
    let generation = sim.generation();
    let kept = keep_as
        .as_deref()
        .and_then(|key| shared.answers.get(key, generation));
    let (status, text, location, applied) = match kept {
        Some(text) => (200, text, None, true),
        None => {
            let (status, text, location, applied) = answer(
                shared,
                caller.as_ref(),
                &body,
                (&method, &path, &path_and_query),
                plain_json,
            );
            if let (200, Some(key)) = (status, keep_as) {
                shared.answers.keep(key, generation, text.clone());
            }
            (status, text, location, applied)
        }
    };
    let content_type = if plain_json {
        "application/json"
    } else {
        "application/hal+json"
    };
    let www_authenticate = status == 401 && settings.send_www_authenticate;

    match fault {
        Some(FaultMode::DropAfter) => {
            record_fault(FaultMode::DropAfter, applied);
            log(0, false, &body);
            drop_connection(kill).await
        }
        Some(mode @ (FaultMode::Truncate | FaultMode::NotJson)) => {
            record_fault(mode, applied);
            log(status, www_authenticate, &body);
            if mode == FaultMode::NotJson {
                let mut r = Response::builder()
                    .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                    .header(header::CONTENT_TYPE, "text/html");
                if let Some(l) = &location {
                    r = r.header(header::LOCATION, l);
                }
                return r.body(Body::from(NOT_JSON_BODY)).unwrap_or_default();
            }
            truncated_response(status, text, location.as_deref(), kill).await
        }
        _ => {
            log(status, www_authenticate, &body);
            let mut r = json_response(status, text, location.as_deref(), www_authenticate);
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            if let Some(d) = delay {
                // Carried out at once; the answer is held back.
                record_fault(FaultMode::Slow, applied);
                tokio::time::sleep(d).await;
            }
            r
        }
    }
}

/// Carries out a request and renders its answer: status, body, `Location`, and whether it was
/// carried out.
fn answer(
    shared: &Shared,
    caller: Option<&Caller>,
    body: &Option<Result<Bytes, axum::Error>>,
    (method, path, path_and_query): (&str, &str, &str),
    plain_json: bool,
) -> (u16, Bytes, Option<String>, bool) {
    let sim = &shared.sim;
    let options = Options {
        plain_json,
        link_base: shared.settings.link_base.as_deref(),
    };
    let result = match (caller, body) {
        (None, _) => Err(ApiError::inferred(&UNAUTHENTICATED, "")),
        (Some(_), None | Some(Err(_))) => Err(ApiError::inferred(&BODY_NOT_JSON_OBJECT, "")),
        (Some(caller), Some(Ok(bytes))) => {
            let request = Request {
                method,
                path,
                path_and_query,
                query: Query::parse(path_and_query.split_once('?').map_or("", |(_, q)| q)),
                body: bytes,
                out: Some(options),
            };
            api::handle(sim, caller, &request)
        }
    };
    let applied = result.is_ok();
    let (status, written, location) = match result {
        Ok(Reply {
            status,
            body: api::Body::Json(json),
            schema,
            location,
        }) => (status, Writer::write(schema, &json, options), location),
        Ok(Reply {
            status,
            body: api::Body::Written(written),
            location,
            ..
        }) => (status, written, location),
        Err(e) => {
            let (s, j, d) = error_reply(e);
            (s, Writer::write(d, &j, options), None)
        }
    };
    sim.record_violations(&format!("{method} {path_and_query}"), written.violations);
    let location = match (&shared.settings.link_base, location) {
        (Some(base), Some(l)) => Some(crate::fleet::rebased(&l, base).unwrap_or(l)),
        (_, location) => location,
    };
    (status, Bytes::from(written.text), location, applied)
}

/// [`Scripted::LateApply`]: ends the connection without an answer, and carries the request
/// out `after` its arrival in a task of its own.
async fn late_apply(
    sim: &Sim,
    credentials: &Option<Credentials>,
    mut unread: Option<Body>,
    (method, path, path_and_query): (&str, &str, &str),
    after: Duration,
    (id, kill): (u64, Option<ConnectionKill>),
) -> Response {
    let arrived = tokio::time::Instant::now();
    let caller = sign_in(sim, credentials);
    let body = match &caller {
        Some(_) => read_body(&mut unread).await,
        None => None,
    };
    sim.log(LoggedRequest {
        id,
        method: method.to_owned(),
        path: path_and_query.to_owned(),
        user: logged_user(sim, credentials),
        status: 0,
        body: body
            .as_ref()
            .and_then(|b| b.as_ref().ok())
            .filter(|b| !b.is_empty())
            .map(|b| String::from_utf8_lossy(b).into_owned()),
        sent_www_authenticate: false,
    });
    if let (Some(caller), Some(Ok(bytes))) = (caller, body) {
        let (sim, method, path, pq) = (
            sim.clone(),
            method.to_owned(),
            path.to_owned(),
            path_and_query.to_owned(),
        );
        tokio::spawn(async move {
            tokio::time::sleep_until(arrived + after).await;
            let request = Request {
                method: &method,
                path: &path,
                path_and_query: &pq,
                query: Query::parse(pq.split_once('?').map_or("", |(_, q)| q)),
                body: &bytes,
                // Nobody reads the answer.
                out: None,
            };
            let applied = api::handle(&sim, &caller, &request).is_ok();
            sim.record_fault(FaultRecord {
                request_id: id,
                method,
                path: pq,
                mode: FaultMode::LateApply,
                applied,
            });
        });
    }
    drop_connection(kill).await
}

/// Reads the request's body, the first time only (`None` after that).
async fn read_body(unread: &mut Option<Body>) -> Option<Result<Bytes, axum::Error>> {
    Some(to_bytes(unread.take()?, BODY_LIMIT).await)
}

/// NetApp ("Input variables for an ONTAP REST API request", Accept): `application/json`
/// returns no HAL links "except a link needed to retrieve the next batch of records"; any
/// other value gets `application/hal+json`.
fn wants_plain_json(accept: Option<&str>) -> bool {
    let Some(accept) = accept else {
        return false;
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|t| t.split(';').next().unwrap_or("").trim())
        .collect();
    types.contains(&"application/json") && !types.contains(&"application/hal+json")
}

fn json_response(
    status: u16,
    text: Bytes,
    location: Option<&str>,
    www_authenticate: bool,
) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/hal+json")
        .header(header::CACHE_CONTROL, "no-cache,no-store,must-revalidate");
    if let Some(l) = location {
        builder = builder.header(header::LOCATION, l);
    }
    if www_authenticate {
        builder = builder.header(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(WWW_AUTHENTICATE),
        );
    }
    builder.body(Body::from(text)).unwrap_or_default()
}

/// Ends the connection this request came on, without an answer.
async fn drop_connection(kill: Option<ConnectionKill>) -> Response {
    if let Some(ConnectionKill(k)) = kill {
        k.notify_one();
        // The connection's task drops this future with the connection.
        std::future::pending::<()>().await;
    }
    // No connection to end (the router called directly): an empty 502 is the nearest thing.
    Response::builder()
        .status(StatusCode::BAD_GATEWAY)
        .body(Body::empty())
        .unwrap_or_default()
}

/// Sends the head (with the full `Content-Length`) and half the body, then ends the
/// connection.
async fn truncated_response(
    status: u16,
    text: Bytes,
    location: Option<&str>,
    kill: Option<ConnectionKill>,
) -> Response {
    let half = text[..text.len() / 2].to_vec();
    let full_len = text.len();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, io::Error>>(2);
    tokio::spawn(async move {
        let _ = tx.send(Ok(half)).await;
        // Give the first half time to reach the socket, then end the connection.
        tokio::time::sleep(Duration::from_millis(50)).await;
        if let Some(ConnectionKill(k)) = kill {
            k.notify_one();
        }
        let _ = tx
            .send(Err(io::Error::other("truncated by fault injection")))
            .await;
    });
    let stream = tokio_stream_from(rx);
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .header(header::CONTENT_TYPE, "application/hal+json")
        .header(header::CONTENT_LENGTH, full_len);
    if let Some(l) = location {
        builder = builder.header(header::LOCATION, l);
    }
    builder.body(Body::from_stream(stream)).unwrap_or_default()
}

/// A `Stream` over a channel's receiver (what `tokio-stream`'s wrapper does, in a few lines).
fn tokio_stream_from(
    rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, io::Error>> + Send + 'static {
    struct Rx(tokio::sync::mpsc::Receiver<Result<Vec<u8>, io::Error>>);
    impl futures_core::Stream for Rx {
        type Item = Result<Vec<u8>, io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            self.0.poll_recv(cx)
        }
    }
    Rx(rx)
}
