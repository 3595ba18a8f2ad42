//! The page's start, the router and the page shell: the cluster banner (who is signed in, the
//! theme, sign-out) around the routed pages, or the sign-in screen while nobody is signed in
//! (at whatever address was opened). A session kept in this tab is restored first,
//! re-validated.
//!
//! [`start`] is all the first wasm module runs: it binds index.html's sign-in form with plain
//! DOM calls and asks for the second module, which mounts [`App`]. Leptos, its renderer and
//! everything signed in are in that second module (release builds: [`split`]).

use std::cell::Cell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::RetryNote;
use crate::pages::connect::{self, ConnectPage, Loader};
use crate::session::{persist, SessionCtx};
use split::Restoring;

mod fleet;
mod fleet_idle;
mod lazy;
mod scope;
mod screens;
mod signed_in;
pub mod split;
mod warning;

/// The first module's work (`main` calls it after the panic message and the theme): binds the
/// sign-in form, acting on a Sign in pressed early; shows the restoring note over a kept
/// session; links the later stylesheet; and has the second module mount the app. Should that
/// module not arrive, a kept session is forgotten and the form says so; a Sign in asks again.
pub fn start() {
    let kept = persist::is_kept();
    if kept {
        connect::restoring(true);
    }
    connect::bind(LOADER);
    crate::mark_wasm_ready();
    split::link_later_styles();
    wasm_bindgen_futures::spawn_local(async move {
        if split::boot().await.is_err() && kept {
            persist::wipe();
            connect::not_restored();
        }
    });
}

thread_local! {
    /// The app's session context once [`App`] is mounted (second module): sign-in enters there.
    static MOUNTED: Cell<Option<SessionCtx>> = const { Cell::new(None) };
}

/// The app, mounted once (by whichever of [`split::boot`] and a sign-in comes first).
fn mounted() -> SessionCtx {
    if let Some(ctx) = MOUNTED.with(Cell::get) {
        return ctx;
    }
    match connect::app_root() {
        Some(root) => leptos::mount::mount_to(root, App).forget(),
        None => leptos::mount::mount_to_body(App),
    }
    MOUNTED
        .with(Cell::get)
        .expect("App sets the context as it is made")
}

#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx::provide();
    MOUNTED.with(|m| m.set(Some(session)));
    let restoring = RwSignal::new(false);
    restore(session, restoring);
    // A fleet's clusters.json (issue 19): the fleet's page is mounted beside this one, which
    // then gives way.
    let fleet = RwSignal::new(false);
    spawn_local(async move {
        if split::fleet_mounted().await {
            fleet.set(true);
        }
    });
    view! {
        // While a read waits to try again, on the sign-in screen as in the shell.
        <RetryNote />
        {move || if fleet.get() { ().into_any() } else { single(session, restoring).into_any() }}
    }
}

/// The single-cluster page: the signed-in shell, or the sign-in form (the restoring note is
/// index.html's, shown by [`start`]).
fn single(session: SessionCtx, restoring: RwSignal<bool>) -> impl IntoView {
    view! {
        {move || {
            if session.session.with(Option::is_some) {
                // Linked while the form was shown; again if that did not load.
                split::link_later_styles();
                view! { <signed_in::Shell /> }.into_any()
            } else if restoring.get() {
                ().into_any()
            } else {
                view! { <ConnectPage /> }.into_any()
            }
        }}
    }
}

/// How the sign-in form reaches the part of the page loaded later.
const LOADER: Loader = Loader {
    sign_in: split::sign_in_later,
};

/// Brings back a session kept in this tab (`session::signin::restore`), if there is one.
fn restore(session: SessionCtx, restoring: RwSignal<bool>) {
    if !persist::is_kept() {
        return;
    }
    restoring.set(true);
    spawn_local(async move {
        match split::restore_worded(session.reports.listener()).await {
            Restoring::Session(s) => session.enter(s),
            Restoring::Ended(why) => session.sign_out(why),
            Restoring::Nothing => {}
        }
        connect::restoring(false);
        restoring.set(false);
    });
}
