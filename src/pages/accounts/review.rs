//! A bulk change of accounts: the selection bar (select the shown, clear, the three changes),
//! the review (what changes, what is skipped and why), and the run with its per-account
//! results, by the shared bulk runner ([`crate::store::batch`]).

use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;
use ontap_model::account_change::AccountChange;

use super::state::Accounts;
use crate::api::accounts;
use crate::components::batch::{log_outcome, BulkProgress, OnlyProblemsToggle, ResultTable};
use crate::components::{headings, VirtualTable};
use crate::store::batch::{Ops, Phase, RowState, Runner};
use crate::store::changelog::ChangeLog;
use crate::tables::accounts::{AccountRow, BulkItem, BulkReview};
use crate::text::number;

/// How many are selected, Select the shown, Clear selection, and a button per change.
#[component]
pub(crate) fn SelectionBar(a: Accounts) -> impl IntoView {
    let Accounts {
        store,
        visible,
        selected,
        review,
        running,
        may_modify,
        ..
    } = a;
    let open_review = move |c: AccountChange| {
        let sel = selected.get_untracked();
        let r = store.account_rows.with_untracked(|rows| {
            let chosen: Vec<&AccountRow> = rows
                .iter()
                .filter(|r| sel.contains(&(r.owner_uuid.clone(), r.name.clone())))
                .collect();
            BulkReview::of(c, &chosen)
        });
        review.set(Some(r));
    };
    view! {
        <Show when=move || may_modify>
            <div class="acct-selection" role="group" aria-label="Selected accounts">
                <span class="muted" id="selected-count">{move || format!("{} selected", number(selected.with(HashSet::len)))}</span>
                <button type="button" class="button" id="select-shown"
                    disabled=move || visible.with(Vec::is_empty)
                    on:click=move |_| {
                        let ids: Vec<(String, String)> = visible.with_untracked(|v| store.account_rows.with_untracked(|rows| v.iter().filter_map(|&i| rows.get(i)).map(|r| (r.owner_uuid.clone(), r.name.clone())).collect()));
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
    }
}

/// Starts the reviewed change: a runner owned by the shell, which re-reads each account just
/// before writing it back.
fn start_run(a: Accounts) {
    let Accounts {
        store,
        session,
        review,
        running,
        selected,
        ..
    } = a;
    let Some(r) = review.get_untracked() else {
        return;
    };
    let Some(change) = r.change else { return };
    let Some(client) = session.client() else {
        return;
    };
    let c1 = client.clone();
    let c2 = client;
    let log = ChangeLog::from_ctx();
    let user = crate::store::changelog::user_of(&session);
    let what = format!("{} (bulk change)", change.label().to_lowercase());
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
                    if let (Some(log), Some(outcome)) = (log, log_outcome(st)) {
                        let id = log.record(&user, &it.name, &it.svm, &what);
                        log.settle(id, outcome);
                    }
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
    // Under the shell, not the review panel its Start button is in (which closes when the
    // run starts) nor the page: leaving the page never stops a change halfway.
    let runner = crate::store::writes::under_shell(make);
    runner.start();
    running.set(Some((change, runner)));
    review.set(None);
    selected.set(HashSet::new());
}

/// The review of the chosen change: the skipped and the changing accounts, Start and Cancel.
#[component]
pub(crate) fn ReviewPanel(a: Accounts) -> impl IntoView {
    let review = a.review;
    let start = move |_| start_run(a);
    view! {
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
                <p id="review-summary">{format!("{} accounts will change; {} are skipped.", number(n), number(n_skipped))}
                    " Each account is read again just before its change, and its applications are written back as read with only the SSH second factor changed."</p>
                <Show when=move || n_skipped != 0>
                    <details class="bulk-list" id="review-skipped" open=true>
                        <summary>{format!("Skipped ({})", number(n_skipped))}</summary>
                        <VirtualTable overscan=10 visible_rows=12 label="Skipped accounts" class="bulk-window bulk-list-scroll"
                            head=|| headings(&[("Account", "col-b-account"), ("SVM", "col-b-svm"), ("Why", "col-b-why")])
                            shown=skipped_shown
                            render_row=move |pos, i| {
                                let (svm, name, why) = r.with_value(|r| r.skipped.get(i).map(|(s, n, w)| (crate::text::name(s), crate::text::name(n), w.to_string())))?;
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
                        <summary>{format!("Changes ({})", number(n))}</summary>
                        <VirtualTable overscan=10 visible_rows=12 label="Accounts that will change" class="bulk-window bulk-list-scroll"
                            head=|| headings(&[("Account", "col-b-account"), ("SVM", "col-b-svm"), ("Now", "col-b-now"), ("After", "col-b-after")])
                            shown=changes_shown
                            render_row=move |pos, i| {
                                let it = r.with_value(|r| r.items.get(i).cloned())?;
                                let (name, svm) = (crate::text::name(&it.name), crate::text::name(&it.svm));
                                let (title, now_title, after_title) = (name.clone(), it.now.clone(), it.after.clone());
                                Some(view! {
                                    <tr aria-rowindex=pos + 2>
                                        <td title=title>{name}</td>
                                        <td>{svm}</td>
                                        <td title=now_title>{it.now}</td>
                                        <td title=after_title>{it.after}</td>
                                    </tr>
                                })
                            } />
                    </details>
                </Show>
                <div class="confirm-buttons">
                    <button type="button" class="button button-primary" id="review-start" disabled=n == 0 on:click=start>
                        {format!("Change {} accounts", number(n))}</button>
                    <button type="button" class="button" on:click=move |_| review.set(None)>"Cancel"</button>
                </div>
            </section>
        }
    })}
    }
}

/// The run in progress or finished: its progress panel and the result per account.
#[component]
pub(crate) fn RunPanel(a: Accounts) -> impl IntoView {
    let running = a.running;
    view! {
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
    }
}
