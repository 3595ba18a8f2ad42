//! The accounts view's heading (Export CSV, links, Reload), its counts by TOTP state and lock
//! (each a filter), the loading state, and the filter bar: text, SVM, TOTP and lock.

use leptos::prelude::*;
use leptos_router::components::A;

use super::state::Accounts;
use crate::components::{same_options, Alert, Explained, FilterSelect};
use crate::store::AccountsLoad as Load;
use crate::tables::accounts::{Counts, TotpState};
use crate::tables::factors::Kind;
use crate::text::number;

/// The page's heading with Export CSV, the links to the other tables, and Reload.
#[component]
pub(crate) fn PageHead(a: Accounts) -> impl IntoView {
    let (store, visible) = (a.store, a.visible);
    // Only a complete picture is exported: while a listing is still coming in, or when the
    // profiles could not be read (every account that requires TOTP would read "Not
    // enrolled"), the button waits.
    let exportable = move || {
        store.accounts_load() == Load::Done
            && store.profiles_failed().is_none()
            && visible.with(|v| !v.is_empty())
    };
    let export = move |_| {
        let csv = visible.with_untracked(|v| {
            store.account_rows.with_untracked(|rows| {
                crate::tables::accounts::to_csv(v.iter().filter_map(|&i| rows.get(i)))
            })
        });
        crate::components::download("totp-accounts.csv", "text/csv;charset=utf-8", &csv);
    };
    view! {
        <div class="page-head">
            <h1>"Accounts"</h1>
            <div class="page-actions">
                <button type="button" class="button" on:click=export
                    disabled=move || !exportable()>"Export CSV"</button>
                <A href=a.base.with_value(crate::routes::Base::profiles) attr:class="button">"TOTP profiles"</A>
                <A href=a.base.with_value(|b| b.at(crate::routes::HISTORY)) attr:class="button">"History"</A>
                <button type="button" class="button" on:click=move |_| store.reload()
                    disabled=move || store.accounts_load() == Load::Loading>"Reload"</button>
            </div>
        </div>
    }
}

/// The counts by TOTP state and of locked accounts; each toggles its filter.
#[component]
pub(crate) fn AccountCounts(a: Accounts) -> impl IntoView {
    let (store, view_state) = (a.store, a.view_state);
    let counts = Memo::new(move |_| store.account_rows.with(|r| Counts::of(r)));
    let pressed = |on: bool| if on { "true" } else { "false" };
    view! {
        <ul class="counts" aria-label="Accounts by TOTP state">
            {TotpState::ALL.into_iter().map(|s| view! {
                <li>
                    <button type="button" class=format!("count count-acct-{}", s.slug())
                        aria-pressed=move || pressed(view_state.with(|v| v.filters.totp == Some(s)))
                        on:click=move |_| a.update(|v| {
                            v.filters.totp = if v.filters.totp == Some(s) { None } else { Some(s) };
                        })>
                        <span class="count-n">{move || counts.with(|c| number(c.get(s)))}</span>
                        <span class="count-label">{s.label()}</span>
                    </button>
                </li>
            }).collect_view()}
            <li>
                <button type="button" class="count count-acct-locked"
                    aria-pressed=move || pressed(view_state.with(|v| v.filters.locked == Some(true)))
                    on:click=move |_| a.update(|v| {
                        v.filters.locked = if v.filters.locked == Some(true) { None } else { Some(true) };
                    })>
                    <span class="count-n">{move || counts.with(|c| number(c.locked))}</span>
                    <span class="count-label">"Locked"</span>
                </button>
            </li>
        </ul>
        <ul class="counts counts-factors" aria-label="Accounts by second factor">
            {move || {
                let shown: Vec<Kind> = store.factors.with(|f| Kind::ALL.into_iter().filter(|k| k.on(f)).collect());
                shown.into_iter().map(|k| view! {
                    <li>
                        <button type="button" class=format!("count count-factor count-{}", k.slug())
                            aria-pressed=move || pressed(view_state.with(|v| v.filters.factor == Some(k)))
                            on:click=move |_| a.update(|v| {
                                v.filters.factor = if v.filters.factor == Some(k) { None } else { Some(k) };
                            })>
                            <span class="count-n">{move || counts.with(|c| number(c.kind(k)))}</span>
                            <span class="count-label">{k.label()}</span>
                        </button>
                    </li>
                }).collect_view()
            }}
        </ul>
        <FactorNotes a=a />
    }
}

