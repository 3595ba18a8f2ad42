//! The ONTAP REST client: the transport in [`http`], collection walking in [`list`], one module
//! per endpoint family.

pub mod accounts;
pub mod audit;
pub mod cluster;
pub mod http;
pub mod identity;
pub mod list;
pub mod retry;
pub mod totps;

pub use http::{ApiError, Client};
