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

/// A lost answer's late window of 0 (the page's timing setting): these tests are about the
/// runner's own rules, and a "not applied" re-read is believed at once.
fn no_late_window() {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(
            "totp-admin.timing",
            r#"{"proxy_read_ms":0,"late_margin_ms":0}"#,
        );
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
    no_late_window();
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
    no_late_window();
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

/// Item 0's write is lost and its re-read refused (401), so it ends unconfirmed: a retry
/// re-reads it first. `slow_verify_ms` is how long each later re-read takes (the window in
/// which the tests cancel or sign out); `busy_first`: its first write is answered busy instead.
struct Scripted {
    applies: Rc<RefCell<Vec<u32>>>,
    verifies: Rc<RefCell<u32>>,
}

fn scripted(slow_verify_ms: u32, busy_first: bool) -> (Scripted, Ops<u32>) {
    let applies = Rc::new(RefCell::new(Vec::new()));
    let verifies = Rc::new(RefCell::new(0));
    let (a, v) = (applies.clone(), verifies.clone());
    let ops = Ops {
        apply: Rc::new(move |&i: &u32| {
            let a = a.clone();
            Box::pin(async move {
                a.borrow_mut().push(i);
                let n = a.borrow().iter().filter(|&&x| x == i).count();
                sleep_ms(5).await;
                match (i, n, busy_first) {
                    (0, 1, true) => Err(busy()),
                    (0, 1, false) => Err(ApiError::Network),
                    _ => Ok(()),
                }
            }) as BoxFut<Result<(), ApiError>>
        }),
        verify: Rc::new(move |_: &u32| {
            let v = v.clone();
            Box::pin(async move {
                let n = {
                    let mut v = v.borrow_mut();
                    *v += 1;
                    *v
                };
                if n == 1 {
                    return Err(ApiError::Unauthorized);
                }
                sleep_ms(slow_verify_ms).await;
                Ok(false)
            }) as BoxFut<Result<bool, ApiError>>
        }),
        on_settle: Rc::new(|_, _| {}),
    };
    (Scripted { applies, verifies }, ops)
}

fn test_session() -> totp_admin::session::Session {
    use totp_admin::api::{deaf, Client, Credentials};
    let credentials = Credentials::Basic {
        user: "admin".into(),
        password: "Netapp1!".into(),
    };
    totp_admin::session::Session {
        client: Client::new("/api", credentials.clone(), deaf()),
        credentials,
        user: "admin".into(),
        api_base: "/api".into(),
        cluster: ontap_model::Cluster::default(),
        identity: totp_admin::session::Identity::unknown(Some("admin".into()), "test"),
        idle_ms: 60_000,
        stay: false,
    }
}

/// A signed-in session in the context of a new owner, and a runner made under it.
fn signed_in_run(ops: Ops<u32>) -> (Owner, totp_admin::session::SessionCtx, Runner<u32>) {
    let owner = Owner::new();
    owner.set();
    // Mounting initialises the executor that spawn_local needs.
    leptos::mount::mount_to_body(|| ());
    let (ctx, r) = owner.with(|| {
        let ctx = totp_admin::session::SessionCtx::provide();
        ctx.enter(test_session());
        (ctx, Runner::new(vec![0], ops))
    });
    (owner, ctx, r)
}

/// Runs item 0 to "unconfirmed", then retries it: the retry re-reads first.
async fn unconfirmed_then_retried(r: Runner<u32>, s: &Scripted) {
    r.start();
    until_finished(r).await;
    assert!(
        matches!(
            r.row(0),
            Some(RowState::Failed {
                kind: FailKind::Unconfirmed,
                ..
            })
        ),
        "{:?}",
        r.row(0)
    );
    assert_eq!(s.applies.borrow().len(), 1);
    r.retry_failed();
    while *s.verifies.borrow() < 2 {
        sleep_ms(2).await;
    }
}

#[wasm_bindgen_test]
async fn cancel_during_a_check_first_reread_sends_nothing() {
    no_late_window();
    let (s, ops) = scripted(150, false);
    let (_owner, _ctx, r) = signed_in_run(ops);
    unconfirmed_then_retried(r, &s).await;
    // The re-read is under way (it will say "not applied"): cancel now.
    r.cancel();
    until_finished(r).await;
    assert_eq!(
        *s.applies.borrow(),
        vec![0],
        "a write was sent after Cancel"
    );
    assert_eq!(r.row(0), Some(RowState::NotSent));
}

#[wasm_bindgen_test]
async fn a_sign_out_during_a_check_first_reread_sends_nothing() {
    no_late_window();
    let (s, ops) = scripted(150, false);
    let (_owner, ctx, r) = signed_in_run(ops);
    unconfirmed_then_retried(r, &s).await;
    ctx.sign_out(totp_admin::session::SignedOut::ByUser);
    sleep_ms(400).await;
    assert_eq!(
        *s.applies.borrow(),
        vec![0],
        "a write was sent for a session that had ended"
    );
    assert_eq!(r.row(0), Some(RowState::NotSent));
}

#[wasm_bindgen_test]
async fn a_sign_out_during_a_busy_pause_sends_nothing() {
    no_late_window();
    let (s, ops) = scripted(0, true);
    let (_owner, ctx, r) = signed_in_run(ops);
    r.start();
    // Item 0 is answered busy: the run pauses 250 ms before sending it again.
    while !matches!(r.row(0), Some(RowState::Throttled { .. })) {
        sleep_ms(2).await;
    }
    ctx.sign_out(totp_admin::session::SignedOut::ByUser);
    sleep_ms(500).await;
    assert_eq!(
        *s.applies.borrow(),
        vec![0],
        "a write was sent for a session that had ended"
    );
    assert_eq!(r.row(0), Some(RowState::NotSent));
}

/// A write kept from the network by a gateway that refused an earlier one (issue 19) ends
/// "not sent", counted as not sent, never as failed or sent; the refused write itself fails.
#[wasm_bindgen_test]
async fn a_write_a_gateway_kept_from_the_network_ends_not_sent() {
    no_late_window();
    let owner = Owner::new();
    owner.set();
    let _mounted = leptos::mount::mount_to_body(|| ());
    let ops = Ops {
        apply: Rc::new(move |&i: &u32| {
            Box::pin(async move {
                Err(ApiError::GatewayWriteRefused {
                    sent: i == 0,
                    said: "Forbidden".into(),
                })
            }) as BoxFut<Result<(), ApiError>>
        }),
        verify: Rc::new(|_: &u32| Box::pin(async { Ok(false) }) as BoxFut<Result<bool, ApiError>>),
        on_settle: Rc::new(|_, _| {}),
    };
    let r = Runner::new((0..4).collect(), ops);
    r.set_limit(1);
    r.start();
    until_finished(r).await;
    let t = r.tally.get_untracked();
    assert_eq!((t.failed, t.not_sent, t.sent), (1, 3, 1), "{t:?}");
    assert!(matches!(r.row(0), Some(RowState::Failed { .. })));
    for i in 1..4 {
        assert_eq!(r.row(i), Some(RowState::NotSent));
    }
}
