//! Deleting a profile, as the cluster's release allows it: up to 9.18 with the REST DELETE,
//! after a confirmation that names the account, then back to the table without the row; from
//! 9.19.1 the REST API no longer deletes profiles, so the page gives the CLI command and why.
//! Not shown to read-only roles.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use ontap_model::cli::delete_command;
use ontap_model::{Totp, TotpKey};

use crate::api::{totps, ApiError, Client};
use crate::components::Explained;
use crate::components::{Alert, Status};
use crate::platform::mono_ms;
use crate::session::SessionCtx;
use crate::store::changelog::{ChangeLog, Outcome};
use crate::store::writes::{settle_lost_write, write_action};
use crate::store::ProfileStore;

/// Where the deletion stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Idle,
    Confirming,
    Deleting,
    /// Refused, or its answer was lost and the profile is still there after the late window.
    Failed(ApiError),
    /// The answer was lost and the profile could not be read again: not known whether it was
    /// deleted. Nothing is resent; "Check again" reads it.
    Unknown(ApiError),
}

/// How a DELETE ended.
#[derive(Clone, Debug, PartialEq)]
enum Deleted {
    /// Deleted; `by_check`: the answer was lost and a re-read found the profile gone.
    Done { by_check: bool },
    /// Refused (nothing deleted).
    Refused(ApiError),
    /// The answer was lost and the profile is still there after the late window.
    NotApplied(ApiError),
    /// The answer was lost and the profile could not be read again.
    Unknown(ApiError),
}

/// Settles a lost DELETE answer by reading the profile (never by deleting again): gone is
/// done; still there is believed only after the late window (`waiting` says until when).
async fn settle_delete(
    client: &Client,
    key: &TotpKey,
    sent_ms: f64,
    lost: ApiError,
    waiting: impl Fn(Option<String>),
) -> Deleted {
    let read = || async {
        match totps::get(client, key).await {
            Ok(_) => Ok(false),
            Err(e) if gone(&e) => Ok(true),
            Err(e) => Err(e),
        }
    };
    match settle_lost_write(sent_ms, read, waiting).await {
        Ok(true) => Deleted::Done { by_check: true },
        Ok(false) => Deleted::NotApplied(lost),
        Err(_) => Deleted::Unknown(lost),
    }
}

/// The change log's word for how a DELETE ended.
fn logged_as(d: &Deleted) -> Outcome {
    match d {
        Deleted::Done { by_check: false } => Outcome::Saved,
        Deleted::Done { by_check: true } => Outcome::UnknownConfirmed,
        Deleted::Refused(e) => Outcome::Failed(Explained::from(e).message),
        Deleted::NotApplied(_) => Outcome::UnknownNotApplied,
        Deleted::Unknown(_) => Outcome::Unknown,
    }
}

/// True when an error means the profile is not (or no longer) there.
fn gone(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Ontap { status: 404, .. } | ApiError::Http { status: 404 }
    )
}

