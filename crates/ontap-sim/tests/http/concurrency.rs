//! Concurrent writes to one profile are serialised: no update is lost or half-applied.

use ontap_sim::{demo, Config};

use crate::client::{profile_path, send, Sim, PASSWORD};

#[test]
fn concurrent_patches_of_both_fields_are_never_half_applied() {
    let sim = Sim::start(Config {
        latency_ms: 5,
        ..Config::ephemeral()
    });
    let addr = sim.bg.addr;
    let path = profile_path(demo::VS_ENG_UUID, "kpatel");
    let handles: Vec<_> = (0..16)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let body = format!(r#"{{"comment": "writer {i}", "enabled": {}}}"#, i % 2 == 0);
                send(addr, "PATCH", &path, Some(("admin", PASSWORD)), Some(&body)).status
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    let t = sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").unwrap();
    let writer: usize = t
        .comment
        .unwrap()
        .trim_start_matches("writer ")
        .parse()
        .unwrap();
    assert_eq!(
        t.enabled,
        Some(writer % 2 == 0),
        "comment and enabled of one PATCH"
    );
}

#[test]
fn concurrent_patches_of_different_fields_lose_no_update() {
    let sim = Sim::demo();
    let addr = sim.bg.addr;
    let path = profile_path(demo::VS_ENG_UUID, "kpatel");
    let comments = {
        let path = path.clone();
        std::thread::spawn(move || {
            for i in 0..60 {
                let body = format!(r#"{{"comment": "c{i}"}}"#);
                assert_eq!(
                    send(addr, "PATCH", &path, Some(("admin", PASSWORD)), Some(&body)).status,
                    200
                );
            }
        })
    };
    let flags = {
        let path = path.clone();
        std::thread::spawn(move || {
            for i in 0..61 {
                let body = format!(r#"{{"enabled": {}}}"#, i % 2 == 1);
                assert_eq!(
                    send(addr, "PATCH", &path, Some(("admin", PASSWORD)), Some(&body)).status,
                    200
                );
            }
        })
    };
    comments.join().unwrap();
    flags.join().unwrap();
    let t = sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").unwrap();
    assert_eq!(
        (t.comment.as_deref(), t.enabled),
        (Some("c59"), Some(false))
    );
}

#[test]
fn concurrent_creates_of_one_profile_make_exactly_one() {
    let sim = Sim::demo();
    let addr = sim.bg.addr;
    let handles: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                send(
                    addr,
                    "POST",
                    "/api/security/login/totps",
                    Some(("alice", PASSWORD)),
                    Some(r#"{"account": {"name": "alice"}, "owner": {"name": "vs_eng"}}"#),
                )
                .status
            })
        })
        .collect();
    let mut statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
}
