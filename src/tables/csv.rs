//! CSV for the exports (profiles, accounts, bulk results): one cell's quoting and the
//! neutralising of anything a spreadsheet would run as a formula.

/// A CSV cell: a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed
/// with `'` so that a spreadsheet shows it as text instead of running it as a formula (OWASP's
/// advice on CSV injection); then quoted when it holds a comma, a quote or a line break.
pub(crate) fn csv_cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}
