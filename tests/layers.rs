//! The layering of `src/` (written in `src/lib.rs`) is kept: no module imports one of a higher
//! layer, and no two modules of one layer import each other.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Module → layer, from the `layer N: a, b` lines of `src/lib.rs`.
fn layers(lib: &str) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim_start_matches("//!").trim().strip_prefix("layer ") else {
            continue;
        };
        let (n, modules) = rest.split_once(':').expect("`layer N: modules`");
        let n: usize = n.trim().parse().expect("a layer number");
        for m in modules.split(',') {
            map.insert(m.trim().to_owned(), n);
        }
    }
    map
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a line without its `//` comment (string contents are not special-cased: a
/// `crate::` inside a string literal would count, which the crate's sources do not have).
fn code_of(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

/// Every top-level module named by a `crate::NAME` path in `text`.
fn imports(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_use_group = false;
    for (n, line) in text.lines().enumerate() {
        let code = code_of(line);
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a, b::c}`: every first segment in the group.
                in_use_group = !group.contains('}');
                found.extend(first_segments(group).into_iter().map(|m| (n + 1, m)));
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                found.push((n + 1, name));
            }
        }
        if in_use_group && !code.contains("crate::") {
            found.extend(first_segments(code).into_iter().map(|m| (n + 1, m)));
            if code.contains('}') {
                in_use_group = false;
            }
        }
    }
    found
}

/// `a, b::{c, d}, e` → `[a, b, e]` (first path segments at nesting depth 0).
fn first_segments(group: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut at_start = true;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_start = true,
            c if depth == 0 && at_start && (c.is_ascii_alphanumeric() || c == '_') => {
                current.push(c);
            }
            _ if depth == 0 && at_start && !current.is_empty() => {
                out.push(std::mem::take(&mut current));
                at_start = false;
            }
            _ => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[test]
fn no_module_imports_a_higher_layer_or_a_sibling() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(root.join("lib.rs")).unwrap();
    let layers = layers(&lib);
    assert!(layers.len() > 5, "no layer list found in src/lib.rs");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&root).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let own = *layers
            .get(&module)
            .unwrap_or_else(|| panic!("module `{module}` is in no layer of src/lib.rs"));
        let text = fs::read_to_string(file).unwrap();
        for (line, target) in imports(&text) {
            if target == module || target.is_empty() {
                continue;
            }
            let Some(&theirs) = layers.get(&target) else {
                violations.push(format!(
                    "{}:{line}: `crate::{target}` is in no layer",
                    rel.display()
                ));
                continue;
            };
            if theirs >= own {
                violations.push(format!(
                    "{}:{line}: `{module}` (layer {own}) imports `{target}` (layer {theirs})",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports against the layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_import_scanner_reads_groups_and_paths() {
    let text = "use crate::diag::{Finding, Text};\nuse crate::{\n    model::Model,\n    source::{self, SourceSet},\n};\nfn f() { crate::base::sanitize::escape_controls(\"\"); } // crate::cli\n";
    let found: Vec<String> = imports(text).into_iter().map(|(_, m)| m).collect();
    assert_eq!(found, ["diag", "model", "source", "base"]);
}
