//! The end-to-end harness of totp-admin: each test gets the production layout on loopback:
//! nginx (from `deploy/nginx-test.conf.in`, on a free port) serving the built page from the
//! workspace's `dist/` and proxying `/api/` to its own emulator (ontap-sim, in-process, which
//! sends `WWW-Authenticate` with a 401 as a real cluster does: nginx strips it), and its own
//! Chromium session over WebDriver pointed at nginx. Tests run one at a time (a process-wide
//! lock), to keep a 2-core machine calm.
//!
//! ```text
//! let h = Harness::start().await?;        // nginx + emulator + browser, on the built page
//! h.goto("/").await?;
//! h.sign_in("admin").await?;              // Browser's helpers are reachable through Deref
//! assert_eq!(h.sim().totp(uuid, "mchen").unwrap().comment, ...);
//! ```

pub mod browser;
pub mod http;
pub mod nginx;
pub mod production;

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use anyhow::{bail, Context, Result};

pub use browser::{Browser, TIMEOUT};
pub use fantoccini::Locator;
pub use nginx::Nginx;
pub use ontap_sim::demo;
pub use ontap_sim::{LoggedRequest, Sim};

/// The password of every demo account of the emulator.
pub const PASSWORD: &str = ontap_sim::demo::DEMO_PASSWORD;
/// The path of the TOTP profiles below `/api`.
pub const TOTPS: &str = "/api/security/login/totps";

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.join("../..")
        .canonicalize()
        .unwrap_or_else(|_| here.join("../.."))
}

/// Cargo's target directory (`CARGO_TARGET_DIR`, else the workspace's `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The built page: `dist/` at the workspace root (`make dist`), or `E2E_DIST` when set (a
/// build of one's own, `trunk build --release --dist DIR`, while others rebuild `dist/`).
pub fn dist_dir() -> PathBuf {
    std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"))
}

/// Fails unless `dist` holds a finished release build: index.html present and no inline
/// script left in it (the Content-Security-Policy nginx sends blocks inline scripts, and
/// `scripts/dist-finish.py`, Trunk's post_build hook, moves Trunk's loader into a file).
pub fn check_dist(dist: &Path) -> Result<()> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).with_context(|| {
        format!(
            "{} has no index.html: build the page first (`make dist`)",
            dist.display()
        )
    })?;
    for tag in html.split("<script").skip(1) {
        let head = tag.split('>').next().unwrap_or_default();
        if !head.contains("src=") {
            bail!(
                "{} has an inline <script>, which the Content-Security-Policy blocks: it was \
                 not finished by scripts/dist-finish.py (run `make dist`, or \
                 `python3 scripts/dist-finish.py dist`)",
                index.display()
            );
        }
    }
    Ok(())
}

static SERIAL: Mutex<()> = Mutex::new(());

/// Holds the process-wide lock so that browser tests in one binary run one after another.
/// A test that panicked poisons nothing that matters here.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One test's world: an emulator of its own behind an nginx of its own, and a browser pointed
/// at nginx. The browser's helpers are reachable directly (`h.fill(..)`) through `Deref`.
pub struct Harness {
    // Drop order matters: the browser first (its session ends), then nginx, then the emulator,
    // then the lock.
    browser: Browser,
    nginx: Option<Nginx>,
    sim: ontap_sim::Background,
    _root: Option<tempfile::TempDir>,
    _serial: MutexGuard<'static, ()>,
}

impl Harness {
    /// The built page (`dist/` at the workspace root) behind nginx, the emulator, a browser.
    pub async fn start() -> Result<Harness> {
        let dist = dist_dir();
        check_dist(&dist)?;
        Harness::with_dist(dist).await
    }

    /// The built page behind nginx, the emulator with a configuration of the test's own (a
    /// version, a generated cluster of N profiles, faults, tokens...), and a browser.
    pub async fn start_with(configure: impl FnOnce(&mut ontap_sim::Config)) -> Result<Harness> {
        let dist = dist_dir();
        check_dist(&dist)?;
        let mut config = ontap_sim::Config {
            dist: Some(dist),
            ..ontap_sim::Config::ephemeral()
        };
        configure(&mut config);
        Harness::with_config(config).await
    }

