//! Walking an ONTAP collection: the first page, then `_links.next` until it is absent.

use ontap_model::{Collection, Query};
use serde::de::DeserializeOwned;

use super::http::{ApiError, Client};

/// Loads every record of `path` (with `query`), handing each page to `on_page` as it arrives.
pub async fn all<T: DeserializeOwned>(
    client: &Client,
    path: &str,
    query: Query,
    mut on_page: impl FnMut(Vec<T>),
) -> Result<(), ApiError> {
    let mut next = format!("{path}{}", query.to_query_string());
    loop {
        let page: Collection<T> = client.get(&next).await?;
        let link = page.next_href().map(str::to_owned);
        on_page(page.records);
        match link {
            Some(n) if n != next => next = n,
            _ => return Ok(()),
        }
    }
}

/// How many records `path` has under `query`, without transferring them
/// (`return_records=false`: `num_records` is then the collection's size, not a page's).
pub async fn count(client: &Client, path: &str, query: Query) -> Result<u64, ApiError> {
    #[derive(serde::Deserialize)]
    struct Count {
        #[serde(default)]
        num_records: u64,
    }
    let q = query.return_records(false);
    let c: Count = client
        .get(&format!("{path}{}", q.to_query_string()))
        .await?;
    Ok(c.num_records)
}
