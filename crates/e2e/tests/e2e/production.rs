//! The production example served as it is: `deploy/nginx.conf` (and the SVM example of
//! docs/deployment.md added to it) with only certificate paths, ports, pid/log/temp paths, the
//! page folder and the cluster's address replaced (`e2e::production::render`), over TLS, in
//! front of the emulator behind a second nginx that plays the cluster's TLS (a good, an
//! untrusted and a wrongly named certificate). No browser: a raw client (`openssl s_client`)
//! sends the exact bytes. What they prove: HSTS and the security headers on https, the port-80
//! redirect to the configured name, the allow-list of API paths (encodings included), the
//! rate limit and its JSON 429, the JSON 502 for a cluster certificate that does not verify,
//! and proxy buffers that hold the largest listing page the page asks for.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use e2e::demo::ADMIN_SVM_UUID;
use e2e::http::{basic_auth, request, request_tls, Response, TlsConn};
use e2e::production::{self, Certs, GOOD, UNTRUSTED, WRONG_NAME};
use e2e::{Nginx, PASSWORD, TOTPS};
use serde_json::Value;

/// The rate limit of deploy/nginx.conf's API locations (`limit_req_zone ... rate=`,
/// `limit_req ... burst= delay=`): the figures this test holds the file to.
const RATE_PER_S: u32 = 20;
const BURST: u32 = 24;
const DELAY: u32 = 12;

/// The emulator behind the cluster's TLS, and the production site in front.
struct Stack {
    sim: ontap_sim::Background,
    certs: Certs,
    /// Kept for its lifetime: the cluster's TLS in front of the emulator.
    _cluster: Nginx,
    site: Nginx,
}

impl Stack {
    /// `conf` (a text of deploy/nginx.conf) in front of the cluster's TLS port `which`
    /// ([`GOOD`], [`UNTRUSTED`], [`WRONG_NAME`]); `svm`: with the SVM example of
    /// docs/deployment.md, its LIF the same port.
    fn start(
        which: usize,
        svm: bool,
        configure: impl FnOnce(&mut ontap_sim::Config),
    ) -> Result<Stack> {
        Stack::start_conf(&production::production_conf()?, which, svm, configure)
    }

    fn start_conf(
        conf: &str,
        which: usize,
        svm: bool,
        configure: impl FnOnce(&mut ontap_sim::Config),
    ) -> Result<Stack> {
        let dist = e2e::dist_dir();
        e2e::check_dist(&dist)?;
        let mut config = ontap_sim::Config {
            // As a cluster answers: the site must strip it.
            www_authenticate: Some(true),
            ..ontap_sim::Config::ephemeral()
        };
        configure(&mut config);
        let sim = ontap_sim::start_background(config).context("starting ontap-sim")?;
        let certs = Certs::make()?;
        let cluster = production::start_cluster_tls(&certs, sim.addr)?;
        let upstream = cluster.addrs()[which];
        let conf = if svm {
            production::with_svm_example(conf, &production::deployment_doc()?, upstream, &certs)?
        } else {
            conf.to_string()
        };
        let site = production::start_site(&conf, &certs, &dist, upstream)?;
        let log = site.error_log();
        ensure!(
            !log.contains("[warn]") && !log.contains("[emerg]"),
            "nginx warned when starting the production configuration: {log}"
        );
        Ok(Stack {
            sim,
            certs,
            _cluster: cluster,
            site,
        })
    }

    fn https(&self) -> SocketAddr {
        self.site.addrs()[0]
    }

    fn http(&self) -> SocketAddr {
        self.site.addrs()[1]
    }

    /// One request to the site over TLS, as the admin.
    fn get(&self, target: &str) -> Result<Response> {
        let auth = basic_auth("admin", PASSWORD);
        request_tls(
            self.https(),
            &self.certs.client(),
            "GET",
            target,
            &[("Authorization", &auth)],
            None,
        )
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.sim
            .state
            .requests()
            .into_iter()
            .map(|r| (r.method, r.path))
            .collect()
    }
}

