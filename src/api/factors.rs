//! The second factors besides TOTP: Cisco Duo profiles and groups
//! (`/api/security/authentication/duo/...`, from 9.14.1) and WebAuthn credentials
//! (`/api/security/webauthn/credentials`, from 9.16.1), read for the accounts view.

use ontap_model::mfa::{
    DuoGroup, DuoProfile, WebauthnCredential, DUO_GROUPS_PATH, DUO_PROFILES_PATH,
    WEBAUTHN_CREDENTIALS_PATH,
};
use ontap_model::Query;

use super::http::{ApiError, Client};
use super::list;

/// Every Duo profile the session may see, with the fields the coverage rule reads.
pub async fn duo_profiles(client: &Client) -> Result<Vec<DuoProfile>, ApiError> {
    let q = Query::new().fields(&["owner", "is_enabled", "status"]);
    let mut all = Vec::new();
    list::all(client, DUO_PROFILES_PATH, q, None, |p| all.extend(p)).await?;
    Ok(all)
}

/// Every Duo group the session may see.
pub async fn duo_groups(client: &Client) -> Result<Vec<DuoGroup>, ApiError> {
    let q = Query::new().fields(&["owner", "name", "excluded_users"]);
    let mut all = Vec::new();
    list::all(client, DUO_GROUPS_PATH, q, None, |p| all.extend(p)).await?;
    Ok(all)
}

/// Every registered WebAuthn credential the session may see (key fields and display name).
pub async fn webauthn_credentials(client: &Client) -> Result<Vec<WebauthnCredential>, ApiError> {
    let q = Query::new().fields(&[
        "owner",
        "username",
        "index",
        "relying_party",
        "display_name",
    ]);
    let mut all = Vec::new();
    list::all(client, WEBAUTHN_CREDENTIALS_PATH, q, None, |p| {
        all.extend(p)
    })
    .await?;
    Ok(all)
}
