//! JUnit XML (`align check --format junit`), for CI test reports (GitLab's
//! `artifacts:reports:junit`, Jenkins, Azure Pipelines …).
//!
//! **One test case per code of the rule set**, not per checked file: a code is a check the plan
//! must pass ("every item is in the scope of a program"), so a report lists the same test cases
//! on every run, and a CI's test history shows a check going from failing to passing, and which
//! checks a merge request newly breaks. Per file, the cases would come and go with files, and a
//! finding that names two files (a duplicate ID, a program outside a KPI's scope) would belong to
//! neither.
//!
//! A case fails when it has findings at or above `--fail-on`: its one `<failure>` (the common
//! JUnit schemas allow one) carries every such finding, one per line as in `--format concise`,
//! each followed by its help. Findings below `--fail-on` go to the case's `<system-out>`, and it
//! passes, so the report agrees with the exit code. Codes set to `off` in `align.toml`, or left
//! out by `--select`/`--ignore`, are `<skipped>`. No `time` is written: the rules are not timed
//! one by one, and an invented figure would be worse than none.
//!
//! Text is escaped for XML 1.0: `&`, `<`, `>` (and in attributes `"`, `'`) as entities, line breaks and tabs in
//! attributes as character references (so parsers keep them), and the characters XML 1.0
//! forbids even as references (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF) shown as
//! `\u{…}`, as are other controls and bidirectional overrides (as in human output).

use super::concise;
use super::docs::Entry;
use super::sanitize;
use super::Input;
use crate::config::Level;
use crate::diag::{Finding, Lang, Severity};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Escapes text for XML 1.0 element content (`attribute: false`) or a quoted attribute value.
pub fn escape(text: &str, attribute: bool) -> String {
    // Line by line through the one sanitiser: element content keeps its line breaks.
    let safe = text
        .split('\n')
        .map(sanitize::line)
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::with_capacity(safe.len());
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if !allowed_in_xml(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The `Char` production of XML 1.0.
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// One test case: a code and what happened to it.
struct Case<'f> {
    code: String,
    slug: String,
    skipped: Option<&'static str>,
    failing: Vec<&'f Finding>,
    passing: Vec<&'f Finding>,
}

/// Writes the report. `threshold` is the `--fail-on` severity (`None`: nothing fails).
pub fn render(
    input: &Input<'_>,
    threshold: Option<Severity>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut by_code: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in input.findings {
        by_code.entry(f.code.as_str()).or_default().push(f);
    }
    let lang = input.lang;
    let mut cases: Vec<Case<'_>> = Vec::new();
    let entries = Entry::all(input.rules);
    let codes = entries
        .iter()
        .map(|e| (e.code().to_owned(), e.slug().to_owned()));
    // A finding of a code the rule set does not list still gets a case.
    let extra: Vec<(String, String)> = by_code
        .iter()
        .filter(|(code, _)| !entries.iter().any(|e| e.code() == **code))
        .map(|(code, fs)| ((*code).to_owned(), fs[0].slug.to_string()))
        .collect();
    for (code, slug) in codes.chain(extra) {
        let findings = by_code.remove(code.as_str()).unwrap_or_default();
        let skipped = if matches!(input.overrides.get(&code), Some(Level::Off)) {
            Some(lang.pick("set to `off` in align.toml", "align.toml で `off` に設定"))
        } else if entries.iter().any(|e| e.code() == code && !e.on()) {
            Some(lang.pick(
                "off by default and not switched on",
                "既定で無効で、有効にされていない",
            ))
        } else if !input.selection.allows(&code) {
            Some(lang.pick(
                "not selected (--select / --ignore)",
                "選択されていない（--select / --ignore）",
            ))
        } else {
            None
        };
        let (failing, passing) = findings
            .into_iter()
            .partition(|f| threshold.is_some_and(|t| f.severity >= t));
        cases.push(Case {
            code,
            slug,
            skipped,
            failing,
            passing,
        });
    }
    let tests = cases.len();
    let failures = cases.iter().filter(|c| !c.failing.is_empty()).count();
    let skipped = cases.iter().filter(|c| c.skipped.is_some()).count();
    let set = escape(input.rule_set_name(), true);
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"align\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    )?;
    writeln!(
        out,
        "  <testsuite name=\"align {set}\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"0\" skipped=\"{skipped}\">"
    )?;
    for case in &cases {
        write_case(input, case, &set, out)?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn write_case(
    input: &Input<'_>,
    case: &Case<'_>,
    set: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = input.lang;
    let name = escape(&format!("{} {}", case.code, case.slug), true);
    let open = format!("    <testcase name=\"{name}\" classname=\"align.{set}\"");
    if case.skipped.is_none() && case.failing.is_empty() && case.passing.is_empty() {
        return writeln!(out, "{open}/>");
    }
    writeln!(out, "{open}>")?;
    if let Some(why) = case.skipped {
        writeln!(out, "      <skipped message=\"{}\"/>", escape(why, true))?;
    }
    if !case.failing.is_empty() {
        let n = case.failing.len();
        let message = match lang {
            Lang::En => format!("{n} {}", if n == 1 { "finding" } else { "findings" }),
            Lang::Ja => format!("{n} 件の検出"),
        };
        write!(
            out,
            "      <failure type=\"{}\" message=\"{}\">",
            escape(&case.code, true),
            escape(&message, true)
        )?;
        write!(out, "{}", escape(&body(input, &case.failing), false))?;
        writeln!(out, "</failure>")?;
    }
    if !case.passing.is_empty() {
        write!(out, "      <system-out>")?;
        write!(out, "{}", escape(&body(input, &case.passing), false))?;
        writeln!(out, "</system-out>")?;
    }
    writeln!(out, "    </testcase>")
}

/// The findings one per line (`path:line:col: CODE slug message`), each followed by its help.
fn body(input: &Input<'_>, findings: &[&Finding]) -> String {
    let mut s = String::from("\n");
    for f in findings {
        s.push_str(&concise::line(f, input.sources, input.lang));
        s.push('\n');
        if let Some(help) = &f.help {
            let head = input.lang.pick("help", "ヘルプ");
            let _ = writeln!(s, "  {head}: {}", concise::one_line(&help.get(input.lang)));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml_1_0() {
        assert_eq!(escape("a<b>&\"c'", false), "a&lt;b&gt;&amp;\"c'");
        assert_eq!(escape("a<b>&\"c'", true), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("a\nb\tc", false), "a\nb\tc");
        assert_eq!(escape("a\nb\tc", true), "a&#10;b&#9;c");
        // Forbidden in XML 1.0 even as references: shown escaped instead.
        assert_eq!(
            escape("x\u{0}y\u{1b}z\u{fffe}", false),
            "x\\u{0}y\\u{1b}z\\u{fffe}"
        );
        assert_eq!(escape("\u{ffff}", true), "\\u{ffff}");
        assert_eq!(escape("国際共同治験 🙂", true), "国際共同治験 🙂");
        assert!(allowed_in_xml('\u{10ffff}') && !allowed_in_xml('\u{b}'));
    }
}
