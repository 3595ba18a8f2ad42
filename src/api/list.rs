//! Walking an ONTAP collection: the first page, then `_links.next` until it is absent.

use ontap_model::{Collection, Query};
use serde::de::DeserializeOwned;

use super::http::{ApiError, Client};

/// Loads every record of `path` (with `query`), handing each page to `on_page` as it arrives.
/// With `rest`, the pages after the first ask for `rest` records each (the `max_records` of
/// each `_links.next` replaced): a small first page shows something at once, and the large
/// pages after it make few round trips.
pub(crate) async fn all<T: DeserializeOwned>(
    client: &Client,
    path: &str,
    query: Query,
    rest: Option<u32>,
    mut on_page: impl FnMut(Vec<T>),
) -> Result<(), ApiError> {
    let mut next = format!("{path}{}", query.to_query_string());
    loop {
        let page: Collection<T> = client.get(&next).await?;
        let link = page
            .next_href()
            .map(|h| rest.map_or_else(|| h.to_owned(), |n| with_max_records(h, n)));
        on_page(page.records);
        match link {
            Some(n) if n != next => next = n,
            _ => return Ok(()),
        }
    }
}

/// `href` with its `max_records` set to `n` (added when absent); everything else, the
/// continuation included, as the cluster wrote it.
pub(crate) fn with_max_records(href: &str, n: u32) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("max_records"))
        .map(str::to_owned)
        .collect();
    params.push(format!("max_records={n}"));
    format!("{path}?{}", params.join("&"))
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

#[cfg(test)]
mod tests {
    use super::with_max_records;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_page_size_of_a_next_link_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_max_records(
                "/api/security/login/totps?fields=enabled&max_records=200&start.key=WyJ4Il0",
                2000
            ),
            "/api/security/login/totps?fields=enabled&start.key=WyJ4Il0&max_records=2000"
        );
        assert_eq!(
            with_max_records("/api/security/accounts?start.key=abc", 50),
            "/api/security/accounts?start.key=abc&max_records=50"
        );
        assert_eq!(
            with_max_records("/api/security/accounts", 50),
            "/api/security/accounts?max_records=50"
        );
        // A parameter that merely starts with the same letters is not the page size.
        assert_eq!(
            with_max_records("/x?max_records_extra=1&max_records=3", 9),
            "/x?max_records_extra=1&max_records=9"
        );
    }
}
