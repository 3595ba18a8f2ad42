//! `ontap-sim`: a native emulator of the subset of the ONTAP REST API that totp-admin speaks
//! (cluster, SVMs, accounts, TOTP profiles), with a seeded demo cluster. It is the demo backend
//! (`ontap-sim --dist dist/` serves the page and `/api` on one origin) and the test double the
//! end-to-end tests run in-process ([`start`] or [`start_background`]). Every type and rule of
//! the contract comes from `ontap-model`; the behaviours ONTAP does not document are chosen in
//! one table, [`inferred`].

pub mod accounts_scale;
pub mod api;
pub mod audit;
pub mod auth;
pub mod collection;
pub mod demo;
pub mod faults;
pub mod filter;
pub mod fleet;
pub mod gateway;
pub mod history;
pub mod index;
pub mod inferred;
pub mod mfa;
pub mod model;
pub mod render;
pub mod rng;
pub mod scale;
pub mod schema;
mod server;
mod sim;
mod sim_accounts;
pub mod state;
mod static_files;
pub mod syntax;
pub mod texts;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use ontap_model::Version;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{FaultConfig, FaultMode, FaultRecord, Scripted, ScriptedFault};
pub use fleet::Cluster;
pub use server::WWW_AUTHENTICATE;
pub use sim::{LoggedRequest, Sim};

/// How to run the emulator.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free port ([`Running::addr`] tells which).
    pub listen: SocketAddr,
    /// Serve the page's files from this folder at `/` (and `index.html` for other paths).
    pub dist: Option<PathBuf>,
    /// The ONTAP release emulated (the TOTP endpoints exist from 9.13).
    pub version: Version,
    /// The cluster's name, and so its admin SVM's (which bears it); `None`: the demo's
    /// [`demo::CLUSTER_NAME`]. The published `cluster.name` has no pattern, so tests put
    /// hostile text here to see the page show it as text.
    pub cluster_name: Option<String>,
    /// A delay before every `/api` answer.
    pub latency_ms: u64,
    /// Send `WWW-Authenticate: Basic realm="ONTAP"` with 401 answers. `None`: only when the
    /// emulator does not serve the page (`dist` unset), as the production proxy strips it so
    /// that browsers never show their own login dialog.
    pub www_authenticate: Option<bool>,
    /// Generated accounts with profiles besides the demo's ([`scale`]), and their seed.
    pub profiles: usize,
    pub seed: u64,
    /// Emulate the report that disabled profiles vanish (DISABLED_PROFILES in [`inferred`]).
    pub disabled_hidden: bool,
    /// Generated accounts without profiles for bulk tests ([`accounts_scale`]).
    pub accounts: usize,
    /// `-max-failed-login-attempts`: lock an account after this many consecutive failed
    /// password sign-ins; 0 (ONTAP's default) never locks (FAILED_LOGIN_LOCKOUT).
    pub max_failed_logins: u32,
    /// OAuth 2.0 bearer tokens: (account name, token).
    pub tokens: Vec<(String, String)>,
    /// Shift the cluster's clock by this many seconds (negative: behind the machine's): the
    /// `Date` header of every answer, new profiles' `verification_code` and the audit log's
    /// timestamps. 0: the machine's clock.
    pub clock_offset_secs: i64,
    /// Fault injection.
    pub faults: FaultConfig,
    /// How many entries the request log ([`Sim::requests`]) and the audit log each keep; the
    /// oldest go first. See [`DEFAULT_LOG_SIZE`].
    pub log_size: usize,
    /// How long a connection may take to send a request's head (and, as hyper counts it, how
    /// long a kept-alive connection may sit idle) before it is closed, in milliseconds; 0
    /// never closes it. See [`DEFAULT_HEADER_READ_TIMEOUT_MS`].
    pub header_read_timeout_ms: u64,
    /// Seed the audit log with the demo's past ([`history`]): weeks of enrollments, a
    /// roll-out, an unlock and resets before the start. Off by default (tests count the
    /// records their own requests write); the `ontap-sim` command turns it on.
    pub history: bool,
    /// How many clusters to serve ([`fleet`]): more than 1 serves each under
    /// `/clusters/{name}/api` (and `clusters.json` beside the page) instead of `/api`.
    pub clusters: usize,
    /// The clusters' names, in order; missing ones are `cluster1`, `cluster2`...
    pub cluster_names: Vec<String>,
    /// The clusters' releases, cycled; empty: [`fleet::DEFAULT_RELEASES`]. A single cluster
    /// runs `version`.
    pub releases: Vec<Version>,
    /// A fleet's links as each cluster wrote them (`/api/...`), not rebased onto
    /// `/clusters/{name}` (FLEET_LINKS in [`inferred`]).
    pub fleet_links_as_sent: bool,
    /// Serve Unified Manager's API gateway in front of the clusters ([`gateway`]) at
    /// `/api/gateways` (a fleet then, even of one cluster).
    pub gateway: bool,
    /// The gateway's Unified Manager users; empty: [`gateway::default_users`].
    pub gateway_users: Vec<gateway::UmUser>,
}