/// What the second-factor columns cannot say: a kind the release does not have, a collection
/// that could not be read (no permission, not found), with why.
#[component]
fn FactorNotes(a: Accounts) -> impl IntoView {
    let store = a.store;
    move || {
        store.factors.with(|f| {
            let release = f.release_text();
            let mut notes: Vec<String> = Vec::new();
            if !f.duo_on_release() {
                notes.push(format!("Cisco Duo for SSH needs ONTAP 9.14.1; this cluster runs {release}."));
            } else if let Some(e) = f.duo_failed() {
                notes.push(format!(
                    "The Cisco Duo profiles could not be read, so the SSH column cannot say whom Duo covers (\"Duo unknown\"). {}",
                    Explained::from(e).message
                ));
            }
            if !f.webauthn_on_release() {
                notes.push(format!("WebAuthn keys for the web UI need ONTAP 9.16.1; this cluster runs {release}, so the web column claims nothing."));
            } else if let Some(e) = f.webauthn_failed() {
                notes.push(format!(
                    "The WebAuthn credentials could not be read, so whether a key is registered is unknown. {}",
                    Explained::from(e).message
                ));
            }
            notes.into_iter().map(|n| view! { <p class="note factor-note">{n}</p> }).collect_view()
        })
    }
}

/// Loading, or why loading stopped; the note when the profiles could not be read.
#[component]
pub(crate) fn LoadState(a: Accounts) -> impl IntoView {
    let store = a.store;
    let progress = move || match store.accounts_load() {
        Load::Loading => Some(
            view! { <div class="loading" role="status"><p>"Loading the accounts…"</p></div> }
                .into_any(),
        ),
        Load::Failed(e) => {
            let Explained {
                message: m,
                next_step: n,
            } = Explained::from(&e);
            Some(view! {
                <Alert message=format!("Loading the accounts stopped. {m}") next_step=n>
                    <button type="button" class="button" on:click=move |_| store.reload()>"Try again"</button>
                </Alert>
            }.into_any())
        }
        _ => None,
    };
    view! {
        {progress}
        {move || store.profiles_failed().map(|e| {
            let m = Explained::from(&e).message;
            view! { <p class="note">"The TOTP profiles could not be read, so accounts that require TOTP show as not enrolled. " {m}</p> }
        })}
    }
}

#[component]
pub(crate) fn FilterBar(a: Accounts) -> impl IntoView {
    let (store, view_state) = (a.store, a.view_state);
    let svms = Memo::new(move |_| {
        store.account_rows.with(|r| {
            let mut s: Vec<String> = r.iter().map(|x| x.svm.clone()).collect();
            s.sort();
            s.dedup();
            same_options(s)
        })
    });
    let states: Vec<(String, String)> = TotpState::ALL
        .into_iter()
        .map(|s| (s.slug().to_owned(), s.label().to_owned()))
        .collect();
    let locks = vec![
        ("yes".to_owned(), "Locked".to_owned()),
        ("no".to_owned(), "Not locked".to_owned()),
    ];
    view! {
        <div class="filters" role="search">
            <div class="filter-text">
                <label for="acct-filter">"Filter"</label>
                <input id="acct-filter" type="search" placeholder="Account, SVM or role"
                    prop:value=move || view_state.with(|v| v.text.clone())
                    on:input=move |ev| a.type_text(event_target_value(&ev)) />
            </div>
            <FilterSelect id="acct-svm" label="SVM" all="All SVMs" options=svms
                value=Signal::derive(move || view_state.with(|v| v.svm.clone()))
                on_pick=Callback::new(move |s| a.update(|v| v.svm = s)) />
            <FilterSelect id="acct-totp" label="TOTP" all="Any" options=Signal::stored(states)
                value=Signal::derive(move || view_state.with(|v| v.filters.totp.map(|t| t.slug().to_owned())))
                on_pick=Callback::new(move |s: Option<String>| {
                    a.update(|v| v.filters.totp = s.as_deref().and_then(TotpState::from_slug))
                }) />
            <FilterSelect id="acct-locked" label="Locked" all="Any" options=Signal::stored(locks)
                value=Signal::derive(move || view_state.with(|v| v.filters.locked.map(|l| if l { "yes" } else { "no" }.to_owned())))
                on_pick=Callback::new(move |s: Option<String>| a.update(|v| {
                    v.filters.locked = match s.as_deref() { Some("yes") => Some(true), Some("no") => Some(false), _ => None };
                })) />
        </div>
    }
}
