//! The parts both fleet tables show around their rows: the note before any sign-in, the
//! clusters not (yet) read and why, the gateway note, the filter bar, the summary line with
//! Export CSV, the checkboxes and the selection bar.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_router::components::A;

use super::state::Fleet;
use crate::components::explain::fleet_unreachable;
use crate::components::{Explained, FilterSelect, FleetSignIn};
use crate::routes;
use crate::session::fleet::Access;
use crate::store::fleet::{FleetStore, Load};
use crate::store::fleet_batch::{Offboard, OffboardState};
use crate::tables::fleet_rows::{cluster_options, FleetRow, FleetTable, RowKey};
use crate::tables::listing::SortColumn;

/// Shown instead of the table while no cluster is signed in: where to sign in, and the
/// fleet's own sign-in form when the file lists clusters of its own (a deep link signs in
/// here, as a cluster's screens do).
#[component]
pub(crate) fn NotSignedIn() -> impl IntoView {
    let store = FleetStore::use_ctx();
    let has_direct = store.has_direct();
    view! {
        <div class="notice fleet-rows-none" role="status">
            <p>"No cluster is signed in yet. Sign in "
                {has_direct.then_some("here or ")}
                "on the "<A href=routes::FLEET>"fleet overview"</A>
                "; the rows of each cluster appear here as it is read."</p>
        </div>
        {has_direct.then(|| view! { <FleetSignIn /> })}
    }
}

