//! Reads a crate's `src/` and checks its module graph: every `crate::` and `super::` path in
//! the code (in `use` lines, inline in expressions and types, in `use` trees with braces;
//! never in comments or strings) is an edge from the file it is written in to the file of the
//! module it names. A circle between files, an edge from a lower layer to a higher one, or a
//! page that uses another page's files is reported with the files and lines involved.
//!
//! The page crate's rules are in `tests/page.rs`; the reader and the checks are here, tested on
//! small trees of their own.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

/// A module path below the crate root (`["api", "http"]`); empty for the root.
pub type ModPath = Vec<String>;

/// One use of another module: from a file, at a line, of a module path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub line: usize,
    pub to: String,
}

/// The files of a crate (relative path such as `api/http.rs` → text) and their modules.
pub struct Tree {
    files: BTreeMap<String, String>,
    /// Module path → file that holds it (a file module, not an inline one).
    modules: BTreeMap<ModPath, String>,
}

impl Tree {
    /// Reads every `.rs` file below `src`.
    pub fn read(src: &Path) -> std::io::Result<Tree> {
        let mut files = BTreeMap::new();
        let mut stack = vec![src.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let p = entry?.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "rs") {
                    let rel = p
                        .strip_prefix(src)
                        .map_err(std::io::Error::other)?
                        .to_string_lossy()
                        .replace('\\', "/");
                    files.insert(rel, std::fs::read_to_string(&p)?);
                }
            }
        }
        Ok(Tree::from_files(files))
    }

    /// A tree from file texts, by relative path (the tests' way in).
    pub fn from_files(files: BTreeMap<String, String>) -> Tree {
        let modules = files
            .keys()
            .filter_map(|f| module_of(f).map(|m| (m, f.clone())))
            .collect();
        Tree { files, modules }
    }

    /// Every edge between two different files, sorted.
    pub fn edges(&self) -> Vec<Edge> {
        let mut out = BTreeSet::new();
        for (file, text) in &self.files {
            let Some(module) = module_of(file) else {
                continue;
            };
            for (line, target) in paths(&strip(text), &module) {
                if let Some(to) = self.file_of(&target) {
                    if to != *file {
                        out.insert(Edge {
                            from: file.clone(),
                            line,
                            to,
                        });
                    }
                }
            }
        }
        out.into_iter().collect()
    }

    /// The file of the deepest file module on `path` (items and inline modules live in it).
    fn file_of(&self, path: &[String]) -> Option<String> {
        (0..=path.len())
            .rev()
            .find_map(|n| self.modules.get(&path[..n]).cloned())
    }
}

/// The module path of a file: `lib.rs` → `[]`, `api/mod.rs` → `[api]`, `api/http.rs` →
/// `[api, http]`. Binaries (`main.rs`, `bin/`) are not modules of the library.
fn module_of(file: &str) -> Option<ModPath> {
    if file == "main.rs" || file.starts_with("bin/") {
        return None;
    }
    let stem = file.strip_suffix(".rs")?;
    let mut parts: Vec<String> = stem.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    Some(parts)
}

