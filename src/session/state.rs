//! Who is signed in to which cluster, and what their role lets them do. Credentials live in
//! memory, in [`Session`]; only when the user opts in ("Stay signed in (this tab only)") are they
//! also kept in the tab's sessionStorage (`persist`); never in localStorage, a URL or a log.
//! Signing out drops the session (and with it the page shell and every store it provides) and
//! wipes sessionStorage.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use ontap_model::{Access, Cluster, Scope};

use super::persist;
use super::reports::Reports;
use crate::api::{Client, Credentials};

/// The API base the page uses unless the user sets another: the page's own origin's `/api`,
/// which the static server reverse-proxies to the cluster.
pub const DEFAULT_API_BASE: &str = "/api";
/// How long a session may sit idle before it signs itself out, unless the user sets another.
pub const DEFAULT_IDLE_MINUTES: u32 = 15;
/// The longest idle time the sign-in form accepts (a working day).
pub const MAX_IDLE_MINUTES: u32 = 720;

/// Who the cluster says is signed in, as far as the session may read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Identity {
    /// The account name; `None` for a token without a user claim.
    pub user: Option<String>,
    /// The role's name, when the account could be read.
    pub role: Option<String>,
    pub scope: Option<Scope>,
    /// The SVM the account belongs to (SVM-scoped), or the only SVM the session sees.
    pub svm: Option<String>,
    pub access: Access,
    /// Why the role is not known, when it is not.
    pub unknown_because: Option<String>,
}

impl Identity {
    /// An identity of which nothing but the name is known.
    pub fn unknown(user: Option<String>, because: &str) -> Identity {
        Identity {
            user,
            role: None,
            scope: None,
            svm: None,
            access: Access::Unknown,
            unknown_because: Some(because.to_owned()),
        }
    }
}

impl Identity {
    /// True when the profile of `account` owned by the SVM named `svm` (`scope`: the
    /// profile's) is this identity's own key. A cluster-scoped account owns cluster-scoped
    /// profiles of its name; an SVM account those of its SVM. Not knowing the scope, the SVM
    /// the session sees decides; knowing neither, it is not taken as one's own (ONTAP lets
    /// only the owner delete, so offering a delete that would be refused helps no one).
    pub(crate) fn owns(&self, account: &str, svm: Option<&str>, scope: Option<&Scope>) -> bool {
        if self.user.as_deref() != Some(account) {
            return false;
        }
        match (&self.scope, scope) {
            (Some(Scope::Cluster), Some(s)) => *s == Scope::Cluster,
            (Some(Scope::Svm), Some(Scope::Cluster)) => false,
            _ => self.svm.is_some() && self.svm.as_deref() == svm,
        }
    }
}

/// A signed-in session: the client to use and what the cluster said about itself.
#[derive(Clone)]
pub struct Session {
    pub client: Client,
    pub credentials: Credentials,
    /// The name shown in the banner (the account, or "access token").
    pub user: String,
    pub api_base: String,
    pub cluster: Cluster,
    pub identity: Identity,
    /// Sign out after this long without keyboard or pointer activity.
    pub idle_ms: u32,
    /// The user opted in to keeping the session in this tab's sessionStorage.
    pub stay: bool,
}

impl Session {
    /// The cluster's origin for the curl lines the page shows: the API base when it is an
    /// absolute URL, else `https://<cluster name>` (the page's own `/api` is a proxy).
    pub(crate) fn curl_origin(&self) -> String {
        if self.api_base.starts_with("http://") || self.api_base.starts_with("https://") {
            self.api_base
                .trim_end_matches('/')
                .trim_end_matches("/api")
                .to_owned()
        } else {
            format!(
                "https://{}",
                self.cluster.name.as_deref().unwrap_or("CLUSTER")
            )
        }
    }
}

/// Why the sign-in screen is shown again.
#[derive(Clone, Debug, PartialEq)]
pub enum SignedOut {
    /// The user signed out.
    ByUser,
    /// Nothing happened for the idle time.
    Idle { minutes: u32 },
    /// A kept session could not be restored: the cluster refused it or could not be asked;
    /// `message` says why (worded by the presentation module, behind the split point).
    RestoreFailed { message: String },
    /// The user signed out in another tab of the page (`session::tabs`).
    OtherTab,
}

