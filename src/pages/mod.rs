//! One module per screen, and the re-sign-in dialog shown over any of them. A page never
//! imports another page's files: links go through [`crate::routes`], shared state through the
//! store.

pub mod accounts;
pub mod bulk;
pub mod changes;
pub mod connect;
pub mod enroll;
pub mod fleet;
pub mod fleet_offboard;
pub mod fleet_tables;
pub mod history;
pub mod profile;
pub mod profiles;
pub mod reauth;
