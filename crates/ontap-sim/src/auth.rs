//! HTTP basic authentication: reading the `Authorization` header.

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
