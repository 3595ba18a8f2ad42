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
//! - right before every write (the first send, the send after a retry's re-read, the send
//!   after a busy pause, and any write `apply` sends after a read of its own, through the
//!   api's write gate) the runner checks that it is not cancelled and that the session it was
//!   made in is still the one signed in; if not, the item ends "not sent" (a changed session
//!   stops the whole run). Sign-out stops the runs first ([`LiveRuns`]), and the client
//!   itself refuses to send once signed out;
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

mod schedule;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::http::gated;
use crate::api::ApiError;
use crate::platform::{mono_ms as now_ms, now_iso, sleep_ms};
use crate::session::SessionCtx;
use schedule::{may_send, Busy, Halt, Next, Outcome, Schedule};
pub use schedule::{FailKind, Phase, Tally, DEFAULT_IN_FLIGHT, MAX_IN_FLIGHT, MAX_THROTTLED};

/// A boxed local future (the browser is single-threaded: no `Send`).
pub type BoxFut<T> = Pin<Box<dyn Future<Output = T>>>;

/// How often a re-read after a lost answer is tried before the item is failed as unconfirmed.
pub(crate) const MAX_CHECKS: u32 = 5;

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
                ApiError::BadNextLink(_) => "bad next link".into(),
                ApiError::GatewayWriteRefused { .. } => "gateway: read only".into(),
            }),
            _ => None,
        }
    }
    pub(crate) fn at(&self) -> &str {
        match self {
            RowState::Done { at, .. } | RowState::Failed { at, .. } => at,
            _ => "",
        }
    }

    /// What the schedule keeps of a settled state (`None` while running).
    fn outcome_kind(&self) -> Option<Outcome> {
        match self {
            RowState::Done { .. } => Some(Outcome::Done),
            RowState::Failed { kind, .. } => Some(Outcome::Failed(*kind)),
            RowState::NotSent => Some(Outcome::NotSent),
            _ => None,
        }
    }
}

/// The items and the decisions about them, kept together so one update sees both.
struct Core<T> {
    items: Vec<T>,
    plan: Schedule,
    /// When each item's write was last sent (`performance.now()`; 0: never): a lost answer is
    /// "not applied" only after the late window from then.
    sent_ms: Vec<f64>,
}

/// A bulk run over items of type `T`. A cheap `Copy` handle: pass it to views freely. Its
/// signals belong to the reactive owner it was created under; create it under an owner that
/// outlives the page (see the module docs) if the run should survive navigation.
pub struct Runner<T: 'static> {
    core: StoredValue<Core<T>, LocalStorage>,
    ops: StoredValue<Ops<T>, LocalStorage>,
    /// One signal per item, in item order.
    pub(crate) rows: StoredValue<Vec<RwSignal<RowState>>>,
    pub tally: RwSignal<Tally>,
    pub phase: RwSignal<Phase>,
    /// The user's in-flight limit, 1 to [`MAX_IN_FLIGHT`]; may change while running.
    pub(crate) limit: RwSignal<usize>,
    /// When the current pass started and when the last item settled (`performance.now()`).
    started_ms: RwSignal<f64>,
    settled_in_pass: RwSignal<usize>,
    pub(crate) last_ms: RwSignal<f64>,
    /// Why the run stopped by itself (credentials refused), if it did.
    pub(crate) stopped_because: RwSignal<Option<Stopped>>,
    /// What the runner is doing about a busy cluster, for a status line.
    pub(crate) note: RwSignal<Option<BusyNote>>,
    /// The session the run was made in (from the context) and its serial then: every write
    /// checks that it is still the one signed in. `None` outside a session (component tests).
    session: Option<(SessionCtx, Option<u64>)>,
    /// How the run's report is written when the session ends ([`Runner::set_report`]).
    report: StoredValue<Option<Reporter>, LocalStorage>,
    /// Which items a retry may send again ([`Runner::retry_only`]); all when `None`.
    may_retry: StoredValue<Option<Rc<dyn Fn(&T) -> bool>>, LocalStorage>,
    /// The failed and the not-sent items a retry would send again, once the run finished.
    pub(crate) retryable: RwSignal<(usize, usize)>,
}

