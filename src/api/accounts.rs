//! `/api/security/accounts`: who must use TOTP for SSH (the not-enrolled view).

use ontap_model::account::{ACCOUNT_FACTOR_FIELDS, ACCOUNT_LIST_FIELDS};
use ontap_model::{Account, Query};

use super::http::{ApiError, Client};
use super::list;

pub(crate) const ACCOUNTS_PATH: &str = "/security/accounts";

/// Accounts per page. Every page of this collection costs the cluster a pass over all its
/// accounts (ontap-sim: 0.1 to 0.3 s at 10,000 accounts, whatever the page size), so one large
/// page loads far faster than many small ones: twice ONTAP's default page (10,000), so that a
/// cluster of 10,000 users and its few system accounts take one request, not two (issue 9).
pub(crate) const PAGE_SIZE: u32 = 20_000;

/// Every account the session may see, with the fields the profile table and the accounts
/// view join.
pub async fn list_all(client: &Client, on_page: impl FnMut(Vec<Account>)) -> Result<(), ApiError> {
    let q = Query::new()
        .fields(ACCOUNT_LIST_FIELDS)
        .max_records(PAGE_SIZE);
    list::all(client, ACCOUNTS_PATH, q, None, on_page).await
}

/// [`list_all`] with only what judges each account's factors ([`ACCOUNT_FACTOR_FIELDS`]): for
/// a reader that writes none of them back (a fleet's overview line).
pub(crate) async fn list_all_factors(
    client: &Client,
    on_page: impl FnMut(Vec<Account>),
) -> Result<(), ApiError> {
    let q = Query::new()
        .fields(ACCOUNT_FACTOR_FIELDS)
        .max_records(PAGE_SIZE);
    list::all(client, ACCOUNTS_PATH, q, None, on_page).await
}

/// One account, with the fields the account page shows.
pub async fn get(client: &Client, owner_uuid: &str, name: &str) -> Result<Account, ApiError> {
    let q = Query::new().fields(ACCOUNT_LIST_FIELDS);
    let path = ontap_model::account_change::account_path(owner_uuid, name);
    let path = path.strip_prefix("/api").unwrap_or(&path);
    client.get(&format!("{path}{}", q.to_query_string())).await
}

/// One account read once (no retry): the check after a lost answer.
pub async fn get_once(client: &Client, owner_uuid: &str, name: &str) -> Result<Account, ApiError> {
    let q = Query::new().fields(ACCOUNT_LIST_FIELDS);
    let path = ontap_model::account_change::account_path(owner_uuid, name);
    let path = path.strip_prefix("/api").unwrap_or(&path);
    client
        .get_once(&format!("{path}{}", q.to_query_string()))
        .await
}

/// Sends a planned account change (`PATCH /api/security/accounts/{owner.uuid}/{name}`).
pub(crate) async fn patch(
    client: &Client,
    owner_uuid: &str,
    name: &str,
    patch: &ontap_model::account_change::AccountPatch,
) -> Result<(), ApiError> {
    let path = ontap_model::account_change::account_path(owner_uuid, name);
    let path = path.strip_prefix("/api").unwrap_or(&path);
    client.patch_json(path, &patch.body()).await
}
