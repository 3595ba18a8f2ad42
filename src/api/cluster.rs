//! `GET /api/cluster`: the cluster's name and ONTAP release, learnt at sign-in.

use ontap_model::{Cluster, Query};

use super::http::{ApiError, Client};

pub async fn get(client: &Client) -> Result<Cluster, ApiError> {
    let q = Query::new().fields(&["name", "uuid", "version"]);
    client
        .get(&format!("/cluster{}", q.to_query_string()))
        .await
}
