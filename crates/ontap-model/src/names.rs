//! The names a TOTP change is addressed by, as strict newtypes.
//!
//! Strings the *server* sends back are read leniently (plain `String`s in [`crate::totp`]);
//! these types guard what the page builds and sends: a value of one of them has passed the
//! contract's rule, so a request built from it cannot carry a malformed name.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The shortest account name ONTAP accepts (`account.name` minLength in the published spec).
pub const ACCOUNT_NAME_MIN: usize = 3;
/// The longest account name ONTAP accepts (`account.name` maxLength in the published spec).
pub const ACCOUNT_NAME_MAX: usize = 64;

/// A user account name: 3 to 64 characters, as the `account` definition says.
///
/// Length is counted in characters (Unicode scalar values), as the JSON schema's
/// `minLength`/`maxLength` are. No other rule is documented, so none is invented.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountName(String);

/// Why a string is not an [`AccountName`].
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AccountNameError {
    #[error("An account name is required.")]
    Empty,
    #[error("An account name has at least {ACCOUNT_NAME_MIN} characters; this one has {0}.")]
    TooShort(usize),
    #[error("An account name has at most {ACCOUNT_NAME_MAX} characters; this one has {0}.")]
    TooLong(usize),
}

impl TryFrom<String> for AccountName {
    type Error = AccountNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let len = value.chars().count();
        match len {
            0 => Err(AccountNameError::Empty),
            n if n < ACCOUNT_NAME_MIN => Err(AccountNameError::TooShort(n)),
            n if n > ACCOUNT_NAME_MAX => Err(AccountNameError::TooLong(n)),
            _ => Ok(AccountName(value)),
        }
    }
}

impl TryFrom<&str> for AccountName {
    type Error = AccountNameError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        AccountName::try_from(value.to_owned())
    }
}

impl<'de> Deserialize<'de> for AccountName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AccountName::try_from(s).map_err(serde::de::Error::custom)
    }
}

impl AccountName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The UUID of an account's owner (its SVM, or the admin SVM for cluster-scoped accounts),
/// in canonical text form: 8-4-4-4-12 hexadecimal digits. Input is case-insensitive
/// (RFC 9562 §4); the value is kept lower-case, as ONTAP prints it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OwnerUuid(String);

/// Why a string is not an [`OwnerUuid`].
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum OwnerUuidError {
    #[error("An owner UUID is required.")]
    Empty,
    #[error("An owner UUID has 36 characters (8-4-4-4-12 hexadecimal digits); this one has {0}.")]
    WrongLength(usize),
    #[error("An owner UUID has hyphens at positions 9, 14, 19 and 24 only.")]
    Hyphens,
    #[error("An owner UUID holds only hexadecimal digits (0-9, a-f) between its hyphens; '{0}' is not one.")]
    NotHex(char),
}

impl TryFrom<&str> for OwnerUuid {
    type Error = OwnerUuidError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        if value.is_empty() {
            return Err(OwnerUuidError::Empty);
        }
        let len = value.chars().count();
        if len != 36 {
            return Err(OwnerUuidError::WrongLength(len));
        }
        for (i, c) in value.chars().enumerate() {
            let hyphen_place = matches!(i, 8 | 13 | 18 | 23);
            match (hyphen_place, c) {
                (true, '-') => {}
                (true, _) | (false, '-') => return Err(OwnerUuidError::Hyphens),
                (false, c) if c.is_ascii_hexdigit() => {}
                (false, c) => return Err(OwnerUuidError::NotHex(c)),
            }
        }
        Ok(OwnerUuid(value.to_ascii_lowercase()))
    }
}

impl TryFrom<String> for OwnerUuid {
    type Error = OwnerUuidError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        OwnerUuid::try_from(value.as_str())
    }
}

impl<'de> Deserialize<'de> for OwnerUuid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OwnerUuid::try_from(s).map_err(serde::de::Error::custom)
    }
}

impl OwnerUuid {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OwnerUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The optional comment of a TOTP profile.
///
/// ONTAP documents no limit for it ("Optional comment for the TOTP profile.", type string),
/// so every string is a comment and none is refused here: when a cluster refuses one, its
/// error (with `target: "comment"`) is shown at the Comment field. [`CommentError`] has no
/// variant today; it is where a documented rule would go.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Comment(String);

/// Why a string is not a [`Comment`]. ONTAP documents no rule, so nothing can fail yet.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CommentError {}

impl TryFrom<String> for Comment {
    type Error = CommentError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Ok(Comment(value))
    }
}

