//! The review of a Find: per cluster, what will change (with the CLI equivalent) and what is
//! left alone, and why; the counts and the Run button above them. Nothing is sent before Run.

use leptos::prelude::*;

use super::{name_or_dash, skip_words};
use crate::api::gateway::Writes;
use crate::components::{headings, CopyButton, VirtualTable};
use crate::store::fleet_batch::{
    Change, ClusterFind, Finding, Found, Left, Offboard, OffboardState,
};
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
        state.unknown_gateways()
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

/// One cluster's part of the review: its rows in a windowed table (a selection of a fleet
/// table can plan thousands on one cluster), the CLI equivalents of its changes to copy.
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
    let shown_name = crate::text::name(&name);
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
            view! { <ClusterRows found left cluster=shown_name.clone() /> }.into_any()
        }
    };
    view! {
        <section class="offboard-cluster" data-cluster=name.clone() data-cluster-uuid=move || find.uuid()>
            <h3><span class="fleet-name">{crate::text::name(&name)}</span>{via}</h3>
            {body}
        </section>
    }
}

/// The columns of a cluster's review.
const REVIEW_COLUMNS: [(&str, &str); 4] = [
    ("Account", "col-o-account"),
    ("SVM", "col-o-svm"),
    ("Change", "col-o-change"),
    ("CLI equivalent, or why it is left alone", "col-o-detail"),
];

/// A cluster's planned changes, then its rows left alone, in one windowed table.
#[component]
fn ClusterRows(found: Vec<Found>, left: Vec<Left>, cluster: String) -> impl IntoView {
    let script: String =
        found
            .iter()
            .filter_map(|f| f.cli.as_ref().ok())
            .fold(String::new(), |mut s, c| {
                s.push_str(c);
                s.push('\n');
                s
            });
    let has_script = !script.is_empty();
    let (changes, lefts) = (found.len(), left.len());
    let counts = format!(
        "{} to change, {} left alone",
        crate::text::number(changes),
        crate::text::number(lefts)
    );
    let n = found.len() + left.len();
    let rows = StoredValue::new((found, left));
    let shown = Signal::stored((0..n).collect::<Vec<usize>>());
    let label = format!("What changes on {cluster}, and what is left alone");
    let copy_label = format!("Copy the commands for {cluster}");
    view! {
        <div class="offboard-cluster-head">
            <p class="muted offboard-counts" data-changes=changes data-left=lefts>{counts}</p>
            {has_script.then(|| view! {
                <span class="offboard-copy"><span class="muted">"Its changes as CLI commands"</span>
                    <CopyButton text=Signal::stored(script) label=copy_label /></span>
            })}
        </div>
        <VirtualTable label=label class="bulk-window bulk-list-scroll offboard-window"
            table_class="offboard-table" overscan=10 visible_rows=8
            head=|| headings(&REVIEW_COLUMNS)
            shown=shown
            render_row=move |pos, i| rows.with_value(|(found, left)| review_row(pos, i, found, left)) />
    }
}

/// Row `i` of a cluster's review (its changes first, then what is left alone), at `pos`.
fn review_row(pos: usize, i: usize, found: &[Found], left: &[Left]) -> Option<AnyView> {
    if let Some(f) = found.get(i) {
        let what = match &f.change {
            Change::Disable(_) => "disable the profile",
            Change::Require { .. } => "require TOTP for SSH",
        };
        let cli = match &f.cli {
            Ok(c) => {
                view! { <code class="offboard-cli" title=c.clone()>{c.clone()}</code> }.into_any()
            }
            Err(e) => {
                let e = format!("No CLI equivalent: {e}");
                view! { <span class="muted" title=e.clone()>{e.clone()}</span> }.into_any()
            }
        };
        let account = crate::text::name(&f.account);
        return Some(
            view! {
                <tr class="offboard-change" aria-rowindex=pos + 2 data-account=f.account.clone() data-owner=f.owner_uuid.clone()>
                    <td title=account.clone()>{account.clone()}</td>
                    <td>{crate::text::name(&f.svm)}</td>
                    <td><span class="badge state-ok">{what}</span></td>
                    <td>{cli}</td>
                </tr>
            }
            .into_any(),
        );
    }
    let l = left.get(i - found.len())?;
    let words = skip_words(&l.skip);
    let account = crate::text::name(&l.account);
    Some(
        view! {
            <tr class="offboard-left" aria-rowindex=pos + 2 data-account=l.account.clone() data-skip=l.skip.short()>
                <td title=account.clone()>{account.clone()}</td>
                <td>{name_or_dash(&l.svm)}</td>
                <td><span class={if l.skip.is_settled() { "badge state-idle" } else { "badge state-warn" }}>{l.skip.short()}</span></td>
                <td title=words.clone()>{words.clone()}</td>
            </tr>
        }
        .into_any(),
    )
}
