//! The accounts view: every account the session may see, with its SSH methods, second factor,
//! lock, and TOTP state joined from the profiles; filter, sort and counts in the URL like the
//! profile table; windowed rows; a selection for bulk changes (reviewed first: what changes,
//! what is skipped and why), run by the shared bulk runner ([`crate::store::batch`]). The
//! page's parts share one [`state::Accounts`].

pub mod detail;
mod filters;
mod review;
mod state;
mod table;

use leptos::prelude::*;

use filters::{AccountCounts, FilterBar, LoadState, PageHead};
use review::{ReviewPanel, RunPanel, SelectionBar};
use state::Accounts;
use table::{AccountTable, SummaryLine};

pub(crate) use detail::AccountPage;

#[component]
pub(crate) fn AccountsPage() -> impl IntoView {
    let a = Accounts::new();
    view! {
        <PageHead a=a />
        <AccountCounts a=a />
        <LoadState a=a />
        <FilterBar a=a />
        <SelectionBar a=a />
        <ReviewPanel a=a />
        <RunPanel a=a />
        <SummaryLine a=a />
        <AccountTable a=a />
    }
}
