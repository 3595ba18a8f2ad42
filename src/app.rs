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
use crate::signin::Restored;
use crate::store::ProfileStore;
use crate::theme::ThemeToggle;

#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx::provide();
    let restoring = RwSignal::new(false);
    restore(session, restoring);
    view! {
        // While a read waits to try again, on the sign-in screen as in the shell.
        <crate::components::RetryNote />
        {move || {
            if session.0.with(Option::is_some) {
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
                view! { <ConnectPage /> }.into_any()
            }
        }}
    }
}

/// Brings back a session kept in this tab ([`crate::signin::restore`]), if there is one.
fn restore(session: SessionCtx, restoring: RwSignal<bool>) {
    if !persist::is_kept() {
        return;
    }
    restoring.set(true);
    spawn_local(async move {
        match split::restore().await {
            Ok(Restored::Session(s)) => session.enter(s),
            Ok(Restored::Idle { minutes }) => session.sign_out(SignedOut::Idle { minutes }),
            Ok(Restored::Failed(why)) => session.sign_out(SignedOut::RestoreFailed(why)),
            Ok(Restored::Nothing) => {}
            Err(split::NotLoaded) => session.sign_out(SignedOut::RestoreFailed(
                "The rest of totp-admin did not arrive from the web server; check the connection and sign in again.".into(),
            )),
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
                Err(split::NotLoaded) => view! {
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

/// Where the page is split. Release builds (`make dist`) put the signed-in page ([`Shell`]),
/// the sign-in's requests and sessionStorage's encoding, and everything only they use, into a
/// second wasm module: the first load is the sign-in form alone. The module is fetched as soon
/// as the form is interactive ([`prefetch`]), while the user types, and at the latest when a
/// function below is called. scripts/dist-finish.py cuts Trunk's cargo build in two with
/// wasm-split (`.tools/wasm-split`, installed by the bootstrap). Debug builds (`trunk serve`,
/// the wasm component tests) are one module, and these are plain calls.
pub mod split {
    use leptos::prelude::*;

    use crate::session::Session;
    use crate::signin::{Attempt, Restored};

    /// The second module could not be fetched or instantiated (the browser's console says why).
    #[derive(Clone, Copy, Debug)]
    pub struct NotLoaded;

    #[cfg(not(debug_assertions))]
    impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
        fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
            NotLoaded
        }
    }

    #[cfg(not(debug_assertions))]
    type Later<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, NotLoaded>>>>;

    /// The sign-in form's attempt ([`crate::signin::sign_in`]).
    #[cfg(not(debug_assertions))]
    #[leptos::wasm_split::wasm_split(
        shell,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let later = _; { later.await } -> Result<Result<Session, (String, String)>, NotLoaded>)
    )]
    pub fn sign_in(a: Attempt) -> Later<Result<Session, (String, String)>> {
        Box::pin(async move { Ok(crate::signin::sign_in(a).await) })
    }

    /// The session kept in this tab ([`crate::signin::restore`]).
    #[cfg(not(debug_assertions))]
    #[leptos::wasm_split::wasm_split(
        shell,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let later = _; { later.await } -> Result<Restored, NotLoaded>)
    )]
    pub fn restore() -> Later<Restored> {
        Box::pin(async move { Ok(crate::signin::restore().await) })
    }

    /// The signed-in page.
    #[cfg(not(debug_assertions))]
    #[leptos::wasm_split::wasm_split(
        shell,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(load_shell_module)
    )]
    pub fn shell() -> Result<AnyView, NotLoaded> {
        Ok(view! { <super::Shell /> }.into_any())
    }

    /// Starts fetching the second module without waiting for it, and links the signed-in
    /// page's stylesheet; a failed module is not kept, and the next call tries again (and says
    /// so if that fails too).
    pub fn prefetch() {
        link_later_styles();
        #[cfg(not(debug_assertions))]
        leptos::task::spawn_local(async {
            let _ = load_shell_module().await;
        });
    }

    /// Links the stylesheet index.html names in its `totp-admin-later-styles` marker (release
    /// builds: scripts/dist-finish.py); debug builds link every stylesheet from the start.
    pub(super) fn link_later_styles() {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(Some(marker)) = doc.query_selector("meta[name=totp-admin-later-styles][content]")
        else {
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
    pub async fn sign_in(a: Attempt) -> Result<Result<Session, (String, String)>, NotLoaded> {
        Ok(crate::signin::sign_in(a).await)
    }

    #[cfg(debug_assertions)]
    pub async fn restore() -> Result<Restored, NotLoaded> {
        Ok(crate::signin::restore().await)
    }

    #[cfg(debug_assertions)]
    pub async fn shell() -> Result<AnyView, NotLoaded> {
        Ok(view! { <super::Shell /> }.into_any())
    }
}

#[component]
fn Shell() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    // Before the router's listeners: the enrollment's leave guard must see Back/Forward first.
    // (Installed once per page; later sessions find it there.)
    crate::pages::enroll::guard::install();
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
    // The router belongs to the signed-in page: the sign-in screen is the same at any address,
    // and the address it was opened at is where the router starts.
    view! {
        <Router>
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
