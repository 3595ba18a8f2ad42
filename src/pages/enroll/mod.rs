//! Self-enrollment (`/enroll`): the signed-in user creates their own TOTP profile and sets up
//! their authenticator app. The profile is active as soon as the POST succeeds, so the page
//! explains that first, then shows the emergency codes before anything else, the QR code drawn
//! locally from the `otpauth://` URI (from `install_url`, never loaded, or built from
//! `secret_key`), the secret in groups, and checks a code from the app in the browser (RFC 6238,
//! one step of drift either way), cross-checked with the cluster's `verification_code` and
//! against the cluster's clock (`Date`). Nothing derived from the secret is requested from
//! anywhere. Finishing, leaving or signing out wipes the secret, the URI and the codes.
//!
//! The pure parts are apart from the views and tested natively: `clock` (the cluster's clock
//! and the words for a difference), `check` (a code at the cluster's time, then this
//! computer's), `secret` (reading the created record, and wiping it). This file is the flow:
//! the account check, the POST, the code check and the end; the screens are in `intro`,
//! `notices` and `enrolled`.

mod check;
mod clock;
pub mod codes;
mod enrolled;
pub mod entry;
mod flow;
pub mod guard;
mod intro;
mod me;
mod notices;
pub mod qr;
mod rotate;
mod secret;

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use ontap_model::totp::{AccountSelector, OwnerSelector};
use ontap_model::{AccountName, Comment, TotpCreate};

use crate::api::{totps, ApiError, Client};
use crate::components::{Alert, Explained, Status};
use crate::platform::{mono_ms, wall_ms as now_ms};
use crate::session::SessionCtx;
use crate::store::changelog::{ChangeLog, Outcome};
use crate::store::writes::settle_lost_write;
use check::clean_code;
use enrolled::{enrolled_view, Actions};
pub(crate) use entry::{EnrollLink, EnrollState};
use flow::{Flow, Stage};
use intro::{intro_view, Intro};
use me::Me;
use notices::{existing_view, lost_view};
use secret::Enrolled;

