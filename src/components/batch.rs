//! The progress panel of a bulk run: the bar, done / failed / remaining, rate and time left,
//! the in-flight limit, Cancel, Retry failed, and the final report. The same for any item.

use leptos::prelude::*;

use super::explain::Explained;
use super::virtual_table::{headings, VirtualTable};
use crate::store::batch::{
    BusyNote, FailKind, Phase, RowState, Runner, Stopped, Tally, MAX_IN_FLIGHT, MAX_THROTTLED,
};
use crate::tables::csv::csv_cell;
use crate::text::{count, number};

/// The change log's word for a settled item (`None` while running, or never sent).
pub(crate) fn log_outcome(st: &RowState) -> Option<crate::store::changelog::Outcome> {
    use crate::store::batch::FailKind;
    use crate::store::changelog::Outcome;
    Some(match st {
        RowState::Done {
            by_check: false, ..
        } => Outcome::Saved,
        RowState::Done { by_check: true, .. } => Outcome::UnknownConfirmed,
        RowState::Failed {
            kind: FailKind::NotApplied,
            ..
        } => Outcome::UnknownNotApplied,
        RowState::Failed {
            kind: FailKind::Unconfirmed,
            ..
        } => Outcome::Unknown,
        st @ RowState::Failed { .. } => Outcome::Failed(detail(st)),
        _ => return None,
    })
}

/// What to show next to a row's outcome: the error in words, or how a done item was confirmed.
pub fn detail(s: &RowState) -> String {
    match s {
        RowState::Done { by_check: true, .. } => {
            "The answer was lost; a re-read showed the change is there.".into()
        }
        RowState::Failed { kind, error, .. } => {
            let m = Explained::from(error).message;
            match kind {
                FailKind::Refused => m,
                FailKind::Busy => {
                    format!("{m} Still refused as busy after {MAX_THROTTLED} tries; not applied.")
                }
                FailKind::Unconfirmed => format!(
                    "The answer was lost and re-reading failed too ({m}). The change may or may not be there; a retry re-reads first."
                ),
                FailKind::NotApplied => format!(
                    "{m} A re-read shows the change is not on the cluster; it was not sent again."
                ),
            }
        }
        RowState::Throttled { times } => format!("Refused as busy {times}×; will retry."),
        RowState::Sending | RowState::Checking => {
            "Sent; no answer yet. Until one arrives (or a re-read settles it), the change may or may not be there.".into()
        }
        _ => String::new(),
    }
}

/// The status line while the runner slows down for a busy cluster.
pub(crate) fn busy_words(n: &BusyNote) -> String {
    format!(
        "The cluster is busy (HTTP {}): nothing was applied for those rows. Slowing down to {} in flight and pausing {:.1} s; they will be sent again.",
        n.status,
        n.allowed,
        n.pause_ms / 1000.0
    )
}

/// Why a run stopped by itself, and what to do.
pub(crate) fn stopped_words(s: Stopped) -> &'static str {
    match s {
        Stopped::CredentialsRefused => "The cluster stopped accepting the credentials, so the run stopped. Sign in again, then retry the failed and not-sent rows.",
        Stopped::SessionEnded => "The session ended, so the run stopped: nothing more was sent.",
    }
}

