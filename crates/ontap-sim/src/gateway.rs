//! Active IQ Unified Manager's API gateway in front of a fleet (`--gateway`, issue 19), as
//! Unified Manager's page "Accessing ONTAP APIs through proxy access" describes it
//! (NetAppDocs/active-iq-unified-manager, api-automation/concept_gateway_apis.adoc):
//!
//! - `GET /api/gateways` lists the managed clusters (ONTAP 9.5 and later, added over HTTPS);
//! - `/api/gateways/{cluster uuid}/{ONTAP path without /api/}` tunnels GET, POST, PATCH,
//!   DELETE (OPTIONS and HEAD too) "maintaining the header and body requests in the same
//!   format", answering with "the ONTAP REST status codes";
//! - the gateway "transforms the URL and HATEOAS links in the header and response body with
//!   the API gateway base URL";
//! - `X-Dot-SVM-UUID` / `X-Dot-SVM-Name` scope a call to one SVM ("added as the filter");
//! - Unified Manager's own credentials are used: "All users can run a query by using the GET
//!   operation. Application Administrators can run all ONTAP REST operations." The cluster
//!   sees the account Unified Manager stores for it, never the user who signed in.
//!
//! What the page leaves open (the record shape of `/api/gateways`, the error bodies, how an
//! SVM header becomes a filter) is chosen in [`crate::inferred`] (GATEWAY_*).

use axum::body::Body;
use axum::extract::Request as HttpRequest;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use crate::auth::{basic_credentials, basic_header};
use crate::fleet::{self, Cluster};
use crate::inferred::{
    GATEWAY_CLUSTER_ACCOUNT, GATEWAY_NOT_FOUND, GATEWAY_UNAUTHENTICATED, GATEWAY_WRITE_REFUSED,
};

/// The base of the gateway's paths.
pub const GATEWAYS: &str = "/api/gateways";

/// A Unified Manager role (the ones that sign in to its web UI and API).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UmRole {
    ApplicationAdministrator,
    StorageAdministrator,
    Operator,
}

impl UmRole {
    /// The role's name as Unified Manager shows it.
    pub fn name(self) -> &'static str {
        match self {
            UmRole::ApplicationAdministrator => "Application Administrator",
            UmRole::StorageAdministrator => "Storage Administrator",
            UmRole::Operator => "Operator",
        }
    }
}

/// A Unified Manager user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UmUser {
    pub name: String,
    pub password: String,
    pub role: UmRole,
}

/// The users a gateway has unless told otherwise: one of each role, with the demo password.
pub fn default_users() -> Vec<UmUser> {
    [
        ("umadmin", UmRole::ApplicationAdministrator),
        ("umstorage", UmRole::StorageAdministrator),
        ("umoperator", UmRole::Operator),
    ]
    .into_iter()
    .map(|(name, role)| UmUser {
        name: name.to_owned(),
        password: crate::demo::DEMO_PASSWORD.to_owned(),
        role,
    })
    .collect()
}

/// The gateway: its users and, per cluster, the router that serves the cluster's API with
/// links under `/api/gateways/{uuid}`.
pub struct Gateway {
    users: Vec<UmUser>,
    clusters: Vec<(Cluster, String, Router)>,
}

/// Adds the account Unified Manager signs in to each cluster with (GATEWAY_CLUSTER_ACCOUNT):
/// a cluster-scoped administrator, so that the cluster's audit log names it.
pub fn add_cluster_account(cluster: &Cluster) {
    if let Some(mut admin) = cluster.account(
        &cluster
            .with_state(|s| s.admin_svm().map(|a| a.uuid.as_str().to_owned()))
            .unwrap_or_default(),
        "admin",
    ) {
        admin.name = ontap_model::AccountName::try_from(GATEWAY_CLUSTER_ACCOUNT.0)
            .expect("a valid account name");
        admin.password = GATEWAY_CLUSTER_ACCOUNT.1.to_owned();
        admin.comment = "Active IQ Unified Manager".to_owned();
        cluster.put_account(admin);
    }
}

impl Gateway {
    pub fn new(clusters: &[Cluster], users: Vec<UmUser>) -> Gateway {
        let clusters = clusters
            .iter()
            .map(|c| {
                let uuid = c.uuid();
                let settings = crate::server::Settings {
                    dist: None,
                    send_www_authenticate: false,
                    latency: std::time::Duration::ZERO,
                    link_base: Some(format!("{GATEWAYS}/{uuid}")),
                };
                add_cluster_account(c);
                let router = crate::server::router(c.sim.clone(), settings);
                (c.clone(), uuid, router)
            })
            .collect();
        Gateway { users, clusters }
    }

