//! Reading the `Authorization` header: HTTP basic authentication, and OAuth 2.0 bearer tokens
//! (ONTAP 9.14 and later).

use data_encoding::BASE64;

/// The user name and password of a `Basic` authorization header, if it is one and decodes.
pub fn basic_credentials(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = BASE64.decode(encoded.trim().as_bytes()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// What an `Authorization` header presents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    Basic { user: String, password: String },
    Bearer(String),
}

impl Credentials {
    /// Reads a header; `None` for a scheme the API does not take or a value that does not
    /// decode.
    pub fn parse(header: &str) -> Option<Credentials> {
        if let Some((user, password)) = basic_credentials(header) {
            return Some(Credentials::Basic { user, password });
        }
        let (scheme, token) = header.trim().split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
            .then(|| Credentials::Bearer(token.to_owned()))
    }
}

/// The header value a client sends for `user` and `password`.
pub fn basic_header(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        BASE64.encode(format!("{user}:{password}").as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_round_trip_with_colons_in_the_password() {
        let h = basic_header("CORP\\jdoe", "a:b!");
        assert_eq!(
            basic_credentials(&h),
            Some(("CORP\\jdoe".into(), "a:b!".into()))
        );
        assert_eq!(
            basic_credentials("basic YWRtaW46TmV0YXBwMSE="),
            Some(("admin".into(), "Netapp1!".into()))
        );
    }

    #[test]
    fn bearer_tokens_are_read_and_other_schemes_are_not() {
        assert_eq!(
            Credentials::parse("Bearer abc.def.ghi"),
            Some(Credentials::Bearer("abc.def.ghi".into()))
        );
        assert_eq!(Credentials::parse("Bearer "), None);
        assert_eq!(Credentials::parse("Digest x"), None);
        assert!(matches!(
            Credentials::parse(&basic_header("a", "b")),
            Some(Credentials::Basic { .. })
        ));
    }

    #[test]
    fn other_schemes_and_garbage_are_not_credentials() {
        assert_eq!(basic_credentials("Bearer abc"), None);
        assert_eq!(basic_credentials("Basic !!!"), None);
        assert_eq!(basic_credentials("Basic"), None);
        assert_eq!(
            basic_credentials(&format!("Basic {}", BASE64.encode(b"nocolon"))),
            None
        );
    }
}
