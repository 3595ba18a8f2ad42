//! One module per screen.

pub mod connect;
pub mod profile;
pub mod profiles;
