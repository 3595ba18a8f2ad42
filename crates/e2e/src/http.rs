//! A raw HTTP/1.1 client for the hosting tests: the request line goes out exactly as written
//! (no URL parsing, no normalisation of percent-escapes), and the answer comes back as status,
//! headers and body (chunked bodies decoded; nothing decompressed). Plain http one request per
//! connection ([`request`]); https through `openssl s_client` ([`TlsConn`], [`request_tls`]),
//! so that no TLS crate is built for the tests.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// One answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// In order of arrival; names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every header named `name` (any case).
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `METHOD target HTTP/1.1` with `headers` (Host and Connection: close are added, and
/// Content-Length when there is a body) and reads the whole answer.
pub fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Response> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .with_context(|| format!("connecting to {addr}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.write_all(&message(
        method,
        target,
        &addr.to_string(),
        true,
        headers,
        body,
    ))?;
    // Read until the answer is complete (some servers keep the connection open regardless).
    // Large reads, and room for the whole body once its length is known: the bench times
    // answers of 20 MB with this client, which must not be what it measures.
    let mut raw = Vec::new();
    let mut buf = vec![0u8; 1 << 18];
    let mut reserved = false;
    loop {
        let n = s
            .read(&mut buf)
            .with_context(|| format!("reading the answer to {method} {target}"))?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if !reserved {
            if let Some(len) = content_length(&raw) {
                raw.reserve(len);
                reserved = true;
            }
        }
        if complete(&raw, method == "HEAD") {
            break;
        }
    }
    parse(&raw, method == "HEAD").with_context(|| format!("the answer to {method} {target}"))
}

/// A request's bytes: the request line as given, Host, `Connection: close` when `close`,
/// `headers`, Content-Length when there is a body, the body.
fn message(
    method: &str,
    target: &str,
    host: &str,
    close: bool,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Vec<u8> {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\n");
    if close {
        head.push_str("Connection: close\r\n");
    }
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body.unwrap_or_default());
    out
}

/// How to reach a TLS server: the name it is asked for (SNI, the `Host` header, and the name
/// its certificate must carry) and the CA file its certificate must chain to.
#[derive(Clone, Debug)]
pub struct Tls {
    pub name: String,
    pub ca_file: PathBuf,
}

/// One verified TLS connection, made by an `openssl s_client` process: requests go out one
/// after another on it (HTTP/1.1 keep-alive) and each answer is read before the next request.
/// [`TlsConn::spawn`] starts the handshake without waiting for it, so that a test can open many
/// connections first and then send their requests within a few milliseconds of each other.
pub struct TlsConn {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The server's bytes, read from s_client's stdout once the first answer is asked for:
    /// until then the answer stays in the pipe and the socket, as with a slow reader.
    stdout: Option<ChildStdout>,
    chunks: Option<Receiver<Vec<u8>>>,
    /// s_client's report (stderr): the handshake's summary, or why it failed.
    report: Receiver<Vec<u8>>,
    report_text: String,
    established: bool,
    raw: Vec<u8>,
    name: String,
}

impl TlsConn {
    /// Connects to `addr` and waits for the handshake; fails unless the server's certificate
    /// chains to `tls.ca_file` and names `tls.name`.
    pub fn open(addr: SocketAddr, tls: &Tls) -> Result<TlsConn> {
        let mut c = TlsConn::spawn(addr, tls)?;
        c.wait_established()?;
        Ok(c)
    }

