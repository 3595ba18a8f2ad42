//! The history of TOTP-related changes, from the cluster's audit log
//! (`/api/security/audit/messages`, filtered to the TOTP and account REST calls and the
//! `security login totp|modify|lock|unlock` commands): when, who, what, on which account,
//! result. Newest first, a page at a time; filter by account, and by the account's SVM (an
//! account is its SVM and its name: `vsadmin` exists on every SVM), both kept in the URL.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::audit::{self, AuditMessage};
use crate::api::ApiError;
use crate::components::{Alert, EncodedLink, Status};
use crate::pages::accounts::rows::history_href;
use crate::session::SessionCtx;
use crate::store::ProfileStore;

/// One line of the history, read from an audit record.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub when: String,
    pub who: String,
    pub what: String,
    pub account: String,
    /// The account's SVM, as the record names it.
    pub owner: Owner,
    pub ok: bool,
    pub result: String,
    pub input: String,
    pub index: u64,
}

/// The SVM of the account a record names: by UUID in a REST path or body, by name in a body
/// or a CLI command's `-vserver`; unknown when the record does not say (a CLI command without
/// `-vserver`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owner {
    pub uuid: Option<String>,
    pub name: Option<String>,
}

impl Owner {
    /// Whether this is the SVM `uuid` (named `name`, when known); `None` when the record does
    /// not tell (no SVM in it, or only a name and the SVM's name is not known).
    pub fn is(&self, uuid: &str, name: Option<&str>) -> Option<bool> {
        if let Some(u) = &self.uuid {
            return Some(u.eq_ignore_ascii_case(uuid));
        }
        Some(self.name.as_deref()? == name?)
    }

    /// The SVM's name for the table: the record's, else the one `names` knows for the UUID,
    /// else the UUID's first group; empty when the record does not say.
    pub fn label(&self, names: &dyn Fn(&str) -> Option<String>) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match &self.uuid {
            Some(u) => names(u).unwrap_or_else(|| {
                let head = u.split('-').next().unwrap_or(u);
                format!("{head}…")
            }),
            None => String::new(),
        }
    }
}

