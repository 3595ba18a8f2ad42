//! A run's results: the bulk runner's progress panel (counts, cancel, retry of the failed
//! and not sent), one row per write with its cluster, and the rows left alone; the CSV of
//! both. A row kept from the network by a gateway that refused an earlier write says so.

use leptos::prelude::*;

use super::skip_words;
use crate::api::gateway::Writes;
use crate::components::batch::{detail, outcome_class, BulkProgress};
use crate::components::download;
use crate::store::batch::{Phase, RowState};
use crate::store::fleet_batch::{FleetRun, Item, OffboardState};
use crate::tables::csv::csv_cell;

/// What a row's message says: the runner's words, and for a row not sent, why.
fn message(it: &Item, st: &RowState) -> String {
    match st {
        RowState::NotSent => match it.member.gateway_writes_untracked() {
            Some(Writes::Refused { said }) => {
                let x = crate::components::explain::gateway_write_refused(false, &said);
                format!("{} {}", x.message, x.next_step)
            }
            _ => "Not sent: the run was stopped before this write.".into(),
        },
        st => detail(st),
    }
}

/// The CSV of a run: every write and every row left alone, keyed by cluster UUID, owner UUID
/// and account name (cells neutralised as every export of the page).
pub(super) fn result_csv(run: FleetRun) -> String {
    let mut out = String::from(
        "cluster,cluster_uuid,svm,owner_uuid,account,action,outcome,error_code,message,time\r\n",
    );
    let action = run.action.name();
    let mut line = |cells: [&str; 10]| {
        let v: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&v.join(","));
        out.push_str("\r\n");
    };
    for (i, it) in run.runner.items().iter().enumerate() {
        let st = run.runner.row(i).unwrap_or(RowState::Queued);
        let f = &it.found;
        line([
            &it.cluster,
            &it.cluster_uuid,
            &f.svm,
            &f.owner_uuid,
            &f.account,
            action,
            st.outcome(),
            &st.code().unwrap_or_default(),
            &message(it, &st),
            st.at(),
        ]);
    }
    for (cluster, uuid, l) in run.left.get_value() {
        line([
            &cluster,
            &uuid,
            &l.svm,
            &l.owner_uuid,
            &l.account,
            action,
            "skipped",
            l.skip.short(),
            &skip_words(&l.skip),
            "",
        ]);
    }
    out
}

#[component]
pub(super) fn OffboardResults(run: FleetRun) -> impl IntoView {
    let state = OffboardState::use_ctx();
    let runner = run.runner;
    let items = StoredValue::new_local(runner.items());
    let finished = move || runner.phase.get() == Phase::Finished;
    // From Find to the last result (`performance.now()`): the bench's figure.
    let elapsed = move || {
        runner.last_ms.get();
        let ms = runner.last_ms.get_untracked() - run.find_ms;
        (finished() && ms > 0.0).then(|| ms.round())
    };
    let rows = move || {
        items.with_value(|its| {
            its.iter()
                .enumerate()
                .map(|(i, it)| {
                    let st = runner.rows.with_value(|r| r.get(i).copied());
                    let Some(st) = st else {
                        return None;
                    };
                    let it2 = it.clone();
                    let words = move || st.with(|s| message(&it2, s));
                    let f = &it.found;
                    Some(view! {
                        <tr class="bulk-row offboard-row" data-key=it.key() data-cluster=it.cluster.clone()
                            data-account=f.account.clone()
                            data-outcome=move || st.with(|s| s.outcome())>
                            <td>{crate::text::name(&it.cluster)}</td>
                            <td>{crate::text::name(&f.svm)}</td>
                            <td>{crate::text::name(&f.account)}</td>
                            <td><span class=move || format!("badge bulk-{}", st.with(outcome_class))>{move || st.with(|s| s.outcome())}</span></td>
                            <td class="mono">{move || st.with(|s| s.code().unwrap_or_default())}</td>
                            <td>{words}</td>
                        </tr>
                    })
                })
                .collect_view()
        })
    };
    let left = run
        .left
        .get_value()
        .into_iter()
        .map(|(cluster, uuid, l)| {
            view! {
                <tr class="offboard-left" data-cluster=cluster.clone() data-cluster-uuid=uuid data-skip=l.skip.short()>
                    <td>{crate::text::name(&cluster)}</td>
                    <td>{if l.svm.is_empty() { "—".to_owned() } else { crate::text::name(&l.svm) }}</td>
                    <td>{if l.account.is_empty() { "—".to_owned() } else { crate::text::name(&l.account) }}</td>
                    <td><span class="badge state-idle">{l.skip.short()}</span></td>
                    <td>{skip_words(&l.skip)}</td>
                </tr>
            }
        })
        .collect_view();
    let csv = move |_| {
        download(
            "offboarding-results.csv",
            "text/csv;charset=utf-8",
            &result_csv(run),
        );
    };
    let again = move |_| state.clear();
    view! {
        <section class="offboard-results" aria-labelledby="offboard-results-title"
            data-elapsed-ms=move || elapsed().map(|m| m.to_string())>
            <h2 id="offboard-results-title">{format!("Results: {}", run.action.label())}</h2>
            <BulkProgress runner noun=run.action.noun() one=run.action.one() />
            <div class="offboard-tools">
                <button type="button" class="button" on:click=csv>"Download results (CSV)"</button>
                <Show when=finished>
                    <button type="button" class="button button-quiet" on:click=again>"Offboard someone else"</button>
                </Show>
                <Show when=move || elapsed().is_some()>
                    <p class="muted offboard-elapsed">{move || elapsed().map(|ms| format!("Find to last result: {:.1} s", ms / 1000.0))}</p>
                </Show>
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Results per row">
            <table class="table offboard-table offboard-results-table">
                <caption class="visually-hidden">"One row per change sent, with its cluster"</caption>
                <thead><tr>
                    <th scope="col">"Cluster"</th>
                    <th scope="col">"SVM"</th>
                    <th scope="col">"Account"</th>
                    <th scope="col">"Outcome"</th>
                    <th scope="col">"Code"</th>
                    <th scope="col">"Message"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
            <details class="offboard-left-alone">
                <summary>{format!("Left alone: {}", run.left.with_value(Vec::len))}</summary>
                <table class="table offboard-table">
                    <thead><tr>
                        <th scope="col">"Cluster"</th>
                        <th scope="col">"SVM"</th>
                        <th scope="col">"Account"</th>
                        <th scope="col">"Why"</th>
                        <th scope="col">"Detail"</th>
                    </tr></thead>
                    <tbody>{left}</tbody>
                </table>
            </details>
        </section>
    }
}
