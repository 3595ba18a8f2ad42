//! What the clients report (api `Report`s) turned into signals the page shows: how many times
//! the cluster refused the session's credentials (the re-sign-in dialog opens on a new one),
//! and the reads now waiting to try again (the "trying again" note shows the latest).

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::http::{Listener, Report};
use crate::api::retry::Notice;

/// The signals behind a [`Listener`]; `Copy`, shared through the session's context.
#[derive(Clone, Copy)]
pub(crate) struct Reports {
    /// 401s seen since the page started.
    refusals: RwSignal<u64>,
    /// The reads waiting to retry, by read id, in order of their latest notice.
    waiting: RwSignal<Vec<(u64, Notice)>>,
}

impl Reports {
    pub(crate) fn new() -> Reports {
        Reports {
            refusals: RwSignal::new(0),
            waiting: RwSignal::new(Vec::new()),
        }
    }

    /// The listener to give every client of this page.
    pub fn listener(&self) -> Listener {
        let this = *self;
        Arc::new(move |r| this.hear(r))
    }

    /// Applies one report (a disposed page ignores it: a read may end after its view).
    pub fn hear(&self, r: Report) {
        match r {
            Report::Unauthorized => {
                self.refusals.try_update(|n| *n += 1);
            }
            Report::Retrying { id, notice } => {
                self.waiting.try_update(|w| {
                    w.retain(|(i, _)| *i != id);
                    if let Some(n) = notice {
                        w.push((id, n));
                    }
                });
            }
        }
    }

    /// How many 401s have been reported (tracked).
    pub(crate) fn refusals(&self) -> u64 {
        self.refusals.get()
    }

    /// How many 401s have been reported, without tracking.
    pub(crate) fn refusals_untracked(&self) -> u64 {
        self.refusals.get_untracked()
    }

    /// The latest notice of a read still waiting to retry (tracked).
    pub(crate) fn latest_notice(&self) -> Option<Notice> {
        self.waiting.with(|w| w.last().map(|(_, n)| n.clone()))
    }
}
