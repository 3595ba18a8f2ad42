//! Deleting profiles: 200 `{}` up to 9.18 (documented by the 9.18 spec), refused from 9.19 (the
//! netapp-ontap 9.19.1.0 client: "The DELETE method is no longer supported for this API"), and
//! who may delete what: only the key's owner (DELETE_RULES and DELETE_OTHERS_PROFILE in the
//! README; an administrator resets another user by disabling).

use ontap_sim::demo;
use serde_json::json;

use crate::client::{profile_path, Sim};

#[test]
fn delete_answers_200_with_an_empty_object_up_to_9_18() {
    for v in ["9.13.1", "9.18.1"] {
        let mut sim = Sim::on_version(v);
        sim.as_user("kpatel");
        let path = profile_path(demo::VS_ENG_UUID, "kpatel");
        let r = sim.delete(&path);
        assert_eq!((r.status, r.json()), (200, json!({})), "{v}");
        assert_eq!(sim.get(&path).status, 404);
        assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").is_none());
        let r = sim.delete(&path);
        assert_eq!((r.status, r.code()), (404, "4".to_owned()));
    }
}

#[test]
fn delete_is_refused_from_9_19_as_the_9_19_1_python_client_documents() {
    for v in ["9.19.1", "9.20.0"] {
        let sim = Sim::on_version(v);
        let r = sim.delete(&profile_path(demo::VS_ENG_UUID, "kpatel"));
        assert_eq!((r.status, r.code()), (405, "3".to_owned()), "{v}");
        assert!(r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The DELETE method is no longer supported for this API."));
        assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").is_some());
    }
}

/// Only the owner deletes a key, whatever the role: an administrator's delete of another user's
/// key is refused as the CLI refused it on 9.14.1P10 (NetAppDocs/ontap issue 1646), and the
/// profile stays; disabling it (the documented reset) works.
#[test]
fn an_administrator_may_not_delete_another_users_profile_but_may_disable_it() {
    for v in ["9.13.1", "9.14.1", "9.18.1"] {
        let mut sim = Sim::on_version(v);
        sim.as_user("admin");
        for (svm, user) in [
            (demo::VS_ENG_UUID, "kpatel"),
            (demo::ADMIN_SVM_UUID, "mchen"),
        ] {
            let path = profile_path(svm, user);
            let r = sim.delete(&path);
            assert_eq!((r.status, r.code()), (403, "6".to_owned()), "{v} {user}");
            assert_eq!(
                r.json()["error"]["message"],
                "not authorized for that command",
                "{v}"
            );
            assert!(sim.bg.state.totp(svm, user).is_some(), "{v} {user} kept");
            let r = sim.patch(&path, r#"{"enabled": false}"#);
            assert_eq!(r.status, 200, "{v}: the reset is disabling");
        }
        // An administrator's own key is theirs to delete.
        sim.as_user("jdoe");
        let r = sim.delete(&profile_path(demo::ADMIN_SVM_UUID, "jdoe"));
        assert_eq!(r.status, 200, "{v}");
    }
}

#[test]
fn who_may_delete_which_profile() {
    let mut sim = Sim::demo();
    sim.as_user("readonly");
    let r = sim.delete(&profile_path(demo::VS_ENG_UUID, "kpatel"));
    assert_eq!((r.status, r.code()), (403, "6".to_owned()));
    sim.as_user("vsadmin");
    // Another user's profile in its own SVM: only its owner may.
    let r = sim.delete(&profile_path(demo::VS_ENG_UUID, "kpatel"));
    assert_eq!((r.status, r.code()), (403, "6".to_owned()));
    // Another SVM's profile does not exist for it.
    let r = sim.delete(&profile_path(demo::VS_FIN_UUID, "mrossi"));
    assert_eq!((r.status, r.code()), (404, "4".to_owned()));
    // Its own.
    let r = sim.delete(&profile_path(demo::VS_ENG_UUID, "vsadmin"));
    assert_eq!(r.status, 200);
    assert!(sim.bg.state.totp(demo::VS_ENG_UUID, "kpatel").is_some());
    assert!(sim.bg.state.totp(demo::VS_FIN_UUID, "mrossi").is_some());
    // A DELETE takes no query parameters.
    sim.as_user("admin");
    let r = sim.delete(&format!(
        "{}?force=true",
        profile_path(demo::VS_ENG_UUID, "kpatel")
    ));
    assert_eq!((r.status, r.code()), (400, "262179".to_owned()));
}
