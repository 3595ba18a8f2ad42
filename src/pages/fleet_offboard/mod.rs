//! Offboarding across the fleet (issue 19), `/fleet/offboard`: account names and an action
//! ("Disable their TOTP profiles" or "Require TOTP for SSH"); Find reads every signed-in
//! cluster fresh and shows per cluster what will change and what is left alone, and why,
//! with the CLI equivalent; Run sends the writes with the bulk runner (`run.rs`), and the
//! results come per row, with a CSV. The state lives in the shell (`store::fleet_batch`), so a
//! run goes on when the page is left.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::TextField;
use crate::routes;
use crate::store::fleet::FleetStore;
use crate::store::fleet_batch::{parse_names, Offboard, OffboardState, Skip};

mod results;
mod review;
mod run;

use results::OffboardResults;
use review::OffboardReview;

/// A name as shown (`text::name`), or a dash where a row has none (a cluster left alone
/// whole has no SVM or account).
pub(super) fn name_or_dash(s: &str) -> String {
    if s.is_empty() {
        "—".to_owned()
    } else {
        crate::text::name(s)
    }
}

/// What a row or a cluster left alone says.
pub(super) fn skip_words(s: &Skip) -> String {
    use crate::components::explain::{fleet_unreachable, gateway_write_refused};
    match s {
        Skip::AlreadyDisabled => "Already disabled: nothing to send.".into(),
        Skip::NoProfile => "This SVM's account has no TOTP profile.".into(),
        Skip::NoAccount => "No account of this name on the cluster.".into(),
        Skip::Gone => "Picked in the table, but no longer on this SVM when read again: nothing to change.".into(),
        Skip::AlreadyRequired => "SSH already asks this account for TOTP.".into(),
        Skip::CannotRequire(m) => m.clone(),
        Skip::NoTotp(v) => format!("ONTAP {v} has no TOTP (it came with ONTAP 9.13.1): nothing to change there."),
        Skip::NotSignedIn => "Not signed in to this cluster: nothing is read from it or sent to it. Sign in to it on the overview, then find again.".into(),
        Skip::Unreachable(e) => {
            let x = fleet_unreachable(e);
            format!("Could not be read: {} {} Nothing is sent to it.", x.message, x.next_step)
        }
        Skip::GatewayRefused(said) => {
            let x = gateway_write_refused(false, said);
            format!("{} {}", x.message, x.next_step)
        }
    }
}

#[component]
pub(crate) fn FleetOffboard() -> impl IntoView {
    let fleet = FleetStore::use_ctx();
    let state = OffboardState::use_ctx();
    let tried = RwSignal::new(false);
    let error = Signal::derive(move || {
        if !tried.get() {
            return None;
        }
        parse_names(&state.names.get()).err()
    });
    let running = move || state.running();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if running() {
            return;
        }
        if let Ok(names) = parse_names(&state.names.get_untracked()) {
            state.find(fleet, names, state.action.get_untracked());
        }
    };
    let signed_in = move || fleet.signed_in();
    let choice = move |a: Offboard, id: &'static str| {
        view! {
            <label class="choice" for=id>
                <input type="radio" id=id name="offboard-action"
                    prop:checked=move || state.action.get() == a
                    on:change=move |_| state.action.set(a) />
                <span>{a.label()}</span>
            </label>
        }
    };
    view! {
        <div class="fleet-offboard">
        <h1>"Offboard across the fleet"</h1>
        <p class="offboard-intro">
            "Finds an account name on every cluster and every SVM, shows what will change and what is left alone, and sends the changes only when you run them. Disabling a profile is ONTAP's reset: the person can no longer sign in to SSH with it, and must enroll again to get a new one."
        </p>
        <Show when=signed_in fallback=|| view! {
            <p class="notice notice-warn offboard-signin">"Sign in to the fleet on the " <A href=routes::FLEET>"overview"</A> " first: offboarding reads and writes the clusters you are signed in to."</p>
        }>
            <form class="offboard-form" on:submit=submit novalidate=true>
                <TextField id="offboard-names" label="Account names" value=state.names error=error
                    autocomplete="off"
                    hint="One or more, separated by commas or spaces. Each name is found on every cluster and SVM." />
                <fieldset class="choices">
                    <legend>"Action"</legend>
                    {choice(Offboard::Disable, "offboard-disable")}
                    {choice(Offboard::RequireTotp, "offboard-require")}
                </fieldset>
                <button type="submit" class="button button-primary" disabled=running>"Find"</button>
            </form>
        </Show>
        {move || match state.run.get() {
            Some(run) => view! { <OffboardResults run /> }.into_any(),
            None => view! { <OffboardReview /> }.into_any(),
        }}
        <p class="offboard-changes"><A href=routes::FLEET_CHANGES>"Changes sent in this session"</A></p>
        </div>
    }
}
