//! Reads the Duo profiles and groups and the WebAuthn credentials for the accounts view, on
//! the releases that have them. A refusal or a 404 here is not a failure of the view: the
//! column it feeds says "unknown" and the view says why.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ProfileStore;
use crate::api::{factors as api, Client};
use crate::tables::factors::Source;

fn source<T>(r: Result<Vec<T>, crate::api::ApiError>) -> Source<T> {
    match r {
        Ok(v) => Source::Read(v),
        Err(e) => Source::Unavailable(e),
    }
}

/// Starts the reads of load `gen`; each result lands in `store.factors` if that load is still
/// the current one.
pub(super) fn load(store: ProfileStore, client: Client, gen: u64) {
    let f = store.factors;
    let release = f.with_untracked(|f| f.release.clone());
    f.set(crate::tables::factors::Factors::for_release(release));
    if f.with_untracked(|f| f.duo_on_release()) {
        let c = client.clone();
        spawn_local(async move {
            let p = source(api::duo_profiles(&c).await);
            let g = source(api::duo_groups(&c).await);
            if store.is_current(gen) {
                f.update(|f| {
                    f.duo_profiles = p;
                    f.duo_groups = g;
                });
            }
        });
    }
    if f.with_untracked(|f| f.webauthn_on_release()) {
        spawn_local(async move {
            let w = source(api::webauthn_credentials(&client).await);
            if store.is_current(gen) {
                f.update(|f| f.webauthn = w);
            }
        });
    }
}
