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
use crate::session::SessionCtx;
use crate::store::writes::write_action;
use crate::store::ProfileStore;

/// Where the deletion stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Idle,
    Confirming,
    Deleting,
    Failed(ApiError),
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
    // The DELETE and its settling re-read belong to the shell: leaving the page meanwhile still
    // takes a deleted profile out of the table.
    let delete = write_action(move |(client, key): &(Client, TotpKey)| {
        let (client, key) = (client.clone(), key.clone());
        async move {
            let mut result = totps::delete(&client, &key).await;
            if let Err(e) = &result {
                // A lost answer is settled by re-reading, never by sending the DELETE again.
                if e.outcome_unknown() {
                    if let Err(again) = totps::get(&client, &key).await {
                        if gone(&again) {
                            result = Ok(());
                        }
                    }
                }
            }
            if result.is_ok() {
                store.remove_profile(&key);
            }
            result
        }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => navigate(crate::routes::PROFILES, Default::default()),
        Some(Err(e)) => step.set(Step::Failed(e)),
        None => {}
    });
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
            delete.dispatch_local((client, key.clone()));
        }
    };

    let account = crate::text::name(&account);
    let who = format!("{account} ({})", crate::text::name(&svm));
    view! {
        <section class="danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete the profile"</h2>
            {move || match step.get() {
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
                            {busy.then(|| view! { <Status message="Deleting the profile…" busy=true /> })}
                        </div>
                    }
                    .into_any()
                }
            }}
            {move || match step.get() {
                Step::Failed(e) => {
                    let Explained { message: m, next_step: n } = Explained::from(&e);
                    Some(view! { <Alert message=format!("The profile was not deleted. {m}") next_step=n /> })
                }
                _ => None,
            }}
        </section>
    }
    .into_any()
}
