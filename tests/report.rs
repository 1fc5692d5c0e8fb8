//! `align report`: snapshots of the Markdown report of the bundled specs in both languages, a
//! report of a rule set with nothing of the basic plan in it, escaping (fixtures and property
//! tests), the first screen's conclusion, size guards, and atomic writes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use align::report::html::{esc, rich};
use align::report::markdown::cell;
use common::{align, transcript, TODAY};
use proptest::prelude::*;

const INJECTION: &str = "tests/fixtures/report/injection";

const VERSION: &str = concat!("align ", env!("CARGO_PKG_VERSION"));

fn version_filter() -> Vec<(&'static str, &'static str)> {
    vec![(VERSION, "align [VERSION]")]
}

fn report(args: &[&str]) -> std::process::Output {
    let mut all = vec!["report", "--today", TODAY];
    all.extend_from_slice(args);
    align(&all)
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn markdown_of_the_bundled_specs() {
    for lang in ["ja", "en"] {
        let out = report(&["specs", "--format", "md", "--lang", lang]);
        insta::with_settings!({ filters => version_filter() }, {
            insta::assert_snapshot!(format!("specs_md_{lang}"), transcript(&out));
        });
    }
}

/// The first screen says the study's conclusion, from the findings: the item no program's
/// scope includes, the program its parent's program misses, and the program outside K5's
/// measurement scope.
#[test]
fn the_first_screen_says_the_conclusion() {
    for (lang, words) in [
        (
            "ja",
            ["I1.3.2.a", "amed.hub", "mhlw.asia-network", "K5", "結論"],
        ),
        (
            "en",
            [
                "I1.3.2.a",
                "amed.hub",
                "mhlw.asia-network",
                "K5",
                "Conclusion",
            ],
        ),
    ] {
        let html = stdout(&report(&["specs", "--lang", lang]));
        let start = html.find("id=conclusion").expect("a conclusion section");
        let end = html[start..].find("</section>").unwrap() + start;
        let lead = &html[start..end];
        for w in words {
            assert!(
                lead.contains(w),
                "{lang}: `{w}` not in the conclusion: {lead}"
            );
        }
        // Before any other section.
        assert!(start < html.find("id=summary").unwrap());
        let gaps = html.find("id=gaps").unwrap();
        assert!(html[gaps..].contains("data-node=\"I1.3.2.a\""));
        assert!(html[gaps..].contains("data-node=\"K5\""));
        assert!(html.contains("id=gate-chart"));
        assert!(html.contains("27.4%"));
    }
}

#[test]
fn html_is_self_contained() {
    let html = stdout(&report(&["specs", "--lang", "ja"]));
    for external in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "`{external}` in the report");
    }
    assert!(html.contains("Noto Sans CJK JP"));
    assert!(html.contains("@page{size:A4"));
}

/// A rule set of a school plan (objectives, tasks, grants) gives a sensible report: its own
/// kinds as rows and columns, its own gap.
#[test]
fn a_report_of_another_rule_set() {
    let dir = "tests/fixtures/config/custom-rule-set";
    let rules = format!("{dir}/rules");
    let out = report(&[dir, "--rules", &rules, "--format", "md", "--lang", "en"]);
    let md = stdout(&out);
    insta::with_settings!({ filters => version_filter() }, {
        insta::assert_snapshot!("custom_rule_set_md", transcript(&out));
    });
    assert!(md.contains("## Coverage: task"), "{md}");
    assert!(
        md.contains("| `T2` | Train reading assistants | G1 | **gap** |"),
        "{md}"
    );
    assert!(
        md.contains("| `T1` | Buy levelled readers | G1 | covered |"),
        "{md}"
    );
    assert!(
        md.contains("O1 Every pupil reads fluently by age 9"),
        "{md}"
    );
    assert!(md.contains("A task with no grant: 1 of 2"), "{md}");
    let html = stdout(&report(&[dir, "--rules", &rules, "--lang", "ja"]));
    assert!(html.contains("data-node=\"T2\""));
}

