//! The router and the page shell: the cluster banner with sign-out around the routed pages,
//! or the sign-in screen while nobody is signed in (at whatever address was opened).

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::pages::connect::ConnectPage;
use crate::pages::profile::ProfilePage;
use crate::pages::profiles::ProfilesPage;
use crate::session::SessionCtx;
use crate::store::ProfileStore;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx::provide();
    view! {
        <Router>
            {move || {
                if session.0.with(Option::is_some) {
                    view! { <Shell /> }.into_any()
                } else {
                    view! { <ConnectPage /> }.into_any()
                }
            }}
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    // The profiles live as long as the session: leaving the table and coming back is instant.
    ProfileStore::provide();
    crate::changelog::ChangeLog::provide();
    view! {
        <Banner />
        <main class="content" id="main">
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/profiles" /> } />
                <Route path=path!("/profiles") view=ProfilesPage />
                <Route path=path!("/profiles/:owner/:account") view=ProfilePage />
                <Route path=path!("/changes") view=crate::pages::changes::ChangesPage />
            </Routes>
        </main>
    }
}

#[component]
fn Banner() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let navigate = use_navigate();
    let info = move || {
        session.0.with(|s| {
            s.as_ref().map(|s| {
                let name = s.cluster.name.clone().unwrap_or_else(|| "Cluster".into());
                let version = s
                    .cluster
                    .version
                    .as_ref()
                    .map(|v| format!("ONTAP {}", v.short()));
                (name, version, s.user.clone())
            })
        })
    };
    view! {
        <header class="banner">
            <A href="/profiles" attr:class="banner-brand">"totp-admin"</A>
            {move || info().map(|(name, version, user)| view! {
                <p class="banner-cluster">
                    <span class="banner-name">{name}</span>
                    {version.map(|v| view! { <span class="banner-version">{v}</span> })}
                </p>
                <p class="banner-user">"Signed in as " <strong>{user}</strong></p>
            })}
            <A href="/changes" attr:class="banner-link">"Changes"</A>
            <button
                type="button"
                class="button button-quiet"
                on:click=move |_| {
                    session.sign_out();
                    navigate("/", Default::default());
                }
            >
                "Sign out"
            </button>
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
