//! The cluster's administrative audit log, as `GET /api/security/audit/messages` serves it
//! (ONTAP's `security_audit_log` definition: timestamp, node, index, application, location,
//! user, role, input, state, message, scope, svm, session_id, command_id). The emulator writes
//! one record for every request that may change something (POST, PATCH, DELETE) from a
//! signed-in caller, whether it succeeded or not, as ONTAP logs "set" requests by default.
//! Passwords in a request body are masked before they reach the log.

use std::borrow::Cow;
use std::collections::VecDeque;

use serde::Serialize;
use serde_json::{json, Value};

use crate::api::{ApiError, Caller, Reply, Request};
use crate::collection::{list as list_records, Record, Spec};
use crate::inferred::AUDIT_READERS;
use crate::schema::Def;
use crate::state::State;

/// The node that answers the emulator's requests.
pub const NODE_NAME: &str = "cluster1-01";
pub const NODE_UUID: &str = "bc9af9da-41bb-11e9-a3db-005056bb27cf";
/// Where the emulator's requests come from (the emulator does not see its clients' addresses
/// through the proxy; see AUDIT_LOCATION in [`crate::inferred`]).
pub const LOCATION: &str = "127.0.0.1";

pub const SPEC: Spec = Spec {
    href: "/api/security/audit/messages",
    key_fields: &["timestamp", "node", "index", "_links"],
    fields: &[
        "application",
        "command_id",
        "input",
        "location",
        "message",
        "node.name",
        "node.uuid",
        "role",
        "scope",
        "session_id",
        "state",
        "svm",
        "svm.name",
        "user",
    ],
    filters: &[
        "timestamp",
        "node.name",
        "node.uuid",
        "index",
        "application",
        "command_id",
        "input",
        "location",
        "message",
        "role",
        "scope",
        "session_id",
        "state",
        "svm.name",
        "user",
    ],
    order: &["timestamp", "node.name"],
    unique: &["index"],
    response: Def::AuditResponse,
};

/// One audit record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub timestamp: String,
    pub index: u64,
    pub application: &'static str,
    pub location: String,
    pub user: String,
    pub role: String,
    pub input: String,
    /// `success` or `error`.
    pub state: &'static str,
    /// The error's message when `state` is `error`.
    pub message: Option<String>,
    pub scope: &'static str,
    pub svm: String,
    pub session_id: String,
    pub command_id: String,
}

impl AuditRecord {
    fn render(&self) -> Value {
        let mut v = json!({
            "timestamp": self.timestamp,
            "node": {
                "name": NODE_NAME,
                "uuid": NODE_UUID,
                "_links": {"self": {"href": format!("/api/cluster/nodes/{NODE_UUID}")}},
            },
            "index": self.index,
            "application": self.application,
            "location": self.location,
            "user": self.user,
            "role": self.role,
            "input": self.input,
            "state": self.state,
            "scope": self.scope,
            "svm": {"name": self.svm},
            "session_id": self.session_id,
            "command_id": self.command_id,
        });
        if let (Some(m), Some(o)) = (&self.message, v.as_object_mut()) {
            o.insert("message".into(), json!(m));
        }
        v
    }
}

impl AuditRecord {
    /// [`Record::values`] by rendering the record: every path, and the reference the typed
    /// reading is checked against.
    fn rendered_values(&self, path: &str) -> Vec<Value> {
        crate::collection::values_at(&self.render(), path)
            .into_iter()
            .cloned()
            .collect()
    }
}

impl Record for AuditRecord {
    /// The filtered fields read without rendering the record: the history page filters
    /// `input` over the whole log (100,000 records by default) for every page.
    fn values(&self, path: &str) -> Vec<Value> {
        let s = |v: &str| vec![Value::String(v.to_owned())];
        match path {
            "timestamp" => s(&self.timestamp),
            "index" => vec![json!(self.index)],
            "node.name" => s(NODE_NAME),
            "node.uuid" => s(NODE_UUID),
            "application" => s(self.application),
            "location" => s(&self.location),
            "user" => s(&self.user),
            "role" => s(&self.role),
            "input" => s(&self.input),
            "state" => s(self.state),
            "scope" => s(self.scope),
            "svm.name" => s(&self.svm),
            "session_id" => s(&self.session_id),
            "command_id" => s(&self.command_id),
            "message" => self.message.as_deref().map(s).unwrap_or_default(),
            other => self.rendered_values(other),
        }
    }
    fn full(&self) -> Value {
        self.render()
    }
    fn matches(&self, path: &str, pattern: &crate::filter::Pattern) -> bool {
        let text = match path {
            "timestamp" => &self.timestamp,
            "application" => self.application,
            "location" => &self.location,
            "user" => &self.user,
            "role" => &self.role,
            "input" => &self.input,
            "state" => self.state,
            "scope" => self.scope,
            "svm.name" => &self.svm,
            "session_id" => &self.session_id,
            "command_id" => &self.command_id,
            "message" => return pattern.matches_str(self.message.as_deref()),
            other => return pattern.matches(&self.values(other)),
        };
        pattern.matches_str(Some(text))
    }
    fn sort_text(&self, path: &str) -> Cow<'_, str> {
        match path {
            "timestamp" => Cow::Borrowed(&self.timestamp),
            "node.name" => Cow::Borrowed(NODE_NAME),
            // Zero-padded so that text order is number order.
            "index" => Cow::Owned(format!("{:020}", self.index)),
            "user" => Cow::Borrowed(&self.user),
            "input" => Cow::Borrowed(&self.input),
            "state" => Cow::Borrowed(self.state),
            other => Cow::Owned(
                self.values(other)
                    .first()
                    .and_then(crate::filter::text)
                    .unwrap_or_default(),
            ),
        }
    }
}

