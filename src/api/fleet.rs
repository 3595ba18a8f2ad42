//! `clusters.json` beside the page (issue 19): the clusters a fleet deployment lists, each
//! with the API base the page puts an ONTAP path after
//! (`{"clusters":[{"name":"prod-a","api":"/clusters/prod-a/api"}]}`), and the Unified Manager
//! API gateways it lists (`"gateways":[{"name":"aiqum","api":"/um/api"}]`: Unified Manager's
//! `/api` behind the page's origin; its clusters are learnt from the gateway). Read once at start by
//! the second wasm module; a 404, or the web server's fallback page instead of JSON, means
//! the single-cluster page. Problems are data, with the line they are on; the words are
//! `components::explain`'s.

use serde::Deserialize;

/// The file's address, relative to the page (a page served under a prefix finds its own).
pub(crate) const CLUSTERS_FILE: &str = "clusters.json";

/// One cluster the file lists, as it lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The name the deployment gives it (its address segment); unique within the file.
    pub name: String,
    /// The API base on the page's origin, without a trailing `/`.
    pub api: String,
    /// The line of the file its record starts on (1-based).
    pub line: usize,
}

/// Something wrong in the file, with the line it is on (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub kind: ProblemKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not JSON from here on (serde's category and the column, never the text itself).
    Syntax { column: usize, what: String },
    /// No `"clusters": [...]` nor `"gateways": [...]` list.
    NoList,
    /// A record that is not `{"name": ..., "api": ...}` with two strings.
    BadRecord,
    /// A name that cannot stand in an address (letters, digits, `-`, `_`, `.`).
    BadName(String),
    /// An API base that is not a path on this origin (starting `/`, without `..`).
    BadApi { name: String },
    /// The same name again: left out; `first` is the line of the one kept.
    Twice { name: String, first: usize },
}

/// What the file says: the clusters and gateways to use, in its order, and what was left out
/// and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fleet {
    pub clusters: Vec<Entry>,
    /// Unified Manager API gateways: `api` is Unified Manager's `/api` as this origin serves it.
    pub gateways: Vec<Entry>,
    pub problems: Vec<Problem>,
}

#[derive(Deserialize)]
struct Record {
    name: String,
    api: String,
}

/// A name that stands in a path segment as it is: ontap-model's rule, the emulator's too.
pub(crate) use ontap_model::cluster::fits_a_path as valid_name;

fn valid_api(api: &str) -> bool {
    api.starts_with('/')
        && !api.starts_with("//")
        && !api.contains('\\')
        && !api.contains('?')
        && !api.contains('#')
        && !api.split('/').any(|s| s == ".." || s == ".")
}

/// Reads the file. A whole file that is not JSON is reported at the line serde stopped on,
/// and every record that reads on its own is still used (one broken record does not take the
/// fleet down); a record named twice is kept once, the first time.
pub fn parse(text: &str) -> Fleet {
    let mut fleet = Fleet::default();
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        fleet.problems.push(Problem {
            line: e.line().max(1),
            kind: ProblemKind::Syntax {
                column: e.column(),
                what: format!("{:?}", e.classify()).to_lowercase(),
            },
        });
    }
    let records = records(text);
    if records.is_empty() && fleet.problems.is_empty() {
        fleet.problems.push(Problem {
            line: 1,
            kind: ProblemKind::NoList,
        });
    }
    for (line, list, raw) in records {
        let kind = match serde_json::from_str::<Record>(raw) {
            Err(_) => Some(ProblemKind::BadRecord),
            Ok(r) if !valid_name(&r.name) => Some(ProblemKind::BadName(r.name)),
            Ok(r) if !valid_api(&r.api) => Some(ProblemKind::BadApi { name: r.name }),
            // One name space for clusters and gateways: a row says "through NAME".
            Ok(r) => match fleet
                .clusters
                .iter()
                .chain(&fleet.gateways)
                .find(|c| c.name == r.name)
            {
                Some(first) => Some(ProblemKind::Twice {
                    name: r.name,
                    first: first.line,
                }),
                None => {
                    let entry = Entry {
                        name: r.name,
                        api: r.api.trim_end_matches('/').to_owned(),
                        line,
                    };
                    match list {
                        List::Gateways => fleet.gateways.push(entry),
                        List::Clusters => fleet.clusters.push(entry),
                    }
                    None
                }
            },
        };
        if let Some(kind) = kind {
            fleet.problems.push(Problem { line, kind });
        }
    }
    fleet
}

/// Which list of the file a record is in: the last key of the outer object before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    Clusters,
    Gateways,
}

