//! Walking an ONTAP collection: the first page, then `_links.next` until it is absent.

use ontap_model::{Collection, Query};
use serde::de::DeserializeOwned;

use super::error::BadLink;
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
    let mut read = std::collections::HashSet::new();
    loop {
        read.insert(next.clone());
        let page: Collection<T> = client.get_page(&next).await?;
        let link = page.next_href().map(str::to_owned);
        on_page(page.records);
        let Some(href) = link else {
            return Ok(());
        };
        next = follow(&client.own_link(&href), rest, &read)?;
    }
}

/// The next page to read from a `_links.next` href: only a path below `/api/` (the client
/// rebases it onto its own base, a proxy's or a gateway's), never a URL with a scheme or a
/// host, never one with a `..` segment, and never a page this walk already read.
pub(crate) fn follow(
    href: &str,
    rest: Option<u32>,
    read: &std::collections::HashSet<String>,
) -> Result<String, ApiError> {
    let (path, _) = href.split_once('?').unwrap_or((href, ""));
    let dots = path.split('/').any(|seg| {
        let s = seg.to_ascii_lowercase();
        s == ".." || s == "%2e%2e" || s == ".%2e" || s == "%2e."
    });
    if !path.starts_with("/api/") || path.contains('\\') || dots {
        return Err(ApiError::BadNextLink(BadLink::NotAnApiPath));
    }
    let next = rest.map_or_else(|| href.to_owned(), |n| with_max_records(href, n));
    if read.contains(&next) {
        return Err(ApiError::BadNextLink(BadLink::Loop));
    }
    Ok(next)
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
    use std::collections::HashSet;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::follow;
    use crate::api::error::BadLink;
    use crate::api::ApiError;

    #[test]
    fn only_a_path_below_api_is_followed() {
        let none = HashSet::new();
        let ok = "/api/security/login/totps?start.key=x&max_records=20";
        assert_eq!(follow(ok, None, &none), Ok(ok.to_owned()));
        let refused = ApiError::BadNextLink(BadLink::NotAnApiPath);
        for href in [
            "https://evil.example/api/security/login/totps?start.key=x",
            "//evil.example/api/security/login/totps",
            "/api/../private/cli/security/login",
            "/api/security/%2E%2E/%2e%2e/private/cli",
            "/other/api/security",
            "api/security/login/totps",
            "/api/security\\..\\x",
            "javascript:alert(1)",
        ] {
            assert_eq!(follow(href, None, &none), Err(refused.clone()), "{href}");
        }
    }

    /// A → B → A: the second time A comes up it is refused, not read again.
    #[test]
    fn a_page_already_read_is_a_loop() {
        let a = "/api/security/login/totps?start.key=a&max_records=500".to_owned();
        let b = "/api/security/login/totps?start.key=b&max_records=500".to_owned();
        let mut read = HashSet::from([a.clone()]);
        assert_eq!(follow(&b, Some(500), &read), Ok(b.clone()));
        read.insert(b);
        assert_eq!(
            follow(
                "/api/security/login/totps?start.key=a&max_records=20",
                Some(500),
                &read
            ),
            Err(ApiError::BadNextLink(BadLink::Loop))
        );
    }

    #[test]
    fn links_under_the_clients_own_base_are_taken_back_to_api() {
        use crate::api::http::own_link;
        let none = HashSet::new();
        let base = "/clusters/prod-a/api";
        // Rebased by the proxy, or as the cluster sent it: the same page.
        let rebased = "/clusters/prod-a/api/security/login/totps?start.key=x";
        let as_sent = "/api/security/login/totps?start.key=x";
        assert_eq!(own_link(base, rebased), as_sent);
        assert_eq!(own_link(base, as_sent), as_sent);
        assert_eq!(own_link("/clusters/prod-a/api/", rebased), as_sent);
        // Another cluster's base, or a name that merely starts the same, is not ours.
        for other in [
            "/clusters/prod-b/api/security/login/totps",
            "/clusters/prod-a/apix/security",
            "/clusters/prod-a/api-2/security",
        ] {
            assert_eq!(own_link(base, other), other);
            assert!(
                follow(&own_link(base, other), None, &none).is_err(),
                "{other}"
            );
        }
        // The single-cluster page's base and an absolute base change nothing.
        assert_eq!(own_link("/api", as_sent), as_sent);
        assert_eq!(own_link("https://c1.example/api", as_sent), as_sent);
        // A rebased link with `..` is still refused after rebasing.
        let dots = own_link(base, "/clusters/prod-a/api/../private/cli");
        assert!(follow(&dots, None, &none).is_err());
    }

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