    /// Starts connecting to `addr` ([`TlsConn::wait_established`] waits for the handshake).
    pub fn spawn(addr: SocketAddr, tls: &Tls) -> Result<TlsConn> {
        let mut child = Command::new("openssl")
            .arg("s_client")
            .arg("-connect")
            .arg(addr.to_string())
            .args(["-servername", &tls.name, "-verify_hostname", &tls.name])
            .arg("-CAfile")
            .arg(&tls.ca_file)
            // -brief: only the server's bytes on stdout, a summary of the handshake on stderr;
            // -ign_eof: stdin's end does not end the connection (the server closes it).
            .args(["-verify_return_error", "-brief", "-ign_eof"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("running openssl s_client (Debian package openssl)")?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take().context("s_client's stderr")?;
        // Reader threads, so that waiting can time out.
        Ok(TlsConn {
            child,
            stdin,
            stdout,
            chunks: None,
            report: forward(stderr),
            report_text: String::new(),
            established: false,
            raw: Vec::new(),
            name: tls.name.clone(),
        })
    }

    /// Waits (at most 10 s) until the handshake is done and the certificate verified.
    pub fn wait_established(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.established {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.report.recv_timeout(left) {
                Ok(c) => {
                    self.report_text.push_str(&String::from_utf8_lossy(&c));
                    self.established = self.report_text.contains("CONNECTION ESTABLISHED");
                }
                Err(RecvTimeoutError::Timeout) => bail!("no TLS handshake within 10 s"),
                Err(RecvTimeoutError::Disconnected) => {
                    bail!("the TLS handshake failed: {}", self.report_text.trim())
                }
            }
        }
        Ok(())
    }

    /// Writes one request (Host is the server's name; `close` adds `Connection: close`).
    pub fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        close: bool,
    ) -> Result<()> {
        let stdin = self.stdin.as_mut().context("the connection was closed")?;
        stdin
            .write_all(&message(method, target, &self.name, close, headers, body))
            .and_then(|()| stdin.flush())
            .with_context(|| format!("sending {method} {target} (TLS refused?)"))
    }

    /// Reads the answer to the request sent last, waiting at most 30 s.
    pub fn answer(&mut self, head_only: bool) -> Result<Response> {
        self.wait_established()?;
        if let Some(out) = self.stdout.take() {
            self.chunks = Some(forward(out));
        }
        let chunks = self.chunks.as_ref().context("s_client's stdout")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !complete(&self.raw, head_only) {
            let left = deadline.saturating_duration_since(Instant::now());
            match chunks.recv_timeout(left) {
                Ok(c) => self.raw.extend_from_slice(&c),
                Err(RecvTimeoutError::Timeout) => bail!("no whole answer within 30 s"),
                // The connection ended (a server that closes after its answer).
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let raw = std::mem::take(&mut self.raw);
        if raw.is_empty() {
            bail!("the connection ended without an answer");
        }
        parse(&raw, head_only)
    }

    /// One request and its answer on this connection (kept open unless `close`).
    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        close: bool,
    ) -> Result<Response> {
        self.send(method, target, headers, body, close)?;
        self.answer(method == "HEAD")
            .with_context(|| format!("the answer to {method} {target}"))
    }
}

impl Drop for TlsConn {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends what `from` yields, chunk by chunk, until it ends.
fn forward(mut from: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    rx
}

/// [`request`] over TLS: one request on a connection of its own.
pub fn request_tls(
    addr: SocketAddr,
    tls: &Tls,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Response> {
    TlsConn::open(addr, tls)?.request(method, target, headers, body, true)
}

/// Whether `raw` holds a whole answer: its head, and the body its head announces.
/// Where the head ends (before its blank line), and the head in lower case, once it has
/// arrived.
fn head(raw: &[u8]) -> Option<(usize, String)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some((
        end,
        String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase(),
    ))
}

/// The head's and the body's length together, once the head has arrived with a
/// `Content-Length`.
fn content_length(raw: &[u8]) -> Option<usize> {
    let (end, head) = head(raw)?;
    head.split("\r\n")
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map(|n| end + 4 + n)
}

fn complete(raw: &[u8], head_only: bool) -> bool {
    let Some((end, head)) = head(raw) else {
        return false;
    };
    if head_only {
        return true;
    }
    let body = raw.len() - end - 4;
    for line in head.split("\r\n") {
        if let Some(v) = line.strip_prefix("content-length:") {
            return v.trim().parse::<usize>().is_ok_and(|n| body >= n);
        }
        if line.starts_with("transfer-encoding:") && line.contains("chunked") {
            return raw.ends_with(b"0\r\n\r\n");
        }
    }
    false
}

/// `Authorization: Basic ...` for `user:password`.
pub fn basic_auth(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn parse(raw: &[u8], head_only: bool) -> Result<Response> {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        bail!("no end of head in {} bytes", raw.len());
    };
    let head = std::str::from_utf8(&raw[..end]).context("a head that is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if head_only {
        Vec::new()
    } else if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            bail!("a chunk size line without its end");
        };
        let size_line = std::str::from_utf8(&data[..eol])?;
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .with_context(|| format!("chunk size {size_line:?}"))?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            bail!("a chunk cut short");
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_of_credentials() {
        assert_eq!(super::base64(b"admin:Netapp1!"), "YWRtaW46TmV0YXBwMSE=");
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
    }

    #[test]
    fn chunked_bodies() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let r = super::parse(raw, false).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-a"), Some("b"));
        assert_eq!(r.body, b"abcde");
    }
}