/// The clusters whose rows are not in the table, or not up to date, each with why: still
/// reading, not signed in, asking for its own sign-in, unreachable, its read failed, or read
/// again (after an offboarding run) while its earlier rows stay shown. `profiles`: the profile
/// table, where a read cluster of a release without TOTP has no rows.
#[component]
pub(crate) fn ClusterStates(#[prop(optional)] profiles: bool) -> impl IntoView {
    let store = FleetStore::use_ctx();
    let lines = move || {
        store.rows.changed.track();
        let shown: HashSet<String> = if profiles {
            origins_of(store.rows.profiles.table())
        } else {
            origins_of(store.rows.accounts.table())
        };
        store
            .list()
            .into_iter()
            .filter_map(|m| {
                let name = crate::text::name(&m.name());
                let has_rows = m
                    .cluster()
                    .is_some_and(|c| shown.contains(&m.origin_uuid(&c)));
                let (class, said) = m
                    .access
                    .with(|a| m.load.with(|l| cluster_state(a, l, has_rows, profiles)))?;
                Some(view! {
                    <li class=format!("fleet-rows-state {class}") data-cluster=m.name()>
                        <strong>{name}</strong>": "{said}
                    </li>
                })
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !lines().is_empty()>
            <div class="notice fleet-rows-states" role="status">
                <p class="notice-title">"Clusters whose rows are not shown, or not up to date"</p>
                <ul>{lines}</ul>
            </div>
        </Show>
    }
}

/// The clusters a table holds rows of, by the key their rows carry (UUID in lower case).
fn origins_of<R: FleetRow + Send + Sync + 'static>(
    table: StoredValue<FleetTable<R>>,
) -> HashSet<String>
where
    R::Sort: Send + Sync,
{
    table.with_value(|t| t.origins().iter().map(|o| o.uuid.clone()).collect())
}

/// What [`ClusterStates`] says of one cluster (its class and text), if anything: `shown` is
/// whether the table holds rows of it from an earlier read.
fn cluster_state(
    access: &Access,
    load: &Load,
    shown: bool,
    profiles: bool,
) -> Option<(&'static str, String)> {
    match access {
        Access::Waiting => return Some(("state-idle", "not signed in".to_owned())),
        Access::Trying => return Some(("state-busy", "signing in…".to_owned())),
        Access::Refused => {
            return Some((
                "state-warn",
                "asks for its own sign-in, on the overview".to_owned(),
            ))
        }
        Access::Unreachable(e) => return Some(("state-bad", fleet_unreachable(e).joined())),
        Access::In { .. } => {}
    }
    match load {
        Load::Idle | Load::Loading if shown => Some((
            "state-busy",
            "reading again; its rows below are from the last read".to_owned(),
        )),
        Load::Idle | Load::Loading => Some(("state-busy", "reading…".to_owned())),
        Load::Failed(e) if shown => Some((
            "state-bad",
            format!(
                "could not be read again; its rows below are from the last read. {}",
                Explained::from(e).joined()
            ),
        )),
        Load::Failed(e) => Some((
            "state-bad",
            format!("could not be read. {}", Explained::from(e).joined()),
        )),
        Load::Done(s) if profiles && s.profiles.is_none() => {
            Some(("state-idle", "its release has no TOTP profiles".to_owned()))
        }
        Load::Done(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::tables::fleet::Summary;

    #[test]
    fn a_cluster_read_again_says_its_rows_are_from_the_last_read() {
        let cluster = ontap_model::Cluster::default();
        let client = crate::api::Client::new(
            "/api",
            crate::api::Credentials::Bearer("t".into()),
            crate::api::deaf(),
        );
        let signed_in = Access::In { client, cluster };
        let said = |load: Load, shown: bool| cluster_state(&signed_in, &load, shown, true);
        assert_eq!(said(Load::Loading, false).unwrap().1, "reading…");
        let again = said(Load::Loading, true).unwrap();
        assert_eq!(again.0, "state-busy");
        assert!(again
            .1
            .starts_with("reading again; its rows below are from the last read"));
        let failed = said(Load::Failed(ApiError::Network), true).unwrap();
        assert_eq!(failed.0, "state-bad");
        assert!(
            failed.1.starts_with("could not be read again;"),
            "{}",
            failed.1
        );
        assert!(said(Load::Failed(ApiError::Network), false)
            .unwrap()
            .1
            .starts_with("could not be read. "));
        let read = Summary {
            profiles: Some((3, 1)),
            ..Summary::default()
        };
        assert_eq!(said(Load::Done(read), true), None);
        let without_totp = said(Load::Done(Summary::default()), false).unwrap();
        assert_eq!(without_totp.1, "its release has no TOTP profiles");
        assert_eq!(
            cluster_state(&Access::Refused, &Load::Loading, true, true)
                .unwrap()
                .0,
            "state-warn"
        );
    }
}

/// Said when some rows were read through a Unified Manager gateway.
#[component]
pub(crate) fn GatewayNote<R: FleetRow + Send + Sync + 'static>(f: Fleet<R>) -> impl IntoView
where
    R::Sort: Send + Sync,
{
    let rows = f.rows;
    let changed = f.store.rows.changed;
    let gateways = move || {
        changed.track();
        let mut g: Vec<String> = rows
            .table()
            .with_value(|t| t.origins().iter().filter_map(|o| o.via.clone()).collect());
        g.sort();
        g.dedup();
        g
    };
    view! {
        <Show when=move || !gateways().is_empty()>
            <p class="note gateway-rows-note">
                "Rows marked “via” were read through Unified Manager's API gateway ("
                {move || gateways().join(", ")}
                "): those clusters see the account Unified Manager stores for them, not you."
            </p>
        </Show>
    }
}

/// The filter text, the cluster and the state.
#[component]
pub(crate) fn FilterBar<R: FleetRow + Send + Sync + 'static>(
    f: Fleet<R>,
    placeholder: &'static str,
    state_label: &'static str,
    states: Vec<(String, String)>,
) -> impl IntoView
where
    R::Sort: Send + Sync,
{
    let store = f.store;
    let view_state = f.view_state;
    let clusters = Memo::new(move |_| {
        let listed: Vec<(String, String)> = store
            .list()
            .into_iter()
            .filter_map(|m| {
                let uuid = m.cluster()?.uuid?;
                Some((uuid, m.name()))
            })
            .collect();
        cluster_options(&listed)
    });
    view! {
        <div class="filters" role="search">
            <div class="filter-text">
                <label for="filter">"Filter"</label>
                <input id="filter" type="search" placeholder=placeholder
                    prop:value=move || view_state.with(|v| v.text.clone())
                    on:input=move |ev| f.type_text(event_target_value(&ev)) />
            </div>
            <FilterSelect id="filter-cluster" label="Cluster" all="All clusters" options=clusters
                value=Signal::derive(move || view_state.with(|v| v.filters.cluster.clone()))
                on_pick=Callback::new(move |c| f.update(|v| v.filters.cluster = c)) />
            <FilterSelect id="filter-state" label=state_label all="Any" options=Signal::stored(states)
                value=Signal::derive(move || view_state.with(|v| v.filters.state.clone()))
                on_pick=Callback::new(move |s| f.update(|v| v.filters.state = s)) />
        </div>
    }
}

/// "n of m rows match" and Export CSV (of the rows shown; waits until every cluster's read
/// has ended, so a partial list is never exported).
#[component]
pub(crate) fn SummaryLine<R: FleetRow + Send + Sync + 'static>(
    f: Fleet<R>,
    file: &'static str,
    csv: fn(&FleetTable<R>, &[usize]) -> String,
) -> impl IntoView
where
    R::Sort: Send + Sync,
{
    let (visible, total, all_read, table) = (f.visible, f.total, f.all_read, f.table);
    let export = move |_| {
        let text = visible.with_untracked(|v| table.with_value(|t| csv(t, v)));
        crate::components::download(file, "text/csv;charset=utf-8", &text);
    };
    view! {
        <div class="summary-line">
            <p class="muted table-summary" aria-live="polite">
                {move || {
                    let (shown, all) = (visible.with(Vec::len), total.get());
                    let rows = if shown == all {
                        crate::text::count(all, "row", "rows")
                    } else {
                        crate::text::of_all_match(shown, all, "rows")
                    };
                    if all_read.get() { rows } else { format!("{rows} · clusters still reading") }
                }}
            </p>
            <button type="button" class="button button-small fleet-rows-export" on:click=export
                disabled=move || !all_read.get() || visible.with(Vec::is_empty)>"Export CSV"</button>
        </div>
    }
}

/// A row's cluster cell: its name, and "via" its gateway when read through one.
pub(crate) fn cluster_cell(name: &str, via: Option<&str>) -> impl IntoView + use<> {
    let name = crate::text::name(name);
    let via = via.map(|g| {
        let title = format!(
            "Read through Unified Manager's gateway {g}: the cluster sees the account Unified Manager stores for it."
        );
        view! { <span class="via-gateway" title=title>" via "{g.to_owned()}</span> }
    });
    view! { <td class="col-cluster">{name}{via}</td> }
}

/// The sortable headings of a fleet table, in [`SortColumn::ALL`]'s order: each a button
/// that sorts by its column, its class `class_prefix` and the column's slug.
pub(crate) fn sort_heads<R: FleetRow + Send + Sync + 'static>(
    f: Fleet<R>,
    class_prefix: &'static str,
    label: fn(R::Sort) -> &'static str,
) -> impl IntoView {
    let view_state = f.view_state;
    <R::Sort as SortColumn>::ALL
        .iter()
        .copied()
        .map(|k| {
            view! {
                <th scope="col" class=format!("{class_prefix}{}", k.slug())
                    aria-sort=move || view_state.with(|v| v.aria_sort(k))>
                    <button type="button" class="sort" on:click=move |_| f.update(|v| v.sort_by(k))>
                        {label(k)}
                        <span class="sort-mark" aria-hidden="true">{move || view_state.with(|v| v.sort_mark(k))}</span>
                    </button>
                </th>
            }
        })
        .collect_view()
}

