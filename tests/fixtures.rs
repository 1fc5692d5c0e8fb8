//! Every fixture directory under `tests/fixtures/<area>/<case>/` is checked by the real binary
//! and its output (exit code, stdout, stderr; colour off, width 100) is snapshotted.
//!
//! To add a case, add a directory with `.align` files (and optionally an `args` file with extra
//! arguments, one per line): the next `cargo test` fails, and `cargo insta review` accepts it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, transcript, TODAY};
use std::path::Path;

fn check_fixture(dir: &Path) {
    let rel = dir
        .strip_prefix(common::root())
        .expect("fixture under the crate root");
    let rel = rel.to_string_lossy().replace('\\', "/");
    let mut args: Vec<String> = vec!["check".into(), rel, "--today".into(), TODAY.into()];
    if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
        args.extend(
            extra
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.trim().to_owned()),
        );
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = align(&args);
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn fixtures() {
    insta::glob!("fixtures", "*/*", |dir| {
        // `diff/<case>/{old,new}` are pairs of versions for tests/diff.rs, not one input.
        if dir.is_dir() && !dir.starts_with(common::root().join("tests/fixtures/diff")) {
            check_fixture(dir);
        }
    });
}

#[test]
fn bundled_specs() {
    let out = align(&["check", "specs", "--today", TODAY]);
    insta::assert_snapshot!("specs_en", transcript(&out));
    let out = align(&["check", "specs", "--today", TODAY, "--lang", "ja"]);
    insta::assert_snapshot!("specs_ja", transcript(&out));
}
