//! `GET /api/security/accounts`, and `GET`/`PATCH /api/security/accounts/{owner.uuid}/{name}`.
//! The PATCH replaces the whole `applications` list and applies ONTAP's second-factor rule
//! from ontap-model ([`second_factor_problem`]); ACCOUNT_PATCH_RULES in [`crate::inferred`].

use ontap_model::account_change::{is_read_only_application_field, second_factor_problem};
use ontap_model::totp::decode_segment;
use ontap_model::{Known, OwnerUuid, Version};
use serde_json::{json, Map, Value};

use super::{ApiError, Caller, Reply, Request};
use std::borrow::Cow;
use std::sync::Arc;

use crate::collection::{list as list_records, list_walkable, only, single, Record, Spec};
use crate::filter::Pattern;
use crate::inferred::{
    ACCOUNT_APPLICATIONS_INVALID, ACCOUNT_SECOND_FACTOR, BODY_NOT_JSON_OBJECT, INVALID_BODY_VALUE,
    LDAP_APPLICATION_FIELDS_FROM, ROLE_NOT_FOUND, UNEXPECTED_ARGUMENT,
};
use crate::model::{Account, AccountApplication, Application, AuthMethod, Role, SecondAuth, Svm};
use crate::render::Writer;
use crate::schema::Def;
use crate::state::State;
use crate::syntax::{nest_dotted, KeyQuery};
use crate::texts::AccountTexts;

pub const SPEC: Spec = Spec {
    href: "/api/security/accounts",
    key_fields: &["owner", "name", "_links"],
    fields: &[
        "owner.name",
        "owner.uuid",
        "role",
        "role.name",
        "locked",
        "scope",
        "comment",
        "applications",
        "applications.application",
        "applications.authentication_methods",
        "applications.is_ldap_fastbind",
        "applications.is_ns_switch_group",
        "applications.second_authentication_method",
    ],
    filters: &[
        "name",
        "owner.name",
        "owner.uuid",
        "role.name",
        "locked",
        "scope",
        "comment",
        "applications.application",
        "applications.authentication_methods",
        "applications.is_ldap_fastbind",
        "applications.is_ns_switch_group",
        "applications.second_authentication_method",
    ],
    order: &["owner.name", "name"],
    unique: &["owner.uuid"],
    response: Def::AccountResponse,
};

/// An account with its SVM as a collection record: the key fields are read without rendering
/// it, so that only the records of the page sent become JSON.
struct Row<'a> {
    account: &'a Account,
    svm: &'a Svm,
    version: &'a Version,
    /// The account's position in `State::accounts`, and where its texts are kept.
    at: usize,
    texts: &'a AccountTexts,
}

impl Record for Row<'_> {
    fn values(&self, path: &str) -> Vec<Value> {
        let s = |v: &str| vec![Value::String(v.to_owned())];
        match path {
            "name" => s(self.account.name.as_str()),
            "owner.name" => s(&self.svm.name),
            "owner.uuid" => s(self.svm.uuid.as_str()),
            other => self.full().values(other),
        }
    }
    fn full(&self) -> Value {
        self.account.record(self.svm, self.version)
    }
    fn write(&self, w: &mut Writer<'_>) {
        self.account.write(self.svm, self.version, w);
    }
    fn keeps_texts(&self) -> bool {
        true
    }
    fn kept_text(&self, shape: &str) -> Option<Arc<[u8]>> {
        self.texts
            .get(shape, self.at, self.account, self.svm, self.version)
    }
    fn keep_texts(shape: &str, written: Vec<(&Self, &[u8])>) {
        let Some((first, _)) = written.first() else {
            return;
        };
        first.texts.put(
            shape,
            written
                .iter()
                .map(|(r, text)| (r.at, r.account, r.svm, r.version, *text)),
        );
    }
    fn matches(&self, path: &str, pattern: &Pattern) -> bool {
        match path {
            "name" => pattern.matches_str(Some(self.account.name.as_str())),
            "owner.name" => pattern.matches_str(Some(&self.svm.name)),
            "owner.uuid" => pattern.matches_str(Some(self.svm.uuid.as_str())),
            other => pattern.matches(&self.values(other)),
        }
    }
    fn sort_text(&self, path: &str) -> Cow<'_, str> {
        match path {
            "name" => Cow::Borrowed(self.account.name.as_str()),
            "owner.name" => Cow::Borrowed(&self.svm.name),
            "owner.uuid" => Cow::Borrowed(self.svm.uuid.as_str()),
            other => Cow::Owned(
                self.values(other)
                    .first()
                    .and_then(crate::filter::text)
                    .unwrap_or_default(),
            ),
        }
    }
}