#[test]
fn injected_titles_stay_text() {
    for lang in ["ja", "en"] {
        let out = report(&[INJECTION, "--lang", lang]);
        let html = stdout(&out);
        // The report's own style and script elements, and no other.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert_eq!(html.matches("</style>").count(), 1);
        for bad in ["<img", "<svg onload", "<iframe", "<b>", "<x>", "onerror=\""] {
            assert!(!html.contains(bad), "`{bad}` in the HTML report");
        }
        assert!(html.contains("&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned = 3&quot;&gt;"));

        let md = stdout(&report(&[INJECTION, "--format", "md", "--lang", lang]));
        for bad in [
            "<script",
            "<img",
            "<svg",
            "<iframe",
            "<b>",
            "[link](javascript",
        ] {
            assert!(!md.contains(bad), "`{bad}` in the Markdown report");
        }
        assert!(
            md.contains("a \\| pipe"),
            "a pipe in a table cell is escaped"
        );
    }
}

#[test]
fn a_failing_write_leaves_no_file_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    // The parent is a regular file: the directory cannot exist.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let target = blocker.join("report.html");
    let out = report(&["specs", "-o", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(!target.exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the report"));
    assert!(out.stdout.is_empty());

    // A missing directory.
    let missing = dir.path().join("missing").join("report.md");
    let out = report(&["specs", "--format", "md", "-o", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_existing_file_is_replaced_whole_or_left_intact() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.html");
    std::fs::write(&target, "previous report").unwrap();
    // The run fails (no such rule set): the old file is intact.
    let out = report(&[
        "specs",
        "--rules",
        "no/such/rules",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous report");
    // A directory in the way: an error, and the directory is left as it was.
    let as_dir = dir.path().join("a-dir");
    std::fs::create_dir(&as_dir).unwrap();
    let out = report(&["specs", "-o", as_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(as_dir.is_dir());
    // Findings: exit 1, and the report is written all the same, with no temporary file left.
    let out = report(&["specs", "-o", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let html = std::fs::read_to_string(&target).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// Undo [`esc`]: the five character references it writes.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

proptest! {
    #[test]
    fn html_escaping_leaves_no_markup_and_loses_nothing(s in "\\PC*|[<>&\"' a-z=/]*") {
        let e = esc(&s);
        prop_assert!(!e.contains(['<', '>', '"', '\'']));
        // Every `&` starts one of the references.
        for (i, _) in e.match_indices('&') {
            let rest = &e[i..];
            prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|r| rest.starts_with(r)));
        }
        prop_assert_eq!(unescape(&e), s);
    }

    #[test]
    fn rich_text_adds_only_code_elements(s in "[<>&\"'`a-z ]*") {
        let r = rich(&s);
        let stripped = r.replace("<code>", "").replace("</code>", "");
        prop_assert!(!stripped.contains(['<', '>', '"', '\'']));
        prop_assert_eq!(r.matches("<code>").count(), r.matches("</code>").count());
    }

    #[test]
    fn markdown_cells_stay_in_their_cell(s in "\\PC*|[|<>\\[\\]\n\r\\\\a-z]*") {
        let c = cell(&s);
        prop_assert!(!c.contains(['\n', '\r', '<', '>']));
        // Every `|` is escaped: preceded by an odd number of backslashes.
        for (i, _) in c.match_indices('|') {
            let slashes = c[..i].chars().rev().take_while(|&ch| ch == '\\').count();
            prop_assert!(slashes % 2 == 1, "unescaped `|` in {:?}", c);
        }
    }
}

/// The English summary reads as one list: every line names a kind of declaration with its
/// article, upper case first, then its count, whichever rule type made it (coverage,
/// measurement scope, orphan, or a rule's own summary).
#[test]
fn summary_lines_read_alike_for_every_rule_type() {
    let cases = [
        ("specs", "- An item with no program: 1 of 8 (ALN101"),
        (
            "specs",
            "- A program outside the measurement scope of a KPI that measures what it serves: 1 (ALN104",
        ),
        (
            "tests/fixtures/rules/ALN103-program-without-item",
            "- A program with no `covers`: 1 (ALN103",
        ),
        (
            "tests/fixtures/rules/ALN107-item-without-goal",
            "- An item that belongs to no goal, directly or through its parent: 2 (ALN107",
        ),
    ];
    for (dir, line) in cases {
        let md = stdout(&report(&[dir, "--format", "md", "--lang", "en"]));
        // The section's list: up to its table or the next section.
        let summary: Vec<&str> = md
            .split("## Summary")
            .nth(1)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with('|') && !l.starts_with("## "))
            .filter(|l| l.starts_with("- "))
            .collect();
        assert!(
            summary.iter().any(|l| l.starts_with(line)),
            "{dir}: {summary:?}"
        );
        for l in &summary {
            assert!(
                l.chars().nth(2).is_some_and(char::is_uppercase),
                "{dir}: {l}"
            );
        }
    }
}
