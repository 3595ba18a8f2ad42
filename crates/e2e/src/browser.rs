//! Chromium over WebDriver: one chromedriver child process per browser (killed on drop), a
//! fresh profile directory, and the few helpers the tests use: fill an input by its label,
//! click a button by its name, wait for an element or a text, take a screenshot.

use std::future::Future;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tempfile::TempDir;

/// Debian's chromedriver; `CHROMEDRIVER` overrides it.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's Chromium; `CHROMIUM` overrides it.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// How long a wait polls before it gives up, unless [`Browser::set_timeout`] says otherwise.
pub const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);
/// How long [`Browser::input_by_label`] looks for the exact label before it takes a prefix.
const PREFIX_AFTER: Duration = Duration::from_millis(1500);

/// A chromedriver process in its own process group, which drop kills (with its browsers).
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Driver {
    fn start() -> Result<Driver> {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| CHROMEDRIVER.into());
        let mut last = anyhow!("chromedriver did not start");
        for _ in 0..3 {
            let port = free_port()?;
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut cmd = Command::new(&program);
            cmd.arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0);
            if let Ok(path) = std::env::var("E2E_DRIVER_LOG") {
                cmd.arg(format!("--log-path={path}")).arg("--verbose");
            }
            let child = cmd.spawn().with_context(|| format!("spawning {program}"))?;
            let mut driver = Driver { child, addr };
            match driver.wait_ready() {
                Ok(()) => return Ok(driver),
                Err(e) => last = e, // drop kills it; try another port
            }
        }
        Err(last)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("chromedriver exited early: {status}");
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "chromedriver did not listen on {} within {TIMEOUT:?}",
                    self.addr
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group holds chromedriver and the Chromium it started (ours alone: see process_group).
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) with a negative pid signals the process group we created; no memory
        // is involved.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// The arguments Chromium runs with: headless, no sandbox (we are root), and quiet on the
