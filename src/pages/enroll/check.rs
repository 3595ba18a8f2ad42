//! Checking a code from the authenticator app: at the cluster's time first (what SSH checks
//! against), then at this computer's, one 30-second step either way, and the verdict in words.
//! Pure: the secret, the skew and the time are passed in, so every case is tested natively.

use ontap_model::otp::{self, Secret};

use super::clock::{clock_difference_words, times};

/// What a code from the app says about the clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeCheck {
    /// It matches the cluster's time (`cluster_time`), or the browser's when the cluster's is
    /// not known, `step` 30-second steps off: SSH takes such codes.
    Accepted { step: i64, cluster_time: bool },
    /// It matches this computer's time only, `step` steps off, the browser's clock being `skew`
    /// seconds ahead of the cluster's: the app is set up, but SSH, on the cluster's clock,
    /// refuses its codes until the clocks agree.
    SshRefuses { step: i64, skew: i64 },
}

/// Checks `code` against `secret`, one step either way, at the cluster's time (this computer's
/// at `browser_ms` minus `skew`) and else at this computer's; without the cluster's time, at
/// this computer's alone. `None`: the code matches neither.
pub(crate) fn check_code(
    secret: &Secret,
    skew: Option<i64>,
    code: &str,
    browser_ms: f64,
) -> Option<CodeCheck> {
    let (now, cluster_now) = times(browser_ms, skew);
    let Some(skew) = skew else {
        return otp::matching_step(secret, code, now, 1).map(|step| CodeCheck::Accepted {
            step,
            cluster_time: false,
        });
    };
    if let Some(step) = otp::matching_step(secret, code, cluster_now, 1) {
        return Some(CodeCheck::Accepted {
            step,
            cluster_time: true,
        });
    }
    otp::matching_step(secret, code, now, 1).map(|step| CodeCheck::SshRefuses { step, skew })
}

/// Whether the cluster's `verification_code` is one this page computes from the secret, at the
/// cluster's time or this computer's (the cluster computed it at its own).
pub(crate) fn cross_check(
    secret: &Secret,
    verification_code: &str,
    skew: Option<i64>,
    browser_ms: f64,
) -> bool {
    let (now, cluster_now) = times(browser_ms, skew);
    otp::matching_step(secret, verification_code, cluster_now, 1).is_some()
        || otp::matching_step(secret, verification_code, now, 1).is_some()
}

impl CodeCheck {
    /// The verdict in words, and whether it is a warning.
    pub(crate) fn verdict(self) -> (String, bool) {
        match self {
            CodeCheck::Accepted { step: 0, .. } => {
                ("The code is right: the app is set up.".into(), false)
            }
            CodeCheck::Accepted { step, cluster_time } => (
                format!(
                    "The code is right: the app is set up (your phone's clock is about {} seconds \
                     {} {}).",
                    step.abs() * 30,
                    if step > 0 { "ahead of" } else { "behind" },
                    if cluster_time {
                        "the cluster's"
                    } else {
                        "this computer's"
                    }
                ),
                false,
            ),
            CodeCheck::SshRefuses { skew, .. } if skew.abs() > otp::MAX_SKEW_SECONDS => (
                format!(
                    "The app is set up, but SSH would refuse this code now: it matches the time of \
                     your phone and this computer, and the cluster's clock is {} {}. Ask the \
                     cluster's administrator to set its clock (NTP); until then, sign in to SSH \
                     with an emergency code.",
                    clock_difference_words(skew.unsigned_abs()),
                    if skew > 0 { "behind both" } else { "ahead of both" }
                ),
                true,
            ),
            CodeCheck::SshRefuses { step, skew } => {
                // The phone is `step` steps from this computer, which is `skew` s from the cluster.
                let off = step * 30 + skew;
                (
                    format!(
                        "The app is set up, but SSH would refuse this code now: your phone's clock \
                         is about {} {} the cluster's. Set the phone's time automatically, then \
                         check a new code.",
                        clock_difference_words(off.unsigned_abs()),
                        if off > 0 { "ahead of" } else { "behind" }
                    ),
                    true,
                )
            }
        }
    }
}

