//! A strict form of the published definitions every answer must follow: ONTAP's `totp`,
//! `totp_post`, `totp_response`, `totp_post_response`, `error_response` (from the spec excerpt
//! in shared/ontap) and the parts of `cluster`, `svm` and `account` the emulator serves (from
//! the published ONTAP 9.18 specification). Strict means: no property the definition does not
//! have, every value of its type or enumeration, and the fields ONTAP always returns (the key
//! fields and `_links` of a record, `num_records` of a collection, `message` and `code` of an
//! error) required. The server checks each answer and records every violation
//! ([`crate::Sim::schema_violations`]), so a test fails when an answer drifts from the spec.

use serde_json::Value;

/// A value's form.
#[derive(Debug)]
pub enum S {
    Str,
    Bool,
    Int,
    Enum(&'static [&'static str]),
    Arr(&'static S),
    Obj(&'static [P]),
}

/// A property: name, form, required.
#[derive(Debug)]
pub struct P(pub &'static str, pub S, pub bool);

const HREF: S = S::Obj(&[P("href", S::Str, true)]);
const SELF_LINKS: S = S::Obj(&[P("self", HREF, true)]);
const COLLECTION_LINKS: S = S::Obj(&[P("self", HREF, true), P("next", HREF, false)]);
const SCOPE: S = S::Enum(&["cluster", "svm"]);

const ACCOUNT_REFERENCE: S = S::Obj(&[P("_links", SELF_LINKS, false), P("name", S::Str, true)]);
const TOTP_OWNER: S = S::Obj(&[
    P("_links", SELF_LINKS, false),
    P("name", S::Str, true),
    P("uuid", S::Str, true),
]);

/// `totp` as a record: owner, account and `_links` are always returned.
const TOTP: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("account", ACCOUNT_REFERENCE, true),
    P("comment", S::Str, false),
    P("enabled", S::Bool, false),
    P("owner", TOTP_OWNER, true),
    P("scope", SCOPE, false),
    P("sha_fingerprint", S::Str, false),
]);

/// `totp_post`: the created record carries its secret, URL, code and emergency codes.
const TOTP_POST: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("account", ACCOUNT_REFERENCE, true),
    P("comment", S::Str, false),
    P("emergency_codes", S::Arr(&S::Str), true),
    P("enabled", S::Bool, false),
    P("install_url", S::Str, true),
    P("owner", TOTP_OWNER, true),
    P("scope", SCOPE, false),
    P("secret_key", S::Str, true),
    P("sha_fingerprint", S::Str, false),
    P("verification_code", S::Str, true),
]);

const TOTP_RESPONSE: S = S::Obj(&[
    P("_links", COLLECTION_LINKS, true),
    P("num_records", S::Int, true),
    P("records", S::Arr(&TOTP), false),
]);

const TOTP_POST_RESPONSE: S = S::Obj(&[
    P("num_records", S::Int, true),
    P("records", S::Arr(&TOTP_POST), true),
]);

const ERROR_RESPONSE: S = S::Obj(&[P(
    "error",
    S::Obj(&[
        P(
            "arguments",
            S::Arr(&S::Obj(&[
                P("code", S::Str, false),
                P("message", S::Str, false),
            ])),
            false,
        ),
        P("code", S::Str, true),
        P("message", S::Str, true),
        P("target", S::Str, false),
    ]),
    true,
)]);

const CLUSTER: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("name", S::Str, false),
    P("uuid", S::Str, false),
    P(
        "version",
        S::Obj(&[
            P("full", S::Str, false),
            P("generation", S::Int, false),
            P("major", S::Int, false),
            P("minor", S::Int, false),
        ]),
        false,
    ),
]);

const SVM: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("name", S::Str, true),
    P(
        "state",
        S::Enum(&[
            "starting",
            "running",
            "stopping",
            "stopped",
            "deleting",
            "initializing",
        ]),
        false,
    ),
    P(
        "subtype",
        S::Enum(&[
            "default",
            "dp_destination",
            "sync_source",
            "sync_destination",
        ]),
        false,
    ),
    P("uuid", S::Str, true),
]);

