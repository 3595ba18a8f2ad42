//! `/fleet/profiles`: every profile of every cluster (and the accounts that must use TOTP and
//! have none), with the cluster each row came from; a row links to its editor on its cluster.
//! Rows picked here can be disabled across the fleet, through offboarding's review and run.

use leptos::prelude::*;

use super::parts::{
    cluster_cell, select_cell, select_head, ClusterStates, FilterBar, GatewayNote, NotSignedIn,
    SelectionBar, SummaryLine,
};
use super::state::Fleet;
use crate::components::{EncodedLink, VirtualTable};
use crate::routes;
use crate::store::fleet_batch::Offboard;
use crate::tables::fleet_rows::{profile_states, profiles_csv, ProfileSort};
use crate::tables::profiles::Status;

#[component]
pub(crate) fn FleetProfilesPage() -> impl IntoView {
    let store = crate::store::fleet::FleetStore::use_ctx();
    let f = Fleet::new(
        routes::FLEET_PROFILES,
        store.rows.profiles,
        (
            "totp-admin:fleet-profiles-first-rows",
            "totp-admin:fleet-profiles-all-rows",
        ),
    );
    view! {
        <div class="page-head">
            <h1>"TOTP profiles across the fleet"</h1>
        </div>
        <Show when=move || store.signed_in() fallback=|| view! { <NotSignedIn /> }>
            <ClusterStates profiles=true />
            <GatewayNote f=f />
            <FilterBar f=f placeholder="Cluster, account, SVM or comment" state_label="Status"
                states=profile_states() />
            <SummaryLine f=f file="totp-profiles-fleet.csv" csv=profiles_csv />
            <ProfileRows f=f />
            <SelectionBar f=f from="the fleet's profile table"
                actions=vec![(Offboard::Disable, "Disable the selected profiles…")] />
        </Show>
    }
}

#[component]
fn ProfileRows(f: Fleet<crate::tables::profiles::Row>) -> impl IntoView {
    let (table, visible) = (f.table, f.visible);
    let head = move || {
        (
            select_head(f),
            super::parts::sort_heads(f, "col-fleet-", ProfileSort::label),
        )
    };
    view! {
        <VirtualTable class="table-scroll fleet-rows" table_class="fleet-rows-table" shown=visible
            label="Profiles of every cluster" head=head stamp=super::state::row_stamp(f)
            render_row=move |pos, i| {
                table.with_value(|t| t.row(i).map(|(o, r)| (o.clone(), r.clone(), t.key(i)))).map(|(o, r, key)| {
                    let pick = format!("Select {} on {}, SVM {}", crate::text::name(&r.account), crate::text::name(&o.name), crate::text::name(&r.svm));
                    let name = crate::text::name(&r.account);
                    let account = match &r.key {
                        Some(key) => view! {
                            <EncodedLink href=routes::fleet_editor_href(&o.uuid, key)>{name}</EncodedLink>
                        }.into_any(),
                        None => view! { <span>{name}</span> }.into_any(),
                    };
                    let status_class = format!("badge badge-{}", r.status.slug());
                    view! {
                        <tr data-row=pos aria-rowindex=pos + 2 data-cluster=o.uuid.clone()
                            class:row-attention=matches!(r.status, Status::Disabled | Status::NotEnrolled)>
                            {select_cell(f, pos, key, pick)}
                            <th scope="row" class="col-fleet-account">{account}</th>
                            {cluster_cell(&o.name, o.via.as_deref())}
                            <td class="col-fleet-svm">{crate::text::name(&r.svm)}</td>
                            <td class="col-fleet-scope">{r.scope_label()}</td>
                            <td class="col-fleet-status"><span class=status_class>{r.status.label()}</span></td>
                            <td class="col-fleet-comment" title=r.comment.clone()>{r.comment.clone()}</td>
                        </tr>
                    }
                })
            }>
            <Show when=move || f.all_read.get() && visible.with(Vec::is_empty)>
                <p class="empty">
                    {move || if f.total.get() == 0 { "No TOTP profiles were read." } else { "No row matches these filters." }}
                </p>
            </Show>
        </VirtualTable>
    }
}
