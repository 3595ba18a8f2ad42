//! TOTP profiles: `GET`/`POST /api/security/login/totps`, and `GET`/`PATCH`/`DELETE` of
//! `/api/security/login/totps/{owner.uuid}/{account.name}`. The rules of a body come from
//! ontap-model ([`TotpPatch::from_body_addressed`], [`TotpCreate::from_body`]); this module
//! decides who may do what, in the order CHECK_ORDER of [`crate::inferred`] lists.

use std::borrow::Cow;
use std::ops::Bound;

use ontap_model::otp::{self, KeyUri, Secret};
use ontap_model::reset::{deletion, Deletion};
use ontap_model::totp::{encode_segment, TOTP_FIELDS};
use ontap_model::Access;
use ontap_model::{
    AccountName, CreateBodyError, Known, OwnerUuid, PatchBodyError, Totp, TotpCreate, TotpKey,
    TotpPatch, Version,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{ApiError, Caller, Reply, Request};
use crate::collection::{list as list_records, only, parse_bool, single};
use crate::collection::{list_walkable, Record, Spec};
use crate::inferred::{
    no_profile_message, BODY_NOT_JSON_OBJECT, CREATE_FOR_OTHERS, DELETE_OTHERS_PROFILE,
    DELETE_REMOVED, DELETE_REMOVED_IN, DUPLICATE_PROFILE, EMERGENCY_CODES, EMERGENCY_CODE_DIGITS,
    ENABLED_NOT_BOOLEAN, INSTALL_URL_PREFIX, INVALID_BODY_VALUE, MISSING_FIELD,
    UNEXPECTED_ARGUMENT,
};
use crate::model::Svm;
use crate::rng;
use crate::schema::Def;
use crate::state::State;
use crate::syntax::{nest_dotted, KeyQuery};

pub const SPEC: Spec = Spec {
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
    response: Def::TotpResponse,
};

/// A stored profile as a collection record: typed field access for filters and order, so that
/// only the records of the page sent are rendered as JSON.
impl Record for Totp {
    fn values(&self, path: &str) -> Vec<Value> {
        let s = |v: Option<&str>| v.map(|x| Value::String(x.to_owned()));
        let one = match path {
            "account.name" => s(self.account_name()),
            "owner.name" => s(self.owner_name()),
            "owner.uuid" => s(self.owner_uuid()),
            "comment" => s(self.comment.as_deref()),
            "enabled" => self.enabled.map(Value::Bool),
            "scope" => self
                .scope
                .as_ref()
                .map(|x| Value::String(x.as_str().to_owned())),
            "sha_fingerprint" => s(self.sha_fingerprint.as_deref()),
            other => return self.full().values(other),
        };
        one.into_iter().collect()
    }
    fn full(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn matches(&self, path: &str, pattern: &crate::filter::Pattern) -> bool {
        let text = match path {
            "account.name" => self.account_name(),
            "owner.name" => self.owner_name(),
            "owner.uuid" => self.owner_uuid(),
            "comment" => self.comment.as_deref(),
            "sha_fingerprint" => self.sha_fingerprint.as_deref(),
            "scope" => self.scope.as_ref().map(|x| x.as_str()),
            other => return pattern.matches(&self.values(other)),
        };
        pattern.matches_str(text)
    }
    fn sort_text(&self, path: &str) -> Cow<'_, str> {
        fn b(v: Option<&str>) -> Cow<'_, str> {
            Cow::Borrowed(v.unwrap_or(""))
        }
        match path {
            "account.name" => b(self.account_name()),
            "owner.name" => b(self.owner_name()),
            "owner.uuid" => b(self.owner_uuid()),
            "comment" => b(self.comment.as_deref()),
            "sha_fingerprint" => b(self.sha_fingerprint.as_deref()),
            "scope" => Cow::Borrowed(self.scope.as_ref().map_or("", |s| s.as_str())),
            "enabled" => Cow::Borrowed(match self.enabled {
                Some(true) => "true",
                Some(false) => "false",
                None => "",
            }),
            other => Cow::Owned(
                self.values(other)
                    .first()
                    .and_then(crate::filter::text)
                    .unwrap_or_default(),
            ),
        }
    }
}

