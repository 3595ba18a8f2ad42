//! The screens' split points (issue 20): each screen is made by a wasm module of its own (or
//! a related screen's), which release builds fetch when the screen is first opened; the
//! signed-in page's and a fleet's page's are in `split`. Debug builds are one module and
//! these are plain calls.

use leptos::prelude::*;

use crate::session::signin::{Later, NotLoaded};

/// A screen of the signed-in page, made by the wasm module it is in ([`super::lazy::Lazy`]
/// shows it).
macro_rules! screen {
    ($(#[$doc:meta])* $module:ident, $name:ident, $inner:ident, $preload:ident, $view:expr) => {
        #[cfg(not(debug_assertions))]
        #[leptos::wasm_split::wasm_split(
            $module,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload(#[allow(dead_code)] $preload)
        )]
        fn $inner() -> Result<AnyView, NotLoaded> {
            Ok($view.into_any())
        }
        #[cfg(debug_assertions)]
        async fn $inner() -> Result<AnyView, NotLoaded> {
            Ok($view.into_any())
        }
        $(#[$doc])*
        pub(crate) fn $name() -> Later<AnyView> {
            Box::pin($inner())
        }
    };
}

screen!(
    /// The profiles table (what an admin opens first), with the editor in the same module.
    profiles, profiles, profiles_view, preload_profiles,
    view! { <crate::pages::profiles::ProfilesPage /> }
);
screen!(
    /// The editor of one profile.
    profiles, profile, profile_view, preload_profile,
    view! { <crate::pages::profile::ProfilePage /> }
);
screen!(
    /// Bulk changes of the selected profiles.
    bulk, bulk, bulk_view, preload_bulk,
    view! { <crate::pages::bulk::BulkPage /> }
);
screen!(
    /// The accounts view.
    accounts, accounts, accounts_view, preload_accounts,
    view! { <crate::pages::accounts::AccountsPage /> }
);
screen!(
    /// One account, with the account page in the accounts' module.
    accounts, account, account_view, preload_account,
    view! { <crate::pages::accounts::AccountPage /> }
);
screen!(
    /// The cluster's audit history.
    history, history, history_view, preload_history,
    view! { <crate::pages::history::HistoryPage /> }
);
screen!(
    /// Self-enrollment (what an SVM user comes for).
    enroll, enroll, enroll_view, preload_enroll,
    view! { <crate::pages::enroll::EnrollPage /> }
);
screen!(
    /// The change log of this session.
    changes, changes, changes_view, preload_changes,
    view! { <crate::pages::changes::ChangesPage /> }
);
screen!(
    /// A fleet's overview.
    overview, overview, overview_view, preload_overview,
    view! { <crate::pages::fleet::FleetOverview /> }
);
screen!(
    /// A fleet's profiles table.
    fleet_tables, fleet_profiles, fleet_profiles_view, preload_fleet_profiles,
    view! { <crate::pages::fleet_tables::FleetProfilesPage /> }
);
screen!(
    /// A fleet's accounts table.
    fleet_tables, fleet_accounts, fleet_accounts_view, preload_fleet_accounts,
    view! { <crate::pages::fleet_tables::FleetAccountsPage /> }
);
screen!(
    /// Offboarding across the fleet.
    offboard, offboard, offboard_view, preload_offboard,
    view! { <crate::pages::fleet_offboard::FleetOffboard /> }
);

/// A screen's module, for fetching it before it is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Module {
    Profiles,
    Accounts,
    Overview,
    FleetTables,
    Offboard,
}

impl Module {
    /// Fetches the module, unless it is here or on its way (a failure is not kept: opening
    /// the screen tries again and says so).
    pub(crate) fn prefetch(self) {
        #[cfg(not(debug_assertions))]
        leptos::task::spawn_local(self.fetch());
    }

    /// [`Module::prefetch`], awaited: done when the module is here or did not come.
    pub(crate) async fn fetch(self) {
        #[cfg(not(debug_assertions))]
        let _ = match self {
            Module::Profiles => preload_profiles().await,
            Module::Accounts => preload_accounts().await,
            Module::Overview => preload_overview().await,
            Module::FleetTables => preload_fleet_profiles().await,
            Module::Offboard => preload_offboard().await,
        };
    }

    /// The module of a fleet's screen at `path` that shows the fleet's sign-in form before any
    /// sign-in (a cluster's own screens show it from the fleet's own module).
    pub(crate) fn first_of_fleet(path: &str) -> Option<Module> {
        let p = path.trim_end_matches('/');
        if p == crate::routes::FLEET.trim_end_matches('/') {
            Some(Module::Overview)
        } else if p == crate::routes::FLEET_PROFILES || p == crate::routes::FLEET_ACCOUNTS {
            Some(Module::FleetTables)
        } else {
            None
        }
    }
}
