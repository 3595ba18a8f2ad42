//! Small helpers for the page's English: a count with its noun in the right number.

/// `n` and `one` or `many`: "1 profile", "2 profiles", "0 profiles" (any unsigned count).
pub(crate) fn count<N: std::fmt::Display + PartialEq + From<u8>>(
    n: N,
    one: &str,
    many: &str,
) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::count;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "profile", "profiles"), "1 profile");
        assert_eq!(count(0, "profile", "profiles"), "0 profiles");
        assert_eq!(count(2, "change", "changes"), "2 changes");
        assert_eq!(count(1_u64, "second", "seconds"), "1 second");
        assert_eq!(count(5_u32, "minute", "minutes"), "5 minutes");
    }
}
