//! Small views used by several pages, and the presentation of errors ([`explain`]). Uses the
//! api, session, store and tables layers; never a page.

pub mod batch;
pub mod copy;
pub mod download;
pub mod explain;
pub mod field;
pub mod filter_select;
pub mod link;
pub mod notice;
pub mod retrying;
pub mod theme;
pub mod virtual_table;

pub use copy::CopyButton;
pub use download::download;
pub use explain::Explained;
pub use field::{CheckboxField, TextField};
pub use filter_select::{same_options, FilterSelect};
pub use link::EncodedLink;
pub use notice::{Alert, Status};
pub use retrying::RetryNote;
pub use virtual_table::{headings, VirtualScroll, VirtualTable};
