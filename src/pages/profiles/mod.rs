//! The list of TOTP profiles: every profile of the cluster (as far as the signed-in account may
//! see), loaded page by page; each account name links to its editor.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use ontap_model::Totp;

use crate::api::{totps, ApiError};
use crate::components::{Alert, Status};
use crate::pages::profile::editor_href;
use crate::session::SessionCtx;

#[derive(Clone, PartialEq)]
enum Progress {
    Loading,
    Done,
    Failed(ApiError),
}

#[component]
pub fn ProfilesPage() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let rows: RwSignal<Vec<Totp>> = RwSignal::new(Vec::new());
    let progress = RwSignal::new(Progress::Loading);

    let load = move || {
        let Some(client) = session.client() else {
            return;
        };
        rows.set(Vec::new());
        progress.set(Progress::Loading);
        spawn_local(async move {
            let result = totps::list_all(&client, totps::LIST_FIELDS, |page| {
                rows.update(|r| r.extend(page));
            })
            .await;
            progress.set(match result {
                Ok(()) => Progress::Done,
                Err(e) => Progress::Failed(e),
            });
        });
    };
    load();

    let count = move || {
        let n = rows.with(Vec::len);
        let enabled = rows.with(|r| r.iter().filter(|t| t.enabled == Some(true)).count());
        match progress.get() {
            Progress::Loading => format!("{n} loaded so far…"),
            _ => format!("{n} profiles, {enabled} enabled, {} disabled", n - enabled),
        }
    };

    view! {
        <div class="page-head">
            <h1>"TOTP profiles"</h1>
            <p class="muted" aria-live="polite">{count}</p>
            <button type="button" class="button" on:click=move |_| load()
                disabled=move || progress.get() == Progress::Loading>"Reload"</button>
        </div>
        {move || match progress.get() {
            Progress::Loading => Some(view! { <Status message="Loading profiles…" busy=true /> }.into_any()),
            Progress::Failed(e) => {
                let (m, n) = e.explain();
                Some(view! { <Alert message=m next_step=n /> }.into_any())
            }
            Progress::Done => None,
        }}
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Account"</th>
                    <th scope="col">"SVM"</th>
                    <th scope="col">"Enabled"</th>
                </tr>
            </thead>
            <tbody>
                <For
                    each=move || rows.get()
                    key=|t| (t.owner_uuid().map(str::to_owned), t.account_name().map(str::to_owned))
                    children=move |t| view! { <Row totp=t /> }
                />
            </tbody>
        </table>
        <Show when=move || progress.get() == Progress::Done && rows.with(Vec::is_empty)>
            <p class="empty">"No TOTP profiles are visible to this account."</p>
        </Show>
    }
}

#[component]
fn Row(totp: Totp) -> impl IntoView {
    let name = totp.account_name().unwrap_or("(no name)").to_owned();
    let account = match totp.key() {
        Some(key) => view! { <A href=editor_href(&key)>{name}</A> }.into_any(),
        // A record whose key the page cannot address is shown, not linked.
        None => view! { <span title="This record's owner UUID or name is malformed">{name}</span> }
            .into_any(),
    };
    let svm = totp.owner_name().unwrap_or("—").to_owned();
    let (label, class) = match totp.enabled {
        Some(true) => ("Enabled", "badge badge-on"),
        Some(false) => ("Disabled", "badge badge-off"),
        None => ("Unknown", "badge"),
    };
    view! {
        <tr>
            <th scope="row">{account}</th>
            <td>{svm}</td>
            <td><span class=class>{label}</span></td>
        </tr>
    }
}
