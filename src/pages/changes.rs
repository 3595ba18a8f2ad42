//! The `/changes` page: the changes sent from this tab in this session, newest first.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::store::changelog::{ChangeLog, Entry};

#[component]
pub(crate) fn ChangesPage() -> impl IntoView {
    let log = ChangeLog::from_ctx().unwrap_or_default();
    // On a fleet's own page the first change is made by offboarding; in a cluster's scope, and
    // on the single-cluster page, in a profile's editor.
    let base = crate::routes::Base::current();
    let fleet_page = !base.in_fleet() && use_context::<crate::store::fleet::FleetStore>().is_some();
    let (start, start_words) = if fleet_page {
        (
            crate::routes::FLEET_OFFBOARD.to_owned(),
            "Offboard an account",
        )
    } else {
        (base.profiles(), "Open a profile")
    };
    // Memos: the table is made again only when these change, not at every entry.
    let empty = Memo::new(move |_| log.entries.with(Vec::is_empty));
    let clusters = Memo::new(move |_| log.entries.with(|v| v.iter().any(|e| e.cluster.is_some())));
    view! {
        <h1>"Changes in this session"</h1>
        <p class="changes-intro">
            "Every change sent from this tab since sign-in. The list lives in this tab's memory only: reloading the page or signing out clears it."
        </p>
        // Drawn row by row, keyed by the entry and its outcome: a change recorded or settled
        // draws its own row only.
        {move || {
            if empty.get() {
                return view! {
                    <p class="changes-empty">
                        "No changes yet. " <A href=start.clone()>{start_words}</A> " to make one."
                    </p>
                }
                .into_any();
            }
            // A fleet's changes name their cluster (issue 19); one cluster's page has none.
            let clusters = clusters.get();
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="Changes in this session">
                <table class="changes">
                    <caption class="visually-hidden">"Changes sent in this session, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Time"</th>
                            <th scope="col">"Who"</th>
                            {clusters.then(|| view! { <th scope="col">"Cluster"</th> })}
                            <th scope="col">"Account"</th>
                            <th scope="col">"SVM"</th>
                            <th scope="col">"What changed"</th>
                            <th scope="col">"Result"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || log.entries.with(|v| {
                                v.iter().rev().map(|e| (e.id, e.outcome.clone())).collect::<Vec<_>>()
                            })
                            key=|k| k.clone()
                            children=move |(id, _)| log.entry(id).map(|e| row(e, clusters)) />
                    </tbody>
                </table>
                </div>
            }
            .into_any()
        }}
    }
}

/// One change's row; with `clusters`, its cluster's cell.
fn row(e: Entry, clusters: bool) -> impl IntoView {
    let kind = format!("change-result change-{}", e.outcome.kind());
    view! {
        <tr data-key=e.cluster.as_ref().map(|c| format!("{}/{}/{}", c.uuid, c.owner_uuid, e.account))>
            <td class="mono changes-time">{e.time}</td>
            <td>{crate::text::name(&e.user)}</td>
            {clusters.then(|| {
                let (name, uuid) = e.cluster.as_ref().map(|c| (c.name.clone(), c.uuid.clone())).unwrap_or_default();
                view! { <td class="changes-cluster" title=format!("Cluster UUID {uuid}")>{crate::text::name(&name)}</td> }
            })}
            <td>{crate::text::name(&e.account)}</td>
            <td>{crate::text::name(&e.svm)}</td>
            <td class="changes-what">{e.what}</td>
            <td><span class=kind>{e.outcome.label()}</span></td>
        </tr>
    }
}
