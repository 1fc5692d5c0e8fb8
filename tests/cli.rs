//! The real binary: exit codes, stdout/stderr split, usage errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, align_in, transcript, TODAY};
use std::fmt::Write as _;

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

/// With `--lang ja`, every note and error on stderr is in Japanese: unreadable paths, the
/// baseline's notes, an invalid configuration, a report that cannot be written.
#[test]
fn notes_and_errors_on_stderr_follow_lang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    std::fs::write(dir.path().join("specs/a.align"), common::ONE_GAP).unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--today", TODAY, "--lang", "ja"]);
        let out = align_in(dir.path(), &all);
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    let mut shown = String::new();
    let mut show = |what: &str, (code, err): (Option<i32>, String)| {
        let _ = writeln!(shown, "$ {what} → exit {code:?}\n{err}");
    };
    show("check nope specs", run(&["check", "nope", "specs"]));
    show(
        "check --write-baseline",
        run(&["check", "specs", "--write-baseline", "b.json"]),
    );
    std::fs::write(
        dir.path().join("specs/b.align"),
        "item I9 \"new\" { goal G1 }\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("specs/a.align")).unwrap();
    std::fs::write(
        dir.path().join("specs/a.align"),
        common::ONE_GAP.replace("item I2 \"gap\" { goal G1 }\n", ""),
    )
    .unwrap();
    show(
        "check --baseline",
        run(&["check", "specs", "--baseline", "b.json"]),
    );
    std::fs::write(
        dir.path().join("specs/align.toml"),
        "fail-on = \"warnings\"\n",
    )
    .unwrap();
    let (code, err) = run(&["check", "specs"]);
    show(
        "check (invalid align.toml), last line",
        (code, err.lines().last().unwrap().to_owned()),
    );
    std::fs::remove_file(dir.path().join("specs/align.toml")).unwrap();
    show("stats (a spec with an error)", {
        std::fs::write(
            dir.path().join("specs/c.align"),
            "item I8 \"x\" { goal G9 }\n",
        )
        .unwrap();
        let out = align_in(dir.path(), &["stats", "specs", "--lang", "ja"]);
        let (code, err) = (out.status.code(), String::from_utf8(out.stderr).unwrap());
        std::fs::remove_file(dir.path().join("specs/c.align")).unwrap();
        (code, err)
    });
    show(
        "report -o missing/dir/r.html",
        run(&["report", "specs", "-o", "missing/dir/r.html"]),
    );
    for line in shown
        .lines()
        .filter(|l| l.starts_with("エラー") || l.starts_with("注"))
    {
        assert!(
            !line.contains("error:") && !line.contains("note:") && !line.contains("cannot"),
            "English left in: {line}"
        );
    }
    insta::assert_snapshot!(shown);
}
