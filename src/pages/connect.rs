//! Sign-in to a cluster: user name and password (HTTP basic authentication) or an OAuth 2.0
//! access token (ONTAP 9.14 and later), checked by reading `/api/cluster`. Shown for any
//! address while signed out; once signed in, the page shows what the address points at, so a
//! deep link survives a reload and a new sign-in. Says why the last session ended.
//!
//! The form is static markup in `index.html`, usable before the wasm arrives: a CSR app cannot
//! adopt existing DOM and re-creating the form would lose focus, caret and autofill, so the
//! first wasm module binds the elements by id ([`ids`]) once, with plain DOM calls and no
//! Leptos ([`bind`]: the first load carries no renderer), and acts on a Sign in pressed before
//! that (kept by `assets/early.js` as `data-early`), once. [`ConnectPage`], made by the second
//! module with the rest of the page, shows and hides the screen and says why a session ended.

use std::cell::Cell;

use leptos::portal::Portal;
use leptos::prelude::*;
use ontap_model::AccountName;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use crate::api::Credentials;
use crate::components::theme::Theme;
use crate::components::{Alert, Explained};
use crate::session::signin::{Later, Request, Typed};
use crate::session::{SessionCtx, SignedOut, MAX_IDLE_MINUTES};

/// The ids of `index.html`'s sign-in screen that this module binds; the only way it finds them.
pub(crate) mod ids {
    /// Where the app mounts: before the sign-in screen, so that the signed-in page comes first.
    pub(crate) const APP: &str = "app";
    pub(crate) const SCREEN: &str = "signin-screen";
    pub(crate) const FORM: &str = "signin-form";
    pub(crate) const WHY: &str = "signin-why";
    pub(crate) const ALERT: &str = "signin-alert";
    pub(crate) const THEME: &str = "theme-connect";
    pub(crate) const TOKEN_CHOICE: &str = "auth-token";
    pub(crate) const BASIC_CHOICE: &str = "auth-basic";
    pub(crate) const USER: &str = "user";
    pub(crate) const PASSWORD: &str = "password";
    pub(crate) const TOKEN: &str = "token";
    pub(crate) const STAY: &str = "stay";
    pub(crate) const API_BASE: &str = "api-base";
    pub(crate) const IDLE: &str = "idle-minutes";
    pub(crate) const SUBMIT: &str = "signin-submit";
    /// The note shown instead of the form while a session kept in this tab is restored.
    pub(crate) const RESTORING: &str = "restoring-screen";
    /// Every id above (each validated field also has an `{id}-error` paragraph: [`FIELDS`]).
    #[cfg(test)]
    pub(crate) const ALL: [&str; 16] = [
        APP,
        SCREEN,
        RESTORING,
        FORM,
        WHY,
        ALERT,
        THEME,
        TOKEN_CHOICE,
        BASIC_CHOICE,
        USER,
        PASSWORD,
        TOKEN,
        STAY,
        API_BASE,
        IDLE,
        SUBMIT,
    ];
    /// The fields that can be wrong, each with an error paragraph `{id}-error`.
    pub(crate) const FIELDS: [&str; 5] = [USER, PASSWORD, TOKEN, API_BASE, IDLE];
}

/// Reads the idle setting: whole minutes from 1 to [`MAX_IDLE_MINUTES`].
pub(crate) fn parse_idle_minutes(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(m) if (1..=MAX_IDLE_MINUTES).contains(&m) => Ok(m),
        _ => Err(format!(
            "Enter a whole number of minutes from 1 to {MAX_IDLE_MINUTES}."
        )),
    }
}

/// How the sign-in form reaches sign-in without importing the shell that loads it: the shell
/// passes its split point in.
#[derive(Clone, Copy)]
pub struct Loader {
    /// Signs in and enters the session (the signed-in page then shows), or says why not in
    /// words (worded behind the split point: the error catalogue is not part of the first load).
    pub(crate) sign_in: fn(Request) -> Later<Result<(), Explained>>,
}

/// What the form holds when Sign in is pressed.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Fields {
    pub(crate) token: bool,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) bearer: String,
    pub(crate) api_base: String,
    pub(crate) idle: String,
}

/// Each field's error, in [`ids::FIELDS`]' order: only the chosen method's fields are checked.
pub(crate) fn errors(f: &Fields) -> [Option<String>; 5] {
    let basic = !f.token;
    let b = &f.api_base;
    [
        basic
            .then(|| {
                AccountName::try_from(f.user.clone())
                    .err()
                    .map(|e| e.to_string())
            })
            .flatten(),
        (basic && f.password.is_empty()).then(|| "A password is required.".to_owned()),
        (!basic && f.bearer.trim().is_empty()).then(|| "An access token is required.".to_owned()),
        (!(b.starts_with('/') || b.starts_with("https://") || b.starts_with("http://"))).then(
            || {
                "The API address is a path on this site (such as /api) or a full https:// address."
                    .to_owned()
            },
        ),
        parse_idle_minutes(&f.idle).err(),
    ]
}

