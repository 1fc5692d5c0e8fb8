//! `align diff` through the real binary: every case under `tests/fixtures/diff/<case>/{old,new}`
//! in every format and both languages (snapshots), the JSON validated against
//! docs/diff-schema.json, exit codes, colour, and two revisions of a temporary git repository.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align_in, root, transcript, TODAY};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/diff"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    assert!(v.len() >= 2, "diff fixtures are present");
    v
}

/// `align diff old new --today … ARGS` in a case directory.
fn diff_case(case: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["diff", "old", "new", "--today", TODAY];
    args.extend_from_slice(extra);
    align_in(case, &args)
}

/// Snapshots with the crate version and commit names replaced, so neither a release nor a
/// commit's time touches them.
fn snapshot(name: &str, text: &str) {
    let version = format!("\"{}\"", env!("CARGO_PKG_VERSION").replace('.', "\\."));
    insta::with_settings!({ filters => vec![
        (version.as_str(), "\"[VERSION]\""),
        ("[0-9a-f]{40}", "[COMMIT]"),
        (r"\([0-9a-f]{12}\)", "([COMMIT])"),
    ] }, {
        insta::assert_snapshot!(name, text);
    });
}

fn schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("docs/diff-schema.json")).unwrap())
        .unwrap()
}

fn violations(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", transcript(out)))
}

#[test]
fn every_case_in_every_format_and_language() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        for lang in ["en", "ja"] {
            for format in ["human", "json", "md"] {
                let out = diff_case(&case, &["--format", format, "--lang", lang]);
                snapshot(&format!("{name}_{format}_{lang}"), &transcript(&out));
            }
        }
    }
}

/// Every list of the document has at least one entry.
fn assert_every_kind_of_change(doc: &Value) {
    let s = &doc["summary"];
    for key in [
        "added",
        "removed",
        "renamed",
        "changed",
        "moved",
        "links_added",
        "links_removed",
        "coverage_lost",
        "coverage_gained",
        "coverage_new_uncovered",
        "findings_new",
        "findings_resolved",
        "suspect_links",
    ] {
        assert!(s[key].as_u64().unwrap() >= 1, "{key}: {s}");
    }
}

