//! The warning before a sign-out that would drop something (a bulk run still sending, the
//! enrollment's secret on screen): why, the time left, what would be lost, and "Stay signed
//! in". `session::idle` decides when it shows and what staying means.

use std::time::Duration;

use leptos::prelude::*;

use crate::platform::wall_ms;
use crate::session::idle::{Cause, Idle, Warning};

#[component]
pub(crate) fn SignOutWarning(idle: Idle) -> impl IntoView {
    // The countdown: redrawn a few times a second while a warning is shown.
    let now = RwSignal::new(wall_ms());
    let timer = set_interval_with_handle(
        move || {
            if idle.warning.with_untracked(Option::is_some) {
                now.try_set(wall_ms());
            }
        },
        Duration::from_millis(250),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear();
        }
    });
    let stay = NodeRef::<leptos::html::Button>::new();
    // The question takes the focus when it appears (it is an alert dialog).
    Effect::new(move |_| {
        if let Some(b) = stay.get() {
            let _ = b.focus();
        }
    });
    move || {
        idle.warning.get().map(|w: Warning| {
            let left = move || ((w.until - now.get()) / 1000.0).ceil().max(0.0);
            let (title, why) = match w.cause {
                Cause::Idle => (
                    "Still there?",
                    "Nothing happened on this page for a while, so you will be signed out in",
                ),
                Cause::OtherTab => (
                    "Signed out in another tab",
                    "The session ended in another tab of totp-admin, so this tab will be signed out in",
                ),
            };
            view! {
                <div class="notice notice-warn signout-warning" role="alertdialog"
                    aria-labelledby="signout-warning-title" aria-describedby="signout-warning-text">
                    <p class="notice-title" id="signout-warning-title">{title}</p>
                    <p id="signout-warning-text">{move || format!("{why} {} s.", left())}</p>
                    {(w.stakes.runs > 0).then(|| view! {
                        <p>"A bulk run is still sending: signing out stops it, and what is not sent yet stays unsent. Its report stays downloadable on the sign-in screen."</p>
                    })}
                    {w.stakes.secret.then(|| view! {
                        <p>"Your authenticator's secret and emergency codes are on screen: signing out wipes them, and they cannot be shown again."</p>
                    })}
                    <button type="button" class="button button-primary" node_ref=stay
                        on:click=move |_| idle.stay()>"Stay signed in"</button>
                </div>
            }
        })
    }
}
