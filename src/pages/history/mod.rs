//! The history of TOTP-related changes, from the cluster's audit log
//! (`/api/security/audit/messages`, filtered to the TOTP and account REST calls and the
//! `security login totp|modify|lock|unlock` commands): when, who, what, on which account,
//! result. Newest first, a page at a time; filter by account (kept in the URL).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::audit::{self, AuditMessage};
use crate::api::ApiError;
use crate::components::{Alert, Status};
use crate::session::SessionCtx;

/// One line of the history, read from an audit record.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub when: String,
    pub who: String,
    pub what: String,
    pub account: String,
    pub ok: bool,
    pub result: String,
    pub input: String,
    pub index: u64,
}

/// The account a REST path or CLI command names.
fn account_of(input: &str) -> String {
    let (head, body) = match input.split_once(" : ") {
        Some((h, b)) => (h, Some(b)),
        None => (input, None),
    };
    let path = head.split_whitespace().nth(1).unwrap_or("");
    let path = path.split('?').next().unwrap_or("");
    for prefix in ["/api/security/accounts/", "/api/security/login/totps/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            if let Some(seg) = rest.split('/').nth(1) {
                return ontap_model::totp::decode_segment(seg).unwrap_or_else(|| seg.to_owned());
            }
        }
    }
    // POST /api/security/login/totps : {"account": {"name": ...}}
    if let Some(b) = body {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(b) {
            if let Some(n) = v.pointer("/account/name").and_then(|n| n.as_str()) {
                return n.to_owned();
            }
        }
    }
    // security login ... -username X | -user-or-group-name X
    let words: Vec<&str> = input.split_whitespace().collect();
    for w in words.windows(2) {
        if w[0] == "-username" || w[0] == "-user-or-group-name" {
            return w[1].trim_matches('"').to_owned();
        }
    }
    String::new()
}

/// What the request did, in words.
fn what_of(input: &str) -> String {
    let (head, body) = match input.split_once(" : ") {
        Some((h, b)) => (h, b),
        None => (input, ""),
    };
    let method = head.split_whitespace().next().unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    if head.contains("/security/accounts/") {
        let mut parts = Vec::new();
        if let Some(apps) = v.get("applications").and_then(|a| a.as_array()) {
            let ssh = apps
                .iter()
                .find(|a| a.get("application").and_then(|x| x.as_str()) == Some("ssh"));
            match ssh
                .and_then(|s| s.get("second_authentication_method"))
                .and_then(|x| x.as_str())
            {
                Some("totp") => parts.push("Require TOTP for SSH".to_owned()),
                Some(m) => parts.push(format!("SSH second factor: {m}")),
                None => parts.push("Applications changed".to_owned()),
            }
        }
        match v.get("locked").and_then(|x| x.as_bool()) {
            Some(false) => parts.push("Unlock".into()),
            Some(true) => parts.push("Lock".into()),
            None => {}
        }
        if v.get("password").is_some() {
            parts.push("Password changed".into());
        }
        if parts.is_empty() {
            parts.push(format!("Account {method}"));
        }
        return parts.join(", ");
    }
    if head.contains("/security/login/totps") {
        return match method {
            "POST" => "TOTP profile created".into(),
            "DELETE" => "TOTP profile deleted".into(),
            _ => {
                let mut parts = Vec::new();
                match v.get("enabled").and_then(|x| x.as_bool()) {
                    Some(true) => parts.push("Profile enabled".to_owned()),
                    Some(false) => parts.push("Profile disabled".to_owned()),
                    None => {}
                }
                if let Some(c) = v.get("comment").and_then(|x| x.as_str()) {
                    parts.push(format!("Comment: {c}"));
                }
                if parts.is_empty() {
                    "Profile changed".into()
                } else {
                    parts.join(", ")
                }
            }
        };
    }
    // A CLI command: its first words.
    input.split(" -").next().unwrap_or(input).to_owned()
}