const SVM_RESPONSE: S = S::Obj(&[
    P("_links", COLLECTION_LINKS, true),
    P("num_records", S::Int, true),
    P("records", S::Arr(&SVM), false),
]);

const ACCOUNT_APPLICATION: S = S::Obj(&[
    P(
        "application",
        S::Enum(&[
            "amqp",
            "console",
            "http",
            "ontapi",
            "service_processor",
            "ssh",
        ]),
        false,
    ),
    P(
        "authentication_methods",
        S::Arr(&S::Enum(&[
            "password",
            "publickey",
            "domain",
            "nsswitch",
            "certificate",
            "saml",
        ])),
        false,
    ),
    // Not in the excerpt; netapp-ontap 9.19.1's AccountApplicationSchema has both (booleans).
    P("is_ldap_fastbind", S::Bool, false),
    P("is_ns_switch_group", S::Bool, false),
    P(
        "second_authentication_method",
        S::Enum(&[
            "none",
            "password",
            "publickey",
            "nsswitch",
            "domain",
            "totp",
        ]),
        false,
    ),
]);

const ACCOUNT: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("applications", S::Arr(&ACCOUNT_APPLICATION), false),
    P("comment", S::Str, false),
    P("locked", S::Bool, false),
    P("name", S::Str, true),
    P("owner", TOTP_OWNER, true),
    P(
        "role",
        S::Obj(&[P("_links", SELF_LINKS, false), P("name", S::Str, false)]),
        false,
    ),
    P("scope", SCOPE, false),
]);

const ACCOUNT_RESPONSE: S = S::Obj(&[
    P("_links", COLLECTION_LINKS, true),
    P("num_records", S::Int, true),
    P("records", S::Arr(&ACCOUNT), false),
]);

/// `duo` (netapp-ontap 9.19.1's DuoSchema, gettable fields: `secret_key` is write-only).
const DUO_PROFILE: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("api_host", S::Str, false),
    P("auto_push", S::Bool, false),
    P("comment", S::Str, false),
    P("fail_mode", S::Enum(&["safe", "secure"]), false),
    P("fingerprint", S::Str, false),
    P("http_proxy", S::Str, false),
    P("integration_key", S::Str, false),
    P("is_enabled", S::Bool, false),
    P("max_prompts", S::Int, false),
    P("owner", TOTP_OWNER, true),
    P("push_info", S::Bool, false),
    P("status", S::Str, false),
]);
const DUO_PROFILE_RESPONSE: S = S::Obj(&[
    P("_links", COLLECTION_LINKS, true),
    P("num_records", S::Int, true),
    P("records", S::Arr(&DUO_PROFILE), false),
]);
/// `duogroup` (netapp-ontap 9.19.1's DuogroupSchema).
const DUO_GROUP: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("comment", S::Str, false),
    P("excluded_users", S::Arr(&S::Str), false),
    P("name", S::Str, true),
    P("owner", TOTP_OWNER, true),
]);
const DUO_GROUP_RESPONSE: S = S::Obj(&[
    P("_links", COLLECTION_LINKS, true),
    P("num_records", S::Int, true),
    P("records", S::Arr(&DUO_GROUP), false),
]);
/// `webauthn_credentials` (netapp-ontap 9.19.1's WebauthnCredentialsSchema and models).
const WEBAUTHN_CREDENTIAL: S = S::Obj(&[
    P("_links", SELF_LINKS, true),
    P("creation_time", S::Str, false),
    P(
        "credential",
        S::Obj(&[P("id_sha", S::Str, false), P("type", S::Str, false)]),
        false,
    ),
    P("display_name", S::Str, false),
    P("index", S::Int, true),
    P("last_used_time", S::Str, false),
    P("owner", TOTP_OWNER, true),
    P(
        "public_key",
        S::Obj(&[P("algorithm", S::Str, false), P("value", S::Str, false)]),
        false,
    ),
    P(
        "relying_party",
        S::Obj(&[P("id", S::Str, true), P("name", S::Str, false)]),
        true,
    ),
    P("scope", SCOPE, false),
    P("username", S::Str, true),
]);
const WEBAUTHN_CREDENTIAL_RESPONSE: S = S::Obj(&[
    P("_links", COLLECTION_LINKS, true),
    P("num_records", S::Int, true),
    P("records", S::Arr(&WEBAUTHN_CREDENTIAL), false),
]);
/// `security_audit_log` (as the netapp-ontap client's schema and NetApp's example show it).
const AUDIT: S = S::Obj(&[
    P("_links", SELF_LINKS, false),
    P(
        "application",
        S::Enum(&[
            "internal", "console", "rsh", "telnet", "ssh", "ontapi", "http", "system",
        ]),
        false,
    ),
    P("command_id", S::Str, false),
    P("index", S::Int, true),
    P("input", S::Str, false),
    P("location", S::Str, false),
    P("message", S::Str, false),
    P(
        "node",
        S::Obj(&[
            P("_links", SELF_LINKS, false),
            P("name", S::Str, false),
            P("uuid", S::Str, false),
        ]),
        true,
    ),
    P("role", S::Str, false),
    P("scope", SCOPE, false),
    P("session_id", S::Str, false),
    P("state", S::Enum(&["pending", "success", "error"]), false),
    P("svm", S::Obj(&[P("name", S::Str, false)]), false),
    P("timestamp", S::Str, true),
    P("user", S::Str, false),
]);

