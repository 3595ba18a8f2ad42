//! `/api/security/audit/messages`: the cluster's administrative audit log, read for the history
//! of TOTP and account changes (newest first, a page at a time).

use ontap_model::{Collection, Query};
use serde::Deserialize;

use super::http::{ApiError, Client};

pub const AUDIT_PATH: &str = "/security/audit/messages";

/// The `input` patterns of TOTP-related changes: the REST calls on profiles and accounts, and
/// the clustershell's `security login totp` and `security login modify|lock|unlock` commands.
pub const TOTP_INPUTS: &str = "*security/login/totps*|*security/accounts*|security login totp*|security login modify*|security login unlock*|security login lock*";

/// Records per page.
pub const PAGE: u32 = 500;

/// One audit record as read (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct AuditMessage {
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub index: Option<u64>,
    #[serde(default)]
    pub application: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub input: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub svm: Option<SvmName>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct SvmName {
    #[serde(default)]
    pub name: Option<String>,
}

/// The first page of TOTP-related audit records, newest first.
pub fn first_page_path() -> String {
    let q = Query::new()
        .filter("input", TOTP_INPUTS)
        .fields(&[
            "timestamp",
            "index",
            "application",
            "location",
            "user",
            "input",
            "state",
            "message",
            "scope",
            "svm",
        ])
        .order_by("timestamp", ontap_model::Direction::Desc)
        .max_records(PAGE);
    format!("{AUDIT_PATH}{}", q.to_query_string())
}

/// One page: the records and the link to the next one.
pub async fn page(
    client: &Client,
    path: &str,
) -> Result<(Vec<AuditMessage>, Option<String>), ApiError> {
    let c: Collection<AuditMessage> = client.get(path).await?;
    let next = c.next_href().map(str::to_owned);
    Ok((c.records, next))
}