fn el(id: &str) -> Option<Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

fn input(id: &str) -> Option<HtmlInputElement> {
    el(id)?.dyn_into().ok()
}

fn value(id: &str) -> String {
    input(id).map(|i| i.value()).unwrap_or_default()
}

fn checked(id: &str) -> bool {
    input(id).is_some_and(|i| i.checked())
}

fn read() -> Fields {
    Fields {
        token: checked(ids::TOKEN_CHOICE),
        user: value(ids::USER),
        password: value(ids::PASSWORD),
        bearer: value(ids::TOKEN),
        api_base: value(ids::API_BASE),
        idle: value(ids::IDLE),
    }
}

/// Shows each field's error under it, tied to it (`aria-invalid`, `aria-describedby`), as the
/// `TextField` component does for the other forms.
fn show_errors(errs: &[Option<String>; 5]) {
    for (id, e) in ids::FIELDS.iter().zip(errs) {
        let error_id = format!("{id}-error");
        if let Some(p) = el(&error_id) {
            p.set_text_content(e.as_deref());
            let _ = p.toggle_attribute_with_force("hidden", e.is_none());
        }
        let Some(i) = el(id) else { continue };
        let _ = i.set_attribute("aria-invalid", if e.is_some() { "true" } else { "false" });
        let hint = format!("{id}-hint");
        let described: Vec<&str> = [
            el(&hint).map(|_| hint.as_str()),
            e.as_ref().map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let _ = if described.is_empty() {
            i.remove_attribute("aria-describedby")
        } else {
            i.set_attribute("aria-describedby", &described.join(" "))
        };
        if let Some(field) = i.parent_element() {
            let _ = field
                .class_list()
                .toggle_with_force("field-invalid", e.is_some());
        }
    }
}

fn listen(target: &Element, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    let cb = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
    // Bound once for the page's life.
    cb.forget();
}

/// The sign-in form's state, kept while the page lives (the screen comes and goes). Plain
/// cells, not signals: this is the first module, which has no reactive system.
#[derive(Clone, Copy, Default)]
struct State {
    /// Sign in was pressed since the screen was last shown fresh: each keystroke re-checks.
    tried: bool,
    /// An attempt is on its way (one at a time; a plain task, not an `Action`).
    busy: bool,
}

thread_local! {
    static STATE: Cell<State> = Cell::new(State::default());
}

fn state() -> State {
    STATE.with(Cell::get)
}

fn update(f: impl FnOnce(&mut State)) {
    STATE.with(|c| {
        let mut s = c.get();
        f(&mut s);
        c.set(s);
    });
}

/// The button's words and state follow the attempt.
fn set_busy(busy: bool) {
    update(|s| s.busy = busy);
    if let Some(button) = el(ids::SUBMIT) {
        let _ = button.toggle_attribute_with_force("disabled", busy);
        let _ = button.remove_attribute("aria-disabled");
        button.set_text_content(Some(if busy { "Signing in…" } else { "Sign in" }));
    }
}

/// Puts `x` in the form's alert place (`None`: empties it), as the `Alert` component draws
/// one: its words as text, never as markup.
fn show_alert(x: Option<&Explained>) {
    let Some(place) = el(ids::ALERT) else {
        return;
    };
    place.set_text_content(None);
    let Some(x) = x else { return };
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(div), Ok(title), Ok(detail)) = (
        doc.create_element("div"),
        doc.create_element("p"),
        doc.create_element("p"),
    ) else {
        return;
    };
    let _ = div.set_attribute("class", "notice notice-error");
    let _ = div.set_attribute("role", "alert");
    let _ = title.set_attribute("class", "notice-title");
    title.set_text_content(Some(&x.message));
    let _ = detail.set_attribute("class", "notice-detail");
    detail.set_text_content(Some(&x.next_step));
    let _ = div.append_child(&title);
    let _ = div.append_child(&detail);
    let _ = place.append_child(&div);
}

