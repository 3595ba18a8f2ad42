//! The first screen of the enrollment: what creating a profile means, the optional comment,
//! Create, and what the cluster's refusal means (TOTP not set as the second factor, a profile
//! already there, someone else's account).

use leptos::prelude::*;
use ontap_model::Known;

use super::clock::cluster_clock_off;
use super::flow::Flow;
use super::me::Me;
use super::notices::{existing_view, second_factor_view};
use crate::api::ApiError;
use crate::components::{Alert, Explained, TextField};

/// What the first screen shows besides the flow's signals.
#[derive(Clone, Copy)]
pub(crate) struct Intro {
    /// A disabled profile exists: creating one replaces it.
    pub(crate) replaces: bool,
    /// The browser's clock minus the cluster's, in seconds.
    pub(crate) skew: Option<i64>,
    /// The POST is on its way: the form is disabled.
    pub(crate) busy: bool,
}

/// The explanation before anything is created, the optional comment, and Create.
pub(crate) fn intro_view(
    me: Option<&Me>,
    flow: Flow,
    intro: Intro,
    on_create: Callback<()>,
) -> impl IntoView {
    let Intro {
        replaces,
        skew,
        busy,
    } = intro;
    let Flow {
        comment,
        post_error,
        ..
    } = flow;
    let who = crate::text::name(&me.map(Me::display).unwrap_or_default());
    let cluster = crate::text::name(&me.map(|m| m.cluster.clone()).unwrap_or_default());
    let me = me.cloned();
    let error = move || {
        post_error.get().map(|e| match e.known() {
            Some(Known::TotpNotConfigured) => second_factor_view(me.as_ref()).into_any(),
            _ if is_duplicate(&e) => existing_view(me.as_ref()).into_any(),
            _ if is_self_only(&e) => view! {
                <Alert
                    message="The cluster allows a TOTP profile to be created only by the account itself."
                    next_step="ONTAP allows only self-enrollment: sign in to this page as the account that will use the codes. An administrator cannot enroll someone else."
                />
            }
            .into_any(),
            _ => {
                let Explained { message: m, next_step: n } = Explained::from(&e);
                view! { <Alert message=m next_step=n /> }.into_any()
            }
        })
    };
    // Before anything is created: a cluster whose clock is off refuses the app's codes at SSH.
    let clock = cluster_clock_off(skew).map(|off| {
        format!(
            "{off} SSH checks codes against the cluster's clock: if your phone's clock is right, \
             SSH will refuse the app's codes once the profile exists, until the cluster's clock \
             is set (NTP). Best ask the cluster's administrator first; if you set it up now, sign \
             in to SSH with an emergency code meanwhile."
        )
    });
    // After "Rotate my key" deleted the old key: what the account is now, and, if creating the
    // new profile failed, what to do.
    let rotated = flow.rotated.get_untracked().map(|at| {
        let failed = move || post_error.get().is_some();
        view! {
            <p class="notice notice-warn" role="status" id="rotated-notice">
                {move || if failed() {
                    format!("Your old key was deleted at {at}, and the new profile was not created (see below): your account has no TOTP profile now, so SSH asks only for your password. Press Create my profile to try again; if the cluster keeps refusing, show the message below to a cluster administrator.")
                } else {
                    format!("Your old key was deleted at {at}. Until you create the new profile, your account has no TOTP profile and SSH asks only for your password: create it now.")
                }}
            </p>
        }
    });
    view! {
        {rotated}
        {clock.map(|c| view! { <p class="notice notice-warn" role="alert" id="clock-warning-before">{c}</p> })}
        <section class="enroll-step" aria-labelledby="intro-title">
            <h2 id="intro-title">{format!("TOTP for {who} on {cluster}")}</h2>
            <p>
                "This creates your TOTP profile and connects an authenticator app on your phone "
                "(Google Authenticator, Microsoft Authenticator, FreeOTP, Authy…)."
            </p>
            <ul class="enroll-facts">
                <li><strong>"The profile is active at once."</strong>" From the moment it is created, SSH asks for a 6-digit code from the app after your password."</li>
                <li>"You then get emergency codes: each one works once instead of a code. Save them before anything else."</li>
                <li>"You scan a QR code drawn by this page (nothing leaves your browser), then type a code from the app to check it."</li>
                <li>"If you lose the phone: use an emergency code, or ask an administrator to disable your profile, then enroll again."</li>
            </ul>
            {replaces.then(|| view! {
                <p class="notice notice-warn">"Your previous profile is disabled: creating a new one replaces it, with a new secret."</p>
            })}
            <form class="enroll-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                on_create.run(());
            }>
                <TextField
                    id="enroll-comment"
                    label="Comment (optional)"
                    hint="For example the app or the phone, so an administrator knows which one it is."
                    value=comment
                    error=Signal::derive(|| None::<String>)
                    disabled=Signal::derive(move || busy)
                />
                <button type="submit" class="button button-primary" disabled=busy>
                    {if busy { "Creating…" } else { "Create my profile" }}
                </button>
            </form>
            {error}
        </section>
    }
}

fn is_duplicate(e: &ApiError) -> bool {
    matches!(e, ApiError::Ontap { status: 409, .. }) || e.known() == Some(Known::Duplicate)
}

fn is_self_only(e: &ApiError) -> bool {
    matches!(e, ApiError::Ontap { body, .. } if body.error.code.as_u64() == Some(6_691_623))
}
