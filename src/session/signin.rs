//! Establishing a session, shared by the sign-in form and the restore of a kept session: read
//! `/api/cluster` (the credentials work, and the release has TOTP), then learn who is signed in
//! and what their role may do.

use std::future::Future;
use std::pin::Pin;

use ontap_model::{Access, Account, Scope};

use super::failure::Failure;
use super::persist;
use super::state::{Identity, Session, SessionCtx};
use crate::api::http::Listener;
use crate::api::{cluster, identity, ApiError, Client, Credentials};

/// What the user gave.
#[derive(Clone)]
pub struct Attempt {
    pub credentials: Credentials,
    pub api_base: String,
    pub idle_ms: u32,
    pub stay: bool,
    /// Who hears the new client's reports ([`super::Reports::listener`]).
    pub listener: Listener,
}

/// What the sign-in form gives, checked: the part of the page that signs in adds who hears
/// the new client's reports ([`Request::heard_by`]), which the form has no way to know.
#[derive(Clone)]
pub struct Request {
    pub credentials: Credentials,
    pub api_base: String,
    pub idle_ms: u32,
    pub stay: bool,
}

impl Request {
    pub fn heard_by(self, listener: Listener) -> Attempt {
        Attempt {
            credentials: self.credentials,
            api_base: self.api_base,
            idle_ms: self.idle_ms,
            stay: self.stay,
            listener,
        }
    }
}

/// What was typed into index.html's sign-in form when a fleet's page took its place (its own
/// sign-in then starts with it, so nothing typed is lost), and whether Sign in was pressed.
#[derive(Clone, Default, PartialEq)]
pub struct Typed {
    pub token: bool,
    pub user: String,
    pub password: String,
    pub bearer: String,
    /// Sign in was pressed and waited for the page to know it is a fleet: it is acted on there.
    pub submit: bool,
    /// The id of the form's control that had the focus, so that its counterpart takes it and
    /// the next keystroke lands where the user was typing.
    pub focus: Option<String>,
}

/// The secrets are never printed, as with `Credentials`.
impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typed")
            .field("token", &self.token)
            .field("user", &self.user)
            .field("password", &"…")
            .field("bearer", &"…")
            .field("submit", &self.submit)
            .field("focus", &self.focus)
            .finish()
    }
}

/// A part of the page that release builds load later, as a wasm module of its own (the app
/// that signs in, or a fleet's page), could not be fetched or instantiated; the browser's
/// console says why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotLoaded;

/// A result that may first need the part of the page loaded later.
pub(crate) type Later<T> = Pin<Box<dyn Future<Output = Result<T, NotLoaded>>>>;

/// The sign-in form's attempt: the session, kept in this tab's sessionStorage only when the user
/// asked for it; or why not.
pub async fn sign_in(a: Attempt) -> Result<Session, Failure> {
    let s = establish(a).await?;
    keep(&s);
    Ok(s)
}

/// Starts a session: kept in sessionStorage only if the user opted in, then entered.
pub fn start(ctx: &SessionCtx, session: Session) {
    keep(&session);
    ctx.enter(session);
}

/// Keeps the session in this tab if the user opted in; else makes sure nothing is kept.
pub fn keep(s: &Session) {
    if s.stay {
        persist::save(&s.credentials, &s.api_base, s.idle_ms);
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
    Failed {
        failure: Failure,
        bearer: bool,
    },
    /// Nothing (readable) was kept.
    Nothing,
    /// This tab is a copy of a live tab that keeps the same session (`tabs::held_elsewhere`):
    /// forgotten here, the other tab keeps it.
    Copied,
}

/// Brings back a session kept in this tab, unless it sat idle for longer than its idle time;
/// the cluster checks it again as at sign-in.
pub async fn restore(listener: Listener) -> Restored {
    let Some(kept) = persist::load() else {
        return Restored::Nothing;
    };
    let minutes = kept.idle_ms.div_ceil(60_000).max(1);
    if kept
        .last_active
        .is_some_and(|t| crate::platform::wall_ms() - t >= f64::from(kept.idle_ms))
    {
        return Restored::Idle { minutes };
    }
    // Before anything is sent with it: is this tab a copy of a tab that is using it?
    if let Some(tab) = persist::tab_id() {
        if super::tabs::held_elsewhere(&tab).await {
            persist::wipe();
            return Restored::Copied;
        }
    }
    let bearer = kept.credentials.is_bearer();
    let attempt = Attempt {
        credentials: kept.credentials,
        api_base: kept.api_base,
        idle_ms: kept.idle_ms,
        stay: true,
        listener,
    };
    match establish(attempt).await {
        Ok(s) => {
            keep(&s);
            Restored::Session(s)
        }
        Err(failure) => Restored::Failed { failure, bearer },
    }
}

/// Checks the credentials against the cluster and learns who they are.
pub async fn establish(a: Attempt) -> Result<Session, Failure> {
    let client = Client::new(&a.api_base, a.credentials.clone(), a.listener);
    let c = cluster::get(&client).await?;
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
pub(crate) fn pick(records: &[Account]) -> Option<&Account> {
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

/// Why the re-sign-in dialog refuses the credentials offered (before sending them): it renews
/// the session of the account signed in, and no other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// They name another account.
    Other { signed_in: String, offered: String },
    /// One side or the other does not name its account (a token without a user claim), so
    /// nothing shows that it is the same one.
    Unnamed { signed_in: Option<String> },
}

/// Whether credentials naming `offered` may renew a session of `signed_in` (the names the
/// credentials give: [`Credentials::user`]). Only the same named account may: a dialog that
/// exists to let the user carry on their interrupted work must not carry it on as someone
/// else, under a banner, a role and a change log that name the first account.
pub fn same_account(signed_in: Option<&str>, offered: Option<&str>) -> Result<(), Refusal> {
    match (signed_in, offered) {
        (Some(a), Some(b)) if a == b => Ok(()),
        (Some(a), Some(b)) => Err(Refusal::Other {
            signed_in: a.to_owned(),
            offered: b.to_owned(),
        }),
        (a, _) => Err(Refusal::Unnamed {
            signed_in: a.map(str::to_owned),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re_sign_in_renews_only_the_same_named_account() {
        assert_eq!(same_account(Some("admin"), Some("admin")), Ok(()));
        assert_eq!(
            same_account(Some("admin"), Some("vsadmin")),
            Err(Refusal::Other {
                signed_in: "admin".into(),
                offered: "vsadmin".into()
            })
        );
        // Names are compared as ONTAP stores them: a different case is another name.
        assert!(same_account(Some("admin"), Some("Admin")).is_err());
        for (a, b) in [(Some("admin"), None), (None, Some("admin")), (None, None)] {
            assert_eq!(
                same_account(a, b),
                Err(Refusal::Unnamed {
                    signed_in: a.map(str::to_owned)
                })
            );
        }
    }
}
