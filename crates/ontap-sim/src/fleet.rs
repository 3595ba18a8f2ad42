//! Several clusters in one process (`--clusters N`, issue 19): each its own [`Sim`] with its
//! own name, UUIDs, SVMs, accounts, profiles, ONTAP release, faults and latency, served in the
//! direct layout `/clusters/{name}/api/...` (what the production example's nginx proxies to
//! each cluster on one origin). HAL links and `Location` come back rebased onto the cluster's
//! prefix, as a proxy that rewrites them would give them. With `--dist`, a generated
//! `clusters.json` beside the page lists them:
//! `{"clusters":[{"name":"cluster1","api":"/clusters/cluster1/api"}, ...]}`.

use std::io;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request as HttpRequest, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use ontap_model::Version;
use serde_json::{json, Value};
use tower_service::Service;

use crate::state::State as ClusterState;
use crate::{server, static_files, Config, Sim};

/// The releases a fleet cycles through by default (`--releases` sets others): one without
/// TOTP (9.12.1), the first with it, and later ones.
pub const DEFAULT_RELEASES: [(u32, u32, u32); 5] =
    [(9, 12, 1), (9, 13, 1), (9, 16, 1), (9, 18, 1), (9, 19, 1)];

/// The path prefix of every cluster in the direct layout.
pub const CLUSTERS_PREFIX: &str = "/clusters/";

/// One cluster of a fleet: a [`Sim`] (everything a test controls on a single cluster: faults,
/// state, logs) with its name and its own latency.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: String,
    pub sim: Sim,
    latency_ms: Arc<AtomicU64>,
}

impl Deref for Cluster {
    type Target = Sim;
    fn deref(&self) -> &Sim {
        &self.sim
    }
}

impl Cluster {
    /// Where its API is served: `/clusters/{name}/api`.
    pub fn api_base(&self) -> String {
        format!("{CLUSTERS_PREFIX}{}/api", self.name)
    }
    /// The cluster's UUID.
    pub fn uuid(&self) -> String {
        self.sim.with_state(|s| s.uuid.clone())
    }
    /// A delay before every answer of this cluster from now on.
    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }
    pub fn latency_ms(&self) -> u64 {
        self.latency_ms.load(Ordering::Relaxed)
    }
}

/// Whether a cluster name can stand in a path segment as it is: ontap-model's rule, which the
/// page's reading of `clusters.json` shares.
pub use ontap_model::cluster::fits_a_path as valid_name;

/// The name of cluster `i` (from 0): `Config::cluster_names[i]`, else `cluster{i+1}`.
pub fn name_of(config: &Config, i: usize) -> String {
    config
        .cluster_names
        .get(i)
        .cloned()
        .unwrap_or_else(|| format!("cluster{}", i + 1))
}

/// The release of cluster `i`: `Config::releases` cycled, else [`DEFAULT_RELEASES`] cycled.
pub fn release_of(config: &Config, i: usize) -> Version {
    if config.releases.is_empty() {
        let (g, m, n) = DEFAULT_RELEASES[i % DEFAULT_RELEASES.len()];
        Version::new(g, m, n)
    } else {
        config.releases[i % config.releases.len()].clone()
    }
}

