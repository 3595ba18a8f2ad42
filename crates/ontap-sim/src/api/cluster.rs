//! `GET /api/cluster`: the cluster's name, UUID and ONTAP release.

use ontap_model::Query;
use serde_json::json;

use super::{ApiError, Reply};
use crate::collection::{single, Spec};
use crate::schema::Def;
use crate::state::State;

const SPEC: Spec = Spec {
    href: "/api/cluster",
    key_fields: &["_links"],
    fields: &[
        "name",
        "uuid",
        "version",
        "version.full",
        "version.generation",
        "version.major",
        "version.minor",
    ],
    filters: &[],
    order: &[],
    unique: &[],
    // No listing: the cluster is one record.
    response: Def::Cluster,
};

pub fn get(state: &State, query: &Query) -> Result<Reply, ApiError> {
    let full = json!({
        "name": state.name,
        "uuid": state.uuid,
        "version": state.version,
        "_links": {"self": {"href": SPEC.href}},
    });
    single(&SPEC, &full, query).map(|b| Reply::ok(b, Def::Cluster))
}
