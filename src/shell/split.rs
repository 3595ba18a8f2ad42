//! Where the page is split. Release builds (`make dist`) put the app (Leptos and its renderer,
//! the sign-in's requests, the signed-in page and everything only they use) into a second wasm
//! module: the first module is the sign-in form's binding alone (`shell::start`), and asks for
//! the second at once ([`boot`]). Each screen is a module of its own again (`screens.rs`),
//! fetched when it is first opened. scripts/dist-finish.py cuts Trunk's cargo build with
//! wasm-split (installed by the bootstrap) and merges its shared chunks. Debug builds (`trunk
//! serve`, the wasm component tests) are one module, and these are plain calls.

use leptos::prelude::*;

use crate::api::fleet::{self, Found};
use crate::api::Listener;
use crate::components::Explained;
use crate::session::signin::{self, Attempt, Later, NotLoaded, Request, Restored, Typed};
use crate::session::{Session, SignedOut};
use futures::future::{FutureExt, LocalBoxFuture};

/// What restoring a kept session came to, its failure already in words (worded here, behind
/// the split point, so that the error catalogue stays out of the first load).
pub enum Restoring {
    Session(Session),
    Ended(SignedOut),
    Nothing,
}

/// Signs in; a failure in words (see [`Restoring`] for why here).
async fn sign_in_worded(a: Attempt) -> Result<Session, Explained> {
    let bearer = a.credentials.is_bearer();
    signin::sign_in(a)
        .await
        .map_err(|f| Explained::sign_in(&f, bearer))
}

/// The sign-in form's request: signed in, the session is entered in the app (mounted if it
/// was not yet), and the signed-in page shows. It waits for the page to know whether it is a
/// fleet's: then the fleet's sign-in acts on it (it took what was typed), and nothing is sent
/// from here; nor when the page cannot tell ([`Page::Unanswered`]).
async fn sign_in_entered(r: Request) -> Result<(), Explained> {
    let ctx = super::mounted();
    if super::page_for_sign_in().await != Page::Single {
        return Ok(());
    }
    let session = sign_in_worded(r.heard_by(ctx.reports.listener())).await?;
    ctx.enter(session);
    Ok(())
}

/// Restores the kept session, if any.
pub(crate) async fn restore_worded(listener: Listener) -> Restoring {
    match signin::restore(listener).await {
        Restored::Session(s) => Restoring::Session(s),
        Restored::Idle { minutes } => Restoring::Ended(SignedOut::Idle { minutes }),
        Restored::Failed { failure, bearer } => Restoring::Ended(SignedOut::RestoreFailed {
            message: Explained::sign_in(&failure, bearer).joined(),
        }),
        Restored::Nothing => Restoring::Nothing,
        Restored::Copied => Restoring::Ended(SignedOut::RestoreFailed {
            message: "This tab is a copy of another tab of totp-admin that is signed in with it: a kept session is never shared between tabs. Sign in here too, or carry on in the other tab.".into(),
        }),
    }
}

#[cfg(not(debug_assertions))]
impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

#[cfg(not(debug_assertions))]
type Split<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, NotLoaded>>>>;

/// The app: mounted by the second module (`shell::mounted`), which this fetches.
#[cfg(not(debug_assertions))]
#[leptos::wasm_split::wasm_split(
    shell,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let later = _; { later.await } -> Result<(), NotLoaded>)
)]
pub fn boot() -> Split<()> {
    Box::pin(async move {
        super::mounted();
        Ok(())
    })
}

/// The sign-in form's attempt (`session::signin::sign_in`), entered in the app.
#[cfg(not(debug_assertions))]
#[leptos::wasm_split::wasm_split(
    shell,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let later = _; { later.await } -> Result<Result<(), Explained>, NotLoaded>)
)]
pub fn sign_in(r: Request) -> Split<Result<(), Explained>> {
    Box::pin(async move { Ok(sign_in_entered(r).await) })
}

/// [`sign_in`] as the sign-in form takes it (`pages::connect::Loader`).
pub fn sign_in_later(r: Request) -> Later<Result<(), Explained>> {
    Box::pin(sign_in(r))
}

/// What `clusters.json` beside the page made of it (issue 19).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Page {
    /// No file: the single-cluster page.
    Single,
    /// The fleet's page is mounted.
    Fleet,
    /// The file lists clusters, but the fleet's page did not arrive: the app says so, and
    /// tries again with this file, and what was typed in the form ([`take_missed`]).
    FleetMissing(fleet::Fleet),
    /// `clusters.json` did not answer: whether the page is a fleet's is unknown, and the app
    /// says so, with Try again (a Sign in waiting is not sent anywhere).
    Unanswered,
}

thread_local! {
    /// What was typed in the form when the fleet's page did not arrive: taken out of the form,
    /// so that no password waits in a hidden input, and kept apart from [`Page`], which the
    /// shell keeps for the page's life.
    static MISSED: std::cell::RefCell<Option<Typed>> = const { std::cell::RefCell::new(None) };
}

