//! One-time passwords: RFC 4226 (HOTP) and RFC 6238 (TOTP) codes with HMAC-SHA-1, and the
//! `otpauth://totp/...` URI of Google Authenticator's Key Uri Format, which authenticator apps
//! scan from a QR code. ONTAP's TOTP profiles use SHA-1, 6 digits and 30-second steps (the
//! defaults of every authenticator app).
//!
//! Nothing here is random: the secret is given (the emulator draws it from its own generator;
//! the page only reads it), so every function is a pure function of its inputs.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;

/// Digits of a TOTP code (RFC 6238's default, and what ONTAP's authenticator set-up uses).
pub const DIGITS: u32 = 6;
/// Length of a time step in seconds (RFC 6238 §4.1 recommends 30).
pub const PERIOD: u64 = 30;
/// Length of a freshly made secret: 160 bits, the HMAC-SHA-1 output size (RFC 4226 §4, R6).
pub const SECRET_BYTES: usize = 20;

/// A shared TOTP secret (raw bytes). Written as RFC 4648 base32 without padding, as the Key Uri
/// Format asks.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret by accident.
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

/// Why a text is not a base32 secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("A secret is required.")]
    Empty,
    #[error("A secret is written in base32: the letters A to Z and the digits 2 to 7.")]
    NotBase32,
}

/// A secret's bytes are overwritten when it is dropped (the page wipes it after enrollment).
impl Drop for Secret {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(|b| *b = 0);
    }
}

impl Secret {
    pub fn from_bytes(bytes: &[u8]) -> Secret {
        Secret(bytes.to_vec())
    }

    /// Reads base32 text as people copy it: case, spaces, hyphens and `=` padding do not matter.
    pub fn from_base32(text: &str) -> Result<Secret, SecretError> {
        let clean: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if clean.is_empty() {
            return Err(SecretError::Empty);
        }
        BASE32_NOPAD
            .decode(clean.as_bytes())
            .map(Secret)
            .map_err(|_| SecretError::NotBase32)
    }

    /// Base32 without padding (32 characters for a 160-bit secret).
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(&self.0)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// RFC 4226 §5.3: the HOTP value of `counter` with HMAC-SHA-1, truncated to `digits` digits.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = match Hmac::<Sha1>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return 0,
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = (u32::from(hash[offset]) & 0x7f) << 24
        | u32::from(hash[offset + 1]) << 16
        | u32::from(hash[offset + 2]) << 8
        | u32::from(hash[offset + 3]);
    binary % 10u32.pow(digits.min(9))
}

/// RFC 6238 §4.2: the time step of a Unix time (T0 = 0).
pub fn time_step(unix_seconds: u64, period: u64) -> u64 {
    unix_seconds / period.max(1)
}

/// The TOTP code at `unix_seconds`, with ONTAP's parameters (SHA-1, 6 digits, 30 s), as text
/// with its leading zeros.
pub fn code_at(secret: &Secret, unix_seconds: u64) -> String {
    let value = hotp(secret.bytes(), time_step(unix_seconds, PERIOD), DIGITS);
    format!("{value:0width$}", width = DIGITS as usize)
}

/// True when `code` is the code of the step of `unix_seconds` or of one of the `window` steps on
/// either side (RFC 6238 §5.2 allows for clock drift and transmission delay).
pub fn verify(secret: &Secret, code: &str, unix_seconds: u64, window: u64) -> bool {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let step = time_step(unix_seconds, PERIOD);
    (step.saturating_sub(window)..=step.saturating_add(window)).any(|s| {
        format!(
            "{:0w$}",
            hotp(secret.bytes(), s, DIGITS),
            w = DIGITS as usize
        ) == code
    })
}

/// The step offset (`-window..=window`) at which `code` matches, or `None`: like [`verify`], but
/// says how far the authenticator's clock is from `unix_seconds` (0 = the same step).
pub fn matching_step(secret: &Secret, code: &str, unix_seconds: u64, window: u64) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = time_step(unix_seconds, PERIOD);
    let w = window as i64;
    (-w..=w).find(|d| {
        let s = step as i64 + d;
        s >= 0 && code_at(secret, s as u64 * PERIOD) == code
    })
}

