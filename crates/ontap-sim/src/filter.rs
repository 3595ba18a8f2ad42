//! ONTAP's query syntax for filters (`?field=pattern`): the one place that decides whether a
//! record's value matches a pattern.
//!
//! Sources: NetApp's "Input variables for an ONTAP REST API request" (operators `=`, `<`, `>`,
//! `<=`, `>=`, `!`, `*`; the `null` keyword and its negation `!null`; "fields that are not set
//! are generally excluded from matching queries") and the ONTAP CLI's "Methods of using query
//! operators" (`|` alternatives, `..` inclusive ranges, and double quotes to take operator
//! characters literally), which the REST API shares.
//!
//! A pattern is one or more alternatives separated by `|`; a record matches when any value at
//! the field (any element of an array) matches any alternative. An alternative is, after an
//! optional `!` (not): `null`, a comparison (`<v`, `>v`, `<=v`, `>=v`), a range (`a..b`), a
//! pattern with `*` wildcards, or an exact value; `"..."` is always an exact value. Numbers
//! compare as numbers, everything else as text; matching is case-sensitive (see
//! `QUERY_CASE_AND_EMPTY` in [`crate::inferred`]).

use std::cmp::Ordering;

use serde_json::Value;

/// One alternative of a pattern.
#[derive(Clone, Debug, PartialEq)]
enum Test {
    /// The field is not set (`null`).
    Null,
    Exact(String),
    Wildcard(Wildcard),
    Cmp(Ordering, bool, String),
    Range(String, String),
}

