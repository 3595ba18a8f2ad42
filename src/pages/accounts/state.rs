//! The accounts view's state, shared by the parts of the page: the view state (filters and
//! sort, kept in the URL), the rows it shows, the selection, the open review and the run.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use ontap_model::account_change::AccountChange;

use crate::session::SessionCtx;
use crate::store::batch::Runner;
use crate::store::ProfileStore;
use crate::tables::accounts::{BulkItem, BulkReview, ViewState};

/// Everything the parts of the accounts view read and change; `Copy`, so each part gets it as
/// a prop.
#[derive(Clone, Copy)]
pub(crate) struct Accounts {
    pub(crate) store: ProfileStore,
    pub session: SessionCtx,
    /// The session may change accounts (not read-only), so rows can be selected.
    pub(crate) may_modify: bool,
    pub(crate) view_state: Memo<ViewState>,
    /// Puts a view state into the URL.
    pub(crate) set_view: Callback<ViewState>,
    /// The rows shown: indices into the store's account rows, filtered and sorted.
    pub(crate) visible: Memo<Vec<usize>>,
    /// The selection, by (owner UUID, name).
    pub(crate) selected: RwSignal<HashSet<(String, String)>>,
    pub(crate) review: RwSignal<Option<BulkReview>>,
    pub(crate) running: RwSignal<Option<(AccountChange, Runner<BulkItem>)>, LocalStorage>,
    /// The page's owner: a run's signals belong to the page, not to the review panel its
    /// Start button is in (which closes when the run starts).
    pub(crate) page_owner: StoredValue<Option<Owner>>,
    /// Where the view's links go: the single cluster, or a fleet's cluster in view.
    pub(crate) base: StoredValue<crate::routes::Base>,
}

impl Accounts {
    /// The state of the view on the current route; starts loading the accounts.
    pub(crate) fn new() -> Accounts {
        let store = ProfileStore::use_ctx();
        store.ensure_loaded();
        let session = SessionCtx::use_ctx();
        let query = use_query_map();
        let navigate = use_navigate();
        let base = crate::routes::Base::current();
        let link_base = StoredValue::new(base.clone());
        let may_modify = session.session.with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| s.identity.access != ontap_model::Access::ReadOnly)
        });
        let view_state = Memo::new(move |_| query.with(|q| ViewState::from_params(|k| q.get(k))));
        let set_view = Callback::new(move |v: ViewState| {
            navigate(
                &base.at(&format!("{}{}", crate::routes::ACCOUNTS, v.to_query())),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        });
        let visible = Memo::new(move |_| {
            let v = view_state.get();
            store.account_rows.with(|rows| v.apply(rows))
        });
        Accounts {
            store,
            session,
            may_modify,
            view_state,
            set_view,
            visible,
            selected: RwSignal::new(HashSet::new()),
            review: RwSignal::new(None),
            running: RwSignal::new_local(None),
            page_owner: StoredValue::new(Owner::current()),
            base: link_base,
        }
    }

    /// Changes the view state with `f` and puts it into the URL.
    pub(crate) fn update(&self, f: impl FnOnce(&mut ViewState)) {
        let mut v = self.view_state.get_untracked();
        f(&mut v);
        self.set_view.run(v);
    }
}
