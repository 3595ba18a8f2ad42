//! CSV for the exports (profiles, accounts, bulk results): one cell's quoting and the
//! neutralising of anything a spreadsheet would run as a formula.

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 4] = ['=', '+', '-', '@'];

/// True when a spreadsheet could run `value` as a formula: it starts with a trigger, or with
/// white space or line breaks and then one (some importers trim them), or one of its parts
/// after a `,` or `;` does (a locale that separates with `;` splits `x;=HYPERLINK(…)` in two
/// when the cell is not quoted, and quoting is all that stops it).
fn could_run(value: &str) -> bool {
    let starts = |s: &str| s.trim_start().starts_with(TRIGGERS);
    value.starts_with(['\t', '\r', '\n'])
        || starts(value)
        || value.split([',', ';']).skip(1).any(starts)
}

/// A CSV cell: a value a spreadsheet could run as a formula ([`could_run`]) is prefixed with
/// `'` so that it shows as text (OWASP's advice on CSV injection); then quoted when it holds a
/// comma, a semicolon (the separator of some locales), a quote or a line break.
pub(crate) fn csv_cell(value: &str) -> String {
    let neutral = if could_run(value) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn formulas_at_the_start_are_text() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("plain text"), "plain text");
        assert_eq!(csv_cell("a-b"), "a-b");
    }

    /// A line break or spaces before the `=` (some importers trim them) do not hide it.
    #[test]
    fn a_formula_after_a_line_break_or_spaces_is_text() {
        assert_eq!(csv_cell("\n=1+1"), "\"'\n=1+1\"");
        assert_eq!(csv_cell("  =1+1"), "'  =1+1");
    }

    /// With `;` as the separator (some locales), an unquoted `x;=HYPERLINK(…)` is two cells,
    /// the second a formula: it is quoted, and marked as text.
    #[test]
    fn a_formula_behind_a_separator_is_quoted_and_text() {
        assert_eq!(
            csv_cell("x;=HYPERLINK(\"http://evil\")"),
            "\"'x;=HYPERLINK(\"\"http://evil\"\")\""
        );
        assert_eq!(csv_cell("x, =1"), "\"'x, =1\"");
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("on leave - back in May"), "on leave - back in May");
    }
}
