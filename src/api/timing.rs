//! How long requests may take and how long reads wait before retrying: defaults, and the
//! settings a slow link (or a test) puts in localStorage. Pure, apart from [`Timing::current`].

use super::retry::Policy;

/// How long a read may take before the page gives up on it. ONTAP's own `return_timeout` for a
/// collection page is 15 s by default, so a healthy cluster answers well within this.
pub(crate) const READ_TIMEOUT_MS: u32 = 20_000;
/// How long a write may take. After this, its outcome is unknown and is checked by re-reading.
pub(crate) const WRITE_TIMEOUT_MS: u32 = 30_000;

/// The localStorage key of the request timing settings (no credentials, only numbers): a JSON
/// object `{"read_ms": N, "write_ms": N, "retry_base_ms": N}`, each optional. For slow links,
/// and for the tests, which shorten every wait instead of sleeping through the defaults.
pub(crate) const TIMING_KEY: &str = "totp-admin.timing";

/// How long requests may take and how long reads wait before retrying.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Timing {
    pub(crate) read_ms: u32,
    pub(crate) write_ms: u32,
    pub(crate) retry: Policy,
}

impl Timing {
    pub(crate) const DEFAULT: Timing = Timing {
        read_ms: READ_TIMEOUT_MS,
        write_ms: WRITE_TIMEOUT_MS,
        retry: Policy::READS,
    };

    /// The defaults with what `json` sets (values out of range are clamped: 0.2 s to 10 min for
    /// timeouts, 10 ms to 60 s for the first retry's wait); anything unreadable is ignored.
    pub(crate) fn parse(json: &str) -> Timing {
        #[derive(serde::Deserialize)]
        struct Raw {
            read_ms: Option<f64>,
            write_ms: Option<f64>,
            retry_base_ms: Option<f64>,
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

    /// The settings in force: the defaults unless localStorage holds [`TIMING_KEY`].
    pub(crate) fn current() -> Timing {
        crate::platform::local_storage()
            .and_then(|s| s.get_item(TIMING_KEY).ok().flatten())
            .map(|j| Timing::parse(&j))
            .unwrap_or(Timing::DEFAULT)
    }
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
}
