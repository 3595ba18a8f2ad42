//! One account: its facts, and the changes an MFA rollout makes to it (require TOTP for SSH,
//! stop requiring it, unlock), each confirmed after a preview of exactly what is sent (the
//! REST call, the ONTAP CLI command, a curl line). The account is read again just before the
//! PATCH, so the applications list written back is the cluster's current one.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use ontap_model::account_change::{self, AccountChange, Refusal};
use ontap_model::Account;

use crate::api::{accounts, ApiError, Client};
use crate::components::Explained;
use crate::components::{Alert, CopyButton, EncodedLink, Status};
use crate::platform::mono_ms;
use crate::routes::Base;
use crate::session::SessionCtx;
use crate::store::changelog::{ChangeLog, Outcome as LogOutcome};
use crate::store::writes::{settle_lost_write, write_action};
use crate::store::{AccountsLoad, ProfileStore};
use crate::tables::accounts::{AccountRow, TotpState};

/// How a change ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The cluster confirmed it; the account as re-read. `by_check`: the answer was lost and a
    /// re-read showed the change.
    Done { account: Account, by_check: bool },
    /// Not sent: the account (as read just now) does not allow it.
    Refused(Refusal),
    /// The cluster refused it, or it could not be sent.
    Failed(ApiError),
    /// The answer was lost and, read after the cluster could no longer act on it, the account
    /// does not have the change: not applied.
    NotApplied(ApiError),
    /// The answer was lost and the account could not be re-read: the change may or may not be
    /// there. Nothing is resent.
    Unknown(ApiError),
}

impl Outcome {
    /// The change log's word for it (`None`: nothing was sent).
    pub(crate) fn logged(&self) -> Option<LogOutcome> {
        Some(match self {
            Outcome::Done {
                by_check: false, ..
            } => LogOutcome::Saved,
            Outcome::Done { by_check: true, .. } => LogOutcome::UnknownConfirmed,
            Outcome::Refused(_) => return None,
            Outcome::Failed(e) => LogOutcome::Failed(Explained::from(e).message),
            Outcome::NotApplied(_) => LogOutcome::UnknownNotApplied,
            Outcome::Unknown(_) => LogOutcome::Unknown,
        })
    }
}

/// What [`apply_change`] tells its caller on the way.
pub(crate) struct Watch<'a> {
    /// Right before the PATCH is sent, with what it changes (for the change log).
    pub(crate) sending: &'a dyn Fn(),
    /// While a lost answer waits out the late window: until when (local time); `None` after.
    pub(crate) waiting: &'a dyn Fn(Option<String>),
}

/// Reads the account, plans `change` on what was read, sends the PATCH once, reads again. A
/// lost answer is settled by re-reading (after the late window when the change is not there
/// yet), never by sending again.
pub(crate) async fn apply_change(
    client: &Client,
    owner: &str,
    name: &str,
    change: AccountChange,
    watch: Watch<'_>,
) -> Outcome {
    let current = match accounts::get(client, owner, name).await {
        Ok(a) => a,
        Err(e) => return Outcome::Failed(e),
    };
    let patch = match change.plan(&current) {
        Ok(p) => p,
        Err(r) => return Outcome::Refused(r),
    };
    (watch.sending)();
    let sent = mono_ms();
    match accounts::patch(client, owner, name, &patch).await {
        Ok(()) => match accounts::get(client, owner, name).await {
            Ok(a) => Outcome::Done {
                account: a,
                by_check: false,
            },
            // Applied (the cluster said so) even if the re-read failed.
            Err(_) => {
                let mut a = current;
                if let Some(apps) = patch.applications {
                    a.applications = apps;
                }
                if let Some(l) = patch.locked {
                    a.locked = Some(l);
                }
                Outcome::Done {
                    account: a,
                    by_check: false,
                }
            }
        },
        Err(e) if e.outcome_unknown() => {
            let last = std::cell::RefCell::new(None);
            let read = || async {
                let a = accounts::get(client, owner, name).await?;
                let done = change.is_done(&a);
                *last.borrow_mut() = Some(a);
                Ok(done)
            };
            match settle_lost_write(sent, read, watch.waiting).await {
                Ok(true) => match last.take() {
                    Some(account) => Outcome::Done {
                        account,
                        by_check: true,
                    },
                    None => Outcome::Unknown(e),
                },
                Ok(false) => Outcome::NotApplied(e),
                Err(_) => Outcome::Unknown(e),
            }
        }
        Err(e) => Outcome::Failed(e),
    }
}

