//! Sign-in to a cluster: user name and password (HTTP basic authentication) or an OAuth 2.0
//! access token (ONTAP 9.14 and later), checked by reading `/api/cluster`. Shown for any
//! address while signed out; once signed in, the page shows what the address points at, so a
//! deep link survives a reload and a new sign-in. Says why the last session ended.

use leptos::prelude::*;
use ontap_model::AccountName;

use crate::api::Credentials;
use crate::components::theme::ThemeToggle;
use crate::components::{Alert, CheckboxField, Explained, TextField};
use crate::session::signin::{Attempt, Later};
use crate::session::Session;
use crate::session::{
    SessionCtx, SignedOut, DEFAULT_API_BASE, DEFAULT_IDLE_MINUTES, MAX_IDLE_MINUTES,
};

/// How the user signs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Password,
    Token,
}

/// Reads the idle setting: whole minutes from 1 to [`MAX_IDLE_MINUTES`].
pub(crate) fn parse_idle_minutes(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(m) if (1..=MAX_IDLE_MINUTES).contains(&m) => Ok(m),
        _ => Err(format!(
            "Enter a whole number of minutes from 1 to {MAX_IDLE_MINUTES}."
        )),
    }
}

/// How the sign-in page reaches sign-in without importing the shell that loads it: the shell
/// passes its split point in. A failure comes back in words, worded behind the split point
/// (the error catalogue is not part of the first load).
#[derive(Clone, Copy)]
pub struct Loader {
    pub(crate) sign_in: fn(Attempt) -> Later<Result<Session, Explained>>,
}