/// The default of [`Config::log_size`]: every test and `make bench` run stays well under it
/// (a bulk bench run sends about 3,000 PATCHes and their reads per pass set), and at a few
/// hundred bytes an entry it bounds each log to some tens of megabytes.
pub const DEFAULT_LOG_SIZE: usize = 100_000;

/// The default of [`Config::header_read_timeout_ms`]: longer than nginx's idle time for kept
/// upstream connections (its `keepalive_timeout`, 60 s by default), so that nginx always closes
/// an idle connection first. A server that closes first races nginx reusing the connection,
/// and nginx answers 502 to a PATCH that met the closed socket instead of resending it.
/// Browsers, nginx and NetApp's Python client send a head in one write, so only stalled
/// connections wait this long.
pub const DEFAULT_HEADER_READ_TIMEOUT_MS: u64 = 65_000;

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dist: None,
            version: Version::new(9, 18, 1),
            cluster_name: None,
            latency_ms: 0,
            www_authenticate: None,
            profiles: 0,
            seed: 0,
            disabled_hidden: false,
            accounts: 0,
            max_failed_logins: 0,
            tokens: Vec::new(),
            clock_offset_secs: 0,
            faults: FaultConfig::default(),
            log_size: DEFAULT_LOG_SIZE,
            header_read_timeout_ms: DEFAULT_HEADER_READ_TIMEOUT_MS,
            history: false,
            clusters: 1,
            cluster_names: Vec::new(),
            releases: Vec::new(),
            fleet_links_as_sent: false,
            gateway: false,
            gateway_users: Vec::new(),
        }
    }
}

impl Config {
    /// The defaults, on a free loopback port: what tests use.
    pub fn ephemeral() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Config::default()
        }
    }

    /// The cluster this configuration describes: the demo on `version` (named `cluster_name`),
    /// plus `profiles` generated accounts, the tokens, the disabled-profile variant, the
    /// clock offset and, if asked, the demo's history.
    pub fn build_sim(&self) -> Sim {
        let mut state = demo::cluster(self.version.clone());
        if let Some(name) = &self.cluster_name {
            state.rename_cluster(name);
        }
        state.clock_offset_secs = self.clock_offset_secs;
        state.audit.set_size(self.log_size);
        // The history is the demo's own: told before the generated accounts join, on the
        // demo's accounts and the cluster's clock at start.
        if self.history {
            history::seed(&mut state).expect("the demo's history ends in the demo's state");
        }
        if self.profiles > 0 {
            scale::populate(&mut state, self.profiles, self.seed);
        }
        if self.accounts > 0 {
            accounts_scale::populate(&mut state, self.accounts);
        }
        state.max_failed_logins = self.max_failed_logins;
        state.disabled_hidden = self.disabled_hidden;
        for (account, token) in &self.tokens {
            state.tokens.insert(token.clone(), account.clone());
        }
        Sim::from_state(state)
    }

    fn settings(&self) -> server::Settings {
        server::Settings {
            dist: self.dist.clone(),
            send_www_authenticate: self.www_authenticate.unwrap_or(self.dist.is_none()),
            latency: Duration::from_millis(self.latency_ms),
            link_base: None,
        }
    }
}

/// A running emulator on the caller's tokio runtime. Dropping it stops the server.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    /// The cluster served (with `--clusters N`, the first).
    pub state: Sim,
    /// With `--clusters N` (N > 1), every cluster; empty for a single cluster.
    pub clusters: Vec<Cluster>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Running {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Cluster `i` of a fleet (from 0): its [`Sim`] (faults, state, logs), name and latency.
    pub fn cluster(&self, i: usize) -> Option<&Cluster> {
        self.clusters.get(i)
    }

    /// Stops accepting requests, ends open connections, and waits for the server to end.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.wait_task().await
    }

    /// Serves until the server ends (it ends only when stopped or on an I/O error).
    pub async fn wait(mut self) -> io::Result<()> {
        self.wait_task().await
    }

    async fn wait_task(&mut self) -> io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `config.listen`, seeds the cluster ([`Config::build_sim`]) and serves it on the
