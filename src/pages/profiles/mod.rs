//! The profile table: every profile the session may see, plus the accounts that must use TOTP
//! and have no profile. Filter, sort and the view state live in the URL; only the visible rows
//! are in the DOM (a [`crate::components::VirtualTable`]), so 10,000 profiles stay fast. The
//! page's parts share one [`state::Profiles`].

mod filters;
mod state;
mod summary;
mod table;

use leptos::prelude::*;

use filters::FilterBar;
use state::Profiles;
use summary::{LoadState, PageHead, SelectionBar, StatusCounts, SummaryLine};
use table::ProfileTable;

#[component]
pub(crate) fn ProfilesPage() -> impl IntoView {
    let p = Profiles::new();
    view! {
        <PageHead p=p />
        <StatusCounts p=p />
        <LoadState p=p />
        <SelectionBar p=p />
        <FilterBar p=p />
        <SummaryLine p=p />
        <ProfileTable p=p />
    }
}
