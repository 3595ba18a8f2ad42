//! The profile table: every profile the session may see, plus the accounts that must use TOTP
//! and have no profile. Filter, sort and the view state live in the URL; only the visible rows
//! are in the DOM (a window over the filtered list), so 10,000 profiles stay fast.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

use crate::components::Explained;
use crate::components::{Alert, EncodedLink};
use crate::routes::editor_href;
use crate::session::SessionCtx;
use crate::store::selection::{selectable_id, BulkState, RowId};
use crate::store::{AccountsState, ProfileStore, Progress};
use crate::tables::profiles::{
    short_fingerprint, svm_names, Counts, Row, SortKey, Status, ViewState,
};

/// Height of one table row in pixels (fixed in CSS, so the window can be computed).
pub const ROW_HEIGHT: f64 = 41.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 8;
/// How long the filter text waits after the last keystroke before it goes into the URL.
const URL_AFTER: std::time::Duration = std::time::Duration::from_millis(300);
/// Rows assumed visible before the scroll area has been measured.
const DEFAULT_VISIBLE: usize = 20;

#[component]
pub fn ProfilesPage() -> impl IntoView {
    let store = ProfileStore::use_ctx();
    store.ensure_loaded();
    let query = use_query_map();
    let navigate = use_navigate();

    // The filter text as typed, ahead of the URL. Writing the URL (history.replaceState and
    // the router's re-parse) on every keystroke cost more than filtering 10,000 rows (issue 9,
    // `make bench --only profile`): the table follows the text at once, the URL after a pause.
    let typed = RwSignal::new(None::<String>);
    let url_timer = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(t) = url_timer.try_get_value().flatten() {
            t.clear();
        }
    });
    let view_state = Memo::new(move |_| {
        let mut v = query.with(|q| ViewState::from_params(|k| q.get(k)));
        if let Some(t) = typed.get() {
            v.common.text = t;
        }
        v
    });
    let set_view = {
        let navigate = navigate.clone();
        move |v: ViewState| {
            if let Some(t) = url_timer.get_value() {
                t.clear();
            }
            navigate(
                &format!("/profiles{}", v.to_query()),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
            typed.set(None);
        }
    };

    let visible = Memo::new(move |_| {
        let v = view_state.get();
        store.rows.with(|rows| v.apply(rows))
    });
    let counts = Memo::new(move |_| store.rows.with(|r| Counts::of(r)));

    // Selection: in the state, not the DOM (only the visible rows are rendered).
    let bulk = BulkState::use_ctx();
    let can_select = SessionCtx::use_ctx().can_edit();
    let anchor = RwSignal::new(None::<usize>);
    let matching_ids = Memo::new(move |_| {
        visible.with(|v| {
            store.rows.with(|rows| {
                v.iter()
                    .filter_map(|&i| selectable_id(&rows[i]))
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
        matching_ids
            .with(|m| !m.is_empty() && bulk.selected.with(|s| m.iter().all(|id| s.contains(id))))
    });
    // A click on row `pos` (in the filtered order); with Shift, the range from the last click.
    let on_pick = Callback::new(move |(pos, on, shift): (usize, bool, bool)| {
        let ids = matching_range(
            visible,
            store,
            anchor.get_untracked().filter(|_| shift),
            pos,
        );
        bulk.set_many(ids, on);
        anchor.set(Some(pos));
    });
    let svms = Memo::new(move |_| store.rows.with(|r| svm_names(r)));

    // The window of rendered rows.
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(DEFAULT_VISIBLE as f64 * ROW_HEIGHT);
    let active = RwSignal::new(0_usize);
    let window = Memo::new(move |_| {
        let n = visible.with(Vec::len);
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize)
            .saturating_sub(OVERSCAN)
            .min(n);
        let count = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        (first, (first + count).min(n))
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
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

    let focus_row = move |i: usize| {
        active.set(i);
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let top = i as f64 * ROW_HEIGHT;
        let height = el.client_height() as f64 - ROW_HEIGHT; // below the sticky header
        let st = el.scroll_top() as f64;
        if top < st {
            el.set_scroll_top(top as i32);
        } else if top + ROW_HEIGHT > st + height {
            el.set_scroll_top((top + ROW_HEIGHT - height) as i32);
        }
        scroll_top.set(el.scroll_top() as f64);
        let focus = move || {
            let row = scroller
                .get_untracked()
                .and_then(|el| el.query_selector(&format!("tr[data-row=\"{i}\"]")).ok())
                .flatten()
                .and_then(|row| row.dyn_into::<web_sys::HtmlElement>().ok());
            row.map(|row| row.focus()).is_some()
        };
        // At once when the row is rendered already (a step within the window): a second key
        // pressed before the next frame then starts from this row, and no step is lost to a
        // row that takes the focus late. Else once the window has moved to it.
        if !focus() {
            request_animation_frame(move || {
                focus();
            });
        }
    };

    let on_keydown = {
        let navigate = navigate.clone();
        move |ev: KeyboardEvent| {
            let n = visible.with_untracked(Vec::len);
            if n == 0 {
                return;
            }
            let page = ((viewport.get_untracked() / ROW_HEIGHT) as usize).max(1);
            let a = active.get_untracked().min(n - 1);
            let to = match ev.key().as_str() {
                "ArrowDown" => Some((a + 1).min(n - 1)),
                "ArrowUp" => Some(a.saturating_sub(1)),
                "PageDown" => Some((a + page).min(n - 1)),
                "PageUp" => Some(a.saturating_sub(page)),
                " " if can_select
                    && ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                        .is_some_and(|e| e.tag_name() == "TR") =>
                {
                    ev.prevent_default();
                    let id = visible.with_untracked(|v| {
                        store.rows.with_untracked(|rows| selectable_id(&rows[v[a]]))
                    });
                    if let Some(id) = id {
                        let on = !bulk.selected.with_untracked(|s| s.contains(&id));
                        on_pick.run((a, on, ev.shift_key()));
                    }
                    None
                }
                "Home" => Some(0),
                "End" => Some(n - 1),
                "Enter" => {
                    let href = visible.with_untracked(|v| {
                        store
                            .rows
                            .with_untracked(|rows| rows[v[a]].key.as_ref().map(editor_href))
                    });
                    if let Some(h) = href {
                        ev.prevent_default();
                        navigate(&h, Default::default());
                    }
                    None
                }
                _ => None,
            };
            if let Some(i) = to {
                ev.prevent_default();
                focus_row(i);
            }
        }
    };

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(el.scroll_top() as f64);
            viewport.set(el.client_height() as f64);
        }
    };

    let sort_by = {
        let set_view = set_view.clone();
        move |k: SortKey| {
            let mut v = view_state.get_untracked();
            v.common.sort_by(k);
            set_view(v);
        }
    };

    // A partial list is never exported: the button waits for every profile, and for the
    // accounts (the not-enrolled rows) unless those cannot be read (a note then says so).
    let exportable = move || {
        store.progress.with(|p| *p == Progress::Done)
            && store.accounts.with(|a| *a != AccountsState::Loading)
            && visible.with(|v| !v.is_empty())
    };
    let export = move |_| {
        let csv = visible.with_untracked(|v| {
            store
                .rows
                .with_untracked(|rows| crate::tables::profiles::to_csv(v.iter().map(|&i| &rows[i])))
        });
        crate::components::download("totp-profiles.csv", "text/csv;charset=utf-8", &csv);
    };

    let progress = move || match store.progress.get() {
        Progress::Loading { loaded, total } => {
            let label = match total {
                Some(t) => format!("Loading profiles: {loaded} of {t}"),
                None => format!("Loading profiles: {loaded}"),
            };
            let max = total.unwrap_or(0).max(loaded as u64) as f64;
            Some(
                view! {
                    <div class="loading" role="status">
                        <label for="load-progress">{label.clone()}</label>
                        <progress id="load-progress" max=max.max(1.0) value=loaded as f64>{label}</progress>
                    </div>
                }
                .into_any(),
            )
        }
        Progress::Failed(e) => {
            let Explained {
                message: m,
                next_step: n,
            } = Explained::from(&e);
            Some(view! {
                <Alert message=format!("Loading the profiles stopped. {m}") next_step=n>
                    <button type="button" class="button" on:click=move |_| store.reload()>"Try again"</button>
                </Alert>
            }.into_any())
        }
        Progress::Idle | Progress::Done => None,
    };

    let accounts_note = move || match store.accounts.get() {
        AccountsState::Unavailable(e) => {
            let m = Explained::from(&e).message;
            Some(view! {
                <p class="note">
                    "Accounts that must use TOTP but have no profile cannot be listed: reading the accounts failed. " {m}
                </p>
            })
        }
        _ => None,
    };

    let text_value = move || view_state.with(|v| v.common.text.clone());

    view! {
        <div class="page-head">
            <h1>"TOTP profiles"</h1>
            <div class="page-actions">
                <button type="button" class="button" on:click=export
                    disabled=move || !exportable()>"Export CSV"</button>
                <button type="button" class="button" on:click=move |_| store.reload()
                    disabled=move || matches!(store.progress.get(), Progress::Loading { .. })>"Reload"</button>
            </div>
        </div>
        <ul class="counts" aria-label="Profiles by status">
            {Status::FILTERABLE.into_iter().map(|s| {
                let set_view = set_view.clone();
                view! {
                    <li>
                        <button
                            type="button"
                            class=format!("count count-{}", s.slug())
                            aria-pressed=move || if view_state.with(|v| v.status == Some(s)) { "true" } else { "false" }
                            on:click=move |_| {
                                let mut v = view_state.get_untracked();
                                v.status = if v.status == Some(s) { None } else { Some(s) };
                                set_view(v);
                            }
                        >
                            <span class="count-n">{move || counts.with(|c| c.get(s))}</span>
                            <span class="count-label">{s.label()}</span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
        {progress}
        {accounts_note}
        <Show when=move || can_select && selected_n.get() != 0>
            <div class="selection-bar" role="region" aria-label="Selection">
                <p class="selection-count" aria-live="polite">{move || format!("{} selected", selected_n.get())}</p>
                <A href="/profiles/bulk" attr:class="button button-primary">"Change the selected…"</A>
                <button type="button" class="button" on:click=move |_| { bulk.selected.set(Default::default()); anchor.set(None); }>"Clear selection"</button>
            </div>
        </Show>
        <div class="filters" role="search">
            <div class="filter-text">
                <label for="filter">"Filter"</label>
                <input
                    id="filter"
                    type="search"
                    node_ref=filter_input
                    placeholder="Account, SVM or comment  (press / to focus)"
                    prop:value=text_value
                    on:input={
                        let set_view = set_view.clone();
                        move |ev| {
                            typed.set(Some(event_target_value(&ev)));
                            if let Some(t) = url_timer.get_value() {
                                t.clear();
                            }
                            let set_view = set_view.clone();
                            let write_url = move || set_view(view_state.get_untracked());
                            url_timer.set_value(
                                set_timeout_with_handle(write_url, URL_AFTER).ok(),
                            );
                        }
                    }
                />
            </div>
            <div class="filter-select">
                <label for="filter-svm">"SVM"</label>
                <select id="filter-svm" on:change={
                    let set_view = set_view.clone();
                    move |ev| {
                        let mut v = view_state.get_untracked();
                        let s = event_target_value(&ev);
                        v.common.svm = (!s.is_empty()).then_some(s);
                        set_view(v);
                    }
                }>
                    <option value="" selected=move || view_state.with(|v| v.common.svm.is_none())>"All SVMs"</option>
                    <For each=move || svms.get() key=|s| s.clone() let:name>
                        <option value=name.clone() selected={
                            let name = name.clone();
                            move || view_state.with(|v| v.common.svm.as_deref() == Some(name.as_str()))
                        }>{name.clone()}</option>
                    </For>
                </select>
            </div>
            <div class="filter-select">
                <label for="filter-scope">"Scope"</label>
                <select id="filter-scope" on:change={
                    let set_view = set_view.clone();
                    move |ev| {
                        let mut v = view_state.get_untracked();
                        let s = event_target_value(&ev);
                        v.scope = (!s.is_empty()).then_some(s);
                        set_view(v);
                    }
                }>
                    <option value="" selected=move || view_state.with(|v| v.scope.is_none())>"Any scope"</option>
                    <option value="cluster" selected=move || view_state.with(|v| v.scope.as_deref() == Some("cluster"))>"Cluster"</option>
                    <option value="svm" selected=move || view_state.with(|v| v.scope.as_deref() == Some("svm"))>"SVM"</option>
                </select>
            </div>
            <div class="filter-select">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" on:change={
                    let set_view = set_view.clone();
                    move |ev| {
                        let mut v = view_state.get_untracked();
                        v.status = Status::from_slug(&event_target_value(&ev));
                        set_view(v);
                    }
                }>
                    <option value="" selected=move || view_state.with(|v| v.status.is_none())>"Any status"</option>
                    {Status::FILTERABLE.into_iter().map(|s| view! {
                        <option value=s.slug() selected=move || view_state.with(|v| v.status == Some(s))>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <div class="summary-line">
        <p class="muted table-summary" aria-live="polite">
            {move || {
                let shown = visible.with(Vec::len);
                let all = store.rows.with(Vec::len);
                if shown == all { format!("{all} rows") } else { format!("{shown} of {all} rows match") }
            }}
            <span class="keys">{move || if can_select { " · ↑↓ move, Space selects, Enter opens, / filters" } else { " · ↑↓ move, Enter opens, / filters" }}</span>
        </p>
            <Show when=move || can_select && !all_matching_selected.get() && !matching_ids.with(Vec::is_empty)>
                <button type="button" class="button button-small select-all"
                    on:click=move |_| bulk.set_many(matching_ids.get_untracked(), true)>
                    {move || match matching_ids.with(Vec::len) {
                        // Profiles only: a not-enrolled row is an account, with nothing to change.
                        1 => "Select the 1 matching profile".to_owned(),
                        n => format!("Select all {n} matching profiles"),
                    }}
                </button>
            </Show>
        </div>
        <div class="table-scroll" node_ref=scroller on:scroll=on_scroll>
            <table class="table table-fixed" aria-rowcount=move || visible.with(Vec::len) + 1>
                <thead>
                    <tr aria-rowindex="1">
                        {can_select.then(|| view! {
                            <th scope="col" class="col-select">
                                <input type="checkbox" id="select-matching"
                                    aria-label=move || format!("Select all {} rows matching the filter", matching_ids.with(Vec::len))
                                    prop:checked=move || all_matching_selected.get()
                                    on:change=move |ev| bulk.set_many(matching_ids.get_untracked(), event_target_checked(&ev)) />
                            </th>
                        })}
                        {SortKey::ALL.into_iter().map(|k| {
                            let sort_by = sort_by.clone();
                            view! {
                                <th scope="col" class=format!("col-{}", k.slug())
                                    aria-sort=move || view_state.with(|v| if v.common.sort != k { "none" } else if v.common.desc { "descending" } else { "ascending" })>
                                    <button type="button" class="sort" aria-label=k.label() on:click=move |_| sort_by(k)>
                                        {k.label()}
                                        <span class="sort-mark" aria-hidden="true">
                                            {move || view_state.with(|v| if v.common.sort != k { "" } else if v.common.desc { " ▼" } else { " ▲" })}
                                        </span>
                                    </button>
                                </th>
                            }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody on:keydown=on_keydown>
                    <tr class="spacer" aria-hidden="true" style:height=move || format!("{}px", window.get().0 as f64 * ROW_HEIGHT)></tr>
                    <For
                        each=move || {
                            let (a, b) = window.get();
                            visible.with(|v| (a..b).map(|pos| (pos, v[pos])).collect::<Vec<_>>())
                        }
                        key=|(pos, i)| (*pos, *i)
                        children=move |(pos, i)| {
                            let row = store.rows.with_untracked(|r| r.get(i).cloned());
                            row.map(|r| {
                                let id = selectable_id(&r);
                                let select = can_select.then(|| (id, bulk.selected, on_pick));
                                view! { <TableRow row=r pos=pos active=active select=select /> }
                            })
                        }
                    />
                    <tr class="spacer" aria-hidden="true" style:height=move || {
                        let n = visible.with(Vec::len);
                        format!("{}px", n.saturating_sub(window.get().1) as f64 * ROW_HEIGHT)
                    }></tr>
                </tbody>
            </table>
            <Show when=move || store.progress.get() == Progress::Done && visible.with(Vec::is_empty)>
                <p class="empty">
                    {move || if store.rows.with(Vec::is_empty) { "No TOTP profiles are visible to this account." } else { "No row matches these filters." }}
                </p>
            </Show>
        </div>
    }
}

#[component]
fn TableRow(
    row: Row,
    pos: usize,
    active: RwSignal<usize>,
    /// When the user may select: the row's id (`None`: not selectable), the selection, and
    /// what a click does.
    select: Option<(
        Option<RowId>,
        RwSignal<std::collections::HashSet<RowId>>,
        Callback<(usize, bool, bool)>,
    )>,
) -> impl IntoView {
    let name = row.account.clone();
    let account = match &row.key {
        Some(key) => view! { <EncodedLink href=editor_href(key)>{name}</EncodedLink> }.into_any(),
        None => view! { <span>{name}</span> }.into_any(),
    };
    let scope = row.scope_label();
    let svm = row.svm.clone();
    let comment = row.comment.clone();
    let status = row.status;
    let status_class = format!("badge badge-{}", row.status.slug());
    let fp_short = short_fingerprint(&row.fingerprint);
    let fp_full = row.fingerprint.clone();
    view! {
        <tr
            data-row=pos
            aria-rowindex=pos + 2
            class:row-active=move || active.get() == pos
            class:row-attention=matches!(status, Status::Disabled | Status::NotEnrolled)
            tabindex=move || if active.get() == pos { "0" } else { "-1" }
            on:focus=move |_| active.set(pos)
        >
            {select.map(|(id, selected, pick)| {
                let label = format!("Select {} ({})", row.account, row.svm);
                view! {
                    <td class="col-select">
                        {id.map(|id| {
                            let id2 = id.clone();
                            view! {
                                <input type="checkbox" tabindex="-1" aria-label=label
                                    prop:checked=move || selected.with(|s| s.contains(&id))
                                    on:click=move |ev: web_sys::MouseEvent| {
                                        let on = ev.target()
                                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                            .is_some_and(|i| i.checked());
                                        let _ = &id2;
                                        pick.run((pos, on, ev.shift_key()));
                                    } />
                            }
                        })}
                    </td>
                }
            })}
            <th scope="row" class="col-account">{account}</th>
            <td class="col-svm">{svm}</td>
            <td class="col-scope">{scope}</td>
            <td class="col-status"><span class=status_class>{status.label()}</span></td>
            <td class="col-comment" title=comment.clone()>{comment.clone()}</td>
            <td class="col-fingerprint mono">
                {(!fp_full.is_empty()).then(|| view! {
                    <span class="fingerprint" tabindex="0" title=fp_full.clone() data-full=fp_full.clone()>
                        <span class="fp-short">{fp_short.clone()}</span>
                        <span class="fp-full">{fp_full.clone()}</span>
                    </span>
                })}
            </td>
        </tr>
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
                .filter_map(|&i| selectable_id(&rows[i]))
                .collect()
        })
    })
}