    /// nginx serving the files of `dist` (index.html for every non-file path), the emulator.
    pub async fn with_dist(dist: PathBuf) -> Result<Harness> {
        Harness::with_config(ontap_sim::Config {
            dist: Some(dist),
            ..ontap_sim::Config::ephemeral()
        })
        .await
    }

    /// The emulator as configured behind nginx, and a browser pointed at nginx. The config's
    /// `dist` is the folder nginx serves (the emulator itself serves only `/api`; without a
    /// `dist`, nginx serves an empty folder); `www_authenticate` left unset means "always", as
    /// a real cluster answers.
    pub async fn with_config(mut config: ontap_sim::Config) -> Result<Harness> {
        let serial = serial();
        let (root, empty) = match config.dist.take() {
            Some(dist) => (dist, None),
            None => {
                let empty = tempfile::Builder::new()
                    .prefix("e2e-empty-dist-")
                    .tempdir()
                    .context("creating an empty page folder")?;
                (empty.path().to_path_buf(), Some(empty))
            }
        };
        // E2E_DIRECT=1 (a diagnosis aid: is a failure nginx's?): the emulator serves the page
        // itself, without WWW-Authenticate by default, and the browser talks to it directly.
        let direct = std::env::var_os("E2E_DIRECT").is_some_and(|v| v != "0");
        if direct {
            config.dist = Some(root.clone());
        } else {
            config.www_authenticate.get_or_insert(true);
        }
        // On a runtime of its own: independent of the test's runtime and of its blocking drops.
        let sim = ontap_sim::start_background(config).context("starting ontap-sim")?;
        let nginx = if direct {
            None
        } else {
            Some(Nginx::start(&root, sim.addr).context("starting nginx")?)
        };
        let origin = nginx.as_ref().map_or_else(|| sim.url(), Nginx::url);
        let browser = Browser::start(&origin).await?;
        Ok(Harness {
            browser,
            nginx,
            sim,
            _root: empty,
            _serial: serial,
        })
    }

    /// The nginx in front: its address, configuration and logs. Panics under `E2E_DIRECT=1`
    /// (no nginx then).
    pub fn nginx(&self) -> &Nginx {
        self.nginx
            .as_ref()
            .expect("E2E_DIRECT is set: this test needs nginx in front of the emulator")
    }

    /// The emulator's own address (behind nginx; the browser never talks to it directly).
    pub fn sim_addr(&self) -> std::net::SocketAddr {
        self.sim.addr
    }

    /// Cluster `i` (from 0) of a fleet (`Config::clusters` > 1): its state, faults, latency
    /// and request log.
    pub fn cluster(&self, i: usize) -> Option<&ontap_sim::Cluster> {
        self.sim.cluster(i)
    }

    /// The emulated cluster: its stored state and its request log.
    pub fn sim(&self) -> &Sim {
        &self.sim.state
    }

