//! totp-admin: a static web page that manages the TOTP (SSH multi-factor authentication)
//! profiles of ONTAP accounts through the cluster's REST API. A library so that its components
//! can be tested in the browser (wasm-bindgen-test); `main.rs` only mounts [`shell::App`].
//!
//! The layers, each using only those listed before it (docs/architecture.md; `make test`
//! checks it): `platform`, `text` → `api` → `session` → `store`, `tables`, `routes` →
//! `components` → `pages` → `shell`.

pub mod api;
pub mod components;
pub mod fatal;
pub mod pages;
pub mod platform;
pub mod routes;
pub mod session;
pub mod shell;
pub mod store;
pub mod tables;
pub mod text;

/// Marks the moment the wasm has bound the sign-in form ("totp-admin:wasm-ready"); the form
/// was usable before, when `assets/early.js` marked "totp-admin:interactive".
pub fn mark_wasm_ready() {
    platform::mark("totp-admin:wasm-ready");
}
