//! The profile table's state, shared by the parts of the page: the view state (filters and
//! sort, kept in the URL), the rows it shows, and the selection for bulk changes.

use leptos::prelude::*;

use crate::session::SessionCtx;
use crate::store::selection::{selectable_id, BulkState, RowId};
use crate::store::ProfileStore;
use crate::tables::profiles::{ProfileFilters, SortKey, ViewState};
use crate::tables::url_view::UrlView;

/// Everything the parts of the profile table read and change; `Copy`, so each part gets it
/// as a prop.
#[derive(Clone, Copy)]
pub(crate) struct Profiles {
    pub(crate) store: ProfileStore,
    pub(crate) bulk: BulkState,
    /// The session may edit profiles, so rows can be selected.
    pub(crate) can_select: bool,
    pub(crate) view_state: Memo<ViewState>,
    url: UrlView<SortKey, ProfileFilters>,
    /// The rows shown: indices into the store's rows, filtered and sorted.
    pub(crate) visible: Memo<Vec<usize>>,
    /// The last row clicked (its position), where a Shift-click's range starts.
    pub(crate) anchor: RwSignal<Option<usize>>,
    /// The selectable ids of the rows shown.
    pub(crate) matching_ids: Memo<Vec<RowId>>,
    pub(crate) selected_n: Memo<usize>,
    pub(crate) all_matching_selected: Memo<bool>,
    /// A click on row `pos` (in the filtered order); with Shift, the range from the anchor.
    pub(crate) on_pick: Callback<(usize, bool, bool)>,
}

impl Profiles {
    /// The state of the table on the current route; starts loading the profiles.
    pub(crate) fn new() -> Profiles {
        let store = ProfileStore::use_ctx();
        store.ensure_loaded();
        let base = crate::routes::Base::current();
        let url = UrlView::<SortKey, ProfileFilters>::new(base.at(crate::routes::PROFILES));
        let view_state = url.state;

        let visible = Memo::new(move |_| {
            let v = view_state.get();
            store.rows.with(|rows| v.apply(rows))
        });

        // Selection: in the state, not the DOM (only the visible rows are rendered).
        let bulk = BulkState::use_ctx();
        let can_select = SessionCtx::use_ctx().can_edit();
        let anchor = RwSignal::new(None::<usize>);
        let matching_ids = Memo::new(move |_| {
            visible.with(|v| {
                store.rows.with(|rows| {
                    v.iter()
                        .filter_map(|&i| rows.get(i).and_then(selectable_id))
                        .collect::<Vec<RowId>>()
                })
            })
        });
        let selected_n = Memo::new(move |_| {
            bulk.selected.with(|s| {
                store.rows.with(|rows| {
                    rows.iter()
                        .filter(|r| selectable_id(r).is_some_and(|id| s.contains(&id)))
                        .count()
                })
            })
        });
        let all_matching_selected = Memo::new(move |_| {
            matching_ids.with(|m| {
                !m.is_empty() && bulk.selected.with(|s| m.iter().all(|id| s.contains(id)))
            })
        });
        let on_pick = Callback::new(move |(pos, on, shift): (usize, bool, bool)| {
            let from = anchor.get_untracked().filter(|_| shift);
            bulk.set_many(matching_range(visible, store, from, pos), on);
            anchor.set(Some(pos));
        });
        Profiles {
            store,
            bulk,
            can_select,
            view_state,
            url,
            visible,
            anchor,
            matching_ids,
            selected_n,
            all_matching_selected,
            on_pick,
        }
    }

    /// Changes the view state with `f` and puts it into the URL.
    pub(crate) fn update(&self, f: impl FnOnce(&mut ViewState)) {
        self.url.update(f);
    }

    /// The filter text as typed: the table follows at once, the URL after a pause.
    pub(crate) fn type_text(&self, text: String) {
        self.url.type_text(text);
    }
}

/// The selectable ids of the rows from `from` to `to` (positions in the filtered order), or of
/// row `to` alone when there is no anchor.
fn matching_range(
    visible: Memo<Vec<usize>>,
    store: ProfileStore,
    from: Option<usize>,
    to: usize,
) -> Vec<RowId> {
    let (a, b) = match from {
        Some(f) => (f.min(to), f.max(to)),
        None => (to, to),
    };
    visible.with_untracked(|v| {
        store.rows.with_untracked(|rows| {
            v.iter()
                .skip(a)
                .take(b.saturating_sub(a) + 1)
                .filter_map(|&i| rows.get(i).and_then(selectable_id))
                .collect()
        })
    })
}
