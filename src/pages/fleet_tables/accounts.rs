//! `/fleet/accounts`: every account of every cluster with its TOTP state and second factors
//! (as the overview and the coverage report judged them), with the cluster each row came
//! from; a row links to the account's page on its cluster. Rows picked here can be made to
//! require TOTP, or have their profiles disabled, across the fleet (offboarding's review).

use leptos::prelude::*;

use super::parts::{
    cluster_cell, select_cell, select_head, ClusterStates, FilterBar, GatewayNote, NotSignedIn,
    SelectionBar, SummaryLine,
};
use super::state::Fleet;
use crate::components::{EncodedLink, VirtualTable};
use crate::routes;
use crate::store::fleet_batch::Offboard;
use crate::tables::accounts::TotpState;
use crate::tables::coverage::AccountLine;
use crate::tables::fleet_rows::{account_states, accounts_csv, AccountSort};

#[component]
pub(crate) fn FleetAccountsPage() -> impl IntoView {
    let store = crate::store::fleet::FleetStore::use_ctx();
    let f = Fleet::new(
        routes::FLEET_ACCOUNTS,
        store.rows.accounts,
        (
            "totp-admin:fleet-accounts-first-rows",
            "totp-admin:fleet-accounts-all-rows",
        ),
    );
    view! {
        <div class="page-head">
            <h1>"Accounts across the fleet"</h1>
        </div>
        <Show when=move || store.signed_in() fallback=|| view! { <NotSignedIn /> }>
            <ClusterStates />
            <GatewayNote f=f />
            <FilterBar f=f placeholder="Cluster, account, SVM or role" state_label="TOTP"
                states=account_states() />
            <SummaryLine f=f file="accounts-fleet.csv" csv=accounts_csv />
            <AccountRows f=f />
            <SelectionBar f=f from="the fleet's account table"
                actions=vec![
                    (Offboard::RequireTotp, "Require TOTP for the selected…"),
                    (Offboard::Disable, "Disable their profiles…"),
                ] />
        </Show>
    }
}

#[component]
fn AccountRows(f: Fleet<AccountLine>) -> impl IntoView {
    let (table, visible) = (f.table, f.visible);
    let head = move || {
        (
            select_head(f),
            super::parts::sort_heads(f, "col-fleet-acct-", AccountSort::label),
        )
    };
    view! {
        <VirtualTable class="table-scroll fleet-rows" table_class="fleet-rows-table" shown=visible
            label="Accounts of every cluster" head=head stamp=super::state::row_stamp(f)
            render_row=move |pos, i| {
                table.with_value(|t| t.row(i).map(|(o, r)| (o.clone(), r.clone(), t.key(i)))).map(|(o, r, key)| {
                    let pick = format!("Select {} on {}, SVM {}", crate::text::name(&r.name), crate::text::name(&o.name), crate::text::name(&r.svm));
                    let href = routes::fleet_account_href(&o.uuid, &r.owner_uuid, &r.name);
                    let state_class = format!("badge badge-{}", r.totp.slug());
                    view! {
                        <tr data-row=pos aria-rowindex=pos + 2 data-cluster=o.uuid.clone()
                            class:row-attention=r.totp == TotpState::NotEnrolled>
                            {select_cell(f, pos, key, pick)}
                            <th scope="row" class="col-fleet-acct-account">
                                <EncodedLink href=href>{crate::text::name(&r.name)}</EncodedLink>
                            </th>
                            {cluster_cell(&o.name, o.via.as_deref())}
                            <td class="col-fleet-acct-svm">{crate::text::name(&r.svm)}</td>
                            <td class="col-fleet-acct-role">{r.role.clone()}</td>
                            <td class="col-fleet-acct-ssh">{if r.has_ssh { r.ssh_second.clone() } else { "no SSH".to_owned() }}</td>
                            <td class="col-fleet-acct-totp"><span class=state_class>{r.totp.label()}</span></td>
                            <td class="col-fleet-acct-locked">{if r.locked { "Locked" } else { "" }}</td>
                        </tr>
                    }
                })
            }>
            <Show when=move || f.all_read.get() && visible.with(Vec::is_empty)>
                <p class="empty">
                    {move || if f.total.get() == 0 { "No accounts were read." } else { "No row matches these filters." }}
                </p>
            </Show>
        </VirtualTable>
    }
}
