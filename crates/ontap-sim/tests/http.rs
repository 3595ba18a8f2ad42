//! Integration tests over real HTTP on loopback: each test starts its own emulator on a free
//! port and talks to it with the small client in `http/client.rs`.

#[path = "http/client.rs"]
mod client;

#[path = "http/accounts_patch.rs"]
mod accounts_patch;
#[path = "http/audit.rs"]
mod audit;
#[path = "http/auth.rs"]
mod auth;
#[path = "http/clock.rs"]
mod clock;
#[path = "http/concurrency.rs"]
mod concurrency;
#[path = "http/disabled.rs"]
mod disabled;
#[path = "http/faults.rs"]
mod faults;
#[path = "http/filters.rs"]
mod filters;
#[path = "http/fleet.rs"]
mod fleet;
#[path = "http/gateway.rs"]
mod gateway;
#[path = "http/indexes.rs"]
mod indexes;
#[path = "http/kept.rs"]
mod kept;
#[path = "http/limits.rs"]
mod limits;
#[path = "http/log.rs"]
mod log;
#[path = "http/mfa.rs"]
mod mfa;
#[path = "http/page.rs"]
mod page;
#[path = "http/paging.rs"]
mod paging;
#[path = "http/roles.rs"]
mod roles;
#[path = "http/schema.rs"]
mod schema;
#[path = "http/syntax.rs"]
mod syntax;
#[path = "http/totps_delete.rs"]
mod totps_delete;
#[path = "http/totps_patch.rs"]
mod totps_patch;
#[path = "http/totps_post.rs"]
mod totps_post;
#[path = "http/totps_read.rs"]
mod totps_read;
