//! The profile table's rows in a [`VirtualTable`]: the sortable headings, the select-all
//! checkbox, one row per profile, and the keys (arrows move, Space selects, Enter opens).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use super::state::Profiles;
use crate::components::{EncodedLink, VirtualScroll, VirtualTable};
use crate::routes::Base;
use crate::store::selection::{selectable_id, RowId};
use crate::store::Progress;
use crate::tables::profiles::{short_fingerprint, Row, SortKey, Status};

/// Rows assumed visible before the scroll area has been measured.
const DEFAULT_VISIBLE: usize = 20;

#[component]
pub(crate) fn ProfileTable(p: Profiles) -> impl IntoView {
    let navigate = use_navigate();
    // Links stay on the cluster in view (a fleet's cluster, or the single cluster).
    let base = Base::current();
    let row_base = base.clone();
    let Profiles {
        store,
        bulk,
        can_select,
        visible,
        on_pick,
        ..
    } = p;
    let scroll = VirtualScroll::new(DEFAULT_VISIBLE);
    let active = scroll.active;

    // The keys the table does not move by: Space selects the active row, Enter opens it.
    let on_keydown = UnsyncCallback::new(move |ev: KeyboardEvent| {
        let n = visible.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        let a = active.get_untracked().min(n - 1);
        // The active row (one clone per key press).
        let row = visible.with_untracked(|v| {
            store
                .rows
                .with_untracked(|rows| v.get(a).and_then(|&i| rows.get(i)).cloned())
        });
        match ev.key().as_str() {
            " " if can_select
                && ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                    .is_some_and(|e| e.tag_name() == "TR") =>
            {
                ev.prevent_default();
                if let Some(id) = row.as_ref().and_then(selectable_id) {
                    let on = !bulk.selected.with_untracked(|s| s.contains(&id));
                    on_pick.run((a, on, ev.shift_key()));
                }
            }
            "Enter" => {
                if let Some(h) = row
                    .as_ref()
                    .and_then(|r| r.key.as_ref().map(|k| base.editor(k)))
                {
                    ev.prevent_default();
                    navigate(&h, Default::default());
                }
            }
            _ => {}
        }
    });

    view! {
        <VirtualTable class="table-scroll" shown=visible scroll=scroll keyboard=true
            on_keydown=on_keydown
            head=move || view! { <Headings p=p /> }
            render_row=move |pos, i| {
                store.rows.with_untracked(|r| r.get(i).cloned()).map(|r| {
                    let id = selectable_id(&r);
                    let select = can_select.then(|| (id, bulk.selected, on_pick));
                    view! { <TableRow row=r pos=pos active=active select=select base=row_base.clone() /> }
                })
            }>
            <Show when=move || store.progress.get() == Progress::Done && visible.with(Vec::is_empty)>
                <p class="empty">
                    {move || if store.rows.with(Vec::is_empty) { "No TOTP profiles are visible to this account." } else { "No row matches these filters." }}
                </p>
            </Show>
        </VirtualTable>
    }
}

/// The heading row's cells: select all matching, then a sort button per column.
#[component]
fn Headings(p: Profiles) -> impl IntoView {
    let Profiles {
        view_state,
        matching_ids,
        all_matching_selected,
        bulk,
        ..
    } = p;
    view! {
        {p.can_select.then(|| view! {
            <th scope="col" class="col-select">
                <input type="checkbox" id="select-matching"
                    aria-label=move || format!("Select all {} rows matching the filter", matching_ids.with(Vec::len))
                    prop:checked=move || all_matching_selected.get()
                    on:change=move |ev| bulk.set_many(matching_ids.get_untracked(), event_target_checked(&ev)) />
            </th>
        })}
        {SortKey::ALL.into_iter().map(|k| view! {
            <th scope="col" class=format!("col-{}", k.slug())
                aria-sort=move || view_state.with(|v| v.aria_sort(k))>
                <button type="button" class="sort" aria-label=k.label() on:click=move |_| p.update(|v| v.sort_by(k))>
                    {k.label()}
                    <span class="sort-mark" aria-hidden="true">
                        {move || view_state.with(|v| v.sort_mark(k))}
                    </span>
                </button>
            </th>
        }).collect_view()}
    }
}

#[component]
fn TableRow(
    row: Row,
    /// Where the editor's link goes ([`Base`]).
    base: Base,
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
    let name = crate::text::name(&row.account);
    let account = match &row.key {
        Some(key) => view! { <EncodedLink href=base.editor(key)>{name}</EncodedLink> }.into_any(),
        None => view! { <span>{name}</span> }.into_any(),
    };
    let scope = row.scope_label();
    let svm = crate::text::name(&row.svm);
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
                let label = format!("Select {} ({})", crate::text::name(&row.account), crate::text::name(&row.svm));
                view! {
                    <td class="col-select">
                        {id.map(|id| {
                            view! {
                                <input type="checkbox" tabindex="-1" aria-label=label
                                    prop:checked=move || selected.with(|s| s.contains(&id))
                                    on:click=move |ev: web_sys::MouseEvent| {
                                        let on = ev.target()
                                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                            .is_some_and(|i| i.checked());
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
