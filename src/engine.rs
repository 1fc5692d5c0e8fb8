//! The pipeline driver: sources → parse (in parallel) → model → rules → sorted findings.
//!
//! The CLI calls this; so do tests and benchmarks.

use crate::diag::{self, Finding};
use crate::model::Model;
use crate::report::Summary;
use crate::rules::RuleSet;
use crate::source::{self, SkipNote, SourceError, SourceKind, SourceSet};
use crate::syntax::{self, ast::Date};
use rayon::prelude::*;
use std::path::PathBuf;

/// What a check needs besides the paths.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date waivers are judged against.
    pub today: Date,
    pub max_file_size: u64,
}

/// The result of a check run.
#[derive(Debug)]
pub struct Run {
    pub sources: SourceSet,
    /// Sorted by file, offset, code.
    pub findings: Vec<Finding>,
    pub errors: Vec<SourceError>,
    pub skipped: Vec<SkipNote>,
    pub summary: Summary,
    pub model: Model,
}

/// Loads the files under `paths` and checks them with `rules`.
/// `load_rules` registers the rule set's files in the source set (for their spans).
pub fn check_paths<E>(
    paths: &[PathBuf],
    opts: &Options,
    load_rules: impl FnOnce(&mut SourceSet) -> Result<RuleSet, E>,
) -> Result<Run, E> {
    let loaded = source::load(paths, opts.max_file_size);
    let mut sources = loaded.sources;
    let rules = load_rules(&mut sources)?;
    Ok(check_sources(
        sources,
        loaded.findings,
        loaded.errors,
        loaded.skipped,
        &rules,
        opts,
    ))
}

/// Checks already loaded sources.
pub fn check_sources(
    sources: SourceSet,
    mut findings: Vec<Finding>,
    errors: Vec<SourceError>,
    skipped: Vec<SkipNote>,
    rules: &RuleSet,
    opts: &Options,
) -> Run {
    let specs: Vec<_> = sources
        .files()
        .filter(|(_, f)| f.kind == SourceKind::Spec && f.valid)
        .map(|(id, f)| (id, f.text.as_str()))
        .collect();
    let parsed: Vec<_> = specs
        .par_iter()
        .map(|(id, text)| (*id, syntax::parse(*id, text)))
        .collect();
    let mut files = Vec::with_capacity(parsed.len());
    for (id, (ast, errs)) in parsed {
        findings.extend(errs);
        files.push((id, ast));
    }
    let (model, model_findings) = Model::build(rules.schema.clone(), &files);
    drop(files);
    findings.extend(model_findings);
    findings.extend(rules.run(&model, opts.today));
    diag::sort(&mut findings, &sources);
    let counts_before_cap = diag::Counts::of(&findings);
    cap_per_file(&mut findings, &sources);
    let kinds = model
        .schema
        .kinds
        .iter()
        .map(|k| (k.name.clone(), model.count_of(&k.name)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let mut summary = Summary::new(&findings, &sources, kinds);
    // The summary counts every problem, shown or not (ALN022 says how many are not shown).
    summary.counts = counts_before_cap;
    Run {
        sources,
        findings,
        errors,
        skipped,
        summary,
        model,
    }
}

/// How many findings of one code one file shows; the rest are counted in one ALN022 info.
pub const MAX_FINDINGS_PER_CODE: usize = 200;

/// Keeps the first [`MAX_FINDINGS_PER_CODE`] findings of each code in each file (the findings
/// are sorted) and replaces the rest with one ALN022 info per file and code, at the first
/// finding not shown. Syntax errors have their own cap (ALN021).
fn cap_per_file(findings: &mut Vec<Finding>, sources: &SourceSet) {
    use std::collections::HashMap;
    let mut seen: HashMap<(source::FileId, String), usize> = HashMap::new();
    let mut dropped: Vec<(Finding, usize)> = Vec::new();
    findings.retain(|f| {
        let n = seen.entry((f.span.file, f.code.clone())).or_insert(0);
        *n += 1;
        if *n <= MAX_FINDINGS_PER_CODE {
            return true;
        }
        match dropped
            .iter_mut()
            .find(|(d, _)| d.span.file == f.span.file && d.code == f.code)
        {
            Some((_, count)) => *count += 1,
            None => dropped.push((f.clone(), 1)),
        }
        false
    });
    if dropped.is_empty() {
        return;
    }
    for (first, count) in dropped {
        let code = &first.code;
        findings.push(
            Finding::builtin(
                &diag::code::TOO_MANY_FINDINGS,
                first.span,
                diag::Text::new(
                    format!("{count} more {code} findings in this file are not shown"),
                    format!("このファイルの {code} の指摘があと {count} 件あります（表示していません）"),
                ),
            )
            .with_label(diag::Text::new(
                "the first not shown",
                "表示していない最初の指摘",
            ))
            .with_help(diag::Text::new(
                format!("fix the {MAX_FINDINGS_PER_CODE} shown (they often share one cause) and run align again"),
                format!("表示された {MAX_FINDINGS_PER_CODE} 件を修正し（多くは原因が共通です）、もう一度実行してください"),
            )),
        );
    }
    diag::sort(findings, sources);
}
