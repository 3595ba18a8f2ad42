//! The fleet's sign-in forms: the shared one (one credential set for the clusters that take
//! it, tried on one cluster first) and a cluster's own (for a cluster that refused the shared
//! set: only it asks). User name and password, or an access token, as on the single-cluster
//! sign-in. What is typed stays in memory and is cleared once sent.

use leptos::prelude::*;
use ontap_model::AccountName;
use wasm_bindgen::JsCast;

use crate::api::Credentials;
use crate::components::{Alert, TextField};
use crate::session::signin::Typed;
use crate::store::fleet::{FleetStore, Member, SharedFailure};

/// The fields of one form, and their checks.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    token_mode: RwSignal<bool>,
    user: RwSignal<String>,
    password: RwSignal<String>,
    token: RwSignal<String>,
    tried: RwSignal<bool>,
}

impl Fields {
    pub(crate) fn new() -> Fields {
        Fields {
            token_mode: RwSignal::new(false),
            user: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            token: RwSignal::new(String::new()),
            tried: RwSignal::new(false),
        }
    }
    fn user_error(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            (self.tried.get() && !self.token_mode.get()).then(|| {
                AccountName::try_from(self.user.get())
                    .err()
                    .map(|e| e.to_string())
            })?
        })
    }
    fn password_error(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            (self.tried.get() && !self.token_mode.get() && self.password.with(String::is_empty))
                .then(|| "A password is required.".to_owned())
        })
    }
    fn token_error(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            (self.tried.get() && self.token_mode.get() && self.token.with(|t| t.trim().is_empty()))
                .then(|| "An access token is required.".to_owned())
        })
    }
    /// Starts with what was typed into the single-cluster form (`FleetStore::take_carried`).
    fn fill(self, t: Typed) {
        self.token_mode.set(t.token);
        self.user.set(t.user);
        self.password.set(t.password);
        self.token.set(t.bearer);
    }

    /// The credentials typed, once every field is valid; the secret fields are then cleared.
    pub(crate) fn take(self) -> Option<Credentials> {
        self.tried.set(true);
        let errors = [self.user_error(), self.password_error(), self.token_error()];
        if errors.iter().any(|e| e.get_untracked().is_some()) {
            return None;
        }
        let c = if self.token_mode.get_untracked() {
            Credentials::Bearer(self.token.get_untracked().trim().to_owned())
        } else {
            Credentials::Basic {
                user: self.user.get_untracked(),
                password: self.password.get_untracked(),
            }
        };
        self.password.set(String::new());
        self.token.set(String::new());
        self.tried.set(false);
        Some(c)
    }

    /// User name and password only: Unified Manager's API documents basic authentication
    /// alone, so its sign-in offers no token.
    pub(crate) fn basic_view(self, p: String) -> impl IntoView {
        view! {
            <TextField id=format!("{p}user") label="User name" value=self.user
                error=self.user_error() autocomplete="username" />
            <TextField id=format!("{p}password") label="Password" kind="password"
                value=self.password error=self.password_error() autocomplete="current-password" />
        }
    }

    /// The method choice and the fields; `p` prefixes the ids (one form per cluster).
    fn view(self, p: String) -> impl IntoView {
        let basic_id = format!("{p}auth-basic");
        let token_id = format!("{p}auth-token");
        let group = format!("{p}auth-method");
        view! {
            <fieldset class="choices">
                <legend>"Sign in with"</legend>
                <label class="choice" for=basic_id.clone()>
                    <input type="radio" id=basic_id.clone() name=group.clone()
                        prop:checked=move || !self.token_mode.get()
                        on:change=move |_| self.token_mode.set(false) />
                    <span>"User name and password"</span>
                </label>
                <label class="choice" for=token_id.clone()>
                    <input type="radio" id=token_id.clone() name=group
                        prop:checked=move || self.token_mode.get()
                        on:change=move |_| self.token_mode.set(true) />
                    <span>"Access token"</span>
                </label>
            </fieldset>
            <div class="method-fields" hidden=move || self.token_mode.get()>
                <TextField id=format!("{p}user") label="User name" value=self.user
                    error=self.user_error() autocomplete="username" />
                <TextField id=format!("{p}password") label="Password" kind="password"
                    value=self.password error=self.password_error() autocomplete="current-password" />
            </div>
            <div class="method-fields" hidden=move || !self.token_mode.get()>
                <TextField id=format!("{p}token") label="Token" kind="password" value=self.token
                    error=self.token_error() autocomplete="off"
                    hint="An OAuth 2.0 access token (ONTAP 9.14 or later), sent as a bearer token." />
            </div>
        }
    }
}

