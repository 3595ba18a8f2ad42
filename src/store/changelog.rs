//! The session's change log: every change the editor sent from this tab (when, who, which
//! account of which SVM, what changed, and how it ended). Kept in memory only, like the
//! credentials: a reload or a sign-out forgets it. Provided by the page shell; shown on the
//! `/changes` page.

use leptos::prelude::*;

/// How a change ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Sent; no answer yet.
    Sending,
    Saved,
    /// Refused, with the catalogue's message.
    Failed(String),
    /// The answer was lost; a re-read is checking whether it landed.
    Unknown,
    /// The answer was lost and a re-read showed the change on the cluster.
    UnknownConfirmed,
    /// The answer was lost and a re-read showed the change is not on the cluster.
    UnknownNotApplied,
}

impl Outcome {
    /// The words the log shows.
    pub(crate) fn label(&self) -> String {
        match self {
            Outcome::Sending => "Sending…".into(),
            Outcome::Saved => "Saved".into(),
            Outcome::Failed(m) => format!("Failed: {m}"),
            Outcome::Unknown => "Unknown: the answer was lost; not yet confirmed".into(),
            Outcome::UnknownConfirmed => "Unknown → confirmed saved".into(),
            Outcome::UnknownNotApplied => "Unknown → confirmed not applied".into(),
        }
    }

    /// A CSS modifier: `ok`, `error` or `pending`.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Outcome::Saved | Outcome::UnknownConfirmed => "ok",
            Outcome::Failed(_) | Outcome::UnknownNotApplied => "error",
            Outcome::Sending | Outcome::Unknown => "pending",
        }
    }
}

/// One change sent from this tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    /// Local time, `HH:MM:SS`.
    pub time: String,
    pub user: String,
    pub account: String,
    pub svm: String,
    /// The cluster the change went to, on a fleet's page (issue 19); `None` on the
    /// single-cluster page, which has one.
    pub cluster: Option<OnCluster>,
    /// "change the comment to "x" and disable the profile".
    pub what: String,
    pub outcome: Outcome,
}

/// Where a fleet's change went: the cluster by name and UUID, and the SVM by UUID. Cluster
/// UUID + owner UUID + account name is the change's key (two clusters may share a name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnCluster {
    pub name: String,
    pub uuid: String,
    pub owner_uuid: String,
}

#[derive(Clone, Copy)]
pub struct ChangeLog {
    pub entries: RwSignal<Vec<Entry>>,
    next: RwSignal<u64>,
}

impl Default for ChangeLog {
    fn default() -> Self {
        ChangeLog::new()
    }
}

impl ChangeLog {
    pub fn new() -> ChangeLog {
        ChangeLog {
            entries: RwSignal::new(Vec::new()),
            next: RwSignal::new(1),
        }
    }

    /// Creates the log and provides it to the views below.
    pub fn provide() -> ChangeLog {
        let log = ChangeLog::new();
        provide_context(log);
        log
    }

    /// The log, when a shell provides one (component tests may mount the editor alone).
    pub fn from_ctx() -> Option<ChangeLog> {
        use_context::<ChangeLog>()
    }

    /// Records a change as it is sent, and returns its id for [`ChangeLog::settle`].
    pub fn record(&self, user: &str, account: &str, svm: &str, what: &str) -> u64 {
        self.record_on(None, user, account, svm, what)
    }

    /// [`ChangeLog::record`] of a change to one cluster of a fleet, named by `cluster`.
    pub fn record_on(
        &self,
        cluster: Option<OnCluster>,
        user: &str,
        account: &str,
        svm: &str,
        what: &str,
    ) -> u64 {
        let id = self.next.get_untracked();
        self.next.set(id + 1);
        self.entries.update(|e| {
            e.push(Entry {
                id,
                time: now_hms(),
                user: user.to_owned(),
                account: account.to_owned(),
                svm: svm.to_owned(),
                cluster,
                what: what.to_owned(),
                outcome: Outcome::Sending,
            })
        });
        id
    }

    /// Records a change as it is sent in the log the shell provides, if any, and returns the
    /// handle that settles it.
    pub fn open(user: &str, account: &str, svm: &str, what: &str) -> Logged {
        ChangeLog::open_in(ChangeLog::from_ctx(), user, account, svm, what)
    }

    /// [`ChangeLog::open`] in a log taken earlier: after an `.await` there is no reactive owner
    /// to find the shell's log in, so a task takes it before it starts.
    pub fn open_in(
        log: Option<ChangeLog>,
        user: &str,
        account: &str,
        svm: &str,
        what: &str,
    ) -> Logged {
        Logged(log.map(|log| (log, log.record(user, account, svm, what))))
    }

    /// Takes back the entry `id` of a write that was not sent after all (stopped at the last
    /// moment, or kept from the network by a gateway that refused an earlier write).
    pub fn withdraw(&self, id: u64) {
        self.entries.update(|e| e.retain(|x| x.id != id));
    }

    /// The entry `id`, if it is in the log (entries are kept in the order of their ids).
    pub(crate) fn entry(&self, id: u64) -> Option<Entry> {
        self.entries.with_untracked(|e| {
            e.binary_search_by_key(&id, |x| x.id)
                .ok()
                .map(|i| e[i].clone())
        })
    }

    /// Sets how the change `id` ended.
    pub fn settle(&self, id: u64, outcome: Outcome) {
        self.entries.update(|e| {
            // The newest first: a change is settled soon after it is recorded (a bulk run of
            // 1,000 would otherwise walk the whole log for each).
            if let Some(entry) = e.iter_mut().rev().find(|x| x.id == id) {
                entry.outcome = outcome;
            }
        });
    }
}

/// Who is signed in, as the change log names them ("" when nobody is). Here rather than on
/// `SessionCtx`: only the signed-in page's writes need it, and the sign-in module would carry it.
pub(crate) fn user_of(session: &crate::session::SessionCtx) -> String {
    session
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.user.clone()))
        .unwrap_or_default()
}

/// One recorded change, to settle when it ends (nothing when no shell provides a log).
#[derive(Clone, Copy)]
pub struct Logged(Option<(ChangeLog, u64)>);

impl Logged {
    /// Sets how the change ended.
    pub fn settle(&self, outcome: Outcome) {
        if let Some((log, id)) = self.0 {
            log.settle(id, outcome);
        }
    }
}

/// The browser's local time as `HH:MM:SS`.
fn now_hms() -> String {
    crate::platform::local_hms_in(0.0)
}