/// Binds `index.html`'s sign-in form (once, at start): its submit, live checks after the first
/// try, the theme choice; then acts on a Sign in pressed before now. Nothing when the page's
/// `index.html` has no form (a broken deployment: [`ConnectPage`] says so). `true` when that
/// early Sign in went out (its fields were right).
pub(crate) fn bind(loader: Loader) -> bool {
    let Some(form_el) = el(ids::FORM) else {
        return false;
    };
    let submit = move || {
        if state().busy {
            return false;
        }
        update(|s| s.tried = true);
        let f = read();
        let errs = errors(&f);
        show_errors(&errs);
        if let Some(first) = ids::FIELDS.iter().zip(&errs).find(|(_, e)| e.is_some()) {
            if let Some(i) = input(first.0) {
                let _ = i.focus();
            }
            return false;
        }
        let Ok(minutes) = parse_idle_minutes(&f.idle) else {
            return false;
        };
        let credentials = if f.token {
            Credentials::Bearer(f.bearer.trim().to_owned())
        } else {
            Credentials::Basic {
                user: f.user,
                password: f.password,
            }
        };
        let request = Request {
            credentials,
            api_base: f.api_base,
            idle_ms: minutes.saturating_mul(60_000),
            stay: checked(ids::STAY),
        };
        show_alert(None);
        set_busy(true);
        wasm_bindgen_futures::spawn_local(async move {
            let result = (loader.sign_in)(request).await;
            set_busy(false);
            match result {
                Err(_) => show_alert(Some(&Explained::not_loaded())),
                Ok(Err(x)) => show_alert(Some(&x)),
                Ok(Ok(())) => {
                    for id in [ids::PASSWORD, ids::TOKEN] {
                        if let Some(i) = input(id) {
                            i.set_value("");
                        }
                    }
                }
            }
        });
        true
    };

    listen(&form_el, "submit", move |ev| {
        ev.prevent_default();
        submit();
    });
    // After the first try, each keystroke re-checks the form (as the other forms' fields do).
    listen(&form_el, "input", move |_| {
        if state().tried {
            show_errors(&errors(&read()));
        }
    });
    listen(&form_el, "change", move |ev| {
        let radio = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|t| t.get_attribute("name").as_deref() == Some("auth-method"));
        if radio {
            show_alert(None);
            if state().tried {
                show_errors(&errors(&read()));
            }
        }
    });
    if let Some(theme) = el(ids::THEME) {
        let _ = js_sys::Reflect::set(&theme, &"value".into(), &Theme::saved().as_str().into());
        listen(&theme, "change", |ev| {
            let v = ev
                .target()
                .and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok())
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            Theme::parse(&v).apply(true);
        });
    }
    let _ = form_el.set_attribute("data-ready", "");
    // early.js's "Starting…" ends here: the press it kept is acted on now, or the form
    // answers it with its field errors.
    set_busy(false);
    if form_el.has_attribute("data-early") {
        let _ = form_el.remove_attribute("data-early");
        return submit();
    }
    false
}

/// The form as if just opened, for the screen shown again after a session: no error from a
/// past visit. An attempt on its way is left as it is.
fn reset() {
    if state().busy {
        return;
    }
    update(|s| s.tried = false);
    show_alert(None);
    show_errors(&Default::default());
}

/// The sign-in screen while it is mounted: `index.html`'s form shown (fresh when it comes back
/// after a session), with why the last session ended in its place.
#[component]
pub(crate) fn ConnectPage() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let (Some(_form), Some(screen), Some(why_el)) = (el(ids::FORM), el(ids::SCREEN), el(ids::WHY))
    else {
        return view! {
            <main class="connect">
                <div class="connect-card" role="alert">
                    <h1>"totp-admin could not start"</h1>
                    <p>"The sign-in form is missing from this site's index.html. Ask the site's administrator to deploy the page again."</p>
                </div>
            </main>
        }
        .into_any();
    };
    // Shown first, the form keeps what was typed and tried before this module arrived; shown
    // again after a session, it starts fresh.
    if session.ended.get_untracked().is_some() {
        reset();
    }
    let _ = screen.remove_attribute("hidden");
    on_cleanup(hide);

    // Why the last session ended. A session that the signed-in page ended (sign-out, idle,
    // another tab) is explained by that page's own code, in what it left for this screen
    // (`SessionCtx::leftover`, with a bulk run's report). Here only a kept session that could
    // not be restored.
    let why = move || {
        session.ended.get().and_then(|w| match w {
            SignedOut::RestoreFailed { message } => Some(view! {
                <Alert message="The session kept in this tab could not be restored, so it was forgotten." next_step=message />
            }),
            _ => None,
        })
    };
    let leftover = session.leftover();
    view! {
        <Portal mount=why_el>
            {why}
            // What the signed-in page left: why it ended, a bulk run's report.
            {leftover.clone().map(|v| v.run())}
        </Portal>
    }
    .into_any()
}

/// The controls whose focus a fleet's form takes over: its own have the same ids, prefixed.
const CARRIED_FOCUS: [&str; 5] = [
    ids::USER,
    ids::PASSWORD,
    ids::TOKEN,
    ids::TOKEN_CHOICE,
    ids::BASIC_CHOICE,
];