/// The code as typed, without spaces; an error text when it is not six digits.
pub(crate) fn clean_code(text: &str) -> Result<String, &'static str> {
    let c: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if c.is_empty() {
        Err("Enter the 6-digit code your authenticator app shows.")
    } else if c.len() != otp::DIGITS as usize || !c.bytes().all(|b| b.is_ascii_digit()) {
        Err("A code is 6 digits (spaces do not matter).")
    } else {
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use ontap_model::otp::{self, Secret};

    use super::{check_code, clean_code, cross_check, CodeCheck};

    const NOW: u64 = 1_800_000_015; // 15 s into a step
    const MS: f64 = NOW as f64 * 1000.0;

    fn secret() -> Secret {
        Secret::from_base32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").unwrap()
    }

    /// The code an app shows at Unix time `t`.
    fn code(t: i64) -> String {
        otp::code_at(&secret(), t as u64)
    }

    /// Checks a code with the browser's clock `skew` seconds ahead of the cluster's.
    fn check(skew: Option<i64>, code: &str) -> Option<CodeCheck> {
        check_code(&secret(), skew, code, MS)
    }

    #[test]
    fn a_code_of_the_clusters_time_is_accepted_and_one_of_this_computer_only_is_not_for_ssh() {
        // The cluster 5 minutes ahead of this computer.
        let skew = Some(-300);
        let n = NOW as i64;
        assert_eq!(
            check(skew, &code(n + 300)),
            Some(CodeCheck::Accepted {
                step: 0,
                cluster_time: true
            })
        );
        assert_eq!(
            check(skew, &code(n + 330)),
            Some(CodeCheck::Accepted {
                step: 1,
                cluster_time: true
            })
        );
        assert_eq!(
            check(skew, &code(n)),
            Some(CodeCheck::SshRefuses {
                step: 0,
                skew: -300
            })
        );
        assert_eq!(check(skew, &code(n - 300)), None);
        let (text, warn) = check(skew, &code(n)).unwrap().verdict();
        assert!(warn);
        assert!(text.contains("SSH would refuse this code now"), "{text}");
        assert!(
            text.contains("the cluster's clock is 5 minutes ahead"),
            "{text}"
        );
        assert!(text.contains("emergency code"), "{text}");
        let (text, warn) = check(skew, &code(n + 270)).unwrap().verdict();
        assert!(!warn);
        assert!(
            text.contains("about 30 seconds behind the cluster's"),
            "{text}"
        );
    }

    #[test]
    fn within_a_step_a_code_off_the_clusters_time_blames_the_phone() {
        let skew = Some(20);
        let n = NOW as i64;
        assert_eq!(
            check(skew, &code(n - 20)),
            Some(CodeCheck::Accepted {
                step: 0,
                cluster_time: true
            })
        );
        // The phone 30 s behind this computer is 10 s behind the cluster: accepted. 30 s ahead
        // of this computer, it is 50 s ahead of the cluster: refused, and the phone is to blame.
        let v = check(skew, &code(n - 30));
        assert!(matches!(v, Some(CodeCheck::Accepted { .. })), "{v:?}");
        let v = check(skew, &code(n + 30)).unwrap();
        assert_eq!(v, CodeCheck::SshRefuses { step: 1, skew: 20 });
        let (text, warn) = v.verdict();
        assert!(
            warn && text.contains("your phone's clock is about 50 seconds ahead of the cluster's"),
            "{text}"
        );
    }

    #[test]
    fn without_the_clusters_time_this_computers_decides() {
        let n = NOW as i64;
        assert_eq!(
            check(None, &code(n)),
            Some(CodeCheck::Accepted {
                step: 0,
                cluster_time: false
            })
        );
        assert_eq!(
            check(None, &code(n - 30)),
            Some(CodeCheck::Accepted {
                step: -1,
                cluster_time: false
            })
        );
        assert_eq!(check(None, &code(n + 300)), None);
        let (text, _) = check(None, &code(n - 30)).unwrap().verdict();
        assert!(
            text.contains("about 30 seconds behind this computer's"),
            "{text}"
        );
        assert_eq!(
            CodeCheck::Accepted {
                step: 0,
                cluster_time: false
            }
            .verdict(),
            ("The code is right: the app is set up.".to_owned(), false)
        );
    }

    #[test]
    fn the_clusters_verification_code_is_read_at_its_time_or_this_computers() {
        let n = NOW as i64;
        // Computed by a cluster 5 minutes ahead: agrees at the cluster's time.
        assert!(cross_check(&secret(), &code(n + 300), Some(-300), MS));
        // Without a usable Date, at this computer's time.
        assert!(cross_check(&secret(), &code(n), None, MS));
        assert!(!cross_check(&secret(), &code(n + 600), Some(-300), MS));
        assert!(!cross_check(&secret(), "12345", None, MS));
    }

    #[test]
    fn a_code_is_six_digits_and_spaces_do_not_matter() {
        assert_eq!(clean_code(" 123 456 "), Ok("123456".into()));
        assert_eq!(
            clean_code("  "),
            Err("Enter the 6-digit code your authenticator app shows.")
        );
        assert_eq!(
            clean_code("12345"),
            Err("A code is 6 digits (spaces do not matter).")
        );
        assert_eq!(
            clean_code("12a456"),
            Err("A code is 6 digits (spaces do not matter).")
        );
    }
}
