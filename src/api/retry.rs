//! Retrying with backoff: the policy (which failures are worth another attempt, how long to
//! wait before it) and the loop that applies it.
//!
//! [`super::Client::get`] retries every read through [`retry`] with [`Policy::READS`]: a GET
//! changes nothing, so sending it again is always safe. Writes are never retried here: a write
//! whose outcome is unknown is checked by re-reading (see the profile editor), never resent.
//! [`retry`] is generic so that other callers (bulk changes) can apply their own rules.
//!
//! While a read waits for its next attempt, [`retry`] reports a [`Notice`] (the client passes
//! it to its listener; the page shows a note), and `None` when the read ends, however it ends.

use std::future::Future;

use super::error::ApiError;

/// How often and how patiently to retry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Policy {
    /// Attempts in all, the first included (1: no retry).
    pub(crate) attempts: u32,
    /// The wait before the first retry, in ms; it doubles before each next one.
    pub(crate) base_ms: u32,
    /// The longest wait, in ms.
    pub(crate) max_ms: u32,
    /// Each wait is spread by up to this share either way (0.25: ±25 %), so that many pages
    /// refused at once do not all come back at the same moment.
    pub(crate) jitter: f64,
}

impl Policy {
    /// Reads: 4 attempts, waiting about 0.5 s, 1 s, 2 s (±25 %) in between.
    pub(crate) const READS: Policy = Policy {
        attempts: 4,
        base_ms: 500,
        max_ms: 8_000,
        jitter: 0.25,
    };

    /// The wait before retry number `retry` (0 for the first), given `unit`, a random number
    /// in [0, 1) (0.5 gives the wait without jitter).
    pub(crate) fn delay_ms(&self, retry: u32, unit: f64) -> u32 {
        let plain = u64::from(self.base_ms)
            .saturating_mul(1u64 << retry.min(20))
            .min(u64::from(self.max_ms)) as f64;
        let spread = 1.0 + self.jitter * (2.0 * unit.clamp(0.0, 1.0) - 1.0);
        (plain * spread).round().max(0.0) as u32
    }

    /// The same policy with its waits scaled to `base_ms` (tests and slow links tune this).
    pub(crate) fn with_base_ms(self, base_ms: u32) -> Policy {
        let ratio = if self.base_ms == 0 {
            1
        } else {
            self.max_ms / self.base_ms
        };
        Policy {
            base_ms,
            max_ms: base_ms.saturating_mul(ratio.max(1)),
            ..self
        }
    }
}

/// True when a read that failed this way may succeed if sent again: the cluster was busy or
/// failed for a moment (429, 500, 503), the proxy lost it (502, 504), the connection dropped,
/// or the answer arrived broken (cut short, not JSON). Not for refusals that would only repeat
/// (401, 403, 404, a 4xx with an ONTAP error) nor for a timeout (the wait was already long;
/// the user decides whether to wait again).
pub fn worth_retrying(e: &ApiError) -> bool {
    match e {
        ApiError::Network | ApiError::Decode(_) => true,
        ApiError::Http { status } | ApiError::Ontap { status, .. } => {
            matches!(status, 429 | 500 | 502 | 503 | 504)
        }
        ApiError::Timeout
        | ApiError::Unauthorized
        | ApiError::NotSent(_)
        | ApiError::Aborted
        | ApiError::BadNextLink(_)
        | ApiError::GatewayWriteRefused { .. } => false,
    }
}

/// What made a read try again, as the note names it: the few kinds of failure a read is
/// retried for ([`worth_retrying`]). Small and `Copy`, so the note carries no error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The connection dropped or was refused.
    ConnectionLost,
    /// The answer arrived broken (cut short, not JSON).
    Unreadable,
    /// The cluster answered busy (429, 503).
    Busy(u16),
    /// The proxy could not reach the cluster (502, 504).
    ProxyLost(u16),
    /// Another status (500).
    Status(u16),
    /// Anything else (not retried today).
    Other,
}

impl From<&ApiError> for Cause {
    fn from(e: &ApiError) -> Cause {
        match e {
            ApiError::Network => Cause::ConnectionLost,
            ApiError::Decode(_) => Cause::Unreadable,
            ApiError::Http { status } | ApiError::Ontap { status, .. } => match status {
                429 | 503 => Cause::Busy(*status),
                502 | 504 => Cause::ProxyLost(*status),
                s => Cause::Status(*s),
            },
            _ => Cause::Other,
        }
    }
}

/// A read waiting for its next attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The attempt about to be made (2 for the first retry).
    pub(crate) attempt: u32,
    /// Attempts in all.
    pub(crate) of: u32,
    /// The wait before it, in ms.
    pub(crate) wait_ms: u32,
    /// The failure that is being retried.
    pub(crate) cause: Cause,
}

