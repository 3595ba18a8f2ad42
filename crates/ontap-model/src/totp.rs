//! TOTP profiles (`/api/security/login/totps`): the record as read, and the change a PATCH sends.
//!
//! The data path of the core call: form strings become [`Comment`] and a real `bool`
//! ([`TotpEdit`]); [`TotpPatch::between`] keeps only what changed; [`TotpKey::path`] addresses
//! the profile with percent-encoded segments. [`TotpPatch::from_body`] is the same rule seen from
//! the server's side: which fields a PATCH body may carry, and which error answers the rest.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::names::{AccountName, Comment, OwnerUuid};

/// The collection path of TOTP profiles, below the API base (`/api`).
pub const TOTPS_PATH: &str = "/security/login/totps";

/// Fields of `totp` that a PATCH may carry (`x-ntap-readModify` or plain writable).
pub const PATCH_WRITABLE: &[&str] = &["comment", "enabled"];
/// Fields of `totp` that are set at creation and never changed (`x-ntap-readCreate`).
pub const CREATE_ONLY: &[&str] = &["owner", "account"];
/// Fields of `totp` that only the cluster sets (`readOnly`, `x-ntap-readOnly`).
pub const READ_ONLY: &[&str] = &["scope", "sha_fingerprint", "_links"];
/// Every field a list request may name in `fields`, besides `*`.
pub const TOTP_FIELDS: &[&str] = &[
    "account",
    "account.name",
    "owner",
    "owner.name",
    "owner.uuid",
    "comment",
    "enabled",
    "scope",
    "sha_fingerprint",
];

/// A link as ONTAP writes it: `{"href": "/api/..."}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Href {
    pub href: String,
}

/// `_links` of a single record. Written (the emulator serves them) but not read back into a
/// profile or its references: the page builds every path from the record's key, and a fleet's
/// listings carry three links a record (two thirds of a profile listing's bytes), whose
/// strings cost a third of decoding it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfLinks {
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_: Option<Href>,
}

/// `account_reference`: the account a profile belongs to. Read leniently.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRef {
    #[serde(
        rename = "_links",
        default,
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub links: Option<SelfLinks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The owner (SVM) of a profile. Read leniently.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRef {
    #[serde(
        rename = "_links",
        default,
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub links: Option<SelfLinks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
}

/// `scope`: cluster-owned or SVM-owned. A value this build does not know is kept as `Other`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Cluster,
    Svm,
    #[serde(other, skip_serializing)]
    Other,
}

impl Scope {
    pub fn as_str(&self) -> &'static str {
        match self {
            Scope::Cluster => "cluster",
            Scope::Svm => "svm",
            Scope::Other => "other",
        }
    }
}

/// A TOTP profile as ONTAP returns it: every field optional, because a GET returns only the
/// fields asked for (key fields alone when `fields` is absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totp {
    #[serde(
        rename = "_links",
        default,
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub links: Option<SelfLinks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha_fingerprint: Option<String>,
}

impl Totp {
    pub fn account_name(&self) -> Option<&str> {
        self.account.as_ref()?.name.as_deref()
    }
    pub fn owner_name(&self) -> Option<&str> {
        self.owner.as_ref()?.name.as_deref()
    }
    pub fn owner_uuid(&self) -> Option<&str> {
        self.owner.as_ref()?.uuid.as_deref()
    }
    /// The strict key of this record, when the server sent a well-formed one.
    pub fn key(&self) -> Option<TotpKey> {
        Some(TotpKey {
            owner: OwnerUuid::try_from(self.owner_uuid()?).ok()?,
            account: AccountName::try_from(self.account_name()?).ok()?,
        })
    }
}

/// The two path segments that address one profile.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TotpKey {
    pub owner: OwnerUuid,
    pub account: AccountName,
}

/// Characters left as they are in a path segment: RFC 3986 unreserved characters. Everything
/// else, `/`, `%`, `\`, `?`, `#` and spaces included, is percent-encoded as UTF-8.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment.
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Appends one path segment, percent-encoded, to `out` (links written by the thousand).
pub fn push_segment(out: &mut String, s: &str) {
    // UUIDs and most account names need no encoding: copied at once.
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        out.push_str(s);
    } else {
        utf8_percent_encode(s, SEGMENT).for_each(|chunk| out.push_str(chunk));
    }
}

