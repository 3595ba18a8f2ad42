//! The reader and the checks on small trees: what counts as a use of another module (inline
//! paths, `use` trees, `super` inside inline modules) and what does not (comments, strings),
//! and that a circle, an upward edge and a page-to-page edge are each found.

use std::collections::BTreeMap;

use layers::{across_pages, circles, strip, upward, Edge, Tree};

fn tree(files: &[(&str, &str)]) -> Tree {
    Tree::from_files(
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn edge(from: &str, line: usize, to: &str) -> Edge {
    Edge {
        from: from.into(),
        line,
        to: to.into(),
    }
}

#[test]
fn comments_strings_and_chars_are_not_code() {
    let s = strip(
        "a // crate::x\nb /* crate::y /* nested */ */ \"crate::z\" r#\"crate::w\"# '\"' '\\'' c",
    );
    assert!(!s.contains("crate"), "{s}");
    assert_eq!(s.lines().count(), 2, "line breaks are kept");
    assert!(s.contains('a') && s.contains('b') && s.ends_with(" c"));
    // A lifetime is not a character literal.
    assert!(strip("fn f<'a>(x: &'a str)").contains("&'a str"));
}

#[test]
fn use_lines_inline_paths_and_trees_are_all_read() {
    let t = tree(&[
        ("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;"),
        (
            "a.rs",
            "use crate::{b::{X, Y}, c::Z};\nfn f() { crate::d::go(); }",
        ),
        ("b.rs", ""),
        ("c.rs", ""),
        ("d/mod.rs", "pub mod e;"),
        (
            "d/e.rs",
            "/// see [`crate::a`]\nfn g() -> super::super::b::X { todo!() }",
        ),
    ]);
    assert_eq!(
        t.edges(),
        vec![
            edge("a.rs", 1, "b.rs"),
            edge("a.rs", 1, "c.rs"),
            edge("a.rs", 2, "d/mod.rs"),
            edge("d/e.rs", 2, "b.rs"),
        ]
    );
}

#[test]
fn super_inside_an_inline_module_is_the_file_itself() {
    let t = tree(&[
        ("lib.rs", "pub mod a; pub mod b;"),
        ("a/mod.rs", "pub mod x;\n#[cfg(test)]\nmod tests {\n    use super::x::Thing;\n    use super::super::b::Other;\n}\nuse super::b;"),
        ("a/x.rs", ""),
        ("b.rs", ""),
    ]);
    assert_eq!(
        t.edges(),
        vec![
            edge("a/mod.rs", 4, "a/x.rs"),
            edge("a/mod.rs", 5, "b.rs"),
            edge("a/mod.rs", 7, "b.rs"),
        ]
    );
}

#[test]
fn a_circle_is_found_through_an_inline_path() {
    let t = tree(&[
        ("lib.rs", "mod api; mod session; mod store;"),
        ("api.rs", "use crate::store::Rows;"),
        ("session.rs", "use crate::api::Client;"),
        ("store.rs", "fn f() { let _ = crate::session::now(); }"),
    ]);
    let c = circles(&t.edges());
    assert_eq!(c.len(), 1, "{c:?}");
    let shown = c[0].to_string();
    for f in ["api.rs:1", "session.rs:1", "store.rs:1"] {
        assert!(shown.contains(f), "{shown}");
    }
    // Without the inline call there is none.
    let t = tree(&[
        ("lib.rs", "mod api; mod session; mod store;"),
        ("api.rs", "use crate::store::Rows;"),
        ("session.rs", "use crate::api::Client;"),
        ("store.rs", "fn f() { /* crate::session::now() */ }"),
    ]);
    assert!(circles(&t.edges()).is_empty());
}

#[test]
fn upward_and_cross_page_edges_are_found() {
    let t = tree(&[
        ("lib.rs", ""),
        ("api/mod.rs", "use crate::session::S;"),
        ("session.rs", "use crate::api::Client;"),
        ("pages/mod.rs", "pub mod a; pub mod b;"),
        ("pages/a/mod.rs", "use crate::pages::b::view;"),
        ("pages/b.rs", "use crate::session::S;"),
    ]);
    let edges = t.edges();
    let rank = |m: &str| match m {
        "api" => Some(1),
        "session" => Some(2),
        "pages" => Some(5),
        _ => None,
    };
    assert_eq!(
        upward(&edges, rank),
        vec![&edge("api/mod.rs", 1, "session.rs")]
    );
    assert_eq!(
        across_pages(&edges),
        vec![&edge("pages/a/mod.rs", 1, "pages/b.rs")]
    );
}
