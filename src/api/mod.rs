//! The ONTAP REST client: the transport in [`http`], one module per endpoint family.

pub mod cluster;
pub mod http;
pub mod totps;

pub use http::{ApiError, Client};
