//! Every address of the page, in one place: the paths the router matches and the links that
//! point at them, built from typed keys with each segment percent-encoded. A page links to
//! another screen only through here, never by importing that screen's files.

use ontap_model::{AccountName, OwnerUuid, TotpKey};

pub(crate) const PROFILES: &str = "/profiles";
pub(crate) const BULK: &str = "/profiles/bulk";
pub(crate) const ACCOUNTS: &str = "/accounts";
pub(crate) const HISTORY: &str = "/history";
pub(crate) const CHANGES: &str = "/changes";
pub(crate) const ENROLL: &str = "/enroll";
/// The enrollment page opening on "Rotate my key" (the signed-in user's own, enabled profile).
pub(crate) const ROTATE: &str = "/enroll?rotate=1";

/// `/profiles/{owner.uuid}/{account.name}`: a profile's editor.
pub fn editor_href(key: &TotpKey) -> String {
    format!(
        "{PROFILES}/{}/{}",
        ontap_model::totp::encode_segment(key.owner.as_str()),
        ontap_model::totp::encode_segment(key.account.as_str())
    )
}

/// Reads an editor address's two segments as strict types; the message says what is wrong.
pub fn parse_key(owner: &str, account: &str) -> Result<TotpKey, String> {
    let owner = OwnerUuid::try_from(owner)
        .map_err(|e| format!("The owner in this link is not a valid SVM UUID: {e}"))?;
    let account = AccountName::try_from(account)
        .map_err(|e| format!("The account in this link is not a valid account name: {e}"))?;
    Ok(TotpKey { owner, account })
}

/// `/accounts/{owner}/{name}`: an account's page.
pub(crate) fn account_href(owner_uuid: &str, name: &str) -> String {
    format!(
        "{ACCOUNTS}/{}/{}",
        ontap_model::totp::encode_segment(owner_uuid),
        ontap_model::totp::encode_segment(name)
    )
}

/// `/history?account=<name>&owner=<uuid>&svm=<svm name>`: the account's history, on its SVM
/// when `owner` is given (an account is its SVM and its name; records name the SVM by UUID or
/// by name).
pub fn history_href(owner_uuid: Option<&str>, svm: Option<&str>, name: &str) -> String {
    let mut q = ontap_model::Query::new().param("account", name);
    if let Some(o) = owner_uuid {
        q = q.param("owner", o);
        if let Some(n) = svm.filter(|n| !n.is_empty()) {
            q = q.param("svm", n);
        }
    }
    format!("{HISTORY}{}", q.to_query_string())
}
