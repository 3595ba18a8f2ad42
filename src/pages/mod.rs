//! One module per screen.

pub mod changes;
pub mod connect;
pub mod enroll;
pub mod profile;
pub mod profiles;