    /// Every `/api` request the emulator received so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.sim.state.requests()
    }

    /// Requests to one profile (`/api/security/login/totps/{owner}/{account}`, any method).
    pub fn profile_requests(&self) -> Vec<LoggedRequest> {
        let prefix = format!("{TOTPS}/");
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with(&prefix))
            .collect()
    }

    /// Every PATCH the emulator received so far.
    pub fn patches(&self) -> Vec<LoggedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "PATCH")
            .collect()
    }

    /// Clicks the link to `account` in the profiles table, once the table shows it.
    pub async fn click_profile_link(&self, account: &str) -> Result<()> {
        let lit = browser::xpath_literal(account);
        let link = self
            .wait_for(
                &format!("the link to {account} in the profiles table"),
                Locator::XPath(&format!("//table//a[normalize-space(.)={lit}]")),
            )
            .await?;
        link.click().await.context("clicking the profile link")
    }

    /// Waits until the editor shows `account`'s stored comment in its Comment input (the
    /// profile is loaded).
    pub async fn wait_editor_loaded(&self, owner: &str, account: &str) -> Result<()> {
        self.wait_text("h1", account).await?;
        let stored = self
            .sim()
            .totp(owner, account)
            .and_then(|t| t.comment)
            .unwrap_or_default();
        self.wait_until(&format!("the Comment input showing {stored:?}"), || async {
            let input = self.client().find(Locator::Id("comment")).await?;
            Ok((input.prop("value").await?.as_deref() == Some(stored.as_str())).then_some(()))
        })
        .await
    }

    /// Fills the sign-in form with `user` and the demo password, and submits it.
    pub async fn sign_in(&self, user: &str) -> Result<()> {
        self.sign_in_with(user, PASSWORD).await
    }

    /// Fills the sign-in form and submits it.
    pub async fn sign_in_with(&self, user: &str, password: &str) -> Result<()> {
        self.swapped_form_again(|| async {
            self.fill("User name", user).await?;
            self.fill("Password", password).await?;
            self.click_button("Sign in").await
        })
        .await
    }

    /// [`Self::sign_in`] with "Stay signed in (this tab only)" ticked: the session is kept in
    /// the tab's sessionStorage, for a reload to restore.
    pub async fn sign_in_staying(&self, user: &str) -> Result<()> {
        self.fill("User name", user).await?;
        self.fill("Password", PASSWORD).await?;
        self.set_checkbox("Stay signed in (this tab only)", true)
            .await?;
        self.click_button("Sign in").await
    }

    /// Chooses "Access token" on the sign-in form, fills the token and submits it.
    pub async fn sign_in_token(&self, token: &str) -> Result<()> {
        self.swapped_form_again(|| async {
            self.input_by_label("Access token").await?.click().await?;
            self.fill("Token", token).await?;
            self.click_button("Sign in").await
        })
        .await
    }

    /// Runs `steps` (filling and submitting the sign-in form) again when the form they found
    /// was hidden before they were done: on a fleet's deployment the static single-cluster form
    /// gives way to the fleet's own once its module arrives, carrying what was typed, so a
    /// second pass only types the same again. Nothing is sent twice: the last step is the
    /// click, and a click that fails was not made.
    async fn swapped_form_again<F, Fut>(&self, steps: F) -> Result<()>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let mut tries = 0;
        loop {
            match steps().await {
                Err(e) if tries < 2 && swapped(&e) => tries += 1,
                other => return other,
            }
        }
    }

    /// Sets the page's timing setting (localStorage `totp-admin.timing`, JSON: `read_ms`,
    /// `write_ms`, `retry_base_ms`) for what the page does next, so that a test of timeouts and
    /// retries does not sleep through the defaults.
    pub async fn set_timing(&self, json: &str) -> Result<()> {
        self.client()
            .execute(
                "localStorage.setItem('totp-admin.timing', arguments[0]); return null;",
                vec![serde_json::json!(json)],
            )
            .await?;
        Ok(())
    }

    /// Waits until the re-sign-in dialog (`dialog.reauth`) is closed.
    pub async fn reauth_closed(&self) -> Result<()> {
        self.wait_until("the re-sign-in dialog closed", || async {
            let open = self
                .eval_string("return document.querySelector('dialog.reauth[open]') ? 'open' : '';")
                .await?;
            Ok(open.is_empty().then_some(()))
        })
        .await
    }

    /// From now on (until the page is reloaded), a file the page makes for download (a Blob
    /// handed to `URL.createObjectURL`) is also kept for [`Self::download_text`]; the download
    /// itself goes on as before.
    pub async fn catch_downloads(&self) -> Result<()> {
        self.client()
            .execute(
                "window.__download = null; const orig = URL.createObjectURL;
                 URL.createObjectURL = b => { b.text().then(t => window.__download = t); return orig(b); };",
                vec![],
            )
            .await?;
        Ok(())
    }

    /// The text of the file the page last made for download (see [`Self::catch_downloads`]),
    /// waiting for it; forgotten once read, so that the next call waits for the next file.
    pub async fn download_text(&self) -> Result<String> {
        self.wait_until("a file made for download", || async {
            let v = self
                .client()
                .execute(
                    "const t = window.__download; window.__download = null; return t;",
                    vec![],
                )
                .await?;
            Ok(v.as_str().map(str::to_owned))
        })
        .await
    }

    /// Runs `script` in the page and returns its result as a string (`""` for anything else).
    pub async fn eval_string(&self, script: &str) -> Result<String> {
        let v = self.client().execute(script, vec![]).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Every row of a bulk run's windowed result list (`.bulk-results-scroll`, on the profiles'
    /// and the accounts' bulk pages alike) as (account, outcome, message), read by scrolling it
    /// from top to bottom (only the rows in view are in the DOM). Fails when the list is not
    /// windowed (more rows in the DOM than a few screens' worth), or when the table's
    /// `aria-rowcount` does not count every row.
    pub async fn bulk_result_rows(&self) -> Result<Vec<(String, String, String)>> {
        let v = self
            .client()
            .execute_async(
                "const done = arguments[0];
                 const box = document.querySelector('.bulk-results-scroll');
                 const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                 const seen = new Map();
                 let most = 0;
                 const grab = () => {
                   const rows = box.querySelectorAll('tr.bulk-row');
                   most = Math.max(most, rows.length);
                   rows.forEach(r => seen.set(r.dataset.account, [r.dataset.account, r.dataset.outcome, r.cells[4].innerText]));
                 };
                 (async () => {
                   box.scrollTop = 0; await frame(); grab();
                   while (box.scrollTop + box.clientHeight < box.scrollHeight - 1) {
                     box.scrollTop += box.clientHeight; await frame(); grab();
                   }
                   const rowcount = Number(box.querySelector('table').getAttribute('aria-rowcount')) - 1;
                   done({ rows: [...seen.values()], most, rowcount });
                 })();",
                vec![],
            )
            .await?;
        let most = v["most"].as_u64().unwrap_or(u64::MAX);
        let rows: Vec<(String, String, String)> = serde_json::from_value(v["rows"].clone())?;
        if most > 80 {
            bail!("the result list is not windowed: {most} rows in the DOM at once");
        }
        if v["rowcount"].as_u64() != Some(rows.len() as u64) {
            bail!("aria-rowcount {} for {} rows", v["rowcount"], rows.len());
        }
        Ok(rows)
    }

    /// Ends the browser session, then stops nginx and the emulator. Fails when Chromium's
    /// console reported a Content-Security-Policy violation during the test (not yet
    /// collected by [`Browser::console_log`]): every flow must work under the policy nginx
    /// sends in production.
    pub async fn close(self) -> Result<()> {
        let Harness {
            browser,
            nginx,
            sim,
            _root,
            _serial,
        } = self;
        let csp: Vec<String> = browser
            .console_log()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, m)| m.contains("Content Security Policy"))
            .map(|(level, m)| format!("{level} {m}"))
            .collect();
        browser.close().await?;
        drop(nginx);
        sim.stop().context("stopping ontap-sim")?;
        if !csp.is_empty() {
            bail!(
                "the page broke the Content-Security-Policy (deploy/security-headers.conf): \
                 {csp:#?}"
            );
        }
        Ok(())
    }
}

