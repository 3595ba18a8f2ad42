//! The `/changes` page: the changes sent from this tab in this session, newest first.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::store::changelog::ChangeLog;

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
    view! {
        <h1>"Changes in this session"</h1>
        <p class="changes-intro">
            "Every change sent from this tab since sign-in. The list lives in this tab's memory only: reloading the page or signing out clears it."
        </p>
        {move || {
            let mut entries = log.entries.get();
            if entries.is_empty() {
                return view! {
                    <p class="changes-empty">
                        "No changes yet. " <A href=start.clone()>{start_words}</A> " to make one."
                    </p>
                }
                .into_any();
            }
            entries.reverse();
            // A fleet's changes name their cluster (issue 19); one cluster's page has none.
            let clusters = entries.iter().any(|e| e.cluster.is_some());
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
                        {entries
                            .into_iter()
                            .map(|e| {
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
                            })
                            .collect_view()}
                    </tbody>
                </table>
                </div>
            }
            .into_any()
        }}
    }
}