/// The headers of every answer of the TLS site, HSTS included.
fn assert_tls_headers(r: &Response, what: &str) {
    assert_eq!(
        r.header("strict-transport-security"),
        Some("max-age=63072000; includeSubDomains"),
        "{what}: {r:?}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        r.header("cross-origin-opener-policy"),
        Some("same-origin"),
        "{what}"
    );
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        r.headers_named("content-security-policy").len(),
        1,
        "{what}"
    );
    assert_eq!(r.header("www-authenticate"), None, "{what}");
}

/// nginx's own ONTAP-shaped error: `status`, JSON, `{"error": {"message", "code"}}`.
fn assert_nginx_error(r: &Response, status: u16, what: &str) -> Result<()> {
    ensure!(r.status == status, "{what}: {} {}", r.status, r.text());
    ensure!(
        r.header("content-type") == Some("application/json"),
        "{what}: content-type {:?}: {}",
        r.header("content-type"),
        r.text()
    );
    let body: Value = serde_json::from_slice(&r.body)
        .with_context(|| format!("{what}: not JSON: {}", r.text()))?;
    ensure!(
        body["error"]["code"] == format!("nginx-{status}")
            && body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
        "{what}: {body}"
    );
    assert_tls_headers(r, what);
    Ok(())
}

#[test]
fn https_carries_hsts_and_the_port_80_redirect_names_the_site() -> Result<()> {
    let s = Stack::start(GOOD, false, |_| {})?;
    let index = std::fs::read(e2e::dist_dir().join("index.html"))?;
    for target in ["/", "/profiles/x/y"] {
        let r = s.get(target)?;
        assert_eq!(r.status, 200, "{target}");
        assert_eq!(r.body, index, "{target} is index.html");
        assert_tls_headers(&r, target);
    }
    let api = s.get("/api/cluster")?;
    assert_eq!(api.status, 200, "{}", api.text());
    assert_tls_headers(&api, "/api/cluster");
    let cluster: Value = serde_json::from_slice(&api.body)?;
    assert_eq!(cluster["name"], e2e::demo::CLUSTER_NAME);
    // The cluster's 401 comes without its WWW-Authenticate.
    let bare = request_tls(
        s.https(),
        &s.certs.client(),
        "GET",
        "/api/cluster",
        &[],
        None,
    )?;
    assert_eq!(bare.status, 401, "{}", bare.text());
    assert_tls_headers(&bare, "a 401");

    // Port 80 sends every path to https at the configured name, never at the Host the
    // client sent (here 127.0.0.1:PORT).
    let target = "/profiles/e6d3b0a8/CORP%5Cjdoe?x=%2F";
    let r = request(s.http(), "GET", target, &[], None)?;
    assert_eq!(r.status, 301, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some(format!("https://{}{target}", production::SITE_NAME).as_str()),
        "the redirect of port 80"
    );
    Ok(())
}

/// Paths the page uses, with what the emulator answers.
fn page_paths() -> Vec<(&'static str, String, u16)> {
    let a = ADMIN_SVM_UUID;
    vec![
        ("GET", "/api/cluster?fields=name,version".into(), 200),
        (
            "GET",
            "/api/svm/svms?fields=name,uuid&max_records=2".into(),
            200,
        ),
        (
            "GET",
            "/api/security/accounts?name=admin&fields=name,owner,role,scope".into(),
            200,
        ),
        (
            "GET",
            format!("/api/security/accounts/{a}/CORP%5Cjdoe"),
            200,
        ),
        (
            "GET",
            format!("{TOTPS}?fields=owner.name,scope,enabled&max_records=200"),
            200,
        ),
        ("GET", format!("{TOTPS}/{a}/mchen?fields=comment"), 200),
        // An account name with %2F (a slash) is a name, not a path: it passes (the emulator
        // has no such profile).
        ("GET", format!("{TOTPS}/{a}/dept%2Fops"), 404),
        (
            "GET",
            "/api/security/audit/messages?fields=timestamp,input&max_records=500".into(),
            200,
        ),
        // The other second factors, read by the accounts view and the fleet's overview.
        (
            "GET",
            "/api/security/authentication/duo/profiles?fields=owner,is_enabled,status".into(),
            200,
        ),
        (
            "GET",
            "/api/security/authentication/duo/groups?fields=owner,name,excluded_users".into(),
            200,
        ),
        (
            "GET",
            "/api/security/webauthn/credentials?fields=owner,username".into(),
            200,
        ),
    ]
}