/// The values an exact `account.name` filter asks for, sorted and without repeats (and only
/// those that can be account names): the profiles a listing can then look up by key, one per
/// SVM, instead of passing over every profile. `None` under `State::scan`.
fn exact_accounts(state: &State, req: &Request<'_>) -> Option<Vec<AccountName>> {
    if state.scan {
        return None;
    }
    let (_, v) = req
        .query
        .pairs()
        .iter()
        .find(|(k, _)| k == "account.name")?;
    let mut names: Vec<AccountName> = crate::filter::Pattern::parse(v)
        .exact_values()?
        .into_iter()
        .filter_map(|n| AccountName::try_from(n).ok())
        .collect();
    names.sort();
    names.dedup();
    Some(names)
}

pub fn list(state: &State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    let names = exact_accounts(state, req);
    let names = names.as_deref();
    let hide = state.disabled_hidden;
    let visible = move |key: &TotpKey, t: &Totp| {
        caller.sees(&key.owner) && !(hide && t.enabled == Some(false))
    };
    // An exact account.name filter: the profiles of those names, one lookup per SVM each.
    let named = move |svm: &'_ OwnerUuid, names: &[AccountName]| {
        let svm = svm.clone();
        names
            .iter()
            .filter_map(move |n| {
                state.totps.get_key_value(&TotpKey {
                    owner: svm.clone(),
                    account: n.clone(),
                })
            })
            .collect::<Vec<_>>()
    };
    let all = || -> Vec<&Totp> {
        match names {
            Some(names) => state
                .svms
                .iter()
                .flat_map(|s| named(&s.uuid, names))
                .filter(|(k, t)| visible(k, t))
                .map(|(_, t)| t)
                .collect(),
            None => state
                .totps
                .iter()
                .filter(|(k, t)| visible(k, t))
                .map(|(_, t)| t)
                .collect(),
        }
    };
    // The default order is owner.name, account.name, owner.uuid. With unique SVM names that is
    // the SVMs by name, each one's profiles in key order: a walk from any position.
    let mut svms: Vec<&Svm> = state.svms.iter().filter(|s| caller.sees(&s.uuid)).collect();
    svms.sort_by(|a, b| (&a.name, &a.uuid).cmp(&(&b.name, &b.uuid)));
    if svms.windows(2).all(|w| w[0].name != w[1].name) {
        let walk = move |start: Option<&[String]>| -> Box<dyn Iterator<Item = &Totp> + '_> {
            let start: Option<(String, String, String)> = start.and_then(|s| match s {
                [n, a, u] => Some((n.clone(), a.clone(), u.clone())),
                _ => None,
            });
            Box::new(
                svms.into_iter()
                    .filter({
                        let start = start.clone();
                        move |svm| {
                            start.as_ref().is_none_or(|(n, _, u)| {
                                (svm.name.as_str(), svm.uuid.as_str()) >= (n.as_str(), u.as_str())
                            })
                        }
                    })
                    .flat_map(move |svm| {
                        let from = match &start {
                            Some((n, a, u)) if &svm.name == n && svm.uuid.as_str() == u => {
                                match AccountName::try_from(a.as_str()) {
                                    Ok(account) => Bound::Excluded(TotpKey {
                                        owner: svm.uuid.clone(),
                                        account,
                                    }),
                                    Err(_) => Bound::Included(first_key(svm)),
                                }
                            }
                            _ => Bound::Included(first_key(svm)),
                        };
                        let keys: Box<dyn Iterator<Item = (&TotpKey, &Totp)>> = match names {
                            Some(names) => Box::new(named(&svm.uuid, names).into_iter().filter(
                                move |(k, _)| match &from {
                                    Bound::Included(f) => *k >= f,
                                    Bound::Excluded(f) => *k > f,
                                    Bound::Unbounded => true,
                                },
                            )),
                            None => Box::new(
                                state
                                    .totps
                                    .range((from, Bound::Unbounded))
                                    .take_while(move |(k, _)| k.owner == svm.uuid),
                            ),
                        };
                        keys.filter(move |(k, t)| visible(k, t)).map(|(_, t)| t)
                    }),
            )
        };
        list_walkable(&SPEC, walk, all, req)
    } else {
        list_records(&SPEC, all(), req)
    }
}

