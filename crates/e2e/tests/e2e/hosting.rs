//! Hosting: the page behind nginx as deployed (`deploy/nginx-test.conf.in`, the loopback twin
//! of `deploy/nginx.conf`). What nginx answers (security headers on every answer, types,
//! pre-compressed files, caching, the index.html fallback), that the cluster's
//! `WWW-Authenticate` never reaches the client, that the page runs under the
//! Content-Security-Policy without a single violation, and that account names needing
//! percent-encoding reach the cluster byte for byte. Needs the built page (`make dist`).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e::demo::ADMIN_SVM_UUID;
use e2e::http::{basic_auth, request, Response};
use e2e::production;
use e2e::{Harness, Locator, PASSWORD, TOTPS};
use ontap_model::totp::encode_segment;
use serde_json::{json, Value};

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                   img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'none'; object-src 'none'";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn get(h: &Harness, target: &str, headers: &[(&str, &str)]) -> Result<Response> {
    request(h.nginx().addr(), "GET", target, headers, None)
}

/// The headers every answer carries, whatever it is.
fn assert_security_headers(r: &Response, what: &str) {
    assert_eq!(
        r.headers_named("content-security-policy"),
        vec![CSP],
        "{what}: {r:?}"
    );
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{what}");
    // Plain http on loopback: HSTS belongs to the TLS site only.
    assert_eq!(r.header("strict-transport-security"), None, "{what}");
    assert_eq!(r.header("www-authenticate"), None, "{what}");
}