/// network (the machine has none besides loopback).
pub fn chromium_args(profile: &std::path::Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// One Chromium session, with the base URL that relative paths are resolved against.
pub struct Browser {
    client: Client,
    session: Option<String>,
    base: String,
    timeout: Duration,
    // Drop order: the session (above) is closed before the driver dies, then the profile goes.
    driver: Driver,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromedriver and opens a session; `base` is the origin relative paths go to
    /// (`http://127.0.0.1:PORT`, no trailing slash).
    pub async fn start(base: &str) -> Result<Browser> {
        Browser::start_with_args(base, &[]).await
    }

    /// As [`Browser::start`], Chromium given `extra` arguments too (the benchmark's HTTP/2
    /// stack adds `--ignore-certificate-errors` for its self-signed certificate).
    pub async fn start_with_args(base: &str, extra: &[&str]) -> Result<Browser> {
        let driver = Driver::start()?;
        let profile = tempfile::Builder::new()
            .prefix("e2e-chromium-")
            .tempdir()
            .context("creating a Chromium profile directory")?;
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": binary, "args": chromium_args(profile.path()).into_iter().chain(extra.iter().map(|a| a.to_string())).collect::<Vec<_>>() },
            // Console messages (CSP violations among them) for `console_log`.
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let Value::Object(caps) = caps else {
            unreachable!("a json object literal")
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .context("opening a WebDriver session")?;
        let session = client.session_id().await?;
        Ok(Browser {
            client,
            session,
            base: base.trim_end_matches('/').to_string(),
            timeout: TIMEOUT,
            driver,
            _profile: profile,
        })
    }

    /// The fantoccini client, for anything the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// How long the waits below poll before they give up ([`TIMEOUT`] by default).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The origin this browser's relative paths go to.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Navigates to `path` (`/profiles/...`) below the base URL.
    pub async fn goto(&self, path: &str) -> Result<()> {
        let url = format!("{}{}", self.base, path);
        self.client
            .goto(&url)
            .await
            .with_context(|| format!("navigating to {url}"))
    }

    /// Client-side navigation, as a link inside the app would do it (a `goto` would reload
    /// the page and forget the in-memory sign-in).
    pub async fn navigate_in_app(&self, path: &str) -> Result<()> {
        self.client()
            .execute(
                "history.pushState(null, '', arguments[0]);
                 window.dispatchEvent(new PopStateEvent('popstate', {state: null}));",
                vec![serde_json::Value::from(path)],
            )
            .await?;
        Ok(())
    }

    /// Reloads the current page (a fresh start of the app, memory cleared).
    pub async fn reload(&self) -> Result<()> {
        Ok(self.client.refresh().await?)
    }

    /// The path (and query) of the current URL.
    pub async fn path(&self) -> Result<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        })
    }

    /// The visible text of the whole page.
    pub async fn body_text(&self) -> Result<String> {
        let v = self
            .client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Polls `probe` every 100 ms until it returns `Some`, for at most the timeout. On time-out
    /// it saves a screenshot and fails with `what`, the URL and the page's text.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, mut probe: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + self.timeout;
        let mut last_err = None;
        loop {
            match probe().await {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(e) => last_err = Some(e),
            }
            if Instant::now() > deadline {
                return Err(self.timed_out(what, last_err).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn timed_out(&self, what: &str, last_err: Option<anyhow::Error>) -> anyhow::Error {
        let shot = self.screenshot(&format!("timeout-{what}")).await;
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let text: String = self.body_text().await.unwrap_or_default();
        let text: String = text.chars().take(800).collect();
        let mut msg = format!(
            "timed out after {:?} waiting for {what}\n  at {url}\n  page text: {text:?}",
            self.timeout
        );
        if let Some(e) = last_err {
            msg.push_str(&format!("\n  last error: {e:#}"));
        }
        if let Ok(path) = shot {
            msg.push_str(&format!("\n  screenshot: {}", path.display()));
        }
        anyhow!(msg)
    }

    /// Waits for the first element `locator` finds that is displayed.
    pub async fn wait_for(&self, what: &str, locator: Locator<'_>) -> Result<Element> {
        self.wait_until(what, || async {
            for e in self.client.find_all(locator).await? {
                if e.is_displayed().await.unwrap_or(false) {
                    return Ok(Some(e));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Whether the sign-in screen (static markup in index.html, hidden while signed in) is
    /// shown now; no waiting.
    pub async fn sign_in_shown(&self) -> Result<bool> {
        Ok(match self.client.find(Locator::Id("signin-screen")).await {
            Ok(e) => e.is_displayed().await?,
            Err(_) => false,
        })
    }

    /// Whether no element (displayed or not) matches `locator` now; no waiting.
    pub async fn none_match(&self, locator: Locator<'_>) -> Result<bool> {
        Ok(self.client.find_all(locator).await?.is_empty())
    }

    /// Waits for a displayed element matching `css`.
    pub async fn wait_css(&self, css: &str) -> Result<Element> {
        self.wait_for(css, Locator::Css(css)).await
    }

    /// Waits until some displayed element matching `css` has text containing `needle`, and
    /// returns that text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
        let what = format!("{css} containing {needle:?}");
        self.wait_until(&what, || async {
            for e in self.client.find_all(Locator::Css(css)).await? {
                if !e.is_displayed().await.unwrap_or(false) {
                    continue;
                }
                let text = e.text().await?;
                if text.contains(needle) {
                    return Ok(Some(text));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Waits until the page's visible text contains `needle`.
    pub async fn wait_page_text(&self, needle: &str) -> Result<()> {
        self.wait_until(&format!("page text {needle:?}"), || async {
            Ok(self.body_text().await?.contains(needle).then_some(()))
        })
        .await
    }

    /// Finds the `<label>` whose text is `text` (exactly, else at its start) and returns the
    /// control it labels: the element its `for` names, or the control inside it.
    pub async fn input_by_label(&self, text: &str) -> Result<Element> {
        let lit = xpath_literal(text);
        let exact = format!("//label[normalize-space(.)={lit}]");
        let prefix = format!("//label[starts-with(normalize-space(.), {lit})]");
        let what = format!("the control labelled {text:?}");
        // The prefix is a fallback for labels with more text in them; while the page is still
        // rendering, it could pick a longer label ("User name and password" for "User name"),
        // so the exact label gets a moment to appear first.
        let started = Instant::now();
        self.wait_until(&what, || async {
            let mut labels = self.client.find_all(Locator::XPath(&exact)).await?;
            if labels.is_empty() && started.elapsed() >= PREFIX_AFTER {
                labels = self.client.find_all(Locator::XPath(&prefix)).await?;
            }
            // A shown control first: the static sign-in form stays in the document, hidden,
            // while a dialog of the signed-in page has a "Password" of its own.
            let mut hidden = None;
            for label in labels {
                let found = if let Some(id) = label.attr("for").await? {
                    self.client.find(Locator::Id(&id)).await.ok()
                } else {
                    label
                        .find(Locator::XPath(".//input|.//textarea|.//select"))
                        .await
                        .ok()
                };
                let Some(e) = found else { continue };
                if e.is_displayed().await.unwrap_or(false) {
                    return Ok(Some(e));
                }
                hidden.get_or_insert(e);
            }
            if started.elapsed() >= PREFIX_AFTER * 2 {
                if let Some(e) = hidden {
                    return Ok(Some(e));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Replaces the value of the text input labelled `label` by typing, as a person would
    /// (select all, delete, type), so that the page sees input events.
    pub async fn fill(&self, label: &str, value: &str) -> Result<Element> {
        let input = self.input_by_label(label).await?;
        input.click().await.ok();
        input.clear().await.ok();
        // Ctrl+A, release, Backspace: clears what clear() left, with input events.
        input.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        input
            .send_keys(value)
            .await
            .with_context(|| format!("typing into {label:?}"))?;
        Ok(input)
    }

    /// Sets the checkbox labelled `label` to `checked` by clicking it (or its label, when the
    /// box itself is visually hidden behind a styled toggle).
    pub async fn set_checkbox(&self, label: &str, checked: bool) -> Result<Element> {
        let input = self.input_by_label(label).await?;
        if input.is_selected().await? != checked {
            if input.click().await.is_err() {
                let lit = xpath_literal(label);
                let l = self
                    .client
                    .find(Locator::XPath(&format!(
                        "//label[normalize-space(.)={lit} or starts-with(normalize-space(.), {lit})]"
                    )))
                    .await?;
                l.click().await?;
            }
        }
        if input.is_selected().await? != checked {
            bail!("checkbox {label:?} did not become {checked}");
        }
        Ok(input)
    }

    /// Waits for the displayed button whose accessible name is `name` (its text or its
    /// aria-label, or an input button's value).
    pub async fn button(&self, name: &str) -> Result<Element> {
        let lit = xpath_literal(name);
        let xpath = format!(
            "//button[normalize-space(.)={lit} or @aria-label={lit}] \
             | //input[(@type='submit' or @type='button') and @value={lit}] \
             | //*[@role='button' and (normalize-space(.)={lit} or @aria-label={lit})]"
        );
        self.wait_for(&format!("button {name:?}"), Locator::XPath(&xpath))
            .await
    }

    /// Clicks the button named `name`, waiting for it to be there and enabled.
    pub async fn click_button(&self, name: &str) -> Result<()> {
        let button = self.button(name).await?;
        self.wait_until(&format!("button {name:?} enabled"), || async {
            Ok(button.is_enabled().await?.then_some(()))
        })
        .await?;
        button
            .click()
            .await
            .with_context(|| format!("clicking {name:?}"))
    }

    /// Saves a screenshot to `target/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let dir = crate::target_dir().join("screenshots");
        std::fs::create_dir_all(&dir)?;
        let file: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        let path = dir.join(format!("{file}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// The browser console's messages since the last call (chromedriver hands each out once):
    /// `(level, message)`, e.g. `("SEVERE", "... violates the following Content Security
    /// Policy directive ...")`.
    pub async fn console_log(&self) -> Result<Vec<(String, String)>> {
        let Some(id) = self.session.as_deref() else {
            bail!("no session");
        };
        let addr = self.driver.addr;
        let path = format!("/session/{id}/se/log");
        let answer = tokio::task::spawn_blocking(move || {
            crate::http::request(
                addr,
                "POST",
                &path,
                &[("Content-Type", "application/json")],
                Some(br#"{"type":"browser"}"#),
            )
        })
        .await??;
        if answer.status != 200 {
            bail!("chromedriver's log: {} {}", answer.status, answer.text());
        }
        let v: Value = serde_json::from_slice(&answer.body)?;
        Ok(v["value"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or_default().to_string(),
                            e["message"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Opens `path` with every byte after the document coming at 20 KB/s (the cache off), so
    /// that the page's wasm takes seconds while its static sign-in form is there at once, and
    /// waits for that form (not for the load event, which would wait for the wasm).
    pub async fn open_throttled(&self, path: &str) -> Result<()> {
        self.cdp("Network.enable", json!({})).await?;
        self.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
            .await?;
        self.throttle(20_000).await?;
        self.client
            .execute(
                "setTimeout(() => { location.href = arguments[0]; }, 0); return null;",
                vec![json!(format!("{}{path}", self.base))],
            )
            .await?;
        self.wait_css("#signin-form").await?;
        Ok(())
    }

    /// From now on the browser fetches nothing whose address matches one of `patterns`
    /// (DevTools' `*` wildcards), as when the connection drops for those files; an empty list
    /// lets everything through again.
    pub async fn block(&self, patterns: &[&str]) -> Result<()> {
        self.cdp("Network.enable", json!({})).await?;
        self.cdp("Network.setBlockedURLs", json!({ "urls": patterns }))
            .await?;
        Ok(())
    }

    /// Ends [`Self::open_throttled`]'s slowness: what is held back comes at full speed.
    pub async fn unthrottle(&self) -> Result<()> {
        self.throttle(-1).await
    }

    async fn throttle(&self, bytes_per_second: i64) -> Result<()> {
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({ "offline": false, "latency": 0, "downloadThroughput": bytes_per_second, "uploadThroughput": -1 }),
        )
        .await?;
        Ok(())
    }

    /// Sends a Chrome DevTools Protocol command through chromedriver (`goog/cdp/execute`) and
    /// returns its result: the benchmark disables the cache and reads heap figures with it.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        let Some(id) = self.session.as_deref() else {
            bail!("no session");
        };
        let addr = self.driver.addr;
        let path = format!("/session/{id}/goog/cdp/execute");
        let body = serde_json::to_vec(&json!({ "cmd": cmd, "params": params }))?;
        let answer = tokio::task::spawn_blocking(move || {
            crate::http::request(
                addr,
                "POST",
                &path,
                &[("Content-Type", "application/json")],
                Some(&body),
            )
        })
        .await??;
        if answer.status != 200 {
            bail!(
                "chromedriver's cdp {cmd}: {} {}",
                answer.status,
                answer.text()
            );
        }
        let mut v: Value = serde_json::from_slice(&answer.body)?;
        Ok(v["value"].take())
    }

    /// Ends the session (Chromium quits), then the driver.
    pub async fn close(mut self) -> Result<()> {
        self.session = None;
        self.client.clone().close().await?;
        Ok(())
    }
}

impl Drop for Browser {
    /// A test that failed never reached `close`: end the session by hand so that Chromium
    /// quits, before the driver's process group is killed.
    fn drop(&mut self) {
        if let Some(id) = self.session.take() {
            let _ = delete_session(self.driver.addr, &id);
        }
    }
}

fn delete_session(addr: SocketAddr, id: &str) -> std::io::Result<()> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "DELETE /session/{id} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )?;
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
    Ok(())
}

/// `s` as an XPath 1.0 string literal (which has no escapes: quotes are concatenated).
pub fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

#[cfg(test)]
mod tests {
    use super::xpath_literal;

    #[test]
    fn xpath_literals() {
        assert_eq!(xpath_literal("Save"), "'Save'");
        assert_eq!(xpath_literal("it's"), "\"it's\"");
        assert_eq!(xpath_literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
    }
}
