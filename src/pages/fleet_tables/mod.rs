//! The fleet's profile and account tables (issue 19): every cluster's rows in one table with
//! a Cluster column and filter, filled in cluster by cluster as each cluster's read for the
//! overview ends (`store::fleet_rows`: no second read). A cluster that could not be read says
//! why above the table, and the others' rows show. Before any cluster is signed in, the page
//! says so and links to the overview, where the sign-in is.

mod accounts;
mod parts;
mod profiles;
mod state;

pub(crate) use accounts::FleetAccountsPage;
pub(crate) use profiles::FleetProfilesPage;
