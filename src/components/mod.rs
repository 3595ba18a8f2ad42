//! Small views used by several pages, and the presentation of errors ([`explain`]). Uses the
//! api, session, store and tables layers; never a page.

pub mod batch;
pub mod copy;
pub mod download;
pub mod explain;
pub mod field;
pub mod filter_select;
pub(crate) mod fleet_signin;
pub mod link;
pub mod notice;
pub mod retrying;
pub mod theme;
pub mod virtual_table;

pub(crate) use copy::CopyButton;
pub(crate) use download::download;
pub(crate) use explain::Explained;
pub(crate) use field::{CheckboxField, TextField};
pub(crate) use filter_select::{same_options, FilterSelect};
pub(crate) use fleet_signin::{ClusterSignIn, FleetSignIn};
pub(crate) use link::EncodedLink;
pub(crate) use notice::{Alert, Status};
pub(crate) use retrying::RetryNote;
pub use virtual_table::{headings, VirtualScroll, VirtualTable};