/// Paths the page never uses, some dressed up to look like one of its paths.
const REFUSED: &[(&str, &str)] = &[
    ("GET", "/api/private/cli"),
    ("POST", "/api/private/cli/security/login/unlock"),
    ("GET", "/api/private/cli/security/login/totp?vserver=vs_eng"),
    ("GET", "/api/storage/volumes"),
    ("GET", "/api/cluster/nodes"),
    ("GET", "/api/svm/svms/1b0f6a2e-5c30-11ee-8f4a-005056bb1a02"),
    ("DELETE", "/api/security/login/totpsx/a/b"),
    ("GET", "/api/security"),
    ("GET", "/api/security/authentication/duo"),
    ("DELETE", "/api/security/webauthn/credentials/a/b/c/d"),
    ("GET", "/api/"),
    ("GET", "/api/security/accounts/../../private/cli"),
    ("GET", "/api/security/accounts/%2e%2e/%2E%2E/private/cli"),
    ("GET", "/api//private/cli"),
    ("GET", "/api/security/accounts;/../../private/cli"),
    // nginx's own normalisation makes these page paths; the cluster would see the raw bytes.
    ("GET", "/api/private/cli/..%2F..%2Fsecurity%2Faccounts"),
    ("GET", "/api/private/cli/%2e%2e/%2e%2e/security/login/totps"),
    ("GET", "/api/security/accounts/..;/..;/private/cli"),
    (
        "GET",
        "/api/security/accounts/x%2F..%2F..%2F..%2Fprivate%2Fcli",
    ),
    (
        "GET",
        "/api/security/accounts/x/..%5C..%5C..%5Cprivate%5Ccli",
    ),
    ("PATCH", "/api/security/login/totps/./../../private/cli"),
];

#[test]
fn only_the_api_paths_of_the_page_reach_the_cluster() -> Result<()> {
    let s = Stack::start(GOOD, false, |_| {})?;
    let auth = basic_auth("admin", PASSWORD);
    let tls = s.certs.client();
    for (method, target, status) in page_paths() {
        s.sim.state.clear_requests();
        let r = request_tls(
            s.https(),
            &tls,
            method,
            &target,
            &[("Authorization", &auth)],
            None,
        )?;
        assert_eq!(r.status, status, "{method} {target}: {}", r.text());
        assert_eq!(
            s.requests(),
            vec![(method.to_string(), target.clone())],
            "the emulator received {target} byte for byte"
        );
    }
    // A write passes too.
    let path = format!("{TOTPS}/{ADMIN_SVM_UUID}/mchen");
    let body = br#"{"comment":"through the production site"}"#;
    let r = request_tls(
        s.https(),
        &tls,
        "PATCH",
        &path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some(body),
    )?;
    assert_eq!(r.status, 200, "PATCH {path}: {}", r.text());

    s.sim.state.clear_requests();
    let mut failures = Vec::new();
    for (method, target) in REFUSED {
        let r = request_tls(
            s.https(),
            &tls,
            method,
            target,
            &[("Authorization", &auth)],
            (*method != "GET" && *method != "DELETE").then_some(b"{}".as_slice()),
        )?;
        if let Err(e) = assert_nginx_error(&r, 404, &format!("{method} {target}")) {
            failures.push(format!("{e:#}"));
        }
    }
    let reached = s.requests();
    ensure!(
        failures.is_empty() && reached.is_empty(),
        "refused paths answered otherwise:\n{}\nand reached the cluster: {reached:#?}",
        failures.join("\n")
    );
    Ok(())
}

