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
//! use crate::store::batch::{Ops, Runner}; use crate::components::batch::BulkProgress;
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
//! should survive leaving the page, as the bulk page does.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::platform::{mono_ms as now_ms, now_iso, sleep_ms};

/// A boxed local future (the browser is single-threaded: no `Send`).
pub type BoxFut<T> = Pin<Box<dyn Future<Output = T>>>;

/// In flight when a run starts.
pub const DEFAULT_IN_FLIGHT: usize = 4;
/// The most in flight: Chromium opens at most 6 connections to one host over HTTP/1.1.
pub const MAX_IN_FLIGHT: usize = 6;
/// How often one item may be refused as busy (429/503) before it is failed.
pub const MAX_THROTTLED: u32 = 8;
/// How often a re-read after a lost answer is tried before the item is failed as unconfirmed.
pub const MAX_CHECKS: u32 = 5;
/// The first pause after a busy answer; it doubles with each busy answer in a row.
const BACKOFF_START_MS: f64 = 250.0;
const BACKOFF_MAX_MS: f64 = 8_000.0;

/// What the runner needs to know about one kind of write.
pub struct Ops<T> {
    /// Sends the write for one item. The runner calls it at most once per item and attempt,
    /// and never again after an answer was lost.
    pub apply: Rc<dyn Fn(&T) -> BoxFut<Result<(), ApiError>>>,
    /// Re-reads the item: `Ok(true)` when the write's change is there, `Ok(false)` when not.
    /// Called after a lost answer (dropped connection, timeout, 502, 504, unreadable answer),
    /// and before retrying an item whose outcome could not be confirmed.
    pub verify: Rc<dyn Fn(&T) -> BoxFut<Result<bool, ApiError>>>,
    /// Called once each time an item settles as done or failed (update a table, a log...).
    pub on_settle: Rc<dyn Fn(&T, &RowState)>,
}

/// Why an item failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailKind {
    /// The cluster refused the write: not applied.
    Refused,
    /// The answer was lost and a re-read showed the change is not there: not applied, and
    /// not resent.
    NotApplied,
    /// The answer was lost and the item could not be re-read: a retry re-reads it first.
    Unconfirmed,
    /// Still refused as busy after [`MAX_THROTTLED`] tries: not applied.
    Busy,
}

/// Where one item stands.
#[derive(Clone, Debug, PartialEq)]
pub enum RowState {
    /// Not sent yet.
    Queued,
    /// The write is in flight.
    Sending,
    /// Refused as busy (429/503, not applied): queued again for later.
    Throttled { times: u32 },
    /// The answer was lost: re-reading the item.
    Checking,
    /// The change is on the cluster. `by_check`: the answer was lost and a re-read showed it.
    Done { by_check: bool, at: String },
    /// Not done: `error` is the failure that decided it (the re-read's, for
    /// [`FailKind::Unconfirmed`]); `components::batch::detail` puts it into words.
    Failed {
        kind: FailKind,
        error: ApiError,
        at: String,
    },
    /// The run was cancelled before this item's write was sent (or sent again after a busy
    /// answer, which did not apply it).
    NotSent,
}

impl RowState {
    /// The outcome's word: "done", "failed", "not sent", or the state of a running item.
    pub fn outcome(&self) -> &'static str {
        match self {
            RowState::Queued => "queued",
            RowState::Sending => "sending",
            RowState::Throttled { .. } => "waiting (cluster busy)",
            RowState::Checking => "checking",
            RowState::Done { .. } => "done",
            RowState::Failed { .. } => "failed",
            RowState::NotSent => "not sent",
        }
    }
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            RowState::Done { .. } | RowState::Failed { .. } | RowState::NotSent
        )
    }
    /// The failure's code: ONTAP's error code, the HTTP status, or the kind of loss.
    pub fn code(&self) -> Option<String> {
        match self {
            RowState::Failed { error, .. } => Some(match error {
                ApiError::Ontap { body, .. } => body.error.code.as_str().to_owned(),
                ApiError::Http { status } => format!("HTTP {status}"),
                ApiError::Timeout => "timeout".into(),
                ApiError::Network => "network".into(),
                ApiError::Unauthorized => "HTTP 401".into(),
                ApiError::Decode(_) => "unreadable answer".into(),
                ApiError::NotSent(_) => "not sent".into(),
                ApiError::Aborted => "cancelled".into(),
            }),
            _ => None,
        }
    }
    pub fn at(&self) -> &str {
        match self {
            RowState::Done { at, .. } | RowState::Failed { at, .. } => at,
            _ => "",
        }
    }
}

