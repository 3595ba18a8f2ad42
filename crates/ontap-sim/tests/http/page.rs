//! Serving the page: files of `dist/` with their types, and `index.html` for client routes.

use std::path::PathBuf;

use ontap_sim::Config;

use crate::client::Sim;

const INDEX: &str = "<!doctype html><title>totp-admin</title>";

fn dist(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ontap-sim-page-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("app.js"), "export default 1;").unwrap();
    std::fs::write(dir.join("assets/style.css"), "body{}").unwrap();
    dir
}

fn page_sim(name: &str) -> Sim {
    Sim::start(Config {
        dist: Some(dist(name)),
        ..Config::ephemeral()
    })
}

#[test]
fn files_of_dist_are_served_with_their_content_types() {
    let sim = page_sim("types");
    let r = sim.raw("GET", "/app_bg.wasm", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert_eq!(r.body, b"\0asm\x01\0\0\0");
    let ct = |p: &str| {
        sim.raw("GET", p, None)
            .header("content-type")
            .unwrap_or("")
            .to_owned()
    };
    assert!(ct("/app.js").starts_with("text/javascript"));
    assert!(ct("/assets/style.css").starts_with("text/css"));
    assert!(ct("/").starts_with("text/html"));
    assert_eq!(sim.raw("GET", "/", None).text(), INDEX);
}

#[test]
fn client_routes_fall_back_to_index_html() {
    let sim = page_sim("routes");
    for path in [
        "/profiles",
        "/profiles/1b0f6a2e-5c30-11ee-8f4a-005056bb1a02/CORP%5Cjdoe",
        "/profiles/x/j%C3%BCrgen.m%C3%BCller",
        "/missing.js",
        "/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let r = sim.raw("GET", path, None);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert_eq!(r.text(), INDEX, "{path}");
    }
}

#[test]
fn api_paths_are_never_served_from_dist() {
    let sim = page_sim("api");
    let r = sim.raw("GET", "/api/unknown", None);
    assert_eq!(r.status, 401);
    assert!(r.header("content-type").unwrap().contains("json"));
}

#[test]
fn without_dist_only_the_api_is_served() {
    let sim = Sim::demo();
    assert_eq!(sim.raw("GET", "/", None).status, 404);
    assert_eq!(sim.raw("GET", "/profiles", None).status, 404);
}