/// A whole-number constant `name` of the page's source `file` (MAX_IN_FLIGHT, PAGE_SIZE),
/// read from the source so that these tests grow with the page.
fn page_const(file: &str, name: &str) -> Result<u32> {
    let text = std::fs::read_to_string(e2e::workspace_root().join(file))?;
    let line = text
        .lines()
        .find(|l| l.contains(&format!("const {name}:")))
        .with_context(|| format!("{name} not in {file}"))?;
    let value = line
        .rsplit_once('=')
        .map(|(_, v)| v.trim().trim_end_matches(';').replace('_', ""))
        .with_context(|| format!("{line:?}"))?;
    value.parse().with_context(|| format!("{line:?}"))
}

#[test]
fn the_rate_limit_slows_a_bulk_run_and_refuses_a_flood_with_a_json_429() -> Result<()> {
    let s = Stack::start(GOOD, true, |_| {})?;
    let tls = s.certs.client();
    let auth = basic_auth("admin", PASSWORD);
    let in_flight = page_const("src/store/batch/schedule.rs", "MAX_IN_FLIGHT")? as usize;

    // A bulk run at the page's in-flight limit: each of its connections re-reads an item and
    // PATCHes it, then goes on with the next, while one more connection reads a listing.
    const ITEMS_EACH: usize = 5;
    let profile = format!("{TOTPS}/{ADMIN_SVM_UUID}/mchen");
    let site = s.https();
    let start = Instant::now();
    let results: Vec<Result<Vec<u16>>> = std::thread::scope(|scope| {
        let mut runs: Vec<_> = (0..in_flight)
            .map(|w| {
                let (tls, auth, profile) = (&tls, &auth, &profile);
                scope.spawn(move || -> Result<Vec<u16>> {
                    let mut c = TlsConn::open(site, tls)?;
                    let mut got = Vec::new();
                    for i in 0..ITEMS_EACH {
                        let read = c.request(
                            "GET",
                            &format!("{profile}?fields=comment"),
                            &[("Authorization", auth)],
                            None,
                            false,
                        )?;
                        let body = format!(r#"{{"comment":"bulk {w}.{i}"}}"#);
                        let write = c.request(
                            "PATCH",
                            profile,
                            &[
                                ("Authorization", auth),
                                ("Content-Type", "application/json"),
                            ],
                            Some(body.as_bytes()),
                            false,
                        )?;
                        got.extend([read.status, write.status]);
                    }
                    Ok(got)
                })
            })
            .collect();
        let (tls, auth) = (&tls, &auth);
        runs.push(scope.spawn(move || -> Result<Vec<u16>> {
            let mut c = TlsConn::open(site, tls)?;
            (0..4)
                .map(|_| {
                    let r = c.request(
                        "GET",
                        &format!("{TOTPS}?fields=comment&max_records=200"),
                        &[("Authorization", auth)],
                        None,
                        false,
                    )?;
                    Ok(r.status)
                })
                .collect()
        }));
        runs.into_iter()
            .map(|r| {
                r.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("panicked")))
            })
            .collect()
    });
    let took = start.elapsed();
    let statuses: Vec<u16> = results.into_iter().collect::<Result<Vec<_>>>()?.concat();
    let sent = statuses.len();
    ensure!(
        statuses.iter().all(|&st| st == 200),
        "a bulk run at {in_flight} in flight was refused: {statuses:?}"
    );
    // Held to the rate: the requests over the burst's first DELAY waited their turn.
    let floor = Duration::from_secs_f64((sent as u32 - DELAY - 1) as f64 / RATE_PER_S as f64);
    ensure!(
        took >= floor.mul_f64(0.8),
        "{sent} requests in {took:?}: not held to {RATE_PER_S} a second (at least {floor:?})"
    );
    eprintln!("bulk run: {sent} requests at {in_flight}+1 in flight, all 200, in {took:?}");

    // The bucket empties, then a flood: every request at once, on connections opened first.
    std::thread::sleep(Duration::from_secs_f64(
        (BURST + 2) as f64 / RATE_PER_S as f64,
    ));
    s.sim.state.clear_requests();
    let flood = (BURST + 16) as usize;
    let targets: Vec<&str> = (0..flood)
        .map(|i| {
            if i % 2 == 0 {
                "/api/cluster"
            } else {
                "/svm/vs_eng/api/cluster"
            }
        })
        .collect();
    let mut conns = targets
        .iter()
        .map(|_| TlsConn::spawn(s.https(), &tls))
        .collect::<Result<Vec<_>>>()?;
    for c in &mut conns {
        c.wait_established()?;
    }
    let sending = Instant::now();
    for (c, target) in conns.iter_mut().zip(&targets) {
        c.send("GET", target, &[("Authorization", &auth)], None, true)?;
    }
    let spread = sending.elapsed();
    let mut passed = 0;
    let mut refused = Vec::new();
    for (c, target) in conns.iter_mut().zip(&targets) {
        let r = c.answer(false)?;
        match r.status {
            200 => passed += 1,
            _ => {
                assert_nginx_error(&r, 429, target)?;
                refused.push(*target);
            }
        }
    }
    // The first BURST + 1 always pass; a few more when sending took a while.
    let leak = (spread.as_secs_f64() * RATE_PER_S as f64).ceil() as usize + 1;
    ensure!(
        passed >= (BURST + 1) as usize && passed <= (BURST + 1) as usize + leak,
        "{passed} of {flood} passed (sent within {spread:?}); refused: {refused:?}"
    );
    ensure!(
        refused.contains(&"/api/cluster") && refused.contains(&"/svm/vs_eng/api/cluster"),
        "both API locations are limited: refused {refused:?}"
    );
    assert_eq!(
        s.requests().len(),
        passed,
        "the refused requests never reached the cluster"
    );
    eprintln!(
        "flood: {flood} at once (within {spread:?}): {passed} passed, {} got 429",
        refused.len()
    );

    // The figures this test was written for are the file's.
    let conf = production::production_conf()?;
    let proxy = std::fs::read_to_string(e2e::workspace_root().join("deploy/api-proxy.conf"))?;
    ensure!(
        conf.contains(&format!("rate={RATE_PER_S}r/s;"))
            && proxy.contains(&format!("burst={BURST} delay={DELAY};")),
        "the rate limit's figures changed: update RATE_PER_S, BURST and DELAY here"
    );
    Ok(())
}

