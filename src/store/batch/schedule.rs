//! The bulk runner's decisions, as plain data: which item may start now, how far a busy cluster
//! pushes the run back, when an item has been refused as busy too often, what cancel and retry
//! do, and the counts. No Leptos, no browser, no async: the runner ([`super::Runner`]) feeds
//! it events with the time (`performance.now()`, ms) and carries out what it answers, so the
//! rules are tested natively with a clock made of plain numbers.

use std::collections::VecDeque;

/// In flight when a run starts.
pub const DEFAULT_IN_FLIGHT: usize = 4;
/// The most in flight: Chromium opens at most 6 connections to one host over HTTP/1.1.
pub const MAX_IN_FLIGHT: usize = 6;
/// How often one item may be refused as busy (429/503) before it is failed.
pub const MAX_THROTTLED: u32 = 8;
/// The first pause after a busy answer; it doubles with each busy answer in a row.
pub(crate) const BACKOFF_START_MS: f64 = 250.0;
pub(crate) const BACKOFF_MAX_MS: f64 = 8_000.0;

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
    pub(crate) total: usize,
    pub done: usize,
    pub failed: usize,
    pub not_sent: usize,
    /// Items whose write was sent at least once in this run (cancel reports it).
    pub sent: usize,
    pub(crate) in_flight: usize,
    /// Busy answers (429/503) seen so far.
    pub throttled: usize,
    /// Items re-read after a lost answer.
    pub(crate) checked: usize,
    /// The in-flight count the runner allows itself now (lowered while the cluster is busy).
    pub(crate) allowed: usize,
}

impl Tally {
    pub fn remaining(&self) -> usize {
        self.total - self.done - self.failed - self.not_sent
    }
}

/// How an item ended, as far as the schedule cares (the runner keeps the error and the time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Failed(FailKind),
    NotSent,
}

/// Where one item stands in the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// Waiting in the queue, or not yet part of a pass.
    Waiting,
    InFlight,
    Ended(Outcome),
}

/// What the runner may do now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Next {
    /// Start item `i`; `check_first`: re-read it before sending (its last outcome was
    /// unconfirmed).
    Start { i: usize, check_first: bool },
    /// Nothing may start before `ms` from now: set one timer, then call [`Schedule::wake`].
    WaitFor { ms: f64 },
    /// Nothing to start now (limit reached, queue empty, cancelled, or a timer already set).
    Nothing,
}

/// Why a write is not sent after all, decided right before it would be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Halt {
    /// The run was cancelled.
    Cancelled,
    /// The session the run started in is no longer the one signed in (signed out, or
    /// another sign-in since).
    SessionChanged,
}

/// The check right before every write of a run: not cancelled, and, for a run started in a
/// session (`session`: the serial it started in, and the one signed in now, `None` while
/// signed out), still in that session. Every path to a write passes here: the first send,
/// the send after a retry's re-read, the send after a busy pause, and (through the api's
/// gate) a write the item's own code sends after a read of its own.
pub(crate) fn may_send(
    cancelled: bool,
    session: Option<(Option<u64>, Option<u64>)>,
) -> Result<(), Halt> {
    match session {
        Some((started, now)) if started.is_none() || started != now => Err(Halt::SessionChanged),
        _ if cancelled => Err(Halt::Cancelled),
        _ => Ok(()),
    }
}

/// What a busy answer (429/503, not applied) does to its item.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Busy {
    /// Queued again, at the end; the run pauses `pause_ms` and allows `allowed` in flight.
    Again {
        times: u32,
        pause_ms: f64,
        allowed: usize,
    },
    /// Refused as busy more than [`MAX_THROTTLED`] times: it fails as [`FailKind::Busy`].
    GiveUp,
    /// The run was cancelled meanwhile: the item ends not sent.
    NotSent,
}

/// The decisions of one bulk run over `n` items, addressed by index.
#[derive(Debug)]
pub(crate) struct Schedule {
    slots: Vec<Slot>,
    queue: VecDeque<usize>,
    in_flight: usize,
    /// The user's limit, 1 to [`MAX_IN_FLIGHT`].
    limit: usize,
    /// Allowed in flight now, at most `limit` (halved by busy answers).
    allowed: usize,
    /// Nothing new starts before this time (ms).
    hold_until: f64,
    /// The current pause after a busy answer; 0 while the cluster is not busy.
    backoff_ms: f64,
    ok_streak: usize,
    cancelled: bool,
    timer_pending: bool,
    started: bool,
    throttled: Vec<u32>,
    check_first: Vec<bool>,
    sent: Vec<bool>,
    busy_answers: usize,
    checked: usize,
}

