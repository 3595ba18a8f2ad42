//! What the profile table and the accounts view share: one view state type as it lives in the
//! URL (`q`, `svm`, `sort`, `dir`, with each table's own filters between `svm` and `sort`),
//! and the filter-then-sort of row indices with the same tie-break.

use std::cmp::Ordering;

/// A table's sort columns, as the URL names them (`sort=`).
pub(crate) trait SortColumn: Copy + PartialEq + 'static {
    /// The column the table is sorted by when the URL names none (left out of the URL).
    const DEFAULT: Self;
    /// Every column, in the order of the table's headings.
    const ALL: &'static [Self];
    fn slug(self) -> &'static str;
    /// The column a URL's `sort` names, if any.
    fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.slug() == s)
    }
}

/// A table's own filters besides the text and the SVM, as they live in the URL: read from its
/// parameters, written as (name, value) in their order, between `svm` and `sort`.
pub(crate) trait Filters: Clone + Default + PartialEq {
    /// Reads the filters; an unknown value is no filter.
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self;
    /// The parameters in URL order; `None` (no filter) is left out of the URL.
    fn params(&self) -> Vec<(&'static str, Option<&str>)>;
}

/// What a table shows: the filter text, the SVM, the table's own filters, the sort column and
/// its direction. One type for every table, so both read and write the URL the same way
/// (`q`, `svm`, the table's filters, `sort`, `dir`; only what differs from the default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ViewState<K, F> {
    pub(crate) text: String,
    pub svm: Option<String>,
    pub(crate) sort: K,
    pub(crate) desc: bool,
    pub(crate) filters: F,
}

impl<K: SortColumn, F: Filters> Default for ViewState<K, F> {
    fn default() -> Self {
        ViewState {
            text: String::new(),
            svm: None,
            sort: K::DEFAULT,
            desc: false,
            filters: F::default(),
        }
    }
}

impl<K: SortColumn, F: Filters> ViewState<K, F> {
    /// Reads the state from query parameters (unknown values fall back to the defaults).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        ViewState {
            text: get("q").unwrap_or_default(),
            svm: nonempty(&get, "svm"),
            sort: nonempty(&get, "sort")
                .and_then(|s| K::from_slug(&s))
                .unwrap_or(K::DEFAULT),
            desc: get("dir").as_deref() == Some("desc"),
            filters: F::read(&get),
        }
    }

    /// Sorts by `key`: ascending, or the other way round when it is already the sort column
    /// (a column heading's click).
    pub(crate) fn sort_by(&mut self, key: K) {
        if self.sort == key {
            self.desc = !self.desc;
        } else {
            self.sort = key;
            self.desc = false;
        }
    }

    /// The query string for this state (`?q=...`), only what differs from the default.
    pub(crate) fn to_query(&self) -> String {
        let mut q = ontap_model::Query::new();
        if !self.text.is_empty() {
            q = q.param("q", &self.text);
        }
        if let Some(s) = &self.svm {
            q = q.param("svm", s);
        }
        for (name, value) in self.filters.params() {
            if let Some(v) = value {
                q = q.param(name, v);
            }
        }
        if self.sort != K::DEFAULT {
            q = q.param("sort", self.sort.slug());
        }
        if self.desc {
            q = q.param("dir", "desc");
        }
        q.to_query_string()
    }

    /// The aria-sort of column `key`'s heading.
    pub(crate) fn aria_sort(&self, key: K) -> &'static str {
        match (self.sort == key, self.desc) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        }
    }

    /// The mark after column `key`'s heading text.
    pub(crate) fn sort_mark(&self, key: K) -> &'static str {
        match (self.sort == key, self.desc) {
            (false, _) => "",
            (true, true) => " ▼",
            (true, false) => " ▲",
        }
    }
}

/// A parameter's value unless absent or empty.
pub fn nonempty(get: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    get(name).filter(|v| !v.is_empty())
}

/// The filter text as rows are matched against it: trimmed, lower case.
pub(crate) fn needle(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Indices of the rows `keep` accepts, ordered by `primary` (reversed when `desc`), ties
/// broken by `tie` (always ascending: SVM, then name).
pub(crate) fn filter_sort<R>(
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
