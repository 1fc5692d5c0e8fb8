//! The CI formats and controls through the real binary: `--format concise|gitlab|junit`,
//! `--statistics`, `--select`/`--ignore`, `align rules --format json`. GitLab output is
//! validated against a JSON schema written from GitLab's documentation
//! (`tests/schemas/gitlab-codequality.json`), JUnit output with a real XML parser against the
//! structure of the common JUnit schema (see `tests/schemas/README.md`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, align_in, root, transcript, TODAY};
use serde_json::Value;
use std::collections::BTreeSet;

const ALN101: &str = "tests/fixtures/rules/ALN101-item-without-program";
const ESCAPES: &str = "tests/fixtures/output/terminal-escapes-in-titles";

fn check(path: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["check", path, "--today", TODAY];
    args.extend_from_slice(extra);
    align(&args)
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", transcript(out)))
}

/// Every fixture directory with its `args`, plus the bundled specs.
fn all_inputs() -> Vec<(String, Vec<String>)> {
    let mut dirs = vec!["specs".to_owned()];
    for area in std::fs::read_dir(root().join("tests/fixtures")).unwrap() {
        for case in std::fs::read_dir(area.unwrap().path()).unwrap() {
            let path = case.unwrap().path();
            if path.is_dir() {
                let rel = path.strip_prefix(root()).unwrap();
                dirs.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let args = std::fs::read_to_string(root().join(&d).join("args"))
                .map(|t| {
                    t.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            (d, args)
        })
        .collect()
}

/// The findings of a run, from `--format json`, as (file, line, column, code).
fn json_findings(path: &str, extra: &[&str]) -> Vec<(String, u64, u64, String)> {
    let mut args = extra.to_vec();
    args.extend(["--format", "json"]);
    let doc = json(&check(path, &args));
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_owned(),
                f["location"]["start"]["line"].as_u64().unwrap(),
                f["location"]["start"]["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn snapshot(name: &str, text: &str) {
    insta::assert_snapshot!(name, text);
}

// ---------------------------------------------------------------------------------------------
// concise

#[test]
fn concise_is_one_line_per_finding_then_the_summary() {
    for (dir, args) in all_inputs() {
        let extra: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut with = extra.clone();
        with.extend(["--format", "concise", "--quiet"]);
        let out = check(&dir, &with);
        if out.status.code() == Some(2) && out.stdout.is_empty() {
            continue;
        }
        let expected = json_findings(&dir, &extra);
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), expected.len(), "{dir}:\n{text}");
        for (line, (file, l, c, code)) in lines.iter().zip(&expected) {
            let head = format!("{file}:{l}:{c}: {code} ");
            assert!(
                line.starts_with(&head),
                "{dir}: {line:?} does not start {head:?}"
            );
            assert!(!line.chars().any(char::is_control), "{dir}: {line:?}");
        }
    }
    let out = check(ALN101, &["--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    snapshot("concise_aln101", &transcript(&out));
    let out = check(ESCAPES, &["--format", "concise", "--lang", "ja"]);
    snapshot("concise_escapes_ja", &transcript(&out));
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality

fn gitlab_violations(instance: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/gitlab-codequality.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().build(&schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn gitlab_output_matches_the_code_quality_format() {
    let mut issues = 0;
    for (dir, args) in all_inputs() {
        let extra: Vec<&str> = args.iter().map(String::as_str).collect();
        for lang in ["en", "ja"] {
            let mut with = extra.clone();
            with.extend(["--format", "gitlab", "--lang", lang]);
            let out = check(&dir, &with);
            if out.status.code() == Some(2) && out.stdout.is_empty() {
                continue;
            }
            let report = json(&out);
            let errs = gitlab_violations(&report);
            assert!(errs.is_empty(), "{dir} --lang {lang}: {errs:#?}");
            let list = report.as_array().unwrap();
            // One issue per finding, same places, fingerprints unique (GitLab shows only the
            // first issue of a fingerprint).
            let expected = json_findings(&dir, &extra);
            assert_eq!(list.len(), expected.len(), "{dir}");
            let mut fingerprints = BTreeSet::new();
            for (issue, (file, line, _, code)) in list.iter().zip(&expected) {
                assert_eq!(issue["check_name"], code.as_str());
                assert_eq!(issue["location"]["lines"]["begin"], *line);
                assert_eq!(
                    issue["location"]["path"],
                    file.trim_start_matches("./"),
                    "{dir}"
                );
                let keys: BTreeSet<&str> = issue
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect();
                assert_eq!(
                    keys,
                    BTreeSet::from([
                        "check_name",
                        "description",
                        "fingerprint",
                        "location",
                        "severity"
                    ])
                );
                assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
                issues += 1;
            }
        }
    }
    assert!(issues > 20, "only {issues} issues were checked");

    // The schema is live: an unknown severity, a missing fingerprint, an absolute path fail.
    let good = json(&check(ALN101, &["--format", "gitlab"]));
    assert!(gitlab_violations(&good).is_empty());
    let mut bad = good.clone();
    bad[0]["severity"] = Value::from("warning");
    assert!(!gitlab_violations(&bad).is_empty());
    let mut bad = good.clone();
    bad[0].as_object_mut().unwrap().remove("fingerprint");
    assert!(!gitlab_violations(&bad).is_empty());
    let mut bad = good;
    bad[0]["location"]["path"] = Value::from("/abs/plan.align");
    assert!(!gitlab_violations(&bad).is_empty());
}

#[test]
fn gitlab_severities_and_snapshot() {
    let out = check(ALN101, &["--format", "gitlab"]);
    assert_eq!(out.status.code(), Some(1));
    snapshot("gitlab_aln101", &transcript(&out));
    // A syntax error (structural: nothing after it can be trusted) is a blocker.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.align"), "plan P \"p\" {\n").unwrap();
    let out = align_in(dir.path(), &["check", ".", "--format", "gitlab"]);
    let report = json(&out);
    assert!(!report.as_array().unwrap().is_empty());
    assert!(report
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["severity"] == "blocker"
            && !i["location"]["path"].as_str().unwrap().starts_with("./")));
    // No finding: an empty array, still valid.
    std::fs::write(dir.path().join("a.align"), "").unwrap();
    let out = align_in(dir.path(), &["check", ".", "--format", "gitlab"]);
    assert_eq!(stdout(&out), "[]\n");
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// The element structure of the common JUnit schema (Jenkins xunit `junit-10.xsd`, with
/// `failure@type` and `failure@message` required as in the stricter `junit-4.xsd`): the
/// children and attributes each element may have, and the attributes it must have.
fn junit_rules(
    element: &str,
) -> Option<(
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
)> {
    Some(match element {
        "testsuites" => (
            &["testsuite"],
            &["name", "time", "tests", "failures", "disabled", "errors"],
            &[],
        ),
        "testsuite" => (
            &[
                "testsuite",
                "properties",
                "testcase",
                "system-out",
                "system-err",
            ],
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "time",
                "disabled",
                "skipped",
                "skips",
                "timestamp",
                "hostname",
                "id",
                "package",
                "assertions",
                "file",
                "skip",
                "log",
                "url",
            ],
            &["tests"],
        ),
        "testcase" => (
            &["skipped", "error", "failure", "system-out", "system-err"],
            &[
                "name",
                "assertions",
                "time",
                "timestamp",
                "classname",
                "status",
                "class",
                "file",
                "line",
                "log",
                "group",
                "url",
            ],
            &["name"],
        ),
        "failure" | "error" => (&[], &["type", "message"], &["type", "message"]),
        "skipped" => (&[], &["type", "message"], &[]),
        "properties" => (&["property"], &[], &[]),
        "property" => (&[], &["name", "value"], &["name", "value"]),
        "system-out" | "system-err" => (&[], &[], &[]),
        _ => return None,
    })
}

/// Every way the document breaks the JUnit structure, or nothing.
fn junit_violations(xml: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(xml) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    let mut errs = Vec::new();
    let root = doc.root_element();
    if root.tag_name().name() != "testsuites" {
        errs.push(format!("root is <{}>", root.tag_name().name()));
    }
    for node in root.descendants().filter(roxmltree::Node::is_element) {
        let name = node.tag_name().name();
        let Some((children, allowed, required)) = junit_rules(name) else {
            errs.push(format!("unknown element <{name}>"));
            continue;
        };
        for child in node.children().filter(roxmltree::Node::is_element) {
            if !children.contains(&child.tag_name().name()) {
                errs.push(format!("<{}> inside <{name}>", child.tag_name().name()));
            }
        }
        for a in node.attributes() {
            if !allowed.contains(&a.name()) {
                errs.push(format!("attribute {} on <{name}>", a.name()));
            }
        }
        for r in required {
            if node.attribute(*r).is_none() {
                errs.push(format!("<{name}> without {r}"));
            }
        }
        if name == "testsuite" {
            let cases: Vec<_> = node
                .children()
                .filter(|c| c.has_tag_name("testcase"))
                .collect();
            let count =
                |f: &dyn Fn(&roxmltree::Node) -> bool| cases.iter().filter(|c| f(c)).count();
            let attr = |a: &str| node.attribute(a).and_then(|v| v.parse::<usize>().ok());
            if attr("tests") != Some(cases.len()) {
                errs.push("testsuite@tests does not count its cases".to_owned());
            }
            let failed = count(&|c| c.children().any(|x| x.has_tag_name("failure")));
            if attr("failures") != Some(failed) {
                errs.push("testsuite@failures does not count failing cases".to_owned());
            }
            let skipped = count(&|c| c.children().any(|x| x.has_tag_name("skipped")));
            if attr("skipped").unwrap_or(0) != skipped {
                errs.push("testsuite@skipped does not count skipped cases".to_owned());
            }
        }
        if name == "testcase"
            && node
                .children()
                .filter(|c| c.has_tag_name("failure"))
                .count()
                > 1
        {
            errs.push("a testcase with more than one failure".to_owned());
        }
    }
    errs
}

#[test]
fn junit_output_is_well_formed_and_has_the_junit_structure() {
    let mut failures = 0;
    for (dir, args) in all_inputs() {
        let extra: Vec<&str> = args.iter().map(String::as_str).collect();
        for lang in ["en", "ja"] {
            let mut with = extra.clone();
            with.extend(["--format", "junit", "--lang", lang]);
            let out = check(&dir, &with);
            if out.status.code() == Some(2) && out.stdout.is_empty() {
                continue;
            }
            let xml = stdout(&out);
            let errs = junit_violations(&xml);
            assert!(errs.is_empty(), "{dir} --lang {lang}: {errs:#?}\n{xml}");
            // The failures carry every finding at or above --fail-on (error by default: no
            // fixture sets it), and the exit code agrees with the report.
            let doc = roxmltree::Document::parse(&xml).unwrap();
            let failed = doc
                .descendants()
                .filter(|n| n.has_tag_name("failure"))
                .map(|n| {
                    n.text()
                        .unwrap_or("")
                        .lines()
                        .filter(|l| !l.starts_with("  "))
                        .filter(|l| !l.is_empty())
                        .count()
                })
                .sum::<usize>();
            if lang == "en" {
                let mut json_args = extra.clone();
                json_args.extend(["--format", "json"]);
                let errors = json(&check(&dir, &json_args))["summary"]["errors"]
                    .as_u64()
                    .unwrap();
                assert_eq!(failed as u64, errors, "{dir}");
            }
            if out.status.code() != Some(2) {
                assert_eq!(out.status.code() == Some(1), failed > 0, "{dir}");
            }
            failures += failed;
        }
    }
    assert!(
        failures > 10,
        "only {failures} failing findings were checked"
    );

    // The checker is live.
    assert!(!junit_violations("<testsuites><testcase name=\"x\"/></testsuites>").is_empty());
    assert!(!junit_violations("<testsuites><testsuite tests=\"1\"><testcase name=\"a\"><failure message=\"m\"/></testcase></testsuite></testsuites>").is_empty());
    assert!(!junit_violations("<testsuites><testsuite tests=\"2\"/></testsuites>").is_empty());
    assert!(!junit_violations("<testsuites>\u{1}</testsuites>").is_empty());
}

#[test]
fn junit_escapes_what_xml_1_0_forbids() {
    let out = check(ESCAPES, &["--format", "junit", "--fail-on", "info"]);
    let xml = stdout(&out);
    assert!(junit_violations(&xml).is_empty(), "{xml}");
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(text.contains("clear\\u{1b}[2J screen"), "{text}");
    assert!(text.contains("bell\\u{7}"), "{text}");
    snapshot("junit_escapes", &transcript(&out));
}

#[test]
fn junit_cases_are_per_code_with_skips_for_off_and_unselected_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.align"), common::ONE_GAP).unwrap();
    // ALN106 is off by default: turned on here, with ALN102 turned off.
    std::fs::write(
        dir.path().join("align.toml"),
        "[severity]\nno-kpi = \"off\"\nkpi-without-kgi = \"info\"\n",
    )
    .unwrap();
    let out = align_in(
        dir.path(),
        &[
            "check", ".", "--today", TODAY, "--format", "junit", "--ignore", "ALN105",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let xml = stdout(&out);
    assert!(junit_violations(&xml).is_empty(), "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no case {name}:\n{xml}"))
    };
    let rules = align(&["rules", "--format", "json"]);
    let codes = json(&rules)["codes"].as_array().unwrap().len();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        codes
    );
    let gap = case("ALN101 item-without-program");
    let failure = gap.children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(failure.attribute("type"), Some("ALN101"));
    assert!(failure
        .text()
        .unwrap()
        .contains("./a.align:5:1: ALN101 item-without-program item I2"));
    assert!(case("ALN102 no-kpi")
        .children()
        .any(|n| n.has_tag_name("skipped")));
    assert!(case("ALN105 field-without-program")
        .children()
        .any(|n| n.has_tag_name("skipped")));
    // An info (below --fail-on) passes, with the finding in system-out.
    let info = case("ALN106 kpi-without-kgi");
    assert!(info.children().all(|n| !n.has_tag_name("failure")));
    assert!(info.children().any(|n| n.has_tag_name("system-out")));
    assert!(case("ALN010 syntax-error").children().next().is_none());
    snapshot("junit_one_gap", &xml);
    // Without the configuration, the opt-in ALN106 is skipped and says why.
    std::fs::remove_file(dir.path().join("align.toml")).unwrap();
    let out = align_in(
        dir.path(),
        &["check", ".", "--today", TODAY, "--format", "junit"],
    );
    let xml = stdout(&out);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let opt_in = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("ALN106 kpi-without-kgi"))
        .unwrap();
    let skipped = opt_in
        .children()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert_eq!(
        skipped.attribute("message"),
        Some("off by default and not switched on")
    );
}

// ---------------------------------------------------------------------------------------------
// --select / --ignore

fn codes_of(path: &str, extra: &[&str]) -> BTreeSet<String> {
    json_findings(path, extra)
        .into_iter()
        .map(|f| f.3)
        .collect()
}

#[test]
fn select_and_ignore_take_codes_slugs_and_prefixes() {
    let all = codes_of("specs", &[]);
    assert_eq!(
        all,
        BTreeSet::from(["ALN101", "ALN104", "ALN109", "ALN113"].map(String::from))
    );
    let only = |extra: &[&str]| codes_of("specs", extra);
    let set = |codes: &[&str]| {
        codes
            .iter()
            .map(|c| (*c).to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        only(&["--select", "ALN101,kpi-without-kgi"]),
        set(&["ALN101", "ALN106"])
    );
    assert_eq!(
        only(&["--select", "aln101", "--select", "ALN104"]),
        set(&["ALN101", "ALN104"])
    );
    assert_eq!(only(&["--ignore", "ALN1"]), set(&[]));
    assert_eq!(
        only(&["--select", "ALN10", "--ignore", "ALN106"]),
        set(&["ALN101", "ALN104", "ALN109"])
    );
    // A prefix does not switch on the opt-in ALN106; naming it does.
    assert_eq!(
        only(&["--select", "ALN10"]),
        set(&["ALN101", "ALN104", "ALN109"])
    );
    // The more specific name wins: an exact code over a prefix.
    assert_eq!(
        only(&["--select", "ALN113", "--ignore", "ALN1"]),
        set(&["ALN113"])
    );
    assert_eq!(
        only(&["--ignore", "no-series,outside-measurement-scope"]),
        set(&["ALN101", "ALN109"])
    );
    // The exit code and summary follow the selection.
    let out = check("specs", &["--ignore", "ALN101", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(
        stdout(&out).starts_with("warning: 0 errors, 6 warnings, 1 info"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn structural_errors_are_always_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.align"),
        "plan P \"p\" {\nitem I1 \"x\" { goal G9 }\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", ".", "--today", TODAY, "--format", "json"];
        args.extend_from_slice(extra);
        let doc = json(&align_in(dir.path(), &args));
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect::<BTreeSet<_>>()
    };
    let all = run(&[]);
    let structural: BTreeSet<String> = all
        .iter()
        .filter(|c| ["ALN010", "ALN017", "ALN060"].contains(&c.as_str()))
        .cloned()
        .collect();
    assert!(!structural.is_empty(), "{all:?}");
    // Selecting a rule keeps the structural errors; ignoring `ALN0` does not drop them.
    assert!(run(&["--select", "ALN101"]).is_superset(&structural));
    assert!(run(&["--ignore", "ALN0"]).is_superset(&structural));
    assert!(run(&["--select", "ALN106"])
        .iter()
        .all(|c| structural.contains(c) || c == "ALN106"));
}

#[test]
fn unknown_or_forbidden_names_are_usage_errors() {
    let out = check("specs", &["--select", "item-without-progam"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    snapshot("select_unknown_slug", &transcript(&out));
    let out = check("specs", &["--ignore", "ALN199,syntax-error"]);
    assert_eq!(out.status.code(), Some(2));
    snapshot("ignore_unknown_code_and_structural", &transcript(&out));
}

#[test]
fn selection_narrows_after_align_toml_severity() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.align"), common::ONE_GAP).unwrap();
    std::fs::write(
        dir.path().join("align.toml"),
        "[severity]\nkpi-without-kgi = \"off\"\nitem-without-program = \"warning\"\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["check", ".", "--today", TODAY, "--format", "concise", "-q"];
        args.extend_from_slice(extra);
        let out = align_in(dir.path(), &args);
        (out.status.code(), stdout(&out))
    };
    // `off` stays off even when selected; a changed severity is kept.
    let (code, text) = run(&["--select", "ALN106,ALN101", "--fail-on", "warning"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        text,
        "./a.align:5:1: ALN101 item-without-program item I2 “gap” is in the scope of no program\n"
    );
}

#[test]
fn baseline_notes_only_look_at_selected_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.align"), common::ONE_GAP).unwrap();
    // Two codes in the baseline: ALN101 and the opt-in ALN106, turned on.
    std::fs::write(
        dir.path().join("align.toml"),
        "[severity]\nkpi-without-kgi = \"info\"\n",
    )
    .unwrap();
    let out = align_in(
        dir.path(),
        &[
            "check",
            ".",
            "--today",
            TODAY,
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let out = align_in(
        dir.path(),
        &[
            "check",
            ".",
            "--today",
            TODAY,
            "--baseline",
            "base.json",
            "--select",
            "ALN106",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("1 known finding not reported"), "{stderr}");
    assert!(!stderr.contains("no longer"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// --statistics

#[test]
fn statistics_count_per_code_most_frequent_first() {
    let out = check("specs", &["--statistics"]);
    assert_eq!(out.status.code(), Some(1));
    snapshot("statistics_specs", &transcript(&out));
    let table = stdout(&out);
    let counts: Vec<usize> = table
        .lines()
        .take_while(|l| !l.starts_with("error:"))
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{table}");
    let total: usize = counts.iter().sum();
    assert_eq!(total, json_findings("specs", &[]).len());

    let doc = json(&check(
        "specs",
        &["--statistics", "--format", "json", "--ignore", "ALN106"],
    ));
    assert_eq!(doc["format"], "align-statistics");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["total"], 8);
    assert_eq!(doc["statistics"][0]["code"], "ALN113");
    assert_eq!(doc["statistics"][0]["slug"], "no-series");
    assert_eq!(doc["statistics"][0]["count"], 5);
    assert_eq!(doc["statistics"][0]["severity"], "warning");
    let out = check("specs", &["--statistics", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--statistics"));
}

// ---------------------------------------------------------------------------------------------
// align rules --format

#[test]
fn rules_json_lists_every_code_and_human_is_the_table() {
    let human = stdout(&align(&["rules", "--format", "human"]));
    assert_eq!(human, stdout(&align(&["rules"])));
    assert_eq!(
        human,
        stdout(&align(&["rules", "--format", "text"])),
        "`text` stays an alias"
    );
    let doc = json(&align(&["rules", "--format", "json"]));
    assert_eq!(doc["format"], "align-rules");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["rule_set"], "basic-plan");
    let codes = doc["codes"].as_array().unwrap();
    let table_codes: Vec<&str> = human
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let json_codes: Vec<&str> = codes.iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(table_codes, json_codes);
    let aln101 = codes.iter().find(|c| c["code"] == "ALN101").unwrap();
    assert_eq!(aln101["slug"], "item-without-program");
    assert_eq!(aln101["kind"], "rule");
    assert_eq!(aln101["type"], "coverage");
    assert_eq!(aln101["severity"], "error");
    let aln010 = codes.iter().find(|c| c["code"] == "ALN010").unwrap();
    assert_eq!(aln010["kind"], "structural");
    assert!(aln010["type"].is_null());
    let ja = json(&align(&["rules", "--format", "json", "--lang", "ja"]));
    assert_eq!(ja["lang"], "ja");
    assert_ne!(ja["codes"][0]["summary"], doc["codes"][0]["summary"]);
}

// ---------------------------------------------------------------------------------------------
// docs/ci.md, action.yml, .pre-commit-hooks.yaml: what they say runs, and prints what they show

use yaml_rust2::{Yaml, YamlLoader};

fn load_yaml(text: &str) -> Yaml {
    let mut docs = YamlLoader::load_from_str(text).unwrap();
    assert_eq!(docs.len(), 1);
    docs.remove(0)
}

fn yaml_file(rel: &str) -> Yaml {
    load_yaml(&std::fs::read_to_string(root().join(rel)).unwrap())
}

/// The code blocks of a Markdown text with the given info string.
fn blocks<'a>(markdown: &'a str, info: &str) -> Vec<&'a str> {
    let fence = format!("```{info}\n");
    markdown
        .split(fence.as_str())
        .skip(1)
        .filter_map(|b| b.split("\n```").next())
        .collect()
}

/// A copy of `specs/` in a temporary directory, with a baseline of its findings as
/// `align-baseline.json`, to run documented commands in.
fn plan_repo() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.path().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&root().join("specs"), &dir.path().join("specs"));
    let out = align_in(
        dir.path(),
        &["check", "specs", "--write-baseline", "align-baseline.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    dir
}

/// Splits a documented command line into arguments (no quoting is used in the docs).
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn docs_ci_md_console_blocks_are_real_output() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let consoles = blocks(&doc, "console");
    assert!(consoles.len() >= 4, "docs/ci.md has its console blocks");
    for block in consoles {
        let mut lines = block.lines();
        let command = lines.next().unwrap();
        let args = words(command.strip_prefix("$ align ").expect("`$ align …`"));
        let mut args = args.clone();
        if args[0] == "check" {
            args.extend(["--today", TODAY]);
        }
        let out = align(&args);
        assert_ne!(
            out.status.code(),
            Some(2),
            "{command}: {}",
            transcript(&out)
        );
        let real = stdout(&out);
        // Every shown line appears in the output, in order; `…` stands for lines left out.
        let mut rest = real.lines();
        for shown in lines.filter(|l| *l != "…") {
            assert!(
                rest.any(|l| l == shown),
                "docs/ci.md is stale: `{command}` does not print, in this order:\n{shown}\n\nIt prints:\n{real}"
            );
        }
    }
}

#[test]
fn action_yml_declares_the_inputs_and_its_check_step_runs() {
    let action = yaml_file("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for input in ["paths", "baseline", "lang", "fail-on"] {
        assert!(
            !action["inputs"][input]["description"].is_badvalue(),
            "input {input}"
        );
    }
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter().any(|u| u.starts_with("actions/cache@")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{uses:?}"
    );
    let install = steps
        .iter()
        .find_map(|s| s["run"].as_str().filter(|r| r.contains("cargo install")))
        .unwrap();
    assert!(
        install.contains("--locked") && install.contains("--path"),
        "{install}"
    );
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .unwrap();
    assert!(cache["with"]["path"]
        .as_str()
        .unwrap()
        .contains("~/.cargo/bin/align"));
    let check = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("check"))
        .unwrap();
    let script = check["run"].as_str().unwrap();
    for (key, input) in [
        ("ALIGN_PATHS", "paths"),
        ("ALIGN_BASELINE", "baseline"),
        ("ALIGN_LANG", "lang"),
        ("ALIGN_FAIL_ON", "fail-on"),
    ] {
        assert_eq!(
            check["env"][key].as_str(),
            Some(format!("${{{{ inputs.{input} }}}}").as_str())
        );
    }

    // Run the step's script as the runner would, with the align under test on PATH.
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_align"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |baseline: &str, fail_on: &str| {
        let repo = plan_repo();
        let output = repo.path().join("output");
        let summary = repo.path().join("summary");
        let out = std::process::Command::new("bash")
            .args(["-c", script])
            .current_dir(repo.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("ALIGN_PATHS", "specs")
            .env("ALIGN_BASELINE", baseline)
            .env("ALIGN_LANG", "ja")
            .env("ALIGN_FAIL_ON", fail_on)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("RUNNER_TEMP", repo.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", transcript(&out));
        let outputs = std::fs::read_to_string(&output).unwrap();
        let summary = std::fs::read_to_string(&summary).unwrap();
        let sarif = std::fs::read_to_string(repo.path().join("align.sarif")).unwrap();
        (stdout(&out), outputs, summary, sarif)
    };
    // Without a baseline: every finding annotated in Japanese, exit 1 for the error.
    let (annotations, outputs, summary, sarif) = run("", "");
    assert!(
        annotations
            .lines()
            .any(|l| l.starts_with("::error file=specs/plan.align,line=145")),
        "{annotations}"
    );
    assert!(annotations.contains("実施範囲に含む事業がない"));
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-file="), "{outputs}");
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 8);
    assert!(summary.contains("ALN113  no-series"), "{summary}");
    // With the baseline: nothing new, exit 0; the SARIF still has every finding.
    let (annotations, outputs, _, sarif) = run("align-baseline.json", "warning");
    assert!(!annotations.contains("::error"), "{annotations}");
    assert!(outputs.contains("exit-code=0\n"), "{outputs}");
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 8);
    // A baseline that does not exist yet (the first run): a warning, then every finding.
    let (annotations, outputs, _, _) = run("missing.json", "");
    assert!(
        annotations.starts_with("::warning title=align::baseline missing.json not found"),
        "{annotations}"
    );
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
}

#[test]
fn docs_ci_md_workflow_uses_the_action_with_its_inputs() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let action = yaml_file("action.yml");
    let workflow = blocks(&doc, "yaml")
        .into_iter()
        .map(load_yaml)
        .find(|y| !y["jobs"].is_badvalue())
        .expect("a workflow in docs/ci.md");
    assert_eq!(
        workflow["permissions"]["security-events"].as_str(),
        Some("write")
    );
    let steps = workflow["jobs"]["align"]["steps"].as_vec().unwrap();
    let step = steps
        .iter()
        .find(|s| s["uses"].as_str() == Some("./tools/align"))
        .unwrap();
    let with = step["with"].as_hash().unwrap();
    assert_eq!(step["with"]["lang"].as_str(), Some("ja"));
    for key in with.keys() {
        let key = key.as_str().unwrap();
        assert!(
            !action["inputs"][key].is_badvalue(),
            "the workflow passes an unknown input {key}"
        );
    }
}

/// The `align check …` commands of a documented script, with redirections and `|| …` cut off.
fn align_commands(script: &str) -> Vec<Vec<String>> {
    script
        .lines()
        .map(str::trim)
        .filter_map(|l| {
            l.strip_prefix("- ")
                .unwrap_or(l)
                .strip_prefix("align check ")
        })
        .map(|rest| {
            let rest = rest.split(['>', '|']).next().unwrap();
            words(rest).into_iter().map(str::to_owned).collect()
        })
        .collect()
}

#[test]
fn docs_ci_md_gitlab_job_runs_and_writes_valid_reports() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let job = blocks(&doc, "yaml")
        .into_iter()
        .map(load_yaml)
        .find(|y| !y["align"]["artifacts"].is_badvalue())
        .expect("a .gitlab-ci.yml in docs/ci.md");
    let reports = &job["align"]["artifacts"]["reports"];
    assert_eq!(
        reports["codequality"].as_str(),
        Some("gl-code-quality-report.json")
    );
    assert_eq!(reports["junit"].as_str(), Some("align-junit.xml"));
    let script: Vec<&str> = job["align"]["script"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    let commands = align_commands(&script.join("\n"));
    assert_eq!(commands.len(), 3, "{script:#?}");
    let repo = plan_repo();
    for args in &commands {
        let mut all = vec!["check".to_owned()];
        all.extend(args.iter().cloned());
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = align_in(repo.path(), &all);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{all:?}: {}",
            transcript(&out)
        );
        if all.contains(&"gitlab") {
            assert!(gitlab_violations(&json(&out)).is_empty());
        }
        if all.contains(&"junit") {
            assert!(junit_violations(&stdout(&out)).is_empty());
        }
    }
}

#[test]
fn pre_commit_hook_runs_on_every_commit_and_its_command_works() {
    let hooks = yaml_file(".pre-commit-hooks.yaml");
    let hook = &hooks.as_vec().unwrap()[0];
    assert_eq!(hook["id"].as_str(), Some("align"));
    assert_eq!(hook["language"].as_str(), Some("rust"));
    assert_eq!(hook["pass_filenames"].as_bool(), Some(false));
    // Deleting a spec must run the hook: pre-commit never matches deleted files.
    assert_eq!(hook["always_run"].as_bool(), Some(true));
    let entry = words(hook["entry"].as_str().unwrap());
    assert_eq!(entry[..2], ["align", "check"]);
    let args: Vec<&str> = hook["args"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(args, ["specs"]);
    // The command pre-commit runs, on this repository's specs: findings, not a usage error.
    let mut command: Vec<&str> = entry[1..].to_vec();
    command.extend(&args);
    let out = align(&command);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    // With arguments as docs/ci.md's example passes them.
    let repo = plan_repo();
    let out = align_in(
        repo.path(),
        &["check", "specs", "--baseline", "align-baseline.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));

    // docs/ci.md's local hook has the same settings.
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let config = blocks(&doc, "yaml")
        .into_iter()
        .map(load_yaml)
        .find(|y| !y["repos"].is_badvalue())
        .expect("a .pre-commit-config.yaml in docs/ci.md");
    let local = &config["repos"][0]["hooks"][0];
    assert_eq!(local["id"].as_str(), Some("align"));
    assert_eq!(local["entry"], hook["entry"]);
    assert_eq!(local["pass_filenames"].as_bool(), Some(false));
    assert_eq!(local["always_run"].as_bool(), Some(true));
}

// ---------------------------------------------------------------------------------------------
// Install: licences, package metadata, profiles, the README's figures

#[test]
fn licences_metadata_and_profiles_match_what_the_readme_says() {
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let package = &manifest["package"];
    assert_eq!(package["license"].as_str(), Some("MIT OR Apache-2.0"));
    let mit = std::fs::read_to_string(root().join("LICENSE-MIT")).unwrap();
    assert!(mit.starts_with("MIT License\n\nCopyright (c) the align developers\n"));
    assert!(mit.contains("THE SOFTWARE IS PROVIDED \"AS IS\""));
    let apache = std::fs::read_to_string(root().join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
    assert_eq!(package["readme"].as_str(), Some("README.md"));
    assert!(!package["keywords"].as_array().unwrap().is_empty());
    assert!(!package["categories"].as_array().unwrap().is_empty());
    // No made-up repository URL.
    assert!(package.get("repository").is_none());

    let profiles = &manifest["profile"];
    assert_eq!(profiles["release"]["strip"].as_bool(), Some(true));
    assert_eq!(profiles["release"]["debug"].as_bool(), Some(false));
    assert_eq!(profiles["profiling"]["inherits"].as_str(), Some("release"));
    assert_eq!(profiles["profiling"]["debug"].as_integer(), Some(1));
    let profile_sh = std::fs::read_to_string(root().join("bench/profile.sh")).unwrap();
    assert!(
        profile_sh.contains("--profile profiling") && profile_sh.contains("target/profiling/align")
    );

    // The README's install section names the real minimum Rust version and no placeholder.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = readme
        .split("## Install")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let rust_version = package["rust-version"].as_str().unwrap();
    assert!(
        install.contains(&format!("Rust {rust_version} or newer")),
        "{install}"
    );
    assert!(install.contains("cargo install --path . --locked"));
    assert!(install.contains("cargo install --git URL --locked"));
    assert!(
        !install.contains('<'),
        "a literal placeholder in the install section"
    );
    let first_lines: Vec<&str> = readme.lines().take(5).collect();
    assert_eq!(first_lines[3], "cargo run --release -- check specs/     # check the bundled Second Basic Plan (exits 1: it has a gap)");
}
