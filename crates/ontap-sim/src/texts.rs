//! Each account's written text, kept between answers (issue 19: "the emulator is never the
//! bottleneck"). A page of 20,000 accounts is 21 MB and costs about 2 µs an account to write,
//! 45 ms on one core, while between two reads of a listing almost every account is unchanged.
//! A text is kept with a copy of what it was written from (the account, its SVM, the release)
//! and reused only while all three are equal, so no path that changes an account can leave a
//! stale text behind, and a text that broke its definition is never kept (its violations are
//! reported every time). `State::scan` bypasses it with the indexes: the bench's reference.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use ontap_model::Version;

use crate::model::{Account, Svm};

/// How many shapes of answer keep texts. A shape is the `fields` asked with the request's
/// options (`Accept`, the link base of a fleet's cluster or the gateway): the page lists a
/// cluster's accounts in two (the accounts view, and a fleet's factor fields), always with
/// the same options, and a third shape drops the one least recently used rather than growing
/// without bound (at most two copies of every account, about 250 MB at 100,000).
const SHAPES: usize = 2;

/// The texts of accounts by their position in `State::accounts`, per shape of answer.
#[derive(Default)]
pub struct AccountTexts {
    shapes: RwLock<Vec<Shape>>,
    /// Counts uses, to tell which shape was used least recently.
    clock: AtomicU64,
}

struct Shape {
    key: String,
    texts: Vec<Option<Kept>>,
    /// The clock at this shape's last use.
    used: AtomicU64,
}

struct Kept {
    account: Account,
    svm: Svm,
    version: Version,
    text: Arc<[u8]>,
}

/// A copy starts empty: texts are only ever a saving, and a copied state changes on its own.
impl Clone for AccountTexts {
    fn clone(&self) -> AccountTexts {
        AccountTexts::default()
    }
}

impl std::fmt::Debug for AccountTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AccountTexts({} shapes)", self.read().len())
    }
}

impl AccountTexts {
    fn read(&self) -> RwLockReadGuard<'_, Vec<Shape>> {
        self.shapes.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Vec<Shape>> {
        self.shapes.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The text the account at position `at` was written as for an answer of `shape`, if it
    /// was written from this very account, SVM and release.
    pub fn get(
        &self,
        shape: &str,
        at: usize,
        account: &Account,
        svm: &Svm,
        version: &Version,
    ) -> Option<Arc<[u8]>> {
        let shapes = self.read();
        let shape = shapes.iter().find(|s| s.key == shape)?;
        let kept = shape.texts.get(at)?.as_ref()?;
        if kept.account != *account || kept.svm != *svm || kept.version != *version {
            return None;
        }
        // Marked used once a run of reads from this shape starts, not by every read: the
        // threads writing a page would otherwise all contend for the clock.
        if shape.used.load(Ordering::Relaxed) != self.clock.load(Ordering::Relaxed) {
            shape.used.store(self.tick(), Ordering::Relaxed);
        }
        Some(Arc::clone(&kept.text))
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Keeps each `text` as what the account at `at` is written as for an answer of `shape`:
    /// a page's worth at once, so that the threads writing a page take the lock once each.
    pub fn put<'a>(
        &self,
        shape: &str,
        written: impl IntoIterator<Item = (usize, &'a Account, &'a Svm, &'a Version, &'a [u8])>,
    ) {
        // Copied before the lock is taken: the copies are most of the work.
        let kept: Vec<(usize, Kept)> = written
            .into_iter()
            .map(|(at, account, svm, version, text)| {
                let kept = Kept {
                    account: account.clone(),
                    svm: svm.clone(),
                    version: version.clone(),
                    text: Arc::from(text),
                };
                (at, kept)
            })
            .collect();
        let Some(last) = kept.iter().map(|(at, _)| *at).max() else {
            return;
        };
        let used = self.tick();
        let mut shapes = self.write();
        let i = match shapes.iter().position(|s| s.key == shape) {
            Some(i) => i,
            None => {
                if shapes.len() >= SHAPES {
                    let least = (0..shapes.len())
                        .min_by_key(|&i| shapes[i].used.load(Ordering::Relaxed))
                        .unwrap_or(0);
                    shapes.remove(least);
                }
                shapes.push(Shape {
                    key: shape.to_owned(),
                    texts: Vec::new(),
                    used: AtomicU64::new(used),
                });
                shapes.len() - 1
            }
        };
        shapes[i].used.store(used, Ordering::Relaxed);
        let texts = &mut shapes[i].texts;
        if texts.len() <= last {
            texts.resize_with(last + 1, || None);
        }
        for (at, k) in kept {
            texts[at] = Some(k);
        }
    }

    /// Forgets every text: the next answers write every account again.
    pub fn clear(&self) {
        self.write().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn uuid() -> ontap_model::OwnerUuid {
        ontap_model::OwnerUuid::try_from("11111111-2222-3333-4444-555555555555").unwrap()
    }

    fn account(comment: &str) -> Account {
        Account {
            name: ontap_model::AccountName::try_from("kpatel").unwrap(),
            owner: uuid(),
            role: Role::Admin,
            locked: false,
            comment: comment.to_owned(),
            applications: vec![],
            password: String::new(),
        }
    }

    fn svm() -> Svm {
        Svm {
            uuid: uuid(),
            name: "vs0".to_owned(),
            is_admin: false,
        }
    }

    #[test]
    fn a_text_is_reused_only_for_the_same_account_svm_release_and_shape() {
        let texts = AccountTexts::default();
        let (a, s, v) = (account("x"), svm(), Version::new(9, 18, 1));
        assert!(texts.get("f", 3, &a, &s, &v).is_none());
        texts.put("f", [(3, &a, &s, &v, &b"{text}"[..])]);
        assert_eq!(
            texts.get("f", 3, &a, &s, &v).as_deref(),
            Some(&b"{text}"[..])
        );
        // Another shape, position, account, SVM or release: not this text.
        assert!(texts.get("g", 3, &a, &s, &v).is_none());
        assert!(texts.get("f", 2, &a, &s, &v).is_none());
        assert!(texts.get("f", 3, &account("y"), &s, &v).is_none());
        let renamed = Svm {
            name: "vs1".to_owned(),
            ..svm()
        };
        assert!(texts.get("f", 3, &a, &renamed, &v).is_none());
        assert!(texts.get("f", 3, &a, &s, &Version::new(9, 12, 1)).is_none());
        texts.clear();
        assert!(texts.get("f", 3, &a, &s, &v).is_none());
    }

    #[test]
    fn a_third_shape_drops_the_least_recently_used() {
        let texts = AccountTexts::default();
        let (a, s, v) = (account("x"), svm(), Version::new(9, 18, 1));
        for shape in ["one", "two"] {
            texts.put(shape, [(0, &a, &s, &v, shape.as_bytes())]);
        }
        // "one" is older but was just read: "two" goes.
        assert!(texts.get("one", 0, &a, &s, &v).is_some());
        texts.put("three", [(0, &a, &s, &v, &b"three"[..])]);
        assert!(texts.get("one", 0, &a, &s, &v).is_some());
        assert!(texts.get("two", 0, &a, &s, &v).is_none());
        assert!(texts.get("three", 0, &a, &s, &v).is_some());
    }
}
