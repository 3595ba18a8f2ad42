//! Every answer follows a strict form of the published definitions (no unknown property, the
//! fields ONTAP always returns present): the check runs on every answer and can fail.

use ontap_model::Totp;
use ontap_sim::demo;

use crate::client::{profile_path, Sim};

#[test]
fn answers_of_every_endpoint_and_error_conform() {
    let mut sim = Sim::demo();
    let kpatel = profile_path(demo::VS_ENG_UUID, "kpatel");
    for path in [
        "/api/cluster",
        "/api/cluster?fields=version",
        "/api/svm/svms?fields=*",
        &format!("/api/svm/svms/{}", demo::VS_ENG_UUID),
        "/api/security/accounts?fields=*",
        &format!("/api/security/accounts/{}/vsadmin", demo::VS_ENG_UUID),
        "/api/security/login/totps",
        "/api/security/login/totps?fields=*&max_records=3",
        "/api/security/login/totps?return_records=false",
        &kpatel,
        "/api/nowhere",
        "/api/security/login/totps?colour=1",
    ] {
        sim.get(path);
    }
    sim.patch(&kpatel, r#"{"comment": "x"}"#);
    sim.patch(&kpatel, r#"{"scope": "svm"}"#);
    sim.delete(&kpatel);
    sim.raw("GET", "/api/cluster", None);
    sim.as_user("alice");
    sim.post(
        "/api/security/login/totps?return_records=true",
        r#"{"account": {"name": "alice"}, "owner": {"name": "vs_eng"}}"#,
    );
    sim.post(
        "/api/security/login/totps",
        r#"{"account": {"name": "alice"}, "owner": {"name": "vs_eng"}}"#,
    );
    assert_eq!(sim.bg.state.schema_violations(), Vec::<String>::new());
}

#[test]
fn a_record_that_breaks_the_definition_is_caught() {
    let sim = Sim::demo();
    let mut t: Totp = sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").unwrap();
    t.links = None; // `_links` is always returned by ONTAP: required.
    assert!(sim.bg.state.put_totp(t));
    assert_eq!(
        sim.get("/api/security/login/totps?account.name=kpatel")
            .status,
        200
    );
    let v = sim.bg.state.schema_violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("missing \"_links\""), "{v:?}");
    sim.bg.state.clear_schema_violations();
}
