//! The page's start, the router and the page shell: the cluster banner (who is signed in, the
//! theme, sign-out) around the routed pages, or the sign-in screen while nobody is signed in
//! (at whatever address was opened). A session kept in this tab is restored first,
//! re-validated.
//!
//! [`start`] is all the first wasm module runs: it binds index.html's sign-in form with plain
//! DOM calls and asks for the second module, which mounts [`App`]. Leptos, its renderer and
//! everything signed in are in that second module (release builds: [`split`]).

use std::cell::{Cell, RefCell};

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::RetryNote;
use crate::pages::connect::{self, ConnectPage, Loader};
use crate::session::{persist, SessionCtx};
use split::{Page, Restoring};

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
    // A sign-in pressed before the wasm (and sent: its fields were right) is the user's choice
    // over a kept session: that one is not restored this time (both would end in one tab's
    // session, whichever came last).
    let signing_in = connect::bind(LOADER);
    let kept = persist::is_kept() && !signing_in;
    SKIP_RESTORE.with(|s| s.set(signing_in));
    if kept {
        connect::restoring(true);
    }
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
    /// What `clusters.json` makes of the page, found once (`split::find_page`).
    static PAGE: RefCell<Option<Shared<LocalBoxFuture<'static, Page>>>> = const { RefCell::new(None) };
    /// A Sign in of the single-cluster form waits to know whether the page is a fleet's.
    static SIGN_IN_WAITING: Cell<bool> = const { Cell::new(false) };
    /// No kept session is restored by this load ([`start`]).
    static SKIP_RESTORE: Cell<bool> = const { Cell::new(false) };
}

/// What `clusters.json` makes of the page: asked by the app as it is mounted, and by a
/// sign-in, which must not go to the single cluster of a fleet's page.
fn page() -> Shared<LocalBoxFuture<'static, Page>> {
    PAGE.with(|p| {
        p.borrow_mut()
            .get_or_insert_with(|| split::find_page().boxed_local().shared())
            .clone()
    })
}

/// [`page`], for a Sign in that waits for it: a fleet's page mounted meanwhile acts on it.
async fn page_for_sign_in() -> Page {
    SIGN_IN_WAITING.with(|w| w.set(true));
    let p = page().await;
    SIGN_IN_WAITING.with(|w| w.set(false));
    p
}

fn sign_in_waiting() -> bool {
    SIGN_IN_WAITING.with(Cell::get)
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
    // then gives way. Until then, and without the file, the single-cluster page.
    let found = RwSignal::new(Page::Single);
    spawn_local(async move {
        let p = page().await;
        if p != Page::Single {
            found.set(p);
        }
    });
    view! {
        // While a read waits to try again, on the sign-in screen as in the shell.
        <RetryNote />
        {move || match found.get() {
            Page::Single => single(session, restoring).into_any(),
            Page::Fleet => ().into_any(),
            Page::FleetMissing(file) => view! { <FleetMissing file found /> }.into_any(),
            Page::Unanswered => view! { <Unanswered found /> }.into_any(),
        }}
    }
}

/// `clusters.json` did not answer: the page cannot tell whether it is a fleet's, so it signs in
/// nowhere yet. Try again asks once more, and shows the page it finds.
#[component]
fn Unanswered(found: RwSignal<Page>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let retry = move || {
        busy.set(true);
        PAGE.with(|p| *p.borrow_mut() = None);
        spawn_local(async move {
            let p = page().await;
            busy.set(false);
            if p != Page::Unanswered {
                found.set(p);
            }
        });
    };
    could_not_load(
        "The web server did not answer when asked whether this site manages one cluster or a fleet (its clusters.json). Nothing was sent to any cluster. Check the connection, then try again.",
        busy,
        retry,
    )
}

/// A fleet's page whose module did not arrive: said, with Try again (never the single-cluster
/// form, which would sign in to no cluster of the fleet).
#[component]
fn FleetMissing(file: crate::api::fleet::Fleet, found: RwSignal<Page>) -> impl IntoView {
    let busy = RwSignal::new(false);
    // What the form held, for the fleet's form once it comes (a Sign in pressed included);
    // dropped with this view.
    let typed = StoredValue::new(split::take_missed());
    let retry = move || {
        busy.set(true);
        let file = file.clone();
        let kept = typed.try_update_value(Option::take).flatten();
        spawn_local(async move {
            let p = split::mount_fleet(file, kept).await;
            busy.set(false);
            match p {
                Page::FleetMissing(_) => typed.set_value(split::take_missed()),
                p => found.set(p),
            }
        });
    };
    could_not_load(
        "This site manages a fleet of clusters, and the fleet's page did not arrive from the web server. Check the connection, then try again.",
        busy,
        retry,
    )
}

/// The page in place of any form when a part it needs did not come: why, and Try again
/// (`retry`, not run again while `busy`).
fn could_not_load(
    why: &'static str,
    busy: RwSignal<bool>,
    retry: impl Fn() + 'static,
) -> impl IntoView {
    let click = move |_| {
        if !busy.get_untracked() {
            retry();
        }
    };
    view! {
        <main class="connect">
            <div class="connect-card" role="alert">
                <h1>"totp-admin could not load"</h1>
                <p>{why}</p>
                <button type="button" class="button button-primary" disabled=move || busy.get() on:click=click>
                    {move || if busy.get() { "Trying again…" } else { "Try again" }}
                </button>
            </div>
        </main>
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
    if !persist::is_kept() || SKIP_RESTORE.with(Cell::get) {
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
