//! The real binary: exit codes, stdout/stderr split, usage errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, align_in, transcript, TODAY};

#[test]
fn missing_path_is_a_usage_error() {
    let out = align(&["check", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn directory_without_specs_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let out = align_in(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no `.align` files found"), "{err}");
}

#[test]
fn clean_specs_exit_zero_and_findings_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let clean = "plan P \"p\" {}\npolicy V1 \"v\" { plan P }\ngoal G1 \"g\" { policy V1 }\n";
    std::fs::write(dir.path().join("a.align"), clean).unwrap();
    let out = align_in(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));

    std::fs::write(dir.path().join("b.align"), "item I1 \"i\" { goal G1 }\n").unwrap();
    let out = align_in(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let out = align_in(
        dir.path(),
        &["check", ".", "--today", TODAY, "--fail-on", "never"],
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fail_on_warning_counts_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let text = "plan P \"p\" {}\npolicy V1 \"v\" { plan P }\ngoal G1 \"g\" { policy V1 }\nprogram p \"x\" { agency \"AMED\" }\n";
    std::fs::write(dir.path().join("a.align"), text).unwrap();
    let out = align_in(dir.path(), &["check", ".", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let out = align_in(
        dir.path(),
        &["check", ".", "--today", TODAY, "--fail-on", "warning"],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn explain_unknown_code_suggests_and_exits_two() {
    for (arg, expect) in [
        ("ALN9999", "no such code"),
        ("", "no such code"),
        ("item-without-progrm", "did you mean `item-without-program`"),
    ] {
        let out = align(&["explain", arg]);
        assert_eq!(out.status.code(), Some(2), "{arg}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(expect),
            "{arg}: {}",
            transcript(&out)
        );
    }
    let out = align(&["explain", "aln101"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_rules_dir_is_a_usage_error() {
    let out = align(&["check", "specs", "--rules", "no/such/rules"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a rule set directory"));
}

#[test]
fn bad_arguments_exit_two() {
    let out = align(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let out = align(&["check", "specs", "--today", "2026-02-30"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lang_defaults_from_the_environment() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_align"))
        .args(["explain", "ALN061"])
        .env("LANG", "ja_JP.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("検出する内容"));
}
