//! The enrollment's dead ends, each with what to do next: TOTP is not the account's SSH second
//! factor (144834561, with the administrator's CLI and REST commands), an enabled profile
//! exists (the reset), or the POST's answer was lost (the secret cannot be shown again).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use ontap_model::enroll;

use super::me::Me;
use crate::api::{identity, ApiError};
use crate::components::{Alert, Explained};
use crate::session::SessionCtx;

/// 144834561: what an administrator runs first (CLI and REST).
pub(crate) fn second_factor_view(me: Option<&Me>) -> impl IntoView {
    let account = me.map(|m| m.account.clone()).unwrap_or_default();
    let vserver = me.map(|m| m.vserver().to_owned()).unwrap_or_default();
    let cli = enroll::second_factor_cli(&vserver, &account).unwrap_or_default();
    let uuid = RwSignal::new(None::<String>);
    if let Some(client) = SessionCtx::use_ctx().client() {
        let account = account.clone();
        spawn_local(async move {
            if let Ok(found) = identity::accounts_named(&client, &account).await {
                let u = found
                    .iter()
                    .find(|a| a.owner_name() == Some(vserver.as_str()) || found.len() == 1)
                    .and_then(|a| a.owner_uuid().map(str::to_owned));
                uuid.try_set(u);
            }
        });
    }
    let rest = move || {
        let u = uuid.get().unwrap_or_else(|| "{owner.uuid}".into());
        let (path, body) = enroll::second_factor_rest(&u, &account);
        format!("PATCH {path}\n{body}")
    };
    view! {
        <Alert
            message="TOTP is not set up as the SSH second factor of your account, so ONTAP refuses a profile (error 144834561)."
            next_step="Ask a cluster administrator to set it, then come back here. In the cluster shell:"
        >
            <pre class="command" tabindex="0" aria-label="CLI command">{cli.clone()}</pre>
            <p class="notice-detail">"Or with the REST API (applications replaces the whole list: keep every application the account has, http included, which this page needs):"</p>
            <pre class="command" tabindex="0" aria-label="REST call">{rest}</pre>
        </Alert>
    }
}

/// An enabled profile exists: how to reset it.
pub(crate) fn existing_view(me: Option<&Me>) -> impl IntoView {
    let account = me.map(|m| m.account.clone()).unwrap_or_default();
    let vserver = me.map(|m| m.vserver().to_owned()).unwrap_or_default();
    let cli = enroll::reset_cli(&vserver, &account).unwrap_or_default();
    view! {
        <Alert
            message="You already have an enabled TOTP profile."
            next_step="Lost your authenticator? An administrator disables your profile (ONTAP's documented reset); then you enroll again here. Until then, sign in over SSH with an emergency code. In the cluster shell, the administrator runs:"
        >
            <pre class="command" tabindex="0" aria-label="CLI command to disable the profile">{cli}</pre>
        </Alert>
        <p><A href="/profiles">"Go to the TOTP profiles"</A></p>
    }
}

/// The profile was created but its answer was lost: nothing can show the secret again.
pub fn lost_view(me: Option<&Me>, post_error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let account = me.map(|m| m.account.clone()).unwrap_or_default();
    let vserver = me.map(|m| m.vserver().to_owned()).unwrap_or_default();
    let cli = enroll::reset_cli(&vserver, &account).unwrap_or_default();
    let detail = move || post_error.get().map(|e| Explained::from(&e).message);
    view! {
        <Alert
            message="Your profile may have been created, but its answer (the secret and the emergency codes) did not arrive, and ONTAP never shows them again."
            next_step="SSH may now ask you for a code you do not have. Ask an administrator to disable your profile, then enroll again here:"
        >
            <pre class="command" tabindex="0" aria-label="CLI command to disable the profile">{cli}</pre>
            <p class="notice-detail">{detail}</p>
        </Alert>
    }
}