/// The smallest key of an owner: every account name has at least three characters, and none
/// sorts before three NULs.
fn first_key(svm: &Svm) -> TotpKey {
    TotpKey {
        owner: svm.uuid.clone(),
        account: AccountName::try_from("\0\0\0").expect("three characters are a name"),
    }
}

/// The key a caller may address, if the path names a well-formed key of a visible owner.
fn visible_key(caller: &Caller, owner: &str, account: &str) -> Option<TotpKey> {
    TotpKey::from_segments(owner, account).filter(|k| caller.sees(&k.owner))
}

fn not_found() -> ApiError {
    ApiError::known(Known::NotFound, None)
}

/// The fields of a profile's key that a single-record call may restate in its query
/// (RESTATED_KEYS).
const KEY_FIELDS: &[&str] = &["account.name", "owner.uuid", "owner.name"];

/// Whether the profile at `key` matches the keys restated in the query: the account's name,
/// its owner's UUID and its owner's name.
fn keys_match(state: &State, keys: &KeyQuery, key: &TotpKey) -> bool {
    keys.matches(|f| match f {
        "account.name" => Some(key.account.as_str().to_owned()),
        "owner.uuid" => Some(key.owner.as_str().to_owned()),
        "owner.name" => state.svm(&key.owner).map(|s| s.name.clone()),
        _ => None,
    })
}

pub fn get(
    state: &State,
    caller: &Caller,
    owner: &str,
    account: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let keys = KeyQuery::split(&req.query, KEY_FIELDS);
    let key = visible_key(caller, owner, account);
    let totp = key
        .as_ref()
        .and_then(|k| state.visible_totp(k))
        .ok_or_else(not_found)?;
    let fields = single(&SPEC, &totp.full(), &keys.rest)?;
    if !key.is_some_and(|k| keys_match(state, &keys, &k)) {
        return Err(not_found());
    }
    Ok(Reply::ok(fields, Def::Totp))
}

/// The answer to a PATCH body that ontap-model refuses.
fn patch_body_error(e: PatchBodyError) -> ApiError {
    match &e {
        PatchBodyError::NotAnObject => ApiError::inferred(&BODY_NOT_JSON_OBJECT, ""),
        PatchBodyError::NotModifiable { field } => {
            ApiError::known_with(Known::FieldCannotBeSet, &e.to_string(), Some(field))
        }
        PatchBodyError::UnknownField { field } => ApiError::inferred(&UNEXPECTED_ARGUMENT, field),
        PatchBodyError::WrongType { field } => ApiError::inferred(&INVALID_BODY_VALUE, field),
        PatchBodyError::EnabledNotBoolean => ApiError::inferred(&ENABLED_NOT_BOOLEAN, "enabled"),
    }
}

/// The answer to a POST body that ontap-model refuses.
fn create_body_error(e: CreateBodyError) -> ApiError {
    match &e {
        CreateBodyError::NotAnObject => ApiError::inferred(&BODY_NOT_JSON_OBJECT, ""),
        CreateBodyError::Missing { field } => ApiError::inferred(&MISSING_FIELD, field),
        CreateBodyError::NotSettable { field } => {
            ApiError::known_with(Known::FieldCannotBeSet, &e.to_string(), Some(field))
        }
        CreateBodyError::UnknownField { field } => ApiError::inferred(&UNEXPECTED_ARGUMENT, field),
        CreateBodyError::WrongType { field } => ApiError::inferred(&INVALID_BODY_VALUE, field),
    }
}