/// Percent-decodes one path segment: the server's side of [`encode_segment`]. `+` stays a
/// plus sign (it means a space only in query strings). `None` when the decoded bytes are not
/// UTF-8.
pub fn decode_segment(s: &str) -> Option<String> {
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

impl TotpKey {
    /// The key addressed by the two raw (percent-encoded) path segments of
    /// `/security/login/totps/{owner.uuid}/{account.name}`, as a server reads them. `None` when
    /// either segment does not decode to a well-formed owner UUID or account name: no profile
    /// can have such a key.
    pub fn from_segments(owner: &str, account: &str) -> Option<TotpKey> {
        Some(TotpKey {
            owner: OwnerUuid::try_from(decode_segment(owner)?).ok()?,
            account: AccountName::try_from(decode_segment(account)?).ok()?,
        })
    }

    /// The path of the profile below the API base: `/security/login/totps/{owner}/{account}`.
    pub fn path(&self) -> String {
        format!(
            "{TOTPS_PATH}/{}/{}",
            encode_segment(self.owner.as_str()),
            encode_segment(self.account.as_str())
        )
    }
}

/// The editable part of a profile, as the form holds it once every field has been validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TotpEdit {
    pub comment: Comment,
    pub enabled: bool,
}

impl TotpEdit {
    /// The form's starting values for a loaded profile (an absent comment is an empty one).
    pub fn from_loaded(loaded: &Totp) -> TotpEdit {
        TotpEdit {
            comment: Comment::try_from(loaded.comment.clone().unwrap_or_default())
                .unwrap_or_default(),
            enabled: loaded.enabled.unwrap_or(false),
        }
    }
}

/// The body of `PATCH /security/login/totps/{owner.uuid}/{account.name}`: only the writable
/// fields, each present only when it changes. It has no place for `scope`, `sha_fingerprint`,
/// `owner` or `account`, so they cannot be sent; `enabled` is a `bool`, so it cannot be `""`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotpPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

impl TotpPatch {
    /// The change from the loaded profile to the edited values: only the fields that differ.
    pub fn between(loaded: &Totp, edited: &TotpEdit) -> TotpPatch {
        let loaded_comment = loaded.comment.as_deref().unwrap_or("");
        TotpPatch {
            comment: (edited.comment.as_str() != loaded_comment).then(|| edited.comment.clone()),
            enabled: (loaded.enabled != Some(edited.enabled)).then_some(edited.enabled),
        }
    }

    /// True when nothing changed: such a patch is never sent.
    pub fn is_empty(&self) -> bool {
        self.comment.is_none() && self.enabled.is_none()
    }

    /// Applies the change to a stored profile (the emulator's side of the call).
    pub fn apply_to(&self, totp: &mut Totp) {
        if let Some(c) = &self.comment {
            totp.comment = Some(c.as_str().to_owned());
        }
        if let Some(e) = self.enabled {
            totp.enabled = Some(e);
        }
    }

    /// [`TotpPatch::from_body`] for the profile of `account`: an `account` object whose only
    /// field is `name`, equal to the addressed account, is an echo of the key and is ignored
    /// (NetApp's Python client lists `account.name` as patchable and sends it); any other
    /// `account` is refused like every create-only field.
    pub fn from_body_addressed(
        body: &Value,
        account: &AccountName,
    ) -> Result<TotpPatch, PatchBodyError> {
        let echo = |v: &Value| {
            v.as_object().is_some_and(|o| {
                o.len() == 1 && o.get("name").and_then(Value::as_str) == Some(account.as_str())
            })
        };
        match body.as_object() {
            Some(obj) if obj.get("account").is_some_and(echo) => {
                let mut rest = obj.clone();
                rest.remove("account");
                TotpPatch::from_body(&Value::Object(rest))
            }
            _ => TotpPatch::from_body(body),
        }
    }