/// What is typed in the form, for a fleet's page that takes its place; the secret fields are
/// cleared here (they live on in the fleet's form alone). `None` when there is no form, or
/// nothing was typed, focused or pressed in it.
pub(crate) fn take_typed(submit: bool) -> Option<Typed> {
    el(ids::FORM)?;
    let f = read();
    for id in [ids::PASSWORD, ids::TOKEN] {
        if let Some(i) = input(id) {
            i.set_value("");
        }
    }
    let focus = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(|e| e.id())
        .filter(|id| CARRIED_FOCUS.contains(&id.as_str()));
    let typed = !(f.user.is_empty() && f.password.is_empty() && f.bearer.is_empty());
    (typed || submit || focus.is_some()).then_some(Typed {
        token: f.token,
        user: f.user,
        password: f.password,
        bearer: f.bearer,
        submit,
        focus,
    })
}

/// While a session kept in this tab is restored (`true`), its note in place of the form; then
/// (`false`) the note goes, and [`ConnectPage`] shows the form if the session did not come back.
pub(crate) fn restoring(on: bool) {
    if let Some(note) = el(ids::RESTORING) {
        let _ = note.toggle_attribute_with_force("hidden", !on);
    }
    if on {
        hide();
    }
}

/// The kept session could not be restored because the rest of the page did not arrive: the
/// form comes back, saying so (the first module's own words; the page's are not there).
pub(crate) fn not_restored() {
    restoring(false);
    if let Some(s) = el(ids::SCREEN) {
        let _ = s.remove_attribute("hidden");
    }
    show_alert(Some(&Explained::new(
        "The session kept in this tab could not be restored, so it was forgotten.",
        "The rest of totp-admin did not arrive from the web server; check the connection and sign in again.",
    )));
}

/// Hides the sign-in screen: signed in, or restoring a kept session. [`ConnectPage`] shows it.
pub(crate) fn hide() {
    if let Some(s) = el(ids::SCREEN) {
        let _ = s.set_attribute("hidden", "");
    }
}

/// Index.html's `#app`, where the app mounts (before the sign-in screen).
pub(crate) fn app_root() -> Option<web_sys::HtmlElement> {
    el(ids::APP)?.dyn_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id the code binds is in `index.html`, so the static form and the code cannot
    /// drift; and the defaults written there are the session's.
    #[test]
    fn every_bound_id_is_in_index_html() {
        let html = include_str!("../../index.html");
        for id in ids::ALL {
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "index.html has no id {id:?}"
            );
        }
        for id in ids::FIELDS {
            assert!(
                html.contains(&format!("id=\"{id}-error\"")),
                "index.html has no {id}-error"
            );
        }
        assert!(html.contains(&format!(
            "id=\"api-base\" type=\"text\" value=\"{}\"",
            crate::session::DEFAULT_API_BASE
        )));
        assert!(html.contains(&format!(
            "id=\"idle-minutes\" type=\"number\" value=\"{}\"",
            crate::session::DEFAULT_IDLE_MINUTES
        )));
        // The credentials never leave in a form submission: no name to submit them under.
        for id in [ids::USER, ids::PASSWORD, ids::TOKEN] {
            let at = html.find(&format!("<input id=\"{id}\"")).unwrap();
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            assert!(!tag.contains("name="), "{tag}");
        }
    }

    fn basic(user: &str, password: &str) -> Fields {
        Fields {
            user: user.into(),
            password: password.into(),
            api_base: "/api".into(),
            idle: "15".into(),
            ..Fields::default()
        }
    }

    #[test]
    fn only_the_chosen_methods_fields_are_checked() {
        assert_eq!(
            errors(&basic("admin", "pw")),
            [None, None, None, None, None]
        );
        let e = errors(&basic("", ""));
        assert!(e[0].is_some() && e[1].is_some() && e[2].is_none());
        let token = Fields {
            token: true,
            bearer: "  ".into(),
            ..basic("", "")
        };
        let e = errors(&token);
        assert!(e[0].is_none() && e[1].is_none());
        assert_eq!(e[2].as_deref(), Some("An access token is required."));
    }

    #[test]
    fn the_api_address_and_idle_minutes_are_checked() {
        let f = Fields {
            api_base: "cluster.example/api".into(),
            idle: "0".into(),
            ..basic("admin", "pw")
        };
        let e = errors(&f);
        assert!(e[3].as_deref().unwrap().contains("path on this site"));
        assert!(e[4].as_deref().unwrap().contains("from 1 to"));
        for ok in ["/api", "https://c.example/api", "http://localhost:8080/api"] {
            let f = Fields {
                api_base: ok.into(),
                ..basic("admin", "pw")
            };
            assert_eq!(errors(&f)[3], None, "{ok}");
        }
    }
}
