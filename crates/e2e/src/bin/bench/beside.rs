//! What nginx serves beside the page for comparison: Swagger UI (issue 9's yardstick), the
//! floor (the page's document with its form as static markup, no wasm), and both documents
//! without the Cross-Origin-Opener-Policy header.

use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use e2e::workspace_root;
use serde_json::Value;

use crate::dist;

/// Where Swagger UI is served beside the page, in the same nginx.
pub(crate) const SWAGGER_PATH: &str = "/swagger/";
/// Where the floor is served: the page's own document and stylesheet, with the sign-in form
/// as static markup put in by one small script instead of the wasm app ([`write_floor`]).
pub(crate) const FLOOR_PATH: &str = "/floor/";
/// The page's `index.html` again, and the floor, served without the
/// `Cross-Origin-Opener-Policy` header (every other header as in production): an analysis of
/// what that header costs a first load here, not a figure of the page, which keeps it.
pub(crate) const NO_COOP_PATH: &str = "/without-coop/";
pub(crate) const FLOOR_NO_COOP_PATH: &str = "/floor-without-coop/";
/// Swagger UI's files from npm (`scripts/bootstrap.sh` installs this version into .tools/).
pub(crate) const SWAGGER_VERSION: &str = "5.35.0";
/// Issue 9's reference for Swagger UI's load on these machines ("about 0.8 s here"). Swagger's
/// time in a run, over this, says how much slower than that reference the shared host was in
/// the run; the budgets are not scaled by it (analysis lines only).
pub(crate) const SWAGGER_REFERENCE_MS: f64 = 800.0;
const SWAGGER_FILES: &[&str] = &[
    "index.html",
    "swagger-ui.css",
    "index.css",
    "swagger-ui-bundle.js",
    "swagger-ui-standalone-preset.js",
    "favicon-32x32.png",
    "favicon-16x16.png",
];
/// Swagger UI's initializer, ours: the spec excerpt, and a mark when an operation is shown.
const SWAGGER_INIT: &str = include_str!("js/swagger-initializer.js");

/// The test template with `locations` (nginx `location` blocks) put before its `location /`,
/// which would otherwise answer their paths with the page.
fn before_root_location(template: &str, locations: &str) -> Result<String> {
    let anchor = "        location / {";
    ensure!(
        template.contains(anchor),
        "deploy/nginx-test.conf.in has no `location / {{` to put the bench's locations before"
    );
    Ok(template.replacen(anchor, &format!("{locations}{anchor}"), 1))
}

/// The test template with `dir` served at `path` (Swagger UI, the floor), with the same
/// headers as the page (Content-Security-Policy included: both work under it).
pub(crate) fn with_location(template: &str, path: &str, dir: &Path) -> Result<String> {
    before_root_location(
        template,
        &format!(
            "        location {path} {{\n            alias {}/;\n        }}\n\n",
            dir.display()
        ),
    )
}

/// [`NO_COOP_PATH`] (the page's index.html) and [`FLOOR_NO_COOP_PATH`] (the floor's), with
/// deploy/security-headers.conf less its `Cross-Origin-Opener-Policy` line (written into
/// `dir`). The files the documents load come from the usual locations, with every header.
pub(crate) fn with_no_coop_locations(template: &str, dir: &Path) -> Result<String> {
    let headers = std::fs::read_to_string(workspace_root().join("deploy/security-headers.conf"))?;
    let without: String = headers
        .lines()
        .filter(|l| !l.contains("Cross-Origin-Opener-Policy"))
        .map(|l| format!("{l}\n"))
        .collect();
    ensure!(
        without.len() < headers.len(),
        "deploy/security-headers.conf sends no Cross-Origin-Opener-Policy"
    );
    let file = dir.join("headers-without-coop.conf");
    std::fs::write(&file, without)?;
    let location = |path: &str, serve: String| {
        format!(
            "        location = {path} {{\n            include {};\n            {serve}\n        }}\n\n",
            file.display()
        )
    };
    let page = location(NO_COOP_PATH, "try_files /index.html =404;".into());
    let floor = location(
        FLOOR_NO_COOP_PATH,
        format!(
            "root {};\n            try_files /index.html =404;",
            dir.display()
        ),
    );
    before_root_location(template, &format!("{page}{floor}"))
}

