//! Fault injection for the page's reliability tests: each mode as the client sees it, whether
//! the change was applied (the truth the fault log records), the deterministic draw, and
//! credentials that expire mid-run.

use ontap_sim::{demo, Config, FaultConfig, FaultMode};
use serde_json::json;

use crate::client::{parse, profile_path, Sim};

fn with_fault(mode: FaultMode) -> Sim {
    Sim::start(Config {
        faults: FaultConfig {
            rate: 1.0,
            modes: vec![mode],
            ..FaultConfig::default()
        },
        ..Config::ephemeral()
    })
}

fn kpatel_comment(sim: &Sim) -> String {
    sim.bg
        .state
        .totp(demo::VS_ENG_UUID, "kpatel")
        .unwrap()
        .comment
        .unwrap()
}

const BODY: &str = r#"{"comment": "changed"}"#;

#[test]
fn errors_answered_before_anything_is_applied() {
    for (mode, status, code) in [
        (FaultMode::Internal, 500, "999999"),
        (FaultMode::Unavailable, 503, "262160"),
        (FaultMode::TooMany, 429, "262160"),
    ] {
        let sim = with_fault(mode);
        let raw = sim
            .try_request(
                "PATCH",
                &profile_path(demo::VS_ENG_UUID, "kpatel"),
                Some(BODY),
            )
            .unwrap();
        let r = parse(&raw).unwrap();
        assert_eq!((r.status, r.code()), (status, code.to_owned()), "{mode}");
        assert_eq!(kpatel_comment(&sim), "Authy on personal phone", "{mode}");
        let faults = sim.bg.state.faults();
        assert_eq!(faults.len(), 1);
        assert_eq!((faults[0].mode, faults[0].applied), (mode, false));
        assert_eq!(faults[0].method, "PATCH");
        let log = sim.bg.state.requests();
        assert_eq!((log[0].id, log[0].status), (faults[0].request_id, status));
    }
}

#[test]
fn dropped_connections_look_the_same_whether_or_not_the_change_was_applied() {
    let mut seen = Vec::new();
    for (mode, applied) in [(FaultMode::DropBefore, false), (FaultMode::DropAfter, true)] {
        let sim = with_fault(mode);
        let got = sim.try_request(
            "PATCH",
            &profile_path(demo::VS_ENG_UUID, "kpatel"),
            Some(BODY),
        );
        // No answer at all: an empty read or a reset.
        let bytes = got.unwrap_or_default();
        assert!(bytes.is_empty(), "{mode}: {bytes:?}");
        seen.push(bytes);
        assert_eq!(kpatel_comment(&sim) == "changed", applied, "{mode}");
        let f = &sim.bg.state.faults()[0];
        assert_eq!((f.mode, f.applied), (mode, applied));
        assert_eq!(sim.bg.state.requests()[0].status, 0, "logged as unanswered");
    }
    assert_eq!(seen[0], seen[1], "the client cannot tell them apart");
}

