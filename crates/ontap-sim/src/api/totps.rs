//! TOTP profiles: `GET /api/security/login/totps`, and `GET`/`PATCH` of
//! `/api/security/login/totps/{owner.uuid}/{account.name}`. The rules of a PATCH body come
//! from ontap-model ([`TotpPatch::from_body`]); this module decides who may do what.

use ontap_model::totp::TOTP_FIELDS;
use ontap_model::{Known, PatchBodyError, TotpKey, TotpPatch};
use serde_json::{json, Value};

use super::{ApiError, Caller, Reply, Request};
use crate::collection::{list as list_records, only, single, Spec};
use crate::inferred::{
    no_profile_message, BODY_NOT_JSON_OBJECT, ENABLED_NOT_BOOLEAN, INVALID_VALUE,
    UNEXPECTED_ARGUMENT,
};
use crate::state::State;

const SPEC: Spec = Spec {
    href: "/api/security/login/totps",
    key_fields: &["owner", "account", "_links"],
    fields: TOTP_FIELDS,
    filters: &[
        "account.name",
        "owner.name",
        "owner.uuid",
        "comment",
        "enabled",
        "sha_fingerprint",
        "scope",
    ],
    order: &["owner.name", "account.name"],
    unique: &["owner.uuid"],
};

pub fn list(state: &State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    let records: Vec<Value> = state
        .totps
        .iter()
        .filter(|(key, _)| caller.sees(&key.owner))
        .filter_map(|(_, t)| serde_json::to_value(t).ok())
        .collect();
    list_records(&SPEC, records, &req.query, req.path_and_query).map(Reply::ok)
}

/// The key a caller may address, if the path names a well-formed key of a visible owner.
fn visible_key(caller: &Caller, owner: &str, account: &str) -> Option<TotpKey> {
    TotpKey::from_segments(owner, account).filter(|k| caller.sees(&k.owner))
}

pub fn get(
    state: &State,
    caller: &Caller,
    owner: &str,
    account: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let totp = visible_key(caller, owner, account)
        .and_then(|k| state.totps.get(&k))
        .ok_or_else(|| ApiError::known(Known::NotFound, None))?;
    let full = serde_json::to_value(totp).unwrap_or_default();
    single(&SPEC, &full, &req.query).map(Reply::ok)
}

/// The answer to a PATCH body that [`TotpPatch::from_body`] refuses.
fn body_error(e: PatchBodyError) -> ApiError {
    match &e {
        PatchBodyError::NotAnObject => ApiError::inferred(&BODY_NOT_JSON_OBJECT, ""),
        PatchBodyError::NotModifiable { field } => {
            ApiError::known_with(Known::FieldCannotBeSet, &e.to_string(), Some(field))
        }
        PatchBodyError::UnknownField { field } => ApiError::inferred(&UNEXPECTED_ARGUMENT, field),
        PatchBodyError::WrongType { field } => ApiError::inferred(&INVALID_VALUE, field),
        PatchBodyError::EnabledNotBoolean => ApiError::inferred(&ENABLED_NOT_BOOLEAN, "enabled"),
    }
}

/// Reads the body: empty means `{}` (see PATCH_CHECK_ORDER and EMPTY_PATCH_BODY in
/// [`crate::inferred`]).
fn read_body(body: &[u8]) -> Result<TotpPatch, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::inferred(&BODY_NOT_JSON_OBJECT, ""))?
        .trim();
    if text.is_empty() {
        return Ok(TotpPatch::default());
    }
    let value: Value =
        serde_json::from_str(text).map_err(|_| ApiError::inferred(&BODY_NOT_JSON_OBJECT, ""))?;
    TotpPatch::from_body(&value).map_err(body_error)
}

/// PATCH, checked in the order PATCH_CHECK_ORDER of [`crate::inferred`] lists.
pub fn patch(
    state: &mut State,
    caller: &Caller,
    owner: &str,
    account: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    only(&req.query, &[])?;
    if !caller.role.can_modify() {
        return Err(ApiError::known(Known::PermissionDenied, None));
    }
    let patch = read_body(req.body)?;
    let no_profile = ApiError::known_with(
        Known::NoProfileToModify,
        no_profile_message(&state.version),
        None,
    );
    let key = visible_key(caller, owner, account).ok_or_else(|| no_profile.clone())?;
    let totp = state.totps.get_mut(&key).ok_or(no_profile)?;
    if patch.enabled.is_some() && !caller.role.is_admin() {
        return Err(ApiError::known(Known::OnlyAdminMayChangeStatus, None));
    }
    patch.apply_to(totp);
    Ok(Reply::ok(json!({})))
}