    /// Reads a PATCH body as ONTAP does: writable fields only, `enabled` a JSON boolean.
    /// The error says which rule was broken and which field, so the server can answer it.
    pub fn from_body(body: &Value) -> Result<TotpPatch, PatchBodyError> {
        let obj = body.as_object().ok_or(PatchBodyError::NotAnObject)?;
        let mut patch = TotpPatch::default();
        for (field, value) in obj {
            match field.as_str() {
                "comment" => match value {
                    Value::String(s) => {
                        patch.comment = Some(Comment::try_from(s.as_str()).unwrap_or_default())
                    }
                    Value::Null => patch.comment = Some(Comment::default()),
                    _ => {
                        return Err(PatchBodyError::WrongType {
                            field: field.clone(),
                        })
                    }
                },
                "enabled" => match value {
                    Value::Bool(b) => patch.enabled = Some(*b),
                    _ => return Err(PatchBodyError::EnabledNotBoolean),
                },
                f if CREATE_ONLY.contains(&f) || READ_ONLY.contains(&f) => {
                    return Err(PatchBodyError::NotModifiable {
                        field: field.clone(),
                    })
                }
                _ => {
                    return Err(PatchBodyError::UnknownField {
                        field: field.clone(),
                    })
                }
            }
        }
        Ok(patch)
    }
}

/// Why a PATCH body is refused before anything is applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatchBodyError {
    #[error("The request body is not a JSON object.")]
    NotAnObject,
    #[error("Field \"{field}\" cannot be set in this operation.")]
    NotModifiable { field: String },
    #[error("Unexpected argument \"{field}\".")]
    UnknownField { field: String },
    #[error("Invalid value for field \"{field}\".")]
    WrongType { field: String },
    #[error("Invalid option for the field -enabled")]
    EnabledNotBoolean,
}

/// Fields of `totp_post` that only the cluster writes: never in a POST body.
pub const POST_READ_ONLY: &[&str] = &[
    "_links",
    "scope",
    "sha_fingerprint",
    "secret_key",
    "install_url",
    "verification_code",
    "emergency_codes",
];

/// The owner named in a POST body: by UUID, by name, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<OwnerUuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl OwnerSelector {
    pub fn is_empty(&self) -> bool {
        self.uuid.is_none() && self.name.is_none()
    }
}

/// `{"name": ...}` of the account a profile is created for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSelector {
    pub name: AccountName,
}

/// The body of `POST /security/login/totps`: the account (always), its owner (not needed for a
/// cluster-scoped account) and an optional comment. A user may create a profile only for
/// themselves; the cluster checks that, not this type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpCreate {
    pub account: AccountSelector,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
}

/// Why a POST body is refused before anything is created.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreateBodyError {
    #[error("The request body is not a JSON object.")]
    NotAnObject,
    #[error("Field \"{field}\" is required.")]
    Missing { field: String },
    #[error("Field \"{field}\" cannot be set in this operation.")]
    NotSettable { field: String },
    #[error("Unexpected argument \"{field}\".")]
    UnknownField { field: String },
    #[error("Invalid value for field \"{field}\".")]
    WrongType { field: String },
}

impl TotpCreate {
    /// The body for the account `account`, owned by `owner` when given.
    pub fn new(account: AccountName, owner: Option<OwnerUuid>, comment: Option<Comment>) -> Self {
        TotpCreate {
            account: AccountSelector { name: account },
            owner: owner.map(|uuid| OwnerSelector {
                uuid: Some(uuid),
                name: None,
            }),
            comment,
        }
    }