/// The floor: what any page pays here before its own code runs. The page's `index.html` with
/// its script and wasm preload replaced by one small module script that puts `body` (the
/// sign-in screen as the page rendered it) in place as static markup, stops the form from
/// submitting, and sets the same mark. Same document, same stylesheet (the page's own file),
/// same nginx and browser: the difference to the page's time is what the wasm app costs.
pub(crate) fn write_floor(dir: &Path, body: &str) -> Result<()> {
    let page = std::fs::read_to_string(dist().join("index.html"))?;
    // Tags out: the page's script and its preloads; the first script's place gets the floor's.
    let mut index = String::new();
    let mut rest = page.as_str();
    let mut placed = false;
    while let Some(at) = rest.find('<') {
        index.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find('>').context("index.html: a tag does not end")? + 1;
        let tag = &rest[..end];
        if tag.starts_with("<script") {
            let close = rest
                .find("</script>")
                .context("index.html: <script> not closed")?;
            if !placed {
                index.push_str(r#"<script type="module" src="/floor/floor.js"></script>"#);
                placed = true;
            }
            rest = &rest[close + "</script>".len()..];
        } else if tag.starts_with("<link") && (tag.contains("preload")) {
            rest = &rest[end..];
        } else {
            index.push_str(tag);
            rest = &rest[end..];
        }
    }
    index.push_str(rest);
    ensure!(placed, "the page's index.html has no <script>");
    std::fs::write(dir.join("index.html"), index.as_bytes())?;
    let js = format!(
        "document.body.innerHTML = {};\n\
         for (const f of document.forms) f.addEventListener('submit', e => e.preventDefault());\n\
         performance.mark('totp-admin:interactive');\n",
        serde_json::to_string(body)?
    );
    std::fs::write(dir.join("floor.js"), js)?;
    Ok(())
}

/// Swagger UI's files in a temp folder, pre-compressed as `make dist` does for ours.
pub(crate) fn swagger_dir() -> Result<tempfile::TempDir> {
    let src = workspace_root().join(".tools/node_modules/swagger-ui-dist");
    let pkg = std::fs::read_to_string(src.join("package.json")).with_context(|| {
        format!(
            "Swagger UI is not installed in {} (scripts/bootstrap.sh installs it)",
            src.display()
        )
    })?;
    let version: Value = serde_json::from_str(&pkg)?;
    ensure!(
        version["version"] == SWAGGER_VERSION,
        "swagger-ui-dist {} found, {SWAGGER_VERSION} expected (run scripts/bootstrap.sh)",
        version["version"]
    );
    let dir = tempfile::Builder::new()
        .prefix("bench-swagger-")
        .tempdir()?;
    for f in SWAGGER_FILES {
        std::fs::copy(src.join(f), dir.path().join(f)).with_context(|| format!("copying {f}"))?;
    }
    std::fs::write(dir.path().join("swagger-initializer.js"), SWAGGER_INIT)?;
    let spec = workspace_root().join("../shared/ontap/totp-openapi-excerpt.yml");
    std::fs::copy(&spec, dir.path().join("totp-openapi-excerpt.yml"))
        .with_context(|| format!("copying {}", spec.display()))?;
    for entry in std::fs::read_dir(dir.path())? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "png") {
            continue;
        }
        compress(&p)?;
    }
    // nginx's workers (as root: `user root`) must read it; tempdirs are 0700.
    Ok(dir)
}

fn compress(p: &Path) -> Result<()> {
    let run = |prog: &str, args: &[&str], out: PathBuf| -> Result<()> {
        let o = std::process::Command::new(prog)
            .args(args)
            .arg(p)
            .output()
            .with_context(|| format!("running {prog}"))?;
        ensure!(o.status.success(), "{prog} failed on {}", p.display());
        std::fs::write(out, o.stdout)?;
        Ok(())
    };
    run(
        "brotli",
        &["-q", "11", "-c"],
        PathBuf::from(format!("{}.br", p.display())),
    )?;
    run(
        "gzip",
        &["-9", "-n", "-c"],
        PathBuf::from(format!("{}.gz", p.display())),
    )
}