const AUDIT_RESPONSE: S = S::Obj(&[
    P("_links", COLLECTION_LINKS, true),
    P("num_records", S::Int, true),
    P("records", S::Arr(&AUDIT), false),
]);

const EMPTY: S = S::Obj(&[]);

/// The definition an answer follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Def {
    Totp,
    TotpResponse,
    TotpPostResponse,
    Cluster,
    Svm,
    SvmResponse,
    Account,
    AccountResponse,
    AuditResponse,
    DuoProfile,
    DuoProfileResponse,
    DuoGroup,
    DuoGroupResponse,
    WebauthnCredential,
    WebauthnCredentialResponse,
    Error,
    /// `{}`: a successful PATCH or DELETE, or a POST without `return_records`.
    Empty,
}

impl Def {
    pub fn form(self) -> &'static S {
        match self {
            Def::Totp => &TOTP,
            Def::TotpResponse => &TOTP_RESPONSE,
            Def::TotpPostResponse => &TOTP_POST_RESPONSE,
            Def::Cluster => &CLUSTER,
            Def::Svm => &SVM,
            Def::SvmResponse => &SVM_RESPONSE,
            Def::Account => &ACCOUNT,
            Def::AccountResponse => &ACCOUNT_RESPONSE,
            Def::AuditResponse => &AUDIT_RESPONSE,
            Def::DuoProfile => &DUO_PROFILE,
            Def::DuoProfileResponse => &DUO_PROFILE_RESPONSE,
            Def::DuoGroup => &DUO_GROUP,
            Def::DuoGroupResponse => &DUO_GROUP_RESPONSE,
            Def::WebauthnCredential => &WEBAUTHN_CREDENTIAL,
            Def::WebauthnCredentialResponse => &WEBAUTHN_CREDENTIAL_RESPONSE,
            Def::Error => &ERROR_RESPONSE,
            Def::Empty => &EMPTY,
        }
    }
}

/// Every way `value` breaks `def`, as `path: problem` lines; empty when it follows it.
pub fn check(def: Def, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(def.form(), value, &At::Root, &mut out);
    out
}

