//! One module per screen.

pub mod accounts;
pub mod changes;
pub mod connect;
pub mod enroll;
pub mod history;
pub mod listing;
pub mod profile;
pub mod profiles;
