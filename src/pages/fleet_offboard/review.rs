//! The review of a Find: per cluster, what will change (with the CLI equivalent) and what is
//! left alone, and why; the counts and the Run button above them. Nothing is sent before Run.

use leptos::prelude::*;

use super::skip_words;
use crate::api::gateway::Writes;
use crate::store::fleet_batch::{ClusterFind, Finding, Offboard, OffboardState};
use crate::text::count;

#[component]
pub(super) fn OffboardReview() -> impl IntoView {
    let state = OffboardState::use_ctx();
    let log = crate::store::changelog::ChangeLog::from_ctx();
    let fleet = crate::store::fleet::FleetStore::use_ctx();
    let totals = Memo::new(move |_| {
        let finds = state.finds.get();
        let (mut changes, mut clusters, mut left, mut problems) = (0, 0, 0, 0);
        for f in &finds {
            f.state.with(|s| match s {
                Finding::Read { found, left: l } => {
                    changes += found.len();
                    clusters += usize::from(!found.is_empty());
                    left += l.len();
                    problems += l.iter().filter(|l| !l.skip.is_settled()).count();
                }
                Finding::Skipped(_) => problems += 1,
                Finding::Reading => {}
            })
        }
        (changes, clusters, left, problems, finds.len())
    });
    let action = move || state.found_for.get().map(|(_, a)| a);
    let gateways = move || {
        totals.track();
        let (items, _) = state.rows();
        OffboardState::unknown_gateways(&items)
    };
    let summary = move || {
        let (changes, clusters, left, problems, of) = totals.get();
        let a = action().unwrap_or(Offboard::Disable);
        let reading = state.reading();
        let mut s = if reading {
            "Reading the clusters… ".to_owned()
        } else {
            format!("Read {}. ", count(of, "cluster", "clusters"))
        };
        s.push_str(&format!(
            "{} to change on {}; {} left alone",
            count(changes, a.one(), a.noun()),
            count(clusters, "cluster", "clusters"),
            left
        ));
        if problems > 0 {
            s.push_str(&format!(
                " ({problems} of them for a reason to look at: see below)"
            ));
        }
        s.push('.');
        s
    };
    let run = move |_| {
        if state.reading() || totals.get_untracked().0 == 0 {
            return;
        }
        super::run::start(state, log, fleet);
    };
    let run_label = move || {
        let (changes, clusters, ..) = totals.get();
        let a = action().unwrap_or(Offboard::Disable);
        let verb = match a {
            Offboard::Disable => "Disable",
            Offboard::RequireTotp => "Require TOTP for",
        };
        format!(
            "{verb} {} on {}",
            count(changes, a.one(), a.noun()),
            count(clusters, "cluster", "clusters")
        )
    };
    let refused = move || {
        state.finds.get().iter().any(|f| {
            f.state.with(|s| {
                matches!(
                    s,
                    Finding::Skipped(crate::store::fleet_batch::Skip::GatewayRefused(_))
                )
            })
        })
    };
    let why_off = move || {
        let (changes, ..) = totals.get();
        if state.reading() {
            Some("Waiting for every cluster's answer.")
        } else if changes == 0 && refused() {
            Some("Nothing to send: Unified Manager refused an earlier change through its gateway, so nothing more is sent through it (see below); the other clusters have nothing to change.")
        } else if changes == 0 {
            Some("Nothing to change: every account found is left alone (see why below).")
        } else {
            None
        }
    };
    view! {
        <Show when=move || state.found_for.get().is_some()>
        <section class="offboard-review" aria-labelledby="offboard-review-title"
            data-reading=move || state.reading().to_string()>
            <h2 id="offboard-review-title">{move || {
                let a = action().unwrap_or(Offboard::Disable).label();
                if let Some(p) = state.picked.get() {
                    return format!("Review: {} selected in {} — {a}", count(p.keys.len(), "row", "rows"), p.from);
                }
                let names = state.found_for.get().map(|(n, _)| n).unwrap_or_default();
                let names: Vec<String> = names.iter().map(|n| crate::text::name(n.as_str())).collect();
                format!("Review: {} — {a}", names.join(", "))
            }}</h2>
            <Show when=move || state.picked.with(Option::is_some)>
                <p class="note offboard-picked">
                    "Only the rows you selected are planned, each read again from its cluster. To find these names on every cluster and SVM, type them above and press Find."
                </p>
            </Show>
            <p class="offboard-summary" role="status">{summary}</p>
            {move || gateways().into_iter().map(|g| view! {
                <p class="notice notice-warn offboard-gateway-first">
                    {format!("Through Unified Manager {g}, one change is sent first, alone: Unified Manager gives no way to learn whether you may change anything through its gateway. If it refuses, the rest of its clusters' changes are not sent.")}
                </p>
            }).collect_view()}
            <div class="offboard-run">
                <button type="button" class="button button-primary offboard-run-button"
                    disabled=move || why_off().is_some()
                    aria-describedby="offboard-run-why"
                    on:click=run>{run_label}</button>
                <p class="field-hint" id="offboard-run-why">{move || why_off().unwrap_or("Nothing is sent before you press it.")}</p>
            </div>
            <For each=move || state.finds.get()
                key=|f| f.member.entry.with_value(|e| (e.line, e.api.clone()))
                let:find>
                <ClusterReview find />
            </For>
        </section>
        </Show>
    }
}

