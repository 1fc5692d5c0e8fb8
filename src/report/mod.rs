//! Renderers: a run's result → text for people or machines.
//!
//! Every renderer reads one [`Input`] (the findings, already sorted, and what the run checked)
//! plus the options of its own format. Spec and rule-set text reaches output only through
//! [`sanitize`].

pub mod concise;
pub mod docs;
pub mod gap;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod location;
pub mod markdown;
pub mod rules_json;
pub mod sarif;
pub mod statistics;
pub mod stats;
pub mod wrap;

pub use crate::base::sanitize;

use crate::base::{Date, Lang, Text};
use crate::config::Overrides;
use crate::diag::{Finding, Summary};
use crate::engine::{BaselineOutcome, Checked};
use crate::model::Model;
use crate::rules::RuleSet;
use crate::select::Selection;
use crate::source::SourceSet;

/// What every renderer reads: one run's result.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The findings to show, sorted by file, offset, code.
    pub findings: &'a [Finding],
    pub sources: &'a SourceSet,
    pub model: &'a Model,
    pub rules: &'a RuleSet,
    /// Counts of `findings`, files and nodes per kind.
    pub summary: &'a Summary,
    pub baseline: Option<&'a BaselineOutcome>,
    /// The configuration's severity overrides.
    pub overrides: &'a Overrides,
    /// The codes the command line selected (`--select`, `--ignore`).
    pub selection: &'a Selection,
    pub lang: Lang,
    /// The date waivers were judged against.
    pub today: Date,
    /// Where docs/rules.md is published, for links to each code (`URL#aln101`).
    pub docs_url: Option<&'a str>,
}

impl<'a> From<&'a Checked> for Input<'a> {
    fn from(c: &'a Checked) -> Input<'a> {
        Input {
            findings: &c.findings,
            sources: &c.sources,
            model: &c.model,
            rules: &c.rules,
            summary: &c.summary,
            baseline: c.baseline.as_ref(),
            overrides: &c.overrides,
            selection: &c.selection,
            lang: c.lang,
            today: c.today,
            docs_url: None,
        }
    }
}

impl Input<'_> {
    /// The link to a code's section of docs/rules.md, when its address is known.
    pub fn doc_link(&self, code: &str) -> Option<String> {
        self.docs_url
            .map(|u| format!("{u}#{}", code.to_ascii_lowercase()))
    }

    /// The language tag written in documents (`en`, `ja`).
    pub fn lang_tag(&self) -> &'static str {
        self.lang.pick("en", "ja")
    }

    /// The rule set's name (`[set] name` in schema.toml).
    pub fn rule_set_name(&self) -> &str {
        &self.rules.schema.name
    }
}

/// Runs a renderer on a buffered `out` and flushes it: a document is written in large blocks
/// rather than one `write` per line (stdout is line-buffered: a JSON report of 100,000
/// declarations was 3.7 million system calls).
pub(crate) fn buffered(
    out: &mut dyn std::io::Write,
    render: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut buffer = std::io::BufWriter::with_capacity(1 << 16, out);
    render(&mut buffer)?;
    buffer.flush()
}

/// `note: 2 findings held back …`: one line saying how many rule findings were held back as
/// consequences of structural errors or unread files; `None` when none were.
pub fn held_back_line(s: &Summary, lang: Lang) -> Option<String> {
    let n = s.held_back;
    (n > 0).then(|| match lang {
        Lang::En => format!(
            "note: {n} {} held back because {} on a declaration with an error or on a file that could not be read; fix the errors above and check again",
            plural(n, "finding", "findings"),
            plural(n, "it depends", "they depend"),
        ),
        Lang::Ja => format!(
            "注: エラーのある宣言または読み込めないファイルに依存する所見 {n} 件を保留しました。上のエラーを直してから再度検査してください"
        ),
    })
}

/// `error: 1 error, 2 warnings, 0 infos in 4 files (1 plan, 3 policies, …)`.
pub fn summary_line(s: &Summary, lang: Lang) -> String {
    let c = s.counts;
    let kinds: Vec<String> = s
        .kinds
        .iter()
        .map(|k| format!("{} {}", sanitize::line(k.label.get(lang)), k.count))
        .collect();
    let lead = if c.errors > 0 {
        Text::new("error", "要修正")
    } else if c.warnings > 0 {
        Text::new("warning", "要確認")
    } else {
        Text::new("ok", "問題なし")
    };
    let lead = lead.get(lang);
    match lang {
        Lang::En => {
            let kinds = if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({})", kinds.join(", "))
            };
            format!(
                "{lead}: {} {}, {} {}, {} {} in {} {}{kinds}",
                c.errors,
                plural(c.errors, "error", "errors"),
                c.warnings,
                plural(c.warnings, "warning", "warnings"),
                c.infos,
                plural(c.infos, "info", "infos"),
                s.files,
                plural(s.files, "file", "files"),
            )
        }
        Lang::Ja => {
            let kinds = if kinds.is_empty() {
                String::new()
            } else {
                format!(": {}", kinds.join("、"))
            };
            format!(
                "{lead}: エラー {} 件、警告 {} 件、情報 {} 件（{} ファイル{kinds}）",
                c.errors, c.warnings, c.infos, s.files,
            )
        }
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}
