//! Every function of the host API's WIT has a reference entry in `docs/host-api.md`, and the
//! reference names no function the WIT does not have.
//!
//! The invariant: for each `interface NAME { ... }` in `host-api/wit/*.wit` and each
//! `FUNC: func(...)` directly inside it, `docs/host-api.md` has exactly one level-3 heading whose
//! text is `NAME.FUNC` (``### view.set-data``, backticks around it allowed). In the other
//! direction, every `NAME.ITEM` the document mentions, where `NAME` is a WIT interface, must be
//! a function or a type of that interface: a renamed or removed function leaves no stale entry.
//!
//! The scanner is deliberately small: it drops `//`, `///` and `/* */` comments, then tracks
//! brace depth, so record fields and enum cases (one level deeper) are never taken for
//! functions. It needs no WIT parser, so a WIT the sandbox cannot bind still gets a clear
//! message here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What one interface declares: its functions and the names of its types.
#[derive(Debug, Default)]
struct Interface {
    funcs: BTreeSet<String>,
    types: BTreeSet<String>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `text` without comments: `//` (and `///`) to the end of the line, `/* */` blocks.
/// Newlines are kept so that positions stay on their lines.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'/') {
            for d in chars.by_ref() {
                if d == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut prev = '\0';
            for d in chars.by_ref() {
                if d == '\n' {
                    out.push('\n');
                }
                if prev == '*' && d == '/' {
                    break;
                }
                prev = d;
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits WIT source into identifiers (kebab-case, `%` escapes removed) and single punctuation
/// characters.
fn tokens(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in src.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '%' {
            if c != '%' {
                cur.push(c);
            }
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The interfaces of one WIT file, by name.
fn scan_wit(file: &Path, text: &str) -> BTreeMap<String, Interface> {
    let toks = tokens(&strip_comments(text));
    let mut found = BTreeMap::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == "interface" && toks.get(i + 2).map(String::as_str) == Some("{") {
            let name = toks[i + 1].clone();
            let mut iface = Interface::default();
            let mut depth = 1usize;
            let mut j = i + 3;
            while j < toks.len() && depth > 0 {
                match toks[j].as_str() {
                    "{" => depth += 1,
                    "}" => depth -= 1,
                    // `NAME: func(` directly in the interface body.
                    ":" if depth == 1 && toks.get(j + 1).map(String::as_str) == Some("func") => {
                        iface.funcs.insert(toks[j - 1].clone());
                    }
                    "record" | "enum" | "variant" | "flags" | "resource" | "type" if depth == 1 => {
                        if let Some(t) = toks.get(j + 1) {
                            iface.types.insert(t.clone());
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            assert_eq!(depth, 0, "{}: interface {name} is not closed", file.display());
            found.insert(name, iface);
            i = j;
        } else {
            i += 1;
        }
    }
    found
}

/// Every interface of every `host-api/wit/*.wit` file.
fn scan_all() -> BTreeMap<String, Interface> {
    let dir = repo_root().join("host-api/wit");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "wit"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .wit files in {}", dir.display());
    let mut all = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        for (name, iface) in scan_wit(&file, &text) {
            assert!(!all.contains_key(&name), "interface {name} is declared twice ({})", file.display());
            all.insert(name, iface);
        }
    }
    all
}

fn read_doc() -> String {
    let path = repo_root().join("docs/host-api.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The text of every `### ` heading, with backticks around it removed.
fn headings(doc: &str) -> Vec<(usize, String)> {
    doc.lines()
        .enumerate()
        .filter_map(|(n, line)| line.strip_prefix("### ").map(|h| (n + 1, h.trim().trim_matches('`').to_string())))
        .collect()
}

/// Every `A.B` in the document (A and B kebab-case identifiers, A not preceded by an identifier
/// character, `/` or `.`, B not a file extension), with its line number.
fn dotted_mentions(doc: &str) -> Vec<(usize, String, String)> {
    fn ident(c: char) -> bool {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    }
    let mut out = Vec::new();
    for (n, line) in doc.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let starts = chars[i].is_ascii_lowercase()
                && (i == 0 || !(ident(chars[i - 1]) || chars[i - 1].is_ascii_alphanumeric() || "/._:".contains(chars[i - 1])));
            if !starts {
                i += 1;
                continue;
            }
            let a_end = (i..chars.len()).find(|&k| !ident(chars[k])).unwrap_or(chars.len());
            if a_end + 1 < chars.len() && chars[a_end] == '.' && chars[a_end + 1].is_ascii_lowercase() {
                let b_end = (a_end + 1..chars.len()).find(|&k| !ident(chars[k])).unwrap_or(chars.len());
                let a: String = chars[i..a_end].iter().collect();
                let b: String = chars[a_end + 1..b_end].iter().collect();
                let next = chars.get(b_end).copied();
                // `view.wit`, `net.rs`; `a.b.c` and `a.b/c` are paths or hosts, not calls.
                let file_like = ["wit", "rs", "md", "json", "toml"].contains(&b.as_str())
                    || next == Some('/')
                    || (next == Some('.') && chars.get(b_end + 1).is_some_and(|c| c.is_ascii_alphanumeric()));
                if !file_like {
                    out.push((n + 1, a, b.trim_end_matches('-').to_string()));
                }
                i = b_end;
            } else {
                i = a_end;
            }
        }
    }
    out
}

#[test]
fn the_scanner_finds_the_whole_host_api() {
    let all = scan_all();
    let funcs: usize = all.values().map(|i| i.funcs.len()).sum();
    assert!(funcs >= 40, "only {funcs} functions found in host-api/wit: the scanner is broken");
    for name in ["view", "nav", "net", "storage", "ui", "timer", "sys", "auth", "device", "lifecycle", "page-events", "component-events"] {
        assert!(all.get(name).is_some_and(|i| !i.funcs.is_empty()), "interface {name} not found or empty");
    }
    assert!(all["view"].funcs.contains("set-data-then"));
    // Record fields are not functions.
    assert!(!all["net"].funcs.contains("url"));
    assert!(all["net"].types.contains("request-options"));
}

#[test]
fn the_scanner_skips_comments_and_nested_bodies() {
    let wit = "/// interface fake {\n// ghost: func();\ninterface real {\n  /* gone: func(); */\n  record r { f: u32, }\n  %use: func(a: u32) -> u32; // trailing: func()\n  b: func();\n}\n";
    let found = scan_wit(Path::new("inline.wit"), wit);
    assert_eq!(found.keys().collect::<Vec<_>>(), ["real"]);
    assert_eq!(found["real"].funcs.iter().collect::<Vec<_>>(), ["b", "use"]);
    assert_eq!(found["real"].types.iter().collect::<Vec<_>>(), ["r"]);
}

#[test]
fn every_wit_function_has_a_reference_heading() {
    let all = scan_all();
    let doc = read_doc();
    let heads = headings(&doc);
    let mut seen: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (line, h) in &heads {
        seen.entry(h.as_str()).or_default().push(*line);
    }
    let mut missing = Vec::new();
    let mut doubled = Vec::new();
    for (iface, decl) in &all {
        for f in &decl.funcs {
            let key = format!("{iface}.{f}");
            match seen.get(key.as_str()) {
                None => missing.push(key),
                Some(lines) if lines.len() > 1 => doubled.push(format!("{key} (lines {lines:?})")),
                Some(_) => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/host-api.md has no `### interface.function` heading for {} WIT function(s):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
    assert!(doubled.is_empty(), "docs/host-api.md documents these more than once:\n  {}", doubled.join("\n  "));
}

#[test]
fn the_reference_names_no_function_the_wit_lacks() {
    let all = scan_all();
    let doc = read_doc();
    let mut stale = Vec::new();
    let heads = headings(&doc);
    // Headings of the form `### a.b` must all be WIT functions.
    for (line, h) in &heads {
        let (line, h) = (*line, h.as_str());
        if let Some((a, b)) = h.split_once('.') {
            let is_func = all.get(a).is_some_and(|i| i.funcs.contains(b));
            let looks_like_call = !a.is_empty() && !b.is_empty() && !h.contains(' ');
            if looks_like_call && !is_func {
                stale.push(format!("line {line}: heading `### {h}`"));
            }
        }
    }
    // Any `interface.item` in the text must be a function or a type of that interface
    // (heading lines were checked above).
    let heading_lines: BTreeSet<usize> = heads.iter().map(|(n, _)| *n).collect();
    for (line, a, b) in dotted_mentions(&doc) {
        if heading_lines.contains(&line) {
            continue;
        }
        if let Some(iface) = all.get(&a) {
            if !iface.funcs.contains(&b) && !iface.types.contains(&b) {
                stale.push(format!("line {line}: `{a}.{b}`"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/host-api.md names {} interface item(s) that host-api/wit does not declare:\n  {}",
        stale.len(),
        stale.join("\n  ")
    );
}