/// "12 s", "3 min 5 s".
pub(crate) fn duration_words(secs: f64) -> String {
    let s = secs.round().max(0.0) as u64;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// How often the progress panel is redrawn while a run goes on.
const UI_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

#[component]
pub(crate) fn BulkProgress<T: Clone + 'static>(
    runner: Runner<T>,
    /// What the items are, plural: "profiles", "accounts".
    noun: &'static str,
    /// The same, singular: "profile", "account".
    one: &'static str,
) -> impl IntoView {
    let phase = runner.phase;
    // The panel shows the runner's counts at most every UI_EVERY while running (and at once
    // when the run finishes or is cancelled): re-rendering it on every result made the page
    // paint a frame per PATCH, which cost more main-thread time than the request itself and
    // slowed the run down at 4 to 6 in flight.
    let tick = RwSignal::new(0_u64);
    let flush_pending = StoredValue::new(false);
    Effect::new(move |_| {
        runner.tally.track();
        runner.last_ms.track();
        if phase.get() != Phase::Running {
            tick.update(|n| *n += 1);
            return;
        }
        if flush_pending.get_value() {
            return;
        }
        flush_pending.set_value(true);
        set_timeout(
            move || {
                flush_pending.try_set_value(false);
                tick.try_update(|n| *n += 1);
            },
            UI_EVERY,
        );
    });
    let tally = Signal::derive(move || {
        tick.track();
        runner.tally.get_untracked()
    });
    let summary = move || {
        let t = tally.get();
        format!(
            "{} done · {} failed · {} remaining",
            number(t.done),
            number(t.failed),
            number(t.remaining())
        )
    };
    let rate = move || {
        tick.track();
        let r = untrack(|| runner.rate())?;
        let eta = untrack(|| runner.eta_secs()).filter(|_| phase.get() == Phase::Running);
        Some(match eta {
            Some(e) if tally.with(|t| t.remaining()) > 0 => {
                format!("{:.0} per second · about {} left", r, duration_words(e))
            }
            _ => format!("{r:.0} per second"),
        })
    };
    let report = move || {
        if phase.get() != Phase::Finished {
            return None;
        }
        let t = tally.get();
        let were = |n: usize| if n == 1 { "was" } else { "were" };
        let text = if t.not_sent > 0 {
            format!(
                "Stopped. {} of {} {} sent ({} done, {} failed); {} {} not sent.",
                number(t.sent),
                count(t.total, one, noun),
                were(t.total),
                number(t.done),
                number(t.failed),
                number(t.not_sent),
                were(t.not_sent)
            )
        } else if t.failed > 0 {
            format!(
                "Finished: {} done, {} failed.",
                number(t.done),
                number(t.failed)
            )
        } else if t.done == 1 {
            format!("Finished: 1 {one} done.")
        } else {
            format!("Finished: all {} {noun} done.", number(t.done))
        };
        Some(view! { <p class="bulk-report" role="status">{text}</p> })
    };
    let again = runner.retryable;
    let retryable = move || phase.get() == Phase::Finished && again.with(|(f, n)| f + n) > 0;
    view! {
        <section class="bulk-progress" aria-label="Progress"
            data-done=move || tally.with(|t| t.done)
            data-failed=move || tally.with(|t| t.failed)
            data-not-sent=move || tally.with(|t| t.not_sent)
            data-phase=move || format!("{:?}", phase.get()).to_lowercase()
            data-elapsed-ms=move || {
                tick.track();
                untrack(|| runner.elapsed_ms()).round()
            }
        >
            <div class="bulk-bar">
                <label for="bulk-bar">{summary}</label>
                <progress id="bulk-bar"
                    max=move || tally.with(|t| t.total.max(1)) as f64
                    value=move || tally.with(|t| t.done + t.failed + t.not_sent) as f64
                >{summary}</progress>
            </div>
            <p class="bulk-rate muted" aria-live="off">
                {move || rate().unwrap_or_default()}
                {move || {
                    let t = tally.get();
                    (t.in_flight > 0).then(|| format!(" · {} in flight", number(t.in_flight)))
                }}
            </p>
            {move || runner.note.get().map(|n| view! { <p class="bulk-note">{busy_words(&n)}</p> })}
            {move || runner.stopped_because.get().map(|n| view! { <p class="bulk-stopped" role="alert">{stopped_words(n)}</p> })}
            {report}
            <div class="bulk-controls">
                // The limit matters while requests go out: during the run, and for a retry.
                <Show when=move || matches!(phase.get(), Phase::Running | Phase::Cancelling) || retryable()>
                <div class="bulk-limit">
                    <label for="bulk-limit">"Requests in flight"</label>
                    <select id="bulk-limit" on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                            runner.set_limit(n);
                        }
                    }>
                        {(1..=MAX_IN_FLIGHT).map(|n| view! {
                            <option value=n.to_string() selected=move || runner.limit.get() == n>{n}</option>
                        }).collect_view()}
                    </select>
                </div>
                </Show>
                <Show when=move || matches!(phase.get(), Phase::Running | Phase::Cancelling)>
                    <button type="button" class="button"
                        disabled=move || phase.get() == Phase::Cancelling
                        on:click=move |_| runner.cancel()>
                        {move || if phase.get() == Phase::Cancelling { "Cancelling…" } else { "Cancel" }}
                    </button>
                </Show>
                <Show when=retryable>
                    <button type="button" class="button button-primary" on:click=move |_| runner.retry_failed()>
                        {move || {
                            match again.get() {
                                (f, 0) => format!("Retry the {} failed", number(f)),
                                (0, n) => format!("Send the {} not sent", number(n)),
                                (f, n) => format!("Retry the {} failed and {} not sent", number(f), number(n)),
                            }
                        }}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// The items a run's result list shows, in order: all of them, or only the failed and not sent
/// when `only_problems` (read again as rows settle, so a retried row leaves the list).
pub fn result_rows<T: 'static>(runner: Runner<T>, only_problems: Signal<bool>) -> Memo<Vec<usize>> {
    Memo::new(move |_| {
        if only_problems.get() {
            runner.rows.with_value(|rows| {
                rows.iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        r.with(|s| matches!(s, RowState::Failed { .. } | RowState::NotSent))
                    })
                    .map(|(i, _)| i)
                    .collect()
            })
        } else {
            (0..runner.rows.with_value(Vec::len)).collect()
        }
    })
}

/// The badge class of an outcome (`bulk-done`, ... in style/bulk.css).
pub fn outcome_class(s: &RowState) -> &'static str {
    match s {
        RowState::Done { .. } => "done",
        RowState::Failed { .. } => "failed",
        RowState::NotSent => "not-sent",
        _ => "pending",
    }
}

