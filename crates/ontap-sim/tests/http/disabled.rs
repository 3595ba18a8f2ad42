//! What "disabled" means, decided once (DISABLED_PROFILES in the README). NetApp documents that
//! an administrator disables a lost key and the user then signs in with the first factor and
//! creates a new profile: by default a disabled profile stays listed with `enabled: false`, the
//! owner's POST replaces it and an administrator may enable it again. NetAppDocs/ontap issue
//! 1646 (9.14.1) reports that a disabled profile vanished from `totp show`:
//! `--disabled-profiles hidden` emulates that.

use ontap_sim::{demo, Config};
use serde_json::json;

use crate::client::{profile_path, Sim};

const TOTPS: &str = "/api/security/login/totps";

fn count(sim: &Sim, q: &str) -> u64 {
    sim.get(&format!("{TOTPS}?return_records=false&{q}")).json()["num_records"]
        .as_u64()
        .unwrap()
}

#[test]
fn listed_by_default_a_disabled_profile_stays_its_owner_replaces_it_an_admin_reenables() {
    let mut sim = Sim::demo();
    let kpatel = profile_path(demo::VS_ENG_UUID, "kpatel");
    let old_fp =
        sim.get(&format!("{kpatel}?fields=sha_fingerprint")).json()["sha_fingerprint"].clone();
    // The administrator disables the lost key.
    assert_eq!(sim.patch(&kpatel, r#"{"enabled": false}"#).status, 200);
    let read = sim.get(&format!("{kpatel}?fields=enabled")).json();
    assert_eq!(read["enabled"], false);
    let listed = sim
        .get(&format!("{TOTPS}?account.name=kpatel&fields=enabled"))
        .json();
    assert_eq!(listed["num_records"], 1);
    // The user creates a new profile: same key, new secret, enabled.
    sim.as_user("kpatel");
    let r = sim.post(
        &format!("{TOTPS}?return_records=true"),
        &json!({"account": {"name": "kpatel"}, "owner": {"name": "vs_eng"}}).to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let new = sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").unwrap();
    assert_eq!(new.enabled, Some(true));
    assert_ne!(json!(new.sha_fingerprint), old_fp);
    // An administrator may enable a disabled profile again.
    sim.as_user("admin");
    let hlee = profile_path(demo::VS_FIN_UUID, "hlee");
    assert_eq!(sim.patch(&hlee, r#"{"enabled": true}"#).status, 200);
    assert_eq!(
        sim.bg
            .state
            .totp(demo::VS_FIN_UUID, "hlee")
            .unwrap()
            .enabled,
        Some(true)
    );
}

#[test]
fn hidden_variant_a_disabled_profile_vanishes_and_its_owner_creates_a_new_one() {
    let mut sim = Sim::start(Config {
        disabled_hidden: true,
        ..Config::ephemeral()
    });
    let stored = sim.bg.state.totps();
    let enabled = stored.iter().filter(|t| t.enabled == Some(true)).count() as u64;
    assert_eq!(count(&sim, ""), enabled);
    assert_eq!(count(&sim, "enabled=false"), 0);
    // Paged listings (walked in the default order) and ordered ones agree.
    for q in [
        "?max_records=5&fields=enabled",
        "?order_by=comment&fields=enabled",
    ] {
        let mut href = format!("{TOTPS}{q}");
        let mut seen = 0;
        loop {
            let body = sim.get(&href).json();
            let recs = body["records"].as_array().unwrap().clone();
            assert!(recs.iter().all(|r| r["enabled"] == true), "{q}");
            seen += recs.len() as u64;
            match body["_links"]["next"]["href"].as_str() {
                Some(n) => href = n.to_owned(),
                None => break,
            }
        }
        assert_eq!(seen, enabled, "{q}");
    }
    let sthompson = profile_path(demo::VS_ENG_UUID, "sthompson");
    assert_eq!(
        (sim.get(&sthompson).status, sim.get(&sthompson).code()),
        (404, "4".to_owned())
    );
    let r = sim.patch(&sthompson, r#"{"enabled": true}"#);
    assert_eq!(
        (r.status, r.code()),
        (404, "144834566".to_owned()),
        "an admin cannot re-enable it"
    );
    // Disabling a profile makes it vanish.
    let kpatel = profile_path(demo::VS_ENG_UUID, "kpatel");
    assert_eq!(sim.patch(&kpatel, r#"{"enabled": false}"#).status, 200);
    assert_eq!(sim.get(&kpatel).status, 404);
    assert_eq!(count(&sim, ""), enabled - 1);
    // Its owner creates a new one.
    sim.as_user("sthompson");
    let r = sim.post(
        TOTPS,
        r#"{"account": {"name": "sthompson"}, "owner": {"name": "vs_eng"}}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(sim.get(&sthompson).status, 200);
}
