//! The ONTAP client: the transport in [`http`] (credentials in [`credentials`], timeouts in
//! [`timing`], read retries in [`retry`]), collection walking in [`list`], one module per
//! endpoint family. No Leptos, no page state, no sentences for the user: errors and reports are
//! data, which the layers above turn into signals and words.

pub mod accounts;
pub mod audit;
pub mod cluster;
pub mod credentials;
pub mod error;
pub mod factors;
pub mod fleet;
pub mod gateway;
pub mod gateway_writes;
pub mod http;
pub mod identity;
pub mod list;
mod reads;
pub mod retry;
pub mod timing;
pub mod totps;

pub use credentials::{jwt_user, Credentials};
pub use error::ApiError;
pub use http::{deaf, Client, Listener, Report};
