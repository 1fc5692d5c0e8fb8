//! `align.toml` through the real binary: every key, flags overriding it, where it is found,
//! and a snapshot of the diagnostic for each kind of bad value.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align_in, root, transcript, ONE_GAP as SPEC, TODAY};
use serde_json::Value;
use std::path::Path;

/// A directory with `a.align` and `align.toml`.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.align"), SPEC).unwrap();
    std::fs::write(dir.path().join("align.toml"), config).unwrap();
    dir
}

fn check(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["check", ".", "--today", TODAY];
    args.extend_from_slice(extra);
    align_in(dir, &args)
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", transcript(out)))
}

fn codes(doc: &Value) -> Vec<(String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(code: &str, severity: &str) -> (String, String) {
    (code.to_owned(), severity.to_owned())
}

#[test]
fn lang_sets_the_language_and_the_flag_wins() {
    let dir = project("lang = \"ja\"\n");
    let out = check(dir.path(), &["--quiet"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("要修正: エラー 1 件"), "{stdout}");
    let out = check(dir.path(), &["--quiet", "--lang", "en"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("error: 1 error"), "{stdout}");
}

#[test]
fn fail_on_sets_the_threshold_and_the_flag_wins() {
    let dir = project("fail-on = \"never\"\n");
    assert_eq!(check(dir.path(), &["--quiet"]).status.code(), Some(0));
    assert_eq!(
        check(dir.path(), &["--quiet", "--fail-on", "error"])
            .status
            .code(),
        Some(1)
    );
    // `info` fails on the ALN106 info alone (switched on) once the gap is off.
    let dir = project("fail-on = \"info\"\n[severity]\nALN101 = \"off\"\nALN106 = \"info\"\n");
    assert_eq!(check(dir.path(), &["--quiet"]).status.code(), Some(1));
    let dir = project("fail-on = \"warning\"\n[severity]\nALN101 = \"off\"\nALN106 = \"info\"\n");
    assert_eq!(check(dir.path(), &["--quiet"]).status.code(), Some(0));
}

#[test]
fn severity_changes_or_silences_codes_by_code_or_slug() {
    let dir = project("[severity]\nitem-without-program = \"warning\"\nALN106 = \"off\"\n");
    let out = check(dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let doc = json(&out);
    assert_eq!(codes(&doc), vec![pair("ALN101", "warning")]);
    assert_eq!(doc["summary"]["warnings"], 1);
    assert_eq!(doc["summary"]["infos"], 0);
    // Raising an info to an error makes it fail; case does not matter in names.
    let dir = project("[severity]\naln106 = \"error\"\n");
    let doc = json(&check(dir.path(), &["--format", "json"]));
    assert_eq!(
        codes(&doc),
        vec![pair("ALN101", "error"), pair("ALN106", "error")]
    );
    // The human output shows the new severity.
    let dir = project("[severity]\nALN101 = \"warning\"\n");
    insta::assert_snapshot!(transcript(&check(dir.path(), &[])));
}

#[test]
fn exclude_drops_matching_files_and_their_findings() {
    let dir = project("exclude = [\"drafts\", \"**/*.old.align\"]\n");
    std::fs::create_dir_all(dir.path().join("drafts/deep")).unwrap();
    std::fs::write(dir.path().join("drafts/deep/x.align"), "goal {{{\n").unwrap();
    std::fs::write(dir.path().join("b.old.align"), "item I9 \"x\"\n").unwrap();
    let doc = json(&check(dir.path(), &["--format", "json"]));
    assert_eq!(doc["summary"]["files"], 1, "{doc:#}");
    assert_eq!(codes(&doc), vec![pair("ALN101", "error")]);
    // Excluding everything is a usage error, not a clean run.
    let dir = project("exclude = [\"*.align\"]\n");
    let out = check(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn rules_names_a_rule_set_directory_and_the_flag_wins() {
    let dir = project("rules = \"myrules\"\n");
    let set = dir.path().join("myrules");
    std::fs::create_dir(&set).unwrap();
    let schema = std::fs::read_to_string(root().join("rules/basic-plan/schema.toml")).unwrap();
    let schema = schema.replacen("name = \"basic-plan\"", "name = \"my-plan\"", 1);
    std::fs::write(set.join("schema.toml"), schema).unwrap();
    std::fs::copy(
        root().join("rules/basic-plan/rules.toml"),
        set.join("rules.toml"),
    )
    .unwrap();
    let doc = json(&check(dir.path(), &["--format", "json"]));
    assert_eq!(doc["rule_set"], "my-plan");
    let builtin = root().join("rules/basic-plan");
    let doc = json(&check(
        dir.path(),
        &["--format", "json", "--rules", builtin.to_str().unwrap()],
    ));
    assert_eq!(doc["rule_set"], "basic-plan");
}

#[test]
fn the_file_is_found_at_the_root_of_the_first_path_or_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("specs")).unwrap();
    std::fs::write(dir.path().join("specs/a.align"), SPEC).unwrap();
    std::fs::write(dir.path().join("specs/align.toml"), "fail-on = \"never\"\n").unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        all.extend(["--today", TODAY, "--quiet"]);
        align_in(dir.path(), &all).status.code()
    };
    assert_eq!(run(&["specs"]), Some(0));
    assert_eq!(run(&["specs/a.align"]), Some(0));
    std::fs::write(
        dir.path().join("strict.toml"),
        "fail-on = \"info\"\n[severity]\nALN101 = \"off\"\nALN106 = \"info\"\n",
    )
    .unwrap();
    assert_eq!(run(&["specs", "--config", "strict.toml"]), Some(1));
    assert_eq!(run(&["specs", "--config", "missing.toml"]), Some(2));
}

#[test]
fn bad_configurations_are_diagnosed_at_their_span() {
    let cases: &[(&str, &str)] = &[
        ("unknown_key", "lang = \"en\"\nfail_on = \"error\"\n"),
        ("bad_lang", "lang = \"jp\"\n"),
        ("bad_fail_on", "fail-on = \"warnings\"\n"),
        (
            "bad_severity_value",
            "[severity]\nitem-without-program = \"fatal\"\n",
        ),
        (
            "unknown_code_or_slug",
            "[severity]\nitem-without-progam = \"off\"\nALN999 = \"off\"\n",
        ),
        ("structural_code", "[severity]\nsyntax-error = \"off\"\n"),
        (
            "set_twice",
            "[severity]\nALN101 = \"warning\"\nitem-without-program = \"off\"\n",
        ),
        ("bad_glob", "exclude = [\"drafts/[a-\"]\n"),
        ("missing_rules_dir", "rules = \"no/such/rules\"\n"),
        ("wrong_type", "exclude = \"drafts/**\"\n"),
        ("toml_syntax", "lang = \"en\nfail-on = 1\n"),
    ];
    for (name, config) in cases {
        let dir = project(config);
        let out = check(dir.path(), &[]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", transcript(&out));
        assert!(out.stdout.is_empty(), "{name}");
        insta::assert_snapshot!(*name, transcript(&out));
    }
}
