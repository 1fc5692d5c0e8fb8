//! `align init`: the skeleton checks with exit 0 and is in canonical layout; existing files are
//! never overwritten.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align_in, transcript, TODAY};

/// Paths in the output are under a temporary directory: show them relative to it.
fn relative(out: &std::process::Output, dir: &std::path::Path) -> String {
    transcript(out).replace(&dir.display().to_string(), "[DIR]")
}

#[test]
fn the_skeleton_checks_clean_and_is_formatted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("plan");
    let out = align_in(tmp.path(), &["init", "plan"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!(relative(&out, tmp.path()));

    let check = align_in(&dir, &["check", ".", "--today", TODAY]);
    assert_eq!(check.status.code(), Some(0), "{}", transcript(&check));
    insta::assert_snapshot!("skeleton_check", transcript(&check));
    // Not only no error: no finding at all, even at the strictest threshold.
    let strict = align_in(&dir, &["check", ".", "--today", TODAY, "--fail-on", "info"]);
    assert_eq!(strict.status.code(), Some(0), "{}", transcript(&strict));

    let fmt = align_in(&dir, &["fmt", "--check", "."]);
    assert_eq!(fmt.status.code(), Some(0), "{}", transcript(&fmt));

    // align.toml is read by check, and every key in it is commented out.
    let toml = std::fs::read_to_string(dir.join("align.toml")).unwrap();
    for key in ["rules", "lang", "fail-on", "exclude", "[severity]"] {
        assert!(
            toml.lines().any(|l| l.starts_with(&format!("# {key}"))),
            "align.toml does not show `{key}`"
        );
    }
    assert!(toml.lines().all(|l| l.is_empty() || l.starts_with('#')));
}

#[test]
fn init_into_the_current_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = align_in(tmp.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(tmp.path().join("plan.align").is_file());
    assert!(tmp.path().join("align.toml").is_file());
}

#[test]
fn existing_files_are_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = "goal G1 \"mine\" { policy V1 }\n";
    std::fs::write(tmp.path().join("goal.align"), mine).unwrap();
    std::fs::write(tmp.path().join("align.toml"), "lang = \"ja\"\n").unwrap();
    let out = align_in(tmp.path(), &["init", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(transcript(&out));
    // Nothing written, nothing changed.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("goal.align")).unwrap(),
        mine
    );
    let mut names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["align.toml", "goal.align"]);
}

#[test]
fn a_file_in_place_of_the_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("plan"), "x").unwrap();
    let out = align_in(tmp.path(), &["init", "plan"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&out));
}
