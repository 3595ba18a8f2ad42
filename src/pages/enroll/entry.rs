//! The way in: whether the signed-in account still needs a TOTP profile (read once per session:
//! its own profile, by exact `account.name` and `owner.name` filters), and the banner's "Set up
//! my authenticator" action while it does. Administrators keep the profile table as landing;
//! the action shows only for an account without an enabled profile whose SSH second factor is
//! TOTP (when the account record cannot be read, the profile alone decides).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use ontap_model::{Account, Collection, Query};

use super::me::Me;
use crate::api::accounts::ACCOUNTS_PATH;
use crate::api::identity::exact;
use crate::api::{totps, ApiError, Client};
use crate::session::SessionCtx;
use crate::store::{AccountsState, ProfileStore, Progress};

/// How long the check waits for a view to start loading the session's profiles.
const GRACE: std::time::Duration = std::time::Duration::from_millis(1000);

/// `Some(true)`: the account has no enabled profile; `None`: not known (yet).
#[derive(Clone, Copy)]
pub(crate) struct EnrollState {
    needed: RwSignal<Option<bool>>,
}

impl EnrollState {
    /// Provided by the page shell (one per session); starts the check once the session's
    /// profiles and accounts are loaded (or not loading): the listing of accounts costs the
    /// cluster a pass over every account, and the banner's action can wait for the table,
    /// which cannot (issue 9). With the accounts listed, the account's SSH second factor is
    /// read from the list instead of asked again.
    pub(crate) fn provide() -> EnrollState {
        let state = EnrollState {
            needed: RwSignal::new(None),
        };
        provide_context(state);
        let session = SessionCtx::use_ctx();
        let store = use_context::<ProfileStore>();
        if let (Some(me), Some(client)) = (Me::of(&session), session.client()) {
            let me = StoredValue::new(me);
            let check = move || {
                let me = me.get_value();
                let listed = store.and_then(|s| {
                    (s.accounts.get_untracked() == AccountsState::Read).then(|| {
                        s.account_list.with_untracked(|all| {
                            required(
                                all.iter().filter(|a| {
                                    a.name.as_deref() == Some(me.account.as_str())
                                        && me
                                            .svm
                                            .as_deref()
                                            .is_none_or(|svm| a.owner_name() == Some(svm))
                                }),
                                &me,
                            )
                        })
                    })
                });
                let client = client.clone();
                spawn_local(async move {
                    if let Ok((own, _)) = totps::own(&client, &me.account, me.svm.as_deref()).await
                    {
                        let missing = own.is_none_or(|t| t.enabled == Some(false));
                        let required = if !missing {
                            false
                        } else if let Some(r) = listed {
                            r
                        } else {
                            requires_totp(&client, &me).await.unwrap_or(true)
                        };
                        state.needed.try_set(Some(missing && required));
                    }
                });
            };
            // The view that loads the store (the profile table, the landing page) starts
            // after this; a session that shows none of them waits this long at most.
            let grace = RwSignal::new(true);
            set_timeout(move || _ = grace.try_set(false), GRACE);
            let started = StoredValue::new(false);
            Effect::new(move || {
                let loading = store.is_some_and(|s| match s.progress.get() {
                    Progress::Idle => grace.get(),
                    Progress::Loading { .. } => true,
                    Progress::Done | Progress::Failed(_) => {
                        s.accounts.get() == AccountsState::Loading
                    }
                });
                if !loading && !started.get_value() {
                    started.set_value(true);
                    check();
                }
            });
        }
        state
    }

    pub(crate) fn use_ctx() -> EnrollState {
        use_context::<EnrollState>().unwrap_or(EnrollState {
            needed: RwSignal::new(None),
        })
    }

    pub(crate) fn set_needed(&self, needed: bool) {
        self.needed.try_set(Some(needed));
    }

    pub(crate) fn needed(&self) -> bool {
        self.needed.get() == Some(true)
    }
}

/// Whether the account must use TOTP for SSH (its `ssh` application's second factor).
async fn requires_totp(client: &Client, me: &Me) -> Result<bool, ApiError> {
    let mut q = Query::new().filter("name", &exact(&me.account)).fields(&[
        "applications",
        "owner.name",
        "scope",
    ]);
    if let Some(svm) = &me.svm {
        q = q.filter("owner.name", &exact(svm));
    }
    let c: Collection<Account> = client
        .get(&format!("{ACCOUNTS_PATH}{}", q.to_query_string()))
        .await?;
    Ok(required(c.records.iter(), me))
}

/// Whether SSH asks TOTP of the account among `records` (those called by its name; a
/// cluster-scoped account is the one of that name with cluster scope).
fn required<'a>(records: impl Iterator<Item = &'a Account>, me: &Me) -> bool {
    records
        .filter(|a| me.svm.is_some() || a.scope != Some(ontap_model::Scope::Svm))
        .any(Account::requires_totp)
}

/// The banner's action, shown while the account has no enabled profile.
#[component]
pub(crate) fn EnrollLink() -> impl IntoView {
    let state = EnrollState::use_ctx();
    move || {
        state.needed().then(|| {
            view! {
                <A href=crate::routes::ENROLL attr:class="button button-primary button-small banner-enroll">
                    "Set up my authenticator"
                </A>
            }
        })
    }
}
