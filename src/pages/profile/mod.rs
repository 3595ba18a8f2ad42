//! The profile editor page at `/profiles/{owner.uuid}/{account.name}`: checks the deep link,
//! loads the profile, shows its read-only facts and the [`form::EditorForm`].

mod actions;
pub mod delete;
mod edit;
pub mod form;
mod messages;
pub mod review;
mod save;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use ontap_model::{Totp, TotpKey};

use crate::routes::parse_key;

use crate::api::{totps, ApiError};
use crate::components::Explained;
use crate::components::{Alert, Status};
use crate::session::{EditRights, SessionCtx};
use crate::store::ProfileStore;
use form::{Backend, EditorForm};
use review::EditorEnv;

#[component]
pub(crate) fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params.with(|p| {
            parse_key(
                p.get_str("owner").unwrap_or_default(),
                p.get_str("account").unwrap_or_default(),
            )
        })
    });
    let profiles = crate::routes::Base::current().profiles();
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <A href=profiles>"TOTP profiles"</A>
        </nav>
        {move || match key.get() {
            Err(message) => view! {
                <h1>"This link is not valid"</h1>
                <Alert
                    message=message
                    next_step="Nothing was sent to the cluster. Open the profile from the list instead."
                />
            }
            .into_any(),
            Ok(key) => view! { <ProfileLoader key=key /> }.into_any(),
        }}
    }
}

/// Loads the profile; "Try again" after a failure reads it again in a new [`ProfileRead`]
/// (whose read starts from "Loading…", and whose old read, if any, is aborted).
#[component]
fn ProfileLoader(key: TotpKey) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    move || {
        attempt.track();
        let again = Callback::new(move |()| attempt.update(|n| *n += 1));
        view! { <ProfileRead key=key.clone() again=again /> }
    }
}

#[component]
fn ProfileRead(key: TotpKey, again: Callback<()>) -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let store = ProfileStore::use_ctx();
    // The page's read is this view's (aborted if the user leaves first); the editor's save and
    // its re-read go through the session's client, which is never aborted.
    let (Some(reader), Some(client)) = (session.view_client(), session.client()) else {
        return view! { <Alert message="You are signed out." /> }.into_any();
    };
    let env = editor_env(&session);
    // What the role may change, for the editor (the Enabled switch) to read.
    provide_context(EditRights::from_session(&session));
    // True while the editor saves or asks a question: Delete waits meanwhile.
    let editor_holding = RwSignal::new(false);
    let backend = {
        let (c1, k1, c2, k2) = (client.clone(), key.clone(), client, key.clone());
        Backend {
            save: Arc::new(move |p| {
                let (c, k) = (c1.clone(), k1.clone());
                Box::pin(async move { totps::patch(&c, &k, &p).await })
            }),
            load: Arc::new(move || {
                let (c, k) = (c2.clone(), k2.clone());
                Box::pin(async move {
                    let t = totps::get(&c, &k).await?;
                    // The table shows what the cluster now holds, without a reload.
                    store.update_profile(&t);
                    Ok(t)
                })
            }),
        }
    };
    let profile = {
        let key = key.clone();
        LocalResource::new(move || {
            let (c, k) = (reader.clone(), key.clone());
            async move {
                let t = totps::get(&c, &k).await?;
                store.update_profile(&t);
                Ok::<Totp, ApiError>(t)
            }
        })
    };
    let loaded = move || profile.get().and_then(Result::ok);
    let title = crate::text::name(key.account.as_str());
    // The history of this account on its SVM, named once the profile (with its owner) is read.
    let base = crate::routes::Base::current();
    let history = {
        let key = key.clone();
        let base = base.clone();
        move || {
            let svm = loaded().and_then(|t| t.owner.and_then(|o| o.name));
            let href = base.history(
                Some(key.owner.as_str()),
                svm.as_deref(),
                key.account.as_str(),
            );
            view! { <crate::components::EncodedLink href=href>"History of this profile"</crate::components::EncodedLink> }
        }
    };
    let account = base.account(key.owner.as_str(), key.account.as_str());
    view! {
        <h1>{title}</h1>
        <p class="links">
            <crate::components::EncodedLink href=account>"Account"</crate::components::EncodedLink>
            " · "
            {history}
        </p>
        {move || match profile.get() {
            None => view! { <Status message="Loading the profile…" busy=true /> }.into_any(),
            Some(Err(e)) => {
                let Explained { message: m, next_step: n } = Explained::from(&e);
                view! {
                    <Alert message=m next_step=n>
                        <button type="button" class="button" on:click=move |_| again.run(())>"Try again"</button>
                    </Alert>
                }
                .into_any()
            }
            Some(Ok(t)) => view! {
                <div class="editor-layout">
                    <Facts totp=t.clone() />
                    <div class="editor-column">
                        {match session.read_only_reason() {
                            // A read-only role sees the facts and why it cannot change them.
                            Some(why) => view! { <p class="read-only-note" role="note">{why}</p> }.into_any(),
                            None => view! { <EditorForm loaded=t.clone() backend=backend.clone() env=env.clone() holding=editor_holding /> }.into_any(),
                        }}
                        <delete::DeleteProfile totp=t key=key.clone() hold=editor_holding />
                    </div>
                </div>
            }
            .into_any(),
        }}
    }
    .into_any()
}

/// The signed-in user and the cluster's address, for the curl line the editor shows.
fn editor_env(session: &SessionCtx) -> EditorEnv {
    session.session.with_untracked(|s| match s {
        Some(s) => EditorEnv {
            user: s.user.clone(),
            origin: s.curl_origin(),
        },
        None => EditorEnv::default(),
    })
}

/// The read-only facts of a profile.
#[component]
fn Facts(totp: Totp) -> impl IntoView {
    let dash = || "—".to_owned();
    let svm = match (totp.owner_name(), totp.owner_uuid()) {
        (Some(n), _) => crate::text::name(n),
        (None, Some(u)) => u.to_owned(),
        _ => dash(),
    };
    view! {
        <dl class="facts">
            <dt>"Account"</dt>
            <dd>{totp.account_name().map(crate::text::name).unwrap_or_else(dash)}</dd>
            <dt>"Owner (SVM)"</dt>
            <dd>{svm}</dd>
            <dt>"Owner UUID"</dt>
            <dd class="mono">{totp.owner_uuid().map(str::to_owned).unwrap_or_else(dash)}</dd>
            <dt>"Scope"</dt>
            <dd>{totp.scope.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_else(dash)}</dd>
            <dt>"SHA fingerprint"</dt>
            <dd class="mono break">{totp.sha_fingerprint.clone().unwrap_or_else(dash)}</dd>
        </dl>
    }
}
