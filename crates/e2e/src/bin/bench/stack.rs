//! The stack each section measures on: the emulator in-process, nginx from the test template
//! (with Swagger UI and the floor beside the page when asked), Chromium without a cache; and
//! the in-page timings every section uses (a load until a mark, the paths a load fetched).

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use e2e::browser::Browser;
use e2e::nginx::{self, Nginx};
use serde_json::{json, Value};

use crate::beside::{with_location, with_no_coop_locations, FLOOR_PATH, SWAGGER_PATH};
use crate::dist;

/// Captures the wasm instance Trunk's loader announces, to read the wasm memory's size.
const CAPTURE_WASM: &str = "addEventListener('TrunkApplicationStarted', \
     e => { window.__benchWasm = e.detail && e.detail.wasm; });";

/// One section's world: a browser without a cache, pointed at nginx in front of the emulator.
pub(crate) struct Stack {
    pub(crate) browser: Browser,
    pub(crate) nginx: Nginx,
    pub(crate) sim: ontap_sim::Background,
}

impl Stack {
    pub(crate) async fn start(
        config: ontap_sim::Config,
        beside: Option<(&Path, &Path)>,
    ) -> Result<Stack> {
        let edit = |template: &str| match beside {
            Some((swagger, floor)) => {
                let t = with_location(template, SWAGGER_PATH, swagger)?;
                let t = with_location(&t, FLOOR_PATH, floor)?;
                with_no_coop_locations(&t, floor)
            }
            None => Ok(template.to_owned()),
        };
        Stack::start_at(config, &dist(), edit, "http", &[]).await
    }

    /// A stack serving `root` (the page's files and whatever the section puts beside them)
    /// from the test template as `edit` changes it, on `scheme` (`https` for a TLS listener of
    /// `edit`'s), Chromium started with `args` too.
    pub(crate) async fn start_at(
        config: ontap_sim::Config,
        root: &Path,
        edit: impl Fn(&str) -> Result<String>,
        scheme: &str,
        args: &[&str],
    ) -> Result<Stack> {
        let mut config = config;
        config.dist = None;
        config.www_authenticate = Some(true);
        let sim = ontap_sim::start_background(config).context("starting ontap-sim")?;
        let template = edit(&std::fs::read_to_string(nginx::template_path())?)?;
        let nginx =
            Nginx::start_from_template(&template, root, sim.addr).context("starting nginx")?;
        let base = format!("{scheme}://{}", nginx.addr());
        let browser = Browser::start_with_args(&base, args).await?;
        browser
            .client()
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(300)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await?;
        browser.cdp("Network.enable", json!({})).await?;
        browser
            .cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
            .await?;
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": CAPTURE_WASM }),
            )
            .await?;
        Ok(Stack {
            browser,
            nginx,
            sim,
        })
    }

    pub(crate) async fn eval(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.browser.client().execute(script, args).await?)
    }

    pub(crate) async fn eval_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.browser.client().execute_async(script, args).await?)
    }

    /// Loads `path` afresh and waits for the performance mark `mark`; its time since
    /// navigation start, in ms.
    pub(crate) async fn load_until_mark(&self, path: &str, mark: &str) -> Result<f64> {
        self.browser.client().goto("about:blank").await?;
        self.browser.goto(path).await?;
        let v = self
            .eval_async(include_str!("js/wait_for_mark.js"), vec![json!(mark)])
            .await?;
        v.as_f64()
            .with_context(|| format!("{path}: the mark {mark} did not come within 20 s"))
    }

    /// Waits for `mark` in the current document (no navigation): its time, ms from navigation
    /// start.
    pub(crate) async fn wait_mark(&self, mark: &str) -> Result<f64> {
        let v = self
            .eval_async(include_str!("js/wait_for_mark.js"), vec![json!(mark)])
            .await?;
        v.as_f64()
            .with_context(|| format!("the mark {mark} did not come within 20 s"))
    }

    /// The local paths the current document loaded, split at the `totp-admin:wasm-ready`
    /// mark: what was requested before it (the document, its icon and the resources fetched
    /// until the wasm had bound the form: the first load) and what after (the signed-in page,
    /// fetched while the user types). Waits until nothing new has come for half a second.
    pub(crate) async fn paths_around_interactive(&self) -> Result<(Vec<String>, Vec<String>)> {
        let v = self
            .eval_async(include_str!("js/paths_around_interactive.js"), vec![])
            .await?;
        Ok((path_set(&v[0]), path_set(&v[1])))
    }

    /// The local paths the current document loaded (itself and its resources).
    pub(crate) async fn loaded_paths(&self) -> Result<Vec<String>> {
        let v = self
            .eval(include_str!("js/loaded_paths.js"), vec![])
            .await?;
        Ok(path_set(&v))
    }
}

/// A JSON array of paths as a sorted list without repeats.
fn path_set(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        })
        .unwrap_or_default()
}