/// The audit records kept, oldest first: at most `size` of them, the oldest dropped first, so
/// that a long-running demo or bench cannot grow it without bound.
#[derive(Clone, Debug)]
pub struct AuditLog {
    records: VecDeque<AuditRecord>,
    size: usize,
}

impl Default for AuditLog {
    fn default() -> AuditLog {
        AuditLog {
            records: VecDeque::new(),
            size: crate::DEFAULT_LOG_SIZE,
        }
    }
}

impl AuditLog {
    /// Appends a record, dropping the oldest beyond the size.
    pub fn push(&mut self, record: AuditRecord) {
        while self.records.len() >= self.size {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    /// Keeps at most `size` records (at least one) from now on, dropping the oldest.
    pub fn set_size(&mut self, size: usize) {
        self.size = size.max(1);
        let excess = self.records.len().saturating_sub(self.size);
        self.records.drain(..excess);
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn iter(&self) -> impl Iterator<Item = &AuditRecord> {
        self.records.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut AuditRecord> {
        self.records.iter_mut()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// `YYYY-MM-DDThh:mm:ss+00:00` for a Unix time (ONTAP's example carries the node's offset).
pub fn timestamp(unix: u64) -> String {
    let (y, m, d, h, mi, s) = crate::rng::civil(unix);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

/// Replaces the value of every `password` member of a JSON body with `********`.
fn mask_passwords(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "password" {
                    *child = json!("********");
                } else {
                    mask_passwords(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_passwords),
        _ => {}
    }
}

/// The `input` of a request: `METHOD /path?query : body` (the body compacted, passwords
/// masked; a body that is not JSON is left out rather than logged).
pub fn input(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return format!("{method} {path_and_query}");
    }
    match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            mask_passwords(&mut v);
            format!("{method} {path_and_query} : {v}")
        }
        Err(_) => format!("{method} {path_and_query} : <body not JSON>"),
    }
}

/// Appends the record of a request that may change something.
pub fn record(
    state: &mut State,
    caller: &Caller,
    req: &Request<'_>,
    request_id: u64,
    result: &Result<Reply, ApiError>,
) {
    state.audit_index += 1;
    let svm = state
        .svm(&caller.owner)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let (st, message) = match result {
        Ok(_) => ("success", None),
        Err(e) => ("error", Some(e.body.error.message.clone())),
    };
    let rec = AuditRecord {
        timestamp: timestamp(state.now()),
        index: state.audit_index,
        application: "http",
        location: LOCATION.to_owned(),
        user: caller.name.clone(),
        role: caller.role.name().to_owned(),
        input: input(req.method, req.path_and_query, req.body),
        state: st,
        message,
        scope: if caller.cluster_scoped {
            "cluster"
        } else {
            "svm"
        },
        svm,
        session_id: format!("{request_id}"),
        command_id: format!("{request_id}"),
    };
    state.audit.push(rec);
}

/// `GET /api/security/audit/messages`: cluster-scoped callers only (AUDIT_READERS).
pub fn list(state: &State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    if !caller.cluster_scoped {
        return Err(ApiError::inferred(&AUDIT_READERS, ""));
    }
    list_records(&SPEC, state.audit.iter().collect(), req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_civil_dates() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00+00:00");
        assert_eq!(timestamp(1_796_470_000), "2026-12-05T11:26:40+00:00");
    }

    #[test]
    fn typed_values_are_the_rendered_records_values() {
        let mut r = AuditRecord {
            timestamp: timestamp(1_796_470_000),
            index: 42,
            application: "http",
            location: LOCATION.to_owned(),
            user: "admin".into(),
            role: "admin".into(),
            input: "PATCH /api/x : {}".into(),
            state: "error",
            message: Some("no".into()),
            scope: "svm",
            svm: "vs_eng".into(),
            session_id: "7".into(),
            command_id: "8".into(),
        };
        for _ in 0..2 {
            for f in SPEC.filters.iter().chain(["message", "nope"].iter()) {
                assert_eq!(r.values(f), r.rendered_values(f), "{f}");
                for p in ["*", "null", "!null", "no", "*x*|7", "!admin", "a..z"] {
                    let p = crate::filter::Pattern::parse(p);
                    assert_eq!(r.matches(f, &p), p.matches(&r.rendered_values(f)), "{f}");
                }
            }
            r.message = None;
        }
    }

    #[test]
    fn passwords_never_reach_the_log() {
        let i = input(
            "PATCH",
            "/api/security/accounts/u/bob",
            br#"{"password":"Secret1!","applications":[{"password":"x"}]}"#,
        );
        assert!(!i.contains("Secret1!") && !i.contains("\"x\""), "{i}");
        assert!(i.starts_with("PATCH /api/security/accounts/u/bob : {"));
        assert_eq!(input("DELETE", "/api/x", b""), "DELETE /api/x");
    }
}