/// What the signed-in page does when the session ends, what idle sign-out would drop, and
/// what it leaves for the sign-in screen; set by the page shell while it is mounted (the code
/// behind them is loaded with it). Kept beside the context rather than in signals: a page
/// has one session context, and this way the first load carries no signal type for them
/// (each costs it code, and it is at its budget: BENCHMARKS.md).
struct Hooks {
    /// Counts sessions: each sign-in moves it on, so a bulk run can tell
    /// that the session it started in is still the one signed in ([`SessionCtx::serial`]).
    serial: u64,
    /// What the signed-in page left for the sign-in screen when the session ended (a bulk
    /// run's report): a view made by the part of the page loaded later, so that the first
    /// load carries none of its code. Forgotten at the next sign-in.
    leftover: Option<ViewFn>,
    /// Called first thing at sign-out, whatever the way out: the shell stops the bulk runs,
    /// keeps their reports for the sign-in screen and tells the other tabs.
    on_end: Option<OnEnd>,
    /// What an idle sign-out would drop now (`session::idle` warns first when anything).
    stakes: Option<Rc<dyn Fn() -> Stakes>>,
}

/// What the shell does when the session ends ([`SessionCtx::set_on_end`]).
pub type OnEnd = Rc<dyn Fn(&SignedOut)>;

thread_local! {
    static HOOKS: RefCell<Hooks> = const {
        RefCell::new(Hooks {
            serial: 0,
            leftover: None,
            on_end: None,
            stakes: None,
        })
    };
}

fn hooks<R>(f: impl FnOnce(&mut Hooks) -> R) -> R {
    HOOKS.with(|h| f(&mut h.borrow_mut()))
}

/// What would be lost if the session ended now, besides the session itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stakes {
    /// Bulk runs still sending.
    pub runs: usize,
    /// The enrollment's secret and emergency codes are on screen.
    pub secret: bool,
}

impl Stakes {
    pub fn any(&self) -> bool {
        self.runs > 0 || self.secret
    }
}

/// The session (`None` while signed out), why the last one ended, and what the clients report;
/// shared through the context.
#[derive(Clone, Copy)]
pub struct SessionCtx {
    pub session: RwSignal<Option<Session>>,
    pub ended: RwSignal<Option<SignedOut>>,
    pub(crate) reports: Reports,
}

impl SessionCtx {
    pub fn provide() -> SessionCtx {
        let ctx = SessionCtx {
            session: RwSignal::new(None),
            ended: RwSignal::new(None),
            reports: Reports::new(),
        };
        provide_context(ctx);
        ctx
    }

    pub fn use_ctx() -> SessionCtx {
        expect_context::<SessionCtx>()
    }

