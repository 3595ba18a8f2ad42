//! One cluster of a fleet in the single-cluster screens (issue 19): `/fleet/{cluster uuid}/...`
//! (its profiles, the editor, bulk changes, accounts, history, changes), run against that
//! cluster's member of the [`FleetStore`]. The scope's shell gives those screens what the
//! single-cluster [`super::signed_in::Shell`] gives them: a [`SessionCtx`] for the member (its
//! client, reporting to this scope; its cluster; who it is signed in as, read when the scope
//! opens), the stores, and a link base ([`Base`]) so that every link stays on this cluster.
//!
//! The key is the cluster's UUID, never its name. A deep link before sign-in says so and
//! opens once the member is signed in; a UUID no member has says that. A 401 in the scope is
//! this member's alone: the re-sign-in dialog asks for its credentials, nothing else.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_params_map;
use ontap_model::Cluster;

use crate::api::{ApiError, Client};
use crate::components::Status;
use crate::components::{ClusterSignIn, FleetSignIn};
use crate::pages::fleet::GatewayPanel;
use crate::routes::{self, Base};
use crate::session::fleet::{Access, Stage};
use crate::session::{Identity, Session, SessionCtx, SignedOut};
use crate::store::batch::LiveRuns;
use crate::store::changelog::ChangeLog;
use crate::store::fleet::{FleetStore, Member};
use crate::store::selection::BulkState;
use crate::store::ProfileStore;

/// What a member of the fleet is, for finding a scope's cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Known {
    /// Its cluster UUID, once known: from its sign-in (the file's clusters), or from
    /// Unified Manager's listing (a gateway's, known before its sign-in).
    pub(crate) uuid: Option<String>,
    pub(crate) stage: Stage,
}

/// Where a scope's address stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// The member at this place is signed in: the scope opens.
    Open(usize),
    /// The member at this place is the cluster, not signed in (yet, or any more).
    SignIn(usize),
    /// No member has this UUID yet, but a cluster not signed in (or a gateway not signed in)
    /// may be it: sign in first.
    NotYet,
    /// Every cluster is known, and none has this UUID.
    Unknown,
}

/// Finds the cluster `uuid` among `members`. `open_gateways`: false while a gateway of the
/// file is not signed in (its clusters are not known yet).
pub(crate) fn lookup(uuid: &str, members: &[Known], gateways_listed: bool) -> Lookup {
    let same = |u: &Option<String>| {
        u.as_deref()
            .is_some_and(|u| !u.is_empty() && u.eq_ignore_ascii_case(uuid))
    };
    if let Some(i) = members.iter().position(|m| same(&m.uuid)) {
        return if members[i].stage == Stage::In {
            Lookup::Open(i)
        } else {
            Lookup::SignIn(i)
        };
    }
    if !gateways_listed || members.iter().any(|m| m.uuid.is_none()) {
        Lookup::NotYet
    } else {
        Lookup::Unknown
    }
}

/// A member's UUID as known now (tracked).
fn uuid_of(m: &Member) -> Option<String> {
    if let Some(u) = m.cluster().and_then(|c| c.uuid) {
        return Some(u);
    }
    // A gateway's cluster: its tunnel ends with the UUID Unified Manager listed.
    m.via_gateway().and_then(|_| {
        m.entry
            .with_value(|e| e.api.rsplit('/').next().map(str::to_owned))
    })
}

