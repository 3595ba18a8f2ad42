//! A table's view state kept in the URL, as every table page keeps it: read from the query,
//! written with `replace` (no history entry per keystroke or click), and the filter text ahead
//! of the URL while the user types. Writing the URL (history.replaceState and the router's
//! re-parse) on every keystroke cost more than filtering 10,000 rows (issue 9, `make bench
//! --only profile`): the table follows the text at once, the URL after a pause.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map, use_url};
use leptos_router::NavigateOptions;

use super::listing::{Filters, SortColumn, ViewState};

/// How long the filter text waits after the last keystroke before it goes into the URL.
const URL_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// The view state of the table at one address; `Copy`.
pub(crate) struct UrlView<K: SortColumn + Send + Sync, F: Filters + Send + Sync + 'static> {
    /// The view state: the URL's, with the text as typed while it waits for the URL.
    pub(crate) state: Memo<ViewState<K, F>>,
    /// Puts a view state into the URL at once (a pending text write is dropped).
    pub(crate) set: Callback<ViewState<K, F>>,
    typed: RwSignal<Option<String>>,
    timer: StoredValue<Option<TimeoutHandle>>,
    url: ReadSignal<leptos_router::location::Url>,
    /// The router's current path (the page's own `url` stops following other routes).
    pathname: Memo<String>,
}

impl<K: SortColumn + Send + Sync, F: Filters + Send + Sync + 'static> Clone for UrlView<K, F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: SortColumn + Send + Sync, F: Filters + Send + Sync + 'static> Copy for UrlView<K, F> {}

impl<K: SortColumn + Send + Sync, F: Filters + Send + Sync + 'static> UrlView<K, F> {
    /// The view state of the current route, written to `path` (the table's full address,
    /// without a query).
    pub(crate) fn new(path: String) -> Self {
        let query = use_query_map();
        let url = use_url();
        let pathname = use_location().pathname;
        let navigate = use_navigate();
        let typed = RwSignal::new(None::<String>);
        let timer = StoredValue::new(None::<TimeoutHandle>);
        on_cleanup(move || {
            if let Some(t) = timer.try_get_value().flatten() {
                t.clear();
            }
        });
        // A navigation from elsewhere (a link to this page, back, forward) replaces the text
        // being typed: the router sets its URL on every navigation, even to the same address,
        // so a pending write would otherwise put the old text back into the new URL.
        Effect::new(move |seen: Option<()>| {
            url.track();
            if seen.is_some() {
                if let Some(t) = timer.try_get_value().flatten() {
                    t.clear();
                }
                typed.set(None);
            }
        });
        let state = Memo::new(move |_| {
            let mut v = query.with(|q| ViewState::<K, F>::from_params(|k| q.get(k)));
            if let Some(t) = typed.get() {
                v.text = t;
            }
            v
        });
        let set = Callback::new(move |v: ViewState<K, F>| {
            if let Some(t) = timer.get_value() {
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
        UrlView {
            state,
            set,
            typed,
            timer,
            url,
            pathname,
        }
    }

    /// Changes the view state with `f` and puts it into the URL.
    pub(crate) fn update(&self, f: impl FnOnce(&mut ViewState<K, F>)) {
        let mut v = self.state.get_untracked();
        f(&mut v);
        self.set.run(v);
    }

    /// The filter text as typed: the table follows at once, the URL after [`URL_AFTER`].
    pub(crate) fn type_text(&self, text: String) {
        self.typed.set(Some(text));
        if let Some(t) = self.timer.get_value() {
            t.clear();
        }
        let (set, state, url, pathname) = (self.set, self.state, self.url, self.pathname);
        // Only while the router is still at this page's address (the page's own URL stops
        // following once another route is chosen): a link followed meanwhile has taken the
        // user elsewhere, and writing would bring them back.
        let write_url = move || {
            let here = url.try_with_untracked(|u| u.path().to_owned());
            if here.is_some() && here == pathname.try_get_untracked() {
                set.run(state.get_untracked());
            }
        };
        self.timer
            .set_value(set_timeout_with_handle(write_url, URL_AFTER).ok());
    }
}
