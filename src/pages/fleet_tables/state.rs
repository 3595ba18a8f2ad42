//! The state both fleet tables share: the view state (kept in the URL, the filter text ahead
//! of it while typing), the rows shown, the rows picked, the clusters still reading, and the
//! marks of the first and of all rows.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::session::fleet::{Access, Stage};
use crate::store::fleet::{FleetStore, Load};
use crate::store::fleet_rows::Rows;
use crate::store::selection::set_all;
use crate::tables::fleet_rows::{FleetFilters, FleetRow, FleetTable, RowKey, ViewState};
use crate::tables::url_view::UrlView;

/// Everything the parts of a fleet table read and change.
pub(crate) struct Fleet<R: FleetRow + Send + Sync + 'static> {
    pub(crate) store: FleetStore,
    /// The table as it was last read; [`Rows::table`] adds what arrived since.
    pub(crate) table: StoredValue<FleetTable<R>>,
    pub(crate) rows: Rows<R>,
    pub(crate) view_state: Memo<ViewState<R::Sort>>,
    url: UrlView<R::Sort, FleetFilters>,
    /// The rows shown: indices into the table, filtered and sorted.
    pub(crate) visible: Memo<Vec<usize>>,
    /// Rows in all.
    pub(crate) total: Memo<usize>,
    /// Every signed-in cluster's read has ended (read or failed).
    pub(crate) all_read: Memo<bool>,
    /// The rows picked, by key.
    pub(crate) selected: RwSignal<HashSet<RowKey>>,
    /// Every row shown is picked (and one is shown).
    pub(crate) all_shown_selected: Memo<bool>,
    /// The position among the rows shown of the last row clicked: a Shift-click's other end.
    pub(crate) anchor: RwSignal<Option<usize>>,
}

impl<R: FleetRow + Send + Sync + 'static> Clone for Fleet<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: FleetRow + Send + Sync + 'static> Copy for Fleet<R> {}

impl<R: FleetRow + Send + Sync + 'static> Fleet<R>
where
    R::Sort: Send + Sync,
{
    /// The state of the table at `path`, over `rows`; `marks` are the performance marks of
    /// its first rows and of all its rows.
    pub(crate) fn new(
        path: &'static str,
        rows: Rows<R>,
        marks: (&'static str, &'static str),
    ) -> Fleet<R> {
        let table = rows.table();
        let store = FleetStore::use_ctx();
        let changed = store.rows.changed;
        let url = UrlView::new(path.to_owned());
        let view_state = url.state;
        // Each reads the table through `rows`, which adds the clusters' rows waiting since.
        let visible = Memo::new(move |_| {
            changed.track();
            let v = view_state.get();
            rows.table()
                .try_update_value(|t| t.visible(&v))
                .unwrap_or_default()
        });
        let total = Memo::new(move |_| {
            changed.track();
            rows.table().with_value(FleetTable::len)
        });
        let all_read = Memo::new(move |_| {
            let members = store.list();
            let busy = members.iter().any(|m| {
                m.access.with(|a| matches!(a, Access::Trying))
                    || m.load.with(|l| matches!(l, Load::Loading))
            });
            !busy
                && members
                    .iter()
                    .any(|m| m.stage() == Stage::In && m.load.with(|l| matches!(l, Load::Done(_))))
        });
        // The marks come after the rows are drawn (effects run after the DOM's update).
        Effect::new(move |done: Option<(bool, bool)>| {
            let (mut first, mut all) = done.unwrap_or_default();
            let n = total.get();
            visible.track();
            if !first && n > 0 {
                crate::platform::mark(marks.0);
                first = true;
            }
            if !all && n > 0 && all_read.get() {
                crate::platform::mark(marks.1);
                all = true;
            }
            (first, all)
        });
        let selected = rows.selected;
        // Cheap while nothing or fewer rows than are shown are picked: no key is built then.
        let all_shown_selected = Memo::new(move |_| {
            selected.with(|s| {
                visible.with(|v| {
                    !v.is_empty()
                        && s.len() >= v.len()
                        && table.with_value(|t| {
                            v.iter().all(|&i| t.key(i).is_some_and(|k| s.contains(&k)))
                        })
                })
            })
        });
        Fleet {
            store,
            table,
            rows,
            view_state,
            url,
            visible,
            total,
            all_read,
            selected,
            all_shown_selected,
            anchor: RwSignal::new(None),
        }
    }

    /// Changes the view state with `f` and puts it into the URL.
    pub(crate) fn update(&self, f: impl FnOnce(&mut ViewState<R::Sort>)) {
        self.url.update(f);
    }

    /// Picks (`on`) or unpicks every row shown.
    pub(crate) fn select_shown(&self, on: bool) {
        self.select_range(0, usize::MAX, on);
    }

    /// A click on the checkbox of the row at `pos` among those shown; with `shift`, every row
    /// from the last one clicked.
    pub(crate) fn pick(&self, pos: usize, on: bool, shift: bool) {
        let from = self.anchor.get_untracked().filter(|_| shift).unwrap_or(pos);
        self.select_range(from.min(pos), from.max(pos), on);
        self.anchor.set(Some(pos));
    }

    /// Picks or unpicks the rows shown at positions `a..=b`.
    fn select_range(&self, a: usize, b: usize, on: bool) {
        let keys: Vec<RowKey> = self.visible.with_untracked(|v| {
            self.table.with_value(|t| {
                v.iter()
                    .skip(a)
                    .take(b.saturating_sub(a).saturating_add(1))
                    .filter_map(|&i| t.key(i))
                    .collect()
            })
        });
        self.selected.update(|s| set_all(s, keys, on));
    }

    /// The filter text as typed: the table follows at once, the URL after a pause.
    pub(crate) fn type_text(&self, text: String) {
        self.url.type_text(text);
    }
}

/// A row's key as the virtual table's stamp: an index that comes to stand for another row (a
/// cluster read again, a new sign-in) is drawn again.
pub(crate) fn row_stamp<R: FleetRow + Send + Sync + 'static>(
    f: Fleet<R>,
) -> Callback<usize, String> {
    let (table, changed) = (f.table, f.store.rows.changed);
    Callback::new(move |i: usize| {
        changed.track();
        table
            .with_value(|t| {
                let state = t.row(i).map(|(_, r)| r.state_slug());
                t.key(i).zip(state)
            })
            .map(|(k, s)| format!("{}|{}|{}|{s}", k.cluster_uuid, k.owner_uuid, k.account))
            .unwrap_or_default()
    })
}
