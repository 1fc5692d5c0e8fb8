//! `align check --format json|sarif|github` and `--quiet` through the real binary: a snapshot
//! per format, and the JSON and SARIF documents validated against their schemas with a real
//! JSON-schema validator (`docs/json-schema.json`; the OASIS SARIF 2.1.0 schema kept in
//! `tests/schemas/`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, root, transcript, TODAY};
use serde_json::Value;

const ALN101: &str = "tests/fixtures/rules/ALN101-item-without-program";

/// `align check PATH --today … --format FORMAT ARGS…`
fn check(path: &str, format: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["check", path, "--today", TODAY, "--format", format];
    args.extend_from_slice(extra);
    align(&args)
}

/// Snapshots with the crate version replaced, so a release does not touch them.
fn snapshot(name: &str, text: &str) {
    let version = format!("\"{}\"", regex_escape(env!("CARGO_PKG_VERSION")));
    insta::with_settings!({ filters => vec![(version.as_str(), "\"[VERSION]\"")] }, {
        insta::assert_snapshot!(name, text);
    });
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

fn load_schema(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(rel)).unwrap()).unwrap()
}

/// Every way `instance` breaks `schema` (formats checked too), or nothing.
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

fn stdout_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", transcript(out)))
}

/// Every fixture directory, relative to the crate root, plus the bundled specs.
fn all_inputs() -> Vec<String> {
    let mut dirs = vec!["specs".to_owned()];
    for area in std::fs::read_dir(root().join("tests/fixtures")).unwrap() {
        let area = area.unwrap().path();
        // `diff/<case>/{old,new}` are pairs of versions for tests/diff.rs, not one input.
        if area.ends_with("diff") {
            continue;
        }
        for case in std::fs::read_dir(area).unwrap() {
            let path = case.unwrap().path();
            if path.is_dir() {
                let rel = path.strip_prefix(root()).unwrap();
                dirs.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    dirs.sort();
    dirs
}

/// The extra arguments a fixture directory asks for (its `args` file).
fn fixture_args(dir: &str) -> Vec<String> {
    std::fs::read_to_string(root().join(dir).join("args"))
        .map(|t| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn fixture_in_every_format() {
    for format in ["json", "sarif", "github"] {
        let out = check(ALN101, format, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
        snapshot(&format!("aln101_{format}"), &transcript(&out));
    }
    let out = check(ALN101, "human", &["--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    snapshot("aln101_human_quiet", &transcript(&out));
    let out = check(ALN101, "github", &["--quiet", "--lang", "ja"]);
    snapshot("aln101_github_quiet_ja", &transcript(&out));
}

#[test]
fn bundled_specs_in_every_format() {
    for format in ["json", "sarif", "github"] {
        let out = check("specs", format, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
        snapshot(&format!("specs_{format}"), &transcript(&out));
    }
}

#[test]
fn a_finding_across_two_files_keeps_both_places() {
    // Duplicate IDs in two files: the related location is in the other file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.align"), "plan P \"p\" {}\n").unwrap();
    std::fs::write(dir.path().join("b.align"), "\n\nplan P \"again\" {}\n").unwrap();
    let out = common::align_in(
        dir.path(),
        &["check", ".", "--today", TODAY, "--format", "json"],
    );
    let doc = stdout_json(&out);
    let dup = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "ALN061")
        .unwrap_or_else(|| panic!("{}", transcript(&out)));
    assert_eq!(dup["location"]["file"], "./b.align");
    assert_eq!(dup["location"]["start"]["line"], 3);
    assert_eq!(dup["related"][0]["location"]["file"], "./a.align");
    assert_eq!(dup["related"][0]["location"]["start"]["line"], 1);
    assert!(violations(&load_schema("docs/json-schema.json"), &doc).is_empty());
}

#[test]
fn json_output_matches_its_documented_schema() {
    let schema = load_schema("docs/json-schema.json");
    for dir in all_inputs() {
        let args = fixture_args(&dir);
        for lang in ["en", "ja"] {
            let mut extra: Vec<&str> = args.iter().map(String::as_str).collect();
            extra.extend(["--lang", lang]);
            let out = check(&dir, "json", &extra);
            if out.status.code() == Some(2) && out.stdout.is_empty() {
                // A broken rule set: nothing is checked. (An unreadable file exits 2 too, but
                // the other files are checked and reported, so their document is validated.)
                continue;
            }
            let doc = stdout_json(&out);
            let errs = violations(&schema, &doc);
            assert!(errs.is_empty(), "{dir} --lang {lang}: {errs:#?}");
        }
    }
    // The schema is strict: an undocumented field or a 0-based line is caught.
    let mut bad = stdout_json(&check(ALN101, "json", &[]));
    bad["findings"][0]["extra"] = Value::from(1);
    assert!(!violations(&schema, &bad).is_empty());
    let mut bad = stdout_json(&check(ALN101, "json", &[]));
    bad["findings"][0]["location"]["start"]["line"] = Value::from(0);
    assert!(!violations(&schema, &bad).is_empty());
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema = load_schema("tests/schemas/sarif-schema-2.1.0.json");
    let mut checked = 0;
    for dir in all_inputs() {
        let extra = fixture_args(&dir);
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let out = check(&dir, "sarif", &extra);
        if out.status.code() == Some(2) {
            continue;
        }
        let log = stdout_json(&out);
        let errs = violations(&schema, &log);
        assert!(errs.is_empty(), "{dir}: {errs:#?}");
        // What GitHub code scanning needs beyond the schema: each result names a rule of the
        // driver by id and index, has a region with a start line, and a fingerprint.
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for result in run["results"].as_array().unwrap() {
            let i = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
            assert_eq!(rules[i]["id"], result["ruleId"], "{dir}");
            let region = &result["locations"][0]["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().unwrap() >= 1, "{dir}");
            assert!(result["partialFingerprints"]["alignFingerprint/v1"].is_string());
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} results were checked");

    // The validator is live: a SARIF level that does not exist is caught.
    let mut bad = stdout_json(&check(ALN101, "sarif", &[]));
    bad["runs"][0]["results"][0]["level"] = Value::from("info");
    assert!(!violations(&schema, &bad).is_empty());
}

#[test]
fn sarif_rules_carry_the_configured_levels() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.align"),
        "plan P \"p\" {}\npolicy V1 \"v\" { plan P }\ngoal G1 \"g\" { policy V1 }\nitem I1 \"i\" { goal G1 }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("align.toml"),
        "[severity]\nitem-without-program = \"warning\"\nno-kpi = \"off\"\n",
    )
    .unwrap();
    let out = common::align_in(
        dir.path(),
        &["check", ".", "--today", TODAY, "--format", "sarif"],
    );
    let log = stdout_json(&out);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(rule("ALN101")["defaultConfiguration"]["level"], "warning");
    assert_eq!(rule("ALN102")["defaultConfiguration"]["enabled"], false);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["ruleId"] != "ALN102"));
    let i1 = results.iter().find(|r| r["ruleId"] == "ALN101").unwrap();
    assert_eq!(i1["level"], "warning");
}

#[test]
fn sarif_results_carry_their_help_and_rules_link_their_docs() {
    let log = stdout_json(&check(
        ALN101,
        "sarif",
        &["--docs-url", "https://example.org/align/docs/rules.md"],
    ));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(
        rule("ALN101")["helpUri"],
        "https://example.org/align/docs/rules.md#aln101"
    );
    // Rule-level texts are prose: no template placeholders.
    for r in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = r[field]["text"].as_str().unwrap();
            let placeholder = text.split('{').skip(1).any(|rest| {
                rest.split_once('}').is_some_and(|(name, _)| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
            });
            assert!(!placeholder, "{}: {field}: {text}", r["id"]);
        }
    }
    // The opt-in ALN106 did not run, so it is not enabled.
    assert_eq!(rule("ALN106")["defaultConfiguration"]["enabled"], false);
    assert_eq!(rule("ALN101")["defaultConfiguration"]["enabled"], true);
    // Code scanning shows the result's message: the finding's own help is in it.
    let results = log["runs"][0]["results"].as_array().unwrap();
    let text = results[0]["message"]["text"].as_str().unwrap();
    assert!(text.contains("\nhelp: add "), "{text}");
    // Without a docs URL there is no link; a URL that is not http(s) is a usage error.
    let log = stdout_json(&check(ALN101, "sarif", &[]));
    assert!(log["runs"][0]["tool"]["driver"]["rules"][0]
        .get("helpUri")
        .is_none());
    let out = check(ALN101, "sarif", &["--docs-url", "docs/rules.md"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn quiet_prints_only_the_summary() {
    let out = check(ALN101, "human", &["--quiet"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("error: 2 errors, 0 warnings, 0 infos"),
        "{stdout}"
    );
    let out = check(ALN101, "github", &["--quiet"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
}

#[test]
fn broken_stdout_ends_quietly_in_every_format() {
    for format in ["json", "sarif", "github"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_align"))
            .args(["check", "specs", "--today", TODAY, "--format", format])
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        // 0 when the closed pipe was noticed, 1 when the output fit the pipe's buffer first.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{format}: {:?} {stderr}",
            out.status
        );
    }
}
