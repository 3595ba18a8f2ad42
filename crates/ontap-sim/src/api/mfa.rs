//! `GET /api/security/authentication/duo/profiles` (and `/{owner.uuid}`),
//! `GET /api/security/authentication/duo/groups` (and `/{owner.uuid}/{name}`) from 9.14.1, and
//! `GET /api/security/webauthn/credentials` (and `/{owner.uuid}/{username}/{index}/
//! {relying_party.id}`) from 9.16.1: read-only (MFA_ENDPOINTS_READ_ONLY in
//! [`crate::inferred`]); before those releases the paths are unknown.

use ontap_model::mfa::{has_duo, has_webauthn};
use ontap_model::totp::decode_segment;
use ontap_model::{Known, OwnerUuid};
use serde_json::Value;

use super::{ApiError, Caller, Reply, Request};
use crate::collection::{list as list_records, single, values_at, Spec};
use crate::inferred::{EXTRA_PATH_SEGMENT, METHOD_NOT_SUPPORTED, UNKNOWN_API_PATH};
use crate::schema::Def;
use crate::state::State;

/// Every field of a Duo profile; each is also a filter.
const DUO_PROFILE_FIELDS: &[&str] = &[
    "owner.name",
    "owner.uuid",
    "api_host",
    "auto_push",
    "comment",
    "fail_mode",
    "fingerprint",
    "http_proxy",
    "integration_key",
    "is_enabled",
    "max_prompts",
    "push_info",
    "status",
];

const DUO_PROFILES: Spec = Spec {
    href: "/api/security/authentication/duo/profiles",
    key_fields: &["owner", "_links"],
    fields: DUO_PROFILE_FIELDS,
    filters: DUO_PROFILE_FIELDS,
    order: &["owner.uuid"],
    unique: &["owner.uuid"],
    response: Def::DuoProfileResponse,
};

const DUO_GROUPS: Spec = Spec {
    href: "/api/security/authentication/duo/groups",
    key_fields: &["owner", "name", "_links"],
    fields: &["owner.name", "owner.uuid", "comment", "excluded_users"],
    filters: &[
        "owner.name",
        "owner.uuid",
        "name",
        "comment",
        "excluded_users",
    ],
    order: &["owner.uuid", "name"],
    unique: &["owner.uuid", "name"],
    response: Def::DuoGroupResponse,
};

const WEBAUTHN_CREDENTIALS: Spec = Spec {
    href: "/api/security/webauthn/credentials",
    key_fields: &["owner", "username", "index", "relying_party", "_links"],
    fields: &[
        "owner.name",
        "owner.uuid",
        "creation_time",
        "credential",
        "credential.type",
        "credential.id_sha",
        "display_name",
        "last_used_time",
        "public_key",
        "public_key.algorithm",
        "public_key.value",
        "relying_party.id",
        "relying_party.name",
        "scope",
    ],
    filters: &[
        "owner.name",
        "owner.uuid",
        "username",
        "index",
        "creation_time",
        "credential.type",
        "credential.id_sha",
        "display_name",
        "last_used_time",
        "public_key.algorithm",
        "public_key.value",
        "relying_party.id",
        "relying_party.name",
        "scope",
    ],
    order: &["owner.uuid", "username", "index", "relying_party.id"],
    unique: &["owner.uuid", "username", "index", "relying_party.id"],
    response: Def::WebauthnCredentialResponse,
};

fn text_at(v: &Value, path: &str) -> String {
    values_at(v, path)
        .first()
        .map(|x| match x {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

fn visible<'a>(records: &'a [Value], caller: &Caller) -> Vec<&'a Value> {
    records
        .iter()
        .filter(|r| OwnerUuid::try_from(text_at(r, "owner.uuid")).is_ok_and(|o| caller.sees(&o)))
        .collect()
}

/// The record whose key fields equal the (percent-decoded) path segments.
fn find<'a>(
    records: &'a [Value],
    caller: &Caller,
    keys: &[&str],
    segments: &[&str],
) -> Result<&'a Value, ApiError> {
    let wanted: Vec<String> = segments
        .iter()
        .map(|s| decode_segment(s))
        .collect::<Option<_>>()
        .ok_or_else(|| ApiError::known(Known::NotFound, None))?;
    visible(records, caller)
        .into_iter()
        .find(|r| keys.iter().zip(&wanted).all(|(k, w)| &text_at(r, k) == w))
        .ok_or_else(|| ApiError::known(Known::NotFound, None))
}

fn collection(
    spec: &Spec,
    records: &[Value],
    caller: &Caller,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let mine: Vec<Value> = visible(records, caller).into_iter().cloned().collect();
    list_records(spec, mine, req)
}

/// Answers a request below `/api/security/authentication/duo` or `/api/security/webauthn`
/// (`segments` without `api`).
pub fn route(
    state: &State,
    caller: &Caller,
    req: &Request<'_>,
    segments: &[&str],
) -> Result<Reply, ApiError> {
    let v = &state.version;
    let m = &state.mfa;
    let get = req.method == "GET";
    let extra = |seg: &str| {
        let arg = decode_segment(seg).unwrap_or_else(|| seg.to_owned());
        Err(ApiError::inferred(&EXTRA_PATH_SEGMENT, &arg))
    };
    let unsupported = || Err(ApiError::inferred(&METHOD_NOT_SUPPORTED, ""));
    match segments {
        ["security", "authentication", "duo", "profiles"] if has_duo(v) => match get {
            true => collection(&DUO_PROFILES, &m.duo_profiles, caller, req),
            false => unsupported(),
        },
        ["security", "authentication", "duo", "profiles", owner] if has_duo(v) => match get {
            true => {
                let r = find(&m.duo_profiles, caller, &["owner.uuid"], &[owner])?;
                single(&DUO_PROFILES, r, &req.query).map(|b| Reply::ok(b, Def::DuoProfile))
            }
            false => unsupported(),
        },
        ["security", "authentication", "duo", "profiles", _, x, ..] if has_duo(v) => extra(x),
        ["security", "authentication", "duo", "groups"] if has_duo(v) => match get {
            true => collection(&DUO_GROUPS, &m.duo_groups, caller, req),
            false => unsupported(),
        },
        ["security", "authentication", "duo", "groups", owner, name] if has_duo(v) => match get {
            true => {
                let r = find(
                    &m.duo_groups,
                    caller,
                    &["owner.uuid", "name"],
                    &[owner, name],
                )?;
                single(&DUO_GROUPS, r, &req.query).map(|b| Reply::ok(b, Def::DuoGroup))
            }
            false => unsupported(),
        },
        ["security", "authentication", "duo", "groups", _, _, x, ..] if has_duo(v) => extra(x),
        ["security", "webauthn", "credentials"] if has_webauthn(v) => match get {
            true => collection(&WEBAUTHN_CREDENTIALS, &m.webauthn_credentials, caller, req),
            false => unsupported(),
        },
        ["security", "webauthn", "credentials", owner, user, index, rp] if has_webauthn(v) => {
            match get {
                true => {
                    let r = find(
                        &m.webauthn_credentials,
                        caller,
                        &["owner.uuid", "username", "index", "relying_party.id"],
                        &[owner, user, index, rp],
                    )?;
                    single(&WEBAUTHN_CREDENTIALS, r, &req.query)
                        .map(|b| Reply::ok(b, Def::WebauthnCredential))
                }
                false => unsupported(),
            }
        }
        ["security", "webauthn", "credentials", _, _, _, _, x, ..] if has_webauthn(v) => extra(x),
        _ => Err(ApiError::inferred(&UNKNOWN_API_PATH, "")),
    }
}
