//! How long requests may take and how long reads wait before retrying: defaults, and the
//! settings a slow link (or a test) puts in localStorage. Pure, apart from [`Timing::current`].

use super::retry::Policy;

/// How long a read may take before the page gives up on it. ONTAP's own `return_timeout` for a
/// collection page is 15 s by default, so a healthy cluster answers well within this.
pub(crate) const READ_TIMEOUT_MS: u32 = 20_000;
/// How long a write may take. After this, its outcome is unknown and is checked by re-reading.
/// Longer than the proxy's read timeout, so that a slow cluster ends in the proxy's clear 504
/// rather than in the page giving up first.
pub(crate) const WRITE_TIMEOUT_MS: u32 = 35_000;
/// How long the reverse proxy waits for the cluster's answer (`proxy_read_timeout` in
/// deploy/nginx.conf). A write whose answer was lost may still be carried out until then.
pub(crate) const PROXY_READ_TIMEOUT_MS: u32 = 30_000;
/// The margin after the proxy's read timeout before a re-read may call a lost write "not
/// applied": the cluster may finish a write it started just before the proxy gave up.
pub(crate) const LATE_MARGIN_MS: u32 = 10_000;

/// The localStorage key of the request timing settings (no credentials, only numbers): a JSON
/// object `{"read_ms": N, "write_ms": N, "retry_base_ms": N, "proxy_read_ms": N,
/// "late_margin_ms": N}`, each optional. For slow links,
/// and for the tests, which shorten every wait instead of sleeping through the defaults.
pub(crate) const TIMING_KEY: &str = "totp-admin.timing";

/// How long requests may take and how long reads wait before retrying.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Timing {
    pub(crate) read_ms: u32,
    pub(crate) write_ms: u32,
    pub(crate) retry: Policy,
    /// The proxy's read timeout ([`PROXY_READ_TIMEOUT_MS`]): with [`LATE_MARGIN_MS`], how
    /// long after its sending a lost write may still land.
    pub(crate) proxy_read_ms: u32,
    /// [`LATE_MARGIN_MS`] unless a test shortens it.
    pub(crate) late_margin_ms: u32,
}

impl Timing {
    pub(crate) const DEFAULT: Timing = Timing {
        read_ms: READ_TIMEOUT_MS,
        write_ms: WRITE_TIMEOUT_MS,
        retry: Policy::READS,
        proxy_read_ms: PROXY_READ_TIMEOUT_MS,
        late_margin_ms: LATE_MARGIN_MS,
    };

    /// The defaults with what `json` sets (values out of range are clamped: 0.2 s to 10 min for
    /// timeouts, 10 ms to 60 s for the first retry's wait); anything unreadable is ignored.
    pub(crate) fn parse(json: &str) -> Timing {
        #[derive(serde::Deserialize)]
        struct Raw {
            read_ms: Option<f64>,
            write_ms: Option<f64>,
            retry_base_ms: Option<f64>,
            proxy_read_ms: Option<f64>,
            late_margin_ms: Option<f64>,
        }
        let mut t = Timing::DEFAULT;
        if let Ok(r) = serde_json::from_str::<Raw>(json) {
            let ms = |v: f64, lo: f64, hi: f64| v.clamp(lo, hi) as u32;
            if let Some(v) = r.read_ms.filter(|v| v.is_finite()) {
                t.read_ms = ms(v, 200.0, 600_000.0);
            }
            if let Some(v) = r.write_ms.filter(|v| v.is_finite()) {
                t.write_ms = ms(v, 200.0, 600_000.0);
            }
            if let Some(v) = r.retry_base_ms.filter(|v| v.is_finite()) {
                t.retry = t.retry.with_base_ms(ms(v, 10.0, 60_000.0));
            }
            if let Some(v) = r.proxy_read_ms.filter(|v| v.is_finite()) {
                t.proxy_read_ms = ms(v, 0.0, 600_000.0);
            }
            if let Some(v) = r.late_margin_ms.filter(|v| v.is_finite()) {
                t.late_margin_ms = ms(v, 0.0, 600_000.0);
            }
        }
        t
    }

    /// The timeout of a request by its method: a GET is a read, anything else a write (whose
    /// outcome is unknown after the timeout, so it gets the longer wait).
    pub(crate) fn timeout_ms(&self, method: &str) -> u32 {
        if method.eq_ignore_ascii_case("GET") {
            self.read_ms
        } else {
            self.write_ms
        }
    }

