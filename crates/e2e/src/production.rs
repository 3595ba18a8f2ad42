//! The production example, `deploy/nginx.conf`, served as it is: only its certificate paths,
//! ports, pid/log/temp paths, page folder and the cluster's address are pointed at the test's
//! (a placeholder that is not found fails the test: the file cannot drift away from what the
//! tests replace). In front of the emulator sits a second, test-only nginx that plays the
//! cluster's TLS: it terminates TLS with a cluster certificate and proxies to the emulator's
//! plain http port. Certificates come from the openssl CLI.
//!
//! ```text
//! let certs = Certs::make()?;
//! let sim = ontap_sim::start_background(ontap_sim::Config::ephemeral())?;
//! let cluster = start_cluster_tls(&certs, sim.addr)?;    // good, untrusted, wrong name
//! let site = start_site(&production_conf()?, &certs, &dist, cluster.addrs()[GOOD])?;
//! request_tls(site.addr(), &certs.client(), "GET", "/api/cluster", &[..], None)?;
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, ensure, Context, Result};
use tempfile::TempDir;

use crate::http::Tls;
use crate::nginx::Nginx;

/// The site's name in `deploy/nginx.conf` (its `server_name`, and the site certificate's).
pub const SITE_NAME: &str = "totp-admin.example.com";
/// The cluster's name in `deploy/nginx.conf` (`proxy_ssl_name`: its certificate must carry it).
pub const CLUSTER_NAME: &str = "cluster1-mgmt.example.com";
/// The SVM management LIF's name in the SVM example of docs/deployment.md.
pub const SVM_LIF_NAME: &str = "vs_eng-mgmt.example.com";
/// Unified Manager's name in `deploy/nginx.conf` (its gateway's location, issue 19).
pub const UM_NAME: &str = "aiqum.example.com";

/// [`start_cluster_tls`]'s ports, by the certificate each shows.
pub const GOOD: usize = 0;
/// Signed by a CA that the site does not trust.
pub const UNTRUSTED: usize = 1;
/// Signed by the test CA, for another name than the cluster's.
pub const WRONG_NAME: usize = 2;

/// `deploy/nginx.conf` as it is in the workspace.
pub fn production_conf() -> Result<String> {
    let file = crate::workspace_root().join("deploy/nginx.conf");
    std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))
}

/// Test certificates in a temp folder: a test CA, another CA, the site's certificate, and
/// the cluster's three (good, untrusted, wrong name). EC keys: made in milliseconds.
pub struct Certs {
    dir: TempDir,
}

impl Certs {
    pub fn make() -> Result<Certs> {
        let dir = tempfile::Builder::new().prefix("e2e-certs-").tempdir()?;
        let certs = Certs { dir };
        certs.openssl("ca", None, "/CN=totp-admin test CA", None)?;
        certs.openssl("other-ca", None, "/CN=another CA", None)?;
        certs.openssl(
            "site",
            Some("ca"),
            &format!("/CN={SITE_NAME}"),
            Some(SITE_NAME),
        )?;
        // The SVM example's LIF shares the good certificate (a second name in it).
        // ...and so does Unified Manager (the same TLS terminator plays it).
        let both = format!("{CLUSTER_NAME},DNS:{SVM_LIF_NAME},DNS:{UM_NAME}");
        let subject = format!("/CN={CLUSTER_NAME}");
        certs.openssl("cluster-good", Some("ca"), &subject, Some(&both))?;
        certs.openssl(
            "cluster-untrusted",
            Some("other-ca"),
            &subject,
            Some(CLUSTER_NAME),
        )?;
        let other = "cluster2-mgmt.example.com";
        certs.openssl(
            "cluster-wrong-name",
            Some("ca"),
            &format!("/CN={other}"),
            Some(other),
        )?;
        Ok(certs)
    }

    /// `NAME.pem`.
    pub fn pem(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.pem"))
    }

    /// `NAME.key`.
    pub fn key(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.key"))
    }

    /// How a client reaches the site: by its name, trusting the test CA.
    pub fn client(&self) -> Tls {
        Tls {
            name: SITE_NAME.into(),
            ca_file: self.pem("ca"),
        }
    }