#[test]
fn an_untrusted_or_misnamed_cluster_certificate_gives_the_json_502() -> Result<()> {
    for (which, what, logged) in [
        (
            UNTRUSTED,
            "a certificate of another CA",
            "upstream SSL certificate verify error",
        ),
        (
            WRONG_NAME,
            "a certificate for another name",
            "upstream SSL certificate does not match",
        ),
    ] {
        // The SVM example's location too: same TLS checks, same error pages.
        let s = Stack::start(which, true, |_| {})?;
        for target in ["/api/cluster", "/svm/vs_eng/api/cluster"] {
            let r = s.get(target)?;
            assert_nginx_error(&r, 502, &format!("{what}, {target}"))?;
        }
        assert_eq!(s.requests(), vec![], "{what}: nothing reached the cluster");
        let log = s.site.error_log();
        ensure!(log.contains(logged), "{what}: nginx's error log: {log}");
    }
    Ok(())
}

#[test]
fn the_svm_example_passes_the_page_paths_to_the_svm_and_nothing_else() -> Result<()> {
    let s = Stack::start(GOOD, true, |_| {})?;
    let auth = basic_auth("admin", PASSWORD);
    let tls = s.certs.client();
    for (method, target, status) in page_paths() {
        s.sim.state.clear_requests();
        let via_svm = format!("/svm/vs_eng{target}");
        let r = request_tls(
            s.https(),
            &tls,
            method,
            &via_svm,
            &[("Authorization", &auth)],
            None,
        )?;
        assert_eq!(r.status, status, "{method} {via_svm}: {}", r.text());
        assert_tls_headers(&r, &via_svm);
        assert_eq!(
            s.requests(),
            vec![(method.to_string(), target.clone())],
            "the SVM received {target} without the prefix, byte for byte"
        );
    }
    s.sim.state.clear_requests();
    let mut failures = Vec::new();
    // The prefix spelt otherwise: the location takes it ($uri), its map does not.
    let respelt = [
        ("GET", "/svm/vs%5Feng/api/cluster"),
        ("GET", "/svm//vs_eng/api/cluster"),
    ];
    for (method, via_svm) in respelt {
        let r = request_tls(
            s.https(),
            &tls,
            method,
            via_svm,
            &[("Authorization", &auth)],
            None,
        )?;
        if let Err(e) = assert_nginx_error(&r, 404, &format!("{method} {via_svm}")) {
            failures.push(format!("{e:#}"));
        }
    }
    for (method, target) in REFUSED {
        let via_svm = format!("/svm/vs_eng{target}");
        let r = request_tls(
            s.https(),
            &tls,
            method,
            &via_svm,
            &[("Authorization", &auth)],
            (*method != "GET" && *method != "DELETE").then_some(b"{}".as_slice()),
        )?;
        if let Err(e) = assert_nginx_error(&r, 404, &format!("{method} {via_svm}")) {
            failures.push(format!("{e:#}"));
        }
    }
    let reached = s.requests();
    ensure!(
        failures.is_empty() && reached.is_empty(),
        "refused paths answered otherwise:\n{}\nand reached the SVM: {reached:#?}",
        failures.join("\n")
    );
    Ok(())
}