/// Gives cluster `i` UUIDs of its own: the demo's (and the generated SVMs') first group is
/// XORed with a per-cluster constant, a bijection, so SVMs stay distinct within a cluster and
/// do not meet another cluster's. Cluster 0 keeps the demo's UUIDs.
fn reidentify(state: &mut ClusterState, i: usize) {
    if i == 0 {
        return;
    }
    let salt = (i as u32).wrapping_mul(0x9e37_79b9);
    let map = |uuid: &str| -> String {
        match uuid.split_once('-') {
            Some((head, tail)) if head.len() == 8 => match u32::from_str_radix(head, 16) {
                Ok(h) => format!("{:08x}-{tail}", h ^ salt),
                Err(_) => uuid.to_owned(),
            },
            _ => uuid.to_owned(),
        }
    };
    state.uuid = map(&state.uuid);
    let owners: Vec<(String, String)> = state
        .svms
        .iter()
        .map(|s| (s.uuid.as_str().to_owned(), map(s.uuid.as_str())))
        .collect();
    let new_owner = |old: &ontap_model::OwnerUuid| -> ontap_model::OwnerUuid {
        ontap_model::OwnerUuid::try_from(map(old.as_str())).unwrap_or_else(|_| old.clone())
    };
    for s in &mut state.svms {
        s.uuid = new_owner(&s.uuid);
    }
    for a in &mut state.accounts {
        a.owner = new_owner(&a.owner);
    }
    // A profile's record names its owner's UUID in its key, owner and links.
    let totps = std::mem::take(&mut state.totps);
    for (key, totp) in totps {
        let old = key.owner.as_str().to_owned();
        let new = owners
            .iter()
            .find(|(o, _)| *o == old)
            .map_or_else(|| map(&old), |(_, n)| n.clone());
        let mut totp = totp;
        renamed_owner(&mut totp, &old, &new);
        let key = ontap_model::TotpKey {
            owner: new_owner(&key.owner),
            account: key.account,
        };
        state.totps.insert(key, totp);
    }
    let secrets = std::mem::take(&mut state.secrets);
    for (key, secret) in secrets {
        let key = ontap_model::TotpKey {
            owner: new_owner(&key.owner),
            account: key.account,
        };
        state.secrets.insert(key, secret);
    }
    // Other second factors and the demo's history name owners by UUID too.
    let renamed = |text: String| {
        owners
            .iter()
            .fold(text, |t, (old, new)| t.replace(old.as_str(), new))
    };
    for v in state
        .mfa
        .duo_profiles
        .iter_mut()
        .chain(state.mfa.duo_groups.iter_mut())
        .chain(state.mfa.webauthn_credentials.iter_mut())
    {
        if let Ok(s) = serde_json::from_str(&renamed(v.to_string())) {
            *v = s;
        }
    }
    for r in state.audit.iter_mut() {
        r.input = renamed(std::mem::take(&mut r.input));
    }
    // The index is keyed by owner UUID: build it afresh.
    state.account_index = Default::default();
}

/// Builds the fleet `config` describes: `config.clusters` clusters, each the demo on its
/// release under its name with `config.profiles` generated profiles (seeded `seed + i`, so
/// they differ), its own UUIDs, and `config`'s faults and latency.
pub fn build(config: &Config) -> io::Result<Vec<Cluster>> {
    let n = config.clusters.max(1);
    let mut clusters: Vec<Cluster> = Vec::with_capacity(n);
    for i in 0..n {
        let name = name_of(config, i);
        if !valid_name(&name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cluster name {name:?}: use letters, digits, '-', '_' and '.'"),
            ));
        }
        if clusters.iter().any(|c| c.name == name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cluster name {name:?} is given twice"),
            ));
        }
        let one = Config {
            version: release_of(config, i),
            cluster_name: Some(name.clone()),
            seed: config.seed.wrapping_add(i as u64),
            clusters: 1,
            ..config.clone()
        };
        let sim = one.build_sim();
        sim.with_state(|s| reidentify(s, i));
        sim.set_faults(config.faults.clone());
        sim.set_log_size(config.log_size);
        clusters.push(Cluster {
            name,
            sim,
            latency_ms: Arc::new(AtomicU64::new(config.latency_ms)),
        });
    }
    Ok(clusters)
}

/// `clusters.json`: the page's list of clusters in the direct layout.
pub fn clusters_json(clusters: &[Cluster]) -> Value {
    json!({
        "clusters": clusters
            .iter()
            .map(|c| json!({"name": c.name, "api": c.api_base()}))
            .collect::<Vec<_>>()
    })
}

/// A profile moved to the SVM `new` (was `old`): its owner's UUID and every link naming it.
fn renamed_owner(totp: &mut ontap_model::Totp, old: &str, new: &str) {
    let fix = |s: &mut String| {
        if s.contains(old) {
            *s = s.replace(old, new);
        }
    };
    let links = [
        totp.links.as_mut(),
        totp.account.as_mut().and_then(|a| a.links.as_mut()),
        totp.owner.as_mut().and_then(|o| o.links.as_mut()),
    ];
    for href in links.into_iter().flatten().filter_map(|l| l.self_.as_mut()) {
        fix(&mut href.href);
    }
    if let Some(uuid) = totp.owner.as_mut().and_then(|o| o.uuid.as_mut()) {
        fix(uuid);
    }
}

