//! The progress panel of a bulk run: the bar, done / failed / remaining, rate and time left,
//! the in-flight limit, Cancel, Retry failed, and the final report. The same for any item.

use leptos::prelude::*;

use super::runner::{Phase, Runner, MAX_IN_FLIGHT};

/// "12 s", "3 min 5 s".
pub fn duration_words(secs: f64) -> String {
    let s = secs.round().max(0.0) as u64;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

#[component]
pub fn BulkProgress<T: Clone + 'static>(
    runner: Runner<T>,
    /// What the items are, plural: "profiles", "accounts".
    #[prop(into)]
    noun: String,
) -> impl IntoView {
    let tally = runner.tally;
    let phase = runner.phase;
    let noun = StoredValue::new(noun);
    let summary = move || {
        let t = tally.get();
        format!(
            "{} done · {} failed · {} remaining",
            t.done,
            t.failed,
            t.remaining()
        )
    };
    let rate = move || {
        let r = runner.rate()?;
        let eta = runner.eta_secs().filter(|_| phase.get() == Phase::Running);
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
        let n = noun.get_value();
        let text = if t.not_sent > 0 {
            format!(
                "Stopped. {} of {} {n} were sent ({} done, {} failed); {} were not sent.",
                t.sent, t.total, t.done, t.failed, t.not_sent
            )
        } else if t.failed > 0 {
            format!("Finished: {} done, {} failed.", t.done, t.failed)
        } else {
            format!("Finished: all {} {n} done.", t.done)
        };
        Some(view! { <p class="bulk-report" role="status">{text}</p> })
    };
    let retryable =
        move || phase.get() == Phase::Finished && tally.with(|t| t.failed + t.not_sent) > 0;
    view! {
        <section class="bulk-progress" aria-label="Progress"
            data-done=move || tally.with(|t| t.done)
            data-failed=move || tally.with(|t| t.failed)
            data-not-sent=move || tally.with(|t| t.not_sent)
            data-phase=move || format!("{:?}", phase.get()).to_lowercase()
            data-elapsed-ms=move || runner.elapsed_ms().round()
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
                    (t.in_flight > 0).then(|| format!(" · {} in flight", t.in_flight))
                }}
            </p>
            {move || runner.note.get().map(|n| view! { <p class="bulk-note">{n}</p> })}
            {move || runner.stopped_because.get().map(|n| view! { <p class="bulk-stopped" role="alert">{n}</p> })}
            {report}
            <div class="bulk-controls">
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
                            let t = tally.get();
                            match (t.failed, t.not_sent) {
                                (f, 0) => format!("Retry the {f} failed"),
                                (0, n) => format!("Send the {n} not sent"),
                                (f, n) => format!("Retry the {f} failed and {n} not sent"),
                            }
                        }}
                    </button>
                </Show>
            </div>
        </section>
    }
}