#[test]
fn the_illustrative_third_plan_draft_shows_each_kind_of_change() {
    let out = common::align(&[
        "diff",
        "specs/",
        "examples/third-plan-draft/",
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let doc = json(&out);
    assert_every_kind_of_change(&doc);
    assert!(violations(&schema(), &doc).is_empty());
    let renamed = &doc["declarations"]["renamed"][0];
    assert_eq!(renamed["old_id"], "I1.3.2.a");
    assert_eq!(renamed["id"], "I2.1.2");
    let lost: Vec<&str> = doc["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "lost")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(lost, ["I1.2.1"], "the retired program's item");
}

#[test]
fn the_all_kinds_case_shows_each_kind_of_change() {
    let doc = json(&diff_case(
        &root().join("tests/fixtures/diff/all-kinds"),
        &["--format", "json"],
    ));
    assert_every_kind_of_change(&doc);
    let renamed = &doc["declarations"]["renamed"][0];
    assert_eq!(
        (renamed["old_id"].as_str(), renamed["id"].as_str()),
        (Some("I2"), Some("I2.1"))
    );
    // The rename is not also an addition and a removal.
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!ids(&doc["declarations"]["added"]).contains(&"I2.1".to_owned()));
    assert!(!ids(&doc["declarations"]["removed"]).contains(&"I2".to_owned()));
}

#[test]
fn json_output_matches_its_documented_schema() {
    let schema = schema();
    for case in cases() {
        for lang in ["en", "ja"] {
            let doc = json(&diff_case(&case, &["--format", "json", "--lang", lang]));
            let errs = violations(&schema, &doc);
            assert!(
                errs.is_empty(),
                "{} --lang {lang}: {errs:#?}",
                case.display()
            );
        }
    }
    // The schema is strict: an undocumented field or a bad coverage change is caught.
    let good = json(&diff_case(
        &root().join("tests/fixtures/diff/all-kinds"),
        &["--format", "json"],
    ));
    let mut bad = good.clone();
    bad["declarations"]["added"][0]["extra"] = Value::from(1);
    assert!(!violations(&schema, &bad).is_empty());
    let mut bad = good;
    bad["coverage"][0]["change"] = Value::from("better");
    assert!(!violations(&schema, &bad).is_empty());
}

#[test]
fn exit_codes_follow_new_findings_and_fail_on() {
    let all = root().join("tests/fixtures/diff/all-kinds");
    // NEW adds two errors (ALN101).
    assert_eq!(diff_case(&all, &[]).status.code(), Some(1));
    assert_eq!(
        diff_case(&all, &["--fail-on", "never"]).status.code(),
        Some(0)
    );
    let same = root().join("tests/fixtures/diff/layout-only");
    assert_eq!(
        diff_case(&same, &["--fail-on", "info"]).status.code(),
        Some(0)
    );
    // Going back swaps new and resolved findings, added and removed declarations.
    let there = json(&diff_case(&all, &["--format", "json"]));
    let back = json(&align_in(
        &all,
        &["diff", "new", "old", "--today", TODAY, "--format", "json"],
    ));
    for (a, b) in [
        ("findings_new", "findings_resolved"),
        ("added", "removed"),
        ("links_added", "links_removed"),
        ("coverage_lost", "coverage_gained"),
    ] {
        assert_eq!(there["summary"][a], back["summary"][b], "{a}");
    }
}

#[test]
fn usage_and_io_errors_exit_2_with_one_clear_message() {
    let all = root().join("tests/fixtures/diff/all-kinds");
    // A missing directory inside a git work tree is read as a revision, and is none.
    let out = align_in(&all, &["diff", "old", "no-such-version"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    snapshot("error_unknown_version", &transcript(&out));
    let out = align_in(&all, &["diff", "old"]);
    assert_eq!(out.status.code(), Some(2));
    snapshot("error_one_version", &transcript(&out));
    // A directory with no specs, and a file above the size limit: nothing is compared.
    let empty = tempfile::tempdir().unwrap();
    let out = align_in(&all, &["diff", "old", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `.align` files"));
    let out = align_in(&all, &["diff", "old", "new", "--max-file-size", "100"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than --max-file-size 100"));
}

#[test]
fn colour_is_diff_style_when_asked_and_never_with_no_color() {
    let all = root().join("tests/fixtures/diff/all-kinds");
    let out = diff_case(&all, &["--color", "always"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\x1b[32m+ item I5"), "{text}");
    assert!(text.contains("\x1b[31m- program pr.old"), "{text}");
    // NO_COLOR is set by the helper, and stdout is a pipe.
    let out = diff_case(&all, &["--color", "auto"]);
    assert!(!out.stdout.contains(&0x1b));
}

// --- git revisions ---------------------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=align test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", transcript(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A repository whose first commit (tag `v1`) holds `old` under `specs/` and whose second
/// holds `new`, with an uncommitted edit in the work tree.
fn repository() -> tempfile::TempDir {
    let case = root().join("tests/fixtures/diff/all-kinds");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    copy_dir(&case.join("old"), &d.join("specs"));
    std::fs::write(d.join("README"), "not a spec\n").unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "old"]);
    git(d, &["tag", "v1"]);
    std::fs::remove_dir_all(d.join("specs")).unwrap();
    copy_dir(&case.join("new"), &d.join("specs"));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "new"]);
    // Not committed: a revision never sees it.
    std::fs::write(d.join("specs/draft.align"), "item X9 \"uncommitted\" {}\n").unwrap();
    dir
}

#[test]
fn two_revisions_of_a_repository() {
    let repo = repository();
    let d = repo.path();
    let status_before = git(d, &["status", "--porcelain"]);
    for format in ["human", "json", "md"] {
        let out = align_in(
            d,
            &[
                "diff", "v1..HEAD", "specs/", "--today", TODAY, "--format", format,
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
        snapshot(&format!("git_range_{format}"), &transcript(&out));
        if format == "json" {
            let doc = json(&out);
            assert!(violations(&schema(), &doc).is_empty());
            assert_eq!(doc["old"]["label"], "v1");
            assert_eq!(doc["new"]["commit"].as_str().map(str::len), Some(40));
        }
    }
    // Two arguments, the merge-base form and the whole tree read the same two versions.
    let range = align_in(d, &["diff", "v1..HEAD", "specs", "--today", TODAY]);
    let strip_header = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    };
    for args in [
        vec!["diff", "v1", "HEAD", "specs", "--today", TODAY],
        vec!["diff", "v1...HEAD", "specs", "--today", TODAY],
        vec!["diff", "v1..", "--today", TODAY],
    ] {
        let out = align_in(d, &args);
        assert_eq!(strip_header(&out), strip_header(&range), "{args:?}");
    }
    // The work tree and the index are untouched; the uncommitted file was not read.
    assert_eq!(git(d, &["status", "--porcelain"]), status_before);
    assert!(!String::from_utf8_lossy(&range.stdout).contains("X9"));
    // A revision against the work tree: the uncommitted file is an addition.
    let out = align_in(d, &["diff", "HEAD", ".", "specs", "--today", TODAY]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("+ item X9"),
        "{}",
        transcript(&out)
    );
}

#[test]
fn git_errors_are_clear_and_exit_2() {
    let repo = repository();
    let d = repo.path();
    let out = align_in(d, &["diff", "v9..HEAD", "specs"]);
    assert_eq!(out.status.code(), Some(2));
    snapshot("git_error_unknown_revision", &transcript(&out));
    let out = align_in(d, &["diff", "v1..HEAD", "plans/"]);
    assert_eq!(out.status.code(), Some(2));
    snapshot("git_error_no_such_path", &transcript(&out));
    let out = align_in(d, &["diff", "v1..HEAD", "specs", "--max-file-size", "200"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    snapshot("git_error_too_large", &transcript(&out));
    let out = align_in(d, &["diff", "--", "-x..HEAD"]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    // Outside any repository, a name that is no directory is explained as such.
    let plain = tempfile::tempdir().unwrap();
    let out = align_in(plain.path(), &["diff", "main", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not in a git repository"),
        "{}",
        transcript(&out)
    );
}

#[test]
fn a_path_absent_from_one_version_only_is_compared_as_empty() {
    let repo = repository();
    let d = repo.path();
    git(d, &["tag", "v2"]);
    std::fs::create_dir_all(d.join("extra")).unwrap();
    std::fs::write(d.join("extra/a.align"), "plan P9 \"added\" {}\n").unwrap();
    git(d, &["add", "extra"]);
    git(d, &["commit", "-q", "-m", "extra"]);
    let out = align_in(d, &["diff", "v2..HEAD", "extra", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    snapshot("git_path_absent_from_old", &transcript(&out));
    // Going back, the path is absent from the new version: the declaration is removed.
    let out = align_in(d, &["diff", "HEAD", "v2", "extra", "--today", TODAY]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("- plan P9"),
        "{}",
        transcript(&out)
    );
}

#[test]
fn spec_text_cannot_break_the_output_or_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (side, title) in [
        ("old", "plain"),
        ("new", "a|b <script>x</script> \\u{1b}[2J `c`"),
    ] {
        std::fs::create_dir_all(d.join(side)).unwrap();
        std::fs::write(
            d.join(side).join("a.align"),
            format!("plan P \"p\" {{}}\npolicy V1 \"{title}\" {{ plan P }}\n"),
        )
        .unwrap();
    }
    let human = align_in(d, &["diff", "old", "new", "--today", TODAY]);
    assert_eq!(human.status.code(), Some(0), "{}", transcript(&human));
    assert!(!human.stdout.contains(&0x1b), "{}", transcript(&human));
    assert!(String::from_utf8_lossy(&human.stdout).contains("\\u{1b}[2J"));
    let md = align_in(
        d,
        &["diff", "old", "new", "--today", TODAY, "--format", "md"],
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(!md.contains("<script>") && !md.contains('\x1b'), "{md}");
    assert!(md.contains("a\\|b &lt;script&gt;"), "{md}");
    let json = json(&align_in(
        d,
        &["diff", "old", "new", "--today", TODAY, "--format", "json"],
    ));
    assert_eq!(
        json["declarations"]["changed"][0]["changes"][0]["new"],
        "\"a|b <script>x</script> \\u{1b}[2J `c`\""
    );
}

#[test]
fn an_unusable_rule_set_exits_2() {
    let all = root().join("tests/fixtures/diff/all-kinds");
    let out = diff_case(&all, &["--rules", "no-such-rule-set"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no-such-rule-set: not a rule set directory"),
        "{}",
        transcript(&out)
    );
}

#[test]
fn a_merge_base_range_of_unrelated_histories_is_explained() {
    let repo = repository();
    let d = repo.path();
    git(d, &["checkout", "-q", "--orphan", "unrelated"]);
    git(d, &["commit", "-q", "-m", "unrelated history"]);
    let out = align_in(d, &["diff", "v1...unrelated", "specs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("have no common ancestor"),
        "{}",
        transcript(&out)
    );
}