/// A base32 secret in groups of four characters, as people read it aloud or type it into an
/// authenticator app by hand ("GEZD GNBV ...").
pub fn grouped(base32: &str) -> String {
    let chars: Vec<char> = base32.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Unix time of an HTTP `Date` header (RFC 9110 IMF-fixdate, e.g.
/// `Sun, 06 Nov 1994 08:49:37 GMT`, the only form a server may send); `None` for anything else.
/// The page compares it with the browser's clock: SSH checks codes against the cluster's.
pub fn http_date_to_unix(date: &str) -> Option<u64> {
    let parts: Vec<&str> = date.split_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u64 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let year: u64 = year.parse().ok().filter(|y| *y >= 1970)?;
    let mut hms = time.split(':').map(|x| x.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), for years from 1970.
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe;
    let days = days.checked_sub(719_468)?;
    Some(days * 86_400 + h * 3600 + m * 60 + s)
}

/// How far the browser's clock is ahead of the cluster's (negative: behind), in seconds, from
/// the browser's time in milliseconds and a `Date` header; `None` when the header is unusable.
pub fn clock_skew_seconds(browser_ms: f64, date_header: &str) -> Option<i64> {
    let server = http_date_to_unix(date_header)? as i64;
    Some((browser_ms / 1000.0).floor() as i64 - server)
}

/// The largest clock difference the page accepts without a warning: one 30-second step.
pub const MAX_SKEW_SECONDS: i64 = PERIOD as i64;

/// Characters kept as they are in a label or a parameter value: RFC 3986 unreserved.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, URI_COMPONENT).to_string()
}

/// An `otpauth://totp/` URI per the Key Uri Format: label `issuer:account` (each part
/// percent-encoded), then `secret` (base32, no padding), `issuer`, `algorithm=SHA1`,
/// `digits=6`, `period=30`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUri {
    pub issuer: String,
    pub account: String,
    pub secret: Secret,
}

impl KeyUri {
    /// The label an authenticator app shows: `issuer:account` (or the account alone).
    pub fn label(&self) -> String {
        if self.issuer.is_empty() {
            self.account.clone()
        } else {
            format!("{}:{}", self.issuer, self.account)
        }
    }

    pub fn to_uri(&self) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={PERIOD}",
            enc(&self.issuer),
            enc(&self.account),
            self.secret.to_base32(),
            enc(&self.issuer),
        )
    }

    /// Reads an `otpauth://totp/` URI back (the inverse of [`KeyUri::to_uri`]); `None` when it
    /// is not a TOTP URI with a base32 secret, or asks for parameters other than ONTAP's.
    pub fn parse(uri: &str) -> Option<KeyUri> {
        let rest = uri.strip_prefix("otpauth://totp/")?;
        let (label, query) = rest.split_once('?')?;
        let mut secret = None;
        let mut issuer = None;
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v)?;
            match k {
                "secret" => secret = Some(Secret::from_base32(&v).ok()?),
                "issuer" => issuer = Some(v),
                "algorithm" if !v.eq_ignore_ascii_case("SHA1") => return None,
                "digits" if v != DIGITS.to_string() => return None,
                "period" if v != PERIOD.to_string() => return None,
                _ => {}
            }
        }
        let (label_issuer, account) = split_label(label, issuer.as_deref())?;
        Some(KeyUri {
            // The issuer parameter wins over the label's prefix.
            issuer: issuer.or(label_issuer).unwrap_or_default(),
            account,
            secret: secret?,
        })
    }
}

fn decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// A raw label's issuer prefix and account. The Key Uri Format separates them by a literal or
/// encoded colon and lets neither hold one, but a cluster's name has no pattern and may: so
/// the `issuer` parameter followed by a colon comes first, then the first literal colon
/// ([`KeyUri::to_uri`] encodes those inside a part), then the first encoded one. `None` when the
/// label is not UTF-8.
fn split_label(raw: &str, issuer: Option<&str>) -> Option<(Option<String>, String)> {
    let label = decode(raw)?;
    let after_issuer = issuer.and_then(|i| label.strip_prefix(i)?.strip_prefix(':'));
    let (label_issuer, account) = match (after_issuer, raw.split_once(':')) {
        (Some(account), _) => (issuer.map(str::to_owned), account.to_owned()),
        (None, Some((i, a))) => (Some(decode(i)?), decode(a)?),
        (None, None) => match label.split_once(':') {
            Some((i, a)) => (Some(i.to_owned()), a.to_owned()),
            None => (None, label),
        },
    };
    // The format allows spaces after the colon.
    Some((label_issuer, account.trim_start().to_owned()))
}