/// The values an exact `name` filter asks for, sorted and without repeats: the accounts a
/// listing can then look up by key instead of passing over every account.
fn exact_names(req: &Request<'_>) -> Option<Vec<String>> {
    let (_, v) = req.query.pairs().iter().find(|(k, _)| k == "name")?;
    let mut names: Vec<String> = Pattern::parse(v)
        .exact_values()?
        .into_iter()
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    Some(names)
}

/// The listing by the index ([`crate::index`]): the default order is owner.name, name,
/// owner.uuid, which with unique SVM names is the SVMs by name, each one's accounts by name,
/// a walk from any continuation; an exact `name` filter looks up one key per SVM.
fn list_indexed(state: &State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    let mut svms: Vec<&Svm> = state.svms.iter().filter(|s| caller.sees(&s.uuid)).collect();
    svms.sort_by(|a, b| (&a.name, &a.uuid).cmp(&(&b.name, &b.uuid)));
    let names = exact_names(req);
    let version = &state.version;
    state.account_index.with(&state.accounts, |keys| {
        let positions = |svm: &Svm, after: Option<&str>| -> Vec<usize> {
            match &names {
                Some(names) => names
                    .iter()
                    .filter(|n| after.is_none_or(|a| n.as_str() > a))
                    .filter_map(|n| keys.get(&svm.uuid, n))
                    .collect(),
                None => keys.of_owner(&svm.uuid, after).collect(),
            }
        };
        let row = |svm, i: usize| Row {
            account: &state.accounts[i],
            svm,
            version,
            at: i,
            texts: &state.account_texts,
        };
        let all = || -> Vec<Row<'_>> {
            svms.iter()
                .flat_map(|svm| positions(svm, None).into_iter().map(|i| row(*svm, i)))
                .collect()
        };
        if !svms.windows(2).all(|w| w[0].name != w[1].name) {
            return list_records(&SPEC, all(), req);
        }
        let walk = |start: Option<&[String]>| -> Box<dyn Iterator<Item = Row<'_>> + '_> {
            let start: Option<(String, String, String)> = start.and_then(|s| match s {
                [n, a, u] => Some((n.clone(), a.clone(), u.clone())),
                _ => None,
            });
            Box::new(
                svms.iter()
                    .filter({
                        let start = start.clone();
                        move |svm| {
                            start.as_ref().is_none_or(|(n, _, u)| {
                                (svm.name.as_str(), svm.uuid.as_str()) >= (n.as_str(), u.as_str())
                            })
                        }
                    })
                    .flat_map({
                        move |svm| {
                            let after = match &start {
                                Some((n, a, u)) if &svm.name == n && svm.uuid.as_str() == u => {
                                    Some(a.as_str())
                                }
                                _ => None,
                            };
                            positions(svm, after).into_iter().map(move |i| row(*svm, i))
                        }
                    }),
            )
        };
        list_walkable(&SPEC, walk, all, req)
    })
}

fn visible(state: &State, caller: &Caller) -> Vec<Value> {
    state
        .accounts
        .iter()
        .filter(|a| caller.sees(&a.owner))
        .filter_map(|a| Some(a.record(state.svm(&a.owner)?, &state.version)))
        .collect()
}

pub fn list(state: &State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    if state.scan {
        // Before the index: every account rendered, filtered and sorted for every request.
        list_records(&SPEC, visible(state, caller), req)
    } else {
        list_indexed(state, caller, req)
    }
}

pub fn get(
    state: &State,
    caller: &Caller,
    owner: &str,
    name: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let not_found = || ApiError::known(Known::NotFound, None);
    let owner = decode_segment(owner)
        .and_then(|u| OwnerUuid::try_from(u).ok())
        .filter(|o| caller.sees(o))
        .ok_or_else(not_found)?;
    let name = decode_segment(name).ok_or_else(not_found)?;
    let keys = KeyQuery::split(&req.query, KEY_FIELDS);
    let account = state.account(&owner, &name).ok_or_else(not_found)?;
    let svm = state.svm(&owner).ok_or_else(not_found)?;
    let record = account.record(svm, &state.version);
    let fields = single(&SPEC, &record, &keys.rest)?;
    if !keys.matches(|k| key_value(&record, k)) {
        return Err(not_found());
    }
    Ok(Reply::ok(fields, Def::Account))
}

