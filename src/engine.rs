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
    let kinds = model
        .schema
        .kinds
        .iter()
        .map(|k| (k.name.clone(), model.count_of(&k.name)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let summary = Summary::new(&findings, &sources, kinds);
    Run {
        sources,
        findings,
        errors,
        skipped,
        summary,
        model,
    }
}
