//! The `/api` endpoints: who is calling ([`Caller`]), the routing of a request to its handler,
//! and the answer types. Handlers are plain functions of the state and the request, so they
//! are tested without HTTP as well as over it.

pub(crate) mod accounts;
mod cluster;
mod mfa;
mod svms;
mod totps;

use ontap_model::{ErrorResponse, Known, OwnerUuid, Query};
use serde_json::Value;

use crate::inferred::{Inferred, EXTRA_PATH_SEGMENT, METHOD_NOT_SUPPORTED, UNKNOWN_API_PATH};
use crate::model::Role;
use crate::render::{Options, Written};
use crate::schema::Def;
use crate::state::State;
use crate::Sim;

/// A signed-in account, as the handlers need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    /// The SVM the account belongs to (the admin SVM for a cluster-scoped account).
    pub owner: OwnerUuid,
    pub cluster_scoped: bool,
    pub role: Role,
}

impl Caller {
    /// Authenticates basic credentials against the accounts of the cluster.
    pub fn sign_in(state: &mut State, user: &str, password: &str) -> Option<Caller> {
        let caller = state
            .sign_in(user, password)
            .and_then(|a| Caller::of(state, a));
        state.count_sign_in(user, caller.is_some());
        caller
    }

    /// [`Caller::sign_in`] when it would change nothing (the credentials are accepted and the
    /// user has no failed sign-ins to forget), read without counting as a change of state;
    /// `None` otherwise.
    pub fn sign_in_unchanged(state: &State, user: &str, password: &str) -> Option<Caller> {
        if state.failed_logins.contains_key(user) {
            return None;
        }
        state
            .sign_in(user, password)
            .and_then(|a| Caller::of(state, a))
    }

    /// Authenticates an OAuth 2.0 bearer token handed to the emulator (`--token`).
    pub fn sign_in_token(state: &State, token: &str) -> Option<Caller> {
        Caller::of(state, state.sign_in_token(token)?)
    }

    fn of(state: &State, account: &crate::model::Account) -> Option<Caller> {
        let cluster_scoped = state.svm(&account.owner)?.is_admin;
        Some(Caller {
            name: account.name.as_str().to_owned(),
            owner: account.owner.clone(),
            cluster_scoped,
            role: account.role,
        })
    }

    /// A cluster-scoped account sees every SVM's objects; an SVM-scoped one only its own.
    pub fn sees(&self, owner: &OwnerUuid) -> bool {
        self.cluster_scoped || &self.owner == owner
    }
}

/// An error answer: status and ONTAP error body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub body: ErrorResponse,
}

impl ApiError {
    /// A documented error, with ONTAP's wording.
    pub fn known(known: Known, target: Option<&str>) -> ApiError {
        ApiError {
            status: known.status(),
            body: ErrorResponse::new(known, target),
        }
    }

    /// A documented error code with a message of its own.
    pub fn known_with(known: Known, message: &str, target: Option<&str>) -> ApiError {
        ApiError {
            status: known.status(),
            body: ErrorResponse::with_message(known, message, target),
        }
    }

    /// An answer from the table of inferred behaviours.
    pub fn inferred(answer: &Inferred, arg: &str) -> ApiError {
        ApiError {
            status: answer.status,
            body: answer.body(arg),
        }
    }

    /// An answer from the table of inferred behaviours naming a field and the value refused.
    pub fn inferred_value(answer: &Inferred, arg: &str, value: &str) -> ApiError {
        ApiError {
            status: answer.status,
            body: answer.body_value(arg, value),
        }
    }
}

/// A successful answer, with the published definition its body follows.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Body,
    pub schema: Def,
    /// The `Location` header of a created object.
    pub location: Option<String>,
}

/// An answer's body: a value the server writes, or already written (a listing, written record
/// by record: [`crate::collection`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Json(Value),
    Written(Written),
}

impl Body {
    /// The body as a value (a written one read back).
    pub fn to_value(&self) -> Value {
        match self {
            Body::Json(v) => v.clone(),
            Body::Written(w) => serde_json::from_slice(&w.text).unwrap_or_default(),
        }
    }
}

impl Reply {
    pub fn ok(body: Value, schema: Def) -> Reply {
        Reply {
            status: 200,
            body: Body::Json(body),
            schema,
            location: None,
        }
    }
    /// 200 with a body already written.
    pub fn written(body: Written, schema: Def) -> Reply {
        Reply {
            status: 200,
            body: Body::Written(body),
            schema,
            location: None,
        }
    }
    /// 200 with `{}`: what a successful PATCH or DELETE answers.
    pub fn empty() -> Reply {
        Reply::ok(Value::Object(Default::default()), Def::Empty)
    }
}

