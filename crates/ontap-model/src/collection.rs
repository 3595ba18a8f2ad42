//! The collection envelope of every ONTAP list call, and the query builder for it.
//!
//! A list answer is `{records, num_records, _links: {self, next}}`; `num_records` counts the
//! records of *this* page, and `_links.next.href` (an opaque continuation) is followed until
//! it is absent. [`Query`] writes the query string with every value percent-encoded.

use percent_encoding::{percent_decode, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use crate::totp::Href;

/// `_links` of a collection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionLinks {
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_: Option<Href>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Href>,
}

/// One page of a collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection<T> {
    #[serde(default = "Vec::new")]
    pub records: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_records: Option<u64>,
    #[serde(rename = "_links", default, skip_serializing_if = "Option::is_none")]
    pub links: Option<CollectionLinks>,
}

impl<T> Collection<T> {
    /// The continuation to request next, if the collection goes on.
    pub fn next_href(&self) -> Option<&str> {
        self.links.as_ref()?.next.as_ref().map(|h| h.href.as_str())
    }
}

/// Characters a query value keeps as they are. ONTAP's filter syntax (`*`, `!`, `|`, `<`, `>`)
/// and `,` in `fields` lists pass through encoded; the server decodes them before parsing.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'*')
    .remove(b',');

/// Sort direction for `order_by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// A list request's query string, built one parameter at a time, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn new() -> Query {
        Query::default()
    }
    /// `fields=a,b,c`: the fields to return besides the key fields.
    pub fn fields(self, fields: &[&str]) -> Query {
        self.param("fields", &fields.join(","))
    }
    /// `max_records=n`: at most n records per page.
    pub fn max_records(self, n: u32) -> Query {
        self.param("max_records", &n.to_string())
    }
    /// `return_records=false`: only count.
    pub fn return_records(self, yes: bool) -> Query {
        self.param("return_records", if yes { "true" } else { "false" })
    }
    /// `return_timeout=s` (0 to 120 seconds).
    pub fn return_timeout(self, seconds: u8) -> Query {
        self.param("return_timeout", &seconds.min(120).to_string())
    }
    pub fn order_by(self, field: &str, dir: Direction) -> Query {
        let d = match dir {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        };
        self.param("order_by", &format!("{field} {d}"))
    }
    /// A filter on a field, in ONTAP's query syntax (the value is encoded, not interpreted).
    pub fn filter(self, field: &str, value: &str) -> Query {
        self.param(field, value)
    }
    pub fn param(mut self, name: &str, value: &str) -> Query {
        self.0.push((name.to_owned(), value.to_owned()));
        self
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The parameters in order, decoded.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
    /// The value of the last parameter called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// Reads a query string (with or without its leading `?`) as a server does: the inverse
    /// of [`Query::to_query_string`]. `+` is a space (form encoding; the builder itself writes
    /// `%20` and `%2B`), `%XX` is decoded, bytes that are not UTF-8 become U+FFFD, and a
    /// parameter without `=` has an empty value.
    pub fn parse(query: &str) -> Query {
        fn decode(s: &str) -> String {
            let spaced = s.replace('+', " ");
            String::from_utf8_lossy(&percent_decode(spaced.as_bytes()).collect::<Vec<u8>>())
                .into_owned()
        }
        let query = query.strip_prefix('?').unwrap_or(query);
        Query(
            query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (decode(k), decode(v)),
                    None => (decode(p), String::new()),
                })
                .collect(),
        )
    }
    /// `?a=b&c=d`, or nothing for an empty query.
    pub fn to_query_string(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(k, QUERY_VALUE),
                    utf8_percent_encode(v, QUERY_VALUE)
                )
            })
            .collect();
        format!("?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::totp::Totp;
    use serde_json::json;

    #[test]
    fn the_envelope_reads_records_count_and_next() {
        let c: Collection<Totp> = serde_json::from_value(json!({
            "records": [{"account": {"name": "alice"}, "owner": {"uuid": "u", "name": "vs1"}}],
            "num_records": 1,
            "_links": {"self": {"href": "/api/x"}, "next": {"href": "/api/x?start.uuid=1"}}
        }))
        .unwrap();
        assert_eq!(c.records.len(), 1);
        assert_eq!(c.next_href(), Some("/api/x?start.uuid=1"));
        let last: Collection<Totp> =
            serde_json::from_value(json!({"num_records": 0, "_links": {"self": {"href": "/a"}}}))
                .unwrap();
        assert!(last.records.is_empty() && last.next_href().is_none());
    }

    #[test]
    fn the_query_string_encodes_values_but_keeps_lists_and_wildcards() {
        let q = Query::new()
            .fields(&["owner.name", "comment", "enabled"])
            .max_records(500)
            .filter("comment", "on call & co")
            .filter("account.name", "adm*|!bob")
            .order_by("account.name", Direction::Desc);
        assert_eq!(
            q.to_query_string(),
            "?fields=owner.name,comment,enabled&max_records=500&comment=on%20call%20%26%20co\
             &account.name=adm*%7C%21bob&order_by=account.name%20desc"
        );
        assert_eq!(Query::new().to_query_string(), "");
        assert_eq!(
            Query::new().return_timeout(200).to_query_string(),
            "?return_timeout=120"
        );
    }

    #[test]
    fn parse_reads_what_to_query_string_writes() {
        let q = Query::new()
            .fields(&["comment", "enabled"])
            .filter("comment", "on call & co + 1 = 100%")
            .filter("account.name", "CORP\\jdoe|jürgen")
            .order_by("owner.name", Direction::Desc);
        assert_eq!(Query::parse(&q.to_query_string()), q);
        assert_eq!(Query::parse(""), Query::new());
        let p = Query::parse("?a=1+2&b&a=%7C&c=%FF");
        assert_eq!(p.get("a"), Some("|"));
        assert_eq!(p.pairs()[0].1, "1 2");
        assert_eq!(p.get("b"), Some(""));
        assert_eq!(p.get("c"), Some("\u{FFFD}"));
        assert_eq!(p.get("d"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_query_round_trips(pairs in proptest::collection::vec((".{1,8}", ".{0,8}"), 0..5)) {
            let q = pairs.iter().fold(Query::new(), |q, (k, v)| q.param(k, v));
            proptest::prop_assert_eq!(Query::parse(&q.to_query_string()), q);
        }
    }
}
