//! Who is signed in: the account record (`/api/security/accounts?name=...`), or failing that
//! the SVMs the session can see (`/api/svm/svms`: an SVM-scoped session sees only its own).

use ontap_model::totp::OwnerRef;
use ontap_model::{Account, Collection, Query};

use super::accounts::ACCOUNTS_PATH;
use super::http::{ApiError, Client};

/// The fields the banner needs.
pub const IDENTITY_FIELDS: &[&str] = &["name", "owner", "role", "scope"];

/// `name` as an exact value in ONTAP's query syntax: quoted when it holds an operator character.
pub(crate) fn exact(name: &str) -> String {
    let operators = ['*', '|', '!', '<', '>', '{', '}', '"'];
    if name.contains(operators) || name.contains("..") || name.eq_ignore_ascii_case("null") {
        format!("\"{}\"", name.replace('"', ""))
    } else {
        name.to_owned()
    }
}

/// The accounts called `name` that the session may see (one per SVM that has one).
pub async fn accounts_named(client: &Client, name: &str) -> Result<Vec<Account>, ApiError> {
    let q = Query::new()
        .filter("name", &exact(name))
        .fields(IDENTITY_FIELDS);
    let c: Collection<Account> = client
        .get(&format!("{ACCOUNTS_PATH}{}", q.to_query_string()))
        .await?;
    Ok(c.records)
}

/// Every account called `name`, one per SVM that has one, with the fields an account change
/// plans from (offboarding across a fleet, issue 19); every page, only exact matches kept.
pub(crate) async fn accounts_named_in_full(
    client: &Client,
    name: &str,
) -> Result<Vec<Account>, ApiError> {
    let q = Query::new()
        .filter("name", &exact(name))
        .fields(ontap_model::account::ACCOUNT_LIST_FIELDS)
        .max_records(super::accounts::PAGE_SIZE);
    let mut all = Vec::new();
    super::list::all(client, ACCOUNTS_PATH, q, None, |p: Vec<Account>| {
        all.extend(p)
    })
    .await?;
    all.retain(|a| a.name.as_deref() == Some(name));
    Ok(all)
}

/// The SVMs the session may see (first page: an SVM-scoped session sees one).
pub async fn visible_svms(client: &Client) -> Result<Vec<OwnerRef>, ApiError> {
    let q = Query::new().fields(&["name", "uuid"]).max_records(2);
    let c: Collection<OwnerRef> = client
        .get(&format!("/svm/svms{}", q.to_query_string()))
        .await?;
    Ok(c.records)
}
