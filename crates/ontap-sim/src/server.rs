//! The HTTP side: one axum fallback handler that sends `/api` to the API (after sign-in,
//! latency and logging) and everything else to the page's files.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request as HttpRequest, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use ontap_model::Query;

use crate::api::{self, ApiError, Caller, Reply, Request};
use crate::auth::basic_credentials;
use crate::inferred::{BODY_NOT_JSON_OBJECT, UNAUTHENTICATED};
use crate::{static_files, LoggedRequest, Sim};

/// The largest request body read (the API takes small JSON bodies).
const BODY_LIMIT: usize = 1 << 20;
/// The realm ONTAP names in `WWW-Authenticate`.
pub const WWW_AUTHENTICATE: &str = "Basic realm=\"ONTAP\"";

#[derive(Clone, Debug)]
pub struct Settings {
    pub dist: Option<PathBuf>,
    pub send_www_authenticate: bool,
    pub latency: Duration,
}

#[derive(Clone)]
struct Shared {
    sim: Sim,
    settings: Arc<Settings>,
}

pub fn router(sim: Sim, settings: Settings) -> Router {
    Router::new().fallback(route).with_state(Shared {
        sim,
        settings: Arc::new(settings),
    })
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

async fn route(State(shared): State<Shared>, req: HttpRequest) -> Response {
    let path = req.uri().path().to_owned();
    if is_api(&path) {
        return api_call(&shared, req).await;
    }
    match &shared.settings.dist {
        Some(dist) => static_files::serve(dist, req.method(), &path).await,
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("ontap-sim serves only /api (no --dist given)\n"))
            .unwrap_or_default(),
    }
}

async fn api_call(shared: &Shared, req: HttpRequest) -> Response {
    let settings = &shared.settings;
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
        .and_then(basic_credentials);
    let body = to_bytes(req.into_body(), BODY_LIMIT).await;

    if !settings.latency.is_zero() {
        tokio::time::sleep(settings.latency).await;
    }

    let caller = credentials
        .as_ref()
        .and_then(|(u, p)| shared.sim.with_state(|s| Caller::sign_in(s, u, p)));
    let result = match (&caller, &body) {
        (None, _) => Err(ApiError::inferred(&UNAUTHENTICATED, "")),
        (Some(_), Err(_)) => Err(ApiError::inferred(&BODY_NOT_JSON_OBJECT, "")),
        (Some(caller), Ok(bytes)) => {
            let request = Request {
                method: &method,
                path: &path,
                path_and_query: &path_and_query,
                query: Query::parse(path_and_query.split_once('?').map_or("", |(_, q)| q)),
                body: bytes,
            };
            api::handle(&shared.sim, caller, &request)
        }
    };
    let (status, json) = match result {
        Ok(Reply { status, body }) => (status, body),
        Err(ApiError { status, body }) => (status, serde_json::to_value(body).unwrap_or_default()),
    };
    let www_authenticate = status == 401 && settings.send_www_authenticate;

    shared.sim.log(LoggedRequest {
        method,
        path: path_and_query,
        user: credentials.map(|(u, _)| u),
        status,
        body: body
            .ok()
            .filter(|b| !b.is_empty())
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
        sent_www_authenticate: www_authenticate,
    });

    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/hal+json")
        .header(header::CACHE_CONTROL, "no-cache,no-store,must-revalidate");
    if www_authenticate {
        builder = builder.header(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(WWW_AUTHENTICATE),
        );
    }
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    builder.body(Body::from(text)).unwrap_or_default()
}
