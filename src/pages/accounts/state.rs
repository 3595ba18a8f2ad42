//! The accounts view's state, shared by the parts of the page: the view state (filters and
//! sort, kept in the URL), the rows it shows, the selection, the open review and the run.

use std::collections::HashSet;

use leptos::prelude::*;
use ontap_model::account_change::AccountChange;

use crate::session::SessionCtx;
use crate::store::batch::Runner;
use crate::store::ProfileStore;
use crate::tables::accounts::{AccountFilters, BulkItem, BulkReview, SortKey, ViewState};
use crate::tables::url_view::UrlView;

/// Everything the parts of the accounts view read and change; `Copy`, so each part gets it as
/// a prop.
#[derive(Clone, Copy)]
pub(crate) struct Accounts {
    pub(crate) store: ProfileStore,
    pub session: SessionCtx,
    /// The session may change accounts (not read-only), so rows can be selected.
    pub(crate) may_modify: bool,
    pub(crate) view_state: Memo<ViewState>,
    url: UrlView<SortKey, AccountFilters>,
    /// The rows shown: indices into the store's account rows, filtered and sorted.
    pub(crate) visible: Memo<Vec<usize>>,
    /// The selection, by (owner UUID, name).
    pub(crate) selected: RwSignal<HashSet<(String, String)>>,
    pub(crate) review: RwSignal<Option<BulkReview>>,
    pub(crate) running: RwSignal<Option<(AccountChange, Runner<BulkItem>)>, LocalStorage>,
    /// Where the view's links go: the single cluster, or a fleet's cluster in view.
    pub(crate) base: StoredValue<crate::routes::Base>,
}

impl Accounts {
    /// The state of the view on the current route; starts loading the accounts.
    pub(crate) fn new() -> Accounts {
        let store = ProfileStore::use_ctx();
        store.ensure_loaded();
        let session = SessionCtx::use_ctx();
        let base = crate::routes::Base::current();
        let link_base = StoredValue::new(base.clone());
        let may_modify = session.session.with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| s.identity.access != ontap_model::Access::ReadOnly)
        });
        let url = UrlView::<SortKey, AccountFilters>::new(base.at(crate::routes::ACCOUNTS));
        let view_state = url.state;
        let visible = Memo::new(move |_| {
            let v = view_state.get();
            store.account_rows.with(|rows| v.apply(rows))
        });
        Accounts {
            store,
            session,
            may_modify,
            view_state,
            url,
            visible,
            selected: RwSignal::new(HashSet::new()),
            review: RwSignal::new(None),
            running: RwSignal::new_local(None),
            base: link_base,
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