impl Schedule {
    /// A run over `n` items, not started, allowing [`DEFAULT_IN_FLIGHT`].
    pub(crate) fn new(n: usize) -> Schedule {
        Schedule {
            slots: vec![Slot::Waiting; n],
            queue: VecDeque::new(),
            in_flight: 0,
            limit: DEFAULT_IN_FLIGHT,
            allowed: DEFAULT_IN_FLIGHT,
            hold_until: 0.0,
            backoff_ms: 0.0,
            ok_streak: 0,
            cancelled: false,
            timer_pending: false,
            started: false,
            throttled: vec![0; n],
            check_first: vec![false; n],
            sent: vec![false; n],
            busy_answers: 0,
            checked: 0,
        }
    }

    /// Starts a pass over `items` (the whole run, or a retry) with the user's `limit`: the
    /// cluster is assumed not busy again until it says so.
    pub(crate) fn begin(&mut self, items: impl IntoIterator<Item = usize>, limit: usize) {
        let limit = limit.clamp(1, MAX_IN_FLIGHT);
        self.queue = items
            .into_iter()
            .filter(|&i| i < self.slots.len())
            .collect();
        for &i in &self.queue {
            self.slots[i] = Slot::Waiting;
        }
        self.cancelled = false;
        self.started = true;
        self.hold_until = 0.0;
        self.backoff_ms = 0.0;
        self.limit = limit;
        self.allowed = limit;
        self.ok_streak = 0;
    }

    /// Queues every failed and not-sent item again and starts a pass over them; returns them.
    /// An item whose outcome was unconfirmed is re-read first; busy counts start over.
    /// Items `may_retry` turns down stay as they ended.
    pub(crate) fn retry(&mut self, limit: usize, may_retry: impl Fn(usize) -> bool) -> Vec<usize> {
        let again: Vec<usize> = self
            .unsuccessful()
            .filter(|&(i, _)| may_retry(i))
            .map(|(i, _)| i)
            .collect();
        if again.is_empty() {
            return again;
        }
        for &i in &again {
            self.throttled[i] = 0;
            self.check_first[i] =
                self.slots[i] == Slot::Ended(Outcome::Failed(FailKind::Unconfirmed));
        }
        self.begin(again.iter().copied(), limit);
        again
    }