/// The records of the `clusters` and `gateways` lists: each `{...}` one level inside the outer
/// object's arrays, with the line it starts on and its list; strings (and the braces in them)
/// skipped. A record cut short by a missing `}` ends where the next one starts on a line of
/// its own, so that it alone is lost.
fn records(text: &str) -> Vec<(usize, List, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut line) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    let mut start: Option<(usize, usize)> = None;
    let mut line_start_blank = true;
    let mut list = List::Clusters;
    let mut string_start = 0;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    in_string = false;
                    if depth == 1 {
                        match &text[string_start..i] {
                            "gateways" => list = List::Gateways,
                            "clusters" => list = List::Clusters,
                            _ => {}
                        }
                    }
                }
                '\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                string_start = i + 1;
            }
            '\n' => {
                line += 1;
                line_start_blank = true;
                continue;
            }
            '{' if start.is_some() && line_start_blank && depth >= 2 => {
                // A record starting on its own line while another is open: the open one was
                // never closed. It is kept as it is (it will not read) and this one starts.
                if let Some((s, l)) = start.take() {
                    out.push((l, list, &text[s..i]));
                }
                depth = 2;
                start = Some((i, line));
            }
            '{' => {
                depth += 1;
                if depth == 2 {
                    start = Some((i, line));
                }
            }
            '}' => {
                if depth == 2 {
                    if let Some((s, l)) = start.take() {
                        out.push((l, list, &text[s..=i]));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if !c.is_whitespace() {
            line_start_blank = false;
        }
    }
    if let Some((s, l)) = start {
        out.push((l, list, &text[s..]));
    }
    out
}

/// What fetching the file came to.
pub enum Found {
    /// No file (404, or the server's page for unknown paths): one cluster, as before.
    Single,
    Fleet(Fleet),
    /// No answer (the network, or none within [`CLUSTERS_TIMEOUT_MS`]): the page cannot tell
    /// whether it is a fleet's, so nothing may be signed in to yet.
    Unanswered,
}

/// Where `clusters.json` is: beside the page's own files, whatever the address the page was
/// opened at (a deep link such as `/fleet/{uuid}/profiles` must not look for
/// `/fleet/{uuid}/clusters.json`). The page's first script is one of its own files.
fn clusters_url() -> String {
    let src = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("script[src]").ok().flatten())
        .and_then(|s| s.get_attribute("src"));
    beside(src.as_deref())
}

/// `clusters.json` in the folder of the script at `src` (relative to the document when the
/// script's address is).
fn beside(src: Option<&str>) -> String {
    match src.and_then(|s| s.rfind('/').map(|i| &s[..=i])) {
        Some(dir) => format!("{dir}{CLUSTERS_FILE}"),
        None => CLUSTERS_FILE.to_owned(),
    }
}

/// Fetches `clusters.json` beside the page. Any answer but JSON with status 200 is "no
/// fleet": the page stays the single-cluster page it was. No answer within
/// [`CLUSTERS_TIMEOUT_MS`] is [`Found::Unanswered`].
pub async fn fetch() -> Found {
    // Built as the transport builds its requests (`http.rs`): gloo-net's own builder would
    // bring URL parsing into the JS glue, which the first load shares.
    // A Sign in waits for this answer: a file that never comes must not hold it for ever.
    if web_sys::window().is_none() {
        return Found::Single;
    }
    let Ok(controller) = web_sys::AbortController::new() else {
        return Found::Single;
    };
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&controller.signal()));
    let Ok(request) = web_sys::Request::new_with_str_and_init(&clusters_url(), &init) else {
        return Found::Single;
    };
    let _timeout = crate::platform::AbortAfter::new(&controller, CLUSTERS_TIMEOUT_MS);
    read_file(request).await
}

/// How long `clusters.json`, a small static file beside the page, may take.
const CLUSTERS_TIMEOUT_MS: u32 = 10_000;

