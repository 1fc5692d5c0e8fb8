//! The pipeline driver: sources → parse (in parallel) → model → rules → sorted findings.
//!
//! The CLI calls this; so do tests and benchmarks.

use crate::diag::{self, Finding};
use crate::model::{self, Model, Schema};
use crate::report::Summary;
use crate::rules::RuleSet;
use crate::source::{self, SkipNote, SourceError, SourceKind, SourceSet};
use crate::syntax::{self, ast::Date};
use rayon::prelude::*;

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

/// Checks already loaded sources.
pub fn check_sources(
    sources: SourceSet,
    mut findings: Vec<Finding>,
    errors: Vec<SourceError>,
    skipped: Vec<SkipNote>,
    rules: &RuleSet,
    opts: &Options,
) -> Run {
    let model = build_model(&sources, &rules.schema, &mut findings);
    findings.extend(rules.run(&model, opts.today));
    diag::sort(&mut findings, &sources);
    let summary = Summary::new(&findings, &sources, &model);
    Run {
        sources,
        findings,
        errors,
        skipped,
        summary,
        model,
    }
}

/// Parses the valid spec files (in parallel) and builds the model, adding the syntax and
/// structural findings to `findings`.
fn build_model(sources: &SourceSet, schema: &Schema, findings: &mut Vec<Finding>) -> Model {
    let specs: Vec<_> = sources
        .files()
        .filter(|(_, f)| f.kind == SourceKind::Spec && f.valid)
        .map(|(id, f)| (id, f.text.as_str()))
        .collect();
    // Parse and lower each file in parallel; its syntax tree is dropped as soon as it is lowered.
    let lowered: Vec<_> = specs
        .par_iter()
        .map(|(id, text)| {
            let (ast, mut errs) = syntax::parse(*id, text);
            let (nodes, more) = model::lower(schema, &ast);
            errs.extend(more);
            (*id, nodes, errs)
        })
        .collect();
    let mut files = Vec::with_capacity(lowered.len());
    for (id, nodes, errs) in lowered {
        findings.extend(errs);
        files.push((id, nodes));
    }
    let (model, mut model_findings) = Model::assemble(schema.clone(), files);
    note_unread_files(sources, &mut model_findings);
    findings.extend(model_findings);
    model
}

/// Assembles the model from spec files already parsed and lowered with [`model::lower`]
/// (`files` in file order, each file's syntax and lowering findings already in `findings`)
/// and runs the rules: the findings [`check_sources`] gives for the same sources, sorted.
/// The language server keeps each file's lowered nodes and lowers again only what changed.
pub fn check_lowered(
    sources: &SourceSet,
    files: Vec<(source::FileId, Vec<model::Node>)>,
    mut findings: Vec<Finding>,
    rules: &RuleSet,
    today: Date,
) -> (Model, Vec<Finding>) {
    let (model, mut model_findings) = Model::assemble(rules.schema.clone(), files);
    note_unread_files(sources, &mut model_findings);
    findings.extend(model_findings);
    findings.extend(rules.run(&model, today));
    diag::sort(&mut findings, sources);
    (model, findings)
}

/// The model of the files under `paths` and the rule set, without running the rules: what
/// `align stats` reads.
#[derive(Debug)]
pub struct Modelled {
    pub sources: SourceSet,
    /// Syntax and structural findings, sorted.
    pub findings: Vec<Finding>,
    pub errors: Vec<SourceError>,
    pub skipped: Vec<SkipNote>,
    pub model: Model,
    pub rules: RuleSet,
}

/// Builds the model of already loaded sources with the rule set's schema, without running the
/// rules.
pub fn model_sources(loaded: source::Loaded, rules: RuleSet) -> Modelled {
    let source::Loaded {
        sources,
        mut findings,
        errors,
        skipped,
    } = loaded;
    let model = build_model(&sources, &rules.schema, &mut findings);
    diag::sort(&mut findings, &sources);
    Modelled {
        sources,
        findings,
        errors,
        skipped,
        model,
        rules,
    }
}

/// A spec file that could not be decoded (not UTF-8) was not modelled: an ID it declares is
/// reported as not declared elsewhere. Say so under each such finding, so the drafter fixes the
/// encoding first rather than chase the references.
fn note_unread_files(sources: &SourceSet, findings: &mut [Finding]) {
    let unread: Vec<&str> = sources
        .files()
        .filter(|(_, f)| f.kind == SourceKind::Spec && !f.valid)
        .map(|(_, f)| f.name.as_str())
        .collect();
    if unread.is_empty() {
        return;
    }
    let list = unread.join(", ");
    let note = diag::Text::new(
        format!("not checked because not UTF-8: {list}; the ID may be declared there"),
        format!("UTF-8 でないため検査していないファイル: {list}。ID はそこで宣言されている可能性があります"),
    );
    for f in findings
        .iter_mut()
        .filter(|f| f.code == diag::code::UNRESOLVED_REFERENCE.code)
    {
        f.notes.push(note.clone());
    }
}

/// How many findings of one code one file shows; the rest are counted in one ALN022 info.
pub const MAX_FINDINGS_PER_CODE: usize = 200;

/// Keeps the first [`MAX_FINDINGS_PER_CODE`] findings of each code in each file (the findings
/// are sorted) and replaces the rest with one ALN022 info per file and code, at the first
/// finding not shown. Syntax errors have their own cap (ALN021). Only human output is capped:
/// machine formats and baselines need every finding, and summaries count every finding.
pub fn cap_per_file(findings: &mut Vec<Finding>, sources: &SourceSet) {
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