#[component]
pub(crate) fn EnrollPage() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let state = EnrollState::use_ctx();
    let query = use_query_map();
    let me = Me::of(&session);
    let flow = Flow::new();
    let how = rotate::how(&session);
    let stage = flow.stage;

    // The leave guard follows the stage; leaving the page or signing out disposes every signal
    // of the flow (the Arc<Enrolled> with them: its Drop wipes the strings), and the guard is
    // switched off.
    Effect::new(move |_| guard::set_active(stage.try_with(Stage::holds_secret).unwrap_or(false)));
    on_cleanup(|| guard::set_active(false));

    // First: is this account the one asked for, and does it have a profile already?
    let check = {
        let me = me.clone();
        move || {
            let Some(asked) = query.try_with_untracked(|q| q.get("account")) else {
                return;
            };
            let Some(me) = me.clone() else {
                stage.try_set(Stage::NoAccount);
                return;
            };
            if let Some(other) = asked.filter(|a| !a.is_empty() && *a != me.account) {
                stage.try_set(Stage::OtherAccount(other));
                return;
            }
            let Some(client) = session.client() else {
                return;
            };
            // `?rotate=1` (the profile page's "rotate it") opens on the rotation's question.
            let rotate = query.with_untracked(|q| q.get("rotate").is_some());
            stage.try_set(Stage::Checking);
            spawn_local(async move {
                let r = totps::own(&client, &me.account, me.svm.as_deref()).await;
                let next = match r {
                    Ok((Some(t), _)) if t.enabled != Some(false) && rotate => Stage::Rotate,
                    Ok((Some(t), _)) if t.enabled != Some(false) => Stage::Existing,
                    Ok((t, date)) => Stage::Intro {
                        replaces: t.is_some(),
                        skew: clock::skew_seconds(date.as_deref(), now_ms()),
                    },
                    Err(e) => Stage::CheckFailed(e),
                };
                if let Stage::Existing = next {
                    state.set_needed(false);
                }
                stage.try_set(next);
            });
        }
    };
    // Again whenever the query changes (`?account=` asks for someone else).
    Effect::new({
        let check = check.clone();
        move |_| {
            query.track();
            check();
        }
    });

    let create = {
        let me = me.clone();
        move || {
            if !matches!(stage.get_untracked(), Stage::Intro { .. }) {
                return;
            }
            if let (Some(me), Some(client)) = (me.clone(), session.client()) {
                create_profile(flow, state, me, client);
            }
        }
    };

    let actions = Actions {
        check: Callback::new(move |()| check_code(flow)),
        finish: Callback::new(move |()| finish(flow)),
        stop: Callback::new(move |()| {
            let leave = web_sys::window()
                .and_then(|w| w.confirm_with_message(guard::LEAVE_QUESTION).ok())
                .unwrap_or(false);
            if leave {
                flow.wipe_all(Stage::Stopped);
            }
        }),
    };

    let rotation = rotate::Ctx {
        session,
        state,
        again: Callback::new({
            let check = check.clone();
            move |()| check()
        }),
    };
    let body = move || {
        let me = me.as_ref();
        match stage.get() {
            Stage::Checking => {
                view! { <Status message="Checking your account…" busy=true /> }.into_any()
            }
            Stage::CheckFailed(e) => {
                let Explained {
                    message: m,
                    next_step: n,
                } = Explained::from(&e);
                let check = check.clone();
                view! {
                    <Alert message=m next_step=n>
                        <button type="button" class="button" on:click=move |_| check()>"Try again"</button>
                    </Alert>
                }
                .into_any()
            }
            Stage::Existing => {
                view! { {existing_view(me)} {rotate::offer(flow, how)} }.into_any()
            }
            Stage::Rotate
            | Stage::RotateDeleting { .. }
            | Stage::RotateNotDeleted(_)
            | Stage::RotateUnknown(_) => rotate::view(flow, me, how, rotation),
            Stage::Intro { replaces, skew } => {
                let create = create.clone();
                let intro = Intro {
                    replaces,
                    skew,
                    busy: false,
                };
                intro_view(me, flow, intro, Callback::new(move |()| create())).into_any()
            }
            Stage::Posting => {
                let intro = Intro {
                    replaces: false,
                    skew: None,
                    busy: true,
                };
                intro_view(me, flow, intro, Callback::new(|()| ())).into_any()
            }
            Stage::Lost => lost_view(me, flow.post_error).into_any(),
            Stage::Unsettled { until } => view! {
                <Status busy=true message=format!("The answer to creating your profile was lost. Your account shows no profile yet, but the cluster may still create it until {until}: the page reads your account again then, and sends nothing meanwhile.") />
            }
            .into_any(),
            Stage::NotCreated => {
                let mut detail = flow.post_error.get_untracked().map(|e| Explained::from(&e).message).unwrap_or_default();
                if let Some(at) = flow.rotated.get_untracked() {
                    detail.push_str(&format!(" Your old key was deleted at {at}, so your account has no TOTP profile now."));
                }
                let check = check.clone();
                view! {
                    <Alert
                        message=format!("Your profile was not created. {detail} Reading your account after the cluster could no longer act on the request shows no profile, and nothing was sent again.")
                        next_step="SSH still asks only for your password. To set up your authenticator, start over: the page checks your account again first."
                    >
                        <button type="button" class="button" on:click=move |_| check()>"Start over"</button>
                    </Alert>
                }
                .into_any()
            }
            Stage::Enrolled(e) => enrolled_view(e, flow, actions).into_any(),
            other => end_view(other, me, flow.rotated.get_untracked().is_some()).into_any(),
        }
    };

    view! {
        <div class="enroll" id="enroll">
            <h1>"Set up my authenticator"</h1>
            {body}
        </div>
    }
}

/// The screens that take no action of the flow: no account, someone else's, done, stopped.
fn end_view(stage: Stage, me: Option<&Me>, rotated: bool) -> impl IntoView {
    match stage {
        Stage::NoAccount => view! {
            <Alert
                message="This session does not say which account it is."
                next_step="Sign in with your user name and password (or a token that names you) to set up your own authenticator."
            />
        }
        .into_any(),
        Stage::OtherAccount(other) => {
            let mine = me.map(|m| m.account.clone()).unwrap_or_default();
            view! {
                <Alert
                    message=format!("ONTAP allows only self-enrollment: you cannot set up the authenticator of {other}.")
                    next_step=format!("{other} signs in to this page as themselves and chooses \"Set up my authenticator\". An administrator cannot create a TOTP profile for anyone else.")
                />
                <p><A href=crate::routes::ENROLL>{format!("Set up my own authenticator ({mine})")}</A></p>
            }
            .into_any()
        }
        Stage::Stopped => view! {
            <div class="enroll-step enroll-done">
                <Alert
                    message="Set-up stopped. Your profile is active: SSH now asks for a code."
                    next_step="If the app was not set up: use one of your emergency codes at your next SSH login, or ask an administrator to disable your profile, then enroll again here."
                />
                <p><A href="/profiles">"Go to the TOTP profiles"</A></p>
            </div>
        }
        .into_any(),
        _ => view! {
            <div class="enroll-step enroll-done">
                <Status message="Your authenticator is set up." />
                <p>
                    "From your next SSH login, ONTAP asks for the 6-digit code from the app after your password. "
                    "The secret and the emergency codes are gone from this page; keep the codes you saved."
                </p>
                {rotated.then(|| view! {
                    <p>"Your old key is deleted and no longer works: remove its entry from your authenticator app, and throw away the old emergency codes."</p>
                })}
                <p><A href="/profiles">"Go to the TOTP profiles"</A></p>
            </div>
        }
        .into_any(),
    }
}

