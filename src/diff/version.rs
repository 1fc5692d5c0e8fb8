//! One version checked exactly as `align check` checks it. This is the only place `align
//! diff` calls into the core pipeline (rule set, engine), so a change of the engine's
//! interface is adapted here alone.

use crate::engine::{self, Options, Run};
use crate::rules::{RuleSet, RuleSetError};
use crate::source::{Loaded, SourceSet};
use std::path::Path;

/// A checked version: the engine's run (sources, model, sorted findings) and the rule set.
#[derive(Debug)]
pub struct Checked {
    pub run: Run,
    pub rules: RuleSet,
}

/// Loads the rule set (`rules_dir`, or the embedded default) into the version's sources and
/// checks the version. A rule set that cannot be used is returned with the sources its
/// findings point into.
pub fn check(
    loaded: Loaded,
    rules_dir: Option<&Path>,
    opts: &Options,
) -> Result<Checked, (RuleSetError, SourceSet)> {
    let Loaded {
        mut sources,
        findings,
        errors,
        skipped,
    } = loaded;
    let rules = match rules_dir {
        Some(dir) => RuleSet::from_dir(dir, &mut sources),
        None => RuleSet::embedded(&mut sources),
    };
    let rules = match rules {
        Ok(r) => r,
        Err(e) => return Err((e, sources)),
    };
    let run = engine::check_sources(sources, findings, errors, skipped, &rules, opts);
    Ok(Checked { run, rules })
}
