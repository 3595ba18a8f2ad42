//! The rows of the fleet's profile and account tables (issue 19), kept from the overview's
//! own reads (`store::fleet`'s `read_line`): a cluster's rows join as its read ends, so the
//! tables fill in cluster by cluster, and no listing is read twice. Two tables of plain data
//! (`tables::fleet_rows`) and one signal bumped when rows come or go: no signal per row.
//! A cluster's rows wait beside a table until a table view asks for it ([`Rows::table`]):
//! indexing and sorting 100,000 rows is the tables' work, not the overview's.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;

use crate::tables::coverage::AccountLine;
use crate::tables::fleet_rows::{FleetRow, FleetTable, Origin, RowKey};
use crate::tables::profiles::Row;

/// One kind of the fleet's rows: the table, and the clusters' rows not in it yet.
pub(crate) struct Rows<R: FleetRow + Send + Sync + 'static> {
    table: StoredValue<FleetTable<R>>,
    waiting: StoredValue<Vec<(Origin, Arc<Vec<R>>)>>,
    /// The rows picked in the table, by key: kept while the table view comes and goes.
    pub(crate) selected: RwSignal<HashSet<RowKey>>,
}

impl<R: FleetRow + Send + Sync + 'static> Clone for Rows<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: FleetRow + Send + Sync + 'static> Copy for Rows<R> {}

impl<R: FleetRow + Send + Sync + 'static> Rows<R>
where
    R::Sort: Send + Sync,
{
    fn new() -> Self {
        Rows {
            table: StoredValue::new(FleetTable::default()),
            waiting: StoredValue::new(Vec::new()),
            selected: RwSignal::new(HashSet::new()),
        }
    }

    /// The table with every cluster's rows that have arrived, the waiting ones added now.
    pub(crate) fn table(&self) -> StoredValue<FleetTable<R>> {
        let waiting = self
            .waiting
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if !waiting.is_empty() {
            self.table.update_value(|t| {
                for (origin, rows) in waiting {
                    t.add(origin, rows);
                }
            });
        }
        self.table
    }

    fn add(&self, origin: Origin, rows: Arc<Vec<R>>) {
        self.waiting.update_value(|w| w.push((origin, rows)));
    }

    fn clear(&self) {
        self.table.set_value(FleetTable::default());
        self.waiting.set_value(Vec::new());
        self.selected.set(HashSet::new());
    }
}

/// The fleet's rows; `Copy`, kept in the fleet's store.
#[derive(Clone, Copy)]
pub(crate) struct FleetRows {
    pub(crate) profiles: Rows<Row>,
    pub(crate) accounts: Rows<AccountLine>,
    /// Bumped whenever rows join or go: what the tables' views track.
    pub(crate) changed: RwSignal<u64>,
}

impl FleetRows {
    pub(crate) fn new() -> FleetRows {
        FleetRows {
            profiles: Rows::new(),
            accounts: Rows::new(),
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
            self.profiles.add(origin.clone(), p);
        }
        self.accounts.add(origin, accounts);
        self.changed.update(|n| *n += 1);
    }

    /// Forgets every row (sign-out).
    pub(crate) fn clear(&self) {
        self.profiles.clear();
        self.accounts.clear();
        self.changed.update(|n| *n += 1);
    }
}
