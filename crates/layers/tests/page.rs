//! The page crate's own module graph (`../../src`): no circle between its files, each layer
//! using only the layers below it (docs/architecture.md), and no screen using another's files.

use std::path::Path;

use layers::{across_pages, circles, top, upward, Tree};

/// The layers, lowest first: a file may use its own layer and those below.
fn rank(module: &str) -> Option<u32> {
    Some(match module {
        "platform" | "text" | "fatal" => 0,
        "api" => 1,
        "session" => 2,
        "store" | "tables" | "routes" => 3,
        "components" => 4,
        "pages" => 5,
        "shell" => 6,
        // lib.rs declares the modules; it is the crate root, above every layer.
        "lib" => return None,
        other => panic!("src/{other}: a top-level module with no layer: add it to the table in crates/layers/tests/page.rs and to docs/architecture.md"),
    })
}

/// The page's `src/`, or the tree `LAYERS_SRC` names (to check another checkout).
fn page_tree() -> Tree {
    let src = std::env::var_os("LAYERS_SRC")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src"));
    Tree::read(&src).expect("the page's src/ is readable")
}

#[test]
fn the_page_has_no_circle_between_files() {
    let edges = page_tree().edges();
    assert!(
        edges.len() > 100,
        "too few edges read ({}): is the reader broken?",
        edges.len()
    );
    let found = circles(&edges);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        found.is_empty(),
        "module circles in src/:\n{}",
        shown.join("\n")
    );
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let edges = page_tree().edges();
    for e in &edges {
        rank(top(&e.from));
        rank(top(&e.to));
    }
    let wrong: Vec<String> = upward(&edges, rank)
        .iter()
        .map(|e| format!("src/{}:{} uses src/{}", e.from, e.line, e.to))
        .collect();
    assert!(
        wrong.is_empty(),
        "a layer uses a layer above it:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_screen_uses_another_screens_files() {
    let edges = page_tree().edges();
    let wrong: Vec<String> = across_pages(&edges)
        .iter()
        .map(|e| format!("src/{}:{} uses src/{}", e.from, e.line, e.to))
        .collect();
    assert!(
        wrong.is_empty(),
        "a page uses another page's files (links go through routes.rs, shared state through the store):\n{}",
        wrong.join("\n")
    );
}
