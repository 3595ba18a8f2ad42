//! The history of TOTP-related changes, from the cluster's audit log
//! (`/api/security/audit/messages`, filtered to the TOTP and account REST calls and the
//! `security login totp|modify|lock|unlock` commands): when, who, what, on which account,
//! result. Newest first, a page at a time; filter by account, and by the account's SVM (an
//! account is its SVM and its name: `vsadmin` exists on every SVM), both kept in the URL.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::audit::{self, AuditMessage};
use crate::api::ApiError;
use crate::components::Explained;
use crate::components::{Alert, EncodedLink, Status};
use crate::routes::{Base, HISTORY};
use crate::session::SessionCtx;
use crate::store::ProfileStore;
use ontap_model::OwnerUuid;

/// One line of the history, read from an audit record.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) when: String,
    pub(crate) who: String,
    pub what: String,
    pub account: String,
    /// The account's SVM, as the record names it.
    pub(crate) owner: Owner,
    pub(crate) ok: bool,
    pub(crate) result: String,
    pub(crate) input: String,
    pub(crate) index: u64,
}

/// The SVM of the account a record names: by UUID in a REST path or body, by name in a body or
/// a CLI command's `-vserver`, else the SVM the request was made in (the default of a POST
/// without an owner and of a command without `-vserver`); unknown when none of these says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Owner {
    pub(crate) uuid: Option<OwnerUuid>,
    pub(crate) name: Option<String>,
}

impl Owner {
    /// Whether this is the SVM `uuid` (named `name`, when known); `None` when the record does
    /// not tell (no SVM in it, or only a name and the SVM's name is not known).
    pub(crate) fn is(&self, uuid: &OwnerUuid, name: Option<&str>) -> Option<bool> {
        if let Some(u) = &self.uuid {
            return Some(u == uuid);
        }
        Some(self.name.as_deref()? == name?)
    }

    /// The SVM's name for the table: the record's, else the one `names` knows for the UUID,
    /// else the UUID's first group; empty when the record does not say.
    pub(crate) fn label(&self, names: &dyn Fn(&OwnerUuid) -> Option<String>) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match &self.uuid {
            Some(u) => names(u).unwrap_or_else(|| {
                let head = u.as_str().split('-').next().unwrap_or_default();
                format!("{head}…")
            }),
            None => String::new(),
        }
    }
}

/// A record's `input`, read once: a REST call (`METHOD /api/path?query : body`) or a command
/// line.
struct Input<'a> {
    text: &'a str,
    /// Before ` : ` (the method and path of a call; the whole of a command).
    head: &'a str,
    method: &'a str,
    /// The second word of the head (a call's path, with its query).
    path: &'a str,
    /// The call's body; `Null` when there is none or it is not JSON.
    body: serde_json::Value,
}

