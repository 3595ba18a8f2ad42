//! Small views used by several pages.

pub mod field;
pub mod notice;

pub use field::{CheckboxField, TextField};
pub use notice::{Alert, Status};
