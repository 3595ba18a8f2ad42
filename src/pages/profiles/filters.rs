//! The profile table's filter bar: the filter text (`/` focuses it from anywhere) and the
//! SVM, scope and status selects.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Profiles;
use crate::components::{same_options, FilterSelect};
use crate::tables::profiles::{svm_names, Status};

#[component]
pub(crate) fn FilterBar(p: Profiles) -> impl IntoView {
    let filter_input = NodeRef::<leptos::html::Input>::new();
    // `/` focuses the filter from anywhere on the page (not while typing in a field).
    let slash = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if !typing {
            if let Some(i) = filter_input.get_untracked() {
                ev.prevent_default();
                let _ = i.focus();
            }
        }
    });
    on_cleanup(move || slash.remove());

    let store = p.store;
    let view_state = p.view_state;
    let svms = Memo::new(move |_| store.rows.with(|r| same_options(svm_names(r))));
    let scopes = vec![
        ("cluster".to_owned(), "Cluster".to_owned()),
        ("svm".to_owned(), "SVM".to_owned()),
    ];
    let statuses: Vec<(String, String)> = Status::FILTERABLE
        .into_iter()
        .map(|s| (s.slug().to_owned(), s.label().to_owned()))
        .collect();
    view! {
        <div class="filters" role="search">
            <div class="filter-text">
                <label for="filter">"Filter"</label>
                <input
                    id="filter"
                    type="search"
                    node_ref=filter_input
                    placeholder="Account, SVM or comment  (press / to focus)"
                    prop:value=move || view_state.with(|v| v.text.clone())
                    on:input=move |ev| p.type_text(event_target_value(&ev))
                />
            </div>
            <FilterSelect id="filter-svm" label="SVM" all="All SVMs" options=svms
                value=Signal::derive(move || view_state.with(|v| v.svm.clone()))
                on_pick=Callback::new(move |s| p.update(|v| v.svm = s)) />
            <FilterSelect id="filter-scope" label="Scope" all="Any scope" options=Signal::stored(scopes)
                value=Signal::derive(move || view_state.with(|v| v.filters.scope.clone()))
                on_pick=Callback::new(move |s| p.update(|v| v.filters.scope = s)) />
            <FilterSelect id="filter-status" label="Status" all="Any status" options=Signal::stored(statuses)
                value=Signal::derive(move || view_state.with(|v| v.filters.status.map(|s| s.slug().to_owned())))
                on_pick=Callback::new(move |s: Option<String>| {
                    p.update(|v| v.filters.status = s.as_deref().and_then(Status::from_slug))
                }) />
        </div>
    }
}
