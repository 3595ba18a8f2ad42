//! Idle sign-out for the page of a fleet: a console signed in to many clusters is not left
//! open. After the idle time without keyboard or pointer activity (the single-cluster page's
//! default, shortened by the same `totp-admin.idle` setting) every cluster's credentials are
//! forgotten and the overview says why. The rule is `session::idle::step`'s.

use leptos::prelude::*;

use crate::platform::{local_storage, wall_ms};
use crate::session::idle::{check_every_ms, on_activity_and_tick, settings, step, Step, IDLE_KEY};
use crate::session::DEFAULT_IDLE_MINUTES;
use crate::store::fleet::FleetStore;

/// Watches for activity while the current owner lives; on an idle time signs the fleet out and
/// puts the reason in `ended`.
pub(crate) fn watch(store: FleetStore, ended: RwSignal<Option<String>>) {
    let json = local_storage().and_then(|s| s.get_item(IDLE_KEY).ok().flatten());
    let (idle_ms, _) = settings(DEFAULT_IDLE_MINUTES * 60_000, json.as_deref());
    let last = StoredValue::new(wall_ms());
    let tick = move || {
        if !store.signed_in_untracked() {
            last.try_set_value(wall_ms());
            return;
        }
        let then = last.try_get_value().unwrap_or_else(wall_ms);
        if let Step::End(_) = step(wall_ms(), then, idle_ms, 0, None, false) {
            store.sign_out();
            let minutes = idle_ms.div_ceil(60_000).max(1);
            ended.try_set(Some(format!(
                "You were signed out of every cluster after {} without activity. Nothing from the session was kept; sign in again to continue.",
                crate::text::count(minutes, "minute", "minutes")
            )));
        }
    };
    on_activity_and_tick(
        move || last.set_value(wall_ms()),
        check_every_ms(idle_ms),
        tick,
    );
}
