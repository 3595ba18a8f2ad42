//! The router and the page shell: the cluster banner (who is signed in, the theme, sign-out)
//! around the routed pages, or the sign-in screen while nobody is signed in (at whatever
//! address was opened). A session kept in this tab is restored first, re-validated.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{RetryNote, Status};
use crate::pages::connect::{self, ConnectPage, Loader};
use crate::session::signin::NotLoaded;
use crate::session::{persist, SessionCtx, SignedOut};
use split::Restoring;

mod fleet;
mod fleet_idle;
mod lazy;
mod scope;
mod screens;
mod signed_in;
pub mod split;
mod warning;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx::provide();
    let restoring = RwSignal::new(false);
    restore(session, restoring);
    // A fleet's clusters.json (issue 19): the second module mounts the fleet's page beside
    // this one, which then gives way. This call is also what fetches the second module while
    // the form is shown (`split::prefetch` links its stylesheet).
    let fleet = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(true) = split::fleet().await {
            fleet.set(true);
        }
    });
    // index.html's sign-in form, bound once; the screen shows it while nobody is signed in.
    let form = connect::bind(session, LOADER);
    // Shown again by the sign-in screen when it mounts; hidden while a kept session is restored.
    connect::hide();
    view! {
        // While a read waits to try again, on the sign-in screen as in the shell.
        <RetryNote />
        {move || if fleet.get() { ().into_any() } else { single(session, restoring, form).into_any() }}
    }
}

/// The single-cluster page: the signed-in shell, the restoring note, or the sign-in form.
fn single(
    session: SessionCtx,
    restoring: RwSignal<bool>,
    form: Option<connect::Form>,
) -> impl IntoView {
    view! {
        {move || {
            if session.session.with(Option::is_some) {
                view! { <LoadShell /> }.into_any()
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
                view! { <ConnectPage form=form /> }.into_any()
            }
        }}
    }
}

/// Mounts [`App`] in index.html's `#app`, before the static sign-in screen (in the body, should
/// that element be missing).
pub fn mount() {
    match connect::app_root() {
        Some(root) => leptos::mount::mount_to(root, App).forget(),
        None => leptos::mount::mount_to_body(App),
    }
}

/// How the sign-in page reaches the part of the page loaded later.
const LOADER: Loader = Loader {
    sign_in: split::sign_in_later,
};

/// Brings back a session kept in this tab (`session::signin::restore`), if there is one.
fn restore(session: SessionCtx, restoring: RwSignal<bool>) {
    if !persist::is_kept() {
        return;
    }
    restoring.set(true);
    let listener = session.reports.listener();
    spawn_local(async move {
        match split::restore(listener).await {
            Ok(Restoring::Session(s)) => session.enter(s),
            Ok(Restoring::Ended(why)) => session.sign_out(why),
            Ok(Restoring::Nothing) => {}
            Err(NotLoaded) => session.sign_out(SignedOut::PageNotLoaded),
        }
        restoring.set(false);
    });
}

/// The signed-in part of the page, which release builds load as a separate wasm module (see
/// [`split`]): the sign-in screen needs none of it, so the first load is a fraction of the page.
/// Signing in (or restoring) has loaded the module already, so this is immediate; should the
/// module still be missing, a message with Try again, never a dead page. (No `<Suspense>`: its
/// code would be in the first load for a fallback that is never seen.)
#[component]
fn LoadShell() -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    move || {
        attempt.track();
        // Linked while the form was shown; again if that did not load.
        split::link_later_styles();
        Suspend::new(async move {
            match split::shell().await {
                Ok(shell) => shell,
                Err(NotLoaded) => view! {
                    <main class="connect">
                        <div class="connect-card" role="alert">
                            <h1>"totp-admin could not load"</h1>
                            <p>"The rest of the page did not arrive from the web server. Check the connection, then try again; you stay signed in."</p>
                            <button type="button" class="button button-primary" on:click=move |_| attempt.update(|n| *n += 1)>
                                "Try again"
                            </button>
                        </div>
                    </main>
                }
                .into_any(),
            }
        })
    }
}
