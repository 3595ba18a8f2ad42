//! Who is signed in to which cluster. Credentials live in memory only, in this struct; they
//! are never written to storage, a URL or a log. Signing out drops them.

use std::fmt;

use data_encoding::BASE64;
use leptos::prelude::*;
use ontap_model::Cluster;

use crate::api::http::Client;

/// The API base the page uses unless the user sets another: the page's own origin's `/api`,
/// which the static server reverse-proxies to the cluster.
pub const DEFAULT_API_BASE: &str = "/api";

/// How the page authenticates to the cluster.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// HTTP basic authentication.
    Basic { user: String, password: String },
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
        }
    }

    pub fn user(&self) -> &str {
        match self {
            Credentials::Basic { user, .. } => user,
        }
    }
}

/// Never print a password, even in a debug log.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, ****)"),
        }
    }
}

/// A signed-in session: the client to use and what the cluster said about itself.
#[derive(Clone)]
pub struct Session {
    pub client: Client,
    pub user: String,
    pub api_base: String,
    pub cluster: Cluster,
}

/// The session, shared through the context; `None` while signed out.
#[derive(Clone, Copy)]
pub struct SessionCtx(pub RwSignal<Option<Session>>);

impl SessionCtx {
    pub fn provide() -> SessionCtx {
        let ctx = SessionCtx(RwSignal::new(None));
        provide_context(ctx);
        ctx
    }

    pub fn use_ctx() -> SessionCtx {
        expect_context::<SessionCtx>()
    }

    /// The current client; `None` when signed out.
    pub fn client(&self) -> Option<Client> {
        self.0
            .with_untracked(|s| s.as_ref().map(|s| s.client.clone()))
    }

    pub fn sign_out(&self) {
        self.0.set(None);
    }
}