/// current tokio runtime.
pub async fn start(config: Config) -> io::Result<Running> {
    if config.clusters > 1 || config.gateway {
        let clusters = fleet::build(&config)?;
        let app = fleet::router(&clusters, &config);
        return serve_app(&config, app, clusters[0].sim.clone(), clusters).await;
    }
    let sim = config.build_sim();
    start_with(config, sim).await
}

/// Like [`start`], serving a cluster the caller built (the cluster settings of `config` are
/// not used then; its faults, latency and page settings are).
pub async fn start_with(config: Config, sim: Sim) -> io::Result<Running> {
    sim.set_faults(config.faults.clone());
    sim.set_log_size(config.log_size);
    let app = server::router(sim.clone(), config.settings());
    serve_app(&config, app, sim, Vec::new()).await
}

/// Binds `config.listen` and serves `app` on the current tokio runtime.
async fn serve_app(
    config: &Config,
    app: axum::Router,
    sim: Sim,
    clusters: Vec<Cluster>,
) -> io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    // 0 turns the timeout off, as `--header-read-timeout-ms 0` documents.
    let header_read_timeout = (config.header_read_timeout_ms > 0)
        .then(|| Duration::from_millis(config.header_read_timeout_ms));
    let task = tokio::spawn(server::serve(listener, app, header_read_timeout, rx));
    Ok(Running {
        addr,
        state: sim,
        clusters,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// A running emulator on a thread and runtime of its own, for callers without a tokio
/// runtime (plain `#[test]`s). Dropping it stops the server and joins the thread.
#[derive(Debug)]
pub struct Background {
    pub addr: SocketAddr,
    pub state: Sim,
    /// With `--clusters N` (N > 1), every cluster; empty for a single cluster.
    pub clusters: Vec<Cluster>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<io::Result<()>>>,
}

impl Background {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Cluster `i` of a fleet (from 0), as [`Running::cluster`].
    pub fn cluster(&self, i: usize) -> Option<&Cluster> {
        self.clusters.get(i)
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) -> io::Result<()> {
        self.stop_inner()
    }

    fn stop_inner(&mut self) -> io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| io::Error::other("the ontap-sim thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.stop_inner();
    }
}

/// Starts the emulator on a thread of its own with a small tokio runtime, and returns once it
/// listens. It may be called from anywhere, inside a tokio runtime too.
pub fn start_background(config: Config) -> io::Result<Background> {
    background(config, None)
}

/// Like [`start_background`], serving a cluster the caller built.
pub fn start_background_with(config: Config, sim: Sim) -> io::Result<Background> {
    background(config, Some(sim))
}

/// [`start`] (`sim` unset) or [`start_with`] on a thread of its own.
fn background(config: Config, sim: Option<Sim>) -> io::Result<Background> {
    type Started = (SocketAddr, Sim, Vec<Cluster>, Option<oneshot::Sender<()>>);
    let (started_tx, started_rx) = std::sync::mpsc::channel::<io::Result<Started>>();
    let thread =
        thread::Builder::new()
            .name("ontap-sim".into())
            .spawn(move || -> io::Result<()> {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("ontap-sim-worker")
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = started_tx.send(Err(io::Error::new(e.kind(), e.to_string())));
                        return Err(e);
                    }
                };
                runtime.block_on(async move {
                    let started = match sim {
                        Some(sim) => start_with(config, sim).await,
                        None => start(config).await,
                    };
                    let mut running = match started {
                        Ok(r) => r,
                        Err(e) => {
                            let _ = started_tx.send(Err(io::Error::new(e.kind(), e.to_string())));
                            return Err(e);
                        }
                    };
                    let shutdown = running.shutdown.take();
                    let _ = started_tx.send(Ok((
                        running.addr,
                        running.state.clone(),
                        running.clusters.clone(),
                        shutdown,
                    )));
                    running.wait_task().await
                })
            })?;
    let (addr, state, clusters, shutdown) = started_rx
        .recv()
        .map_err(|_| io::Error::other("the ontap-sim thread ended before listening"))??;
    Ok(Background {
        addr,
        state,
        clusters,
        shutdown,
        thread: Some(thread),
    })
}
