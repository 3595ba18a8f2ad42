//! The fleet's MFA coverage report (issue 19), for an audit: the exports (coverage per cluster
//! and SVM, every account) and the printable view (a heading, when it was made, who was signed
//! in where, the fleet's summary and a table per cluster with its SVMs). The counting is
//! `tables::coverage`; a cluster not read is shown with its state, never left out.

use leptos::prelude::*;

use crate::components::download::download;
use crate::platform::now_iso;
use crate::session::fleet::Access;
use crate::store::fleet::{FleetStore, Load};
use crate::tables::coverage::{
    accounts_csv, by_svm, coverage_csv, file_name, fleet_tally, tally, utc_stamp, ClusterReport,
    Tally,
};

/// The report's clusters as the page knows them now, in the file's order.
pub(super) fn snapshot(store: FleetStore) -> Vec<ClusterReport> {
    store
        .list_untracked()
        .iter()
        .map(|m| {
            let state = m.access.with_untracked(|a| {
                m.load
                    .with_untracked(|l| super::state_of(a, l).1.to_owned())
            });
            let (uuid, release, user) = m.access.with_untracked(|a| match a {
                Access::In { client, cluster } => (
                    cluster.uuid.clone().unwrap_or_default(),
                    cluster.version.as_ref().map(|v| v.short()).unwrap_or_default(),
                    // Through a gateway the cluster sees Unified Manager's stored account,
                    // whose name the page cannot learn; the user is Unified Manager's.
                    match m.via_gateway() {
                        Some(g) => format!(
                            "Unified Manager {g}'s cluster account (signed in to Unified Manager as {})",
                            client.user().unwrap_or_default()
                        ),
                        None => client.user().unwrap_or_default(),
                    },
                ),
                _ => Default::default(),
            });
            let lines = m.load.with_untracked(|l| match l {
                Load::Done(s) => Some(s.lines.to_vec()),
                _ => None,
            });
            ClusterReport {
                name: m.name(),
                uuid,
                release,
                state,
                signed_in_as: user,
                lines,
            }
        })
        .collect()
}

/// The export buttons and the printable report's.
#[component]
pub(super) fn ReportTools(open: RwSignal<bool>) -> impl IntoView {
    let store = FleetStore::use_ctx();
    let note = RwSignal::new(None::<&'static str>);
    let export = move |what: &'static str, csv: fn(&[ClusterReport]) -> String| {
        let text = csv(&snapshot(store));
        let ok = download(
            &file_name(what, &now_iso()),
            "text/csv;charset=utf-8",
            &text,
        );
        note.set((!ok).then_some("The browser did not start the download."));
    };
    view! {
        <div class="fleet-report-tools" role="group" aria-label="Coverage report">
            <button type="button" class="button button-quiet"
                on:click=move |_| export("mfa-coverage", coverage_csv)>"Export coverage (CSV)"</button>
            <button type="button" class="button button-quiet"
                on:click=move |_| export("mfa-accounts", accounts_csv)>"Export accounts (CSV)"</button>
            <button type="button" class="button button-quiet"
                on:click=move |_| open.set(true)>"Printable report"</button>
            {move || note.get().map(|n| view! { <p class="field-error" role="alert">{n}</p> })}
        </div>
    }
}

fn counts(t: &Tally) -> impl IntoView {
    let n = |x: usize| view! { <td class="num">{crate::text::number(x)}</td> };
    view! {
        {n(t.accounts)}{n(t.ssh)}{n(t.totp_enabled)}{n(t.totp_disabled)}{n(t.totp_no_profile)}
        {n(t.ssh_key)}{n(t.password)}{n(t.duo)}{n(t.none)}{n(t.unknown)}
        <td class="num report-percent">{t.percent_text()}</td>
    }
}

fn head(first: &'static str, second: &'static str) -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th scope="col">{first}</th>
                <th scope="col">{second}</th>
                <th scope="col" class="num">"Accounts"</th>
                <th scope="col" class="num">"SSH"</th>
                <th scope="col" class="num">"TOTP enabled"</th>
                <th scope="col" class="num">"TOTP disabled"</th>
                <th scope="col" class="num">"TOTP required, no profile"</th>
                <th scope="col" class="num">"SSH key"</th>
                <th scope="col" class="num">"Password"</th>
                <th scope="col" class="num">"Duo"</th>
                <th scope="col" class="num">"None"</th>
                <th scope="col" class="num">"Unknown"</th>
                <th scope="col" class="num">"Coverage"</th>
            </tr>
        </thead>
    }
}

/// SVMs above which a cluster starts a new printed page.
const LONG: usize = 12;