impl<'a> Input<'a> {
    fn parse(text: &'a str) -> Input<'a> {
        let (head, body) = match text.split_once(" : ") {
            Some((h, b)) => (h, Some(b)),
            None => (text, None),
        };
        let mut words = head.split_whitespace();
        Input {
            text,
            head,
            method: words.next().unwrap_or(""),
            path: words.next().unwrap_or(""),
            body: body
                .and_then(|b| serde_json::from_str(b).ok())
                .unwrap_or_default(),
        }
    }
}

/// The account a record's input names, and its SVM. `svm` is the SVM the request was made in
/// (the record's `svm.name`).
fn target_of(input: &Input, svm: Option<&str>) -> (String, Owner) {
    let made_in = || Owner {
        uuid: None,
        name: svm.filter(|s| !s.is_empty()).map(str::to_owned),
    };
    let (method, path) = (input.method, input.path);
    if path.starts_with("/api/") {
        let path = path.split('?').next().unwrap_or("");
        for prefix in ["/api/security/accounts/", "/api/security/login/totps/"] {
            if let Some(rest) = path.strip_prefix(prefix) {
                let mut segs = rest.split('/').map(|seg| {
                    ontap_model::totp::decode_segment(seg).unwrap_or_else(|| seg.to_owned())
                });
                if let (Some(owner), Some(name)) = (segs.next(), segs.next()) {
                    let owner = Owner {
                        uuid: OwnerUuid::try_from(owner.as_str()).ok(),
                        name: None,
                    };
                    return (name, owner);
                }
            }
        }
        // POST /api/security/login/totps : {"account": {"name": ...}, "owner": {...}}
        let field = |f: &str| {
            input
                .body
                .pointer(f)
                .and_then(|x| x.as_str())
                .map(str::to_owned)
        };
        let account = field("/account/name").unwrap_or_default();
        let owner = Owner {
            uuid: field("/owner/uuid").and_then(|u| OwnerUuid::try_from(u.as_str()).ok()),
            name: field("/owner/name"),
        };
        return match owner {
            o if o != Owner::default() => (account, o),
            _ if method == "POST" => (account, made_in()),
            o => (account, o),
        };
    }
    // security login ... -vserver V -username X | -user-or-group-name X (a command has no
    // JSON body to be misread: the input is the command line).
    let words: Vec<&str> = input.text.split_whitespace().collect();
    let value = |keys: &[&str]| {
        words
            .windows(2)
            .find(|w| keys.contains(&w[0]))
            .map(|w| w[1].trim_matches('"').to_owned())
    };
    let account = value(&["-username", "-user-or-group-name"]).unwrap_or_default();
    let owner = match value(&["-vserver"]) {
        Some(name) => Owner {
            uuid: None,
            name: Some(name),
        },
        None => made_in(),
    };
    (account, owner)
}

/// What the request did, in words.
fn what_of(input: &Input) -> String {
    let (head, method, v) = (input.head, input.method, &input.body);
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
    let text = input.text;
    text.split(" -").next().unwrap_or(text).to_owned()
}

impl Entry {
    pub(crate) fn of(m: &AuditMessage) -> Entry {
        let input = m.input.clone().unwrap_or_default();
        let read = Input::parse(&input);
        let (account, owner) = target_of(&read, m.svm.as_ref().and_then(|s| s.name.as_deref()));
        let ok = m.state.as_deref() != Some("error");
        Entry {
            when: m.timestamp.clone().unwrap_or_default().replace('T', " "),
            who: m.user.clone().unwrap_or_default(),
            what: what_of(&read),
            account,
            owner,
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
pub(crate) fn HistoryPage() -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let query = use_query_map();
    let navigate = use_navigate();
    // Links stay on the cluster in view (a fleet's cluster, or the single cluster).
    let base = StoredValue::new(Base::current());
    let account = Memo::new(move |_| query.with(|q| q.get("account").unwrap_or_default()));
    // The SVM, from an account's or a profile's "History of ..." link: its UUID, and its name
    // (records of commands name the SVM by name only).
    let owner = Memo::new(move |_| {
        query.with(|q| {
            q.get("owner")
                .and_then(|u| OwnerUuid::try_from(u.as_str()).ok())
        })
    });
    let owner_name = Memo::new(move |_| query.with(|q| q.get("svm").filter(|s| !s.is_empty())));
    // The SVMs' names, from the accounts the other views read (REST records name SVMs by UUID).
    let store = ProfileStore::use_ctx();
    store.ensure_loaded();
    let svm_names = Memo::new(move |_| {
        store.account_list.with(|list| {
            list.iter()
                .filter_map(|a| {
                    let uuid = OwnerUuid::try_from(a.owner_uuid()?).ok()?;
                    Some((uuid, a.owner_name()?.to_owned()))
                })
                .collect::<std::collections::HashMap<OwnerUuid, String>>()
        })
    });
    let name_of = move |uuid: &OwnerUuid| {
        if owner.with(|o| o.as_ref() == Some(uuid)) {
            if let Some(n) = owner_name.get() {
                return Some(n);
            }
        }
        svm_names.with(|m| m.get(uuid).cloned())
    };
    // The filter's SVM in words.
    let owner_label = move || {
        owner.get().map(|o| {
            crate::text::name(
                &Owner {
                    uuid: Some(o),
                    name: None,
                }
                .label(&name_of),
            )
        })
    };
    let entries: RwSignal<Vec<Entry>> = RwSignal::new(Vec::new());
    let next: RwSignal<Option<String>> = RwSignal::new(None);
    let state: RwSignal<Result<bool, ApiError>> = RwSignal::new(Ok(true)); // Ok(loading)

    // The page of records asked for (its path, and whether it starts the list again); the read
    // is this view's and is aborted if the user leaves first.
    let wanted: RwSignal<(String, bool)> = RwSignal::new((audit::first_page_path(), true));
    let reader = session.view_client();
    let page = LocalResource::new(move || {
        let (path, fresh) = wanted.get();
        let reader = reader.clone();
        async move {
            let Some(c) = reader else {
                return Err(ApiError::Unauthorized);
            };
            audit::page(&c, &path).await.map(|p| (p, fresh))
        }
    });
    Effect::new(move |_| match page.get() {
        Some(Ok(((recs, n), fresh))) => {
            let mut new: Vec<Entry> = recs.iter().map(Entry::of).collect();
            entries.update(|e| {
                if fresh {
                    e.clear();
                }
                e.append(&mut new);
                e.sort_by(|a, b| (&b.when, b.index).cmp(&(&a.when, a.index)));
            });
            next.set(n);
            state.set(Ok(false));
        }
        Some(Err(e)) => state.set(Err(e)),
        None => {}
    });
    let load = move |path: String, fresh: bool| {
        state.set(Ok(true));
        wanted.set((path, fresh));
    };

    let shown = Memo::new(move |_| {
        let a = account.get();
        let o = owner.get();
        let o_name = o.as_ref().and_then(name_of);
        entries.with(|e| {
            e.iter()
                .filter(|x| a.is_empty() || x.account == a)
                // A record that does not say which SVM stays in: it may be this account's.
                .filter(|x| {
                    o.as_ref()
                        .is_none_or(|o| x.owner.is(o, o_name.as_deref()) != Some(false))
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    // Of those shown, how many may be another SVM's (the record does not tell).
    let unsure = Memo::new(move |_| {
        let Some(o) = owner.get() else {
            return 0;
        };
        let o_name = name_of(&o);
        shown.with(|s| {
            s.iter()
                .filter(|e| e.owner.is(&o, o_name.as_deref()).is_none())
                .count()
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
                        navigate(&base.with_value(|b| b.at(&format!("{HISTORY}{q}"))), NavigateOptions { replace: true, scroll: false, ..Default::default() });
                    } />
            </div>
            {move || {
                let a = account.get();
                owner.with(Option::is_some).then(|| {
                    let (href, text) = if a.is_empty() {
                        (base.with_value(|b| b.at(HISTORY)), "Show every SVM".to_owned())
                    } else {
                        (base.with_value(|b| b.history(None, None, &a)), format!("Show {} on every SVM", crate::text::name(&a)))
                    };
                    view! {
                        <p class="history-owner">
                            {move || format!("On SVM {}. ", owner_label().unwrap_or_default())}
                            <EncodedLink href=href>{text}</EncodedLink>
                        </p>
                    }
                })
            }}
        </div>
        {move || match state.get() {
            Ok(true) => Some(view! { <Status message="Reading the audit log…" busy=true /> }.into_any()),
            Err(e) => {
                let Explained { message: m, next_step: n } = Explained::from(&e);
                Some(view! { <Alert message=format!("The audit log could not be read. {m}") next_step=n /> }.into_any())
            }
            Ok(false) => None,
        }}
        <p class="muted table-summary" aria-live="polite">{move || {
            let a = account.get();
            let n = shown.with(Vec::len);
            let mut t = crate::text::count(n, "change", "changes");
            if !a.is_empty() {
                t.push_str(&format!(" to {}", crate::text::name(&a)));
            }
            if let Some(on) = owner_label() {
                t.push_str(&format!(" on {on}"));
            }
            match (n, unsure.get()) {
                (_, 0) => {}
                (1, 1) => t.push_str(", which does not record its SVM"),
                (_, 1) => t.push_str("; one of them does not record its SVM"),
                (_, k) => t.push_str(&format!("; {k} of them do not record their SVM")),
            }
            t
        }}</p>
        <div class="table-scroll history-scroll">
            <table class="table history-table">
                <thead>
                    <tr>
                        <th scope="col">"Account"</th>
                        <th scope="col">"When (cluster time)"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"SVM"</th>
                        <th scope="col">"Result"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get() key=|e| (e.index, e.when.clone()) let:e>
                        <tr class:row-attention=!e.ok data-account=e.account.clone()>
                            <th scope="row">{crate::text::name(&e.account)}</th>
                            <td class="mono">{e.when.clone()}</td>
                            <td>{crate::text::name(&e.who)}</td>
                            <td class="history-what" title=e.input.clone()>{e.what.clone()}</td>
                            {
                                let o = e.owner.clone();
                                let unknown = o == Owner::default();
                                let uuid = o.uuid.as_ref().map(|u| u.to_string()).unwrap_or_default();
                                view! {
                                    <td class:muted=unknown title=uuid>
                                        {move || if unknown { "not recorded".to_owned() } else { crate::text::name(&o.label(&name_of)) }}
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
    use ontap_model::OwnerUuid;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{Input, Owner};

    const ENG: &str = "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02";
    const FIN: &str = "2c41d7b4-5c30-11ee-8f4a-005056bb1a03";

    fn u(s: &str) -> OwnerUuid {
        OwnerUuid::try_from(s).unwrap()
    }
    fn by_uuid(s: &str) -> Owner {
        Owner {
            uuid: Some(u(s)),
            name: None,
        }
    }
    fn by_name(s: &str) -> Owner {
        Owner {
            uuid: None,
            name: Some(s.into()),
        }
    }
    fn target_of(input: &str, svm: Option<&str>) -> (String, Owner) {
        super::target_of(&Input::parse(input), svm)
    }
    fn target(account: &str, owner: Owner) -> (String, Owner) {
        (account.to_owned(), owner)
    }

    #[wasm_bindgen_test]
    fn the_svm_of_a_record_comes_from_its_path_body_or_command() {
        let patch =
            format!("PATCH /api/security/login/totps/{ENG}/vsadmin : {{\"comment\":\"x\"}}");
        assert_eq!(
            target_of(&patch, Some("cluster1")),
            target("vsadmin", by_uuid(ENG))
        );
        // Upper-case hex and percent-encoding in the path, a query after it.
        let unlock = format!(
            "PATCH /api/security/accounts/{}/CORP%5Cjdoe?return_timeout=15 : {{\"locked\":false}}",
            FIN.to_uppercase()
        );
        assert_eq!(target_of(&unlock, None), target("CORP\\jdoe", by_uuid(FIN)));
        let post = format!(
            r#"POST /api/security/login/totps : {{"account":{{"name":"bob"}},"owner":{{"uuid":"{ENG}"}}}}"#
        );
        assert_eq!(
            target_of(&post, Some("cluster1")),
            target("bob", by_uuid(ENG))
        );
        let named = r#"POST /api/security/login/totps : {"account":{"name":"bob"},"owner":{"name":"vs_eng"}}"#;
        assert_eq!(
            target_of(named, Some("cluster1")),
            target("bob", by_name("vs_eng"))
        );
        let cli = "security login unlock -vserver vs_fin -username vsadmin";
        assert_eq!(
            target_of(cli, Some("cluster1")),
            target("vsadmin", by_name("vs_fin"))
        );
    }

    #[wasm_bindgen_test]
    fn without_an_svm_in_it_a_record_is_the_svm_it_was_made_in() {
        // Self-enrollment: a POST without an owner is the caller's SVM.
        let post = r#"POST /api/security/login/totps : {"account":{"name":"alice"}}"#;
        assert_eq!(
            target_of(post, Some("vs_eng")),
            target("alice", by_name("vs_eng"))
        );
        assert_eq!(target_of(post, None), target("alice", Owner::default()));
        let cli = "security login totp show -username bob";
        assert_eq!(
            target_of(cli, Some("vs_hr")),
            target("bob", by_name("vs_hr"))
        );
        assert_eq!(target_of(cli, Some("")), target("bob", Owner::default()));
        // A body's text is never read as a command: a comment naming -vserver changes nothing.
        let tricky = format!(
            r#"PATCH /api/security/login/totps/{ENG}/bob : {{"comment":"moved from -vserver vs_fin -username eve"}}"#
        );
        assert_eq!(target_of(&tricky, None), target("bob", by_uuid(ENG)));
        let tricky_post = r#"POST /api/security/login/totps : {"account":{"name":"bob"},"comment":"-vserver vs_fin"}"#;
        assert_eq!(
            target_of(tricky_post, Some("vs_eng")),
            target("bob", by_name("vs_eng"))
        );
    }

    #[wasm_bindgen_test]
    fn an_svm_matches_by_uuid_or_by_a_known_name_and_is_unknown_otherwise() {
        assert_eq!(
            by_uuid(&ENG.to_uppercase()).is(&u(ENG), Some("vs_eng")),
            Some(true)
        );
        assert_eq!(by_uuid(FIN).is(&u(ENG), Some("vs_eng")), Some(false));
        assert_eq!(by_name("vs_fin").is(&u(FIN), Some("vs_fin")), Some(true));
        assert_eq!(by_name("vs_fin").is(&u(ENG), Some("vs_eng")), Some(false));
        assert_eq!(by_name("vs_fin").is(&u(ENG), None), None);
        assert_eq!(Owner::default().is(&u(ENG), Some("vs_eng")), None);
    }

    #[wasm_bindgen_test]
    fn an_svm_is_shown_by_name_when_known() {
        let names = |x: &OwnerUuid| (*x == u(ENG)).then(|| "vs_eng".to_owned());
        assert_eq!(by_uuid(ENG).label(&names), "vs_eng");
        assert_eq!(by_uuid(FIN).label(&names), "2c41d7b4…");
        assert_eq!(by_name("vs_hr").label(&names), "vs_hr");
        assert_eq!(Owner::default().label(&names), "");
    }
}
