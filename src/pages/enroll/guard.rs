//! Asks before leaving the enrollment midway: the browser's own prompt on reload or closing the
//! tab (`beforeunload`), and a confirmation on in-app navigation (links, Back/Forward, Sign
//! out). The listeners are installed once per page load, at start-up, in the capture phase on
//! `window`, so they run before the router's; they do nothing unless a flow is active.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
    /// The address of the enrollment page, put back when a Back/Forward is refused.
    static HOME: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// What the confirmation says.
pub(crate) const LEAVE_QUESTION: &str = "Leave the authenticator set-up? Your profile is already \
active: the QR code, the secret and the emergency codes will be wiped from this page and cannot \
be shown again.";

/// Marks the flow active (ask before leaving) or not.
pub(crate) fn set_active(active: bool) {
    if active {
        install();
        if let Some(href) = web_sys::window().and_then(|w| w.location().pathname().ok()) {
            HOME.with(|h| *h.borrow_mut() = href);
        }
    }
    ACTIVE.with(|a| a.set(active));
}

pub(crate) fn is_active() -> bool {
    ACTIVE.with(Cell::get)
}

fn confirm_leave() -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(LEAVE_QUESTION).ok())
        .unwrap_or(true)
}

/// Installs the listeners (once). Called at start-up, before the router adds its own popstate
/// listener: listeners on `window` run in the order they were added, so this one must come
/// first to keep a refused Back/Forward from the router.
pub fn install() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(true);

    let before_unload = Closure::<dyn FnMut(Event)>::new(|ev: Event| {
        if is_active() {
            ev.prevent_default();
            // Older browsers want a return value as well.
            let _ = js_sys::Reflect::set(&ev, &"returnValue".into(), &"".into());
        }
    });
    let _ = window
        .add_event_listener_with_callback("beforeunload", before_unload.as_ref().unchecked_ref());
    before_unload.forget();

    // Links outside the enrollment page, and controls marked `data-leaves-page` (Sign out).
    let click = Closure::<dyn FnMut(Event)>::new(|ev: Event| {
        if !is_active() {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Ok(Some(el)) = target.closest("a[href], [data-leaves-page]") else {
            return;
        };
        if el.closest("#enroll").ok().flatten().is_some() && !el.has_attribute("data-leaves-page") {
            return;
        }
        if el.has_attribute("download") {
            return;
        }
        if confirm_leave() {
            set_active(false);
        } else {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    });
    let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
        "click",
        click.as_ref().unchecked_ref(),
        &options,
    );
    click.forget();

    // Back/Forward: the router listens to popstate on window without capture, so this
    // listener runs first and can keep the router from seeing a refused move; the address of
    // the enrollment page is then put back (no popstate follows a pushState).
    let popstate = Closure::<dyn FnMut(Event)>::new(|ev: Event| {
        if !is_active() {
            return;
        }
        if confirm_leave() {
            set_active(false);
        } else {
            ev.stop_immediate_propagation();
            let home = HOME.with(|h| h.borrow().clone());
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&home));
            }
        }
    });
    let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
        "popstate",
        popstate.as_ref().unchecked_ref(),
        &options,
    );
    popstate.forget();
}
