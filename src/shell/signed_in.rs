//! The signed-in page: the stores that live as long as the session, the banner (who is signed
//! in to which cluster, the screens, the theme, sign-out), the re-sign-in dialog and the
//! routed screens. Release builds load it as the second wasm module (`split`).

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;
use ontap_model::Access;

use super::lazy::Lazy;
use super::screens::{self, Module};
use super::warning::SignOutWarning;
use crate::components::batch::{confirm_sign_out, report_words};
use crate::components::theme::ThemeToggle;
use crate::components::Status;
use crate::routes;
use crate::session::tabs::{TabMessage, Tabs};
use crate::session::{SessionCtx, SignedOut, Stakes};
use crate::store::batch::{LiveRuns, Phase};
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
    let live = LiveRuns::provide();
    let bulk = BulkState::provide();
    crate::pages::enroll::EnrollState::provide();
    let idle_ms = session
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.idle_ms))
        .unwrap_or(crate::session::DEFAULT_IDLE_MINUTES * 60_000);
    // The other tabs of the page: their sign-out ends this session (by the idle rule), and
    // activity here counts there.
    let tabs = Tabs::open();
    let idle = crate::session::idle::watch(
        session,
        idle_ms,
        Rc::new(move || tabs.post(&TabMessage::Active)),
    );
    tabs.serve(session, idle);
    session.set_stakes(Some(Rc::new(move || Stakes {
        runs: live.going(),
        secret: crate::pages::enroll::guard::is_active(),
    })));
    session.set_on_end(Some(Rc::new(move |why: &SignedOut| {
        end_session(session, live, bulk, tabs, why)
    })));
    on_cleanup(move || {
        session.set_on_end(None);
        session.set_stakes(None);
    });
    // The router belongs to the signed-in page: the sign-in screen is the same at any address,
    // and the address it was opened at is where the router starts.
    view! {
        <Router>
        <Banner />
        <SignOutWarning idle=idle />
        // Credentials refused mid-session: sign in again over the current view.
        <crate::pages::reauth::ReauthDialog />
        <main class="content" id="main">
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <Redirect path=routes::PROFILES /> } />
                <Route path=path!("/profiles") view=|| view! { <Lazy load=screens::profiles next=Module::Accounts /> } />
                <Route path=path!("/profiles/bulk") view=|| view! { <Lazy load=screens::bulk /> } />
                <Route path=path!("/profiles/:owner/:account") view=|| view! { <Lazy load=screens::profile /> } />
                <Route path=path!("/changes") view=|| view! { <Lazy load=screens::changes next=Module::Profiles /> } />
                <Route path=path!("/accounts") view=|| view! { <Lazy load=screens::accounts next=Module::Profiles /> } />
                <Route path=path!("/accounts/:owner/:name") view=|| view! { <Lazy load=screens::account next=Module::Profiles /> } />
                <Route path=path!("/history") view=|| view! { <Lazy load=screens::history next=Module::Profiles /> } />
                <Route path=path!("/enroll") view=|| view! { <Lazy load=screens::enroll /> } />
            </Routes>
        </main>
        </Router>
    }
}

/// What the signed-in page does when the session ends, whatever the way out (sign-out, idle,
/// another tab, the re-sign-in dialog): the client is revoked, the other tabs hear of it
/// (unless it came from one), every bulk run stops before anything more is sent, and the reports of the runs it
/// stopped (and of the profiles' run still on its page) stay on the sign-in screen for
/// download. The enrollment's secret needs nothing here: it goes with the page's signals,
/// which wipe it when dropped.
fn end_session(session: SessionCtx, live: LiveRuns, bulk: BulkState, tabs: Tabs, why: &SignedOut) {
    // Nothing more is sent with these credentials, by any clone of the client.
    session.session.with_untracked(|s| {
        if let Some(s) = s {
            s.client.revoke();
        }
    });
    if matches!(why, SignedOut::ByUser | SignedOut::Idle { .. }) {
        tabs.post(&TabMessage::Ended);
    }
    let profiles = bulk.run.try_get_untracked().flatten();
    let mut kept: Vec<(String, String, String)> = Vec::new();
    for run in live.all() {
        let going = run.going();
        run.end_session();
        let is_profiles = profiles.as_ref().is_some_and(|p| run.is(&p.runner));
        if going && !is_profiles {
            if let Some(r) = run.report() {
                kept.push((r.title, report_words(&r.tally), r.csv));
            }
        }
    }
    if let Some(p) = profiles.filter(|p| p.runner.phase.get_untracked() != Phase::Ready) {
        let title = format!("Bulk change of profiles: {}", p.action.describe());
        let words = report_words(&p.runner.tally.get_untracked());
        kept.insert(0, (title, words, crate::pages::bulk::result_csv(&p)));
    }
    // Why it ended, in words made here rather than by the sign-in page (first load).
    let reason = match why {
        SignedOut::ByUser => "You signed out. Nothing from the session was kept in this tab.".to_owned(),
        SignedOut::Idle { minutes } => format!(
            "You were signed out after {} without activity. Nothing from the session was kept; sign in again to continue.",
            crate::text::count(*minutes, "minute", "minutes")
        ),
        SignedOut::OtherTab => "The session ended in another tab of totp-admin (signed out, or idle), so it ended here too. Nothing from the session was kept in this tab.".to_owned(),
        SignedOut::RestoreFailed { .. } => String::new(),
    };
    session.set_leftover(Some(ViewFn::from(move || {
        let kept = kept.clone();
        let reason = reason.clone();
        view! {
            {(!reason.is_empty()).then(|| view! { <Status message=reason /> })}
            {(!kept.is_empty()).then(|| view! { <LeftReports kept=kept /> })}
        }
        .into_any()
    })));
}

/// The reports of the bulk runs the session's end stopped, on the sign-in screen.
#[component]
fn LeftReports(kept: Vec<(String, String, String)>) -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let shown = RwSignal::new(true);
    view! {
        <Show when=move || shown.get()>
        <section class="notice notice-warn left-report" aria-labelledby="left-report-title">
            <p class="notice-title" id="left-report-title">"The bulk run stopped when the session ended"</p>
            {kept.iter().cloned().map(|(title, words, csv)| view! {
                <p><strong>{title}</strong>": "{words}</p>
                <div class="actions">
                    <button type="button" class="button"
                        on:click=move |_| {
                            crate::components::download("totp-bulk-result.csv", "text/csv;charset=utf-8", &csv);
                        }>"Download the result (CSV)"</button>
                </div>
            }).collect_view()}
            <p class="muted">"Download it now: it is forgotten at the next sign-in, or when this tab closes."</p>
            <div class="actions">
                <button type="button" class="button button-quiet" on:click=move |_| {
                    session.set_leftover(None);
                    shown.set(false);
                }>
                    "Forget it"
                </button>
            </div>
        </section>
        </Show>
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
                        if !confirm_sign_out(&session) {
                            return;
                        }
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
