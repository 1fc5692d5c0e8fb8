//! One version checked exactly as `align check` checks it. This is the only place `align
//! diff` calls into the core pipeline (rule set, engine), so a change of the engine's
//! interface is adapted here alone.

use crate::base::Date;
use crate::engine::{self, Checked as Run};
use crate::rules::{RuleSet, RuleSetError};
use crate::source::{Loaded, SourceSet};
use std::path::Path;

/// A checked version: the engine's result (sources, model, rule set, sorted findings).
#[derive(Debug)]
pub struct Checked {
    pub run: Run,
}

/// Loads the rule set (`rules_dir`, or the embedded default) into the version's sources and
/// checks the version. A rule set that cannot be used is returned with the sources its
/// findings point into.
pub fn check(
    mut loaded: Loaded,
    rules_dir: Option<&Path>,
    today: Date,
) -> Result<Checked, (RuleSetError, SourceSet)> {
    let rules = match rules_dir {
        Some(dir) => RuleSet::from_dir(dir, &mut loaded.sources),
        None => RuleSet::embedded(&mut loaded.sources),
    };
    let rules = match rules {
        Ok(r) => r,
        Err(e) => return Err((e, loaded.sources)),
    };
    Ok(Checked {
        run: engine::check_loaded(loaded, rules, today),
    })
}
