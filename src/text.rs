//! Small helpers for the page's text: a count with its noun in the right number, and a name as
//! the page shows it.

/// `n` and `one` or `many`: "1 profile", "2 profiles", "0 profiles" (any unsigned count).
pub(crate) fn count<N: std::fmt::Display + PartialEq + From<u8>>(
    n: N,
    one: &str,
    many: &str,
) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{} {noun}", number(n))
}

/// A count as the page shows it: digits in groups of three from 1,000 ("100,050 rows"), so that
/// a fleet's totals read at a glance. Files (CSV) and requests keep plain numbers.
pub(crate) fn number(n: impl std::fmt::Display) -> String {
    let s = n.to_string();
    if s.len() < 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "`shown` of `all` `many` match": a table's summary while its filter narrows it.
pub(crate) fn of_all_match(shown: usize, all: usize, many: &str) -> String {
    format!("{} of {} {many} match", number(shown), number(all))
}

/// A name from the cluster (account, SVM, cluster, user) as the page shows it: each character
/// that draws nothing or turns the text around it appears as its code point, `⟨U+202E⟩`, so
/// that no name passes for another ("ad\u{200B}min" for "admin", "\u{202E}nimda" drawn as
/// "admin") nor reorders the words beside it. Links, requests and files keep the name as it is.
pub(crate) fn name(s: &str) -> String {
    let last = s.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        // A space is plain text between words; at either end it is as invisible as the rest.
        if hidden(c) || (c == ' ' && (i == 0 || i == last)) {
            out.push_str(&format!("⟨U+{:04X}⟩", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Controls, bidi controls, the other default-ignorable code points (Unicode's list of
/// characters that draw nothing) and the spaces other than U+0020, which look like it.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            u32::from(c),
            0x00A0 | 0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x1680 | 0x17B4 | 0x17B5
                | 0x180B..=0x180F | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x206F
                | 0x3000 | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8
                | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF
        )
}

#[cfg(test)]
mod tests {
    use super::{count, name, number, of_all_match};
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "profile", "profiles"), "1 profile");
        assert_eq!(count(0, "profile", "profiles"), "0 profiles");
        assert_eq!(count(2, "change", "changes"), "2 changes");
        assert_eq!(count(1_u64, "second", "seconds"), "1 second");
        assert_eq!(count(5_u32, "minute", "minutes"), "5 minutes");
        assert_eq!(count(100_050_usize, "row", "rows"), "100,050 rows");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_count_is_grouped_by_thousands() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1,000");
        assert_eq!(number(10_001_u64), "10,001");
        assert_eq!(number(100_050_usize), "100,050");
        assert_eq!(number(1_234_567_u32), "1,234,567");
        assert_eq!(number(-1234), "-1234", "only counts are grouped");
        assert_eq!(of_all_match(1, 10_029, "rows"), "1 of 10,029 rows match");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_name_shows_what_would_hide_in_it() {
        assert_eq!(name("CORP\\jdoe"), "CORP\\jdoe");
        assert_eq!(name("jürgen.müller"), "jürgen.müller");
        assert_eq!(name("<b>x</b> \"y\""), "<b>x</b> \"y\"");
        assert_eq!(name("ad\u{200B}min"), "ad⟨U+200B⟩min");
        assert_eq!(name("\u{202E}nimda"), "⟨U+202E⟩nimda");
        assert_eq!(name("a\u{2066}b\u{2069}"), "a⟨U+2066⟩b⟨U+2069⟩");
        assert_eq!(name("john\u{00A0}doe"), "john⟨U+00A0⟩doe");
        assert_eq!(name("\u{FEFF}admin\t"), "⟨U+FEFF⟩admin⟨U+0009⟩");
        assert_eq!(name(" admin "), "⟨U+0020⟩admin⟨U+0020⟩");
        assert_eq!(name("ops team"), "ops team");
        assert_eq!(name("x\u{E0041}"), "x⟨U+E0041⟩");
        assert_eq!(name(""), "");
    }
}
