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

/// `--latency-ms` delays each answer on its own: concurrent requests wait their latency side by
/// side (no lock is held while waiting), as a cluster's answers would, so a client with N
/// requests in flight gets about N answers per latency period. Eight PATCHes to eight profiles
/// and eight reads at once, 300 ms each, all answered within two latency periods (serialised,
/// they would take 16 × 300 ms).
#[test]
fn latency_does_not_serialise_concurrent_requests() {
    const LATENCY_MS: u64 = 300;
    let sim = Sim::start(Config {
        latency_ms: LATENCY_MS,
        profiles: 8,
        seed: 3,
        ..Config::ephemeral()
    });
    let addr = sim.bg.addr;
    let generated: Vec<String> = sim
        .bg
        .state
        .totps()
        .into_iter()
        .filter_map(|t| {
            let account = t.account_name()?.to_owned();
            let owner = t.owner_uuid()?.to_owned();
            account
                .starts_with("user0")
                .then(|| profile_path(&owner, &account))
        })
        .collect();
    assert_eq!(generated.len(), 8, "{generated:?}");
    let started = std::time::Instant::now();
    let writes = generated.iter().enumerate().map(|(i, path)| {
        let path = path.clone();
        std::thread::spawn(move || {
            let body = format!(r#"{{"comment": "side by side {i}"}}"#);
            let t = std::time::Instant::now();
            let status = send(addr, "PATCH", &path, Some(("admin", PASSWORD)), Some(&body)).status;
            (status, t.elapsed())
        })
    });
    let reads = (0..8).map(|_| {
        std::thread::spawn(move || {
            let t = std::time::Instant::now();
            let status = send(addr, "GET", "/api/cluster", Some(("admin", PASSWORD)), None).status;
            (status, t.elapsed())
        })
    });
    let handles: Vec<_> = writes.chain(reads).collect();
    for h in handles {
        let (status, took) = h.join().unwrap();
        assert_eq!(status, 200);
        assert!(
            took >= std::time::Duration::from_millis(LATENCY_MS),
            "answered in {took:?}, before the latency"
        );
    }
    let all = started.elapsed();
    assert!(
        all < std::time::Duration::from_millis(2 * LATENCY_MS),
        "16 requests at once took {all:?}: the latency is served one request at a time"
    );
    for (i, path) in generated.iter().enumerate() {
        let account = path.rsplit('/').next().unwrap();
        let t = sim
            .bg
            .state
            .totps()
            .into_iter()
            .find(|t| t.account_name() == Some(account))
            .unwrap();
        assert_eq!(
            t.comment.as_deref(),
            Some(format!("side by side {i}").as_str())
        );
    }
}