/// The SVM of the account a REST path or CLI command names.
fn owner_of(input: &str) -> Owner {
    let (head, body) = match input.split_once(" : ") {
        Some((h, b)) => (h, Some(b)),
        None => (input, None),
    };
    let path = head.split_whitespace().nth(1).unwrap_or("");
    let path = path.split('?').next().unwrap_or("");
    for prefix in ["/api/security/accounts/", "/api/security/login/totps/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let mut segs = rest.split('/');
            if let (Some(owner), Some(_)) = (segs.next(), segs.next()) {
                let uuid =
                    ontap_model::totp::decode_segment(owner).unwrap_or_else(|| owner.to_owned());
                return Owner {
                    uuid: Some(uuid),
                    name: None,
                };
            }
        }
    }
    if let Some(b) = body {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(b) {
            let field = |f: &str| v.pointer(f).and_then(|x| x.as_str()).map(str::to_owned);
            let owner = Owner {
                uuid: field("/owner/uuid"),
                name: field("/owner/name"),
            };
            if owner != Owner::default() {
                return owner;
            }
        }
    }
    let words: Vec<&str> = input.split_whitespace().collect();
    for w in words.windows(2) {
        if w[0] == "-vserver" {
            return Owner {
                uuid: None,
                name: Some(w[1].trim_matches('"').to_owned()),
            };
        }
    }
    Owner::default()
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
            owner: owner_of(&input),
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
    // The SVM's UUID, from an account's or a profile's "History of ..." link.
    let owner = Memo::new(move |_| query.with(|q| q.get("owner").unwrap_or_default()));
    // The SVMs' names, from the accounts the other views read (the records name SVMs by UUID).
    let store = ProfileStore::use_ctx();
    store.ensure_loaded();
    let svm_names = Memo::new(move |_| {
        store.account_list.with(|list| {
            list.iter()
                .filter_map(|a| {
                    Some((
                        a.owner_uuid()?.to_ascii_lowercase(),
                        a.owner_name()?.to_owned(),
                    ))
                })
                .collect::<std::collections::HashMap<String, String>>()
        })
    });
    let name_of = move |uuid: &str| svm_names.with(|m| m.get(&uuid.to_ascii_lowercase()).cloned());
    let owner_label = move || {
        let o = owner.get();
        Owner {
            uuid: Some(o),
            name: None,
        }
        .label(&name_of)
    };
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
        let o = owner.get();
        let o_name = if o.is_empty() { None } else { name_of(&o) };
        entries.with(|e| {
            e.iter()
                .filter(|x| a.is_empty() || x.account == a)
                // A record that does not say which SVM stays in: it may be this account's.
                .filter(|x| o.is_empty() || x.owner.is(&o, o_name.as_deref()) != Some(false))
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
            {move || {
                let a = account.get();
                (!a.is_empty() && !owner.get().is_empty()).then(|| view! {
                    <p class="history-owner">
                        {move || format!("On SVM {}. ", owner_label())}
                        <EncodedLink href=history_href(None, &a)>{format!("Show {a} on every SVM")}</EncodedLink>
                    </p>
                })
            }}
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
            let n = match shown.with(Vec::len) {
                1 => "1 change".to_owned(),
                n => format!("{n} changes"),
            };
            if a.is_empty() {
                return n;
            }
            if owner.get().is_empty() {
                return format!("{n} to {a}");
            }
            let unsure = shown.with(|s| s.iter().filter(|e| e.owner == Owner::default()).count());
            let on = owner_label();
            match unsure {
                0 => format!("{n} to {a} on {on}"),
                1 => format!("{n} to {a} on {on}; one of them does not record the SVM"),
                k => format!("{n} to {a} on {on}; {k} of them do not record the SVM"),
            }
        }}</p>
        <div class="table-scroll history-scroll">
            <table class="table history-table">
                <thead>
                    <tr>
                        <th scope="col">"When (cluster time)"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Account"</th>
                        <th scope="col">"SVM"</th>
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
                            {
                                let o = e.owner.clone();
                                let unknown = o == Owner::default();
                                let uuid = o.uuid.clone().unwrap_or_default();
                                view! {
                                    <td class:muted=unknown title=uuid>
                                        {move || if unknown { "not recorded".to_owned() } else { o.label(&name_of) }}
                                    </td>
                                }
                            }
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

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{account_of, owner_of, Owner};

    const ENG: &str = "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02";
    const FIN: &str = "2c41d7b4-5c30-11ee-8f4a-005056bb1a03";

    fn uuid(u: &str) -> Owner {
        Owner {
            uuid: Some(u.to_owned()),
            name: None,
        }
    }

    #[wasm_bindgen_test]
    fn the_svm_of_a_record_comes_from_its_path_body_or_command() {
        let patch =
            format!("PATCH /api/security/login/totps/{ENG}/vsadmin : {{\"comment\":\"x\"}}");
        assert_eq!(owner_of(&patch), uuid(ENG));
        assert_eq!(account_of(&patch), "vsadmin");
        let unlock = format!(
            "PATCH /api/security/accounts/{}/vsadmin?return_timeout=15 : {{\"locked\":false}}",
            FIN.to_uppercase()
        );
        assert_eq!(owner_of(&unlock), uuid(&FIN.to_uppercase()));
        let post = format!(
            r#"POST /api/security/login/totps : {{"account":{{"name":"bob"}},"owner":{{"uuid":"{ENG}"}}}}"#
        );
        assert_eq!(owner_of(&post), uuid(ENG));
        let by_name = r#"POST /api/security/login/totps : {"account":{"name":"bob"},"owner":{"name":"vs_eng"}}"#;
        assert_eq!(
            owner_of(by_name),
            Owner {
                uuid: None,
                name: Some("vs_eng".into())
            }
        );
        let cli = "security login unlock -vserver vs_fin -username vsadmin";
        assert_eq!(
            owner_of(cli),
            Owner {
                uuid: None,
                name: Some("vs_fin".into())
            }
        );
        assert_eq!(account_of(cli), "vsadmin");
        // The collection itself and a command without -vserver name no SVM.
        assert_eq!(
            owner_of("POST /api/security/login/totps : {\"account\":{\"name\":\"bob\"}}"),
            Owner::default()
        );
        assert_eq!(
            owner_of("security login totp show -username bob"),
            Owner::default()
        );
    }

    #[wasm_bindgen_test]
    fn an_svm_matches_by_uuid_or_by_a_known_name_and_is_unknown_otherwise() {
        assert_eq!(
            uuid(ENG).is(&ENG.to_uppercase(), Some("vs_eng")),
            Some(true)
        );
        assert_eq!(uuid(FIN).is(ENG, Some("vs_eng")), Some(false));
        let named = Owner {
            uuid: None,
            name: Some("vs_fin".into()),
        };
        assert_eq!(named.is(FIN, Some("vs_fin")), Some(true));
        assert_eq!(named.is(ENG, Some("vs_eng")), Some(false));
        assert_eq!(named.is(ENG, None), None);
        assert_eq!(Owner::default().is(ENG, Some("vs_eng")), None);
    }

    #[wasm_bindgen_test]
    fn an_svm_is_shown_by_name_when_known() {
        let names = |u: &str| (u == ENG).then(|| "vs_eng".to_owned());
        assert_eq!(uuid(ENG).label(&names), "vs_eng");
        assert_eq!(uuid(FIN).label(&names), "2c41d7b4…");
        assert_eq!(
            Owner {
                uuid: None,
                name: Some("vs_hr".into())
            }
            .label(&names),
            "vs_hr"
        );
        assert_eq!(Owner::default().label(&names), "");
    }
}