/// The text with comments, strings and character literals blanked (line breaks kept, so that
/// line numbers stay true).
pub fn strip(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !ident_char(b.get(i.wrapping_sub(1)).copied())
        {
            // A raw string: r"…", r#"…"#, with as many # as it opened with.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < b.len() {
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &b[i..j.min(b.len())] {
                out.push(blank(ch));
            }
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), not a lifetime ('a).
            let end = if next == Some('\\') {
                b.get(i + 3..)
                    .and_then(|rest| rest.iter().position(|&ch| ch == '\''))
                    .map(|p| i + 3 + p)
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    for _ in i..=e {
                        out.push(' ');
                    }
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Every module path the (stripped) code names, with its line: `crate::a::b` and `super::c`
/// (resolved against the module the text is in, inline `mod name { … }` blocks included), and
/// each leaf of a `use` tree such as `crate::a::{b, c::{d, e}}`.
pub fn paths(code: &str, module: &[String]) -> Vec<(usize, ModPath)> {
    let toks = tokens(code);
    let mut out = Vec::new();
    // Inline modules open at a brace depth; their names extend the module path.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let (line, t) = (&toks[i].0, toks[i].1.as_str());
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" => {
                if let (Some(name), Some(open)) = (toks.get(i + 1), toks.get(i + 2)) {
                    if open.1 == "{" {
                        inline.push((name.1.clone(), depth));
                    }
                }
            }
            "crate" | "super"
                if toks.get(i + 1).is_some_and(|t| t.1 == "::") && !after_colons(&toks, i) =>
            {
                let mut here: ModPath = module.to_vec();
                here.extend(inline.iter().map(|(n, _)| n.clone()));
                let mut base: ModPath = if t == "crate" { Vec::new() } else { here };
                let mut j = i;
                if t == "super" {
                    base.pop();
                    j += 2;
                    while toks.get(j).is_some_and(|t| t.1 == "super")
                        && toks.get(j + 1).is_some_and(|t| t.1 == "::")
                    {
                        base.pop();
                        j += 2;
                    }
                } else {
                    j += 2;
                }
                let line = *line;
                j = use_tree(&toks, j, base, line, &mut out);
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// True when the token before `i` is `::` (as in `$crate::` or `x::super`): not a path start.
fn after_colons(toks: &[(usize, String)], i: usize) -> bool {
    i > 0 && toks[i - 1].1 == "::"
}

/// Reads a path (or a brace group of paths) starting at token `j` below `base`; pushes each
/// path found; returns the index after it.
fn use_tree(
    toks: &[(usize, String)],
    mut j: usize,
    mut base: ModPath,
    line: usize,
    out: &mut Vec<(usize, ModPath)>,
) -> usize {
    loop {
        match toks.get(j).map(|t| t.1.as_str()) {
            Some("{") => {
                j += 1;
                loop {
                    match toks.get(j).map(|t| t.1.as_str()) {
                        Some("}") => return j + 1,
                        Some(",") => j += 1,
                        None => return j,
                        Some(_) => {
                            let l = toks[j].0;
                            j = use_tree(toks, j, base.clone(), l, out);
                        }
                    }
                }
            }
            Some(seg) if is_ident(seg) => {
                if seg != "self" {
                    base.push(seg.to_owned());
                }
                j += 1;
                if toks.get(j).is_some_and(|t| t.1 == "::") {
                    j += 1;
                    continue;
                }
                out.push((line, base));
                return j;
            }
            _ => {
                out.push((line, base));
                return j;
            }
        }
    }
}

fn is_ident(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers, `::`, braces and commas, each with its line; everything else is dropped or a
/// separator.
fn tokens(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut line = 1;
    let b: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let s = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push((line, b[s..i].iter().collect()));
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push((line, "::".into()));
            i += 2;
        } else if matches!(c, '{' | '}' | ',' | '*') {
            out.push((line, c.to_string()));
            i += 1;
        } else {
            out.push((line, " ".into()));
            i += 1;
        }
    }
    // Separators only matter between tokens that would otherwise look adjacent.
    out.dedup_by(|a, b| a.1 == " " && b.1 == " ");
    out.retain(|t| t.1 != " ");
    out
}

/// A circle: files that reach each other through their edges (one edge of each shown).
#[derive(Debug, PartialEq, Eq)]
pub struct Circle(pub Vec<Edge>);

impl fmt::Display for Circle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}:{} → {}", e.from, e.line, e.to))
            .collect();
        write!(f, "circle: {}", parts.join(", "))
    }
}

/// Every circle between files: each strongly connected group of two or more files, shown as
/// one cycle through it.
pub fn circles(edges: &[Edge]) -> Vec<Circle> {
    let mut graph: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
    for e in edges {
        graph.entry(&e.from).or_default().push(e);
        graph.entry(&e.to).or_default();
    }
    let mut out = Vec::new();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    for &start in graph.keys() {
        if reported.contains(start) {
            continue;
        }
        // Breadth-first from start back to start gives the shortest circle through it.
        let mut prev: BTreeMap<&str, &Edge> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut closing: Option<&Edge> = None;
        while let Some(n) = queue.pop_front() {
            for e in &graph[n] {
                if e.to == start {
                    closing = Some(e);
                    break;
                }
                if !prev.contains_key(e.to.as_str()) && e.to != start {
                    prev.insert(&e.to, e);
                    queue.push_back(&e.to);
                }
            }
            if closing.is_some() {
                break;
            }
        }
        if let Some(last) = closing {
            let mut cycle = vec![last.clone()];
            let mut at = last.from.as_str();
            while at != start {
                let e = prev[at];
                cycle.push(e.clone());
                at = &e.from;
            }
            cycle.reverse();
            for e in &cycle {
                reported.insert(graph.get_key_value(e.from.as_str()).map_or("", |(k, _)| k));
            }
            out.push(Circle(cycle));
        }
    }
    out
}

/// The top-level module of a file (`api/http.rs` → `api`, `lib.rs` → ``).
pub fn top(file: &str) -> &str {
    match file.split_once('/') {
        Some((dir, _)) => dir,
        None => file.strip_suffix(".rs").unwrap_or(file),
    }
}

/// The screen a file of `pages/` belongs to (`pages/enroll/qr.rs` → `enroll`,
/// `pages/changes.rs` → `changes`); `None` outside `pages/` and for `pages/mod.rs`.
pub fn page(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("pages/")?;
    let name = match rest.split_once('/') {
        Some((dir, _)) => dir,
        None => rest.strip_suffix(".rs")?,
    };
    (name != "mod").then_some(name)
}

/// The edges that go from a lower layer to a higher one, by `rank` of each top-level module
/// (`None`: not ranked, not checked).
pub fn upward<'a>(edges: &'a [Edge], rank: impl Fn(&str) -> Option<u32>) -> Vec<&'a Edge> {
    edges
        .iter()
        .filter(|e| match (rank(top(&e.from)), rank(top(&e.to))) {
            (Some(a), Some(b)) => b > a,
            _ => false,
        })
        .collect()
}

/// The edges from one screen's files to another's.
pub fn across_pages(edges: &[Edge]) -> Vec<&Edge> {
    edges
        .iter()
        .filter(|e| matches!((page(&e.from), page(&e.to)), (Some(a), Some(b)) if a != b))
        .collect()
}