/// A run's report as the sign-in screen keeps it after the session ended.
pub struct RunReport {
    pub title: String,
    pub tally: Tally,
    pub csv: String,
}

/// The title of a run's report and how to write its CSV.
type Reporter = (String, Rc<dyn Fn() -> String>);

/// The bulk runs of the signed-in page, so that sign-out can stop them and keep their
/// reports, and idle sign-out can tell that one is going. Provided by the page shell; a
/// runner made under it joins by itself and leaves with its reactive owner.
#[derive(Clone, Copy)]
pub struct LiveRuns {
    runs: StoredValue<Vec<Joined>, LocalStorage>,
    next: StoredValue<u64>,
}

/// A run in [`LiveRuns`], by the number it joined with.
type Joined = (u64, Rc<dyn LiveRun>);

/// What sign-out needs of a run, whatever its items.
pub trait LiveRun {
    /// Still sending (running, or cancelling with writes in flight).
    fn going(&self) -> bool;
    /// The session ended: stop now (nothing more is sent; the queued end "not sent").
    fn end_session(&self);
    /// Its report as it stands, if the view that shows it said how to write it.
    fn report(&self) -> Option<RunReport>;
    /// The same run as `other`.
    fn is(&self, other: &dyn std::any::Any) -> bool;
}

impl LiveRuns {
    /// Provides the registry to the views below (the page shell).
    pub fn provide() -> LiveRuns {
        let l = LiveRuns {
            runs: StoredValue::new_local(Vec::new()),
            next: StoredValue::new(0),
        };
        provide_context(l);
        l
    }

    /// The runs alive now.
    pub fn all(&self) -> Vec<Rc<dyn LiveRun>> {
        self.runs
            .try_with_value(|r| r.iter().map(|(_, r)| r.clone()).collect())
            .unwrap_or_default()
    }

    /// How many runs are still sending.
    pub fn going(&self) -> usize {
        self.all().iter().filter(|r| r.going()).count()
    }

    fn join(&self, run: Rc<dyn LiveRun>) {
        let Some(id) = self.next.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        self.runs.try_update_value(|r| r.push((id, run)));
        let this = *self;
        on_cleanup(move || {
            this.runs.try_update_value(|r| r.retain(|(i, _)| *i != id));
        });
    }
}

impl<T: Clone + 'static> LiveRun for Runner<T> {
    fn going(&self) -> bool {
        matches!(
            self.phase.try_get_untracked(),
            Some(Phase::Running | Phase::Cancelling)
        )
    }
    fn end_session(&self) {
        self.stop(Some(Stopped::SessionEnded));
    }
    fn report(&self) -> Option<RunReport> {
        let (title, csv) = self.report.try_with_value(Clone::clone).flatten()?;
        Some(RunReport {
            title,
            tally: self.tally.try_get_untracked()?,
            csv: csv(),
        })
    }
    fn is(&self, other: &dyn std::any::Any) -> bool {
        other
            .downcast_ref::<Runner<T>>()
            .is_some_and(|o| o.core == self.core)
    }
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
pub(crate) struct BusyNote {
    pub(crate) status: u16,
    pub(crate) allowed: usize,
    pub(crate) pause_ms: f64,
}

/// Why a run stopped by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stopped {
    /// The cluster refused the session's credentials (401).
    CredentialsRefused,
    /// The session ended (signed out, or another sign-in).
    SessionEnded,
}

