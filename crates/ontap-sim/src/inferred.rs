//! INFERRED BEHAVIOURS: every answer the emulator gives that ONTAP's documentation does not
//! state, with the reason for the choice. Handlers take these answers from here and nowhere
//! else, so correcting one (after seeing a real cluster answer) is one edit in this file.
//! The crate README lists the same table; a test keeps the two in step.

use ontap_model::error::ReturnedError;
use ontap_model::{ErrorCode, ErrorResponse, Known, Version};

/// An error answer: HTTP status, ONTAP code, message (`{arg}` is replaced by the field or
/// argument concerned), whether `target` names that argument, and why it was chosen.
#[derive(Clone, Copy, Debug)]
pub struct Inferred {
    pub name: &'static str,
    pub status: u16,
    pub code: u64,
    pub message: &'static str,
    pub targeted: bool,
    pub why: &'static str,
}

impl Inferred {
    /// The error body, with `arg` in the message and (if [`Inferred::targeted`]) as target.
    pub fn body(&self, arg: &str) -> ErrorResponse {
        ErrorResponse {
            error: ReturnedError {
                message: self.message.replace("{arg}", arg),
                code: ErrorCode::new(self.code),
                target: self.targeted.then(|| arg.to_owned()),
                arguments: Vec::new(),
            },
        }
    }
}

/// PATCH with `enabled` present but not a JSON boolean (`""`, `"true"`, `1`, `null`).
pub const ENABLED_NOT_BOOLEAN: Inferred = Inferred {
    name: "ENABLED_NOT_BOOLEAN",
    status: 400,
    code: 144834565,
    message: "Invalid option for the field -enabled",
    targeted: true,
    why: "ONTAP lists 144834565 \"Invalid option for the field -enabled\" for this PATCH without \
          saying what triggers it. The CLI's -enabled takes only true or false, and NetApp's own \
          example body sends `\"enabled\": \"\"`: a value that is not a boolean is the likeliest \
          trigger. The target names the field like the other body errors.",
};

/// A query parameter the endpoint does not know, or a PATCH body field the `totp` definition
/// does not have.
pub const UNEXPECTED_ARGUMENT: Inferred = Inferred {
    name: "UNEXPECTED_ARGUMENT",
    status: 400,
    code: 2,
    message: "Unexpected argument \"{arg}\".",
    targeted: true,
    why: "The contract maps an extra field to code 2 and ONTAP's message for it is \"Unexpected \
          argument\". A published transcript of a real cluster shows that message with code \
          262179 (for an extra path segment, answered 404), so ONTAP may use 262179 here too: \
          if a cluster confirms it, change `code` to 262179.",
};

/// A value ONTAP cannot use: a `fields` entry the record does not have, a `max_records` that
/// is not a positive integer, a `return_records` that is not a boolean, a `return_timeout`
/// outside 0 to 120, an `order_by` on an unknown field or direction, a `comment` that is not a
/// string, a continuation token the emulator did not write.
pub const INVALID_VALUE: Inferred = Inferred {
    name: "INVALID_VALUE",
    status: 400,
    code: 2,
    message: "Invalid value for field \"{arg}\".",
    targeted: true,
    why: "Code 2 is ONTAP's \"invalid, missing or extra field\". Third-party ONTAP mocks answer \
          an unknown `fields` entry with code 262197 (\"The value ... is invalid for field \
          fields\"): unconfirmed, so the documented generic code is used.",
};

/// A PATCH body that is not JSON, or not a JSON object.
pub const BODY_NOT_JSON_OBJECT: Inferred = Inferred {
    name: "BODY_NOT_JSON_OBJECT",
    status: 400,
    code: 2,
    message: "The request body is not a JSON object.",
    targeted: false,
    why: "ONTAP documents no code for a malformed body; 2 is its generic invalid-input code.",
};

/// A path under /api that this release does not have (the TOTP paths below 9.13 included).
pub const UNKNOWN_API_PATH: Inferred = Inferred {
    name: "UNKNOWN_API_PATH",
    status: 404,
    code: 3,
    message: "API not found",
    targeted: false,
    why: "ONTAP documents 404 for a resource that does not exist but not the body for an \
          unknown path; third-party ONTAP mocks answer {\"message\": \"API not found\", \
          \"code\": \"3\"}. The TOTP endpoints appeared in 9.13 (x-ntap-introduced), so an \
          older release answers them like any unknown path.",
};

/// A method the path does not support (and POST/DELETE on profiles, not emulated yet).
pub const METHOD_NOT_SUPPORTED: Inferred = Inferred {
    name: "METHOD_NOT_SUPPORTED",
    status: 405,
    code: 3,
    message: "Operation not supported.",
    targeted: false,
    why: "ONTAP documents 405 and code 3 \"operation not supported\" but not which calls get it.",
};

