//! The emulated cluster's own objects besides TOTP profiles: SVMs and user accounts, typed as
//! ONTAP's `svm` and `account` definitions describe them, and how each renders as a record.

use ontap_model::totp::{encode_segment, push_segment};
use ontap_model::{AccountName, OwnerUuid, Version};
use serde::Serialize;
use serde_json::{json, Value};

use crate::render::Writer;

/// A storage VM. The admin SVM carries the cluster's name and owns cluster-scoped accounts;
/// ONTAP does not list it under `/api/svm/svms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svm {
    pub uuid: OwnerUuid,
    pub name: String,
    pub is_admin: bool,
}

impl Svm {
    pub fn href(&self) -> String {
        format!("/api/svm/svms/{}", self.uuid)
    }
    /// `{uuid, name, _links}` as an owner reference; the admin SVM has no `/svm/svms` link.
    pub fn reference(&self) -> Value {
        if self.is_admin {
            json!({"uuid": self.uuid, "name": self.name})
        } else {
            json!({"uuid": self.uuid, "name": self.name, "_links": {"self": {"href": self.href()}}})
        }
    }
    /// The full `/api/svm/svms` record.
    pub fn record(&self) -> Value {
        json!({
            "uuid": self.uuid,
            "name": self.name,
            "state": "running",
            "subtype": "default",
            "_links": {"self": {"href": self.href()}},
        })
    }
}

/// `scope` of an account or a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountScope {
    Cluster,
    Svm,
}

/// The predefined roles the demo uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    #[serde(rename = "admin")]
    Admin,
    #[serde(rename = "readonly")]
    Readonly,
    #[serde(rename = "vsadmin")]
    Vsadmin,
    #[serde(rename = "vsadmin-readonly")]
    VsadminReadonly,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Readonly => "readonly",
            Role::Vsadmin => "vsadmin",
            Role::VsadminReadonly => "vsadmin-readonly",
        }
    }
    /// True when the role may change anything at all.
    pub fn can_modify(self) -> bool {
        matches!(self, Role::Admin | Role::Vsadmin)
    }
    /// True for the cluster's `admin` role: the only one that may change a profile's
    /// `enabled` (error 144834564 for the others).
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// `account_application.application`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Application {
    Amqp,
    Console,
    Http,
    Ontapi,
    ServiceProcessor,
    Ssh,
}

/// `account_application.authentication_methods[]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    Password,
    Publickey,
    Domain,
    Nsswitch,
    Certificate,
    Saml,
}

/// `account_application.second_authentication_method`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecondAuth {
    #[default]
    None,
    Password,
    Publickey,
    Nsswitch,
    Domain,
    Totp,
}

/// One entry of `applications`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountApplication {
    pub application: Application,
    pub authentication_methods: Vec<AuthMethod>,
    pub second_authentication_method: SecondAuth,
    /// LDAP fast bind and "the user is an LDAP or NIS group": stored on every release, shown
    /// and accepted from [`crate::inferred::LDAP_APPLICATION_FIELDS_FROM`] on.
    pub is_ldap_fastbind: bool,
    pub is_ns_switch_group: bool,
}

impl AccountApplication {
    pub fn new(application: Application, methods: &[AuthMethod], second: SecondAuth) -> Self {
        AccountApplication {
            application,
            authentication_methods: methods.to_vec(),
            second_authentication_method: second,
            is_ldap_fastbind: false,
            is_ns_switch_group: false,
        }
    }
}

/// A user account (`/api/security/accounts`), with the password the emulator checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub name: AccountName,
    pub owner: OwnerUuid,
    pub role: Role,
    pub locked: bool,
    pub comment: String,
    pub applications: Vec<AccountApplication>,
    pub password: String,
}

impl Account {
    pub fn application(&self, app: Application) -> Option<&AccountApplication> {
        self.applications.iter().find(|a| a.application == app)
    }
    /// May sign in to the REST API with a password (HTTP basic authentication).
    pub fn can_use_rest_with_password(&self) -> bool {
        !self.locked
            && self
                .application(Application::Http)
                .is_some_and(|a| a.authentication_methods.contains(&AuthMethod::Password))
    }
    /// May use the REST API at all: unlocked, with the http application (any method; a bearer
    /// token stands for the first factor).
    pub fn can_use_rest(&self) -> bool {
        !self.locked && self.application(Application::Http).is_some()
    }
    /// The SSH application asks for TOTP as its second factor.
    pub fn requires_totp(&self) -> bool {
        self.application(Application::Ssh)
            .is_some_and(|a| a.second_authentication_method == SecondAuth::Totp)
    }
    pub fn href(&self) -> String {
        format!(
            "/api/security/accounts/{}/{}",
            encode_segment(self.owner.as_str()),
            encode_segment(self.name.as_str())
        )
    }
    /// The full `/api/security/accounts` record as `version` shows it; `owner` is the SVM it
    /// belongs to.
    pub fn record(&self, owner: &Svm, version: &Version) -> Value {
        let scope = if owner.is_admin {
            AccountScope::Cluster
        } else {
            AccountScope::Svm
        };
        let role_href = format!("/api/security/roles/{}/{}", owner.uuid, self.role.name());
        // Built field by field: `json!` would copy the owner and the applications through the
        // serializer once more, and a page of 20,000 accounts renders 20,000 of them.
        let mut record = serde_json::Map::new();
        let mut put = |k: &str, v: Value| {
            record.insert(k.to_owned(), v);
        };
        put("owner", owner.reference());
        put("name", json!(self.name));
        put(
            "role",
            json!({"name": self.role.name(), "_links": {"self": {"href": role_href}}}),
        );
        put("locked", Value::Bool(self.locked));
        put("scope", json!(scope));
        put("comment", Value::String(self.comment.clone()));
        put("applications", self.applications_on(version));
        put("_links", json!({"self": {"href": self.href()}}));
        Value::Object(record)
    }