/// The phase of the whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Created, not started.
    Ready,
    Running,
    /// Cancel was asked: nothing new starts; waiting for what is in flight.
    Cancelling,
    /// Every item is settled.
    Finished,
}

/// The counts the progress bar shows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub not_sent: usize,
    /// Items whose write was sent at least once in this run (cancel reports it).
    pub sent: usize,
    pub in_flight: usize,
    /// Busy answers (429/503) seen so far.
    pub throttled: usize,
    /// Items re-read after a lost answer.
    pub checked: usize,
    /// The in-flight count the runner allows itself now (lowered while the cluster is busy).
    pub allowed: usize,
}

impl Tally {
    pub fn remaining(&self) -> usize {
        self.total - self.done - self.failed - self.not_sent
    }
}

struct Sched<T> {
    items: Vec<T>,
    queue: VecDeque<usize>,
    in_flight: usize,
    /// Nothing new starts before this time (`performance.now()`, ms).
    hold_until: f64,
    backoff_ms: f64,
    /// Allowed in flight now, at most the user's limit.
    allowed: usize,
    ok_streak: usize,
    cancelled: bool,
    timer_pending: bool,
    throttled: Vec<u32>,
    checks_first: Vec<bool>,
    sent: Vec<bool>,
}

/// A bulk run over items of type `T`. A cheap `Copy` handle: pass it to views freely. Its
/// signals belong to the reactive owner it was created under; create it under an owner that
/// outlives the page (see the module docs) if the run should survive navigation.
pub struct Runner<T: 'static> {
    sched: StoredValue<Sched<T>, LocalStorage>,
    ops: StoredValue<Ops<T>, LocalStorage>,
    /// One signal per item, in item order.
    pub rows: StoredValue<Vec<RwSignal<RowState>>>,
    pub tally: RwSignal<Tally>,
    pub phase: RwSignal<Phase>,
    /// The user's in-flight limit, 1 to [`MAX_IN_FLIGHT`]; may change while running.
    pub limit: RwSignal<usize>,
    /// When the current pass started and when the last item settled (`performance.now()`).
    started_ms: RwSignal<f64>,
    settled_in_pass: RwSignal<usize>,
    pub last_ms: RwSignal<f64>,
    /// Why the run stopped by itself (credentials refused), if it did.
    pub stopped_because: RwSignal<Option<Stopped>>,
    /// What the runner is doing about a busy cluster, for a status line.
    pub note: RwSignal<Option<BusyNote>>,
}

impl<T: 'static> Clone for Runner<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: 'static> Copy for Runner<T> {}

/// True for "busy, not applied": 429 or 503 carrying an ONTAP error body.
pub fn is_busy(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Ontap {
            status: 429 | 503,
            ..
        }
    )
}

fn failure(kind: FailKind, e: &ApiError) -> RowState {
    RowState::Failed {
        kind,
        error: e.clone(),
        at: now_iso(),
    }
}

/// Why the runner is pausing: the cluster answered busy (`status`), so it waits `pause_ms`
/// and sends at most `allowed` at once for a while.
#[derive(Clone, Debug, PartialEq)]
pub struct BusyNote {
    pub status: u16,
    pub allowed: usize,
    pub pause_ms: f64,
}

/// Why a run stopped by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// The cluster refused the session's credentials (401).
    CredentialsRefused,
}

