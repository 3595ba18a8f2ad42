//! `/api/security/audit/messages`: the cluster's administrative audit log, read for the history
//! of TOTP and account changes (newest first, a page at a time).

use ontap_model::{Collection, Query};
use serde::Deserialize;

use super::http::{ApiError, Client};

pub(crate) const AUDIT_PATH: &str = "/security/audit/messages";

/// The `input` patterns of TOTP-related changes: the REST calls on profiles and accounts, and
/// the clustershell's `security login totp` and `security login modify|lock|unlock` commands.
pub(crate) const TOTP_INPUTS: &str = "*security/login/totps*|*security/accounts*|security login totp*|security login modify*|security login unlock*|security login lock*";

/// Records per page.
pub(crate) const PAGE: u32 = 500;

/// One audit record as read (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct AuditMessage {
    #[serde(default)]
    pub(crate) timestamp: Option<String>,
    #[serde(default)]
    pub(crate) index: Option<u64>,
    #[serde(default)]
    pub(crate) application: Option<String>,
    #[serde(default)]
    pub(crate) location: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub(crate) input: Option<String>,
    #[serde(default)]
    pub(crate) state: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) scope: Option<String>,
    #[serde(default)]
    pub svm: Option<SvmName>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct SvmName {
    #[serde(default)]
    pub(crate) name: Option<String>,
}

/// The first page of TOTP-related audit records, newest first.
pub(crate) fn first_page_path() -> String {
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
pub(crate) async fn page(
    client: &Client,
    path: &str,
) -> Result<(Vec<AuditMessage>, Option<String>), ApiError> {
    let c: Collection<AuditMessage> = client.get(path).await?;
    let next = c.next_href().map(str::to_owned);
    Ok((c.records, next))
}
