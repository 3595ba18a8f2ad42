//! The page of a fleet (issue 19): shown instead of the single-cluster page when
//! `clusters.json` lists clusters. Its banner (the fleet, who is signed in where, the theme,
//! sign-out) and the fleet overview, its landing screen. Made by the second wasm module
//! ([`super::split::fleet_shell`]): nothing of it is in the first load.

use leptos::prelude::*;

use crate::api::fleet::Fleet;
use crate::components::theme::ThemeToggle;
use crate::pages::fleet::FleetOverview;
use crate::session::fleet::Stage;
use crate::store::fleet::FleetStore;

#[component]
pub(crate) fn FleetShell(file: Fleet) -> impl IntoView {
    let store = FleetStore::provide(file);
    // Signing out forgets every credential: no view may keep a client.
    on_cleanup(move || store.sign_out());
    let count = move || store.list().len();
    let signed = move || {
        let members = store.list();
        let n = members.iter().filter(|m| m.stage() == Stage::In).count();
        (n > 0).then(|| format!("Signed in to {n} of {}", members.len()))
    };
    view! {
        <header class="banner fleet-banner">
            <span class="banner-brand">"totp-admin"</span>
            <p class="banner-cluster">
                <span class="banner-name">"Fleet"</span>
                <span class="banner-version">{move || crate::text::count(count(), "cluster", "clusters")}</span>
            </p>
            <p class="fleet-signed" aria-live="polite">{signed}</p>
            <div class="banner-tools">
                <ThemeToggle id="theme" />
                <Show when=move || store.signed_in()>
                    <button type="button" class="button button-quiet fleet-sign-out"
                        on:click=move |_| store.sign_out()>"Sign out"</button>
                </Show>
            </div>
        </header>
        <main class="content fleet" id="main">
            <FleetOverview />
        </main>
    }
}
