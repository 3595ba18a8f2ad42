//! Signing out an idle session: after the configured time without keyboard or pointer activity
//! the session ends as if the user had signed out (memory and sessionStorage wiped), and the
//! sign-in screen says why. When that would drop something (a bulk run still sending, the
//! enrollment's secret on screen: [`Stakes`]), a warning comes first, with the time left and
//! a way to stay; activity or "Stay signed in" keeps the session, else it ends when the time
//! is up. A sign-out in another tab of the page (`session::tabs`) follows the same rule.
//! Installed by the page shell; removed with it. The rule itself ([`step`]) is pure.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

use super::persist;
use super::state::{SessionCtx, SignedOut, Stakes};
use crate::platform::{local_storage, wall_ms};

/// The events that count as activity.
pub(crate) const ACTIVITY_EVENTS: &[&str] = &["keydown", "pointerdown", "pointermove", "wheel"];
/// How often a kept session records activity in sessionStorage (and tells the other tabs), at
/// most.
const TOUCH_EVERY_MS: f64 = 5_000.0;
/// How long the warning before an idle sign-out lasts.
pub const WARN_MS: u32 = 60_000;
/// The localStorage key of the idle settings for tests (and kiosks): a JSON object
/// `{"idle_ms": N, "warn_ms": N}`, each optional, each only ever shortening what the session
/// says (no setting lengthens the time a session stays signed in).
pub const IDLE_KEY: &str = "totp-admin.idle";

/// How often the clock is checked for an idle time: a quarter of it, within 50 ms and 1 s
/// (a warning's end is not to be late by more than a second).
pub fn check_every_ms(idle_ms: u32) -> u32 {
    (idle_ms / 4).clamp(50, 1_000)
}

/// Why the warning is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Nothing happened here for the idle time; activity keeps the session.
    Idle,
    /// The session ended in another tab; only "Stay signed in" keeps this one.
    OtherTab,
}

/// The warning on screen: why, since and until when (wall clock, ms), and what would be lost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Warning {
    pub cause: Cause,
    pub since: f64,
    pub until: f64,
    pub stakes: Stakes,
}

/// What the idle clock asks for now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Step {
    Wait,
    /// Show the warning until then.
    Warn {
        until: f64,
    },
    /// Take the warning down (the user is back).
    Clear,
    /// Sign out.
    End(Cause),
}

/// The idle rule at time `now` (ms): `last` activity, the idle time, the warning's length,
/// the warning shown (if any) and whether anything is at stake.
pub(crate) fn step(
    now: f64,
    last: f64,
    idle_ms: u32,
    warn_ms: u32,
    shown: Option<(Cause, f64, f64)>,
    at_stake: bool,
) -> Step {
    match shown {
        Some((Cause::Idle, since, _)) if last > since => Step::Clear,
        Some((cause, _, until)) if now >= until => Step::End(cause),
        Some(_) => Step::Wait,
        None if now - last < f64::from(idle_ms) => Step::Wait,
        None if at_stake => Step::Warn {
            until: now + f64::from(warn_ms),
        },
        None => Step::End(Cause::Idle),
    }
}

/// The rule when another tab's session ended: warn when something is at stake, else end.
pub(crate) fn elsewhere(now: f64, warn_ms: u32, at_stake: bool) -> Step {
    if at_stake {
        Step::Warn {
            until: now + f64::from(warn_ms),
        }
    } else {
        Step::End(Cause::OtherTab)
    }
}

/// The idle time and the warning's length in force: the session's and [`WARN_MS`], each
/// shortened (never lengthened) by `json` ([`IDLE_KEY`]); at least 200 ms.
pub(crate) fn settings(idle_ms: u32, json: Option<&str>) -> (u32, u32) {
    #[derive(serde::Deserialize)]
    struct Raw {
        idle_ms: Option<f64>,
        warn_ms: Option<f64>,
    }
    let raw = json.and_then(|j| serde_json::from_str::<Raw>(j).ok());
    let shorter = |dflt: u32, v: Option<f64>| match v.filter(|v| v.is_finite()) {
        Some(v) => (v.max(200.0) as u32).min(dflt),
        None => dflt,
    };
    (
        shorter(idle_ms, raw.as_ref().and_then(|r| r.idle_ms)),
        shorter(WARN_MS, raw.as_ref().and_then(|r| r.warn_ms)),
    )
}

/// The idle watch of the signed-in page: its warning, and what the other tabs tell it.
#[derive(Clone, Copy)]
pub struct Idle {
    pub warning: RwSignal<Option<Warning>>,
    last: StoredValue<f64>,
    session: SessionCtx,
    idle_ms: u32,
    warn_ms: u32,
}

impl Idle {
    /// "Stay signed in": the warning goes, and the idle time starts again.
    pub fn stay(&self) {
        self.last.try_set_value(wall_ms());
        self.warning.try_set(None);
    }

    /// Someone is active in another tab of the page: that counts here too.
    pub fn active_elsewhere(&self) {
        self.last.try_set_value(wall_ms());
    }

    /// The session ended in another tab: this one ends too, after a warning if that would
    /// drop something.
    pub fn ended_elsewhere(&self) {
        if self.session.serial().is_none() {
            return;
        }
        let stakes = self.session.stakes();
        self.apply(
            elsewhere(wall_ms(), self.warn_ms, stakes.any()),
            Cause::OtherTab,
        );
    }