    /// Reads a POST body as ONTAP does: `account.name` required; `owner.uuid`/`owner.name`,
    /// `comment` optional; `enabled` and the read-only fields of `totp_post` cannot be set;
    /// anything else is an unexpected argument (named by its dotted path).
    pub fn from_body(body: &Value) -> Result<TotpCreate, CreateBodyError> {
        let obj = body.as_object().ok_or(CreateBodyError::NotAnObject)?;
        let wrong = |f: &str| CreateBodyError::WrongType {
            field: f.to_owned(),
        };
        let unknown = |f: String| CreateBodyError::UnknownField { field: f };
        let mut account = None;
        let mut owner = None;
        let mut comment = None;
        for (field, value) in obj {
            match field.as_str() {
                "account" => {
                    let a = value.as_object().ok_or_else(|| wrong("account"))?;
                    for (k, v) in a {
                        match k.as_str() {
                            "name" => {
                                let n = v.as_str().ok_or_else(|| wrong("account.name"))?;
                                account = Some(
                                    AccountName::try_from(n).map_err(|_| wrong("account.name"))?,
                                );
                            }
                            "_links" => {
                                return Err(CreateBodyError::NotSettable {
                                    field: "account._links".into(),
                                })
                            }
                            other => return Err(unknown(format!("account.{other}"))),
                        }
                    }
                }
                "owner" => {
                    let o = value.as_object().ok_or_else(|| wrong("owner"))?;
                    let mut sel = OwnerSelector::default();
                    for (k, v) in o {
                        match k.as_str() {
                            "uuid" => {
                                let u = v.as_str().ok_or_else(|| wrong("owner.uuid"))?;
                                sel.uuid =
                                    Some(OwnerUuid::try_from(u).map_err(|_| wrong("owner.uuid"))?);
                            }
                            "name" => {
                                sel.name =
                                    Some(v.as_str().ok_or_else(|| wrong("owner.name"))?.to_owned());
                            }
                            "_links" => {
                                return Err(CreateBodyError::NotSettable {
                                    field: "owner._links".into(),
                                })
                            }
                            other => return Err(unknown(format!("owner.{other}"))),
                        }
                    }
                    owner = (!sel.is_empty()).then_some(sel);
                }
                "comment" => match value {
                    Value::String(s) => {
                        comment = Some(Comment::try_from(s.as_str()).unwrap_or_default())
                    }
                    Value::Null => comment = None,
                    _ => return Err(wrong("comment")),
                },
                f if f == "enabled" || POST_READ_ONLY.contains(&f) => {
                    return Err(CreateBodyError::NotSettable {
                        field: field.clone(),
                    })
                }
                _ => return Err(unknown(field.clone())),
            }
        }
        let account = account.ok_or(CreateBodyError::Missing {
            field: "account.name".into(),
        })?;
        Ok(TotpCreate {
            account: AccountSelector { name: account },
            owner,
            comment,
        })
    }
}

/// `totp_post`: the record a successful POST returns (with `return_records=true`), the only
/// time the secret and the emergency codes are shown. Read leniently, like [`Totp`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpCreated {
    #[serde(rename = "_links", default, skip_serializing_if = "Option::is_none")]
    pub links: Option<SelfLinks>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emergency_codes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha_fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_code: Option<String>,
}

#[cfg(test)]
mod tests {

    #[test]
    fn pushed_segments_are_encoded_segments() {
        for seg in [
            "mfa0001",
            "a-b.c_d~e",
            "DOMAIN\\user",
            "a b/c%d?e#f",
            "é",
            "",
        ] {
            let mut pushed = String::from("x");
            push_segment(&mut pushed, seg);
            assert_eq!(pushed, format!("x{}", encode_segment(seg)));
        }
    }

    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn loaded(comment: Option<&str>, enabled: Option<bool>) -> Totp {
        Totp {
            comment: comment.map(str::to_owned),
            enabled,
            account: Some(AccountRef {
                name: Some("alice".into()),
                links: None,
            }),
            owner: Some(OwnerRef {
                name: Some("vs1".into()),
                uuid: Some("02c9e252-41be-11e9-81d5-00a0986138f7".into()),
                links: None,
            }),
            scope: Some(Scope::Svm),
            sha_fingerprint: Some("ab12".into()),
            links: None,
        }
    }

    fn edit(comment: &str, enabled: bool) -> TotpEdit {
        TotpEdit {
            comment: Comment::try_from(comment).unwrap(),
            enabled,
        }
    }

