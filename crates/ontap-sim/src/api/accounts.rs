//! `GET /api/security/accounts` and `/api/security/accounts/{owner.uuid}/{name}`.

use ontap_model::totp::decode_segment;
use ontap_model::{Known, OwnerUuid};
use serde_json::Value;

use super::{ApiError, Caller, Reply, Request};
use crate::collection::{list as list_records, single, Spec};
use crate::schema::Def;
use crate::state::State;

const SPEC: Spec = Spec {
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
        "applications.second_authentication_method",
    ],
    order: &["owner.name", "name"],
    unique: &["owner.uuid"],
};

fn visible(state: &State, caller: &Caller) -> Vec<Value> {
    state
        .accounts
        .iter()
        .filter(|a| caller.sees(&a.owner))
        .filter_map(|a| Some(a.record(state.svm(&a.owner)?)))
        .collect()
}

pub fn list(state: &State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    list_records(
        &SPEC,
        visible(state, caller),
        &req.query,
        req.path_and_query,
    )
    .map(|b| Reply::ok(b, Def::AccountResponse))
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
    let account = state.account(&owner, &name).ok_or_else(not_found)?;
    let svm = state.svm(&owner).ok_or_else(not_found)?;
    single(&SPEC, &account.record(svm), &req.query).map(|b| Reply::ok(b, Def::Account))
}