    /// Writes [`Account::record`] without building it: a page of 20,000 accounts is written
    /// in a tenth of the time (keys in the record's order, sorted as serde_json sorts them).
    pub fn write(&self, owner: &Svm, version: &Version, w: &mut Writer<'_>) {
        w.begin_object();
        w.self_link(|link| {
            link.push_str("/api/security/accounts/");
            // A UUID has nothing to encode (hexadecimal digits and dashes).
            link.push_str(self.owner.as_str());
            link.push('/');
            push_segment(link, self.name.as_str());
        });
        if w.key("applications") {
            let (g, m, n) = crate::inferred::LDAP_APPLICATION_FIELDS_FROM;
            let ldap = version.at_least(g, m, n);
            w.begin_array();
            for app in &self.applications {
                w.begin_object();
                w.field_name("application", app.application.name());
                if w.key("authentication_methods") {
                    w.begin_array();
                    for method in &app.authentication_methods {
                        w.name(method.name());
                    }
                    w.end_array();
                }
                if ldap {
                    w.field_bool("is_ldap_fastbind", app.is_ldap_fastbind);
                    w.field_bool("is_ns_switch_group", app.is_ns_switch_group);
                }
                w.field_name(
                    "second_authentication_method",
                    app.second_authentication_method.name(),
                );
                w.end_object();
            }
            w.end_array();
        }
        w.field_str("comment", &self.comment);
        w.field_bool("locked", self.locked);
        w.field_str("name", self.name.as_str());
        if w.key("owner") {
            w.begin_object();
            if !owner.is_admin {
                w.self_link(|link| {
                    link.push_str("/api/svm/svms/");
                    link.push_str(owner.uuid.as_str());
                });
            }
            w.field_str("name", &owner.name);
            w.field_str("uuid", owner.uuid.as_str());
            w.end_object();
        }
        if w.key("role") {
            w.begin_object();
            w.self_link(|link| {
                link.push_str("/api/security/roles/");
                link.push_str(owner.uuid.as_str());
                link.push('/');
                link.push_str(self.role.name());
            });
            w.field_name("name", self.role.name());
            w.end_object();
        }
        w.field_name("scope", if owner.is_admin { "cluster" } else { "svm" });
        w.end_object();
    }

    /// `applications` as `version` shows them: without the LDAP fields before they exist.
    fn applications_on(&self, version: &Version) -> Value {
        let (g, m, n) = crate::inferred::LDAP_APPLICATION_FIELDS_FROM;
        let mut apps = json!(self.applications);
        if !version.at_least(g, m, n) {
            for app in apps.as_array_mut().into_iter().flatten() {
                if let Some(o) = app.as_object_mut() {
                    o.remove("is_ldap_fastbind");
                    o.remove("is_ns_switch_group");
                }
            }
        }
        apps
    }
}

impl Application {
    /// The value in the published enumeration.
    pub fn name(self) -> &'static str {
        match self {
            Application::Amqp => "amqp",
            Application::Console => "console",
            Application::Http => "http",
            Application::Ontapi => "ontapi",
            Application::ServiceProcessor => "service_processor",
            Application::Ssh => "ssh",
        }
    }
    /// The value of the published enumeration, if `s` is one.
    pub fn parse(s: &str) -> Option<Application> {
        Some(match s {
            "amqp" => Application::Amqp,
            "console" => Application::Console,
            "http" => Application::Http,
            "ontapi" => Application::Ontapi,
            "service_processor" => Application::ServiceProcessor,
            "ssh" => Application::Ssh,
            _ => return None,
        })
    }
}

impl AuthMethod {
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::Password => "password",
            AuthMethod::Publickey => "publickey",
            AuthMethod::Domain => "domain",
            AuthMethod::Nsswitch => "nsswitch",
            AuthMethod::Certificate => "certificate",
            AuthMethod::Saml => "saml",
        }
    }
    pub fn parse(s: &str) -> Option<AuthMethod> {
        Some(match s {
            "password" => AuthMethod::Password,
            "publickey" => AuthMethod::Publickey,
            "domain" => AuthMethod::Domain,
            "nsswitch" => AuthMethod::Nsswitch,
            "certificate" => AuthMethod::Certificate,
            "saml" => AuthMethod::Saml,
            _ => return None,
        })
    }
}

impl SecondAuth {
    pub fn name(self) -> &'static str {
        match self {
            SecondAuth::None => "none",
            SecondAuth::Password => "password",
            SecondAuth::Publickey => "publickey",
            SecondAuth::Nsswitch => "nsswitch",
            SecondAuth::Domain => "domain",
            SecondAuth::Totp => "totp",
        }
    }
    pub fn parse(s: &str) -> Option<SecondAuth> {
        Some(match s {
            "none" => SecondAuth::None,
            "password" => SecondAuth::Password,
            "publickey" => SecondAuth::Publickey,
            "nsswitch" => SecondAuth::Nsswitch,
            "domain" => SecondAuth::Domain,
            "totp" => SecondAuth::Totp,
            _ => return None,
        })
    }
}

impl Role {
    /// The predefined role of that name for an account of the admin SVM (`cluster`) or a
    /// data SVM.
    pub fn parse(s: &str, cluster: bool) -> Option<Role> {
        match (s, cluster) {
            ("admin", true) => Some(Role::Admin),
            ("readonly", true) => Some(Role::Readonly),
            ("vsadmin", false) => Some(Role::Vsadmin),
            ("vsadmin-readonly", false) => Some(Role::VsadminReadonly),
            _ => None,
        }
    }
}
