//! The accounts view's rows in a [`VirtualTable`]: the summary line, the sortable headings,
//! and one row per account with its selection checkbox.

use leptos::prelude::*;

use super::state::Accounts;
use crate::components::{EncodedLink, VirtualTable};
use crate::store::AccountsLoad as Load;
use crate::tables::accounts::{AccountRow, SortKey, TotpState};

/// "n of m accounts match".
#[component]
pub(crate) fn SummaryLine(a: Accounts) -> impl IntoView {
    let (store, visible) = (a.store, a.visible);
    view! {
        <p class="muted table-summary" aria-live="polite">
            {move || {
                let shown = visible.with(Vec::len);
                let all = store.account_rows.with(Vec::len);
                if shown == all {
                    format!("{} accounts", crate::text::number(all))
                } else {
                    crate::text::of_all_match(shown, all, "accounts")
                }
            }}
        </p>
    }
}

#[component]
pub(crate) fn AccountTable(a: Accounts) -> impl IntoView {
    let (store, visible, view_state) = (a.store, a.visible, a.view_state);
    // The row's state is part of its key, so a changed account is drawn again.
    let stamp = Callback::new(move |i: usize| {
        store.account_rows.with(|rows| {
            rows.get(i)
                .map(|r| {
                    format!(
                        "{}|{}|{}|{}|{}",
                        r.totp.slug(),
                        r.locked,
                        r.ssh_with_second(),
                        r.factors.ssh,
                        r.factors.web
                    )
                })
                .unwrap_or_default()
        })
    });
    let head = move || {
        view! {
            <th scope="col" class="col-select"><span class="visually-hidden">"Select"</span></th>
            {SortKey::ALL.into_iter().map(|k| view! {
                <th scope="col" class=format!("col-acct-{}", k.slug())
                    aria-sort=move || view_state.with(|v| v.aria_sort(k))>
                    <button type="button" class="sort" on:click=move |_| a.update(|v| v.sort_by(k))>
                        {k.label()}
                        <span class="sort-mark" aria-hidden="true">
                            {move || view_state.with(|v| v.sort_mark(k))}
                        </span>
                    </button>
                </th>
            }).collect_view()}
        }
    };
    view! {
        <VirtualTable class="table-scroll" table_class="accounts-table" shown=visible stamp=stamp
            head=head
            render_row=move |pos, i| {
                store.account_rows.with_untracked(|r| r.get(i).cloned())
                    .map(|row| view! { <AccountLine a=a row=row pos=pos /> })
            }>
            <Show when=move || store.accounts_load() == Load::Done && visible.with(Vec::is_empty)>
                <p class="empty">{move || if store.account_rows.with(Vec::is_empty) { "No accounts are visible to this session." } else { "No account matches these filters." }}</p>
            </Show>
        </VirtualTable>
    }
}

/// One account's row, at position `pos` in the order shown.
#[component]
fn AccountLine(a: Accounts, row: AccountRow, pos: usize) -> impl IntoView {
    let (selected, may_modify) = (a.selected, a.may_modify);
    let r = row;
    let id = (r.owner_uuid.clone(), r.name.clone());
    let id2 = id.clone();
    let cb = format!("sel-{pos}");
    let status_class = format!("badge badge-acct-{}", r.totp.slug());
    let data_name = r.name.clone();
    let ssh_text = r.ssh_with_second();
    let ssh_title = ssh_text.clone();
    let href = a.base.with_value(|b| b.account(&r.owner_uuid, &r.name));
    let name = crate::text::name(&r.name);
    view! {
        <tr data-row=pos aria-rowindex=pos + 2 data-account=data_name
            class:row-attention=r.locked || r.totp == TotpState::NotEnrolled>
            <td class="col-select">
                <input type="checkbox" id=cb.clone() disabled=!may_modify
                    aria-label=format!("Select {} ({})", crate::text::name(&r.name), crate::text::name(&r.svm))
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let id = id2.clone();
                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                    } />
            </td>
            <th scope="row" class="col-acct-name"><EncodedLink href=href>{name}</EncodedLink></th>
            <td class="col-acct-svm">{crate::text::name(&r.svm)}</td>
            <td class="col-acct-role">{r.role.clone()}</td>
            <td class="col-acct-locked">{if r.locked { view! { <span class="badge badge-acct-locked">"Locked"</span> }.into_any() } else { view! { <span class="muted">"No"</span> }.into_any() }}</td>
            <td class="col-acct-ssh" title=ssh_title>{ssh_text}</td>
            <td class="col-acct-totp"><span class=status_class>{r.totp.label()}</span></td>
            // Cells cut with an ellipsis at narrow widths: the title keeps the whole text.
            <td class="col-acct-ssh2" title=r.factors.ssh.clone()>{r.factors.ssh.clone()}</td>
            <td class="col-acct-web2" title=r.factors.web.clone()>{r.factors.web.clone()}</td>
        </tr>
    }
}