/// The route `/fleet/:cluster`: the cluster's screens below it once it is signed in, or why
/// not.
#[component]
pub(crate) fn ScopeShell() -> impl IntoView {
    let store = FleetStore::use_ctx();
    let params = use_params_map();
    let uuid = Memo::new(move |_| {
        params.with(|p| {
            p.get("cluster")
                .and_then(|c| ontap_model::totp::decode_segment(&c))
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
    });
    let state = Memo::new(move |_| {
        let members: Vec<Known> = store
            .list()
            .iter()
            .map(|m| Known {
                uuid: uuid_of(m),
                stage: m.stage(),
            })
            .collect();
        let listed = store.gateway_list().iter().all(|g| {
            g.access
                .with(|a| matches!(a, crate::store::fleet::GatewayAccess::In { .. }))
        });
        lookup(&uuid.get(), &members, listed)
    });
    // The member's place in the list when it opens: the scope is made again only when another
    // cluster opens, or this one signs in again.
    move || {
        let u = uuid.get();
        match state.get() {
            Lookup::Open(i) => match store.list_untracked().get(i).copied() {
                Some(m) => view! { <ScopeOpen member=m uuid=u /> }.into_any(),
                None => ().into_any(),
            },
            Lookup::SignIn(i) => {
                let m = store.list_untracked().get(i).copied();
                view! { <SignInFirst member=m /> }.into_any()
            }
            Lookup::NotYet => view! { <SignInFirst member=None /> }.into_any(),
            Lookup::Unknown => view! { <NoSuchCluster uuid=u /> }.into_any(),
        }
    }
}

/// `/fleet/{uuid}` itself: the cluster's profiles.
#[component]
pub(crate) fn ScopeIndex() -> impl IntoView {
    let base = Base::current();
    view! { <Redirect path=base.profiles() /> }
}

/// Not signed in to this cluster: what to do, and the cluster's own sign-in when it asks
/// for one. The scope opens by itself once it is signed in.
#[component]
fn SignInFirst(member: Option<Member>) -> impl IntoView {
    let store = FleetStore::use_ctx();
    // The fleet's own sign-in forms, here as on the overview: this page opens in place.
    let has_direct = store.has_direct();
    let shared_form = Memo::new(move |_| has_direct && !store.direct_signed_in());
    let gateways = store
        .gateway_list()
        .into_iter()
        .filter(|g| {
            g.access
                .with_untracked(|a| !matches!(a, crate::store::fleet::GatewayAccess::In { .. }))
        })
        .map(|g| view! { <GatewayPanel gateway=g /> })
        .collect_view();
    let named = member.map(|m| crate::text::name(&m.name()));
    let asks = member.filter(|m| m.stage() == Stage::Refused && m.via_gateway().is_none());
    let title = match &named {
        Some(n) => format!("Sign in to {n} first"),
        None => "Sign in first".to_owned(),
    };
    view! {
        <section class="scope-signin" aria-labelledby="scope-signin-title">
            <h1 id="scope-signin-title">{title}</h1>
            <p>
                "This cluster's screens open once it is signed in. Sign in on the "
                <A href=routes::FLEET>"fleet overview"</A>
                ", or here: this page then opens by itself."
            </p>
            {asks.map(|m| view! { <ClusterSignIn member=m /> })}
            <Show when=move || shared_form.get()>
                <FleetSignIn />
            </Show>
            {gateways}
        </section>
    }
}

/// A UUID no cluster of the fleet has.
#[component]
fn NoSuchCluster(uuid: String) -> impl IntoView {
    view! {
        <h1>"No cluster with this UUID"</h1>
        <p class="scope-unknown">
            {format!("No cluster of this fleet has the UUID {}. ", crate::text::name(&uuid))}
            "Open the cluster from the "
            <A href=routes::FLEET>"fleet overview"</A>
            "."
        </p>
    }
}

/// The member is signed in: who it is signed in as is read first, then the screens open.
#[component]
fn ScopeOpen(member: Member, uuid: String) -> impl IntoView {
    let Some((client, cluster)) = member.access.with_untracked(|a| match a {
        Access::In { client, cluster } => Some((client.clone(), cluster.clone())),
        _ => None,
    }) else {
        return ().into_any();
    };
    // The screens' own session: its client reports 401s and retries to this scope alone.
    let session = SessionCtx::provide();
    provide_context(Base::fleet_cluster(&uuid));
    let client = client.with_listener(session.reports.listener());
    let via = member.via_gateway();
    let api_base = member.entry.with_value(|e| e.api.clone());
    let ready = RwSignal::new(false);
    {
        let client = client.clone();
        let via = via.clone();
        spawn_local(async move {
            let identity = identify(&client, via.as_deref()).await;
            let credentials = client.credentials();
            let user = match &via {
                // Who signed in to Unified Manager; the cluster sees its stored account.
                Some(g) => format!(
                    "{} via Unified Manager {g}",
                    credentials.user().unwrap_or_default()
                ),
                None => identity
                    .user
                    .clone()
                    .unwrap_or_else(|| "access token".to_owned()),
            };
            let s = Session {
                client,
                credentials,
                user,
                api_base,
                cluster,
                identity,
                idle_ms: crate::session::DEFAULT_IDLE_MINUTES * 60_000,
                stay: false,
            };
            if session.session.try_get_untracked().is_some() {
                session.enter(s);
                ready.set(true);
            }
        });
    }
    // "Sign out" in the re-sign-in dialog: this member only, which then asks again.
    session.set_on_end(Some(Rc::new(move |_why: &SignedOut| {
        member.access.with_untracked(|a| {
            if let Access::In { client, .. } = a {
                client.revoke();
            }
        });
        member.access.set(if member.via_gateway().is_some() {
            Access::Unreachable(ApiError::Unauthorized)
        } else {
            Access::Refused
        });
    })));
    on_cleanup(move || session.set_on_end(None));
    view! {
        <Show when=move || ready.get()
            fallback=|| view! { <Status message="Opening the cluster…" busy=true /> }>
            <ScopeScreens member=member />
        </Show>
    }
    .into_any()
}

/// Who the member is signed in as: the account's record, as the single-cluster sign-in
/// reads it; through a gateway, Unified Manager's stored account, whose name the page cannot
/// learn (ONTAP's REST has no "who am I").
async fn identify(client: &Client, via: Option<&str>) -> Identity {
    match via {
        Some(_) => Identity::unknown(
            None,
            "calls run as the account Unified Manager stores for this cluster",
        ),
        None => crate::session::signin::identify(client, client.user()).await,
    }
}

/// The stores the screens share, the cluster's strip and the routed screen.
#[component]
fn ScopeScreens(member: Member) -> impl IntoView {
    ProfileStore::provide();
    ChangeLog::provide();
    crate::store::writes::Writes::provide();
    let live = LiveRuns::provide();
    BulkState::provide();
    // Leaving the cluster's screens ends its runs: nothing more is sent for a view that is
    // gone (the single-cluster page does the same at sign-out).
    on_cleanup(move || {
        for run in live.all() {
            run.end_session();
        }
    });
    view! {
        <ScopeStrip member=member />
        <crate::pages::reauth::ReauthDialog />
        <Outlet />
    }
}

/// The strip naming the cluster in view, how it is reached, and its screens.
#[component]
fn ScopeStrip(member: Member) -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let base = Base::current();
    let name = crate::text::name(&member.name());
    let (version, own) = session.session.with_untracked(|s| {
        s.as_ref()
            .map(|s| (release(&s.cluster), s.cluster.name.clone()))
            .unwrap_or_default()
    });
    let own = own
        .filter(|n| *n != member.name())
        .map(|n| view! { <span class="scope-own-name">{format!("calls itself {}", crate::text::name(&n))}</span> });
    let who = session
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.clone()).unwrap_or_default());
    let via = member.via_gateway().map(|g| {
        view! {
            <p class="scope-via" title="Every call runs on this cluster as the account Unified Manager stores for it, not as the user signed in.">
                {format!("via Unified Manager {g}, runs as its stored account")}
            </p>
        }
    });
    let who = member.via_gateway().is_none().then(
        || view! { <p class="scope-who">{format!("Signed in as {}", crate::text::name(&who))}</p> },
    );
    view! {
        <nav class="scope-strip" aria-label="Cluster" data-cluster=member.name()>
            <p class="scope-cluster">
                <span class="scope-name">{name}</span>
                {version.map(|v| view! { <span class="scope-version">{v}</span> })}
                {own}
            </p>
            {via}
            {who}
            <div class="scope-links">
                <A href=base.profiles() attr:class="banner-link">"Profiles"</A>
                <A href=base.at(routes::ACCOUNTS) attr:class="banner-link">"Accounts"</A>
                <A href=base.at(routes::HISTORY) attr:class="banner-link">"History"</A>
                <A href=base.at(routes::CHANGES) attr:class="banner-link">"Changes"</A>
            </div>
        </nav>
    }
}