async fn read_file(request: web_sys::Request) -> Found {
    let Ok(resp) = gloo_net::http::Request::from(request).send().await else {
        return Found::Unanswered;
    };
    let json = resp
        .headers()
        .get("Content-Type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    if resp.status() != 200 || !json {
        return Found::Single;
    }
    match resp.binary().await {
        Ok(bytes) => Found::Fleet(parse(&String::from_utf8_lossy(&bytes))),
        Err(_) => Found::Unanswered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"clusters": [
  {"name": "prod-a", "api": "/clusters/prod-a/api"},
  {"name": "prod-b", "api": "/clusters/prod-b/api/"}
]}"#;

    #[test]
    fn the_file_is_looked_for_beside_the_pages_script() {
        assert_eq!(beside(Some("/early-1a2b.js")), "/clusters.json");
        assert_eq!(beside(Some("/totp/early-1a2b.js")), "/totp/clusters.json");
        assert_eq!(beside(Some("early.js")), "clusters.json");
        assert_eq!(beside(None), "clusters.json");
    }

    #[test]
    fn a_good_file_lists_its_clusters_with_their_lines() {
        let f = parse(GOOD);
        assert_eq!(f.problems, []);
        let names: Vec<_> = f
            .clusters
            .iter()
            .map(|c| (c.name.as_str(), c.api.as_str(), c.line))
            .collect();
        assert_eq!(
            names,
            [
                ("prod-a", "/clusters/prod-a/api", 2),
                ("prod-b", "/clusters/prod-b/api", 3)
            ]
        );
        // The emulator's generated file, on one line.
        let f = parse(
            r#"{"clusters":[{"name":"cluster1","api":"/clusters/cluster1/api"},{"name":"c2","api":"/clusters/c2/api"}]}"#,
        );
        assert_eq!((f.clusters.len(), f.problems.len()), (2, 0));
    }

    #[test]
    fn a_name_given_twice_is_kept_once_and_named_with_both_lines() {
        let text = "{\"clusters\": [\n {\"name\": \"a\", \"api\": \"/clusters/a/api\"},\n {\"name\": \"b\", \"api\": \"/clusters/b/api\"},\n {\"name\": \"a\", \"api\": \"/clusters/other/api\"}\n]}";
        let f = parse(text);
        assert_eq!(f.clusters.len(), 2);
        assert_eq!(f.clusters[0].api, "/clusters/a/api");
        assert_eq!(
            f.problems,
            [Problem {
                line: 4,
                kind: ProblemKind::Twice {
                    name: "a".into(),
                    first: 2
                }
            }]
        );
    }

    #[test]
    fn a_broken_record_is_named_by_line_and_the_others_still_read() {
        // Line 3 lacks its closing brace and the comma.
        let text = "{\"clusters\": [\n {\"name\": \"a\", \"api\": \"/clusters/a/api\"},\n {\"name\": \"b\", \"api\": \"/clusters/b/api\"\n {\"name\": \"c\", \"api\": \"/clusters/c/api\"}\n]}";
        let f = parse(text);
        let names: Vec<_> = f.clusters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
        assert!(matches!(
            f.problems[0],
            Problem {
                line: 4,
                kind: ProblemKind::Syntax { .. }
            }
        ));
        assert_eq!(
            f.problems[1],
            Problem {
                line: 3,
                kind: ProblemKind::BadRecord
            }
        );
    }

    #[test]
    fn gateways_are_read_beside_clusters_with_their_lines_and_the_same_checks() {
        let text = "{\"gateways\": [\n  {\"name\": \"aiqum\", \"api\": \"/um/api/\"},\n  {\"name\": \"bad\", \"api\": \"https://um.example/api\"}\n],\n\"clusters\": [\n  {\"name\": \"aiqum\", \"api\": \"/clusters/aiqum/api\"},\n  {\"name\": \"prod-a\", \"api\": \"/clusters/prod-a/api\"}\n]}";
        let f = parse(text);
        assert_eq!(
            f.gateways,
            [Entry {
                name: "aiqum".into(),
                api: "/um/api".into(),
                line: 2
            }]
        );
        let names: Vec<_> = f.clusters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["prod-a"]);
        assert_eq!(
            f.problems,
            [
                Problem {
                    line: 3,
                    kind: ProblemKind::BadApi { name: "bad".into() }
                },
                // A cluster may not take a gateway's name: rows say "through aiqum".
                Problem {
                    line: 6,
                    kind: ProblemKind::Twice {
                        name: "aiqum".into(),
                        first: 2
                    }
                },
            ]
        );
        // A file that lists only a gateway is a fleet of the gateway's clusters.
        let f = parse(r#"{"gateways":[{"name":"um","api":"/um/api"}]}"#);
        assert_eq!(
            (f.clusters.len(), f.gateways.len(), f.problems.len()),
            (0, 1, 0)
        );
        // A key named "gateways" inside a record changes nothing.
        let f = parse(
            r#"{"clusters":[{"name":"a","api":"/c/a/api","gateways":"x"},{"name":"b","api":"/c/b/api"}]}"#,
        );
        assert_eq!((f.clusters.len(), f.gateways.len()), (2, 0));
    }

    #[test]
    fn bad_names_bases_and_shapes_are_refused() {
        let text = "{\"clusters\": [\n{\"name\": \"../x\", \"api\": \"/clusters/x/api\"},\n{\"name\": \"y\", \"api\": \"https://evil.example/api\"},\n{\"name\": \"z\", \"api\": \"/clusters/../api\"},\n{\"name\": \"w\"},\n{\"name\": \"ok\", \"api\": \"/clusters/ok/api\"}]}";
        let f = parse(text);
        assert_eq!(f.clusters.len(), 1);
        let kinds: Vec<_> = f
            .problems
            .iter()
            .map(|p| (p.line, p.kind.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                (2, ProblemKind::BadName("../x".into())),
                (3, ProblemKind::BadApi { name: "y".into() }),
                (4, ProblemKind::BadApi { name: "z".into() }),
                (5, ProblemKind::BadRecord),
            ]
        );
        // Braces inside a string are not records.
        let f = parse(r#"{"clusters":[{"name":"a","api":"/c/{x}/api"}]}"#);
        assert_eq!(f.clusters[0].api, "/c/{x}/api");
        // Not a list at all.
        assert_eq!(parse("{}").problems[0].kind, ProblemKind::NoList);
        assert!(matches!(
            parse("not json").problems[0].kind,
            ProblemKind::Syntax { .. }
        ));
    }
}