    fn user(&self, req: &HttpRequest) -> Option<&UmUser> {
        let (name, password) = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(basic_credentials)?;
        self.users
            .iter()
            .find(|u| u.name == name && u.password == password)
    }

    /// Answers a request below `/api/gateways`.
    pub async fn handle(&self, req: HttpRequest) -> Response {
        let Some(user) = self.user(&req).cloned() else {
            return error(StatusCode::UNAUTHORIZED, GATEWAY_UNAUTHENTICATED.body(""));
        };
        let path = req.uri().path().to_owned();
        let rest = path.strip_prefix(GATEWAYS).unwrap_or("");
        if rest.is_empty() || rest == "/" {
            if req.method() != Method::GET {
                return error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    crate::inferred::METHOD_NOT_SUPPORTED.body(""),
                );
            }
            return self.list();
        }
        let rest = rest.trim_start_matches('/');
        let (uuid, ontap_path) = rest.split_once('/').unwrap_or((rest, ""));
        let Some((cluster, _, router)) = self.clusters.iter().find(|(_, u, _)| u == uuid) else {
            return error(StatusCode::NOT_FOUND, GATEWAY_NOT_FOUND.body(uuid));
        };
        let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if !reads && user.role != UmRole::ApplicationAdministrator {
            return error(
                StatusCode::FORBIDDEN,
                GATEWAY_WRITE_REFUSED.body_value(&user.name, user.role.name()),
            );
        }
        let forwarded = tunnelled(req, ontap_path);
        fleet::to_cluster(cluster, router, forwarded).await
    }

    /// `GET /api/gateways` (GATEWAY_RECORDS).
    fn list(&self) -> Response {
        let records: Vec<Value> = self
            .clusters
            .iter()
            .map(|(c, uuid, _)| {
                let v = c.version();
                json!({
                    "uuid": uuid,
                    "name": c.name,
                    "version": v,
                    "_links": {"self": {"href": format!("{GATEWAYS}/{uuid}")}},
                })
            })
            .collect();
        let body = json!({
            "records": records,
            "num_records": self.clusters.len(),
            "_links": {"self": {"href": GATEWAYS}},
        });
        json_answer(StatusCode::OK, &body)
    }
}

/// The request as the cluster receives it: `/api/{path}`, the query kept (an SVM header
/// added as a filter, GATEWAY_SVM_SCOPE), signed in as the account Unified Manager stores,
/// the rest of the headers and the body as sent.
fn tunnelled(req: HttpRequest, ontap_path: &str) -> HttpRequest {
    let (mut parts, body) = req.into_parts();
    let mut query = parts.uri.query().unwrap_or("").to_owned();
    if parts.method == Method::GET {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| utf8_percent_encode(v.trim(), NON_ALPHANUMERIC).to_string())
        };
        let (uuid_field, name_field) = match ontap_path.trim_end_matches('/') {
            "security/accounts" | "security/login/totps" => ("owner.uuid", "owner.name"),
            "svm/svms" => ("uuid", "name"),
            _ => ("", ""),
        };
        for (field, value) in [
            (uuid_field, header("x-dot-svm-uuid")),
            (name_field, header("x-dot-svm-name")),
        ] {
            if let (false, Some(v)) = (field.is_empty(), value) {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(&format!("{field}={v}"));
            }
        }
    }
    let path = if ontap_path.is_empty() {
        "/api".to_owned()
    } else {
        format!("/api/{ontap_path}")
    };
    let pq = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    if let Ok(uri) = pq.parse() {
        parts.uri = uri;
    }
    let (user, password) = GATEWAY_CLUSTER_ACCOUNT;
    if let Ok(v) = HeaderValue::from_str(&basic_header(user, password)) {
        parts.headers.insert(header::AUTHORIZATION, v);
    }
    HttpRequest::from_parts(parts, body)
}

fn json_answer(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/hal+json")
        .body(Body::from(
            serde_json::to_string_pretty(body).unwrap_or_default(),
        ))
        .unwrap_or_default()
}

fn error(status: StatusCode, body: ontap_model::ErrorResponse) -> Response {
    json_answer(status, &serde_json::to_value(body).unwrap_or_default())
}
