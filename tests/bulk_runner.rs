//! The bulk runner in headless Chromium with scripted writes (no network): a busy answer is
//! sent again later, a lost answer is re-read and never resent, a refusal fails with its code,
//! the in-flight bound holds, and cancel reports exactly what was sent.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use ontap_model::{ErrorResponse, Known};
use totp_admin::api::ApiError;
use totp_admin::platform::sleep_ms;

use totp_admin::store::batch::{BoxFut, FailKind, Ops, Phase, RowState, Runner};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Default)]
struct Log {
    applies: HashMap<u32, u32>,
    verifies: HashMap<u32, u32>,
    in_flight: u32,
    max_in_flight: u32,
}

fn busy() -> ApiError {
    ApiError::Ontap {
        status: 503,
        body: ErrorResponse::new(Known::TooManyRequests, None),
    }
}

/// Item 1: busy once, then applied. Item 2: answer lost, applied. Item 3: answer lost, not
/// applied. Item 4: refused (permission). Others: applied.
fn ops(log: Rc<RefCell<Log>>, delay: f64) -> Ops<u32> {
    let l1 = log.clone();
    let l2 = log;
    Ops {
        apply: Rc::new(move |&i: &u32| {
            let log = l1.clone();
            Box::pin(async move {
                let n = {
                    let mut l = log.borrow_mut();
                    l.in_flight += 1;
                    l.max_in_flight = l.max_in_flight.max(l.in_flight);
                    let n = l.applies.entry(i).or_default();
                    *n += 1;
                    *n
                };
                sleep_ms(delay as u32).await;
                log.borrow_mut().in_flight -= 1;
                match (i, n) {
                    (1, 1) => Err(busy()),
                    (2 | 3, _) => Err(ApiError::Network),
                    (4, _) => Err(ApiError::Ontap {
                        status: 403,
                        body: ErrorResponse::new(Known::PermissionDenied, None),
                    }),
                    _ => Ok(()),
                }
            }) as BoxFut<Result<(), ApiError>>
        }),
        verify: Rc::new(move |&i: &u32| {
            let log = l2.clone();
            Box::pin(async move {
                *log.borrow_mut().verifies.entry(i).or_default() += 1;
                Ok(i == 2)
            }) as BoxFut<Result<bool, ApiError>>
        }),
        on_settle: Rc::new(|_, _| {}),
    }
}

async fn until_finished(r: Runner<u32>) {
    for _ in 0..400 {
        if r.phase.get_untracked() == Phase::Finished {
            return;
        }
        sleep_ms(10).await;
    }
    panic!("the run did not finish");
}

#[wasm_bindgen_test]
async fn every_item_ends_done_or_failed_and_no_write_is_resent_blindly() {
    let owner = Owner::new();
    owner.set();
    // Mounting initialises the executor that spawn_local needs.
    let _mounted = leptos::mount::mount_to_body(|| ());
    let log = Rc::new(RefCell::new(Log::default()));
    let r = Runner::new((0..20).collect(), ops(log.clone(), 2.0));
    r.set_limit(3);
    r.start();
    until_finished(r).await;
    let l = log.borrow();
    assert!(l.max_in_flight <= 3, "bound held: {}", l.max_in_flight);
    assert_eq!(l.applies[&1], 2, "busy: sent again later");
    assert_eq!(l.applies[&2], 1, "lost answer: never resent");
    assert_eq!(l.applies[&3], 1, "lost answer: never resent");
    assert_eq!(l.verifies.get(&2), Some(&1));
    assert!(matches!(
        r.row(1),
        Some(RowState::Done {
            by_check: false,
            ..
        })
    ));
    assert!(matches!(
        r.row(2),
        Some(RowState::Done { by_check: true, .. })
    ));
    assert!(matches!(
        r.row(3),
        Some(RowState::Failed {
            kind: FailKind::NotApplied,
            ..
        })
    ));
    match r.row(4) {
        Some(st @ RowState::Failed { kind, .. }) => {
            assert_eq!(kind, FailKind::Refused);
            assert_eq!(st.code().as_deref(), Some("6"));
        }
        other => panic!("{other:?}"),
    }
    let t = r.tally.get_untracked();
    assert_eq!((t.done, t.failed, t.not_sent, t.remaining()), (18, 2, 0, 0));
    assert_eq!(t.throttled, 1);
    drop(l);

    // Retry sends the two failed ones again (item 3 is known not applied).
    r.retry_failed();
    until_finished(r).await;
    assert_eq!(log.borrow().applies[&3], 2);
    assert_eq!(
        r.tally.get_untracked().failed,
        2,
        "they fail again the same way"
    );
}

#[wasm_bindgen_test]
async fn cancel_stops_new_writes_and_reports_what_was_sent() {
    let owner = Owner::new();
    owner.set();
    // Mounting initialises the executor that spawn_local needs.
    let _mounted = leptos::mount::mount_to_body(|| ());
    let log = Rc::new(RefCell::new(Log::default()));
    let r = Runner::new((10..110).collect(), ops(log.clone(), 5.0));
    r.start();
    while r.tally.get_untracked().done < 10 {
        sleep_ms(2).await;
    }
    r.cancel();
    until_finished(r).await;
    let t = r.tally.get_untracked();
    let sent = log.borrow().applies.len();
    assert_eq!(t.sent, sent, "the report counts exactly the items sent");
    assert_eq!(t.done + t.not_sent, 100);
    assert!(t.not_sent > 50, "stopped early: {}", t.not_sent);
    for i in 0..100 {
        let applied = log.borrow().applies.contains_key(&(i as u32 + 10));
        match r.row(i) {
            Some(RowState::Done { .. }) => assert!(applied),
            Some(RowState::NotSent) => assert!(!applied),
            other => panic!("{other:?}"),
        }
    }
}