    /// The current client; `None` when signed out.
    pub fn client(&self) -> Option<Client> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.client.clone()))
    }

    /// A client for the current view's reads: they are aborted when the view is cleaned up
    /// (no one is left to show their answer), and end as `ApiError::Aborted`. Writes use
    /// [`SessionCtx::client`], whose requests are never aborted: a sent write's answer belongs
    /// to the shell, not to the view that sent it. `None` when signed out.
    pub fn view_client(&self) -> Option<Client> {
        let client = self.client()?;
        let Ok(controller) = web_sys::AbortController::new() else {
            return Some(client);
        };
        let signal = controller.signal();
        let controller = send_wrapper::SendWrapper::new(controller);
        on_cleanup(move || controller.abort());
        Some(client.scoped(signal))
    }

    /// Starts a session already kept (or not) as the user asked (`signin::keep`). The sign-in
    /// screen's way in: it stays clear of sessionStorage's encoding, which is loaded with the
    /// rest of the page (the shell's split points).
    pub fn enter(&self, session: Session) {
        hooks(|h| {
            h.serial += 1;
            h.leftover = None;
        });
        self.ended.set(None);
        self.session.set(Some(session));
    }

    /// Ends the session: the signed-in page's own ending first (its runs stop, their reports
    /// are kept, its client is revoked: no request goes out with these credentials again, from
    /// any clone of it), then memory (the shell and its stores go with it) and sessionStorage.
    /// (Without the signed-in page there is no client in use: it is what makes requests.)
    pub fn sign_out(&self, why: SignedOut) {
        if let Some(end) = hooks(|h| h.on_end.clone()) {
            end(&why);
        }
        persist::wipe();
        self.session.set(None);
        self.ended.set(Some(why));
    }

    /// Which session is signed in now: another number after every sign-in (`None` while
    /// signed out). Renewing the credentials in place keeps it.
    pub fn serial(&self) -> Option<u64> {
        let signed_in = self.session.try_with_untracked(Option::is_some)?;
        signed_in.then(|| hooks(|h| h.serial))
    }

    /// What the shell does at sign-out (`None`: nothing); see [`SessionCtx::sign_out`].
    pub fn set_on_end(&self, f: Option<OnEnd>) {
        hooks(|h| h.on_end = f);
    }

    /// How the shell tells what an idle sign-out would drop (`None`: nothing).
    pub fn set_stakes(&self, f: Option<Rc<dyn Fn() -> Stakes>>) {
        hooks(|h| h.stakes = f);
    }

    /// What ending the session now would drop.
    pub fn stakes(&self) -> Stakes {
        hooks(|h| h.stakes.clone()).map_or_else(Stakes::default, |f| f())
    }

    /// What the signed-in page left for the sign-in screen (shown there until the next
    /// sign-in, or until forgotten with `None`).
    pub fn leftover(&self) -> Option<ViewFn> {
        hooks(|h| h.leftover.clone())
    }

    /// Leaves `v` for the sign-in screen, or forgets what was left (`None`).
    pub fn set_leftover(&self, v: Option<ViewFn>) {
        hooks(|h| h.leftover = v);
    }

    /// The access of the signed-in role (`Unknown` while signed out).
    pub fn access(&self) -> Access {
        self.session
            .with(|s| s.as_ref().map(|s| s.identity.access))
            .unwrap_or(Access::Unknown)
    }

    /// May change profiles (comments, delete); false for read-only roles.
    pub(crate) fn can_edit(&self) -> bool {
        self.access().may_modify()
    }

    /// May enable or disable profiles: only the admin role (else ONTAP answers 144834564).
    pub(crate) fn can_change_status(&self) -> bool {
        self.access().may_change_status()
    }

    /// Why the editor is read-only, when it is.
    pub(crate) fn read_only_reason(&self) -> Option<String> {
        let role = self
            .session
            .with(|s| s.as_ref().and_then(|s| s.identity.role.clone()));
        (!self.can_edit()).then(|| {
            format!(
                "You are signed in with the {} role, which may read TOTP profiles but not change them.",
                role.as_deref().unwrap_or("read-only")
            )
        })
    }

    /// Why the Enabled switch is off, when it is.
    pub(crate) fn status_reason(&self) -> Option<String> {
        (self.can_edit() && !self.can_change_status()).then(|| {
            "Only a cluster administrator (the admin role) may enable or disable a TOTP profile; \
             ask one to reset this account."
                .to_owned()
        })
    }
}

/// What the profile editor may offer, provided to it by the profile page (absent: all).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EditRights {
    /// Set when the Enabled switch must be off, with the reason shown beside it.
    pub(crate) status_locked: Option<String>,
}

impl EditRights {
    pub fn from_session(s: &SessionCtx) -> EditRights {
        EditRights {
            status_locked: s.status_reason(),
        }
    }
    /// The rights in the context; everything when none are provided (component tests).
    pub fn current() -> EditRights {
        use_context::<EditRights>().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(user: &str, scope: Option<Scope>, svm: Option<&str>) -> Identity {
        Identity {
            user: Some(user.into()),
            role: None,
            scope,
            svm: svm.map(str::to_owned),
            access: Access::Modify,
            unknown_because: None,
        }
    }

    #[test]
    fn a_profile_is_ones_own_by_name_and_owner() {
        let c = Some(&Scope::Cluster);
        let s = Some(&Scope::Svm);
        let jdoe = who("jdoe", Some(Scope::Cluster), None);
        assert!(jdoe.owns("jdoe", Some("cluster1"), c));
        assert!(!jdoe.owns("jdoe", Some("vs_eng"), s), "an SVM's jdoe");
        assert!(!jdoe.owns("mchen", Some("cluster1"), c));
        let kpatel = who("kpatel", Some(Scope::Svm), Some("vs_eng"));
        assert!(kpatel.owns("kpatel", Some("vs_eng"), s));
        assert!(!kpatel.owns("kpatel", Some("vs_fin"), s));
        assert!(!kpatel.owns("kpatel", Some("cluster1"), c));
        // A token whose account could not be read: the one SVM it sees decides.
        let token = who("kpatel", None, Some("vs_eng"));
        assert!(token.owns("kpatel", Some("vs_eng"), s));
        assert!(!who("kpatel", None, None).owns("kpatel", Some("vs_eng"), s));
        assert!(!Identity::unknown(None, "no user").owns("kpatel", Some("vs_eng"), s));
    }
}
