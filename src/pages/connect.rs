//! Sign-in to a cluster: user name and password (HTTP basic authentication), checked by
//! reading `/api/cluster`. Shown for any address while signed out; once signed in, the page
//! shows what the address points at, so a deep link survives a reload and a new sign-in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::AccountName;

use crate::api::{cluster, ApiError, Client};
use crate::components::{Alert, TextField};
use crate::session::{Credentials, Session, SessionCtx, DEFAULT_API_BASE};

/// Why sign-in did not complete.
#[derive(Clone, PartialEq)]
enum Failure {
    Api(ApiError),
    TooOld(String),
}

#[component]
pub fn ConnectPage() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let api_base = RwSignal::new(DEFAULT_API_BASE.to_owned());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure: RwSignal<Option<Failure>> = RwSignal::new(None);

    let user_error = Signal::derive(move || {
        if !tried.get() {
            return None;
        }
        AccountName::try_from(user.get())
            .err()
            .map(|e| e.to_string())
    });
    let password_error = Signal::derive(move || {
        (tried.get() && password.with(String::is_empty))
            .then(|| "A password is required.".to_owned())
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

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        tried.set(true);
        if user_error.get_untracked().is_some()
            || password_error.get_untracked().is_some()
            || base_error.get_untracked().is_some()
        {
            return;
        }
        let credentials = Credentials::Basic {
            user: user.get_untracked(),
            password: password.get_untracked(),
        };
        let base = api_base.get_untracked();
        let client = Client::new(&base, credentials.clone());
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = cluster::get(&client).await;
            busy.set(false);
            match result {
                Err(e) => failure.set(Some(Failure::Api(e))),
                Ok(c) if c.version.as_ref().is_some_and(|v| !v.has_totp()) => {
                    let v = c.version.map(|v| v.short()).unwrap_or_default();
                    failure.set(Some(Failure::TooOld(v)))
                }
                Ok(c) => {
                    password.set(String::new());
                    session.0.set(Some(Session {
                        client,
                        user: credentials.user().to_owned(),
                        api_base: base,
                        cluster: c,
                    }));
                }
            }
        });
    };

    let alert = move || {
        failure.get().map(|f| match f {
            Failure::Api(ApiError::Unauthorized) => view! {
                <Alert
                    message="Sign-in failed: the user name or password is wrong."
                    next_step="Check them and try again. The account must also be allowed to use the REST API (the http application)."
                />
            }
            .into_any(),
            Failure::Api(e) => {
                let (m, n) = e.explain();
                view! { <Alert message=format!("Sign-in failed. {m}") next_step=n /> }.into_any()
            }
            Failure::TooOld(v) => view! {
                <Alert
                    message=format!("This cluster runs ONTAP {v}. TOTP profiles need ONTAP 9.13 or later.")
                    next_step="Upgrade the cluster to use SSH multi-factor authentication with TOTP."
                />
            }
            .into_any(),
        })
    };

    view! {
        <main class="connect">
            <div class="connect-card">
                <p class="brand">"totp-admin"</p>
                <h1>"Sign in to the cluster"</h1>
                <p class="muted">"Manage the TOTP profiles (SSH multi-factor authentication) of ONTAP accounts. Your password stays in this tab's memory and is forgotten when you sign out or close the tab."</p>
                <form on:submit=submit novalidate>
                    {alert}
                    <TextField id="user" label="User name" value=user error=user_error autocomplete="username" />
                    <TextField
                        id="password"
                        label="Password"
                        kind="password"
                        value=password
                        error=password_error
                        autocomplete="current-password"
                    />
                    <details class="advanced">
                        <summary>"Connection"</summary>
                        <TextField
                            id="api-base"
                            label="API address"
                            value=api_base
                            error=base_error
                            hint="Where this site forwards the ONTAP REST API. Leave /api unless your administrator says otherwise."
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
