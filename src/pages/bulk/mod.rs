//! Bulk changes to the selected profiles (`/profiles/bulk`): choose the action (disable,
//! enable, set, append or clear the comment), review exactly what changes and what is skipped
//! and why (with the clustershell commands, copyable), then run the PATCHes through the bulk
//! runner ([`crate::store::batch`]) with per-row results, a CSV of the result, entries in the session's
//! change log, and the table updated as rows finish.
//!
//! The selection and the run live in [`BulkState`], provided by the page shell: the table is
//! windowed (only visible rows are in the DOM), so the selection cannot live in checkboxes, and
//! a run goes on (and is reported) when the user looks at the table meanwhile.

use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use ontap_model::bulk::{plan, Action, Plan, Planned, Skipped, Target};
use ontap_model::{Comment, Known, TotpKey, TotpPatch};

use crate::api::{totps, ApiError};
use crate::components::batch::{
    detail, log_outcome, BulkProgress, OnlyProblemsToggle, ResultTable,
};
use crate::components::CopyButton;
use crate::components::{headings, VirtualTable};
use crate::session::SessionCtx;
use crate::store::batch::{Ops, Phase, RowState, Runner};
use crate::store::changelog::ChangeLog;
use crate::store::selection::{target_of, BulkState, ProfileRun, RowId};
use crate::store::ProfileStore;
use crate::tables::csv::csv_cell;
use crate::text::{count, number};

/// The selected rows as planner targets, ordered by SVM then account.
fn selected_targets(store: ProfileStore, sel: &HashSet<RowId>) -> Vec<Target> {
    let mut t: Vec<Target> = store.rows.with(|rows| {
        rows.iter()
            .filter(|r| sel.contains(&(r.owner_uuid.clone(), r.account.clone())))
            .filter_map(target_of)
            .collect()
    });
    t.sort_by(|a, b| (&a.svm, &a.key.account).cmp(&(&b.svm, &b.key.account)));
    t
}

/// The choice in the form: which action, and the comment text for set and append.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Disable,
    Enable,
    Set,
    Append,
    Clear,
}

impl Choice {
    const ALL: [Choice; 5] = [
        Choice::Disable,
        Choice::Enable,
        Choice::Set,
        Choice::Append,
        Choice::Clear,
    ];
    fn label(self) -> &'static str {
        match self {
            Choice::Disable => "Disable (reset: the users must enroll again)",
            Choice::Enable => "Enable",
            Choice::Set => "Set the comment",
            Choice::Append => "Append to the comment",
            Choice::Clear => "Clear the comment",
        }
    }
    fn slug(self) -> &'static str {
        match self {
            Choice::Disable => "disable",
            Choice::Enable => "enable",
            Choice::Set => "set-comment",
            Choice::Append => "append-comment",
            Choice::Clear => "clear-comment",
        }
    }
    fn status(self) -> bool {
        matches!(self, Choice::Disable | Choice::Enable)
    }
    fn action(self, text: &str) -> Action {
        let c = Comment::try_from(text).unwrap_or_default();
        match self {
            Choice::Disable => Action::Disable,
            Choice::Enable => Action::Enable,
            Choice::Set => Action::SetComment(c),
            Choice::Append => Action::AppendComment(c),
            Choice::Clear => Action::ClearComment,
        }
    }
}

#[component]
pub(crate) fn BulkPage() -> impl IntoView {
    let bulk = BulkState::use_ctx();
    let store = ProfileStore::use_ctx();
    store.ensure_loaded();
    view! {
        {move || match bulk.run.get() {
            Some(run) => view! { <RunView run=run /> }.into_any(),
            None => view! { <SetupView /> }.into_any(),
        }}
    }
}

