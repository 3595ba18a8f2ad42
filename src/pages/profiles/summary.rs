//! The parts of the profile table around the rows: the heading with Export CSV and Reload, the
//! counts by status (each a filter), the loading state, the selection bar and the summary line.

use leptos::prelude::*;
use leptos_router::components::A;

use super::state::Profiles;
use crate::components::{Alert, Explained};
use crate::store::{AccountsState, Progress};
use crate::tables::profiles::{Counts, Status};
use crate::text::{number, of_all_match};

/// The page's heading with Export CSV and Reload.
#[component]
pub(crate) fn PageHead(p: Profiles) -> impl IntoView {
    let (store, visible) = (p.store, p.visible);
    // A partial list is never exported: the button waits for every profile, and for the
    // accounts (the not-enrolled rows) unless those cannot be read (a note then says so).
    let exportable = move || {
        store.progress.with(|p| *p == Progress::Done)
            && store.accounts.with(|a| *a != AccountsState::Loading)
            && visible.with(|v| !v.is_empty())
    };
    let export = move |_| {
        let csv = visible.with_untracked(|v| {
            store.rows.with_untracked(|rows| {
                crate::tables::profiles::to_csv(v.iter().filter_map(|&i| rows.get(i)))
            })
        });
        crate::components::download("totp-profiles.csv", "text/csv;charset=utf-8", &csv);
    };
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
    }
}

/// The counts by status; each toggles the status filter.
#[component]
pub(crate) fn StatusCounts(p: Profiles) -> impl IntoView {
    let store = p.store;
    let counts = Memo::new(move |_| store.rows.with(|r| Counts::of(r)));
    let view_state = p.view_state;
    view! {
        <ul class="counts" aria-label="Profiles by status">
            {Status::FILTERABLE.into_iter().map(|s| view! {
                <li>
                    <button
                        type="button"
                        class=format!("count count-{}", s.slug())
                        aria-pressed=move || if view_state.with(|v| v.filters.status == Some(s)) { "true" } else { "false" }
                        on:click=move |_| p.update(|v| {
                            v.filters.status = if v.filters.status == Some(s) { None } else { Some(s) };
                        })
                    >
                        <span class="count-n">{move || counts.with(|c| number(c.get(s)))}</span>
                        <span class="count-label">{s.label()}</span>
                    </button>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Loading progress or why loading stopped, and the note when the accounts could not be read.
#[component]
pub(crate) fn LoadState(p: Profiles) -> impl IntoView {
    let store = p.store;
    let progress = move || match store.progress.get() {
        Progress::Loading { loaded, total } => {
            let label = match total {
                Some(t) => format!("Loading profiles: {} of {}", number(loaded), number(t)),
                None => format!("Loading profiles: {}", number(loaded)),
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
    view! { {progress} {accounts_note} }
}

/// How many rows are selected, the way to the bulk change, and Clear selection.
#[component]
pub(crate) fn SelectionBar(p: Profiles) -> impl IntoView {
    let (selected_n, bulk, anchor) = (p.selected_n, p.bulk, p.anchor);
    let href = crate::routes::Base::current().at(crate::routes::BULK);
    view! {
        <Show when=move || p.can_select && selected_n.get() != 0>
            <div class="selection-bar" role="region" aria-label="Selection">
                <p class="selection-count" aria-live="polite">{move || format!("{} selected", number(selected_n.get()))}</p>
                <A href=href.clone() attr:class="button button-primary">"Change the selected…"</A>
                <button type="button" class="button" on:click=move |_| { bulk.selected.set(Default::default()); anchor.set(None); }>"Clear selection"</button>
            </div>
        </Show>
    }
}

/// "n of m rows match", the keys, and the button that selects every matching profile.
#[component]
pub(crate) fn SummaryLine(p: Profiles) -> impl IntoView {
    let Profiles {
        store,
        visible,
        can_select,
        matching_ids,
        all_matching_selected,
        bulk,
        ..
    } = p;
    view! {
        <div class="summary-line">
        <p class="muted table-summary" aria-live="polite">
            {move || {
                let shown = visible.with(Vec::len);
                let all = store.rows.with(Vec::len);
                if shown == all { format!("{} rows", number(all)) } else { of_all_match(shown, all, "rows") }
            }}
            <span class="keys">{move || if can_select { " · ↑↓ move, Space selects, Enter opens, / filters" } else { " · ↑↓ move, Enter opens, / filters" }}</span>
        </p>
            <Show when=move || can_select && !all_matching_selected.get() && !matching_ids.with(Vec::is_empty)>
                <button type="button" class="button button-small select-all"
                    on:click=move |_| bulk.set_many(matching_ids.get_untracked(), true)>
                    {move || match matching_ids.with(Vec::len) {
                        // Profiles only: a not-enrolled row is an account, with nothing to change.
                        1 => "Select the 1 matching profile".to_owned(),
                        n => format!("Select all {} matching profiles", number(n)),
                    }}
                </button>
            </Show>
        </div>
    }
}
