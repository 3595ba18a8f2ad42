//! The page of a fleet (issue 19): shown instead of the single-cluster page when
//! `clusters.json` lists clusters. Its banner (the fleet, who is signed in where, the screens,
//! the theme, sign-out), the router and the fleet's screens, the overview first. A wasm module
//! of its own (`super::split::fleet_page`), which a single-cluster page never fetches; it
//! takes what was typed into the single-cluster form it replaces.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes, A};
use leptos_router::path;

use super::lazy::Lazy;
use super::screens::{self, Module};
use crate::api::fleet::Fleet;
use crate::components::theme::ThemeToggle;
use crate::components::Status;
use crate::routes;
use crate::session::fleet::Stage;
use crate::session::signin::Typed;
use crate::store::changelog::ChangeLog;
use crate::store::fleet::FleetStore;
use crate::store::fleet_batch::OffboardState;

#[component]
pub(crate) fn FleetShell(file: Fleet, typed: Option<Typed>) -> impl IntoView {
    let store = FleetStore::provide(file);
    // What was typed goes to the fleet's sign-in form of the first screen; a fleet of
    // gateways alone has no such form, and a screen without one is given nothing.
    let has_direct = store.has_direct();
    if has_direct && shows_sign_in(&crate::platform::pathname()) {
        store.carry(typed);
    }
    // The fleet's writes (offboarding's) are logged with their cluster; a run outlives its page.
    let log = ChangeLog::provide();
    let offboard = OffboardState::provide();
    // Signing out forgets every credential: no view may keep a client.
    on_cleanup(move || store.sign_out());
    // Why the fleet was signed out by itself, until the next sign-in.
    let ended = RwSignal::new(None::<String>);
    super::fleet_idle::watch(store, ended);
    // Signed out: the session's findings, runs (stopped: nothing more is sent) and change log
    // go too; signed in again: the idle message goes.
    Effect::new(move |_| {
        if store.signed_in() {
            ended.set(None);
        } else {
            offboard.clear();
            log.entries.set(Vec::new());
        }
    });
    // Fleet-wide screens come before a cluster's own (`/fleet/:cluster/...`), whose first
    // segment would otherwise take their names.
    view! {
        <Router>
        <CarriedOnFirstScreen />
        <FleetBanner />
        <main class="content fleet" id="main">
            {move || ended.get().map(|m| view! { <Status message=m /> })}
            <Routes fallback=|| view! { <FleetNotFound /> }>
                <Route path=path!("/") view=|| view! { <Lazy load=screens::overview next=Module::FleetTables /> } />
                <Route path=path!("/fleet/offboard") view=|| view! { <Lazy load=screens::offboard next=Module::FleetTables /> } />
                <Route path=path!("/fleet/changes") view=|| view! { <Lazy load=screens::changes next=Module::Overview /> } />
                <Route path=path!("/fleet/profiles") view=|| view! { <Lazy load=screens::fleet_profiles next=Module::Offboard /> } />
                <Route path=path!("/fleet/accounts") view=|| view! { <Lazy load=screens::fleet_accounts next=Module::Offboard /> } />
                // A cluster's own screens, under its UUID (`shell/scope.rs`).
                <ParentRoute path=path!("/fleet/:cluster") view=super::scope::ScopeShell>
                    <Route path=path!("") view=super::scope::ScopeIndex />
                    <Route path=path!("/profiles") view=|| view! { <Lazy load=screens::profiles next=Module::Accounts /> } />
                    <Route path=path!("/profiles/bulk") view=|| view! { <Lazy load=screens::bulk /> } />
                    <Route path=path!("/profiles/:owner/:account") view=|| view! { <Lazy load=screens::profile /> } />
                    <Route path=path!("/accounts") view=|| view! { <Lazy load=screens::accounts next=Module::Profiles /> } />
                    <Route path=path!("/accounts/:owner/:name") view=|| view! { <Lazy load=screens::account next=Module::Profiles /> } />
                    <Route path=path!("/history") view=|| view! { <Lazy load=screens::history next=Module::Profiles /> } />
                    <Route path=path!("/changes") view=|| view! { <Lazy load=screens::changes next=Module::Profiles /> } />
                </ParentRoute>
            </Routes>
        </main>
        </Router>
    }
}

/// Whether the fleet's screen at `path` shows the fleet's sign-in form before any sign-in:
/// the screens of [`Module::first_of_fleet`] and a cluster's own screens (not offboarding or
/// the change log, which say where to sign in).
fn shows_sign_in(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    Module::first_of_fleet(p).is_some()
        || (p.starts_with(&format!("{}/", routes::FLEET_PREFIX))
            && p != routes::FLEET_OFFBOARD
            && p != routes::FLEET_CHANGES)
}

/// What was typed before the fleet's page came is for the first screen's form alone: once
/// the user goes elsewhere, it is forgotten (a Sign in pressed then is never sent later).
#[component]
fn CarriedOnFirstScreen() -> impl IntoView {
    let store = FleetStore::use_ctx();
    let location = leptos_router::hooks::use_location();
    let first = location.pathname.get_untracked();
    Effect::new(move |_| {
        if location.pathname.get() != first {
            let _ = store.take_carried();
        }
    });
}

#[component]
fn FleetBanner() -> impl IntoView {
    let store = FleetStore::use_ctx();
    let count = move || store.list().len();
    let signed = move || {
        let members = store.list();
        let n = members.iter().filter(|m| m.stage() == Stage::In).count();
        (n > 0).then(|| format!("Signed in to {n} of {}", members.len()))
    };
    view! {
        <header class="banner fleet-banner">
            <A href=routes::FLEET attr:class="banner-brand">"totp-admin"</A>
            <p class="banner-cluster">
                <span class="banner-name">"Fleet"</span>
                <span class="banner-version">{move || crate::text::count(count(), "cluster", "clusters")}</span>
            </p>
            <p class="fleet-signed" aria-live="polite">{signed}</p>
            <div class="banner-tools">
                <A href=routes::FLEET attr:class="banner-link" exact=true>"Overview"</A>
                <A href=routes::FLEET_PROFILES attr:class="banner-link">"Profiles"</A>
                <A href=routes::FLEET_ACCOUNTS attr:class="banner-link">"Accounts"</A>
                <A href=routes::FLEET_OFFBOARD attr:class="banner-link">"Offboard"</A>
                <A href=routes::FLEET_CHANGES attr:class="banner-link">"Changes"</A>
                <ThemeToggle id="theme" />
                <Show when=move || store.signed_in()>
                    <button type="button" class="button button-quiet fleet-sign-out"
                        on:click=move |_| store.sign_out()>"Sign out"</button>
                </Show>
            </div>
        </header>
    }
}

#[component]
fn FleetNotFound() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"This address is not a page of totp-admin's fleet view. " <A href=routes::FLEET>"Go to the fleet overview"</A> "."</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleets_form_is_carried_only_to_a_screen_that_shows_it() {
        for p in [
            "/",
            "",
            "/fleet/profiles",
            "/fleet/accounts/",
            "/fleet/0a1b/profiles",
        ] {
            assert!(shows_sign_in(p), "{p}");
        }
        for p in ["/fleet/offboard", "/fleet/changes/", "/elsewhere"] {
            assert!(!shows_sign_in(p), "{p}");
        }
        assert_eq!(Module::first_of_fleet("/"), Some(Module::Overview));
        assert_eq!(
            Module::first_of_fleet("/fleet/accounts"),
            Some(Module::FleetTables)
        );
        assert_eq!(Module::first_of_fleet("/fleet/0a1b/profiles"), None);
    }
}
