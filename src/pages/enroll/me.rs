//! Who is enrolling: the signed-in account as the POST and the clustershell name it. Apart from
//! the flow so that the pure parts (the key's label, the commands shown) can use it natively.

use leptos::prelude::*;
use ontap_model::Scope;

use crate::session::SessionCtx;

/// Who is enrolling: the signed-in account, as the POST names it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Me {
    pub account: String,
    /// The owning SVM's name for an SVM-scoped account; `None` for a cluster-scoped one.
    pub svm: Option<String>,
    pub(crate) cluster: String,
}

impl Me {
    /// The signed-in account, when the session knows its name.
    pub fn of(session: &SessionCtx) -> Option<Me> {
        session.session.with_untracked(|s| {
            let s = s.as_ref()?;
            let account = s.identity.user.clone()?;
            let svm = match s.identity.scope {
                Some(Scope::Cluster) => None,
                _ => s.identity.svm.clone(),
            };
            Some(Me {
                account,
                svm,
                cluster: s.cluster.name.clone().unwrap_or_else(|| "ONTAP".into()),
            })
        })
    }

    /// The SVM a clustershell command names (the admin SVM of a cluster-scoped account is
    /// called like the cluster).
    pub(crate) fn vserver(&self) -> &str {
        self.svm.as_deref().unwrap_or(&self.cluster)
    }

    /// How the account reads: `alice@vs_eng`, or `admin` when cluster-scoped.
    pub(crate) fn display(&self) -> String {
        match &self.svm {
            Some(s) => format!("{}@{s}", self.account),
            None => self.account.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Me;

    #[test]
    fn an_svm_account_reads_with_its_svm_and_a_cluster_one_with_the_cluster() {
        let alice = Me {
            account: "alice".into(),
            svm: Some("vs_eng".into()),
            cluster: "cluster1".into(),
        };
        assert_eq!(
            (alice.display().as_str(), alice.vserver()),
            ("alice@vs_eng", "vs_eng")
        );
        let admin = Me {
            svm: None,
            account: "admin".into(),
            ..alice
        };
        assert_eq!(
            (admin.display().as_str(), admin.vserver()),
            ("admin", "cluster1")
        );
    }
}