    /// A self-signed CA (`signer` None), or a leaf signed by `signer` for the DNS names `san`.
    fn openssl(
        &self,
        name: &str,
        signer: Option<&str>,
        subject: &str,
        san: Option<&str>,
    ) -> Result<()> {
        let mut cmd = Command::new("openssl");
        cmd.args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", subject])
        .arg("-keyout")
        .arg(self.key(name))
        .arg("-out")
        .arg(self.pem(name));
        if let Some(ca) = signer {
            cmd.arg("-CA")
                .arg(self.pem(ca))
                .arg("-CAkey")
                .arg(self.key(ca));
            cmd.args(["-addext", "basicConstraints=critical,CA:FALSE"]);
        }
        if let Some(san) = san {
            cmd.args(["-addext", &format!("subjectAltName=DNS:{san}")]);
        }
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .context("running openssl (Debian package openssl) for test certificates")?;
        ensure!(
            out.status.success(),
            "openssl req for {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    }
}

/// `text` with every `from` replaced by `to`; fails when `from` is not in it.
pub fn replace_strict(text: &str, from: &str, to: &str) -> Result<String> {
    if !text.contains(from) {
        bail!("{from:?} is not in the configuration any more: update the tests' substitution");
    }
    Ok(text.replace(from, to))
}

/// The `user` line for nginx started by this process: root's workers must read the temp
/// prefix; anyone else cannot switch users (nginx would warn).
fn user_line() -> &'static str {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        "user root;"
    } else {
        "# user: not started as root"
    }
}

/// Where the served production configuration points its site-specific parts.
pub struct Site<'a> {
    /// pid, logs, temp files.
    pub prefix: &'a Path,
    /// Replaces `listen 80` (the IPv6 listens are dropped: loopback IPv4 only).
    pub http: SocketAddr,
    /// Replaces `listen 443 ssl http2`.
    pub https: SocketAddr,
    pub certs: &'a Certs,
    /// The page's folder.
    pub dist: &'a Path,
    /// The cluster (here: the TLS terminator in front of the emulator).
    pub upstream: SocketAddr,
}

/// `conf` (the text of `deploy/nginx.conf`) pointed at the test's paths, ports and cluster.
/// Nothing else changes: every directive that decides what a client or the cluster sees is
/// the file's own.
pub fn render(conf: &str, site: &Site) -> Result<String> {
    let p = site.prefix.display();
    let deploy = crate::workspace_root().join("deploy");
    let temp = format!(
        "http {{\n    client_body_temp_path {p}/client_body;\n    proxy_temp_path {p}/proxy;\n    \
         fastcgi_temp_path {p}/fastcgi;\n    uwsgi_temp_path {p}/uwsgi;\n    \
         scgi_temp_path {p}/scgi;\n"
    );
    let pairs: Vec<(&str, String)> = vec![
        // Debian's module snippets name the module relative to nginx's prefix, which the
        // tests move: load the one module the site needs by its full path instead.
        (
            "include /etc/nginx/modules-enabled/*.conf;",
            format!("load_module {};", crate::nginx::BROTLI_STATIC_MODULE),
        ),
        ("user www-data;", user_line().into()),
        ("pid /run/nginx.pid;", format!("pid {p}/nginx.pid;")),
        ("/var/log/nginx/", format!("{p}/")),
        ("http {\n", temp),
        (
            "/etc/nginx/totp-admin/ontap-cluster-ca.pem",
            site.certs.pem("ca").display().to_string(),
        ),
        (
            "/etc/nginx/totp-admin/unified-manager-ca.pem",
            site.certs.pem("ca").display().to_string(),
        ),
        ("/etc/nginx/totp-admin/", format!("{}/", deploy.display())),
        (
            "/etc/ssl/certs/totp-admin.example.com.pem",
            site.certs.pem("site").display().to_string(),
        ),
        (
            "/etc/ssl/private/totp-admin.example.com.key",
            site.certs.key("site").display().to_string(),
        ),
        (
            "server cluster1-mgmt.example.com:443;",
            format!("server {};", site.upstream),
        ),
        // Unified Manager: the same emulator (with --gateway it serves /api/gateways).
        (
            "server aiqum.example.com:443;",
            format!("server {};", site.upstream),
        ),
        ("listen 80;", format!("listen {};", site.http)),
        ("listen [::]:80;", String::new()),
        (
            "listen 443 ssl http2;",
            format!("listen {} ssl http2;", site.https),
        ),
        ("listen [::]:443 ssl http2;", String::new()),
        (
            "root /var/www/totp-admin;",
            format!("root {};", site.dist.display()),
        ),
    ];
    let mut text = conf.to_string();
    for (from, to) in pairs {
        text = replace_strict(&text, from, &to)?;
    }
    Ok(text)
}

