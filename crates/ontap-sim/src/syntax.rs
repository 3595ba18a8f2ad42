//! Request syntax that ONTAP takes besides the plain form: body field names written dotted
//! (`{"role.name": "vsadmin"}` for `{"role": {"name": "vsadmin"}}`), and single-record calls
//! whose query restates the record's own keys (`?name=bob&owner.uuid=...`). Both are what
//! NetApp's own automation sends (netapp.ontap's `na_ontap_user`); the handlers read bodies
//! and queries through here, so every body and every single-record call takes them alike.
//! DOTTED_FIELD_NAMES, DOTTED_AND_NESTED and RESTATED_KEYS in [`crate::inferred`].

use ontap_model::Query;
use serde_json::{Map, Value};

use crate::api::ApiError;
use crate::inferred::DOTTED_AND_NESTED;

/// Rewrites every dotted member name of a body into the nested objects it stands for, at
/// every depth (inside objects and arrays). A name with an empty segment (`"role."`,
/// `".name"`, `"a..b"`) is not a path and is left as sent, so that it is refused as an
/// unexpected argument by name. Two spellings of one field must agree: the same value twice is
/// one field, different values (or a value where the other spelling needs an object) are
/// refused with DOTTED_AND_NESTED, naming the dotted field.
pub fn nest_dotted(body: Value) -> Result<Value, ApiError> {
    match body {
        Value::Object(map) => nest_object(map).map(Value::Object),
        Value::Array(items) => items
            .into_iter()
            .map(nest_dotted)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other),
    }
}

fn nest_object(map: Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    // Plain names first, then dotted ones, so that the answer to a clash does not depend on
    // the order the client wrote them in.
    let (dotted, plain): (Vec<_>, Vec<_>) = map.into_iter().partition(|(k, _)| is_path(k));
    for (k, v) in plain {
        let v = nest_dotted(v)?;
        merge(&mut out, &[k.as_str()], v, &k)?;
    }
    for (k, v) in dotted {
        let v = nest_dotted(v)?;
        let path: Vec<&str> = k.split('.').collect();
        merge(&mut out, &path, v, &k)?;
    }
    Ok(out)
}

/// A dotted name whose every segment is non-empty.
fn is_path(name: &str) -> bool {
    name.contains('.') && name.split('.').all(|s| !s.is_empty())
}

/// Puts `value` at `path` below `into`, merging objects member by member.
fn merge(
    into: &mut Map<String, Value>,
    path: &[&str],
    value: Value,
    field: &str,
) -> Result<(), ApiError> {
    let clash = || ApiError::inferred(&DOTTED_AND_NESTED, field);
    let (first, rest) = path.split_first().expect("a path has a segment");
    if rest.is_empty() {
        return match into.get_mut(*first) {
            None => {
                into.insert((*first).to_owned(), value);
                Ok(())
            }
            Some(Value::Object(have)) => match value {
                Value::Object(more) => {
                    for (k, v) in more {
                        merge(have, &[k.as_str()], v, &format!("{field}.{k}"))?;
                    }
                    Ok(())
                }
                _ => Err(clash()),
            },
            Some(have) if *have == value => Ok(()),
            Some(_) => Err(clash()),
        };
    }
    let next = into
        .entry((*first).to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    match next {
        Value::Object(m) => merge(m, rest, value, field),
        _ => Err(clash()),
    }
}

/// A query split into the parameters that restate the record's keys and the rest.
pub struct KeyQuery {
    /// What is left for the call's own rules (`fields` on a GET; nothing on a PATCH).
    pub rest: Query,
    /// (key field, value as sent), in the order sent.
    pub keys: Vec<(String, String)>,
}

impl KeyQuery {
    /// Splits `query` on the key fields of the record addressed (`owner.uuid`, `owner.name`,
    /// and `name` or `account.name`).
    pub fn split(query: &Query, key_fields: &[&str]) -> KeyQuery {
        let mut rest = Query::new();
        let mut keys = Vec::new();
        for (k, v) in query.pairs() {
            if key_fields.contains(&k.as_str()) {
                keys.push((k.clone(), v.clone()));
            } else {
                rest = rest.param(k, v);
            }
        }
        KeyQuery { rest, keys }
    }

    /// Whether the record addressed by the path matches every restated key, read as the
    /// filter it is in ONTAP's query syntax; `value_of` gives the record's value of a key
    /// field (`None`: the record has none, which no key value matches).
    pub fn matches(&self, value_of: impl Fn(&str) -> Option<String>) -> bool {
        self.keys.iter().all(|(k, pattern)| {
            value_of(k).is_some_and(|v| crate::filter::matches(&[Value::String(v)], pattern))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_names_are_the_nested_objects() {
        assert_eq!(
            nest_dotted(json!({"role.name": "a", "owner.name": "vs1", "locked": true})).unwrap(),
            json!({"role": {"name": "a"}, "owner": {"name": "vs1"}, "locked": true})
        );
        assert_eq!(
            nest_dotted(json!({"owner.uuid": "u", "owner": {"name": "n"}})).unwrap(),
            json!({"owner": {"uuid": "u", "name": "n"}})
        );
        assert_eq!(
            nest_dotted(json!({"a.b.c": 1, "list": [{"x.y": 2}]})).unwrap(),
            json!({"a": {"b": {"c": 1}}, "list": [{"x": {"y": 2}}]})
        );
        assert_eq!(
            nest_dotted(json!({"role.": 1, ".x": 2, "a..b": 3})).unwrap(),
            json!({"role.": 1, ".x": 2, "a..b": 3})
        );
    }

    #[test]
    fn two_spellings_of_one_field_agree_or_are_refused() {
        assert_eq!(
            nest_dotted(json!({"role": {"name": "a"}, "role.name": "a"})).unwrap(),
            json!({"role": {"name": "a"}})
        );
        for body in [
            json!({"role": {"name": "a"}, "role.name": "b"}),
            json!({"role": "a", "role.name": "a"}),
            json!({"role.name": "a", "role.name.x": "b"}),
        ] {
            let e = nest_dotted(body.clone()).unwrap_err();
            assert_eq!(e.status, 400, "{body}");
            assert!(
                e.body
                    .error
                    .target
                    .as_deref()
                    .unwrap()
                    .starts_with("role.name"),
                "{body}: {e:?}"
            );
        }
    }

    #[test]
    fn restated_keys_are_filters_on_the_addressed_record() {
        let q = Query::parse("name=bob&owner.uuid=u1&fields=locked");
        let k = KeyQuery::split(&q, &["name", "owner.uuid", "owner.name"]);
        assert_eq!(
            k.rest.pairs(),
            &[("fields".to_owned(), "locked".to_owned())]
        );
        let bob = |f: &str| match f {
            "name" => Some("bob".to_owned()),
            "owner.uuid" => Some("u1".to_owned()),
            _ => None,
        };
        assert!(k.matches(bob));
        assert!(KeyQuery::split(&Query::parse("name=b*"), &["name"]).matches(bob));
        assert!(!KeyQuery::split(&Query::parse("name=alice"), &["name"]).matches(bob));
        assert!(!KeyQuery::split(&Query::parse("owner.name=x"), &["owner.name"]).matches(bob));
    }
}