#[component]
pub(crate) fn ConnectPage(
    /// How to reach sign-in, which release builds load with the rest of the page.
    loader: Loader,
) -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let method = RwSignal::new(Method::Password);
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let api_base = RwSignal::new(DEFAULT_API_BASE.to_owned());
    let idle = RwSignal::new(DEFAULT_IDLE_MINUTES.to_string());
    let stay = RwSignal::new(false);
    let tried = RwSignal::new(false);
    // One attempt at a time. A plain task, not an `Action`: this page is the first load, and an
    // Action's machinery costs it more than the few lines below (BENCHMARKS.md, session 7).
    let busy = RwSignal::new(false);
    // Why the last attempt failed.
    let failure: RwSignal<Option<Explained>> = RwSignal::new(None);

    let basic = move || method.get() == Method::Password;
    let user_error = Signal::derive(move || {
        if !tried.get() || !basic() {
            return None;
        }
        AccountName::try_from(user.get())
            .err()
            .map(|e| e.to_string())
    });
    let password_error = Signal::derive(move || {
        (tried.get() && basic() && password.with(String::is_empty))
            .then(|| "A password is required.".to_owned())
    });
    let token_error = Signal::derive(move || {
        (tried.get() && !basic() && token.with(|t| t.trim().is_empty()))
            .then(|| "An access token is required.".to_owned())
    });
    let base_error = Signal::derive(move || {
        let b = api_base.get();
        (tried.get()
            && !(b.starts_with('/') || b.starts_with("https://") || b.starts_with("http://")))
        .then(|| {
            "The API address is a path on this site (such as /api) or a full https:// address."
                .to_owned()
        })
    });
    let idle_error =
        Signal::derive(move || tried.get().then(|| parse_idle_minutes(&idle.get()).err())?);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        tried.set(true);
        let errors = [
            user_error,
            password_error,
            token_error,
            base_error,
            idle_error,
        ];
        if errors.iter().any(|e| e.get_untracked().is_some()) {
            return;
        }
        let Ok(minutes) = parse_idle_minutes(&idle.get_untracked()) else {
            return;
        };
        let credentials = match method.get_untracked() {
            Method::Password => Credentials::Basic {
                user: user.get_untracked(),
                password: password.get_untracked(),
            },
            Method::Token => Credentials::Bearer(token.get_untracked().trim().to_owned()),
        };
        let tried_with = Attempt {
            credentials,
            api_base: api_base.get_untracked(),
            idle_ms: minutes.saturating_mul(60_000),
            stay: stay.get_untracked(),
            listener: session.reports.listener(),
        };
        failure.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = (loader.sign_in)(tried_with).await;
            busy.set(false);
            match result {
                Err(_) => failure.set(Some(Explained::not_loaded())),
                Ok(Err(x)) => failure.set(Some(x)),
                Ok(Ok(s)) => {
                    password.set(String::new());
                    token.set(String::new());
                    session.enter(s);
                }
            }
        });
    };

    // Why the last session ended. A session that the signed-in page ended (sign-out, idle,
    // another tab) is explained by that page's own code, in what it left for this screen
    // (`SessionCtx::leftover`, with a bulk run's report): the words are then not part of the
    // first load, which is at its budget. Here only what ends before that page is loaded.
    let why = move || {
        session.ended.get().and_then(|w| {
            let next = match w {
                SignedOut::RestoreFailed { message } => message,
                SignedOut::PageNotLoaded => "The rest of totp-admin did not arrive from the web server; check the connection and sign in again.".to_owned(),
                _ => return None,
            };
            Some(view! {
                <Alert message="The session kept in this tab could not be restored, so it was forgotten." next_step=next />
            })
        })
    };

    let alert = move || {
        failure
            .get()
            .map(|x| view! { <Alert message=x.message next_step=x.next_step /> })
    };

    let choice = move |m: Method, id: &'static str, text: &'static str| {
        view! {
            <label class="choice" for=id>
                <input
                    type="radio"
                    id=id
                    name="auth-method"
                    prop:checked=move || method.get() == m
                    on:change=move |_| {
                        method.set(m);
                        failure.set(None);
                    }
                />
                <span>{text}</span>
            </label>
        }
    };

    view! {
        <main class="connect">
            <div class="connect-card">
                <div class="connect-head">
                    <p class="brand">"totp-admin"</p>
                    <ThemeToggle id="theme-connect" />
                </div>
                <h1>"Sign in to the cluster"</h1>
                <p class="muted">"Manage the TOTP profiles (SSH multi-factor authentication) of ONTAP accounts. What you enter stays in this tab's memory and is forgotten when you sign out or close the tab."</p>
                <div class="connect-why">
                    {why}
                    // What the signed-in page left: why it ended, a bulk run's report.
                    {session.leftover().map(|v| v.run())}
                </div>
                <form on:submit=submit novalidate>
                    {alert}
                    <fieldset class="choices">
                        <legend>"Sign in with"</legend>
                        {choice(Method::Password, "auth-basic", "User name and password")}
                        {choice(Method::Token, "auth-token", "Access token")}
                    </fieldset>
                    // Both sets of fields stay mounted (the other is hidden), so switching keeps
                    // what was typed and nothing is ever re-created under the user's cursor.
                    <div class="method-fields" hidden=move || !basic()>
                        <TextField id="user" label="User name" value=user error=user_error autocomplete="username" />
                        <TextField
                            id="password"
                            label="Password"
                            kind="password"
                            value=password
                            error=password_error
                            autocomplete="current-password"
                        />
                    </div>
                    <div class="method-fields" hidden=basic>
                        <TextField
                            id="token"
                            label="Token"
                            kind="password"
                            value=token
                            error=token_error
                            autocomplete="off"
                            hint="An OAuth 2.0 access token from your identity provider (ONTAP 9.14 or later). It is sent to the cluster as a bearer token."
                        />
                    </div>
                    <CheckboxField
                        id="stay"
                        label="Stay signed in (this tab only)"
                        value=stay
                        error=Signal::derive(|| None::<String>)
                        hint="Keeps the sign-in in this tab's session storage, so a reload does not ask again, until you sign out or close the tab. Leave it off on a shared computer."
                    />
                    <details class="advanced">
                        <summary>"Connection"</summary>
                        <TextField
                            id="api-base"
                            label="API address"
                            value=api_base
                            error=base_error
                            hint="Where this site forwards the ONTAP REST API. Leave /api unless your administrator says otherwise (an SVM administrator may be given the address of the SVM's own)."
                        />
                        <TextField
                            id="idle-minutes"
                            label="Sign out after inactivity (minutes)"
                            kind="number"
                            value=idle
                            error=idle_error
                            hint="Without keyboard or pointer activity for this long, the page signs out and forgets everything."
                        />
                    </details>
                    <button type="submit" class="button button-primary button-wide" disabled=move || busy.get()>
                        {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </div>
        </main>
    }
}