/// Sends the POST once; its answer becomes the enrolled screen. A lost answer is never
/// settled by sending again: the account's profile is read instead.
fn create_profile(flow: Flow, state: EnrollState, me: Me, client: Client) {
    let Flow {
        stage,
        comment,
        post_error,
        ..
    } = flow;
    let Ok(account) = AccountName::try_from(me.account.as_str()) else {
        post_error.set(Some(ApiError::Decode(
            "the account name is not valid".into(),
        )));
        return;
    };
    let text = comment.get_untracked();
    let body = TotpCreate {
        account: AccountSelector { name: account },
        owner: me.svm.clone().map(|name| OwnerSelector {
            uuid: None,
            name: Some(name),
        }),
        comment: (!text.trim().is_empty())
            .then(|| Comment::try_from(text.as_str()).ok())
            .flatten(),
    };
    let back = stage.get_untracked();
    post_error.set(None);
    stage.set(Stage::Posting);
    let logged = ChangeLog::open(
        &me.account,
        &me.account,
        me.svm.as_deref().unwrap_or(&me.cluster),
        "create the TOTP profile (self-enrollment)",
    );
    let settle = move |o: Outcome| logged.settle(o);
    let sent = mono_ms();
    spawn_local(async move {
        match totps::create(&client, &body).await {
            Ok((mut created, date)) => {
                state.set_needed(false);
                settle(Outcome::Saved);
                // Wipes the record's secret, URI and codes whatever it gives.
                match Enrolled::from_created(&mut created, &me, date.as_deref(), now_ms()) {
                    Ok(e) => {
                        stage.try_set(Stage::Enrolled(Arc::new(e)));
                    }
                    Err(why) => {
                        post_error.try_set(Some(ApiError::Decode(why)));
                        stage.try_set(Stage::Lost);
                    }
                }
            }
            Err(e) if e.outcome_unknown() => {
                settle(Outcome::Unknown);
                post_error.try_set(Some(e));
                // Never sent twice: read whether the profile exists now, and believe "no"
                // only once the cluster can no longer act on the POST.
                let read = || async {
                    let (t, _) = totps::own(&client, &me.account, me.svm.as_deref()).await?;
                    Ok(t.is_some_and(|t| t.enabled != Some(false)))
                };
                let waiting = |w: Option<String>| {
                    if let Some(until) = w {
                        stage.try_set(Stage::Unsettled { until });
                    }
                };
                match settle_lost_write(sent, read, waiting).await {
                    Ok(true) => {
                        settle(Outcome::UnknownConfirmed);
                        state.set_needed(false);
                        stage.try_set(Stage::Lost);
                    }
                    Ok(false) => {
                        settle(Outcome::UnknownNotApplied);
                        stage.try_set(Stage::NotCreated);
                    }
                    // Not known: the profile may exist, with a secret nobody has.
                    Err(_) => {
                        stage.try_set(Stage::Lost);
                    }
                }
            }
            Err(e) => {
                settle(Outcome::Failed(Explained::from(&e).message));
                post_error.try_set(Some(e));
                stage.try_set(back);
            }
        }
    });
}

/// Checks the typed code and shows the verdict, or why it is not one.
fn check_code(flow: Flow) {
    let Flow {
        stage,
        code,
        code_error,
        verified,
        ..
    } = flow;
    let Stage::Enrolled(e) = stage.get_untracked() else {
        return;
    };
    match clean_code(&code.get_untracked()) {
        Err(msg) => {
            code_error.set(Some(msg.into()));
            verified.set(None);
        }
        Ok(c) => match e.check(&c, now_ms()) {
            Some(v) => {
                code_error.set(None);
                verified.set(Some(v));
            }
            None => {
                verified.set(None);
                code_error.set(Some(format!(
                    "This code does not match. Check that you scanned the QR code above (the app \
                     shows {}) and type the code the app shows now: it changes every 30 seconds.",
                    crate::text::name(&e.key.label())
                )));
            }
        },
    }
}

/// Finishes once a code was checked and the codes are confirmed saved; then wipes the flow.
fn finish(flow: Flow) {
    let mut ok = true;
    if flow.verified.get_untracked().is_none() {
        flow.code_error.set(Some(
            "Check a code from your authenticator app first: then you know it works.".into(),
        ));
        ok = false;
    }
    if !flow.saved.get_untracked() {
        flow.saved_error
            .set(Some("Confirm that you saved the emergency codes.".into()));
        ok = false;
    }
    if ok {
        flow.wipe_all(Stage::Done);
        if let Some(store) = use_context::<crate::store::ProfileStore>() {
            if store.progress.get_untracked() != crate::store::Progress::Idle {
                store.reload();
            }
        }
    }
}