#[component]
fn SetupView() -> impl IntoView {
    let bulk = BulkState::use_ctx();
    // The table of the cluster in view (a fleet's cluster, or the single cluster).
    let profiles = StoredValue::new(crate::routes::Base::current().profiles());
    let store = ProfileStore::use_ctx();
    let session = SessionCtx::use_ctx();
    let may_status = session.can_change_status();
    let may_edit = session.can_edit();
    let choice = RwSignal::new(if may_status {
        Choice::Disable
    } else {
        Choice::Set
    });
    let text = RwSignal::new(String::new());
    let understood = RwSignal::new(false);
    let limit = RwSignal::new(crate::store::batch::DEFAULT_IN_FLIGHT);
    let targets = Memo::new(move |_| bulk.selected.with(|s| selected_targets(store, s)));
    let action = Memo::new(move |_| text.with(|t| choice.get().action(t)));
    let the_plan = Memo::new(move |_| targets.with(|t| plan(&action.get(), t)));
    let invalid = move || action.with(|a| a.invalid());
    let needs_text = move || matches!(choice.get(), Choice::Set | Choice::Append);
    let is_disable = move || choice.get() == Choice::Disable;
    let can_start = move || {
        may_edit
            && (may_status || !choice.get().status())
            && invalid().is_none()
            && the_plan.with(|p| !p.changes.is_empty())
            && (!is_disable() || understood.get())
    };

    let start = move |_| {
        // One run per review, whatever the clicks: a second click in the same moment finds
        // the run already made.
        if !can_start() || bulk.run.with_untracked(Option::is_some) {
            return;
        }
        let p = the_plan.get_untracked();
        let a = action.get_untracked();
        start_run(bulk, store, session, a, p, limit.get_untracked());
    };

    let script = Signal::derive(move || the_plan.with(Plan::cli_script));
    let changes_shown =
        Memo::new(move |_| (0..the_plan.with(|p| p.changes.len())).collect::<Vec<_>>());
    let skipped_shown =
        Memo::new(move |_| (0..the_plan.with(|p| p.skipped.len())).collect::<Vec<_>>());
    let caveats = move || {
        let mut v: Vec<&'static str> = the_plan.with(|p| {
            p.changes
                .iter()
                .filter_map(|c| c.cli.as_ref().ok())
                .flat_map(|c| c.caveats.iter().map(|k| k.message()))
                .collect()
        });
        v.sort();
        v.dedup();
        v
    };

    view! {
        <p class="back"><A href=move || profiles.get_value()>"← Back to the table (the selection is kept)"</A></p>
        <h1>{move || format!("Change {}", targets.with(|t| count(t.len(), "selected profile", "selected profiles")))}</h1>
        <Show when=move || targets.with(Vec::is_empty)>
            <p class="bulk-empty">
                "No profile is selected. Select rows in the " <A href=move || profiles.get_value()>"profile table"</A>
                " (a row's checkbox, Shift-click for a range, or \"Select all matching\"), then come back."
            </p>
        </Show>
        <Show when=move || !targets.with(Vec::is_empty)>
            <form class="bulk-form" on:submit=|ev| ev.prevent_default()>
                <fieldset class="bulk-actions">
                    <legend>"Change"</legend>
                    {Choice::ALL.into_iter().map(|c| {
                        let id = format!("bulk-action-{}", c.slug());
                        let locked = c.status() && !may_status;
                        view! {
                            <div class="radio">
                                <input type="radio" name="bulk-action" id=id.clone() value=c.slug()
                                    disabled=locked || !may_edit
                                    prop:checked=move || choice.get() == c
                                    on:change=move |_| choice.set(c) />
                                <label for=id>{c.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                    {(!may_status).then(|| view! {
                        <p class="note" id="bulk-status-locked">{session.status_reason()}</p>
                    })}
                    {(!may_edit).then(|| view! { <p class="note">{session.read_only_reason()}</p> })}
                </fieldset>
                <Show when=needs_text>
                    <div class="field" class:field-invalid=move || invalid().is_some()>
                        <label for="bulk-comment">
                            {move || if choice.get() == Choice::Append { "Text to append" } else { "New comment" }}
                        </label>
                        <input id="bulk-comment" type="text" autocomplete="off"
                            prop:value=move || text.get()
                            aria-invalid=move || if invalid().is_some() { "true" } else { "false" }
                            aria-describedby="bulk-comment-help"
                            on:input=move |ev| text.set(event_target_value(&ev)) />
                        <p class=move || if invalid().is_some() { "field-error" } else { "field-hint" } id="bulk-comment-help">
                            {move || invalid().map(str::to_owned).unwrap_or_else(|| {
                                if choice.get() == Choice::Append {
                                    format!("Added after the current comment, separated by \"{}\".", ontap_model::bulk::APPEND_SEPARATOR)
                                } else {
                                    "Replaces the current comment.".to_owned()
                                }
                            })}
                        </p>
                    </div>
                </Show>
            </form>
            <section class="bulk-review" aria-labelledby="bulk-review-title">
                <h2 id="bulk-review-title">"Review"</h2>
                <p class="bulk-review-summary">
                    {move || the_plan.with(|p| {
                        let a = action.get();
                        format!("{} will change ({}); {} will be skipped.", number(p.changes.len()), a.describe(), number(p.skipped.len()))
                    })}
                </p>
                <Show when=move || is_disable() && the_plan.with(|p| !p.changes.is_empty())>
                    <div class="notice notice-warn" role="note">
                        <p class="notice-title">"Disabling is a reset"</p>
                        <p>{move || format!(
                            "In ONTAP, disabling a TOTP profile resets it: {} then signs in to SSH with the first factor only, and must enroll again (create a new profile with a new authenticator) before SSH asks for a code again. Their current authenticator codes will not work again.",
                            match the_plan.with(|p| p.changes.len()) {
                                1 => "the user".to_owned(),
                                n => format!("each of these {} users", number(n)),
                            }
                        )}</p>
                        <div class="checkbox">
                            <input type="checkbox" id="bulk-understood"
                                prop:checked=move || understood.get()
                                on:change=move |ev| understood.set(event_target_checked(&ev)) />
                            <label for="bulk-understood">{move || if the_plan.with(|p| p.changes.len() == 1) {
                                "I understand that this user must enroll again"
                            } else {
                                "I understand that these users must enroll again"
                            }}</label>
                        </div>
                    </div>
                </Show>
                <Show when=move || the_plan.with(|p| !p.skipped.is_empty())>
                    <h3>"Skipped"</h3>
                    <ul class="bulk-skip-counts">
                        {move || the_plan.with(|p| p.skip_counts()).into_iter().map(|(r, n)| view! {
                            <li>{format!("{}: {}", count(n, "profile", "profiles"), r.message())}</li>
                        }).collect_view()}
                    </ul>
                    <details class="bulk-list">
                        <summary>{move || format!("The {}", the_plan.with(|p| count(p.skipped.len(), "skipped profile", "skipped profiles")))}</summary>
                        <VirtualTable overscan=10 visible_rows=12 label="Skipped profiles" class="bulk-window bulk-list-scroll"
                            head=|| headings(&[("Account", "col-b-account"), ("SVM", "col-b-svm"), ("Why", "col-b-why")])
                            shown=skipped_shown
                            render_row=move |pos, i| {
                                let cell = move |f: fn(&Skipped) -> String| move || the_plan.with(|p| p.skipped.get(i).map(f).unwrap_or_default());
                                let why = cell(|s| s.reason.message().to_owned());
                                view! {
                                    <tr aria-rowindex=pos + 2>
                                        <td title=cell(|s| crate::text::name(s.target.key.account.as_str()))>{cell(|s| crate::text::name(s.target.key.account.as_str()))}</td>
                                        <td>{cell(|s| crate::text::name(&s.target.svm))}</td>
                                        <td title=why>{why}</td>
                                    </tr>
                                }
                            } />
                    </details>
                </Show>
                <Show when=move || the_plan.with(|p| !p.changes.is_empty())>
                    <details class="bulk-list">
                        <summary>{move || format!("The {}", the_plan.with(|p| count(p.changes.len(), "change", "changes")))}</summary>
                        <VirtualTable overscan=10 visible_rows=12 label="Profiles that will change" class="bulk-window bulk-list-scroll"
                            head=|| headings(&[("Account", "col-b-account"), ("SVM", "col-b-svm"), ("Now", "col-b-now"), ("After", "col-b-after")])
                            shown=changes_shown
                            render_row=move |pos, i| {
                                let cell = move |f: fn(&Planned) -> String| move || the_plan.with(|p| p.changes.get(i).map(f).unwrap_or_default());
                                view! {
                                    <tr aria-rowindex=pos + 2>
                                        <td title=cell(|c| crate::text::name(c.target.key.account.as_str()))>{cell(|c| crate::text::name(c.target.key.account.as_str()))}</td>
                                        <td>{cell(|c| crate::text::name(&c.target.svm))}</td>
                                        <td title=cell(now_text)>{cell(now_text)}</td>
                                        <td title=cell(after_text)>{cell(after_text)}</td>
                                    </tr>
                                }
                            } />
                    </details>
                    <div class="bulk-cli">
                        <div class="bulk-cli-head">
                            <h3 id="bulk-cli-title">"The same change in the clustershell"</h3>
                            <CopyButton text=script label="Copy the commands" />
                        </div>
                        <pre class="code bulk-cli-text" tabindex="0" role="region" aria-labelledby="bulk-cli-title">{move || script.get()}</pre>
                        {move || caveats().into_iter().map(|m| view! { <p class="note">{m}</p> }).collect_view()}
                    </div>
                </Show>
                // Not while the action is incomplete (an empty comment): its field says what is missing.
                <Show when=move || invalid().is_none() && the_plan.with(|p| p.changes.is_empty() && !p.skipped.is_empty())>
                    <p class="note bulk-nothing">"Nothing to send: every selected profile is skipped, for the reasons above."</p>
                </Show>
                <Show when=move || invalid().is_some() || the_plan.with(|p| !p.changes.is_empty())>
                <div class="bulk-start">
                    <div class="bulk-limit">
                        <label for="bulk-limit-start">"Requests in flight"</label>
                        <select id="bulk-limit-start" aria-describedby="bulk-limit-hint" on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                limit.set(n);
                            }
                        }>
                            {(1..=crate::store::batch::MAX_IN_FLIGHT).map(|n| view! {
                                <option value=n.to_string() selected=move || limit.get() == n>{n}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-hint" id="bulk-limit-hint">"At most 6: browsers open at most 6 connections to one server. It can be changed while running; a busy cluster slows the run down by itself."</p>
                    </div>
                    <button type="button" class=move || if is_disable() { "button button-danger" } else { "button button-primary" }
                        disabled=move || !can_start()
                        on:click=start>
                        {move || {
                            let n = the_plan.with(|p| count(p.changes.len(), "profile", "profiles"));
                            match choice.get() {
                                Choice::Disable => format!("Disable {n}"),
                                Choice::Enable => format!("Enable {n}"),
                                _ => format!("Change the comment of {n}"),
                            }
                        }}
                    </button>
                </div>
                </Show>
            </section>
        </Show>
    }
}

fn status_word(e: Option<bool>) -> &'static str {
    match e {
        Some(true) => "enabled",
        Some(false) => "disabled",
        None => "status unknown",
    }
}

fn now_text(c: &Planned) -> String {
    if c.patch.enabled.is_some() {
        status_word(c.target.enabled).to_owned()
    } else {
        format!("\"{}\"", c.target.comment)
    }
}

fn after_text(c: &Planned) -> String {
    match (&c.patch.enabled, &c.patch.comment) {
        (Some(e), _) => status_word(Some(*e)).to_owned(),
        (None, Some(t)) => format!("\"{t}\""),
        (None, None) => String::new(),
    }
}

/// Starts a run of `p` under the shell's owner.
fn start_run(
    bulk: BulkState,
    store: ProfileStore,
    session: SessionCtx,
    action: Action,
    p: Plan,
    limit: usize,
) {
    let Some(client) = session.client() else {
        return;
    };
    let user = crate::store::changelog::user_of(&session);
    let log = ChangeLog::from_ctx();
    let what = format!("{} (bulk change)", action.describe());
    let c1 = client.clone();
    let apply = Rc::new(move |it: &Planned| {
        let c = c1.clone();
        let it = it.clone();
        Box::pin(async move {
            // Re-read just before writing: the change was computed from the reviewed values.
            let now = match totps::get_fields(&c, &it.target.key, totps::STATE_FIELDS).await {
                Ok(now) => now,
                // Nothing was sent: a failed read is not a lost write.
                Err(e) if e.outcome_unknown() => {
                    return Err(ApiError::NotSent(format!(
                        "the profile could not be read just before sending, to check that it did not change since the review ({}).",
                        crate::components::Explained::from(&e).message.trim_end_matches('.')
                    )))
                }
                Err(e) => return Err(e),
            };
            if it.is_applied(&now) {
                return Ok(());
            }
            let changed = it.changed_since_review(&now);
            if !changed.is_empty() {
                store.update_profile(&now);
                return Err(ApiError::NotSent(format!(
                    "the profile changed on the cluster since the review: {}. Nothing was sent, so that change is kept; the table now shows it. Select the profile again to review the change on its new values.",
                    changed.join(" and ")
                )));
            }
            totps::patch(&c, &it.target.key, &it.patch).await
        }) as crate::store::batch::BoxFut<Result<(), ApiError>>
    });
    let verify = Rc::new(move |it: &Planned| {
        let c = client.clone();
        let it = it.clone();
        Box::pin(async move {
            match totps::get(&c, &it.target.key).await {
                Ok(now) => Ok(it.is_applied(&now)),
                // A profile that is gone does not hold a new comment or an enable; after a
                // disable, ONTAP may hide the profile (one public report): that is the reset.
                Err(e) if e.known() == Some(Known::NotFound) => Ok(it.patch.enabled == Some(false)),
                Err(e) => Err(e),
            }
        }) as crate::store::batch::BoxFut<Result<bool, ApiError>>
    });
    let on_settle = Rc::new(move |it: &Planned, st: &RowState| {
        if let (Some(log), Some(outcome)) = (log, log_outcome(st)) {
            let id = log.record(&user, it.target.key.account.as_str(), &it.target.svm, &what);
            log.settle(id, outcome);
        }
        if matches!(st, RowState::Done { .. }) {
            queue_table_update(bulk, store, it.target.key.clone(), it.patch.clone());
        }
    });
    let ops = Ops {
        apply,
        verify,
        on_settle,
    };
    let owner = bulk.owner.get_value().and_then(|w| w.upgrade());
    let make = move || Runner::new(p.changes, ops);
    let runner = match owner {
        Some(o) => o.with(make),
        None => make(),
    };
    bulk.run.set(Some(ProfileRun {
        runner,
        action,
        skipped: p.skipped,
    }));
    runner
        .limit
        .set(limit.clamp(1, crate::store::batch::MAX_IN_FLIGHT));
    runner.start();
}

/// Puts a confirmed change in the table, a few at a time: one table update per 300 ms at most
/// instead of one per row.
fn queue_table_update(bulk: BulkState, store: ProfileStore, key: TotpKey, patch: TotpPatch) {
    let first = bulk
        .pending
        .try_update_value(|v| {
            v.push((key, patch));
            v.len() == 1
        })
        .unwrap_or(false);
    if first {
        spawn_local(async move {
            crate::platform::sleep_ms(300).await;
            if let Some(batch) = bulk.pending.try_update_value(std::mem::take) {
                store.apply_patches(&batch);
            }
        });
    }
}

/// The result as CSV: account, SVM, action, outcome, error code, message, time (RFC 4180,
/// CRLF, formula-leading cells neutralised). Skipped profiles are included as "skipped".
pub(crate) fn result_csv(run: &ProfileRun) -> String {
    let mut out = String::from("account,svm,action,outcome,error_code,message,time\r\n");
    let action = run.action.name();
    let mut line = |cells: [&str; 7]| {
        let v: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&v.join(","));
        out.push_str("\r\n");
    };
    let items = run.runner.items();
    for (i, it) in items.iter().enumerate() {
        let st = run.runner.row(i).unwrap_or(RowState::Queued);
        let words = detail(&st);
        line([
            it.target.key.account.as_str(),
            &it.target.svm,
            action,
            st.outcome(),
            st.code().as_deref().unwrap_or(""),
            &words,
            st.at(),
        ]);
    }
    for s in &run.skipped {
        line([
            s.target.key.account.as_str(),
            &s.target.svm,
            action,
            "skipped",
            "",
            s.reason.message(),
            "",
        ]);
    }
    out
}

#[component]
fn RunView(run: ProfileRun) -> impl IntoView {
    let bulk = BulkState::use_ctx();
    let base = StoredValue::new(crate::routes::Base::current());
    let runner = run.runner;
    let phase = runner.phase;
    // "Disabling 2 profiles" while it runs; "Disable 2 profiles: the result" once finished.
    let title = {
        let n = count(runner.tally.get_untracked().total, "profile", "profiles");
        let (running, done) = match &run.action {
            Action::Disable => (format!("Disabling {n}"), format!("Disable {n}")),
            Action::Enable => (format!("Enabling {n}"), format!("Enable {n}")),
            a => {
                let t = format!("{}: {n}", capitalise(&a.describe()));
                (t.clone(), t)
            }
        };
        move || {
            if phase.get() == Phase::Finished {
                format!("{done}: the result")
            } else {
                running.clone()
            }
        }
    };
    let skipped = run.skipped.len();
    let only_problems = RwSignal::new(false);
    let run_csv = StoredValue::new(run.clone());
    let download = move |_| {
        let csv = run_csv.with_value(result_csv);
        crate::components::download("totp-bulk-result.csv", "text/csv;charset=utf-8", &csv);
    };
    let close = move |_| {
        bulk.run.set(None);
        bulk.selected.set(HashSet::new());
    };
    view! {
        <p class="back"><A href=move || base.with_value(crate::routes::Base::profiles)>"← Back to the table"</A></p>
        <h1>{title}</h1>
        {(skipped > 0).then(|| view! {
            <p class="muted">{format!(
                "{} already in that state and skipped (listed in the result file).",
                match skipped {
                    1 => "1 selected profile was".to_owned(),
                    n => format!("{} selected profiles were", number(n)),
                }
            )}</p>
        })}
        <BulkProgress runner=runner noun="profiles" one="profile" />
        <div class="bulk-after">
            <button type="button" class="button" on:click=download>"Download the result (CSV)"</button>
            <Show when=move || phase.get() == Phase::Finished>
                <button type="button" class="button" on:click=close>"Done: clear the selection"</button>
            </Show>
            <OnlyProblemsToggle id="bulk-only-problems" value=only_problems />
        </div>
        <ResultTable runner=runner label="Result per profile" only_problems=only_problems
            name=|it: &Planned| (it.target.key.account.to_string(), it.target.svm.clone()) />
        {move || (phase.get() == Phase::Finished).then(|| view! {
            <p class="note">"Every row is in the session's " <A href=move || base.with_value(|b| b.at(crate::routes::CHANGES))>"change log"</A> " too."</p>
        })}
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