/// Missing or wrong credentials, a locked account, or an account without the http
/// application.
pub const UNAUTHENTICATED: Inferred = Inferred {
    name: "UNAUTHENTICATED",
    status: 401,
    code: 6,
    message: "Authentication failed.",
    targeted: false,
    why: "ONTAP documents 401 (\"user authentication has failed\") and sends `WWW-Authenticate: \
          Basic realm=\"ONTAP\"`, but its body is not documented; code 6 is its permission \
          code. The page must key on the status, not on this body.",
};

/// Which wording of 144834566 a release uses.
pub fn no_profile_message(version: &Version) -> &'static str {
    // NetApp's reference page for 9.13.1 words it "TOTP is not configured for the user"; the
    // current specification has the longer text. Inferred: every 9.13 release uses the old
    // wording, and every later one the new.
    if (version.generation, version.major) == (9, 13) {
        Known::NO_PROFILE_9_13_1
    } else {
        Known::NoProfileToModify.ontap_message()
    }
}

/// Choices that are not error bodies, listed for the README.
pub const BEHAVIOURS: &[(&str, &str, &str)] = &[
    (
        "NO_PROFILE_WORDING",
        "144834566 says \"TOTP is not configured for the user\" on every 9.13.x, the current \
         text from 9.14 on",
        "only 9.13.1's wording is documented",
    ),
    (
        "MALFORMED_KEY_IS_ABSENT",
        "a path whose owner is not a UUID, or whose account name is not 3 to 64 characters, \
         addresses nothing: GET answers 404 code 4, PATCH 144834566",
        "no profile can have such a key; ONTAP's exact answer is not documented",
    ),
    (
        "OTHER_SVM_IS_ABSENT",
        "an SVM-scoped user asking for another SVM's profile gets the not-found answers \
         (404 code 4, PATCH 144834566), not 403",
        "SVM-scoped accounts see only their SVM's objects: the others do not exist for them",
    ),
    (
        "PATCH_CHECK_ORDER",
        "PATCH checks, in order: sign-in (401), path (404), query (400), role may modify \
         (403 code 6), body (400), profile exists and is visible (404 144834566), `enabled` \
         only for the admin role (403 144834564); then applies",
        "ONTAP does not document which check wins when several fail",
    ),
    (
        "EMPTY_PATCH_BODY",
        "an empty PATCH body is read as {}: 200, nothing changed",
        "NetApp's examples answer 200 with {} for a change; an empty change changes nothing",
    ),
    (
        "PLUS_IN_QUERY",
        "in a query string `+` is a space (use %2B for a plus sign); in a path it is a plus sign",
        "form encoding, as most HTTP servers read queries",
    ),
    (
        "CONTINUATION_TOKEN",
        "`_links.next.href` repeats the query and adds `start.key=<opaque token>`, the sort \
         position of the last record sent; max_records must be 1 or more",
        "ONTAP's own continuation parameters are opaque to clients, which follow the link",
    ),
    (
        "SAME_NAME_IN_SEVERAL_SVMS",
        "when several accounts share a sign-in name (every SVM has a vsadmin), the \
         cluster-scoped one signs in, else the first SVM by name among those unlocked with http",
        "the emulator has one address; ONTAP picks by the management LIF reached",
    ),
];

/// Every inferred error answer, for the README check.
pub const ANSWERS: &[Inferred] = &[
    ENABLED_NOT_BOOLEAN,
    UNEXPECTED_ARGUMENT,
    INVALID_VALUE,
    BODY_NOT_JSON_OBJECT,
    UNKNOWN_API_PATH,
    METHOD_NOT_SUPPORTED,
    UNAUTHENTICATED,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_inferred_behaviour() {
        let readme = include_str!("../README.md");
        for name in ANSWERS
            .iter()
            .map(|a| a.name)
            .chain(BEHAVIOURS.iter().map(|b| b.0))
        {
            assert!(readme.contains(name), "README.md does not list {name}");
        }
    }

    #[test]
    fn the_9_13_wording_is_used_only_on_9_13() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(no_profile_message(&v("9.13.1")), Known::NO_PROFILE_9_13_1);
        assert_eq!(no_profile_message(&v("9.13.0")), Known::NO_PROFILE_9_13_1);
        let current = Known::NoProfileToModify.ontap_message();
        assert_eq!(no_profile_message(&v("9.14.1")), current);
        assert_eq!(no_profile_message(&v("9.18.1")), current);
    }

    #[test]
    fn targeted_answers_name_their_argument() {
        let b = UNEXPECTED_ARGUMENT.body("colour");
        assert_eq!(b.error.message, "Unexpected argument \"colour\".");
        assert_eq!(b.error.target.as_deref(), Some("colour"));
        assert_eq!(UNKNOWN_API_PATH.body("x").error.target, None);
        assert_eq!(
            ENABLED_NOT_BOOLEAN.body("enabled").known(),
            Some(Known::InvalidEnabled)
        );
    }
}