/// The cluster's origin for curl lines: the API base when absolute, else https://<cluster>.
pub fn curl_origin(session: &SessionCtx) -> (String, String) {
    session.session.with_untracked(|s| match s {
        Some(s) => (s.user.clone(), s.curl_origin()),
        None => ("USER".into(), "https://CLUSTER".into()),
    })
}

/// The three texts of a change to one account.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Preview {
    pub(crate) request: String,
    pub(crate) body: String,
    pub(crate) cli: Result<String, String>,
    pub(crate) curl: String,
}

pub(crate) fn preview(
    row: &AccountRow,
    change: AccountChange,
    user: &str,
    origin: &str,
) -> Result<Preview, Refusal> {
    let patch = change.plan(&row.account)?;
    let req = account_change::request(&row.owner_uuid, &row.name, &patch);
    let cli = account_change::cli_command(
        change,
        &row.svm,
        &row.name,
        row.ssh_methods.first().map(String::as_str),
    )
    .map(|c| c.line)
    .map_err(|e| e.to_string());
    let curl = account_change::curl_line(user, origin, &req);
    Ok(Preview {
        request: format!("{} {}", req.method, req.path),
        body: req.body,
        cli,
        curl,
    })
}

#[component]
pub(crate) fn AccountPage() -> impl IntoView {
    let store = ProfileStore::use_ctx();
    store.ensure_loaded();
    let session = SessionCtx::use_ctx();
    let params = use_params_map();
    let key = Memo::new(move |_| {
        params.with(|p| {
            let d = |k: &str| {
                p.get(k)
                    .and_then(|v| ontap_model::totp::decode_segment(&v))
                    .unwrap_or_default()
            };
            (d("owner"), d("name"))
        })
    });
    let row = Memo::new(move |_| {
        let (o, n) = key.get();
        store.account_rows.with(|rows| {
            rows.iter()
                .find(|r| r.owner_uuid.eq_ignore_ascii_case(&o) && r.name == n)
                .cloned()
        })
    });
    let pending: RwSignal<Option<AccountChange>> = RwSignal::new(None);
    // The change belongs to the shell: leaving the page meanwhile still updates the store.
    // While a lost answer waits out the late window: until when (local time).
    let waiting: RwSignal<Option<String>> = RwSignal::new(None);
    let user = crate::store::changelog::user_of(&session);
    let log = ChangeLog::from_ctx();
    let change = write_action(
        move |(client, o, n, svm, change): &(Client, String, String, String, AccountChange)| {
            let (client, o, n, svm, change) =
                (client.clone(), o.clone(), n.clone(), svm.clone(), *change);
            let user = user.clone();
            async move {
                let entry = std::cell::Cell::new(None);
                let sending = || {
                    entry.set(Some(ChangeLog::open_in(
                        log,
                        &user,
                        &n,
                        &svm,
                        &change.label().to_lowercase(),
                    )));
                };
                let on_wait = |w: Option<String>| {
                    waiting.try_set(w);
                };
                let watch = Watch {
                    sending: &sending,
                    waiting: &on_wait,
                };
                let out = apply_change(&client, &o, &n, change, watch).await;
                if let (Some(logged), Some(o)) = (entry.get(), out.logged()) {
                    logged.settle(o);
                }
                if let Outcome::Done { account, .. } = &out {
                    store.update_account(account);
                }
                (change, out)
            }
        },
    );
    let busy = Signal::derive(move || change.pending().get());
    let result: RwSignal<Option<(AccountChange, Outcome)>> = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(r) = change.value().get() {
            pending.set(None);
            result.set(Some(r));
        }
    });

    let confirm = move |_| {
        let Some(c) = pending.get_untracked() else {
            return;
        };
        let Some(client) = session.client() else {
            return;
        };
        // One PATCH per confirmation, whatever the clicks.
        if change.pending().get_untracked() {
            return;
        }
        let (o, n) = key.get_untracked();
        let svm = row
            .with_untracked(|r| r.as_ref().map(|r| r.svm.clone()))
            .unwrap_or_default();
        change.dispatch_local((client, o, n, svm, c));
    };

    view! {
        <p class="crumbs"><A href=Base::current().at(crate::routes::ACCOUNTS)>"← Accounts"</A></p>
        {move || match (row.get(), store.accounts_load()) {
            (Some(r), _) => view! { <AccountView row=r pending=pending busy=busy waiting=waiting result=result confirm=confirm /> }.into_any(),
            (None, AccountsLoad::Done) => view! {
                <h1>"Account not found"</h1>
                <p>"No account with this name is visible to this session in this SVM."</p>
            }.into_any(),
            (None, AccountsLoad::Failed(e)) => {
                let Explained { message: m, next_step: n } = Explained::from(&e);
                view! { <Alert message=format!("Reading the accounts failed. {m}") next_step=n /> }.into_any()
            }
            (None, _) => view! { <Status message="Loading the account…" busy=true /> }.into_any(),
        }}
    }
}