/// The built page's files, by the end of their name (`_bg.wasm`, `.js`...).
fn dist_file(suffix: &str, prefix: &str) -> Result<String> {
    let mut names: Vec<String> = std::fs::read_dir(e2e::dist_dir())?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(suffix) && n.starts_with(prefix))
        .collect();
    names.sort();
    names
        .pop()
        .with_context(|| format!("no {prefix}*{suffix} in dist/ (make dist)"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_files_carry_headers_types_compression_and_caching() -> Result<()> {
    let h = Harness::start().await?;
    let dist = e2e::dist_dir();
    let index = std::fs::read(dist.join("index.html"))?;

    // index.html, at / and at a deep link of the page's routes: the file itself, never cached
    // without revalidation.
    for target in [
        "/",
        "/index.html",
        "/profiles/e6d3b0a8-5c2f-11ee-8f4a-005056bb1a01/mchen",
        "/changes?x=1",
    ] {
        let r = get(&h, target, &[])?;
        assert_eq!(r.status, 200, "{target}");
        assert_security_headers(&r, target);
        assert_eq!(
            r.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{target}"
        );
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{target}");
        assert_eq!(r.body, index, "{target} is index.html");
    }

    // No inline script left for the CSP to block: every <script> has a src.
    let html = String::from_utf8_lossy(&index).into_owned();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    ensure!(!scripts.is_empty(), "index.html loads a script: {html}");
    for s in &scripts {
        let tag = s.split('>').next().unwrap_or_default();
        ensure!(
            tag.contains("src="),
            "an inline script in index.html: <script{s}"
        );
    }
    ensure!(!html.contains(" style="), "a style attribute in index.html");

    // The wasm: its type, forever cacheable under its hashed name, and pre-compressed.
    let wasm = dist_file("_bg.wasm", "")?;
    let target = format!("/{wasm}");
    let raw = get(&h, &target, &[])?;
    assert_eq!(raw.status, 200);
    assert_security_headers(&raw, &target);
    assert_eq!(raw.header("content-type"), Some("application/wasm"));
    assert_eq!(raw.header("cache-control"), Some(IMMUTABLE));
    assert_eq!(raw.header("content-encoding"), None);
    assert_eq!(raw.header("vary"), Some("Accept-Encoding"));
    assert_eq!(raw.body, std::fs::read(dist.join(&wasm))?);

    let br = get(&h, &target, &[("Accept-Encoding", "gzip, deflate, br")])?;
    assert_eq!(
        br.header("content-encoding"),
        Some("br"),
        "{:?}",
        br.headers
    );
    assert_eq!(br.header("content-type"), Some("application/wasm"));
    assert_eq!(br.header("cache-control"), Some(IMMUTABLE));
    assert_eq!(br.body, std::fs::read(dist.join(format!("{wasm}.br")))?);
    ensure!(
        br.body.len() * 2 < raw.body.len(),
        "brotli halves the wasm at least: {} of {}",
        br.body.len(),
        raw.body.len()
    );

    let gz = get(&h, &target, &[("Accept-Encoding", "gzip")])?;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.body, std::fs::read(dist.join(format!("{wasm}.gz")))?);

    // index.html is pre-compressed too, and still revalidated.
    let ibr = get(&h, "/", &[("Accept-Encoding", "br")])?;
    assert_eq!(ibr.header("content-encoding"), Some("br"));
    assert_eq!(ibr.header("cache-control"), Some("no-cache"));

    // The other files: their types, hashed names cached for good.
    for (suffix, prefix, ty) in [
        (".js", "totp-admin-", "text/javascript; charset=utf-8"),
        // The signed-in page's module (scripts/dist-finish.py splits the page in two).
        (".wasm", "split_shell-", "application/wasm"),
        // The stylesheets joined by scripts/dist-finish.py.
        (".css", "style-", "text/css; charset=utf-8"),
        (".svg", "favicon-", "image/svg+xml; charset=utf-8"),
        // A fleet's reads worker (src/api/reads.rs), named by dist-finish.py.
        (".js", "reads-worker-", "text/javascript; charset=utf-8"),
    ] {
        let name = dist_file(suffix, prefix)?;
        let r = get(&h, &format!("/{name}"), &[("Accept-Encoding", "br")])?;
        assert_eq!(r.status, 200, "{name}");
        assert_security_headers(&r, &name);
        assert_eq!(r.header("content-type"), Some(ty), "{name}");
        assert_eq!(r.header("cache-control"), Some(IMMUTABLE), "{name}");
        assert_eq!(r.header("content-encoding"), Some("br"), "{name}");
    }

    // A hashed name that does not exist is the page (a route), not cached for good.
    let missing = get(&h, "/totp-admin-0123456789abcdef.js", &[])?;
    assert_eq!(missing.header("cache-control"), Some("no-cache"));
    assert_eq!(missing.body, index);

    // /api answers carry the security headers too, and the cluster's own caching.
    let api = get(
        &h,
        "/api/cluster",
        &[("Authorization", &basic_auth("admin", PASSWORD))],
    )?;
    assert_eq!(api.status, 200, "{}", api.text());
    assert_security_headers(&api, "/api/cluster");
    assert_eq!(
        api.header("server"),
        Some("nginx"),
        "nginx hides the cluster's Server"
    );
    let cluster: Value = serde_json::from_slice(&api.body)?;
    assert_eq!(cluster["name"], e2e::demo::CLUSTER_NAME);
    h.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_www_authenticate_reaches_the_client_though_the_cluster_sends_it() -> Result<()> {
    let h = Harness::start().await?;
    let bare = get(&h, "/api/cluster", &[])?;
    let wrong = get(
        &h,
        "/api/security/login/totps",
        &[("Authorization", &basic_auth("admin", "wrong"))],
    )?;
    for (r, what) in [(&bare, "no credentials"), (&wrong, "a wrong password")] {
        assert_eq!(r.status, 401, "{what}: {}", r.text());
        assert_security_headers(r, what);
        let body: Value = serde_json::from_slice(&r.body)?;
        assert_eq!(body["error"]["code"], "6", "{what}: the cluster's own body");
    }
    let log = h.requests();
    assert_eq!(log.len(), 2, "{log:#?}");
    assert!(
        log.iter()
            .all(|r| r.status == 401 && r.sent_www_authenticate),
        "the emulator sent WWW-Authenticate, as a cluster does: {log:#?}"
    );
    h.close().await
}

/// The CSP violations the page reported since the listener was installed, and the console's
/// messages about the policy.
async fn violations(h: &Harness) -> Result<(Value, Vec<String>)> {
    let events = h
        .client()
        .execute("return window.__cspViolations || null;", vec![])
        .await?;
    let console: Vec<String> = h
        .console_log()
        .await?
        .into_iter()
        .map(|(level, msg)| format!("{level} {msg}"))
        .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .collect();
    Ok((events, console))
}

async fn listen_for_violations(h: &Harness) -> Result<()> {
    h.client()
        .execute(
            "window.__cspViolations = window.__cspViolations || [];
             document.addEventListener('securitypolicyviolation', e =>
               window.__cspViolations.push({directive: e.violatedDirective,
                 blocked: e.blockedURI, sample: e.sample, source: e.sourceFile + ':' + e.lineNumber}));",
            vec![],
        )
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_works_under_the_content_security_policy() -> Result<()> {
    let h = Harness::start().await?;
    // A deep link first: the page loads (external loader, wasm compiled under
    // 'wasm-unsafe-eval', styles from files) and asks for a sign-in.
    h.goto(&format!("/profiles/{ADMIN_SVM_UUID}/mchen")).await?;
    h.input_by_label("User name").await?;
    listen_for_violations(&h).await?;
    h.goto("/").await?;
    h.input_by_label("User name").await?;
    listen_for_violations(&h).await?;
    h.sign_in("admin").await?;
    // The table (windowed rows sized through the CSSOM), then a profile, edited and saved.
    let link = h
        .wait_for(
            "the link to mchen",
            Locator::XPath("//table//a[normalize-space(.)='mchen']"),
        )
        .await?;
    link.click().await?;
    h.wait_text("h1", "mchen").await?;
    let comment = "Saved under the CSP";
    h.fill("Comment", comment).await?;
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    assert_eq!(
        h.sim()
            .totp(ADMIN_SVM_UUID, "mchen")
            .and_then(|t| t.comment)
            .as_deref(),
        Some(comment)
    );
    h.screenshot("hosting-under-csp").await?;
    let (events, console) = violations(&h).await?;
    assert_eq!(events, json!([]), "CSP violations: {events:#}");
    assert!(
        console.is_empty(),
        "CSP messages in the console: {console:#?}"
    );

    // The control: the policy is in force and both watchers see a violation.
    h.client()
        .execute(
            "const s = document.createElement('script');
             s.textContent = 'window.__inlineRan = true;';
             document.body.appendChild(s);",
            vec![],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ran = h
        .client()
        .execute("return window.__inlineRan === true;", vec![])
        .await?;
    assert_eq!(
        ran,
        json!(false),
        "an inline script ran: the CSP is not in force"
    );
    let (events, console) = violations(&h).await?;
    assert_eq!(
        events.as_array().map(Vec::len),
        Some(1),
        "the listener saw the blocked inline script: {events:#}"
    );
    assert!(
        console.iter().any(|m| m.contains("script-src")),
        "the console reported it: {console:#?}"
    );
    h.close().await
}

/// Account names with every character that needs percent-encoding in a path.
const NAMES: &[&str] = &[
    "two words",
    "ops#1",
    "what?now",
    "100%sure",
    "a+b",
    "user@corp",
    "dept/ops",
    "CORP\\jdoe",
    "jürgen.müller",
];
/// One name with all of them, opened in the page.
const ALL_IN_ONE: &str = "ops #1/a?b%c+d@e";

fn put_profile(h: &Harness, name: &str, comment: &str) -> Result<()> {
    let mut t = h
        .sim()
        .totp(ADMIN_SVM_UUID, "mchen")
        .context("mchen in the demo")?;
    t.account = Some(ontap_model::totp::AccountRef {
        name: Some(name.to_string()),
        ..Default::default()
    });
    t.comment = Some(comment.to_string());
    t.links = None;
    ensure!(h.sim().put_totp(t), "put_totp({name:?})");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn percent_encoded_account_names_reach_the_cluster_byte_for_byte() -> Result<()> {
    let h = Harness::start().await?;
    let auth = basic_auth("admin", PASSWORD);
    let addr = h.nginx().addr();
    for name in NAMES.iter().copied().chain([ALL_IN_ONE]) {
        put_profile(&h, name, "before")?;
        let enc = encode_segment(name);
        // Also with lower-case hex digits: nginx must not re-encode them either.
        let lower = enc
            .split('%')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 || part.len() < 2 {
                    part.to_string()
                } else {
                    format!("{}{}", part[..2].to_ascii_lowercase(), &part[2..])
                }
            })
            .collect::<Vec<_>>()
            .join("%");
        for enc in [enc.clone(), lower] {
            h.sim().clear_requests();
            let path = format!("{TOTPS}/{ADMIN_SVM_UUID}/{enc}");
            let target = format!("{path}?fields=account,comment");
            let r = request(addr, "GET", &target, &[("Authorization", &auth)], None)?;
            assert_eq!(r.status, 200, "GET {target}: {}", r.text());
            let got: Value = serde_json::from_slice(&r.body)?;
            assert_eq!(got["account"]["name"], name, "GET {target}");

            let comment = format!("via nginx: {name}");
            let body = json!({ "comment": comment }).to_string();
            let r = request(
                addr,
                "PATCH",
                &path,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                Some(body.as_bytes()),
            )?;
            assert_eq!(r.status, 200, "PATCH {path}: {}", r.text());
            let stored = h.sim().totp(ADMIN_SVM_UUID, name).context("gone")?;
            assert_eq!(
                stored.comment.as_deref(),
                Some(comment.as_str()),
                "{name:?}"
            );

            let log: Vec<(String, String)> = h
                .requests()
                .into_iter()
                .map(|r| (r.method, r.path))
                .collect();
            assert_eq!(
                log,
                vec![
                    ("GET".to_string(), target.clone()),
                    ("PATCH".to_string(), path)
                ],
                "the emulator received the exact bytes sent to nginx"
            );
        }
    }

    // The page opens one from the table, and saves it, through nginx.
    h.sim().clear_requests();
    h.goto("/").await?;
    h.sign_in("admin").await?;
    let lit = e2e::browser::xpath_literal(ALL_IN_ONE);
    let link = h
        .wait_for(
            "the link to the all-in-one name",
            Locator::XPath(&format!("//table//a[normalize-space(.)={lit}]")),
        )
        .await?;
    link.click().await?;
    h.wait_text("h1", ALL_IN_ONE).await?;
    let comment = "saved by the page through nginx";
    h.fill("Comment", comment).await?;
    h.click_button("Save").await?;
    h.wait_text("[role=status]", "Saved").await?;
    let stored = h.sim().totp(ADMIN_SVM_UUID, ALL_IN_ONE).context("gone")?;
    assert_eq!(stored.comment.as_deref(), Some(comment));
    let profile_path = format!("{TOTPS}/{ADMIN_SVM_UUID}/{}", encode_segment(ALL_IN_ONE));
    let patches: Vec<_> = h
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1, "{patches:#?}");
    assert_eq!(patches[0].path, profile_path);
    assert_eq!(patches[0].status, 200);
    h.screenshot("hosting-encoded-name").await?;
    h.close().await
}

/// `deploy/nginx.conf`, the production example, is a valid configuration for this nginx
/// (`nginx -t`, no warning), alone and with the SVM example of docs/deployment.md, with its
/// site-specific paths pointed at test certificates and the cluster's name at loopback (nginx
/// resolves upstream names when it reads the file). `production::render` fails when a part
/// it replaces is no longer in the file. The `production` tests serve the same file.
#[test]
fn the_production_example_passes_nginx_t() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let certs = production::Certs::make()?;
    let conf = production::production_conf()?;
    let loopback = |port| std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let with_svm =
        production::with_svm_example(&conf, &production::deployment_doc()?, loopback(9), &certs)?;
    for (what, text) in [
        ("deploy/nginx.conf", &conf),
        ("with the SVM example", &with_svm),
    ] {
        let test_conf = production::render(
            text,
            &production::Site {
                prefix: dir.path(),
                http: loopback(8080),
                https: loopback(8443),
                certs: &certs,
                dist: &e2e::dist_dir(),
                upstream: loopback(9),
            },
        )?;
        let file = dir.path().join("nginx.conf");
        std::fs::write(&file, &test_conf)?;
        let program = e2e::nginx::program()?;
        let out = std::process::Command::new(&program)
            .arg("-t")
            .arg("-c")
            .arg(&file)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .output()
            .with_context(|| format!("running {}", program.display()))?;
        let log = String::from_utf8_lossy(&out.stderr);
        ensure!(out.status.success(), "nginx -t of {what}: {log}");
        ensure!(!log.contains("[warn]"), "nginx -t of {what} warns: {log}");
    }
    // The settings the brief of this site names are there.
    for needle in [
        "proxy_pass https://ontap_cluster;",
        "proxy_ssl_trusted_certificate",
        "proxy_ssl_name",
        "brotli_static on;",
        "gzip_static on;",
        "try_files $uri /index.html;",
        "include /etc/nginx/totp-admin/security-headers.conf;",
    ] {
        ensure!(conf.contains(needle), "deploy/nginx.conf lacks {needle:?}");
    }
    Ok(())
}
