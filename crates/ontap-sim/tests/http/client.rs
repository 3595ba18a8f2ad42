//! A minimal HTTP/1.1 client over `std::net::TcpStream`: it sends the path exactly as given
//! (no normalisation, no re-encoding), which is what these tests need to prove how the
//! emulator reads raw paths.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use ontap_sim::auth::basic_header;
use ontap_sim::{demo, start_background, Background, Config};
use serde_json::Value;

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    /// `error.code` of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.text()))
            .to_owned()
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&body[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        if size == 0 || body.len() < eol + 2 + size {
            return out;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = body.get(eol + 2 + size + 2..).unwrap_or_default();
    }
}

/// Sends one request and reads the whole answer.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    auth: Option<(&str, &str)>,
    body: Option<&str>,
) -> Resp {
    let authorization = auth.map(|(u, p)| basic_header(u, p));
    match exchange(addr, method, path, authorization.as_deref(), body) {
        Ok(raw) => parse(&raw).unwrap_or_else(|| panic!("an incomplete answer: {raw:?}")),
        Err(e) => panic!("{method} {path}: {e}"),
    }
}

/// Sends one request with any `Authorization` header; the raw bytes received until the
/// server closed the connection (possibly none, or a cut answer: fault injection).
pub fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<Vec<u8>> {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| ("Authorization", a))
        .into_iter()
        .collect();
    exchange_with(addr, method, path, &headers, body)
}

/// [`exchange`] with any request headers.
pub fn exchange_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    } else if method != "GET" && method != "HEAD" {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if let Some(b) = body {
        stream.write_all(b.as_bytes())?;
    }
    let mut raw = Vec::new();
    // A reset after part of the answer still leaves what arrived.
    let mut buf = [0u8; 65536];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if raw.is_empty() => return Err(e),
            Err(_) => break,
        }
    }
    Ok(raw)
}

/// Reads raw answer bytes; `None` without a complete head.
pub fn parse(raw: &[u8]) -> Option<Resp> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Some(Resp {
        status,
        headers,
        body,
    })
}

/// A started emulator and the account the requests sign in with. Dropping it fails the test
/// if any answer broke the strict published definitions.
pub struct Sim {
    pub bg: Background,
    pub user: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let v = self.bg.state.schema_violations();
            assert!(
                v.is_empty(),
                "answers broke the published definitions: {v:#?}"
            );
        }
    }
}

pub const PASSWORD: &str = demo::DEMO_PASSWORD;

impl Sim {
    pub fn start(config: Config) -> Sim {
        Sim {
            bg: start_background(config).expect("start the emulator"),
            user: "admin".into(),
        }
    }
    /// The demo on 9.18.1, serving /api only.
    pub fn demo() -> Sim {
        Sim::start(Config::ephemeral())
    }
    pub fn on_version(v: &str) -> Sim {
        Sim::start(Config {
            version: ontap_model::Version::parse(v).expect("a version"),
            ..Config::ephemeral()
        })
    }
    pub fn as_user(&mut self, user: &str) -> &mut Sim {
        self.user = user.into();
        self
    }
    pub fn get(&self, path: &str) -> Resp {
        send(
            self.bg.addr,
            "GET",
            path,
            Some((&self.user, PASSWORD)),
            None,
        )
    }
    pub fn patch(&self, path: &str, body: &str) -> Resp {
        send(
            self.bg.addr,
            "PATCH",
            path,
            Some((&self.user, PASSWORD)),
            Some(body),
        )
    }
    pub fn post(&self, path: &str, body: &str) -> Resp {
        send(
            self.bg.addr,
            "POST",
            path,
            Some((&self.user, PASSWORD)),
            Some(body),
        )
    }
    pub fn delete(&self, path: &str) -> Resp {
        send(
            self.bg.addr,
            "DELETE",
            path,
            Some((&self.user, PASSWORD)),
            None,
        )
    }
    pub fn raw(&self, method: &str, path: &str, auth: Option<(&str, &str)>) -> Resp {
        send(self.bg.addr, method, path, auth, None)
    }
    /// A request with an `Authorization` header as given (a bearer token, garbage).
    pub fn with_authorization(&self, method: &str, path: &str, authorization: &str) -> Resp {
        let raw =
            exchange(self.bg.addr, method, path, Some(authorization), None).expect("an answer");
        parse(&raw).expect("a complete head")
    }
    /// A GET with an `Accept` header.
    pub fn get_accepting(&self, path: &str, accept: &str) -> Resp {
        let auth = basic_header(&self.user, PASSWORD);
        let raw = exchange_with(
            self.bg.addr,
            "GET",
            path,
            &[("Authorization", &auth), ("Accept", accept)],
            None,
        )
        .expect("an answer");
        parse(&raw).expect("a complete head")
    }
    /// A request that may meet an injected fault: the raw bytes, or the error.
    pub fn try_request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> std::io::Result<Vec<u8>> {
        let auth = basic_header(&self.user, PASSWORD);
        exchange(self.bg.addr, method, path, Some(&auth), body)
    }
}

/// The path of a demo profile.
pub fn profile_path(owner_uuid: &str, account: &str) -> String {
    format!(
        "/api/security/login/totps/{owner_uuid}/{}",
        ontap_model::totp::encode_segment(account)
    )
}
