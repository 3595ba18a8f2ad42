//! `/api/security/accounts`: who must use TOTP for SSH (the not-enrolled view).

use ontap_model::account::ACCOUNT_LIST_FIELDS;
use ontap_model::{Account, Query};

use super::http::{ApiError, Client};
use super::list;

pub const ACCOUNTS_PATH: &str = "/security/accounts";

/// Every account the session may see, with the fields the profile table joins.
pub async fn list_all(client: &Client, on_page: impl FnMut(Vec<Account>)) -> Result<(), ApiError> {
    let q = Query::new()
        .fields(ACCOUNT_LIST_FIELDS)
        .max_records(super::totps::PAGE_SIZE);
    list::all(client, ACCOUNTS_PATH, q, on_page).await
}
