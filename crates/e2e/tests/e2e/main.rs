//! The end-to-end tests of totp-admin as one test binary, a module per area: one link step
//! instead of thirteen, and one place that says how the tests share the machine. Run one
//! area with `cargo test -p e2e -- a11y::`, one test with its full name.
//!
//! Concurrency: libtest runs these tests on its usual threads, but every browser test holds
//! `e2e::serial()`, the process-wide lock (taken by `Harness::with_config`, or by hand in
//! `harness`), for as long as its browser, nginx and emulator live. So one browser runs at a
//! time, as when each area was a binary of its own with the same lock and Cargo ran the
//! binaries one after another. Only tests without a browser (`hosting`'s `nginx -t` of the
//! production example, and `production`, which serves it to a raw client) run beside it.

mod a11y;
mod accounts;
mod bulk;
mod early;
mod editor;
mod editor_upgrade;
mod enroll;
mod factors;
mod faults;
mod fleet;
mod fleet_scopes;
mod fleet_tables;
mod gateway;
mod harness;
mod hosting;
mod offboard;
mod production;
mod rotate;
mod security;
mod session;
mod split;
mod table;