impl<T: Clone + 'static> Runner<T> {
    /// A run over `items`, not started. Made in a session (a [`SessionCtx`] in the context),
    /// it writes only while that session is signed in; under the shell's [`LiveRuns`], it is
    /// stopped at sign-out.
    pub fn new(items: Vec<T>, ops: Ops<T>) -> Runner<T> {
        let n = items.len();
        let plan = Schedule::new(n);
        let tally = plan.tally();
        let session = use_context::<SessionCtx>().map(|ctx| (ctx, ctx.serial()));
        let runner = Runner {
            core: StoredValue::new_local(Core {
                items,
                plan,
                sent_ms: vec![0.0; n],
            }),
            ops: StoredValue::new_local(ops),
            rows: StoredValue::new((0..n).map(|_| RwSignal::new(RowState::Queued)).collect()),
            tally: RwSignal::new(tally),
            phase: RwSignal::new(Phase::Ready),
            limit: RwSignal::new(DEFAULT_IN_FLIGHT),
            started_ms: RwSignal::new(0.0),
            settled_in_pass: RwSignal::new(0),
            last_ms: RwSignal::new(0.0),
            stopped_because: RwSignal::new(None),
            note: RwSignal::new(None),
            session,
            report: StoredValue::new_local(None),
            may_retry: StoredValue::new_local(None),
            retryable: RwSignal::new((0, 0)),
        };
        if let Some(live) = use_context::<LiveRuns>() {
            live.join(Rc::new(runner));
        }
        runner
    }

    /// Says how the run's report is written when the session ends (its title and CSV), so
    /// that the sign-in screen can offer it for download.
    pub fn set_report(&self, title: String, csv: Rc<dyn Fn() -> String>) {
        self.report.try_set_value(Some((title, csv)));
    }

    /// Limits what a retry sends again to the items `may` accepts (asked when the run ends and
    /// at the retry): an item that cannot succeed by sending it again (a gateway that refused
    /// the user's writes) is neither offered nor sent.
    pub fn retry_only(&self, may: Rc<dyn Fn(&T) -> bool>) {
        self.may_retry.try_set_value(Some(may));
    }

    /// The failed and not-sent items a retry would send again.
    fn count_retryable(&self) -> (usize, usize) {
        let may = self.may_retry.try_get_value().flatten();
        self.core
            .try_with_value(|c| {
                c.plan
                    .unsuccessful()
                    .filter(|&(i, _)| may.as_ref().is_none_or(|m| m(&c.items[i])))
                    .fold(
                        (0, 0),
                        |(f, n), (_, failed)| {
                            if failed {
                                (f + 1, n)
                            } else {
                                (f, n + 1)
                            }
                        },
                    )
            })
            .unwrap_or_default()
    }

    /// Whether the run's report says how to write itself.
    pub fn has_report(&self) -> bool {
        self.report.try_with_value(Option::is_some) == Some(true)
    }

    /// The check right before a write ([`schedule::may_send`]); a disposed run sends nothing.
    fn may_write(&self) -> Result<(), Halt> {
        let cancelled = self
            .core
            .try_with_value(|c| c.plan.is_cancelled())
            .unwrap_or(true);
        may_send(
            cancelled,
            self.session.map(|(ctx, started)| (started, ctx.serial())),
        )
    }

    /// A write not sent after all: the item ends "not sent"; a changed session stops the run.
    fn halted(&self, h: Halt) -> RowState {
        if h == Halt::SessionChanged {
            self.stop(Some(Stopped::SessionEnded));
        }
        RowState::NotSent
    }

    /// The items, in order.
    pub(crate) fn items(&self) -> Vec<T> {
        self.core
            .try_with_value(|c| c.items.clone())
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
        let limit = self.limit.get_untracked();
        let started = self.core.try_update_value(|c| {
            let n = c.items.len();
            c.plan.begin(0..n, limit);
        });
        if started.is_some() {
            self.begin_pass();
        }
    }

    /// Sends again every failed and not-sent item, as one batch. An item whose outcome could
    /// not be confirmed is re-read first and sent only if its change is not there.
    pub fn retry_failed(&self) {
        let limit = self.limit.get_untracked();
        let may = self.may_retry.try_get_value().flatten();
        let Some(again) = self.core.try_update_value(|c| {
            let items = &c.items;
            c.plan
                .retry(limit, |i| may.as_ref().is_none_or(|m| m(&items[i])))
        }) else {
            return;
        };
        if again.is_empty() {
            return;
        }
        for &i in &again {
            self.set_row(i, RowState::Queued);
        }
        self.begin_pass();
    }

    /// What starting a pass does besides the schedule: clear the notes, restart the rate.
    fn begin_pass(&self) {
        self.stopped_because.set(None);
        self.note.set(None);
        self.started_ms.set(now_ms());
        self.settled_in_pass.set(0);
        self.sync();
        self.pump();
    }

    /// Copies the schedule's counts and phase into the signals (only what changed, so views
    /// are not woken for nothing).
    fn sync(&self) {
        let Some((tally, phase)) = self
            .core
            .try_with_value(|c| (c.plan.tally(), c.plan.phase()))
        else {
            return;
        };
        if self.tally.try_with_untracked(|t| *t != tally) == Some(true) {
            self.tally.try_set(tally);
        }
        if self.phase.try_get_untracked().is_some_and(|p| p != phase) {
            if phase == Phase::Finished {
                self.note.try_set(None);
                // Before the phase: a view shown when it is Finished reads the counts at once.
                self.retryable.try_set(self.count_retryable());
            }
            self.phase.try_set(phase);
        }
    }

    /// Sets the in-flight limit (1 to [`MAX_IN_FLIGHT`]); takes effect as requests finish.
    pub fn set_limit(&self, n: usize) {
        let n = n.clamp(1, MAX_IN_FLIGHT);
        self.limit.set(n);
        self.core.try_update_value(|c| c.plan.set_limit(n));
        self.sync();
        self.pump();
    }

    /// Stops starting new writes. What is in flight finishes and is accounted for; every item
    /// not yet sent becomes [`RowState::NotSent`].
    pub fn cancel(&self) {
        self.stop(None);
    }

    fn stop(&self, because: Option<Stopped>) {
        let Some(queued) = self.core.try_update_value(|c| c.plan.cancel()) else {
            return;
        };
        if because.is_some() {
            self.stopped_because.set(because);
        }
        for &i in &queued {
            self.set_row(i, RowState::NotSent);
        }
        self.note.set(None);
        self.sync();
    }

    /// Items settled per second in the current pass.
    pub(crate) fn rate(&self) -> Option<f64> {
        let n = self.settled_in_pass.get();
        let secs = (self.last_ms.get() - self.started_ms.get()) / 1000.0;
        (n > 0 && secs > 0.0).then(|| n as f64 / secs)
    }

    /// From the start of the current pass to the last item settled, in ms.
    pub(crate) fn elapsed_ms(&self) -> f64 {
        (self.last_ms.get() - self.started_ms.get()).max(0.0)
    }

    /// Seconds left at the current rate.
    pub(crate) fn eta_secs(&self) -> Option<f64> {
        let left = self.tally.with(Tally::remaining);
        self.rate().map(|r| left as f64 / r)
    }

    /// Starts what the schedule allows now, and sets the one timer it asks for.
    fn pump(&self) {
        let this = *self;
        loop {
            // The limit signal is public: a view may have set it without `set_limit`.
            let limit = self.limit.get_untracked();
            let next = self.core.try_update_value(|c| {
                if c.plan.limit() != limit {
                    c.plan.set_limit(limit);
                }
                let next = c.plan.next(now_ms());
                let item = match next {
                    Next::Start { i, .. } => c.items.get(i).cloned(),
                    _ => None,
                };
                (next, item)
            });
            match next {
                Some((Next::Start { i, check_first }, Some(item))) => {
                    spawn_local(async move { this.run_item(i, item, check_first).await });
                }
                Some((Next::WaitFor { ms }, _)) => {
                    spawn_local(async move {
                        sleep_ms(ms.max(0.0) as u32).await;
                        if this.core.try_update_value(|c| c.plan.wake()).is_some() {
                            this.pump();
                        }
                    });
                    break;
                }
                _ => break,
            }
        }
        self.sync();
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
            match self.check_settled(i, &item, &verify).await {
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
        let outcome = settled.as_ref().and_then(RowState::outcome_kind);
        if self
            .core
            .try_update_value(|c| c.plan.finished(i, outcome))
            .is_none()
        {
            return;
        }
        if let Some(st) = settled {
            self.settle(i, &item, st);
        }
        self.pump();
    }

    /// Sends the write once. `None`: the item was queued again (busy).
    async fn send(
        &self,
        i: usize,
        item: &T,
        apply: &Rc<dyn Fn(&T) -> BoxFut<Result<(), ApiError>>>,
        verify: &Rc<dyn Fn(&T) -> BoxFut<Result<bool, ApiError>>>,
    ) -> Option<RowState> {
        if let Err(h) = self.may_write() {
            return Some(self.halted(h));
        }
        self.set_row(i, RowState::Sending);
        let before = self.core.try_update_value(|c| {
            if let Some(t) = c.sent_ms.get_mut(i) {
                *t = now_ms();
            }
            c.plan.sending(i)
        });
        self.sync();
        let this = *self;
        let gate = Rc::new(move || {
            this.may_write()
                .map_err(|_| ApiError::NotSent("the run was stopped".into()))
        });
        match gated(gate, apply(item)).await {
            Err(ApiError::NotSent(_)) if self.may_write().is_err() => {
                // Stopped between the item's own read and its write: nothing was sent.
                if let Some(before) = before {
                    self.core
                        .try_update_value(|c| c.plan.not_sent_after_all(i, before));
                }
                self.may_write().err().map(|h| self.halted(h))
            }
            Err(ApiError::GatewayWriteRefused { sent: false, .. }) => {
                // A gateway that refused an earlier write kept this one from the network
                // (`api::gateway_writes`): not sent, as a cancel would leave it.
                if let Some(before) = before {
                    self.core
                        .try_update_value(|c| c.plan.not_sent_after_all(i, before));
                }
                Some(RowState::NotSent)
            }
            Ok(()) => {
                let grown = self.core.try_update_value(|c| {
                    let before = c.plan.tally().allowed;
                    c.plan.succeeded();
                    let after = c.plan.tally().allowed;
                    (after != before && after >= c.plan.limit()).then_some(())
                });
                self.sync();
                // Back to the user's limit: the busy note has had its day.
                if grown.flatten().is_some() {
                    self.note.try_set(None);
                }
                Some(RowState::Done {
                    by_check: false,
                    at: now_iso(),
                })
            }
            Err(e) if is_busy(&e) => self.on_busy(i, &e),
            Err(e) if e.outcome_unknown() => {
                self.set_row(i, RowState::Checking);
                self.core.try_update_value(|c| c.plan.checking());
                self.sync();
                Some(match self.check_settled(i, item, verify).await {
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

    /// Re-reads an item whose write may have been sent, until the answer is settled: the
    /// change is there (`true`), or it is not and the write can no longer land (`false`: read
    /// after the late window from its sending, see `api::timing`). The item stays "checking"
    /// meanwhile, and nothing is sent.
    async fn check_settled(
        &self,
        i: usize,
        item: &T,
        verify: &Rc<dyn Fn(&T) -> BoxFut<Result<bool, ApiError>>>,
    ) -> Result<bool, ApiError> {
        let sent = self
            .core
            .try_with_value(|c| c.sent_ms.get(i).copied().unwrap_or(0.0))
            .unwrap_or(0.0);
        if sent <= 0.0 {
            return self.check(item, verify).await;
        }
        super::writes::settle_lost_write(sent, || self.check(item, verify), |_| {}).await
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

    /// A busy answer: nothing was applied. The schedule slows down and queues the item again
    /// (`None`), or ends it.
    fn on_busy(&self, i: usize, e: &ApiError) -> Option<RowState> {
        let status = match e {
            ApiError::Ontap { status, .. } => *status,
            _ => 0,
        };
        let verdict = self.core.try_update_value(|c| c.plan.busy(i, now_ms()))?;
        self.sync();
        match verdict {
            Busy::GiveUp => Some(failure(FailKind::Busy, e)),
            Busy::NotSent => Some(RowState::NotSent),
            Busy::Again {
                times,
                pause_ms,
                allowed,
            } => {
                self.set_row(i, RowState::Throttled { times });
                self.note.try_set(Some(BusyNote {
                    status,
                    allowed,
                    pause_ms,
                }));
                None
            }
        }
    }

    /// Reports a settled item (the counts and the phase follow in the next [`Runner::pump`]).
    fn settle(&self, i: usize, item: &T, st: RowState) {
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
