//! What the profile table and the accounts view share: the common part of their view state as
//! it lives in the URL (`q`, `svm`, `sort`, `dir`, with each table's own filters between `svm`
//! and `sort`), and the filter-then-sort of row indices with the same tie-break.

use std::cmp::Ordering;

/// The filter text, the SVM, the sort column and its direction: the part of each table's view
/// state (its `common` field) that both tables have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Common<K> {
    pub text: String,
    pub svm: Option<String>,
    pub sort: K,
    pub desc: bool,
}

impl<K: Copy + PartialEq> Common<K> {
    /// Reads the common parameters; an unknown sort column falls back to `default_sort`.
    pub fn read(
        get: &impl Fn(&str) -> Option<String>,
        sort_of: impl Fn(&str) -> Option<K>,
        default_sort: K,
    ) -> Common<K> {
        Common {
            text: get("q").unwrap_or_default(),
            svm: nonempty(get, "svm"),
            sort: nonempty(get, "sort")
                .and_then(|s| sort_of(&s))
                .unwrap_or(default_sort),
            desc: get("dir").as_deref() == Some("desc"),
        }
    }

    /// Sorts by `key`: ascending, or the other way round when it is already the sort column
    /// (a column heading's click).
    pub fn sort_by(&mut self, key: K) {
        if self.sort == key {
            self.desc = !self.desc;
        } else {
            self.sort = key;
            self.desc = false;
        }
    }

    /// The query string (`?q=...`): only what differs from the default, `filters` (a table's
    /// own, as name and value; `None` left out) after `svm`.
    pub fn to_query(
        &self,
        filters: &[(&str, Option<&str>)],
        slug: impl Fn(K) -> &'static str,
        default_sort: K,
    ) -> String {
        let mut q = ontap_model::Query::new();
        if !self.text.is_empty() {
            q = q.param("q", &self.text);
        }
        if let Some(s) = &self.svm {
            q = q.param("svm", s);
        }
        for (name, value) in filters {
            if let Some(v) = value {
                q = q.param(name, v);
            }
        }
        if self.sort != default_sort {
            q = q.param("sort", slug(self.sort));
        }
        if self.desc {
            q = q.param("dir", "desc");
        }
        q.to_query_string()
    }
}

/// A parameter's value unless absent or empty.
pub fn nonempty(get: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    get(name).filter(|v| !v.is_empty())
}

/// The filter text as rows are matched against it: trimmed, lower case.
pub fn needle(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Indices of the rows `keep` accepts, ordered by `primary` (reversed when `desc`), ties
/// broken by `tie` (always ascending: SVM, then name).
pub fn filter_sort<R>(
    rows: &[R],
    keep: impl Fn(&R) -> bool,
    desc: bool,
    primary: impl Fn(&R, &R) -> Ordering,
    tie: impl Fn(&R, &R) -> Ordering,
) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).filter(|&i| keep(&rows[i])).collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&rows[a], &rows[b]);
        let p = primary(x, y);
        let p = if desc { p.reverse() } else { p };
        p.then_with(|| tie(x, y))
    });
    idx
}