    fn apply(&self, s: Step, cause: Cause) {
        match s {
            Step::Wait => {}
            Step::Warn { until } => {
                let stakes = self.session.stakes();
                self.warning.try_set(Some(Warning {
                    cause,
                    since: wall_ms(),
                    until,
                    stakes,
                }));
            }
            Step::Clear => {
                self.warning.try_set(None);
            }
            Step::End(cause) => {
                self.warning.try_set(None);
                let minutes = self
                    .session
                    .session
                    .with_untracked(|s| s.as_ref().map(|s| s.idle_ms))
                    .unwrap_or(self.idle_ms)
                    .div_ceil(60_000)
                    .max(1);
                self.session.sign_out(match cause {
                    Cause::Idle => SignedOut::Idle { minutes },
                    Cause::OtherTab => SignedOut::OtherTab,
                });
            }
        }
    }

    fn tick(&self) {
        if self.session.serial().is_none() {
            return;
        }
        let shown = self
            .warning
            .try_get_untracked()
            .flatten()
            .map(|w| (w.cause, w.since, w.until));
        let last = self.last.try_get_value().unwrap_or_else(wall_ms);
        // Only asked when the idle time is up: the probe walks the live runs.
        let at_stake = shown.is_none()
            && wall_ms() - last >= f64::from(self.idle_ms)
            && self.session.stakes().any();
        let s = step(wall_ms(), last, self.idle_ms, self.warn_ms, shown, at_stake);
        self.apply(s, Cause::Idle);
    }
}

/// Watches for activity while the current reactive owner lives; signs out after `idle_ms`
/// (after a warning when something is at stake). `on_activity` hears local activity at most
/// every few seconds (the shell tells the other tabs).
pub fn watch(session: SessionCtx, idle_ms: u32, on_activity: Rc<dyn Fn()>) -> Idle {
    let json = local_storage().and_then(|s| s.get_item(IDLE_KEY).ok().flatten());
    let (idle_ms, warn_ms) = settings(idle_ms, json.as_deref());
    let idle = Idle {
        warning: RwSignal::new(None),
        last: StoredValue::new(wall_ms()),
        session,
        idle_ms,
        warn_ms,
    };
    let touched = StoredValue::new(0.0_f64);
    let stay = session
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.stay));

    let on_event = move || {
        let now = wall_ms();
        idle.last.try_set_value(now);
        if now - touched.try_get_value().unwrap_or(0.0) >= TOUCH_EVERY_MS {
            touched.try_set_value(now);
            if stay {
                persist::touch();
            }
            on_activity();
        }
    };
    on_activity_and_tick(on_event, check_every_ms(idle_ms), move || idle.tick());
    idle
}

/// While the current reactive owner lives: `on_event` on every activity event
/// ([`ACTIVITY_EVENTS`]) and `tick` every `every_ms`.
pub(crate) fn on_activity_and_tick(
    on_event: impl Fn() + Clone + 'static,
    every_ms: u32,
    tick: impl Fn() + 'static,
) {
    let handles: Vec<WindowListenerHandle> = ACTIVITY_EVENTS
        .iter()
        .map(|name| {
            let on_event = on_event.clone();
            window_event_listener_untyped(name, move |_| on_event())
        })
        .collect();
    let interval = set_interval_with_handle(tick, Duration::from_millis(u64::from(every_ms))).ok();
    on_cleanup(move || {
        for h in handles {
            h.remove();
        }
        if let Some(i) = interval {
            i.clear();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: u32 = 1_000;
    const WARN: u32 = 500;

    #[test]
    fn nothing_at_stake_signs_out_when_the_time_is_up() {
        assert_eq!(step(999.0, 0.0, IDLE, WARN, None, false), Step::Wait);
        assert_eq!(
            step(1_000.0, 0.0, IDLE, WARN, None, false),
            Step::End(Cause::Idle)
        );
    }

    #[test]
    fn something_at_stake_warns_then_ends_unless_the_user_comes_back() {
        let s = step(1_000.0, 0.0, IDLE, WARN, None, true);
        assert_eq!(s, Step::Warn { until: 1_500.0 });
        let shown = Some((Cause::Idle, 1_000.0, 1_500.0));
        assert_eq!(step(1_499.0, 0.0, IDLE, WARN, shown, true), Step::Wait);
        assert_eq!(
            step(1_500.0, 0.0, IDLE, WARN, shown, true),
            Step::End(Cause::Idle)
        );
        // Activity after the warning appeared takes it down.
        assert_eq!(step(1_200.0, 1_100.0, IDLE, WARN, shown, true), Step::Clear);
    }

    #[test]
    fn another_tabs_sign_out_warns_only_with_something_at_stake_and_activity_does_not_stay() {
        assert_eq!(elsewhere(10.0, WARN, false), Step::End(Cause::OtherTab));
        assert_eq!(elsewhere(10.0, WARN, true), Step::Warn { until: 510.0 });
        let shown = Some((Cause::OtherTab, 10.0, 510.0));
        assert_eq!(step(300.0, 200.0, IDLE, WARN, shown, true), Step::Wait);
        assert_eq!(
            step(510.0, 500.0, IDLE, WARN, shown, true),
            Step::End(Cause::OtherTab)
        );
    }

    #[test]
    fn settings_only_shorten() {
        assert_eq!(settings(900_000, None), (900_000, WARN_MS));
        assert_eq!(
            settings(900_000, Some(r#"{"idle_ms":1500,"warn_ms":4000}"#)),
            (1_500, 4_000)
        );
        assert_eq!(
            settings(60_000, Some(r#"{"idle_ms":1e12,"warn_ms":1e9}"#)),
            (60_000, WARN_MS)
        );
        assert_eq!(settings(60_000, Some(r#"{"idle_ms":1}"#)), (200, WARN_MS));
        assert_eq!(settings(60_000, Some("not json")), (60_000, WARN_MS));
    }
}