impl Deref for Harness {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// nginx's own 504 for /api (`@api_gateway_timeout` in deploy/api-errors.conf), as a scripted answer:
/// what the page sees when the cluster answers later than the proxy waits (nothing carried out).
pub fn nginx_gateway_timeout() -> ontap_sim::Scripted {
    ontap_sim::Scripted::Raw {
        status: 504,
        content_type: "application/json".into(),
        body: br#"{"error":{"message":"The cluster did not answer the web server in time (gateway timeout).","code":"nginx-504"}}"#.to_vec(),
    }
}

/// A count as the page shows it (`text::number` in the page): digits grouped by three from
/// 1,000.
pub fn grouped(n: impl std::fmt::Display) -> String {
    let s = n.to_string();
    let len = s.len();
    s.chars()
        .enumerate()
        .flat_map(|(i, c)| [(i > 0 && (len - i) % 3 == 0).then_some(','), Some(c)])
        .flatten()
        .collect()
}

/// A logged request's path without its query string.
pub fn path_only(p: &str) -> &str {
    p.split_once('?').map_or(p, |(path, _)| path)
}

/// A logged request's body as JSON (`null` when absent or not JSON).
pub fn body_json(r: &LoggedRequest) -> serde_json::Value {
    r.body
        .as_deref()
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The element a step found was hidden or replaced before it could act on it.
fn swapped(e: &anyhow::Error) -> bool {
    let text = format!("{e:#}");
    text.contains("not interactable") || text.contains("stale element")
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_as_the_page_groups_them() {
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(100_050), "100,050");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }
}