impl<T: Clone + 'static> Runner<T> {
    /// A run over `items`, not started.
    pub fn new(items: Vec<T>, ops: Ops<T>) -> Runner<T> {
        let n = items.len();
        Runner {
            sched: StoredValue::new_local(Sched {
                items,
                queue: VecDeque::new(),
                in_flight: 0,
                hold_until: 0.0,
                backoff_ms: 0.0,
                allowed: DEFAULT_IN_FLIGHT,
                ok_streak: 0,
                cancelled: false,
                timer_pending: false,
                throttled: vec![0; n],
                checks_first: vec![false; n],
                sent: vec![false; n],
            }),
            ops: StoredValue::new_local(ops),
            rows: StoredValue::new((0..n).map(|_| RwSignal::new(RowState::Queued)).collect()),
            tally: RwSignal::new(Tally {
                total: n,
                allowed: DEFAULT_IN_FLIGHT,
                ..Tally::default()
            }),
            phase: RwSignal::new(Phase::Ready),
            limit: RwSignal::new(DEFAULT_IN_FLIGHT),
            started_ms: RwSignal::new(0.0),
            settled_in_pass: RwSignal::new(0),
            last_ms: RwSignal::new(0.0),
            stopped_because: RwSignal::new(None),
            note: RwSignal::new(None),
        }
    }

    /// The items, in order.
    pub fn items(&self) -> Vec<T> {
        self.sched
            .try_with_value(|s| s.items.clone())
            .unwrap_or_default()
    }

    /// The state of item `i`.
    pub fn row(&self, i: usize) -> Option<RowState> {
        self.rows
            .try_with_value(|r| r.get(i).copied())
            .flatten()
            .and_then(|s| s.try_get_untracked())
    }

    /// Starts sending every queued item.
    pub fn start(&self) {
        let n = self.tally.get_untracked().total;
        self.begin_pass((0..n).collect());
    }

    /// Sends again every failed and not-sent item, as one batch. An item whose outcome could
    /// not be confirmed is re-read first and sent only if its change is not there.
    pub fn retry_failed(&self) {
        let Some(again) = self.rows.try_with_value(|rows| {
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let s = r.get_untracked();
                    matches!(s, RowState::Failed { .. } | RowState::NotSent).then_some((i, s))
                })
                .collect::<Vec<_>>()
        }) else {
            return;
        };
        if again.is_empty() {
            return;
        }
        self.sched.update_value(|s| {
            for (i, st) in &again {
                s.throttled[*i] = 0;
                s.checks_first[*i] = matches!(
                    st,
                    RowState::Failed {
                        kind: FailKind::Unconfirmed,
                        ..
                    }
                );
            }
        });
        self.tally.update(|t| {
            for (_, st) in &again {
                match st {
                    RowState::Failed { .. } => t.failed -= 1,
                    _ => t.not_sent -= 1,
                }
            }
        });
        let idx: Vec<usize> = again.into_iter().map(|(i, _)| i).collect();
        self.rows.with_value(|rows| {
            for &i in &idx {
                rows[i].set(RowState::Queued);
            }
        });
        self.begin_pass(idx);
    }

    fn begin_pass(&self, idx: Vec<usize>) {
        let limit = self.limit.get_untracked().clamp(1, MAX_IN_FLIGHT);
        self.sched.update_value(|s| {
            s.queue = idx.into_iter().collect();
            s.cancelled = false;
            s.hold_until = 0.0;
            s.backoff_ms = 0.0;
            s.allowed = limit;
            s.ok_streak = 0;
        });
        self.stopped_because.set(None);
        self.note.set(None);
        self.started_ms.set(now_ms());
        self.settled_in_pass.set(0);
        self.tally.update(|t| t.allowed = limit);
        self.phase.set(Phase::Running);
        self.pump();
    }

    /// Sets the in-flight limit (1 to [`MAX_IN_FLIGHT`]); takes effect as requests finish.
    pub fn set_limit(&self, n: usize) {
        let n = n.clamp(1, MAX_IN_FLIGHT);
        self.limit.set(n);
        // While backing off from a busy cluster, a higher limit is reached step by step.
        let allowed = self.sched.try_update_value(|s| {
            s.allowed = if s.backoff_ms > 0.0 {
                s.allowed.min(n)
            } else {
                n
            };
            s.allowed
        });
        if let Some(a) = allowed {
            self.tally.update(|t| t.allowed = a);
        }
        self.pump();
    }

    /// Stops starting new writes. What is in flight finishes and is accounted for; every item
    /// not yet sent becomes [`RowState::NotSent`].
    pub fn cancel(&self) {
        self.stop(None);
    }

    fn stop(&self, because: Option<Stopped>) {
        let Some(queued) = self.sched.try_update_value(|s| {
            s.cancelled = true;
            std::mem::take(&mut s.queue)
        }) else {
            return;
        };
        if because.is_some() {
            self.stopped_because.set(because);
        }
        self.rows.with_value(|rows| {
            for &i in &queued {
                rows[i].set(RowState::NotSent);
            }
        });
        self.tally.update(|t| t.not_sent += queued.len());
        self.note.set(None);
        if self.phase.get_untracked() == Phase::Running {
            self.phase.set(Phase::Cancelling);
        }
        self.finish_if_idle();
    }

    fn finish_if_idle(&self) {
        let idle = self
            .sched
            .try_with_value(|s| s.in_flight == 0 && s.queue.is_empty())
            .unwrap_or(false);
        if idle
            && matches!(
                self.phase.get_untracked(),
                Phase::Running | Phase::Cancelling
            )
        {
            self.phase.set(Phase::Finished);
            self.note.set(None);
        }
    }

    /// Items settled per second in the current pass.
    pub fn rate(&self) -> Option<f64> {
        let n = self.settled_in_pass.get();
        let secs = (self.last_ms.get() - self.started_ms.get()) / 1000.0;
        (n > 0 && secs > 0.0).then(|| n as f64 / secs)
    }

    /// From the start of the current pass to the last item settled, in ms.
    pub fn elapsed_ms(&self) -> f64 {
        (self.last_ms.get() - self.started_ms.get()).max(0.0)
    }

    /// Seconds left at the current rate.
    pub fn eta_secs(&self) -> Option<f64> {
        let left = self.tally.with(Tally::remaining);
        self.rate().map(|r| left as f64 / r)
    }

    /// Starts as many queued items as the limit allows.
    fn pump(&self) {
        let this = *self;
        loop {
            let limit = self.limit.get_untracked();
            let next = self.sched.try_update_value(|s| {
                if s.cancelled {
                    return Err(None);
                }
                let now = now_ms();
                if now < s.hold_until {
                    if s.timer_pending {
                        return Err(None);
                    }
                    s.timer_pending = true;
                    return Err(Some(s.hold_until - now));
                }
                if s.in_flight >= s.allowed.min(limit) {
                    return Err(None);
                }
                let i = s.queue.pop_front().ok_or(None)?;
                s.in_flight += 1;
                Ok((i, s.items[i].clone(), s.checks_first[i]))
            });
            match next {
                Some(Ok((i, item, check_first))) => {
                    self.tally.update(|t| t.in_flight += 1);
                    spawn_local(async move { this.run_item(i, item, check_first).await });
                }
                Some(Err(Some(wait))) => {
                    spawn_local(async move {
                        sleep_ms(wait.max(0.0) as u32).await;
                        if this
                            .sched
                            .try_update_value(|s| s.timer_pending = false)
                            .is_some()
                        {
                            this.pump();
                        }
                    });
                    break;
                }
                _ => break,
            }
        }
        self.finish_if_idle();
    }

    fn set_row(&self, i: usize, st: RowState) {
        if let Some(Some(sig)) = self.rows.try_with_value(|r| r.get(i).copied()) {
            sig.try_set(st);
        }
    }

    async fn run_item(self, i: usize, item: T, check_first: bool) {
        let Some((apply, verify)) = self
            .ops
            .try_with_value(|o| (o.apply.clone(), o.verify.clone()))
        else {
            return;
        };
        let settled = if check_first {
            self.set_row(i, RowState::Checking);
            match self.check(&item, &verify).await {
                Ok(true) => Some(RowState::Done {
                    by_check: true,
                    at: now_iso(),
                }),
                Ok(false) => self.send(i, &item, &apply, &verify).await,
                Err(e) => Some(failure(FailKind::Unconfirmed, &e)),
            }
        } else {
            self.send(i, &item, &apply, &verify).await
        };
        let Some(_) = self.sched.try_update_value(|s| s.in_flight -= 1) else {
            return;
        };
        self.tally.try_update(|t| t.in_flight -= 1);
        if let Some(st) = settled {
            self.settle(i, &item, st);
        }
        self.pump();
    }

    /// Sends the write once. `None`: the item was queued again (busy) or left for a stop.
    async fn send(
        &self,
        i: usize,
        item: &T,
        apply: &Rc<dyn Fn(&T) -> BoxFut<Result<(), ApiError>>>,
        verify: &Rc<dyn Fn(&T) -> BoxFut<Result<bool, ApiError>>>,
    ) -> Option<RowState> {
        self.set_row(i, RowState::Sending);
        let first = self
            .sched
            .try_update_value(|s| !std::mem::replace(&mut s.sent[i], true))
            .unwrap_or(false);
        if first {
            self.tally.try_update(|t| t.sent += 1);
        }
        match apply(item).await {
            Ok(()) => {
                self.on_ok();
                Some(RowState::Done {
                    by_check: false,
                    at: now_iso(),
                })
            }
            Err(e) if is_busy(&e) => self.on_busy(i, &e),
            Err(e) if e.outcome_unknown() => {
                self.set_row(i, RowState::Checking);
                self.tally.try_update(|t| t.checked += 1);
                Some(match self.check(item, verify).await {
                    Ok(true) => RowState::Done {
                        by_check: true,
                        at: now_iso(),
                    },
                    Ok(false) => failure(FailKind::NotApplied, &e),
                    Err(e2) => failure(FailKind::Unconfirmed, &e2),
                })
            }
            Err(ApiError::Unauthorized) => {
                let f = failure(FailKind::Refused, &ApiError::Unauthorized);
                self.stop(Some(Stopped::CredentialsRefused));
                Some(f)
            }
            Err(e) => Some(failure(FailKind::Refused, &e)),
        }
    }

    /// Re-reads an item, retrying the read (a read is safe to repeat) with growing pauses.
    async fn check(
        &self,
        item: &T,
        verify: &Rc<dyn Fn(&T) -> BoxFut<Result<bool, ApiError>>>,
    ) -> Result<bool, ApiError> {
        let mut pause = 300.0;
        let mut last = ApiError::Network;
        for attempt in 0..MAX_CHECKS {
            if attempt > 0 {
                sleep_ms(pause as u32).await;
                pause *= 2.0;
            }
            match verify(item).await {
                Ok(b) => return Ok(b),
                Err(ApiError::Unauthorized) => return Err(ApiError::Unauthorized),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn on_ok(&self) {
        let limit = self.limit.get_untracked();
        let allowed = self.sched.try_update_value(|s| {
            s.backoff_ms = 0.0;
            s.ok_streak += 1;
            // Back up by one after a run of successes as long as the current allowance.
            if s.allowed < limit && s.ok_streak >= 4 * s.allowed {
                s.allowed += 1;
                s.ok_streak = 0;
            }
            s.allowed
        });
        if let Some(a) = allowed {
            if self.tally.with_untracked(|t| t.allowed) != a {
                self.tally.try_update(|t| t.allowed = a);
                if a >= limit {
                    self.note.try_set(None);
                }
            }
        }
    }

    /// A busy answer: nothing was applied. Slow down and queue the item again, at the end.
    fn on_busy(&self, i: usize, e: &ApiError) -> Option<RowState> {
        let status = match e {
            ApiError::Ontap { status, .. } => *status,
            _ => 0,
        };
        let r = self.sched.try_update_value(|s| {
            s.throttled[i] += 1;
            let times = s.throttled[i];
            if times > MAX_THROTTLED {
                return Err(());
            }
            s.backoff_ms = if s.backoff_ms == 0.0 {
                BACKOFF_START_MS
            } else {
                (s.backoff_ms * 2.0).min(BACKOFF_MAX_MS)
            };
            s.hold_until = s.hold_until.max(now_ms() + s.backoff_ms);
            s.allowed = (s.allowed / 2).max(1);
            s.ok_streak = 0;
            if !s.cancelled {
                s.queue.push_back(i);
            }
            Ok((times, s.backoff_ms, s.allowed, s.cancelled))
        })?;
        self.tally.try_update(|t| t.throttled += 1);
        match r {
            Err(()) => Some(failure(FailKind::Busy, e)),
            Ok((_, _, _, true)) => Some(RowState::NotSent),
            Ok((times, pause, allowed, false)) => {
                self.set_row(i, RowState::Throttled { times });
                self.tally.try_update(|t| t.allowed = allowed);
                self.note.try_set(Some(BusyNote {
                    status,
                    allowed,
                    pause_ms: pause,
                }));
                None
            }
        }
    }

    fn settle(&self, i: usize, item: &T, st: RowState) {
        self.tally.try_update(|t| match &st {
            RowState::Done { .. } => t.done += 1,
            RowState::Failed { .. } => t.failed += 1,
            RowState::NotSent => t.not_sent += 1,
            _ => {}
        });
        self.settled_in_pass.try_update(|n| *n += 1);
        self.last_ms.try_set(now_ms());
        if !matches!(st, RowState::NotSent) {
            if let Some(cb) = self.ops.try_with_value(|o| o.on_settle.clone()) {
                cb(item, &st);
            }
        }
        self.set_row(i, st);
    }
}
