//! `align check --statistics`: how many findings of each code, most frequent first (like
//! `ruff check --statistics`), as a table or, with `--format json`, a JSON document
//! (docs/json.md). Not to be confused with `align stats` (KPI series and stage gates).

use super::Input;
use crate::diag::Severity;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

/// The `format` field of the JSON document.
pub const FORMAT: &str = "align-statistics";
/// The document's version; raised on any incompatible change.
pub const VERSION: u32 = 1;

/// One row: a code, its slug, the highest severity among its findings, and their number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub code: String,
    pub slug: String,
    pub severity: &'static str,
    pub count: usize,
}

/// The rows, by count (descending), then code.
pub fn rows(input: &Input<'_>) -> Vec<Row> {
    let mut per_code: HashMap<&str, (&str, Severity, usize)> = HashMap::new();
    for f in input.findings {
        let e = per_code
            .entry(f.code.as_str())
            .or_insert((f.slug.as_str(), f.severity, 0));
        e.1 = e.1.max(f.severity);
        e.2 += 1;
    }
    let mut rows: Vec<Row> = per_code
        .into_iter()
        .map(|(code, (slug, severity, count))| Row {
            code: code.to_owned(),
            slug: slug.to_owned(),
            severity: severity.as_str(),
            count,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    rows
}

/// `  12  ALN101  item-without-program  error`, one row per code, then the summary line
/// unless `quiet`.
pub fn render_table(input: &Input<'_>, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows = rows(input);
    let count_w = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_w = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let slug_w = rows.iter().map(|r| r.slug.len()).max().unwrap_or(0);
    for r in &rows {
        writeln!(
            out,
            "{:>count_w$}  {:<code_w$}  {:<slug_w$}  {}",
            r.count, r.code, r.slug, r.severity
        )?;
    }
    if !quiet {
        writeln!(out, "{}", super::summary_line(input.summary, input.lang))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    rule_set: &'a str,
    statistics: Vec<Row>,
    total: usize,
}

/// The JSON document: `{"format": "align-statistics", "version": 1, "rule_set", "statistics":
/// [{"code", "slug", "severity", "count"}], "total"}`.
pub fn render_json(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        format: FORMAT,
        version: VERSION,
        rule_set: input.rule_set_name(),
        statistics: rows(input),
        total: input.findings.len(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
