//! Times a full paged listing of TOTP profiles over real HTTP on loopback, following
//! `_links.next` until the collection ends, for clusters of 10,000 and 100,000 profiles.
//! Prints figures; it is not a test.
//!
//!     cargo run --release -p ontap-sim --example list_bench [-- SIZE...]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

use ontap_sim::auth::basic_header;
use ontap_sim::{demo, start_background, Config};
use serde_json::Value;

/// GET `path` with HTTP/1.1 and `Connection: close`; the body as JSON.
fn get(addr: SocketAddr, path: &str) -> Value {
    let mut s = TcpStream::connect(addr).expect("connect");
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
        basic_header("admin", demo::DEMO_PASSWORD)
    );
    s.write_all(head.as_bytes()).expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(&raw[split..])
    } else {
        raw[split..].to_vec()
    };
    serde_json::from_slice(&body).expect("a JSON body")
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 2 + n + 2..];
    }
    out
}

/// Follows `_links.next` from `first`; returns (records, pages, seconds).
fn full_listing(addr: SocketAddr, first: &str) -> (usize, usize, f64) {
    let t = Instant::now();
    let (mut records, mut pages) = (0, 0);
    let mut href = first.to_owned();
    loop {
        let page = get(addr, &href);
        records += page["num_records"].as_u64().unwrap_or(0) as usize;
        pages += 1;
        match page["_links"]["next"]["href"].as_str() {
            Some(next) => href = next.to_owned(),
            None => break,
        }
    }
    (records, pages, t.elapsed().as_secs_f64())
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let demo_profiles = demo::cluster(ontap_model::Version::new(9, 18, 1))
        .totps
        .len();
    println!("profiles  listing                                   records  pages  seconds");
    for n in sizes {
        let built = Instant::now();
        let sim = start_background(Config {
            profiles: n.saturating_sub(demo_profiles),
            seed: 1,
            ..Config::ephemeral()
        })
        .expect("start the emulator");
        let build_s = built.elapsed().as_secs_f64();
        let total = sim.state.with_state(|s| s.totps.len());
        for (what, first) in [
            (
                "keys, default page (10,000)",
                "/api/security/login/totps".to_owned(),
            ),
            (
                "fields=*, max_records=1000",
                "/api/security/login/totps?fields=*&max_records=1000".to_owned(),
            ),
            (
                "enabled=false, fields=comment",
                "/api/security/login/totps?enabled=false&fields=comment&max_records=1000"
                    .to_owned(),
            ),
        ] {
            let (records, pages, secs) = full_listing(sim.addr, &first);
            println!("{total:>8}  {what:<40} {records:>8} {pages:>6} {secs:>8.3}");
        }
        println!("          (cluster of {total} built and started in {build_s:.3} s)");
    }
}