/// The heading cell that picks or unpicks every row shown.
pub(crate) fn select_head<R: FleetRow + Send + Sync + 'static>(f: Fleet<R>) -> impl IntoView
where
    R::Sort: Send + Sync,
{
    let all = f.all_shown_selected;
    view! {
        <th scope="col" class="col-select">
            <input type="checkbox" id="select-shown" aria-label="Select every row shown"
                prop:checked=move || all.get()
                on:change=move |ev| f.select_shown(event_target_checked(&ev)) />
        </th>
    }
}

/// A row's checkbox, at `pos` among the rows shown; `label` names the row (account, SVM and
/// cluster). With Shift, the click picks or unpicks every row shown from the last one clicked.
pub(crate) fn select_cell<R: FleetRow + Send + Sync + 'static>(
    f: Fleet<R>,
    pos: usize,
    key: Option<RowKey>,
    label: String,
) -> impl IntoView
where
    R::Sort: Send + Sync,
{
    let selected = f.selected;
    let input = key.map(|key| {
        view! {
            <input type="checkbox" aria-label=label
                prop:checked=move || selected.with(|s| s.contains(&key))
                on:click=move |ev: web_sys::MouseEvent| {
                    let on = event_target_checked(&ev);
                    f.pick(pos, on, ev.shift_key());
                } />
        }
    });
    view! { <td class="col-select">{input}</td> }
}

/// How many rows are picked, what can be done to them across the fleet (each opens the
/// offboarding review of those rows alone, read fresh; nothing is sent before its Run), and
/// Clear selection.
#[component]
pub(crate) fn SelectionBar<R: FleetRow + Send + Sync + 'static>(
    f: Fleet<R>,
    /// Each action with its button's words.
    actions: Vec<(Offboard, &'static str)>,
    /// The table, as the review names it.
    from: &'static str,
) -> impl IntoView
where
    R::Sort: Send + Sync,
{
    let selected = f.selected;
    let offboard = OffboardState::use_ctx();
    let n = move || selected.with(HashSet::len);
    let navigate = leptos_router::hooks::use_navigate();
    // Why the actions are off, if they are.
    let why_off = move || {
        if offboard.running() {
            Some("An offboarding run is still sending its changes: wait for it to end.")
        } else {
            None
        }
    };
    let go = move |action: Offboard| {
        if why_off().is_some() {
            return;
        }
        let keys = selected.get_untracked();
        offboard.find_picked(f.store, keys, action, from);
        navigate(routes::FLEET_OFFBOARD, Default::default());
    };
    let buttons = move || {
        actions
            .iter()
            .map(|&(a, words)| {
                let go = go.clone();
                view! {
                    <button type="button" class="button button-primary" data-action=a.name()
                        disabled=move || why_off().is_some()
                        aria-describedby="selection-why"
                        on:click=move |_| go(a)>{words}</button>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || n() != 0>
            <div class="selection-bar" role="region" aria-label="Selection">
                <p class="selection-count" aria-live="polite">{move || format!("{} selected", crate::text::number(n()))}</p>
                {buttons()}
                <button type="button" class="button" on:click=move |_| {
                    selected.set(HashSet::new());
                    f.anchor.set(None);
                }>"Clear selection"</button>
                <p class="field-hint" id="selection-why">{why_off}</p>
            </div>
        </Show>
    }
}