/// The printable report, made once when opened (a snapshot: it says when).
#[component]
pub(super) fn FleetReport(open: RwSignal<bool>) -> impl IntoView {
    let store = FleetStore::use_ctx();
    let clusters = snapshot(store);
    let made = utc_stamp(&now_iso());
    let (fleet, read) = fleet_tally(&clusters);
    let of = clusters.len();
    let who: Vec<String> = clusters
        .iter()
        .filter(|c| !c.signed_in_as.is_empty())
        .map(|c| format!("{} on {}", c.signed_in_as, c.name))
        .collect();
    let who = if who.is_empty() {
        "nobody".to_owned()
    } else {
        who.join("; ")
    };
    let summary_rows = clusters
        .iter()
        .map(|c| {
            let t = c.lines.as_deref().map(tally);
            view! {
                <tr data-cluster=c.name.clone()>
                    <th scope="row">{c.name.clone()}</th>
                    <td>{c.state.clone()}{(!c.release.is_empty()).then(|| format!(" (ONTAP {})", c.release))}</td>
                    {match t {
                        Some(t) => counts(&t).into_any(),
                        None => view! { <td class="report-not-read" colspan="11">"not read: not counted"</td> }.into_any(),
                    }}
                </tr>
            }
        })
        .collect_view();
    let sections = clusters
        .iter()
        .map(|c| {
            let body = match c.lines.as_deref() {
                None => view! {
                    <p class="report-not-read">{format!("Not read ({}): its accounts are not in this report.", c.state)}</p>
                }
                .into_any(),
                Some(lines) => {
                    let svms = by_svm(lines);
                    let long = svms.len() > LONG;
                    let total = tally(lines);
                    let rows = svms
                        .into_iter()
                        .map(|s| view! {
                            <tr data-svm=s.svm.clone()>
                                <th scope="row">{s.svm.clone()}</th>
                                <td class="report-uuid">{s.owner_uuid}</td>
                                {counts(&s.tally)}
                            </tr>
                        })
                        .collect_view();
                    view! {
                        <table class="table report-table" class:report-long=long>
                            <caption class="visually-hidden">{format!("SVMs of {}", c.name)}</caption>
                            {head("SVM", "SVM UUID (owner)")}
                            <tbody>{rows}</tbody>
                            <tfoot>
                                <tr><th scope="row">"Cluster"</th><td></td>{counts(&total)}</tr>
                            </tfoot>
                        </table>
                    }
                    .into_any()
                }
            };
            let long = c.lines.as_deref().is_some_and(|l| by_svm(l).len() > LONG);
            view! {
                <section class="report-cluster" class:report-cluster-long=long data-cluster=c.name.clone()>
                    <h2>{c.name.clone()}</h2>
                    <dl class="report-facts">
                        <dt>"State"</dt><dd class="report-state">{c.state.clone()}</dd>
                        <dt>"Release"</dt><dd>{if c.release.is_empty() { "—".to_owned() } else { format!("ONTAP {}", c.release) }}</dd>
                        <dt>"Cluster UUID"</dt><dd class="report-uuid">{if c.uuid.is_empty() { "—".to_owned() } else { c.uuid.clone() }}</dd>
                        <dt>"Signed in as"</dt><dd>{if c.signed_in_as.is_empty() { "—".to_owned() } else { c.signed_in_as.clone() }}</dd>
                    </dl>
                    {body}
                </section>
            }
        })
        .collect_view();
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <article class="fleet-report" aria-labelledby="report-title">
            <div class="fleet-report-tools report-actions">
                <button type="button" class="button" on:click=print>"Print"</button>
                <button type="button" class="button button-quiet" on:click=move |_| open.set(false)>"Back to the overview"</button>
            </div>
            <h1 id="report-title">"MFA coverage report"</h1>
            <dl class="report-facts report-meta">
                <dt>"Generated"</dt><dd class="report-made">{made}</dd>
                <dt>"Clusters read"</dt><dd>{format!("{read} of {of}")}</dd>
                <dt>"Signed in"</dt><dd class="report-who">{who}</dd>
                <dt>"Fleet coverage (SSH)"</dt><dd>{format!("{} of {} SSH accounts have a second factor ({})", crate::text::number(fleet.covered), crate::text::number(fleet.ssh), fleet.percent_text())}</dd>
            </dl>
            <p class="report-note">"Coverage counts SSH accounts with any second factor (TOTP, SSH key, password, Duo). \
                TOTP disabled means the profile exists but is off: the user must enroll again. \
                Kinds may overlap; None, Unknown (Duo not readable) and the covered accounts add up to SSH."</p>
            <section class="report-summary">
                <h2>"Clusters"</h2>
                <table class="table report-table">
                    <caption class="visually-hidden">"Clusters of the fleet and their MFA coverage"</caption>
                    {head("Cluster", "State")}
                    <tbody>{summary_rows}</tbody>
                    <tfoot><tr><th scope="row">"Fleet"</th><td>{format!("{read} of {of} read")}</td>{counts(&fleet)}</tr></tfoot>
                </table>
            </section>
            {sections}
        </article>
    }
}
