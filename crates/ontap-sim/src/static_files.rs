//! Serving the page: the files of `dist/` at `/`, and `index.html` for every other path (the
//! page's client-side routes, like `/profiles/<uuid>/<name>`).

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use axum::response::Response;
use ontap_model::totp::decode_segment;

/// The Content-Type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The file a URL path names inside `dist`, if the path is safe (no `..`, no `.` segment).
fn file_for(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let mut out = dist.to_path_buf();
    for seg in url_path.split('/').filter(|s| !s.is_empty()) {
        let seg = decode_segment(seg)?;
        if seg == ".." || seg == "." || seg.contains('/') || seg.contains('\0') {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(text))
        .unwrap_or_default()
}

/// Answers a request outside `/api` from `dist`.
pub async fn serve(dist: &Path, method: &Method, url_path: &str) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let mut file = file_for(dist, url_path).unwrap_or_else(|| dist.join("index.html"));
    if file.is_dir() {
        file.push("index.html");
    }
    if !file.is_file() {
        file = dist.join("index.html");
    }
    match tokio::fs::read(&file).await {
        Ok(bytes) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type(&file))
            .header(header::CACHE_CONTROL, "no-cache")
            .body(if method == Method::HEAD {
                Body::empty()
            } else {
                Body::from(bytes)
            })
            .unwrap_or_default(),
        Err(_) => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_dist() {
        let d = Path::new("/srv/dist");
        assert_eq!(file_for(d, "/a/b.js"), Some(d.join("a/b.js")));
        assert_eq!(file_for(d, "/"), Some(d.to_path_buf()));
        assert_eq!(file_for(d, "/../etc/passwd"), None);
        assert_eq!(file_for(d, "/%2e%2e/etc/passwd"), None);
        assert_eq!(file_for(d, "/a%2F..%2F..%2Fx"), None);
    }

    #[test]
    fn wasm_and_friends_have_their_types() {
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
        assert!(content_type(Path::new("x.js")).starts_with("text/javascript"));
        assert!(content_type(Path::new("a.CSS")).starts_with("text/css"));
        assert!(content_type(Path::new("index.html")).starts_with("text/html"));
    }
}
