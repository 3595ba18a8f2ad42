//! Filter matching for list queries (`?field=pattern`): the one place that decides whether a
//! record's value matches a pattern. Today a pattern is an exact value; ONTAP's query syntax
//! (`*` wildcards, `!` negation, `|` alternatives, `<`/`>` ranges) will grow here.

use serde_json::Value;

use crate::collection::text;

/// True when any of the values found at the filtered field matches `pattern`.
pub fn matches(values: &[&Value], pattern: &str) -> bool {
    values.iter().filter_map(|v| text(v)).any(|t| t == pattern)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_values_match_text_booleans_and_any_array_element() {
        assert!(matches(&[&json!("alice")], "alice"));
        assert!(!matches(&[&json!("alice")], "Alice"));
        assert!(!matches(&[&json!("alice")], "ali"));
        assert!(matches(&[&json!(false)], "false"));
        assert!(matches(&[&json!("x"), &json!("y")], "y"));
        assert!(matches(&[&json!("")], ""));
        assert!(!matches(&[], ""));
    }
}
