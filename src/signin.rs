//! Establishing a session, shared by the sign-in form and the restore of a kept session: read
//! `/api/cluster` (the credentials work, and the release has TOTP), then learn who is signed in
//! and what their role may do.

use ontap_model::{Access, Account, Scope};

use crate::api::{cluster, identity, ApiError, Client};
use crate::persist;
use crate::session::{Credentials, Identity, Session};

/// Why a session could not be established.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    Api(ApiError),
    /// The cluster runs a release without TOTP (before 9.13): its version.
    TooOld(String),
}

impl Failure {
    /// The message and the next step.
    pub fn explain(&self, bearer: bool) -> (String, String) {
        match self {
            Failure::Api(ApiError::Unauthorized) if bearer => (
                "Sign-in failed: the cluster did not accept this access token.".into(),
                "Check that the token has not expired and that the cluster runs ONTAP 9.14 or later with OAuth 2.0 configured for this issuer.".into(),
            ),
            Failure::Api(ApiError::Unauthorized) => (
                "Sign-in failed: the user name or password is wrong.".into(),
                "Check them and try again. The account must also be allowed to use the REST API (the http application).".into(),
            ),
            Failure::Api(e) => {
                let (m, n) = e.explain();
                (format!("Sign-in failed. {m}"), n)
            }
            Failure::TooOld(v) => (
                format!("This cluster runs ONTAP {v}. TOTP profiles need ONTAP 9.13 or later."),
                "Upgrade the cluster to use SSH multi-factor authentication with TOTP.".into(),
            ),
        }
    }
}

/// What the user gave.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub credentials: Credentials,
    pub api_base: String,
    pub idle_ms: u32,
    pub stay: bool,
}

/// The sign-in form's attempt: the session, kept in this tab's sessionStorage only when the user
/// asked for it; or why not, as the message and the next step.
pub async fn sign_in(a: Attempt) -> Result<Session, (String, String)> {
    let bearer = a.credentials.is_bearer();
    match establish(a).await {
        Ok(s) => {
            keep(&s);
            Ok(s)
        }
        Err(f) => Err(f.explain(bearer)),
    }
}

/// Keeps the session in this tab if the user opted in; else makes sure nothing is kept.
pub fn keep(s: &Session) {
    if s.stay {
        persist::save(s);
    } else {
        persist::wipe();
    }
}

/// What became of the session kept in this tab.
pub enum Restored {
    Session(Session),
    /// It sat idle for longer than its idle time (minutes): forgotten.
    Idle {
        minutes: u32,
    },
    /// The cluster refused it, or could not be asked: forgotten, with why.
    Failed(String),
    /// Nothing (readable) was kept.
    Nothing,
}

/// Brings back a session kept in this tab, unless it sat idle for longer than its idle time;
/// the cluster checks it again as at sign-in.
pub async fn restore() -> Restored {
    let Some(kept) = persist::load() else {
        return Restored::Nothing;
    };
    let minutes = kept.idle_ms.div_ceil(60_000).max(1);
    if kept
        .last_active
        .is_some_and(|t| persist::now_ms() - t >= f64::from(kept.idle_ms))
    {
        return Restored::Idle { minutes };
    }
    let bearer = kept.credentials.is_bearer();
    let attempt = Attempt {
        credentials: kept.credentials,
        api_base: kept.api_base,
        idle_ms: kept.idle_ms,
        stay: true,
    };
    match establish(attempt).await {
        Ok(s) => {
            keep(&s);
            Restored::Session(s)
        }
        Err(f) => {
            let (m, n) = f.explain(bearer);
            Restored::Failed(format!("{m} {n}"))
        }
    }
}

/// Checks the credentials against the cluster and learns who they are.
pub async fn establish(a: Attempt) -> Result<Session, Failure> {
    let client = Client::new(&a.api_base, a.credentials.clone());
    let c = cluster::get(&client).await.map_err(Failure::Api)?;
    if let Some(v) = c.version.as_ref().filter(|v| !v.has_totp()) {
        return Err(Failure::TooOld(v.short()));
    }
    let identity = identify(&client, a.credentials.user()).await;
    let user = identity
        .user
        .clone()
        .unwrap_or_else(|| "access token".to_owned());
    Ok(Session {
        client,
        credentials: a.credentials,
        user,
        api_base: a.api_base,
        cluster: c,
        identity,
        idle_ms: a.idle_ms,
        stay: a.stay,
    })
}

/// The signed-in account among the records called by its name: the cluster-scoped one when
/// there is one (the cluster's management address signs in cluster accounts), else the only
/// one the session sees.
pub fn pick(records: &[Account]) -> Option<&Account> {
    records
        .iter()
        .find(|a| a.scope == Some(Scope::Cluster))
        .or_else(|| (records.len() == 1).then(|| &records[0]))
}

/// Who is signed in: the account record where the role may read it, else the SVMs in sight.
pub async fn identify(client: &Client, user: Option<String>) -> Identity {
    let because = match &user {
        None => "the access token does not name the account",
        Some(name) => match identity::accounts_named(client, name).await {
            Ok(records) => match pick(&records) {
                Some(a) => {
                    let scope = a.scope.clone();
                    return Identity {
                        user: user.clone(),
                        role: a.role_name().map(str::to_owned),
                        svm: match scope {
                            Some(Scope::Cluster) => None,
                            _ => a.owner_name().map(str::to_owned),
                        },
                        scope,
                        access: Access::of(a.role_name()),
                        unknown_because: None,
                    };
                }
                None => "the account is not among those this session may read",
            },
            Err(ApiError::Ontap { status: 403, .. } | ApiError::Http { status: 403 }) => {
                "this role may not read accounts"
            }
            Err(_) => "the account could not be read",
        },
    };
    let mut id = Identity::unknown(user, because);
    if let Ok(svms) = identity::visible_svms(client).await {
        if let [only] = svms.as_slice() {
            id.svm = only.name.clone();
        }
    }
    id
}
