//! Bulk writes with a bounded number in flight, for any kind of item: TOTP profiles (disable,
//! enable, comment) and accounts alike. The runner accounts for every item truthfully:
//!
//! - at most `limit` writes in flight (default [`DEFAULT_IN_FLIGHT`], 1 to [`MAX_IN_FLIGHT`]:
//!   Chromium opens at most 6 connections to one host over HTTP/1.1), adjustable while running;
//! - 429 or 503 with an ONTAP error body means "busy, not applied": the item is queued again,
//!   the run pauses (250 ms, doubling while the cluster stays busy, at most 8 s) and halves
//!   its in-flight allowance, which grows back after successes;
//! - a lost answer (dropped connection, timeout, 502, 504, an unreadable answer) means
//!   "unknown": the item is re-read with `verify` and marked done if the change is there,
//!   failed if not. A write is never resent blindly;
//! - cancel stops starting new writes; what is in flight finishes and is reported; the rest
//!   becomes "not sent". [`Tally::sent`] says how many items had their write sent;
//! - every item ends done, failed (with the catalogue's message and the code) or not sent;
//!   [`Runner::retry_failed`] sends the failed and not-sent ones again as one batch (an item
//!   whose re-read failed is re-read first);
//! - a 401 stops the run (the session is gone) and says so.
//!
//! # Using it
//!
//! ```ignore
//! use crate::bulk::{Ops, Runner, BulkProgress};
//! let runner = owner.with(|| Runner::new(items, Ops {
//!     apply: Rc::new(move |it: &Item| { let c = client.clone(); let it = it.clone();
//!         Box::pin(async move { api::thing::patch(&c, &it.key, &it.patch).await }) }),
//!     verify: Rc::new(move |it: &Item| { let c = client.clone(); let it = it.clone();
//!         Box::pin(async move { Ok(api::thing::get(&c, &it.key).await?.has(&it.patch)) }) }),
//!     on_settle: Rc::new(move |it: &Item, st: &RowState| { /* update the store, the log */ }),
//! }));
//! runner.start();
//! view! { <BulkProgress runner=runner noun="accounts" one="account" /> }   // bar, counts, rate, cancel, retry
//! ```
//!
//! `runner.rows` holds one signal per item for a per-row result table, `runner.tally` the
//! counts, `runner.phase` where the run stands. The runner's signals belong to the reactive
//! owner it is created under: create it under one that outlives the page (for example the
//! [`Owner`](leptos::prelude::Owner) captured by a context provided in the shell) if the run
//! should survive leaving the page, as the profiles' bulk page does.

pub mod runner;
pub mod view;

pub use runner::{
    is_busy, now_iso, BoxFut, FailKind, Ops, Phase, RowState, Runner, Tally, DEFAULT_IN_FLIGHT,
    MAX_IN_FLIGHT,
};
pub use view::{BulkProgress, OnlyProblemsToggle, ResultTable, WindowedTable};