/// One cluster's part of the review.
#[component]
fn ClusterReview(find: ClusterFind) -> impl IntoView {
    let m = find.member;
    let name = m.name();
    let via = m.via_gateway().map(|g| {
        let note = move || match m.gateway_writes() {
            Some(Writes::Refused { .. }) => "; read only",
            Some(Writes::Accepted) => "",
            _ => "; first change alone",
        };
        view! { <span class="fleet-via">{format!("via Unified Manager {g}")}{note}</span> }
    });
    let body = move || match find.state.get() {
        Finding::Reading => {
            view! { <p class="offboard-state state-busy" aria-busy="true">"Reading…"</p> }
                .into_any()
        }
        Finding::Skipped(s) => view! {
            <p class="offboard-state offboard-skipped" data-skip=s.short()>
                <span class="badge state-warn">{s.short()}</span>" "{skip_words(&s)}
            </p>
        }
        .into_any(),
        Finding::Read { found, left } => {
            let changes = found
                .into_iter()
                .map(|f| {
                    let what = match &f.change {
                        crate::store::fleet_batch::Change::Disable(_) => "disable the profile",
                        crate::store::fleet_batch::Change::Require { .. } => "require TOTP for SSH",
                    };
                    let cli = match f.cli {
                        Ok(c) => view! { <code class="offboard-cli">{c}</code> }.into_any(),
                        Err(e) => view! { <span class="muted">{format!("No CLI equivalent: {e}")}</span> }.into_any(),
                    };
                    view! {
                        <tr class="offboard-change" data-account=f.account.clone() data-owner=f.owner_uuid.clone()>
                            <td>{crate::text::name(&f.account)}</td>
                            <td>{crate::text::name(&f.svm)}</td>
                            <td><span class="badge state-ok">{what}</span></td>
                            <td>{cli}</td>
                        </tr>
                    }
                })
                .collect_view();
            let left = left
                .into_iter()
                .map(|l| {
                    view! {
                        <tr class="offboard-left" data-account=l.account.clone() data-skip=l.skip.short()>
                            <td>{crate::text::name(&l.account)}</td>
                            <td>{if l.svm.is_empty() { "—".to_owned() } else { crate::text::name(&l.svm) }}</td>
                            <td><span class={if l.skip.is_settled() { "badge state-idle" } else { "badge state-warn" }}>{l.skip.short()}</span></td>
                            <td>{skip_words(&l.skip)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="table offboard-table">
                    <thead><tr>
                        <th scope="col">"Account"</th>
                        <th scope="col">"SVM"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">"CLI equivalent, or why it is left alone"</th>
                    </tr></thead>
                    <tbody>{changes}{left}</tbody>
                </table>
            }
            .into_any()
        }
    };
    view! {
        <section class="offboard-cluster" data-cluster=name.clone() data-cluster-uuid=move || find.uuid()>
            <h3><span class="fleet-name">{crate::text::name(&name)}</span>{via}</h3>
            {body}
        </section>
    }
}
