//! The rows of the fleet's profile and account tables (issue 19), kept from the overview's
//! own reads (`store::fleet`'s `read_line`): a cluster's rows join as its read ends, so the
//! tables fill in cluster by cluster, and no listing is read twice. Two tables of plain data
//! (`tables::fleet_rows`) and one signal bumped when rows come or go: no signal per row.
//! A cluster's rows wait beside a table until a table view asks for it ([`Rows::table`]):
//! making, indexing and sorting 100,000 rows is the tables' work, not the overview's (a
//! cluster's profiles wait as read, and become rows only then).

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;

use ontap_model::Totp;

use crate::tables::coverage::AccountLine;
use crate::tables::fleet_rows::{profile_rows, FleetRow, FleetTable, Origin, RowKey};
use crate::tables::profiles::Row;

/// A cluster's rows as they wait: made when a table first asks for them.
type Making<R> = Box<dyn FnOnce() -> Arc<Vec<R>> + Send + Sync>;

/// One kind of the fleet's rows: the table, and the clusters' rows not in it yet.
pub(crate) struct Rows<R: FleetRow + Send + Sync + 'static> {
    table: StoredValue<FleetTable<R>>,
    waiting: StoredValue<Vec<(Origin, Making<R>)>>,
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
                for (origin, make) in waiting {
                    t.add(origin, make());
                }
            });
        }
        self.table
    }

    fn add(&self, origin: Origin, make: Making<R>) {
        self.waiting.update_value(|w| w.push((origin, make)));
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

    /// A cluster's rows, as its read ended: its profiles (`None` on a release without TOTP;
    /// their rows, with the accounts that must use TOTP and have none, are made when a
    /// profile table first asks) and its accounts.
    pub(crate) fn add(
        &self,
        origin: Origin,
        profiles: Option<Vec<Totp>>,
        accounts: Arc<Vec<AccountLine>>,
    ) {
        if let Some(p) = profiles {
            let lines = accounts.clone();
            self.profiles.add(
                origin.clone(),
                Box::new(move || Arc::new(profile_rows(p, &lines))),
            );
        }
        self.accounts.add(origin, Box::new(move || accounts));
        self.changed.update(|n| *n += 1);
    }

    /// Forgets every row (sign-out).
    pub(crate) fn clear(&self) {
        self.profiles.clear();
        self.accounts.clear();
        self.changed.update(|n| *n += 1);
    }
}
