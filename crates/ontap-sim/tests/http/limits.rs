//! What keeps the emulator standing against careless or hostile clients: page sizes that
//! would overflow, logs that would grow without end, bodies sent before sign-in, headers that
//! never finish (issue 17, item 13).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use ontap_model::account_change::account_path;
use ontap_sim::{demo, Config};

use crate::client::{parse, Sim, PASSWORD};

/// Reads until the server closes the connection or `limit` passes; the bytes and whether the
/// server closed it.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    stream
        .set_read_timeout(Some(limit))
        .expect("a read timeout");
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (raw, true),
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A reset is a close too.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (raw, true),
            Err(_) => return (raw, false),
        }
    }
}

#[test]
fn max_records_near_u64_max_does_not_overflow() {
    let sim = Sim::demo();
    let total = sim.bg.state.totps().len();
    for max in [u64::MAX, u64::MAX - 1] {
        for path in [
            "/api/security/login/totps",
            "/api/security/accounts",
            "/api/security/audit/messages",
            "/api/svm/svms",
        ] {
            let r = sim.get(&format!("{path}?max_records={max}"));
            assert_eq!(r.status, 200, "{path} max_records={max}: {}", r.text());
            assert!(r.json()["_links"].get("next").is_none());
        }
    }
    let r = sim.get(&format!(
        "/api/security/login/totps?max_records={}",
        u64::MAX
    ));
    assert_eq!(r.json()["num_records"], total);
    // One past u64::MAX is not a number of records.
    let r = sim.get("/api/security/login/totps?max_records=18446744073709551616");
    assert_eq!((r.status, r.code()), (400, "262197".to_owned()));
}

#[test]
fn the_request_log_keeps_the_newest_entries() {
    let sim = Sim::start(Config {
        log_size: 3,
        ..Config::ephemeral()
    });
    for _ in 0..5 {
        sim.get("/api/cluster");
    }
    let ids: Vec<u64> = sim.bg.state.requests().iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![3, 4, 5], "the oldest entries go first");
}

#[test]
fn the_audit_log_keeps_the_newest_records_and_still_lists_them() {
    let sim = Sim::start(Config {
        log_size: 3,
        ..Config::ephemeral()
    });
    let bob = account_path(demo::VS_ENG_UUID, "bob");
    for i in 0..5 {
        let r = sim.patch(&bob, &format!(r#"{{"comment": "c{i}"}}"#));
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let kept: Vec<u64> = sim.bg.state.audit().iter().map(|a| a.index).collect();
    assert_eq!(kept, vec![3, 4, 5]);
    let all = sim
        .get("/api/security/audit/messages?fields=input&order_by=index")
        .json();
    assert_eq!(all["num_records"], 3, "{all:#}");
    assert_eq!(all["records"][0]["index"], 3);
    assert!(all["records"][2]["input"]
        .as_str()
        .is_some_and(|i| i.contains("c4")));
    // Paging walks what is kept.
    let first = sim.get("/api/security/audit/messages?max_records=2").json();
    assert_eq!(first["num_records"], 2);
    let next = first["_links"]["next"]["href"]
        .as_str()
        .expect("a next link");
    let second = sim.get(next).json();
    assert_eq!(second["num_records"], 1);
    assert_eq!(second["records"][0]["index"], 5);
    // Indexes keep counting after the drop.
    sim.patch(&bob, r#"{"comment": "c5"}"#);
    let kept: Vec<u64> = sim.bg.state.audit().iter().map(|a| a.index).collect();
    assert_eq!(kept, vec![4, 5, 6]);
}

#[test]
fn a_body_is_not_read_before_sign_in() {
    let sim = Sim::demo();
    for auth in [None, Some(ontap_sim::auth::basic_header("admin", "wrong"))] {
        let mut stream = TcpStream::connect(sim.bg.addr).expect("connect");
        let mut head = format!(
            "PATCH /api/security/accounts/{}/bob HTTP/1.1\r\nHost: x\r\n\
             Content-Type: application/json\r\nContent-Length: 1073741824\r\n",
            demo::VS_ENG_UUID
        );
        if let Some(a) = &auth {
            head.push_str(&format!("Authorization: {a}\r\n"));
        }
        head.push_str("\r\n{\"comment\": ");
        let started = Instant::now();
        stream.write_all(head.as_bytes()).expect("send the head");
        // The body never comes: a prompt 401 proves the emulator did not wait for it.
        let (raw, _) = read_until_closed(&mut stream, Duration::from_secs(3));
        let r = parse(&raw).unwrap_or_else(|| panic!("no answer within 3 s: {raw:?}"));
        assert_eq!(r.status, 401, "{}", r.text());
        assert!(started.elapsed() < Duration::from_secs(2));
    }
    let log = sim.bg.state.requests();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|e| e.status == 401 && e.body.is_none()));
    // A signed-in request still has its body read.
    let r = sim.patch(
        &account_path(demo::VS_ENG_UUID, "bob"),
        r#"{"comment": "read"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        sim.bg.state.requests()[2].body.as_deref(),
        Some(r#"{"comment": "read"}"#)
    );
    assert_eq!(
        sim.bg
            .state
            .account(demo::VS_ENG_UUID, "bob")
            .map(|a| a.comment),
        Some("read".to_owned())
    );
    let _ = PASSWORD;
}

#[test]
fn a_stalled_head_is_closed_after_the_header_read_timeout() {
    let sim = Sim::start(Config {
        header_read_timeout_ms: 300,
        ..Config::ephemeral()
    });
    let mut stream = TcpStream::connect(sim.bg.addr).expect("connect");
    let started = Instant::now();
    stream
        .write_all(b"GET /api/cluster HTTP/1.1\r\nHost: x\r\nAuthoriz")
        .expect("send part of the head");
    let (raw, closed) = read_until_closed(&mut stream, Duration::from_secs(5));
    let waited = started.elapsed();
    assert!(closed, "the connection stayed open for 5 s");
    assert!(raw.is_empty(), "no answer to half a request: {raw:?}");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
    // A whole request in time is answered as ever.
    let r = sim.get("/api/cluster");
    assert_eq!(r.status, 200);
}