impl Entry {
    pub fn of(m: &AuditMessage) -> Entry {
        let input = m.input.clone().unwrap_or_default();
        let ok = m.state.as_deref() != Some("error");
        Entry {
            when: m.timestamp.clone().unwrap_or_default().replace('T', " "),
            who: m.user.clone().unwrap_or_default(),
            what: what_of(&input),
            account: account_of(&input),
            ok,
            result: match m.state.as_deref() {
                Some("error") => format!("Failed: {}", m.message.clone().unwrap_or_default()),
                Some("success") => "Done".into(),
                Some(s) => s.to_owned(),
                None => String::new(),
            },
            input,
            index: m.index.unwrap_or(0),
        }
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let query = use_query_map();
    let navigate = use_navigate();
    let account = Memo::new(move |_| query.with(|q| q.get("account").unwrap_or_default()));
    let entries: RwSignal<Vec<Entry>> = RwSignal::new(Vec::new());
    let next: RwSignal<Option<String>> = RwSignal::new(None);
    let state: RwSignal<Result<bool, ApiError>> = RwSignal::new(Ok(true)); // Ok(loading)

    let load = move |path: String, fresh: bool| {
        let Some(client) = session.client() else {
            return;
        };
        state.set(Ok(true));
        spawn_local(async move {
            match audit::page(&client, &path).await {
                Ok((recs, n)) => {
                    let mut new: Vec<Entry> = recs.iter().map(Entry::of).collect();
                    let _ = entries.try_update(|e| {
                        if fresh {
                            e.clear();
                        }
                        e.append(&mut new);
                        e.sort_by(|a, b| (&b.when, b.index).cmp(&(&a.when, a.index)));
                    });
                    let _ = next.try_set(n);
                    let _ = state.try_set(Ok(false));
                }
                Err(e) => {
                    let _ = state.try_set(Err(e));
                }
            }
        });
    };
    load(audit::first_page_path(), true);

    let shown = Memo::new(move |_| {
        let a = account.get();
        entries.with(|e| {
            e.iter()
                .filter(|x| a.is_empty() || x.account == a)
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    view! {
        <div class="page-head">
            <h1>"History of TOTP changes"</h1>
            <div class="page-actions">
                <button type="button" class="button" on:click=move |_| load(audit::first_page_path(), true)>"Reload"</button>
            </div>
        </div>
        <p class="muted">"From the cluster's audit log: every change to TOTP profiles and to accounts, made here, in System Manager, over REST or in the CLI."</p>
        <div class="filters" role="search">
            <div class="filter-text">
                <label for="history-account">"Account"</label>
                <input id="history-account" type="search" placeholder="Exact account name"
                    prop:value=move || account.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let q = if v.trim().is_empty() { String::new() } else {
                            ontap_model::Query::new().param("account", v.trim()).to_query_string()
                        };
                        navigate(&format!("/history{q}"), NavigateOptions { replace: true, scroll: false, ..Default::default() });
                    } />
            </div>
        </div>
        {move || match state.get() {
            Ok(true) => Some(view! { <Status message="Reading the audit log…" busy=true /> }.into_any()),
            Err(e) => {
                let (m, n) = e.explain();
                Some(view! { <Alert message=format!("The audit log could not be read. {m}") next_step=n /> }.into_any())
            }
            Ok(false) => None,
        }}
        <p class="muted table-summary" aria-live="polite">{move || {
            let a = account.get();
            let n = shown.with(Vec::len);
            if a.is_empty() { format!("{n} changes") } else { format!("{n} changes to {a}") }
        }}</p>
        <div class="table-scroll history-scroll">
            <table class="table history-table">
                <thead>
                    <tr>
                        <th scope="col">"When (cluster time)"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Account"</th>
                        <th scope="col">"Result"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get() key=|e| (e.index, e.when.clone()) let:e>
                        <tr class:row-attention=!e.ok data-account=e.account.clone()>
                            <td class="mono">{e.when.clone()}</td>
                            <td>{e.who.clone()}</td>
                            <td title=e.input.clone()>{e.what.clone()}</td>
                            <th scope="row">{e.account.clone()}</th>
                            <td class=if e.ok { "history-ok" } else { "history-failed" }>{e.result.clone()}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
            <Show when=move || state.get() == Ok(false) && shown.with(Vec::is_empty)>
                <p class="empty">"No TOTP-related change is recorded."</p>
            </Show>
        </div>
        <Show when=move || next.with(Option::is_some)>
            <button type="button" class="button" on:click=move |_| {
                if let Some(n) = next.get_untracked() { load(n, false); }
            }>"Load older changes"</button>
        </Show>
    }
}