/// What the form held when the fleet's page did not arrive, once.
pub(crate) fn take_missed() -> Option<Typed> {
    MISSED.with(|m| m.borrow_mut().take())
}

/// Fetches `clusters.json` and, when it lists clusters, mounts the fleet's page.
pub(crate) async fn find_page() -> Page {
    match fleet::fetch().await {
        Found::Fleet(file) => mount_fleet(file, None).await,
        Found::Single => Page::Single,
        Found::Unanswered => Page::Unanswered,
    }
}

/// Mounts the page of a fleet (`shell::fleet`) into the body, from its own module, once the
/// module of the screen at this address has come too: the form the user may be typing in
/// stays until the fleet's takes its place, with no moment between them without one.
/// `typed`: what a page that did not arrive took from the form before.
pub(crate) async fn mount_fleet(file: fleet::Fleet, typed: Option<Typed>) -> Page {
    // Asked for now, beside the fleet's module, and awaited by it before it mounts.
    let first = super::screens::Module::first_of_fleet(&crate::platform::pathname());
    let before = async move {
        if let Some(m) = first {
            m.fetch().await;
        }
    }
    .boxed_local()
    .shared();
    leptos::task::spawn_local(before.clone());
    match fleet_page(file.clone(), typed.clone(), Box::pin(before)).await {
        Ok(()) => Page::Fleet,
        Err(NotLoaded) => {
            let typed =
                typed.or_else(|| crate::pages::connect::take_typed(super::sign_in_waiting()));
            MISSED.with(|m| *m.borrow_mut() = typed);
            Page::FleetMissing(file)
        }
    }
}

/// The fleet's page takes the place of the single-cluster form, and what was typed there.
fn fleet_shell(file: fleet::Fleet, kept: Option<Typed>) {
    let typed = kept.or_else(|| crate::pages::connect::take_typed(super::sign_in_waiting()));
    leptos::mount::mount_to_body(move || view! { <super::fleet::FleetShell file typed /> });
}

/// The page of a fleet: a module of its own, which a single-cluster page never fetches.
/// Mounted once `before` (the first screen's module) is done.
#[cfg(not(debug_assertions))]
#[leptos::wasm_split::wasm_split(
    fleet,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    return_wrapper(let later = _; { later.await } -> Result<(), NotLoaded>)
)]
fn fleet_page(
    file: fleet::Fleet,
    typed: Option<Typed>,
    before: LocalBoxFuture<'static, ()>,
) -> Split<()> {
    Box::pin(async move {
        before.await;
        fleet_shell(file, typed);
        Ok(())
    })
}

#[cfg(debug_assertions)]
async fn fleet_page(
    file: fleet::Fleet,
    typed: Option<Typed>,
    before: LocalBoxFuture<'static, ()>,
) -> Result<(), NotLoaded> {
    before.await;
    fleet_shell(file, typed);
    Ok(())
}

/// Links the stylesheet index.html names in its `totp-admin-later-styles` marker (release
/// builds: scripts/dist-finish.py); debug builds link every stylesheet from the start.
pub(crate) fn link_later_styles() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(Some(marker)) = doc.query_selector("meta[name=totp-admin-later-styles][content]") else {
        return;
    };
    // One linked already stays, unless it did not load: Chromium gives a stylesheet that
    // failed an empty sheet, one still loading has none (a second request for a file on
    // its way costs nothing but the request).
    if let Ok(Some(old)) = doc.query_selector("link[data-later-styles]") {
        let rules = js_sys::Reflect::get(&old, &"sheet".into())
            .ok()
            .filter(|sheet| !sheet.is_null())
            .and_then(|sheet| js_sys::Reflect::get(&sheet, &"cssRules".into()).ok())
            .and_then(|r| js_sys::Reflect::get(&r, &"length".into()).ok())
            .and_then(|n| n.as_f64())
            .unwrap_or(0.0);
        if rules > 0.0 {
            return;
        }
        old.remove();
    }
    let (Some(href), Ok(link), Some(head)) = (
        marker.get_attribute("content"),
        doc.create_element("link"),
        doc.head(),
    ) else {
        return;
    };
    let _ = link.set_attribute("data-later-styles", "");
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", &href);
    if let Some(integrity) = marker.get_attribute("data-integrity") {
        let _ = link.set_attribute("integrity", &integrity);
    }
    let _ = head.append_child(&link);
}

#[cfg(debug_assertions)]
pub async fn boot() -> Result<(), NotLoaded> {
    super::mounted();
    Ok(())
}

#[cfg(debug_assertions)]
pub async fn sign_in(r: Request) -> Result<Result<(), Explained>, NotLoaded> {
    Ok(sign_in_entered(r).await)
}
