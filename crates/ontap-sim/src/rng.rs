//! Randomness and time, kept apart from the rules: fresh secrets come from the operating
//! system (`getrandom`); everything that must repeat from a seed (generated clusters, fault
//! injection) uses [`SplitMix64`], a small deterministic generator.

use std::time::{SystemTime, UNIX_EPOCH};

/// `n` bytes from the operating system's generator. Should it fail (it does not on the
/// platforms the emulator runs on), the bytes come from the clock through [`SplitMix64`]: an
/// emulator must keep answering.
pub fn fresh_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if getrandom::fill(&mut buf).is_err() {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let mut g = SplitMix64::new(nanos);
        for b in &mut buf {
            *b = g.next_u64() as u8;
        }
    }
    buf
}

/// A string of `digits` random decimal digits (an emergency code).
pub fn fresh_digits(digits: u32) -> String {
    let bytes = fresh_bytes(8);
    let mut g = SplitMix64::new(u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])));
    (0..digits)
        .map(|_| char::from(b'0' + g.below(10) as u8))
        .collect()
}

/// Seconds since the Unix epoch, by the machine's clock. The emulated cluster's own clock,
/// which `--clock-offset-secs` can shift, is [`crate::Sim::now`] (or [`crate::state::State::now`]).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `unix` shifted by `offset` seconds (negative: earlier), never before the epoch.
pub fn shifted(unix: u64, offset: i64) -> u64 {
    unix.saturating_add_signed(offset)
}

/// The civil date and time of a Unix time in UTC: (year, month 1-12, day 1-31, hour, minute,
/// second). Howard Hinnant's `civil_from_days`.
pub fn civil(unix: u64) -> (i64, u64, u64, u64, u64, u64) {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, secs / 3600, (secs / 60) % 60, secs % 60)
}

/// An HTTP `Date` value (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(unix: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + std::time::Duration::from_secs(unix))
}

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// 2014): one 64-bit state, good enough statistics for test data, fully deterministic.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; tiny modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeded_generator_repeats_and_fresh_bytes_do_not() {
        let a: Vec<u64> = (0..4)
            .scan(SplitMix64::new(7), |g, _| Some(g.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .scan(SplitMix64::new(7), |g, _| Some(g.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(fresh_bytes(20), fresh_bytes(20));
        let d = fresh_digits(8);
        assert_eq!(d.len(), 8);
        assert!(d.bytes().all(|c| c.is_ascii_digit()));
        let mut g = SplitMix64::new(1);
        assert!((0..1000).all(|_| (0.0..1.0).contains(&g.unit())));
    }

    #[test]
    fn http_dates_are_written_as_rfc_9110_asks_and_read_back() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_583_020_799), "Sat, 29 Feb 2020 23:59:59 GMT");
        assert_eq!(http_date(1_798_761_600), "Fri, 01 Jan 2027 00:00:00 GMT");
        // The page's reader (ontap-model) gives back the same second, for any day.
        for t in (0..4_102_444_800u64).step_by(86_400 * 37 + 3_607) {
            assert_eq!(
                ontap_model::otp::http_date_to_unix(&http_date(t)),
                Some(t),
                "{t}"
            );
        }
        assert_eq!(shifted(1_000, 300), 1_300);
        assert_eq!(shifted(1_000, -300), 700);
        assert_eq!(shifted(100, -300), 0);
    }
}