/// `href` with `base` in place of its leading `/api`, if it is a path into `/api`.
pub fn rebased(href: &str, base: &str) -> Option<String> {
    let rest = href.strip_prefix("/api")?;
    (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
        .then(|| format!("{base}{rest}"))
}

struct Fleet {
    clusters: Vec<(Cluster, Router)>,
    dist: Option<std::path::PathBuf>,
    /// Unified Manager's API gateway in front of the clusters (`--gateway`).
    gateway: Option<crate::gateway::Gateway>,
}

/// The router of a fleet: each cluster's API under `/clusters/{name}/api`, `clusters.json`
/// and the page's files when `--dist` is given, and the gateway at `/api/gateways` with
/// `--gateway`.
pub fn router(clusters: &[Cluster], config: &Config) -> Router {
    let gateway = config.gateway.then(|| {
        let users = if config.gateway_users.is_empty() {
            crate::gateway::default_users()
        } else {
            config.gateway_users.clone()
        };
        crate::gateway::Gateway::new(clusters, users)
    });
    let fleet = Fleet {
        clusters: clusters
            .iter()
            .map(|c| {
                let settings = server::Settings {
                    dist: None,
                    send_www_authenticate: config.www_authenticate.unwrap_or(config.dist.is_none()),
                    // Each cluster's own latency is waited for by the fleet, before the cluster.
                    latency: Duration::ZERO,
                    link_base: (!config.fleet_links_as_sent).then(|| c.api_base()),
                };
                (c.clone(), server::router(c.sim.clone(), settings))
            })
            .collect(),
        dist: config.dist.clone(),
        gateway,
    };
    Router::new().fallback(dispatch).with_state(Arc::new(fleet))
}

fn text(status: StatusCode, body: &str) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(body.to_owned()))
        .unwrap_or_default()
}

/// `req` with its path replaced by `path` (the query kept).
pub(crate) fn with_path(mut req: HttpRequest, path: &str) -> HttpRequest {
    let pq = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    if let Ok(uri) = pq.parse::<Uri>() {
        *req.uri_mut() = uri;
    }
    req
}

/// Sends `req` (its path already below the cluster) to a cluster after its latency.
pub(crate) async fn to_cluster(cluster: &Cluster, router: &Router, req: HttpRequest) -> Response {
    let ms = cluster.latency_ms();
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let mut router = router.clone();
    match router.call(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

async fn dispatch(State(fleet): State<Arc<Fleet>>, req: HttpRequest) -> Response {
    let path = req.uri().path().to_owned();
    if let Some(rest) = path.strip_prefix(CLUSTERS_PREFIX) {
        let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let tail = format!("/{tail}");
        let api = tail == "/api" || tail.starts_with("/api/");
        return match fleet.clusters.iter().find(|(c, _)| c.name == name) {
            Some((cluster, router)) if api => {
                to_cluster(cluster, router, with_path(req, &tail)).await
            }
            _ => text(
                StatusCode::NOT_FOUND,
                "ontap-sim: no such cluster API (clusters.json lists them)\n",
            ),
        };
    }
    if let Some(gateway) = &fleet.gateway {
        if path == crate::gateway::GATEWAYS || path.starts_with("/api/gateways/") {
            return gateway.handle(req).await;
        }
    }
    if path == "/api" || path.starts_with("/api/") {
        return text(
            StatusCode::NOT_FOUND,
            "ontap-sim serves several clusters: each under /clusters/<name>/api (clusters.json lists them)\n",
        );
    }
    match &fleet.dist {
        Some(_) if path == "/clusters.json" => {
            let clusters: Vec<Cluster> = fleet.clusters.iter().map(|(c, _)| c.clone()).collect();
            let body = serde_json::to_string_pretty(&clusters_json(&clusters)).unwrap_or_default();
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CACHE_CONTROL, "no-cache")
                .body(Body::from(body))
                .unwrap_or_default()
        }
        Some(dist) => static_files::serve(dist, req.method(), &path).await,
        None => text(
            StatusCode::NOT_FOUND,
            "ontap-sim serves only the clusters' APIs (no --dist given)\n",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_links_into_api_are_rebased() {
        let v = json!({
            "_links": {"self": {"href": "/api/x?a=1"}, "next": {"href": "/api?b"}},
            "records": [{"owner": {"_links": {"self": {"href": "/api/svm/svms/u"}}}}],
            "href": "/apiary",
            "comment": "/api/not-a-link",
        });
        // How the server writes a fleet cluster's answers (`render`: hrefs rebased as written).
        let options = crate::render::Options {
            plain_json: false,
            link_base: Some("/clusters/c/api"),
        };
        let written = crate::render::Writer::write(crate::schema::Def::Empty, &v, options);
        let v: Value = serde_json::from_slice(&written.text).unwrap();
        assert_eq!(v["_links"]["self"]["href"], "/clusters/c/api/x?a=1");
        assert_eq!(v["_links"]["next"]["href"], "/clusters/c/api?b");
        assert_eq!(
            v["records"][0]["owner"]["_links"]["self"]["href"],
            "/clusters/c/api/svm/svms/u"
        );
        assert_eq!(v["href"], "/apiary");
        assert_eq!(v["comment"], "/api/not-a-link");
    }
}
