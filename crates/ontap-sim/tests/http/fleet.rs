//! Several clusters in one process (`--clusters N`, issue 19): each under
//! `/clusters/{name}/api` with its own name, UUIDs, SVMs, release, data, faults and latency;
//! links rebased onto the cluster's prefix; `clusters.json` beside the page; a single cluster
//! served as before.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use ontap_model::Version;
use ontap_sim::demo::{self, VS_ENG};
use ontap_sim::{start_background, Background, Config, FaultConfig, FaultMode};
use serde_json::Value;

use crate::client::{send, Resp, PASSWORD};

fn fleet(n: usize, names: &[&str]) -> Background {
    start_background(Config {
        clusters: n,
        cluster_names: names.iter().map(|s| (*s).to_owned()).collect(),
        profiles: 30,
        ..Config::ephemeral()
    })
    .expect("start a fleet")
}

fn get(bg: &Background, path: &str) -> Resp {
    send(bg.addr, "GET", path, Some(("admin", PASSWORD)), None)
}

fn no_violations(bg: &Background) {
    for c in &bg.clusters {
        assert_eq!(c.schema_violations(), Vec::<String>::new(), "{}", c.name);
    }
}

#[test]
fn each_cluster_has_its_own_name_release_uuids_and_data() {
    let bg = fleet(6, &["prod-ams", "prod-fra"]);
    assert_eq!(bg.clusters.len(), 6);
    let names: Vec<&str> = bg.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["prod-ams", "prod-fra", "cluster3", "cluster4", "cluster5", "cluster6"]
    );
    let mut uuids = BTreeSet::new();
    let mut svm_uuids = BTreeSet::new();
    let mut releases = Vec::new();
    for c in &bg.clusters {
        let r = get(&bg, &format!("{}/cluster", c.api_base()));
        assert_eq!(r.status, 200, "{}: {}", c.name, r.text());
        let body = r.json();
        assert_eq!(body["name"], c.name.as_str());
        assert!(uuids.insert(body["uuid"].as_str().unwrap().to_owned()));
        releases.push(format!(
            "{}.{}.{}",
            body["version"]["generation"], body["version"]["major"], body["version"]["minor"]
        ));
        let svms = get(&bg, &format!("{}/svm/svms?fields=name,uuid", c.api_base())).json();
        for s in svms["records"].as_array().unwrap() {
            assert!(
                svm_uuids.insert(s["uuid"].as_str().unwrap().to_owned()),
                "{s}"
            );
        }
        // The admin SVM bears the cluster's name.
        let me = get(
            &bg,
            &format!("{}/security/accounts?name=admin", c.api_base()),
        )
        .json();
        assert_eq!(me["records"][0]["owner"]["name"], c.name.as_str());
    }
    assert_eq!(
        releases,
        ["9.12.1", "9.13.1", "9.16.1", "9.18.1", "9.19.1", "9.12.1"]
    );
    // 9.12.1 has no TOTP endpoints; the others do, each with its own profiles.
    let totps = |i: usize| format!("{}/security/login/totps", bg.clusters[i].api_base());
    assert_eq!(get(&bg, &totps(0)).status, 404);
    let a = get(&bg, &format!("{}?fields=owner.uuid", totps(1))).json();
    let b = get(&bg, &format!("{}?fields=owner.uuid", totps(2))).json();
    assert!(a["num_records"].as_u64().unwrap() > 30);
    let owners = |v: &Value| -> BTreeSet<String> {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["owner"]["uuid"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(owners(&a).is_disjoint(&owners(&b)));
    // A write to one cluster stays there.
    let c1 = &bg.clusters[1];
    let eng = c1
        .svms()
        .into_iter()
        .find(|s| s.name == VS_ENG)
        .unwrap()
        .uuid;
    let p = send(
        bg.addr,
        "PATCH",
        &format!("{}/{eng}/kpatel", totps(1)),
        Some(("admin", PASSWORD)),
        Some(r#"{"comment":"only here"}"#),
    );
    assert_eq!(p.status, 200, "{}", p.text());
    assert_eq!(
        c1.totp(eng.as_str(), "kpatel").unwrap().comment.as_deref(),
        Some("only here")
    );
    let other = &bg.clusters[2];
    assert!(other
        .totps()
        .iter()
        .all(|t| t.comment.as_deref() != Some("only here")));
    assert_eq!(other.audit().len(), 0);
    assert_eq!(c1.audit().len(), 1);
    no_violations(&bg);
}

#[test]
fn links_and_paging_are_rebased_onto_the_clusters_prefix() {
    let bg = fleet(3, &[]);
    let base = bg.clusters[2].api_base();
    assert_eq!(base, "/clusters/cluster3/api");
    let mut href = format!("{base}/security/login/totps?max_records=7&fields=owner");
    let (mut pages, mut seen) = (0, 0);
    let total = bg.clusters[2].totps().len();
    loop {
        let body = get(&bg, &href).json();
        assert_eq!(body["_links"]["self"]["href"], href.as_str());
        for r in body["records"].as_array().unwrap() {
            let own = r["_links"]["self"]["href"].as_str().unwrap();
            assert!(
                own.starts_with("/clusters/cluster3/api/security/login/totps/"),
                "{own}"
            );
            assert_eq!(get(&bg, own).status, 200, "{own}");
            if let Some(svm) = r["owner"]["_links"]["self"]["href"].as_str() {
                assert!(svm.starts_with("/clusters/cluster3/api/svm/svms/"), "{svm}");
            }
            seen += 1;
        }
        pages += 1;
        match body["_links"]["next"]["href"].as_str() {
            Some(n) => {
                assert!(
                    n.starts_with("/clusters/cluster3/api/security/login/totps?"),
                    "{n}"
                );
                href = n.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(seen, total);
    assert!(pages > 2);
    // An account's links, the role's included.
    let acc = get(
        &bg,
        &format!("{base}/security/accounts?name=admin&fields=role"),
    )
    .json();
    assert!(acc["records"][0]["role"]["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .starts_with("/clusters/cluster3/api/security/roles/"));
    // The request log keeps the path the cluster saw.
    assert!(bg.clusters[2]
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/api/")));
    no_violations(&bg);
}

#[test]
fn links_can_come_as_the_cluster_wrote_them() {
    let bg = start_background(Config {
        clusters: 2,
        fleet_links_as_sent: true,
        ..Config::ephemeral()
    })
    .unwrap();
    let body = get(
        &bg,
        "/clusters/cluster2/api/security/login/totps?max_records=1",
    )
    .json();
    let next = body["_links"]["next"]["href"].as_str().unwrap();
    assert!(next.starts_with("/api/security/login/totps?"), "{next}");
    assert!(body["records"][0]["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .starts_with("/api/security/login/totps/"));
    // Followed under the cluster's prefix, as a plain proxy's client would.
    let second = get(&bg, &format!("/clusters/cluster2{next}"));
    assert_eq!(second.status, 200, "{}", second.text());
}

#[test]
fn faults_and_latency_are_per_cluster() {
    let bg = fleet(3, &[]);
    bg.cluster(1).unwrap().set_faults(FaultConfig {
        rate: 1.0,
        modes: vec![FaultMode::Internal],
        ..FaultConfig::default()
    });
    bg.cluster(2).unwrap().set_latency_ms(400);
    let cluster = |i: usize| format!("{}/cluster", bg.clusters[i].api_base());
    let t0 = Instant::now();
    assert_eq!(get(&bg, &cluster(0)).status, 200);
    assert!(t0.elapsed() < Duration::from_millis(400));
    assert_eq!(get(&bg, &cluster(1)).status, 500);
    assert_eq!(bg.clusters[1].faults().len(), 1);
    assert_eq!(bg.clusters[0].faults().len(), 0);
    let t0 = Instant::now();
    assert_eq!(get(&bg, &cluster(2)).status, 200);
    assert!(t0.elapsed() >= Duration::from_millis(400));
    assert_eq!(bg.clusters[2].latency_ms(), 400);
    // Credentials, too, are each cluster's own.
    bg.cluster(0).unwrap().set_password("admin", "Other-pass1");
    assert_eq!(get(&bg, &cluster(0)).status, 401);
    assert_eq!(get(&bg, &cluster(2)).status, 200);
}

#[test]
fn clusters_json_lists_the_clusters_beside_the_page() {
    let dist = std::env::temp_dir().join(format!("ontap-sim-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    let bg = start_background(Config {
        clusters: 2,
        cluster_names: vec!["a-1".into(), "b.2".into()],
        dist: Some(dist.clone()),
        ..Config::ephemeral()
    })
    .unwrap();
    let r = send(bg.addr, "GET", "/clusters.json", None, None);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        serde_json::json!({"clusters": [
            {"name": "a-1", "api": "/clusters/a-1/api"},
            {"name": "b.2", "api": "/clusters/b.2/api"},
        ]})
    );
    assert_eq!(send(bg.addr, "GET", "/", None, None).status, 200);
    // /api at the root belongs to no cluster of a fleet; an unknown cluster is not found.
    assert_eq!(get(&bg, "/api/cluster").status, 404);
    assert_eq!(get(&bg, "/clusters/nope/api/cluster").status, 404);
    assert_eq!(get(&bg, "/clusters/a-1/api/cluster").status, 200);
    drop(bg);
    // One cluster: no clusters.json (the page's files answer), /api at the root as ever.
    let one = start_background(Config {
        dist: Some(dist.clone()),
        ..Config::ephemeral()
    })
    .unwrap();
    assert!(one.clusters.is_empty());
    let r = send(one.addr, "GET", "/clusters.json", None, None);
    assert!(r.text().contains("<title>t</title>"), "{}", r.text());
    assert_eq!(get(&one, "/api/cluster").json()["name"], demo::CLUSTER_NAME);
    let not_api = get(&one, "/clusters/cluster1/api/cluster");
    assert!(
        not_api.text().contains("<title>t</title>"),
        "{}",
        not_api.text()
    );
    std::fs::remove_dir_all(&dist).ok();
}

#[test]
fn a_name_given_twice_or_unfit_for_a_path_is_refused() {
    for names in [vec!["x", "x"], vec!["a/b"], vec![".."]] {
        let e = start_background(Config {
            clusters: 2,
            cluster_names: names.iter().map(|s| (*s).to_owned()).collect(),
            ..Config::ephemeral()
        })
        .expect_err("refused");
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{names:?}");
    }
    let releases = start_background(Config {
        clusters: 3,
        releases: vec![Version::new(9, 19, 1)],
        ..Config::ephemeral()
    })
    .unwrap();
    assert!(releases
        .clusters
        .iter()
        .all(|c| c.version() == Version::new(9, 19, 1)));
}

#[test]
fn second_factors_and_history_name_each_clusters_own_svms() {
    let bg = start_background(Config {
        clusters: 3,
        history: true,
        ..Config::ephemeral()
    })
    .expect("start a fleet");
    // cluster3 runs 9.16.1: Duo and WebAuthn records, and a history.
    let c = &bg.clusters[2];
    let own: BTreeSet<String> = c
        .svms()
        .into_iter()
        .map(|s| s.uuid.as_str().to_owned())
        .collect();
    let base = c.api_base();
    for path in [
        "security/authentication/duo/profiles?fields=owner.uuid",
        "security/webauthn/credentials?fields=owner.uuid",
    ] {
        let r = get(&bg, &format!("{base}/{path}"));
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        let records = r.json()["records"].as_array().unwrap().clone();
        assert!(!records.is_empty(), "{path}");
        for rec in records {
            let o = rec["owner"]["uuid"].as_str().unwrap();
            assert!(own.contains(o), "{path}: {o} is not one of {own:?}");
        }
    }
    // The demo's history of this cluster names its SVMs, never the first cluster's.
    let first: BTreeSet<String> = bg.clusters[0]
        .svms()
        .into_iter()
        .map(|s| s.uuid.as_str().to_owned())
        .collect();
    let inputs: Vec<String> = c.audit().iter().map(|r| r.input.clone()).collect();
    assert!(inputs.iter().any(|i| own.iter().any(|o| i.contains(o))));
    for i in &inputs {
        assert!(!first.iter().any(|o| i.contains(o)), "{i}");
    }
    no_violations(&bg);
}
