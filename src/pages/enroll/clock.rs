//! The clocks of the enrollment: the browser's clock against the cluster's (from an answer's
//! `Date`), the cluster's time derived from it, and a difference in words. Pure: the times are
//! passed in, so the wording and the arithmetic are tested natively.

use ontap_model::otp;

/// The browser's clock minus the cluster's, in seconds, from an answer's `Date` header read at
/// `browser_ms` (wall clock, ms); `None` when the header is absent or unreadable.
pub(crate) fn skew_seconds(date: Option<&str>, browser_ms: f64) -> Option<i64> {
    date.and_then(|d| otp::clock_skew_seconds(browser_ms, d))
}

/// This computer's time in Unix seconds, and the cluster's (this computer's when the skew is
/// not known).
pub(crate) fn times(browser_ms: f64, skew: Option<i64>) -> (u64, u64) {
    let now = (browser_ms.max(0.0) / 1000.0) as u64;
    let cluster_now = skew.map_or(now, |s| (now as i64 - s).max(0) as u64);
    (now, cluster_now)
}

/// "The cluster's clock is 5 minutes ahead of this computer's.", when the browser's clock minus
/// the cluster's (`skew`, seconds) is more than a step: the first sentence of the warnings before
/// and after the profile is created.
pub(crate) fn cluster_clock_off(skew: Option<i64>) -> Option<String> {
    let s = skew.filter(|s| s.abs() > otp::MAX_SKEW_SECONDS)?;
    Some(format!(
        "The cluster's clock is {} {} this computer's.",
        clock_difference_words(s.unsigned_abs()),
        if s > 0 { "behind" } else { "ahead of" }
    ))
}

/// A clock difference in words: "45 seconds", "5 minutes", "2 minutes 10 seconds", "3 hours",
/// "1 hour 20 minutes", "2 days": the largest unit, and the next one unless it is 0.
pub(crate) fn clock_difference_words(seconds: u64) -> String {
    let unit = |n: u64, one: &str| crate::text::count(n, one, &format!("{one}s"));
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3_600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let (first, (n, next)) = match (d, h, m) {
        (0, 0, 0) => (unit(s, "second"), (0, "")),
        (0, 0, _) => (unit(m, "minute"), (s, "second")),
        (0, _, _) => (unit(h, "hour"), (m, "minute")),
        _ => (unit(d, "day"), (h, "hour")),
    };
    if n == 0 {
        first
    } else {
        format!("{first} {}", unit(n, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_differences_read_as_words() {
        assert_eq!(clock_difference_words(0), "0 seconds");
        assert_eq!(clock_difference_words(1), "1 second");
        assert_eq!(clock_difference_words(45), "45 seconds");
        assert_eq!(clock_difference_words(60), "1 minute");
        assert_eq!(clock_difference_words(300), "5 minutes");
        assert_eq!(clock_difference_words(130), "2 minutes 10 seconds");
        assert_eq!(clock_difference_words(3_600 * 3), "3 hours");
        assert_eq!(
            clock_difference_words(3_600 + 1_200 + 7),
            "1 hour 20 minutes"
        );
        assert_eq!(clock_difference_words(86_400 * 2 + 60), "2 days");
        assert_eq!(clock_difference_words(86_400 + 3_600 * 5), "1 day 5 hours");
    }

    #[test]
    fn the_clusters_clock_is_called_off_beyond_one_step_only() {
        assert_eq!(cluster_clock_off(None), None);
        assert_eq!(cluster_clock_off(Some(30)), None);
        assert_eq!(cluster_clock_off(Some(-30)), None);
        assert_eq!(
            cluster_clock_off(Some(-300)).as_deref(),
            Some("The cluster's clock is 5 minutes ahead of this computer's.")
        );
        assert_eq!(
            cluster_clock_off(Some(31)).as_deref(),
            Some("The cluster's clock is 31 seconds behind this computer's.")
        );
    }

    #[test]
    fn the_clusters_date_gives_the_skew_and_the_clusters_time() {
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(skew_seconds(Some(date), 784_112_077_500.0), Some(300));
        assert_eq!(skew_seconds(Some(date), 784_111_477_000.0), Some(-300));
        assert_eq!(skew_seconds(Some("yesterday"), 1.0), None);
        assert_eq!(skew_seconds(None, 1.0), None);
        assert_eq!(
            times(784_112_077_500.0, Some(300)),
            (784_112_077, 784_111_777)
        );
        assert_eq!(times(10_000.0, None), (10, 10));
        assert_eq!(times(10_000.0, Some(60)), (10, 0), "never before the epoch");
    }
}
