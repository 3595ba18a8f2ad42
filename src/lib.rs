//! totp-admin: a static web page that manages the TOTP (SSH multi-factor authentication)
//! profiles of ONTAP accounts through the cluster's REST API. A library so that its components
//! can be tested in the browser (wasm-bindgen-test); `main.rs` only mounts [`app::App`].

pub mod api;
pub mod app;
pub mod bulk;
pub mod changelog;
pub mod components;
pub mod fatal;
pub mod idle;
pub mod pages;
pub mod persist;
pub mod reauth;
pub mod session;
pub mod signin;
pub mod store;
pub mod text;
pub mod theme;

/// Marks the moment the page is interactive, for the benchmarks (`performance.mark`).
pub fn mark_interactive() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("totp-admin:interactive");
    }
}