#[component]
fn AccountView(
    row: AccountRow,
    pending: RwSignal<Option<AccountChange>>,
    busy: Signal<bool>,
    waiting: RwSignal<Option<String>>,
    result: RwSignal<Option<(AccountChange, Outcome)>>,
    confirm: impl Fn(leptos::ev::MouseEvent) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let session = SessionCtx::use_ctx();
    let store = ProfileStore::use_ctx();
    let (user, origin) = curl_origin(&session);
    let base = Base::current();
    let row = StoredValue::new(row);
    let r = row.get_value();
    let may_modify = session.session.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| s.identity.access != ontap_model::Access::ReadOnly)
    });
    let profile_link = store.profile_of(&r.owner_uuid, &r.name).and_then(|_| {
        let key = ontap_model::TotpKey {
            owner: r.owner_uuid.as_str().try_into().ok()?,
            account: r.name.as_str().try_into().ok()?,
        };
        Some(base.editor(&key))
    });
    let changes = [
        AccountChange::RequireTotp,
        AccountChange::StopRequiringTotp,
        AccountChange::Unlock,
    ];
    let totp_class = format!("badge badge-acct-{}", r.totp.slug());
    view! {
        <h1 class="account-title">{crate::text::name(&r.name)} <span class="muted">" · " {crate::text::name(&r.svm)}</span></h1>
        <dl class="facts facts-grid">
            <div><dt>"SVM"</dt><dd>{crate::text::name(&r.svm)}</dd></div>
            <div><dt>"Scope"</dt><dd>{r.scope.clone()}</dd></div>
            <div><dt>"Role"</dt><dd>{r.role.clone()}</dd></div>
            <div><dt>"Locked"</dt><dd id="fact-locked">{if r.locked { "Locked" } else { "No" }}</dd></div>
            <div><dt>"SSH methods"</dt><dd id="fact-ssh">{r.ssh_label()}</dd></div>
            <div><dt>"SSH second factor"</dt><dd id="fact-second">{r.second.clone()}</dd></div>
            <div><dt>"TOTP"</dt><dd><span class=totp_class id="fact-totp">{r.totp.label()}</span></dd></div>
            <div><dt>"Applications"</dt><dd>{
                r.account.applications.iter().map(|a| format!(
                    "{} ({}{})",
                    a.application.clone().unwrap_or_default(),
                    a.authentication_methods.join(", "),
                    match a.second_authentication_method.as_deref() {
                        Some(s) if s != "none" => format!(" + {s}"),
                        _ => String::new(),
                    }
                )).collect::<Vec<_>>().join("; ")
            }</dd></div>
        </dl>
        <p class="links">
            {profile_link.map(|h| view! { <EncodedLink href=h>"Open the TOTP profile"</EncodedLink> " · " })}
            {(r.totp == TotpState::NotEnrolled).then(|| view! { <span class="muted">"No TOTP profile yet: the user enrolls by signing in with their first factor. · "</span> })}
            <EncodedLink href=base.history(Some(&r.owner_uuid), Some(&r.svm), &r.name)>"History of this account"</EncodedLink>
        </p>
        {move || result.get().map(|(c, out)| match out {
            Outcome::Done { by_check: false, .. } => view! { <Status message=format!("{}: done. The cluster confirmed the change.", c.label()) /> }.into_any(),
            Outcome::Done { by_check: true, .. } => view! { <Status message=format!("{}: done. The answer was lost, but re-reading the account shows the change.", c.label()) /> }.into_any(),
            Outcome::NotApplied(e) => {
                let m = Explained::from(&e).message;
                view! { <Alert message=format!("{}: not done. {m} Re-reading the account after the cluster could no longer act on the request shows the change is not there.", c.label()) next_step="Nothing was resent. Choose the change again to send it.".to_string() /> }.into_any()
            }
            Outcome::Refused(why) => view! { <Alert message=format!("{}: not sent.", c.label()) next_step=why.to_string() /> }.into_any(),
            Outcome::Failed(e) => {
                let Explained { message: m, next_step: n } = Explained::from(&e);
                view! { <Alert message=format!("{}: not done. {m}", c.label()) next_step=n /> }.into_any()
            }
            Outcome::Unknown(e) => {
                let m = Explained::from(&e).message;
                view! { <Alert message=format!("{}: the answer was lost and the account could not be read again, so whether the change was made is not known. {m}", c.label()) next_step="Reload the accounts before trying again: nothing was resent.".to_string() /> }.into_any()
            }
        })}
        <section class="account-actions" aria-labelledby="actions-h">
            <h2 id="actions-h">"Changes"</h2>
            {(!may_modify).then(|| view! { <p class="note">"This session's role may read accounts but not change them."</p> })}
            <ul class="action-list">
                {changes.into_iter().map(|c| {
                    let plan = row.with_value(|r| c.plan(&r.account));
                    let allowed = plan.is_ok() && may_modify;
                    let why = plan.err();
                    let id = format!("why-{}", match c { AccountChange::RequireTotp => "require", AccountChange::StopRequiringTotp => "stop", AccountChange::Unlock => "unlock" });
                    view! {
                        <li>
                            <button type="button" class="button"
                                class:button-primary=c == AccountChange::RequireTotp && allowed
                                disabled=move || !allowed || busy.get() || pending.get().is_some()
                                aria-describedby=why.as_ref().map(|_| id.clone())
                                on:click=move |_| { result.set(None); pending.set(Some(c)); }
                            >{c.label()} "…"</button>
                            {why.map(|w| view! { <span class="muted action-why" id=id.clone()>{w.to_string()}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        {move || pending.get().map(|c| {
            let p = row.with_value(|r| preview(r, c, &user, &origin));
            let confirm = confirm.clone();
            view! {
                <section class="confirm-panel" role="dialog" aria-modal="false" aria-labelledby="confirm-h">
                    <h2 id="confirm-h">{format!("{} for {}?", c.label(), row.with_value(|r| r.name.clone()))}</h2>
                    <p>{match c {
                        AccountChange::RequireTotp => "SSH will ask this account for a TOTP code after its first factor. Every other application and method stays as it is. Until the user enrolls, SSH sign-in needs the profile set up first.",
                        AccountChange::StopRequiringTotp => "SSH will no longer ask this account for a TOTP code. Its profile, if any, stays on the cluster.",
                        AccountChange::Unlock => "The account may sign in again with its current credentials.",
                    }}</p>
                    {move || waiting.get().map(|until| view! {
                        <Status message=format!("The answer was lost. Re-reading the account does not show the change yet, but the cluster may still carry it out until {until}: the page reads it again then, and sends nothing meanwhile.") busy=true />
                    })}
                    {match p {
                        Ok(p) => view! {
                            <div class="preview-part">
                                <h3 id="confirm-request-h">"REST request"</h3>
                                <pre class="code" tabindex="0" role="region" aria-labelledby="confirm-request-h"><code id="confirm-request">{p.request.clone()}</code>"\n"<code id="confirm-body">{p.body.clone()}</code></pre>
                                <h3 id="confirm-cli-h">"The same change in the ONTAP CLI"</h3>
                                {match p.cli.clone() {
                                    Ok(line) => view! {
                                        <pre class="code" tabindex="0" role="region" aria-labelledby="confirm-cli-h"><code id="confirm-cli">{line.clone()}</code></pre>
                                        <CopyButton text=Signal::derive(move || line.clone()) label="Copy the CLI command" />
                                    }.into_any(),
                                    Err(e) => view! { <p class="muted" id="confirm-cli">{e}</p> }.into_any(),
                                }}
                                <h3 id="confirm-curl-h">"The same change with curl"</h3>
                                <pre class="code" tabindex="0" role="region" aria-labelledby="confirm-curl-h"><code id="confirm-curl">{p.curl.clone()}</code></pre>
                                <CopyButton text=Signal::derive({ let c = p.curl.clone(); move || c.clone() }) label="Copy the curl line" />
                                <p class="preview-note">"curl asks for the password: it is never part of what this page shows or copies."</p>
                            </div>
                        }.into_any(),
                        Err(why) => view! { <p>{why.to_string()}</p> }.into_any(),
                    }}
                    <div class="confirm-buttons">
                        <button type="button" class="button button-primary" id="confirm-yes"
                            disabled=move || busy.get() on:click=confirm>
                            {move || if busy.get() { "Sending…" } else { match c {
                                AccountChange::RequireTotp => "Yes, require TOTP",
                                AccountChange::StopRequiringTotp => "Yes, stop requiring TOTP",
                                AccountChange::Unlock => "Yes, unlock",
                            } }}
                        </button>
                        <button type="button" class="button" disabled=move || busy.get()
                            on:click=move |_| pending.set(None)>"Cancel"</button>
                    </div>
                </section>
            }
        })}
    }
}
