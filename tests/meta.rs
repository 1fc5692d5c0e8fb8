//! Registry ↔ fixtures ↔ docs consistency (clippy-style meta-tests).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, root};
use std::collections::BTreeSet;

fn codes() -> Vec<String> {
    let out = align(&["rules"]);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn every_code_has_a_fixture() {
    let mut dirs = BTreeSet::new();
    for area in std::fs::read_dir(root().join("tests/fixtures")).unwrap() {
        for case in std::fs::read_dir(area.unwrap().path()).unwrap() {
            dirs.insert(case.unwrap().file_name().to_string_lossy().into_owned());
        }
    }
    let missing: Vec<String> = codes()
        .into_iter()
        .filter(|c| !dirs.iter().any(|d| d.starts_with(&format!("{c}-"))))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture `tests/fixtures/<area>/<CODE>-<slug>/`: {missing:?}"
    );
}

#[test]
fn docs_rules_md_is_generated_and_current() {
    let out = align(&["rules", "--format", "md"]);
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    let on_disk = std::fs::read_to_string(root().join("docs/rules.md")).unwrap_or_default();
    assert!(
        generated == on_disk,
        "docs/rules.md is stale: run `cargo run -- rules --format md > docs/rules.md`"
    );
}

#[test]
fn every_code_is_explained_in_both_languages() {
    for code in codes() {
        for lang in ["en", "ja"] {
            let out = align(&["explain", &code, "--lang", lang]);
            assert!(out.status.success(), "explain {code} --lang {lang}");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.starts_with(&code), "{text}");
            assert!(text.lines().count() > 8, "{code}: {text}");
        }
    }
}

/// The README shows real output: every `text` block in it must appear, as is, in the output of
/// `align check specs/` or `align stats specs/`.
#[test]
fn readme_shows_current_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let check = align(&["check", "specs/", "--today", common::TODAY]);
    let stats = align(&["stats", "specs/"]);
    let outputs = [
        String::from_utf8_lossy(&check.stdout).into_owned(),
        String::from_utf8_lossy(&stats.stdout).into_owned(),
    ];
    let blocks: Vec<&str> = readme
        .split("```text\n")
        .skip(1)
        .filter_map(|b| b.split("\n```").next())
        .collect();
    assert!(blocks.len() >= 3, "README has its output blocks");
    for block in blocks {
        assert!(
            outputs.iter().any(|o| o.contains(block)),
            "README block is stale; regenerate it from the real output:\n{block}"
        );
    }
}

/// The README's `align diff` section is the real Markdown output on the illustrative Third
/// Plan draft, between its two marker comments.
#[test]
fn readme_shows_current_diff_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = "<!-- output of: align diff specs/ examples/third-plan-draft/ --format md -->\n";
    let block = readme
        .split(start)
        .nth(1)
        .and_then(|rest| rest.split("<!-- end of output -->").next())
        .expect("README has the align diff output between its markers");
    let out = align(&[
        "diff",
        "specs/",
        "examples/third-plan-draft/",
        "--format",
        "md",
        "--today",
        common::TODAY,
    ]);
    // The draft adds errors (an item left without a program): exit 1.
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        block,
        String::from_utf8_lossy(&out.stdout),
        "README's align diff block is stale; regenerate it from the real output"
    );
}
