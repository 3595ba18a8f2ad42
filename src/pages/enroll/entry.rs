//! The way in: whether the signed-in account still needs a TOTP profile (read once per session:
//! its own profile, by exact `account.name` and `owner.name` filters), and the banner's "Set up
//! my authenticator" action while it does. Administrators keep the profile table as landing;
//! the action shows only for an account without an enabled profile.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::Me;
use crate::api::totps;
use crate::session::SessionCtx;

/// `Some(true)`: the account has no enabled profile; `None`: not known (yet).
#[derive(Clone, Copy)]
pub struct EnrollState {
    needed: RwSignal<Option<bool>>,
}

impl EnrollState {
    /// Provided by the page shell (one per session); starts the check.
    pub fn provide() -> EnrollState {
        let state = EnrollState {
            needed: RwSignal::new(None),
        };
        provide_context(state);
        let session = SessionCtx::use_ctx();
        if let (Some(me), Some(client)) = (Me::of(&session), session.client()) {
            spawn_local(async move {
                if let Ok((own, _)) = totps::own(&client, &me.account, me.svm.as_deref()).await {
                    state
                        .needed
                        .try_set(Some(own.is_none_or(|t| t.enabled == Some(false))));
                }
            });
        }
        state
    }

    pub fn use_ctx() -> EnrollState {
        use_context::<EnrollState>().unwrap_or(EnrollState {
            needed: RwSignal::new(None),
        })
    }

    pub fn set_needed(&self, needed: bool) {
        self.needed.try_set(Some(needed));
    }

    pub fn needed(&self) -> bool {
        self.needed.get() == Some(true)
    }
}

/// The banner's action, shown while the account has no enabled profile.
#[component]
pub fn EnrollLink() -> impl IntoView {
    let state = EnrollState::use_ctx();
    move || {
        state.needed().then(|| {
            view! {
                <A href="/enroll" attr:class="button button-primary button-small banner-enroll">
                    "Set up my authenticator"
                </A>
            }
        })
    }
}
