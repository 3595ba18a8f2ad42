//! A screen loaded when it is first opened (issue 20): its view comes from its own wasm module
//! (`split`'s screens). While the module is on its way the screen says so (after a moment, so
//! that a fast load shows nothing); a module that does not arrive is explained on that screen
//! alone, with Try again, and the rest of the page goes on working. Once the screen is shown,
//! the module of the screen most likely opened next is fetched when the browser is idle
//! (unless the browser is set to save data).

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::screens::Module;
use crate::session::signin::{Later, NotLoaded};

#[component]
pub(crate) fn Lazy(
    load: fn() -> Later<AnyView>,
    /// The module of the screen most likely opened next.
    #[prop(optional)]
    next: Option<Module>,
) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    // Shown until the module is here (a `<Suspense>` fallback would also wait for the
    // screen's own resources, which show their own progress).
    let pending = RwSignal::new(true);
    view! {
        <Show when=move || pending.get()>
            <p class="screen-loading" role="status">"Loading this screen…"</p>
        </Show>
        {move || {
            attempt.track();
            // The page runs on one thread: the wrapper only satisfies `Suspend`'s bound.
            let loading = SendWrapper::new(load());
            Suspend::new(async move {
                let loaded = loading.await;
                pending.set(false);
                match loaded {
                    Ok(screen) => {
                        if let Some(next) = next {
                            when_idle(move || next.prefetch());
                        }
                        screen
                    }
                    Err(NotLoaded) => view! {
                        <div class="notice notice-error screen-missing" role="alert">
                            <p class="notice-title">"This screen could not load"</p>
                            <p class="notice-detail">
                                "Its part of totp-admin did not arrive from the web server. Check the connection, then try again; you stay signed in and nothing was sent to the cluster."
                            </p>
                            <button
                                type="button"
                                class="button button-primary"
                                on:click=move |_| {
                                    pending.set(true);
                                    attempt.update(|n| *n += 1);
                                }
                            >
                                "Try again"
                            </button>
                        </div>
                    }
                    .into_any(),
                }
            })
        }}
    }
}

/// Runs `f` when the browser is next idle (`requestIdleCallback`; a timeout where the browser
/// has none), so that a prefetch never competes with the screen being made interactive; never
/// when the user asked the browser to save data (`navigator.connection.saveData`): a screen
/// then arrives only when it is opened.
fn when_idle(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let save_data = js_sys::Reflect::get(&window.navigator(), &"connection".into())
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(&c, &"saveData".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if save_data {
        return;
    }
    let callback = Closure::once_into_js(f);
    let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Function>().ok());
    let _ = match idle {
        Some(request) => request.call1(&window, &callback),
        None => window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 200)
            .map(Into::into),
    };
}
