//! A Unified Manager API gateway on the fleet overview (issue 19): its sign-in (Unified
//! Manager's own user name and password), then what the user must know about the clusters
//! behind it: who those clusters see (Unified Manager's stored account, not the user), whether
//! changes may be sent through it, why no self-enrollment is offered, and which clusters are
//! shown once because the file lists them directly too.

use leptos::prelude::*;

use crate::api::gateway::Writes;
use crate::components::explain::{gateway_sign_in, gateway_write_refused};
use crate::components::Alert;
use crate::store::fleet::{FleetStore, Gateway, GatewayAccess};

use crate::components::fleet_signin::Fields;

/// One gateway: its sign-in until it is signed in, then its notes.
#[component]
pub(crate) fn GatewayPanel(gateway: Gateway) -> impl IntoView {
    let signed_in = move || matches!(gateway.access.get(), GatewayAccess::In { .. });
    view! {
        <Show when=signed_in fallback=move || view! { <GatewaySignIn gateway /> }>
            <GatewayNotes gateway />
        </Show>
    }
}

/// Sign-in to a gateway: Unified Manager's credentials, basic authentication only (the one
/// scheme its API documents). A refusal is said, and not retried.
#[component]
fn GatewaySignIn(gateway: Gateway) -> impl IntoView {
    let store = FleetStore::use_ctx();
    let fields = Fields::new();
    let name = gateway.name();
    let busy = move || gateway.access.get() == GatewayAccess::Trying;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy() {
            return;
        }
        if let Some(c) = fields.take() {
            leptos::task::spawn_local(async move { store.sign_in_gateway(gateway, c).await });
        }
    };
    let alert = move || {
        let failed = match gateway.access.get() {
            GatewayAccess::Refused => Some(crate::api::ApiError::Unauthorized),
            GatewayAccess::Unreachable(e) => Some(e),
            _ => None,
        };
        failed.map(|e| {
            let x = gateway_sign_in(&e);
            view! { <Alert message=x.message next_step=x.next_step /> }
        })
    };
    let title_id = format!("gateway-{name}-title");
    view! {
        <section class="fleet-gateway-signin connect-card" aria-labelledby=title_id.clone() data-gateway=name.clone()>
            <h2 id=title_id.clone()>{format!("Sign in to Unified Manager ({name})")}</h2>
            <p class="muted">
                "The clusters Unified Manager manages are reached through its API gateway, with your Unified Manager user name and password (not a cluster's). They are sent to Unified Manager only, and kept in memory until you sign out."
            </p>
            <form on:submit=submit novalidate>
                {alert}
                {fields.basic_view(format!("g-{name}-"))}
                <button type="submit" class="button button-primary" disabled=busy>
                    {move || if busy() { "Signing in…" } else { "Sign in to Unified Manager" }}
                </button>
            </form>
        </section>
    }
}

/// What a signed-in gateway means for its clusters.
#[component]
fn GatewayNotes(gateway: Gateway) -> impl IntoView {
    let name = gateway.name();
    let access = move || match gateway.access.get() {
        GatewayAccess::In {
            user,
            listed,
            skipped,
        } => Some((user, listed, skipped)),
        _ => None,
    };
    let who = {
        let name = name.clone();
        move || {
            access().map(|(user, listed, skipped)| {
                let clusters = crate::text::count(listed, "cluster", "clusters");
                let skipped = (skipped > 0).then(|| format!(
                    " {skipped} more it listed had no cluster UUID the page can put in an address, and are left out."
                ));
                view! {
                    <p class="gateway-user">
                        {format!("Signed in to Unified Manager {name} as ")}<strong>{crate::text::name(&user)}</strong>
                        {format!("; its API gateway lists {clusters}.")}{skipped}
                    </p>
                    <p class="gateway-seen-as">
                        <strong>"Who the clusters see: "</strong>
                        {format!("every call through the gateway runs on the cluster as the account Unified Manager stores for it, not as {}. ONTAP's REST API cannot name that account to the page; Unified Manager's cluster settings and each cluster's audit log do.", crate::text::name(&user))}
                    </p>
                }
            })
        }
    };
    let writes = move || {
        let (class, text) = match gateway.writes.get() {
            Writes::Unknown => ("gateway-writes-unknown", "Changes: only Application Administrators may change anything through the gateway, and Unified Manager gives no way to learn your role first. The first change sent tells; if it is refused, no other change is sent through this gateway.".to_owned()),
            Writes::Accepted => ("gateway-writes-ok", "Changes: a change went through, so Unified Manager lets you change clusters through this gateway.".to_owned()),
            Writes::Refused { said } => {
                let x = gateway_write_refused(false, &said);
                ("gateway-writes-refused", format!("Changes: {} {}", x.message, x.next_step))
            }
        };
        view! { <p class=format!("gateway-writes {class}")>{text}</p> }
    };
    view! {
        <section class="notice fleet-gateway" data-gateway=name.clone()
            aria-label=format!("Unified Manager {name}")>
            {who}
            {writes}
            <p class="gateway-no-enroll">
                "No self-enrollment through the gateway: ONTAP lets a user create a TOTP profile only for themselves, and the cluster would take the request as Unified Manager's account. To set up your own authenticator, sign in to the cluster directly."
            </p>
        </section>
    }
}

/// Clusters both in `clusters.json` and behind a gateway: shown once, from the file's entry.
#[component]
pub(super) fn ShownOnce() -> impl IntoView {
    let store = FleetStore::use_ctx();
    move || {
        let d = store.duplicates.get();
        (!d.is_empty()).then(|| {
            view! {
                <div class="notice fleet-shown-once" role="status">
                    <ul>
                        {d.into_iter().map(|d| view! {
                            <li>{format!(
                                "{} (cluster UUID {}) is listed by Unified Manager {} and in clusters.json as {}: it is shown once, as {}, where the cluster sees you signed in yourself.",
                                crate::text::name(&d.listed_as), d.uuid, d.gateway, d.direct, d.direct
                            )}</li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
