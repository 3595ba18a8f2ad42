//! The state both fleet tables share: the view state (kept in the URL, the filter text ahead
//! of it while typing), the rows shown, the clusters still reading, and the marks of the first
//! and of all rows.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::session::fleet::{Access, Stage};
use crate::store::fleet::{FleetStore, Load};
use crate::tables::fleet_rows::{FleetRow, FleetTable, ViewState};

/// How long the filter text waits after the last keystroke before it goes into the URL.
const URL_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// Everything the parts of a fleet table read and change.
pub(crate) struct Fleet<R: FleetRow + Send + Sync + 'static> {
    pub(crate) store: FleetStore,
    pub(crate) table: StoredValue<FleetTable<R>>,
    pub(crate) view_state: Memo<ViewState<R::Sort>>,
    set_view: Callback<ViewState<R::Sort>>,
    /// The rows shown: indices into the table, filtered and sorted.
    pub(crate) visible: Memo<Vec<usize>>,
    /// Rows in all.
    pub(crate) total: Memo<usize>,
    /// Every signed-in cluster's read has ended (read or failed).
    pub(crate) all_read: Memo<bool>,
    typed: RwSignal<Option<String>>,
    url_timer: StoredValue<Option<TimeoutHandle>>,
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
    /// The state of the table at `path`, over `table`; `marks` are the performance marks of
    /// its first rows and of all its rows.
    pub(crate) fn new(
        path: &'static str,
        table: StoredValue<FleetTable<R>>,
        marks: (&'static str, &'static str),
    ) -> Fleet<R> {
        let store = FleetStore::use_ctx();
        let changed = store.rows.changed;
        let query = use_query_map();
        let navigate = use_navigate();
        // The text as typed goes to the table at once, to the URL after a pause (as in the
        // single-cluster table: a URL write per key costs more than the filtering).
        let typed = RwSignal::new(None::<String>);
        let url_timer = StoredValue::new(None::<TimeoutHandle>);
        on_cleanup(move || {
            if let Some(t) = url_timer.try_get_value().flatten() {
                t.clear();
            }
        });
        let view_state = Memo::new(move |_| {
            let mut v = query.with(|q| ViewState::<R::Sort>::from_params(|k| q.get(k)));
            if let Some(t) = typed.get() {
                v.text = t;
            }
            v
        });
        let set_view = Callback::new(move |v: ViewState<R::Sort>| {
            if let Some(t) = url_timer.get_value() {
                t.clear();
            }
            navigate(
                &format!("{path}{}", v.to_query()),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
            typed.set(None);
        });
        let visible = Memo::new(move |_| {
            changed.track();
            let v = view_state.get();
            table
                .try_update_value(|t| t.visible(&v))
                .unwrap_or_default()
        });
        let total = Memo::new(move |_| {
            changed.track();
            table.with_value(FleetTable::len)
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
        Fleet {
            store,
            table,
            view_state,
            set_view,
            visible,
            total,
            all_read,
            typed,
            url_timer,
        }
    }

    /// Changes the view state with `f` and puts it into the URL.
    pub(crate) fn update(&self, f: impl FnOnce(&mut ViewState<R::Sort>)) {
        let mut v = self.view_state.get_untracked();
        f(&mut v);
        self.set_view.run(v);
    }

    /// The filter text as typed: the table follows at once, the URL after [`URL_AFTER`].
    pub(crate) fn type_text(&self, text: String) {
        self.typed.set(Some(text));
        if let Some(t) = self.url_timer.get_value() {
            t.clear();
        }
        let (set_view, view_state) = (self.set_view, self.view_state);
        let write_url = move || set_view.run(view_state.get_untracked());
        self.url_timer
            .set_value(set_timeout_with_handle(write_url, URL_AFTER).ok());
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
