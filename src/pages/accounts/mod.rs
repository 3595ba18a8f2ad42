//! The accounts view: every account the session may see, with its SSH methods, second factor,
//! lock, and TOTP state joined from the profiles; filter, sort and counts in the URL like the
//! profile table; windowed rows; a selection for bulk changes (reviewed first: what changes,
//! what is skipped and why), run by the shared bulk runner ([`crate::store::batch`]).

pub mod detail;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use ontap_model::account_change::AccountChange;
use std::collections::HashSet;
use std::rc::Rc;

use crate::api::accounts;
use crate::components::batch::{BulkProgress, OnlyProblemsToggle, ResultTable, WindowedTable};
use crate::components::{Alert, EncodedLink, Explained};
use crate::routes::account_href;
use crate::session::SessionCtx;
use crate::store::batch::{Ops, Phase, RowState, Runner};
use crate::store::{AccountsLoad as Load, ProfileStore};
use crate::tables::accounts::{BulkItem, BulkReview, Counts, SortKey, TotpState, ViewState};

pub use detail::AccountPage;

/// Height of one row in pixels (fixed in CSS).
pub const ROW_HEIGHT: f64 = 41.0;
const OVERSCAN: usize = 8;
const DEFAULT_VISIBLE: usize = 20;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let store = ProfileStore::use_ctx();
    store.ensure_loaded();
    let session = SessionCtx::use_ctx();
    let query = use_query_map();
    let navigate = use_navigate();
    let may_modify = session.session.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| s.identity.access != ontap_model::Access::ReadOnly)
    });

    let view_state = Memo::new(move |_| query.with(|q| ViewState::from_params(|k| q.get(k))));
    let set_view = Callback::new(move |v: ViewState| {
        navigate(
            &format!("/accounts{}", v.to_query()),
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
    let counts = Memo::new(move |_| store.account_rows.with(|r| Counts::of(r)));
    let svms = Memo::new(move |_| {
        store.account_rows.with(|r| {
            let mut s: Vec<String> = r.iter().map(|x| x.svm.clone()).collect();
            s.sort();
            s.dedup();
            s
        })
    });

    // Selection, by (owner UUID, name).
    let selected: RwSignal<HashSet<(String, String)>> = RwSignal::new(HashSet::new());
    let review: RwSignal<Option<BulkReview>> = RwSignal::new(None);
    let running: RwSignal<Option<(AccountChange, Runner<BulkItem>)>, LocalStorage> =
        RwSignal::new_local(None);

    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(DEFAULT_VISIBLE as f64 * ROW_HEIGHT);
    let window = Memo::new(move |_| {
        let n = visible.with(Vec::len);
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize)
            .saturating_sub(OVERSCAN)
            .min(n);
        let count = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        (first, (first + count).min(n))
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(el.scroll_top() as f64);
            viewport.set(el.client_height() as f64);
        }
    };
    let sort_by = Callback::new(move |k: SortKey| {
        let mut v = view_state.get_untracked();
        v.common.sort_by(k);
        set_view.run(v);
    });

    let open_review = move |c: AccountChange| {
        let sel = selected.get_untracked();
        let r = store.account_rows.with_untracked(|rows| {
            let chosen: Vec<&crate::tables::accounts::AccountRow> = rows
                .iter()
                .filter(|r| sel.contains(&(r.owner_uuid.clone(), r.name.clone())))
                .collect();
            BulkReview::of(c, &chosen)
        });
        review.set(Some(r));
    };

    // The run's signals belong to the page, not to the review panel the Start button is in
    // (which closes when the run starts).
    let page_owner = StoredValue::new(Owner::current());
    let start = move |_| {
        let Some(r) = review.get_untracked() else {
            return;
        };
        let Some(change) = r.change else { return };
        let Some(client) = session.client() else {
            return;
        };
        let c1 = client.clone();
        let c2 = client;
        let make = move || {
            Runner::new(
                r.items,
                Ops {
                    apply: Rc::new(move |it: &BulkItem| {
                        let c = c1.clone();
                        let it = it.clone();
                        Box::pin(async move {
                            // Written back from the account as it is now, not as listed.
                            let now = accounts::get(&c, &it.owner_uuid, &it.name).await?;
                            match change.plan(&now) {
                                Ok(p) => accounts::patch(&c, &it.owner_uuid, &it.name, &p).await,
                                Err(why) if why.already_done() => Ok(()),
                                Err(why) => Err(crate::api::ApiError::NotSent(format!(
                                    "the account changed since the review. {why}"
                                ))),
                            }
                        })
                    }),
                    verify: Rc::new(move |it: &BulkItem| {
                        let c = c2.clone();
                        let it = it.clone();
                        Box::pin(async move {
                            let a = accounts::get_once(&c, &it.owner_uuid, &it.name).await?;
                            Ok(change.is_done(&a))
                        })
                    }),
                    on_settle: Rc::new(move |it: &BulkItem, st: &RowState| {
                        if let RowState::Done { .. } = st {
                            // Show the change in the table as the cluster now has it.
                            if let Some(mut row) = store.account_row(&it.owner_uuid, &it.name) {
                                if let Some(apps) = &it.patch.applications {
                                    row.account.applications = apps.clone();
                                }
                                if let Some(l) = it.patch.locked {
                                    row.account.locked = Some(l);
                                }
                                store.update_account(&row.account);
                            }
                        }
                    }),
                },
            )
        };
        let runner = match page_owner.get_value() {
            Some(o) => o.with(make),
            None => make(),
        };
        runner.start();
        running.set(Some((change, runner)));
        review.set(None);
        selected.set(HashSet::new());
    };

    let progress = move || match store.accounts_load() {
        Load::Loading => Some(
            view! { <div class="loading" role="status"><p>"Loading the accounts…"</p></div> }
                .into_any(),
        ),
        Load::Failed(e) => {
            let Explained {
                message: m,
                next_step: n,
            } = Explained::from(&e);
            Some(view! {
                <Alert message=format!("Loading the accounts stopped. {m}") next_step=n>
                    <button type="button" class="button" on:click=move |_| store.reload()>"Try again"</button>
                </Alert>
            }.into_any())
        }
        _ => None,
    };

    // Only a complete picture is exported: while a listing is still coming in, or when the
    // profiles could not be read (every account that requires TOTP would read "Not enrolled"),
    // the button waits.
    let exportable = move || {
        store.accounts_load() == Load::Done
            && store.profiles_failed().is_none()
            && visible.with(|v| !v.is_empty())
    };
    let export = move |_| {
        let csv = visible.with_untracked(|v| {
            store
                .account_rows
                .with_untracked(|rows| crate::tables::accounts::to_csv(v.iter().map(|&i| &rows[i])))
        });
        crate::components::download("totp-accounts.csv", "text/csv;charset=utf-8", &csv);
    };

    view! {
        <div class="page-head">
            <h1>"Accounts"</h1>
            <div class="page-actions">
                <button type="button" class="button" on:click=export
                    disabled=move || !exportable()>"Export CSV"</button>
                <A href="/profiles" attr:class="button">"TOTP profiles"</A>
                <A href="/history" attr:class="button">"History"</A>
                <button type="button" class="button" on:click=move |_| store.reload()
                    disabled=move || store.accounts_load() == Load::Loading>"Reload"</button>
            </div>
        </div>
        <ul class="counts" aria-label="Accounts by TOTP state">
            {TotpState::ALL.into_iter().map(|s| view! {
                <li>
                    <button type="button" class=format!("count count-acct-{}", s.slug())
                        aria-pressed=move || if view_state.with(|v| v.totp == Some(s)) { "true" } else { "false" }
                        on:click=move |_| {
                            let mut v = view_state.get_untracked();
                            v.totp = if v.totp == Some(s) { None } else { Some(s) };
                            set_view.run(v);
                        }>
                        <span class="count-n">{move || counts.with(|c| c.get(s))}</span>
                        <span class="count-label">{s.label()}</span>
                    </button>
                </li>
            }).collect_view()}
            <li>
                <button type="button" class="count count-acct-locked"
                    aria-pressed=move || if view_state.with(|v| v.locked == Some(true)) { "true" } else { "false" }
                    on:click=move |_| {
                        let mut v = view_state.get_untracked();
                        v.locked = if v.locked == Some(true) { None } else { Some(true) };
                        set_view.run(v);
                    }>
                    <span class="count-n">{move || counts.with(|c| c.locked)}</span>
                    <span class="count-label">"Locked"</span>
                </button>
            </li>
        </ul>
        {progress}
        {move || store.profiles_failed().map(|e| {
            let m = Explained::from(&e).message;
            view! { <p class="note">"The TOTP profiles could not be read, so accounts that require TOTP show as not enrolled. " {m}</p> }
        })}
        <div class="filters" role="search">
            <div class="filter-text">
                <label for="acct-filter">"Filter"</label>
                <input id="acct-filter" type="search" placeholder="Account, SVM or role"
                    prop:value=move || view_state.with(|v| v.common.text.clone())
                    on:input=move |ev| {
                        let mut v = view_state.get_untracked();
                        v.common.text = event_target_value(&ev);
                        set_view.run(v);
                    } />
            </div>
            <div class="filter-select">
                <label for="acct-svm">"SVM"</label>
                <select id="acct-svm" on:change=move |ev| {
                    let mut v = view_state.get_untracked();
                    let s = event_target_value(&ev);
                    v.common.svm = (!s.is_empty()).then_some(s);
                    set_view.run(v);
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
                <label for="acct-totp">"TOTP"</label>
                <select id="acct-totp" on:change=move |ev| {
                    let mut v = view_state.get_untracked();
                    v.totp = TotpState::from_slug(&event_target_value(&ev));
                    set_view.run(v);
                }>
                    <option value="" selected=move || view_state.with(|v| v.totp.is_none())>"Any"</option>
                    {TotpState::ALL.into_iter().map(|s| view! {
                        <option value=s.slug() selected=move || view_state.with(|v| v.totp == Some(s))>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-select">
                <label for="acct-locked">"Locked"</label>
                <select id="acct-locked" on:change=move |ev| {
                    let mut v = view_state.get_untracked();
                    v.locked = match event_target_value(&ev).as_str() { "yes" => Some(true), "no" => Some(false), _ => None };
                    set_view.run(v);
                }>
                    <option value="" selected=move || view_state.with(|v| v.locked.is_none())>"Any"</option>
                    <option value="yes" selected=move || view_state.with(|v| v.locked == Some(true))>"Locked"</option>
                    <option value="no" selected=move || view_state.with(|v| v.locked == Some(false))>"Not locked"</option>
                </select>
            </div>
        </div>
        <Show when=move || may_modify>
            <div class="acct-selection" role="group" aria-label="Selected accounts">
                <span class="muted" id="selected-count">{move || format!("{} selected", selected.with(HashSet::len))}</span>
                <button type="button" class="button" id="select-shown"
                    disabled=move || visible.with(Vec::is_empty)
                    on:click=move |_| {
                        let ids: Vec<(String, String)> = visible.with_untracked(|v| store.account_rows.with_untracked(|rows| v.iter().map(|&i| (rows[i].owner_uuid.clone(), rows[i].name.clone())).collect()));
                        selected.update(|s| s.extend(ids));
                    }>{move || format!("Select the {} shown", visible.with(Vec::len))}</button>
                <button type="button" class="button" disabled=move || selected.with(HashSet::is_empty)
                    on:click=move |_| selected.set(HashSet::new())>"Clear selection"</button>
                {[AccountChange::RequireTotp, AccountChange::StopRequiringTotp, AccountChange::Unlock].into_iter().map(|c| view! {
                    <button type="button" class="button"
                        disabled=move || selected.with(HashSet::is_empty) || running.with(|r| r.as_ref().is_some_and(|(_, r)| r.phase.get() != Phase::Finished))
                        on:click=move |_| open_review(c)>{c.label()} " (selected)…"</button>
                }).collect_view()}
            </div>
        </Show>
        {move || review.get().map(|r| {
            let change = r.change.map(|c| c.label()).unwrap_or_default();
            let n = r.items.len();
            let n_skipped = r.skipped.len();
            // The lists are windowed (a selection may be thousands of accounts); their rows
            // read the review kept here by index.
            let r = StoredValue::new(r);
            let changes_shown = Signal::stored((0..n).collect::<Vec<_>>());
            let skipped_shown = Signal::stored((0..n_skipped).collect::<Vec<_>>());
            view! {
                <section class="acct-review" aria-labelledby="review-h">
                    <h2 id="review-h">{format!("Review: {change}")}</h2>
                    <p id="review-summary">{format!("{n} accounts will change; {n_skipped} are skipped.")}
                        " Each account is read again just before its change, and its applications are written back as read with only the SSH second factor changed."</p>
                    <Show when=move || n_skipped != 0>
                        <details class="bulk-list" id="review-skipped" open=true>
                            <summary>{format!("Skipped ({n_skipped})")}</summary>
                            <WindowedTable label="Skipped accounts" class="bulk-list-scroll"
                                columns=vec![("Account", "col-b-account"), ("SVM", "col-b-svm"), ("Why", "col-b-why")]
                                shown=skipped_shown
                                render_row=move |pos, i| {
                                    let (svm, name, why) = r.with_value(|r| r.skipped.get(i).map(|(s, n, w)| (s.clone(), n.clone(), w.to_string())))?;
                                    let (title, why_title) = (name.clone(), why.clone());
                                    Some(view! {
                                        <tr aria-rowindex=pos + 2>
                                            <td title=title>{name}</td>
                                            <td>{svm}</td>
                                            <td title=why_title>{why}</td>
                                        </tr>
                                    })
                                } />
                        </details>
                    </Show>
                    <Show when=move || n != 0>
                        <details class="bulk-list" id="review-changes" open=n <= 20>
                            <summary>{format!("Changes ({n})")}</summary>
                            <WindowedTable label="Accounts that will change" class="bulk-list-scroll"
                                columns=vec![("Account", "col-b-account"), ("SVM", "col-b-svm"), ("Now", "col-b-now"), ("After", "col-b-after")]
                                shown=changes_shown
                                render_row=move |pos, i| {
                                    let it = r.with_value(|r| r.items.get(i).cloned())?;
                                    let (title, now_title, after_title) = (it.name.clone(), it.now.clone(), it.after.clone());
                                    Some(view! {
                                        <tr aria-rowindex=pos + 2>
                                            <td title=title>{it.name}</td>
                                            <td>{it.svm}</td>
                                            <td title=now_title>{it.now}</td>
                                            <td title=after_title>{it.after}</td>
                                        </tr>
                                    })
                                } />
                        </details>
                    </Show>
                    <div class="confirm-buttons">
                        <button type="button" class="button button-primary" id="review-start" disabled=n == 0 on:click=start>
                            {format!("Change {n} accounts")}</button>
                        <button type="button" class="button" on:click=move |_| review.set(None)>"Cancel"</button>
                    </div>
                </section>
            }
        })}
        {move || running.get().map(|(c, runner)| {
            let only_problems = RwSignal::new(false);
            view! {
                <section class="acct-run" aria-label=format!("{} in progress", c.label())>
                    <h2>{c.label()}</h2>
                    <BulkProgress runner=runner noun="accounts" one="account" />
                    <div class="bulk-after">
                        <OnlyProblemsToggle id="acct-only-problems" value=only_problems />
                    </div>
                    <ResultTable runner=runner label="Result per account" only_problems=only_problems
                        name=|it: &BulkItem| (it.name.clone(), it.svm.clone()) />
                </section>
            }
        })}
        <p class="muted table-summary" aria-live="polite">
            {move || {
                let shown = visible.with(Vec::len);
                let all = store.account_rows.with(Vec::len);
                if shown == all { format!("{all} accounts") } else { format!("{shown} of {all} accounts match") }
            }}
        </p>
        <div class="table-scroll" node_ref=scroller on:scroll=on_scroll>
            <table class="table table-fixed accounts-table" aria-rowcount=move || visible.with(Vec::len) + 1>
                <thead>
                    <tr aria-rowindex="1">
                        <th scope="col" class="col-select"><span class="visually-hidden">"Select"</span></th>
                        {SortKey::ALL.into_iter().map(|k| view! {
                            <th scope="col" class=format!("col-acct-{}", k.slug())
                                aria-sort=move || view_state.with(|v| if v.common.sort != k { "none" } else if v.common.desc { "descending" } else { "ascending" })>
                                <button type="button" class="sort" on:click=move |_| sort_by.run(k)>
                                    {k.label()}
                                    <span class="sort-mark" aria-hidden="true">
                                        {move || view_state.with(|v| if v.common.sort != k { "" } else if v.common.desc { " ▼" } else { " ▲" })}
                                    </span>
                                </button>
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true" style:height=move || format!("{}px", window.get().0 as f64 * ROW_HEIGHT)></tr>
                    <For
                        each=move || {
                            let (a, b) = window.get();
                            // The row's state is part of the key, so a changed account is drawn again.
                            visible.with(|v| store.account_rows.with(|rows| (a..b).map(|pos| {
                                let i = v[pos];
                                let stamp = rows.get(i).map(|r| format!("{}|{}|{}", r.totp.slug(), r.locked, r.ssh_with_second())).unwrap_or_default();
                                (pos, i, stamp)
                            }).collect::<Vec<_>>()))
                        }
                        key=|(pos, i, stamp)| (*pos, *i, stamp.clone())
                        children=move |(pos, i, _)| {
                            let row = store.account_rows.with_untracked(|r| r.get(i).cloned());
                            row.map(|r| {
                                let id = (r.owner_uuid.clone(), r.name.clone());
                                let id2 = id.clone();
                                let cb = format!("sel-{pos}");
                                let status_class = format!("badge badge-acct-{}", r.totp.slug());
                                let data_name = r.name.clone();
                                let ssh_text = r.ssh_with_second();
                                let href = account_href(&r.owner_uuid, &r.name);
                                let name = r.name.clone();
                                view! {
                                    <tr data-row=pos aria-rowindex=pos + 2 data-account=data_name
                                        class:row-attention=r.locked || r.totp == TotpState::NotEnrolled>
                                        <td class="col-select">
                                            <input type="checkbox" id=cb.clone() disabled=!may_modify
                                                aria-label=format!("Select {} ({})", r.name, r.svm)
                                                prop:checked=move || selected.with(|s| s.contains(&id))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    let id = id2.clone();
                                                    selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                                } />
                                        </td>
                                        <th scope="row" class="col-acct-name"><EncodedLink href=href>{name}</EncodedLink></th>
                                        <td class="col-acct-svm">{r.svm.clone()}</td>
                                        <td class="col-acct-role">{r.role.clone()}</td>
                                        <td class="col-acct-locked">{if r.locked { view! { <span class="badge badge-acct-locked">"Locked"</span> }.into_any() } else { view! { <span class="muted">"No"</span> }.into_any() }}</td>
                                        <td class="col-acct-ssh">{ssh_text}</td>
                                        <td class="col-acct-totp"><span class=status_class>{r.totp.label()}</span></td>
                                    </tr>
                                }
                            })
                        }
                    />
                    <tr class="spacer" aria-hidden="true" style:height=move || {
                        let n = visible.with(Vec::len);
                        format!("{}px", n.saturating_sub(window.get().1) as f64 * ROW_HEIGHT)
                    }></tr>
                </tbody>
            </table>
            <Show when=move || store.accounts_load() == Load::Done && visible.with(Vec::is_empty)>
                <p class="empty">{move || if store.account_rows.with(Vec::is_empty) { "No accounts are visible to this session." } else { "No account matches these filters." }}</p>
            </Show>
        </div>
    }
}
