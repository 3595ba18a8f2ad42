//! "Stay signed in (this tab only)": the session (credentials, API base, idle time) kept in the
//! tab's sessionStorage, which the browser drops with the tab. Only after the user opts in;
//! never localStorage (it outlives the tab and is shared by every tab of the origin), never a
//! URL, never the console. The time of the last activity is kept beside it, so that a reload
//! after the idle time does not bring an abandoned session back.

use serde::{Deserialize, Serialize};

use crate::api::Credentials;
use crate::platform::{session_storage as storage, wall_ms as now_ms};

/// The sessionStorage key of the kept session.
pub const SESSION_KEY: &str = "totp-admin.session";
/// The sessionStorage key of the last activity (milliseconds since the epoch).
pub const ACTIVE_KEY: &str = "totp-admin.active";
/// The sessionStorage key of this tab's id, kept beside a kept session. A tab made as a copy
/// of another (Chromium's Duplicate, `window.open`) starts with a copy of its sessionStorage,
/// this id included: `session::tabs` asks whether a live tab holds it before a restore.
pub const TAB_KEY: &str = "totp-admin.tab";

#[derive(Serialize, Deserialize)]
struct Stored {
    kind: String,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    token: Option<String>,
    api_base: String,
    idle_ms: u32,
}

/// A session read back from sessionStorage, to be re-validated.
#[derive(Clone, Debug)]
pub struct Kept {
    pub credentials: Credentials,
    pub api_base: String,
    pub idle_ms: u32,
    /// When the user was last active, if recorded.
    pub last_active: Option<f64>,
}

/// Keeps a session in this tab: its credentials, API base and idle time.
pub fn save(credentials: &Credentials, api_base: &str, idle_ms: u32) {
    let Some(st) = storage() else { return };
    let (kind, user, password, token) = match credentials {
        Credentials::Basic { user, password } => {
            ("basic", Some(user.clone()), Some(password.clone()), None)
        }
        Credentials::Bearer(t) => ("bearer", None, None, Some(t.clone())),
    };
    let stored = Stored {
        kind: kind.into(),
        user,
        password,
        token,
        api_base: api_base.to_owned(),
        idle_ms,
    };
    if let Ok(json) = serde_json::to_string(&stored) {
        let _ = st.set_item(SESSION_KEY, &json);
        if tab_id().is_none() {
            let id = format!(
                "{:x}{:x}",
                (crate::platform::random_unit() * 9e15) as u64,
                (now_ms() as u64) ^ ((crate::platform::random_unit() * 9e15) as u64)
            );
            let _ = st.set_item(TAB_KEY, &id);
        }
        touch();
    }
}

/// This tab's id, kept with a kept session (see [`TAB_KEY`]).
pub(crate) fn tab_id() -> Option<String> {
    storage()?.get_item(TAB_KEY).ok().flatten()
}

/// Records activity now (only while a session is kept).
pub(crate) fn touch() {
    if let Some(st) = storage() {
        if st.get_item(SESSION_KEY).ok().flatten().is_some() {
            let _ = st.set_item(ACTIVE_KEY, &now_ms().to_string());
        }
    }
}

/// Whether a session is kept in this tab (without reading it).
pub(crate) fn is_kept() -> bool {
    storage().is_some_and(|st| st.get_item(SESSION_KEY).ok().flatten().is_some())
}

/// The kept session, if any and readable (an unreadable one is wiped).
pub fn load() -> Option<Kept> {
    let st = storage()?;
    let json = st.get_item(SESSION_KEY).ok().flatten()?;
    let kept = serde_json::from_str::<Stored>(&json).ok().and_then(|s| {
        let credentials = match (s.kind.as_str(), s.user, s.password, s.token) {
            ("basic", Some(user), Some(password), _) => Credentials::Basic { user, password },
            ("bearer", _, _, Some(token)) => Credentials::Bearer(token),
            _ => return None,
        };
        Some(Kept {
            credentials,
            api_base: s.api_base,
            idle_ms: s.idle_ms,
            last_active: st
                .get_item(ACTIVE_KEY)
                .ok()
                .flatten()
                .and_then(|t| t.parse().ok()),
        })
    });
    if kept.is_none() {
        wipe();
    }
    kept
}

/// Forgets everything this tab kept (the whole of its sessionStorage).
pub(crate) fn wipe() {
    if let Some(st) = storage() {
        let _ = st.clear();
    }
}
