//! `/api/security/login/totps`: list, count, read and change TOTP profiles.

use ontap_model::totp::TOTPS_PATH;
use ontap_model::{Collection, Query, Totp, TotpCreate, TotpCreated, TotpKey, TotpPatch};

use super::http::{ApiError, Client};
use super::identity::exact;
use super::list;

/// The fields the editor shows (the key fields come with every record).
pub(crate) const EDITOR_FIELDS: &[&str] = &[
    "comment",
    "enabled",
    "scope",
    "sha_fingerprint",
    "owner.name",
];
/// The fields the table shows.
pub(crate) const LIST_FIELDS: &[&str] = &[
    "owner.name",
    "scope",
    "enabled",
    "comment",
    "sha_fingerprint",
];
/// Records in the first page of a listing: a screenful and more, answered and drawn at once
/// (issue 9: sign-in to first rows within 500 ms at 10,000 profiles).
pub(crate) const FIRST_PAGE: u32 = 200;
/// Records per page after the first: large pages, few round trips.
pub(crate) const PAGE_SIZE: u32 = 2000;

/// Loads every profile, following `_links.next` to the end; `on_page` sees each page as it
/// arrives so the first rows can be shown before the last page is in. The first page is
/// small ([`FIRST_PAGE`]), the others large ([`PAGE_SIZE`]).
pub(crate) async fn list_all(
    client: &Client,
    fields: &[&str],
    on_page: impl FnMut(Vec<Totp>),
) -> Result<(), ApiError> {
    let q = Query::new().fields(fields).max_records(FIRST_PAGE);
    list::all(client, TOTPS_PATH, q, Some(PAGE_SIZE), on_page).await
}

/// [`list_all`] in pages of [`PAGE_SIZE`] from the first, for a reader that uses the records
/// only once all are in (a fleet's overview line): a small first page would show nothing
/// sooner there, and costs one more round trip that waits for the page's main thread.
pub(crate) async fn list_all_large(
    client: &Client,
    fields: &[&str],
    on_page: impl FnMut(Vec<Totp>),
) -> Result<(), ApiError> {
    let q = Query::new().fields(fields).max_records(PAGE_SIZE);
    list::all(client, TOTPS_PATH, q, Some(PAGE_SIZE), on_page).await
}

/// How many profiles the session can see.
pub async fn count(client: &Client) -> Result<u64, ApiError> {
    list::count(client, TOTPS_PATH, Query::new()).await
}

/// One profile, with the fields the editor shows. An answer that does not name this very
/// profile (its owner UUID and account name, which come with every record) is refused: the
/// page never shows or edits one profile from another's record.
pub async fn get(client: &Client, key: &TotpKey) -> Result<Totp, ApiError> {
    get_fields(client, key, EDITOR_FIELDS).await
}

/// The fields a bulk change checks just before writing: its comment and status.
pub(crate) const STATE_FIELDS: &[&str] = &["comment", "enabled"];

/// [`get`] with only `fields` (the key always comes with the record).
pub(crate) async fn get_fields(
    client: &Client,
    key: &TotpKey,
    fields: &[&str],
) -> Result<Totp, ApiError> {
    let q = Query::new().fields(fields);
    let t: Totp = client
        .get(&format!("{}{}", key.path(), q.to_query_string()))
        .await?;
    if is_record_of(&t, key) {
        Ok(t)
    } else {
        Err(ApiError::Decode(
            "the answer does not name the profile asked for".into(),
        ))
    }
}

/// True when `t` names the profile `key` (the UUID in any case, the account name exactly).
pub(crate) fn is_record_of(t: &Totp, key: &TotpKey) -> bool {
    t.owner_uuid()
        .is_some_and(|u| u.eq_ignore_ascii_case(key.owner.as_str()))
        && t.account_name() == Some(key.account.as_str())
}

/// The core call. An empty patch is never sent: callers get `Ok` without a request.
pub async fn patch(client: &Client, key: &TotpKey, patch: &TotpPatch) -> Result<(), ApiError> {
    if patch.is_empty() {
        return Ok(());
    }
    let body = serde_json::to_string(patch).map_err(|e| ApiError::Decode(e.to_string()))?;
    client.patch_json(&key.path(), &body).await
}

/// Deletes a profile (ONTAP 9.13 to 9.18; from 9.19.1 only the CLI can: see
/// [`ontap_model::Version::rest_delete_supported`]).
pub async fn delete(client: &Client, key: &TotpKey) -> Result<(), ApiError> {
    client.delete(&key.path()).await
}

/// The signed-in account's own profile, if it has one: `account.name` (and `owner.name` for an
/// SVM-scoped account) as exact filters, with `enabled`. The `Date` header comes along.
pub(crate) async fn own(
    client: &Client,
    account: &str,
    owner_name: Option<&str>,
) -> Result<(Option<Totp>, Option<String>), ApiError> {
    let mut q = Query::new()
        .filter("account.name", &exact(account))
        .fields(&["enabled", "owner.name", "scope"]);
    if let Some(o) = owner_name {
        q = q.filter("owner.name", &exact(o));
    }
    let (c, date): (Collection<Totp>, _) = client
        .get_dated(&format!("{TOTPS_PATH}{}", q.to_query_string()))
        .await?;
    let mine = c
        .records
        .into_iter()
        .find(|t| t.account_name() == Some(account));
    Ok((mine, date))
}

/// Creates the signed-in user's own profile with `return_records=true`: the only answer that
/// carries the secret, the install URL, a verification code and the emergency codes. Sent once.
/// Returns the record and the answer's `Date` header.
pub(crate) async fn create(
    client: &Client,
    body: &TotpCreate,
) -> Result<(TotpCreated, Option<String>), ApiError> {
    let json = serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))?;
    let q = Query::new().return_records(true);
    let a = client
        .post_json(&format!("{TOTPS_PATH}{}", q.to_query_string()), &json)
        .await?;
    let date = a.date.clone();
    // The body holds the secret and the emergency codes: wiped once read. The browser's own
    // copy (the response's bytes on the JS side) is out of reach.
    let body = zeroize::Zeroizing::new(a.body);
    let c: Collection<TotpCreated> =
        serde_json::from_str(&body).map_err(|e| super::http::undecodable(&e))?;
    let record = c
        .records
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Decode("the created profile was not returned".into()))?;
    Ok((record, date))
}

/// Every profile of the accounts called `name`, on every SVM the session sees (offboarding,
/// issue 19): `account.name` as an exact filter, with the fields a bulk change plans from.
/// Only records that name exactly `name` are kept (a filter is a query, not a promise).
pub(crate) async fn named(client: &Client, name: &str) -> Result<Vec<Totp>, ApiError> {
    let q = Query::new()
        .filter("account.name", &exact(name))
        .fields(PLAN_FIELDS)
        .max_records(PAGE_SIZE);
    let mut all = Vec::new();
    list::all(client, TOTPS_PATH, q, None, |p: Vec<Totp>| all.extend(p)).await?;
    all.retain(|t| t.account_name() == Some(name));
    Ok(all)
}

/// Every profile the session sees, with the fields a bulk change plans from: offboarding's
/// read of a cluster asked for many names at once.
pub(crate) async fn all_to_plan(client: &Client) -> Result<Vec<Totp>, ApiError> {
    let mut all = Vec::new();
    list_all_large(client, PLAN_FIELDS, |p| all.extend(p)).await?;
    Ok(all)
}

/// The fields a bulk change plans from (the key fields come with every record).
const PLAN_FIELDS: &[&str] = &["owner.name", "scope", "enabled", "comment"];
