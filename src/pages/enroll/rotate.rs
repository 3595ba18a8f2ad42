//! "Rotate my key": the signed-in user replaces a key they still hold (a new phone, a key that
//! may have been seen) by deleting their profile and enrolling again, the way NetApp's reset
//! page documents it. Up to 9.18 both steps happen here: one DELETE (a lost answer settled by
//! reading, never by deleting again), then the usual enrollment; from 9.19.1 the delete needs
//! the CLI and a code, so the page gives the steps (ontap-model's `reset::rotation`).
//!
//! No API returns the old secret or checks a code against it, so the page cannot prove the
//! user holds the old authenticator: it asks them to confirm it, and says what the account is
//! between the two steps (no profile: SSH asks only for the first factor).

use leptos::prelude::*;
use leptos::task::spawn_local;
use ontap_model::cli::delete_command;
use ontap_model::reset::{rotation, Rotation};
use ontap_model::{AccountName, OwnerUuid, TotpKey, Version};

use super::entry::EnrollState;
use super::flow::{Flow, Stage};
use super::me::Me;
use crate::api::{totps, ApiError, Client};
use crate::components::{Alert, Explained, Status};
use crate::platform::local_hms_in;
use crate::session::SessionCtx;
use crate::store::changelog::ChangeLog;
use crate::store::deletion::{self, Deleted};

/// What the change log calls the rotation's first step.
const LOGGED_AS: &str = "delete the TOTP profile (rotate my key)";

/// How the signed-in user may rotate an enabled profile of their own on this cluster.
pub(crate) fn how(session: &SessionCtx) -> Rotation {
    session.session.with_untracked(|s| match s {
        Some(s) => {
            let release = s
                .cluster
                .version
                .clone()
                .unwrap_or_else(|| Version::new(9, 18, 1));
            rotation(&release, Some(true), s.identity.access)
        }
        None => Rotation::NoTotp,
    })
}

/// Under "You already have an enabled TOTP profile": the way to a new key while the old one
/// is still in hand.
pub(crate) fn offer(flow: Flow, how: Rotation) -> impl IntoView {
    matches!(
        how,
        Rotation::DeleteThenEnroll | Rotation::CliDeleteThenEnroll
    )
    .then(|| {
        view! {
            <section class="enroll-step" aria-labelledby="rotate-offer-title">
                <h2 id="rotate-offer-title">"Still have your authenticator?"</h2>
                <p>"To move to a new phone or replace a key that may have been seen, rotate it yourself: your current key is deleted and a new one set up, with no administrator involved."</p>
                <button type="button" class="button" on:click=move |_| flow.stage.set(Stage::Rotate)>"Rotate my key…"</button>
            </section>
        }
    })
}

/// What the rotation's handlers need, captured when the page is made (a click handler runs
/// without the page's reactive owner, so it cannot look the context up itself).
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    pub(crate) session: SessionCtx,
    pub(crate) state: EnrollState,
    /// Reads the account again and moves the flow on (the page's check).
    pub(crate) again: Callback<()>,
}