    #[test]
    fn a_records_links_are_not_read_back_but_its_key_is() {
        let t: Totp = serde_json::from_value(json!({
            "_links": {"self": {"href": "/api/security/login/totps/02c9e252-41be-11e9-81d5-00a0986138f7/alice"}},
            "account": {"_links": {"self": {"href": "/api/security/accounts/x/alice"}}, "name": "alice"},
            "owner": {"_links": {"self": {"href": "/api/svm/svms/x"}}, "name": "vs1",
                      "uuid": "02c9e252-41be-11e9-81d5-00a0986138f7"},
            "enabled": true
        }))
        .unwrap();
        assert_eq!(
            (t.links.clone(), t.account.clone().unwrap().links),
            (None, None)
        );
        assert_eq!(t.owner.clone().unwrap().links, None);
        assert_eq!(t.key().unwrap().account.as_str(), "alice");
        assert_eq!(t.owner_name(), Some("vs1"));
        assert_eq!(t.enabled, Some(true));
        // Written when set (the emulator's records carry them).
        let written = serde_json::to_value(Totp {
            links: Some(SelfLinks {
                self_: Some(Href {
                    href: "/api/x".into(),
                }),
            }),
            ..Totp::default()
        })
        .unwrap();
        assert_eq!(written["_links"]["self"]["href"], "/api/x");
    }

    #[test]
    fn an_unchanged_form_makes_an_empty_patch() {
        let l = loaded(Some("laptop"), Some(true));
        let p = TotpPatch::between(&l, &TotpEdit::from_loaded(&l));
        assert!(p.is_empty());
        assert_eq!(serde_json::to_string(&p).unwrap(), "{}");
    }

    #[test]
    fn an_absent_comment_equals_an_empty_one() {
        let l = loaded(None, Some(true));
        assert!(TotpPatch::between(&l, &edit("", true)).is_empty());
    }

