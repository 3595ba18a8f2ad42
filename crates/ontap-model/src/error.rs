//! ONTAP's error body, and the catalogue that turns its codes into plain guidance.
//!
//! The body is `{"error": {"message", "code", "target", "arguments"}}`. The spec types `code` as
//! a string; some of NetApp's examples print a number, and one prints `arguments` as a single
//! object rather than a list: all of these are read. The catalogue ([`Known`]) holds, for each
//! code the contract names, ONTAP's own wording (which the emulator sends) and what the page
//! tells the user, with the next step to take.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The error body ONTAP sends with every non-2xx status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ReturnedError,
}

/// `returned_error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub arguments: Vec<ErrorArgument>,
}

/// `error_arguments`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorArgument {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ErrorArgument>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<ErrorArgument>),
        One(ErrorArgument),
        Nothing(()),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(a) => vec![a],
        OneOrMany::Nothing(()) => Vec::new(),
    })
}

/// An error code, kept as ONTAP's text (`"144834564"`); a JSON number is read as its digits.
/// Always serialised as a string, as the spec types it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ErrorCode(String);

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Unsigned(u64),
            Signed(i64),
        }
        Ok(ErrorCode(match Raw::deserialize(d)? {
            Raw::Text(s) => s.trim().to_owned(),
            Raw::Unsigned(n) => n.to_string(),
            Raw::Signed(n) => n.to_string(),
        }))
    }
}