/// Reads a JSON body, dotted field names nested (DOTTED_FIELD_NAMES); an empty one is `{}`
/// (EMPTY_PATCH_BODY in [`crate::inferred`]).
fn read_json(body: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::inferred(&BODY_NOT_JSON_OBJECT, ""))?
        .trim();
    if text.is_empty() {
        return Ok(json!({}));
    }
    nest_dotted(
        serde_json::from_str(text).map_err(|_| ApiError::inferred(&BODY_NOT_JSON_OBJECT, ""))?,
    )
}

fn may_modify(caller: &Caller) -> Result<(), ApiError> {
    if caller.role.can_modify() {
        Ok(())
    } else {
        Err(ApiError::known(Known::PermissionDenied, None))
    }
}

/// PATCH: `comment` and `enabled` (the latter for the admin role only).
pub fn patch(
    state: &mut State,
    caller: &Caller,
    owner: &str,
    account: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let keys = KeyQuery::split(&req.query, KEY_FIELDS);
    only(&keys.rest, &[])?;
    may_modify(caller)?;
    let body = read_json(req.body)?;
    let key = TotpKey::from_segments(owner, account);
    let patch = match &key {
        Some(k) => TotpPatch::from_body_addressed(&body, &k.account),
        None => TotpPatch::from_body(&body),
    }
    .map_err(patch_body_error)?;
    let no_profile = ApiError::known_with(
        Known::NoProfileToModify,
        no_profile_message(&state.version),
        None,
    );
    let key = key
        .filter(|k| caller.sees(&k.owner) && state.visible_totp(k).is_some())
        .filter(|k| keys_match(state, &keys, k))
        .ok_or(no_profile.clone())?;
    if patch.enabled.is_some() && !caller.role.is_admin() {
        return Err(ApiError::known(Known::OnlyAdminMayChangeStatus, None));
    }
    let totp = state.totps.get_mut(&key).ok_or(no_profile)?;
    patch.apply_to(totp);
    Ok(Reply::empty())
}

/// DELETE: up to 9.18 only, by the key's owner (DELETE_REMOVED, DELETE_RULES and
/// DELETE_OTHERS_PROFILE in [`crate::inferred`]).
pub fn delete(
    state: &mut State,
    caller: &Caller,
    owner: &str,
    account: &str,
    req: &Request<'_>,
) -> Result<Reply, ApiError> {
    let v: &Version = &state.version;
    if v.at_least(DELETE_REMOVED_IN.0, DELETE_REMOVED_IN.1, 0) {
        return Err(ApiError::inferred(&DELETE_REMOVED, ""));
    }
    let keys = KeyQuery::split(&req.query, KEY_FIELDS);
    only(&keys.rest, &[])?;
    may_modify(caller)?;
    let key = visible_key(caller, owner, account)
        .filter(|k| state.visible_totp(k).is_some())
        .filter(|k| keys_match(state, &keys, k))
        .ok_or_else(not_found)?;
    // Only the key's owner deletes it, an administrator included (ontap-model's
    // `reset::deletion`, which the page follows too).
    let own = key.owner == caller.owner && key.account.as_str() == caller.name;
    let access = if caller.role.is_admin() {
        Access::Admin
    } else {
        Access::Modify
    };
    if deletion(v, own, access) == Deletion::OwnerOnly {
        return Err(ApiError::inferred(&DELETE_OTHERS_PROFILE, ""));
    }
    state.totps.remove(&key);
    state.secrets.remove(&key);
    Ok(Reply::empty())
}

