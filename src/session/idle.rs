//! Signing out an idle session: after the configured time without keyboard or pointer activity
//! the session ends as if the user had signed out (memory and sessionStorage wiped), and the
//! sign-in screen says why. Installed by the page shell; removed with it.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

use super::persist;
use super::state::{SessionCtx, SignedOut};
use crate::platform::wall_ms;

/// The events that count as activity.
pub(crate) const ACTIVITY_EVENTS: &[&str] = &["keydown", "pointerdown", "pointermove", "wheel"];
/// How often a kept session records activity in sessionStorage, at most.
const TOUCH_EVERY_MS: f64 = 5_000.0;

/// How often the clock is checked for an idle time: a quarter of it, within 50 ms and 10 s.
pub fn check_every_ms(idle_ms: u32) -> u32 {
    (idle_ms / 4).clamp(50, 10_000)
}

/// Watches for activity while the current reactive owner lives; signs out after `idle_ms`.
pub fn watch(session: SessionCtx, idle_ms: u32) {
    let last = Rc::new(Cell::new(wall_ms()));
    let touched = Rc::new(Cell::new(0.0_f64));
    let stay = session
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.stay));

    let handles: Vec<WindowListenerHandle> = ACTIVITY_EVENTS
        .iter()
        .map(|name| {
            let (last, touched) = (last.clone(), touched.clone());
            window_event_listener_untyped(name, move |_| {
                let now = wall_ms();
                last.set(now);
                if stay && now - touched.get() >= TOUCH_EVERY_MS {
                    touched.set(now);
                    persist::touch();
                }
            })
        })
        .collect();

    let minutes = idle_ms.div_ceil(60_000).max(1);
    let interval = set_interval_with_handle(
        move || {
            if wall_ms() - last.get() >= f64::from(idle_ms)
                && session.session.with_untracked(Option::is_some)
            {
                session.sign_out(SignedOut::Idle { minutes });
            }
        },
        Duration::from_millis(u64::from(check_every_ms(idle_ms))),
    )
    .ok();

    on_cleanup(move || {
        for h in handles {
            h.remove();
        }
        if let Some(i) = interval {
            i.clear();
        }
    });
}
