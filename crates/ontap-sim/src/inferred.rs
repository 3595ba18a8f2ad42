//! INFERRED BEHAVIOURS: every answer the emulator gives that ONTAP's documentation does not
//! state, with its source or the reason for the choice. Handlers take these answers from here
//! and nowhere else, so correcting one (after seeing a real cluster answer) is one edit in this
//! file. The crate README lists the same table; a test keeps the two in step.

use ontap_model::error::ReturnedError;
use ontap_model::{ErrorCode, ErrorResponse, Known, Version};

/// An error answer: HTTP status, ONTAP code, message (`{arg}` is replaced by the field or
/// argument concerned, `{value}` by the value refused), whether `target` names that argument,
/// and where it comes from.
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
        self.body_value(arg, "")
    }

    /// The error body naming a field and the value refused.
    pub fn body_value(&self, arg: &str, value: &str) -> ErrorResponse {
        ErrorResponse {
            error: ReturnedError {
                message: self.message.replace("{arg}", arg).replace("{value}", value),
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

/// A query parameter the endpoint does not take, or a body field the definition does not have.
pub const UNEXPECTED_ARGUMENT: Inferred = Inferred {
    name: "UNEXPECTED_ARGUMENT",
    status: 400,
    code: 262179,
    message: "Unexpected argument \"{arg}\".",
    targeted: true,
    why: "Real clusters answer an unknown body field with 400 {\"message\": \"Unexpected argument \
          \\\"ndmp\\\".\", \"code\": \"262179\", \"target\": \"ndmp.allowed\"} \
          (ansible-collections/netapp.ontap issue 178) and an extra path segment with the same \
          message and code (a public curl transcript, 404). A query parameter is the same kind \
          of argument; a third-party ONTAP test double answers an unknown one (an older \
          release's `ignore_unknown_fields`) with 400 and 262179 too. The contract's code 2 for \
          an extra field was the earlier guess; 262179 replaces it.",
};

/// A query parameter's value ONTAP cannot use: a `fields` entry the record does not have, a
/// `max_records` that is not a positive integer, a `return_records` that is not a boolean, a
/// `return_timeout` outside 0 to 120, an `order_by` on an unknown field or direction, a
/// continuation token the emulator did not write.
pub const INVALID_QUERY_VALUE: Inferred = Inferred {
    name: "INVALID_QUERY_VALUE",
    status: 400,
    code: 262197,
    message: "The value \"{value}\" is invalid for field \"{arg}\"",
    targeted: true,
    why: "Real clusters answer an unknown `fields` entry with 400 {\"message\": \"The value \
          \\\"size\\\" is invalid for field \\\"fields\\\"\", \"code\": \"262197\", \"target\": \
          \"fields\"} (a public FSx for ONTAP transcript; ONTAP 9.11 appends \" (<field,...>)\", \
          ansible-collections/netapp.ontap issue 189). The other query parameters' bad values \
          are inferred to get the same answer naming their own field.",
};

/// A body value of the wrong type or form (`comment` not a string, a malformed `account.name`
/// or `owner.uuid` in a POST).
pub const INVALID_BODY_VALUE: Inferred = Inferred {
    name: "INVALID_BODY_VALUE",
    status: 400,
    code: 2,
    message: "Invalid value for field \"{arg}\".",
    targeted: true,
    why: "Code 2 is ONTAP's documented \"the value for a field has an invalid value or is \
          missing\"; the wording is the emulator's.",
};

/// A POST body without `account.name`.
pub const MISSING_FIELD: Inferred = Inferred {
    name: "MISSING_FIELD",
    status: 400,
    code: 2,
    message: "Field \"{arg}\" is required.",
    targeted: true,
    why: "The spec makes account.name required for POST; code 2 is ONTAP's documented code for a \
          missing field. The wording is the emulator's.",
};

/// A PATCH or POST body that is not JSON, or not a JSON object.
pub const BODY_NOT_JSON_OBJECT: Inferred = Inferred {
    name: "BODY_NOT_JSON_OBJECT",
    status: 400,
    code: 2,
    message: "The request body is not a JSON object.",
    targeted: false,
    why: "ONTAP documents no code for a malformed body; 2 is its generic invalid-input code.",
};

/// A body that names one field twice, dotted and nested (`{"role": {"name": "a"}, "role.name":
/// "b"}`), with different values, or dotted where the other spelling has a value that is not
/// an object.
pub const DOTTED_AND_NESTED: Inferred = Inferred {
    name: "DOTTED_AND_NESTED",
    status: 400,
    code: 2,
    message: "Field \"{arg}\" is given twice with different values.",
    targeted: true,
    why: "ONTAP's documentation does not say what a body that spells one field both ways gets. \
          Taking either value silently would change an account in a way its sender may not \
          have meant, so two different values are refused (code 2, ONTAP's invalid-input code; \
          the wording is the emulator's) and nothing is changed; the same value twice is one \
          field and is accepted, as a client that merges two dictionaries may send it.",
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

/// Extra segments after a known resource path (`/totps/{owner}/{account}/x`).
pub const EXTRA_PATH_SEGMENT: Inferred = Inferred {
    name: "EXTRA_PATH_SEGMENT",
    status: 404,
    code: 262179,
    message: "Unexpected argument \"{arg}\".",
    targeted: false,
    why: "A public curl transcript of a real cluster (libzapid-httpd) answers an extra path \
          segment with 404 {\"message\": \"Unexpected argument \\\"...\\\".\", \"code\": \
          \"262179\"} and no target.",
};

/// A method the path does not support.
pub const METHOD_NOT_SUPPORTED: Inferred = Inferred {
    name: "METHOD_NOT_SUPPORTED",
    status: 405,
    code: 3,
    message: "Operation not supported.",
    targeted: false,
    why: "ONTAP documents 405 and code 3 \"operation not supported\" but not which calls get it.",
};

/// DELETE of a profile on 9.19 and later.
pub const DELETE_REMOVED: Inferred = Inferred {
    name: "DELETE_REMOVED",
    status: 405,
    code: 3,
    message: "The DELETE method is no longer supported for this API. Use the ONTAP CLI command \
              \"security login totp delete\" to remove a TOTP profile.",
    targeted: false,
    why: "The netapp-ontap Python client 9.19.1.0 (resources/totp.py) says \"The DELETE method is \
          no longer supported for this API\" (deletion needs interactive OTP confirmation in the \
          CLI), while the 9.18 specification still documents DELETE. The first release without \
          it is taken to be 9.19; status and code are those of an unsupported operation.",
};

/// DELETE of another account's profile, whatever the caller's role (an administrator included):
/// only the key's owner deletes it; an administrator resets a user by disabling.
pub const DELETE_OTHERS_PROFILE: Inferred = Inferred {
    name: "DELETE_OTHERS_PROFILE",
    status: 403,
    code: 6,
    message: "not authorized for that command",
    targeted: false,
    why: "On a 9.14.1P10 cluster an administrator's `security login totp delete -vserver ... \
          -username <another user>` failed with \"Error: Authorization failed. command failed: \
          not authorized for that command\" while `modify -enabled false` worked \
          (NetAppDocs/ontap issue 1646; the reset page was corrected to say administrators \
          disable, pull request 1671). One transcript of one release, taken for every release \
          with TOTP; the REST answer is ONTAP's permission error (403, code 6) with the CLI's \
          words.",
};

/// Missing or wrong credentials, a locked account, an account without the http application,
/// an unknown bearer token, or credentials expired by fault injection.
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

/// POST for an account other than the caller's own.
pub const CREATE_FOR_OTHERS: Inferred = Inferred {
    name: "CREATE_FOR_OTHERS",
    status: 403,
    code: 6691623,
    message: "User is not authorized for this operation.",
    targeted: false,
    why: "NetApp: \"You are only allowed to create a TOTP profile for yourself, not for others. \
          Admin cannot create TOTP profiles for any users.\" The code is not given; 6691623 is \
          ONTAP's \"user is not authorized for this operation\" from the contract's list.",
};

/// POST when the account already has an enabled profile.
pub const DUPLICATE_PROFILE: Inferred = Inferred {
    name: "DUPLICATE_PROFILE",
    status: 409,
    code: 1,
    message: "Duplicate entry. A TOTP profile already exists for the user.",
    targeted: false,
    why: "ONTAP documents code 1 with 409 for an object that already exists; the TOTP-specific \
          wording is not published.",
};

/// Fault injection: an internal error.
pub const FAULT_INTERNAL_ERROR: Inferred = Inferred {
    name: "FAULT_INTERNAL_ERROR",
    status: 500,
    code: 999999,
    message: "Internal error (injected by ontap-sim). Nothing was changed.",
    targeted: false,
    why: "ONTAP documents 500 \"a general internal error\" without a code; the emulator uses a \
          code outside ONTAP's catalogue so that no client mistakes it for a documented one.",
};

/// Fault injection: the cluster is busy (429 or 503), before anything is applied.
pub const FAULT_BUSY: Inferred = Inferred {
    name: "FAULT_BUSY",
    status: 503,
    code: 262160,
    message: "Too many requests are being processed. Retry the operation later.",
    targeted: false,
    why: "The contract lists 262160 \"too many requests\" with 429, and 503 among ONTAP's \
          statuses; NetApp: \"REST API requests will be rejected when the wait queue is full\". \
          Injected with 429 or 503 as asked.",
};

/// An account PATCH whose `applications` breaks ONTAP's second-factor rule: a second method
/// on an application other than ssh or service_processor, TOTP after a first SSH method other
/// than password or publickey, a second method equal to the first.
pub const ACCOUNT_SECOND_FACTOR: Inferred = Inferred {
    name: "ACCOUNT_SECOND_FACTOR",
    status: 400,
    code: 2,
    message: "{value}",
    targeted: true,
    why: "NetApp's PATCH /security/accounts page: second_authentication_method is \"needed for \
          MFA and only supported for ssh\" (\"ssh and service_processor applications\" in the \
          current release); NetApp's TOTP set-up asks for password or public key as the first \
          SSH factor. The code and wording of the refusal are not published: code 2 (invalid \
          field) with the rule's own sentence (ontap_model::account_change) and the field as \
          target.",
};

/// An account PATCH whose `applications` is not a list of well-formed entries: empty, an
/// entry without methods, an unknown application or method, one application twice.
pub const ACCOUNT_APPLICATIONS_INVALID: Inferred = Inferred {
    name: "ACCOUNT_APPLICATIONS_INVALID",
    status: 400,
    code: 2,
    message: "Invalid value for field \"{arg}\": {value}",
    targeted: true,
    why: "The account_application definition enumerates applications and methods; the PATCH \
          replaces the whole list (\"array of one or more tuples\"). ONTAP's answer to a bad \
          entry is not published: code 2 (invalid field).",
};

/// An account PATCH naming a role that does not exist for the account's scope.
pub const ROLE_NOT_FOUND: Inferred = Inferred {
    name: "ROLE_NOT_FOUND",
    status: 404,
    code: 1261215,
    message: "The role was not found.",
    targeted: true,
    why: "Code and wording are in the error table of PATCH /security/accounts (ONTAP 9.7 \
          reference); the status is inferred (not found).",
};

/// `GET /api/security/audit/messages` by an SVM-scoped account.
pub const AUDIT_READERS: Inferred = Inferred {
    name: "AUDIT_READERS",
    status: 403,
    code: 6,
    message: "Permission denied: the audit log is available to cluster administrators only.",
    targeted: false,
    why: "`security audit log show` is documented as \"available to cluster administrators at \
          the admin privilege level\"; the REST endpoint is taken to follow it (code 6, \
          permission denied). Cluster-scoped read-only roles may read it.",
};

/// The API gateway (`--gateway`): a request without valid Unified Manager credentials.
pub const GATEWAY_UNAUTHENTICATED: Inferred = Inferred {
    name: "GATEWAY_UNAUTHENTICATED",
    status: 401,
    code: 6,
    message: "Authentication failed.",
    targeted: false,
    why: "Unified Manager's gateway page documents basic authentication with Unified Manager's \
          credentials, not the refusal; the emulator answers as its clusters do (401, code 6), \
          without WWW-Authenticate, so that a browser never shows its own dialog.",
};

/// The API gateway: `/api/gateways/{uuid}/...` naming no managed cluster.
pub const GATEWAY_NOT_FOUND: Inferred = Inferred {
    name: "GATEWAY_NOT_FOUND",
    status: 404,
    code: 4,
    message: "No cluster with UUID \"{arg}\" is managed through the API gateway.",
    targeted: false,
    why: "the gateway page says the UUID must be a managed cluster's (ONTAP 9.5 or later, added \
          over HTTPS) without the answer otherwise; 404 with ONTAP's \"entry does not exist\" \
          code 4 is the emulator's choice.",
};

/// The API gateway: a POST, PATCH or DELETE from a Unified Manager user who is not an
/// Application Administrator (`{arg}` the user, `{value}` the role).
pub const GATEWAY_WRITE_REFUSED: Inferred = Inferred {
    name: "GATEWAY_WRITE_REFUSED",
    status: 403,
    code: 6,
    message: "User \"{arg}\" ({value}) is not authorized for this operation: only an \
              Application Administrator may send POST, PATCH or DELETE through the API gateway.",
    targeted: false,
    why: "the gateway page: \"All users can run a query by using the GET operation. Application \
          Administrators can run all ONTAP REST operations.\" The status and body of a refusal \
          are not documented: 403 with ONTAP's permission-denied code 6, and nothing reaches \
          the cluster.",
};

/// The account (name, password) Unified Manager stores for each cluster and signs in with for
/// every tunnelled call (`--gateway`): a cluster-scoped `admin`-role account the emulator adds
/// to each cluster behind the gateway.
pub const GATEWAY_CLUSTER_ACCOUNT: (&str, &str) = ("aiqum", "Netapp1!");

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

/// The first release whose REST API no longer deletes profiles (see [`DELETE_REMOVED`]).
pub const DELETE_REMOVED_IN: (u32, u32) = (9, 19);
/// The first release whose account `applications[]` entries carry `is_ldap_fastbind` and
/// `is_ns_switch_group` (see APPLICATION_FIELDS_KEPT).
pub const LDAP_APPLICATION_FIELDS_FROM: (u32, u32, u32) = (9, 14, 1);
/// The first release that takes OAuth 2.0 bearer tokens (NetApp: OAuth 2.0 from ONTAP 9.14).
pub const BEARER_FROM: (u32, u32) = (9, 14);
/// Emergency codes a new profile gets, and their digits (NetApp's example shows one 8-digit
/// code; five is the count of the contract's example).
pub const EMERGENCY_CODES: usize = 5;
pub const EMERGENCY_CODE_DIGITS: u32 = 8;
/// The chart-service prefix of ONTAP's published `install_url` example; the `chl` value is a
/// Key Uri Format `otpauth://totp/` URI.
pub const INSTALL_URL_PREFIX: &str =
    "https://www.google.com/chart?chs=200x200&chld=M|0&cht=qr&chl=";

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
         addresses nothing: GET and DELETE answer 404 code 4, PATCH 144834566",
        "no profile can have such a key; ONTAP's exact answer is not documented",
    ),
    (
        "OTHER_SVM_IS_ABSENT",
        "an SVM-scoped user asking for another SVM's profile gets the not-found answers \
         (404 code 4, PATCH 144834566), not 403",
        "SVM-scoped accounts see only their SVM's objects: the others do not exist for them",
    ),
    (
        "CHECK_ORDER",
        "every call checks, in order: sign-in (401), path (404), query (400), role may modify \
         (403 code 6), body (400), then the call's own rules (PATCH: profile exists and is \
         visible, 404 144834566; `enabled` only for the admin role, 403 144834564. POST: own \
         account only, 403 6691623; TOTP as SSH second factor, 400 144834561; no enabled \
         profile yet, 409 code 1)",
        "ONTAP does not document which check wins when several fail",
    ),
    (
        "EMPTY_PATCH_BODY",
        "an empty PATCH body is read as {}: 200, nothing changed",
        "NetApp's examples answer 200 with {} for a change; an empty change changes nothing",
    ),
    (
        "PATCH_ACCOUNT_ECHO",
        "a PATCH body may carry `account: {name}` when the name is the addressed account's \
         (ignored); another name is 262196",
        "the netapp-ontap client lists account.name as patchable and NetApp's own PATCH example \
         (Totp(...).patch() without a get) sends it",
    ),
    (
        "PLUS_IN_QUERY",
        "in a query string `+` is a space (use %2B for a plus sign); in a path it is a plus sign",
        "form encoding, as most HTTP servers read queries",
    ),
    (
        "QUERY_CASE_AND_EMPTY",
        "filters are case-sensitive, except that booleans (filters on boolean fields, \
         return_records) read true/false in any case; `field=` matches the empty value; `{...}` \
         and `!{...}` are matched as literal text",
        "NetApp's REST and CLI query pages do not say whether matching ignores case; Python's \
         requests (under netapp-ontap) sends False for a Python boolean; `{query}` is the CLI's \
         extended query, which the REST filter documentation does not list",
    ),
    (
        "CONTINUATION_TOKEN",
        "`_links.next.href` repeats the query and adds `start.key=<opaque token>`, the sort \
         position of the last record sent, so records changed between pages are neither \
         repeated nor skipped; max_records must be 1 or more; 10,000 when absent",
        "ONTAP's own continuation parameters are opaque to clients, which follow the link; the \
         10,000 default is documented",
    ),
    (
        "SAME_NAME_IN_SEVERAL_SVMS",
        "when several accounts share a sign-in name (every SVM has a vsadmin), the \
         cluster-scoped one signs in, else the first SVM by name among those unlocked with http",
        "the emulator has one address; ONTAP picks by the management LIF reached",
    ),
    (
        "DISABLED_PROFILES",
        "by default a disabled profile stays listed with enabled=false, its owner's POST replaces \
         it (new secret, enabled) and an admin may enable it again; with `--disabled-profiles \
         hidden` it is not listed or readable (404 code 4, PATCH 144834566) and the owner's POST \
         creates a new one",
        "NetApp documents disabling as the reset of a lost key, after which the user creates a \
         new profile; one public report (NetAppDocs/ontap issue 1646, 9.14.1) says a disabled \
         profile vanished from `totp show`",
    ),
    (
        "POST_OWNER",
        "a POST without owner addresses the cluster-scoped account of that name (the admin SVM); \
         owner.uuid and owner.name must name the same SVM; a POST for any account but the \
         caller's own (or for an owner the caller cannot see) is 403 6691623",
        "NetApp: owner is not needed for cluster-scoped accounts and a user may create a profile \
         only for themselves",
    ),
    (
        "POST_RECORDS",
        "201 with Location /api/security/login/totps/{owner.uuid}/{account.name}; the body is \
         {\"num_records\": 1, \"records\": [totp_post]} with return_records=true and {} without \
         (the spec's default is false)",
        "the spec documents return_records (default false) and the Location header; the empty \
         body without records is the emulator's reading of \"if set to true, the records are \
         returned\"",
    ),
    (
        "NEW_PROFILE_FIELDS",
        "secret_key: 160 random bits in base32 without padding; install_url: ONTAP's chart-URL \
         shape whose chl is `otpauth://totp/<cluster>:<user>@<owner>?secret=..&issuer=<cluster>\
         &algorithm=SHA1&digits=6&period=30` (percent-encoded); verification_code: the current \
         RFC 6238 code; emergency_codes: five 8-digit codes; sha_fingerprint: SHA-256 of the \
         secret's bytes in lower-case hex",
        "the spec names these fields without their derivation; ONTAP's example fingerprint has \
         64 hex digits (SHA-256 sized)",
    ),
    (
        "DELETE_RULES",
        "DELETE (up to 9.18): an account whose role may modify deletes its own profile only \
         (another's: DELETE_OTHERS_PROFILE, an administrator's too; a read-only role: 403 code \
         6), a profile the caller cannot see is 404 code 4; 200 {}. The rule is ontap-model's \
         `reset::deletion`",
        "NetApp's reset page describes deletion as the user removing their own key; which \
         roles may delete their own is not documented (read-only roles change nothing here)",
    ),
    (
        "BEARER_TOKENS",
        "`Authorization: Bearer <token>` signs in as the account the token was given for \
         (--token NAME=TOKEN), from 9.14 on; an unknown token, or any token before 9.14, is 401",
        "ONTAP validates JWTs from its configured authorization server; the emulator has none, \
         so tokens are handed to it",
    ),
    (
        "ACCOUNT_PATCH_RULES",
        "PATCH /api/security/accounts/{owner.uuid}/{name} takes applications (the whole list \
         replaces the account's), locked, comment, role.name and password; owner, name and \
         scope are 262196; anything else 262179 (entries of applications: \
         APPLICATION_FIELDS_KEPT). Checks in order: sign-in, role may modify \
         (403 code 6), account visible (404 code 4), body, then the applications rules \
         (ACCOUNT_APPLICATIONS_INVALID, ACCOUNT_SECOND_FACTOR); an absent \
         second_authentication_method is none; 200 {}",
        "NetApp's PATCH /security/accounts page lists these fields and says the \
         second method defaults to none; the order of checks is not documented",
    ),
    (
        "APPLICATION_FIELDS_KEPT",
        "from 9.14.1 every applications[] entry of an account carries is_ldap_fastbind and \
         is_ns_switch_group (false unless set); an account PATCH takes both as booleans, and an \
         entry that leaves one out sets it to false; before 9.14.1 they are not shown and are \
         262179 in a PATCH. A `_`-prefixed member of an entry (`_links`) is 262196 on every \
         release, target applications.<field>; any other unknown field of an entry is 262179. \
         ontap-model's plan writes every field it read back except the `_`-prefixed ones",
        "NetApp's PATCH /security/accounts page lists is_ldap_fastbind and is_ns_switch_group \
         and says both default to false if not supplied; netapp-ontap 9.19.1 lists all five \
         fields of account_application as patchable, so none is read-only; `_links` is \
         read-only in every ONTAP definition; the release that added them to the REST API is \
         not in the record at hand: 9.14.1 follows the project's issue 17, which reports them \
         from 9.14 (fast bind itself exists in the CLI from 9.11.1); the emulator does not \
         check NetApp's rule that they apply only to nsswitch sign-ins of ssh, ontapi and http",
    ),
    (
        "FAILED_LOGIN_LOCKOUT",
        "with --max-failed-logins N (N > 0), N consecutive failed password sign-ins of an \
         existing user name lock that name's unlocked accounts that sign in with a password \
         (locked=true, 401 from then on, until PATCH locked=false); a success resets the count; \
         0, the default, never locks",
        "ONTAP documents `security login role config modify -max-failed-login-attempts` \
         (default 0, no lockout) and -lockout-duration; the emulator locks until unlocked \
         (no duration) and counts per user name",
    ),
    (
        "AUDIT_RECORDS",
        "every POST, PATCH and DELETE under /api from a signed-in caller is logged, failed \
         ones too (state error with the error's message): application http, input \
         `METHOD /path?query : <compact JSON body>` with password values masked, user and role \
         of the caller, scope cluster or svm, svm.name the caller's SVM, index counting from 1, \
         session_id and command_id the request's number; default order timestamp, node.name, \
         index",
        "ONTAP's security_audit_log definition names the fields and documents that set \
         requests are logged by default; the exact `input` text of a REST request is not \
         published",
    ),
    (
        "DEMO_HISTORY",
        "the `ontap-sim` command (`make demo`; `--history none` to leave it out) starts the \
         audit log with the demo's past: 18 records (16 on 9.19.1) over the 26 days before the start (users \
         enrolling themselves, an administrator requiring TOTP for SSH over vs_fin's accounts, \
         an unlock, a lost phone reset by disabling and enrolled again, a user rotating their \
         own key by DELETE and POST, a reset still pending, and two refused requests), each made \
         by the emulator's own handler as the page sends it and dated back; on 9.19.1 the \
         rotation is left out (the REST DELETE is refused there), below 9.13 there is none; \
         `Config::history` is off for tests",
        "demo data, not ONTAP behaviour: a newcomer's History screen and accounts' history links \
         should show something; the records are in AUDIT_RECORDS' format and the story ends in \
         the demo's seeded state",
    ),
    (
        "DOTTED_FIELD_NAMES",
        "a body member whose name is dotted (`role.name`, `owner.name`, `account.name`) is the \
         nested field it names, in every POST and PATCH body (accounts, TOTP profiles) and at \
         every depth, inside arrays too; a name with an empty segment (`role.`, `a..b`) is \
         not a path and stays an unexpected argument (262179) under the name sent; a dotted \
         name the definition does not have is 262179 naming it in full. The audit log keeps \
         the body as sent",
        "netapp.ontap's na_ontap_user (ansible-collections/netapp.ontap, \
         plugins/modules/na_ontap_user.py) sends `{'name': ..., 'role.name': ..., \
         'applications': [...], 'owner.name': <vserver>}` in create_user_rest and \
         `{'role.name': ..., 'applications': [...]}` in modify_apps_rest against production \
         clusters; ONTAP's own error target for an unknown nested field is dotted \
         (`ndmp.allowed`, issue 178). NetApp's Python client (netapp-ontap) unflattens dotted \
         keyword arguments into nested objects itself (resource.py, unflatten_dict), so it \
         never sends them",
    ),
    (
        "RESTATED_KEYS",
        "a GET, PATCH or DELETE of one account (`/security/accounts/{owner.uuid}/{name}`) or \
         one TOTP profile (`/security/login/totps/{owner.uuid}/{account.name}`) takes the \
         record's key fields in its query (`owner.uuid`, `owner.name`, and `name` or \
         `account.name`), and a GET of one SVM (`/svm/svms/{uuid}`) its `uuid` and `name`, \
         read as filters on the record the path addresses (ONTAP's query \
         syntax: exact value, `*`, `|`...). A record that does not match every one is not \
         there: GET and DELETE 404 code 4, an account PATCH 404 code 4, a profile PATCH \
         144834566, and nothing changes. Any other query parameter stays 262179",
        "na_ontap_user's patch_account sends `PATCH security/accounts/<owner.uuid>/<name>` \
         with the query `{'name': <name>, 'owner.uuid': <owner.uuid>}` and real clusters take \
         it; netapp-ontap sends the keyword arguments of patch() and delete() as query \
         parameters. ONTAP documents query parameters as filters on the records a call \
         applies to; what it answers to a key that contradicts the path is not published: \
         refusing (as for an absent record) is the safe reading, since picking either the \
         path's record or the query's could change an account the sender did not mean",
    ),
    (
        "AUDIT_LOCATION",
        "`location` is 127.0.0.1 and `node` is cluster1-01 for every record",
        "the emulator has one node and does not see its clients' addresses behind the proxy",
    ),
    // Second factors besides TOTP (issue 18, item 3).
    (
        "MFA_ENDPOINTS_READ_ONLY",
        "GET /api/security/authentication/duo/profiles (and /{owner.uuid}) and \
         /duo/groups (and /{owner.uuid}/{name}) from 9.14.1, GET \
         /api/security/webauthn/credentials (and /{owner.uuid}/{username}/{index}/\
         {relying_party.id}) from 9.16.1, with fields, filters, order_by and max_records as \
         the other collections; POST, PATCH and DELETE on them are 405 code 3 \
         (METHOD_NOT_SUPPORTED); before those releases the paths are 404 UNKNOWN_API_PATH; a \
         caller sees the records of the SVMs it sees; /webauthn/global-settings is not \
         emulated",
        "netapp-ontap 9.19.1 (resources/duo.py, duogroup.py, webauthn_credentials.py) gives \
         paths, keys and gettable fields, and publishes POST/PATCH/DELETE, which a real \
         cluster takes: the emulator is read-only because the page only reads; the releases \
         are NetApp's (Duo 9.14.1, WebAuthn 9.16.1: mfa-overview.adoc, \
         webauthn-mfa-overview.adoc); what an older release answers is not published",
    ),
    (
        "MFA_DEMO_SEEDS",
        "the demo adds pwalsh (cluster; SSH publickey then password) and svc.backup (vs_eng; \
         SSH password then publickey) on every release, hr.duo (vs_hr; SSH password, no second \
         method) and an enabled Duo profile for vs_hr (no Duo group) from 9.14.1, and \
         mfernandez (cluster; http password with publickey second, a registered WebAuthn \
         credential for relying party cluster1.demo.example) from 9.16.1; all sign in to the \
         REST API with the demo password",
        "NetApp documents each combination (setup-ssh-multifactor-authentication-task.adoc, \
         configure-cisco-duo-mfa-task.adoc, enable-webauthn-mfa-task.adoc); whether a REST \
         call with basic authentication asks for the WebAuthn key is not published: the \
         documentation speaks of System Manager sign-ins only, so the emulator asks nothing \
         more of REST",
    ),
    (
        "DUO_COVERAGE",
        "an account counts as covered by Duo when it has ssh and the governing Duo profile \
         (its SVM's own, else the cluster's) is enabled and has no Duo group; with groups it \
         is covered only 'if in' a group that does not list it in excluded_users (ontap-model \
         mfa::duo_coverage, used by the page)",
        "configure-cisco-duo-mfa-task.adoc: cluster-level Duo \"applies to all user accounts by \
         default\", SVM-level \"only to users for that storage VM\", a Duo group includes only \
         its users minus excluded_users; that an SVM's own profile overrides the cluster's, and \
         that group membership is left open (the REST API does not give AD, LDAP or local group \
         members), is this project's reading",
    ),
    (
        "FLEET_LINKS",
        "with --clusters N, every `href` below a `_links` that points into /api, and \
         `Location`, comes back under the cluster's prefix (`/clusters/{name}/api/...`); \
         `--fleet-links as-sent` (Config::fleet_links_as_sent) leaves them as the cluster \
         wrote them (`/api/...`)",
        "a cluster writes its links from /api and knows nothing of the proxy location in front \
         of it; nginx's proxy_pass rewrites neither bodies nor (for a path prefix) Location \
         unless told to (proxy_redirect, sub_filter). Rebased links are what a rewriting \
         proxy, and Unified Manager's gateway (documented), give; as-sent links are what a \
         plain proxy gives: the page must follow both, so both are served",
    ),
    (
        "GATEWAY_RECORDS",
        "`GET /api/gateways` answers `{records, num_records, _links.self}`; each record is \
         `{uuid, name, version: {full, generation, major, minor}, _links.self: \
         /api/gateways/{uuid}}` (the cluster's UUID, name and release as /api/cluster has \
         them); every cluster of the fleet is listed (all are 9.5 or later and taken as added \
         over HTTPS); other methods on /api/gateways are 405 code 3",
        "the gateway page documents the call and that it lists clusters by UUID, not the \
         record; the fields are those a client needs to choose a cluster, in ONTAP's shapes",
    ),
    (
        "GATEWAY_SVM_SCOPE",
        "`X-Dot-SVM-UUID` / `X-Dot-SVM-Name` on a GET of /security/accounts or \
         /security/login/totps add `owner.uuid=` / `owner.name=`, on /svm/svms `uuid=` / \
         `name=`, to the query the cluster receives (and so to its links); on other paths and \
         methods the headers change nothing",
        "the gateway page: the header \"is added as the filter ... and the operation is run \
         within the scope of that storage VM\"; which filter, on which paths, is not said. \
         Single-record paths and writes name their SVM in the path or body already",
    ),
    (
        "GATEWAY_TUNNEL",
        "`/api/gateways/{uuid}/{path}` sends `/api/{path}` with the query, method, headers and \
         body as received to the cluster, signed in as GATEWAY_CLUSTER_ACCOUNT (`aiqum`), and \
         passes its status and body back with every `href` into /api, and `Location`, under \
         `/api/gateways/{uuid}`; the cluster's latency and faults apply as to a direct call",
        "documented: same methods, bodies and status codes, HATEOAS links in header and body \
         rewritten to the gateway base, cluster credentials kept by Unified Manager; the \
         account's name is the emulator's choice",
    ),
    (
        "FLEET_LAYOUT",
        "with --clusters N (N > 1): cluster i (from 1) is named `cluster<i>` unless \
         --cluster-names says otherwise, runs the release list cycled (default 9.12.1, 9.13.1, \
         9.16.1, 9.18.1, 9.19.1), holds the demo plus --profiles generated profiles seeded \
         --seed + i - 1, and gets UUIDs of its own (the first group of each demo UUID XORed \
         with a per-cluster constant; the first cluster keeps the demo's); /api at the root is \
         404 (text), and `/clusters.json` is generated when --dist is given",
        "an emulator's own layout for the direct way of issue 19; distinct UUIDs let tests \
         see that the page never mixes clusters; one 9.12.1 cluster in five exercises the \
         release without TOTP",
    ),
];

/// Every inferred error answer, for the README check.
pub const ANSWERS: &[Inferred] = &[
    ENABLED_NOT_BOOLEAN,
    UNEXPECTED_ARGUMENT,
    INVALID_QUERY_VALUE,
    INVALID_BODY_VALUE,
    MISSING_FIELD,
    BODY_NOT_JSON_OBJECT,
    UNKNOWN_API_PATH,
    EXTRA_PATH_SEGMENT,
    METHOD_NOT_SUPPORTED,
    DELETE_REMOVED,
    DELETE_OTHERS_PROFILE,
    UNAUTHENTICATED,
    CREATE_FOR_OTHERS,
    DUPLICATE_PROFILE,
    FAULT_INTERNAL_ERROR,
    FAULT_BUSY,
    ACCOUNT_SECOND_FACTOR,
    ACCOUNT_APPLICATIONS_INVALID,
    ROLE_NOT_FOUND,
    AUDIT_READERS,
    DOTTED_AND_NESTED,
    GATEWAY_UNAUTHENTICATED,
    GATEWAY_NOT_FOUND,
    GATEWAY_WRITE_REFUSED,
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
        assert_eq!(b.known(), Some(Known::UnexpectedArgument));
        let b = INVALID_QUERY_VALUE.body_value("fields", "size");
        assert_eq!(
            b.error.message,
            "The value \"size\" is invalid for field \"fields\""
        );
        assert_eq!(b.known(), Some(Known::InvalidFieldValue));
        assert_eq!(UNKNOWN_API_PATH.body("x").error.target, None);
        assert_eq!(
            ENABLED_NOT_BOOLEAN.body("enabled").known(),
            Some(Known::InvalidEnabled)
        );
    }

    #[test]
    fn every_answer_has_a_reason_and_a_unique_name() {
        let mut names: Vec<&str> = ANSWERS.iter().map(|a| a.name).collect();
        names.extend(BEHAVIOURS.iter().map(|b| b.0));
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
        assert!(ANSWERS.iter().all(|a| !a.why.is_empty()));
    }
}
