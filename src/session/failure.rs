//! Why a session could not be established: plain data, put into words by the page's
//! `components::explain`.

use crate::api::ApiError;

/// Why a session could not be established.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    Api(ApiError),
    /// The cluster runs a release without TOTP (before 9.13): its version.
    TooOld(String),
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        Failure::Api(e)
    }
}
