//! What the page takes from the browser besides the DOM: the two clocks, a timer to wait on,
//! randomness, the tab's storages and performance marks. One place, so that every module
//! names a clock for what it is, and so that native builds (the pure modules' `#[test]`s)
//! compile: outside a browser the clocks read 0, waits end at once and storage is absent.

/// The wall clock: milliseconds since the Unix epoch (`Date.now()`). For times shown to the
/// user, kept across reloads or compared with the cluster's `Date`.
pub(crate) fn wall_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// The monotonic clock: milliseconds since the page started (`performance.now()`). For
/// durations and rates, which a change of the computer's clock must not disturb.
pub(crate) fn mono_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// The wall clock as ISO 8601 UTC (`2026-11-28T17:40:01.123Z`).
pub(crate) fn now_iso() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::new_0().to_iso_string().into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        "1970-01-01T00:00:00.000Z".to_owned()
    }
}

/// The local time `ms_from_now` milliseconds from now, as `HH:MM:SS`: when something the user
/// waits for will happen.
pub(crate) fn local_hms_in(ms_from_now: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(wall_ms() + ms_from_now));
        format!(
            "{:02}:{:02}:{:02}",
            d.get_hours(),
            d.get_minutes(),
            d.get_seconds()
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = ms_from_now;
        "00:00:00".to_owned()
    }
}

/// Waits `ms` milliseconds on a browser timer (at once outside a browser).
pub async fn sleep_ms(ms: u32) {
    #[cfg(target_arch = "wasm32")]
    {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    &resolve,
                    ms.min(i32::MAX as u32) as i32,
                );
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = ms;
    }
}

/// Aborts a controller after `ms` unless dropped first: a request's timeout. Whether it
/// fired tells a timeout from the other reasons the request ended.
pub(crate) struct AbortAfter {
    timer: Option<i32>,
    fired: std::rc::Rc<std::cell::Cell<bool>>,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl AbortAfter {
    pub(crate) fn new(controller: &web_sys::AbortController, ms: u32) -> AbortAfter {
        use wasm_bindgen::JsCast;
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
        let callback = {
            let fired = fired.clone();
            let controller = controller.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut()>::once(move || {
                fired.set(true);
                controller.abort();
            })
        };
        let timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                ms.min(i32::MAX as u32) as i32,
            )
            .ok()
        });
        AbortAfter {
            timer,
            fired,
            _callback: callback,
        }
    }

    pub(crate) fn fired(&self) -> bool {
        self.fired.get()
    }
}

impl Drop for AbortAfter {
    fn drop(&mut self) {
        if let (Some(t), Some(w)) = (self.timer, web_sys::window()) {
            w.clear_timeout_with_handle(t);
        }
    }
}

/// A random number in [0, 1) (0.5 outside a browser: no jitter).
pub(crate) fn random_unit() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Math::random()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.5
    }
}

/// The tab's sessionStorage (dropped with the tab), if the browser allows it.
pub(crate) fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The origin's localStorage (shared by its tabs, kept): never for credentials.
pub(crate) fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Records a named moment for the benchmarks (`performance.mark`).
pub(crate) fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The path of the page's address (`/fleet/profiles`); empty where the browser has none.
pub(crate) fn pathname() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The HTTP version the page itself came over (`h2`, `http/1.1`, …), from the navigation's
/// timing entry; `None` where the browser does not say.
pub(crate) fn page_protocol() -> Option<String> {
    let p = web_sys::window()?.performance()?;
    let nav = p.get_entries_by_type("navigation").get(0);
    js_sys::Reflect::get(&nav, &"nextHopProtocol".into())
        .ok()?
        .as_string()
        .filter(|s| !s.is_empty())
}