/// `proxy_buffers N SIZE` of deploy/api-proxy.conf (before it existed, of deploy/nginx.conf),
/// in bytes.
fn proxy_buffers_bytes() -> Result<u64> {
    let root = e2e::workspace_root();
    let text = ["deploy/api-proxy.conf", "deploy/nginx.conf"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(root.join(f)).ok())
        .collect::<String>();
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("proxy_buffers "))
        .context("no proxy_buffers")?;
    let parts: Vec<&str> = line.trim_end_matches(';').split_whitespace().collect();
    let n: u64 = parts.get(1).context("count")?.parse()?;
    let size = parts.get(2).context("size")?;
    let (digits, unit) = size.split_at(size.len() - 1);
    let mult = match unit {
        "k" => 1024,
        "m" => 1024 * 1024,
        _ => anyhow::bail!("buffer size {size}"),
    };
    Ok(n * digits.parse::<u64>()? * mult)
}

#[test]
fn the_largest_listing_pages_stay_in_memory() -> Result<()> {
    let s = Stack::start(GOOD, false, |c| {
        c.profiles = 2000;
    })?;
    let tls = s.certs.client();
    let auth = basic_auth("admin", PASSWORD);
    let totps_page = page_const("src/api/totps.rs", "PAGE_SIZE")?;
    let accounts_page = page_const("src/api/accounts.rs", "PAGE_SIZE")?;
    let buffers = proxy_buffers_bytes()?;
    for (target, page) in [
        (
            format!("{TOTPS}?fields=owner.name,scope,enabled,comment,sha_fingerprint&max_records={totps_page}"),
            totps_page,
        ),
        (
            format!("/api/security/accounts?fields=name,owner,role.name,locked,scope,applications&max_records={accounts_page}"),
            accounts_page,
        ),
    ] {
        // A reader that waits before reading: nginx holds what the sockets do not.
        let mut c = TlsConn::open(s.https(), &tls)?;
        c.send("GET", &target, &[("Authorization", &auth)], None, true)?;
        std::thread::sleep(Duration::from_millis(500));
        let r = c.answer(false)?;
        assert_eq!(r.status, 200, "{target}");
        let body: Value = serde_json::from_slice(&r.body)?;
        let records = body["records"].as_array().map_or(0, Vec::len) as u64;
        ensure!(records > 1000, "{target}: {records} records");
        let log = s.site.error_log();
        ensure!(
            !log.contains("buffered to a temporary file"),
            "nginx wrote {} bytes of {target} to a temp file: {log}",
            r.body.len()
        );
        // The page's largest page of these, at the size a record has here.
        let full = r.body.len() as u64 * page as u64 / records;
        eprintln!(
            "{target}: {records} records, {} bytes; {page} records: about {full} bytes; \
             buffers {buffers}",
            r.body.len()
        );
        ensure!(
            full <= buffers,
            "a page of {page} records ({full} bytes) does not fit proxy_buffers ({buffers} bytes)"
        );
    }
    Ok(())
}
