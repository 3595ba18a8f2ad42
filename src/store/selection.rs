//! The profile table's selection and the current bulk run of profile changes, for the whole
//! session: provided by the page shell, so that the selection survives the windowed table (only
//! visible rows are in the DOM) and a run goes on while the user looks at the table.

use std::collections::HashSet;
use std::hash::Hash;

use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;
use ontap_model::bulk::{Action, Planned, Skipped, Target};
use ontap_model::{TotpKey, TotpPatch};

use super::batch::Runner;
use crate::tables::profiles::{Row, Status};

/// A row's identity: owner UUID and account name.
pub(crate) type RowId = (String, String);

/// One bulk run of profile changes, with what was skipped at review.
#[derive(Clone)]
pub(crate) struct ProfileRun {
    pub(crate) runner: Runner<Planned>,
    pub(crate) action: Action,
    pub(crate) skipped: Vec<Skipped>,
}

/// The selection of the profile table and the current bulk run, for the whole session.
#[derive(Clone, Copy)]
pub(crate) struct BulkState {
    pub(crate) selected: RwSignal<HashSet<RowId>>,
    pub(crate) run: RwSignal<Option<ProfileRun>>,
    /// The shell's reactive owner: runs are created under it so they outlive the page. Weak:
    /// held in the owner's own arena, a strong one would never be cleaned up.
    pub(crate) owner: StoredValue<Option<WeakOwner>>,
    /// Confirmed changes not yet shown in the table (applied in batches).
    pub(crate) pending: StoredValue<Vec<(TotpKey, TotpPatch)>, LocalStorage>,
}

impl BulkState {
    /// Creates the state and provides it to the views below (called by the page shell).
    pub(crate) fn provide() -> BulkState {
        let s = BulkState {
            selected: RwSignal::new(HashSet::new()),
            run: RwSignal::new(None),
            owner: StoredValue::new(Owner::current().map(|o| o.downgrade())),
            pending: StoredValue::new_local(Vec::new()),
        };
        provide_context(s);
        s
    }

    /// The state in the context, or a page-local one (component tests mount pages alone).
    pub(crate) fn use_ctx() -> BulkState {
        use_context::<BulkState>().unwrap_or_else(BulkState::provide)
    }

    pub(crate) fn set_many(&self, ids: impl IntoIterator<Item = RowId>, on: bool) {
        self.selected.update(|s| set_all(s, ids, on));
    }
}

/// Puts every key of `keys` into `set` (`on`) or takes it out: a selection's change, the
/// profile table's and the fleet tables' alike.
pub(crate) fn set_all<K: Eq + Hash>(
    set: &mut HashSet<K>,
    keys: impl IntoIterator<Item = K>,
    on: bool,
) {
    for k in keys {
        if on {
            set.insert(k);
        } else {
            set.remove(&k);
        }
    }
}

/// A row's id when it can be selected (a profile with a well-formed key).
pub(crate) fn selectable_id(r: &Row) -> Option<RowId> {
    r.key
        .as_ref()
        .map(|_| (r.owner_uuid.clone(), r.account.clone()))
}

/// What the planner knows of a row.
pub(crate) fn target_of(r: &Row) -> Option<Target> {
    Some(Target {
        key: r.key.clone()?,
        svm: r.svm.clone(),
        scope: r.scope.clone(),
        enabled: match r.status {
            Status::Enabled => Some(true),
            Status::Disabled => Some(false),
            Status::NotEnrolled | Status::Unknown => None,
        },
        comment: r.comment.clone(),
    })
}
