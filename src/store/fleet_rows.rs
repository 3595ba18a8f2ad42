//! The rows of the fleet's profile and account tables (issue 19), kept from the overview's
//! own reads (`store::fleet`'s `read_line`): a cluster's rows join as its read ends, so the
//! tables fill in cluster by cluster, and no listing is read twice. Two tables of plain data
//! (`tables::fleet_rows`) and one signal bumped when rows come or go: no signal per row.

use std::sync::Arc;

use leptos::prelude::*;

use crate::tables::coverage::AccountLine;
use crate::tables::fleet_rows::{FleetTable, Origin};
use crate::tables::profiles::Row;

/// The fleet's rows; `Copy`, kept in the fleet's store.
#[derive(Clone, Copy)]
pub(crate) struct FleetRows {
    pub(crate) profiles: StoredValue<FleetTable<Row>>,
    pub(crate) accounts: StoredValue<FleetTable<AccountLine>>,
    /// Bumped whenever rows join or go: what the tables' views track.
    pub(crate) changed: RwSignal<u64>,
}

impl FleetRows {
    pub(crate) fn new() -> FleetRows {
        FleetRows {
            profiles: StoredValue::new(FleetTable::default()),
            accounts: StoredValue::new(FleetTable::default()),
            changed: RwSignal::new(0),
        }
    }

    /// A cluster's rows, as its read ended: its profiles (with the accounts that must use
    /// TOTP and have none; `None` on a release without TOTP) and its accounts.
    pub(crate) fn add(
        &self,
        origin: Origin,
        profiles: Option<Arc<Vec<Row>>>,
        accounts: Arc<Vec<AccountLine>>,
    ) {
        if let Some(p) = profiles {
            self.profiles.update_value(|t| t.add(origin.clone(), p));
        }
        self.accounts.update_value(|t| t.add(origin, accounts));
        self.changed.update(|n| *n += 1);
    }

    /// Forgets every row (sign-out).
    pub(crate) fn clear(&self) {
        self.profiles.set_value(FleetTable::default());
        self.accounts.set_value(FleetTable::default());
        self.changed.update(|n| *n += 1);
    }
}