/// Where a value sits (`$.records[3].owner`), written out only for a violation: every answer
/// is checked, and formatting the path of every value took longer than the rest of a large
/// listing's check.
enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root => f.write_str("$"),
            At::Key(up, k) => write!(f, "{up}.{k}"),
            At::Index(up, i) => write!(f, "{up}[{i}]"),
        }
    }
}

fn walk(form: &S, v: &Value, at: &At<'_>, out: &mut Vec<String>) {
    match (form, v) {
        (S::Str, Value::String(_)) | (S::Bool, Value::Bool(_)) => {}
        (S::Int, Value::Number(n)) if n.is_i64() || n.is_u64() => {}
        (S::Enum(allowed), Value::String(s)) if allowed.contains(&s.as_str()) => {}
        (S::Enum(allowed), other) => out.push(format!("{at}: {other} is not one of {allowed:?}")),
        (S::Arr(item), Value::Array(items)) => {
            for (i, x) in items.iter().enumerate() {
                walk(item, x, &At::Index(at, i), out);
            }
        }
        (S::Obj(props), Value::Object(map)) => {
            for key in map.keys() {
                if !props.iter().any(|p| p.0 == key) {
                    out.push(format!("{at}: unknown property {key:?}"));
                }
            }
            for P(name, f, required) in props.iter() {
                match map.get(*name) {
                    Some(x) => walk(f, x, &At::Key(at, name), out),
                    None if *required => out.push(format!("{at}: missing {name:?}")),
                    None => {}
                }
            }
        }
        (form, other) => out.push(format!("{at}: {other} is not a {}", kind(form))),
    }
}

/// What a form expects, for violations.
pub fn kind(form: &S) -> &'static str {
    match form {
        S::Str => "string",
        S::Bool => "boolean",
        S::Int => "integer",
        S::Enum(_) => "enumerated string",
        S::Arr(_) => "array",
        S::Obj(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn totp() -> Value {
        json!({
            "_links": {"self": {"href": "/api/security/login/totps/u/a"}},
            "account": {"name": "alice", "_links": {"self": {"href": "/x"}}},
            "owner": {"uuid": "u", "name": "vs1"},
            "comment": "", "enabled": true, "scope": "svm", "sha_fingerprint": "ab"
        })
    }

    #[test]
    fn a_conforming_record_and_collection_pass() {
        assert_eq!(check(Def::Totp, &totp()), Vec::<String>::new());
        let c = json!({"records": [totp()], "num_records": 1, "_links": {"self": {"href": "/a"}}});
        assert!(check(Def::TotpResponse, &c).is_empty());
        assert!(check(Def::Empty, &json!({})).is_empty());
        let e = json!({"error": {"message": "m", "code": "4"}});
        assert!(check(Def::Error, &e).is_empty());
    }

    #[test]
    fn the_check_fails_on_unknown_properties_missing_keys_wrong_types_and_enums() {
        let mut t = totp();
        t["secret_key"] = json!("X");
        assert_eq!(
            check(Def::Totp, &t),
            [r#"$: unknown property "secret_key""#]
        );
        let mut t = totp();
        t.as_object_mut().unwrap().remove("owner");
        assert_eq!(check(Def::Totp, &t), [r#"$: missing "owner""#]);
        let mut t = totp();
        t["enabled"] = json!("");
        assert_eq!(check(Def::Totp, &t), [r#"$.enabled: "" is not a boolean"#]);
        let mut t = totp();
        t["scope"] = json!("tenant");
        assert_eq!(check(Def::Totp, &t).len(), 1);
        let e = json!({"error": {"message": "m", "code": 4}});
        assert_eq!(check(Def::Error, &e), ["$.error.code: 4 is not a string"]);
        assert_eq!(check(Def::Empty, &json!({"a": 1})).len(), 1);
        let c = json!({"records": [totp()], "_links": {"self": {"href": "/a"}}});
        assert_eq!(
            check(Def::TotpResponse, &c),
            [r#"$: missing "num_records""#]
        );
    }
}
