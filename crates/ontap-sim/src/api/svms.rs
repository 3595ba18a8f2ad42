//! `GET /api/svm/svms` and `/api/svm/svms/{uuid}`: the data SVMs (the admin SVM is not one).

use crate::syntax::KeyQuery;
use ontap_model::totp::decode_segment;
use ontap_model::{Known, OwnerUuid};
use serde_json::Value;

use super::{ApiError, Caller, Reply, Request};
use crate::collection::{list as list_records, single, Spec};
use crate::schema::Def;
use crate::state::State;

const SPEC: Spec = Spec {
    href: "/api/svm/svms",
    key_fields: &["uuid", "name", "_links"],
    fields: &["state", "subtype"],
    filters: &["uuid", "name", "state", "subtype"],
    order: &["name"],
    unique: &["uuid"],
    response: Def::SvmResponse,
};

fn visible(state: &State, caller: &Caller) -> Vec<Value> {
    state
        .svms
        .iter()
        .filter(|s| !s.is_admin && caller.sees(&s.uuid))
        .map(|s| s.record())
        .collect()
}

pub fn list(state: &State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    list_records(&SPEC, visible(state, caller), req)
}

pub fn get(
    state: &State,
    caller: &Caller,
    uuid: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let svm = decode_segment(uuid)
        .and_then(|u| OwnerUuid::try_from(u).ok())
        .and_then(|u| {
            state
                .svm(&u)
                .filter(|s| !s.is_admin && caller.sees(&s.uuid))
                .cloned()
        })
        .ok_or_else(|| ApiError::known(Known::NotFound, None))?;
    // The SVM's keys may be restated in the query, as filters on the SVM addressed
    // (RESTATED_KEYS).
    let keys = KeyQuery::split(&req.query, &["uuid", "name"]);
    let record = svm.record();
    let body = single(&SPEC, &record, &keys.rest)?;
    if !keys.matches(|k| record.get(k).and_then(|v| v.as_str()).map(str::to_owned)) {
        return Err(ApiError::known(Known::NotFound, None));
    }
    Ok(Reply::ok(body, Def::Svm))
}
