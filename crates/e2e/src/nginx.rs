//! nginx in front of the emulator, as in production: the page's files from a dist folder and
//! `/api/` proxied to ontap-sim, from `deploy/nginx-test.conf.in` filled in for a free
//! loopback port and a private temp prefix. Started in the foreground in its own process
//! group, which drop kills.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use tempfile::TempDir;

/// Debian's nginx; `NGINX` overrides it.
pub const NGINX: &str = "/usr/sbin/nginx";
/// Debian's brotli_static module (package libnginx-mod-http-brotli-static).
pub const BROTLI_STATIC_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

/// The test configuration template (`deploy/nginx-test.conf.in`).
pub fn template_path() -> PathBuf {
    crate::workspace_root().join("deploy/nginx-test.conf.in")
}

/// The program to run: `NGINX`, else `/usr/sbin/nginx`, else `nginx` on PATH.
pub fn program() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("NGINX") {
        return Ok(PathBuf::from(p));
    }
    if Path::new(NGINX).is_file() {
        return Ok(PathBuf::from(NGINX));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("nginx"))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow!(
                "nginx is not installed: the end-to-end tests run the page behind nginx, as in \
                 production. Install it with scripts/bootstrap.sh (Debian packages nginx-light \
                 and libnginx-mod-http-brotli-static), or set NGINX=/path/to/nginx"
            )
        })
}

/// The test template filled in. `brotli`: whether to load the brotli_static module.
pub fn render(
    template: &str,
    prefix: &Path,
    listen: SocketAddr,
    dist: &Path,
    upstream: SocketAddr,
    brotli: bool,
) -> String {
    let root = euid_is_root();
    template
        .replace(
            "@LOAD_BROTLI@",
            &if brotli {
                format!("load_module {BROTLI_STATIC_MODULE};")
            } else {
                "# (brotli_static module not installed)".into()
            },
        )
        .replace(
            "@BROTLI_STATIC@",
            if brotli { "brotli_static on;" } else { "" },
        )
        .replace("@USER@", if root { "user root;" } else { "" })
        .replace("@PREFIX@", &prefix.display().to_string())
        .replace(
            "@DEPLOY@",
            &crate::workspace_root().join("deploy").display().to_string(),
        )
        .replace("@LISTEN@", &listen.to_string())
        .replace("@DIST@", &dist.display().to_string())
        .replace("@UPSTREAM@", &upstream.to_string())
}

fn euid_is_root() -> bool {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A running nginx (master and worker in one process group of their own).
pub struct Nginx {
    child: Child,
    /// Where it listens, in the order the configuration was given them.
    addrs: Vec<SocketAddr>,
    prefix: TempDir,
}

impl Nginx {
    /// Serves `dist` on a free loopback port and proxies `/api/` to `upstream`.
    pub fn start(dist: &Path, upstream: SocketAddr) -> Result<Nginx> {
        let template_file = template_path();
        let template = std::fs::read_to_string(&template_file)
            .with_context(|| format!("reading {}", template_file.display()))?;
        Nginx::start_from_template(&template, dist, upstream)
    }

    /// As [`Nginx::start`], from a template text of the caller's (the benchmark adds a
    /// location to `deploy/nginx-test.conf.in` to serve Swagger UI beside the page).
    pub fn start_from_template(template: &str, dist: &Path, upstream: SocketAddr) -> Result<Nginx> {
        let dist = dist
            .canonicalize()
            .with_context(|| format!("the page folder {}", dist.display()))?;
        let brotli = Path::new(BROTLI_STATIC_MODULE).is_file();
        Nginx::start_config(1, |prefix, addrs| {
            Ok(render(template, prefix, addrs[0], &dist, upstream, brotli))
        })
    }

    /// nginx from a configuration of the caller's: `config(prefix, addrs)` writes it for a
    /// fresh temp prefix (pid, logs, temp files) and `ports` free loopback addresses to listen
    /// on; nginx is ready once all of them accept connections. [`Nginx::addr`] is the first.
    pub fn start_config(
        ports: usize,
        config: impl Fn(&Path, &[SocketAddr]) -> Result<String>,
    ) -> Result<Nginx> {
        let program = program()?;
        let mut last = anyhow!("nginx did not start");
        for _ in 0..3 {
            let prefix = tempfile::Builder::new()
                .prefix("e2e-nginx-")
                .tempdir()
                .context("creating nginx's prefix directory")?;
            let addrs = (0..ports)
                .map(|_| Ok(SocketAddr::from(([127, 0, 0, 1], free_port()?))))
                .collect::<Result<Vec<_>>>()?;
            let conf = prefix.path().join("nginx.conf");
            std::fs::write(&conf, config(prefix.path(), &addrs)?)?;
            let error_log = prefix.path().join("error.log");
            let child = Command::new(&program)
                .arg("-c")
                .arg(&conf)
                .arg("-p")
                .arg(format!("{}/", prefix.path().display()))
                .arg("-e")
                .arg(&error_log)
                .arg("-g")
                .arg("daemon off;")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .with_context(|| format!("spawning {}", program.display()))?;
            let mut nginx = Nginx {
                child,
                addrs,
                prefix,
            };
            match nginx.wait_ready() {
                Ok(()) => return Ok(nginx),
                Err(e) => last = e, // drop kills it; try other ports
            }
        }
        Err(last)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut waiting = self.addrs.clone();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "nginx exited early ({status}); its error log:\n{}",
                    self.error_log()
                );
            }
            waiting.retain(|a| TcpStream::connect_timeout(a, Duration::from_millis(200)).is_err());
            if waiting.is_empty() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "nginx did not listen on {waiting:?} within 10 s; its error log:\n{}",
                    self.error_log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Where it listens (the first address, when it has several).
    pub fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// Every address it listens on, as given to [`Nginx::start_config`]'s configuration.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Its private temp prefix (the configuration, pid, logs and temp files).
    pub fn prefix(&self) -> &Path {
        self.prefix.path()
    }

    /// The filled-in configuration file.
    pub fn config_path(&self) -> PathBuf {
        self.prefix.path().join("nginx.conf")
    }

    /// What nginx logged so far (warnings and errors).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.prefix.path().join("error.log")).unwrap_or_default()
    }

    /// The access log so far (one line per request).
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.prefix.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // E2E_NGINX_LOGS=DIR keeps each run's access and error logs (DIR/<port>-*.log).
        if let Some(dir) = std::env::var_os("E2E_NGINX_LOGS") {
            let dir = PathBuf::from(dir);
            if std::fs::create_dir_all(&dir).is_ok() {
                for log in ["access.log", "error.log"] {
                    let _ = std::fs::copy(
                        self.prefix.path().join(log),
                        dir.join(format!("{}-{log}", self.addr().port())),
                    );
                }
            }
        }
        // SAFETY: kill(2) with a negative pid signals the process group we created (nginx's
        // master and its workers); no memory is involved.
        let pgid = self.child.id() as libc::pid_t;
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