fn release(c: &Cluster) -> Option<String> {
    c.version.as_ref().map(|v| format!("ONTAP {}", v.short()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(uuid: Option<&str>, stage: Stage) -> Known {
        Known {
            uuid: uuid.map(str::to_owned),
            stage,
        }
    }

    #[test]
    fn a_scope_opens_on_its_uuid_signed_in_and_says_why_not_otherwise() {
        let a = "aa6e0c3e-1d2c-11ee-9c4e-005056bb0001";
        let b = "bb6e0c3e-1d2c-11ee-9c4e-005056bb0002";
        let both = [k(Some(a), Stage::In), k(Some(b), Stage::Waiting)];
        assert_eq!(lookup(a, &both, true), Lookup::Open(0));
        // The UUID in any case; never a name.
        assert_eq!(lookup(&a.to_uppercase(), &both, true), Lookup::Open(0));
        assert_eq!(lookup(b, &both, true), Lookup::SignIn(1));
        assert_eq!(lookup("cluster1", &both, true), Lookup::Unknown);
        assert_eq!(lookup("", &both, true), Lookup::Unknown);
        // A cluster of the file not signed in may be it: sign in first.
        let unknown = [k(Some(a), Stage::In), k(None, Stage::Waiting)];
        assert_eq!(lookup(b, &unknown, true), Lookup::NotYet);
        // So may a gateway's cluster, while the gateway is not signed in.
        assert_eq!(lookup(b, &both[..1], false), Lookup::NotYet);
    }
}