#[component]
pub(crate) fn DeleteProfile(
    totp: Totp,
    key: TotpKey,
    /// While true (the editor above is saving or asks a question), Delete waits.
    #[prop(optional, into)]
    hold: Signal<bool>,
) -> impl IntoView {
    let session = SessionCtx::use_ctx();
    if !session.can_edit() {
        return ().into_any();
    }
    let account = key.account.as_str().to_owned();
    let svm = totp
        .owner_name()
        .map(str::to_owned)
        .unwrap_or_else(|| key.owner.as_str().to_owned());
    let version = session.session.with_untracked(|s| {
        s.as_ref()
            .and_then(|s| s.cluster.version.clone())
            .filter(|v| v.has_totp())
    });
    let by_rest = version.as_ref().is_none_or(|v| v.rest_delete_supported());
    if !by_rest {
        let release = version.map(|v| v.short()).unwrap_or_default();
        let command = match delete_command(&svm, &account) {
            Ok(c) => c.to_string(),
            Err(e) => e.to_string(),
        };
        return view! {
            <section class="danger-zone" aria-labelledby="delete-title">
                <h2 id="delete-title">"Delete the profile"</h2>
                <p>
                    "This cluster runs ONTAP " {release} ". From ONTAP 9.19.1 the REST API no longer deletes TOTP profiles: deletion must be confirmed interactively with a one-time password or an emergency code, which only the CLI asks for. To delete this profile, run in the cluster shell:"
                </p>
                <pre class="cli" tabindex="0" role="region" aria-label="The clustershell command that deletes the profile"><code>{command}</code></pre>
                <p class="note">"To reset a user who lost their authenticator, disabling the profile is enough: they then enroll again."</p>
            </section>
        }
        .into_any();
    }

    let step = RwSignal::new(Step::Idle);
    // The editor starting to save or asking its own question withdraws an open delete
    // question: one question, and one change, at a time.
    Effect::new(move |_| {
        if hold.get() && step.get_untracked() == Step::Confirming {
            step.set(Step::Idle);
        }
    });
    let store = ProfileStore::use_ctx();
    let navigate = use_navigate();
    // While a lost answer waits out the late window: until when (local time).
    let waiting: RwSignal<Option<String>> = RwSignal::new(None);
    let on_wait = move |w: Option<String>| {
        waiting.try_set(w);
    };
    // When the DELETE left, for "Check again" after a lost answer.
    let sent = StoredValue::new(0.0_f64);
    let user = crate::store::changelog::user_of(&session);
    // The DELETE and its settling re-read belong to the shell: leaving the page meanwhile still
    // takes a deleted profile out of the table.
    let delete = write_action({
        let (account, svm) = (account.clone(), svm.clone());
        move |(client, key, check_only): &(Client, TotpKey, Option<ApiError>)| {
            let (client, key, check_only) = (client.clone(), key.clone(), check_only.clone());
            let (user, account, svm) = (user.clone(), account.clone(), svm.clone());
            async move {
                let out = match check_only {
                    // "Check again" after an unknown outcome: a read, never a second DELETE.
                    Some(lost) => {
                        settle_delete(&client, &key, sent.get_value(), lost, on_wait).await
                    }
                    None => {
                        let logged =
                            ChangeLog::open(&user, &account, &svm, "delete the TOTP profile");
                        sent.set_value(mono_ms());
                        let out = match totps::delete(&client, &key).await {
                            Ok(()) => Deleted::Done { by_check: false },
                            Err(e) if e.outcome_unknown() => {
                                logged.settle(Outcome::Unknown);
                                settle_delete(&client, &key, sent.get_value(), e, on_wait).await
                            }
                            Err(e) => Deleted::Refused(e),
                        };
                        logged.settle(logged_as(&out));
                        out
                    }
                };
                if matches!(out, Deleted::Done { .. }) {
                    store.remove_profile(&key);
                }
                out
            }
        }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Deleted::Done { .. }) => navigate(crate::routes::PROFILES, Default::default()),
        Some(Deleted::Refused(e) | Deleted::NotApplied(e)) => step.set(Step::Failed(e)),
        Some(Deleted::Unknown(e)) => step.set(Step::Unknown(e)),
        None => {}
    });
    let check_again = {
        let key = key.clone();
        move || {
            let Step::Unknown(lost) = step.get_untracked() else {
                return;
            };
            let Some(client) = session.client() else {
                return;
            };
            if delete.pending().get_untracked() {
                return;
            }
            step.set(Step::Deleting);
            delete.dispatch_local((client, key.clone(), Some(lost)));
        }
    };
    let confirm = {
        let key = key.clone();
        move || {
            let Some(client) = session.client() else {
                return;
            };
            // One DELETE per confirmation, whatever the clicks.
            if delete.pending().get_untracked()
                || step.get_untracked() == Step::Deleting
                || hold.get_untracked()
            {
                return;
            }
            step.set(Step::Deleting);
            delete.dispatch_local((client, key.clone(), None));
        }
    };

    let account = crate::text::name(&account);
    let who = format!("{account} ({})", crate::text::name(&svm));
    view! {
        <section class="danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete the profile"</h2>
            {move || match step.get() {
                Step::Unknown(_) => {
                    let check_again = check_again.clone();
                    view! {
                        <button type="button" class="button" on:click=move |_| check_again()>"Check again"</button>
                    }
                    .into_any()
                }
                Step::Idle | Step::Failed(_) => view! {
                    <p class="note">"Deleting removes the profile from the cluster: SSH stops asking this account for a code until it enrolls again. Disabling does the same and keeps the record."</p>
                    <button type="button" class="button button-danger" disabled=move || hold.get()
                        on:click=move |_| step.set(Step::Confirming)>
                        "Delete profile…"
                    </button>
                }
                .into_any(),
                Step::Confirming | Step::Deleting => {
                    let confirm = confirm.clone();
                    let busy = step.get() == Step::Deleting;
                    // The question takes the focus, so the keyboard answers it at once.
                    let first = NodeRef::<leptos::html::Button>::new();
                    Effect::new(move |_| {
                        if let Some(b) = first.get() {
                            let _ = b.focus();
                        }
                    });
                    view! {
                        <div
                            class="confirm"
                            role="alertdialog"
                            aria-labelledby="confirm-title"
                            aria-describedby="confirm-detail"
                            on:keydown=move |ev| {
                                // Escape answers "no", as Cancel does.
                                if ev.key() == "Escape" && step.get_untracked() == Step::Confirming {
                                    step.set(Step::Idle);
                                }
                            }
                        >
                            <p class="confirm-title" id="confirm-title">
                                "Delete the TOTP profile of " <strong>{who.clone()}</strong> "?"
                            </p>
                            <p id="confirm-detail">"This cannot be undone. The user will have to enroll again to use SSH with a code."</p>
                            <div class="actions">
                                <button type="button" class="button button-danger" node_ref=first disabled=busy on:click=move |_| confirm()>
                                    {if busy { "Deleting…".to_owned() } else { format!("Delete the profile of {account}") }}
                                </button>
                                <button type="button" class="button" disabled=busy on:click=move |_| step.set(Step::Idle)>
                                    "Cancel"
                                </button>
                            </div>
                            {busy.then_some(move || view! {
                                <Status message=match waiting.get() {
                                    Some(until) => format!("The answer was lost. Re-reading the profile shows it is still there, but the cluster may still delete it until {until}: the page reads it again then, and sends nothing meanwhile."),
                                    None => "Deleting the profile…".to_owned(),
                                } busy=true />
                            })}
                        </div>
                    }
                    .into_any()
                }
            }}
            {move || match step.get() {
                Step::Failed(e) => {
                    let Explained { message: m, next_step: n } = Explained::from(&e);
                    let said = if e.outcome_unknown() {
                        format!("The profile was not deleted: its answer was lost ({m}), and re-reading it after the cluster could no longer act on the request shows it is still there.")
                    } else {
                        format!("The profile was not deleted. {m}")
                    };
                    Some(view! { <Alert message=said next_step=n /> }.into_any())
                }
                Step::Unknown(e) => {
                    let m = Explained::from(&e).message;
                    Some(view! { <Alert message=format!("{m} The profile could not be read again, so whether it was deleted is not known.") next_step="Nothing was sent again. Check again reads the profile; it deletes nothing." /> }.into_any())
                }
                _ => None,
            }}
        </section>
    }
    .into_any()
}
