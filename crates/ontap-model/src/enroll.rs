//! What an administrator runs when a user cannot enroll: set TOTP as the account's SSH second
//! factor (ONTAP refuses a profile otherwise, 144834561), or disable an existing profile so that
//! the user can enroll again (NetApp's documented reset). Commands quoted by [`crate::cli`]'s
//! rule; the REST body keeps the `http` application, because a PATCH of `applications`
//! replaces the account's whole list.

use serde_json::json;

use crate::cli::{cli_value, CliError};
use crate::totp::encode_segment;

/// The clustershell command that makes TOTP the SSH second factor of `user` on `svm`.
pub fn second_factor_cli(svm: &str, user: &str) -> Result<String, CliError> {
    let mut caveats = Vec::new();
    Ok(format!(
        "security login modify -vserver {} -user-or-group-name {} -application ssh \
         -authentication-method password -second-authentication-method totp",
        cli_value(svm, "SVM name", &mut caveats)?,
        cli_value(user, "account name", &mut caveats)?,
    ))
}

/// The REST call for the same: `PATCH /api/security/accounts/{owner.uuid}/{name}` and its body.
/// `applications` replaces the list, so the body names `http` (this page needs it) and `ssh`.
pub fn second_factor_rest(owner_uuid: &str, user: &str) -> (String, String) {
    let path = format!(
        "/api/security/accounts/{}/{}",
        encode_segment(owner_uuid),
        encode_segment(user)
    );
    let body = json!({
        "applications": [
            {"application": "http", "authentication_methods": ["password"]},
            {"application": "ssh", "authentication_methods": ["password"],
             "second_authentication_method": "totp"}
        ]
    });
    (path, body.to_string())
}

/// The clustershell command that disables `user`'s profile (the reset before enrolling again).
pub fn reset_cli(svm: &str, user: &str) -> Result<String, CliError> {
    let mut caveats = Vec::new();
    Ok(format!(
        "security login totp modify -vserver {} -username {} -enabled false",
        cli_value(svm, "SVM name", &mut caveats)?,
        cli_value(user, "account name", &mut caveats)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commands_name_the_account_and_quote_it() {
        assert_eq!(
            second_factor_cli("vs_eng", "alice").unwrap(),
            "security login modify -vserver vs_eng -user-or-group-name alice -application ssh \
             -authentication-method password -second-authentication-method totp"
        );
        assert_eq!(
            reset_cli("cluster1", "ops team").unwrap(),
            "security login totp modify -vserver cluster1 -username \"ops team\" -enabled false"
        );
        assert!(reset_cli("vs1", "a\nb").is_err());
    }

    #[test]
    fn the_rest_call_keeps_http_and_encodes_the_path() {
        let (path, body) = second_factor_rest("1cd8a442-86d1-11e0-ae1c-123478563412", "CORP\\jdoe");
        assert_eq!(
            path,
            "/api/security/accounts/1cd8a442-86d1-11e0-ae1c-123478563412/CORP%5Cjdoe"
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let apps = v["applications"].as_array().unwrap();
        assert!(apps.iter().any(|a| a["application"] == "http"));
        assert!(apps
            .iter()
            .any(|a| a["application"] == "ssh" && a["second_authentication_method"] == "totp"));
    }
}