/// One row of a run's result list in a [`VirtualTable`] with the columns Account, SVM,
/// Outcome, Code and Message (`col-b-*`): the same for profiles and accounts, so a run reads
/// alike on both pages (and tests find `tr.bulk-row[data-account][data-outcome]` on both).
#[component]
pub(crate) fn ResultRow(
    /// Position in the list shown (its `aria-rowindex` is this + 2).
    pos: usize,
    account: String,
    svm: String,
    /// The item's state in the runner.
    state: RwSignal<RowState>,
) -> impl IntoView {
    let words = move || state.with(detail);
    // data-account keeps the name as it is (tests find rows by it); the cells show it.
    let (data_account, account, svm) = (
        account.clone(),
        crate::text::name(&account),
        crate::text::name(&svm),
    );
    let title = account.clone();
    view! {
        <tr class="bulk-row" aria-rowindex=pos + 2 data-account=data_account
            data-outcome=move || state.with(|s| s.outcome())>
            <td title=title>{account}</td>
            <td>{svm}</td>
            <td><span class=move || format!("badge bulk-{}", state.with(outcome_class))>{move || state.with(|s| s.outcome())}</span></td>
            <td class="mono">{move || state.with(|s| s.code().unwrap_or_default())}</td>
            <td title=words>{words}</td>
        </tr>
    }
}

/// The columns of a run's result list, for [`ResultRow`].
pub(crate) const RESULT_COLUMNS: [(&str, &str); 5] = [
    ("Account", "col-b-account"),
    ("SVM", "col-b-svm"),
    ("Outcome", "col-b-outcome"),
    ("Code", "col-b-code"),
    ("Message", "col-b-message"),
];

/// A run's result per item, shared by the profiles' and the accounts' bulk pages: a
/// [`VirtualTable`] of [`ResultRow`]s, all items or, while `only_problems` is set (see
/// [`OnlyProblemsToggle`]), the failed and not sent ones. `name` gives an item's account and SVM.
#[component]
pub(crate) fn ResultTable<T, N>(
    runner: Runner<T>,
    /// The list's accessible name.
    label: &'static str,
    only_problems: RwSignal<bool>,
    name: N,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    N: Fn(&T) -> (String, String) + Clone + Send + Sync + 'static,
{
    let items = StoredValue::new(runner.items());
    // The run's report outlives the session (the sign-in screen offers it): written as this
    // table reads, unless the page said how it writes its own.
    if !runner.has_report() {
        let name = name.clone();
        runner.set_report(
            label.to_owned(),
            std::rc::Rc::new(move || result_csv(runner, &name)),
        );
    }
    view! {
        <VirtualTable label=label class="bulk-window bulk-results-scroll" overscan=10 visible_rows=12
            head=|| headings(&RESULT_COLUMNS)
            shown=result_rows(runner, only_problems.into())
            render_row=move |pos, i| {
                let (account, svm) = items.with_value(|its| its.get(i).map(&name))?;
                let state = runner.rows.with_value(|rows| rows.get(i).copied())?;
                Some(view! { <ResultRow pos=pos account=account svm=svm state=state /> })
            } />
    }
}

/// Asks before an explicit sign-out while a bulk run is still sending (the sign-out stops it;
/// its report stays downloadable); true when there is none, or the user said yes.
pub(crate) fn confirm_sign_out(session: &crate::session::SessionCtx) -> bool {
    if session.stakes().runs == 0 {
        return true;
    }
    web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(
                "A bulk run is still sending. Sign out now? The run stops: nothing more is sent, \
                 and its report stays downloadable on the sign-in screen.",
            )
            .ok()
        })
        .unwrap_or(true)
}

/// A run's counts in one sentence, for its report once the session ended.
pub(crate) fn report_words(t: &Tally) -> String {
    let in_flight = t.remaining();
    let mut s = format!(
        "{} done, {} failed, {} not sent",
        number(t.done),
        number(t.failed),
        number(t.not_sent)
    );
    if in_flight > 0 {
        s.push_str(&format!(
            ", {} sent with no answer yet (re-read them to know)",
            number(in_flight)
        ));
    }
    s.push('.');
    s
}

/// A run's result as CSV, the columns of [`ResultTable`] and the time: account, SVM,
/// outcome, error code, message, time (cells neutralised as every export of the page).
pub(crate) fn result_csv<T: Clone + 'static>(
    runner: Runner<T>,
    name: &dyn Fn(&T) -> (String, String),
) -> String {
    let mut out = String::from("account,svm,outcome,error_code,message,time\r\n");
    for (i, it) in runner.items().iter().enumerate() {
        let st = runner.row(i).unwrap_or(RowState::Queued);
        let (account, svm) = name(it);
        let (code, words) = (st.code().unwrap_or_default(), detail(&st));
        let cells = [
            account.as_str(),
            svm.as_str(),
            st.outcome(),
            &code,
            &words,
            st.at(),
        ];
        let v: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&v.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The checkbox that narrows a [`ResultTable`] to the failed and not sent items.
#[component]
pub(crate) fn OnlyProblemsToggle(
    /// The checkbox's element id.
    id: &'static str,
    value: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input type="checkbox" id=id
                prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev)) />
            <label for=id>"Show only failed and not sent"</label>
        </div>
    }
}
