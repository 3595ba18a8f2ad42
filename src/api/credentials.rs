//! The credentials a client sends: HTTP basic authentication or an OAuth 2.0 bearer token.
//! They live in memory (and, only when the user opts in, in the tab's sessionStorage: see the
//! session's `persist`); never in a URL or a log, which is why `Debug` hides them.

use std::fmt;

use data_encoding::{BASE64, BASE64URL_NOPAD};

/// How the page authenticates to the cluster.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// HTTP basic authentication.
    Basic { user: String, password: String },
    /// An OAuth 2.0 access token (ONTAP 9.14 and later), sent as `Authorization: Bearer`.
    Bearer(String),
}

impl Credentials {
    /// The `Authorization` header value.
    pub fn header(&self) -> String {
        match self {
            Credentials::Basic { user, password } => {
                format!(
                    "Basic {}",
                    BASE64.encode(format!("{user}:{password}").as_bytes())
                )
            }
            Credentials::Bearer(token) => format!("Bearer {}", token.trim()),
        }
    }

    /// The account name, when the credentials tell it: the user name of basic authentication,
    /// or the user claim of a token that is a JWT (read, not verified: the cluster verifies it;
    /// the name only serves to look the account up and to show it).
    pub fn user(&self) -> Option<String> {
        match self {
            Credentials::Basic { user, .. } => Some(user.clone()),
            Credentials::Bearer(token) => jwt_user(token),
        }
    }

    pub(crate) fn is_bearer(&self) -> bool {
        matches!(self, Credentials::Bearer(_))
    }
}

/// The user claim of a JWT's payload: `username`, `preferred_username`, `upn`, else `sub`.
pub fn jwt_user(token: &str) -> Option<String> {
    let payload = token.trim().split('.').nth(1)?;
    let bytes = BASE64URL_NOPAD
        .decode(payload.trim_end_matches('=').as_bytes())
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    ["username", "preferred_username", "upn", "sub"]
        .iter()
        .find_map(|k| claims.get(*k)?.as_str().map(str::to_owned))
        .filter(|s| !s.trim().is_empty())
}

/// Never print a password or a token, even in a debug log.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, ****)"),
            Credentials::Bearer(_) => write!(f, "Bearer(****)"),
        }
    }
}