impl TryFrom<&str> for Comment {
    type Error = CommentError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Comment::try_from(value.to_owned())
    }
}

impl Comment {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn account_name_length_bounds_count_characters() {
        assert_eq!(AccountName::try_from(""), Err(AccountNameError::Empty));
        assert_eq!(
            AccountName::try_from("ab"),
            Err(AccountNameError::TooShort(2))
        );
        assert!(AccountName::try_from("abc").is_ok());
        assert!(AccountName::try_from("a".repeat(64)).is_ok());
        assert_eq!(
            AccountName::try_from("a".repeat(65)),
            Err(AccountNameError::TooLong(65))
        );
        // Three characters in nine bytes: still three characters.
        assert!(AccountName::try_from("äöü").is_ok());
        assert!(AccountName::try_from("é".repeat(64)).is_ok());
        // Names with characters that need percent-encoding in a path are still names.
        assert!(AccountName::try_from("DOMAIN\\user/x").is_ok());
    }

    #[test]
    fn account_name_errors_read_as_sentences() {
        assert_eq!(
            AccountNameError::TooShort(2).to_string(),
            "An account name has at least 3 characters; this one has 2."
        );
    }

    #[test]
    fn owner_uuid_accepts_canonical_text_and_lowercases() {
        let u = OwnerUuid::try_from("02C9E252-41be-11e9-81d5-00a0986138f7").unwrap();
        assert_eq!(u.as_str(), "02c9e252-41be-11e9-81d5-00a0986138f7");
    }

    #[test]
    fn owner_uuid_rejects_malformed_text() {
        assert_eq!(OwnerUuid::try_from(""), Err(OwnerUuidError::Empty));
        assert_eq!(
            OwnerUuid::try_from("not-a-uuid"),
            Err(OwnerUuidError::WrongLength(10))
        );
        assert_eq!(
            OwnerUuid::try_from("02c9e25241be-11e9-81d5-00a0986138f7x"),
            Err(OwnerUuidError::Hyphens)
        );
        assert_eq!(
            OwnerUuid::try_from("02c9e252-41be-11e9-81d5-00a0986138fg"),
            Err(OwnerUuidError::NotHex('g'))
        );
        // 36 characters but braces, as some tools print UUIDs: refused.
        assert_eq!(
            OwnerUuid::try_from("{2c9e252-41be-11e9-81d5-00a0986138f}"),
            Err(OwnerUuidError::NotHex('{'))
        );
    }

    #[test]
    fn strict_types_refuse_bad_json() {
        assert!(serde_json::from_str::<AccountName>("\"ab\"").is_err());
        assert!(serde_json::from_str::<OwnerUuid>("\"x\"").is_err());
        assert!(serde_json::from_str::<AccountName>("\"alice\"").is_ok());
    }

    proptest! {
        #[test]
        fn any_string_is_an_account_name_or_a_typed_error(s in any::<String>()) {
            match AccountName::try_from(s.as_str()) {
                Ok(n) => {
                    let len = s.chars().count();
                    prop_assert!((ACCOUNT_NAME_MIN..=ACCOUNT_NAME_MAX).contains(&len));
                    prop_assert_eq!(n.as_str(), s.as_str());
                }
                Err(AccountNameError::Empty) => prop_assert!(s.is_empty()),
                Err(AccountNameError::TooShort(n)) => prop_assert!(n < ACCOUNT_NAME_MIN && n > 0),
                Err(AccountNameError::TooLong(n)) => prop_assert!(n > ACCOUNT_NAME_MAX),
            }
        }

        #[test]
        fn any_string_is_an_owner_uuid_or_a_typed_error(s in any::<String>()) {
            if let Ok(u) = OwnerUuid::try_from(s.as_str()) {
                prop_assert_eq!(u.as_str().len(), 36);
                prop_assert_eq!(u.as_str(), s.to_ascii_lowercase());
            }
        }

        #[test]
        fn uuid_shaped_strings_are_owner_uuids(s in "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}") {
            prop_assert!(OwnerUuid::try_from(s.as_str()).is_ok());
        }

        #[test]
        fn any_string_is_a_comment(s in any::<String>()) {
            let c = Comment::try_from(s.as_str());
            prop_assert_eq!(c.map(|c| c.as_str().to_owned()), Ok(s));
        }
    }
}