/// The rotation's screens: the question (or, from 9.19.1, the CLI steps), the delete under
/// way, and a delete that did not happen or whose outcome is not known.
pub(crate) fn view(flow: Flow, me: Option<&Me>, how: Rotation, ctx: Ctx) -> AnyView {
    let again = ctx.again;
    let stage = flow.stage.get();
    let Some(me) = me.cloned() else {
        return ().into_any();
    };
    match stage {
        Stage::Rotate if how == Rotation::CliDeleteThenEnroll => cli_steps(&me, again).into_any(),
        Stage::Rotate => question(flow, me, ctx).into_any(),
        Stage::RotateDeleting { until } => view! {
            <Status busy=true message=match until {
                Some(until) => format!("The answer to deleting your old key was lost. Re-reading shows your profile is still there, but the cluster may still delete it until {until}: the page reads it again then, and sends nothing meanwhile."),
                None => "Deleting your old key…".to_owned(),
            } />
        }
        .into_any(),
        Stage::RotateNotDeleted(e) => {
            let Explained { message, next_step } = Explained::from(&e);
            let said = if e.outcome_unknown() {
                format!("Your old key was not deleted: the answer was lost ({message}), and reading your profile after the cluster could no longer act on the request shows it is still there.")
            } else {
                format!("Your old key was not deleted. {message}")
            };
            view! {
                <Alert message=said next_step=format!("Nothing changed: your current authenticator still works for SSH. {next_step}")>
                    <button type="button" class="button" on:click=move |_| flow.stage.set(Stage::Rotate)>"Try again"</button>
                </Alert>
            }
            .into_any()
        }
        Stage::RotateUnknown(e) => {
            let message = Explained::from(&e).message;
            view! {
                <Alert
                    message=format!("{message} Your profile could not be read again, so whether your old key was deleted is not known.")
                    next_step="Nothing was sent again. Check again reads your profile; it deletes nothing."
                >
                    <button type="button" class="button" on:click=move |_| check_again(flow, me.clone(), e.clone(), ctx)>"Check again"</button>
                </Alert>
            }
            .into_any()
        }
        _ => ().into_any(),
    }
}

/// Up to 9.18: what rotating means, the confirmation that the old authenticator is in hand,
/// and the one DELETE.
fn question(flow: Flow, me: Me, ctx: Ctx) -> impl IntoView {
    let holds = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let who = crate::text::name(&me.display());
    let start = move |_| {
        if !holds.get_untracked() {
            error.set(Some(
                "Confirm that you still have your current authenticator app (or your emergency codes).".into(),
            ));
            return;
        }
        delete_old(flow, me.clone(), ctx);
    };
    view! {
        <section class="enroll-step" aria-labelledby="rotate-title">
            <h2 id="rotate-title">{format!("Rotate the TOTP key of {who}")}</h2>
            <p>"Rotating replaces your secret key in two steps, one after the other on this page: your current profile is deleted, then a new one is created and you set up your authenticator app again (new QR code, new emergency codes)."</p>
            <ul class="enroll-facts">
                <li><strong>"Between the two steps your account has no TOTP profile:"</strong>" SSH asks only for your password (your first factor) until the new profile exists. Finish the set-up right away."</li>
                <li>"This page cannot check your current key: no ONTAP API shows it or tests a code against it. Rotate only if you still have your current app or your emergency codes."</li>
                <li>"Lost your phone? Then ask an administrator to reset your profile (they disable it), and enroll again."</li>
            </ul>
            <div class="field">
                <label class="check">
                    <input type="checkbox" id="rotate-holds"
                        aria-describedby="rotate-holds-error"
                        aria-invalid=move || error.get().is_some().to_string()
                        prop:checked=move || holds.get()
                        on:change=move |ev| {
                            holds.set(event_target_checked(&ev));
                            error.set(None);
                        } />
                    " I still have my current authenticator app, and I am ready to set up the new key now"
                </label>
                <p class="field-error" id="rotate-holds-error" role="alert">{move || error.get()}</p>
            </div>
            <div class="actions">
                <button type="button" class="button button-danger" on:click=start>"Delete my old key and set up a new one"</button>
                <button type="button" class="button" on:click=move |_| flow.stage.set(Stage::Existing)>"Cancel"</button>
            </div>
        </section>
    }
}

/// From 9.19.1: the delete is the CLI's, with a code; the new key is set up here after it.
fn cli_steps(me: &Me, again: Callback<()>) -> impl IntoView {
    let command = delete_command(me.vserver(), &me.account)
        .map(|c| c.to_string())
        .unwrap_or_else(|e| e.to_string());
    view! {
        <section class="enroll-step" aria-labelledby="rotate-title">
            <h2 id="rotate-title">"Rotate my key in two steps"</h2>
            <p>"From ONTAP 9.19.1 the REST API no longer deletes TOTP keys, so this page cannot do the first step for you."</p>
            <ol class="enroll-facts">
                <li>
                    "Over SSH, signed in as yourself, delete your current key. ONTAP asks for a code from your current authenticator app or one of your emergency codes:"
                    <pre class="command" tabindex="0" aria-label="CLI command that deletes your key">{command}</pre>
                </li>
                <li>"Come back here and set up the new key. Between the two steps SSH asks only for your password."</li>
            </ol>
            <button type="button" class="button button-primary" on:click=move |_| again.run(())>"I deleted it: set up my new key"</button>
        </section>
    }
}