#[test]
fn truncated_and_non_json_bodies_after_the_change_is_applied() {
    let sim = with_fault(FaultMode::Truncate);
    let raw = sim
        .try_request("GET", "/api/security/login/totps?fields=*", None)
        .unwrap();
    let r = parse(&raw).unwrap();
    assert_eq!(r.status, 200);
    let promised: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(r.body.len() < promised, "{} of {promised}", r.body.len());
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    let raw = sim
        .try_request(
            "PATCH",
            &profile_path(demo::VS_ENG_UUID, "kpatel"),
            Some(BODY),
        )
        .unwrap();
    assert_eq!(parse(&raw).unwrap().status, 200);
    assert_eq!(kpatel_comment(&sim), "changed");
    assert!(sim.bg.state.faults().iter().all(|f| f.applied));

    let sim = with_fault(FaultMode::NotJson);
    let raw = sim
        .try_request(
            "PATCH",
            &profile_path(demo::VS_ENG_UUID, "kpatel"),
            Some(BODY),
        )
        .unwrap();
    let r = parse(&raw).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    assert_eq!(kpatel_comment(&sim), "changed");
    // A call that fails is not applied, fault or not.
    let raw = sim
        .try_request(
            "PATCH",
            &profile_path(demo::VS_ENG_UUID, "kpatel"),
            Some(r#"{"enabled": ""}"#),
        )
        .unwrap();
    assert_eq!(parse(&raw).unwrap().status, 400);
    let f = sim.bg.state.faults();
    assert_eq!((f[1].mode, f[1].applied), (FaultMode::NotJson, false));
}

#[test]
fn the_same_fault_seed_gives_the_same_faults_and_the_rate_is_respected() {
    let run = |seed| {
        let sim = Sim::start(Config {
            faults: FaultConfig {
                rate: 0.5,
                modes: vec![FaultMode::Internal, FaultMode::TooMany],
                seed,
                ..FaultConfig::default()
            },
            ..Config::ephemeral()
        });
        let statuses: Vec<u16> = (0..40)
            .map(|_| {
                parse(&sim.try_request("GET", "/api/cluster", None).unwrap())
                    .unwrap()
                    .status
            })
            .collect();
        let faults: Vec<(u64, FaultMode)> = sim
            .bg
            .state
            .faults()
            .iter()
            .map(|f| (f.request_id, f.mode))
            .collect();
        (statuses, faults)
    };
    let (a, fa) = run(11);
    let (b, fb) = run(11);
    let (c, _) = run(12);
    assert_eq!((&a, &fa), (&b, &fb));
    assert_ne!(a, c);
    assert!(fa.len() > 8 && fa.len() < 32, "{} faults of 40", fa.len());
    assert!(a.iter().all(|s| [200, 500, 429].contains(s)));
}

#[test]
fn credentials_expire_mid_run_and_answer_401_from_then_on() {
    let mut sim = Sim::start(Config {
        faults: FaultConfig {
            expire_after: Some(3),
            ..FaultConfig::default()
        },
        ..Config::ephemeral()
    });
    let statuses: Vec<u16> = (0..5).map(|_| sim.get("/api/cluster").status).collect();
    assert_eq!(statuses, [200, 200, 200, 401, 401]);
    let r = sim.get("/api/cluster");
    assert_eq!(r.json()["error"]["code"], json!("6"));
    sim.as_user("readonly");
    assert_eq!(
        sim.get("/api/cluster").status,
        200,
        "another session is unaffected"
    );
    sim.bg.state.expire_credentials("readonly");
    assert_eq!(sim.get("/api/cluster").status, 401);
}

/// A write the cluster queued before the proxy gave up: no answer, a re-read right after shows
/// nothing, and the change lands later (the case a page must not call "not applied" too soon).
#[test]
fn a_late_write_lands_after_the_answer_is_lost_and_a_first_re_read() {
    let sim = Sim::start(Config::ephemeral());
    sim.bg.state.script_fault(ontap_sim::ScriptedFault::new(
        "PATCH",
        "kpatel",
        ontap_sim::Scripted::LateApply(std::time::Duration::from_millis(600)),
        1,
    ));
    let got = sim.try_request(
        "PATCH",
        &profile_path(demo::VS_ENG_UUID, "kpatel"),
        Some(BODY),
    );
    assert!(got.unwrap_or_default().is_empty(), "no answer");
    assert_eq!(kpatel_comment(&sim), "Authy on personal phone", "not yet");
    assert!(sim.bg.state.faults().is_empty(), "not carried out yet");
    std::thread::sleep(std::time::Duration::from_millis(900));
    assert_eq!(kpatel_comment(&sim), "changed", "landed late");
    let f = &sim.bg.state.faults()[0];
    assert_eq!((f.mode, f.applied), (FaultMode::LateApply, true));
    assert_eq!(sim.bg.state.requests()[0].status, 0, "logged as unanswered");
}