/// One request below `/api`, as received.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The raw path (percent-encoded), starting with `/api`, without the query.
    pub path: &'a str,
    /// The raw path and query, as received (the `self` link of a collection).
    pub path_and_query: &'a str,
    pub query: Query,
    pub body: &'a [u8],
    /// How the answer will be written, when the server asks (listings are then written as
    /// they are read); `None` for the emulator's own calls and tests, which read values.
    pub out: Option<Options<'a>>,
}

/// Routes a request from a signed-in caller to its handler, and writes every request that may
/// change something (POST, PATCH, DELETE) to the audit log ([`crate::audit`]) with its result.
pub fn handle(sim: &Sim, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    handle_logged(sim, caller, req, 0)
}

/// [`handle`] with the request's number, which the audit record carries.
pub fn handle_logged(
    sim: &Sim,
    caller: &Caller,
    req: &Request<'_>,
    request_id: u64,
) -> Result<Reply, ApiError> {
    let result = route(sim, caller, req);
    if matches!(req.method, "POST" | "PATCH" | "DELETE") {
        let id = if request_id == 0 {
            sim.with_state(|s| s.audit_index + 1)
        } else {
            request_id
        };
        sim.with_state(|s| crate::audit::record(s, caller, req, id, &result));
    }
    result
}

fn route(sim: &Sim, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    let rest = req.path.strip_prefix("/api").unwrap_or(req.path);
    let segments: Vec<&str> = rest.strip_prefix('/').unwrap_or(rest).split('/').collect();
    let has_totp = sim.version().has_totp();
    let not_supported = || Err(ApiError::inferred(&METHOD_NOT_SUPPORTED, ""));
    let extra = |seg: &str| {
        let arg = ontap_model::totp::decode_segment(seg).unwrap_or_else(|| seg.to_owned());
        Err(ApiError::inferred(&EXTRA_PATH_SEGMENT, &arg))
    };
    match (segments.as_slice(), req.method) {
        (["cluster"], "GET") => sim.read_state(|s| cluster::get(s, &req.query)),
        (["svm", "svms"], "GET") => sim.read_state(|s| svms::list(s, caller, req)),
        (["svm", "svms", uuid], "GET") => sim.read_state(|s| svms::get(s, caller, uuid, req)),
        (["security", "accounts"], "GET") => sim.read_state(|s| accounts::list(s, caller, req)),
        (["security", "accounts", owner, name], "GET") => {
            sim.read_state(|s| accounts::get(s, caller, owner, name, req))
        }
        (["security", "accounts", owner, name], "PATCH") => {
            sim.with_state(|s| accounts::patch(s, caller, owner, name, req))
        }
        (["security", "audit", "messages"], "GET") => {
            sim.read_state(|s| crate::audit::list(s, caller, req))
        }
        (["security", "audit", "messages"], _) => not_supported(),
        (["security", "login", "totps"], "GET") if has_totp => {
            sim.read_state(|s| totps::list(s, caller, req))
        }
        (["security", "login", "totps"], "POST") if has_totp => {
            sim.with_state(|s| totps::post(s, caller, req))
        }
        (["security", "login", "totps", owner, name], "GET") if has_totp => {
            sim.read_state(|s| totps::get(s, caller, owner, name, req))
        }
        (["security", "login", "totps", owner, name], "PATCH") if has_totp => {
            sim.with_state(|s| totps::patch(s, caller, owner, name, req))
        }
        (["security", "login", "totps", owner, name], "DELETE") if has_totp => {
            sim.with_state(|s| totps::delete(s, caller, owner, name, req))
        }
        (["security", "login", "totps"], _) if has_totp => not_supported(),
        (["security", "login", "totps", _, _], _) if has_totp => not_supported(),
        (["security", "login", "totps", _, _, x, ..], _) if has_totp => extra(x),
        (["cluster"] | ["svm", "svms"] | ["svm", "svms", _], _) => not_supported(),
        (["security", "accounts"] | ["security", "accounts", _, _], _) => not_supported(),
        (["cluster", x, ..], _) => extra(x),
        (["svm", "svms", _, x, ..], _) => extra(x),
        (["security", "accounts", _, _, x, ..], _) => extra(x),
        // Duo (9.14.1) and WebAuthn (9.16.1): read-only, unknown paths before.
        (["security", "authentication", "duo", ..] | ["security", "webauthn", ..], _) => {
            sim.read_state(|s| mfa::route(s, caller, req, &segments))
        }
        _ => Err(ApiError::inferred(&UNKNOWN_API_PATH, "")),
    }
}
