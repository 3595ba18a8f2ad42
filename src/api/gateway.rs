//! Active IQ Unified Manager's API gateway (issue 19): `GET /api/gateways` lists the clusters
//! Unified Manager manages, and `/api/gateways/{uuid}/{ONTAP path without /api/}` tunnels any
//! ONTAP call to one of them (Unified Manager's page "Accessing ONTAP APIs through proxy
//! access"). The page signs in with Unified Manager's own credentials (basic authentication:
//! the only scheme Unified Manager documents for its API) and every tunnelled call runs on the
//! cluster as the account Unified Manager stores for it, never as the user signed in.
//!
//! The write rule: "All users can run a query by using the GET operation. Application
//! Administrators can run all ONTAP REST operations." Unified Manager gives no way to learn the
//! role first (its `/api/security/users` needs the Application Administrator role itself, and a
//! user who has it through a remote group has no record under their own name), so a gateway's
//! [`WriteGate`] (`gateway_writes.rs`) learns it from the first write: refused, and no further write goes through
//! that gateway for the rest of the sign-in; accepted, and the role is known.

use ontap_model::{Cluster, Query};

pub use super::gateway_writes::{WriteGate, Writes};
use super::http::{ApiError, Client};
use super::list;

/// The gateway's listing, below Unified Manager's API base.
pub const GATEWAYS_PATH: &str = "/gateways";

/// Every cluster the gateway lists (all pages), as it describes them (`uuid`, `name`,
/// `version`). A record whose UUID could not stand in a path is left out and counted: the
/// tunnel's address is built from it.
pub async fn clusters(client: &Client) -> Result<(Vec<Cluster>, usize), ApiError> {
    let mut all: Vec<Cluster> = Vec::new();
    list::all(client, GATEWAYS_PATH, Query::new(), None, |page| {
        all.extend(page)
    })
    .await?;
    let before = all.len();
    all.retain(|c| c.uuid.as_deref().is_some_and(usable_uuid));
    let skipped = before - all.len();
    Ok((all, skipped))
}

/// A UUID that stands in the tunnel's path as it is: hex digits and `-`, as ONTAP writes them.
pub(crate) fn usable_uuid(uuid: &str) -> bool {
    !uuid.is_empty() && uuid.len() <= 64 && uuid.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The tunnel's base for cluster `uuid` on the page's origin (`{um}/gateways/{uuid}`), and the
/// base Unified Manager writes that cluster's links under (`/api/gateways/{uuid}`: it knows
/// nothing of the page's proxy location in front of it).
pub fn tunnel(um_api: &str, uuid: &str) -> (String, String) {
    (
        format!("{}{GATEWAYS_PATH}/{uuid}", um_api.trim_end_matches('/')),
        format!("/api{GATEWAYS_PATH}/{uuid}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tunnel_is_built_from_a_uuid_that_fits_a_path_only() {
        assert_eq!(
            tunnel("/um/api/", "1cd8a442-86d1-11e0-ae1c-123478563412"),
            (
                "/um/api/gateways/1cd8a442-86d1-11e0-ae1c-123478563412".to_owned(),
                "/api/gateways/1cd8a442-86d1-11e0-ae1c-123478563412".to_owned()
            )
        );
        assert!(usable_uuid("1cd8a442-86d1-11e0-ae1c-123478563412"));
        for bad in [
            "",
            "../private/cli",
            "a/b",
            "x?y",
            "%2e%2e",
            &"a".repeat(65),
        ] {
            assert!(!usable_uuid(bad), "{bad}");
        }
    }

    /// Unified Manager writes a tunnelled cluster's links under its own `/api/gateways/{uuid}`,
    /// which the page reaches under its location for Unified Manager (`/um/api/...`).
    #[test]
    fn a_gateway_clusters_links_come_back_onto_its_tunnel_and_no_other() {
        use crate::api::error::BadLink;
        use crate::api::list::follow;
        use crate::api::{deaf, ApiError, Client, Credentials};
        use std::collections::HashSet;
        let uuid = "1cd8a442-86d1-11e0-ae1c-123478563412";
        let (base, links) = tunnel("/um/api", uuid);
        let creds = Credentials::Bearer("t".into());
        let c = Client::new(&base, creds, deaf()).through_gateway(links, WriteGate::new(|_| {}));
        let none = HashSet::new();
        let next = format!("/api/gateways/{uuid}/security/login/totps?start.key=x");
        let path = follow(&c.own_link(&next), None, &none).unwrap();
        assert_eq!(path, "/api/security/login/totps?start.key=x");
        assert_eq!(
            c.url(&path),
            format!("/um/api/gateways/{uuid}/security/login/totps?start.key=x")
        );
        // Under the page's own location for it, too.
        let under_ours = format!("/um/api/gateways/{uuid}/security/accounts?start.key=y");
        assert_eq!(
            c.own_link(&under_ours),
            "/api/security/accounts?start.key=y"
        );
        // Another cluster's tunnel, or the gateway's own listing, is not this cluster's:
        // refused, never read.
        for other in [
            "/api/gateways/0000aaaa-86d1-11e0-ae1c-123478563412/security/accounts".to_owned(),
            "/api/gateways?start.key=z".to_owned(),
            format!("/um/api/gateways/{uuid}x/security/accounts"),
        ] {
            assert_eq!(
                follow(&c.own_link(&other), None, &none),
                Err(ApiError::BadNextLink(BadLink::NotAnApiPath)),
                "{other}"
            );
        }
        // A direct cluster's client is unchanged by all this.
        let d = Client::new("/clusters/a/api", Credentials::Bearer("t".into()), deaf());
        assert_eq!(d.own_link("/api/gateways"), "/api/gateways");
    }
}
