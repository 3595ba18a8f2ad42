//! Deleting a profile, as ONTAP allows it: only the key's owner deletes it (an administrator
//! resets another user by disabling), by the REST DELETE up to 9.18 after a confirmation, then
//! back to the table without the row; from 9.19.1 in the CLI with a code, so the page gives the
//! owner the command. The rule is ontap-model's `reset::deletion`. Not shown to read-only roles.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use ontap_model::cli::delete_command;
use ontap_model::enroll::reset_cli;
use ontap_model::reset::{deletion, Deletion};
use ontap_model::{Totp, TotpKey, Version};

use crate::api::{ApiError, Client};
use crate::components::Explained;
use crate::components::{Alert, EncodedLink, Status};
use crate::session::SessionCtx;
use crate::store::changelog::ChangeLog;
use crate::store::deletion::{self, Deleted};
use crate::store::writes::write_action;
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

fn describe(e: &ApiError) -> String {
    Explained::from(e).message
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
    let (version, own, access) = session.session.with_untracked(|s| match s {
        Some(s) => (
            s.cluster.version.clone().filter(Version::has_totp),
            s.identity
                .owns(&account, totp.owner_name(), totp.scope.as_ref()),
            s.identity.access,
        ),
        None => (None, false, ontap_model::Access::Unknown),
    });
    // A fleet's page has no enrollment: no link to "Rotate my key" there.
    let in_fleet = crate::routes::Base::current().in_fleet();
    // A cluster that did not say its release is taken as one that deletes by REST.
    let release = version.unwrap_or_else(|| Version::new(9, 18, 1));
    match deletion(&release, own, access) {
        Deletion::ByRest => {}
        Deletion::OwnerOnly => return others_view(&svm, &account, session.can_change_status()),
        Deletion::ByCliWithCode => return cli_view(&svm, &account, &release, in_fleet),
        Deletion::NoTotp | Deletion::ReadOnlyRole => return ().into_any(),
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
    let profiles = crate::routes::Base::current().profiles();
    // While a lost answer waits out the late window: until when (local time).
    let waiting: RwSignal<Option<String>> = RwSignal::new(None);
    let on_wait = move |w: Option<String>| {
        waiting.try_set(w);
    };
    // When the DELETE left, for "Check again" after a lost answer.
    let sent = StoredValue::new(0.0_f64);
    let user = crate::store::changelog::user_of(&session);
    let log = ChangeLog::from_ctx();
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
                        deletion::settle(&client, &key, sent.get_value(), lost, on_wait).await
                    }
                    None => {
                        let what = "delete the TOTP profile";
                        let logged = ChangeLog::open_in(log, &user, &account, &svm, what);
                        let on_sent = |t| sent.set_value(t);
                        deletion::delete(&client, &key, logged, describe, on_sent, on_wait).await
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
        Some(Deleted::Done { .. }) => navigate(&profiles, Default::default()),
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
            <h2 id="delete-title">"Delete my profile"</h2>
            {move || match step.get() {
                Step::Unknown(_) => {
                    let check_again = check_again.clone();
                    view! {
                        <button type="button" class="button" on:click=move |_| check_again()>"Check again"</button>
                    }
                    .into_any()
                }
                Step::Idle | Step::Failed(_) => view! {
                    <p class="note">"This is your own key. Deleting it removes your profile from the cluster: SSH stops asking you for a code until you enroll again. To replace a key you still hold (a new phone, a key that may have been seen), "
                        {rotate_link(in_fleet)}
                        " instead: the page deletes it and sets up the new one in one go."</p>
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
                            <p id="confirm-detail">"This cannot be undone. You will have to enroll again to use SSH with a code."</p>
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

/// Another account's profile: ONTAP lets only its owner delete it; resetting the user is
/// disabling (NetApp's reset page, NetAppDocs/ontap pull request 1671).
fn others_view(svm: &str, account: &str, admin: bool) -> AnyView {
    let who = crate::text::name(account);
    let command = reset_cli(svm, account).unwrap_or_else(|e| e.to_string());
    let how = if admin {
        "switch Enabled off above and save. "
    } else {
        "a cluster administrator disables it (your role may not change the status). "
    };
    view! {
        <section class="danger-zone reset-zone" aria-labelledby="reset-title">
            <h2 id="reset-title">"Reset this user's TOTP"</h2>
            <p>
                "Only " <strong>{who.clone()}</strong> " can delete their own TOTP key: ONTAP refuses an administrator's delete of another user's key. To reset " {who.clone()} " after a lost or replaced authenticator, " {how}
                "SSH then stops asking " {who.clone()} " for a code, and they set up the new authenticator themselves (Enroll, signed in as themselves)."
            </p>
            <p class="note">"In the cluster shell, the same reset is:"</p>
            <pre class="cli" tabindex="0" role="region" aria-label="The clustershell command that disables the profile"><code>{command}</code></pre>
        </section>
    }
    .into_any()
}

/// One's own profile from 9.19.1: the REST API no longer deletes, the CLI does with a code.
fn cli_view(svm: &str, account: &str, release: &Version, in_fleet: bool) -> AnyView {
    let command = delete_command(svm, account)
        .map(|c| c.to_string())
        .unwrap_or_else(|e| e.to_string());
    view! {
        <section class="danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete my profile"</h2>
            <p>
                "This cluster runs ONTAP " {release.short()} ". From ONTAP 9.19.1 the REST API no longer deletes TOTP profiles: you delete your own key in the cluster shell, which asks for a code from your authenticator app or one of your emergency codes. Signed in over SSH as yourself, run:"
            </p>
            <pre class="cli" tabindex="0" role="region" aria-label="The clustershell command that deletes the profile"><code>{command}</code></pre>
            <p class="note">"To replace the key with a new one, "
                {rotate_link(in_fleet)}
                ": the page gives the steps."</p>
        </section>
    }
    .into_any()
}

/// "rotate it", a link to the enrollment's "Rotate my key"; in a fleet's cluster, whose page
/// has no enrollment, the words say where it is instead.
fn rotate_link(in_fleet: bool) -> AnyView {
    if in_fleet {
        view! { <span>"rotate it on this cluster's own page of totp-admin"</span> }.into_any()
    } else {
        view! { <EncodedLink href=crate::routes::ROTATE.to_owned()>"rotate it"</EncodedLink> }
            .into_any()
    }
}