/// The fingerprint of a secret: SHA-256 of its bytes, lower-case hex (NEW_PROFILE_FIELDS).
pub fn fingerprint(secret: &Secret) -> String {
    Sha256::digest(secret.bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// ONTAP's chart-service `install_url` carrying the Key Uri Format URI (NEW_PROFILE_FIELDS).
pub fn install_url(uri: &KeyUri) -> String {
    format!(
        "{INSTALL_URL_PREFIX}{}",
        percent_encoding::utf8_percent_encode(&uri.to_uri(), percent_encoding::NON_ALPHANUMERIC)
    )
}

/// POST: a user creates their own profile (CHECK_ORDER, POST_OWNER, POST_RECORDS,
/// DISABLED_PROFILES and NEW_PROFILE_FIELDS in [`crate::inferred`]).
pub fn post(state: &mut State, caller: &Caller, req: &Request<'_>) -> Result<Reply, ApiError> {
    // The spec's only query parameter of this POST.
    only(&req.query, &["return_records"])?;
    let return_records = parse_bool(&req.query, "return_records")?.unwrap_or(false);
    may_modify(caller)?;
    let create = TotpCreate::from_body(&read_json(req.body)?).map_err(create_body_error)?;

    let for_others = || ApiError::inferred(&CREATE_FOR_OTHERS, "");
    let svm = match &create.owner {
        None => state.admin_svm(),
        Some(sel) => {
            let by_uuid = sel.uuid.as_ref().map(|u| state.svm(u));
            let by_name = sel.name.as_deref().map(|n| state.svm_by_name(n));
            match (by_uuid, by_name) {
                (Some(a), Some(b)) if a.map(|s| &s.uuid) != b.map(|s| &s.uuid) => {
                    return Err(ApiError::inferred(&INVALID_BODY_VALUE, "owner.name"))
                }
                (Some(a), _) => a,
                (None, Some(b)) => b,
                (None, None) => state.admin_svm(),
            }
        }
    }
    .filter(|s| caller.sees(&s.uuid))
    .cloned()
    .ok_or_else(for_others)?;
    if svm.uuid != caller.owner || create.account.name.as_str() != caller.name {
        return Err(for_others());
    }
    let account = state
        .account(&svm.uuid, create.account.name.as_str())
        .ok_or_else(for_others)?;
    if !account.requires_totp() {
        return Err(ApiError::known(Known::TotpNotConfigured, None));
    }
    let key = TotpKey {
        owner: svm.uuid.clone(),
        account: create.account.name.clone(),
    };
    if state
        .totps
        .get(&key)
        .is_some_and(|t| t.enabled != Some(false))
    {
        return Err(ApiError::inferred(&DUPLICATE_PROFILE, ""));
    }

    let secret = Secret::from_bytes(&rng::fresh_bytes(otp::SECRET_BYTES));
    let comment = create
        .comment
        .as_ref()
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default();
    let mut totp = crate::demo::profile(&svm, &key.account, true, &comment);
    totp.sha_fingerprint = Some(fingerprint(&secret));
    let uri = KeyUri {
        issuer: state.name.clone(),
        account: format!("{}@{}", key.account, svm.name),
        secret: secret.clone(),
    };
    let emergency_codes: Vec<String> = (0..EMERGENCY_CODES)
        .map(|_| rng::fresh_digits(EMERGENCY_CODE_DIGITS))
        .collect();
    let mut record = totp.full();
    if let Some(o) = record.as_object_mut() {
        o.insert("secret_key".into(), json!(secret.to_base32()));
        o.insert("install_url".into(), json!(install_url(&uri)));
        o.insert(
            "verification_code".into(),
            json!(otp::code_at(&secret, state.now())),
        );
        o.insert("emergency_codes".into(), json!(emergency_codes));
    }
    let location = format!(
        "/api/security/login/totps/{}/{}",
        encode_segment(key.owner.as_str()),
        encode_segment(key.account.as_str())
    );
    state.totps.insert(key.clone(), totp);
    state.secrets.insert(key, secret);
    let (body, schema) = if return_records {
        (
            json!({"num_records": 1, "records": [record]}),
            Def::TotpPostResponse,
        )
    } else {
        (json!({}), Def::Empty)
    };
    Ok(Reply {
        status: 201,
        body: crate::api::Body::Json(body),
        schema,
        location: Some(location),
    })
}