/// The fields of an account's key that a single-record call may restate in its query
/// (RESTATED_KEYS).
const KEY_FIELDS: &[&str] = &["name", "owner.uuid", "owner.name"];

/// A key field's value in an account's record.
fn key_value(record: &Value, field: &str) -> Option<String> {
    crate::collection::values_at(record, field)
        .first()
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// Reads a body, dotted field names nested (DOTTED_FIELD_NAMES); an empty one is `{}`.
fn read_json(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let bad = || ApiError::inferred(&BODY_NOT_JSON_OBJECT, "");
    let text = std::str::from_utf8(body).map_err(|_| bad())?.trim();
    if text.is_empty() {
        return Ok(Map::new());
    }
    match nest_dotted(serde_json::from_str::<Value>(text).map_err(|_| bad())?)? {
        Value::Object(m) => Ok(m),
        _ => Err(bad()),
    }
}

fn invalid_apps(why: &str) -> ApiError {
    ApiError::inferred_value(&ACCOUNT_APPLICATIONS_INVALID, "applications", why)
}

/// An optional boolean of an application entry: absent (or null) is false, ONTAP's documented
/// default for both LDAP fields.
fn entry_flag(o: &Map<String, Value>, field: &str) -> Result<bool, ApiError> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::inferred(
            &INVALID_BODY_VALUE,
            &format!("applications.{field}"),
        )),
    }
}

/// Reads `applications` into the emulator's types, refusing what ONTAP refuses: a read-only
/// field is 262196, a field the release does not have 262179 (APPLICATION_FIELDS_KEPT).
fn read_applications(v: &Value, version: &Version) -> Result<Vec<AccountApplication>, ApiError> {
    let (g, m, n) = LDAP_APPLICATION_FIELDS_FROM;
    let ldap_fields = version.at_least(g, m, n);
    let items = v
        .as_array()
        .ok_or_else(|| ApiError::inferred(&INVALID_BODY_VALUE, "applications"))?;
    if items.is_empty() {
        return Err(invalid_apps("at least one application is needed"));
    }
    let mut out: Vec<AccountApplication> = Vec::new();
    for item in items {
        let o = item
            .as_object()
            .ok_or_else(|| invalid_apps("each entry is an object"))?;
        if let Some(k) = o.keys().find(|k| is_read_only_application_field(k)) {
            let target = format!("applications.{k}");
            return Err(ApiError::known_with(
                Known::FieldCannotBeSet,
                &format!("Field \"{target}\" cannot be set in this operation."),
                Some(&target),
            ));
        }
        if let Some(k) = o.keys().find(|k| {
            !matches!(
                k.as_str(),
                "application" | "authentication_methods" | "second_authentication_method"
            ) && !(ldap_fields && matches!(k.as_str(), "is_ldap_fastbind" | "is_ns_switch_group"))
        }) {
            return Err(ApiError::inferred(
                &UNEXPECTED_ARGUMENT,
                &format!("applications.{k}"),
            ));
        }
        let name = o
            .get("application")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid_apps("every entry names its application"))?;
        let app = Application::parse(name)
            .ok_or_else(|| invalid_apps(&format!("unknown application {name:?}")))?;
        if out.iter().any(|a| a.application == app) {
            return Err(invalid_apps(&format!("{name} is listed twice")));
        }
        let methods: Vec<String> = match o.get("authentication_methods") {
            Some(Value::Array(m)) => m
                .iter()
                .map(|x| x.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| invalid_apps("methods are strings"))?,
            Some(_) => return Err(invalid_apps("authentication_methods is a list")),
            None => Vec::new(),
        };
        if methods.is_empty() {
            return Err(invalid_apps(&format!(
                "{name} has no authentication method"
            )));
        }
        let parsed: Vec<AuthMethod> = methods
            .iter()
            .map(|m| {
                AuthMethod::parse(m)
                    .ok_or_else(|| invalid_apps(&format!("unknown authentication method {m:?}")))
            })
            .collect::<Result<_, _>>()?;
        let second_text = match o.get("second_authentication_method") {
            None | Some(Value::Null) => None,
            Some(Value::String(x)) => Some(x.as_str()),
            Some(_) => return Err(invalid_apps("second_authentication_method is a string")),
        };
        let second = match second_text {
            None => SecondAuth::None,
            Some(x) => SecondAuth::parse(x).ok_or_else(|| {
                invalid_apps(&format!("unknown second authentication method {x:?}"))
            })?,
        };
        if let Some(problem) = second_factor_problem(version, name, &methods, second_text) {
            return Err(ApiError::inferred_value(
                &ACCOUNT_SECOND_FACTOR,
                "applications.second_authentication_method",
                &problem.to_string(),
            ));
        }
        out.push(AccountApplication {
            application: app,
            authentication_methods: parsed,
            second_authentication_method: second,
            is_ldap_fastbind: entry_flag(o, "is_ldap_fastbind")?,
            is_ns_switch_group: entry_flag(o, "is_ns_switch_group")?,
        });
    }
    Ok(out)
}

