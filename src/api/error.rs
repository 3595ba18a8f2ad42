//! Everything that can go wrong with a call, as plain data: the transport decodes every failure
//! into an [`ApiError`]; `components::explain` puts it into words.

use ontap_model::{ErrorResponse, Known};

/// Everything that can go wrong with a call, in the terms the page explains it in.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// 401: the credentials were refused (or the account may not use the REST API).
    Unauthorized,
    /// The cluster answered with an ONTAP error body.
    Ontap { status: u16, body: ErrorResponse },
    /// The server answered with a status and a body that is not an ONTAP error (a proxy page,
    /// a truncated body...). `status` 502/504 come from a proxy that lost the cluster.
    Http { status: u16 },
    /// No answer within the timeout.
    Timeout,
    /// The request never got an answer: connection refused or dropped, or a network error.
    Network,
    /// A 2xx answer whose body is not what the contract says.
    Decode(String),
    /// The page itself did not send the change (nothing reached the cluster): the reason, for
    /// instance an account that changed since the review so that the change no longer applies.
    NotSent(String),
    /// A listing's `_links.next` the page will not follow: not a path below `/api/`, or a page
    /// the same walk already read (a loop).
    BadNextLink(BadLink),
    /// A read abandoned by the page: the view that asked for it went away, so no one is left
    /// to show its answer. Reads only; writes are never aborted.
    Aborted,
    /// A write through a Unified Manager API gateway whose signed-in user may not write (only
    /// Application Administrators may: `api::gateway::WriteGate`). `sent`: this write reached
    /// the gateway and was refused (the first); else it was kept from the network because an
    /// earlier one was. `said`: the refusal's own message, if it had one.
    GatewayWriteRefused { sent: bool, said: String },
}

/// Why a listing's next-page link was not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadLink {
    /// Not a path starting `/api/` (a scheme, a host, `..`, or anything else).
    NotAnApiPath,
    /// A page this walk already read: following it would loop.
    Loop,
}

impl ApiError {
    /// For a write: true when the change may or may not have been applied, so the page must
    /// re-read before saying anything (and must never resend it blindly).
    pub(crate) fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Timeout | ApiError::Network => true,
            ApiError::Http { status } => matches!(status, 502 | 504),
            ApiError::Decode(_) => true,
            ApiError::Ontap { status, .. } => matches!(status, 502 | 504),
            ApiError::Unauthorized
            | ApiError::NotSent(_)
            | ApiError::BadNextLink(_)
            | ApiError::GatewayWriteRefused { .. } => false,
            // Writes are never aborted; were one, what it did would be unknown.
            ApiError::Aborted => true,
        }
    }

    /// The catalogue entry, when the cluster sent a known code.
    pub(crate) fn known(&self) -> Option<Known> {
        match self {
            ApiError::Ontap { body, .. } => body.known(),
            _ => None,
        }
    }

    /// The field the cluster blamed (`target`), if any.
    pub(crate) fn field(&self) -> Option<String> {
        match self {
            ApiError::Ontap { body, .. } => body.field().map(str::to_owned),
            _ => None,
        }
    }
}
