//! The ONTAP REST types and rules shared by the totp-admin page (wasm32) and the ontap-sim
//! emulator (native). No web and no server dependency lives here: a rule of the contract is
//! written once, in this crate, and both sides use it.

pub mod account;
pub mod account_change;
pub mod bulk;
pub mod cli;
pub mod cluster;
pub mod collection;
pub mod enroll;
pub mod error;
pub mod mfa;
pub mod names;
pub mod otp;
pub mod reset;
pub mod role;
pub mod totp;

pub use account::Account;
pub use cluster::{Cluster, Version};
pub use collection::{Collection, Direction, Query};
pub use error::{ErrorCode, ErrorResponse, Guidance, Known};
pub use names::{AccountName, AccountNameError, Comment, CommentError, OwnerUuid, OwnerUuidError};
pub use role::Access;
pub use totp::{
    CreateBodyError, PatchBodyError, Scope, Totp, TotpCreate, TotpCreated, TotpEdit, TotpKey,
    TotpPatch,
};