/// The `otpauth://totp/` URI inside ONTAP's `install_url`. ONTAP's published example wraps it
/// in a chart-service link (`...&cht=qr&chl=otpauth://totp/...`), its value percent-encoded or
/// not; a bare `otpauth://` URI is read as it is. `None` when no TOTP URI is found.
pub fn key_uri_in_install_url(install_url: &str) -> Option<KeyUri> {
    let url = install_url.trim();
    if url.starts_with("otpauth://") {
        return KeyUri::parse(url);
    }
    let query = url.split_once('?')?.1;
    // `chl` is the last parameter of ONTAP's example and its raw value may hold `?` and `&`:
    // take everything after `chl=`.
    let at = query.find("chl=")?;
    let raw = &query[at + 4..];
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    KeyUri::parse(&decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 key: the ASCII string "12345678901234567890".
    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_4226_appendix_d_hotp_values() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_KEY, counter as u64, 6), *want, "counter {counter}");
        }
    }

    #[test]
    fn rfc_6238_appendix_b_sha1_test_vectors() {
        // (time, 8-digit TOTP) for the SHA-1 mode, T0 = 0, X = 30.
        for (time, want) in [
            (59u64, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            let got = format!("{:08}", hotp(RFC_KEY, time_step(time, 30), 8));
            assert_eq!(got, want, "T = {time}");
            // The 6-digit code ONTAP uses is the same value's last six digits.
            let six = code_at(&Secret::from_bytes(RFC_KEY), time);
            assert_eq!(six, want[2..], "T = {time}");
        }
    }

    #[test]
    fn verify_accepts_the_adjacent_steps_only() {
        let s = Secret::from_bytes(RFC_KEY);
        let t = 1111111111;
        let now = code_at(&s, t);
        assert!(verify(&s, &now, t, 0));
        assert!(verify(&s, &code_at(&s, t - 30), t, 1));
        assert!(!verify(&s, &code_at(&s, t - 60), t, 1));
        assert!(!verify(&s, "12345", t, 1));
        assert!(!verify(&s, "abcdef", t, 1));
    }

    #[test]
    fn base32_round_trips_and_forgives_how_people_copy_it() {
        let s = Secret::from_bytes(RFC_KEY);
        let b = s.to_base32();
        assert_eq!(b, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert!(!b.contains('='));
        assert_eq!(Secret::from_base32(&b), Ok(s.clone()));
        assert_eq!(
            Secret::from_base32("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq"),
            Ok(s)
        );
        assert_eq!(Secret::from_base32(" "), Err(SecretError::Empty));
        assert_eq!(Secret::from_base32("1189"), Err(SecretError::NotBase32));
        assert_eq!(
            format!("{:?}", Secret::from_bytes(&[1; 20])),
            "Secret(20 bytes)"
        );
    }

    #[test]
    fn the_key_uri_encodes_label_and_names_every_parameter() {
        let k = KeyUri {
            issuer: "cluster 1".into(),
            account: "CORP\\jdoe@vs1".into(),
            secret: Secret::from_bytes(RFC_KEY),
        };
        let uri = k.to_uri();
        assert_eq!(
            uri,
            "otpauth://totp/cluster%201:CORP%5Cjdoe%40vs1?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=cluster%201&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(KeyUri::parse(&uri), Some(k.clone()));
        assert_eq!(KeyUri::parse("otpauth://hotp/x?secret=GEZA"), None);
        // Inside ONTAP's chart-service install_url, encoded or raw.
        let chart = "https://www.google.com/chart?chs=200x200&chld=M|0&cht=qr&chl=";
        let encoded = format!("{chart}{}", enc(&uri));
        assert_eq!(key_uri_in_install_url(&encoded), Some(k.clone()));
        assert_eq!(
            key_uri_in_install_url(&format!("{chart}{uri}")),
            Some(k.clone())
        );
        assert_eq!(key_uri_in_install_url(&uri), Some(k.clone()));
        assert_eq!(key_uri_in_install_url("https://example.com/?a=b"), None);
        assert_eq!(
            KeyUri::parse("otpauth://totp/a:b?secret=GEZA&algorithm=SHA256"),
            None
        );
    }

    #[test]
    fn malformed_uris_are_refused() {
        for bad in [
            "",
            "otpauth://totp/",
            "otpauth://totp/a:b",                       // no query
            "otpauth://totp/a:b?issuer=a",              // no secret
            "otpauth://totp/a:b?secret=",               // empty secret
            "otpauth://totp/a:b?secret=1189",           // not base32
            "otpauth://totp/a:b?secret=GEZA%",          // broken escape
            "otpauth://totp/a%FF:b?secret=GEZA",        // label not UTF-8
            "otpauth://totp/a:b?secret=GEZA&digits=8",  // not ONTAP's digits
            "otpauth://totp/a:b?secret=GEZA&period=60", // not ONTAP's period
            "otpauth://totp/a:b?secret=GEZA&algorithm=SHA512",
            "otpauth://hotp/a:b?secret=GEZA&counter=1", // HOTP
            "https://example.com/otpauth://totp/a:b?secret=GEZA", // not at the start
            "OTPAUTH://TOTP/a:b?secret=GEZA",
        ] {
            assert_eq!(KeyUri::parse(bad), None, "{bad:?}");
        }
        // Lower-case and padded secrets, and a label without issuer, are read.
        let k = KeyUri::parse("otpauth://totp/alice?secret=gezdgnbvgy3tqojq&algorithm=sha1")
            .expect("a lower-case secret");
        assert_eq!(k.account, "alice");
        assert_eq!(k.issuer, "");
        assert_eq!(k.label(), "alice");
        assert_eq!(k.secret.to_base32(), "GEZDGNBVGY3TQOJQ");
        // The issuer parameter wins over the label's prefix.
        let k = KeyUri::parse("otpauth://totp/old:bob?secret=GEZA&issuer=new").unwrap();
        assert_eq!((k.issuer.as_str(), k.account.as_str()), ("new", "bob"));
        // Colons inside the names (a cluster's name has no pattern): the parts come back whole,
        // encoded as to_uri writes them, or bare after an issuer parameter that names them.
        let k = KeyUri {
            issuer: "a:b".into(),
            account: ":alice@a:b".into(),
            secret: Secret::from_bytes(RFC_KEY),
        };
        assert_eq!(KeyUri::parse(&k.to_uri()), Some(k.clone()));
        let bare = "otpauth://totp/a:b: bob?secret=GEZA&issuer=a%3Ab";
        let k = KeyUri::parse(bare).unwrap();
        assert_eq!((k.issuer.as_str(), k.account.as_str()), ("a:b", "bob"));
        let encoded_colon = KeyUri::parse("otpauth://totp/x%3Abob?secret=GEZA").unwrap();
        assert_eq!(
            (
                encoded_colon.issuer.as_str(),
                encoded_colon.account.as_str()
            ),
            ("x", "bob")
        );
        // install_url values that carry no TOTP URI, or a broken one.
        for bad in [
            "",
            "https://www.google.com/chart?chs=200x200&cht=qr",
            "https://www.google.com/chart?cht=qr&chl=",
            "https://www.google.com/chart?cht=qr&chl=otpauth%3A%2F%2Ftotp%2Fa%3Ab%3Fsecret%3D1",
            "https://www.google.com/chart?cht=qr&chl=%FF",
            "not a url",
        ] {
            assert_eq!(key_uri_in_install_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn malformed_secrets_are_refused() {
        assert_eq!(Secret::from_base32(""), Err(SecretError::Empty));
        assert_eq!(Secret::from_base32("-- =="), Err(SecretError::Empty));
        for bad in [
            "A",
            "ABC",
            "GEZ!GNBV",
            "GEZDGNBVÄ",
            "0OI1",
            "GEZDGNB=VGY3TQOJQ9",
        ] {
            assert_eq!(
                Secret::from_base32(bad),
                Err(SecretError::NotBase32),
                "{bad:?}"
            );
        }
        // The Key Uri Format omits padding; a padded copy is forgiven.
        assert_eq!(
            Secret::from_base32("GEZA===="),
            Ok(Secret::from_bytes(b"12"))
        );
    }

    #[test]
    fn matching_step_tells_the_drift() {
        let s = Secret::from_bytes(RFC_KEY);
        let t = 1111111111;
        assert_eq!(matching_step(&s, &code_at(&s, t), t, 1), Some(0));
        assert_eq!(matching_step(&s, &code_at(&s, t + 30), t, 1), Some(1));
        assert_eq!(matching_step(&s, &code_at(&s, t - 30), t, 1), Some(-1));
        assert_eq!(matching_step(&s, &code_at(&s, t + 60), t, 1), None);
        assert_eq!(matching_step(&s, " 050471 ", t, 0), Some(0));
        assert_eq!(matching_step(&s, "05047", t, 1), None);
        // Near the epoch the window does not go below step 0.
        assert_eq!(matching_step(&s, &code_at(&s, 0), 10, 1), Some(0));
    }

    #[test]
    fn a_secret_reads_in_groups_of_four() {
        assert_eq!(
            grouped("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
        assert_eq!(grouped("GEZDG"), "GEZD G");
        assert_eq!(grouped(""), "");
    }

    #[test]
    fn http_dates_are_read_and_compared() {
        assert_eq!(
            http_date_to_unix("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(http_date_to_unix("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            http_date_to_unix("Sat, 29 Feb 2020 23:59:59 GMT"),
            Some(1_583_020_799)
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
        ] {
            assert_eq!(http_date_to_unix(bad), None, "{bad:?}");
        }
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(clock_skew_seconds(784_111_777_900.0, date), Some(0));
        assert_eq!(clock_skew_seconds(784_111_817_000.0, date), Some(40));
        assert_eq!(clock_skew_seconds(784_111_700_000.0, date), Some(-77));
        assert_eq!(clock_skew_seconds(0.0, "yesterday"), None);
    }
}
