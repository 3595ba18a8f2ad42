//! A run's results: the bulk runner's progress panel (counts, cancel, retry of the failed
//! and not sent), one row per write with its cluster, and the rows left alone; the CSV of
//! both. A row kept from the network by a gateway that refused an earlier write says so.

use leptos::prelude::*;

use super::{name_or_dash, skip_words};
use crate::api::gateway::Writes;
use crate::components::batch::{
    detail, outcome_class, result_rows, BulkProgress, OnlyProblemsToggle,
};
use crate::components::{download, headings, VirtualTable};
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

/// The columns of a run's result list.
const RESULT_COLUMNS: [(&str, &str); 6] = [
    ("Cluster", "col-o-cluster"),
    ("SVM", "col-o-svm"),
    ("Account", "col-o-account"),
    ("Outcome", "col-o-outcome"),
    ("Code", "col-o-code"),
    ("Message", "col-o-message"),
];

/// The columns of the rows left alone.
const LEFT_COLUMNS: [(&str, &str); 5] = [
    ("Cluster", "col-o-cluster"),
    ("SVM", "col-o-svm"),
    ("Account", "col-o-account"),
    ("Why", "col-o-outcome"),
    ("Detail", "col-o-detail"),
];

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
    let only_problems = RwSignal::new(false);
    // One row of the windowed list: item `i` at position `pos`.
    let row = move |pos: usize, i: usize| {
        let it = items.with_value(|its| its.get(i).cloned())?;
        let st = runner.rows.with_value(|r| r.get(i).copied())?;
        let it2 = it.clone();
        let words = move || st.with(|s| message(&it2, s));
        let f = &it.found;
        let (cluster, svm, account) = (
            crate::text::name(&it.cluster),
            crate::text::name(&f.svm),
            crate::text::name(&f.account),
        );
        Some(view! {
            <tr class="bulk-row offboard-row" aria-rowindex=pos + 2 data-key=it.key()
                data-cluster=it.cluster.clone() data-account=f.account.clone()
                data-outcome=move || st.with(|s| s.outcome())>
                <td title=cluster.clone()>{cluster.clone()}</td>
                <td title=svm.clone()>{svm.clone()}</td>
                <td title=account.clone()>{account.clone()}</td>
                <td><span class=move || format!("badge bulk-{}", st.with(outcome_class))>{move || st.with(|s| s.outcome())}</span></td>
                <td class="mono">{move || st.with(|s| s.code().unwrap_or_default())}</td>
                <td title=words.clone()>{words.clone()}</td>
            </tr>
        })
    };
    let left = StoredValue::new(run.left.get_value());
    let n_left = left.with_value(Vec::len);
    let left_row = move |pos: usize, i: usize| {
        let (cluster, uuid, l) = left.with_value(|v| v.get(i).cloned())?;
        let words = skip_words(&l.skip);
        Some(view! {
            <tr class="offboard-left" aria-rowindex=pos + 2 data-cluster=cluster.clone() data-cluster-uuid=uuid data-skip=l.skip.short()>
                <td title=crate::text::name(&cluster)>{crate::text::name(&cluster)}</td>
                <td>{name_or_dash(&l.svm)}</td>
                <td title=name_or_dash(&l.account)>{name_or_dash(&l.account)}</td>
                <td><span class="badge state-idle">{l.skip.short()}</span></td>
                <td title=words.clone()>{words.clone()}</td>
            </tr>
        })
    };
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
                <OnlyProblemsToggle id="offboard-only-problems" value=only_problems />
                <Show when=move || elapsed().is_some()>
                    <p class="muted offboard-elapsed">{move || elapsed().map(|ms| format!("Find to last result: {:.1} s", ms / 1000.0))}</p>
                </Show>
            </div>
            <VirtualTable label="Results per row" class="bulk-window bulk-results-scroll offboard-window"
                table_class="offboard-results-table" overscan=10 visible_rows=12
                head=|| headings(&RESULT_COLUMNS)
                shown=result_rows(runner, only_problems.into())
                render_row=row />
            <Show when=move || n_left != 0>
            <details class="offboard-left-alone">
                <summary>{format!("Left alone: {n_left}")}</summary>
                <VirtualTable label="Rows left alone" class="bulk-window bulk-list-scroll offboard-window"
                    table_class="offboard-table" overscan=10 visible_rows=12
                    head=|| headings(&LEFT_COLUMNS)
                    shown=Signal::stored((0..n_left).collect::<Vec<usize>>())
                    render_row=left_row />
            </details>
            </Show>
        </section>
    }
}