    /// The items that ended failed or not sent, each with whether it failed.
    pub(crate) fn unsuccessful(&self) -> impl Iterator<Item = (usize, bool)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, s)| match s {
            Slot::Ended(Outcome::Failed(_)) => Some((i, true)),
            Slot::Ended(Outcome::NotSent) => Some((i, false)),
            _ => None,
        })
    }

    /// The user changed the limit (clamped to 1 to [`MAX_IN_FLIGHT`]); returns the allowance.
    /// While backing off from a busy cluster, a higher limit is reached step by step.
    pub fn set_limit(&mut self, n: usize) -> usize {
        let n = n.clamp(1, MAX_IN_FLIGHT);
        self.limit = n;
        self.allowed = if self.backoff_ms > 0.0 {
            self.allowed.min(n)
        } else {
            n
        };
        self.allowed
    }

    /// The user's limit in force.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// What may start at time `now` (ms). Call it until it answers something else than
    /// [`Next::Start`].
    pub(crate) fn next(&mut self, now: f64) -> Next {
        if self.cancelled || self.queue.is_empty() {
            return Next::Nothing;
        }
        if now < self.hold_until {
            if self.timer_pending {
                return Next::Nothing;
            }
            self.timer_pending = true;
            return Next::WaitFor {
                ms: self.hold_until - now,
            };
        }
        if self.in_flight >= self.allowed.min(self.limit) {
            return Next::Nothing;
        }
        let Some(i) = self.queue.pop_front() else {
            return Next::Nothing;
        };
        self.in_flight += 1;
        self.slots[i] = Slot::InFlight;
        Next::Start {
            i,
            check_first: self.check_first[i],
        }
    }

    /// The timer that [`Next::WaitFor`] asked for has fired.
    pub(crate) fn wake(&mut self) {
        self.timer_pending = false;
    }

    /// Item `i`'s write is being sent (counted once per item and run); returns whether it
    /// had been sent before, for [`Schedule::not_sent_after_all`].
    pub(crate) fn sending(&mut self, i: usize) -> bool {
        self.sent
            .get_mut(i)
            .is_some_and(|s| std::mem::replace(s, true))
    }

    /// Item `i`'s write was stopped at the last moment (the gate refused it inside the write):
    /// it counts as sent only if it had been before.
    pub(crate) fn not_sent_after_all(&mut self, i: usize, before: bool) {
        if let Some(s) = self.sent.get_mut(i) {
            *s = before;
        }
    }

    /// Cancel was asked (by the user, or because the session ended).
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled
    }

    /// A write succeeded: the cluster is not busy; after a run of successes as long as the
    /// current allowance, one more may be in flight (up to the limit).
    pub(crate) fn succeeded(&mut self) {
        self.backoff_ms = 0.0;
        self.ok_streak += 1;
        if self.allowed < self.limit && self.ok_streak >= 4 * self.allowed {
            self.allowed += 1;
            self.ok_streak = 0;
        }
    }

    /// Item `i` was answered busy (nothing applied) at time `now`: pause, halve the allowance
    /// and queue it again at the end, or give up on it after [`MAX_THROTTLED`] busy answers.
    pub(crate) fn busy(&mut self, i: usize, now: f64) -> Busy {
        self.busy_answers += 1;
        let Some(times) = self.throttled.get_mut(i) else {
            return Busy::GiveUp;
        };
        *times += 1;
        let times = *times;
        if times > MAX_THROTTLED {
            return Busy::GiveUp;
        }
        self.backoff_ms = if self.backoff_ms == 0.0 {
            BACKOFF_START_MS
        } else {
            (self.backoff_ms * 2.0).min(BACKOFF_MAX_MS)
        };
        self.hold_until = self.hold_until.max(now + self.backoff_ms);
        self.allowed = (self.allowed / 2).max(1);
        self.ok_streak = 0;
        if self.cancelled {
            return Busy::NotSent;
        }
        self.queue.push_back(i);
        Busy::Again {
            times,
            pause_ms: self.backoff_ms,
            allowed: self.allowed,
        }
    }

    /// An item is being re-read after a lost answer (counted).
    pub(crate) fn checking(&mut self) {
        self.checked += 1;
    }

    /// Item `i` is no longer in flight: it ended with `outcome`, or (`None`) it was queued
    /// again by [`Schedule::busy`].
    pub fn finished(&mut self, i: usize, outcome: Option<Outcome>) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = match outcome {
                Some(o) => Slot::Ended(o),
                None => Slot::Waiting,
            };
        }
    }

    /// Stops starting new items; returns the queued ones, which end not sent. What is in
    /// flight still ends through [`Schedule::finished`].
    pub fn cancel(&mut self) -> Vec<usize> {
        self.cancelled = true;
        let queued: Vec<usize> = std::mem::take(&mut self.queue).into();
        for &i in &queued {
            self.slots[i] = Slot::Ended(Outcome::NotSent);
        }
        queued
    }

    /// Where the run stands.
    pub fn phase(&self) -> Phase {
        if !self.started {
            Phase::Ready
        } else if self.in_flight == 0 && self.queue.is_empty() {
            Phase::Finished
        } else if self.cancelled {
            Phase::Cancelling
        } else {
            Phase::Running
        }
    }

    /// The counts, from the items' states: done + failed + not sent + remaining = total.
    pub fn tally(&self) -> Tally {
        let count = |f: fn(&Slot) -> bool| self.slots.iter().filter(|s| f(s)).count();
        Tally {
            total: self.slots.len(),
            done: count(|s| matches!(s, Slot::Ended(Outcome::Done))),
            failed: count(|s| matches!(s, Slot::Ended(Outcome::Failed(_)))),
            not_sent: count(|s| matches!(s, Slot::Ended(Outcome::NotSent))),
            sent: self.sent.iter().filter(|&&s| s).count(),
            in_flight: self.in_flight,
            throttled: self.busy_answers,
            checked: self.checked,
            allowed: self.allowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts everything that may start at `now`, checking the bound at each start; returns
    /// the items started.
    fn start_all(s: &mut Schedule, now: f64) -> Vec<usize> {
        let mut out = Vec::new();
        while let Next::Start { i, .. } = s.next(now) {
            assert!(s.in_flight <= s.allowed.min(s.limit), "bound broken");
            assert!(s.allowed <= s.limit);
            s.sending(i);
            out.push(i);
        }
        out
    }

    #[test]
    fn a_write_goes_only_uncancelled_and_in_the_session_the_run_started_in() {
        assert_eq!(may_send(false, None), Ok(()));
        assert_eq!(may_send(false, Some((Some(3), Some(3)))), Ok(()));
        assert_eq!(may_send(true, None), Err(Halt::Cancelled));
        assert_eq!(
            may_send(true, Some((Some(3), Some(3)))),
            Err(Halt::Cancelled)
        );
        // Signed out, signed in again (another serial), or started while signed out.
        for (started, now) in [(Some(3), None), (Some(3), Some(4)), (None, None)] {
            assert_eq!(
                may_send(false, Some((started, now))),
                Err(Halt::SessionChanged),
                "{started:?} {now:?}"
            );
            assert_eq!(
                may_send(true, Some((started, now))),
                Err(Halt::SessionChanged)
            );
        }
    }

    #[test]
    fn a_write_stopped_at_the_last_moment_is_not_counted_as_sent() {
        let mut s = Schedule::new(2);
        s.begin(0..2, 2);
        assert!(!s.sending(0));
        s.not_sent_after_all(0, false);
        assert_eq!(s.tally().sent, 0);
        assert!(!s.sending(1));
        assert!(s.sending(1), "sent before");
        s.not_sent_after_all(1, true);
        assert_eq!(s.tally().sent, 1);
    }

    #[test]
    fn nothing_starts_before_the_run_does() {
        let mut s = Schedule::new(3);
        assert_eq!(s.phase(), Phase::Ready);
        assert_eq!(s.next(0.0), Next::Nothing);
        assert_eq!(s.tally().remaining(), 3);
    }

    #[test]
    fn in_flight_never_exceeds_the_limit_or_the_allowance() {
        let mut s = Schedule::new(20);
        s.begin(0..20, 3);
        assert_eq!(start_all(&mut s, 0.0), vec![0, 1, 2]);
        assert_eq!(s.tally().in_flight, 3);
        // One ends: one more starts, never a fourth at once.
        s.succeeded();
        s.finished(0, Some(Outcome::Done));
        assert_eq!(start_all(&mut s, 1.0), vec![3]);
        // A busy answer halves the allowance (3 → 1): nothing starts until the others end.
        assert!(matches!(s.busy(1, 2.0), Busy::Again { allowed: 1, .. }));
        s.finished(1, None);
        assert_eq!(s.tally().in_flight, 2);
        assert_eq!(start_all(&mut s, 10_000.0), Vec::<usize>::new());
        s.finished(2, Some(Outcome::Done));
        s.finished(3, Some(Outcome::Done));
        assert_eq!(start_all(&mut s, 10_000.0).len(), 1);
        // The limit is clamped to 1..=MAX_IN_FLIGHT.
        assert_eq!(s.set_limit(0), 1);
        assert_eq!(Schedule::new(1).set_limit(99), MAX_IN_FLIGHT);
    }

    #[test]
    fn a_lower_limit_takes_effect_as_items_end_and_a_higher_one_at_once() {
        let mut s = Schedule::new(10);
        s.begin(0..10, 4);
        assert_eq!(start_all(&mut s, 0.0).len(), 4);
        assert_eq!(s.set_limit(2), 2);
        s.finished(0, Some(Outcome::Done));
        s.finished(1, Some(Outcome::Done));
        assert_eq!(
            start_all(&mut s, 0.0),
            Vec::<usize>::new(),
            "still 2 in flight"
        );
        s.finished(2, Some(Outcome::Done));
        assert_eq!(start_all(&mut s, 0.0).len(), 1);
        assert_eq!(s.set_limit(5), 5);
        assert_eq!(start_all(&mut s, 0.0).len(), 3);
    }

    #[test]
    fn busy_answers_double_the_pause_up_to_8_s_and_halve_the_allowance() {
        let mut s = Schedule::new(10);
        s.begin(0..10, 6);
        start_all(&mut s, 0.0);
        let pauses: Vec<(f64, usize)> = (0..6)
            .map(|i| match s.busy(i, 0.0) {
                Busy::Again {
                    pause_ms, allowed, ..
                } => (pause_ms, allowed),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            pauses,
            vec![
                (250.0, 3),
                (500.0, 1),
                (1_000.0, 1),
                (2_000.0, 1),
                (4_000.0, 1),
                (8_000.0, 1)
            ]
        );
        for i in 0..6 {
            s.finished(i, None);
        }
        // More busy answers: the pause stays at 8 s.
        assert_eq!(start_all(&mut s, 8_000.0).len(), 1);
        assert!(
            matches!(s.busy(6, 8_000.0), Busy::Again { pause_ms, .. } if pause_ms == BACKOFF_MAX_MS)
        );
    }

    #[test]
    fn nothing_starts_during_the_pause_and_one_timer_is_asked_for() {
        let mut s = Schedule::new(4);
        s.begin(0..4, 2);
        start_all(&mut s, 1_000.0);
        s.busy(0, 1_000.0);
        s.finished(0, None);
        assert_eq!(s.next(1_100.0), Next::WaitFor { ms: 150.0 });
        assert_eq!(s.next(1_100.0), Next::Nothing, "one timer at a time");
        s.wake();
        // The allowance is 1 and item 1 is still in flight.
        assert_eq!(s.next(1_250.0), Next::Nothing);
        s.succeeded();
        s.finished(1, Some(Outcome::Done));
        assert_eq!(
            s.next(1_250.0),
            Next::Start {
                i: 2,
                check_first: false
            }
        );
    }

    #[test]
    fn successes_grow_the_allowance_back_one_step_at_a_time() {
        let mut s = Schedule::new(100);
        s.begin(0..100, 4);
        start_all(&mut s, 0.0);
        s.busy(0, 0.0);
        s.finished(0, None);
        assert_eq!(s.tally().allowed, 2);
        // 4 × 2 successes in a row: one more (3); then 4 × 3: the limit (4), and no further.
        for _ in 0..7 {
            s.succeeded();
        }
        assert_eq!(s.tally().allowed, 2);
        s.succeeded();
        assert_eq!(s.tally().allowed, 3);
        for _ in 0..12 {
            s.succeeded();
        }
        assert_eq!(s.tally().allowed, 4);
        for _ in 0..100 {
            s.succeeded();
        }
        assert_eq!(s.tally().allowed, 4);
        // A raised limit while backing off is reached step by step too.
        s.busy(1, 0.0);
        assert_eq!(s.set_limit(6), 2);
    }

    #[test]
    fn an_item_busy_more_than_max_throttled_times_fails_as_busy() {
        let mut s = Schedule::new(1);
        s.begin([0], 1);
        let mut now = 0.0;
        for n in 1..=MAX_THROTTLED {
            assert_eq!(start_all(&mut s, now), vec![0]);
            assert!(matches!(s.busy(0, now), Busy::Again { times, .. } if times == n));
            s.finished(0, None);
            now += BACKOFF_MAX_MS;
            s.wake();
        }
        assert_eq!(start_all(&mut s, now), vec![0]);
        assert_eq!(s.busy(0, now), Busy::GiveUp);
        s.finished(0, Some(Outcome::Failed(FailKind::Busy)));
        let t = s.tally();
        assert_eq!((t.failed, t.throttled as u32), (1, MAX_THROTTLED + 1));
        assert_eq!(s.phase(), Phase::Finished);
    }

    #[test]
    fn cancel_stops_new_starts_and_in_flight_items_still_settle() {
        let mut s = Schedule::new(10);
        s.begin(0..10, 3);
        start_all(&mut s, 0.0);
        let not_sent = s.cancel();
        assert_eq!(not_sent, (3..10).collect::<Vec<_>>());
        assert_eq!(s.phase(), Phase::Cancelling);
        assert_eq!(s.next(0.0), Next::Nothing);
        s.succeeded();
        s.finished(0, Some(Outcome::Done));
        // A busy answer after cancel does not queue the item again: it was not applied.
        assert_eq!(s.busy(1, 0.0), Busy::NotSent);
        s.finished(1, Some(Outcome::NotSent));
        assert_eq!(s.next(1e9), Next::Nothing);
        assert_eq!(s.phase(), Phase::Cancelling);
        s.finished(2, Some(Outcome::Failed(FailKind::Refused)));
        assert_eq!(s.phase(), Phase::Finished);
        let t = s.tally();
        assert_eq!((t.done, t.failed, t.not_sent, t.sent), (1, 1, 8, 3));
    }

    #[test]
    fn retry_queues_failed_and_not_sent_and_rereads_the_unconfirmed_first() {
        let mut s = Schedule::new(6);
        s.begin(0..6, 6);
        start_all(&mut s, 0.0);
        s.finished(0, Some(Outcome::Done));
        s.finished(1, Some(Outcome::Failed(FailKind::Unconfirmed)));
        s.finished(2, Some(Outcome::Failed(FailKind::NotApplied)));
        s.finished(3, Some(Outcome::Failed(FailKind::Busy)));
        s.finished(4, Some(Outcome::NotSent));
        s.finished(5, Some(Outcome::Failed(FailKind::Refused)));
        assert_eq!(s.phase(), Phase::Finished);
        assert_eq!(
            s.unsuccessful().collect::<Vec<_>>(),
            [(1, true), (2, true), (3, true), (4, false), (5, true)]
        );
        assert_eq!(s.retry(2, |_| true), vec![1, 2, 3, 4, 5]);
        assert_eq!(s.phase(), Phase::Running);
        let t = s.tally();
        assert_eq!((t.done, t.failed, t.not_sent, t.remaining()), (1, 0, 0, 5));
        assert_eq!(
            s.next(0.0),
            Next::Start {
                i: 1,
                check_first: true
            }
        );
        assert_eq!(
            s.next(0.0),
            Next::Start {
                i: 2,
                check_first: false
            }
        );
        assert_eq!(s.next(0.0), Next::Nothing, "the new limit holds");
        // Busy counts start over with the retry.
        assert!(matches!(s.busy(2, 0.0), Busy::Again { times: 1, .. }));
        // Nothing to retry when nothing failed.
        let mut ok = Schedule::new(1);
        ok.begin([0], 1);
        start_all(&mut ok, 0.0);
        ok.finished(0, Some(Outcome::Done));
        assert!(ok.retry(1, |_| true).is_empty());
        assert_eq!(ok.phase(), Phase::Finished);
    }

    #[test]
    fn a_retry_leaves_the_items_it_may_not_send_as_they_ended() {
        let mut s = Schedule::new(4);
        s.begin(0..4, 4);
        start_all(&mut s, 0.0);
        s.finished(0, Some(Outcome::NotSent));
        s.finished(1, Some(Outcome::Failed(FailKind::NotApplied)));
        s.finished(2, Some(Outcome::NotSent));
        s.finished(3, Some(Outcome::Done));
        assert_eq!(s.retry(1, |i| i != 0), vec![1, 2]);
        assert_eq!(s.unsuccessful().collect::<Vec<_>>(), [(0, false)]);
        // Every unsuccessful item turned down: nothing starts, the run stays finished.
        let mut held = Schedule::new(1);
        held.begin([0], 1);
        start_all(&mut held, 0.0);
        held.finished(0, Some(Outcome::NotSent));
        assert!(held.retry(1, |_| false).is_empty());
        assert_eq!(held.phase(), Phase::Finished);
    }

    #[test]
    fn the_tally_adds_up_through_a_run() {
        let mut s = Schedule::new(30);
        s.begin(0..30, 4);
        let mut now = 0.0;
        let mut round = 0;
        while s.phase() != Phase::Finished {
            s.wake();
            for i in start_all(&mut s, now) {
                let t = s.tally();
                assert_eq!(t.done + t.failed + t.not_sent + t.remaining(), t.total);
                let outcome = match (i % 5, round % 3) {
                    (0, 0) => {
                        s.busy(i, now);
                        None
                    }
                    (1, _) => Some(Outcome::Failed(FailKind::Refused)),
                    _ => {
                        s.succeeded();
                        Some(Outcome::Done)
                    }
                };
                s.finished(i, outcome);
            }
            if round == 5 {
                s.cancel();
            }
            now += 500.0;
            round += 1;
            assert!(round < 1_000, "the run ends");
        }
        let t = s.tally();
        assert_eq!(t.in_flight, 0);
        assert_eq!(t.remaining(), 0);
        assert_eq!(t.done + t.failed + t.not_sent, 30);
        assert!(t.sent <= 30 && t.sent >= t.done + t.failed);
    }
}
