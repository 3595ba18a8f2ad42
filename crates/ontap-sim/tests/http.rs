//! Integration tests over real HTTP on loopback: each test starts its own emulator on a free
//! port and talks to it with the small client in `http/client.rs`.

#[path = "http/client.rs"]
mod client;

#[path = "http/auth.rs"]
mod auth;
#[path = "http/log.rs"]
mod log;
#[path = "http/page.rs"]
mod page;
#[path = "http/totps_patch.rs"]
mod totps_patch;
#[path = "http/totps_read.rs"]
mod totps_read;
