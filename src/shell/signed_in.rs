//! The signed-in page: the stores that live as long as the session, the banner (who is signed
//! in to which cluster, the screens, the theme, sign-out), the re-sign-in dialog and the
//! routed screens. Release builds load it as the second wasm module (`split`).

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use ontap_model::Access;

use crate::components::theme::ThemeToggle;
use crate::pages::profile::ProfilePage;
use crate::pages::profiles::ProfilesPage;
use crate::routes;
use crate::session::{SessionCtx, SignedOut};
use crate::store::changelog::ChangeLog;
use crate::store::selection::BulkState;
use crate::store::ProfileStore;

#[component]
pub(crate) fn Shell() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    // Before the router's listeners: the enrollment's leave guard must see Back/Forward first.
    // (Installed once per page; later sessions find it there.)
    crate::pages::enroll::guard::install();
    // The profiles live as long as the session: leaving the table and coming back is instant.
    // Every store provided here is dropped with the shell when the session ends.
    ProfileStore::provide();
    ChangeLog::provide();
    crate::store::writes::Writes::provide();
    BulkState::provide();
    crate::pages::enroll::EnrollState::provide();
    let idle_ms = session
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.idle_ms))
        .unwrap_or(crate::session::DEFAULT_IDLE_MINUTES * 60_000);
    crate::session::idle::watch(session, idle_ms);
    // The router belongs to the signed-in page: the sign-in screen is the same at any address,
    // and the address it was opened at is where the router starts.
    view! {
        <Router>
        <Banner />
        // Credentials refused mid-session: sign in again over the current view.
        <crate::pages::reauth::ReauthDialog />
        <main class="content" id="main">
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <Redirect path=routes::PROFILES /> } />
                <Route path=path!("/profiles") view=ProfilesPage />
                <Route path=path!("/profiles/bulk") view=crate::pages::bulk::BulkPage />
                <Route path=path!("/profiles/:owner/:account") view=ProfilePage />
                <Route path=path!("/changes") view=crate::pages::changes::ChangesPage />
                <Route path=path!("/accounts") view=crate::pages::accounts::AccountsPage />
                <Route path=path!("/accounts/:owner/:name") view=crate::pages::accounts::AccountPage />
                <Route path=path!("/history") view=crate::pages::history::HistoryPage />
                <Route path=path!("/enroll") view=crate::pages::enroll::EnrollPage />
            </Routes>
        </main>
        </Router>
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
        session.session.with(|s| {
            s.as_ref().map(|s| {
                let id = &s.identity;
                Info {
                    cluster: s
                        .cluster
                        .name
                        .as_deref()
                        .map_or_else(|| "Cluster".into(), crate::text::name),
                    version: s
                        .cluster
                        .version
                        .as_ref()
                        .map(|v| format!("ONTAP {}", v.short())),
                    user: crate::text::name(&s.user),
                    role: id.role.clone(),
                    scope: id.scope.as_ref().map(|s| s.as_str().to_owned()),
                    svm: id.svm.as_deref().map(crate::text::name),
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
            <A href=routes::PROFILES attr:class="banner-brand">"totp-admin"</A>
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
                <A href=routes::PROFILES attr:class="banner-link">"Profiles"</A>
                <A href=routes::ACCOUNTS attr:class="banner-link">"Accounts"</A>
                <A href=routes::HISTORY attr:class="banner-link">"History"</A>
                <A href=routes::CHANGES attr:class="banner-link">"Changes"</A>
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
        <p>"This address is not a page of totp-admin. " <A href=routes::PROFILES>"Go to the TOTP profiles"</A> "."</p>
    }
}