/// Runs `op` until it succeeds, fails in a way not worth retrying (`retryable` says), or has
/// had `policy.attempts` attempts; waits by the policy between attempts, showing a note
/// meanwhile. The last failure is returned as it was.
pub(crate) async fn retry<T, F, Fut>(
    policy: Policy,
    retryable: impl Fn(&ApiError) -> bool,
    report: impl Fn(Option<Notice>),
    mut op: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut retries = 0;
    let result = loop {
        match op().await {
            Err(e) if retries + 1 < policy.attempts && retryable(&e) => {
                let wait_ms = policy.delay_ms(retries, crate::platform::random_unit());
                retries += 1;
                report(Some(Notice {
                    attempt: retries + 1,
                    of: policy.attempts,
                    wait_ms,
                    cause: Cause::from(&e),
                }));
                crate::platform::sleep_ms(wait_ms).await;
            }
            other => break other,
        }
    };
    if retries > 0 {
        report(None);
    }
    result
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn reads_wait_half_a_second_then_double_within_the_jitter() {
        let p = Policy::READS;
        assert_eq!(
            (0..3).map(|r| p.delay_ms(r, 0.5)).collect::<Vec<_>>(),
            [500, 1000, 2000]
        );
        assert_eq!(p.delay_ms(0, 0.0), 375);
        assert_eq!(p.delay_ms(0, 0.999_999), 625);
        assert_eq!(p.delay_ms(2, 0.0), 1500);
        assert_eq!(p.delay_ms(30, 0.5), 8000, "capped at max_ms");
        assert_eq!(p.with_base_ms(100).delay_ms(1, 0.5), 200);
        assert_eq!(p.with_base_ms(100).max_ms, 1600);
    }

    #[test]
    fn only_transient_failures_are_retried() {
        use ontap_model::ErrorResponse;
        let body: ErrorResponse =
            serde_json::from_str(r#"{"error":{"message":"busy","code":"262160"}}"#).unwrap();
        for s in [429, 500, 502, 503, 504] {
            assert!(worth_retrying(&ApiError::Http { status: s }), "{s}");
            assert!(worth_retrying(&ApiError::Ontap {
                status: s,
                body: body.clone()
            }));
        }
        assert!(worth_retrying(&ApiError::Network));
        assert!(worth_retrying(&ApiError::Decode("EOF".into())));
        for s in [400, 403, 404, 409, 413] {
            assert!(!worth_retrying(&ApiError::Http { status: s }), "{s}");
        }
        assert!(!worth_retrying(&ApiError::Unauthorized));
        assert!(!worth_retrying(&ApiError::Timeout));
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
        fn raw() -> RawWaker {
            fn clone(_: *const ()) -> RawWaker {
                raw()
            }
            fn noop(_: *const ()) {}
            static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
            RawWaker::new(std::ptr::null(), &VTABLE)
        }
        let waker = unsafe { Waker::from_raw(raw()) };
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn the_loop_stops_at_success_at_a_final_failure_or_after_the_last_attempt() {
        let seen: RefCell<Vec<Option<Notice>>> = RefCell::default();
        let report = |n| seen.borrow_mut().push(n);

        // Two 503s, then an answer: three attempts, two notes, then the note cleared.
        let mut answers = vec![
            Err(ApiError::Http { status: 503 }),
            Err(ApiError::Network),
            Ok(7),
        ]
        .into_iter();
        let calls = std::cell::Cell::new(0);
        let r = block_on(retry(Policy::READS, worth_retrying, report, || {
            calls.set(calls.get() + 1);
            let a = answers.next().unwrap();
            async move { a }
        }));
        assert_eq!((r, calls.get()), (Ok(7), 3));
        let notes = seen.borrow().clone();
        assert_eq!(notes.len(), 3);
        assert_eq!(notes[0].as_ref().unwrap().attempt, 2);
        assert_eq!(notes[0].as_ref().unwrap().cause, Cause::Busy(503));
        assert_eq!(notes[1].as_ref().unwrap().attempt, 3);
        assert_eq!(notes[1].as_ref().unwrap().cause, Cause::ConnectionLost);
        assert_eq!(notes[2], None);

        // Always busy: four attempts, then the last failure as it was.
        calls.set(0);
        let r: Result<(), _> = block_on(retry(Policy::READS, worth_retrying, report, || {
            calls.set(calls.get() + 1);
            async { Err(ApiError::Http { status: 429 }) }
        }));
        assert_eq!((r, calls.get()), (Err(ApiError::Http { status: 429 }), 4));

        // A refusal is final at once, and shows no note.
        seen.borrow_mut().clear();
        calls.set(0);
        let r: Result<(), _> = block_on(retry(Policy::READS, worth_retrying, report, || {
            calls.set(calls.get() + 1);
            async { Err(ApiError::Unauthorized) }
        }));
        assert_eq!((r, calls.get()), (Err(ApiError::Unauthorized), 1));
        assert!(seen.borrow().is_empty());
    }
}