/// `deploy/nginx.conf` (or `conf`, a text of it) served on two free loopback ports, https
/// first ([`Nginx::addrs`]: `[https, http]`), with the page from `dist` and `/api/` proxied
/// to `upstream` over TLS that must verify against the test CA as `cluster1-mgmt.example.com`.
pub fn start_site(conf: &str, certs: &Certs, dist: &Path, upstream: SocketAddr) -> Result<Nginx> {
    let dist = dist
        .canonicalize()
        .with_context(|| format!("the page folder {}", dist.display()))?;
    Nginx::start_config(2, |prefix, addrs| {
        render(
            conf,
            &Site {
                prefix,
                https: addrs[0],
                http: addrs[1],
                certs,
                dist: &dist,
                upstream,
            },
        )
    })
}

/// The cluster's TLS in front of the emulator (`sim`, plain http): a test-only nginx with one
/// port per cluster certificate, [`GOOD`], [`UNTRUSTED`] and [`WRONG_NAME`] (the order of
/// [`Nginx::addrs`]). It passes every request on unchanged, its request line byte for byte.
pub fn start_cluster_tls(certs: &Certs, sim: SocketAddr) -> Result<Nginx> {
    Nginx::start_config(3, |prefix, addrs| {
        let p = prefix.display();
        let servers: String = ["cluster-good", "cluster-untrusted", "cluster-wrong-name"]
            .iter()
            .zip(addrs)
            .map(|(cert, addr)| {
                format!(
                    "    server {{\n        listen {addr} ssl;\n        \
                     ssl_certificate {};\n        ssl_certificate_key {};\n        \
                     location / {{ include {p}/pass.conf; }}\n    }}\n",
                    certs.pem(cert).display(),
                    certs.key(cert).display(),
                )
            })
            .collect();
        std::fs::write(
            prefix.join("pass.conf"),
            // No URI part: the raw request line goes on. No buffering: the listing answers
            // (up to several MB) stream through instead of landing in temp files.
            "proxy_pass http://ontap_sim;\nproxy_http_version 1.1;\n\
             proxy_set_header Connection \"\";\nproxy_set_header Host $http_host;\n\
             proxy_pass_header Server;\nproxy_pass_header Date;\nproxy_buffering off;\n\
             client_max_body_size 1m;\nproxy_read_timeout 120s;\n",
        )?;
        Ok(format!(
            "{user}\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n    access_log off;\n    client_body_temp_path {p}/client_body;\n    \
             proxy_temp_path {p}/proxy;\n    fastcgi_temp_path {p}/fastcgi;\n    \
             uwsgi_temp_path {p}/uwsgi;\n    scgi_temp_path {p}/scgi;\n    \
             upstream ontap_sim {{ server {sim}; keepalive 8; }}\n{servers}}}\n",
            user = user_line(),
        ))
    })
}

/// docs/deployment.md as it is in the workspace.
pub fn deployment_doc() -> Result<String> {
    let file = crate::workspace_root().join("docs/deployment.md");
    std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))
}

/// `conf` with the SVM example of `doc` (docs/deployment.md, the first nginx block under
/// "SVM administrators") added as the doc says: its http-level part in the http block, its
/// location in the TLS server. The SVM's LIF becomes `lif` and its CA file (the example's
/// `proxy_ssl_trusted_certificate`) the test CA; pass the
/// result to [`start_site`].
pub fn with_svm_example(conf: &str, doc: &str, lif: SocketAddr, certs: &Certs) -> Result<String> {
    let section = doc
        .split_once("## SVM administrators")
        .context("docs/deployment.md has no \"SVM administrators\" section")?
        .1;
    let block = section
        .split_once("```nginx\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .context("no ```nginx block in the SVM administrators section")?
        .0;
    // "server {" opens the part that goes into deploy/nginx.conf's server block; the block's
    // last "}" closes it.
    let (http_part, server_part) = block
        .split_once("\nserver {\n")
        .context("the SVM example has no `server {` part")?;
    let server_part = server_part
        .trim_end()
        .strip_suffix('}')
        .context("the SVM example's server part does not end with `}`")?;
    // The SVM's CA file, wherever the example keeps it.
    let ca = server_part
        .lines()
        .find_map(|l| l.trim().strip_prefix("proxy_ssl_trusted_certificate "))
        .and_then(|v| v.split(';').next())
        .context("the SVM example has no proxy_ssl_trusted_certificate")?;
    let server_part = replace_strict(server_part, ca, &certs.pem("ca").display().to_string())?;
    let mut text = replace_strict(conf, "http {\n", &format!("http {{\n{http_part}\n"))?;
    text = replace_strict(
        &text,
        "        location / {\n",
        &format!("{server_part}\n        location / {{\n"),
    )?;
    replace_strict(
        &text,
        &format!("server {SVM_LIF_NAME}:443;"),
        &format!("server {lif};"),
    )
}