    #[test]
    fn the_patch_carries_only_what_changed() {
        let l = loaded(Some("laptop"), Some(true));
        let p = TotpPatch::between(&l, &edit("phone", true));
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"comment": "phone"})
        );
        let p = TotpPatch::between(&l, &edit("laptop", false));
        assert_eq!(serde_json::to_value(&p).unwrap(), json!({"enabled": false}));
        let p = TotpPatch::between(&l, &edit("", false));
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"comment": "", "enabled": false})
        );
    }

    #[test]
    fn enabled_unknown_on_load_is_sent_when_set() {
        let l = loaded(Some("x"), None);
        let p = TotpPatch::between(&l, &edit("x", false));
        assert_eq!(p.enabled, Some(false));
    }

    #[test]
    fn enabled_can_never_be_a_string() {
        // NetApp's reference page shows `"enabled": ""`; our type refuses to read or build it.
        assert!(serde_json::from_value::<TotpPatch>(json!({"enabled": ""})).is_err());
        assert_eq!(
            TotpPatch::from_body(&json!({"enabled": ""})),
            Err(PatchBodyError::EnabledNotBoolean)
        );
        assert_eq!(
            TotpPatch::from_body(&json!({"enabled": "true"})),
            Err(PatchBodyError::EnabledNotBoolean)
        );
    }

    #[test]
    fn from_body_refuses_read_only_and_create_only_fields_by_name() {
        for f in ["scope", "sha_fingerprint", "owner", "account", "_links"] {
            assert_eq!(
                TotpPatch::from_body(&json!({ f: "x" })),
                Err(PatchBodyError::NotModifiable { field: f.into() })
            );
        }
        assert_eq!(
            TotpPatch::from_body(&json!({"colour": "red"})),
            Err(PatchBodyError::UnknownField {
                field: "colour".into()
            })
        );
        assert_eq!(
            TotpPatch::from_body(&json!([])),
            Err(PatchBodyError::NotAnObject)
        );
        assert_eq!(
            TotpPatch::from_body(&json!({"comment": 5})),
            Err(PatchBodyError::WrongType {
                field: "comment".into()
            })
        );
    }

    #[test]
    fn from_body_reads_what_between_writes() {
        let p = TotpPatch {
            comment: Some(Comment::try_from("a b").unwrap()),
            enabled: Some(true),
        };
        let body = serde_json::to_value(&p).unwrap();
        assert_eq!(TotpPatch::from_body(&body), Ok(p));
        assert_eq!(TotpPatch::from_body(&json!({})), Ok(TotpPatch::default()));
    }

    #[test]
    fn apply_to_changes_only_the_patched_fields() {
        let mut t = loaded(Some("a"), Some(true));
        TotpPatch {
            comment: None,
            enabled: Some(false),
        }
        .apply_to(&mut t);
        assert_eq!(t.comment.as_deref(), Some("a"));
        assert_eq!(t.enabled, Some(false));
    }

    #[test]
    fn the_path_percent_encodes_each_segment() {
        let key = TotpKey {
            owner: OwnerUuid::try_from("02c9e252-41be-11e9-81d5-00a0986138f7").unwrap(),
            account: AccountName::try_from("DOM\\j smith/../x%").unwrap(),
        };
        assert_eq!(
            key.path(),
            "/security/login/totps/02c9e252-41be-11e9-81d5-00a0986138f7/DOM%5Cj%20smith%2F..%2Fx%25"
        );
        let key = TotpKey {
            account: AccountName::try_from("jöe.smith_1~").unwrap(),
            ..key
        };
        assert!(key.path().ends_with("/j%C3%B6e.smith_1~"));
    }

    #[test]
    fn from_segments_reads_what_path_writes() {
        let key = TotpKey {
            owner: OwnerUuid::try_from("02c9e252-41be-11e9-81d5-00a0986138f7").unwrap(),
            account: AccountName::try_from("CORP\\j smith+1/ö%").unwrap(),
        };
        let path = key.path();
        let mut segs = path.rsplit('/');
        let account = segs.next().unwrap();
        let owner = segs.next().unwrap();
        assert_eq!(TotpKey::from_segments(owner, account), Some(key));
        // A raw `+` in a path is a plus sign, not a space.
        assert_eq!(decode_segment("a+b").as_deref(), Some("a+b"));
        assert_eq!(decode_segment("%FF"), None);
        assert_eq!(
            TotpKey::from_segments("not-a-uuid", "alice"),
            None,
            "a malformed owner addresses nothing"
        );
        assert_eq!(
            TotpKey::from_segments("02c9e252-41be-11e9-81d5-00a0986138f7", "ab"),
            None
        );
    }

    #[test]
    fn a_record_reads_leniently() {
        let t: Totp = serde_json::from_value(json!({
            "account": {"name": "x"},
            "owner": {"uuid": "not-a-uuid", "name": "vs1"},
            "scope": "tenant",
            "unknown_future_field": 1
        }))
        .unwrap();
        assert_eq!(t.account_name(), Some("x"));
        assert_eq!(t.scope, Some(Scope::Other));
        assert_eq!(
            t.key(),
            None,
            "a malformed key is shown, never used to address a request"
        );
    }

    #[test]
    fn create_body_reads_account_owner_and_comment() {
        let u = "02c9e252-41be-11e9-81d5-00a0986138f7";
        let c = TotpCreate::from_body(&json!({
            "account": {"name": "alice"}, "owner": {"uuid": u}, "comment": "phone"
        }))
        .unwrap();
        assert_eq!(c.account.name.as_str(), "alice");
        assert_eq!(
            c.owner
                .as_ref()
                .and_then(|o| o.uuid.as_ref())
                .map(|u| u.as_str()),
            Some(u)
        );
        assert_eq!(c.comment.as_ref().map(|c| c.as_str()), Some("phone"));
        // What the page builds is what the cluster reads.
        let built = TotpCreate::new(
            AccountName::try_from("alice").unwrap(),
            Some(OwnerUuid::try_from(u).unwrap()),
            Some(Comment::try_from("phone").unwrap()),
        );
        assert_eq!(
            TotpCreate::from_body(&serde_json::to_value(&built).unwrap()),
            Ok(built)
        );
        let by_name =
            TotpCreate::from_body(&json!({"account": {"name": "bob"}, "owner": {"name": "vs1"}}))
                .unwrap();
        assert_eq!(by_name.owner.unwrap().name.as_deref(), Some("vs1"));
        let cluster = TotpCreate::from_body(&json!({"account": {"name": "bob"}})).unwrap();
        assert!(cluster.owner.is_none());
    }

    #[test]
    fn create_body_refuses_what_only_the_cluster_writes() {
        let err = |b: Value| TotpCreate::from_body(&b).unwrap_err();
        assert_eq!(
            err(json!({})),
            CreateBodyError::Missing {
                field: "account.name".into()
            }
        );
        assert_eq!(err(json!([])), CreateBodyError::NotAnObject);
        for f in [
            "enabled",
            "secret_key",
            "install_url",
            "scope",
            "emergency_codes",
            "sha_fingerprint",
        ] {
            assert_eq!(
                err(json!({"account": {"name": "alice"}, f: "x"})),
                CreateBodyError::NotSettable { field: f.into() }
            );
        }
        assert_eq!(
            err(json!({"account": {"name": "alice", "colour": 1}})),
            CreateBodyError::UnknownField {
                field: "account.colour".into()
            }
        );
        assert_eq!(
            err(json!({"account": {"name": "alice"}, "colour": 1})),
            CreateBodyError::UnknownField {
                field: "colour".into()
            }
        );
        assert_eq!(
            err(json!({"account": {"name": "al"}})),
            CreateBodyError::WrongType {
                field: "account.name".into()
            }
        );
        assert_eq!(
            err(json!({"account": {"name": "alice"}, "owner": {"uuid": "x"}})),
            CreateBodyError::WrongType {
                field: "owner.uuid".into()
            }
        );
    }

    #[test]
    fn a_created_record_reads_leniently() {
        let t: TotpCreated = serde_json::from_value(json!({
            "account": {"name": "alice"}, "secret_key": "ABC", "emergency_codes": ["12345678"],
            "verification_code": "123456", "future": true
        }))
        .unwrap();
        assert_eq!(t.emergency_codes, ["12345678"]);
        assert_eq!(t.secret_key.as_deref(), Some("ABC"));
    }

    #[test]
    fn the_addressed_account_may_be_echoed_in_a_patch() {
        let me = AccountName::try_from("ysadmin").unwrap();
        let body = json!({"account": {"name": "ysadmin"}, "comment": "Testing", "enabled": false});
        assert_eq!(
            TotpPatch::from_body_addressed(&body, &me),
            Ok(TotpPatch {
                comment: Some(Comment::try_from("Testing").unwrap()),
                enabled: Some(false)
            })
        );
        let other = json!({"account": {"name": "mallory"}});
        assert_eq!(
            TotpPatch::from_body_addressed(&other, &me),
            Err(PatchBodyError::NotModifiable {
                field: "account".into()
            })
        );
    }

    proptest! {
        #[test]
        fn a_serialised_patch_never_carries_a_read_only_field(
            lc in proptest::option::of(any::<String>()),
            le in proptest::option::of(any::<bool>()),
            ec in any::<String>(),
            ee in any::<bool>(),
        ) {
            let l = Totp { comment: lc, enabled: le, ..loaded(None, None) };
            let e = TotpEdit { comment: Comment::try_from(ec).unwrap(), enabled: ee };
            let p = TotpPatch::between(&l, &e);
            let v = serde_json::to_value(&p).unwrap();
            let obj = v.as_object().unwrap();
            for k in obj.keys() {
                prop_assert!(PATCH_WRITABLE.contains(&k.as_str()), "{} in a PATCH body", k);
            }
            if let Some(en) = obj.get("enabled") { prop_assert!(en.is_boolean()); }
            // And what it carries, applied, gives the edited values.
            let mut applied = l.clone();
            p.apply_to(&mut applied);
            prop_assert_eq!(TotpEdit::from_loaded(&applied), e);
            // The server's reading of the body is the same patch.
            prop_assert_eq!(TotpPatch::from_body(&v), Ok(p));
        }

        #[test]
        fn from_body_never_panics(s in any::<String>(), b in any::<bool>(), k in "[a-z_]{1,12}") {
            let _ = TotpPatch::from_body(&json!({ k.clone(): s.clone() }));
            let _ = TotpPatch::from_body(&json!({ k: b }));
        }
    }
}