    /// How long after its sending a write whose answer was lost may still be carried out:
    /// the proxy's read timeout plus [`LATE_MARGIN_MS`]. Until then a re-read that does not
    /// show the change proves nothing.
    pub(crate) fn late_window_ms(&self) -> f64 {
        f64::from(self.proxy_read_ms) + f64::from(self.late_margin_ms)
    }

    /// What a re-read after a lost answer settles, for a write sent at `sent_ms` and read at
    /// `now_ms` (both `performance.now()`): `applied` settles it at any time; a read without
    /// the change settles it as not applied only once the late window has passed.
    pub(crate) fn settle_lost(&self, applied: bool, sent_ms: f64, now_ms: f64) -> Lost {
        if applied {
            return Lost::Applied;
        }
        let left = sent_ms + self.late_window_ms() - now_ms;
        if left > 0.0 {
            Lost::NotYet { wait_ms: left }
        } else {
            Lost::NotApplied
        }
    }

    /// The settings in force: the defaults unless localStorage holds [`TIMING_KEY`].
    pub(crate) fn current() -> Timing {
        crate::platform::local_storage()
            .and_then(|s| s.get_item(TIMING_KEY).ok().flatten())
            .map(|j| Timing::parse(&j))
            .unwrap_or(Timing::DEFAULT)
    }
}

/// [`Timing::settle_lost`] with the settings in force, read now.
pub(crate) fn settle_lost(applied: bool, sent_ms: f64) -> Lost {
    Timing::current().settle_lost(applied, sent_ms, crate::platform::mono_ms())
}

/// Where a write whose answer was lost stands after a re-read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Lost {
    /// The re-read shows the change: it was carried out.
    Applied,
    /// Not on the cluster yet, but it may still land: read again in `wait_ms`. Nothing may be
    /// sent again meanwhile.
    NotYet { wait_ms: f64 },
    /// Not on the cluster, read after the late window: it was not carried out. A PATCH that
    /// sets absolute values may be offered again; a POST never is.
    NotApplied,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_settings_are_read_and_clamped() {
        assert_eq!(Timing::parse(""), Timing::DEFAULT);
        assert_eq!(Timing::parse("{\"read_ms\": \"fast\"}"), Timing::DEFAULT);
        let t = Timing::parse(r#"{"read_ms": 1500, "write_ms": 1, "retry_base_ms": 100}"#);
        assert_eq!((t.read_ms, t.write_ms), (1500, 200));
        assert_eq!(t.retry.delay_ms(0, 0.5), 100);
        assert_eq!(t.retry.attempts, Policy::READS.attempts);
        assert_eq!(Timing::parse(r#"{"read_ms": 1e12}"#).read_ms, 600_000);
    }

    /// Every write (POST included: it once went out with the default instead of the setting)
    /// waits the configured write timeout; reads the read timeout.
    #[test]
    fn each_method_gets_its_configured_timeout() {
        let t = Timing::parse(r#"{"read_ms": 1500, "write_ms": 2500}"#);
        assert_eq!(t.timeout_ms("GET"), 1500);
        for m in ["POST", "PATCH", "DELETE"] {
            assert_eq!(t.timeout_ms(m), 2500, "{m}");
        }
    }

    /// A lost answer is "not applied" only after the proxy's timeout and the margin; a read
    /// that shows the change settles it at any time.
    #[test]
    fn a_lost_write_is_not_called_not_applied_before_the_late_window() {
        let t = Timing::DEFAULT;
        assert_eq!(t.late_window_ms(), 40_000.0);
        let sent = 1_000.0;
        assert_eq!(t.settle_lost(true, sent, sent + 5.0), Lost::Applied);
        assert_eq!(
            t.settle_lost(false, sent, sent + 5_000.0),
            Lost::NotYet { wait_ms: 35_000.0 }
        );
        assert_eq!(
            t.settle_lost(false, sent, sent + 39_999.0),
            Lost::NotYet { wait_ms: 1.0 }
        );
        assert_eq!(
            t.settle_lost(false, sent, sent + 40_000.0),
            Lost::NotApplied
        );
        assert_eq!(t.settle_lost(true, sent, sent + 90_000.0), Lost::Applied);
        let short = Timing::parse(r#"{"proxy_read_ms": 1000, "late_margin_ms": 500}"#);
        assert_eq!(short.late_window_ms(), 1_500.0);
        assert!(
            Timing::DEFAULT.write_ms > Timing::DEFAULT.proxy_read_ms,
            "the page waits longer than the proxy, so it sees the proxy's 504"
        );
    }
}