impl Test {
    fn lowercased(&self) -> Test {
        let l = |s: &String| s.to_ascii_lowercase();
        match self {
            Test::Null => Test::Null,
            Test::Exact(v) => Test::Exact(l(v)),
            Test::Wildcard(w) => Test::Wildcard(Wildcard::new(&l(&w.pattern))),
            Test::Cmp(o, e, v) => Test::Cmp(*o, *e, l(v)),
            Test::Range(a, b) => Test::Range(l(a), l(b)),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Alt {
    not: bool,
    test: Test,
}

/// A parsed filter pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern(Vec<Alt>);

/// Splits on `|` outside double quotes.
fn split_alternatives(pattern: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in pattern.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '|' if !quoted => {
                out.push(&pattern[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&pattern[start..]);
    out
}

fn parse_alt(raw: &str) -> Alt {
    let s = raw.trim();
    let (not, s) = match s.strip_prefix('!') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        return Alt {
            not,
            test: Test::Exact(s[1..s.len() - 1].to_owned()),
        };
    }
    let test = if s == "null" {
        Test::Null
    } else if let Some(v) = s.strip_prefix("<=") {
        Test::Cmp(Ordering::Less, true, v.to_owned())
    } else if let Some(v) = s.strip_prefix(">=") {
        Test::Cmp(Ordering::Greater, true, v.to_owned())
    } else if let Some(v) = s.strip_prefix('<') {
        Test::Cmp(Ordering::Less, false, v.to_owned())
    } else if let Some(v) = s.strip_prefix('>') {
        Test::Cmp(Ordering::Greater, false, v.to_owned())
    } else if let Some((a, b)) = s
        .split_once("..")
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
    {
        Test::Range(a.to_owned(), b.to_owned())
    } else if s.contains('*') {
        Test::Wildcard(Wildcard::new(s))
    } else {
        Test::Exact(s.to_owned())
    };
    Alt { not, test }
}

impl Pattern {
    pub fn parse(pattern: &str) -> Pattern {
        // An empty pattern (`comment=`) asks for the empty value, not for "anything".
        if pattern.is_empty() {
            return Pattern(vec![Alt {
                not: false,
                test: Test::Exact(String::new()),
            }]);
        }
        Pattern(
            split_alternatives(pattern)
                .into_iter()
                .map(parse_alt)
                .collect(),
        )
    }

    /// The values a string field must equal, when the pattern is nothing but exact values
    /// (`a`, `"a"`, `a|b`): a lookup by key can then replace a pass over the collection. `None`
    /// for any other pattern (negations, wildcards, comparisons, ranges, `null`).
    pub fn exact_values(&self) -> Option<Vec<&str>> {
        self.0
            .iter()
            .map(|alt| match (&alt.not, &alt.test) {
                (false, Test::Exact(v)) => Some(v.as_str()),
                _ => None,
            })
            .collect()
    }

    /// [`Pattern::matches`] for a field that holds one string (`Some`) or is not set (`None`),
    /// without building JSON values: the history page's filter passes over the whole audit log
    /// (100,000 records by default) for every page it reads.
    pub fn matches_str(&self, value: Option<&str>) -> bool {
        self.0.iter().any(|alt| match (&alt.test, value) {
            (Test::Null, _) => value.is_none() != alt.not,
            (_, None) => false,
            (t, Some(v)) => test(t, v) != alt.not,
        })
    }

    /// True when the values found at the field match. `values` is empty when the field is not
    /// set: only `null` (and not `!null`) matches then.
    pub fn matches(&self, values: &[Value]) -> bool {
        // Each value's text once, not once per alternative: the history page's filter has six
        // alternatives and passes over the whole audit log.
        let texts: Vec<Option<String>> = values.iter().map(text).collect();
        self.0.iter().any(|alt| {
            if alt.test == Test::Null {
                return values.is_empty() != alt.not;
            }
            if texts.iter().all(Option::is_none) {
                // Fields that are not set are excluded from matching queries, negated or not.
                return false;
            }
            let hit = values.iter().zip(&texts).any(|(v, t)| match (v, t) {
                // Booleans read `true`, `True` and `TRUE` alike (QUERY_CASE_AND_EMPTY).
                (Value::Bool(_), Some(t)) => test(&alt.test.lowercased(), t),
                (_, Some(t)) => test(&alt.test, t),
                (_, None) => false,
            });
            hit != alt.not
        })
    }
}

/// The text a scalar value is compared by (`None` for objects and arrays).
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => None,
        _ => None,
    }
}

/// Compares as numbers when both sides are numbers, else as text.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

fn test(t: &Test, value: &str) -> bool {
    match t {
        Test::Null => false,
        Test::Exact(v) => value == v,
        Test::Wildcard(w) => w.matches(value),
        Test::Cmp(dir, or_equal, v) => {
            let o = compare(value, v);
            o == *dir || (*or_equal && o == Ordering::Equal)
        }
        Test::Range(lo, hi) => {
            compare(value, lo) != Ordering::Less && compare(value, hi) != Ordering::Greater
        }
    }
}

/// A pattern with at least one `*`, split once when the filter is read: it is tried on every
/// record of a collection (the history page's on 100,000 audit records per page).
#[derive(Clone, Debug)]
struct Wildcard {
    pattern: String,
    /// The text before the first `*`, and after the last.
    first: String,
    last: String,
    /// The texts between two `*`s, each with a searcher built once.
    middle: Vec<memchr::memmem::Finder<'static>>,
}

impl PartialEq for Wildcard {
    fn eq(&self, other: &Wildcard) -> bool {
        self.pattern == other.pattern
    }
}

impl Wildcard {
    fn new(pattern: &str) -> Wildcard {
        let parts: Vec<&str> = pattern.split('*').collect();
        let last = if parts.len() > 1 {
            parts[parts.len() - 1]
        } else {
            ""
        };
        Wildcard {
            pattern: pattern.to_owned(),
            first: parts[0].to_owned(),
            last: last.to_owned(),
            middle: parts[1..parts.len().saturating_sub(1)]
                .iter()
                .map(|p| memchr::memmem::Finder::new(p.as_bytes()).into_owned())
                .collect(),
        }
    }

    /// `*` matches any run of characters (greedy wildcard); everything else matches itself.
    fn matches(&self, value: &str) -> bool {
        let Some(remaining) = value.strip_prefix(self.first.as_str()) else {
            return false;
        };
        let mut remaining = remaining.as_bytes();
        for part in &self.middle {
            match part.find(remaining) {
                Some(i) => remaining = &remaining[i + part.needle().len()..],
                None => return false,
            }
        }
        remaining.ends_with(self.last.as_bytes())
    }
}

/// True when any of the values found at the filtered field matches `pattern`.
pub fn matches(values: &[Value], pattern: &str) -> bool {
    Pattern::parse(pattern).matches(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(v: Value, p: &str) -> bool {
        matches(&[v], p)
    }

    #[test]
    fn only_plain_exact_alternatives_are_exact_values() {
        let e = |p: &str| Pattern::parse(p).exact_values().map(|v| v.join(","));
        assert_eq!(e("alice").as_deref(), Some("alice"));
        assert_eq!(e("a|\"b*\"| c ").as_deref(), Some("a,b*,c"));
        assert_eq!(e("").as_deref(), Some(""));
        for not_exact in ["a*", "!a", "a|!b", "null", "<b", "a..c", "a|b*"] {
            assert_eq!(e(not_exact), None, "{not_exact}");
        }
    }

    #[test]
    fn exact_values_match_text_booleans_and_any_array_element() {
        assert!(m(json!("alice"), "alice"));
        assert!(!m(json!("alice"), "Alice"));
        assert!(!m(json!("alice"), "ali"));
        assert!(m(json!(false), "false"));
        assert!(m(json!(false), "False") && !m(json!(true), "FALSE"));
        assert!(matches(&[json!("x"), json!("y")], "y"));
        assert!(m(json!(""), ""));
        assert!(!matches(&[], ""));
    }

    #[test]
    fn wildcards_negation_and_alternatives_as_netapp_documents_them() {
        // `*tmp*`: names that include tmp; `!vs0`: not vs0; `a | b* | *c*`.
        assert!(m(json!("my_tmp_vol"), "*tmp*"));
        assert!(!m(json!("vol"), "*tmp*"));
        assert!(m(json!("vs1"), "!vs0"));
        assert!(!m(json!("vs0"), "!vs0"));
        for (v, want) in [("a", true), ("bob", true), ("xcx", true), ("d", false)] {
            assert_eq!(m(json!(v), "a | b* | *c*"), want, "{v}");
        }
        assert!(m(json!("abc"), "a*c"));
        assert!(!m(json!("abcd"), "a*c"));
        assert!(m(json!("ac"), "a*c"));
        assert!(m(json!("anything"), "*"));
        assert!(!m(json!("jdoe"), "!j*"));
    }

    #[test]
    fn a_string_matches_as_its_json_value_does() {
        let patterns = [
            "*tmp*",
            "!vs0",
            "a | b* | *c*",
            "a*c",
            "*",
            "!j*",
            "null",
            "!null",
            "",
            "a..c",
            ">m",
            "<=20",
            "\"<10\"",
            "x|!y",
            "*a*b*",
        ];
        let values = [
            "my_tmp_vol",
            "vs0",
            "vs1",
            "bob",
            "abc",
            "ac",
            "",
            "20",
            "<10",
            "ab",
        ];
        for p in patterns {
            let pattern = Pattern::parse(p);
            assert_eq!(
                pattern.matches(&[]),
                pattern.matches_str(None),
                "{p} on nothing"
            );
            for v in values {
                assert_eq!(
                    pattern.matches(&[json!(v)]),
                    pattern.matches_str(Some(v)),
                    "{p} on {v:?}"
                );
            }
        }
    }

    #[test]
    fn comparisons_and_ranges_are_numeric_for_numbers_and_textual_otherwise() {
        assert!(m(json!(5), "5..10") && m(json!(10), "5..10") && !m(json!(11), "5..10"));
        assert!(m(json!(19), "<20") && !m(json!(20), "<20") && m(json!(20), "<=20"));
        assert!(m(json!(9), ">5") && m(json!(5), ">=5") && !m(json!(5), ">5"));
        // 100 > 20 as numbers, though "100" < "20" as text.
        assert!(m(json!(100), ">20"));
        assert!(m(json!("bob"), "a..c") && !m(json!("dan"), "a..c"));
        assert!(m(json!("mchen"), ">m"));
    }

    #[test]
    fn quotes_take_operator_characters_literally() {
        assert!(m(json!("<10"), "\"<10\""));
        assert!(!m(json!("5"), "\"<10\""));
        assert!(m(json!("a|b"), "\"a|b\""));
        assert!(m(json!("*abc*"), "\"*abc*\""));
        assert!(!m(json!("xabcx"), "\"*abc*\""));
    }

    #[test]
    fn null_asks_whether_the_field_is_set_and_unset_fields_match_nothing_else() {
        assert!(matches(&[], "null"));
        assert!(!matches(&[json!("x")], "null"));
        assert!(matches(&[json!("x")], "!null"));
        assert!(!matches(&[], "!null"));
        assert!(
            !matches(&[], "!x"),
            "an unset field is excluded even from a negation"
        );
        assert!(!matches(&[], "*"));
    }
}
