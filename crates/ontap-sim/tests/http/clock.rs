//! The cluster's clock (`Config::clock_offset_secs`, `--clock-offset-secs`): a cluster whose
//! NTP is off. Every answer's `Date`, a new profile's `verification_code` and the audit log's
//! timestamps move by the offset; nothing else changes.

use ontap_model::otp::{self, http_date_to_unix, Secret};
use ontap_sim::{demo, rng, Config};
use serde_json::json;

use crate::client::{Resp, Sim};

fn with_offset(secs: i64) -> Sim {
    Sim::start(Config {
        clock_offset_secs: secs,
        ..Config::ephemeral()
    })
}

/// The answer's `Date` minus the machine's clock around the request, in seconds: `Err` with
/// the header when it is missing or not an IMF-fixdate.
fn date_offset(send: impl FnOnce() -> Resp) -> Result<(i64, i64), String> {
    let before = rng::unix_now() as i64;
    let r = send();
    let after = rng::unix_now() as i64;
    let header = r.header("date").unwrap_or("(none)").to_owned();
    let date = http_date_to_unix(&header).ok_or(header)? as i64;
    Ok((date - after, date - before))
}

/// `Date` within the offset of the machine's clock (the request may straddle a second).
#[track_caller]
fn assert_date_moved(range: (i64, i64), offset: i64) {
    let (lo, hi) = range;
    assert!(
        lo <= offset && offset <= hi,
        "Date is {lo}..={hi} s from the machine's clock, expected {offset}"
    );
}

#[test]
fn the_date_header_moves_by_the_offset_either_way() {
    for offset in [0, 300, -300, 86_400 + 7] {
        let sim = with_offset(offset);
        // An API answer, a 401, and a path outside /api (no page served here).
        assert_date_moved(date_offset(|| sim.get("/api/cluster")).unwrap(), offset);
        assert_date_moved(
            date_offset(|| sim.raw("GET", "/api/cluster", None)).unwrap(),
            offset,
        );
        assert_date_moved(date_offset(|| sim.raw("GET", "/", None)).unwrap(), offset);
        // Read between two readings of the machine's clock (a second may turn in between).
        let before = rng::unix_now() as i64;
        let now = sim.bg.state.now() as i64;
        let after = rng::unix_now() as i64;
        assert!(
            (before + offset..=after + offset).contains(&now),
            "{now} not within {before}..={after} + {offset}"
        );
    }
}

#[test]
fn the_clock_can_be_moved_while_the_cluster_runs() {
    let sim = with_offset(0);
    assert_date_moved(date_offset(|| sim.get("/api/cluster")).unwrap(), 0);
    sim.bg.state.set_clock_offset(-3_600);
    assert_date_moved(date_offset(|| sim.get("/api/cluster")).unwrap(), -3_600);
    sim.bg.state.set_clock_offset(0);
    assert_date_moved(date_offset(|| sim.get("/api/cluster")).unwrap(), 0);
}

/// The cluster computes `verification_code` at its own time, 5 minutes (10 steps) ahead: the
/// code of the machine's time is not within a step of it. The audit log's timestamp of the
/// POST is the cluster's time too.
#[test]
fn a_new_profiles_verification_code_and_the_audit_log_use_the_clusters_clock() {
    let offset = 300;
    let mut sim = with_offset(offset);
    sim.as_user("alice");
    let before = rng::unix_now();
    let r = sim.post(
        "/api/security/login/totps?return_records=true",
        &json!({"account": {"name": "alice"}, "owner": {"uuid": demo::VS_ENG_UUID}}).to_string(),
    );
    let after = rng::unix_now();
    assert_eq!(r.status, 201, "{}", r.text());
    let rec = &r.json()["records"][0];
    let secret = Secret::from_base32(rec["secret_key"].as_str().unwrap()).unwrap();
    let code = rec["verification_code"].as_str().unwrap();
    let cluster_now = before + offset as u64;
    assert!(
        otp::verify(&secret, code, cluster_now, 1),
        "at the cluster's time"
    );
    assert!(
        !otp::verify(&secret, code, before, 1),
        "not at the machine's"
    );

    sim.as_user("admin");
    let log = sim
        .get("/api/security/audit/messages?fields=timestamp,input")
        .json();
    let rec = log["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["input"].as_str().unwrap_or("").starts_with("POST "))
        .cloned()
        .unwrap_or_else(|| panic!("no POST in the audit log: {log:#}"));
    let stamp = rec["timestamp"].as_str().unwrap();
    let allowed: Vec<String> = (before..=after)
        .map(|t| ontap_sim::audit::timestamp(t + offset as u64))
        .collect();
    assert!(
        allowed.iter().any(|a| a == stamp),
        "{stamp} not in {allowed:?}"
    );
    // The profile itself is the same as without an offset.
    assert!(sim
        .bg
        .state
        .totp(demo::VS_ENG_UUID, "alice")
        .is_some_and(|t| t.enabled == Some(true)));
}
