//! Who is signed in to which cluster: the session's state and context ([`state`]), sign-in and
//! its re-validation ([`signin`]), the opt-in keeping in the tab ([`persist`]), idle sign-out
//! and its warning ([`idle`]), the page's tabs telling each other ([`tabs`]), and the clients'
//! reports as signals ([`reports`]). Uses only the api layer.

pub mod failure;
pub mod fleet;
pub mod idle;
pub mod persist;
pub mod reports;
pub mod signin;
pub mod state;
pub mod tabs;

pub use failure::Failure;
pub use state::{
    EditRights, Identity, Session, SessionCtx, SignedOut, Stakes, DEFAULT_API_BASE,
    DEFAULT_IDLE_MINUTES, MAX_IDLE_MINUTES,
};
