//! Signing in again without leaving the page: when the cluster refuses the session's
//! credentials mid-session (401: the password was changed or expired, the token ran out), a
//! modal dialog asks for them again over the current view. Everything under it stays as it
//! was (the open editor and its unsaved edits included); once the cluster accepts the new
//! credentials, every request of the session uses them ([`crate::api::Client::renew`]) and the
//! user carries on. The request that was refused is not sent again by itself: the view it came
//! from says it failed, and the user tries it again. A write refused with 401 was not applied.
//!
//! The same account signs in again, and only it: a password session keeps its user name, and
//! a token session takes a new token of the same account (the name the token gives; one of
//! another account, or one that names none, is refused next to the field before it is sent,
//! and nothing of the session changes: `session::signin::same_account`). "Sign out" ends the
//! session instead, asking first when that would drop a bulk run or the enrollment's secret.

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::{cluster, ApiError, Client, Credentials, Listener, Report};
use crate::components::batch::confirm_sign_out;
use crate::components::{Alert, Explained, TextField};
use crate::session::signin::{same_account, Refusal};
use crate::session::{signin, SessionCtx, SignedOut};

#[component]
pub(crate) fn ReauthDialog() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let open = RwSignal::new(false);
    let renewed = RwSignal::new(false);
    // Opens on each 401 reported after the dialog was mounted (one at sign-in is the sign-in
    // form's to explain).
    let reports = session.reports;
    let seen = StoredValue::new(reports.refusals_untracked());
    Effect::new(move |_| {
        let n = reports.refusals();
        if n > seen.get_value() {
            seen.set_value(n);
            renewed.set(false);
            open.set(true);
        }
    });

    let (bearer, user, named) = session.session.with_untracked(|s| match s {
        Some(s) => (
            s.credentials.is_bearer(),
            s.credentials.user().unwrap_or_else(|| s.user.clone()),
            s.credentials.user(),
        ),
        None => (false, String::new(), None),
    });
    let secret = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let failure: RwSignal<Option<Explained>> = RwSignal::new(None);
    // A token of another account (or of none): said next to the field, nothing sent.
    let other_account: RwSignal<Option<String>> = RwSignal::new(None);
    let secret_error = Signal::derive(move || {
        if let Some(why) = other_account.get() {
            return Some(why);
        }
        (tried.get() && secret.with(|s| s.trim().is_empty())).then(|| {
            if bearer {
                "An access token is required.".to_owned()
            } else {
                "A password is required.".to_owned()
            }
        })
    });

    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let show = open.get();
        if let Some(d) = dialog.get() {
            if show && !d.open() {
                let _ = d.show_modal();
            } else if !show && d.open() {
                d.close();
            }
        }
    });

    // The check of the new credentials, on a client of their own: its retries show as any
    // read's; its 401 is this dialog's own to explain. One check at a time.
    let check = Action::new_local(move |(base, credentials): &(String, Credentials)| {
        let listener: Listener = Arc::new(move |r| {
            if r != Report::Unauthorized {
                reports.hear(r);
            }
        });
        let client = Client::new(base, credentials.clone(), listener);
        let credentials = credentials.clone();
        async move { cluster::get(&client).await.map(|_| credentials) }
    });
    let busy = Signal::derive(move || check.pending().get());
    Effect::new(move |_| match check.value().get() {
        Some(Ok(credentials)) => {
            session.session.update_untracked(|s| {
                if let Some(s) = s {
                    s.client.renew(credentials.clone());
                    s.credentials = credentials;
                    // Kept as at sign-in, by the one function that decides it: the tab's kept
                    // session gets the new credentials if the user chose to stay signed in,
                    // and nothing is kept if not.
                    signin::keep(s);
                }
            });
            secret.set(String::new());
            tried.set(false);
            renewed.set(true);
            open.set(false);
        }
        Some(Err(ApiError::Unauthorized)) => failure.set(Some(Explained::new(
            if bearer {
                "The cluster did not accept this access token."
            } else {
                "The cluster did not accept this password."
            },
            "Check it and try again, or sign out.",
        ))),
        Some(Err(e)) => failure.set(Some(Explained::from(&e))),
        None => {}
    });

    let submit = {
        let user = user.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if check.pending().get_untracked() {
                return;
            }
            tried.set(true);
            other_account.set(None);
            if secret_error.get_untracked().is_some() {
                return;
            }
            let credentials = if bearer {
                let c = Credentials::Bearer(secret.get_untracked().trim().to_owned());
                if let Err(r) = same_account(named.as_deref(), c.user().as_deref()) {
                    other_account.set(Some(refusal_words(&r)));
                    return;
                }
                c
            } else {
                Credentials::Basic {
                    user: user.clone(),
                    password: secret.get_untracked(),
                }
            };
            let Some(base) = session
                .session
                .with_untracked(|s| s.as_ref().map(|s| s.api_base.clone()))
            else {
                return;
            };
            failure.set(None);
            check.dispatch_local((base, credentials));
        }
    };

    let who = if bearer {
        "Enter a new access token to carry on.".to_owned()
    } else {
        format!("Enter the password of {user} to carry on.")
    };
    view! {
        <dialog
            node_ref=dialog
            class="reauth"
            aria-labelledby="reauth-title"
            aria-describedby="reauth-why"
            // Escape does not close it: the session needs credentials, or a sign-out.
            on:cancel=move |ev: leptos::ev::Event| ev.prevent_default()
        >
            <form class="reauth-form" on:submit=submit novalidate>
                <h2 id="reauth-title">"Sign in again"</h2>
                <p id="reauth-why">
                    "The cluster no longer accepts this session's credentials: they may have expired or been changed. "
                    {who}
                    " Nothing on this page is lost: your unsaved edits stay as they are."
                </p>
                {move || failure.get().map(|x| view! { <Alert message=x.message next_step=x.next_step /> })}
                {if bearer {
                    view! {
                        <TextField id="reauth-secret" label="Access token" kind="password" value=secret error=secret_error autocomplete="off" />
                    }
                    .into_any()
                } else {
                    view! {
                        <TextField id="reauth-secret" label="Password" kind="password" value=secret error=secret_error autocomplete="current-password" />
                    }
                    .into_any()
                }}
                <div class="actions">
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                    // Marked as leaving the page: the enrollment's guard asks first while a
                    // secret is on screen, as for the banner's Sign out.
                    <button
                        type="button"
                        class="button"
                        data-leaves-page=""
                        on:click=move |_| {
                            if !confirm_sign_out(&session) {
                                return;
                            }
                            open.set(false);
                            session.sign_out(SignedOut::ByUser);
                        }
                    >
                        "Sign out"
                    </button>
                </div>
            </form>
        </dialog>
        <div class="reauth-done" aria-live="polite">
            {move || renewed.get().then(|| view! {
                <p class="notice notice-ok" role="status">
                    "Signed in again. Carry on where you left off; an action that failed can now be tried again."
                </p>
            })}
        </div>
    }
}

/// Why a token is refused, for the field.
fn refusal_words(r: &Refusal) -> String {
    match r {
        Refusal::Other { signed_in, offered } => format!(
            "This token is for {offered}, not for {signed_in}, who is signed in here. Enter a token of {signed_in} to carry on, or sign out and sign in as {offered}."
        ),
        Refusal::Unnamed {
            signed_in: Some(a),
        } => format!(
            "This token does not say which account it is for, so it cannot be shown to be {a}'s. Enter a token that names {a}, or sign out and sign in with this one."
        ),
        Refusal::Unnamed { signed_in: None } => "This session's token does not say which account it is, so no other token can be shown to be the same account's. Sign out and sign in with the new token.".to_owned(),
    }
}
