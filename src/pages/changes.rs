//! The `/changes` page: the changes sent from this tab in this session, newest first.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::store::changelog::ChangeLog;

#[component]
pub(crate) fn ChangesPage() -> impl IntoView {
    let log = ChangeLog::from_ctx().unwrap_or_default();
    let profiles = crate::routes::Base::current().profiles();
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
                        "No changes yet. " <A href=profiles.clone()>"Open a profile"</A> " to make one."
                    </p>
                }
                .into_any();
            }
            entries.reverse();
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label="Changes in this session">
                <table class="changes">
                    <caption class="visually-hidden">"Changes sent in this session, newest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Time"</th>
                            <th scope="col">"Who"</th>
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
                                    <tr>
                                        <td class="mono changes-time">{e.time}</td>
                                        <td>{crate::text::name(&e.user)}</td>
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