/// PATCH: applications, locked, comment, role, password (ACCOUNT_PATCH_RULES).
pub fn patch(
    state: &mut State,
    caller: &Caller,
    owner: &str,
    name: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let keys = KeyQuery::split(&req.query, KEY_FIELDS);
    only(&keys.rest, &[])?;
    if !caller.role.can_modify() {
        return Err(ApiError::known(Known::PermissionDenied, None));
    }
    let not_found = || ApiError::known(Known::NotFound, None);
    let owner = decode_segment(owner)
        .and_then(|u| OwnerUuid::try_from(u).ok())
        .filter(|o| caller.sees(o))
        .ok_or_else(not_found)?;
    let name = decode_segment(name).ok_or_else(not_found)?;
    let svm = state.svm(&owner).ok_or_else(not_found)?;
    let cluster = svm.is_admin;
    let record = state
        .account(&owner, &name)
        .ok_or_else(not_found)?
        .record(svm, &state.version);
    if !keys.matches(|k| key_value(&record, k)) {
        return Err(not_found());
    }
    let body = read_json(req.body)?;

    let mut applications = None;
    let mut locked = None;
    let mut comment = None;
    let mut role = None;
    let mut password = None;
    for (k, v) in &body {
        match k.as_str() {
            "applications" => applications = Some(read_applications(v, &state.version)?),
            "locked" => {
                locked = Some(
                    v.as_bool()
                        .ok_or_else(|| ApiError::inferred(&INVALID_BODY_VALUE, "locked"))?,
                )
            }
            "comment" => {
                comment = Some(
                    v.as_str()
                        .ok_or_else(|| ApiError::inferred(&INVALID_BODY_VALUE, "comment"))?
                        .to_owned(),
                )
            }
            "role" => {
                // `role.colour` is as unknown dotted as nested (DOTTED_FIELD_NAMES).
                if let Some(k) = v.as_object().and_then(|o| o.keys().find(|k| *k != "name")) {
                    let target = format!("role.{k}");
                    return Err(if k.starts_with('_') {
                        ApiError::known_with(
                            Known::FieldCannotBeSet,
                            &format!("Field \"{target}\" cannot be set in this operation."),
                            Some(&target),
                        )
                    } else {
                        ApiError::inferred(&UNEXPECTED_ARGUMENT, &target)
                    });
                }
                let n = v
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::inferred(&INVALID_BODY_VALUE, "role.name"))?;
                role = Some(
                    Role::parse(n, cluster)
                        .ok_or_else(|| ApiError::inferred(&ROLE_NOT_FOUND, "role.name"))?,
                );
            }
            "password" => {
                password = Some(
                    v.as_str()
                        .filter(|p| !p.is_empty())
                        .ok_or_else(|| ApiError::inferred(&INVALID_BODY_VALUE, "password"))?
                        .to_owned(),
                )
            }
            "owner" | "name" | "scope" => {
                return Err(ApiError::known_with(
                    Known::FieldCannotBeSet,
                    &format!("Field \"{k}\" cannot be set in this operation."),
                    Some(k),
                ))
            }
            other => return Err(ApiError::inferred(&UNEXPECTED_ARGUMENT, other)),
        }
    }
    let at = state
        .account_position(&owner, &name)
        .ok_or_else(not_found)?;
    let account = &mut state.accounts[at];
    if let Some(a) = applications {
        account.applications = a;
    }
    if let Some(l) = locked {
        account.locked = l;
    }
    if let Some(c) = comment {
        account.comment = c;
    }
    if let Some(r) = role {
        account.role = r;
    }
    if let Some(p) = password {
        account.password = p;
    }
    if locked == Some(false) {
        state.failed_logins.remove(&name);
    }
    Ok(Reply::ok(json!({}), Def::Empty))
}
