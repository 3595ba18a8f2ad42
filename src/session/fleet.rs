//! Signing in to a fleet (issue 19, the direct layout): one credential set may serve several
//! clusters, but it is tried on one cluster first and offered to the others only once that
//! cluster accepted it. A 401 is never retried by the page (fifty failed sign-ins lock an AD
//! account): a cluster that refuses the shared set asks for its own, and only it asks.
//! Each cluster gets its own [`Client`] on its own base. Credentials live in those clients
//! (memory only), never in a URL, a log or storage.

use ontap_model::Cluster;

use crate::api::{cluster, ApiError, Client};

/// Where a cluster stands.
#[derive(Clone)]
pub(crate) enum Access {
    /// No credentials were offered to it yet.
    Waiting,
    /// A sign-in is on its way.
    Trying,
    /// It accepted; its client and what it said about itself.
    In { client: Client, cluster: Cluster },
    /// It refused the shared credentials (401): it asks for its own, and nothing is offered
    /// to it again without the user.
    Refused,
    /// It could not be asked, or did not answer as a cluster: why.
    Unreachable(ApiError),
}

/// [`Access`] without its data, for the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    Waiting,
    Trying,
    In,
    Refused,
    Unreachable,
}

impl Access {
    pub(crate) fn stage(&self) -> Stage {
        match self {
            Access::Waiting => Stage::Waiting,
            Access::Trying => Stage::Trying,
            Access::In { .. } => Stage::In,
            Access::Refused => Stage::Refused,
            Access::Unreachable(_) => Stage::Unreachable,
        }
    }
}

/// The cluster a new credential set is tried on first: the first one nothing was offered to
/// yet, else the first that could not be reached. `None` while one is being tried, or when
/// none is left (the refused ones ask for their own).
pub(crate) fn first_to_try(stages: &[Stage]) -> Option<usize> {
    if stages.contains(&Stage::Trying) {
        return None;
    }
    stages
        .iter()
        .position(|s| *s == Stage::Waiting)
        .or_else(|| stages.iter().position(|s| *s == Stage::Unreachable))
}

/// The clusters an accepted set is offered to next: every one not signed in that has not
/// refused it and is not being tried.
pub(crate) fn offer_to(stages: &[Stage]) -> Vec<usize> {
    stages
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s, Stage::Waiting | Stage::Unreachable))
        .map(|(i, _)| i)
        .collect()
}

/// What one try came to.
pub(crate) enum Tried {
    In {
        client: Client,
        cluster: Cluster,
    },
    /// 401: the credentials were refused. Never retried.
    Refused,
    /// Anything else: the cluster could not say yes or no.
    Unreachable(ApiError),
}

/// Offers a client's credentials to its cluster once: `GET /api/cluster` (its name, UUID and
/// release). A read that failed in transit is retried by the client as any read; a 401 is an
/// answer, and is not. The client is the caller's (`store::fleet`): on the cluster's own
/// base, or on a Unified Manager gateway's tunnel with its link base and write rule. The
/// fleet's clients report nothing to a listener: the fleet's own state says it all.
pub(crate) async fn try_with(client: Client) -> Tried {
    match cluster::get(&client).await {
        Ok(cluster) => Tried::In { client, cluster },
        Err(ApiError::Unauthorized) => Tried::Refused,
        Err(e) => Tried::Unreachable(e),
    }
}

#[cfg(test)]
mod tests {
    use super::Stage::*;
    use super::*;

    #[test]
    fn a_new_set_goes_to_one_cluster_first() {
        assert_eq!(first_to_try(&[Waiting, Waiting, Waiting]), Some(0));
        // One that could not be reached is passed over while another waits...
        assert_eq!(first_to_try(&[Unreachable, Waiting]), Some(1));
        // ...and tried when nothing else is left.
        assert_eq!(first_to_try(&[In, Refused, Unreachable]), Some(2));
        // Never two at a time, never a cluster that refused.
        assert_eq!(first_to_try(&[Trying, Waiting]), None);
        assert_eq!(first_to_try(&[In, Refused]), None);
    }

    #[test]
    fn an_accepted_set_is_offered_to_the_others_but_never_to_one_that_refused() {
        assert_eq!(
            offer_to(&[In, Waiting, Refused, Unreachable, Trying, Waiting]),
            [1, 3, 5]
        );
        assert!(offer_to(&[In, Refused]).is_empty());
    }
}