/// The account's profile key, read from the account's own record (the POST's owner is a name;
/// the DELETE's path needs the SVM's UUID).
async fn own_key(client: &Client, me: &Me) -> Result<Option<TotpKey>, ApiError> {
    let (t, _) = totps::own(client, &me.account, me.svm.as_deref()).await?;
    Ok(t.and_then(|t| {
        Some(TotpKey {
            owner: OwnerUuid::try_from(t.owner_uuid()?).ok()?,
            account: AccountName::try_from(t.account_name()?).ok()?,
        })
    }))
}

/// The rotation's DELETE, once. Deleted: the flow goes on to the enrollment (`again` reads
/// the account anew); not deleted: the old key stays and works.
fn delete_old(flow: Flow, me: Me, ctx: Ctx) {
    let Ctx { session, again, .. } = ctx;
    let Some(client) = session.client() else {
        return;
    };
    if matches!(flow.stage.get_untracked(), Stage::RotateDeleting { .. }) {
        return;
    }
    flow.stage.set(Stage::RotateDeleting { until: None });
    let user = crate::store::changelog::user_of(&session);
    let log = ChangeLog::from_ctx();
    spawn_local(async move {
        let key = match own_key(&client, &me).await {
            Ok(Some(k)) => k,
            Ok(None) => {
                // Already gone (deleted elsewhere): straight to the new key.
                again.try_run(());
                return;
            }
            Err(e) => {
                flow.stage.try_set(Stage::RotateNotDeleted(e));
                return;
            }
        };
        let logged = ChangeLog::open_in(log, &user, &me.account, me.vserver(), LOGGED_AS);
        let sent = move |t: f64| flow.sent.set_value(t);
        let out = deletion::delete(&client, &key, logged, describe, sent, waiting(flow)).await;
        ended(flow, out, ctx);
    });
}

/// "Check again" after an unknown outcome: reads, never deletes again.
fn check_again(flow: Flow, me: Me, lost: ApiError, ctx: Ctx) {
    let Some(client) = ctx.session.client() else {
        return;
    };
    flow.stage.set(Stage::RotateDeleting { until: None });
    spawn_local(async move {
        let key = match own_key(&client, &me).await {
            Ok(Some(k)) => k,
            Ok(None) => {
                ended(flow, Deleted::Done { by_check: true }, ctx);
                return;
            }
            Err(_) => {
                flow.stage.try_set(Stage::RotateUnknown(lost));
                return;
            }
        };
        let out = deletion::settle(&client, &key, flow.sent.get_value(), lost, waiting(flow)).await;
        ended(flow, out, ctx);
    });
}

fn waiting(flow: Flow) -> impl Fn(Option<String>) {
    move |until: Option<String>| {
        if until.is_some() {
            flow.stage.try_set(Stage::RotateDeleting { until });
        }
    }
}

fn ended(flow: Flow, out: Deleted, ctx: Ctx) {
    match out {
        Deleted::Done { .. } => {
            flow.rotated.try_set(Some(local_hms_in(0.0)));
            // Until the new profile exists the banner offers the set-up, wherever the user goes.
            ctx.state.set_needed(true);
            // The account is read again: the enrollment opens on what the cluster now holds.
            ctx.again.try_run(());
        }
        Deleted::Refused(e) | Deleted::NotApplied(e) => {
            flow.stage.try_set(Stage::RotateNotDeleted(e));
        }
        Deleted::Unknown(e) => {
            flow.stage.try_set(Stage::RotateUnknown(e));
        }
    }
}

fn describe(e: &ApiError) -> String {
    Explained::from(e).message
}
