//! Small views used by several pages.

pub mod copy;
pub mod download;
pub mod field;
pub mod link;
pub mod notice;
pub mod retrying;

pub use copy::CopyButton;
pub use download::download;
pub use field::{CheckboxField, TextField};
pub use link::EncodedLink;
pub use notice::{Alert, Status};
pub use retrying::RetryNote;