impl ErrorCode {
    pub fn new(code: u64) -> ErrorCode {
        ErrorCode(code.to_string())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
    /// The catalogue entry for this code, if the contract names it.
    pub fn known(&self) -> Option<Known> {
        self.as_u64().and_then(Known::from_code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every error code the contract names, with ONTAP's wording and the page's guidance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Known {
    /// 1: duplicate entry (409).
    Duplicate,
    /// 2: invalid, missing or extra field (400).
    InvalidField,
    /// 3: operation not supported (405).
    NotSupported,
    /// 4: entry not found (404).
    NotFound,
    /// 6: permission denied (403).
    PermissionDenied,
    /// 7: resource limit reached.
    ResourceLimit,
    /// 8: resource in use.
    InUse,
    /// 262160: too many requests (429).
    TooManyRequests,
    /// 262196: field cannot be set in this operation (400).
    FieldCannotBeSet,
    /// 262179: unexpected argument: a query parameter or body field the call does not take.
    UnexpectedArgument,
    /// 262197: a value is invalid for a field (for example an unknown name in `fields`).
    InvalidFieldValue,
    /// 6691623: user is not authorized for this operation.
    NotAuthorized,
    /// 144834561: TOTP is not configured as a second factor for the user (POST).
    TotpNotConfigured,
    /// 144834564: only users with the admin role may modify the TOTP status.
    OnlyAdminMayChangeStatus,
    /// 144834565: invalid option for the field -enabled.
    InvalidEnabled,
    /// 144834566: no TOTP profile to modify (worded differently by 9.13.1).
    NoProfileToModify,
}

/// What the page says about an error: a plain message and the next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guidance {
    pub message: &'static str,
    pub next_step: &'static str,
}

impl Known {
    pub const ALL: [Known; 16] = [
        Known::Duplicate,
        Known::InvalidField,
        Known::NotSupported,
        Known::NotFound,
        Known::PermissionDenied,
        Known::ResourceLimit,
        Known::InUse,
        Known::TooManyRequests,
        Known::FieldCannotBeSet,
        Known::UnexpectedArgument,
        Known::InvalidFieldValue,
        Known::NotAuthorized,
        Known::TotpNotConfigured,
        Known::OnlyAdminMayChangeStatus,
        Known::InvalidEnabled,
        Known::NoProfileToModify,
    ];

    pub fn code(self) -> u64 {
        match self {
            Known::Duplicate => 1,
            Known::InvalidField => 2,
            Known::NotSupported => 3,
            Known::NotFound => 4,
            Known::PermissionDenied => 6,
            Known::ResourceLimit => 7,
            Known::InUse => 8,
            Known::TooManyRequests => 262160,
            Known::FieldCannotBeSet => 262196,
            Known::UnexpectedArgument => 262179,
            Known::InvalidFieldValue => 262197,
            Known::NotAuthorized => 6691623,
            Known::TotpNotConfigured => 144834561,
            Known::OnlyAdminMayChangeStatus => 144834564,
            Known::InvalidEnabled => 144834565,
            Known::NoProfileToModify => 144834566,
        }
    }

    pub fn from_code(code: u64) -> Option<Known> {
        Known::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The HTTP status ONTAP answers this error with.
    pub fn status(self) -> u16 {
        match self {
            Known::Duplicate => 409,
            Known::InvalidField
            | Known::FieldCannotBeSet
            | Known::InvalidEnabled
            | Known::UnexpectedArgument
            | Known::InvalidFieldValue => 400,
            Known::NotSupported => 405,
            Known::NotFound | Known::NoProfileToModify => 404,
            Known::PermissionDenied | Known::NotAuthorized | Known::OnlyAdminMayChangeStatus => 403,
            Known::TooManyRequests => 429,
            Known::ResourceLimit | Known::InUse | Known::TotpNotConfigured => 400,
        }
    }

    /// ONTAP's own message for this code (the current release's wording).
    pub fn ontap_message(self) -> &'static str {
        match self {
            Known::Duplicate => "Duplicate entry.",
            Known::InvalidField => "Invalid, missing or extra field.",
            Known::NotSupported => "Operation not supported.",
            Known::NotFound => "entry doesn't exist",
            Known::PermissionDenied => "not authorized for that command",
            Known::ResourceLimit => "Resource limit reached.",
            Known::InUse => "Resource in use.",
            Known::TooManyRequests => {
                "Too many requests are being processed. Retry the operation later."
            }
            Known::FieldCannotBeSet => "Field cannot be set in this operation.",
            Known::UnexpectedArgument => "Unexpected argument.",
            Known::InvalidFieldValue => "The value is invalid for the field.",
            Known::NotAuthorized => "User is not authorized for this operation.",
            Known::TotpNotConfigured => "TOTP is not configured for the user.",
            Known::OnlyAdminMayChangeStatus => {
                "Only users with the admin role are allowed to modify the TOTP status."
            }
            Known::InvalidEnabled => "Invalid option for the field -enabled",
            Known::NoProfileToModify => {
                "The user does not have a TOTP configuration available for modification."
            }
        }
    }

    /// 144834566 as ONTAP 9.13.1 words it.
    pub const NO_PROFILE_9_13_1: &'static str = "TOTP is not configured for the user";

    /// What the page tells the user, and what they can do next.
    pub fn guidance(self) -> Guidance {
        let (message, next_step) = match self {
            Known::Duplicate => (
                "That already exists on the cluster.",
                "Reload to see the current state, then change it instead of creating it.",
            ),
            Known::InvalidField => (
                "The cluster refused a value in this request.",
                "Check the field named in the message, correct it and try again.",
            ),
            Known::NotSupported => (
                "This cluster does not support that operation.",
                "Use the ONTAP CLI command shown for this change instead.",
            ),
            Known::NotFound => (
                "The cluster has no such entry.",
                "It may have been deleted meanwhile: go back to the list and reload it.",
            ),
            Known::PermissionDenied => (
                "Your account is not allowed to do this.",
                "Ask a cluster administrator, or sign in with an account whose role allows it.",
            ),
            Known::ResourceLimit => (
                "The cluster has reached a limit for this kind of object.",
                "Remove unused entries or ask a cluster administrator.",
            ),
            Known::InUse => (
                "The entry is in use and cannot be changed now.",
                "Wait a moment and try again.",
            ),
            Known::TooManyRequests => (
                "The cluster is busy and did not apply this change.",
                "Wait a few seconds and try again; nothing was changed.",
            ),
            Known::FieldCannotBeSet => (
                "A field in this request cannot be changed this way.",
                "Only the comment and the enabled status of a profile can be changed.",
            ),
            Known::UnexpectedArgument => (
                "The cluster does not take one of the parameters of this request.",
                "This release may not know that parameter: update the page, or report the message shown.",
            ),
            Known::InvalidFieldValue => (
                "The cluster refused a value of this request.",
                "This release may not know the field named in the message: update the page, or report it.",
            ),
            Known::NotAuthorized => (
                "Your account is not authorized for this operation.",
                "Ask a cluster administrator to do it, or to grant your role this operation.",
            ),
            Known::TotpNotConfigured => (
                "TOTP is not set up as the SSH second factor of this account.",
                "An administrator must first set the account's SSH second authentication method to TOTP.",
            ),
            Known::OnlyAdminMayChangeStatus => (
                "Only users with the admin role can enable or disable a TOTP profile.",
                "Ask a cluster administrator to change the status; you can still change the comment.",
            ),
            Known::InvalidEnabled => (
                "The cluster refused the value of Enabled.",
                "Enabled must be on or off; reload the profile and try again.",
            ),
            Known::NoProfileToModify => (
                "This account has no TOTP profile to change.",
                "The user must create a profile first (self-enrollment), or it was removed meanwhile: reload the list.",
            ),
        };
        Guidance { message, next_step }
    }

    /// True when ONTAP answers this code before applying anything, so retrying is safe.
    pub fn not_applied(self) -> bool {
        matches!(self, Known::TooManyRequests)
    }
}

impl ErrorResponse {
    /// A body for `known`, with ONTAP's wording and an optional target (the emulator's side).
    pub fn new(known: Known, target: Option<&str>) -> ErrorResponse {
        ErrorResponse::with_message(known, known.ontap_message(), target)
    }

    pub fn with_message(known: Known, message: &str, target: Option<&str>) -> ErrorResponse {
        ErrorResponse {
            error: ReturnedError {
                message: message.to_owned(),
                code: ErrorCode::new(known.code()),
                target: target.map(str::to_owned),
                arguments: Vec::new(),
            },
        }
    }

    pub fn known(&self) -> Option<Known> {
        self.error.code.known()
    }

    /// The field the error is about, if ONTAP named one (`target`), without a record prefix.
    pub fn field(&self) -> Option<&str> {
        let t = self.error.target.as_deref()?.trim();
        (!t.is_empty()).then(|| t.rsplit('.').next().unwrap_or(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn code_arrives_as_string_or_number() {
        let a: ErrorResponse =
            serde_json::from_value(json!({"error": {"message": "m", "code": "144834564"}}))
                .unwrap();
        let b: ErrorResponse =
            serde_json::from_value(json!({"error": {"message": "m", "code": 144834564}})).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.known(), Some(Known::OnlyAdminMayChangeStatus));
        assert_eq!(
            serde_json::to_value(&a).unwrap()["error"]["code"],
            json!("144834564")
        );
    }

    #[test]
    fn arguments_arrive_as_a_list_or_one_object() {
        // NetApp's example error on the PATCH reference page has a single object.
        let one: ErrorResponse = serde_json::from_value(json!({"error": {
            "arguments": {"code": "string", "message": "string"},
            "code": "4", "message": "entry doesn't exist", "target": "uuid"}}))
        .unwrap();
        assert_eq!(one.error.arguments.len(), 1);
        assert_eq!(one.known(), Some(Known::NotFound));
        let many: ErrorResponse = serde_json::from_value(json!({"error": {
            "arguments": [{"code": "1", "message": "a"}, {"code": "2", "message": "b"}],
            "code": "2", "message": "x"}}))
        .unwrap();
        assert_eq!(many.error.arguments.len(), 2);
    }

    #[test]
    fn every_contract_code_is_in_the_catalogue() {
        for code in [
            1, 2, 3, 4, 6, 7, 8, 262160, 262179, 262196, 262197, 6691623, 144834561, 144834564,
            144834565, 144834566,
        ] {
            let k = Known::from_code(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(k.code(), code);
            assert!(!k.guidance().message.is_empty() && !k.guidance().next_step.is_empty());
        }
        assert_eq!(Known::from_code(5), None);
    }

    #[test]
    fn both_wordings_of_144834566_map_to_one_entry() {
        for message in [
            Known::NoProfileToModify.ontap_message(),
            Known::NO_PROFILE_9_13_1,
        ] {
            let e: ErrorResponse =
                serde_json::from_value(json!({"error": {"message": message, "code": "144834566"}}))
                    .unwrap();
            assert_eq!(e.known(), Some(Known::NoProfileToModify));
        }
    }

    #[test]
    fn unknown_and_garbled_codes_are_kept_not_lost() {
        let e: ErrorResponse =
            serde_json::from_value(json!({"error": {"message": "odd", "code": "x12"}})).unwrap();
        assert_eq!(e.known(), None);
        assert_eq!(e.error.code.as_str(), "x12");
        let e: ErrorResponse = serde_json::from_value(json!({"error": {}})).unwrap();
        assert_eq!(e.known(), None);
    }

    #[test]
    fn field_strips_a_record_prefix() {
        let e = ErrorResponse::new(Known::FieldCannotBeSet, Some("totp.comment"));
        assert_eq!(e.field(), Some("comment"));
        let e = ErrorResponse::new(Known::FieldCannotBeSet, Some(" "));
        assert_eq!(e.field(), None);
    }
}