/// The shared sign-in, shown until a cluster has accepted a credential set.
#[component]
pub(crate) fn FleetSignIn() -> impl IntoView {
    let store = FleetStore::use_ctx();
    let fields = Fields::new();
    let busy = RwSignal::new(false);
    let send = move || {
        if busy.get_untracked() {
            return;
        }
        let Some(credentials) = fields.take() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            store.sign_in(credentials).await;
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    // What was typed before this page took the single-cluster form's place, and a Sign in
    // pressed there, acted on here once.
    if let Some(t) = store.take_carried() {
        let pressed = t.submit;
        if let Some(id) = t.focus.clone() {
            // As soon as this form is in the document (an effect runs once it is mounted),
            // so that no keystroke falls between the two forms.
            let id = format!("fleet-{id}");
            Effect::new(move |_| {
                if !focus(&id) {
                    let id = id.clone();
                    request_animation_frame(move || {
                        focus(&id);
                    });
                }
            });
        }
        fields.fill(t);
        if pressed {
            send();
        }
    }
    let alert = move || {
        store.refusal.get().map(|r| match r {
            SharedFailure::Refused(name) => view! {
                <Alert
                    message=format!("Sign-in failed: {name} did not accept this user name and password or token.")
                    next_step="Nothing was sent to the other clusters. Check what you typed and try again (an AD account locks after too many failed sign-ins)."
                />
            },
            SharedFailure::Unreachable(e) => {
                let x = crate::components::explain::fleet_unreachable(&e);
                view! {
                    <Alert message=format!("No cluster could be reached. {}", x.message) next_step=x.next_step />
                }
            }
        })
    };
    let count = store
        .list_untracked()
        .iter()
        .filter(|m| m.via_gateway().is_none())
        .count();
    view! {
        <section class="fleet-signin connect-card" aria-labelledby="fleet-signin-title">
            <h2 id="fleet-signin-title">"Sign in to the fleet"</h2>
            <p class="muted">
                {format!("One sign-in for the {count} clusters listed: it is tried on one cluster first and offered to the others only once accepted. A cluster that refuses it asks for its own. Nothing is kept once you sign out or close the tab.")}
            </p>
            <form on:submit=submit novalidate>
                {alert}
                {fields.view("fleet-".into())}
                <button type="submit" class="button button-primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}

/// A cluster's own sign-in, for a cluster that refused the shared credentials.
#[component]
pub(crate) fn ClusterSignIn(member: Member) -> impl IntoView {
    let store = FleetStore::use_ctx();
    let fields = Fields::new();
    let name = member.name();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(c) = fields.take() {
            store.offer(member, c);
        }
    };
    let title_id = format!("signin-{name}-title");
    view! {
        <section class="fleet-own-signin" aria-labelledby=title_id.clone() data-cluster=name.clone()>
            <h2 id=title_id.clone()>{format!("Sign in to {name}")}</h2>
            <p class="muted">{format!("{name} did not accept the shared sign-in. Credentials entered here are sent to {name} only.")}</p>
            <form on:submit=submit novalidate>
                {fields.view(format!("c-{name}-"))}
                <button type="submit" class="button button-primary">{format!("Sign in to {name}")}</button>
            </form>
        </section>
    }
}

/// Puts the focus on the control `id`; `false` when it is not in the document (yet).
fn focus(id: &str) -> bool {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    el.is_some_and(|el| el.focus().is_ok())
}
