//! The router and the page shell: the cluster banner (who is signed in, the theme, sign-out)
//! around the routed pages, or the sign-in screen while nobody is signed in (at whatever
//! address was opened). A session kept in this tab is restored first, re-validated.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use ontap_model::Access;

use crate::components::Status;
use crate::pages::connect::ConnectPage;
use crate::pages::profile::ProfilePage;
use crate::pages::profiles::ProfilesPage;
use crate::persist;
use crate::session::{SessionCtx, SignedOut};
use crate::signin::{establish, Attempt};
use crate::store::ProfileStore;
use crate::theme::ThemeToggle;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx::provide();
    // Before the router's listeners: the enrollment's leave guard must see Back/Forward first.
    crate::pages::enroll::guard::install();
    let restoring = RwSignal::new(false);
    restore(session, restoring);
    view! {
        // While a read waits to try again, on the sign-in screen as in the shell.
        <crate::components::RetryNote />
        <Router>
            {move || {
                if session.0.with(Option::is_some) {
                    view! { <Shell /> }.into_any()
                } else if restoring.get() {
                    view! {
                        <main class="connect">
                            <div class="connect-card">
                                <Status message="Restoring your session…" busy=true />
                            </div>
                        </main>
                    }
                    .into_any()
                } else {
                    view! { <ConnectPage /> }.into_any()
                }
            }}
        </Router>
    }
}

/// Brings back a session kept in this tab, unless it sat idle for longer than its idle time;
/// the cluster checks it again as at sign-in.
fn restore(session: SessionCtx, restoring: RwSignal<bool>) {
    let Some(kept) = persist::load() else { return };
    let minutes = kept.idle_ms.div_ceil(60_000).max(1);
    if kept
        .last_active
        .is_some_and(|t| persist::now_ms() - t >= f64::from(kept.idle_ms))
    {
        session.sign_out(SignedOut::Idle { minutes });
        return;
    }
    restoring.set(true);
    let bearer = kept.credentials.is_bearer();
    let attempt = Attempt {
        credentials: kept.credentials,
        api_base: kept.api_base,
        idle_ms: kept.idle_ms,
        stay: true,
    };
    spawn_local(async move {
        match establish(attempt).await {
            Ok(s) => session.sign_in(s),
            Err(f) => {
                let (m, n) = f.explain(bearer);
                session.sign_out(SignedOut::RestoreFailed(format!("{m} {n}")));
            }
        }
        restoring.set(false);
    });
}

#[component]
fn Shell() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    // The profiles live as long as the session: leaving the table and coming back is instant.
    // Every store provided here is dropped with the shell when the session ends.
    ProfileStore::provide();
    crate::changelog::ChangeLog::provide();
    crate::pages::profiles::bulk::BulkState::provide();
    crate::pages::enroll::EnrollState::provide();
    let idle_ms = session
        .0
        .with_untracked(|s| s.as_ref().map(|s| s.idle_ms))
        .unwrap_or(crate::session::DEFAULT_IDLE_MINUTES * 60_000);
    crate::idle::watch(session, idle_ms);
    view! {
        <Banner />
        // Credentials refused mid-session: sign in again over the current view.
        <crate::reauth::ReauthDialog />
        <main class="content" id="main">
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/profiles" /> } />
                <Route path=path!("/profiles") view=ProfilesPage />
                <Route path=path!("/profiles/bulk") view=crate::pages::profiles::bulk::BulkPage />
                <Route path=path!("/profiles/:owner/:account") view=ProfilePage />
                <Route path=path!("/changes") view=crate::pages::changes::ChangesPage />
                <Route path=path!("/accounts") view=crate::pages::accounts::AccountsPage />
                <Route path=path!("/accounts/:owner/:name") view=crate::pages::accounts::AccountPage />
                <Route path=path!("/history") view=crate::pages::history::HistoryPage />
                <Route path=path!("/enroll") view=crate::pages::enroll::EnrollPage />
            </Routes>
        </main>
    }
}

/// What the banner shows about the session.
#[derive(Clone)]
struct Info {
    cluster: String,
    version: Option<String>,
    user: String,
    role: Option<String>,
    scope: Option<String>,
    svm: Option<String>,
    note: Option<String>,
}

#[component]
fn Banner() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let navigate = use_navigate();
    let info = move || {
        session.0.with(|s| {
            s.as_ref().map(|s| {
                let id = &s.identity;
                Info {
                    cluster: s.cluster.name.clone().unwrap_or_else(|| "Cluster".into()),
                    version: s
                        .cluster
                        .version
                        .as_ref()
                        .map(|v| format!("ONTAP {}", v.short())),
                    user: s.user.clone(),
                    role: id.role.clone(),
                    scope: id.scope.as_ref().map(|s| s.as_str().to_owned()),
                    svm: id.svm.clone(),
                    // A read-only role's name says so; the editor says what it means.
                    note: match id.access {
                        Access::Unknown => id.unknown_because.as_ref().map(|b| {
                            format!("role not known: {b}; the cluster decides what you may change")
                        }),
                        _ => None,
                    },
                }
            })
        })
    };
    view! {
        <header class="banner">
            <A href="/profiles" attr:class="banner-brand">"totp-admin"</A>
            {move || info().map(|i| view! {
                <p class="banner-cluster">
                    <span class="banner-name">{i.cluster}</span>
                    {i.version.map(|v| view! { <span class="banner-version">{v}</span> })}
                </p>
                <dl class="banner-who" aria-label="Signed in">
                    <div>
                        <dt>"User"</dt>
                        <dd><strong class="banner-user">{i.user}</strong></dd>
                    </div>
                    {i.role.map(|r| view! { <div><dt>"Role"</dt><dd class="banner-role">{r}</dd></div> })}
                    {i.scope.map(|s| view! { <div><dt>"Scope"</dt><dd class="banner-scope">{s}</dd></div> })}
                    {i.svm.map(|s| view! { <div><dt>"SVM"</dt><dd class="banner-svm">{s}</dd></div> })}
                </dl>
                {i.note.map(|n| view! { <p class="banner-note">{n}</p> })}
            })}
            <div class="banner-tools">
                <crate::pages::enroll::EnrollLink />
                <A href="/profiles" attr:class="banner-link">"Profiles"</A>
                <A href="/accounts" attr:class="banner-link">"Accounts"</A>
                <A href="/history" attr:class="banner-link">"History"</A>
                <A href="/changes" attr:class="banner-link">"Changes"</A>
                <ThemeToggle id="theme" />
                <button
                    type="button"
                    class="button button-quiet"
                    data-leaves-page=""
                    on:click=move |_| {
                        session.sign_out(SignedOut::ByUser);
                        navigate("/", Default::default());
                    }
                >
                    "Sign out"
                </button>
            </div>
        </header>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"This address is not a page of totp-admin. " <A href="/profiles">"Go to the TOTP profiles"</A> "."</p>
    }
}
